/* tests/unit/test_payment.c — placeholder, written by its owner. */
#include "suites.h"

Suite *suite_payment(void)
{
    return suite_create("payment");
}

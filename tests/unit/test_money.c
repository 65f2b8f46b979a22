/* tests/unit/test_money.c — placeholder, written by its owner. */
#include "suites.h"

Suite *suite_money(void)
{
    return suite_create("money");
}

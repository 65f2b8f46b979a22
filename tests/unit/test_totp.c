/* test_totp.c — placeholder. */
#include "suites.h"
Suite *suite_totp(void)
{
    Suite *s = suite_create("totp");
    return s;
}

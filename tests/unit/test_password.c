/* test_password.c — placeholder. */
#include "suites.h"
Suite *suite_password(void)
{
    Suite *s = suite_create("password");
    return s;
}

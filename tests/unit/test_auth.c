/* test_auth.c — placeholder. */
#include "suites.h"
Suite *suite_auth(void)
{
    Suite *s = suite_create("auth");
    return s;
}

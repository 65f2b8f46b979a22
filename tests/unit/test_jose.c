/* test_jose.c — placeholder. */
#include "suites.h"
Suite *suite_jose(void)
{
    Suite *s = suite_create("jose");
    return s;
}

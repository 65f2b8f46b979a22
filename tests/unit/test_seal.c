/* test_seal.c — placeholder. */
#include "suites.h"
Suite *suite_seal(void)
{
    Suite *s = suite_create("seal");
    return s;
}

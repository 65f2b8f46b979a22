/* test_fuzzy.c — placeholder. */
#include "suites.h"
Suite *suite_fuzzy(void)
{
    return suite_create("fuzzy");
}

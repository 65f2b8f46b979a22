/* test_errors.c — unit tests of lib/errors (not written yet). */
#include "suites.h"

Suite *suite_errors(void)
{
    Suite *s = suite_create("errors");
    return s;
}

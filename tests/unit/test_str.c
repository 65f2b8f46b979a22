/* test_str.c — unit tests of lib/str (not written yet). */
#include "suites.h"

Suite *suite_str(void)
{
    Suite *s = suite_create("str");
    return s;
}

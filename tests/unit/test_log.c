/* test_log.c — unit tests of lib/log (not written yet). */
#include "suites.h"

Suite *suite_log(void)
{
    Suite *s = suite_create("log");
    return s;
}

/* test_config.c — unit tests of lib/config (not written yet). */
#include "suites.h"

Suite *suite_config(void)
{
    Suite *s = suite_create("config");
    return s;
}

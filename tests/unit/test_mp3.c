/* test_mp3.c — unit tests of lib/mp3 (not written yet). */
#include "suites.h"

Suite *suite_mp3(void)
{
    Suite *s = suite_create("mp3");
    return s;
}

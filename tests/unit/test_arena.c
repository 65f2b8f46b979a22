/* test_arena.c — unit tests of lib/arena (not written yet). */
#include "suites.h"

Suite *suite_arena(void)
{
    Suite *s = suite_create("arena");
    return s;
}

/* test_view.c — unit tests of lib/view (not written yet). */
#include "suites.h"

Suite *suite_view(void)
{
    Suite *s = suite_create("view");
    return s;
}

/* test_http.c — unit tests of lib/http (not written yet). */
#include "suites.h"

Suite *suite_http(void)
{
    Suite *s = suite_create("http");
    return s;
}

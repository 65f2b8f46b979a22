/* test_url.c — unit tests of lib/url (not written yet). */
#include "suites.h"

Suite *suite_url(void)
{
    Suite *s = suite_create("url");
    return s;
}

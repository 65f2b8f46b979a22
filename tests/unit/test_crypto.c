/* test_crypto.c — unit tests of lib/crypto (not written yet). */
#include "suites.h"

Suite *suite_crypto(void)
{
    Suite *s = suite_create("crypto");
    return s;
}

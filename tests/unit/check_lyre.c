/* check_lyre.c — runs every unit suite of lib/ (no servers needed). */
#include <stdlib.h>
#include "suites.h"

int main(void)
{
    SRunner *sr = srunner_create(suite_str());
    srunner_add_suite(sr, suite_arena());
    srunner_add_suite(sr, suite_log());
    srunner_add_suite(sr, suite_config());
    srunner_add_suite(sr, suite_url());
    srunner_add_suite(sr, suite_http());
    srunner_add_suite(sr, suite_errors());
    srunner_add_suite(sr, suite_view());
    srunner_add_suite(sr, suite_crypto());
    srunner_add_suite(sr, suite_mp3());
    srunner_add_suite(sr, suite_sortkey());
    srunner_add_suite(sr, suite_pagecache());
    srunner_add_suite(sr, suite_password());
    srunner_add_suite(sr, suite_totp());
    srunner_add_suite(sr, suite_seal());
    srunner_add_suite(sr, suite_jose());
    srunner_add_suite(sr, suite_auth());
    srunner_add_suite(sr, suite_fuzzy());
    srunner_add_suite(sr, suite_multipart());
    srunner_add_suite(sr, suite_money());
    srunner_add_suite(sr, suite_payment());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

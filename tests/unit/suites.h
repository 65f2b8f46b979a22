/* suites.h — every Check suite of check_lyre; one test_<module>.c each. */
#ifndef LYRE_TEST_SUITES_H
#define LYRE_TEST_SUITES_H
#include <check.h>
Suite *suite_str(void);
Suite *suite_arena(void);
Suite *suite_log(void);
Suite *suite_config(void);
Suite *suite_url(void);
Suite *suite_http(void);
Suite *suite_errors(void);
Suite *suite_view(void);
Suite *suite_crypto(void);
Suite *suite_mp3(void);
Suite *suite_sortkey(void);
Suite *suite_pagecache(void);
Suite *suite_password(void);
Suite *suite_totp(void);
Suite *suite_seal(void);
Suite *suite_jose(void);
Suite *suite_auth(void);
Suite *suite_fuzzy(void);
Suite *suite_multipart(void);
Suite *suite_money(void);
Suite *suite_payment(void);
#endif

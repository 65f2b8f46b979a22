/* test_url.c — unit tests of lib/url: UTF-8, percent-decoding, forms, cookies. */
#include <string.h>

#include "suites.h"
#include "url.h"

START_TEST(utf8_validation)
{
    ck_assert(utf8_valid("", 0));
    ck_assert(utf8_valid("abc", 3));
    ck_assert(utf8_valid("Zo\xC3\xAB", 4));                 /* ë */
    ck_assert(utf8_valid("\xE2\x82\xAC", 3));               /* € */
    ck_assert(utf8_valid("\xF0\x9F\x8E\xB5", 4));           /* 🎵 */
    ck_assert(!utf8_valid("\xC3\x28", 2));                  /* bad continuation */
    ck_assert(!utf8_valid("\xFF", 1));
    ck_assert(!utf8_valid("\xC0\xAF", 2));                  /* overlong / */
    ck_assert(!utf8_valid("\xE0\x80\xAF", 3));              /* overlong */
    ck_assert(!utf8_valid("\xED\xA0\x80", 3));              /* surrogate */
    ck_assert(!utf8_valid("\xF4\x90\x80\x80", 4));          /* > U+10FFFF */
    ck_assert(!utf8_valid("\xE2\x82", 2));                  /* truncated */
    ck_assert(!utf8_valid("a\0b", 3));                      /* NUL */
}
END_TEST

START_TEST(percent_decoding)
{
    arena a;
    arena_init(&a, 0);
    size_t len;
    ck_assert_str_eq(url_decode(&a, "a%20b+c", 7, 0, NULL), "a b+c");
    ck_assert_str_eq(url_decode(&a, "a%20b+c", 7, 1, &len), "a b c");
    ck_assert_uint_eq(len, 5);
    ck_assert_str_eq(url_decode(&a, "Zo%C3%AB", 8, 1, NULL), "Zo\xC3\xAB");
    ck_assert_str_eq(url_decode(&a, "%3Cscript%3E", 12, 1, NULL), "<script>");
    ck_assert_ptr_null(url_decode(&a, "%", 1, 1, NULL));
    ck_assert_ptr_null(url_decode(&a, "%4", 2, 1, NULL));
    ck_assert_ptr_null(url_decode(&a, "%zz", 3, 1, NULL));
    ck_assert_ptr_null(url_decode(&a, "%00", 3, 1, NULL));
    ck_assert_ptr_null(url_decode(&a, "%FF", 3, 1, NULL));
    ck_assert_ptr_null(url_decode(&a, "%C3%28", 6, 1, NULL));
    ck_assert_str_eq(url_encode(&a, "a b&c=ë/"), "a%20b%26c%3D%C3%AB%2F");
    arena_free(&a);
}
END_TEST

START_TEST(forms)
{
    arena a;
    arena_init(&a, 0);
    lyre_params p;
    const char *s = "q=beat+it&page=2&empty=&flag&&x=%E2%82%AC";
    ck_assert_int_eq(params_parse_form(&a, s, strlen(s), 100, &p), 0);
    ck_assert_uint_eq(p.count, 5);
    ck_assert_str_eq(params_get(&p, "q"), "beat it");
    ck_assert_str_eq(params_get(&p, "page"), "2");
    ck_assert_str_eq(params_get(&p, "empty"), "");
    ck_assert_str_eq(params_get(&p, "flag"), "");
    ck_assert_str_eq(params_get(&p, "x"), "\xE2\x82\xAC");
    ck_assert_ptr_null(params_get(&p, "missing"));
    ck_assert_int_eq(params_parse_form(&a, "", 0, 100, &p), 0);
    ck_assert_uint_eq(p.count, 0);
    ck_assert_int_eq(params_parse_form(&a, "a=%ZZ", 5, 100, &p), -1);
    ck_assert_int_eq(params_parse_form(&a, "a=%C3%28", 8, 100, &p), -1);
    ck_assert_int_eq(params_parse_form(&a, "a=1&b=2&c=3", 11, 2, &p), 0);
    ck_assert_uint_eq(p.count, 2);
    /* First value wins. */
    ck_assert_int_eq(params_parse_form(&a, "a=1&a=2", 7, 10, &p), 0);
    ck_assert_str_eq(params_get(&p, "a"), "1");
    arena_free(&a);
}
END_TEST

START_TEST(cookies)
{
    arena a;
    arena_init(&a, 0);
    lyre_params p;
    params_parse_cookies(&a, "sid=abc123; theme=\"dark\";  broken; =x; n = v ", 100, &p);
    ck_assert_str_eq(params_get(&p, "sid"), "abc123");
    ck_assert_str_eq(params_get(&p, "theme"), "dark");
    ck_assert_str_eq(params_get(&p, "n"), "v");
    ck_assert_ptr_null(params_get(&p, "broken"));
    ck_assert_uint_eq(p.count, 3);
    params_parse_cookies(&a, NULL, 100, &p);
    ck_assert_uint_eq(p.count, 0);
    params_parse_cookies(&a, "bad=\xFF; good=1", 100, &p);
    ck_assert_ptr_null(params_get(&p, "bad"));
    ck_assert_str_eq(params_get(&p, "good"), "1");
    arena_free(&a);
}
END_TEST

Suite *suite_url(void)
{
    Suite *s = suite_create("url");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, utf8_validation);
    tcase_add_test(tc, percent_decoding);
    tcase_add_test(tc, forms);
    tcase_add_test(tc, cookies);
    suite_add_tcase(s, tc);
    return s;
}

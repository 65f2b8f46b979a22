/* test_str.c — unit tests of lib/str (strbuf and string helpers). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "str.h"
#include "suites.h"

START_TEST(empty_buffer_is_a_string)
{
    strbuf sb = STRBUF_INIT;
    ck_assert_str_eq(sb.buf, "");
    ck_assert_uint_eq(sb.len, 0);
    sb_free(&sb);
    sb_reset(&sb);
    ck_assert_str_eq(sb.buf, "");
}
END_TEST

START_TEST(appends_grow)
{
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 10000; i++)
        sb_addc(&sb, (char)('a' + i % 26));
    ck_assert_uint_eq(sb.len, 10000);
    ck_assert_uint_eq(strlen(sb.buf), 10000);
    ck_assert_int_eq(sb.buf[26], 'a');
    sb_adds(&sb, "XYZ");
    ck_assert(str_ends_with(sb.buf, "zXYZ") || str_ends_with(sb.buf, "XYZ"));
    sb_add(&sb, "a\0b", 3);
    ck_assert_uint_eq(sb.len, 10006);
    ck_assert_int_eq(sb.buf[sb.len], '\0');
    sb_free(&sb);
}
END_TEST

START_TEST(printf_appends_long_output)
{
    strbuf sb = STRBUF_INIT;
    sb_addf(&sb, "%d-%s", 42, "x");
    ck_assert_str_eq(sb.buf, "42-x");
    char big[5000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sb_addf(&sb, "[%s]", big);
    ck_assert_uint_eq(sb.len, 4 + 2 + 4999);
    ck_assert_int_eq(sb.buf[4], '[');
    ck_assert_int_eq(sb.buf[sb.len - 1], ']');
    sb_free(&sb);
}
END_TEST

START_TEST(reset_keeps_capacity_and_detach_hands_over)
{
    strbuf sb = STRBUF_INIT;
    sb_adds(&sb, "hello world");
    size_t cap = sb.cap;
    sb_reset(&sb);
    ck_assert_str_eq(sb.buf, "");
    ck_assert_uint_eq(sb.cap, cap);
    sb_adds(&sb, "abc");
    sb_setlen(&sb, 1);
    ck_assert_str_eq(sb.buf, "a");
    size_t len;
    char *s = sb_detach(&sb, &len);
    ck_assert_str_eq(s, "a");
    ck_assert_uint_eq(len, 1);
    ck_assert_str_eq(sb.buf, "");
    free(s);
    s = sb_detach(&sb, NULL);
    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

START_TEST(copy_is_bounded)
{
    char buf[4];
    ck_assert_int_eq(str_copy(buf, sizeof buf, "abc"), 0);
    ck_assert_str_eq(buf, "abc");
    ck_assert_int_eq(str_copy(buf, sizeof buf, "abcdef"), -1);
    ck_assert_str_eq(buf, "abc");
    ck_assert(str_starts_with("/album/7", "/album/"));
    ck_assert(!str_starts_with("/al", "/album/"));
}
END_TEST

START_TEST(ids_are_canonical_decimal)
{
    unsigned long long id;
    ck_assert_int_eq(str_to_id("7", 100, &id), 0);
    ck_assert_uint_eq(id, 7);
    ck_assert_int_eq(str_to_id("4294967295", 4294967295ULL, &id), 0);
    const char *bad[] = { "", "0", "007", "-1", "+1", "1e3", " 1", "1 ", "abc", "1'", "4294967296",
                          "99999999999999999999999", "18446744073709551616", NULL };
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(str_to_id(bad[i], 4294967295ULL, &id) == -1, "accepted %s", bad[i]);
    ck_assert_int_eq(str_to_id(NULL, 10, &id), -1);
}
END_TEST

START_TEST(longs_are_bounded)
{
    long v;
    ck_assert_int_eq(str_to_long("-5", -10, 10, &v), 0);
    ck_assert_int_eq(v, -5);
    ck_assert_int_eq(str_to_long("11", -10, 10, &v), -1);
    ck_assert_int_eq(str_to_long("1x", 0, 10, &v), -1);
    ck_assert_int_eq(str_to_long("-", 0, 10, &v), -1);
    ck_assert_int_eq(str_to_long("99999999999999999999", 0, LONG_MAX, &v), -1);
}
END_TEST

Suite *suite_str(void)
{
    Suite *s = suite_create("str");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, empty_buffer_is_a_string);
    tcase_add_test(tc, appends_grow);
    tcase_add_test(tc, printf_appends_long_output);
    tcase_add_test(tc, reset_keeps_capacity_and_detach_hands_over);
    tcase_add_test(tc, copy_is_bounded);
    tcase_add_test(tc, ids_are_canonical_decimal);
    tcase_add_test(tc, longs_are_bounded);
    suite_add_tcase(s, tc);
    return s;
}

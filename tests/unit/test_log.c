/* test_log.c — lib/log: line format, escaping, levels. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "str.h"
#include "suites.h"

static FILE *mem;
static char *mem_buf;
static size_t mem_len;

static void setup(void)
{
    mem_buf = NULL;
    mem_len = 0;
    mem = open_memstream(&mem_buf, &mem_len);
    ck_assert_ptr_nonnull(mem);
    log_init("test-prog");
    log_set_request_id(NULL);
    log_set_stream(mem);
}

static void teardown(void)
{
    log_set_stream(NULL);
    log_set_level(LOG_LEVEL_INFO);
    log_init("lyre");
    if (mem)
        fclose(mem);
    free(mem_buf);
    mem = NULL;
}

/* Everything written so far. */
static const char *output(void)
{
    ck_assert_int_eq(fflush(mem), 0);
    return mem_buf ? mem_buf : "";
}

/* The part after "func: " of the only line written. */
static const char *message_of_line(void)
{
    const char *out = output();
    const char *colon = strstr(out, ": ");
    const char *nl = strchr(out, '\n');
    ck_assert_ptr_nonnull(colon);
    ck_assert_ptr_nonnull(nl);
    ck_assert_ptr_eq(strchr(nl + 1, '\n'), NULL);
    return colon + 2;
}

static void assert_logged_message(const char *want_with_newline)
{
    ck_assert_str_eq(message_of_line(), want_with_newline);
}

START_TEST(test_line_format)
{
    regex_t re;
    strbuf want = STRBUF_INIT;
    const char *out;
    int rc;

    log_error("hello %d", 42);
    out = output();
    ck_assert_int_eq(regcomp(&re,
        "^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z "
        "test-prog\\[[0-9]+\\] ERROR req=- test_log\\.c:[0-9]+ test_line_format(_fn)?: hello 42\n$",
        REG_EXTENDED | REG_NOSUB), 0);
    rc = regexec(&re, out, 0, NULL, 0);
    regfree(&re);
    ck_assert_msg(rc == 0, "bad line: %s", out);
    sb_addf(&want, "test-prog[%ld] ERROR", (long)getpid());
    ck_assert_ptr_nonnull(strstr(out, want.buf));
    sb_free(&want);
}
END_TEST

START_TEST(test_program_basename)
{
    log_init("/usr/lib/lyre/lyre-catalog");
    log_warn("x");
    ck_assert_ptr_nonnull(strstr(output(), "Z lyre-catalog["));
    ck_assert_ptr_nonnull(strstr(output(), "] WARN req=-"));
}
END_TEST

START_TEST(test_request_id)
{
    log_set_request_id("3f2a9c");
    ck_assert_str_eq(log_request_id(), "3f2a9c");
    log_info("in request");
    ck_assert_ptr_nonnull(strstr(output(), " INFO req=3f2a9c test_log.c:"));
    log_set_request_id(NULL);
    ck_assert_str_eq(log_request_id(), "-");
    log_set_request_id("");
    ck_assert_str_eq(log_request_id(), "-");
}
END_TEST

START_TEST(test_request_id_copied_and_escaped)
{
    char id[] = "ab\ncd";
    log_set_request_id(id);
    id[0] = 'X';
    ck_assert_str_eq(log_request_id(), "ab\ncd");
    log_error("m");
    ck_assert_ptr_nonnull(strstr(output(), " req=ab\\x0acd "));
}
END_TEST

START_TEST(test_escape_controls)
{
    log_error("a\nb\rc\x1b[31m\x7f\td");
    assert_logged_message("a\\x0ab\\x0dc\\x1b[31m\\x7f\\x09d\n");
}
END_TEST

START_TEST(test_escape_forged_line)
{
    log_error("user=%s", "bob\n2026-01-01T00:00:00Z lyre[1] ERROR forged");
    ck_assert_ptr_nonnull(strstr(output(), "bob\\x0a2026-01-01"));
    message_of_line();   /* exactly one newline */
}
END_TEST

START_TEST(test_escape_backslash)
{
    log_error("C:\\x0a");
    assert_logged_message("C:\\x5cx0a\n");
}
END_TEST

START_TEST(test_utf8_kept)
{
    log_error("caf\xc3\xa9 \xe2\x99\xaa \xf0\x9d\x84\x9e end");
    assert_logged_message("caf\xc3\xa9 \xe2\x99\xaa \xf0\x9d\x84\x9e end\n");
}
END_TEST

START_TEST(test_invalid_utf8_escaped)
{
    log_error("%s", "\xff|\xc3(|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\x80|\xc2\x9b|\xe2\x99");
    assert_logged_message("\\xff|\\xc3(|\\xc0\\xaf|\\xed\\xa0\\x80|\\xf4\\x90\\x80\\x80|\\x80|"
                          "\\xc2\\x9b|\\xe2\\x99\n");
}
END_TEST

START_TEST(test_overlong_three_byte_escaped)
{
    log_error("%s", "\xe0\x80\xaf");
    assert_logged_message("\\xe0\\x80\\xaf\n");
}
END_TEST

START_TEST(test_truncation)
{
    char *big = malloc(20001);
    const char *out;
    ck_assert_ptr_nonnull(big);
    memset(big, 'a', 20000);
    big[20000] = '\0';
    log_error("%s", big);
    free(big);
    out = output();
    ck_assert_ptr_nonnull(strstr(out, " [truncated, 20000 bytes]\n"));
    ck_assert_uint_lt(strlen(out), 8192 + 256);
    message_of_line();
}
END_TEST

static int evaluated;
static int side_effect(void)
{
    evaluated++;
    return 1;
}

START_TEST(test_levels)
{
    log_set_level(LOG_LEVEL_WARN);
    ck_assert_int_eq(log_get_level(), LOG_LEVEL_WARN);
    log_info("hidden info");
    log_debug("hidden debug %d", side_effect());
    ck_assert_int_eq(evaluated, 0);
    ck_assert_str_eq(output(), "");
    log_warn("shown warn");
    log_error("shown error");
    ck_assert_ptr_nonnull(strstr(output(), " WARN "));
    ck_assert_ptr_nonnull(strstr(output(), "shown error"));

    log_set_level(LOG_LEVEL_DEBUG);
    log_debug("now %d", side_effect());
    ck_assert_int_eq(evaluated, 1);
    ck_assert_ptr_nonnull(strstr(output(), " DEBUG req=- test_log.c:"));

    log_set_level(LOG_LEVEL_ERROR);
    log_warn("hidden warn");
    ck_assert_ptr_null(strstr(output(), "hidden"));

    log_set_level((enum log_level)17);   /* ignored */
    ck_assert_int_eq(log_get_level(), LOG_LEVEL_ERROR);
}
END_TEST

START_TEST(test_default_level_is_info)
{
    ck_assert_int_eq(log_get_level(), LOG_LEVEL_INFO);
}
END_TEST

START_TEST(test_level_names)
{
    enum log_level level = LOG_LEVEL_ERROR;
    ck_assert_int_eq(log_level_from_name("error", &level), 0);
    ck_assert_int_eq(level, LOG_LEVEL_ERROR);
    ck_assert_int_eq(log_level_from_name("warn", &level), 0);
    ck_assert_int_eq(level, LOG_LEVEL_WARN);
    ck_assert_int_eq(log_level_from_name("info", &level), 0);
    ck_assert_int_eq(level, LOG_LEVEL_INFO);
    ck_assert_int_eq(log_level_from_name("debug", &level), 0);
    ck_assert_int_eq(level, LOG_LEVEL_DEBUG);
    ck_assert_int_eq(log_level_from_name("warning", &level), -1);
    ck_assert_int_eq(log_level_from_name("INFO", &level), -1);
    ck_assert_int_eq(log_level_from_name("", &level), -1);
    ck_assert_int_eq(log_level_from_name(NULL, &level), -1);
    ck_assert_int_eq(level, LOG_LEVEL_DEBUG);
}
END_TEST

START_TEST(test_one_line_per_call)
{
    const char *p;
    int lines = 0;
    log_error("one");
    log_warn("two\n\n");
    log_info("three");
    for (p = output(); *p; p++)
        lines += *p == '\n';
    ck_assert_int_eq(lines, 3);
}
END_TEST

Suite *suite_log(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("log");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_default_level_is_info);
    tcase_add_test(tc, test_line_format);
    tcase_add_test(tc, test_program_basename);
    tcase_add_test(tc, test_request_id);
    tcase_add_test(tc, test_request_id_copied_and_escaped);
    tcase_add_test(tc, test_escape_controls);
    tcase_add_test(tc, test_escape_forged_line);
    tcase_add_test(tc, test_escape_backslash);
    tcase_add_test(tc, test_utf8_kept);
    tcase_add_test(tc, test_invalid_utf8_escaped);
    tcase_add_test(tc, test_overlong_three_byte_escaped);
    tcase_add_test(tc, test_truncation);
    tcase_add_test(tc, test_levels);
    tcase_add_test(tc, test_level_names);
    tcase_add_test(tc, test_one_line_per_call);
    suite_add_tcase(s, tc);
    return s;
}

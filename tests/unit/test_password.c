/* test_password.c — lib/password: argon2id round trips and the NIST rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "password.h"
#include "suites.h"

#define COMMON LYRE_TEST_SRCDIR "/data/common-passwords.txt"

/* Cheap parameters: the tests are about behaviour, not cost. */
static lyre_config test_cfg(void)
{
    lyre_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.argon2_time_cost = 1;
    cfg.argon2_memory_kib = 1024;
    cfg.argon2_parallelism = 1;
    cfg.common_passwords_file = (char *)COMMON;
    return cfg;
}

START_TEST(test_round_trip)
{
    lyre_config cfg = test_cfg();
    arena a;
    const char *h1, *h2;

    arena_init(&a, 1024);
    h1 = password_hash(&cfg, &a, "correct horse battery staple");
    h2 = password_hash(&cfg, &a, "correct horse battery staple");
    ck_assert_ptr_nonnull(h1);
    ck_assert_ptr_nonnull(h2);
    ck_assert(strncmp(h1, "$argon2id$v=19$m=1024,t=1,p=1$", 30) == 0);
    ck_assert_str_ne(h1, h2);   /* a fresh salt each time */
    ck_assert_int_eq(password_verify(h1, "correct horse battery staple"), 1);
    ck_assert_int_eq(password_verify(h2, "correct horse battery staple"), 1);
    ck_assert_int_eq(password_verify(h1, "correct horse battery stapl"), 0);
    ck_assert_int_eq(password_verify(h1, "Correct horse battery staple"), 0);
    ck_assert_int_eq(password_verify(h1, ""), 0);
    ck_assert_int_eq(password_verify(h1, NULL), 0);

    /* UTF-8 and the longest allowed password. */
    {
        char long_pw[PASSWORD_MAX_BYTES + 1];
        memset(long_pw, 'x', PASSWORD_MAX_BYTES);
        long_pw[PASSWORD_MAX_BYTES] = '\0';
        h1 = password_hash(&cfg, &a, long_pw);
        ck_assert_int_eq(password_verify(h1, long_pw), 1);
        long_pw[PASSWORD_MAX_BYTES - 1] = 'y';
        ck_assert_int_eq(password_verify(h1, long_pw), 0);
        h1 = password_hash(&cfg, &a, "p\xc3\xa4ssw\xc3\xb6rd \xe2\x99\xab");
        ck_assert_int_eq(password_verify(h1, "p\xc3\xa4ssw\xc3\xb6rd \xe2\x99\xab"), 1);
    }
    ck_assert_ptr_null(password_hash(&cfg, &a, NULL));
    arena_free(&a);
}
END_TEST

START_TEST(test_needs_rehash)
{
    lyre_config cfg = test_cfg(), other;
    arena a;
    const char *h;

    arena_init(&a, 1024);
    h = password_hash(&cfg, &a, "a long enough password");
    ck_assert_int_eq(password_needs_rehash(&cfg, h), 0);
    other = cfg;
    other.argon2_time_cost = 2;
    ck_assert_int_eq(password_needs_rehash(&other, h), 1);
    other = cfg;
    other.argon2_memory_kib = 2048;
    ck_assert_int_eq(password_needs_rehash(&other, h), 1);
    other = cfg;
    other.argon2_parallelism = 2;
    ck_assert_int_eq(password_needs_rehash(&other, h), 1);
    /* Not ours or not parsable: replace it at the next login. */
    ck_assert_int_eq(password_needs_rehash(&cfg, NULL), 1);
    ck_assert_int_eq(password_needs_rehash(&cfg, ""), 1);
    ck_assert_int_eq(password_needs_rehash(&cfg, "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA"), 1);
    ck_assert_int_eq(password_needs_rehash(&cfg, "$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA"), 1);
    ck_assert_int_eq(password_needs_rehash(&cfg, "$argon2id$v=19$m=1024,t=1$c2FsdHNhbHQ$aGFzaA"), 1);
    arena_free(&a);
}
END_TEST

START_TEST(test_malformed_encoded)
{
    lyre_config cfg = test_cfg();
    arena a;
    const char *h;
    char *cut;
    static const char *bad[] = {
        "", "$", "$argon2id$", "$argon2id$v=19$", "plain text password", "$2y$10$abcdefghijklmnopqrstuv",
        "$argon2id$v=19$m=1024,t=1,p=1$$", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$",
        "$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
    };

    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);

    ck_assert_ptr_nonnull(mem);
    log_set_stream(mem);   /* each one is logged: a stored hash that cannot be used */
    arena_init(&a, 1024);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_int_eq(password_verify(bad[i], "a long enough password"), 0);
    ck_assert_int_eq(password_verify(NULL, "a long enough password"), 0);
    /* A good hash cut short, or made by another variant, never verifies. */
    h = password_hash(&cfg, &a, "a long enough password");
    cut = arena_strndup(&a, h, strlen(h) - 5);
    ck_assert_int_eq(password_verify(cut, "a long enough password"), 0);
    cut = arena_strdup(&a, h);
    memcpy(cut, "$argon2i$$", 10);   /* same length, other type */
    ck_assert_int_eq(password_verify(cut, "a long enough password"), 0);
    arena_free(&a);
    log_set_stream(NULL);
    fclose(mem);
    ck_assert_ptr_nonnull(strstr(text, "stored password hash not usable"));
    free(text);
}
END_TEST

START_TEST(test_waste_time)
{
    lyre_config cfg = test_cfg();
    /* Made on first use, remade when the parameters change; never crashes. */
    password_waste_time(&cfg, "whatever");
    password_waste_time(&cfg, NULL);
    cfg.argon2_time_cost = 2;
    password_waste_time(&cfg, "whatever");
    password_waste_time(&cfg, "");
}
END_TEST

START_TEST(test_policy_length)
{
    lyre_config cfg = test_cfg();
    char buf[PASSWORD_MAX_BYTES + 2];

    ck_assert_str_eq(password_problem(&cfg, "", NULL, NULL), "Use at least 8 characters.");
    ck_assert_str_eq(password_problem(&cfg, NULL, NULL, NULL), "Use at least 8 characters.");
    ck_assert_str_eq(password_problem(&cfg, "zq7#vx!", NULL, NULL), "Use at least 8 characters.");
    ck_assert_ptr_null(password_problem(&cfg, "zq7#vx!k", NULL, NULL));
    /* Counted in code points: 7 two-byte letters are 14 bytes but too short... */
    ck_assert_str_eq(password_problem(&cfg, "\xc3\xa9\xc3\xa8\xc3\xaa\xc3\xab\xc3\xa0\xc3\xa2\xc3\xa4",
                                      NULL, NULL), "Use at least 8 characters.");
    /* ...8 of them, or 8 CJK characters, or 8 emoji, are enough. */
    ck_assert_ptr_null(password_problem(&cfg, "\xc3\xa9\xc3\xa8\xc3\xaa\xc3\xab\xc3\xa0\xc3\xa2\xc3\xa4\xc3\xb6",
                                        NULL, NULL));
    ck_assert_ptr_null(password_problem(&cfg, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae"
                                              "\xe5\xaf\x86\xe7\xa0\x81\xe3\x81\xa7\xe3\x81\x99", NULL, NULL));
    ck_assert_ptr_null(password_problem(&cfg, "\xf0\x9f\x8e\xb5\xf0\x9f\x8e\xb6\xf0\x9f\x8e\xb8\xf0\x9f\x8e\xb9"
                                              "\xf0\x9f\x8e\xba\xf0\x9f\x8e\xbb\xf0\x9f\xa5\x81\xf0\x9f\x8e\xa4",
                                        NULL, NULL));
    /* Spaces and punctuation are characters like any other. */
    ck_assert_ptr_null(password_problem(&cfg, "   a b c   ", NULL, NULL));
    /* 256 bytes are fine, 257 are not. */
    memset(buf, 'k', PASSWORD_MAX_BYTES);
    buf[PASSWORD_MAX_BYTES] = '\0';
    ck_assert_ptr_null(password_problem(&cfg, buf, NULL, NULL));
    buf[PASSWORD_MAX_BYTES] = 'k';
    buf[PASSWORD_MAX_BYTES + 1] = '\0';
    ck_assert_ptr_nonnull(password_problem(&cfg, buf, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(password_problem(&cfg, buf, NULL, NULL), "256"));
}
END_TEST

START_TEST(test_policy_utf8)
{
    lyre_config cfg = test_cfg();
    static const char *bad[] = {
        "abcdefgh\xff",                       /* never valid */
        "abcdefgh\xc3",                       /* truncated sequence */
        "abcdefgh\xc0\xaf",                   /* overlong '/' */
        "abcdefgh\xed\xa0\x80",               /* surrogate */
        "abcdefgh\xf4\x90\x80\x80",           /* above U+10FFFF */
        "\x80\x80\x80\x80\x80\x80\x80\x80\x80", /* lone continuation bytes */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *p = password_problem(&cfg, bad[i], NULL, NULL);
        ck_assert_ptr_nonnull(p);
        ck_assert_ptr_nonnull(strstr(p, "UTF-8"));
    }
}
END_TEST

START_TEST(test_policy_common)
{
    lyre_config cfg = test_cfg();
    const char *common_msg = "This password is one of the most common ones; choose another.";

    ck_assert_str_eq(password_problem(&cfg, "password", NULL, NULL), common_msg);
    ck_assert_str_eq(password_problem(&cfg, "12345678", NULL, NULL), common_msg);
    ck_assert_str_eq(password_problem(&cfg, "baseball", NULL, NULL), common_msg);
    ck_assert_str_eq(password_problem(&cfg, "password1", NULL, NULL), common_msg);
    ck_assert_str_eq(password_problem(&cfg, "trustno1", NULL, NULL), common_msg);
    /* Case does not help. */
    ck_assert_str_eq(password_problem(&cfg, "PassWord", NULL, NULL), common_msg);
    ck_assert_str_eq(password_problem(&cfg, "QWERTY123", NULL, NULL), common_msg);
    /* Near misses are fine: no composition rules, no fuzzy matching. */
    ck_assert_ptr_null(password_problem(&cfg, "password-for-lyre", NULL, NULL));
    ck_assert_ptr_null(password_problem(&cfg, "baseball ", NULL, NULL));
    ck_assert_ptr_null(password_problem(&cfg, "vnrk tkla pweo", NULL, NULL));
    /* The header comment of the file is not a password. */
    ck_assert_ptr_null(password_problem(&cfg, "# Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.", NULL,
                                        NULL));
}
END_TEST

START_TEST(test_policy_list_format)
{
    char path[] = "/tmp/lyre-test-common-XXXXXX";
    int fd = mkstemp(path);
    lyre_config cfg = test_cfg();
    static const char text[] = "# comment line\n\nfoo-bar-baz\r\nQWERTY-ABC\nlast-line-no-newline";

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    cfg.common_passwords_file = path;
    ck_assert_ptr_nonnull(password_problem(&cfg, "foo-bar-baz", NULL, NULL));
    ck_assert_ptr_nonnull(password_problem(&cfg, "qwerty-abc", NULL, NULL));
    ck_assert_ptr_nonnull(password_problem(&cfg, "Last-Line-No-Newline", NULL, NULL));
    ck_assert_ptr_null(password_problem(&cfg, "# comment line", NULL, NULL));
    ck_assert_ptr_null(password_problem(&cfg, "password", NULL, NULL));   /* only this file counts */
    unlink(path);
}
END_TEST

START_TEST(test_policy_missing_list)
{
    lyre_config cfg = test_cfg();
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    const char *first, *second;

    ck_assert_ptr_nonnull(mem);
    log_set_stream(mem);
    cfg.common_passwords_file = (char *)"/nonexistent/lyre/common-passwords.txt";
    /* Only the length rules: "password" passes, "short" does not. */
    ck_assert_ptr_null(password_problem(&cfg, "password", NULL, NULL));
    ck_assert_ptr_null(password_problem(&cfg, "12345678", NULL, NULL));
    ck_assert_ptr_nonnull(password_problem(&cfg, "short", NULL, NULL));
    log_set_stream(NULL);
    fclose(mem);
    /* Logged once, naming the file. */
    first = strstr(text, "/nonexistent/lyre/common-passwords.txt");
    ck_assert_ptr_nonnull(first);
    second = strstr(first + 1, "/nonexistent/lyre/common-passwords.txt");
    ck_assert_ptr_null(second);
    free(text);
}
END_TEST

START_TEST(test_policy_identity)
{
    lyre_config cfg = test_cfg();
    const char *user_msg = "The password must not be your user name.";
    const char *mail_msg = "The password must not be your email address.";

    ck_assert_str_eq(password_problem(&cfg, "melodious-anna", "melodious-anna", NULL), user_msg);
    ck_assert_str_eq(password_problem(&cfg, "Melodious-Anna", "melodious-anna", NULL), user_msg);
    ck_assert_str_eq(password_problem(&cfg, "anna.k.musician@example.org", "melodious-anna",
                                      "anna.k.musician@example.org"), mail_msg);
    ck_assert_str_eq(password_problem(&cfg, "ANNA.K.MUSICIAN@EXAMPLE.ORG", NULL,
                                      "anna.k.musician@example.org"), mail_msg);
    ck_assert_str_eq(password_problem(&cfg, "anna.k.musician", NULL, "anna.k.musician@example.org"), mail_msg);
    /* Containing them is allowed (no composition rules). */
    ck_assert_ptr_null(password_problem(&cfg, "melodious-anna-2", "melodious-anna", "anna.k.musician@example.org"));
    ck_assert_ptr_null(password_problem(&cfg, "anna.k.musician@", "melodious-anna", "anna.k.musician@example.org"));
    ck_assert_ptr_null(password_problem(&cfg, "uncommon enough", "", ""));
}
END_TEST

Suite *suite_password(void)
{
    Suite *s = suite_create("password");
    TCase *tc = tcase_create("password");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_needs_rehash);
    tcase_add_test(tc, test_malformed_encoded);
    tcase_add_test(tc, test_waste_time);
    tcase_add_test(tc, test_policy_length);
    tcase_add_test(tc, test_policy_utf8);
    tcase_add_test(tc, test_policy_common);
    tcase_add_test(tc, test_policy_list_format);
    tcase_add_test(tc, test_policy_missing_list);
    tcase_add_test(tc, test_policy_identity);
    suite_add_tcase(s, tc);
    return s;
}

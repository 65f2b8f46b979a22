/* test_totp.c — lib/totp against RFC 6238 Appendix B and RFC 4648. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "totp.h"

static const unsigned char rfc_secret[] = "12345678901234567890";
#define RFC_LEN 20

/* RFC 6238 Appendix B, SHA-1: 8-digit values; 6-digit codes are their last 6 digits. */
static const struct {
    time_t t;
    const char *code8;
} vectors[] = {
    { 59, "94287082" },          { 1111111109, "07081804" }, { 1111111111, "14050471" },
    { 1234567890, "89005924" }, { 2000000000, "69279037" }, { (time_t)20000000000LL, "65353130" },
};

START_TEST(test_rfc6238_vectors)
{
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        char code[7];
        ck_assert_int_eq(totp_code_at(rfc_secret, RFC_LEN, vectors[i].t, code), 0);
        ck_assert_str_eq(code, vectors[i].code8 + 2);
    }
}
END_TEST

START_TEST(test_check_window)
{
    const time_t now = 1111111111;
    const uint64_t step = (uint64_t)(now / 30);
    char code[7];

    /* The current step, and one either side. */
    ck_assert_int_eq(totp_code_at(rfc_secret, RFC_LEN, now, code), 0);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, code, now, 0), step);
    ck_assert_int_eq(totp_code_at(rfc_secret, RFC_LEN, now - 30, code), 0);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, code, now, 0), step - 1);
    ck_assert_int_eq(totp_code_at(rfc_secret, RFC_LEN, now + 30, code), 0);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, code, now, 0), step + 1);
    /* Two steps away: refused. */
    ck_assert_int_eq(totp_code_at(rfc_secret, RFC_LEN, now - 60, code), 0);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, code, now, 0), 0);
    ck_assert_int_eq(totp_code_at(rfc_secret, RFC_LEN, now + 60, code), 0);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, code, now, 0), 0);
    /* The RFC's own vector, as a user would type it. */
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, "050471", 1111111111, 0), step);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, "050471", 1111111111 + 25, 0), step);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, "050471", 1111111111 + 40, 0), step);
    /* Another secret gives another code. */
    ck_assert_uint_eq(totp_check((const unsigned char *)"12345678901234567891", RFC_LEN, "050471",
                                 1111111111, 0), 0);
}
END_TEST

START_TEST(test_check_replay)
{
    const time_t now = 1234567890;
    const uint64_t step = (uint64_t)(now / 30);
    char code[7];

    ck_assert_int_eq(totp_code_at(rfc_secret, RFC_LEN, now, code), 0);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, code, now, step - 1), step);
    /* Used once (last_step = step): the same code is refused, also 30 s later. */
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, code, now, step), 0);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, code, now + 30, step), 0);
    /* An older code after a newer one was used: refused too. */
    ck_assert_int_eq(totp_code_at(rfc_secret, RFC_LEN, now - 30, code), 0);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, code, now, step), 0);
    /* The next step's code is still good. */
    ck_assert_int_eq(totp_code_at(rfc_secret, RFC_LEN, now + 30, code), 0);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, code, now + 30, step), step + 1);
}
END_TEST

START_TEST(test_check_malformed)
{
    static const char *bad[] = { "", "12345", "1234567", "abcdef", " 05047", "050471 ", "05047\n",
                                 "+50471", "-50471", "05 471", "\xef\xbc\x90" "50471" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, bad[i], 1111111111, 0), 0);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, NULL, 1111111111, 0), 0);
    /* The well-formed code itself is fine. */
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, "050471", 1111111111, 0), 1111111111 / 30);
    /* Near the epoch: no step 0 or below. */
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, "287082", 59, 0), 1);
    ck_assert_uint_eq(totp_check(rfc_secret, RFC_LEN, "000000", 5, 0), 0);
}
END_TEST

START_TEST(test_base32)
{
    arena a;
    arena_init(&a, 1024);
    ck_assert_str_eq(totp_secret_base32(&a, rfc_secret, RFC_LEN), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    /* RFC 4648 section 10, without the padding. */
    ck_assert_str_eq(totp_secret_base32(&a, (const unsigned char *)"f", 1), "MY");
    ck_assert_str_eq(totp_secret_base32(&a, (const unsigned char *)"fo", 2), "MZXQ");
    ck_assert_str_eq(totp_secret_base32(&a, (const unsigned char *)"foo", 3), "MZXW6");
    ck_assert_str_eq(totp_secret_base32(&a, (const unsigned char *)"foob", 4), "MZXW6YQ");
    ck_assert_str_eq(totp_secret_base32(&a, (const unsigned char *)"fooba", 5), "MZXW6YTB");
    ck_assert_str_eq(totp_secret_base32(&a, (const unsigned char *)"foobar", 6), "MZXW6YTBOI");
    arena_free(&a);
}
END_TEST

START_TEST(test_new_secret)
{
    unsigned char s1[TOTP_SECRET_BYTES], s2[TOTP_SECRET_BYTES];
    ck_assert_int_eq(totp_new_secret(s1), 0);
    ck_assert_int_eq(totp_new_secret(s2), 0);
    ck_assert_int_ne(memcmp(s1, s2, sizeof s1), 0);
}
END_TEST

START_TEST(test_uri)
{
    arena a;
    arena_init(&a, 1024);
    ck_assert_str_eq(totp_uri(&a, "Lyre", "anna", rfc_secret, RFC_LEN),
                     "otpauth://totp/Lyre:anna?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Lyre"
                     "&algorithm=SHA1&digits=6&period=30");
    /* Spaces, ':', '&', '?', '#', '@' and UTF-8 are percent-encoded. */
    ck_assert_str_eq(totp_uri(&a, "Lyre Music & Co", "a:b?c#d@e.org", rfc_secret, RFC_LEN),
                     "otpauth://totp/Lyre%20Music%20%26%20Co:a%3Ab%3Fc%23d%40e.org"
                     "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Lyre%20Music%20%26%20Co"
                     "&algorithm=SHA1&digits=6&period=30");
    ck_assert_str_eq(totp_uri(&a, "L\xc3\xbdra", "z\xc3\xab", (const unsigned char *)"f", 1),
                     "otpauth://totp/L%C3%BDra:z%C3%AB?secret=MY&issuer=L%C3%BDra"
                     "&algorithm=SHA1&digits=6&period=30");
    ck_assert_ptr_null(totp_uri(&a, NULL, "anna", rfc_secret, RFC_LEN));
    arena_free(&a);
}
END_TEST

/* Walk the path data: every piece is "Mx yhNv1h-Nz" inside the grid;
 * returns the number of dark modules drawn. */
static long check_path(const char *p, int size)
{
    long modules = 0;
    while (*p) {
        int x, y, n, n2, used = 0;
        ck_assert_int_eq(sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &n2, &used), 4);
        ck_assert_int_gt(used, 0);
        ck_assert_int_eq(n, n2);
        ck_assert_int_ge(x, 4);
        ck_assert_int_ge(y, 4);
        ck_assert_int_ge(n, 1);
        ck_assert_int_le(x + n, size - 4);
        ck_assert_int_lt(y, size - 4);
        modules += n;
        p += used;
    }
    return modules;
}

START_TEST(test_qr)
{
    arena a;
    int size = 0;
    const char *path;
    long dark;

    arena_init(&a, 1024);
    path = totp_qr_svg_path(&a, "hello", &size);
    ck_assert_ptr_nonnull(path);
    ck_assert_int_eq(size, 4 + 21 + 4);   /* version 1 and the quiet zone */
    /* Top row of the top-left finder pattern: seven dark modules in one run. */
    ck_assert(strncmp(path, "M4 4h7v1h-7z", 12) == 0);
    dark = check_path(path, size);
    ck_assert_int_gt(dark, 100);
    ck_assert_int_lt(dark, 21 * 21);

    /* A real enrolment URI needs a bigger symbol. */
    path = totp_qr_svg_path(&a, totp_uri(&a, "Lyre", "anna@example.org", rfc_secret, RFC_LEN), &size);
    ck_assert_ptr_nonnull(path);
    ck_assert_int_gt(size, 29);
    ck_assert_int_eq((size - 8 - 17) % 4, 0);   /* 17 + 4 * version modules */
    (void)check_path(path, size);
    ck_assert_ptr_null(totp_qr_svg_path(&a, NULL, &size));
    arena_free(&a);
}
END_TEST

Suite *suite_totp(void)
{
    Suite *s = suite_create("totp");
    TCase *tc = tcase_create("totp");
    tcase_add_test(tc, test_rfc6238_vectors);
    tcase_add_test(tc, test_check_window);
    tcase_add_test(tc, test_check_replay);
    tcase_add_test(tc, test_check_malformed);
    tcase_add_test(tc, test_base32);
    tcase_add_test(tc, test_new_secret);
    tcase_add_test(tc, test_uri);
    tcase_add_test(tc, test_qr);
    suite_add_tcase(s, tc);
    return s;
}

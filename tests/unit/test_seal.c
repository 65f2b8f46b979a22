/* test_seal.c — lib/seal: AES-256-GCM blobs and the key file forms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "seal.h"
#include "suites.h"

static const char key_hex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static char key_path[64];
static lyre_config cfg;
static arena ar;
static char *log_text;
static size_t log_size;
static FILE *log_mem;

static void write_key(const void *data, size_t len)
{
    FILE *f = fopen(key_path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(key_path, 0600), 0);
    seal_reset();
}

static void setup(void)
{
    int fd;
    ck_assert_int_lt(snprintf(key_path, sizeof key_path, "/tmp/lyre-test-key-XXXXXX"), (int)sizeof key_path);
    fd = mkstemp(key_path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    memset(&cfg, 0, sizeof cfg);
    cfg.auth_key_file = key_path;
    arena_init(&ar, 1024);
    log_mem = open_memstream(&log_text, &log_size);
    ck_assert_ptr_nonnull(log_mem);
    log_set_stream(log_mem);
    write_key(key_hex, sizeof key_hex - 1);
}

static void teardown(void)
{
    seal_reset();
    unlink(key_path);
    arena_free(&ar);
    log_set_stream(NULL);
    fclose(log_mem);
    free(log_text);
    log_text = NULL;
}

static const char *logged(void)
{
    fflush(log_mem);
    return log_text ? log_text : "";
}

START_TEST(test_round_trip)
{
    static const unsigned char secret[] = "12345678901234567890";
    unsigned char *blob, *blob2, *plain;
    size_t blob_len, blob2_len, plain_len;

    ck_assert_int_eq(seal(&cfg, &ar, secret, 20, "totp:42", &blob, &blob_len), 0);
    ck_assert_uint_eq(blob_len, 20 + SEAL_OVERHEAD);
    ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "totp:42", &plain, &plain_len), 0);
    ck_assert_uint_eq(plain_len, 20);
    ck_assert_mem_eq(plain, secret, 20);
    /* A fresh nonce every time: two seals of the same text differ. */
    ck_assert_int_eq(seal(&cfg, &ar, secret, 20, "totp:42", &blob2, &blob2_len), 0);
    ck_assert_int_ne(memcmp(blob, blob2, blob_len), 0);
    /* Empty plaintext and empty or missing ad. */
    ck_assert_int_eq(seal(&cfg, &ar, "", 0, "", &blob, &blob_len), 0);
    ck_assert_uint_eq(blob_len, SEAL_OVERHEAD);
    ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, NULL, &plain, &plain_len), 0);
    ck_assert_uint_eq(plain_len, 0);
    /* Bigger than a block, not a multiple of one. */
    {
        unsigned char big[1000];
        for (size_t i = 0; i < sizeof big; i++)
            big[i] = (unsigned char)(i * 7);
        ck_assert_int_eq(seal(&cfg, &ar, big, sizeof big, "x", &blob, &blob_len), 0);
        ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "x", &plain, &plain_len), 0);
        ck_assert_uint_eq(plain_len, sizeof big);
        ck_assert_mem_eq(plain, big, sizeof big);
    }
}
END_TEST

START_TEST(test_wrong_ad)
{
    unsigned char *blob, *plain;
    size_t blob_len, plain_len;

    ck_assert_int_eq(seal(&cfg, &ar, "secret", 6, "totp:42", &blob, &blob_len), 0);
    ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "totp:43", &plain, &plain_len), -1);
    ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "totp:4", &plain, &plain_len), -1);
    ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "", &plain, &plain_len), -1);
    ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "totp:42", &plain, &plain_len), 0);
}
END_TEST

START_TEST(test_flipped_bytes)
{
    unsigned char *blob, *plain;
    size_t blob_len, plain_len;

    ck_assert_int_eq(seal(&cfg, &ar, "a sealed secret", 15, "ad", &blob, &blob_len), 0);
    /* Every byte counts: nonce, ciphertext and tag. */
    for (size_t i = 0; i < blob_len; i++) {
        blob[i] ^= 0x01;
        ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "ad", &plain, &plain_len), -1);
        blob[i] ^= 0x01;
    }
    ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "ad", &plain, &plain_len), 0);
}
END_TEST

START_TEST(test_truncated)
{
    unsigned char *blob, *plain;
    size_t blob_len, plain_len;

    ck_assert_int_eq(seal(&cfg, &ar, "a sealed secret", 15, "ad", &blob, &blob_len), 0);
    for (size_t n = 0; n < blob_len; n++)
        ck_assert_int_eq(unseal(&cfg, &ar, blob, n, "ad", &plain, &plain_len), -1);
    ck_assert_int_eq(unseal(&cfg, &ar, NULL, 0, "ad", &plain, &plain_len), -1);
}
END_TEST

START_TEST(test_other_key)
{
    unsigned char *blob, *plain;
    size_t blob_len, plain_len;
    char other[sizeof key_hex];

    ck_assert_int_eq(seal(&cfg, &ar, "secret", 6, "ad", &blob, &blob_len), 0);
    memcpy(other, key_hex, sizeof key_hex);
    other[0] = '1';
    write_key(other, sizeof other - 1);
    ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "ad", &plain, &plain_len), -1);
}
END_TEST

START_TEST(test_key_forms)
{
    unsigned char raw[32], *blob, *plain;
    size_t blob_len, plain_len;
    char with_nl[sizeof key_hex + 1];

    /* Sealed under the hex form... */
    ck_assert_int_eq(seal(&cfg, &ar, "secret", 6, "ad", &blob, &blob_len), 0);
    /* ...opens under the same key given as 32 raw bytes, */
    for (int i = 0; i < 32; i++)
        raw[i] = (unsigned char)i;
    write_key(raw, sizeof raw);
    ck_assert_int_eq(seal_load_key(&cfg), 0);
    ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "ad", &plain, &plain_len), 0);
    /* as hex with a newline, */
    memcpy(with_nl, key_hex, sizeof key_hex - 1);
    with_nl[sizeof key_hex - 1] = '\n';
    write_key(with_nl, sizeof key_hex);   /* 64 digits and the newline */
    ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "ad", &plain, &plain_len), 0);
    /* and as upper-case hex. */
    {
        char upper[sizeof key_hex];
        for (size_t i = 0; i < sizeof key_hex; i++)
            upper[i] = (key_hex[i] >= 'a' && key_hex[i] <= 'f') ? (char)(key_hex[i] - 32) : key_hex[i];
        write_key(upper, sizeof upper - 1);
        ck_assert_int_eq(unseal(&cfg, &ar, blob, blob_len, "ad", &plain, &plain_len), 0);
    }
    ck_assert_str_eq(logged(), "");
}
END_TEST

static void assert_bad_key(const void *data, size_t len)
{
    unsigned char *blob;
    size_t blob_len;

    write_key(data, len);
    ck_assert_int_eq(seal_load_key(&cfg), -1);
    ck_assert_int_eq(seal(&cfg, &ar, "secret", 6, "ad", &blob, &blob_len), -1);
    ck_assert_ptr_nonnull(strstr(logged(), key_path));
}

START_TEST(test_bad_keys)
{
    char buf[80];

    assert_bad_key("", 0);
    memset(buf, 7, sizeof buf);
    assert_bad_key(buf, 31);                     /* too short */
    assert_bad_key(buf, 33);                     /* too long for raw */
    buf[32] = '\n';
    assert_bad_key(buf, 33);                     /* raw bytes and a newline */
    memcpy(buf, key_hex, 64);
    buf[10] = 'g';
    assert_bad_key(buf, 64);                     /* 64 bytes, not hex */
    memcpy(buf, key_hex, 64);
    assert_bad_key(buf, 62);                     /* 31 bytes of hex */
    buf[64] = '0';
    assert_bad_key(buf, 65);                     /* 65 hex digits */
    buf[64] = ' ';
    assert_bad_key(buf, 65);                     /* trailing space */
    memset(buf, 'a', sizeof buf);
    assert_bad_key(buf, sizeof buf);             /* far too long */
    /* A missing file. */
    unlink(key_path);
    seal_reset();
    ck_assert_int_eq(seal_load_key(&cfg), -1);
    ck_assert_ptr_nonnull(strstr(logged(), "No such file"));
}
END_TEST

START_TEST(test_loose_mode_warns)
{
    write_key(key_hex, sizeof key_hex - 1);
    ck_assert_int_eq(chmod(key_path, 0644), 0);
    ck_assert_int_eq(seal_load_key(&cfg), 0);
    ck_assert_ptr_nonnull(strstr(logged(), "chmod 600"));
}
END_TEST

Suite *suite_seal(void)
{
    Suite *s = suite_create("seal");
    TCase *tc = tcase_create("seal");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_wrong_ad);
    tcase_add_test(tc, test_flipped_bytes);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_other_key);
    tcase_add_test(tc, test_key_forms);
    tcase_add_test(tc, test_bad_keys);
    tcase_add_test(tc, test_loose_mode_warns);
    suite_add_tcase(s, tc);
    return s;
}

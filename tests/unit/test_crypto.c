/* test_crypto.c — lib/crypto against FIPS 180-2 and RFC 4231 vectors. */
#include <string.h>

#include "crypto.h"
#include "suites.h"

static void assert_hex(const uint8_t *digest, size_t n, const char *want)
{
    char got[2 * CRYPTO_SHA256_LEN + 1];
    ck_assert_uint_le(n, CRYPTO_SHA256_LEN);
    hex_encode(digest, n, got);
    ck_assert_str_eq(got, want);
}

static void assert_sha256(const char *data, const char *want)
{
    uint8_t out[CRYPTO_SHA256_LEN];
    ck_assert_int_eq(crypto_sha256(data, strlen(data), out), 0);
    assert_hex(out, sizeof out, want);
}

START_TEST(test_sha256_vectors)
{
    assert_sha256("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_sha256("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(test_sha256_million_a)
{
    static char data[1000000];
    uint8_t out[CRYPTO_SHA256_LEN];
    memset(data, 'a', sizeof data);
    ck_assert_int_eq(crypto_sha256(data, sizeof data, out), 0);
    assert_hex(out, sizeof out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(test_sha256_null)
{
    uint8_t out[CRYPTO_SHA256_LEN];
    ck_assert_int_eq(crypto_sha256(NULL, 0, out), 0);
    assert_hex(out, sizeof out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ck_assert_int_eq(crypto_sha256(NULL, 1, out), -1);
}
END_TEST

static void assert_hmac(const void *key, size_t key_len, const void *data, size_t len,
                        size_t out_len, const char *want)
{
    uint8_t out[CRYPTO_SHA256_LEN];
    ck_assert_int_eq(crypto_hmac_sha256(key, key_len, data, len, out), 0);
    assert_hex(out, out_len, want);
}

START_TEST(test_hmac_rfc4231)
{
    uint8_t key[131], data[50];

    memset(key, 0x0b, 20);   /* test case 1 */
    assert_hmac(key, 20, "Hi There", 8, 32,
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assert_hmac("Jefe", 4, "what do ya want for nothing?", 28, 32,   /* 2 */
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(key, 0xaa, 20);   /* 3 */
    memset(data, 0xdd, 50);
    assert_hmac(key, 20, data, 50, 32,
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    for (int i = 0; i < 25; i++)   /* 4 */
        key[i] = (uint8_t)(i + 1);
    memset(data, 0xcd, 50);
    assert_hmac(key, 25, data, 50, 32,
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    memset(key, 0x0c, 20);   /* 5: truncated to 128 bits */
    assert_hmac(key, 20, "Test With Truncation", 20, 16, "a3b6167473100ee06e0c796c2955552b");
    memset(key, 0xaa, 131);  /* 6 and 7: key longer than a block */
    assert_hmac(key, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 54, 32,
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    {
        const char *msg = "This is a test using a larger than block-size key and a larger "
                          "than block-size data. The key needs to be hashed before being "
                          "used by the HMAC algorithm.";
        assert_hmac(key, 131, msg, strlen(msg), 32,
                    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    }
}
END_TEST

START_TEST(test_hmac_null)
{
    uint8_t out[CRYPTO_SHA256_LEN];
    ck_assert_int_eq(crypto_hmac_sha256(NULL, 1, "x", 1, out), -1);
    ck_assert_int_eq(crypto_hmac_sha256("k", 1, NULL, 1, out), -1);
    /* An empty message is fine (HMAC of "" under "k"). */
    ck_assert_int_eq(crypto_hmac_sha256("k", 1, NULL, 0, out), 0);
}
END_TEST

START_TEST(test_equal)
{
    uint8_t a[32], b[32];
    memset(a, 0x5a, sizeof a);
    memcpy(b, a, sizeof b);
    ck_assert_int_eq(crypto_equal(a, b, sizeof a), 1);
    ck_assert_int_eq(crypto_equal(a, b, 0), 1);
    /* Every bit of every byte counts, the first and the last included. */
    for (size_t i = 0; i < sizeof a; i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            ck_assert_int_eq(crypto_equal(a, b, sizeof a), 0);
            b[i] ^= (uint8_t)(1u << bit);
        }
    }
    ck_assert_int_eq(crypto_equal(a, b, sizeof a), 1);
    /* Only n bytes are compared. */
    b[31] = 0;
    ck_assert_int_eq(crypto_equal(a, b, 31), 1);
}
END_TEST

START_TEST(test_equal_str)
{
    ck_assert_int_eq(crypto_equal_str("secret-token", "secret-token"), 1);
    ck_assert_int_eq(crypto_equal_str("", ""), 1);
    ck_assert_int_eq(crypto_equal_str("secret-tokem", "secret-token"), 0);
    ck_assert_int_eq(crypto_equal_str("Secret-token", "secret-token"), 0);
    ck_assert_int_eq(crypto_equal_str("secret", "secret-token"), 0);
    ck_assert_int_eq(crypto_equal_str("secret-token-and-more", "secret-token"), 0);
    ck_assert_int_eq(crypto_equal_str("", "a"), 0);
    ck_assert_int_eq(crypto_equal_str("a", ""), 0);
    ck_assert_int_eq(crypto_equal_str(NULL, "a"), 0);
    ck_assert_int_eq(crypto_equal_str("a", NULL), 0);
    ck_assert_int_eq(crypto_equal_str(NULL, NULL), 0);
}
END_TEST

START_TEST(test_hex)
{
    static const uint8_t bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
    char text[2 * sizeof bytes + 1];
    uint8_t back[sizeof bytes];

    hex_encode(bytes, sizeof bytes, text);
    ck_assert_str_eq(text, "00017f80abff");
    ck_assert_int_eq(hex_decode(text, sizeof bytes, back), 0);
    ck_assert_mem_eq(back, bytes, sizeof bytes);
    ck_assert_int_eq(hex_decode("00017F80ABFF", sizeof bytes, back), 0);
    ck_assert_mem_eq(back, bytes, sizeof bytes);
    hex_encode(bytes, 0, text);
    ck_assert_str_eq(text, "");
    ck_assert_int_eq(hex_decode("", 0, back), 0);
}
END_TEST

START_TEST(test_hex_decode_rejects)
{
    uint8_t out[4];
    ck_assert_int_eq(hex_decode("0g", 1, out), -1);
    ck_assert_int_eq(hex_decode("g0", 1, out), -1);
    ck_assert_int_eq(hex_decode(" 0", 1, out), -1);
    ck_assert_int_eq(hex_decode("abc", 2, out), -1);     /* too short: stops at the NUL */
    ck_assert_int_eq(hex_decode("", 1, out), -1);
    ck_assert_int_eq(hex_decode(NULL, 1, out), -1);
}
END_TEST

START_TEST(test_random)
{
    uint8_t a[32], b[32], zero[32] = { 0 };
    ck_assert_int_eq(crypto_random(a, sizeof a), 0);
    ck_assert_int_eq(crypto_random(b, sizeof b), 0);
    ck_assert_int_ne(memcmp(a, b, sizeof a), 0);
    ck_assert_int_ne(memcmp(a, zero, sizeof a), 0);
    ck_assert_int_eq(crypto_random(a, 0), 0);
}
END_TEST

static void assert_token(const char *t, size_t nbytes)
{
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(strlen(t), 2 * nbytes);
    ck_assert_uint_eq(strspn(t, "0123456789abcdef"), 2 * nbytes);
}

START_TEST(test_token_hex)
{
    arena a;
    const char *t1, *t2, *big, *empty;

    arena_init(&a, 1024);
    t1 = crypto_token_hex(&a, 16);
    t2 = crypto_token_hex(&a, 16);
    big = crypto_token_hex(&a, 200);   /* more than one internal chunk */
    empty = crypto_token_hex(&a, 0);
    assert_token(t1, 16);
    assert_token(t2, 16);
    assert_token(big, 200);
    assert_token(empty, 0);
    ck_assert_str_ne(t1, t2);
    ck_assert_ptr_null(crypto_token_hex(&a, SIZE_MAX));
    arena_free(&a);
}
END_TEST

Suite *suite_crypto(void)
{
    Suite *s = suite_create("crypto");
    TCase *tc = tcase_create("crypto");
    tcase_add_test(tc, test_sha256_vectors);
    tcase_add_test(tc, test_sha256_million_a);
    tcase_add_test(tc, test_sha256_null);
    tcase_add_test(tc, test_hmac_rfc4231);
    tcase_add_test(tc, test_hmac_null);
    tcase_add_test(tc, test_equal);
    tcase_add_test(tc, test_equal_str);
    tcase_add_test(tc, test_hex);
    tcase_add_test(tc, test_hex_decode_rejects);
    tcase_add_test(tc, test_random);
    tcase_add_test(tc, test_token_hex);
    suite_add_tcase(s, tc);
    return s;
}

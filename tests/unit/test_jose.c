/* test_jose.c — lib/jose: key sets and RS256/ES256 tokens made here with
 * keys gnutls generates, and the tokens that must be refused; and the ID
 * token claim checks and PKCE of lib/oidc. */
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "arena.h"
#include "crypto.h"
#include "jose.h"
#include "oidc.h"
#include "str.h"
#include "suites.h"

/* Generated once (unchecked fixture) and shared by the forked tests. */
static gnutls_privkey_t rsa1, rsa2, rsa_small, ec1, ec2;
static const char *jwk_rsa1, *jwk_rsa2, *jwk_rsa_small, *jwk_ec1, *jwk_ec2;
static arena keys_arena;
static arena A;

static void datum_free(gnutls_datum_t *d)
{
    gnutls_free(d->data);
    d->data = NULL;
    d->size = 0;
}

/* n bytes, big-endian, left-padded with zeros (or stripped of extra ones). */
static void fixed_width(const gnutls_datum_t *d, unsigned char *out, size_t n)
{
    size_t len = d->size;
    const unsigned char *p = d->data;
    while (len > n && p[0] == 0) {
        p++;
        len--;
    }
    ck_assert_uint_le(len, n);
    memset(out, 0, n - len);
    memcpy(out + n - len, p, len);
}

static gnutls_privkey_t generate(gnutls_pk_algorithm_t algo, unsigned bits)
{
    gnutls_privkey_t k;
    ck_assert_int_eq(gnutls_privkey_init(&k), 0);
    ck_assert_int_eq(gnutls_privkey_generate2(k, algo, bits, 0, NULL, 0), 0);
    return k;
}

static const char *jwk_of(gnutls_privkey_t k, const char *kid, const char *extra)
{
    gnutls_pubkey_t pub;
    gnutls_datum_t a = { NULL, 0 }, b = { NULL, 0 };
    gnutls_ecc_curve_t curve;
    const char *out;
    ck_assert_int_eq(gnutls_pubkey_init(&pub), 0);
    ck_assert_int_eq(gnutls_pubkey_import_privkey(pub, k, 0, 0), 0);
    if (gnutls_pubkey_get_pk_algorithm(pub, NULL) == GNUTLS_PK_RSA) {
        ck_assert_int_eq(gnutls_pubkey_export_rsa_raw2(pub, &a, &b, GNUTLS_EXPORT_FLAG_NO_LZ), 0);
        out = arena_printf(&keys_arena, "{\"kty\":\"RSA\",\"kid\":\"%s\",\"n\":\"%s\",\"e\":\"%s\"%s}",
                           kid, b64url_encode(&keys_arena, a.data, a.size),
                           b64url_encode(&keys_arena, b.data, b.size), extra);
    } else {
        unsigned char x[32], y[32];
        ck_assert_int_eq(gnutls_pubkey_export_ecc_raw2(pub, &curve, &a, &b, 0), 0);
        fixed_width(&a, x, 32);
        fixed_width(&b, y, 32);
        out = arena_printf(&keys_arena,
                           "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"%s}",
                           kid, b64url_encode(&keys_arena, x, 32), b64url_encode(&keys_arena, y, 32),
                           extra);
    }
    datum_free(&a);
    datum_free(&b);
    gnutls_pubkey_deinit(pub);
    return out;
}

static void keys_setup(void)
{
    arena_init(&keys_arena, 8192);
    rsa1 = generate(GNUTLS_PK_RSA, 2048);
    rsa2 = generate(GNUTLS_PK_RSA, 2048);
    rsa_small = generate(GNUTLS_PK_RSA, 1024);
    ec1 = generate(GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1));
    ec2 = generate(GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1));
    jwk_rsa1 = jwk_of(rsa1, "r1", ",\"use\":\"sig\",\"alg\":\"RS256\"");
    jwk_rsa2 = jwk_of(rsa2, "r2", "");
    jwk_rsa_small = jwk_of(rsa_small, "small", "");
    jwk_ec1 = jwk_of(ec1, "e1", ",\"alg\":\"ES256\"");
    jwk_ec2 = jwk_of(ec2, "e2", "");
}

static void keys_teardown(void)
{
    gnutls_privkey_deinit(rsa1);
    gnutls_privkey_deinit(rsa2);
    gnutls_privkey_deinit(rsa_small);
    gnutls_privkey_deinit(ec1);
    gnutls_privkey_deinit(ec2);
    arena_free(&keys_arena);
}

static void setup(void) { arena_init(&A, 4096); }
static void teardown(void) { arena_free(&A); }

static jose_jwks *set_of(const char *k1, const char *k2)
{
    const char *why = NULL;
    const char *doc = arena_printf(&A, "{\"keys\":[%s%s%s]}", k1, k2 ? "," : "", k2 ? k2 : "");
    jose_jwks *set = jose_jwks_parse(doc, strlen(doc), &why);
    ck_assert_msg(set != NULL, "key set refused: %s", why ? why : "?");
    return set;
}

/* header.payload.signature, signed by k with the algorithm the header's
 * alg names (k NULL: the signature segment is sig_b64). */
static const char *sign_token(gnutls_privkey_t k, const char *header, const char *payload)
{
    const char *input = arena_printf(&A, "%s.%s", b64url_encode(&A, header, strlen(header)),
                                     b64url_encode(&A, payload, strlen(payload)));
    gnutls_datum_t data = { (unsigned char *)input, (unsigned)strlen(input) };
    gnutls_datum_t sig = { NULL, 0 };
    const char *sig_b64;
    if (gnutls_privkey_get_pk_algorithm(k, NULL) == GNUTLS_PK_RSA) {
        ck_assert_int_eq(gnutls_privkey_sign_data2(k, GNUTLS_SIGN_RSA_SHA256, 0, &data, &sig), 0);
        sig_b64 = b64url_encode(&A, sig.data, sig.size);
    } else {
        gnutls_datum_t r = { NULL, 0 }, s = { NULL, 0 };
        unsigned char raw[64];
        ck_assert_int_eq(gnutls_privkey_sign_data2(k, GNUTLS_SIGN_ECDSA_SHA256, 0, &data, &sig), 0);
        ck_assert_int_eq(gnutls_decode_rs_value(&sig, &r, &s), 0);
        fixed_width(&r, raw, 32);
        fixed_width(&s, raw + 32, 32);
        datum_free(&r);
        datum_free(&s);
        sig_b64 = b64url_encode(&A, raw, 64);
    }
    datum_free(&sig);
    return arena_printf(&A, "%s.%s", input, sig_b64);
}

static const char *b64s(const char *s)
{
    return b64url_encode(&A, s, strlen(s));
}

static jose_status verify(const jose_jwks *set, const char *token)
{
    json_t *claims = (json_t *)1;
    jose_status st = jose_verify(set, token, &claims, NULL);
    if (st != JOSE_OK)
        ck_assert_ptr_null(claims);
    json_decref(claims);
    return st;
}

START_TEST(test_b64url)
{
    unsigned char *out;
    size_t n;
    const char *enc = b64s("\xfb\xff\xfe");
    ck_assert_str_eq(enc, "-__-");
    ck_assert_str_eq(b64s("a"), "YQ");
    ck_assert_str_eq(b64s("ab"), "YWI");
    ck_assert_str_eq(b64s(""), "");
    ck_assert_int_eq(b64url_decode(&A, "YWI", 3, &out, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq((char *)out, "ab");
    ck_assert_int_eq(b64url_decode(&A, "-__-", 4, &out, &n), 0);
    ck_assert_mem_eq(out, "\xfb\xff\xfe", 3);
    ck_assert_int_eq(b64url_decode(&A, "YQ==", 4, &out, &n), -1);    /* padding */
    ck_assert_int_eq(b64url_decode(&A, "+/8", 3, &out, &n), -1);     /* plain base64 */
    ck_assert_int_eq(b64url_decode(&A, "YWJjZ", 5, &out, &n), -1);   /* 1 char left */
    ck_assert_int_eq(b64url_decode(&A, "YR", 2, &out, &n), -1);      /* stray bits */
    ck_assert_int_eq(b64url_decode(&A, "Y Q", 3, &out, &n), -1);
}
END_TEST

START_TEST(test_rs256_valid)
{
    jose_jwks *set = set_of(jwk_rsa1, jwk_ec1);
    ck_assert_uint_eq(jose_jwks_count(set), 2);
    const char *t = sign_token(rsa1, "{\"alg\":\"RS256\",\"kid\":\"r1\",\"typ\":\"JWT\"}",
                               "{\"sub\":\"alice\",\"n\":7}");
    json_t *claims = NULL;
    const char *alg = NULL;
    ck_assert_int_eq(jose_verify(set, t, &claims, &alg), JOSE_OK);
    ck_assert_str_eq(alg, "RS256");
    ck_assert_str_eq(json_string_value(json_object_get(claims, "sub")), "alice");
    ck_assert_int_eq(json_integer_value(json_object_get(claims, "n")), 7);
    json_decref(claims);
    jose_jwks_free(set);
}
END_TEST

/* Many signatures, so r and s with a high bit set or leading zero bytes occur. */
START_TEST(test_es256_valid)
{
    jose_jwks *set = set_of(jwk_rsa1, jwk_ec1);
    for (int i = 0; i < 300; i++) {
        const char *t = sign_token(ec1, "{\"alg\":\"ES256\",\"kid\":\"e1\"}",
                                   arena_printf(&A, "{\"sub\":\"bob\",\"i\":%d}", i));
        json_t *claims = NULL;
        const char *alg = NULL;
        ck_assert_msg(jose_verify(set, t, &claims, &alg) == JOSE_OK, "signature %d refused", i);
        ck_assert_str_eq(alg, "ES256");
        ck_assert_int_eq(json_integer_value(json_object_get(claims, "i")), i);
        json_decref(claims);
    }
    jose_jwks_free(set);
}
END_TEST

/* Flip one byte of the payload segment, keep the signature. */
static const char *tamper_payload(const char *t)
{
    char *copy = arena_strdup(&A, t);
    char *p = strchr(copy, '.') + 2;
    *p = *p == 'A' ? 'B' : 'A';
    return copy;
}

START_TEST(test_tampered_payload)
{
    jose_jwks *set = set_of(jwk_rsa1, jwk_ec1);
    const char *t = sign_token(rsa1, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", "{\"sub\":\"alice\"}");
    ck_assert_int_eq(verify(set, tamper_payload(t)), JOSE_ERR_SIGNATURE);
    /* A whole other payload under the old signature. */
    const char *other = arena_printf(&A, "%.*s.%s.%s", (int)(strchr(t, '.') - t), t,
                                     b64s("{\"sub\":\"mallory\"}"),
                                     strrchr(t, '.') + 1);
    ck_assert_int_eq(verify(set, other), JOSE_ERR_SIGNATURE);
    t = sign_token(ec1, "{\"alg\":\"ES256\",\"kid\":\"e1\"}", "{\"sub\":\"alice\"}");
    ck_assert_int_eq(verify(set, tamper_payload(t)), JOSE_ERR_SIGNATURE);
    jose_jwks_free(set);
}
END_TEST

START_TEST(test_wrong_key)
{
    jose_jwks *set = set_of(jwk_rsa1, jwk_ec1);
    /* Signed by other keys that claim the trusted kids. */
    ck_assert_int_eq(verify(set, sign_token(rsa2, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", "{}")),
                     JOSE_ERR_SIGNATURE);
    ck_assert_int_eq(verify(set, sign_token(ec2, "{\"alg\":\"ES256\",\"kid\":\"e1\"}", "{}")),
                     JOSE_ERR_SIGNATURE);
    /* An RSA signature labelled ES256 and the other way round. */
    ck_assert_int_ne(verify(set, sign_token(rsa1, "{\"alg\":\"ES256\",\"kid\":\"e1\"}", "{}")), JOSE_OK);
    ck_assert_int_ne(verify(set, sign_token(ec1, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", "{}")), JOSE_OK);
    /* A kid the set does not have: the caller refetches the set. */
    ck_assert_int_eq(verify(set, sign_token(rsa2, "{\"alg\":\"RS256\",\"kid\":\"r2\"}", "{}")),
                     JOSE_ERR_NO_KEY);
    jose_jwks_free(set);
}
END_TEST

START_TEST(test_kid_selection)
{
    jose_jwks *two = set_of(jwk_rsa1, jwk_rsa2);
    ck_assert_int_eq(verify(two, sign_token(rsa2, "{\"alg\":\"RS256\",\"kid\":\"r2\"}", "{}")), JOSE_OK);
    ck_assert_int_eq(verify(two, sign_token(rsa1, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", "{}")), JOSE_OK);
    /* No kid and two RSA keys: ambiguous, refused. */
    ck_assert_int_eq(verify(two, sign_token(rsa1, "{\"alg\":\"RS256\"}", "{}")), JOSE_ERR_NO_KEY);
    /* No key of the type at all. */
    ck_assert_int_eq(verify(two, sign_token(ec1, "{\"alg\":\"ES256\"}", "{}")), JOSE_ERR_NO_KEY);
    jose_jwks_free(two);
    /* No kid and one key of the type: that one. */
    jose_jwks *mixed = set_of(jwk_rsa1, jwk_ec1);
    ck_assert_int_eq(verify(mixed, sign_token(rsa1, "{\"alg\":\"RS256\"}", "{}")), JOSE_OK);
    ck_assert_int_eq(verify(mixed, sign_token(ec1, "{\"alg\":\"ES256\"}", "{}")), JOSE_OK);
    ck_assert_int_eq(verify(mixed, sign_token(rsa1, "{\"alg\":\"RS256\",\"kid\":7}", "{}")),
                     JOSE_ERR_MALFORMED);
    jose_jwks_free(mixed);
}
END_TEST

START_TEST(test_alg_none_and_hs256)
{
    jose_jwks *set = set_of(jwk_rsa1, jwk_ec1);
    const char *none_hdr = b64s("{\"alg\":\"none\"}");
    const char *payload = b64s("{\"sub\":\"admin\"}");
    ck_assert_int_ne(verify(set, arena_printf(&A, "%s.%s.", none_hdr, payload)), JOSE_OK);
    ck_assert_int_eq(verify(set, arena_printf(&A, "%s.%s.c2ln", none_hdr, payload)), JOSE_ERR_ALG);
    const char *none_caps = b64s("{\"alg\":\"None\",\"kid\":\"r1\"}");
    ck_assert_int_eq(verify(set, arena_printf(&A, "%s.%s.c2ln", none_caps, payload)), JOSE_ERR_ALG);

    /* The classic confusion: HMAC keyed with the RSA public key's text. */
    const char *hs_hdr = b64s("{\"alg\":\"HS256\",\"kid\":\"r1\"}");
    const char *input = arena_printf(&A, "%s.%s", hs_hdr, payload);
    uint8_t mac[CRYPTO_SHA256_LEN];
    ck_assert_int_eq(crypto_hmac_sha256(jwk_rsa1, strlen(jwk_rsa1), input, strlen(input), mac), 0);
    const char *hs = arena_printf(&A, "%s.%s", input, b64url_encode(&A, mac, sizeof mac));
    ck_assert_int_eq(verify(set, hs), JOSE_ERR_ALG);
    /* Other algorithms and a missing one. */
    ck_assert_int_eq(verify(set, sign_token(rsa1, "{\"alg\":\"PS256\",\"kid\":\"r1\"}", "{}")), JOSE_ERR_ALG);
    ck_assert_int_eq(verify(set, sign_token(rsa1, "{\"alg\":\"RS512\",\"kid\":\"r1\"}", "{}")), JOSE_ERR_ALG);
    ck_assert_int_eq(verify(set, sign_token(rsa1, "{\"kid\":\"r1\"}", "{}")), JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, sign_token(rsa1, "{\"alg\":\"RS256\",\"kid\":\"r1\",\"crit\":[\"b64\"]}", "{}")),
                     JOSE_ERR_ALG);
    jose_jwks_free(set);
}
END_TEST

START_TEST(test_malformed)
{
    jose_jwks *set = set_of(jwk_rsa1, jwk_ec1);
    const char *t = sign_token(rsa1, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", "{\"sub\":\"alice\"}");
    const char *dot1 = strchr(t, '.'), *dot2 = strrchr(t, '.');
    int h = (int)(dot1 - t), p = (int)(dot2 - dot1 - 1);
    /* A character outside the alphabet in each segment. */
    ck_assert_int_eq(verify(set, arena_printf(&A, "%.*s*.%s", h, t, dot1 + 1)), JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, arena_printf(&A, "%.*s.%.*s+.%s", h, t, p, dot1 + 1, dot2 + 1)),
                     JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, arena_printf(&A, "%s=", t)), JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, arena_printf(&A, "%s%%", t)), JOSE_ERR_MALFORMED);
    /* Wrong segment counts and empty segments. */
    ck_assert_int_eq(verify(set, arena_printf(&A, "%.*s", (int)(dot2 - t), t)), JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, arena_printf(&A, "%s.%s", t, dot2 + 1)), JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, arena_printf(&A, "%.*s", h, t)), JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, arena_printf(&A, ".%s", dot1 + 1)), JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, ""), JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, ".."), JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, NULL), JOSE_ERR_MALFORMED);
    /* Header or payload that are not JSON objects. */
    ck_assert_int_eq(verify(set, sign_token(rsa1, "[\"RS256\"]", "{}")), JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, sign_token(rsa1, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", "[1]")),
                     JOSE_ERR_MALFORMED);
    ck_assert_int_eq(verify(set, sign_token(rsa1, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", "{\"a\":1,\"a\":2}")),
                     JOSE_ERR_MALFORMED);
    /* ES256 signature of the wrong length. */
    const char *es = sign_token(ec1, "{\"alg\":\"ES256\",\"kid\":\"e1\"}", "{}");
    ck_assert_int_eq(verify(set, arena_printf(&A, "%sAA", es)), JOSE_ERR_SIGNATURE);
    jose_jwks_free(set);
}
END_TEST

START_TEST(test_oversized)
{
    jose_jwks *set = set_of(jwk_rsa1, jwk_ec1);
    strbuf big = STRBUF_INIT;
    sb_adds(&big, "{\"sub\":\"");
    for (int i = 0; i < JOSE_MAX_TOKEN_BYTES; i++)
        sb_addc(&big, 'x');
    sb_adds(&big, "\"}");
    const char *t = sign_token(rsa1, "{\"alg\":\"RS256\",\"kid\":\"r1\"}", big.buf);
    ck_assert_int_eq(verify(set, t), JOSE_ERR_TOO_BIG);
    sb_free(&big);
    jose_jwks_free(set);
}
END_TEST

START_TEST(test_jwks_parse)
{
    const char *why = NULL;
    const char *doc;
    jose_jwks *set;
    ck_assert_ptr_null(jose_jwks_parse("[]", 2, &why));
    ck_assert_ptr_nonnull(why);
    ck_assert_ptr_null(jose_jwks_parse("{\"keys\":[]}", 11, &why));
    ck_assert_ptr_null(jose_jwks_parse("not json", 8, &why));
    /* Keys we cannot or must not use are skipped: 1024-bit RSA, encryption
     * keys, other algorithms, other curves, HMAC secrets. */
    doc = arena_printf(&A, "{\"keys\":[%s,{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"},"
                       "{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\",\"y\":\"AA\"},"
                       "{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}", jwk_rsa_small);
    ck_assert_ptr_null(jose_jwks_parse(doc, strlen(doc), &why));
    doc = arena_printf(&A, "{\"keys\":[%s,%s]}", jwk_rsa_small, jwk_ec2);
    set = jose_jwks_parse(doc, strlen(doc), &why);
    ck_assert_ptr_nonnull(set);
    ck_assert_uint_eq(jose_jwks_count(set), 1);
    ck_assert_int_eq(verify(set, sign_token(rsa_small, "{\"alg\":\"RS256\",\"kid\":\"small\"}", "{}")),
                     JOSE_ERR_NO_KEY);
    ck_assert_int_eq(verify(set, sign_token(ec2, "{\"alg\":\"ES256\",\"kid\":\"e2\"}", "{}")), JOSE_OK);
    jose_jwks_free(set);
    /* A key labelled for another algorithm is not used for RS256. */
    doc = arena_printf(&A, "{\"keys\":[%.*s,\"alg\":\"PS256\"}]}", (int)strlen(jwk_rsa2) - 1, jwk_rsa2);
    ck_assert_ptr_null(jose_jwks_parse(doc, strlen(doc), &why));
    jose_jwks_free(NULL);
}
END_TEST

/* ------------------------------------------------------------ lib/oidc claim checks */

#define ISS "https://id.example.test"
#define NOW 1900000000LL

static oidc_status claims_check(const char *json, const char **why)
{
    oidc_identity id;
    /* NUL allowed here so that oidc's own guard is what refuses it. */
    json_t *c = json_loads(json, JSON_ALLOW_NUL, NULL);
    ck_assert_ptr_nonnull(c);
    oidc_status st = oidc_check_claims(&A, c, ISS, "lyre", "n0nce", NOW, &id, why);
    json_decref(c);
    return st;
}

static const char *claims(const char *extra)
{
    return arena_printf(&A, "{\"iss\":\"" ISS "\",\"sub\":\"u-1\",\"aud\":\"lyre\",\"exp\":%lld,"
                        "\"iat\":%lld,\"nonce\":\"n0nce\"%s}", NOW + 300, NOW - 5, extra);
}

START_TEST(test_oidc_claims_valid)
{
    oidc_identity id;
    const char *why = NULL;
    json_t *c = json_loads(claims(",\"email\":\"A@Example.test\",\"email_verified\":true,"
                                  "\"name\":\"Ann \\u00c5\",\"preferred_username\":\"ann\""), 0, NULL);
    ck_assert_int_eq(oidc_check_claims(&A, c, ISS, "lyre", "n0nce", NOW, &id, &why), OIDC_OK);
    ck_assert_str_eq(id.issuer, ISS);
    ck_assert_str_eq(id.subject, "u-1");
    ck_assert_str_eq(id.email, "A@Example.test");
    ck_assert_int_eq(id.email_verified, 1);
    ck_assert_str_eq(id.name, "Ann \xc3\x85");
    ck_assert_str_eq(id.preferred_username, "ann");
    json_decref(c);
    /* Unverified, a string "true", no address at all. */
    c = json_loads(claims(",\"email\":\"b@example.test\",\"email_verified\":false"), 0, NULL);
    ck_assert_int_eq(oidc_check_claims(&A, c, ISS, "lyre", "n0nce", NOW, &id, &why), OIDC_OK);
    ck_assert_int_eq(id.email_verified, 0);
    json_decref(c);
    c = json_loads(claims(",\"email\":\"b@example.test\",\"email_verified\":\"true\""), 0, NULL);
    ck_assert_int_eq(oidc_check_claims(&A, c, ISS, "lyre", "n0nce", NOW, &id, &why), OIDC_OK);
    ck_assert_int_eq(id.email_verified, 1);
    json_decref(c);
    c = json_loads(claims(",\"email_verified\":true,\"email\":\"not an address\""), 0, NULL);
    ck_assert_int_eq(oidc_check_claims(&A, c, ISS, "lyre", "n0nce", NOW, &id, &why), OIDC_OK);
    ck_assert_ptr_null(id.email);
    ck_assert_int_eq(id.email_verified, 0);
    json_decref(c);
    /* Several audiences with azp = us; clock skew within 60 s. */
    ck_assert_int_eq(claims_check(claims(",\"aud\":[\"other\",\"lyre\"],\"azp\":\"lyre\"") , &why), OIDC_OK);
    ck_assert_int_eq(claims_check(arena_printf(&A, "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":[\"lyre\"],"
                     "\"exp\":%lld,\"iat\":%lld,\"nonce\":\"n0nce\"}", NOW - 30, NOW + 30), &why), OIDC_OK);
}
END_TEST

START_TEST(test_oidc_claims_refused)
{
    const char *why = NULL;
    const char *bad[] = {
        /* issuer */
        "{\"iss\":\"https://evil.example\",\"sub\":\"u\",\"aud\":\"lyre\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "/\",\"sub\":\"u\",\"aud\":\"lyre\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"sub\":\"u\",\"aud\":\"lyre\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        /* audience, azp */
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":\"other\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":[\"other\"],\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":[\"lyre\",\"other\"],\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":[\"lyre\",\"other\"],\"azp\":\"other\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":\"lyre\",\"azp\":\"other\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        /* expiry beyond the 60 s skew, missing, issued in the future */
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":\"lyre\",\"exp\":1899999940,\"iat\":1899999000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":\"lyre\",\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":\"lyre\",\"exp\":\"1900000300\",\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":\"lyre\",\"exp\":1900009000,\"iat\":1900000061,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":\"lyre\",\"exp\":1900000300,\"nonce\":\"n0nce\"}",
        /* nonce */
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":\"lyre\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"other\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"u\",\"aud\":\"lyre\",\"exp\":1900000300,\"iat\":1900000000}",
        /* subject */
        "{\"iss\":\"" ISS "\",\"aud\":\"lyre\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"\",\"aud\":\"lyre\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":7,\"aud\":\"lyre\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"a\\nb\",\"aud\":\"lyre\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
        "{\"iss\":\"" ISS "\",\"sub\":\"a\\u0000b\",\"aud\":\"lyre\",\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why = NULL;
        ck_assert_msg(claims_check(bad[i], &why) == OIDC_ERR_TOKEN, "claims %zu accepted", i);
        ck_assert_ptr_nonnull(why);
    }
    /* A 256-byte subject does not fit the identities table. */
    strbuf long_sub = STRBUF_INIT;
    for (int i = 0; i < 256; i++)
        sb_addc(&long_sub, 's');
    ck_assert_int_eq(claims_check(arena_printf(&A, "{\"iss\":\"" ISS "\",\"sub\":\"%s\",\"aud\":\"lyre\","
                     "\"exp\":1900000300,\"iat\":1900000000,\"nonce\":\"n0nce\"}", long_sub.buf), &why),
                     OIDC_ERR_TOKEN);
    sb_free(&long_sub);
}
END_TEST

START_TEST(test_oidc_pkce)
{
    /* RFC 7636 appendix B. */
    ck_assert_str_eq(oidc_pkce_challenge(&A, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
                     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    const char *v = oidc_pkce_verifier(&A);
    ck_assert_uint_eq(strlen(v), 43);
    ck_assert_uint_eq(strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
    ck_assert_str_ne(v, oidc_pkce_verifier(&A));
}
END_TEST

Suite *suite_jose(void)
{
    Suite *s = suite_create("jose");
    TCase *tc = tcase_create("jose");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_b64url);
    tcase_add_test(tc, test_rs256_valid);
    tcase_add_test(tc, test_es256_valid);
    tcase_add_test(tc, test_tampered_payload);
    tcase_add_test(tc, test_wrong_key);
    tcase_add_test(tc, test_kid_selection);
    tcase_add_test(tc, test_alg_none_and_hs256);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_oversized);
    tcase_add_test(tc, test_jwks_parse);
    suite_add_tcase(s, tc);
    TCase *claims_tc = tcase_create("oidc-claims");
    tcase_add_checked_fixture(claims_tc, setup, teardown);
    tcase_add_test(claims_tc, test_oidc_claims_valid);
    tcase_add_test(claims_tc, test_oidc_claims_refused);
    tcase_add_test(claims_tc, test_oidc_pkce);
    suite_add_tcase(s, claims_tc);
    return s;
}

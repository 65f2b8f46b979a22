/* jose.c — JWK Sets and RS256/ES256 JWS verification with gnutls. */
#include "jose.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdlib.h>
#include <string.h>

enum key_type { KEY_RSA, KEY_EC };

typedef struct jose_key {
    char *kid;              /* NULL when the key has none */
    enum key_type type;
    gnutls_pubkey_t pub;
} jose_key;

struct jose_jwks {
    size_t n;
    jose_key keys[JOSE_MAX_KEYS];
};

/* ------------------------------------------------------------ base64url */

static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* Decode into out (room for len * 3 / 4 + 1 bytes).  0 or -1. */
static int decode_into(const char *in, size_t len, unsigned char *out, size_t *out_len)
{
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    if (len % 4 == 1)
        return -1;
    for (size_t i = 0; i < len; i++) {
        int v = b64url_value((unsigned char)in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* Leftover bits must be zero: one token, one encoding. */
    if (acc != 0)
        return -1;
    out[o] = '\0';
    *out_len = o;
    return 0;
}

int b64url_decode(arena *a, const char *in, size_t len, unsigned char **out, size_t *out_len)
{
    unsigned char *buf = arena_alloc(a, len / 4 * 3 + 3);
    if (decode_into(in, len, buf, out_len) != 0)
        return -1;
    *out = buf;
    return 0;
}

char *b64url_encode(arena *a, const void *data, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const unsigned char *p = data;
    char *out = arena_alloc(a, (len + 2) / 3 * 4 + 1);
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        acc = (acc << 8) | p[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = alphabet[(acc >> bits) & 63];
        }
        acc &= (1u << bits) - 1;
    }
    if (bits > 0)
        out[o++] = alphabet[(acc << (6 - bits)) & 63];
    out[o] = '\0';
    return out;
}

/* A malloc'd decoding of a JSON string member; NULL if absent or bad. */
static unsigned char *member_bytes(json_t *obj, const char *name, size_t *len)
{
    const char *s = json_string_value(json_object_get(obj, name));
    if (!s)
        return NULL;
    size_t n = strlen(s);
    unsigned char *buf = malloc(n / 4 * 3 + 3);
    if (buf && decode_into(s, n, buf, len) != 0) {
        free(buf);
        buf = NULL;
    }
    return buf;
}

/* ------------------------------------------------------------ key sets */

static const unsigned char *skip_zeros(const unsigned char *p, size_t *len)
{
    while (*len > 1 && p[0] == 0) {
        p++;
        (*len)--;
    }
    return p;
}

static int import_rsa(json_t *jwk, gnutls_pubkey_t pub)
{
    size_t n_len = 0, e_len = 0;
    int rc = -1;
    unsigned char *n = member_bytes(jwk, "n", &n_len);
    unsigned char *e = member_bytes(jwk, "e", &e_len);
    if (!n || !e || e_len == 0 || e_len > 8)
        goto cleanup;
    const unsigned char *np = skip_zeros(n, &n_len);
    if (n_len < 256 || n_len > 1024)   /* 2048 to 8192 bits */
        goto cleanup;
    gnutls_datum_t nd = { (unsigned char *)np, (unsigned)n_len };
    gnutls_datum_t ed = { e, (unsigned)e_len };
    rc = gnutls_pubkey_import_rsa_raw(pub, &nd, &ed) < 0 ? -1 : 0;
cleanup:
    free(n);
    free(e);
    return rc;
}

static int import_ec(json_t *jwk, gnutls_pubkey_t pub)
{
    size_t x_len = 0, y_len = 0;
    int rc = -1;
    const char *crv = json_string_value(json_object_get(jwk, "crv"));
    unsigned char *x = member_bytes(jwk, "x", &x_len);
    unsigned char *y = member_bytes(jwk, "y", &y_len);
    if (!crv || strcmp(crv, "P-256") != 0 || !x || !y || x_len != 32 || y_len != 32)
        goto cleanup;
    gnutls_datum_t xd = { x, 32 }, yd = { y, 32 };
    rc = gnutls_pubkey_import_ecc_raw(pub, GNUTLS_ECC_CURVE_SECP256R1, &xd, &yd) < 0 ? -1 : 0;
cleanup:
    free(x);
    free(y);
    return rc;
}

/* Add one JWK to the set if it is a signing key we can use. */
static void add_key(jose_jwks *set, json_t *jwk)
{
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    const char *use = json_string_value(json_object_get(jwk, "use"));
    const char *alg = json_string_value(json_object_get(jwk, "alg"));
    json_t *kid = json_object_get(jwk, "kid");
    gnutls_pubkey_t pub = NULL;
    enum key_type type;
    if (!kty || (use && strcmp(use, "sig") != 0) || (kid && !json_is_string(kid)))
        return;
    if (strcmp(kty, "RSA") == 0 && (!alg || strcmp(alg, "RS256") == 0))
        type = KEY_RSA;
    else if (strcmp(kty, "EC") == 0 && (!alg || strcmp(alg, "ES256") == 0))
        type = KEY_EC;
    else
        return;
    if (gnutls_pubkey_init(&pub) < 0)
        return;
    if ((type == KEY_RSA ? import_rsa(jwk, pub) : import_ec(jwk, pub)) != 0) {
        gnutls_pubkey_deinit(pub);
        return;
    }
    jose_key *k = &set->keys[set->n];
    k->kid = kid ? strdup(json_string_value(kid)) : NULL;
    if (kid && !k->kid) {
        gnutls_pubkey_deinit(pub);
        return;
    }
    k->type = type;
    k->pub = pub;
    set->n++;
}

jose_jwks *jose_jwks_parse(const char *json, size_t len, const char **why)
{
    json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *keys = json_object_get(doc, "keys");
    jose_jwks *set = NULL;
    *why = NULL;
    if (!json_is_array(keys)) {
        *why = "not a JWK Set (no \"keys\" array)";
        goto cleanup;
    }
    set = calloc(1, sizeof *set);
    if (!set) {
        *why = "out of memory";
        goto cleanup;
    }
    for (size_t i = 0; i < json_array_size(keys) && set->n < JOSE_MAX_KEYS; i++)
        if (json_is_object(json_array_get(keys, i)))
            add_key(set, json_array_get(keys, i));
    if (set->n == 0) {
        *why = "no RS256 or ES256 signing key in the set";
        jose_jwks_free(set);
        set = NULL;
    }
cleanup:
    json_decref(doc);
    return set;
}

void jose_jwks_free(jose_jwks *jwks)
{
    if (!jwks)
        return;
    for (size_t i = 0; i < jwks->n; i++) {
        free(jwks->keys[i].kid);
        gnutls_pubkey_deinit(jwks->keys[i].pub);
    }
    free(jwks);
}

size_t jose_jwks_count(const jose_jwks *jwks)
{
    return jwks ? jwks->n : 0;
}

/* The key for a header's kid (NULL: none) and type; NULL if none fits or,
 * without a kid, more than one could. */
static const jose_key *find_key(const jose_jwks *jwks, const char *kid, enum key_type type)
{
    const jose_key *found = NULL;
    for (size_t i = 0; jwks && i < jwks->n; i++) {
        const jose_key *k = &jwks->keys[i];
        if (k->type != type)
            continue;
        if (kid) {
            if (k->kid && strcmp(k->kid, kid) == 0)
                return k;
        } else {
            if (found)
                return NULL;
            found = k;
        }
    }
    return found;
}

/* ------------------------------------------------------------ JWS */

/* ES256 signatures are r || s (32 bytes each); gnutls verifies DER. */
static int verify_es256(gnutls_pubkey_t pub, const gnutls_datum_t *data, const unsigned char *sig,
                        size_t sig_len)
{
    gnutls_datum_t der = { NULL, 0 };
    size_t r_len = 32, s_len = 32;
    int rc = -1;
    if (sig_len != 64)
        return -1;
    /* Minimal INTEGERs: gnutls adds a zero byte for a set high bit itself. */
    const unsigned char *r = skip_zeros(sig, &r_len);
    const unsigned char *s = skip_zeros(sig + 32, &s_len);
    gnutls_datum_t rd = { (unsigned char *)r, (unsigned)r_len };
    gnutls_datum_t sd = { (unsigned char *)s, (unsigned)s_len };
    if (gnutls_encode_rs_value(&der, &rd, &sd) < 0)
        goto cleanup;
    rc = gnutls_pubkey_verify_data2(pub, GNUTLS_SIGN_ECDSA_SHA256, 0, data, &der) < 0 ? -1 : 0;
cleanup:
    gnutls_free(der.data);
    return rc;
}

jose_status jose_verify(const jose_jwks *jwks, const char *token, json_t **claims,
                        const char **alg_out)
{
    jose_status st = JOSE_ERR_MALFORMED;
    unsigned char *header = NULL, *payload = NULL, *sig = NULL;
    size_t header_len = 0, payload_len = 0, sig_len = 0;
    json_t *hdr = NULL, *body = NULL;
    *claims = NULL;
    if (alg_out)
        *alg_out = NULL;
    if (!token)
        goto cleanup;
    size_t len = strnlen(token, JOSE_MAX_TOKEN_BYTES + 1);
    if (len > JOSE_MAX_TOKEN_BYTES) {
        st = JOSE_ERR_TOO_BIG;
        goto cleanup;
    }
    const char *dot1 = memchr(token, '.', len);
    const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
    if (!dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)))
        goto cleanup;
    size_t h_enc = (size_t)(dot1 - token), p_enc = (size_t)(dot2 - dot1 - 1);
    size_t s_enc = len - (size_t)(dot2 + 1 - token);
    if (h_enc == 0 || p_enc == 0 || s_enc == 0)
        goto cleanup;
    header = malloc(h_enc / 4 * 3 + 3);
    payload = malloc(p_enc / 4 * 3 + 3);
    sig = malloc(s_enc / 4 * 3 + 3);
    if (!header || !payload || !sig || decode_into(token, h_enc, header, &header_len) != 0
        || decode_into(dot1 + 1, p_enc, payload, &payload_len) != 0
        || decode_into(dot2 + 1, s_enc, sig, &sig_len) != 0)
        goto cleanup;

    hdr = json_loadb((const char *)header, header_len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(hdr))
        goto cleanup;
    const char *alg = json_string_value(json_object_get(hdr, "alg"));
    json_t *kid = json_object_get(hdr, "kid");
    enum key_type type;
    const char *alg_name;
    if (!alg) {
        goto cleanup;
    } else if (strcmp(alg, "RS256") == 0) {
        type = KEY_RSA;
        alg_name = "RS256";
    } else if (strcmp(alg, "ES256") == 0) {
        type = KEY_EC;
        alg_name = "ES256";
    } else {
        st = JOSE_ERR_ALG;
        goto cleanup;
    }
    /* We understand no extension, so a critical one can never be honoured. */
    if (json_object_get(hdr, "crit")) {
        st = JOSE_ERR_ALG;
        goto cleanup;
    }
    if (kid && !json_is_string(kid))
        goto cleanup;
    const jose_key *key = find_key(jwks, kid ? json_string_value(kid) : NULL, type);
    if (!key) {
        st = JOSE_ERR_NO_KEY;
        goto cleanup;
    }
    gnutls_datum_t signed_part = { (unsigned char *)token, (unsigned)(dot2 - token) };
    int bad = type == KEY_RSA
        ? gnutls_pubkey_verify_data2(key->pub, GNUTLS_SIGN_RSA_SHA256, 0, &signed_part,
                                     &(gnutls_datum_t){ sig, (unsigned)sig_len }) < 0
        : verify_es256(key->pub, &signed_part, sig, sig_len) != 0;
    if (bad) {
        st = JOSE_ERR_SIGNATURE;
        goto cleanup;
    }
    body = json_loadb((const char *)payload, payload_len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(body))
        goto cleanup;
    *claims = body;
    body = NULL;
    if (alg_out)
        *alg_out = alg_name;
    st = JOSE_OK;
cleanup:
    json_decref(hdr);
    json_decref(body);
    free(header);
    free(payload);
    free(sig);
    return st;
}

const char *jose_status_text(jose_status st)
{
    switch (st) {
    case JOSE_OK: return "valid";
    case JOSE_ERR_MALFORMED: return "malformed token";
    case JOSE_ERR_TOO_BIG: return "token too big";
    case JOSE_ERR_ALG: return "algorithm not accepted";
    case JOSE_ERR_NO_KEY: return "no key for this token";
    case JOSE_ERR_SIGNATURE: return "bad signature";
    }
    return "unknown";
}

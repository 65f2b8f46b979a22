/* crypto.c — thin wrappers over gnutls; nothing here is hand-rolled
 * except hex and the constant-time comparisons. */
#include "crypto.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdint.h>
#include <string.h>

int crypto_random(void *buf, size_t n)
{
    if (n == 0)
        return 0;
    if (!buf)
        return -1;
    return gnutls_rnd(GNUTLS_RND_KEY, buf, n) == 0 ? 0 : -1;
}

char *crypto_token_hex(arena *a, size_t nbytes)
{
    uint8_t raw[64];
    char *out;
    size_t done = 0;

    if (nbytes > (SIZE_MAX - 1) / 2)
        return NULL;
    out = arena_alloc(a, 2 * nbytes + 1);
    out[0] = '\0';
    while (done < nbytes) {
        size_t chunk = nbytes - done < sizeof raw ? nbytes - done : sizeof raw;
        if (crypto_random(raw, chunk) < 0) {
            out = NULL;
            goto cleanup;
        }
        hex_encode(raw, chunk, out + 2 * done);
        done += chunk;
    }

cleanup:
    gnutls_memset(raw, 0, sizeof raw);
    return out;
}

int crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN])
{
    if (!data && len > 0)
        return -1;
    return gnutls_hash_fast(GNUTLS_DIG_SHA256, data ? data : "", len, out) == 0 ? 0 : -1;
}

int crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                       uint8_t out[CRYPTO_SHA256_LEN])
{
    if ((!key && key_len > 0) || (!data && len > 0))
        return -1;
    return gnutls_hmac_fast(GNUTLS_MAC_SHA256, key ? key : "", key_len,
                            data ? data : "", len, out) == 0 ? 0 : -1;
}

int crypto_equal(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *pa = a;
    const volatile uint8_t *pb = b;
    volatile uint8_t diff = 0;

    for (size_t i = 0; i < n; i++)
        diff |= pa[i] ^ pb[i];
    /* 1 when diff is 0, without a data-dependent branch. */
    return (int)(1 & (((unsigned)diff - 1) >> 8));
}

int crypto_equal_str(const char *a, const char *b)
{
    size_t len_a, len_b;
    volatile uint8_t diff;

    if (!a || !b)
        return 0;
    len_a = strlen(a);   /* the caller's input: its length is no secret */
    len_b = strlen(b);
    diff = len_a != len_b;
    /* Walk all of b; past the end of a compare with a's NUL, so the time
     * depends on len_b only. */
    for (size_t i = 0; i < len_b; i++) {
        uint8_t ca = (uint8_t)a[i < len_a ? i : len_a];
        diff |= ca ^ (uint8_t)b[i];
    }
    return (int)(1 & (((unsigned)diff - 1) >> 8));
}

void hex_encode(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0F];
    }
    out[2 * n] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int hex_decode(const char *in, size_t n, uint8_t *out)
{
    if (!in)
        return -1;
    /* Stops at the first non-hex byte (the NUL of a short string included),
     * so it never reads past the end of in. */
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(in[2 * i]);
        int lo = hi < 0 ? -1 : hex_value(in[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* crypto.h — random tokens, SHA-256, HMAC-SHA256 and constant-time
 * comparison, on gnutls. */
#ifndef LYRE_CRYPTO_H
#define LYRE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"

#define CRYPTO_SHA256_LEN 32

/* Fill buf with n bytes from the system CSPRNG (GNUTLS_RND_KEY). 0 or -1. */
int crypto_random(void *buf, size_t n);
/* A random token of nbytes bytes, hex-encoded (2*nbytes chars); NULL on failure. */
char *crypto_token_hex(arena *a, size_t nbytes);
/* SHA-256 of data; 0 or -1. */
int crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN]);
/* HMAC-SHA256; 0 or -1. */
int crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                       uint8_t out[CRYPTO_SHA256_LEN]);
/* 1 if equal.  Time depends only on n, never on the contents. */
int crypto_equal(const void *a, const void *b, size_t n);
/* Constant-time comparison of two strings whose lengths may differ
 * (time depends on the length of b, the secret's known length). */
int crypto_equal_str(const char *a, const char *b);
/* Lowercase hex of n bytes into out (2n+1 bytes). */
void hex_encode(const uint8_t *in, size_t n, char *out);
/* Decode 2n hex chars into n bytes; 0 or -1. */
int hex_decode(const char *in, size_t n, uint8_t *out);

#endif

/* seal.c — AES-256-GCM (gnutls) under the key of auth.key_file.
 * Blob: 12-byte random nonce || ciphertext || 16-byte tag. */
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "log.h"

#define KEY_BYTES 32
#define NONCE_BYTES 12
#define TAG_BYTES 16

/* One cipher handle per process, made from the key file on first use. */
static gnutls_aead_cipher_hd_t cipher;
static int loaded;

void seal_reset(void)
{
    if (loaded)
        gnutls_aead_cipher_deinit(cipher);
    cipher = NULL;
    loaded = 0;
}

/* 32 raw bytes, or 64 hex digits with an optional trailing newline. */
static int parse_key(const char *path, const unsigned char *buf, size_t n, unsigned char key[KEY_BYTES])
{
    if (n == KEY_BYTES) {
        memcpy(key, buf, KEY_BYTES);
        return 0;
    }
    if (n == 2 * KEY_BYTES + 2 && buf[2 * KEY_BYTES] == '\r' && buf[2 * KEY_BYTES + 1] == '\n')
        n -= 2;
    else if (n == 2 * KEY_BYTES + 1 && buf[2 * KEY_BYTES] == '\n')
        n -= 1;
    if (n == 2 * KEY_BYTES) {
        char hex[2 * KEY_BYTES + 1];
        memcpy(hex, buf, 2 * KEY_BYTES);
        hex[2 * KEY_BYTES] = '\0';
        if (hex_decode(hex, KEY_BYTES, key) == 0) {
            gnutls_memset(hex, 0, sizeof hex);
            return 0;
        }
        gnutls_memset(hex, 0, sizeof hex);
        log_error("auth.key_file %s: 64 bytes but not hex digits; want 32 raw bytes or 64 hex digits",
                  path);
        return -1;
    }
    log_error("auth.key_file %s: %zu bytes; want 32 raw bytes or 64 hex digits (and a newline)", path,
              n);
    return -1;
}

int seal_load_key(const lyre_config *cfg)
{
    const char *path = cfg->auth_key_file;
    unsigned char buf[2 * KEY_BYTES + 3], key[KEY_BYTES];
    gnutls_datum_t datum;
    struct stat st;
    size_t n = 0;
    int fd = -1, rc = -1, err;

    if (loaded)
        return 0;
    if (!path || !*path) {
        log_error("auth.key_file is not set");
        return -1;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_error("auth.key_file %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        log_error("auth.key_file %s: not a regular file", path);
        goto cleanup;
    }
    if (st.st_mode & 077)
        log_warn("auth.key_file %s: readable by group or others (chmod 600 it)", path);
    /* Read one byte more than the longest valid form, to see a longer file. */
    while (n < sizeof buf) {
        ssize_t got = read(fd, buf + n, sizeof buf - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            log_error("auth.key_file %s: %s", path, strerror(errno));
            goto cleanup;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n == sizeof buf) {
        log_error("auth.key_file %s: too long; want 32 raw bytes or 64 hex digits", path);
        goto cleanup;
    }
    if (parse_key(path, buf, n, key) != 0)
        goto cleanup;
    datum.data = key;
    datum.size = KEY_BYTES;
    err = gnutls_aead_cipher_init(&cipher, GNUTLS_CIPHER_AES_256_GCM, &datum);
    if (err < 0) {
        log_error("gnutls_aead_cipher_init: %s", gnutls_strerror(err));
        goto cleanup;
    }
    loaded = 1;
    rc = 0;

cleanup:
    if (fd >= 0)
        close(fd);
    gnutls_memset(buf, 0, sizeof buf);
    gnutls_memset(key, 0, sizeof key);
    return rc;
}

int seal(const lyre_config *cfg, arena *a, const void *plain, size_t len, const char *ad,
         unsigned char **out, size_t *out_len)
{
    unsigned char *blob;
    size_t ct_len;
    int err;

    if (!out || !out_len || (!plain && len > 0) || len > SIZE_MAX - SEAL_OVERHEAD)
        return -1;
    if (seal_load_key(cfg) != 0)
        return -1;
    if (!ad)
        ad = "";
    blob = arena_alloc(a, len + SEAL_OVERHEAD);
    if (crypto_random(blob, NONCE_BYTES) != 0) {
        log_error("no random bytes for a nonce");
        return -1;
    }
    ct_len = len + TAG_BYTES;
    err = gnutls_aead_cipher_encrypt(cipher, blob, NONCE_BYTES, ad, strlen(ad), TAG_BYTES,
                                     plain ? plain : "", len, blob + NONCE_BYTES, &ct_len);
    if (err < 0 || ct_len != len + TAG_BYTES) {
        log_error("gnutls_aead_cipher_encrypt: %s", err < 0 ? gnutls_strerror(err) : "short output");
        return -1;
    }
    *out = blob;
    *out_len = len + SEAL_OVERHEAD;
    return 0;
}

int unseal(const lyre_config *cfg, arena *a, const unsigned char *blob, size_t len, const char *ad,
           unsigned char **plain, size_t *plain_len)
{
    unsigned char *pt;
    size_t pt_len;
    int err;

    if (!plain || !plain_len || !blob || len < SEAL_OVERHEAD)
        return -1;
    if (seal_load_key(cfg) != 0)
        return -1;
    if (!ad)
        ad = "";
    pt_len = len - SEAL_OVERHEAD;
    /* One spare byte: callers may treat the result as a string. */
    pt = arena_alloc(a, pt_len + 1);
    err = gnutls_aead_cipher_decrypt(cipher, blob, NONCE_BYTES, ad, strlen(ad), TAG_BYTES,
                                     blob + NONCE_BYTES, len - NONCE_BYTES, pt, &pt_len);
    if (err < 0) {
        log_warn("unseal (%s): %s", ad, gnutls_strerror(err));
        return -1;
    }
    pt[pt_len] = '\0';
    *plain = pt;
    *plain_len = pt_len;
    return 0;
}

/* totp.c — RFC 6238 codes through liboath, otpauth:// URIs and their QR code. */
#include "totp.h"

#include <liboath/oath.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "str.h"
#include "url.h"

#define STEP 30
#define DIGITS 6
#define QUIET 4

static int oath_ready(void)
{
    static int ready;
    if (!ready) {
        int rc = oath_init();
        if (rc != OATH_OK) {
            log_error("oath_init: %s", oath_strerror(rc));
            return -1;
        }
        ready = 1;
    }
    return 0;
}

int totp_new_secret(unsigned char secret[TOTP_SECRET_BYTES])
{
    return crypto_random(secret, TOTP_SECRET_BYTES);
}

const char *totp_secret_base32(arena *a, const unsigned char *secret, size_t len)
{
    char *b32 = NULL, *out = NULL;
    size_t b32_len = 0;
    int rc;

    if (!secret || len == 0 || oath_ready() != 0)
        return NULL;
    rc = oath_base32_encode((const char *)secret, len, &b32, &b32_len);
    if (rc != OATH_OK) {
        log_error("oath_base32_encode: %s", oath_strerror(rc));
        goto cleanup;
    }
    /* Authenticator apps want no '=' padding. */
    while (b32_len > 0 && b32[b32_len - 1] == '=')
        b32_len--;
    out = arena_strndup(a, b32, b32_len);

cleanup:
    free(b32);
    return out;
}

const char *totp_uri(arena *a, const char *issuer, const char *account, const unsigned char *secret,
                     size_t len)
{
    const char *b32, *iss;

    if (!issuer || !account)
        return NULL;
    b32 = totp_secret_base32(a, secret, len);
    if (!b32)
        return NULL;
    iss = url_encode(a, issuer);
    return arena_printf(a, "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=6&period=30",
                        iss, url_encode(a, account), b32, iss);
}

int totp_code_at(const unsigned char *secret, size_t len, time_t when, char out[7])
{
    int rc;

    if (!secret || len == 0 || oath_ready() != 0)
        return -1;
    rc = oath_totp_generate((const char *)secret, len, when, STEP, 0, DIGITS, out);
    if (rc != OATH_OK) {
        log_error("oath_totp_generate: %s", oath_strerror(rc));
        return -1;
    }
    return 0;
}

static int well_formed(const char *code)
{
    if (!code)
        return 0;
    for (int i = 0; i < DIGITS; i++)
        if (code[i] < '0' || code[i] > '9')
            return 0;
    return code[DIGITS] == '\0';
}

uint64_t totp_check(const unsigned char *secret, size_t len, const char *code, time_t now,
                    uint64_t last_step)
{
    uint64_t matched = 0;
    long long base;

    if (!well_formed(code) || now < 0)
        return 0;
    base = (long long)(now / STEP);
    /* Every candidate is computed and compared, so the time spent does not
     * say which step (if any) matched. */
    for (int off = -1; off <= 1; off++) {
        char want[DIGITS + 1];
        long long step = base + off;
        if (step <= 0)
            continue;
        if (totp_code_at(secret, len, (time_t)(step * STEP), want) != 0)
            return 0;
        if (crypto_equal(want, code, DIGITS) && (uint64_t)step > last_step)
            matched = (uint64_t)step;
    }
    return matched;
}

const char *totp_qr_svg_path(arena *a, const char *text, int *size)
{
    QRcode *qr = NULL;
    strbuf sb = STRBUF_INIT;
    const char *out = NULL;

    if (!text || !size)
        return NULL;
    qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) {
        log_error("QRcode_encodeString failed for %zu bytes", strlen(text));
        goto cleanup;
    }
    for (int y = 0; y < qr->width; y++) {
        const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;
        for (int x = 0; x < qr->width;) {
            int run = 0;
            /* Bit 0 of each module is its colour (1 = dark). */
            while (x + run < qr->width && (row[x + run] & 1))
                run++;
            if (run > 0) {
                sb_addf(&sb, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
                x += run;
            } else {
                x++;
            }
        }
    }
    *size = qr->width + 2 * QUIET;
    out = arena_strndup(a, sb.buf, sb.len);

cleanup:
    if (qr)
        QRcode_free(qr);
    sb_free(&sb);
    return out;
}

/* totp.h — time-based one-time passwords (RFC 6238: SHA-1, 6 digits,
 * 30-second steps) through liboath, the otpauth:// URI authenticator apps
 * scan, and its QR code (libqrencode) as SVG path data.
 */
#ifndef LYRE_TOTP_H
#define LYRE_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "arena.h"

#define TOTP_SECRET_BYTES 20

/* Fill secret with TOTP_SECRET_BYTES random bytes. 0 or -1. */
int totp_new_secret(unsigned char secret[TOTP_SECRET_BYTES]);

/* Base32 (RFC 4648, no padding) of the secret, for typing it in (arena). */
const char *totp_secret_base32(arena *a, const unsigned char *secret, size_t len);

/* "otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30"
 * with issuer and account percent-encoded (arena). */
const char *totp_uri(arena *a, const char *issuer, const char *account, const unsigned char *secret,
                     size_t len);

/* Check a 6-digit code at time now, allowing one step either side.
 * Returns the matched step (now/30 + offset, > 0), or 0 when the code is
 * wrong, malformed, or its step is <= last_step (a code used before). */
uint64_t totp_check(const unsigned char *secret, size_t len, const char *code, time_t now,
                    uint64_t last_step);

/* The code for a step (tests). 0 or -1. */
int totp_code_at(const unsigned char *secret, size_t len, time_t when, char out[7]);

/* QR code of text as SVG: *size gets the number of modules per side
 * (quiet zone of 4 included) and the result is path data ("M4 4h1v1h-1z...")
 * drawing the dark modules on a size x size grid (arena), or NULL. */
const char *totp_qr_svg_path(arena *a, const char *text, int *size);

#endif

/* totp.c — placeholder. */
#include "totp.h"
int totp_new_secret(unsigned char secret[TOTP_SECRET_BYTES]) { (void)secret; return -1; }
const char *totp_secret_base32(arena *a, const unsigned char *secret, size_t len) { (void)a; (void)secret; (void)len; return NULL; }
const char *totp_uri(arena *a, const char *issuer, const char *account, const unsigned char *secret, size_t len) { (void)a; (void)issuer; (void)account; (void)secret; (void)len; return NULL; }
uint64_t totp_check(const unsigned char *secret, size_t len, const char *code, time_t now, uint64_t last_step) { (void)secret; (void)len; (void)code; (void)now; (void)last_step; return 0; }
int totp_code_at(const unsigned char *secret, size_t len, time_t when, char out[7]) { (void)secret; (void)len; (void)when; (void)out; return -1; }
const char *totp_qr_svg_path(arena *a, const char *text, int *size) { (void)a; (void)text; (void)size; return NULL; }

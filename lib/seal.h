/* seal.h — secrets the server must read back (TOTP secrets, app passwords)
 * are stored sealed with AES-256-GCM (gnutls) under the 32-byte key in
 * auth.key_file: 12-byte random nonce || ciphertext || 16-byte tag.
 * The key file holds 32 raw bytes or 64 hex digits; lyre-admin and the
 * set-up scripts create it (mode 0600).
 */
#ifndef LYRE_SEAL_H
#define LYRE_SEAL_H

#include <stddef.h>
#include "arena.h"
#include "config.h"

#define SEAL_OVERHEAD 28

/* Read the key once per process (cached; reread after seal_reset). 0 or -1 (logged). */
int seal_load_key(const lyre_config *cfg);
void seal_reset(void);

/* Seal len bytes of plain with associated data ad (e.g. "totp:42", binding
 * the blob to its row).  *out (arena) gets len + SEAL_OVERHEAD bytes. 0 or -1. */
int seal(const lyre_config *cfg, arena *a, const void *plain, size_t len, const char *ad,
         unsigned char **out, size_t *out_len);
/* Open a sealed blob; -1 if the key, the ad or the bytes do not match. */
int unseal(const lyre_config *cfg, arena *a, const unsigned char *blob, size_t len, const char *ad,
           unsigned char **plain, size_t *plain_len);

#endif

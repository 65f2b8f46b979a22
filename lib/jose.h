/* jose.h — just enough JOSE for OpenID Connect ID tokens: JSON Web Key
 * Sets (RFC 7517) and JWS compact signatures (RFC 7515) with RS256
 * (RSASSA-PKCS1-v1_5, SHA-256, keys of 2048 bits or more) and ES256
 * (ECDSA P-256, SHA-256), verified with gnutls.
 *
 * Every other algorithm — "none", HMAC, PS*, others — is refused: the
 * algorithm comes from the token, so the list of acceptable ones must not.
 */
#ifndef LYRE_JOSE_H
#define LYRE_JOSE_H

#include <jansson.h>
#include <stddef.h>
#include "arena.h"

#define JOSE_MAX_TOKEN_BYTES 16384
#define JOSE_MAX_KEYS 32

typedef enum jose_status {
    JOSE_OK = 0,
    JOSE_ERR_MALFORMED,     /* not three base64url segments of JSON objects */
    JOSE_ERR_TOO_BIG,       /* longer than JOSE_MAX_TOKEN_BYTES */
    JOSE_ERR_ALG,           /* alg other than RS256/ES256, or a "crit" header */
    JOSE_ERR_NO_KEY,        /* no key of the set fits (unknown kid: refetch the set) */
    JOSE_ERR_SIGNATURE,     /* the signature does not verify */
} jose_status;

/* A parsed key set: the keys gnutls can use for RS256/ES256 signatures. */
typedef struct jose_jwks jose_jwks;

/* Parse a JWK Set document.  Keys of other types, curves, uses ("use" not
 * "sig") or algorithms are skipped, as are RSA keys under 2048 bits.
 * NULL (with a reason in *why, a static string) when the document is not
 * a key set or holds no usable key.  Free with jose_jwks_free. */
jose_jwks *jose_jwks_parse(const char *json, size_t len, const char **why);
void jose_jwks_free(jose_jwks *jwks);
size_t jose_jwks_count(const jose_jwks *jwks);

/* Verify a JWS in compact serialisation with a key of jwks: the one whose
 * "kid" equals the header's, or without a kid the only key of the right
 * type.  On JOSE_OK, *claims is the payload (a JSON object, json_decref
 * it) and *alg (may be NULL) "RS256" or "ES256".  Claims are NOT checked
 * here (issuer, audience, expiry: lib/oidc). */
jose_status jose_verify(const jose_jwks *jwks, const char *token, json_t **claims,
                        const char **alg);

/* A short English reason for a status (logs). */
const char *jose_status_text(jose_status st);

/* base64url (RFC 4648 section 5) without padding.  Decoding refuses '='
 * and any byte outside the alphabet, and bits left over in the last
 * character.  *out is NUL-terminated (arena).  0 or -1. */
int b64url_decode(arena *a, const char *in, size_t len, unsigned char **out, size_t *out_len);
char *b64url_encode(arena *a, const void *data, size_t len);

#endif

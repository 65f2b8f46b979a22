/* oidc.h — the relying-party side of OpenID Connect: authorization code
 * flow with PKCE (S256), for the providers of lyre.conf (oidc.providers).
 *
 * Per process, each issuer's discovery document
 * (ISSUER/.well-known/openid-configuration, whose "issuer" must be exactly
 * the configured one) and its key set (jwks_uri) are kept for an hour; an
 * ID token with a key id the set lacks (or whose signature does not verify)
 * makes the set be fetched again once: the provider rotated its keys.  All requests go through
 * lib/fetch (timeouts, size limits, TLS verified); the client secret is sent
 * with HTTP Basic (client_secret_basic) and never logged.
 *
 * An ID token is accepted when its RS256/ES256 signature verifies with the
 * provider's keys (lib/jose), iss is the issuer, aud is (or contains) our
 * client_id (with several audiences azp must be our client_id), exp has not
 * passed (60 s of clock skew allowed), iat is not in the future beyond those
 * 60 s, and nonce is the one this browser's flow stored.
 */
#ifndef LYRE_OIDC_H
#define LYRE_OIDC_H

#include <jansson.h>
#include "arena.h"
#include "config.h"

#define OIDC_CLOCK_SKEW 60

typedef enum oidc_status {
    OIDC_OK = 0,
    OIDC_ERR_PROVIDER,   /* provider unreachable, or its answer makes no sense (502) */
    OIDC_ERR_REFUSED,    /* the token endpoint refused the code (bad, used, expired) */
    OIDC_ERR_TOKEN,      /* the ID token is not valid for us */
} oidc_status;

/* Who the provider says signed in.  Strings in the arena. */
typedef struct oidc_identity {
    const char *issuer;
    const char *subject;             /* "sub": 1-255 bytes of UTF-8 */
    const char *email;               /* NULL when absent or not an address */
    int email_verified;              /* the provider vouches for email */
    const char *name;                /* NULL when absent */
    const char *preferred_username;  /* NULL when absent */
} oidc_identity;

/* A PKCE code verifier: 43 characters of base64url (32 random bytes), or
 * NULL when the random generator fails. */
const char *oidc_pkce_verifier(arena *a);
/* Its S256 challenge: base64url(SHA-256(verifier)); NULL on failure. */
const char *oidc_pkce_challenge(arena *a, const char *verifier);

/* cfg->base_url + "/auth/NAME/callback" */
const char *oidc_redirect_uri(arena *a, const lyre_config *cfg, const lyre_oidc_provider *p);

/* The provider's authorization URL for one sign-in (response_type=code,
 * client_id, redirect_uri, scope, state, nonce, code_challenge of verifier,
 * code_challenge_method=S256).  OIDC_OK with *url, or OIDC_ERR_PROVIDER
 * (discovery failed; *why says why, for the log). */
oidc_status oidc_authorize_url(arena *a, const lyre_config *cfg, const lyre_oidc_provider *p,
                               const char *state, const char *nonce, const char *verifier,
                               const char **url, const char **why);

/* Exchange an authorization code at the token endpoint and validate the ID
 * token against nonce.  OIDC_OK with *id filled; otherwise *why (arena or
 * static text, never a secret) says what failed. */
oidc_status oidc_exchange_code(arena *a, const lyre_config *cfg, const lyre_oidc_provider *p,
                               const char *code, const char *verifier, const char *nonce,
                               oidc_identity *id, const char **why);

/* The claim checks alone, at time now (seconds since the epoch), exposed
 * for unit tests.  OIDC_OK with *id filled, or OIDC_ERR_TOKEN and *why. */
oidc_status oidc_check_claims(arena *a, json_t *claims, const char *issuer, const char *client_id,
                              const char *nonce, long long now, oidc_identity *id,
                              const char **why);

/* Forget every discovery document and key set (tests, SIGHUP). */
void oidc_cache_clear(void);

#endif

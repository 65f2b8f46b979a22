/* authflow.h — short-lived, server-side state of a multi-step sign-in
 * (second factor pending, OpenID Connect round trip, account link waiting
 * for confirmation), found by a random token the browser holds in a cookie
 * or a form field; only the token's SHA-256 is stored (auth_flows table).
 */
#ifndef LYRE_AUTHFLOW_H
#define LYRE_AUTHFLOW_H

#include "http.h"

/* Store data (any text, e.g. JSON) for purpose ("mfa", "oidc", "link"),
 * living ttl_seconds.  *token gets 64 hex chars (arena).  LYRE_OK or error. */
lyre_err authflow_start(lyre_req *req, const char *purpose, unsigned long long user_id,
                        const char *data, int ttl_seconds, const char **token);

/* Look a flow up by its token.  LYRE_OK with *user_id (0 if none) and *data
 * (arena) set; LYRE_ERR_NOT_FOUND when unknown, expired or of another
 * purpose.  *attempts is how many failures were counted on it so far. */
lyre_err authflow_find(lyre_req *req, const char *purpose, const char *token,
                       unsigned long long *user_id, const char **data, int *attempts);

/* Count one failed attempt (e.g. a wrong second factor). */
lyre_err authflow_fail(lyre_req *req, const char *token);

/* Delete the flow (single use): LYRE_OK if this call removed it,
 * LYRE_ERR_NOT_FOUND if it was already gone (a replay or a race). */
lyre_err authflow_finish(lyre_req *req, const char *token);

#endif

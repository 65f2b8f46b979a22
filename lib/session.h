/* session.h — signed-in sessions: a 256-bit random id in a cookie, stored in
 * the sessions table only as its SHA-256.
 *
 * Cookie: "lyre_session" (over HTTPS "__Host-lyre_session", Secure), Path=/,
 * HttpOnly, SameSite=Lax.  A session ends after session.idle_timeout without
 * requests or session.absolute_timeout after sign-in.  Each worker keeps the
 * sessions it has checked for session.recheck_ms (lib/app), so a session
 * ended by another worker stops working within that time; the worker that
 * ends it forgets it at once.
 */
#ifndef LYRE_SESSION_H
#define LYRE_SESSION_H

#include "auth.h"
#include "http.h"

/* Find the session of req's cookie and set req->auth (NULL if none, expired,
 * ended or the user is disabled).  LYRE_OK, or LYRE_ERR_DB_DOWN. */
lyre_err session_load(lyre_req *req);

/* Sign user_id in: a new session row and cookie (method: "password",
 * "password+totp", "oidc:NAME", ...), replacing req's current session if
 * any.  Sets req->auth.  LYRE_OK or an error. */
lyre_err session_start(lyre_req *req, unsigned long long user_id, const char *method);

/* A new id (and CSRF token) for the current session: after any change of
 * privilege (password, second factor, role, email).  Reloads req->auth. */
lyre_err session_rotate(lyre_req *req);

/* End the current session (logout) and clear the cookie. */
lyre_err session_end_current(lyre_req *req);
/* End one session of the signed-in user by its id (0 rows if not theirs). */
lyre_err session_end_one(lyre_req *req, unsigned long long session_id);
/* End every session of user_id except keep_session_id (0: all). */
lyre_err session_end_all(lyre_req *req, unsigned long long user_id, unsigned long long keep_session_id);

/* Forget every session this worker remembers (tests, SIGHUP). */
void session_cache_clear(void);

/* The client's address as the web server saw it (REMOTE_ADDR), never NULL. */
const char *session_client_ip(const lyre_req *req);

#endif

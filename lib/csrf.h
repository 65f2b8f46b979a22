/* csrf.h — tokens that prove a state-changing request comes from our pages.
 *
 * Signed in: the session's own token (req->auth->csrf_token).  Anonymous
 * (login, sign-up, reset forms): a random token in the "lyre_csrf" cookie
 * (SameSite=Strict, readable by our scripts) that the form repeats.
 * A request carries it as the form field "csrf" or the header X-CSRF-Token.
 * lib/app checks it on every POST/PUT/PATCH/DELETE whose route is not
 * ROUTE_NO_CSRF, and answers 403 when it is missing or wrong.
 */
#ifndef LYRE_CSRF_H
#define LYRE_CSRF_H

#include "http.h"

/* The token pages must embed for this visitor; creates (and sets the cookie
 * of) an anonymous one when there is none yet.  Never NULL. */
const char *csrf_token(lyre_req *req);

/* 1 if the request carries the right token (constant-time compare). */
int csrf_valid(lyre_req *req);

#endif

/* throttle.h — counters that slow down guessing and flooding, kept in the
 * auth_throttle table so every worker and program shares them.
 *
 * Logins (scopes "login-account", "login-ip"): the first
 * auth.login_free_attempts failures in a row cost nothing; after that each
 * failure blocks further attempts for a delay that doubles (1 s, 2 s, 4 s, ...
 * up to auth.login_max_delay); an address ("login-ip") gets four times as
 * many free failures, since many people may share it.  A success clears the
 * account's counter.
 * Unknown accounts are counted exactly like known ones.
 * Rates (scopes "signup-ip", "reset-ip", "reset-account"): at most N events
 * per hour per subject.
 */
#ifndef LYRE_THROTTLE_H
#define LYRE_THROTTLE_H

#include "http.h"

/* 0 if an attempt may go ahead now, else the seconds to wait (>= 1).
 * -1 when the database is down. */
long throttle_wait(lyre_req *req, const char *scope, const char *subject);

/* Count a failure; returns the seconds the subject must now wait (0 if
 * none), -1 when the database is down. */
long throttle_fail(lyre_req *req, const char *scope, const char *subject);

/* Forget the subject's failures (a successful login). */
void throttle_clear(lyre_req *req, const char *scope, const char *subject);

/* Rate limit: count one event; 0 if it is within limit_per_hour, else the
 * seconds until the window ends.  -1 when the database is down. */
long throttle_rate(lyre_req *req, const char *scope, const char *subject, int limit_per_hour);

#endif

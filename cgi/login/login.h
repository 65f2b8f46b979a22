/* login.h — cgi/lyre-login: accounts (sign-up, login, second factor,
 * logout, email verification, password reset), social login (OpenID
 * Connect) and the account pages.  One file per flow; the route table is in
 * main.c.
 */
#ifndef LYRE_LOGIN_H
#define LYRE_LOGIN_H

#include "app.h"
#include "auth.h"
#include "authflow.h"
#include "csrf.h"
#include "session.h"

/* ---- signup.c, login.c (login, second step, logout), reset.c, verify.c (sign-in flows) */
lyre_err page_signup(lyre_req *req);        /* GET  /signup */
lyre_err post_signup(lyre_req *req);        /* POST /signup */
lyre_err page_login(lyre_req *req);         /* GET  /login */
lyre_err post_login(lyre_req *req);         /* POST /login */
lyre_err page_login_mfa(lyre_req *req);     /* GET  /login/mfa */
lyre_err post_login_mfa(lyre_req *req);     /* POST /login/mfa */
lyre_err post_logout(lyre_req *req);        /* POST /logout */
lyre_err page_verify(lyre_req *req);        /* GET  /verify/{token} */
lyre_err post_verify_resend(lyre_req *req); /* POST /verify/resend (signed in) */
lyre_err page_reset_request(lyre_req *req); /* GET  /reset */
lyre_err post_reset_request(lyre_req *req); /* POST /reset */
lyre_err page_reset(lyre_req *req);         /* GET  /reset/{token} */
lyre_err post_reset(lyre_req *req);         /* POST /reset/{token} */

/* After a first factor succeeded (password, or a social login): if the user
 * has TOTP on, start the "mfa" flow and redirect to /login/mfa; otherwise
 * start the session and redirect to next (already checked by login_next).
 * Disabled accounts get the same answer as a wrong password. */
lyre_err login_complete(lyre_req *req, unsigned long long user_id, const char *method,
                        const char *next);
/* next as a safe local path ("/album/7"): one leading '/', no "//", no
 * backslash, no control characters; anything else gives "/". */
const char *login_next(lyre_req *req, const char *next);

/* ---- email_token.c: the one path for links sent by mail.
 * purpose "verify" (email in the token is the address to mark verified,
 * possibly a new one) or "reset".  Tokens: 32 random bytes, hex in the
 * link, SHA-256 in email_tokens, 30 minutes, single use. */
lyre_err email_token_send(lyre_req *req, unsigned long long user_id, const char *purpose,
                          const char *email);
/* Use a token: LYRE_OK with *user_id and *email set (and the token spent,
 * in the caller's transaction if one is open), or LYRE_ERR_NOT_FOUND for an
 * unknown, used, expired or other-purpose token. */
lyre_err email_token_use(lyre_req *req, const char *purpose, const char *token,
                         unsigned long long *user_id, const char **email);

/* ---- account.c, account_security.c, account_mfa.c (signed in) */
lyre_err page_account(lyre_req *req);            /* GET  /account (profile) */
lyre_err post_account_profile(lyre_req *req);    /* POST /account/profile */
lyre_err page_account_password(lyre_req *req);   /* GET  /account/password */
lyre_err post_account_password(lyre_req *req);   /* POST /account/password */
lyre_err page_account_email(lyre_req *req);      /* GET  /account/email */
lyre_err post_account_email(lyre_req *req);      /* POST /account/email */
lyre_err page_account_sessions(lyre_req *req);   /* GET  /account/sessions */
lyre_err post_account_session_end(lyre_req *req);/* POST /account/sessions/{id}/end */
lyre_err post_account_sessions_end_all(lyre_req *req); /* POST /account/sessions/end-all */
lyre_err page_account_mfa(lyre_req *req);        /* GET  /account/mfa */
lyre_err post_account_mfa_setup(lyre_req *req);  /* POST /account/mfa/setup */
lyre_err post_account_mfa_enable(lyre_req *req); /* POST /account/mfa/enable */
lyre_err post_account_mfa_disable(lyre_req *req);/* POST /account/mfa/disable */
lyre_err post_account_mfa_recovery(lyre_req *req); /* POST /account/mfa/recovery */
lyre_err page_account_export(lyre_req *req);     /* GET  /account/export (JSON download) */
lyre_err page_account_delete(lyre_req *req);     /* GET  /account/delete */
lyre_err post_account_delete(lyre_req *req);     /* POST /account/delete */

/* Second factor check shared by login and the account pages: a 6-digit
 * TOTP code (not used before) or an unused recovery code ("xxxxx-xxxxx"),
 * which is then spent.  1 accepted, 0 refused, -1 database down. */
int mfa_check_code(lyre_req *req, unsigned long long user_id, const char *code);

/* ---- oidc_login.c: social login */
lyre_err page_oidc_start(lyre_req *req);         /* GET  /auth/{provider}/start */
lyre_err page_oidc_callback(lyre_req *req);      /* GET  /auth/{provider}/callback */
lyre_err page_oidc_link(lyre_req *req);          /* GET  /auth/link */
lyre_err post_oidc_link(lyre_req *req);          /* POST /auth/link */

/* ---- account_apps.c: app passwords and API keys for the Subsonic API */
lyre_err page_account_apps(lyre_req *req);       /* GET  /account/apps */
lyre_err post_account_apps(lyre_req *req);       /* POST /account/apps */
lyre_err post_account_app_revoke(lyre_req *req); /* POST /account/apps/{id}/revoke */

#endif

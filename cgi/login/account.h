/* account.h — what the account pages (account.c, account_security.c,
 * account_mfa.c) share: the page frame, form errors, re-authentication and
 * notices by mail.  Every page is the template "account" with one
 * <account section="..."> element; account.xsl draws the section.
 */
#ifndef LYRE_ACCOUNT_H
#define LYRE_ACCOUNT_H

#include "login.h"

/* The signed-in user's row as the account pages need it (arena strings). */
typedef struct account_user {
    const char *username;
    const char *display_name;
    const char *email;           /* "" when none */
    int email_verified;
    const char *country;         /* "" when not set */
    const char *role;
    const char *created_at;      /* "YYYY-MM-DD HH:MM:SS" */
    const char *password_hash;   /* NULL for accounts that only sign in socially */
    int totp_enabled;
    const char *totp_enabled_at; /* NULL when off */
} account_user;

/* Read req->auth's user.  LYRE_OK, LYRE_ERR_UNAUTHORIZED (gone meanwhile)
 * or a database error. */
lyre_err account_user_load(lyre_req *req, account_user *u);

/* A new page for section ("profile", "password", "email", "sessions",
 * "mfa", "delete"); *acct gets the <account> element to fill.  Adds the
 * user's summary and the notice named by ?done= when it is one we know. */
lyre_view *account_view(lyre_req *req, const account_user *u, const char *section,
                        const char *title, xmlNodePtr *acct);

/* Add a form mistake for field (the input's name) to acct: shown next to the
 * field and in the summary at the top. */
void account_error(xmlNodePtr acct, const char *field, const char *message);
/* Keep what the person typed in a field (never a password). */
void account_keep(xmlNodePtr acct, const char *field, const char *value);

/* Render (no-store: these pages hold personal data).  status is 200, 422... */
lyre_err account_render(lyre_req *req, lyre_view *v, int status);
/* 303 to location (a local path). */
lyre_err account_redirect(lyre_req *req, const char *location);

/* The form field name, "" when absent. */
const char *account_form(lyre_req *req, const char *name);

/* Re-authentication with the current password, throttled per account.
 * 1: right; 0: refused, *problem says why (and req->status is set: 422, or
 * 429 with Retry-After); -1: database down. */
int account_reauth(lyre_req *req, const account_user *u, const char *password,
                   const char **problem);

/* The second factor of a re-authentication (turning two-factor off,
 * deleting the account): mfa_check_code, with wrong codes throttled per
 * account like wrong passwords.  Same results as account_reauth. */
int account_second_factor(lyre_req *req, const char *code, const char **problem);

/* Tell the account's address about a change (best effort: logged when it
 * cannot be sent).  No-op when to is empty.  advice adds what to do when
 * the change was not the owner's doing. */
void account_notify(lyre_req *req, const char *to, const char *subject, const char *body, int advice);

/* "Firefox on Linux" from a User-Agent header (arena). */
const char *account_device(arena *a, const char *user_agent);

#endif

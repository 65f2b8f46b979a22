/* signin.h — what the sign-in flows share (signup.c, login.c, reset.c,
 * verify.c, email_token.c); private to them.  The helpers live in login.c
 * and email_token.c. */
#ifndef LYRE_SIGNIN_H
#define LYRE_SIGNIN_H

#include <time.h>

#include "login.h"

/* The one answer to a failed sign-in, whatever failed (unknown name, wrong
 * password, disabled account): it must not tell them apart. */
#define SIGNIN_WRONG "Wrong user name or password."
/* Login names (a user name or an email address) are at most this long. */
#define SIGNIN_LOGIN_MAX 254

/* ASCII-lowercased copy (arena): username_key, email_key, throttle subjects.
 * Other bytes are kept, so a non-ASCII address stays as typed. */
char *signin_lower(arena *a, const char *s);

/* <field name="NAME" value="VALUE" error="ERROR"/> under form; value and
 * error may be NULL.  Passwords are never echoed (pass NULL). */
xmlNodePtr signin_field(xmlNodePtr form, const char *name, const char *value, const char *error);

/* A form field trimmed of surrounding ASCII spaces (arena), "" when absent. */
const char *signin_form_text(lyre_req *req, const char *name);
/* A form field as sent (passwords: spaces count), "" when absent. */
const char *signin_form_raw(lyre_req *req, const char *name);

/* Answer 429 with a page that says how long to wait (and Retry-After, for
 * programs) and leads back to the form.  what: "failed sign-ins", ... */
lyre_err signin_too_many(lyre_req *req, long seconds, const char *what);

/* Render a sign-in page with status (no-store: forms carry a CSRF token). */
lyre_err signin_render(lyre_req *req, lyre_view *v, int status);

/* Add <providers next-q="..."><provider name title/>...</providers> (social
 * login); next-q is next percent-encoded for the start links' query. */
void signin_providers(lyre_req *req, xmlNodePtr parent, const char *next);

/* Put next on a form element: next="..." and next-q (percent-encoded). */
void signin_next(lyre_req *req, xmlNodePtr form, const char *next);



/* Milliseconds since start (CLOCK_MONOTONIC). */
long signin_ms_since(const struct timespec *start);

/* ---- email_token.c */
/* Look a token up without spending it (the reset form shows only for a live
 * one).  Same results as email_token_use. */
lyre_err email_token_peek(lyre_req *req, const char *purpose, const char *token,
                          unsigned long long *user_id, const char **email);
/* Someone tried to sign up with email, which already belongs to owner_id:
 * tell its owner, with a link to reset the password in case it was them.
 * Rate limited like every mail to an account (LYRE_ERR_TOO_MANY). */
lyre_err email_token_notice(lyre_req *req, unsigned long long owner_id, const char *email);
/* 1 if token is 64 hex digits (what our links carry). */
int email_token_wellformed(const char *token);

#endif

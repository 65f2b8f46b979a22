/* auth.h — who is asking: the signed-in user of a request, and roles.
 *
 * lib/app loads it before routing (session_load in lib/session.h) and puts
 * it in req->auth; NULL means an anonymous visitor.  Every program uses the
 * same check; handlers never read the session cookie themselves.
 */
#ifndef LYRE_AUTH_H
#define LYRE_AUTH_H

enum user_role { ROLE_LISTENER = 0, ROLE_ARTIST = 1, ROLE_ADMIN = 2 };

typedef struct lyre_auth {
    unsigned long long session_id;   /* sessions.id */
    unsigned long long user_id;      /* users.id */
    const char *username;
    const char *display_name;        /* "" when not set */
    const char *email;               /* may be "" (social accounts without one) */
    int email_verified;
    int totp_enabled;
    enum user_role role;
    const char *csrf_token;          /* 64 hex: forms' "csrf" field, X-CSRF-Token header */
} lyre_auth;

/* "listener" | "artist" | "admin" */
const char *role_name(enum user_role role);
/* 0 and *role set, or -1 for an unknown name. */
int role_from_name(const char *name, enum user_role *role);

#define AUTH_USERNAME_MIN 3
#define AUTH_USERNAME_MAX 32
#define AUTH_EMAIL_MAX 254

/* The rules every way of making an account applies (sign-up, lyre-admin).
 * A user name: 3-32 of [A-Za-z0-9._-], first a letter or digit; NULL when
 * fine, else the sentence to show. */
const char *auth_username_problem(const char *username);
/* An email address: valid UTF-8, local@domain, at most 254 bytes (local part
 * 64), no spaces, quotes, brackets or controls (so it is also a safe mail
 * header), no leading, trailing or double dots, a dotted domain of 1-63-byte
 * labels (ASCII labels of letters, digits and inner hyphens).  Non-ASCII is
 * let through; the verification mail settles whether it works.  1 or 0. */
int auth_email_valid(const char *email);

#endif

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

#endif

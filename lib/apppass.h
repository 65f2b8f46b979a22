/* apppass.h — app passwords and API keys (db/0014_subsonic.sql): what phone
 * and desktop apps sign in with through the Subsonic API, never the login
 * password.  Made on /account/apps (cgi/login/account_apps.c), shown once,
 * revoked one by one; checked by cgi/subsonic/auth.c.
 *
 * An app password is 24 characters of [a-z2-9] without look-alikes, sealed
 * (lib/seal.h) so the token check md5(password + salt) can rebuild it.  An
 * API key is "lyre_" + 43 base64url characters (256 random bits); only its
 * SHA-256 is stored.
 */
#ifndef LYRE_APPPASS_H
#define LYRE_APPPASS_H

#include <stddef.h>
#include "http.h"

#define APPPASS_NAME_MAX 64          /* bytes */
#define APPPASS_MAX_PER_USER 25      /* app passwords and keys together */
#define APPPASS_PASSWORD_LEN 24
#define APPPASS_KEY_PREFIX "lyre_"

enum apppass_kind { APPPASS_PASSWORD = 0, APPPASS_APIKEY = 1 };

typedef struct apppass_item {
    unsigned long long id;
    enum apppass_kind kind;
    const char *name;
    const char *created_at;          /* "YYYY-MM-DD HH:MM:SS" UTC */
    const char *last_used_at;        /* NULL if never */
    const char *last_client;         /* NULL if never */
} apppass_item;

/* Make a new one named name (1..APPPASS_NAME_MAX bytes, trimmed by the
 * caller).  *secret (arena) is what the user copies into the app, shown
 * once.  LYRE_OK, LYRE_ERR_CONFLICT when the user already has
 * APPPASS_MAX_PER_USER, LYRE_ERR_BAD_REQUEST for a bad name, or a
 * database/sealing error (LYRE_ERR_INTERNAL, LYRE_ERR_DB_DOWN). */
lyre_err apppass_create(lyre_req *req, unsigned long long user_id, enum apppass_kind kind,
                        const char *name, const char **secret, unsigned long long *id);
/* The user's app passwords and keys, newest first. */
lyre_err apppass_list(lyre_req *req, unsigned long long user_id, apppass_item **items, size_t *n);
/* Revoke (delete) one of the user's; LYRE_ERR_NOT_FOUND if not theirs. */
lyre_err apppass_revoke(lyre_req *req, unsigned long long user_id, unsigned long long id);

/* Checks, for the API.  Each returns the matching row's id (> 0), 0 when
 * nothing matches, -1 when the database is down.  Comparisons are
 * constant-time; every app password of the user is tried. */
long long apppass_check_password(lyre_req *req, unsigned long long user_id, const char *password);
/* token: lowercase hex md5(app password + salt) (uppercase accepted). */
long long apppass_check_token(lyre_req *req, unsigned long long user_id, const char *salt, const char *token);
/* The user an API key belongs to (*user_id), by the key's SHA-256. */
long long apppass_check_key(lyre_req *req, const char *key, unsigned long long *user_id);
/* Note a use (at most one write per row a minute); client may be NULL. */
void apppass_touch(lyre_req *req, unsigned long long id, const char *client);

#endif

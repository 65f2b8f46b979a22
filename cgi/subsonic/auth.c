/* cgi/subsonic/auth.c — who is calling: u+p (plain or enc:HEX), u+t+s
 * (t = md5(app password + s)) or the OpenSubsonic apiKey, checked against
 * the user's app passwords and API keys (lib/apppass.h), never the login
 * password: the token scheme needs a secret the server can read back, and
 * an argon2 check on every request would cost more than the request.
 * Failures count in the same throttle as the login form ("login-account",
 * "login-ip"), so guessing through the API is no faster than through the
 * page, and a locked account stays locked here. */
#include "subsonic.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "apppass.h"
#include "crypto.h"
#include "log.h"
#include "session.h"
#include "throttle.h"

#define WRONG "Wrong username or password."

static const char *lower_ascii(arena *a, const char *s)
{
    char *d = arena_strdup(a, s);
    for (char *p = d; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return d;
}

/* "enc:" + hex of the UTF-8 bytes, or the password itself; NULL if the hex is bad. */
static const char *decode_password(arena *a, const char *p)
{
    if (strncmp(p, "enc:", 4) != 0)
        return p;
    size_t n = strlen(p + 4);
    if (n % 2)
        return NULL;
    char *out = arena_alloc(a, n / 2 + 1);
    if (hex_decode(p + 4, n / 2, (uint8_t *)out) != 0)
        return NULL;
    out[n / 2] = '\0';
    if (strlen(out) != n / 2)
        return NULL;   /* an encoded NUL */
    return out;
}

static int blocked(sub_ctx *s, int code, long wait)
{
    char ra[24];
    snprintf(ra, sizeof ra, "%ld", wait);
    http_set_header(s->req, "Retry-After", ra);
    return sub_fail(s, code, arena_printf(s->req->a, "Too many failed attempts: try again in %ld s.", wait));
}

static long wait_both(lyre_req *req, const char *account)
{
    long a = throttle_wait(req, "login-account", account);
    long b = throttle_wait(req, "login-ip", session_client_ip(req));
    if (a < 0 || b < 0)
        return -1;
    return a > b ? a : b;
}

static int fill_user(sub_ctx *s, const db_result *r, unsigned long long app_id)
{
    enum user_role role = ROLE_LISTENER;
    if (role_from_name(db_cell(r, 0, 3), &role) != 0)
        role = ROLE_LISTENER;
    s->user.id = (unsigned long long)db_cell_ll(r, 0, 0, 0);
    s->user.username = db_cell(r, 0, 1);
    s->user.email = db_cell(r, 0, 2) ? db_cell(r, 0, 2) : "";
    s->user.role = role;
    s->user.app_password_id = app_id;
    apppass_touch(s->req, app_id, s->client);
    return 0;
}

#define USER_COLS "SELECT id, username, email, role, status, username_key FROM users "

/* Credentials this worker has verified lately.  Apps send the same token
 * and salt (or password) with every request of a session; one query then
 * confirms that the app password still exists and its user is active
 * (revocation and disabling take effect at once), instead of the user
 * lookup, both throttle checks, unsealing every app password and clearing
 * the counter.  Only the SHA-256 of what was sent is kept. */
#define REMEMBER_SLOTS 128
#define REMEMBER_SECONDS 600
static struct remembered {
    uint8_t key[CRYPTO_SHA256_LEN];
    unsigned long long app_id;
    time_t at;
} remembered[REMEMBER_SLOTS];

static void credential_key(const char *ukey, const char *p, const char *t, const char *salt,
                           uint8_t out[CRYPTO_SHA256_LEN])
{
    /* NUL-separated, so no two different requests give the same bytes. */
    const char *parts[4] = { ukey, p ? p : "", t ? t : "", salt ? salt : "" };
    strbuf b = STRBUF_INIT;
    for (size_t i = 0; i < 4; i++)
        sb_add(&b, parts[i], strlen(parts[i]) + 1);
    if (crypto_sha256(b.buf, b.len, out) != 0)
        memset(out, 0, CRYPTO_SHA256_LEN);
    sb_free(&b);
}

static struct remembered *remembered_slot(const uint8_t key[CRYPTO_SHA256_LEN])
{
    return &remembered[key[0] % REMEMBER_SLOTS];
}

/* 1 and s->user filled when key was verified lately and still holds. */
static int recall(sub_ctx *s, const char *ukey, const uint8_t key[CRYPTO_SHA256_LEN])
{
    struct remembered *m = remembered_slot(key);
    if (m->app_id == 0 || time(NULL) - m->at > REMEMBER_SECONDS || !crypto_equal(m->key, key, CRYPTO_SHA256_LEN))
        return 0;
    db_result r;
    if (db_query(s->req->db, s->req->a, &r,
                 "SELECT u.id, u.username, u.email, u.role, u.status, u.username_key FROM app_passwords ap "
                 "JOIN users u ON u.id = ap.user_id WHERE ap.id = ? AND u.username_key = ?",
                 "us", m->app_id, ukey) != DB_OK ||
        r.nrows != 1 || strcmp(db_cell(&r, 0, 4), "active") != 0) {
        m->app_id = 0;
        return 0;
    }
    return fill_user(s, &r, m->app_id) == 0;
}

static void remember(const uint8_t key[CRYPTO_SHA256_LEN], unsigned long long app_id)
{
    struct remembered *m = remembered_slot(key);
    memcpy(m->key, key, CRYPTO_SHA256_LEN);
    m->app_id = app_id;
    m->at = time(NULL);
}

static int by_api_key(sub_ctx *s, const char *key)
{
    lyre_req *req = s->req;
    const char *ip = session_client_ip(req);
    long wait = throttle_wait(req, "login-ip", ip);
    if (wait < 0)
        return sub_db_fail(s, DB_DOWN);
    if (wait > 0)
        return blocked(s, SUB_E_APIKEY, wait);
    unsigned long long uid = 0;
    long long id = apppass_check_key(req, key, &uid);
    if (id < 0)
        return sub_db_fail(s, DB_DOWN);
    db_result r;
    if (id > 0) {
        db_status st = db_query(req->db, req->a, &r, USER_COLS "WHERE id = ?", "u", uid);
        if (st != DB_OK)
            return sub_db_fail(s, st);
        if (r.nrows == 1 && strcmp(db_cell(&r, 0, 4), "active") == 0)
            return fill_user(s, &r, (unsigned long long)id);
    }
    if (throttle_fail(req, "login-ip", ip) < 0)
        return sub_db_fail(s, DB_DOWN);
    return sub_fail(s, SUB_E_APIKEY, "Invalid API key.");
}

int sub_authenticate(sub_ctx *s)
{
    lyre_req *req = s->req;
    const char *u = sub_param(s, "u"), *p = sub_param(s, "p"), *t = sub_param(s, "t"), *salt = sub_param(s, "s");
    const char *key = sub_param(s, "apiKey");
    if (key) {
        if (u || p || t || salt)
            return sub_fail(s, SUB_E_CONFLICT, "Use either apiKey or u with p or t and s, not both.");
        return by_api_key(s, key);
    }
    if (!u || !*u)
        return sub_fail(s, SUB_E_MISSING, "Required parameter is missing: u");
    if (p && (t || salt))
        return sub_fail(s, SUB_E_CONFLICT, "Use either p or t and s, not both.");
    if (!p && !t && !salt)
        return sub_fail(s, SUB_E_MISSING, "Required parameter is missing: p, or t and s");
    if (!p && (!t || !salt))
        return sub_fail(s, SUB_E_MISSING, t ? "Required parameter is missing: s" : "Required parameter is missing: t");
    if (strlen(u) > AUTH_USERNAME_MAX || (p && strlen(p) > 512) || (salt && strlen(salt) > 256))
        return sub_fail(s, SUB_E_AUTH, WRONG);

    const char *ukey = lower_ascii(req->a, u);
    uint8_t ck[CRYPTO_SHA256_LEN];
    credential_key(ukey, p, t, salt, ck);
    if (recall(s, ukey, ck))
        return 0;
    db_result r;
    db_status st = db_query(req->db, req->a, &r, USER_COLS "WHERE username_key = ?", "s", ukey);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    int found = r.nrows == 1;
    long wait = wait_both(req, ukey);
    if (wait < 0)
        return sub_db_fail(s, DB_DOWN);
    if (wait > 0)
        return blocked(s, SUB_E_AUTH, wait);

    long long id = 0;
    if (found) {
        unsigned long long uid = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
        if (p) {
            const char *plain = decode_password(req->a, p);
            id = plain ? apppass_check_password(req, uid, plain) : 0;
        } else {
            id = apppass_check_token(req, uid, salt, t);
        }
        if (id < 0)
            return sub_db_fail(s, DB_DOWN);
        if (id > 0 && strcmp(db_cell(&r, 0, 4), "active") != 0)
            id = 0;
    }
    if (id == 0) {
        long b = throttle_fail(req, "login-ip", session_client_ip(req));
        long a = throttle_fail(req, "login-account", ukey);
        if (a < 0 || b < 0)
            return sub_db_fail(s, DB_DOWN);
        return sub_fail(s, SUB_E_AUTH, WRONG);
    }
    throttle_clear(req, "login-account", ukey);
    remember(ck, (unsigned long long)id);
    return fill_user(s, &r, (unsigned long long)id);
}

/* session.c — signed-in sessions: cookie <-> sessions row, and a small
 * per-worker memory of sessions checked recently (session.recheck_ms), so a
 * signed-in page costs a hash and a table probe, not a database round trip. */
#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "db.h"
#include "log.h"
#include "str.h"

/* ------------------------------------------------------------ the worker's memory */

#define SESSION_CACHE_SLOTS 64

typedef struct cached_session {
    int used;
    int valid;                      /* 0: the cookie named no live session */
    uint8_t key[CRYPTO_SHA256_LEN];
    struct timespec checked;
    unsigned long long session_id, user_id;
    char *username, *display_name, *email, *csrf_token;
    int email_verified, totp_enabled;
    enum user_role role;
} cached_session;

static cached_session cache[SESSION_CACHE_SLOTS];

static void slot_clear(cached_session *c)
{
    free(c->username);
    free(c->display_name);
    free(c->email);
    free(c->csrf_token);
    memset(c, 0, sizeof *c);
}

void session_cache_clear(void)
{
    for (size_t i = 0; i < SESSION_CACHE_SLOTS; i++)
        slot_clear(&cache[i]);
}

static long ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t->tv_sec) * 1000L + (now.tv_nsec - t->tv_nsec) / 1000000L;
}

static cached_session *cache_find(const uint8_t key[CRYPTO_SHA256_LEN])
{
    for (size_t i = 0; i < SESSION_CACHE_SLOTS; i++)
        if (cache[i].used && memcmp(cache[i].key, key, CRYPTO_SHA256_LEN) == 0)
            return &cache[i];
    return NULL;
}

/* A free slot, else the one checked longest ago. */
static cached_session *cache_slot(void)
{
    cached_session *oldest = &cache[0];
    for (size_t i = 0; i < SESSION_CACHE_SLOTS; i++) {
        if (!cache[i].used)
            return &cache[i];
        if (ms_since(&cache[i].checked) > ms_since(&oldest->checked))
            oldest = &cache[i];
    }
    slot_clear(oldest);
    return oldest;
}

static void cache_forget_session(unsigned long long session_id)
{
    for (size_t i = 0; i < SESSION_CACHE_SLOTS; i++)
        if (cache[i].used && cache[i].session_id == session_id)
            slot_clear(&cache[i]);
}

static void cache_forget_user(unsigned long long user_id, unsigned long long keep_session_id)
{
    for (size_t i = 0; i < SESSION_CACHE_SLOTS; i++)
        if (cache[i].used && cache[i].user_id == user_id && cache[i].session_id != keep_session_id)
            slot_clear(&cache[i]);
}

static char *dup_or_empty(const char *s)
{
    char *copy = strdup(s ? s : "");
    if (!copy)
        abort();
    return copy;
}

static const lyre_auth *auth_from_slot(lyre_req *req, const cached_session *c)
{
    lyre_auth *au = arena_calloc(req->a, 1, sizeof *au);
    au->session_id = c->session_id;
    au->user_id = c->user_id;
    au->username = arena_strdup(req->a, c->username);
    au->display_name = arena_strdup(req->a, c->display_name);
    au->email = arena_strdup(req->a, c->email);
    au->csrf_token = arena_strdup(req->a, c->csrf_token);
    au->email_verified = c->email_verified;
    au->totp_enabled = c->totp_enabled;
    au->role = c->role;
    return au;
}

/* ------------------------------------------------------------ cookies */

static const char *cookie_name(const lyre_req *req)
{
    return req->https ? "__Host-lyre_session" : "lyre_session";
}

static int is_token(const char *s)
{
    uint8_t raw[32];
    return s && strlen(s) == 64 && hex_decode(s, 32, raw) == 0;
}

static void set_cookie(lyre_req *req, const char *value, long max_age)
{
    http_set_header(req, "Set-Cookie",
                    arena_printf(req->a, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
                                 cookie_name(req), value, max_age, req->https ? "; Secure" : ""));
}

static void clear_cookie(lyre_req *req)
{
    set_cookie(req, "", 0);
}

/* ------------------------------------------------------------ the database */

const char *session_client_ip(const lyre_req *req)
{
    const char *ip = http_env(req, "REMOTE_ADDR");
    return ip && strlen(ip) <= 45 ? ip : "";
}

/* The User-Agent as stored: printable ASCII, at most 255 bytes. */
static const char *user_agent(lyre_req *req)
{
    const char *ua = http_header(req, "User-Agent");
    size_t n = 0;
    char *out;
    if (!ua)
        return "";
    out = arena_alloc(req->a, 256);
    for (; *ua && n < 255; ua++)
        out[n++] = (*ua >= 0x20 && *ua < 0x7f) ? *ua : '?';
    out[n] = '\0';
    return out;
}

/* Look the session of key up; fills slot c (valid or not).  DB_OK or an error. */
static db_status load_from_db(lyre_req *req, const uint8_t key[CRYPTO_SHA256_LEN], cached_session *c)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT s.id, s.user_id, u.username, u.display_name, COALESCE(u.email, ''), "
        "u.email_verified_at IS NOT NULL, u.totp_enabled_at IS NOT NULL, u.role, s.csrf_token, "
        "s.last_seen_at < NOW(3) - INTERVAL 60 SECOND "
        "FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = ? AND s.expires_at > NOW(3) "
        "AND s.last_seen_at > NOW(3) - INTERVAL ? SECOND AND u.status = 'active'",
        "bi", key, (size_t)CRYPTO_SHA256_LEN, (long long)req->cfg->session_idle_timeout);
    if (st != DB_OK)
        return st;
    slot_clear(c);
    c->used = 1;
    memcpy(c->key, key, CRYPTO_SHA256_LEN);
    clock_gettime(CLOCK_MONOTONIC, &c->checked);
    if (r.nrows != 1)
        return DB_OK;
    c->valid = 1;
    c->session_id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    c->user_id = (unsigned long long)db_cell_ll(&r, 0, 1, 0);
    c->username = dup_or_empty(db_cell(&r, 0, 2));
    c->display_name = dup_or_empty(db_cell(&r, 0, 3));
    c->email = dup_or_empty(db_cell(&r, 0, 4));
    c->email_verified = db_cell_ll(&r, 0, 5, 0) != 0;
    c->totp_enabled = db_cell_ll(&r, 0, 6, 0) != 0;
    if (role_from_name(db_cell(&r, 0, 7), &c->role) != 0)
        c->role = ROLE_LISTENER;
    c->csrf_token = dup_or_empty(db_cell(&r, 0, 8));
    /* "Last seen" to the minute is enough: one write a minute, not one per page. */
    if (db_cell_ll(&r, 0, 9, 0))
        db_exec(req->db, NULL, NULL,
                "UPDATE sessions SET last_seen_at = NOW(3), ip = ?, user_agent = ? WHERE id = ?", "ssu",
                session_client_ip(req), user_agent(req), c->session_id);
    return DB_OK;
}

lyre_err session_load(lyre_req *req)
{
    uint8_t key[CRYPTO_SHA256_LEN];
    const char *token = http_cookie(req, cookie_name(req));
    req->auth = NULL;
    if (!token)
        return LYRE_OK;
    if (!is_token(token) || crypto_sha256(token, 64, key) != 0) {
        clear_cookie(req);
        return LYRE_OK;
    }
    cached_session *c = cache_find(key);
    if (!c || ms_since(&c->checked) >= req->cfg->session_recheck_ms) {
        if (!c)
            c = cache_slot();
        db_status st = load_from_db(req, key, c);
        if (st != DB_OK) {
            slot_clear(c);
            return db_status_to_err(st);
        }
    }
    if (!c->valid) {
        /* Ended, expired or never ours: the browser can stop sending it. */
        clear_cookie(req);
        return LYRE_OK;
    }
    req->auth = auth_from_slot(req, c);
    return LYRE_OK;
}

/* Make a fresh token for the session row id (new or rotated) and load it. */
static lyre_err issue(lyre_req *req, unsigned long long session_id, const char *token,
                      const uint8_t key[CRYPTO_SHA256_LEN])
{
    cached_session *c = cache_slot();
    db_status st = load_from_db(req, key, c);
    if (st != DB_OK) {
        slot_clear(c);
        return db_status_to_err(st);
    }
    if (!c->valid || c->session_id != session_id) {
        /* A disabled account, or the row vanished under us. */
        slot_clear(c);
        req->auth = NULL;
        return LYRE_ERR_FORBIDDEN;
    }
    set_cookie(req, token, req->cfg->session_absolute_timeout);
    req->auth = auth_from_slot(req, c);
    return LYRE_OK;
}

lyre_err session_start(lyre_req *req, unsigned long long user_id, const char *method)
{
    uint8_t key[CRYPTO_SHA256_LEN];
    unsigned long long session_id = 0;
    const char *token = crypto_token_hex(req->a, 32);
    const char *csrf = crypto_token_hex(req->a, 32);
    if (!token || !csrf || crypto_sha256(token, 64, key) != 0)
        return LYRE_ERR_INTERNAL;
    /* A new id at every sign-in: whatever session the browser had ends. */
    if (req->auth) {
        lyre_err err = session_end_current(req);
        if (err != LYRE_OK)
            return err;
    }
    /* The user's sessions that ran out go now: the account page lists live ones. */
    db_exec(req->db, NULL, NULL,
            "DELETE FROM sessions WHERE user_id = ? AND (expires_at <= NOW(3) "
            "OR last_seen_at <= NOW(3) - INTERVAL ? SECOND)",
            "ui", user_id, (long long)req->cfg->session_idle_timeout);
    db_status st = db_exec(req->db, NULL, &session_id,
        "INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at, user_agent, ip, method) "
        "VALUES (?, ?, ?, NOW(3) + INTERVAL ? SECOND, ?, ?, ?)",
        "ubsisss", user_id, key, sizeof key, csrf, (long long)req->cfg->session_absolute_timeout,
        user_agent(req), session_client_ip(req), method ? method : "password");
    if (st != DB_OK)
        return db_status_to_err(st);
    log_info("session %llu started for user %llu (%s)", session_id, user_id, method ? method : "password");
    return issue(req, session_id, token, key);
}

lyre_err session_rotate(lyre_req *req)
{
    uint8_t key[CRYPTO_SHA256_LEN];
    if (!req->auth)
        return LYRE_ERR_UNAUTHORIZED;
    unsigned long long session_id = req->auth->session_id;
    const char *token = crypto_token_hex(req->a, 32);
    const char *csrf = crypto_token_hex(req->a, 32);
    if (!token || !csrf || crypto_sha256(token, 64, key) != 0)
        return LYRE_ERR_INTERNAL;
    db_status st = db_exec(req->db, NULL, NULL,
                           "UPDATE sessions SET token_hash = ?, csrf_token = ? WHERE id = ?", "bsu", key,
                           sizeof key, csrf, session_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    cache_forget_session(session_id);
    return issue(req, session_id, token, key);
}

lyre_err session_end_current(lyre_req *req)
{
    if (!req->auth) {
        clear_cookie(req);
        return LYRE_OK;
    }
    unsigned long long session_id = req->auth->session_id;
    db_status st = db_exec(req->db, NULL, NULL, "DELETE FROM sessions WHERE id = ?", "u", session_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    cache_forget_session(session_id);
    clear_cookie(req);
    req->auth = NULL;
    return LYRE_OK;
}

lyre_err session_end_one(lyre_req *req, unsigned long long session_id)
{
    if (!req->auth)
        return LYRE_ERR_UNAUTHORIZED;
    if (session_id == req->auth->session_id)
        return session_end_current(req);
    db_status st = db_exec(req->db, NULL, NULL, "DELETE FROM sessions WHERE id = ? AND user_id = ?", "uu",
                           session_id, req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    cache_forget_session(session_id);
    return LYRE_OK;
}

lyre_err session_end_all(lyre_req *req, unsigned long long user_id, unsigned long long keep_session_id)
{
    db_status st = db_exec(req->db, NULL, NULL, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", "uu",
                           user_id, keep_session_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    cache_forget_user(user_id, keep_session_id);
    if (req->auth && req->auth->user_id == user_id && req->auth->session_id != keep_session_id) {
        clear_cookie(req);
        req->auth = NULL;
    }
    return LYRE_OK;
}

/* apppass.c — app passwords and API keys for the Subsonic API. */
#include "apppass.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>

#include "crypto.h"
#include "db.h"
#include "log.h"
#include "seal.h"

/* 32 symbols, no 0/o, 1/l: read aloud or typed on a phone without doubt. */
static const char ALPHABET[] = "abcdefghijkmnpqrstuvwxyz23456789";

static const char *seal_ad(arena *a, unsigned long long user_id)
{
    return arena_printf(a, "apppass:%llu", user_id);
}

static char *new_password(arena *a)
{
    unsigned char raw[APPPASS_PASSWORD_LEN];
    if (crypto_random(raw, sizeof raw) != 0)
        return NULL;
    char *p = arena_alloc(a, APPPASS_PASSWORD_LEN + 1);
    for (size_t i = 0; i < APPPASS_PASSWORD_LEN; i++)
        p[i] = ALPHABET[raw[i] & 31];
    p[APPPASS_PASSWORD_LEN] = '\0';
    return p;
}

static char *new_key(arena *a)
{
    static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char raw[33];   /* 32 random bytes, one zero byte to finish the last group */
    if (crypto_random(raw, 32) != 0)
        return NULL;
    raw[32] = 0;
    size_t pre = strlen(APPPASS_KEY_PREFIX);
    char *k = arena_alloc(a, pre + 44 + 1);
    memcpy(k, APPPASS_KEY_PREFIX, pre);
    size_t o = pre;
    for (size_t i = 0; i < 33; i += 3) {
        uint32_t v = ((uint32_t)raw[i] << 16) | ((uint32_t)raw[i + 1] << 8) | raw[i + 2];
        k[o++] = B64URL[(v >> 18) & 63];
        k[o++] = B64URL[(v >> 12) & 63];
        k[o++] = B64URL[(v >> 6) & 63];
        k[o++] = B64URL[v & 63];
    }
    k[pre + 43] = '\0';   /* 32 bytes are 43 characters */
    return k;
}

static void sha256_hex(const char *s, char out[65])
{
    uint8_t d[CRYPTO_SHA256_LEN];
    if (crypto_sha256(s, strlen(s), d) != 0)
        memset(d, 0, sizeof d);
    hex_encode(d, sizeof d, out);
}

lyre_err apppass_create(lyre_req *req, unsigned long long user_id, enum apppass_kind kind,
                        const char *name, const char **secret, unsigned long long *id)
{
    *secret = NULL;
    *id = 0;
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > APPPASS_NAME_MAX || !utf8_valid(name, nlen))
        return LYRE_ERR_BAD_REQUEST;
    db_result r;
    db_status st = db_query(req->db, req->a, &r, "SELECT COUNT(*) FROM app_passwords WHERE user_id = ?", "u",
                            user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (db_cell_ll(&r, 0, 0, 0) >= APPPASS_MAX_PER_USER)
        return LYRE_ERR_CONFLICT;

    if (kind == APPPASS_PASSWORD) {
        char *pw = new_password(req->a);
        unsigned char *sealed;
        size_t sealed_len;
        if (!pw || seal(req->cfg, req->a, pw, strlen(pw), seal_ad(req->a, user_id), &sealed, &sealed_len) != 0)
            return LYRE_ERR_INTERNAL;
        st = db_exec(req->db, NULL, id,
                     "INSERT INTO app_passwords (user_id, kind, name, secret, created_at)"
                     " VALUES (?, 'password', ?, ?, UTC_TIMESTAMP(3))",
                     "usb", user_id, name, sealed, sealed_len);
        *secret = pw;
    } else {
        char *key = new_key(req->a);
        char hex[65];
        if (!key)
            return LYRE_ERR_INTERNAL;
        sha256_hex(key, hex);
        st = db_exec(req->db, NULL, id,
                     "INSERT INTO app_passwords (user_id, kind, name, key_sha256, created_at)"
                     " VALUES (?, 'apikey', ?, ?, UTC_TIMESTAMP(3))",
                     "uss", user_id, name, hex);
        *secret = key;
    }
    if (st != DB_OK) {
        *secret = NULL;
        return db_status_to_err(st);
    }
    return LYRE_OK;
}

lyre_err apppass_list(lyre_req *req, unsigned long long user_id, apppass_item **items, size_t *n)
{
    db_result r;
    *items = NULL;
    *n = 0;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT id, kind, name, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'),"
        " DATE_FORMAT(last_used_at, '%Y-%m-%d %H:%i:%s'), last_client"
        " FROM app_passwords WHERE user_id = ? ORDER BY id DESC", "u", user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows == 0)
        return LYRE_OK;
    apppass_item *it = arena_calloc(req->a, r.nrows, sizeof *it);
    for (size_t i = 0; i < r.nrows; i++) {
        it[i].id = (unsigned long long)db_cell_ll(&r, i, 0, 0);
        it[i].kind = strcmp(db_cell(&r, i, 1), "apikey") == 0 ? APPPASS_APIKEY : APPPASS_PASSWORD;
        it[i].name = db_cell(&r, i, 2);
        it[i].created_at = db_cell(&r, i, 3);
        it[i].last_used_at = db_cell(&r, i, 4);
        it[i].last_client = db_cell(&r, i, 5);
    }
    *items = it;
    *n = r.nrows;
    return LYRE_OK;
}

lyre_err apppass_revoke(lyre_req *req, unsigned long long user_id, unsigned long long id)
{
    unsigned long long affected = 0;
    db_status st = db_exec(req->db, &affected, NULL, "DELETE FROM app_passwords WHERE id = ? AND user_id = ?",
                           "uu", id, user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    return affected ? LYRE_OK : LYRE_ERR_NOT_FOUND;
}

/* Every app password of the user, unsealed, into *plain (arena); the count,
 * or -1 when the database is down. */
static long load_passwords(lyre_req *req, unsigned long long user_id, unsigned long long **ids, const char ***plain)
{
    db_result r;
    if (db_query(req->db, req->a, &r,
                 "SELECT id, secret FROM app_passwords WHERE user_id = ? AND kind = 'password' ORDER BY id",
                 "u", user_id) != DB_OK)
        return -1;
    *ids = arena_calloc(req->a, r.nrows ? r.nrows : 1, sizeof **ids);
    *plain = arena_calloc(req->a, r.nrows ? r.nrows : 1, sizeof **plain);
    const char *ad = seal_ad(req->a, user_id);
    long n = 0;
    for (size_t i = 0; i < r.nrows; i++) {
        unsigned char *pw;
        size_t pw_len;
        const char *blob = db_cell(&r, i, 1);
        if (!blob || unseal(req->cfg, req->a, (const unsigned char *)blob, r.lengths[i * r.ncols + 1], ad, &pw,
                            &pw_len) != 0) {
            log_warn("app password %s cannot be unsealed (key changed?)", db_cell(&r, i, 0));
            continue;
        }
        (*ids)[n] = (unsigned long long)db_cell_ll(&r, i, 0, 0);
        (*plain)[n] = arena_strndup(req->a, (const char *)pw, pw_len);
        n++;
    }
    return n;
}

long long apppass_check_password(lyre_req *req, unsigned long long user_id, const char *password)
{
    unsigned long long *ids;
    const char **plain;
    long n = load_passwords(req, user_id, &ids, &plain);
    if (n < 0)
        return -1;
    long long found = 0;
    /* Every row is compared, so the time does not tell which one matched. */
    for (long i = 0; i < n; i++)
        if (crypto_equal_str(password, plain[i]) && !found)
            found = (long long)ids[i];
    return found;
}

long long apppass_check_token(lyre_req *req, unsigned long long user_id, const char *salt, const char *token)
{
    size_t tlen = strlen(token);
    if (tlen != 32)
        return 0;
    char want[33];
    for (size_t i = 0; i < 32; i++) {
        char c = token[i];
        want[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
    }
    want[32] = '\0';
    unsigned long long *ids;
    const char **plain;
    long n = load_passwords(req, user_id, &ids, &plain);
    if (n < 0)
        return -1;
    long long found = 0;
    for (long i = 0; i < n; i++) {
        char *msg = arena_printf(req->a, "%s%s", plain[i], salt);
        uint8_t d[16];
        char hex[33];
        if (gnutls_hash_fast(GNUTLS_DIG_MD5, msg, strlen(msg), d) != 0)
            continue;
        hex_encode(d, sizeof d, hex);
        if (crypto_equal(want, hex, 32) && !found)
            found = (long long)ids[i];
    }
    return found;
}

long long apppass_check_key(lyre_req *req, const char *key, unsigned long long *user_id)
{
    char hex[65];
    db_result r;
    *user_id = 0;
    sha256_hex(key, hex);
    /* Looked up by the key's hash: equality of hashes leaks nothing useful. */
    if (db_query(req->db, req->a, &r,
                 "SELECT id, user_id FROM app_passwords WHERE key_sha256 = ? AND kind = 'apikey'", "s", hex) != DB_OK)
        return -1;
    if (r.nrows != 1)
        return 0;
    *user_id = (unsigned long long)db_cell_ll(&r, 0, 1, 0);
    return db_cell_ll(&r, 0, 0, 0);
}

/* Rows this worker noted lately: the account page shows the minute, so one
 * write a minute per row is enough. */
#define TOUCH_SLOTS 64
static struct { unsigned long long id; time_t at; } touched[TOUCH_SLOTS];

void apppass_touch(lyre_req *req, unsigned long long id, const char *client)
{
    time_t now = time(NULL);
    size_t slot = (size_t)(id % TOUCH_SLOTS);
    if (touched[slot].id == id && now - touched[slot].at < 60)
        return;
    char c[APPPASS_NAME_MAX + 1];
    size_t len = client ? strlen(client) : 0;
    if (len > APPPASS_NAME_MAX) {
        len = APPPASS_NAME_MAX;
        while (len > 0 && ((unsigned char)client[len] & 0xC0) == 0x80)
            len--;   /* cut before a whole character */
    }
    if (client)
        memcpy(c, client, len);
    c[len] = '\0';
    if (db_exec(req->db, NULL, NULL,
                "UPDATE app_passwords SET last_used_at = UTC_TIMESTAMP(3), last_client = ? WHERE id = ?", "su",
                client ? c : NULL, id) != DB_OK) {
        log_warn("could not note the use of app password %llu", id);
        return;
    }
    touched[slot].id = id;
    touched[slot].at = now;
}

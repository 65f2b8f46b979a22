/* authflow.c — single-use server-side state of multi-step sign-ins. */
#include "authflow.h"

#include <string.h>

#include "crypto.h"
#include "db.h"
#include "str.h"

/* SHA-256 of a 64-hex token; -1 when the token is not one of ours. */
static int token_hash(const char *token, uint8_t out[CRYPTO_SHA256_LEN])
{
    uint8_t raw[32];
    if (!token || strlen(token) != 64 || hex_decode(token, 32, raw) != 0)
        return -1;
    return crypto_sha256(token, 64, out);
}

lyre_err authflow_start(lyre_req *req, const char *purpose, unsigned long long user_id,
                        const char *data, int ttl_seconds, const char **token)
{
    uint8_t hash[CRYPTO_SHA256_LEN];
    char *t = crypto_token_hex(req->a, 32);
    if (!t || token_hash(t, hash) != 0)
        return LYRE_ERR_INTERNAL;
    /* Old flows are swept by whoever starts a new one: the table stays small. */
    db_exec(req->db, NULL, NULL, "DELETE FROM auth_flows WHERE expires_at < NOW(3) LIMIT 100", "");
    db_status st = db_exec(req->db, NULL, NULL,
        "INSERT INTO auth_flows (token_hash, purpose, user_id, data, expires_at) "
        "VALUES (?, ?, NULLIF(?, 0), ?, NOW(3) + INTERVAL ? SECOND)",
        "bsusi", hash, sizeof hash, purpose, user_id, data ? data : "", (long long)ttl_seconds);
    if (st != DB_OK)
        return db_status_to_err(st);
    *token = t;
    return LYRE_OK;
}

lyre_err authflow_find(lyre_req *req, const char *purpose, const char *token,
                       unsigned long long *user_id, const char **data, int *attempts)
{
    uint8_t hash[CRYPTO_SHA256_LEN];
    db_result r;
    if (token_hash(token, hash) != 0)
        return LYRE_ERR_NOT_FOUND;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT COALESCE(user_id, 0), data, attempts FROM auth_flows "
        "WHERE token_hash = ? AND purpose = ? AND expires_at > NOW(3)",
        "bs", hash, sizeof hash, purpose);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows != 1)
        return LYRE_ERR_NOT_FOUND;
    if (user_id)
        *user_id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    if (data)
        *data = db_cell(&r, 0, 1) ? db_cell(&r, 0, 1) : "";
    if (attempts)
        *attempts = (int)db_cell_ll(&r, 0, 2, 0);
    return LYRE_OK;
}

lyre_err authflow_fail(lyre_req *req, const char *token)
{
    uint8_t hash[CRYPTO_SHA256_LEN];
    if (token_hash(token, hash) != 0)
        return LYRE_ERR_NOT_FOUND;
    return db_status_to_err(db_exec(req->db, NULL, NULL,
        "UPDATE auth_flows SET attempts = LEAST(attempts + 1, 65535) WHERE token_hash = ?",
        "b", hash, sizeof hash));
}

lyre_err authflow_finish(lyre_req *req, const char *token)
{
    uint8_t hash[CRYPTO_SHA256_LEN];
    unsigned long long gone = 0;
    if (token_hash(token, hash) != 0)
        return LYRE_ERR_NOT_FOUND;
    db_status st = db_exec(req->db, &gone, NULL, "DELETE FROM auth_flows WHERE token_hash = ?", "b",
                           hash, sizeof hash);
    if (st != DB_OK)
        return db_status_to_err(st);
    return gone == 1 ? LYRE_OK : LYRE_ERR_NOT_FOUND;
}

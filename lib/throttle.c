/* throttle.c — the auth_throttle counters (db/0006_accounts.sql).
 *
 * Every change is one INSERT ... ON DUPLICATE KEY UPDATE, so concurrent
 * workers never lose a count.  Its assignments are ordered so that each one
 * reads only columns not yet assigned: the result is the same whether the
 * server assigns left to right (MariaDB's default) or simultaneously
 * (sql_mode SIMULTANEOUS_ASSIGNMENT).  Times are the server's UTC clock, so
 * all workers and hosts agree.
 */
#include "throttle.h"

#include <string.h>

#include "crypto.h"
#include "db.h"
#include "log.h"
#include "url.h"

/* Longer subjects (or bytes that are not UTF-8) are stored by their hash:
 * the column holds 254 characters and an attacker chooses the text. */
#define SUBJECT_MAX 200

static const char *subject_key(lyre_req *req, const char *subject)
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    char hex[2 * CRYPTO_SHA256_LEN + 1];
    size_t len;

    if (!subject)
        subject = "";
    len = strlen(subject);
    if (len <= SUBJECT_MAX && utf8_valid(subject, len))
        return subject;
    if (crypto_sha256(subject, len, digest) != 0)
        return NULL;
    hex_encode(digest, sizeof digest, hex);
    return arena_printf(req->a, "sha256:%s", hex);
}

/* Seconds (rounded up) until blocked_until, 0 if not blocked; -1 on error. */
static long blocked_for(lyre_req *req, const char *scope, const char *key)
{
    db_result r;
    long long left;

    if (db_query(req->db, req->a, &r,
                 "SELECT CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), blocked_until) / 1000000)"
                 " FROM auth_throttle WHERE scope = ? AND subject = ?", "ss", scope, key) != DB_OK)
        return -1;
    left = r.nrows > 0 ? db_cell_ll(&r, 0, 0, 0) : 0;
    return left > 0 ? (long)left : 0;
}

long throttle_wait(lyre_req *req, const char *scope, const char *subject)
{
    const char *key = subject_key(req, subject);
    return key ? blocked_for(req, scope, key) : -1;
}

long throttle_fail(lyre_req *req, const char *scope, const char *subject)
{
    const char *key = subject_key(req, subject);
    long long free_n = req->cfg->login_free_attempts, max = req->cfg->login_max_delay;
    /* One address may be a whole school behind NAT: it gets four times the
     * free attempts of one account before it is slowed down. */
    if (strcmp(scope, "login-ip") == 0)
        free_n *= 4;

    if (!key)
        return -1;
    /* A series older than a day starts again at 1.  Failure n beyond the
     * free ones blocks for 2^(n-free-1) s, at most login_max_delay. */
    if (db_exec(req->db, NULL, NULL,
                "INSERT INTO auth_throttle (scope, subject, failures, window_start, blocked_until)"
                " VALUES (?, ?, 1, UTC_TIMESTAMP(3),"
                "  IF(1 > ?, UTC_TIMESTAMP(3) + INTERVAL 1 SECOND, NULL))"
                " ON DUPLICATE KEY UPDATE"
                "  blocked_until = IF(window_start < UTC_TIMESTAMP(3) - INTERVAL 1 DAY,"
                "    IF(1 > ?, UTC_TIMESTAMP(3) + INTERVAL 1 SECOND, NULL),"
                "    IF(failures + 1 > ?, UTC_TIMESTAMP(3) + INTERVAL"
                "       LEAST(1 << LEAST(CAST(failures AS SIGNED) - ?, 40), ?) SECOND, blocked_until)),"
                "  failures = IF(window_start < UTC_TIMESTAMP(3) - INTERVAL 1 DAY, 1,"
                "    LEAST(failures + 1, 1000000000)),"
                "  window_start = IF(window_start < UTC_TIMESTAMP(3) - INTERVAL 1 DAY,"
                "    UTC_TIMESTAMP(3), window_start)",
                "ssiiiii", scope, key, free_n, free_n, free_n, free_n, max) != DB_OK)
        return -1;
    return blocked_for(req, scope, key);
}

void throttle_clear(lyre_req *req, const char *scope, const char *subject)
{
    const char *key = subject_key(req, subject);

    if (key && db_exec(req->db, NULL, NULL, "DELETE FROM auth_throttle WHERE scope = ? AND subject = ?",
                       "ss", scope, key) != DB_OK)
        log_warn("could not clear the %s counter", scope);
}

long throttle_rate(lyre_req *req, const char *scope, const char *subject, int limit_per_hour)
{
    const char *key = subject_key(req, subject);
    db_result r;
    long long count, left;

    if (!key)
        return -1;
    if (db_exec(req->db, NULL, NULL,
                "INSERT INTO auth_throttle (scope, subject, failures, window_start)"
                " VALUES (?, ?, 1, UTC_TIMESTAMP(3))"
                " ON DUPLICATE KEY UPDATE"
                "  failures = IF(window_start <= UTC_TIMESTAMP(3) - INTERVAL 1 HOUR, 1,"
                "    LEAST(failures + 1, 1000000000)),"
                "  window_start = IF(window_start <= UTC_TIMESTAMP(3) - INTERVAL 1 HOUR,"
                "    UTC_TIMESTAMP(3), window_start)",
                "ss", scope, key) != DB_OK)
        return -1;
    if (db_query(req->db, req->a, &r,
                 "SELECT failures, CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3),"
                 "  window_start + INTERVAL 1 HOUR) / 1000000)"
                 " FROM auth_throttle WHERE scope = ? AND subject = ?", "ss", scope, key) != DB_OK)
        return -1;
    if (r.nrows == 0)
        return 0;   /* cleared meanwhile */
    count = db_cell_ll(&r, 0, 0, 0);
    left = db_cell_ll(&r, 0, 1, 1);
    if (count <= limit_per_hour)
        return 0;
    return left > 0 ? (long)left : 1;
}

/* check_db.c — lib/db and lib/throttle against a live MariaDB, and
 * lib/mail against a stand-in sendmail (no server needed: always run).
 *
 * Skips (exit 77) unless LYRE_TEST_CONF names a lyre.conf whose database
 * the tests may scribble on: they create test_scratch and drop it at the end;
 * auth_throttle is used if the database is migrated, else created and dropped.
 *   scripts/db-server.sh start /tmp/dbtest 3457
 *   scripts/db-server.sh bootstrap /tmp/dbtest lyre_test lyre secret
 *   LYRE_TEST_CONF=/tmp/dbtest/lyre.conf tests/unit/check_db
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "http.h"
#include "log.h"
#include "mail.h"
#include "throttle.h"

static lyre_config cfg;
static lyre_db *db;
static arena ar;
static char *log_text;
static size_t log_size;
static FILE *log_mem;

static const char create_sql[] =
    "CREATE TABLE IF NOT EXISTS test_scratch ("
    " id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,"
    " i BIGINT NULL, u BIGINT UNSIGNED NULL, d DOUBLE NULL,"
    " s VARCHAR(255) NULL, b BLOB NULL, k VARCHAR(64) NULL, UNIQUE KEY uq_k (k)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void load_config(lyre_config *c)
{
    strbuf err = STRBUF_INIT;
    const char *path = getenv("LYRE_TEST_CONF");
    if (config_load(c, path, &err) != 0) {
        fprintf(stderr, "check_db: %s\n", err.buf);
        exit(1);
    }
    sb_free(&err);
}

/* auth_throttle as db/0006_accounts.sql creates it, for an unmigrated test database. */
static const char create_throttle_sql[] =
    "CREATE TABLE auth_throttle ("
    " scope VARCHAR(16) CHARACTER SET ascii NOT NULL,"
    " subject VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
    " failures INT UNSIGNED NOT NULL DEFAULT 0,"
    " window_start DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),"
    " blocked_until DATETIME(3) NULL,"
    " PRIMARY KEY (scope, subject)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
static int created_throttle;

/* Once, in the parent: the scratch table (and auth_throttle if missing). */
static void suite_setup(void)
{
    lyre_db *d;
    arena a;
    db_result r;
    load_config(&cfg);
    d = db_new(&cfg);
    if (db_exec(d, NULL, NULL, "DROP TABLE IF EXISTS test_scratch", "") != DB_OK
        || db_exec(d, NULL, NULL, create_sql, "") != DB_OK) {
        fprintf(stderr, "check_db: cannot create test_scratch in %s: %s\n", cfg.db_name, db_last_error(d));
        exit(1);
    }
    arena_init(&a, 1024);
    if (db_query(d, &a, &r, "SELECT COUNT(*) FROM information_schema.TABLES"
                 " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'auth_throttle'", "") != DB_OK) {
        fprintf(stderr, "check_db: cannot look for auth_throttle: %s\n", db_last_error(d));
        exit(1);
    }
    if (db_cell_ll(&r, 0, 0, 0) == 0) {
        if (db_exec(d, NULL, NULL, create_throttle_sql, "") != DB_OK) {
            fprintf(stderr, "check_db: cannot create auth_throttle: %s\n", db_last_error(d));
            exit(1);
        }
        created_throttle = 1;
    }
    arena_free(&a);
    db_free(d);
}

static void suite_teardown(void)
{
    lyre_db *d = db_new(&cfg);
    if (db_exec(d, NULL, NULL, "DROP TABLE IF EXISTS test_scratch", "") != DB_OK)
        fprintf(stderr, "check_db: cannot drop test_scratch: %s\n", db_last_error(d));
    if (created_throttle && db_exec(d, NULL, NULL, "DROP TABLE IF EXISTS auth_throttle", "") != DB_OK)
        fprintf(stderr, "check_db: cannot drop auth_throttle: %s\n", db_last_error(d));
    else if (!created_throttle
             && db_exec(d, NULL, NULL, "DELETE FROM auth_throttle WHERE subject LIKE 'check-db-%'", "") != DB_OK)
        fprintf(stderr, "check_db: cannot clean auth_throttle: %s\n", db_last_error(d));
    db_free(d);
    config_free(&cfg);
}

/* Each test: a fresh handle, an empty table, and the log captured. */
static void setup(void)
{
    log_mem = open_memstream(&log_text, &log_size);
    ck_assert_ptr_nonnull(log_mem);
    log_set_stream(log_mem);
    db = db_new(&cfg);
    ck_assert_ptr_nonnull(db);
    arena_init(&ar, 4096);
    ck_assert_int_eq(db_exec(db, NULL, NULL, "DELETE FROM test_scratch", ""), DB_OK);
    /* Only our own rows: the database may be a migrated instance's. */
    ck_assert_int_eq(db_exec(db, NULL, NULL, "DELETE FROM auth_throttle WHERE subject LIKE 'check-db-%'", ""),
                     DB_OK);
}

static void teardown(void)
{
    db_free(db);
    arena_free(&ar);
    log_set_stream(NULL);
    fclose(log_mem);
    free(log_text);
    log_text = NULL;
}

static const char *logged(void)
{
    fflush(log_mem);
    return log_text != NULL ? log_text : "";
}

static long long connection_id(lyre_db *d)
{
    db_result r;
    ck_assert_int_eq(db_query(d, &ar, &r, "SELECT CONNECTION_ID()", ""), DB_OK);
    return db_cell_ll(&r, 0, 0, -1);
}

START_TEST(every_param_type)
{
    static const unsigned char blob[] = { 0x00, 0xff, 'a', 0x00, '\n', 0x80 };
    unsigned long long affected = 0, id = 0;
    db_result r;

    ck_assert_int_eq(db_exec(db, &affected, &id,
                             "INSERT INTO test_scratch (i, u, d, s, b) VALUES (?, ?, ?, ?, ?)", "iudsb",
                             LLONG_MIN, ULLONG_MAX, 3.25, "hello", (const void *)blob, sizeof blob), DB_OK);
    ck_assert_uint_eq(affected, 1);
    ck_assert_uint_gt(id, 0);
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT i, u, d, s, b, id FROM test_scratch WHERE id = ?", "u",
                              id), DB_OK);
    ck_assert_uint_eq(r.nrows, 1);
    ck_assert_uint_eq(r.ncols, 6);
    ck_assert_str_eq(db_cell(&r, 0, 0), "-9223372036854775808");
    ck_assert_str_eq(db_cell(&r, 0, 1), "18446744073709551615");
    ck_assert_double_eq(strtod(db_cell(&r, 0, 2), NULL), 3.25);
    ck_assert_str_eq(db_cell(&r, 0, 3), "hello");
    ck_assert_uint_eq(r.lengths[4], sizeof blob);
    ck_assert_mem_eq(db_cell(&r, 0, 4), blob, sizeof blob);
    ck_assert_int_eq(db_cell_ll(&r, 0, 5, -1), (long long)id);
    ck_assert_int_eq(db_cell_ll(&r, 0, 0, 7), LLONG_MIN);
    /* Numbers as parameters of expressions. */
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT ? + 1, ? * 2, ? / 4", "iud", 41LL, 21ULL, 1.0), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), "42");
    ck_assert_str_eq(db_cell(&r, 0, 1), "42");
    ck_assert_double_eq(strtod(db_cell(&r, 0, 2), NULL), 0.25);
}
END_TEST

START_TEST(nulls)
{
    db_result r;
    unsigned long long id;
    ck_assert_int_eq(db_exec(db, NULL, &id, "INSERT INTO test_scratch (s, b) VALUES (?, ?)", "sb",
                             (const char *)NULL, (const void *)NULL, (size_t)0), DB_OK);
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT s, b, i, NULL, '' FROM test_scratch WHERE id = ?", "u",
                              id), DB_OK);
    ck_assert_uint_eq(r.nrows, 1);
    ck_assert_ptr_null(db_cell(&r, 0, 0));
    ck_assert_ptr_null(db_cell(&r, 0, 1));
    ck_assert_ptr_null(db_cell(&r, 0, 2));
    ck_assert_ptr_null(db_cell(&r, 0, 3));
    ck_assert_str_eq(db_cell(&r, 0, 4), "");
    ck_assert_int_eq(db_cell_ll(&r, 0, 0, 5), 5);
    /* Out of range cells are NULL, not a crash. */
    ck_assert_ptr_null(db_cell(&r, 1, 0));
    ck_assert_ptr_null(db_cell(&r, 0, 5));
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT s FROM test_scratch WHERE id = 0", ""), DB_OK);
    ck_assert_uint_eq(r.nrows, 0);
    ck_assert_uint_eq(r.ncols, 1);
    ck_assert_ptr_null(db_cell(&r, 0, 0));
}
END_TEST

START_TEST(utf8_round_trip)
{
    static const char text[] = "Zo\xc3\xab \xc3\x85kesson \xe2\x80\x94 Sigur R\xc3\xb3s \xf0\x9f\x8e\xb5 \xe4\xb8\xad";
    db_result r;
    unsigned long long id;
    ck_assert_int_eq(db_exec(db, NULL, &id, "INSERT INTO test_scratch (s) VALUES (?)", "s", text), DB_OK);
    ck_assert_int_eq(db_query(db, &ar, &r,
                              "SELECT s, CHAR_LENGTH(s), LENGTH(s), s = ? FROM test_scratch WHERE id = ?", "su",
                              text, id), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), text);
    /* Counted in characters by the server: the connection really is utf8mb4. */
    ck_assert_int_eq(db_cell_ll(&r, 0, 1, -1), 27);
    ck_assert_int_eq(db_cell_ll(&r, 0, 2, -1), (long long)strlen(text));
    ck_assert_str_eq(db_cell(&r, 0, 3), "1");
    /* The schema's collation: accents and case fold in comparisons. */
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT COUNT(*) FROM test_scratch WHERE s LIKE ?", "s",
                              "zoe akesson%"), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), "1");
}
END_TEST

START_TEST(metacharacters_are_data)
{
    static const char *evil[] = {
        "'; DROP TABLE test_scratch; --", "\\", "\"", "%", "_", "a' OR '1'='1", "?", "`x`", "\\'",
    };
    db_result r;
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
        unsigned long long id;
        ck_assert_int_eq(db_exec(db, NULL, &id, "INSERT INTO test_scratch (s) VALUES (?)", "s", evil[i]), DB_OK);
        ck_assert_int_eq(db_query(db, &ar, &r, "SELECT s FROM test_scratch WHERE id = ? AND s = ?", "us",
                                  id, evil[i]), DB_OK);
        ck_assert_uint_eq(r.nrows, 1);
        ck_assert_str_eq(db_cell(&r, 0, 0), evil[i]);
    }
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT COUNT(*) FROM test_scratch WHERE s = ?", "s",
                              "x' OR 1=1 -- "), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), "0");
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT COUNT(*) FROM test_scratch", ""), DB_OK);
    ck_assert_int_eq(db_cell_ll(&r, 0, 0, -1), (long long)(sizeof evil / sizeof evil[0]));
}
END_TEST

START_TEST(duplicate_key)
{
    static const char secret[] = "alice-secret@example.com";
    db_result r;
    ck_assert_int_eq(db_exec(db, NULL, NULL, "INSERT INTO test_scratch (k) VALUES (?)", "s", secret), DB_OK);
    ck_assert_int_eq(db_exec(db, NULL, NULL, "INSERT INTO test_scratch (k) VALUES (?)", "s", secret),
                     DB_DUPLICATE);
    ck_assert_ptr_null(strstr(logged(), secret));
    ck_assert_ptr_null(strstr(db_last_error(db), secret));
    ck_assert_ptr_nonnull(strstr(db_last_error(db), "uq_k"));
    ck_assert_int_eq(db_status_to_err(DB_DUPLICATE), LYRE_ERR_INTERNAL);
    /* The handle is still good. */
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT COUNT(*) FROM test_scratch", ""), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), "1");
}
END_TEST

START_TEST(errors_are_errors)
{
    static const char secret[] = "hunter2-param";
    db_result r;
    ck_assert_int_eq(db_query(db, &ar, &r, "SELEKT ?", "s", secret), DB_ERROR);
    ck_assert_ptr_nonnull(strstr(logged(), "SELEKT"));
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT * FROM no_such_table WHERE s = ?", "s", secret), DB_ERROR);
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT ?, ?", "i", 1LL), DB_ERROR);      /* count mismatch */
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT ?", "x", 1LL), DB_ERROR);         /* unknown letter */
    ck_assert_int_eq(db_exec(db, NULL, NULL, "INSERT INTO test_scratch (i) VALUES (?)", "s", secret), DB_ERROR);
    ck_assert_ptr_null(strstr(logged(), secret));
    ck_assert_int_eq(db_status_to_err(DB_ERROR), LYRE_ERR_INTERNAL);
    ck_assert_int_eq(db_status_to_err(DB_OK), LYRE_OK);
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT 1", ""), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), "1");
}
END_TEST

START_TEST(transactions)
{
    db_result r;
    lyre_db *other = db_new(&cfg);

    ck_assert_int_eq(db_begin(db), DB_OK);
    ck_assert_int_eq(db_begin(db), DB_ERROR);   /* no nesting */
    ck_assert_int_eq(db_exec(db, NULL, NULL, "INSERT INTO test_scratch (s) VALUES (?)", "s", "rolled"), DB_OK);
    /* Not visible to another connection before commit. */
    ck_assert_int_eq(db_query(other, &ar, &r, "SELECT COUNT(*) FROM test_scratch", ""), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), "0");
    ck_assert_int_eq(db_rollback(db), DB_OK);
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT COUNT(*) FROM test_scratch", ""), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), "0");

    ck_assert_int_eq(db_begin(db), DB_OK);
    ck_assert_int_eq(db_exec(db, NULL, NULL, "INSERT INTO test_scratch (s) VALUES (?)", "s", "kept"), DB_OK);
    ck_assert_int_eq(db_commit(db), DB_OK);
    ck_assert_int_eq(db_query(other, &ar, &r, "SELECT s FROM test_scratch", ""), DB_OK);
    ck_assert_uint_eq(r.nrows, 1);
    ck_assert_str_eq(db_cell(&r, 0, 0), "kept");
    /* Back in autocommit: a plain insert is visible at once. */
    ck_assert_int_eq(db_exec(db, NULL, NULL, "INSERT INTO test_scratch (s) VALUES (?)", "s", "auto"), DB_OK);
    ck_assert_int_eq(db_query(other, &ar, &r, "SELECT COUNT(*) FROM test_scratch", ""), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), "2");
    ck_assert_int_eq(db_commit(db), DB_ERROR);     /* none open */
    ck_assert_int_eq(db_rollback(db), DB_OK);      /* harmless */
    db_free(other);
}
END_TEST

static void kill_connection(long long id)
{
    lyre_db *killer = db_new(&cfg);
    ck_assert_int_eq(db_exec(killer, NULL, NULL, "KILL CONNECTION ?", "i", id), DB_OK);
    db_free(killer);
}

START_TEST(killed_connection_reconnects)
{
    db_result r;
    long long first = connection_id(db);
    ck_assert_int_gt(first, 0);
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT ? + 0", "i", 5LL), DB_OK);  /* cached statement */
    kill_connection(first);
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT ? + 0", "i", 6LL), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), "6");
    long long second = connection_id(db);
    ck_assert_int_ne(first, second);
    kill_connection(second);
    ck_assert_int_eq(db_exec(db, NULL, NULL, "INSERT INTO test_scratch (s) VALUES (?)", "s", "after"), DB_OK);
    ck_assert(db_connected(db));
}
END_TEST

START_TEST(killed_inside_transaction_is_down)
{
    db_result r;
    ck_assert_int_eq(db_begin(db), DB_OK);
    ck_assert_int_eq(db_exec(db, NULL, NULL, "INSERT INTO test_scratch (s) VALUES (?)", "s", "lost"), DB_OK);
    kill_connection(connection_id(db));
    /* No silent reconnect: the rest of the transaction would run in autocommit. */
    ck_assert_int_eq(db_exec(db, NULL, NULL, "INSERT INTO test_scratch (s) VALUES (?)", "s", "x"), DB_DOWN);
    ck_assert_int_eq(db_exec(db, NULL, NULL, "INSERT INTO test_scratch (s) VALUES (?)", "s", "y"), DB_DOWN);
    ck_assert_int_eq(db_commit(db), DB_DOWN);
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT COUNT(*) FROM test_scratch", ""), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), "0");
    /* Killed while idle, then begin: reopened without fuss. */
    kill_connection(connection_id(db));
    ck_assert_int_eq(db_begin(db), DB_OK);
    ck_assert_int_eq(db_exec(db, NULL, NULL, "INSERT INTO test_scratch (s) VALUES (?)", "s", "y"), DB_OK);
    ck_assert_int_eq(db_rollback(db), DB_OK);
}
END_TEST

static long long prepares(void)
{
    db_result r;
    ck_assert_int_eq(db_query(db, &ar, &r,
                              "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
                              " WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'", ""), DB_OK);
    return db_cell_ll(&r, 0, 0, -1);
}

START_TEST(statement_cache_reuse)
{
    static const char sql[] = "SELECT ? * 3";
    db_result r;
    char *copy = strdup(sql);
    (void)prepares();
    long long before = prepares();
    for (long long i = 0; i < 20; i++) {
        ck_assert_int_eq(db_query(db, &ar, &r, sql, "i", i), DB_OK);
        ck_assert_int_eq(db_cell_ll(&r, 0, 0, -1), 3 * i);
    }
    /* The same text from another buffer is the same statement. */
    ck_assert_int_eq(db_query(db, &ar, &r, copy, "i", 2LL), DB_OK);
    ck_assert_int_eq(prepares() - before, 1);
    free(copy);

    /* More statements than the cache holds: old ones are evicted, all still work. */
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 150; i++) {
            char text[64];
            ck_assert_int_lt(snprintf(text, sizeof text, "SELECT ? + %d", i), (int)sizeof text);
            ck_assert_int_eq(db_query(db, &ar, &r, text, "i", 1LL), DB_OK);
            ck_assert_int_eq(db_cell_ll(&r, 0, 0, -1), i + 1);
        }
    }
}
END_TEST

START_TEST(big_results)
{
    db_result r;
    unsigned long long n = 0;
    ck_assert_int_eq(db_query(db, &ar, &r,
                              "SELECT seq, REPEAT('x', seq * 10), NOW(3), seq / 7 FROM seq_1_to_5000"
                              " WHERE seq <= ?", "i", 2000LL), DB_OK);
    ck_assert_uint_eq(r.nrows, 2000);
    ck_assert_uint_eq(r.ncols, 4);
    ck_assert_uint_eq(r.lengths[1999 * 4 + 1], 20000);
    ck_assert_uint_eq(strlen(db_cell(&r, 1999, 1)), 20000);
    ck_assert_int_eq(db_cell_ll(&r, 1999, 0, -1), 2000);
    ck_assert_uint_eq(strlen(db_cell(&r, 0, 2)), 23);
    /* db_exec of a statement with rows reads them away, and reports their count. */
    ck_assert_int_eq(db_exec(db, &n, NULL, "SELECT 1 UNION SELECT 2", ""), DB_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT 3", ""), DB_OK);
    ck_assert_str_eq(db_cell(&r, 0, 0), "3");
}
END_TEST

START_TEST(dead_socket_is_down_fast)
{
    lyre_config dead = cfg;
    db_result r;
    dead.db_socket = (char *)"/tmp/lyre-no-such-dir/mysql.sock";
    lyre_db *d = db_new(&dead);
    double t0 = now();
    ck_assert_int_eq(db_query(d, &ar, &r, "SELECT 1", ""), DB_DOWN);
    ck_assert_int_eq(db_exec(d, NULL, NULL, "SELECT 1", ""), DB_DOWN);
    ck_assert_int_eq(db_begin(d), DB_DOWN);
    ck_assert_int_eq(db_connect(d), DB_DOWN);
    ck_assert(!db_connected(d));
    ck_assert_double_lt(now() - t0, 3.0);
    ck_assert_int_eq(db_status_to_err(DB_DOWN), LYRE_ERR_DB_DOWN);
    db_free(d);

    /* TCP to a closed port: refused at once. */
    dead.db_socket = (char *)"";
    dead.db_host = (char *)"127.0.0.1";
    dead.db_port = 1;
    d = db_new(&dead);
    t0 = now();
    ck_assert_int_eq(db_query(d, &ar, &r, "SELECT 1", ""), DB_DOWN);
    ck_assert_double_lt(now() - t0, 3.0);
    db_free(d);
}
END_TEST

/* ---------------------------------------------------------------- lib/throttle */

static lyre_config tcfg;
static lyre_req treq;

static void throttle_req(int free_n, int max_delay)
{
    tcfg = cfg;
    tcfg.login_free_attempts = free_n;
    tcfg.login_max_delay = max_delay;
    memset(&treq, 0, sizeof treq);
    treq.a = &ar;
    treq.cfg = &tcfg;
    treq.db = db;
}

static long long throttle_count(const char *scope, const char *subject)
{
    db_result r;
    ck_assert_int_eq(db_query(db, &ar, &r, "SELECT failures FROM auth_throttle WHERE scope = ? AND subject = ?",
                              "ss", scope, subject), DB_OK);
    return r.nrows ? db_cell_ll(&r, 0, 0, -1) : 0;
}

static void age_row(const char *scope, const char *subject, const char *interval_sql)
{
    char sql[200];
    ck_assert_int_lt(snprintf(sql, sizeof sql, "UPDATE auth_throttle SET window_start = window_start - %s"
                              " WHERE scope = ? AND subject = ?", interval_sql), (int)sizeof sql);
    ck_assert_int_eq(db_exec(db, NULL, NULL, sql, "ss", scope, subject), DB_OK);
}

START_TEST(throttle_login_delays)
{
    static const char S[] = "check-db-alice";
    throttle_req(2, 4);
    ck_assert_int_eq(throttle_wait(&treq, "login-account", S), 0);
    /* Two free failures, then 1, 2, 4 s, capped at login_max_delay. */
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 0);
    ck_assert_int_eq(throttle_wait(&treq, "login-account", S), 0);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 0);
    ck_assert_int_eq(throttle_wait(&treq, "login-account", S), 0);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 1);
    ck_assert_int_eq(throttle_wait(&treq, "login-account", S), 1);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 2);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 4);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 4);
    ck_assert_int_ge(throttle_wait(&treq, "login-account", S), 3);
    ck_assert_int_le(throttle_wait(&treq, "login-account", S), 4);
    ck_assert_int_eq(throttle_count("login-account", S), 6);
    /* Scopes and subjects are separate counters. */
    ck_assert_int_eq(throttle_wait(&treq, "login-ip", S), 0);
    ck_assert_int_eq(throttle_wait(&treq, "login-account", "check-db-bob"), 0);
    /* A success clears it: the next failure is free again. */
    throttle_clear(&treq, "login-account", S);
    ck_assert_int_eq(throttle_wait(&treq, "login-account", S), 0);
    ck_assert_int_eq(throttle_count("login-account", S), 0);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 0);
    ck_assert_int_eq(throttle_count("login-account", S), 1);
    /* A huge count still gives login_max_delay. */
    ck_assert_int_eq(db_exec(db, NULL, NULL, "UPDATE auth_throttle SET failures = 4000000000"
                             " WHERE scope = 'login-account' AND subject = ?", "s", S), DB_OK);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 4);
}
END_TEST

START_TEST(throttle_delay_expires)
{
    static const char S[] = "check-db-dave";
    throttle_req(1, 10);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 0);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 1);
    ck_assert_int_eq(throttle_wait(&treq, "login-account", S), 1);
    {
        struct timespec ts = { 1, 200 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    ck_assert_int_eq(throttle_wait(&treq, "login-account", S), 0);
    /* The count goes on: the next failure waits longer. */
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 2);
}
END_TEST

START_TEST(throttle_address_gets_more)
{
    static const char S[] = "check-db-192.0.2.7";
    throttle_req(1, 10);
    /* An address may be shared: four times the account's free failures. */
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(throttle_fail(&treq, "login-ip", S), 0);
    ck_assert_int_eq(throttle_fail(&treq, "login-ip", S), 1);
}
END_TEST

START_TEST(throttle_day_window)
{
    static const char S[] = "check-db-carol";
    throttle_req(1, 60);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 0);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 1);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 2);
    /* Still inside the day: counting on. */
    age_row("login-account", S, "INTERVAL 23 HOUR");
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 4);
    /* A series older than a day starts again. */
    age_row("login-account", S, "INTERVAL 2 HOUR");
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 0);
    ck_assert_int_eq(throttle_count("login-account", S), 1);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", S), 1);
}
END_TEST

START_TEST(throttle_odd_subjects)
{
    char long_a[301], long_b[301];
    static const char bad_utf8[] = "check-db-\xff\xfe";
    throttle_req(1, 60);
    memset(long_a, 'a', 300);
    long_a[300] = '\0';
    memcpy(long_b, long_a, sizeof long_a);
    long_b[299] = 'b';
    /* Longer than the column or not UTF-8: stored by hash, still counted apart. */
    ck_assert_int_eq(throttle_fail(&treq, "login-account", long_a), 0);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", long_a), 1);
    ck_assert_int_eq(throttle_wait(&treq, "login-account", long_a), 1);
    ck_assert_int_eq(throttle_wait(&treq, "login-account", long_b), 0);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", bad_utf8), 0);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", bad_utf8), 1);
    ck_assert_int_eq(throttle_rate(&treq, "signup-ip", long_b, 5), 0);
    /* SQL metacharacters are data. */
    ck_assert_int_eq(throttle_fail(&treq, "login-account", "check-db-' OR '1'='1"), 0);
    ck_assert_int_eq(throttle_count("login-account", "check-db-' OR '1'='1"), 1);
    throttle_clear(&treq, "login-account", long_a);
    throttle_clear(&treq, "login-account", bad_utf8);
    throttle_clear(&treq, "signup-ip", long_b);
    ck_assert_int_eq(throttle_wait(&treq, "login-account", long_a), 0);
}
END_TEST

/* Failures from several processes at once: none is lost. */
START_TEST(throttle_concurrent)
{
    static const char S[] = "check-db-dave";
    enum { KIDS = 4, EACH = 25 };
    pid_t kids[KIDS];

    throttle_req(1000, 1);
    for (int k = 0; k < KIDS; k++) {
        kids[k] = fork();
        ck_assert_int_ge(kids[k], 0);
        if (kids[k] == 0) {
            /* Never touch the parent's connection: a handle of our own, and _exit. */
            lyre_db *d = db_new(&cfg);
            arena a;
            lyre_req r = treq;
            int bad = 0;
            arena_init(&a, 1024);
            r.a = &a;
            r.db = d;
            for (int i = 0; i < EACH; i++) {
                if (throttle_fail(&r, "login-account", S) < 0
                    || throttle_rate(&r, "signup-ip", S, 1000000) != 0)
                    bad = 1;
                arena_reset(&a);
            }
            db_free(d);
            arena_free(&a);
            _exit(bad);
        }
    }
    for (int k = 0; k < KIDS; k++) {
        int status;
        ck_assert_int_eq(waitpid(kids[k], &status, 0), kids[k]);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), 0);
    }
    ck_assert_int_eq(throttle_count("login-account", S), KIDS * EACH);
    ck_assert_int_eq(throttle_count("signup-ip", S), KIDS * EACH);
}
END_TEST

START_TEST(throttle_rates)
{
    static const char S[] = "check-db-198.51.100.9";
    long w;
    throttle_req(5, 900);
    ck_assert_int_eq(throttle_rate(&treq, "signup-ip", S, 3), 0);
    ck_assert_int_eq(throttle_rate(&treq, "signup-ip", S, 3), 0);
    ck_assert_int_eq(throttle_rate(&treq, "signup-ip", S, 3), 0);
    w = throttle_rate(&treq, "signup-ip", S, 3);
    ck_assert_int_gt(w, 3500);
    ck_assert_int_le(w, 3600);
    ck_assert_int_gt(throttle_rate(&treq, "signup-ip", S, 3), 3500);
    /* Other subjects and scopes are not affected. */
    ck_assert_int_eq(throttle_rate(&treq, "signup-ip", "check-db-198.51.100.10", 3), 0);
    ck_assert_int_eq(throttle_rate(&treq, "reset-ip", S, 3), 0);
    /* Half an hour on: the same window, the wait shorter. */
    age_row("signup-ip", S, "INTERVAL 30 MINUTE");
    w = throttle_rate(&treq, "signup-ip", S, 3);
    ck_assert_int_gt(w, 1700);
    ck_assert_int_le(w, 1800);
    /* After the hour: a new window. */
    age_row("signup-ip", S, "INTERVAL 31 MINUTE");
    ck_assert_int_eq(throttle_rate(&treq, "signup-ip", S, 3), 0);
    ck_assert_int_eq(throttle_count("signup-ip", S), 1);
}
END_TEST

START_TEST(throttle_db_down)
{
    lyre_config dead = cfg;
    lyre_db *d;
    dead.db_socket = (char *)"/tmp/lyre-no-such-dir/mysql.sock";
    d = db_new(&dead);
    throttle_req(1, 10);
    treq.db = d;
    ck_assert_int_eq(throttle_wait(&treq, "login-account", "check-db-x"), -1);
    ck_assert_int_eq(throttle_fail(&treq, "login-account", "check-db-x"), -1);
    ck_assert_int_eq(throttle_rate(&treq, "signup-ip", "check-db-x", 3), -1);
    throttle_clear(&treq, "login-account", "check-db-x");   /* logged, no crash */
    db_free(d);
}
END_TEST

/* ---------------------------------------------------------------- lib/mail (no server) */

static char mail_dir[64];
static char mail_out[128];
static lyre_config mcfg;
static char mail_cmd[256];

static void mail_setup(void)
{
    char script[128];
    FILE *f;
    ck_assert_int_lt(snprintf(mail_dir, sizeof mail_dir, "/tmp/lyre-mail-XXXXXX"), (int)sizeof mail_dir);
    ck_assert_ptr_nonnull(mkdtemp(mail_dir));
    ck_assert_int_lt(snprintf(mail_out, sizeof mail_out, "%s/out.eml", mail_dir), (int)sizeof mail_out);
    ck_assert_int_lt(snprintf(script, sizeof script, "%s/sendmail.sh", mail_dir), (int)sizeof script);
    f = fopen(script, "w");
    ck_assert_ptr_nonnull(f);
    /* Stands in for sendmail -t -i: keeps the message it is given. */
    fputs("#!/bin/sh\ncat >\"$1\"\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_lt(snprintf(mail_cmd, sizeof mail_cmd, "sh %s %s", script, mail_out), (int)sizeof mail_cmd);
    memset(&mcfg, 0, sizeof mcfg);
    mcfg.sendmail_command = mail_cmd;
    mcfg.mail_from = (char *)"Lyre <lyre@example.org>";
    log_mem = open_memstream(&log_text, &log_size);
    ck_assert_ptr_nonnull(log_mem);
    log_set_stream(log_mem);
}

static void mail_teardown(void)
{
    char cmd[128];
    log_set_stream(NULL);
    fclose(log_mem);
    free(log_text);
    log_text = NULL;
    if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", mail_dir) < (int)sizeof cmd && system(cmd) != 0)
        fprintf(stderr, "check_db: cannot remove %s\n", mail_dir);
}

/* The whole file as a string (malloc), or NULL if it does not exist. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t size = 0;
    FILE *mem;
    char buf[4096];
    size_t n;
    if (!f)
        return NULL;
    mem = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(mem);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, mem);
    fclose(f);
    fclose(mem);
    return text;
}

/* No child left behind, reaped or not. */
static void assert_no_children(void)
{
    errno = 0;
    ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
    ck_assert_int_eq(errno, ECHILD);
}

START_TEST(mail_message)
{
    static const char body[] = "Hello Anna,\n\nFollow this link: https://lyre.example/reset?t=abc\n";
    char *msg, *sep, *p;
    struct tm tm;
    time_t sent;

    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", "Reset your password", body), 0);
    assert_no_children();
    msg = slurp(mail_out);
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_null(strchr(msg, '\r'));
    sep = strstr(msg, "\n\n");
    ck_assert_ptr_nonnull(sep);
    ck_assert_str_eq(sep + 2, body);
    sep[1] = '\0';   /* headers only from here */
    ck_assert(strncmp(msg, "To: anna@example.org\n", 21) == 0);
    ck_assert_ptr_nonnull(strstr(msg, "\nFrom: Lyre <lyre@example.org>\n"));
    ck_assert_ptr_nonnull(strstr(msg, "\nSubject: Reset your password\n"));
    ck_assert_ptr_nonnull(strstr(msg, "\nMIME-Version: 1.0\n"));
    ck_assert_ptr_nonnull(strstr(msg, "\nContent-Type: text/plain; charset=utf-8\n"));
    ck_assert_ptr_nonnull(strstr(msg, "\nContent-Transfer-Encoding: 8bit\n"));
    p = strstr(msg, "\nMessage-ID: <");
    ck_assert_ptr_nonnull(p);
    p += 14;
    ck_assert_uint_eq(strspn(p, "0123456789abcdef"), 32);
    ck_assert(strncmp(p + 32, "@example.org>\n", 14) == 0);
    /* RFC 5322 date, in UTC, now. */
    p = strstr(msg, "\nDate: ");
    ck_assert_ptr_nonnull(p);
    memset(&tm, 0, sizeof tm);
    p = strptime(p + 7, "%a, %d %b %Y %H:%M:%S +0000\n", &tm);
    ck_assert_ptr_nonnull(p);
    sent = timegm(&tm);
    ck_assert_int_le(llabs((long long)(sent - time(NULL))), 60);
    /* Nine header lines, nothing else. */
    {
        int lines = 0;
        for (p = msg; *p; p++)
            lines += *p == '\n';
        ck_assert_int_eq(lines, 8);
    }
    free(msg);
}
END_TEST

START_TEST(mail_body_line_ends)
{
    char *msg, *sep;
    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", "Hi", "one\r\ntwo\rthree\n\xc3\xa9t\xc3\xa9"), 0);
    msg = slurp(mail_out);
    ck_assert_ptr_nonnull(msg);
    sep = strstr(msg, "\n\n");
    ck_assert_ptr_nonnull(sep);
    ck_assert_str_eq(sep + 2, "one\ntwo\nthree\n\xc3\xa9t\xc3\xa9\n");
    free(msg);
}
END_TEST

static size_t b64_decode(const char *in, size_t n, unsigned char *out)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned v = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n && in[i] != '='; i++) {
        const char *c = strchr(b64, in[i]);
        ck_assert_ptr_nonnull(c);
        v = (v << 6) | (unsigned)(c - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(v >> bits);
            v &= (1u << bits) - 1;
        }
    }
    return o;
}

/* The decoded text of the Subject: header (encoded-words joined). */
static char *decoded_subject(const char *msg, int *words)
{
    static unsigned char text[1024];
    size_t len = 0;
    const char *p = strstr(msg, "\nSubject: ");
    ck_assert_ptr_nonnull(p);
    p += 10;
    *words = 0;
    for (;;) {
        const char *end;
        const char *eol = strchr(p, '\n');
        ck_assert_ptr_nonnull(eol);
        ck_assert_int_le(eol - p + (*words == 0 ? 9 : 0), 76);   /* RFC 2047 line length */
        ck_assert(strncmp(p, "=?UTF-8?B?", 10) == 0);
        end = strstr(p + 10, "?=");
        ck_assert_ptr_nonnull(end);
        ck_assert(end + 2 == eol);
        ck_assert_int_le(end + 2 - p, 75);
        len += b64_decode(p + 10, (size_t)(end - p - 10), text + len);
        (*words)++;
        if (eol[1] != ' ')
            break;
        p = eol + 2;
    }
    text[len] = '\0';
    return (char *)text;
}

START_TEST(mail_utf8_headers)
{
    static const char subject[] = "R\xc3\xa9initialisez votre mot de passe \xe2\x80\x94 Lyre \xe2\x99\xab";
    static const char long_subject[] =
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe4\xbb\xb6\xe5\x90\x8d\xe3\x81\xa7\xe3\x81\x99"
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe4\xbb\xb6\xe5\x90\x8d\xe3\x81\xa7\xe3\x81\x99"
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe4\xbb\xb6\xe5\x90\x8d\xe3\x81\xa7\xe3\x81\x99"
        " \xf0\x9f\x8e\xb5\xf0\x9f\x8e\xb6\xf0\x9f\x8e\xb8";
    char *msg;
    int words;

    mcfg.mail_from = (char *)"L\xc3\xbdra <lyre@example.org>";
    ck_assert_int_eq(mail_send(&mcfg, "zo\xc3\xab@example.org", subject, "Bonjour Zo\xc3\xab\n"), 0);
    msg = slurp(mail_out);
    ck_assert_ptr_nonnull(msg);
    ck_assert_str_eq(decoded_subject(msg, &words), subject);
    ck_assert_int_ge(words, 1);
    ck_assert_ptr_nonnull(strstr(msg, "\nFrom: =?UTF-8?B?TMO9cmE=?= <lyre@example.org>\n"));
    ck_assert(strncmp(msg, "To: zo\xc3\xab@example.org\n", 21) == 0);
    ck_assert_ptr_nonnull(strstr(msg, "\n\nBonjour Zo\xc3\xab\n"));
    free(msg);

    /* Longer: several encoded-words, each cut between characters. */
    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", long_subject, "x"), 0);
    msg = slurp(mail_out);
    ck_assert_ptr_nonnull(msg);
    ck_assert_str_eq(decoded_subject(msg, &words), long_subject);
    ck_assert_int_ge(words, 3);
    free(msg);
}
END_TEST

START_TEST(mail_refuses_bad_input)
{
    char big_subject[1000];
    static const char *bad_to[] = {
        "anna@example.org\nBcc: eve@example.org", "anna@example.org\r", "anna@example.org\r\nX: y",
        "anna@example.org, eve@example.org", "anna@example.org;eve@example.org", "Anna <anna@example.org>",
        "", "no-at-sign", "@example.org", "anna@", "a@b@c", "anna @example.org", "anna\xff@example.org",
    };
    static const char *bad_subject[] = {
        "Hi\r\nBcc: eve@example.org", "Hi\nBcc: eve@example.org", "Hi\r", "Hi\x01", "", "caf\xe9",
        "\xc3\x28", "Hi\x7f",
    };
    for (size_t i = 0; i < sizeof bad_to / sizeof bad_to[0]; i++)
        ck_assert_int_eq(mail_send(&mcfg, bad_to[i], "Hi", "body"), -1);
    ck_assert_int_eq(mail_send(&mcfg, NULL, "Hi", "body"), -1);
    for (size_t i = 0; i < sizeof bad_subject / sizeof bad_subject[0]; i++)
        ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", bad_subject[i], "body"), -1);
    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", NULL, "body"), -1);
    memset(big_subject, 'x', sizeof big_subject - 1);
    big_subject[sizeof big_subject - 1] = '\0';
    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", big_subject, "body"), -1);
    /* The body must be UTF-8 too. */
    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", "Hi", "caf\xe9"), -1);
    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", "Hi", NULL), -1);
    /* And so must the configured From. */
    mcfg.mail_from = (char *)"Lyre <lyre@example.org>\nBcc: eve@example.org";
    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", "Hi", "body"), -1);
    /* None of them reached the command. */
    ck_assert_ptr_null(slurp(mail_out));
    ck_assert_ptr_nonnull(strstr(log_text ? (fflush(log_mem), log_text) : "", "CR/LF"));
    assert_no_children();
}
END_TEST

START_TEST(mail_failing_commands)
{
    static const char *cmds[] = {
        "exit 3", "cat >/dev/null; exit 1", "/nonexistent/lyre/sendmail -t -i", "kill -9 $$",
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        mcfg.sendmail_command = (char *)cmds[i];
        ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", "Hi", "body"), -1);
        assert_no_children();
    }
    fflush(log_mem);
    ck_assert_ptr_nonnull(strstr(log_text, "exited with status 3"));
    ck_assert_ptr_nonnull(strstr(log_text, "signal 9"));
}
END_TEST

/* A command that stops reading: an error, not a SIGPIPE death, even in a
 * process that does not ignore SIGPIPE. */
START_TEST(mail_command_exits_early)
{
    size_t n = 2 * 1024 * 1024;
    char *body = malloc(n + 1);
    char *msg;
    ck_assert_ptr_nonnull(body);
    for (size_t i = 0; i < n; i++)
        body[i] = (i % 64 == 63) ? '\n' : 'a';
    body[n] = '\0';
    signal(SIGPIPE, SIG_DFL);
    mcfg.sendmail_command = (char *)"head -c 10 >/dev/null";
    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", "Big", body), -1);
    assert_no_children();
    /* A command that reads it all gets it all. */
    mcfg.sendmail_command = mail_cmd;
    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", "Big", body), 0);
    msg = slurp(mail_out);
    ck_assert_ptr_nonnull(msg);
    ck_assert_str_eq(strstr(msg, "\n\n") + 2, body);   /* already ends in a newline */
    free(msg);
    free(body);
}
END_TEST

/* The command sees the message on stdin and none of our other descriptors. */
START_TEST(mail_no_fd_leak)
{
    char cmd[256], fds_path[128], *fds;
    int fd = open("/dev/null", O_RDONLY);   /* no O_CLOEXEC: must still not leak */
    ck_assert_int_ge(fd, 3);
    ck_assert_int_lt(snprintf(fds_path, sizeof fds_path, "%s/fds", mail_dir), (int)sizeof fds_path);
    ck_assert_int_lt(snprintf(cmd, sizeof cmd, "cat >/dev/null; exec >%s; ls /proc/$$/fd", fds_path), (int)sizeof cmd);
    mcfg.sendmail_command = cmd;
    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", "Hi", "body"), 0);
    fds = slurp(fds_path);
    ck_assert_ptr_nonnull(fds);
    ck_assert_str_eq(fds, "0\n1\n2\n");
    free(fds);
    close(fd);
}
END_TEST

/* A tool started with stdin closed: the pipe gets fd 0 and must still reach the command. */
START_TEST(mail_stdin_closed)
{
    char *msg;
    int saved = dup(STDIN_FILENO);
    ck_assert_int_ge(saved, 0);
    close(STDIN_FILENO);
    ck_assert_int_eq(mail_send(&mcfg, "anna@example.org", "Hi", "still delivered\n"), 0);
    ck_assert_int_eq(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
    msg = slurp(mail_out);
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "\n\nstill delivered\n"));
    free(msg);
}
END_TEST

static Suite *suite_mail(void)
{
    Suite *s = suite_create("mail");
    TCase *tc = tcase_create("sendmail");
    tcase_add_checked_fixture(tc, mail_setup, mail_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, mail_message);
    tcase_add_test(tc, mail_body_line_ends);
    tcase_add_test(tc, mail_utf8_headers);
    tcase_add_test(tc, mail_refuses_bad_input);
    tcase_add_test(tc, mail_failing_commands);
    tcase_add_test(tc, mail_command_exits_early);
    tcase_add_test(tc, mail_no_fd_leak);
    tcase_add_test(tc, mail_stdin_closed);
    suite_add_tcase(s, tc);
    return s;
}

static Suite *suite_db(void)
{
    Suite *s = suite_create("db");
    TCase *tc = tcase_create("live");
    TCase *tt = tcase_create("throttle");
    tcase_add_unchecked_fixture(tc, suite_setup, suite_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, every_param_type);
    tcase_add_test(tc, nulls);
    tcase_add_test(tc, utf8_round_trip);
    tcase_add_test(tc, metacharacters_are_data);
    tcase_add_test(tc, duplicate_key);
    tcase_add_test(tc, errors_are_errors);
    tcase_add_test(tc, transactions);
    tcase_add_test(tc, killed_connection_reconnects);
    tcase_add_test(tc, killed_inside_transaction_is_down);
    tcase_add_test(tc, statement_cache_reuse);
    tcase_add_test(tc, big_results);
    tcase_add_test(tc, dead_socket_is_down_fast);
    suite_add_tcase(s, tc);
    tcase_add_unchecked_fixture(tt, suite_setup, suite_teardown);
    tcase_add_checked_fixture(tt, setup, teardown);
    tcase_set_timeout(tt, 30);
    tcase_add_test(tt, throttle_login_delays);
    tcase_add_test(tt, throttle_delay_expires);
    tcase_add_test(tt, throttle_address_gets_more);
    tcase_add_test(tt, throttle_day_window);
    tcase_add_test(tt, throttle_odd_subjects);
    tcase_add_test(tt, throttle_concurrent);
    tcase_add_test(tt, throttle_rates);
    tcase_add_test(tt, throttle_db_down);
    suite_add_tcase(s, tt);
    return s;
}

int main(void)
{
    const char *conf = getenv("LYRE_TEST_CONF");
    int failed;
    SRunner *sr;

    log_init("check_db");
    /* lib/mail needs no server: always tested. */
    sr = srunner_create(suite_mail());
    if (conf != NULL && conf[0] != '\0')
        srunner_add_suite(sr, suite_db());
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (failed != 0)
        return EXIT_FAILURE;
    if (conf == NULL || conf[0] == '\0') {
        fprintf(stderr, "check_db: LYRE_TEST_CONF not set: db and throttle skipped (need a live test database)\n");
        return 77;
    }
    return EXIT_SUCCESS;
}

/* check_db.c — lib/db against a live MariaDB.
 *
 * Skips (exit 77) unless LYRE_TEST_CONF names a lyre.conf whose database
 * the tests may scribble on: they create test_scratch and drop it at the end.
 *   scripts/db-server.sh start /tmp/dbtest 3457
 *   scripts/db-server.sh bootstrap /tmp/dbtest lyre_test lyre secret
 *   LYRE_TEST_CONF=/tmp/dbtest/lyre.conf tests/unit/check_db
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "log.h"

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

/* Once, in the parent: the scratch table. */
static void suite_setup(void)
{
    lyre_db *d;
    load_config(&cfg);
    d = db_new(&cfg);
    if (db_exec(d, NULL, NULL, "DROP TABLE IF EXISTS test_scratch", "") != DB_OK
        || db_exec(d, NULL, NULL, create_sql, "") != DB_OK) {
        fprintf(stderr, "check_db: cannot create test_scratch in %s: %s\n", cfg.db_name, db_last_error(d));
        exit(1);
    }
    db_free(d);
}

static void suite_teardown(void)
{
    lyre_db *d = db_new(&cfg);
    if (db_exec(d, NULL, NULL, "DROP TABLE IF EXISTS test_scratch", "") != DB_OK)
        fprintf(stderr, "check_db: cannot drop test_scratch: %s\n", db_last_error(d));
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

static Suite *suite_db(void)
{
    Suite *s = suite_create("db");
    TCase *tc = tcase_create("live");
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
    return s;
}

int main(void)
{
    const char *conf = getenv("LYRE_TEST_CONF");
    if (conf == NULL || conf[0] == '\0') {
        fprintf(stderr, "check_db: LYRE_TEST_CONF not set: skipped (needs a live test database)\n");
        return 77;
    }
    log_init("check_db");
    SRunner *sr = srunner_create(suite_db());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

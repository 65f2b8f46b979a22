/* db.c — one MariaDB connection, its prepared statements, reconnect and retry.
 *
 * Every statement goes through mysql_stmt_* with bound parameters.  Results
 * are bound as strings (the client library converts numbers and dates) and
 * copied into the caller's arena, so nothing of a result outlives the
 * request that asked for it.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "db.h"
#include "log.h"

/* Bounded: a server allows max_prepared_stmt_count (16382) statements over
 * all connections, and a program uses a few dozen. */
#define DB_STMT_CACHE 64
/* A cell buffer big enough for any number or date bound as a string. */
#define DB_MIN_CELL 64
/* SQL text in log lines is cut here. */
#define DB_LOG_SQL 300

typedef struct db_stmt {
    const char *key;          /* the caller's SQL pointer (fast path) */
    char *sql;                /* our copy of the text (the real key) */
    uint64_t hash;
    MYSQL_STMT *stmt;
    unsigned long long used;  /* LRU clock */
} db_stmt;

struct lyre_db {
    const lyre_config *cfg;
    MYSQL *conn;
    int in_tx;
    int tx_lost;              /* the connection died inside the transaction */
    db_stmt cache[DB_STMT_CACHE];
    size_t ncached;
    unsigned long long clock;
    char last_error[512];
};

/* One bound parameter's storage. */
typedef struct db_param {
    union { long long i; unsigned long long u; double d; } v;
    unsigned long length;
    my_bool is_null;
} db_param;

typedef struct db_params {
    size_t n;
    MYSQL_BIND *binds;
    db_param *vals;
} db_params;

static uint64_t sql_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void set_error(lyre_db *db, unsigned int code, const char *msg)
{
    int n = snprintf(db->last_error, sizeof db->last_error, "error %u: %s", code, msg ? msg : "");
    if (n < 0)
        db->last_error[0] = '\0';
}

/* Errors after which the connection (or our statement handles on it) is gone. */
static int is_lost(unsigned int code)
{
    switch (code) {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case ER_UNKNOWN_STMT_HANDLER:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:
        return 1;
    default:
        return 0;
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

lyre_db *db_new(const lyre_config *cfg)
{
    lyre_db *db = calloc(1, sizeof *db);
    if (db == NULL) {
        log_error("out of memory");
        return NULL;
    }
    db->cfg = cfg;
    return db;
}

static void drop_stmt(db_stmt *e)
{
    if (e->stmt != NULL && mysql_stmt_close(e->stmt) != 0) {
        /* The server may be gone; the client side is freed either way. */
    }
    free(e->sql);
    memset(e, 0, sizeof *e);
}

/* Close the connection and its statements; the transaction state is the caller's. */
static void drop_connection(lyre_db *db)
{
    for (size_t i = 0; i < db->ncached; i++)
        drop_stmt(&db->cache[i]);
    db->ncached = 0;
    if (db->conn != NULL) {
        mysql_close(db->conn);
        db->conn = NULL;
    }
}

void db_disconnect(lyre_db *db)
{
    if (db == NULL)
        return;
    drop_connection(db);
    db->in_tx = 0;
    db->tx_lost = 0;
}

void db_free(lyre_db *db)
{
    if (db == NULL)
        return;
    db_disconnect(db);
    free(db);
}

int db_connected(const lyre_db *db)
{
    return db != NULL && db->conn != NULL;
}

db_status db_connect(lyre_db *db)
{
    const lyre_config *cfg = db->cfg;
    db_status st = DB_DOWN;
    MYSQL *m;

    if (db->conn != NULL)
        return DB_OK;
    m = mysql_init(NULL);
    if (m == NULL) {
        log_error("mysql_init failed (out of memory)");
        set_error(db, 0, "mysql_init failed");
        return DB_DOWN;
    }
    unsigned int connect_timeout = cfg->db_connect_timeout > 0 ? (unsigned int)cfg->db_connect_timeout : 5;
    unsigned int io_timeout = cfg->db_read_timeout > 0 ? (unsigned int)cfg->db_read_timeout : 30;
    int use_socket = cfg->db_socket != NULL && cfg->db_socket[0] != '\0';
    unsigned int protocol = use_socket ? MYSQL_PROTOCOL_SOCKET : MYSQL_PROTOCOL_TCP;
    unsigned int no_local_infile = 0;   /* read as unsigned int by libmariadb */

    if (mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout) != 0
        || mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io_timeout) != 0
        || mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout) != 0
        || mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol) != 0
        /* A server must never be able to read our files (LOAD DATA LOCAL). */
        || mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &no_local_infile) != 0
        || mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4") != 0
        /* Comparisons against parameters use the collation of the schema. */
        || mysql_options(m, MYSQL_INIT_COMMAND, "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci") != 0) {
        log_error("mysql_options failed: %s", mysql_error(m));
        set_error(db, mysql_errno(m), mysql_error(m));
        goto cleanup;
    }
    /* With TCP forced, "localhost" still means TCP (not the default socket). */
    if (mysql_real_connect(m, use_socket ? "localhost" : cfg->db_host, cfg->db_user,
                           cfg->db_password, cfg->db_name,
                           use_socket ? 0 : (unsigned int)cfg->db_port,
                           use_socket ? cfg->db_socket : NULL, 0) == NULL) {
        log_error("cannot connect to the database %s (%s): error %u: %s",
                  cfg->db_name ? cfg->db_name : "",
                  use_socket ? cfg->db_socket : cfg->db_host,
                  mysql_errno(m), mysql_error(m));
        set_error(db, mysql_errno(m), mysql_error(m));
        goto cleanup;
    }
    db->conn = m;
    m = NULL;
    st = DB_OK;
cleanup:
    if (m != NULL)
        mysql_close(m);
    return st;
}

/* Everything that can go wrong in one attempt, for the retry decision. */
typedef struct db_attempt {
    unsigned int code;        /* server/client error number, 0 = not from MySQL */
    char message[256];
} db_attempt;

/* Messages of these errors quote the offending value ("Duplicate entry
 * 'alice@example.com' for key ..."): parameters must never reach the log. */
static int quotes_value(unsigned int code)
{
    switch (code) {
    case ER_DUP_ENTRY:
    case ER_DUP_ENTRY_WITH_KEY_NAME:
    case ER_TRUNCATED_WRONG_VALUE:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_WRONG_VALUE_FOR_TYPE:
    case ER_WRONG_VALUE:
        return 1;
    default:
        return 0;
    }
}

static void attempt_error(db_attempt *at, unsigned int code, const char *msg)
{
    const char *open, *close = NULL;

    at->code = code;
    if (msg == NULL)
        msg = "";
    open = quotes_value(code) ? strchr(msg, '\'') : NULL;
    if (open != NULL) {
        for (const char *p = strstr(open + 1, "' for "); p != NULL; p = strstr(p + 1, "' for "))
            close = p;
        if (close == NULL)
            close = strrchr(msg, '\'');
    }
    int n;
    if (open != NULL && close != NULL && close > open)
        n = snprintf(at->message, sizeof at->message, "%.*s'...%s",
                     (int)(open - msg), msg, close);
    else
        n = snprintf(at->message, sizeof at->message, "%s", msg);
    if (n < 0)
        at->message[0] = '\0';
}

/* The cached statement for sql, prepared now if needed; NULL with *at set. */
static MYSQL_STMT *stmt_get(lyre_db *db, const char *sql, db_attempt *at)
{
    db_stmt *e = NULL;
    uint64_t h = sql_hash(sql);
    MYSQL_STMT *stmt = NULL;
    char *copy = NULL;
    my_bool on = 1;

    for (size_t i = 0; i < db->ncached && e == NULL; i++)
        if (db->cache[i].key == sql && db->cache[i].hash == h && strcmp(db->cache[i].sql, sql) == 0)
            e = &db->cache[i];
    for (size_t i = 0; i < db->ncached && e == NULL; i++)
        if (db->cache[i].hash == h && strcmp(db->cache[i].sql, sql) == 0)
            e = &db->cache[i];
    if (e != NULL) {
        e->key = sql;
        e->used = ++db->clock;
        return e->stmt;
    }

    stmt = mysql_stmt_init(db->conn);
    copy = strdup(sql);
    if (stmt == NULL || copy == NULL) {
        attempt_error(at, mysql_errno(db->conn), "out of memory preparing a statement");
        goto fail;
    }
    if (mysql_stmt_prepare(stmt, sql, strlen(sql)) != 0
        || mysql_stmt_attr_set(stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &on) != 0) {
        attempt_error(at, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
        goto fail;
    }
    if (db->ncached == DB_STMT_CACHE) {
        size_t lru = 0;
        for (size_t i = 1; i < db->ncached; i++)
            if (db->cache[i].used < db->cache[lru].used)
                lru = i;
        drop_stmt(&db->cache[lru]);
        db->cache[lru] = db->cache[--db->ncached];
        memset(&db->cache[db->ncached], 0, sizeof db->cache[0]);
    }
    e = &db->cache[db->ncached++];
    e->key = sql;
    e->sql = copy;
    e->hash = h;
    e->stmt = stmt;
    e->used = ++db->clock;
    return stmt;
fail:
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    free(copy);
    return NULL;
}

/* Forget one cached statement (after ER_NEED_REPREPARE). */
static void stmt_forget(lyre_db *db, const char *sql)
{
    for (size_t i = 0; i < db->ncached; i++) {
        if (strcmp(db->cache[i].sql, sql) == 0) {
            drop_stmt(&db->cache[i]);
            db->cache[i] = db->cache[--db->ncached];
            memset(&db->cache[db->ncached], 0, sizeof db->cache[0]);
            return;
        }
    }
}

static void params_free(db_params *p)
{
    free(p->binds);
    free(p->vals);
    p->binds = NULL;
    p->vals = NULL;
    p->n = 0;
}

/* Read the arguments once, so a retry binds the same values. -1: bad type letter. */
static int params_read(db_params *p, const char *types, va_list ap)
{
    size_t n = types != NULL ? strlen(types) : 0;

    p->n = n;
    p->binds = NULL;
    p->vals = NULL;
    if (n == 0)
        return 0;
    p->binds = calloc(n, sizeof *p->binds);
    p->vals = calloc(n, sizeof *p->vals);
    if (p->binds == NULL || p->vals == NULL) {
        log_error("out of memory binding %zu parameters", n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        MYSQL_BIND *b = &p->binds[i];
        db_param *v = &p->vals[i];
        b->is_null = &v->is_null;
        b->length = &v->length;
        switch (types[i]) {
        case 'i':
            v->v.i = va_arg(ap, long long);
            b->buffer_type = MYSQL_TYPE_LONGLONG;
            b->buffer = &v->v.i;
            break;
        case 'u':
            v->v.u = va_arg(ap, unsigned long long);
            b->buffer_type = MYSQL_TYPE_LONGLONG;
            b->is_unsigned = 1;
            b->buffer = &v->v.u;
            break;
        case 'd':
            v->v.d = va_arg(ap, double);
            b->buffer_type = MYSQL_TYPE_DOUBLE;
            b->buffer = &v->v.d;
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            b->buffer_type = MYSQL_TYPE_STRING;
            b->buffer = (void *)s;
            v->is_null = s == NULL;
            v->length = s != NULL ? (unsigned long)strlen(s) : 0;
            b->buffer_length = v->length;
            break;
        }
        case 'b': {
            const void *data = va_arg(ap, const void *);
            size_t len = va_arg(ap, size_t);
            if (len > ULONG_MAX) {
                log_error("blob parameter %zu too large", i + 1);
                return -1;
            }
            b->buffer_type = MYSQL_TYPE_BLOB;
            b->buffer = (void *)data;
            v->is_null = data == NULL;
            v->length = data != NULL ? (unsigned long)len : 0;
            b->buffer_length = v->length;
            break;
        }
        default:
            log_error("unknown parameter type '%c' in \"%s\"", types[i], types);
            return -1;
        }
    }
    return 0;
}

/* Copy the stored result of stmt into out (cells in arena a). 0, or -1 with *at set. */
static int fetch_rows(MYSQL_STMT *stmt, arena *a, db_result *out, db_attempt *at)
{
    int rc = -1;
    MYSQL_RES *meta = NULL;
    MYSQL_BIND *binds = NULL;
    char **bufs = NULL;
    unsigned long *lens = NULL;
    my_bool *nulls = NULL, *errs = NULL;
    unsigned int ncols = mysql_stmt_field_count(stmt);

    if (mysql_stmt_store_result(stmt) != 0)
        goto cleanup;
    meta = mysql_stmt_result_metadata(stmt);
    if (meta == NULL)
        goto cleanup;
    MYSQL_FIELD *fields = mysql_fetch_fields(meta);
    my_ulonglong nrows = mysql_stmt_num_rows(stmt);
    if (nrows > SIZE_MAX / ncols / sizeof(char *)) {
        log_error("result too large (%llu rows)", (unsigned long long)nrows);
        goto cleanup;
    }
    binds = calloc(ncols, sizeof *binds);
    bufs = calloc(ncols, sizeof *bufs);
    lens = calloc(ncols, sizeof *lens);
    nulls = calloc(ncols, sizeof *nulls);
    errs = calloc(ncols, sizeof *errs);
    if (binds == NULL || bufs == NULL || lens == NULL || nulls == NULL || errs == NULL)
        goto oom;
    for (unsigned int c = 0; c < ncols; c++) {
        unsigned long size = fields[c].max_length < DB_MIN_CELL ? DB_MIN_CELL : fields[c].max_length;
        bufs[c] = malloc((size_t)size + 1);
        if (bufs[c] == NULL)
            goto oom;
        binds[c].buffer_type = MYSQL_TYPE_STRING;
        binds[c].buffer = bufs[c];
        binds[c].buffer_length = size + 1;
        binds[c].length = &lens[c];
        binds[c].is_null = &nulls[c];
        binds[c].error = &errs[c];
    }
    if (mysql_stmt_bind_result(stmt, binds) != 0)
        goto cleanup;

    out->ncols = ncols;
    out->nrows = 0;
    out->cells = nrows > 0 ? arena_calloc(a, (size_t)nrows * ncols, sizeof *out->cells) : NULL;
    out->lengths = nrows > 0 ? arena_calloc(a, (size_t)nrows * ncols, sizeof *out->lengths) : NULL;
    for (size_t r = 0; r < (size_t)nrows; r++) {
        int f = mysql_stmt_fetch(stmt);
        if (f == MYSQL_NO_DATA)
            break;
        if (f == 1)
            goto cleanup;
        for (unsigned int c = 0; c < ncols; c++) {
            size_t idx = r * ncols + c;
            if (nulls[c])
                continue;
            char *cell = arena_alloc(a, (size_t)lens[c] + 1);
            if (f == MYSQL_DATA_TRUNCATED && errs[c]) {
                /* max_length was short (should not happen): fetch the cell whole. */
                MYSQL_BIND one;
                memset(&one, 0, sizeof one);
                one.buffer_type = MYSQL_TYPE_STRING;
                one.buffer = cell;
                one.buffer_length = lens[c] + 1;
                if (mysql_stmt_fetch_column(stmt, &one, c, 0) != 0)
                    goto cleanup;
            } else {
                memcpy(cell, bufs[c], lens[c]);
            }
            cell[lens[c]] = '\0';
            out->cells[idx] = cell;
            out->lengths[idx] = lens[c];
        }
        out->nrows = r + 1;
    }
    rc = 0;
    goto cleanup;
oom:
    log_error("out of memory reading a result");
cleanup:
    if (rc != 0) {
        /* Taken before free_result, which clears the statement's error. */
        attempt_error(at, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
        if (at->code == 0)
            attempt_error(at, 0, "reading the result failed (out of memory?)");
    }
    if (bufs != NULL)
        for (unsigned int c = 0; c < ncols; c++)
            free(bufs[c]);
    free(bufs);
    free(binds);
    free(lens);
    free(nulls);
    free(errs);
    if (meta != NULL)
        mysql_free_result(meta);
    if (mysql_stmt_free_result(stmt) != 0 && rc == 0) {
        attempt_error(at, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
        rc = -1;
    }
    return rc;
}

/* One execution on the current connection.  0 ok, -1 error in *at. */
static int run_once(lyre_db *db, const char *sql, db_params *p, arena *a, db_result *out,
                    unsigned long long *affected, unsigned long long *insert_id, db_attempt *at)
{
    MYSQL_STMT *stmt = stmt_get(db, sql, at);
    if (stmt == NULL)
        return -1;
    if (mysql_stmt_param_count(stmt) != p->n) {
        attempt_error(at, 0, "parameter count does not match the type string");
        return -1;
    }
    if ((p->n > 0 && mysql_stmt_bind_param(stmt, p->binds) != 0)
        || mysql_stmt_execute(stmt) != 0)
        goto stmt_error;
    if (mysql_stmt_field_count(stmt) == 0) {
        if (affected != NULL)
            *affected = mysql_stmt_affected_rows(stmt);
        if (insert_id != NULL)
            *insert_id = mysql_stmt_insert_id(stmt);
        return 0;
    }
    if (out != NULL) {
        return fetch_rows(stmt, a, out, at);
    }
    /* db_exec of a statement that returns rows: read and drop them. */
    if (mysql_stmt_store_result(stmt) != 0)
        goto stmt_error;
    if (affected != NULL)
        *affected = mysql_stmt_num_rows(stmt);
    if (mysql_stmt_free_result(stmt) != 0)
        goto stmt_error;
    return 0;
stmt_error:
    attempt_error(at, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
    if (at->code == 0)
        attempt_error(at, 0, "statement failed (out of memory?)");
    return -1;
}

static db_status db_run(lyre_db *db, const char *fn, arena *a, db_result *out,
                        unsigned long long *affected, unsigned long long *insert_id,
                        const char *sql, const char *types, va_list ap)
{
    db_status st = DB_ERROR;
    db_params p;
    db_attempt at;

    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (params_read(&p, types, ap) != 0) {
        log_error("%s: %.*s", fn, DB_LOG_SQL, sql);
        set_error(db, 0, "bad parameter types");
        goto cleanup;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        if (db->in_tx && db->tx_lost) {
            set_error(db, CR_SERVER_LOST, "connection lost inside a transaction");
            st = DB_DOWN;
            goto cleanup;
        }
        if (db_connect(db) != DB_OK) {
            st = DB_DOWN;
            goto cleanup;
        }
        double started = now_seconds();
        if (out != NULL)
            memset(out, 0, sizeof *out);
        if (run_once(db, sql, &p, a, out, affected, insert_id, &at) == 0) {
            st = DB_OK;
            goto cleanup;
        }
        set_error(db, at.code, at.message);
        if (is_lost(at.code)) {
            /* A read that timed out may still run on the server: never run it twice. */
            int timed_out = db->cfg->db_read_timeout > 0
                            && now_seconds() - started >= (double)db->cfg->db_read_timeout - 0.5;
            drop_connection(db);
            if (db->in_tx) {
                db->tx_lost = 1;
            } else if (attempt == 0 && !timed_out) {
                log_warn("%s: connection lost (error %u: %s); reconnecting", fn, at.code, at.message);
                continue;
            }
            log_error("%s: database unreachable: error %u: %s; SQL: %.*s",
                      fn, at.code, at.message, DB_LOG_SQL, sql);
            st = DB_DOWN;
            goto cleanup;
        }
        if (at.code == ER_NEED_REPREPARE && attempt == 0) {
            stmt_forget(db, sql);
            continue;
        }
        if (at.code == ER_DUP_ENTRY) {
            /* Often expected (a taken name): the caller decides what it means. */
            log_info("%s: duplicate key: %s; SQL: %.*s", fn, at.message, DB_LOG_SQL, sql);
            st = DB_DUPLICATE;
            goto cleanup;
        }
        log_error("%s: error %u: %s; SQL: %.*s", fn, at.code, at.message, DB_LOG_SQL, sql);
        st = DB_ERROR;
        goto cleanup;
    }
cleanup:
    params_free(&p);
    return st;
}

db_status db_query(lyre_db *db, arena *a, db_result *out, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    db_status st = db_run(db, "db_query", a, out, NULL, NULL, sql, types, ap);
    va_end(ap);
    return st;
}

db_status db_exec(lyre_db *db, unsigned long long *affected, unsigned long long *insert_id,
                  const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    db_status st = db_run(db, "db_exec", NULL, NULL, affected, insert_id, sql, types, ap);
    va_end(ap);
    return st;
}

db_status db_begin(lyre_db *db)
{
    if (db->in_tx) {
        log_error("db_begin: a transaction is already open");
        set_error(db, 0, "nested transaction");
        return DB_ERROR;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        if (db_connect(db) != DB_OK)
            return DB_DOWN;
        if (mysql_autocommit(db->conn, 0) == 0) {
            db->in_tx = 1;
            db->tx_lost = 0;
            return DB_OK;
        }
        unsigned int code = mysql_errno(db->conn);
        set_error(db, code, mysql_error(db->conn));
        if (!is_lost(code)) {
            log_error("db_begin: %s", db->last_error);
            return DB_ERROR;
        }
        /* Nothing ran yet: an idle connection that died is simply reopened. */
        drop_connection(db);
    }
    log_error("db_begin: database unreachable: %s", db->last_error);
    return DB_DOWN;
}

/* Commit or roll back, then back to autocommit. */
static db_status tx_end(lyre_db *db, int commit)
{
    const char *fn = commit ? "db_commit" : "db_rollback";
    db_status st = DB_OK;

    if (!db->in_tx) {
        if (!commit)
            return DB_OK;   /* harmless: callers may roll back unconditionally */
        log_error("db_commit: no transaction is open");
        set_error(db, 0, "no transaction");
        return DB_ERROR;
    }
    if (db->tx_lost || db->conn == NULL) {
        /* The server already rolled it back when the connection died. */
        db->in_tx = 0;
        db->tx_lost = 0;
        if (!commit)
            return DB_OK;
        set_error(db, CR_SERVER_LOST, "connection lost inside the transaction");
        log_error("db_commit: %s", db->last_error);
        return DB_DOWN;
    }
    if ((commit ? mysql_commit(db->conn) : mysql_rollback(db->conn)) != 0
        || mysql_autocommit(db->conn, 1) != 0) {
        unsigned int code = mysql_errno(db->conn);
        set_error(db, code, mysql_error(db->conn));
        log_error("%s: %s", fn, db->last_error);
        if (is_lost(code)) {
            drop_connection(db);
            st = commit ? DB_DOWN : DB_OK;
        } else {
            /* Leave no half state behind: a fresh connection starts clean. */
            drop_connection(db);
            st = commit ? DB_ERROR : DB_OK;
        }
    }
    db->in_tx = 0;
    db->tx_lost = 0;
    return st;
}

db_status db_commit(lyre_db *db)
{
    return tx_end(db, 1);
}

db_status db_rollback(lyre_db *db)
{
    return tx_end(db, 0);
}

const char *db_cell(const db_result *r, size_t row, size_t col)
{
    if (r == NULL || r->cells == NULL || row >= r->nrows || col >= r->ncols)
        return NULL;
    return r->cells[row * r->ncols + col];
}

long long db_cell_ll(const db_result *r, size_t row, size_t col, long long dflt)
{
    const char *s = db_cell(r, row, col);
    char *end;
    long long v;

    if (s == NULL || *s == '\0')
        return dflt;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return dflt;
    return v;
}

lyre_err db_status_to_err(db_status st)
{
    switch (st) {
    case DB_OK:
        return LYRE_OK;
    case DB_DOWN:
        return LYRE_ERR_DB_DOWN;
    default:
        return LYRE_ERR_INTERNAL;
    }
}

struct st_mysql *db_mysql(lyre_db *db)
{
    if (db->conn == NULL && db_connect(db) != DB_OK)
        return NULL;
    return db->conn;
}

const char *db_last_error(const lyre_db *db)
{
    return db->last_error;
}

const char *db_ids_json(arena *a, const unsigned long long *ids, size_t n)
{
    strbuf b = STRBUF_INIT;
    sb_addc(&b, '[');
    for (size_t i = 0; i < n; i++)
        sb_addf(&b, "%s%llu", i ? "," : "", ids[i]);
    sb_addc(&b, ']');
    const char *out = arena_strdup(a, b.buf ? b.buf : "[]");
    sb_free(&b);
    return out;
}

db_status db_stream(lyre_db *db, const char *sql, db_row_fn fn, void *ctx, int *stopped)
{
    MYSQL_RES *res = NULL;
    MYSQL_ROW row;
    db_status st = DB_ERROR;
    *stopped = 0;
    if ((st = db_connect(db)) != DB_OK)
        return st;
    if (mysql_real_query(db->conn, sql, (unsigned long)strlen(sql)) != 0
        || (res = mysql_use_result(db->conn)) == NULL)
        goto failed;
    size_t ncols = mysql_num_fields(res);
    while ((row = mysql_fetch_row(res)) != NULL) {
        if (fn(ctx, row, ncols) != 0) {
            *stopped = 1;
            set_error(db, 0, "the reader of the rows stopped");
            st = DB_ERROR;
            goto cleanup;
        }
    }
    if (mysql_errno(db->conn) != 0)
        goto failed;
    st = DB_OK;
    goto cleanup;
failed:;
    unsigned int code = mysql_errno(db->conn);
    set_error(db, code, mysql_error(db->conn));
    log_error("db_stream: %s (%.*s)", db->last_error, DB_LOG_SQL, sql);
    st = is_lost(code) ? DB_DOWN : DB_ERROR;
cleanup:
    if (res != NULL)
        mysql_free_result(res);   /* reads and drops what a stopped reader left */
    if (st == DB_DOWN)
        drop_connection(db);
    return st;
}

/* migrate.c — `lyre-admin migrate` and `lyre-admin status`.
 *
 * The schema is the sum of db/NNNN_name.sql, applied in numeric order and
 * recorded in schema_migrations.  MariaDB commits each DDL statement by
 * itself, so a file is not atomic: a file that fails halfway is not
 * recorded, and its statements are written to be re-runnable (IF NOT EXISTS).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>

#include "admin.h"

#define MIGRATE_LOCK_WAIT 30

typedef struct migration {
    unsigned long version;
    char *file;          /* "0001_init.sql" */
    char *name;          /* "init" */
    char *applied_at;    /* NULL = pending */
} migration;

typedef struct migration_list {
    migration *items;
    size_t n;
    size_t cap;
} migration_list;

static const char create_migrations_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT UNSIGNED NOT NULL PRIMARY KEY,"
    " name VARCHAR(190) NOT NULL,"
    " applied_at DATETIME(3) NOT NULL"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

static void migrations_free(migration_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].file);
        free(l->items[i].name);
        free(l->items[i].applied_at);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int by_version(const void *a, const void *b)
{
    const migration *x = a, *y = b;
    return x->version < y->version ? -1 : x->version > y->version;
}

/* "0001_init.sql" -> version 1, name "init"; 0 if the name is not a migration. */
static int parse_file_name(const char *file, unsigned long *version, const char **name, size_t *name_len)
{
    size_t digits = strspn(file, "0123456789");
    size_t len = strlen(file);
    if (digits < 4 || digits > 9 || file[digits] != '_' || len < digits + 6
        || strcmp(file + len - 4, ".sql") != 0)
        return 0;
    *name = file + digits + 1;
    *name_len = len - digits - 1 - 4;
    for (size_t i = 0; i < *name_len; i++) {
        char c = (*name)[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    *version = strtoul(file, NULL, 10);
    return *version > 0;
}

/* The migration files of dir, sorted. ADMIN_OK or ADMIN_FAIL (said). */
static int scan_dir(const admin_ctx *ctx, const char *dir, migration_list *out)
{
    int status = ADMIN_FAIL;
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL) {
        admin_msg(ctx, "cannot read the migrations directory %s: %s", dir, strerror(errno));
        return ADMIN_USAGE;
    }
    while ((e = readdir(d)) != NULL) {
        unsigned long version;
        const char *name;
        size_t name_len;
        if (!parse_file_name(e->d_name, &version, &name, &name_len)) {
            if (str_ends_with(e->d_name, ".sql"))
                admin_msg(ctx, "warning: %s/%s is not named NNNN_name.sql; ignored", dir, e->d_name);
            continue;
        }
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            migration *items = realloc(out->items, cap * sizeof *items);
            if (items == NULL) {
                admin_msg(ctx, "out of memory");
                goto cleanup;
            }
            out->items = items;
            out->cap = cap;
        }
        migration *m = &out->items[out->n];
        memset(m, 0, sizeof *m);
        m->version = version;
        m->file = strdup(e->d_name);
        m->name = strndup(name, name_len);
        out->n++;
        if (m->file == NULL || m->name == NULL) {
            admin_msg(ctx, "out of memory");
            goto cleanup;
        }
    }
    qsort(out->items, out->n, sizeof *out->items, by_version);
    for (size_t i = 1; i < out->n; i++) {
        if (out->items[i].version == out->items[i - 1].version) {
            admin_msg(ctx, "%s: two migrations have version %lu: %s and %s", dir, out->items[i].version,
                      out->items[i - 1].file, out->items[i].file);
            goto cleanup;
        }
    }
    status = ADMIN_OK;
cleanup:
    closedir(d);
    return status;
}

static int read_file(const admin_ctx *ctx, const char *path, strbuf *out)
{
    char chunk[8192];
    size_t n;
    int status = ADMIN_OK;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        admin_msg(ctx, "cannot open %s: %s", path, strerror(errno));
        return ADMIN_FAIL;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_add(out, chunk, n);
    if (ferror(f)) {
        admin_msg(ctx, "cannot read %s: %s", path, strerror(errno));
        status = ADMIN_FAIL;
    }
    fclose(f);
    if (status == ADMIN_OK && strlen(out->buf) != out->len) {
        admin_msg(ctx, "%s: contains a NUL byte", path);
        status = ADMIN_FAIL;
    }
    return status;
}

/* Next statement of sql from *pos: it ends at a ';' that closes a line
 * outside quotes and comments (or at the end of the text).  Returns 0 when
 * only whitespace and comments remain.  *line counts lines for messages. */
static int next_statement(const char *sql, size_t *pos, size_t *start, size_t *len, unsigned *line,
                          unsigned *start_line)
{
    enum { CODE, SQUOTE, DQUOTE, BACKTICK, LINE_COMMENT, BLOCK_COMMENT } state = CODE;
    size_t i = *pos;
    int content = 0;

    *start = i;
    *start_line = *line;
    for (; sql[i] != '\0'; i++) {
        char c = sql[i];
        if (c == '\n')
            (*line)++;
        switch (state) {
        case CODE:
            if (c == '\'' ) state = SQUOTE;
            else if (c == '"') state = DQUOTE;
            else if (c == '`') state = BACKTICK;
            else if (c == '#') { state = LINE_COMMENT; continue; }
            else if (c == '-' && sql[i + 1] == '-' && (sql[i + 2] == ' ' || sql[i + 2] == '\t'
                                                      || sql[i + 2] == '\n' || sql[i + 2] == '\r'
                                                      || sql[i + 2] == '\0')) {
                state = LINE_COMMENT;
                continue;
            } else if (c == '/' && sql[i + 1] == '*' && sql[i + 2] != '!') {
                state = BLOCK_COMMENT;
                i++;
                continue;
            } else if (c == ';') {
                size_t j = i + 1;
                while (sql[j] == ' ' || sql[j] == '\t' || sql[j] == '\r')
                    j++;
                /* A comment may follow the ';' on its line. */
                int comment = sql[j] == '#'
                              || (sql[j] == '-' && sql[j + 1] == '-'
                                  && (sql[j + 2] == ' ' || sql[j + 2] == '\t'));
                if (sql[j] == '\n' || sql[j] == '\0' || comment) {
                    if (content) {
                        *len = i - *start;
                        *pos = i + 1;
                        return 1;
                    }
                    *start = i + 1;   /* a lone ';' */
                    continue;
                }
            }
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                if (!content)
                    *start_line = *line;
                content = 1;
            }
            break;
        case SQUOTE:
        case DQUOTE:
            if (c == '\\' && sql[i + 1] != '\0') {
                if (sql[i + 1] == '\n')
                    (*line)++;
                i++;
            } else if ((state == SQUOTE && c == '\'') || (state == DQUOTE && c == '"')) {
                state = CODE;
            }
            break;
        case BACKTICK:
            if (c == '`')
                state = CODE;
            break;
        case LINE_COMMENT:
            if (c == '\n')
                state = CODE;
            break;
        case BLOCK_COMMENT:
            if (c == '*' && sql[i + 1] == '/') {
                state = CODE;
                i++;
            }
            break;
        }
    }
    *pos = i;
    *len = i - *start;
    return content;
}

/* Prepare and execute one statement on the raw connection (no retry: DDL
 * must not run twice behind our back). */
static int run_statement(const admin_ctx *ctx, const char *sql, size_t len, const char *file, unsigned line)
{
    MYSQL *m = db_mysql(ctx->db);
    MYSQL_STMT *stmt = NULL;
    int status = ADMIN_FAIL;

    if (m == NULL) {
        admin_msg(ctx, "%s:%u: lost the database: %s", file, line, db_last_error(ctx->db));
        return ADMIN_FAIL;
    }
    stmt = mysql_stmt_init(m);
    if (stmt == NULL) {
        admin_msg(ctx, "%s:%u: out of memory", file, line);
        return ADMIN_FAIL;
    }
    if (mysql_stmt_prepare(stmt, sql, (unsigned long)len) != 0 || mysql_stmt_execute(stmt) != 0) {
        admin_msg(ctx, "%s:%u: error %u: %s", file, line, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
        while (len > 0 && (*sql == '\n' || *sql == '\r' || *sql == ' ' || *sql == '\t')) {
            sql++;
            len--;
        }
        admin_msg(ctx, "the statement was:\n%.*s", (int)(len > 2000 ? 2000 : len), sql);
        goto cleanup;
    }
    if (mysql_stmt_field_count(stmt) > 0
        && (mysql_stmt_store_result(stmt) != 0 || mysql_stmt_free_result(stmt) != 0)) {
        admin_msg(ctx, "%s:%u: error %u: %s", file, line, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
        goto cleanup;
    }
    status = ADMIN_OK;
cleanup:
    mysql_stmt_close(stmt);
    return status;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Our session still holds the lock (a reconnect would have dropped it). */
static int lock_held(const admin_ctx *ctx, arena *a)
{
    db_result r;
    return db_query(ctx->db, a, &r, "SELECT IS_USED_LOCK('lyre_migrate') = CONNECTION_ID()", "") == DB_OK
           && db_cell_ll(&r, 0, 0, 0) == 1;
}

static int apply(const admin_ctx *ctx, const char *dir, const migration *m, arena *a)
{
    strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    size_t pos = 0, start, len;
    unsigned line = 1, start_line, count = 0;
    int status = ADMIN_FAIL;
    double t0 = now();

    sb_addf(&path, "%s/%s", dir, m->file);
    if (read_file(ctx, path.buf, &text) != ADMIN_OK)
        goto cleanup;
    if (!lock_held(ctx, a)) {
        admin_msg(ctx, "lost the migration lock (connection dropped?); stopping before %s", m->file);
        goto cleanup;
    }
    while (next_statement(text.buf, &pos, &start, &len, &line, &start_line)) {
        if (run_statement(ctx, text.buf + start, len, path.buf, start_line) != ADMIN_OK) {
            admin_msg(ctx, "%s failed after %u statement(s); it is not recorded", m->file, count);
            goto cleanup;
        }
        count++;
    }
    if (db_exec(ctx->db, NULL, NULL,
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, NOW(3))", "us",
                (unsigned long long)m->version, m->name) != DB_OK) {
        admin_msg(ctx, "%s was applied but cannot be recorded: %s", m->file, db_last_error(ctx->db));
        goto cleanup;
    }
    admin_msg(ctx, "applied %s (%u statements, %.2f s)", m->file, count, now() - t0);
    status = ADMIN_OK;
cleanup:
    sb_free(&path);
    sb_free(&text);
    return status;
}

/* Mark the applied migrations of l; *newest_db = highest version in the database. */
static int read_applied(const admin_ctx *ctx, arena *a, migration_list *l, unsigned long *newest_db)
{
    db_result r;
    *newest_db = 0;
    if (db_query(ctx->db, a, &r,
                 "SELECT version, DATE_FORMAT(applied_at, '%Y-%m-%d %H:%i:%S') FROM schema_migrations"
                 " ORDER BY version", "") != DB_OK) {
        admin_msg(ctx, "cannot read schema_migrations: %s", db_last_error(ctx->db));
        return ADMIN_FAIL;
    }
    for (size_t row = 0; row < r.nrows; row++) {
        unsigned long v = (unsigned long)db_cell_ll(&r, row, 0, 0);
        if (v > *newest_db)
            *newest_db = v;
        for (size_t i = 0; i < l->n; i++) {
            if (l->items[i].version == v) {
                const char *at = db_cell(&r, row, 1);
                l->items[i].applied_at = strdup(at != NULL ? at : "?");
                if (l->items[i].applied_at == NULL) {
                    admin_msg(ctx, "out of memory");
                    return ADMIN_FAIL;
                }
            }
        }
    }
    return ADMIN_OK;
}

static void migrate_usage(const admin_ctx *ctx)
{
    admin_msg(ctx, "usage: migrate [--dir DIR] [--status]");
}

int admin_migrate(admin_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "dir", required_argument, NULL, 'd' },
        { "status", no_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *dir = ctx->cfg->migrations_dir;
    int show_status = 0, locked = 0, status = ADMIN_FAIL, opt;
    unsigned long newest_db = 0, newest_file = 0;
    size_t pending = 0;
    migration_list list = { NULL, 0, 0 };
    arena a;
    db_result r;

    arena_init(&a, 4096);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "d:s", longopts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 's': show_status = 1; break;
        case 'h': migrate_usage(ctx); status = ADMIN_OK; goto cleanup;
        default: migrate_usage(ctx); status = ADMIN_USAGE; goto cleanup;
        }
    }
    if (optind != argc) {
        migrate_usage(ctx);
        status = ADMIN_USAGE;
        goto cleanup;
    }
    if (dir == NULL || dir[0] == '\0') {
        admin_msg(ctx, "no migrations directory: set paths.migrations or pass --dir");
        status = ADMIN_USAGE;
        goto cleanup;
    }
    status = scan_dir(ctx, dir, &list);
    if (status != ADMIN_OK)
        goto cleanup;
    status = ADMIN_FAIL;
    if (admin_connect(ctx) != ADMIN_OK)
        goto cleanup;
    if (list.n > 0)
        newest_file = list.items[list.n - 1].version;

    /* Two concurrent runs: the second waits, then finds nothing to do. */
    if (db_query(ctx->db, &a, &r, "SELECT GET_LOCK('lyre_migrate', ?)", "i",
                 (long long)MIGRATE_LOCK_WAIT) != DB_OK) {
        admin_msg(ctx, "cannot take the migration lock: %s", db_last_error(ctx->db));
        goto cleanup;
    }
    if (db_cell_ll(&r, 0, 0, 0) != 1) {
        admin_msg(ctx, "another migrate has held the lock for %d s; try again later", MIGRATE_LOCK_WAIT);
        goto cleanup;
    }
    locked = 1;
    /* --status only reads: no table yet means nothing applied. */
    if (!show_status && db_exec(ctx->db, NULL, NULL, create_migrations_sql, "") != DB_OK) {
        admin_msg(ctx, "cannot create schema_migrations: %s", db_last_error(ctx->db));
        goto cleanup;
    }
    long long version = admin_schema_version(ctx);
    if (version < 0 || (version > 0 && read_applied(ctx, &a, &list, &newest_db) != ADMIN_OK))
        goto cleanup;
    for (size_t i = 0; i < list.n; i++)
        pending += list.items[i].applied_at == NULL;

    if (show_status) {
        for (size_t i = 0; i < list.n; i++)
            printf("%04lu %-40s %s%s\n", list.items[i].version, list.items[i].name,
                   list.items[i].applied_at ? "applied " : "pending",
                   list.items[i].applied_at ? list.items[i].applied_at : "");
        printf("schema version %lu, %zu pending (%s)\n", newest_db, pending, dir);
    }
    if (newest_db > newest_file) {
        admin_msg(ctx, "the database schema is at version %lu, newer than the newest migration in %s (%lu): "
                       "this lyre-admin is older than the database; refusing", newest_db, dir, newest_file);
        status = ADMIN_NEWER;
        goto cleanup;
    }
    if (show_status) {
        status = ADMIN_OK;
        goto cleanup;
    }
    if (pending == 0) {
        admin_msg(ctx, "schema is up to date (version %lu)", newest_db);
        status = ADMIN_OK;
        goto cleanup;
    }
    for (size_t i = 0; i < list.n; i++) {
        if (list.items[i].applied_at != NULL)
            continue;
        if (apply(ctx, dir, &list.items[i], &a) != ADMIN_OK)
            goto cleanup;
        if (list.items[i].version > newest_db)
            newest_db = list.items[i].version;
    }
    admin_msg(ctx, "schema is at version %lu", newest_db);
    status = ADMIN_OK;
cleanup:
    if (locked && db_query(ctx->db, &a, &r, "SELECT RELEASE_LOCK('lyre_migrate')", "") != DB_OK)
        admin_msg(ctx, "warning: cannot release the migration lock (it goes with the connection)");
    migrations_free(&list);
    arena_free(&a);
    return status;
}

long long admin_schema_version(const admin_ctx *ctx)
{
    arena a;
    db_result r;
    long long version = -1;

    arena_init(&a, 1024);
    if (db_query(ctx->db, &a, &r,
                 "SELECT COUNT(*) FROM information_schema.TABLES"
                 " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_migrations'", "") != DB_OK)
        goto cleanup;
    if (db_cell_ll(&r, 0, 0, 0) == 0) {
        version = 0;
        goto cleanup;
    }
    if (db_query(ctx->db, &a, &r, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", "") != DB_OK)
        goto cleanup;
    version = db_cell_ll(&r, 0, 0, -1);
cleanup:
    if (version < 0)
        admin_msg(ctx, "cannot read the schema version: %s", db_last_error(ctx->db));
    arena_free(&a);
    return version;
}

int admin_status(admin_ctx *ctx, int argc, char **argv)
{
    static const char *const tables[] = { "artists", "albums", "tracks", "track_artists", "genres", "artwork" };
    static const char *const count_sql[] = {
        "SELECT COUNT(*) FROM artists", "SELECT COUNT(*) FROM albums", "SELECT COUNT(*) FROM tracks",
        "SELECT COUNT(*) FROM track_artists", "SELECT COUNT(*) FROM genres", "SELECT COUNT(*) FROM artwork",
    };
    arena a;
    db_result r;
    int status = ADMIN_FAIL;
    long long version;

    (void)argv;
    if (argc != 1) {
        admin_msg(ctx, "usage: status");
        return ADMIN_USAGE;
    }
    arena_init(&a, 4096);
    if (admin_connect(ctx) != ADMIN_OK)
        goto cleanup;
    if (db_query(ctx->db, &a, &r, "SELECT VERSION(), DATABASE(), CURRENT_USER()", "") != DB_OK) {
        admin_msg(ctx, "the database does not answer: %s", db_last_error(ctx->db));
        goto cleanup;
    }
    printf("connection: ok (%s, database %s as %s via %s)\n", db_cell(&r, 0, 0), db_cell(&r, 0, 1),
           db_cell(&r, 0, 2),
           ctx->cfg->db_socket[0] != '\0' ? ctx->cfg->db_socket : ctx->cfg->db_host);
    version = admin_schema_version(ctx);
    if (version < 0)
        goto cleanup;
    if (version == 0)
        printf("schema: none (run lyre-admin migrate)\n");
    else
        printf("schema: version %lld\n", version);
    if (db_query(ctx->db, &a, &r,
                 "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()", "") != DB_OK)
        goto cleanup;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        int exists = 0;
        db_result c;
        for (size_t row = 0; row < r.nrows; row++)
            exists |= strcmp(db_cell(&r, row, 0), tables[t]) == 0;
        if (!exists)
            continue;
        if (db_query(ctx->db, &a, &c, count_sql[t], "") != DB_OK)
            goto cleanup;
        printf("%-14s %s rows\n", tables[t], db_cell(&c, 0, 0));
    }
    status = ADMIN_OK;
cleanup:
    arena_free(&a);
    return status;
}

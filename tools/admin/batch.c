/* batch.c — multi-row INSERTs for the bulk commands (demo, search-index). */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

int batch_init(batch *b, const admin_ctx *ctx, lyre_db *db, const char *head, const char *tuple, unsigned ncols,
               unsigned max_rows)
{
    size_t cells = (size_t)ncols * max_rows;
    memset(b, 0, sizeof *b);
    b->ctx = ctx;
    b->db = db;
    b->head = head;
    b->tuple = tuple;
    b->ncols = ncols;
    b->max_rows = max_rows;
    arena_init(&b->strings, 64 * 1024);
    b->binds = calloc(cells, sizeof *b->binds);
    b->nums = calloc(cells, sizeof *b->nums);
    b->lens = calloc(cells, sizeof *b->lens);
    b->nulls = calloc(cells, sizeof *b->nulls);
    if (b->binds == NULL || b->nums == NULL || b->lens == NULL || b->nulls == NULL) {
        admin_msg(ctx, "out of memory");
        return -1;
    }
    return 0;
}

void batch_free(batch *b)
{
    if (b->full != NULL)
        mysql_stmt_close(b->full);
    free(b->binds);
    free(b->nums);
    free(b->lens);
    free(b->nulls);
    arena_free(&b->strings);
    memset(b, 0, sizeof *b);
}

static MYSQL_BIND *cell(batch *b, unsigned col)
{
    size_t i = (size_t)b->nrows * b->ncols + col;
    MYSQL_BIND *bind = &b->binds[i];
    memset(bind, 0, sizeof *bind);
    b->nulls[i] = 0;
    bind->is_null = &b->nulls[i];
    bind->length = &b->lens[i];
    return bind;
}

void set_u(batch *b, unsigned col, unsigned long long v)
{
    MYSQL_BIND *bind = cell(b, col);
    size_t i = (size_t)(bind - b->binds);
    b->nums[i] = v;
    bind->buffer_type = MYSQL_TYPE_LONGLONG;
    bind->is_unsigned = 1;
    bind->buffer = &b->nums[i];
}

void set_i(batch *b, unsigned col, long long v)
{
    MYSQL_BIND *bind = cell(b, col);
    size_t i = (size_t)(bind - b->binds);
    /* The same 8 bytes, read by the server as signed. */
    b->nums[i] = (unsigned long long)v;
    bind->buffer_type = MYSQL_TYPE_LONGLONG;
    bind->buffer = &b->nums[i];
}

void set_null(batch *b, unsigned col)
{
    MYSQL_BIND *bind = cell(b, col);
    bind->buffer_type = MYSQL_TYPE_NULL;
    b->nulls[bind - b->binds] = 1;
}

void set_s(batch *b, unsigned col, const char *s)
{
    MYSQL_BIND *bind = cell(b, col);
    size_t len = strlen(s);
    bind->buffer_type = MYSQL_TYPE_STRING;
    bind->buffer = arena_strndup(&b->strings, s, len);
    bind->buffer_length = (unsigned long)len;
    b->lens[bind - b->binds] = (unsigned long)len;
}

static MYSQL_STMT *batch_prepare(batch *b, unsigned rows)
{
    strbuf sql = STRBUF_INIT;
    MYSQL *m = db_mysql(b->db);
    MYSQL_STMT *stmt = m != NULL ? mysql_stmt_init(m) : NULL;

    if (stmt == NULL) {
        admin_msg(b->ctx, "cannot prepare an insert: %s", m != NULL ? mysql_error(m) : db_last_error(b->db));
        return NULL;
    }
    sb_adds(&sql, b->head);
    for (unsigned r = 0; r < rows; r++) {
        if (r > 0)
            sb_addc(&sql, ',');
        sb_adds(&sql, b->tuple);
    }
    if (mysql_stmt_prepare(stmt, sql.buf, (unsigned long)sql.len) != 0) {
        admin_msg(b->ctx, "cannot prepare %s...: %s", b->head, mysql_stmt_error(stmt));
        mysql_stmt_close(stmt);
        stmt = NULL;
    }
    sb_free(&sql);
    return stmt;
}

int batch_flush(batch *b)
{
    MYSQL_STMT *stmt;
    int rc = -1;

    if (b->nrows == 0)
        return 0;
    if (b->nrows == b->max_rows) {
        if (b->full == NULL && (b->full = batch_prepare(b, b->max_rows)) == NULL)
            return -1;
        stmt = b->full;
    } else if ((stmt = batch_prepare(b, b->nrows)) == NULL) {
        return -1;
    }
    if (mysql_stmt_bind_param(stmt, b->binds) != 0 || mysql_stmt_execute(stmt) != 0) {
        admin_msg(b->ctx, "%s...: error %u: %s", b->head, mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
        goto cleanup;
    }
    b->total += b->nrows;
    b->nrows = 0;
    arena_reset(&b->strings);
    rc = 0;
cleanup:
    if (stmt != b->full)
        mysql_stmt_close(stmt);
    return rc;
}

/* A row is complete: flush when the batch is full. */
int batch_row_done(batch *b)
{
    b->nrows++;
    return b->nrows == b->max_rows ? batch_flush(b) : 0;
}

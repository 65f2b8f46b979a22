/* batch.h — rows of one multi-row INSERT ("HEAD (?,...),(?,...),...")
 * bound through prepared statements: what lyre-admin's bulk commands (demo,
 * search-index) write with.  Fill a row with set_* (columns 0..ncols-1),
 * then batch_row_done; a full batch is sent at once, batch_flush sends the
 * rest. */
#ifndef LYRE_ADMIN_BATCH_H
#define LYRE_ADMIN_BATCH_H

#include <mysql.h>

#include "admin.h"

/* Rows of one multi-row INSERT: "HEAD (?,...),(?,...),..." prepared once
 * for a full batch; the last, shorter batch is prepared on its own. */
typedef struct batch {
    const admin_ctx *ctx;
    lyre_db *db;               /* the connection the rows go to */
    const char *head;          /* "INSERT INTO t (a, b) VALUES " */
    const char *tuple;         /* "(?, ?)" */
    unsigned ncols, max_rows, nrows;
    MYSQL_STMT *full;
    MYSQL_BIND *binds;         /* max_rows * ncols */
    unsigned long long *nums;
    unsigned long *lens;
    my_bool *nulls;
    arena strings;             /* string values until the flush */
    unsigned long long total;  /* rows written */
} batch;

/* 0, or -1 (said) when memory runs out.  Rows go to db. */
int batch_init(batch *b, const admin_ctx *ctx, lyre_db *db, const char *head, const char *tuple, unsigned ncols,
               unsigned max_rows);
void batch_free(batch *b);

void set_u(batch *b, unsigned col, unsigned long long v);
void set_i(batch *b, unsigned col, long long v);
void set_null(batch *b, unsigned col);
void set_s(batch *b, unsigned col, const char *s);

/* A row is complete: flush when the batch is full.  0 or -1 (said). */
int batch_row_done(batch *b);
/* Send the rows waiting.  0 or -1 (said). */
int batch_flush(batch *b);

#endif

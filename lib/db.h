/* db.h — the one database layer: MariaDB/MySQL through prepared statements.
 *
 * A lyre_db holds one connection and a cache of prepared statements keyed by
 * their SQL text.  It connects lazily; when the server is gone
 * (CR_SERVER_GONE_ERROR, CR_SERVER_LOST, an unknown statement handle after a
 * server restart) it drops the connection and its statements, reconnects and
 * re-prepares, and retries the statement once when no transaction was open.
 * MYSQL_OPT_RECONNECT is never used.
 *
 * Parameters are bound from a type string, one letter per argument:
 *   'i'  long long            's'  const char * (NULL binds SQL NULL)
 *   'u'  unsigned long long   'b'  const void *, size_t  (blob: two args)
 *   'd'  double
 * Results come back as strings in the caller's arena (NULL for SQL NULL),
 * which is all a page needs; db_cell_* helpers parse numbers.
 *
 * Return values: DB_OK, or DB_DOWN (server unreachable: the page answers 503
 * with Retry-After), DB_DUPLICATE (unique key violated), DB_ERROR (anything
 * else: 500).  Errors are logged here, with the SQL, never the parameters.
 */
#ifndef LYRE_DB_H
#define LYRE_DB_H

#include <stddef.h>
#include "arena.h"
#include "config.h"
#include "errors.h"

typedef enum db_status { DB_OK = 0, DB_DOWN = -1, DB_ERROR = -2, DB_DUPLICATE = -3 } db_status;

typedef struct lyre_db lyre_db;

typedef struct db_result {
    size_t nrows;
    size_t ncols;
    const char **cells;          /* nrows * ncols, row-major; NULL = SQL NULL */
    unsigned long *lengths;      /* same shape */
} db_result;

/* Create a handle (no connection yet).  cfg must outlive it. */
lyre_db *db_new(const lyre_config *cfg);
void db_free(lyre_db *db);

/* Connect if not connected.  DB_OK or DB_DOWN. */
db_status db_connect(lyre_db *db);
/* Forget the connection and every prepared statement (next call reconnects). */
void db_disconnect(lyre_db *db);
int db_connected(const lyre_db *db);

/* Run a statement returning rows. out->cells is allocated from a. */
db_status db_query(lyre_db *db, arena *a, db_result *out, const char *sql, const char *types, ...);
/* Run a statement returning no rows. affected / insert_id may be NULL. */
db_status db_exec(lyre_db *db, unsigned long long *affected, unsigned long long *insert_id,
                  const char *sql, const char *types, ...);

/* Run a constant statement (no parameters) and hand its rows to fn one at a
 * time as they arrive (mysql_use_result), for tools that read millions of
 * rows, which db_query would hold in memory at once.  fn gets ncols cells
 * (NULL for SQL NULL) and returns 0 to go on; anything else stops the read,
 * sets *stopped to 1 and makes the result DB_ERROR.  DB_OK, DB_DOWN or
 * DB_ERROR (db_last_error says why).  Nothing else may use db meanwhile. */
typedef int (*db_row_fn)(void *ctx, char **row, size_t ncols);
db_status db_stream(lyre_db *db, const char *sql, db_row_fn fn, void *ctx, int *stopped);

db_status db_begin(lyre_db *db);
db_status db_commit(lyre_db *db);
db_status db_rollback(lyre_db *db);

/* Cell access. */
const char *db_cell(const db_result *r, size_t row, size_t col);
long long db_cell_ll(const db_result *r, size_t row, size_t col, long long dflt);

/* "[1,2,3]": ids for one statement through JSON_TABLE(?, '$[*]' COLUMNS (...)),
 * however many there are, allocated from a. */
const char *db_ids_json(arena *a, const unsigned long long *ids, size_t n);

/* The error a page answers for a status (DB_DOWN -> 503, others -> 500). */
lyre_err db_status_to_err(db_status st);

/* The MySQL handle, for tools that need what db.h does not wrap (migrations). */
struct st_mysql *db_mysql(lyre_db *db);
/* Last error text (for tools' messages). */
const char *db_last_error(const lyre_db *db);

#endif

/* store.c — one lyre-train run against MariaDB.
 *
 * Reads: play_events streamed (mysql_use_result: lib/db buffers whole
 * results and there may be tens of millions of rows), track_likes,
 * track_dislikes, artist_dislikes, track_artists (main credit).  Each event
 * adds its weight (complete > 30s > start > skip, skips negative) times
 * 0.5^(age / half-life) to its (user, track) cell; a like adds w_like; a
 * dislike removes the cell; cells <= 0 are dropped.  The artist matrix sums
 * a user's cells over each track's main artist.
 *
 * Writes a new rec_models row in state 'building', its neighbour rows with
 * multi-row prepared INSERTs committed every few batches, then ONE
 * transaction marks it 'ready' and points rec_current at it.  Older models
 * are deleted afterwards (after a grace period for readers that looked up
 * rec_current in an earlier statement), their rows in chunks.  A named lock
 * keeps two runs from overlapping. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>

#include "db.h"
#include "str.h"
#include "recs.h"

#define ROWS_PER_COMMIT 20000
#define DELETE_CHUNK 10000

void train_defaults(train_opts *o)
{
    memset(o, 0, sizeof *o);
    model_defaults(&o->track, MODEL_RP3BETA);
    model_defaults(&o->artist, MODEL_RP3BETA);
    o->track.topk = o->artist.topk = 50;
    o->track.alpha = o->artist.alpha = 1.0f;
    o->track.beta = o->artist.beta = 0.3f;
    o->half_life_days = 90.0;
    o->w_start = 0.1;
    o->w_30s = 0.4;
    o->w_complete = 0.5;         /* a complete play = start + 30s + complete = 1.0 */
    o->w_skip = -0.3;            /* a skipped play = start + skip = -0.2 */
    o->w_like = 2.0;
    o->topk_store = 50;
    o->batch_rows = 500;
    o->grace_seconds = 2;
    o->writers = 2;
}

/* ------------------------------------------------------------ id maps */

/* Database id (>= 1) -> dense index, open addressing; raw[] keeps the way back. */
typedef struct idmap {
    uint32_t *keys, *vals;
    size_t cap;
    uint32_t n;
    uint32_t *raw;
    size_t rawcap;
} idmap;

static size_t slot_of(const idmap *m, uint32_t key)
{
    size_t h = (size_t)((key * 0x9E3779B1u) ^ (key >> 15)) & (m->cap - 1);
    while (m->keys[h] != 0 && m->keys[h] != key)
        h = (h + 1) & (m->cap - 1);
    return h;
}

static int idmap_grow(idmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1u << 14;
    idmap nm = *m;
    nm.cap = cap;
    nm.keys = calloc(cap, sizeof *nm.keys);
    nm.vals = malloc(cap * sizeof *nm.vals);
    if (nm.keys == NULL || nm.vals == NULL) {
        free(nm.keys);
        free(nm.vals);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] != 0) {
            size_t s = slot_of(&nm, m->keys[i]);
            nm.keys[s] = m->keys[i];
            nm.vals[s] = m->vals[i];
        }
    free(m->keys);
    free(m->vals);
    *m = nm;
    return 0;
}

/* Dense index of key, added when add is set; UINT32_MAX when absent or no memory. */
static uint32_t idmap_get(idmap *m, uint32_t key, int add)
{
    if (key == 0)
        return UINT32_MAX;
    if (m->cap == 0 || ((size_t)m->n + 1) * 2 > m->cap) {
        if (!add && m->cap == 0)
            return UINT32_MAX;
        if (add && idmap_grow(m) != 0)
            return UINT32_MAX;
    }
    size_t s = slot_of(m, key);
    if (m->keys[s] == key)
        return m->vals[s];
    if (!add)
        return UINT32_MAX;
    if (m->n == m->rawcap) {
        size_t rc = m->rawcap ? m->rawcap * 2 : 1024;
        uint32_t *nr = realloc(m->raw, rc * sizeof *nr);
        if (nr == NULL)
            return UINT32_MAX;
        m->raw = nr;
        m->rawcap = rc;
    }
    m->keys[s] = key;
    m->vals[s] = m->n;
    m->raw[m->n] = key;
    return m->n++;
}

static void idmap_free(idmap *m)
{
    free(m->keys);
    free(m->vals);
    free(m->raw);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------ reading */

typedef struct reader {
    lyre_db *db;
    const train_opts *o;
    progress *pr;
    idmap users, tracks, artists;
    triplets cells;              /* (user, track, weight) */
    triplets artist_neg;         /* (user, artist, -big): artist dislikes */
    uint32_t *track_artist;      /* dense track -> dense artist or UINT32_MAX */
    unsigned long long events;
} reader;

typedef int (*row_fn)(reader *R, MYSQL_ROW row);

static unsigned long ul(const char *s)
{
    return s ? strtoul(s, NULL, 10) : 0;
}

/* One streamed statement: the row handler and the progress count. */
typedef struct stream_call {
    reader *R;
    row_fn fn;
    size_t n;
} stream_call;

static int stream_row(void *ctx, char **row, size_t ncols)
{
    stream_call *c = ctx;
    (void)ncols;
    if (c->fn(c->R, row) != 0)
        return -1;
    if ((++c->n & 0xffff) == 0)
        progress_set(c->R->pr, c->n);
    return 0;
}

/* Stream a constant SELECT row by row (lib/db's db_stream). */
static int stream(reader *R, const char *what, const char *sql, row_fn fn)
{
    stream_call c = { R, fn, 0 };
    int stopped;
    if (db_stream(R->db, sql, stream_row, &c, &stopped) != DB_OK) {
        fprintf(stderr, "lyre-train: reading %s: %s\n", what,
                stopped ? "out of memory" : db_last_error(R->db));
        return -1;
    }
    progress_set(R->pr, c.n);
    return 0;
}

static int on_event(reader *R, MYSQL_ROW row)
{
    const train_opts *o = R->o;
    static const double half = 0.5;
    uint32_t u = idmap_get(&R->users, (uint32_t)ul(row[0]), 1);
    uint32_t t = idmap_get(&R->tracks, (uint32_t)ul(row[1]), 1);
    if (u == UINT32_MAX || t == UINT32_MAX)
        return -1;
    unsigned long ev = ul(row[2]);
    double w = ev == 1 ? o->w_start : ev == 2 ? o->w_30s : ev == 3 ? o->w_complete : ev == 4 ? o->w_skip : 0.0;
    double age_days = row[3] ? strtod(row[3], NULL) / 86400.0 : 0.0;
    if (age_days < 0)
        age_days = 0;
    if (o->half_life_days > 0)
        w *= pow(half, age_days / o->half_life_days);
    R->events++;
    return trip_add(&R->cells, u, t, (float)w);
}

static int on_like(reader *R, MYSQL_ROW row)
{
    uint32_t u = idmap_get(&R->users, (uint32_t)ul(row[0]), 1);
    uint32_t t = idmap_get(&R->tracks, (uint32_t)ul(row[1]), 1);
    if (u == UINT32_MAX || t == UINT32_MAX)
        return -1;
    return trip_add(&R->cells, u, t, (float)R->o->w_like);
}

/* Dislikes only matter for users and tracks already known. */
static int on_dislike(reader *R, MYSQL_ROW row)
{
    uint32_t u = idmap_get(&R->users, (uint32_t)ul(row[0]), 0);
    uint32_t t = idmap_get(&R->tracks, (uint32_t)ul(row[1]), 0);
    if (u == UINT32_MAX || t == UINT32_MAX)
        return 0;
    return trip_add(&R->cells, u, t, -1e9f);
}

static int on_track_artist(reader *R, MYSQL_ROW row)
{
    uint32_t t = idmap_get(&R->tracks, (uint32_t)ul(row[0]), 0);
    if (t == UINT32_MAX || R->track_artist[t] != UINT32_MAX)
        return 0;
    uint32_t a = idmap_get(&R->artists, (uint32_t)ul(row[1]), 1);
    if (a == UINT32_MAX)
        return -1;
    R->track_artist[t] = a;
    return 0;
}

static int on_artist_dislike(reader *R, MYSQL_ROW row)
{
    uint32_t u = idmap_get(&R->users, (uint32_t)ul(row[0]), 0);
    uint32_t a = idmap_get(&R->artists, (uint32_t)ul(row[1]), 0);
    if (u == UINT32_MAX || a == UINT32_MAX)
        return 0;
    return trip_add(&R->artist_neg, u, a, -1e9f);
}

/* ------------------------------------------------------------ writing */

typedef struct writer {
    MYSQL *m;
    const char *head;
    unsigned max_rows, nrows;
    MYSQL_STMT *full;
    MYSQL_BIND *binds;
    unsigned *u;                 /* 4 per row */
    float *f;
    unsigned long long total;
    unsigned since_commit;
} writer;

static MYSQL_STMT *prepare_rows(writer *w, unsigned rows)
{
    strbuf sql = STRBUF_INIT;
    MYSQL_STMT *st = mysql_stmt_init(w->m);
    sb_adds(&sql, w->head);
    for (unsigned r = 0; r < rows; r++)
        sb_adds(&sql, r ? ",(?,?,?,?,?)" : "(?,?,?,?,?)");
    if (st != NULL && mysql_stmt_prepare(st, sql.buf, (unsigned long)sql.len) != 0) {
        fprintf(stderr, "lyre-train: %s\n", mysql_stmt_error(st));
        mysql_stmt_close(st);
        st = NULL;
    }
    sb_free(&sql);
    return st;
}

static int writer_init(writer *w, MYSQL *m, const char *head, unsigned max_rows)
{
    memset(w, 0, sizeof *w);
    w->m = m;
    w->head = head;
    w->max_rows = max_rows;
    w->binds = calloc((size_t)max_rows * 5, sizeof *w->binds);
    w->u = calloc((size_t)max_rows * 4, sizeof *w->u);
    w->f = calloc(max_rows, sizeof *w->f);
    if (w->binds == NULL || w->u == NULL || w->f == NULL)
        return -1;
    for (unsigned r = 0; r < max_rows; r++) {
        for (unsigned c = 0; c < 4; c++) {
            MYSQL_BIND *b = &w->binds[r * 5 + c];
            b->buffer_type = MYSQL_TYPE_LONG;
            b->buffer = &w->u[r * 4 + c];
            b->is_unsigned = 1;
        }
        w->binds[r * 5 + 4].buffer_type = MYSQL_TYPE_FLOAT;
        w->binds[r * 5 + 4].buffer = &w->f[r];
    }
    return 0;
}

static void writer_free(writer *w)
{
    if (w->full != NULL)
        mysql_stmt_close(w->full);
    free(w->binds);
    free(w->u);
    free(w->f);
    memset(w, 0, sizeof *w);
}

static int run_sql(MYSQL *m, const char *sql)
{
    if (mysql_real_query(m, sql, (unsigned long)strlen(sql)) == 0)
        return 0;
    fprintf(stderr, "lyre-train: %s: %s\n", sql, mysql_error(m));
    return -1;
}

static int writer_flush(writer *w)
{
    MYSQL_STMT *st;
    int rc = -1;
    if (w->nrows == 0)
        return 0;
    if (w->nrows == w->max_rows) {
        if (w->full == NULL && (w->full = prepare_rows(w, w->max_rows)) == NULL)
            return -1;
        st = w->full;
    } else if ((st = prepare_rows(w, w->nrows)) == NULL) {
        return -1;
    }
    if (mysql_stmt_bind_param(st, w->binds) != 0 || mysql_stmt_execute(st) != 0)
        fprintf(stderr, "lyre-train: writing neighbours: %s\n", mysql_stmt_error(st));
    else
        rc = 0;
    if (st != w->full)
        mysql_stmt_close(st);
    w->total += w->nrows;
    w->since_commit += w->nrows;
    w->nrows = 0;
    if (rc == 0 && w->since_commit >= ROWS_PER_COMMIT) {
        w->since_commit = 0;
        if (run_sql(w->m, "COMMIT") != 0 || run_sql(w->m, "START TRANSACTION") != 0)
            rc = -1;
    }
    return rc;
}

static int writer_row(writer *w, unsigned model_id, unsigned item, unsigned rank, unsigned nb, float score)
{
    unsigned *u = &w->u[w->nrows * 4];
    u[0] = model_id;
    u[1] = item;
    u[2] = rank;
    u[3] = nb;
    w->f[w->nrows] = score;
    if (++w->nrows == w->max_rows)
        return writer_flush(w);
    return 0;
}

/* Neighbour rows of a model (rows of m->sim are best first), the items
 * shared out in contiguous ranges over one connection per writer: InnoDB
 * takes rows from two connections almost twice as fast as from one. */
typedef struct writejob {
    lyre_db **dbs;
    int n;
    const char *head;
    const model *md;
    const uint32_t *raw;
    unsigned model_id;
    const train_opts *o;
    progress *pr;
    atomic_size_t done;
    atomic_int failed;
} writejob;

static void write_worker(void *arg, int wi)
{
    writejob *J = arg;
    const model *md = J->md;
    MYSQL *my = db_mysql(J->dbs[wi]);
    writer w;
    int ok = 0;
    uint32_t n = md->sim.nrows;
    uint32_t from = (uint32_t)((uint64_t)n * (unsigned)wi / (unsigned)J->n);
    uint32_t to = (uint32_t)((uint64_t)n * (unsigned)(wi + 1) / (unsigned)J->n);
    if (writer_init(&w, my, J->head, (unsigned)J->o->batch_rows) != 0) {
        fprintf(stderr, "lyre-train: out of memory\n");
        goto cleanup;
    }
    if (run_sql(my, "START TRANSACTION") != 0)
        goto cleanup;
    for (uint32_t i = from; i < to; i++) {
        size_t a = md->sim.ptr[i], b = md->sim.ptr[i + 1];
        for (size_t t = a; t < b && t - a < (size_t)J->o->topk_store; t++)
            if (writer_row(&w, J->model_id, J->raw[i], (unsigned)(t - a + 1), J->raw[md->sim.idx[t]],
                           md->sim.val[t]) != 0)
                goto cleanup;
        if (((i - from) & 1023) == 1023) {
            size_t d = atomic_fetch_add(&J->done, 1024) + 1024;
            if (wi == 0)
                progress_set(J->pr, d);
            if (atomic_load(&J->failed))
                goto cleanup;
        }
    }
    if (writer_flush(&w) != 0 || run_sql(my, "COMMIT") != 0)
        goto cleanup;
    ok = 1;
cleanup:
    if (!ok) {
        atomic_store(&J->failed, 1);
        (void)mysql_rollback(my);
    }
    writer_free(&w);
}

static int write_neighbours(lyre_db **dbs, int ndbs, const char *head, const model *md, const uint32_t *raw,
                            unsigned model_id, const train_opts *o, progress *pr, const char *phase)
{
    writejob J;
    memset(&J, 0, sizeof J);
    J.dbs = dbs;
    J.n = ndbs;
    J.head = head;
    J.md = md;
    J.raw = raw;
    J.model_id = model_id;
    J.o = o;
    J.pr = pr;
    atomic_init(&J.done, 0);
    atomic_init(&J.failed, 0);
    progress_phase(pr, phase, md->sim.nrows);
    if (recs_parallel(ndbs, write_worker, &J) != 0)
        atomic_store(&J.failed, 1);
    progress_end(pr);
    return atomic_load(&J.failed) ? -1 : 0;
}

/* ------------------------------------------------------------ run */

static int delete_chunks(lyre_db *db, const char *sql, unsigned long long id)
{
    for (;;) {
        unsigned long long n = 0;
        if (db_exec(db, &n, NULL, sql, "u", id) != DB_OK) {
            fprintf(stderr, "lyre-train: deleting old model %llu: %s\n", id, db_last_error(db));
            return -1;
        }
        if (n == 0)
            return 0;
    }
}

/* Rows of an old model are deleted in windows of item ids (about
 * DELETE_CHUNK rows each, one statement and commit per window), the id
 * range shared out over the writers' connections.  Windows rather than
 * "LIMIT n" in a loop: each statement starts on fresh index entries instead
 * of stepping over the rows the previous ones delete-marked. */
typedef struct deljob {
    lyre_db **dbs;
    int n;
    const char *sql;             /* model_id = ? AND item >= ? AND item < ? */
    unsigned long long model_id, lo, hi, window;
    atomic_int failed;
} deljob;

static void delete_worker(void *arg, int wi)
{
    deljob *J = arg;
    unsigned long long span = J->hi - J->lo + 1;
    unsigned long long from = J->lo + span * (unsigned)wi / (unsigned)J->n;
    unsigned long long to = J->lo + span * (unsigned)(wi + 1) / (unsigned)J->n;
    for (unsigned long long a = from; a < to && !atomic_load(&J->failed); a += J->window) {
        unsigned long long b = a + J->window < to ? a + J->window : to;
        if (db_exec(J->dbs[wi], NULL, NULL, J->sql, "uuu", J->model_id, a, b) != DB_OK) {
            fprintf(stderr, "lyre-train: deleting old model %llu: %s\n", J->model_id, db_last_error(J->dbs[wi]));
            atomic_store(&J->failed, 1);
        }
    }
}

static int delete_rows(lyre_db **dbs, int ndbs, const char *range_sql, const char *delete_sql, unsigned long long id)
{
    arena a;
    db_result r;
    deljob J;
    int rc = -1;
    arena_init(&a, 1024);
    memset(&J, 0, sizeof J);
    if (db_query(dbs[0], &a, &r, range_sql, "u", id) != DB_OK) {
        fprintf(stderr, "lyre-train: %s\n", db_last_error(dbs[0]));
        goto cleanup;
    }
    long long rows = db_cell_ll(&r, 0, 2, 0);
    if (r.nrows != 1 || rows == 0) {
        rc = 0;
        goto cleanup;
    }
    J.dbs = dbs;
    J.n = ndbs;
    J.sql = delete_sql;
    J.model_id = id;
    J.lo = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    J.hi = (unsigned long long)db_cell_ll(&r, 0, 1, 0);
    J.window = (J.hi - J.lo + 1) * DELETE_CHUNK / (unsigned long long)rows;
    if (J.window < 1)
        J.window = 1;
    atomic_init(&J.failed, 0);
    if (recs_parallel(ndbs, delete_worker, &J) != 0)
        atomic_store(&J.failed, 1);
    rc = atomic_load(&J.failed) ? -1 : 0;
cleanup:
    arena_free(&a);
    return rc;
}

static int cleanup_old(lyre_db **dbs, int ndbs, unsigned long long current)
{
    lyre_db *db = dbs[0];
    arena a;
    db_result r;
    int rc = -1;
    arena_init(&a, 4096);
    /* a newer model is another run's (the lock makes that a crashed one, but leave it) */
    if (db_query(db, &a, &r, "SELECT id FROM rec_models WHERE id < ? ORDER BY id", "u", current) != DB_OK) {
        fprintf(stderr, "lyre-train: %s\n", db_last_error(db));
        goto cleanup;
    }
    for (size_t i = 0; i < r.nrows; i++) {
        unsigned long long id = (unsigned long long)db_cell_ll(&r, i, 0, 0);
        if (db_exec(db, NULL, NULL, "UPDATE rec_models SET state = 'retired' WHERE id = ?", "u", id) != DB_OK
            || delete_rows(dbs, ndbs, "SELECT MIN(track_id), MAX(track_id), COUNT(*) FROM rec_track_neighbors WHERE model_id = ?",
                           "DELETE FROM rec_track_neighbors WHERE model_id = ? AND track_id >= ? AND track_id < ?", id) != 0
            || delete_rows(dbs, ndbs, "SELECT MIN(artist_id), MAX(artist_id), COUNT(*) FROM rec_artist_neighbors WHERE model_id = ?",
                           "DELETE FROM rec_artist_neighbors WHERE model_id = ? AND artist_id >= ? AND artist_id < ?", id) != 0
            /* whatever the windows missed (none unless ids changed meanwhile) */
            || delete_chunks(db, "DELETE FROM rec_track_neighbors WHERE model_id = ? LIMIT 10000", id) != 0
            || delete_chunks(db, "DELETE FROM rec_artist_neighbors WHERE model_id = ? LIMIT 10000", id) != 0
            || db_exec(db, NULL, NULL, "DELETE FROM rec_models WHERE id = ? AND id <> (SELECT model_id FROM rec_current)",
                       "u", id) != DB_OK) {
            fprintf(stderr, "lyre-train: deleting old model %llu: %s\n", id, db_last_error(db));
            goto cleanup;
        }
    }
    rc = 0;
cleanup:
    arena_free(&a);
    return rc;
}

static int build_artist_matrix(reader *R, const csr *X, csr *A)
{
    triplets t = { 0 };
    int rc = -1;
    for (uint32_t u = 0; u < X->nrows; u++)
        for (size_t k = X->ptr[u]; k < X->ptr[u + 1]; k++) {
            uint32_t a = R->track_artist[X->idx[k]];
            if (a != UINT32_MAX && trip_add(&t, u, a, X->val[k]) != 0)
                goto cleanup;
        }
    for (size_t i = 0; i < R->artist_neg.n; i++)
        if (trip_add(&t, R->artist_neg.r[i], R->artist_neg.c[i], R->artist_neg.v[i]) != 0)
            goto cleanup;
    if (csr_from_triplets(A, &t, X->nrows, R->artists.n) != 0)
        goto cleanup;
    csr_prune(A, 0.0f);
    rc = 0;
cleanup:
    trip_free(&t);
    return rc;
}

int train_run(lyre_db *db, const train_opts *o, progress *pr)
{
    reader R;
    csr X = { 0 }, A = { 0 };
    model tm, am;
    arena ar;
    db_result r;
    unsigned long long model_id = 0;
    lyre_db *dbs[8] = { NULL };
    int ndbs = 1, locked = 0, rc = -1;
    char params[256], tdesc[96], adesc[96];
    memset(&R, 0, sizeof R);
    memset(&tm, 0, sizeof tm);
    memset(&am, 0, sizeof am);
    arena_init(&ar, 4096);
    R.db = db;
    R.o = o;
    R.pr = pr;

    if (db_query(db, &ar, &r, "SELECT GET_LOCK('lyre_train', 0)", "") != DB_OK) {
        fprintf(stderr, "lyre-train: database: %s\n", db_last_error(db));
        goto cleanup;
    }
    if (r.nrows != 1 || db_cell_ll(&r, 0, 0, 0) != 1) {
        fprintf(stderr, "lyre-train: another lyre-train is running\n");
        goto cleanup;
    }
    locked = 1;

    progress_phase(pr, "play events", 0);
    if (stream(&R, "play_events",
               "SELECT user_id, track_id, event + 0, UNIX_TIMESTAMP(NOW(3)) - UNIX_TIMESTAMP(created_at)"
               " FROM play_events WHERE user_id IS NOT NULL",
               on_event) != 0)
        goto cleanup;
    progress_end(pr);
    progress_phase(pr, "likes", 0);
    if (stream(&R, "track_likes", "SELECT user_id, track_id FROM track_likes", on_like) != 0
        || stream(&R, "track_dislikes", "SELECT user_id, track_id FROM track_dislikes", on_dislike) != 0)
        goto cleanup;
    progress_end(pr);
    if ((R.track_artist = malloc(((size_t)R.tracks.n + 1) * sizeof *R.track_artist)) == NULL)
        goto oom;
    for (uint32_t i = 0; i < R.tracks.n; i++)
        R.track_artist[i] = UINT32_MAX;
    progress_phase(pr, "artists", 0);
    if (stream(&R, "track_artists",
               "SELECT track_id, artist_id FROM track_artists WHERE role = 'main' ORDER BY track_id, position",
               on_track_artist) != 0
        || stream(&R, "artist_dislikes", "SELECT user_id, artist_id FROM artist_dislikes", on_artist_dislike) != 0)
        goto cleanup;
    progress_end(pr);

    progress_phase(pr, "matrix", 0);
    if (csr_from_triplets(&X, &R.cells, R.users.n, R.tracks.n) != 0)
        goto oom;
    trip_free(&R.cells);
    csr_prune(&X, 0.0f);
    if (build_artist_matrix(&R, &X, &A) != 0)
        goto oom;
    progress_end(pr);
    if (csr_nnz(&X) == 0) {
        /* a new site: keep whatever is current rather than switch to an empty model */
        if (!o->quiet)
            fprintf(stderr, "lyre-train: no play events or likes to learn from yet; the current model stays\n");
        rc = 0;
        goto cleanup;
    }

    if (model_fit(&tm, &o->track, &X, o->threads, pr) != 0 || model_fit(&am, &o->artist, &A, o->threads, pr) != 0)
        goto oom;
    model_describe(&o->track, tdesc, sizeof tdesc);
    model_describe(&o->artist, adesc, sizeof adesc);
    (void)snprintf(params, sizeof params, "tracks: %s; artists: %s; half-life %gd", tdesc, adesc, o->half_life_days);

    if (db_exec(db, NULL, &model_id, "INSERT INTO rec_models (algorithm, params, events_used, users_used, items_used, state)"
                " VALUES (?, ?, ?, ?, ?, 'building')", "ssuuu", model_name(o->track.kind), params, R.events,
                (unsigned long long)X.nrows, (unsigned long long)X.ncols) != DB_OK) {
        fprintf(stderr, "lyre-train: %s\n", db_last_error(db));
        goto cleanup;
    }
    /* one more connection per extra writer */
    dbs[0] = db;
    for (ndbs = 1; ndbs < o->writers && o->cfg != NULL; ndbs++) {
        if ((dbs[ndbs] = db_new(o->cfg)) == NULL || db_connect(dbs[ndbs]) != DB_OK) {
            fprintf(stderr, "lyre-train: database: %s\n", dbs[ndbs] ? db_last_error(dbs[ndbs]) : "out of memory");
            ndbs++;
            goto cleanup;
        }
    }
    if (write_neighbours(dbs, ndbs, "INSERT INTO rec_track_neighbors (model_id, track_id, rank, neighbor_id, score) VALUES ",
                         &tm, R.tracks.raw, (unsigned)model_id, o, pr, "track rows") != 0
        || write_neighbours(dbs, ndbs, "INSERT INTO rec_artist_neighbors (model_id, artist_id, rank, neighbor_id, score) VALUES ",
                            &am, R.artists.raw, (unsigned)model_id, o, pr, "artist rows") != 0)
        goto cleanup;

    /* the switch: readers see the old model or the whole new one */
    if (db_begin(db) != DB_OK
        || db_exec(db, NULL, NULL, "UPDATE rec_models SET state = 'ready', finished_at = NOW(3) WHERE id = ?", "u",
                   model_id) != DB_OK
        || db_exec(db, NULL, NULL, "INSERT INTO rec_current (one, model_id) VALUES (1, ?)"
                   " ON DUPLICATE KEY UPDATE model_id = VALUES(model_id), switched_at = NOW(3)", "u", model_id) != DB_OK
        || db_commit(db) != DB_OK) {
        fprintf(stderr, "lyre-train: switching to model %llu: %s\n", model_id, db_last_error(db));
        (void)db_rollback(db);
        goto cleanup;
    }
    if (!o->quiet)
        fprintf(stderr, "lyre-train: model %llu ready: %llu events, %u users, %u tracks, %u artists\n", model_id,
                R.events, X.nrows, X.ncols, A.ncols);
    if (!o->keep_old) {
        if (o->grace_seconds > 0)
            sleep((unsigned)o->grace_seconds);
        progress_phase(pr, "old models", 0);
        if (cleanup_old(dbs, ndbs, model_id) != 0)
            goto cleanup;
        progress_end(pr);
    }
    rc = 0;
    goto cleanup;
oom:
    fprintf(stderr, "lyre-train: out of memory\n");
cleanup:
    if (rc != 0 && model_id != 0) {
        /* a half-written model is never current: drop what was written */
        (void)delete_chunks(db, "DELETE FROM rec_track_neighbors WHERE model_id = ? LIMIT 10000", model_id);
        (void)delete_chunks(db, "DELETE FROM rec_artist_neighbors WHERE model_id = ? LIMIT 10000", model_id);
        (void)db_exec(db, NULL, NULL, "DELETE FROM rec_models WHERE id = ? AND state = 'building'", "u", model_id);
    }
    if (locked)
        (void)db_query(db, &ar, &r, "SELECT RELEASE_LOCK('lyre_train')", "");
    for (int i = 1; i < ndbs; i++)
        db_free(dbs[i]);
    model_free(&tm);
    model_free(&am);
    csr_free(&X);
    csr_free(&A);
    trip_free(&R.cells);
    trip_free(&R.artist_neg);
    free(R.track_artist);
    idmap_free(&R.users);
    idmap_free(&R.tracks);
    idmap_free(&R.artists);
    arena_free(&ar);
    return rc;
}

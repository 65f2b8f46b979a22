/* search_index.c — `lyre-admin search-index [--rebuild]`: the search index
 * of db/0009_search.sql, built from the catalog.
 *
 * Plays per track are counted again from play_events, then every artist
 * name, album title and track title (and public playlist name, vocabulary
 * only: playlists are searched live) is read as one stream, folded
 * (lib/fuzzy.h) and cut into words.  Words get ids here, so postings are
 * written while reading, as multi-row prepared INSERTs on a second
 * connection, into *_new tables that one RENAME TABLE swaps in at the end:
 * searches keep using the old index until the new one is whole.  Every run
 * is a full build; --rebuild is accepted for the operator's peace of mind.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


#include "admin.h"
#include "batch.h"
#include "fuzzy.h"

#define MAX_WORD 64          /* bytes; longer "words" are not worth a suggestion */
#define MAX_NAME_WORDS 32
#define BATCH_ROWS 1000

enum { KIND_ARTIST = 1, KIND_ALBUM = 2, KIND_TRACK = 3, KIND_PLAYLIST = 4 };

/* ------------------------------------------------------------ vocabulary */

typedef struct word_ent {
    char *word;
    unsigned id;
    unsigned freq;
} word_ent;

typedef struct vocab {
    word_ent *slots;
    size_t cap, n;
    arena strings;
} vocab;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;     /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static int vocab_grow(vocab *v)
{
    size_t cap = v->cap ? v->cap * 2 : 4096;
    word_ent *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < v->cap; i++) {
        if (v->slots[i].word == NULL)
            continue;
        size_t j = hash_bytes(v->slots[i].word, strlen(v->slots[i].word)) & (cap - 1);
        while (slots[j].word != NULL)
            j = (j + 1) & (cap - 1);
        slots[j] = v->slots[i];
    }
    free(v->slots);
    v->slots = slots;
    v->cap = cap;
    return 0;
}

/* The entry of word (n bytes), added with the next id when new; NULL: no memory. */
static word_ent *vocab_get(vocab *v, const char *w, size_t n)
{
    if ((v->n + 1) * 2 > v->cap && vocab_grow(v) != 0)
        return NULL;
    size_t j = hash_bytes(w, n) & (v->cap - 1);
    while (v->slots[j].word != NULL) {
        if (strncmp(v->slots[j].word, w, n) == 0 && v->slots[j].word[n] == '\0')
            return &v->slots[j];
        j = (j + 1) & (v->cap - 1);
    }
    v->slots[j].word = arena_strndup(&v->strings, w, n);
    v->slots[j].id = (unsigned)++v->n;
    v->slots[j].freq = 0;
    return &v->slots[j];
}

/* ------------------------------------------------------------ batches */

/* Add one row to b (tools/admin/batch.h): the values follow types, one
 * letter per column: "u" unsigned / "i" signed (long long), "s" string. */
static int batch_row(batch *b, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    for (unsigned c = 0; types[c]; c++) {
        if (types[c] == 's')
            set_s(b, c, va_arg(ap, const char *));
        else if (types[c] == 'u')
            set_u(b, c, (unsigned long long)va_arg(ap, long long));
        else
            set_i(b, c, va_arg(ap, long long));
    }
    va_end(ap);
    return batch_row_done(b);
}

/* ------------------------------------------------------------ build */

typedef struct build {
    admin_ctx *ctx;
    lyre_db *wdb;            /* second connection: writes while ctx->db streams */
    vocab v;
    batch postings;
    arena row;
    int tty;
    double last_draw;
    unsigned long long rows;
} build;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(build *B, const char *phase, int force)
{
    double t = now();
    if (!B->tty || (!force && t - B->last_draw < 0.2))
        return;
    B->last_draw = t;
    fprintf(stderr, "\r%s: search-index: %-9s %llu names, %zu words", B->ctx->prog, phase, B->rows, B->v.n);
    fflush(stderr);
}

/* Words of one name: counted in the vocabulary, and posted unless kind is a playlist. */
static int index_name(build *B, int kind, unsigned long long id, const char *name, long long pop)
{
    const char *f = fuzzy_fold(&B->row, name);
    const char *words[MAX_NAME_WORDS];
    size_t lens[MAX_NAME_WORDS], n = 0;
    while (*f && n < MAX_NAME_WORDS) {
        const char *e = strchr(f, ' ');
        size_t len = e ? (size_t)(e - f) : strlen(f);
        int seen = 0;
        for (size_t i = 0; i < n && !seen; i++)
            seen = lens[i] == len && memcmp(words[i], f, len) == 0;
        if (!seen && len <= MAX_WORD) {
            words[n] = f;
            lens[n++] = len;
        }
        f += len;
        while (*f == ' ')
            f++;
    }
    for (size_t i = 0; i < n; i++) {
        word_ent *w = vocab_get(&B->v, words[i], lens[i]);
        if (w == NULL) {
            admin_msg(B->ctx, "out of memory");
            return -1;
        }
        w->freq++;
        if (kind != KIND_PLAYLIST
            && batch_row(&B->postings, "uuuiu", (long long)w->id, (long long)kind, (long long)n,
                         -(pop > INT32_MAX ? (long long)INT32_MAX : pop), (long long)id) != 0)
            return -1;
    }
    return 0;
}

/* One row of an index_query: (id, name, popularity). */
typedef struct index_call {
    build *B;
    int kind;
    const char *phase;
} index_call;

static int index_row(void *ctx, char **r, size_t ncols)
{
    index_call *c = ctx;
    build *B = c->B;
    arena_reset(&B->row);
    if (ncols < 3 || r[0] == NULL || r[1] == NULL
        || index_name(B, c->kind, strtoull(r[0], NULL, 10), r[1], r[2] ? strtoll(r[2], NULL, 10) : 0) != 0)
        return -1;
    B->rows++;
    progress(B, c->phase, 0);
    return 0;
}

/* Stream (id, name, popularity) rows of sql through index_name.  sql is one
 * of the constant statements below: lib/db's db_query buffers whole results,
 * and a million names must stream (db_stream) instead. */
static int index_query(build *B, int kind, const char *phase, const char *sql)
{
    index_call c = { B, kind, phase };
    int stopped;
    if (db_stream(B->ctx->db, sql, index_row, &c, &stopped) == DB_OK)
        return 0;
    if (!stopped)
        admin_msg(B->ctx, "reading %s: %s", phase, db_last_error(B->ctx->db));
    return -1;
}

static int exec(build *B, lyre_db *db, const char *sql)
{
    if (db_exec(db, NULL, NULL, sql, "") == DB_OK)
        return 0;
    admin_msg(B->ctx, "%.60s: %s", sql, db_last_error(db));
    return -1;
}

/* The trigrams of " word ", bytes. */
static int add_trigrams(batch *t, const word_ent *w)
{
    char padded[MAX_WORD + 3];
    size_t n = strlen(w->word);
    if (n < 2)
        return 0;
    padded[0] = ' ';
    memcpy(padded + 1, w->word, n);
    padded[n + 1] = ' ';
    padded[n + 2] = '\0';
    for (size_t i = 0; i + 3 <= n + 2; i++) {
        char tri[4] = { padded[i], padded[i + 1], padded[i + 2], '\0' };
        if (batch_row(t, "su", tri, (long long)w->id) != 0)
            return -1;
    }
    return 0;
}

static int write_vocabulary(build *B)
{
    batch words, tris;
    int rc = -1;
    memset(&words, 0, sizeof words);
    memset(&tris, 0, sizeof tris);
    if (batch_init(&words, B->ctx, B->wdb, "INSERT INTO search_words_new (id, word, freq) VALUES ", "(?,?,?)", 3,
                   BATCH_ROWS) != 0
        || batch_init(&tris, B->ctx, B->wdb, "INSERT IGNORE INTO search_trigrams_new (trigram, word_id) VALUES ",
                      "(?,?)", 2, BATCH_ROWS) != 0)
        goto cleanup;
    for (size_t i = 0; i < B->v.cap; i++) {
        const word_ent *w = &B->v.slots[i];
        if (w->word == NULL)
            continue;
        if (batch_row(&words, "usu", (long long)w->id, w->word, (long long)w->freq) != 0
            || add_trigrams(&tris, w) != 0)
            goto cleanup;
    }
    if (batch_flush(&words) != 0 || batch_flush(&tris) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    batch_free(&words);
    batch_free(&tris);
    return rc;
}

static const char *const tables[] = { "search_words", "search_trigrams", "search_postings" };

int admin_search_index(admin_ctx *ctx, int argc, char **argv)
{
    build B;
    int status = ADMIN_FAIL;
    double t0 = now();
    char sql[512];
    db_result r;

    memset(&B, 0, sizeof B);
    B.ctx = ctx;
    arena_init(&B.v.strings, 64 * 1024);
    arena_init(&B.row, 4096);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rebuild") != 0) {
            admin_msg(ctx, "usage: search-index [--rebuild]");
            status = ADMIN_USAGE;
            goto cleanup;
        }
    }
    B.tty = isatty(2);
    if (admin_connect(ctx) != ADMIN_OK)
        goto cleanup;
    B.wdb = db_new(ctx->cfg);
    if (B.wdb == NULL || db_connect(B.wdb) != DB_OK) {
        admin_msg(ctx, "cannot open a second connection: %s", B.wdb ? db_last_error(B.wdb) : "out of memory");
        goto cleanup;
    }
    /* One builder at a time; a second waits, then builds again (cheap enough). */
    if (db_query(ctx->db, &B.row, &r, "SELECT GET_LOCK('lyre_search_index', 600)", "") != DB_OK
        || db_cell_ll(&r, 0, 0, 0) != 1) {
        admin_msg(ctx, "cannot take the search-index lock: %s", db_last_error(ctx->db));
        goto cleanup;
    }
    if (exec(&B, B.wdb, "CREATE TEMPORARY TABLE search_plays_tmp (track_id INT UNSIGNED NOT NULL PRIMARY KEY, "
                        "plays INT UNSIGNED NOT NULL) ENGINE=InnoDB") != 0
        || exec(&B, B.wdb, "INSERT INTO search_plays_tmp SELECT track_id, COUNT(DISTINCT play_id) "
                           "FROM play_events GROUP BY track_id") != 0
        || exec(&B, B.wdb, "START TRANSACTION") != 0 || exec(&B, B.wdb, "DELETE FROM track_plays") != 0
        || exec(&B, B.wdb, "INSERT INTO track_plays SELECT track_id, plays FROM search_plays_tmp") != 0
        || exec(&B, B.wdb, "COMMIT") != 0 || exec(&B, B.wdb, "DROP TEMPORARY TABLE search_plays_tmp") != 0)
        goto cleanup;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        if (snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s_new", tables[i]) >= (int)sizeof sql
            || exec(&B, B.wdb, sql) != 0
            || snprintf(sql, sizeof sql, "CREATE TABLE %s_new LIKE %s", tables[i], tables[i]) >= (int)sizeof sql
            || exec(&B, B.wdb, sql) != 0)
            goto cleanup;
    }
    if (batch_init(&B.postings, ctx, B.wdb,
                   "INSERT INTO search_postings_new (word_id, kind, nwords, unpop, item_id) VALUES ", "(?,?,?,?,?)",
                   5, BATCH_ROWS) != 0)
        goto cleanup;
    /* Popularity: plays of the track; of an album or artist, the sum over its tracks. */
    if (index_query(&B, KIND_ARTIST, "artists",
                    "SELECT ar.id, ar.name, x.plays FROM artists ar LEFT JOIN "
                    "(SELECT ta.artist_id, SUM(p.plays) AS plays FROM track_plays p "
                    " JOIN track_artists ta ON ta.track_id = p.track_id GROUP BY ta.artist_id) x "
                    "ON x.artist_id = ar.id") != 0
        || index_query(&B, KIND_ALBUM, "albums",
                       "SELECT al.id, al.title, x.plays FROM albums al LEFT JOIN "
                       "(SELECT t.album_id, SUM(p.plays) AS plays FROM track_plays p "
                       " JOIN tracks t ON t.id = p.track_id GROUP BY t.album_id) x ON x.album_id = al.id") != 0
        || index_query(&B, KIND_TRACK, "tracks",
                       "SELECT t.id, t.title, p.plays FROM tracks t LEFT JOIN track_plays p ON p.track_id = t.id "
                       "WHERE t.available = 1") != 0
        || index_query(&B, KIND_PLAYLIST, "playlists", "SELECT id, name, 0 FROM playlists WHERE is_public = 1") != 0
        || batch_flush(&B.postings) != 0)
        goto cleanup;
    progress(&B, "words", 1);
    if (write_vocabulary(&B) != 0)
        goto cleanup;
    if (exec(&B, B.wdb, "RENAME TABLE search_words TO search_words_old, search_words_new TO search_words, "
                        "search_trigrams TO search_trigrams_old, search_trigrams_new TO search_trigrams, "
                        "search_postings TO search_postings_old, search_postings_new TO search_postings") != 0
        || exec(&B, B.wdb, "DROP TABLE search_words_old, search_trigrams_old, search_postings_old") != 0
        /* Cached search pages (lib/pagecache.h) were drawn from the old index. */
        || exec(&B, B.wdb, "UPDATE catalog_state SET version = version + 1 WHERE id = 1") != 0)
        goto cleanup;
    if (db_query(B.wdb, &B.row, &r, "ANALYZE TABLE search_words, search_trigrams, search_postings, track_plays",
                 "") != DB_OK) {
        admin_msg(ctx, "cannot analyze the search tables: %s", db_last_error(B.wdb));
        goto cleanup;
    }
    if (B.tty)
        fputc('\n', stderr);
    admin_msg(ctx, "search-index: %llu names, %zu words, %llu postings in %.1f s", B.rows, B.v.n,
              B.postings.total, now() - t0);
    status = ADMIN_OK;
cleanup:
    if (status != ADMIN_OK && B.tty && B.rows > 0)
        fputc('\n', stderr);
    batch_free(&B.postings);
    if (B.wdb != NULL)
        db_free(B.wdb);
    free(B.v.slots);
    arena_free(&B.v.strings);
    arena_free(&B.row);
    return status;
}

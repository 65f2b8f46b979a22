/* cgi/subsonic/search.c — search2 and search3 over the catalog's search
 * index (db/0009_search.sql, built by `lyre-admin search-index`): query
 * words folded like the web search (lib/fuzzy.h), the last one completed
 * as a prefix (apps search as you type), names holding every word, fewest
 * words first, then most played: the order of search_postings' key, so an
 * offset pages stably.
 *
 * An empty query ("" or "\"\"") matches everything, ordered by id: how
 * offline-sync clients page through the whole library.  The ids come from
 * narrow indexes (db/0014) and only the page's rows are read. */
#include "subsonic.h"

#include <string.h>

#include "fuzzy.h"

#define MAX_TERMS 4
/* Postings of the rarest word read for a query of several words: bounds
 * the time of a query whose words are all common (as the web search's
 * page, cgi/catalog/search.h: names beyond the first postings of the
 * rarest word, when every word is common, are not found). */
#define SCAN_LIMIT 2000LL

typedef struct page {
    long count, offset;
} page;

typedef struct terms {
    size_t n;
    long long ids[MAX_TERMS];   /* rarest first */
} terms;

/* 1 when q asks for everything. */
static int query_empty(const char *q)
{
    for (; *q; q++)
        if (*q != '"' && *q != ' ' && *q != '*')
            return 0;
    return 1;
}

/* The query's words as vocabulary ids; t->n = 0 when some word is in no
 * name (nothing can match).  DB_OK or a database error. */
static db_status resolve(sub_ctx *s, const char *q, terms *t, int *nomatch)
{
    arena *a = s->req->a;
    const char *f = fuzzy_fold(a, q);
    const char *words[MAX_TERMS];
    size_t n = 0;
    while (*f && n < MAX_TERMS) {
        const char *e = strchr(f, ' ');
        size_t len = e ? (size_t)(e - f) : strlen(f);
        int seen = 0;
        for (size_t i = 0; i < n; i++)
            seen |= strlen(words[i]) == len && memcmp(words[i], f, len) == 0;
        if (!seen)
            words[n++] = arena_strndup(a, f, len);
        f += len;
        while (*f == ' ')
            f++;
    }
    *nomatch = n == 0;
    t->n = 0;
    if (n == 0)
        return DB_OK;
    size_t qlen = strlen(q);
    int typing = q[qlen - 1] != ' ' && q[qlen - 1] != '"';
    long long freq[MAX_TERMS];
    for (size_t i = 0; i < n; i++) {
        db_result r;
        db_status st = db_query(s->req->db, a, &r, "SELECT id, freq FROM search_words WHERE word = ?", "s", words[i]);
        if (st == DB_OK && r.nrows == 0 && i + 1 == n && typing)
            /* Folded words hold no '%', '_' or '\\': a plain prefix, an index range. */
            st = db_query(s->req->db, a, &r,
                          "SELECT id, freq FROM search_words WHERE word LIKE CONCAT(?, '%') "
                          "ORDER BY freq DESC, word LIMIT 1", "s", words[i]);
        if (st != DB_OK)
            return st;
        if (r.nrows == 0) {
            *nomatch = 1;
            return DB_OK;
        }
        t->ids[i] = db_cell_ll(&r, 0, 0, 0);
        freq[i] = db_cell_ll(&r, 0, 1, 0);
    }
    /* The rarest word drives the scan. */
    size_t rare = 0;
    for (size_t i = 1; i < n; i++)
        if (freq[i] < freq[rare])
            rare = i;
    long long tmp = t->ids[0];
    t->ids[0] = t->ids[rare];
    t->ids[rare] = tmp;
    t->n = n;
    return DB_OK;
}

/* The candidate ids of one kind for a page, as derived table m. */
#define CAND1(kind) \
    "(SELECT item_id, nwords, unpop FROM search_postings WHERE word_id = ? AND kind = " kind \
    " ORDER BY nwords, unpop, item_id LIMIT ? OFFSET ?) m "
#define EXISTS \
    " AND EXISTS (SELECT 1 FROM search_postings q WHERE q.word_id = ? AND q.kind = p.kind" \
    " AND q.nwords = p.nwords AND q.unpop = p.unpop AND q.item_id = p.item_id)"
#define CANDN(kind, exists) \
    "(SELECT p.item_id, p.nwords, p.unpop FROM " \
    "(SELECT kind, nwords, unpop, item_id FROM search_postings WHERE word_id = ? AND kind = " kind \
    " ORDER BY nwords, unpop, item_id LIMIT ?) p WHERE 1" exists \
    " ORDER BY p.nwords, p.unpop, p.item_id LIMIT ? OFFSET ?) m "
/* The candidates for 1 to 4 words, as the FROM of a query: HEAD FROM ... TAIL. */
#define CANDS(head, kind, tail) \
    { head CAND1(kind) tail, head CANDN(kind, EXISTS) tail, head CANDN(kind, EXISTS EXISTS) tail, \
      head CANDN(kind, EXISTS EXISTS EXISTS) tail }

/* Run sql[n - 1] for n words: (word, count, offset, user) for one; (word,
 * scan, the other words, count, offset, user) for more. */
static db_status run_terms(sub_ctx *s, db_result *r, const char *const sql[MAX_TERMS], const terms *t, const page *p)
{
    long long n = p->count, off = p->offset;
    const long long *w = t->ids;
    lyre_db *db = s->req->db;
    arena *a = s->req->a;
    switch (t->n) {
    case 1:
        return db_query(db, a, r, sql[0], "iiiu", w[0], n, off, s->user.id);
    case 2:
        return db_query(db, a, r, sql[1], "iiiiiu", w[0], SCAN_LIMIT, w[1], n, off, s->user.id);
    case 3:
        return db_query(db, a, r, sql[2], "iiiiiiu", w[0], SCAN_LIMIT, w[1], w[2], n, off, s->user.id);
    default:
        return db_query(db, a, r, sql[3], "iiiiiiiu", w[0], SCAN_LIMIT, w[1], w[2], w[3], n, off, s->user.id);
    }
}

static db_status artists(sub_ctx *s, db_result *r, const terms *t, int all, const page *p)
{
    if (all)
        return db_query(s->req->db, s->req->a, r,
            "SELECT " SUB_ARTIST_COLS " FROM (SELECT id FROM artists ORDER BY id LIMIT ? OFFSET ?) x "
            "JOIN artists ar ON ar.id = x.id " SUB_ARTIST_JOINS "ORDER BY ar.id",
            "iiu", (long long)p->count, (long long)p->offset, s->user.id);
    static const char *const sql[MAX_TERMS] = CANDS("SELECT " SUB_ARTIST_COLS " FROM ", "1",
        "JOIN artists ar ON ar.id = m.item_id " SUB_ARTIST_JOINS "ORDER BY m.nwords, m.unpop, m.item_id");
    return run_terms(s, r, sql, t, p);
}

static db_status albums(sub_ctx *s, db_result *r, const terms *t, int all, const page *p)
{
    if (all)
        return db_query(s->req->db, s->req->a, r,
            "SELECT " SUB_ALBUM_COLS " FROM (SELECT id FROM albums ORDER BY id LIMIT ? OFFSET ?) x "
            "JOIN albums al ON al.id = x.id " SUB_ALBUM_JOINS "ORDER BY al.id",
            "iiu", (long long)p->count, (long long)p->offset, s->user.id);
    static const char *const sql[MAX_TERMS] = CANDS("SELECT " SUB_ALBUM_COLS " FROM ", "2",
        "JOIN albums al ON al.id = m.item_id " SUB_ALBUM_JOINS "ORDER BY m.nwords, m.unpop, m.item_id");
    return run_terms(s, r, sql, t, p);
}

/* Offline sync pages through every song by offset.  An OFFSET costs a scan
 * of everything before it, so each worker remembers where the pages it has
 * served ended (offset -> last id) and starts the next page's scan there:
 * a sync costs one page per request instead of the whole library so far.
 * Forgotten when the catalog version (db/0004) moves. */
#define CHECKPOINTS 512
static struct {
    long long version;
    size_t n, next;
    struct { long off; unsigned long long id; } cp[CHECKPOINTS];
} sync_cp;

static db_status all_songs(sub_ctx *s, db_result *r, const page *p)
{
    long long version = sub_catalog_version(s);
    if (version != sync_cp.version) {
        sync_cp.version = version;
        sync_cp.n = sync_cp.next = 0;
    }
    long base = 0;
    unsigned long long after = 0;
    for (size_t i = 0; i < sync_cp.n; i++)
        if (sync_cp.cp[i].off <= p->offset && sync_cp.cp[i].off > base) {
            base = sync_cp.cp[i].off;
            after = sync_cp.cp[i].id;
        }
    db_status st = db_query(s->req->db, s->req->a, r,
        "SELECT " SUB_SONG_COLS " FROM (SELECT id FROM tracks WHERE available = 1 AND id > ? ORDER BY id "
        "LIMIT ? OFFSET ?) x JOIN tracks t ON t.id = x.id " SUB_SONG_JOINS "ORDER BY t.id",
        "uiiu", after, (long long)p->count, (long long)(p->offset - base), s->user.id);
    if (st != DB_OK || r->nrows == 0 || version < 0)
        return st;
    long end = p->offset + (long)r->nrows;
    for (size_t i = 0; i < sync_cp.n; i++)
        if (sync_cp.cp[i].off == end)
            return st;
    size_t slot = sync_cp.n < CHECKPOINTS ? sync_cp.n++ : (sync_cp.next++ % CHECKPOINTS);
    sync_cp.cp[slot].off = end;
    sync_cp.cp[slot].id = (unsigned long long)db_cell_ll(r, r->nrows - 1, 0, 0);
    return st;
}

static db_status songs(sub_ctx *s, db_result *r, const terms *t, int all, const page *p)
{
    if (all)
        return all_songs(s, r, p);
    static const char *const sql[MAX_TERMS] = CANDS("SELECT " SUB_SONG_COLS " FROM ", "3",
        "JOIN tracks t ON t.id = m.item_id AND t.available = 1 " SUB_SONG_JOINS
        "ORDER BY m.nwords, m.unpop, m.item_id");
    return run_terms(s, r, sql, t, p);
}

static int params(sub_ctx *s, const char *kind, page *p)
{
    char cn[24], on[24];
    int ok = snprintf(cn, sizeof cn, "%sCount", kind) < (int)sizeof cn &&
             snprintf(on, sizeof on, "%sOffset", kind) < (int)sizeof on;
    if (!ok || sub_param_count(s, arena_strdup(s->req->a, cn), 20, 500, &p->count) != 0 ||
        sub_param_long(s, arena_strdup(s->req->a, on), 0, 0, 100000000L, &p->offset) != 0)
        return SUB_FAILED;
    return 0;
}

static int search(sub_ctx *s, int v3)
{
    const char *q;
    page pa, pb, ps;
    long folder;
    if (sub_param_str(s, "query", &q) != 0 || params(s, "artist", &pa) != 0 || params(s, "album", &pb) != 0 ||
        params(s, "song", &ps) != 0 ||
        sub_param_long(s, "musicFolderId", 1, -2147483647L, 2147483647L, &folder) != 0)
        return SUB_FAILED;
    sub_node *res = sub_obj(s->root, v3 ? "searchResult3" : "searchResult2");
    if (folder != 1)
        return SUB_OK;
    int all = query_empty(q), nomatch = 0;
    terms t = { 0, { 0 } };
    db_status st = DB_OK;
    if (!all) {
        st = resolve(s, q, &t, &nomatch);
        if (st != DB_OK)
            return sub_db_fail(s, st);
        if (nomatch)
            return SUB_OK;
    }
    db_result ra = { 0 }, rb = { 0 }, rs = { 0 };
    if (pa.count > 0)
        st = artists(s, &ra, &t, all, &pa);
    if (st == DB_OK && pb.count > 0)
        st = albums(s, &rb, &t, all, &pb);
    if (st == DB_OK && ps.count > 0)
        st = songs(s, &rs, &t, all, &ps);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    /* The schema's order: artists, albums, songs. */
    for (size_t i = 0; i < ra.nrows; i++) {
        if (v3) {
            sub_artist(s, res, "artist", &ra, i, 0);
        } else {
            sub_node *a = sub_item(res, "artist");
            sub_attr(a, "id", arena_printf(s->req->a, "ar-%s", db_cell(&ra, i, 0)));
            sub_attr(a, "name", db_cell(&ra, i, 1));
            sub_attr_time(a, "starred", db_cell(&ra, i, 3));
        }
    }
    for (size_t i = 0; i < rb.nrows; i++) {
        if (v3)
            sub_album(s, res, "album", &rb, i, 0);
        else
            sub_album_dir(s, res, "album", &rb, i, 0);
    }
    for (size_t i = 0; i < rs.nrows; i++)
        sub_song(s, res, "song", &rs, i, 0);
    return SUB_OK;
}

int sub_search2(sub_ctx *s)
{
    return search(s, 0);
}

int sub_search3(sub_ctx *s)
{
    return search(s, 1);
}

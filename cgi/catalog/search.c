/* search.c — GET /search?q=…: artists, albums, songs and public playlists
 * holding every word of the query, grouped by kind.
 *
 * Words are folded (lib/fuzzy.h), so case and accents never matter, and
 * looked up in the vocabulary of db/0009_search.sql: a word that is not
 * there (or is rare while a near word is common) is replaced by its nearest
 * vocabulary word, and the page says "Showing results for …"; a word with
 * no near word matches nothing.  Artists,
 * albums and songs come from search_postings, ranked as search.h explains;
 * public playlists change all the time, so they are searched live with the
 * FULLTEXT index of playlists.  When the vocabulary knows nothing of a word
 * and the index is empty (before the first `lyre-admin search-index`), the
 * FULLTEXT indexes of the catalog answer instead.  Only then: sorting
 * FULLTEXT matches by relevance takes 0.4 s for a common word of 1M titles.
 * The page depends on the URL and the catalog only (ROUTE_CACHE).
 */
#include "search.h"

#include <string.h>

#include "fuzzy.h"

#define SEARCH_MAX_QUERY_BYTES 256
#define TYPO_TRIGRAMS 12
#define TYPO_MAX_BYTES 32

size_t search_split(arena *a, const char *q, const char **words, size_t max)
{
    const char *f = fuzzy_fold(a, q);
    size_t n = 0;
    while (*f && n < max) {
        const char *e = strchr(f, ' ');
        size_t len = e ? (size_t)(e - f) : strlen(f);
        int seen = 0;
        for (size_t i = 0; i < n && !seen; i++)
            seen = strlen(words[i]) == len && memcmp(words[i], f, len) == 0;
        if (!seen)
            words[n++] = arena_strndup(a, f, len);
        f += len;
        while (*f == ' ')
            f++;
    }
    return n;
}

db_status search_completions(lyre_req *req, const char *prefix, long long n, db_result *out)
{
    /* Folded words hold no '%', '_' or '\\': the pattern is a plain prefix,
     * an index range on the binary-ordered word. */
    return db_query(req->db, req->a, out,
        "SELECT id, word, freq FROM search_words WHERE word LIKE CONCAT(?, '%') ORDER BY freq DESC, word LIMIT ?",
        "si", prefix, n);
}

/* The nearest vocabulary word to t->typed, into best (id, word, freq); 0 if none. */
static db_status nearest_word(lyre_req *req, const char *typed, long long *id, const char **word, long long *freq)
{
    size_t len = strlen(typed);
    int max = len <= 4 ? 1 : 2;
    const char *tri[TYPO_TRIGRAMS];
    char padded[TYPO_MAX_BYTES + 3];
    size_t ntri = 0;
    db_result r;

    *id = 0;
    if (len < 3 || len > TYPO_MAX_BYTES)
        return DB_OK;
    padded[0] = ' ';
    memcpy(padded + 1, typed, len);
    padded[len + 1] = ' ';
    for (size_t i = 0; i + 3 <= len + 2 && ntri < TYPO_TRIGRAMS; i++)
        tri[ntri++] = arena_strndup(req->a, padded + i, 3);
    for (size_t i = ntri; i < TYPO_TRIGRAMS; i++)
        tri[i] = tri[0];                    /* IN () is a set: repeats change nothing */
    db_status st = db_query(req->db, req->a, &r,
        "SELECT w.id, w.word, w.freq, COUNT(*) AS shared FROM search_trigrams t "
        "JOIN search_words w ON w.id = t.word_id "
        "WHERE t.trigram IN (?,?,?,?,?,?,?,?,?,?,?,?) AND LENGTH(w.word) BETWEEN ? AND ? "
        "GROUP BY w.id, w.word, w.freq HAVING shared >= 2 ORDER BY shared DESC, w.freq DESC LIMIT 50",
        "ssssssssssssii", tri[0], tri[1], tri[2], tri[3], tri[4], tri[5], tri[6], tri[7], tri[8], tri[9],
        tri[10], tri[11], (long long)len - max, (long long)len + max);
    if (st != DB_OK)
        return st;
    int best_d = max + 1;
    for (size_t i = 0; i < r.nrows; i++) {
        const char *w = db_cell(&r, i, 1);
        long long f = db_cell_ll(&r, i, 2, 0);
        int d = w ? fuzzy_distance(typed, w, max) : max + 1;
        if (d > max || d == 0)
            continue;
        if (d < best_d || (d == best_d && f > *freq)) {
            best_d = d;
            *id = db_cell_ll(&r, i, 0, 0);
            *word = w;
            *freq = f;
        }
    }
    return DB_OK;
}

db_status search_resolve(lyre_req *req, search_term *t, int prefix)
{
    db_result r;
    long long id = 0, freq = 0;
    const char *word = NULL;

    t->word = NULL;
    t->id = t->freq = 0;
    db_status st = db_query(req->db, req->a, &r, "SELECT id, freq FROM search_words WHERE word = ?", "s", t->typed);
    if (st != DB_OK)
        return st;
    if (r.nrows) {
        t->word = t->typed;
        t->id = db_cell_ll(&r, 0, 0, 0);
        t->freq = db_cell_ll(&r, 0, 1, 0);
        if (t->freq > 2)
            return DB_OK;
    } else if (prefix && strlen(t->typed) >= 2) {
        if ((st = search_completions(req, t->typed, 1, &r)) != DB_OK)
            return st;
        if (r.nrows) {
            t->id = db_cell_ll(&r, 0, 0, 0);
            t->word = db_cell(&r, 0, 1);
            t->freq = db_cell_ll(&r, 0, 2, 0);
            return DB_OK;
        }
    }
    if ((st = nearest_word(req, t->typed, &id, &word, &freq)) != DB_OK)
        return st;
    if (id && (t->id == 0 || freq >= 10 * t->freq)) {
        t->id = id;
        t->word = word;
        t->freq = freq;
    }
    return DB_OK;
}

int search_term_ids(search_term *terms, size_t n, long long ids[SEARCH_MAX_TERMS])
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (terms[i].id == 0)
            return 0;
    size_t rarest = 0;
    for (size_t i = 1; i < n; i++)
        if (terms[i].freq < terms[rarest].freq)
            rarest = i;
    search_term tmp = terms[0];
    terms[0] = terms[rarest];
    terms[rarest] = tmp;
    for (size_t i = 0; i < SEARCH_MAX_TERMS; i++)
        ids[i] = i < n ? terms[i].id : terms[0].id;
    return 1;
}

/* "+w1* +w2*" for a boolean-mode FULLTEXT search: folded words hold no
 * operator; words of one byte are below the index's token size. */
static const char *boolean_query(arena *a, const char *const *words, size_t n)
{
    strbuf b = STRBUF_INIT;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (strlen(words[i]) < 2)
            continue;
        sb_addf(&b, "%s+%s*", used++ ? " " : "", words[i]);
    }
    const char *out = used ? arena_strndup(a, b.buf, b.len) : NULL;
    sb_free(&b);
    return out;
}

typedef struct results {
    db_result artists, albums, tracks, playlists;
} results;

db_status search_query(lyre_req *req, db_result *out, const char *const sql[2], size_t nterms,
                       const long long ids[SEARCH_MAX_TERMS], long long scan, long long limit)
{
    if (nterms <= 1)
        return db_query(req->db, req->a, out, sql[0], "idi", ids[0], 1.0, limit);
    return db_query(req->db, req->a, out, sql[1], "iiiiidi", ids[0], scan, ids[1], ids[2], ids[3],
                    (double)nterms, limit);
}

#define ARTISTS_SQL(cand) \
    "SELECT ar.id, ar.name FROM " cand " JOIN artists ar ON ar.id = m.item_id " \
    "ORDER BY " SEARCH_RANK " DESC, m.item_id LIMIT ?"
#define ALBUMS_SQL(cand) \
    "SELECT al.id, al.title, al.year, ar.id, ar.name, aw.sha256 FROM " cand \
    " JOIN albums al ON al.id = m.item_id JOIN artists ar ON ar.id = al.album_artist_id " \
    "LEFT JOIN artwork aw ON aw.id = al.artwork_id ORDER BY " SEARCH_RANK " DESC, m.item_id LIMIT ?"
#define TRACKS_SQL(cand) \
    "SELECT t.id, t.title, t.duration_ms, al.id, al.title, ar.id, ar.name FROM " cand \
    " JOIN tracks t ON t.id = m.item_id AND t.available = 1 " \
    "JOIN albums al ON al.id = t.album_id JOIN artists ar ON ar.id = al.album_artist_id " \
    "ORDER BY " SEARCH_RANK " DESC, m.item_id LIMIT ?"

static const char *const artists_sql[2] = {
    ARTISTS_SQL(SEARCH_CAND1(SEARCH_KIND_ARTIST)), ARTISTS_SQL(SEARCH_CAND(SEARCH_KIND_ARTIST)) };
static const char *const albums_sql[2] = {
    ALBUMS_SQL(SEARCH_CAND1(SEARCH_KIND_ALBUM)), ALBUMS_SQL(SEARCH_CAND(SEARCH_KIND_ALBUM)) };
static const char *const tracks_sql[2] = {
    TRACKS_SQL(SEARCH_CAND1(SEARCH_KIND_TRACK)), TRACKS_SQL(SEARCH_CAND(SEARCH_KIND_TRACK)) };

static db_status from_index(lyre_req *req, const long long ids[SEARCH_MAX_TERMS], size_t n, long long limit,
                            results *res)
{
    db_status st = search_query(req, &res->artists, artists_sql, n, ids, SEARCH_SCAN_PAGE, limit);
    if (st == DB_OK)
        st = search_query(req, &res->albums, albums_sql, n, ids, SEARCH_SCAN_PAGE, limit);
    if (st == DB_OK)
        st = search_query(req, &res->tracks, tracks_sql, n, ids, SEARCH_SCAN_PAGE, limit);
    return st;
}

/* Before the first search-index: FULLTEXT. */
static db_status from_fulltext(lyre_req *req, const char *match, long long limit, results *res)
{
    db_status st = db_query(req->db, req->a, &res->artists,
        "SELECT id, name FROM artists WHERE MATCH(name) AGAINST (? IN BOOLEAN MODE) "
        "ORDER BY MATCH(name) AGAINST (? IN BOOLEAN MODE) DESC, id LIMIT ?",
        "ssi", match, match, limit);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &res->albums,
            "SELECT al.id, al.title, al.year, ar.id, ar.name, aw.sha256 FROM "
            "(SELECT id, MATCH(title) AGAINST (? IN BOOLEAN MODE) AS score FROM albums "
            " WHERE MATCH(title) AGAINST (? IN BOOLEAN MODE) ORDER BY score DESC, id LIMIT ?) m "
            "JOIN albums al ON al.id = m.id JOIN artists ar ON ar.id = al.album_artist_id "
            "LEFT JOIN artwork aw ON aw.id = al.artwork_id ORDER BY m.score DESC, m.id",
            "ssi", match, match, limit);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &res->tracks,
            "SELECT t.id, t.title, t.duration_ms, al.id, al.title, ar.id, ar.name FROM "
            "(SELECT id, MATCH(title) AGAINST (? IN BOOLEAN MODE) AS score FROM tracks "
            " WHERE MATCH(title) AGAINST (? IN BOOLEAN MODE) AND available = 1 "
            " ORDER BY score DESC, id LIMIT ?) m "
            "JOIN tracks t ON t.id = m.id JOIN albums al ON al.id = t.album_id "
            "JOIN artists ar ON ar.id = al.album_artist_id ORDER BY m.score DESC, m.id",
            "ssi", match, match, limit);
    return st;
}

static db_status playlists(lyre_req *req, const char *match, long long limit, db_result *out)
{
    return db_query(req->db, req->a, out,
        "SELECT pl.id, pl.name, pl.track_count, COALESCE(NULLIF(u.display_name, ''), u.username) "
        "FROM playlists pl JOIN users u ON u.id = pl.owner_id "
        "WHERE MATCH(pl.name, pl.description) AGAINST (? IN BOOLEAN MODE) AND pl.is_public = 1 "
        "ORDER BY MATCH(pl.name, pl.description) AGAINST (? IN BOOLEAN MODE) DESC, pl.id LIMIT ?",
        "ssi", match, match, limit);
}

static void render_results(lyre_req *req, xmlNodePtr s, const results *res)
{
    if (res->artists.nrows) {
        xmlNodePtr list = view_elem(s, "artists");
        for (size_t i = 0; i < res->artists.nrows; i++) {
            xmlNodePtr ar = view_elem(list, "artist");
            view_attr(ar, "id", db_cell(&res->artists, i, 0));
            view_text(ar, "name", db_cell(&res->artists, i, 1));
        }
    }
    if (res->albums.nrows) {
        xmlNodePtr list = view_elem(s, "albums");
        for (size_t i = 0; i < res->albums.nrows; i++)
            add_album_row(req, list, &res->albums, i);
    }
    if (res->tracks.nrows) {
        xmlNodePtr list = view_elem(s, "tracks");
        for (size_t i = 0; i < res->tracks.nrows; i++) {
            const db_result *r = &res->tracks;
            xmlNodePtr t = view_elem(list, "track");
            view_attr(t, "id", db_cell(r, i, 0));
            view_text(t, "title", db_cell(r, i, 1));
            add_artist_ref(t, db_cell(r, i, 5), db_cell(r, i, 6));
            xmlNodePtr al = view_text(t, "album", db_cell(r, i, 4));
            view_attr(al, "id", db_cell(r, i, 3));
            add_duration(req, t, "duration", db_cell(r, i, 2));
        }
    }
    if (res->playlists.nrows) {
        xmlNodePtr list = view_elem(s, "playlists");
        for (size_t i = 0; i < res->playlists.nrows; i++) {
            const db_result *r = &res->playlists;
            xmlNodePtr p = view_elem(list, "playlist");
            view_attr(p, "id", db_cell(r, i, 0));
            view_text(p, "name", db_cell(r, i, 1));
            view_attr(p, "tracks", db_cell(r, i, 2));
            view_text(p, "owner", db_cell(r, i, 3));
        }
    }
}

/* Rows of add not yet in into (by the id in column 0), appended while into
 * holds fewer than limit rows (arena). */
static void merge_rows(arena *a, db_result *into, const db_result *add, long long limit)
{
    if (add->nrows == 0)
        return;
    if (into->nrows == 0) {
        *into = *add;
        if ((long long)into->nrows > limit)
            into->nrows = (size_t)limit;
        return;
    }
    size_t cols = into->ncols, rows = into->nrows;
    const char **cells = arena_calloc(a, (rows + add->nrows) * cols, sizeof *cells);
    unsigned long *lengths = arena_calloc(a, (rows + add->nrows) * cols, sizeof *lengths);
    memcpy(cells, into->cells, rows * cols * sizeof *cells);
    memcpy(lengths, into->lengths, rows * cols * sizeof *lengths);
    for (size_t r = 0; r < add->nrows && (long long)rows < limit; r++) {
        int seen = 0;
        for (size_t k = 0; k < rows && !seen; k++)
            seen = strcmp(cells[k * cols], add->cells[r * cols]) == 0;
        if (seen)
            continue;
        memcpy(cells + rows * cols, add->cells + r * cols, cols * sizeof *cells);
        memcpy(lengths + rows * cols, add->lengths + r * cols, cols * sizeof *lengths);
        rows++;
    }
    into->cells = cells;
    into->lengths = lengths;
    into->nrows = rows;
}

/* The last word of a query is also a prefix ("kravi" while typing "kravitz"):
 * besides its most frequent completion, search its next few and merge. */
#define SEARCH_PREFIX_WORDS 3

static db_status more_completions(lyre_req *req, search_term *terms, size_t n, long long limit, results *res)
{
    db_result more;
    search_term *last = &terms[n - 1];
    db_status st = search_completions(req, last->typed, SEARCH_PREFIX_WORDS, &more);
    for (size_t c = 0; st == DB_OK && c < more.nrows; c++) {
        long long id = db_cell_ll(&more, c, 0, 0), ids[SEARCH_MAX_TERMS];
        if (id == last->id)
            continue;   /* already searched */
        search_term copy[SEARCH_MAX_TERMS];
        memcpy(copy, terms, n * sizeof *terms);
        copy[n - 1].id = id;
        copy[n - 1].freq = db_cell_ll(&more, c, 2, 0);
        if (!search_term_ids(copy, n, ids))
            continue;
        results extra;
        memset(&extra, 0, sizeof extra);
        st = from_index(req, ids, n, limit, &extra);
        if (st == DB_OK) {
            merge_rows(req->a, &res->artists, &extra.artists, limit);
            merge_rows(req->a, &res->albums, &extra.albums, limit);
            merge_rows(req->a, &res->tracks, &extra.tracks, limit);
        }
    }
    return st;
}

lyre_err page_search(lyre_req *req)
{
    const char *q = http_query(req, "q");
    const char *typed[SEARCH_MAX_TERMS], *used[SEARCH_MAX_TERMS];
    search_term terms[SEARCH_MAX_TERMS];
    long long ids[SEARCH_MAX_TERMS];
    results res;
    int changed = 0;
    db_status st = DB_OK;

    memset(&res, 0, sizeof res);
    if (!q)
        q = "";
    if (strlen(q) > SEARCH_MAX_QUERY_BYTES) {
        req->error_detail = "The search text is too long.";
        return LYRE_ERR_BAD_REQUEST;
    }
    long long limit = req->cfg->search_limit;
    size_t n = search_split(req->a, q, typed, SEARCH_MAX_TERMS);
    int prefix = 0;
    for (size_t i = 0; i < n && st == DB_OK; i++) {
        terms[i].typed = typed[i];
        st = search_resolve(req, &terms[i], i + 1 == n);
        used[i] = terms[i].word ? terms[i].word : typed[i];
        /* A completion of the last word is not a correction. */
        if (i + 1 == n && terms[i].word && strcmp(terms[i].word, typed[i]) != 0 &&
            str_starts_with(terms[i].word, typed[i])) {
            prefix = 1;
            used[i] = typed[i];   /* playlists: FULLTEXT "typed*" */
        } else
            changed |= strcmp(used[i], typed[i]) != 0;
    }
    if (st == DB_OK && n) {
        const char *match = boolean_query(req->a, used, n);
        db_result empty;
        search_term saved[SEARCH_MAX_TERMS];
        memcpy(saved, terms, n * sizeof *terms);   /* search_term_ids reorders */
        if (search_term_ids(terms, n, ids)) {
            st = from_index(req, ids, n, limit, &res);
            if (st == DB_OK && prefix)
                st = more_completions(req, saved, n, limit, &res);
        }
        else if (match
                 && (st = db_query(req->db, req->a, &empty, "SELECT NOT EXISTS (SELECT 1 FROM search_words)", ""))
                        == DB_OK
                 && db_cell_ll(&empty, 0, 0, 0) == 1)
            st = from_fulltext(req, match, limit, &res);
        if (st == DB_OK && match)
            st = playlists(req, match, limit, &res.playlists);
    }
    if (st != DB_OK)
        return db_status_to_err(st);

    lyre_view *v = view_new("search", *q ? arena_printf(req->a, "Search: %s", q) : "Search");
    view_text(view_meta(v), "query", q);
    xmlNodePtr s = view_elem(view_content(v), "search");
    view_attr(s, "q", q);
    if (changed && (res.artists.nrows || res.albums.nrows || res.tracks.nrows || res.playlists.nrows)) {
        strbuf b = STRBUF_INIT;
        for (size_t i = 0; i < n; i++)
            sb_addf(&b, "%s%s", i ? " " : "", used[i]);
        view_attr(s, "corrected", b.buf ? b.buf : "");
        sb_free(&b);
    }
    render_results(req, s, &res);
    return app_render(req, v);
}

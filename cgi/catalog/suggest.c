/* suggest.c — GET /search/suggest?q=…: up to 8 artists, albums, public
 * playlists and songs for the search box while typing, as JSON:
 *   {"query": q, "suggestions": [{"kind", "id", "label", "sub", "url"}...]}
 *
 * Every finished word is looked up (or corrected) in the vocabulary; the
 * last word, still being typed, is completed by prefix (an index range on
 * search_words), or corrected when nothing starts with it.  Candidates come
 * from search_postings in rank order (search.h), a few index reads per
 * completion, never a scan of the catalog.  Public and cacheable for a
 * minute: the answer depends on the URL and the catalog only.
 */
#include "search.h"

#include <stdio.h>
#include <string.h>

#define SUGGEST_MAX_QUERY_BYTES 100
#define SUGGEST_MAX 8
#define SUGGEST_COMPLETIONS 3

typedef struct suggestion {
    const char *kind, *id, *label, *sub, *url;
} suggestion;

typedef struct suggest_list {
    suggestion items[SUGGEST_MAX];
    size_t n;
} suggest_list;

static void json_string(strbuf *b, const char *s)
{
    sb_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            sb_addf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
            sb_addf(b, "\\u%04x", *p);      /* never markup, even if sniffed as HTML */
        else
            sb_addc(b, (char)*p);
    }
    sb_addc(b, '"');
}

static int have(const suggest_list *l, const char *kind, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].kind, kind) == 0 && strcmp(l->items[i].id, id) == 0)
            return 1;
    return 0;
}

/* Rows (id, label, sub) of r as suggestions of kind, at most max more. */
static void add_rows(lyre_req *req, suggest_list *l, const char *kind, const char *path, const db_result *r,
                     size_t max, const char *sub_prefix)
{
    for (size_t i = 0; i < r->nrows && max > 0 && l->n < SUGGEST_MAX; i++) {
        const char *id = db_cell(r, i, 0);
        if (!id || have(l, kind, id))
            continue;
        suggestion *s = &l->items[l->n++];
        s->kind = kind;
        s->id = id;
        s->label = db_cell(r, i, 1);
        s->sub = sub_prefix ? arena_printf(req->a, "%s%s", sub_prefix, db_cell(r, i, 2) ? db_cell(r, i, 2) : "")
                            : db_cell(r, i, 2);
        s->url = arena_printf(req->a, "/%s/%s", path, id);
        max--;
    }
}

/* One statement for the three kinds: a round trip each would cost more
 * than the queries.  Columns: kind, id, label, sub. */
#define KINDS_SQL(artists, albums, tracks) \
    "(SELECT 'artist', ar.id, ar.name, 'Artist' FROM " artists " JOIN artists ar ON ar.id = m.item_id " \
    "ORDER BY " SEARCH_RANK " DESC, m.item_id LIMIT 3) UNION ALL " \
    "(SELECT 'album', al.id, al.title, ar.name FROM " albums " JOIN albums al ON al.id = m.item_id " \
    "JOIN artists ar ON ar.id = al.album_artist_id ORDER BY " SEARCH_RANK " DESC, m.item_id LIMIT 2) UNION ALL " \
    "(SELECT 'track', t.id, t.title, ar.name FROM " tracks " JOIN tracks t ON t.id = m.item_id AND t.available = 1 " \
    "JOIN albums al ON al.id = t.album_id JOIN artists ar ON ar.id = al.album_artist_id " \
    "ORDER BY " SEARCH_RANK " DESC, m.item_id LIMIT 4)"

static const char *const kinds_sql1 = KINDS_SQL(SEARCH_CAND1(SEARCH_KIND_ARTIST), SEARCH_CAND1(SEARCH_KIND_ALBUM),
                                                SEARCH_CAND1(SEARCH_KIND_TRACK));
static const char *const kinds_sql = KINDS_SQL(SEARCH_CAND(SEARCH_KIND_ARTIST), SEARCH_CAND(SEARCH_KIND_ALBUM),
                                               SEARCH_CAND(SEARCH_KIND_TRACK));

/* Suggestions for the terms (ids ready), kinds in the order a listener
 * most often means them. */
static db_status suggest_terms(lyre_req *req, suggest_list *l, const long long ids[SEARCH_MAX_TERMS], size_t n)
{
    db_result r;
    db_status st;
    const long long scan = SEARCH_SCAN_SUGGEST;
    const double d = (double)n;
    if (n <= 1)
        st = db_query(req->db, req->a, &r, kinds_sql1, "ididid", ids[0], 1.0, ids[0], 1.0, ids[0], 1.0);
    else
        st = db_query(req->db, req->a, &r, kinds_sql, "iiiiidiiiiidiiiiid",
                      ids[0], scan, ids[1], ids[2], ids[3], d, ids[0], scan, ids[1], ids[2], ids[3], d,
                      ids[0], scan, ids[1], ids[2], ids[3], d);
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < r.nrows && l->n < SUGGEST_MAX; i++) {
        const char *kind = db_cell(&r, i, 0), *id = db_cell(&r, i, 1), *sub = db_cell(&r, i, 3);
        if (!kind || !id || have(l, kind, id))
            continue;
        suggestion *s = &l->items[l->n++];
        s->kind = strcmp(kind, "artist") == 0 ? "artist" : strcmp(kind, "album") == 0 ? "album" : "track";
        s->id = id;
        s->label = db_cell(&r, i, 2);
        s->sub = s->kind[0] == 'a' && s->kind[1] == 'r' ? sub
               : arena_printf(req->a, "%s \xc2\xb7 %s", s->kind[1] == 'l' ? "Album" : "Song", sub ? sub : "");
        s->url = arena_printf(req->a, "/%s/%s", s->kind, id);
    }
    return DB_OK;
}

static db_status suggest_playlists(lyre_req *req, suggest_list *l, search_term *terms, size_t n)
{
    strbuf b = STRBUF_INIT;
    db_result r;
    db_status st = DB_OK;
    size_t used = 0;
    /* Whole vocabulary words (playlist names are in the vocabulary): an
     * exact FULLTEXT word is cheap where a short prefix is not. */
    for (size_t i = 0; i < n; i++) {
        if (terms[i].word == NULL) {
            used = 0;
            break;
        }
        if (strlen(terms[i].word) >= 2)
            sb_addf(&b, "%s+%s", used++ ? " " : "", terms[i].word);
    }
    if (used && l->n < SUGGEST_MAX) {
        st = db_query(req->db, req->a, &r,
            "SELECT pl.id, pl.name, COALESCE(NULLIF(u.display_name, ''), u.username) "
            "FROM playlists pl JOIN users u ON u.id = pl.owner_id "
            "WHERE MATCH(pl.name, pl.description) AGAINST (? IN BOOLEAN MODE) AND pl.is_public = 1 "
            "ORDER BY MATCH(pl.name, pl.description) AGAINST (? IN BOOLEAN MODE) DESC, pl.id LIMIT 2",
            "ss", b.buf, b.buf);
        if (st == DB_OK)
            add_rows(req, l, "playlist", "playlist", &r, 2, "Playlist \xc2\xb7 ");
    }
    sb_free(&b);
    return st;
}

lyre_err page_search_suggest(lyre_req *req)
{
    const char *q = http_query(req, "q");
    const char *typed[SEARCH_MAX_TERMS];
    search_term terms[SEARCH_MAX_TERMS];
    suggest_list l;
    db_status st = DB_OK;
    size_t n = 0;

    memset(&l, 0, sizeof l);
    if (!q)
        q = "";
    if (strlen(q) > SUGGEST_MAX_QUERY_BYTES) {
        req->error_detail = "The search text is too long.";
        return LYRE_ERR_BAD_REQUEST;
    }
    n = search_split(req->a, q, typed, SEARCH_MAX_TERMS);
    /* The last word is still being typed unless a space follows it. */
    size_t qlen = strlen(q);
    int typing = n > 0 && qlen > 0 && q[qlen - 1] != ' ';
    db_result comp = {0};
    for (size_t i = 0; i < n && st == DB_OK; i++) {
        terms[i].typed = typed[i];
        terms[i].word = NULL;
        terms[i].id = terms[i].freq = 0;
        if (i + 1 == n && typing)
            st = search_completions(req, typed[i], SUGGEST_COMPLETIONS, &comp);
        /* A finished word, or one nothing starts with: as it is, or corrected. */
        if (st == DB_OK && !(i + 1 == n && comp.nrows))
            st = search_resolve(req, &terms[i], 0);
    }
    if (st == DB_OK && n > 0) {
        /* Each completion of the last word (or the word itself, or its
         * correction), until the list is full. */
        size_t ncand = comp.nrows ? comp.nrows : 1;
        for (size_t c = 0; c < ncand && st == DB_OK && l.n < SUGGEST_MAX; c++) {
            search_term t[SEARCH_MAX_TERMS];
            long long ids[SEARCH_MAX_TERMS];
            memcpy(t, terms, n * sizeof t[0]);
            if (comp.nrows) {
                t[n - 1].id = db_cell_ll(&comp, c, 0, 0);
                t[n - 1].word = db_cell(&comp, c, 1);
                t[n - 1].freq = db_cell_ll(&comp, c, 2, 0);
            }
            if (search_term_ids(t, n, ids))
                st = suggest_terms(req, &l, ids, n);
        }
        if (st == DB_OK) {
            if (comp.nrows)
                terms[n - 1].word = db_cell(&comp, 0, 1);
            st = suggest_playlists(req, &l, terms, n);
        }
    }
    if (st != DB_OK)
        return db_status_to_err(st);

    strbuf *out = &req->body_out;
    sb_adds(out, "{\"query\":");
    json_string(out, q);
    sb_adds(out, ",\"suggestions\":[");
    for (size_t i = 0; i < l.n; i++) {
        const suggestion *s = &l.items[i];
        sb_adds(out, i ? ",{\"kind\":" : "{\"kind\":");
        json_string(out, s->kind);
        sb_addf(out, ",\"id\":%s,\"label\":", s->id);
        json_string(out, s->label);
        sb_adds(out, ",\"sub\":");
        json_string(out, s->sub);
        sb_adds(out, ",\"url\":");
        json_string(out, s->url);
        sb_addc(out, '}');
    }
    sb_adds(out, "]}\n");
    req->content_type = "application/json";
    http_set_header(req, "Cache-Control", "public, max-age=60");
    return LYRE_OK;
}

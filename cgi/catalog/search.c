/* search.c — GET /search?q=…: artists, albums and tracks matching every
 * word of the query as a prefix (MariaDB FULLTEXT, boolean mode). */
#include "catalog.h"

#include <string.h>

#define SEARCH_MAX_QUERY_BYTES 256
#define SEARCH_MAX_WORDS 8

static int is_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* "Beat it!" -> "+Beat* +it*".  Every byte that could be a boolean-mode
 * operator is a separator, so user input is only ever words.  Words of one
 * byte are below the index's token size and would match nothing. */
static const char *boolean_query(arena *a, const char *q)
{
    strbuf b = STRBUF_INIT;
    size_t words = 0;
    const unsigned char *p = (const unsigned char *)q;
    while (*p && words < SEARCH_MAX_WORDS) {
        while (*p && !is_word_byte(*p))
            p++;
        const unsigned char *start = p;
        while (*p && is_word_byte(*p))
            p++;
        size_t len = (size_t)(p - start);
        if (len >= 2) {
            sb_addf(&b, "%s+%.*s*", words ? " " : "", (int)len, (const char *)start);
            words++;
        }
    }
    const char *out = words ? arena_strndup(a, b.buf, b.len) : NULL;
    sb_free(&b);
    return out;
}

lyre_err page_search(lyre_req *req)
{
    const char *q = http_query(req, "q");
    if (!q)
        q = "";
    if (strlen(q) > SEARCH_MAX_QUERY_BYTES) {
        req->error_detail = "The search text is too long.";
        return LYRE_ERR_BAD_REQUEST;
    }
    const char *match = boolean_query(req->a, q);
    long long limit = req->cfg->search_limit;
    db_result artists = {0}, albums = {0}, tracks = {0};
    if (match) {
        /* Rank ids alone, then join the few that are shown: joining every
         * match before sorting cost twice as much for a common prefix. */
        db_status st = db_query(req->db, req->a, &artists,
            "SELECT id, name FROM artists WHERE MATCH(name) AGAINST (? IN BOOLEAN MODE) "
            "ORDER BY MATCH(name) AGAINST (? IN BOOLEAN MODE) DESC, id LIMIT ?",
            "ssi", match, match, limit);
        if (st == DB_OK)
            st = db_query(req->db, req->a, &albums,
                "SELECT al.id, al.title, al.year, ar.id, ar.name, aw.sha256 FROM "
                "(SELECT id, MATCH(title) AGAINST (? IN BOOLEAN MODE) AS score FROM albums "
                " WHERE MATCH(title) AGAINST (? IN BOOLEAN MODE) ORDER BY score DESC, id LIMIT ?) m "
                "JOIN albums al ON al.id = m.id JOIN artists ar ON ar.id = al.album_artist_id "
                "LEFT JOIN artwork aw ON aw.id = al.artwork_id ORDER BY m.score DESC, m.id",
                "ssi", match, match, limit);
        if (st == DB_OK)
            st = db_query(req->db, req->a, &tracks,
                "SELECT t.id, t.title, t.duration_ms, al.id, al.title, ar.id, ar.name FROM "
                "(SELECT id, MATCH(title) AGAINST (? IN BOOLEAN MODE) AS score FROM tracks "
                " WHERE MATCH(title) AGAINST (? IN BOOLEAN MODE) AND available = 1 "
                " ORDER BY score DESC, id LIMIT ?) m "
                "JOIN tracks t ON t.id = m.id JOIN albums al ON al.id = t.album_id "
                "JOIN artists ar ON ar.id = al.album_artist_id ORDER BY m.score DESC, m.id",
                "ssi", match, match, limit);
        if (st != DB_OK)
            return db_status_to_err(st);
    }

    lyre_view *v = view_new("search", *q ? arena_printf(req->a, "Search: %s", q) : "Search");
    view_text(view_meta(v), "query", q);
    xmlNodePtr s = view_elem(view_content(v), "search");
    view_attr(s, "q", q);
    if (artists.nrows) {
        xmlNodePtr list = view_elem(s, "artists");
        for (size_t i = 0; i < artists.nrows; i++) {
            xmlNodePtr ar = view_elem(list, "artist");
            view_attr(ar, "id", db_cell(&artists, i, 0));
            view_text(ar, "name", db_cell(&artists, i, 1));
        }
    }
    if (albums.nrows) {
        xmlNodePtr list = view_elem(s, "albums");
        for (size_t i = 0; i < albums.nrows; i++)
            add_album_row(req, list, &albums, i);
    }
    if (tracks.nrows) {
        xmlNodePtr list = view_elem(s, "tracks");
        for (size_t i = 0; i < tracks.nrows; i++) {
            xmlNodePtr t = view_elem(list, "track");
            view_attr(t, "id", db_cell(&tracks, i, 0));
            view_text(t, "title", db_cell(&tracks, i, 1));
            add_artist_ref(t, db_cell(&tracks, i, 5), db_cell(&tracks, i, 6));
            xmlNodePtr al = view_text(t, "album", db_cell(&tracks, i, 4));
            view_attr(al, "id", db_cell(&tracks, i, 3));
            add_duration(req, t, "duration", db_cell(&tracks, i, 2));
        }
    }
    return app_render(req, v);
}

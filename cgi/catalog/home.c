/* home.c — GET /: catalog counts and the recently added albums. */
#include "catalog.h"

#include <time.h>

#define RECENT_ALBUMS 24
#define STATS_TTL_SECONDS 30

/* Counting 100k rows on every visit is wasted work; a worker keeps the
 * counts for a short while (they only feed a line of text). */
static struct {
    time_t at;
    long long artists, albums, tracks;
} stats_cache;

static lyre_err load_stats(lyre_req *req)
{
    time_t now = time(NULL);
    if (stats_cache.at && now - stats_cache.at < STATS_TTL_SECONDS)
        return LYRE_OK;
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT (SELECT COUNT(*) FROM artists), (SELECT COUNT(*) FROM albums), "
        "(SELECT COUNT(*) FROM tracks WHERE available = 1)", "");
    if (st != DB_OK)
        return db_status_to_err(st);
    stats_cache.artists = db_cell_ll(&r, 0, 0, 0);
    stats_cache.albums = db_cell_ll(&r, 0, 1, 0);
    stats_cache.tracks = db_cell_ll(&r, 0, 2, 0);
    stats_cache.at = now;
    return LYRE_OK;
}

lyre_err page_home(lyre_req *req)
{
    lyre_err err = load_stats(req);
    if (err != LYRE_OK)
        return err;
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT al.id, al.title, al.year, ar.id, ar.name, aw.sha256 "
        "FROM albums al JOIN artists ar ON ar.id = al.album_artist_id "
        "LEFT JOIN artwork aw ON aw.id = al.artwork_id "
        "ORDER BY al.created_at DESC, al.id DESC LIMIT ?", "i", (long long)RECENT_ALBUMS);
    if (st != DB_OK)
        return db_status_to_err(st);

    lyre_view *v = view_new("home", NULL);
    xmlNodePtr content = view_content(v);
    xmlNodePtr stats = view_elem(content, "stats");
    view_int(stats, "artists", stats_cache.artists);
    view_int(stats, "albums", stats_cache.albums);
    view_int(stats, "tracks", stats_cache.tracks);
    xmlNodePtr recent = view_elem(content, "recent");
    for (size_t i = 0; i < r.nrows; i++) {
        xmlNodePtr al = view_elem(recent, "album");
        view_attr(al, "id", db_cell(&r, i, 0));
        view_text(al, "title", db_cell(&r, i, 1));
        add_artist_ref(al, db_cell(&r, i, 3), db_cell(&r, i, 4));
        if (db_cell(&r, i, 2))
            view_text(al, "year", db_cell(&r, i, 2));
        add_cover(req, al, db_cell(&r, i, 5));
    }
    return app_render(req, v);
}

/* home.c — GET /: catalog counts and the recently added albums. */
#include "catalog.h"

#define RECENT_ALBUMS 24

static lyre_err load_stats(lyre_req *req, long long *artists, long long *albums, long long *tracks)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT (SELECT COUNT(*) FROM artists), (SELECT COUNT(*) FROM albums), "
        "(SELECT COUNT(*) FROM tracks WHERE available = 1)", "");
    if (st != DB_OK)
        return db_status_to_err(st);
    *artists = db_cell_ll(&r, 0, 0, 0);
    *albums = db_cell_ll(&r, 0, 1, 0);
    *tracks = db_cell_ll(&r, 0, 2, 0);
    return LYRE_OK;
}

lyre_err page_home(lyre_req *req)
{
    long long artists = 0, albums = 0, tracks = 0;
    lyre_err err = load_stats(req, &artists, &albums, &tracks);
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
    view_int(stats, "artists", artists);
    view_int(stats, "albums", albums);
    view_int(stats, "tracks", tracks);
    xmlNodePtr recent = view_elem(content, "recent");
    for (size_t i = 0; i < r.nrows; i++)
        add_album_row(req, recent, &r, i);
    return app_render(req, v);
}

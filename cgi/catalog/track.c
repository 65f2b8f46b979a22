/* track.c — GET /track/{id}: one track with its album and credits. */
#include "catalog.h"

lyre_err page_track(lyre_req *req)
{
    unsigned long long id;
    lyre_err err = app_arg_id(req, 0, &id);
    if (err != LYRE_OK)
        return err;
    db_result track, credits;
    db_status st = db_query(req->db, req->a, &track,
        "SELECT t.id, t.title, t.track_no, t.disc_no, t.duration_ms, g.name, al.id, al.title, al.year, "
        "aw.sha256 FROM tracks t JOIN albums al ON al.id = t.album_id "
        "LEFT JOIN artwork aw ON aw.id = al.artwork_id "
        "LEFT JOIN genres g ON g.id = COALESCE(t.genre_id, al.genre_id) WHERE t.id = ?", "u", id);
    if (st == DB_OK && track.nrows == 0) {
        req->error_detail = arena_printf(req->a, "No track has the id %llu.", id);
        return LYRE_ERR_NOT_FOUND;
    }
    if (st == DB_OK)
        st = db_query(req->db, req->a, &credits,
            "SELECT ar.id, ar.name, ta.role FROM track_artists ta "
            "JOIN artists ar ON ar.id = ta.artist_id WHERE ta.track_id = ? "
            "ORDER BY ta.role, ta.position, ar.id", "u", id);
    if (st != DB_OK)
        return db_status_to_err(st);

    lyre_view *v = view_new("track", db_cell(&track, 0, 1));
    xmlNodePtr t = view_elem(view_content(v), "track");
    view_attr(t, "id", db_cell(&track, 0, 0));
    view_text(t, "title", db_cell(&track, 0, 1));
    if (db_cell(&track, 0, 2))
        view_text(t, "number", db_cell(&track, 0, 2));
    view_text(t, "disc", db_cell(&track, 0, 3));
    add_duration(req, t, "duration", db_cell(&track, 0, 4));
    if (db_cell(&track, 0, 5))
        view_text(t, "genre", db_cell(&track, 0, 5));
    xmlNodePtr al = view_elem(t, "album");
    view_attr(al, "id", db_cell(&track, 0, 6));
    view_text(al, "title", db_cell(&track, 0, 7));
    if (db_cell(&track, 0, 8))
        view_text(al, "year", db_cell(&track, 0, 8));
    add_cover(req, al, db_cell(&track, 0, 9));
    xmlNodePtr artists = view_elem(t, "artists");
    for (size_t i = 0; i < credits.nrows; i++) {
        xmlNodePtr ar = add_artist_ref(artists, db_cell(&credits, i, 0), db_cell(&credits, i, 1));
        view_attr(ar, "role", db_cell(&credits, i, 2));
    }
    return app_render(req, v);
}

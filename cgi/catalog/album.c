/* album.c — GET /album/{id}: the album, its tracks, credits and total time. */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>

lyre_err page_album(lyre_req *req)
{
    unsigned long long id;
    lyre_err err = app_arg_id(req, 0, &id);
    if (err != LYRE_OK)
        return err;
    db_result album, tracks, credits;
    db_status st = db_query(req->db, req->a, &album,
        "SELECT al.id, al.title, al.year, g.name, ar.id, ar.name, aw.sha256 "
        "FROM albums al JOIN artists ar ON ar.id = al.album_artist_id "
        "LEFT JOIN artwork aw ON aw.id = al.artwork_id "
        "LEFT JOIN genres g ON g.id = al.genre_id WHERE al.id = ?", "u", id);
    if (st == DB_OK && album.nrows == 0) {
        req->error_detail = arena_printf(req->a, "No album has the id %llu.", id);
        return LYRE_ERR_NOT_FOUND;
    }
    if (st == DB_OK)
        st = db_query(req->db, req->a, &tracks,
            "SELECT t.id, t.title, t.disc_no, t.track_no, t.duration_ms FROM tracks t "
            "WHERE t.album_id = ? ORDER BY t.disc_no, t.track_no IS NULL, t.track_no, t.id", "u", id);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &credits,
            "SELECT ta.track_id, ar.id, ar.name FROM tracks t "
            "JOIN track_artists ta ON ta.track_id = t.id JOIN artists ar ON ar.id = ta.artist_id "
            "WHERE t.album_id = ? AND ta.role IN ('main', 'featured') "
            "ORDER BY ta.track_id, ta.role, ta.position", "u", id);
    if (st != DB_OK)
        return db_status_to_err(st);

    long long total_ms = 0, discs = 0;
    for (size_t i = 0; i < tracks.nrows; i++) {
        total_ms += db_cell_ll(&tracks, i, 4, 0);
        long long d = db_cell_ll(&tracks, i, 2, 1);
        if (d > discs)
            discs = d;
    }

    lyre_view *v = view_new("album", db_cell(&album, 0, 1));
    xmlNodePtr content = view_content(v);
    xmlNodePtr al = view_elem(content, "album");
    view_attr(al, "id", db_cell(&album, 0, 0));
    view_text(al, "title", db_cell(&album, 0, 1));
    add_artist_ref(al, db_cell(&album, 0, 4), db_cell(&album, 0, 5));
    if (db_cell(&album, 0, 2))
        view_text(al, "year", db_cell(&album, 0, 2));
    if (db_cell(&album, 0, 3))
        view_text(al, "genre", db_cell(&album, 0, 3));
    add_cover(req, al, db_cell(&album, 0, 6));
    view_int(al, "tracks-count", (long long)tracks.nrows);
    xmlNodePtr total = view_text(al, "total", format_total(req->a, total_ms));
    view_attr_int(total, "ms", total_ms);
    view_int(al, "discs", discs ? discs : 1);

    /* Credits come sorted by track id; walk them alongside a lookup. */
    xmlNodePtr list = view_elem(content, "tracks");
    for (size_t i = 0; i < tracks.nrows; i++) {
        const char *tid = db_cell(&tracks, i, 0);
        xmlNodePtr t = view_elem(list, "track");
        view_attr(t, "id", tid);
        view_attr(t, "disc", db_cell(&tracks, i, 2));
        if (db_cell(&tracks, i, 3))
            view_attr(t, "number", db_cell(&tracks, i, 3));
        view_text(t, "title", db_cell(&tracks, i, 1));
        xmlNodePtr artists = view_elem(t, "artists");
        for (size_t c = 0; c < credits.nrows; c++)
            if (strcmp(db_cell(&credits, c, 0), tid) == 0)
                add_artist_ref(artists, db_cell(&credits, c, 1), db_cell(&credits, c, 2));
        add_duration(req, t, "duration", db_cell(&tracks, i, 4));
    }
    return app_render(req, v);
}

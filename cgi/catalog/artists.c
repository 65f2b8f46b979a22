/* artists.c — GET /browse?letter=B&page=2 (artists A–Z) and GET /artist/{id}. */
#include "catalog.h"

#include <string.h>

static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ#";

/* "" (all), "A".."Z" or "#"; lower case is accepted. */
static lyre_err letter_param(lyre_req *req, char *letter)
{
    const char *s = http_query(req, "letter");
    letter[0] = letter[1] = '\0';
    if (!s || !*s)
        return LYRE_OK;
    char c = s[0];
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (s[1] != '\0' || !strchr(letters, c)) {
        req->error_detail = "The letter must be one of A to Z or #.";
        return LYRE_ERR_BAD_REQUEST;
    }
    letter[0] = c;
    return LYRE_OK;
}

static const char *browse_href(lyre_req *req, const char *letter, long page)
{
    if (*letter)
        return arena_printf(req->a, "/browse?letter=%s&page=%ld", url_encode(req->a, letter), page);
    return arena_printf(req->a, "/browse?page=%ld", page);
}

lyre_err page_artists(lyre_req *req)
{
    char letter[2];
    long page;
    lyre_err err = letter_param(req, letter);
    if (err == LYRE_OK)
        err = app_page_param(req, &page);
    if (err != LYRE_OK)
        return err;
    long long size = req->cfg->page_size;
    long long offset = (long long)(page - 1) * size;

    db_result count, rows;
    db_status st;
    if (*letter) {
        st = db_query(req->db, req->a, &count,
                      "SELECT COUNT(*) FROM artists WHERE sort_letter = ?", "s", letter);
        if (st == DB_OK)
            st = db_query(req->db, req->a, &rows,
                "SELECT a.id, a.name, (SELECT COUNT(*) FROM albums al WHERE al.album_artist_id = a.id) "
                "FROM artists a WHERE a.sort_letter = ? ORDER BY a.sort_name, a.id LIMIT ? OFFSET ?",
                "sii", letter, size, offset);
    } else {
        st = db_query(req->db, req->a, &count, "SELECT COUNT(*) FROM artists", "");
        if (st == DB_OK)
            st = db_query(req->db, req->a, &rows,
                "SELECT a.id, a.name, (SELECT COUNT(*) FROM albums al WHERE al.album_artist_id = a.id) "
                "FROM artists a ORDER BY a.sort_name, a.id LIMIT ? OFFSET ?", "ii", size, offset);
    }
    if (st != DB_OK)
        return db_status_to_err(st);
    long long total = db_cell_ll(&count, 0, 0, 0);
    long long pages = total ? (total + size - 1) / size : 1;
    if (page > pages) {
        req->error_detail = arena_printf(req->a, "There are only %lld pages.", pages);
        return LYRE_ERR_NOT_FOUND;
    }

    lyre_view *v = view_new("artists", *letter ? arena_printf(req->a, "Artists: %s", letter) : "Artists");
    view_text(view_meta(v), "section", "browse");
    xmlNodePtr content = view_content(v);
    xmlNodePtr ls = view_elem(content, "letters");
    view_attr(ls, "current", letter);
    for (const char *c = letters; *c; c++)
        view_textn(ls, "letter", c, 1);
    xmlNodePtr list = view_elem(content, "artists");
    view_attr_int(list, "total", total);
    for (size_t i = 0; i < rows.nrows; i++) {
        xmlNodePtr ar = view_elem(list, "artist");
        view_attr(ar, "id", db_cell(&rows, i, 0));
        view_text(ar, "name", db_cell(&rows, i, 1));
        view_text(ar, "albums", db_cell(&rows, i, 2));
    }
    xmlNodePtr pager = view_elem(content, "pager");
    view_attr_int(pager, "page", page);
    view_attr_int(pager, "pages", pages);
    if (page > 1)
        view_text(pager, "prev", browse_href(req, letter, page - 1));
    if (page < pages)
        view_text(pager, "next", browse_href(req, letter, page + 1));
    return app_render(req, v);
}

lyre_err page_artist(lyre_req *req)
{
    unsigned long long id;
    lyre_err err = app_arg_id(req, 0, &id);
    if (err != LYRE_OK)
        return err;
    db_result artist, albums, appears;
    db_status st = db_query(req->db, req->a, &artist,
        "SELECT a.id, a.name, (SELECT COUNT(DISTINCT ta.track_id) FROM track_artists ta "
        "WHERE ta.artist_id = a.id) FROM artists a WHERE a.id = ?", "u", id);
    if (st == DB_OK && artist.nrows == 0) {
        req->error_detail = arena_printf(req->a, "No artist has the id %llu.", id);
        return LYRE_ERR_NOT_FOUND;
    }
    if (st == DB_OK)
        st = db_query(req->db, req->a, &albums,
            "SELECT al.id, al.title, al.year, (SELECT COUNT(*) FROM tracks t WHERE t.album_id = al.id), "
            "aw.sha256 FROM albums al LEFT JOIN artwork aw ON aw.id = al.artwork_id "
            "WHERE al.album_artist_id = ? "
            "ORDER BY al.year IS NULL, al.year, al.title, al.id", "u", id);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &appears,
            "SELECT DISTINCT al.id, al.title, al.year, ar.id, ar.name, aw.sha256 "
            "FROM track_artists ta JOIN tracks t ON t.id = ta.track_id "
            "JOIN albums al ON al.id = t.album_id JOIN artists ar ON ar.id = al.album_artist_id "
            "LEFT JOIN artwork aw ON aw.id = al.artwork_id "
            "WHERE ta.artist_id = ? AND al.album_artist_id <> ? "
            "ORDER BY al.year, al.id LIMIT 50", "uu", id, id);
    if (st != DB_OK)
        return db_status_to_err(st);

    lyre_view *v = view_new("artist", db_cell(&artist, 0, 1));
    xmlNodePtr content = view_content(v);
    xmlNodePtr ar = view_elem(content, "artist");
    view_attr(ar, "id", db_cell(&artist, 0, 0));
    view_text(ar, "name", db_cell(&artist, 0, 1));
    view_int(ar, "albums-count", (long long)albums.nrows);
    view_text(ar, "tracks-count", db_cell(&artist, 0, 2));
    xmlNodePtr list = view_elem(content, "albums");
    for (size_t i = 0; i < albums.nrows; i++) {
        xmlNodePtr al = view_elem(list, "album");
        view_attr(al, "id", db_cell(&albums, i, 0));
        view_text(al, "title", db_cell(&albums, i, 1));
        if (db_cell(&albums, i, 2))
            view_text(al, "year", db_cell(&albums, i, 2));
        view_text(al, "tracks", db_cell(&albums, i, 3));
        add_cover(req, al, db_cell(&albums, i, 4));
    }
    if (appears.nrows) {
        xmlNodePtr ap = view_elem(content, "appears-on");
        for (size_t i = 0; i < appears.nrows; i++)
            add_album_row(req, ap, &appears, i);
    }
    return app_render(req, v);
}

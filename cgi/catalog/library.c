/* library.c — your library: liked songs, saved albums, followed artists,
 * playlists, recently played; the like toggle and the JSON state that
 * cached catalog pages ask for (they never hold per-user state themselves). */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "log.h"

#define STATE_MAX_IDS 500

/* <track id><title/><artists><artist id/>…</artists><album id><title/><cover/></album>
 * <duration ms/></track> from LIBRARY_TRACK_COLS starting at column col. */
xmlNodePtr library_track_row(lyre_req *req, xmlNodePtr parent, const db_result *r, size_t row,
                             size_t col)
{
    xmlNodePtr t = view_elem(parent, "track");
    view_attr(t, "id", db_cell(r, row, col));
    if (db_cell_ll(r, row, col + 10, 1) == 0)
        view_attr(t, "unavailable", "1");
    view_text(t, "title", db_cell(r, row, col + 1));
    xmlNodePtr artists = view_elem(t, "artists");
    const char *ids = db_cell(r, row, col + 8), *names = db_cell(r, row, col + 9);
    if (ids && names && *ids) {
        /* ids "1,2", names separated by U+001F, in the same order */
        while (*ids && names) {
            size_t il = strcspn(ids, ","), nl = strcspn(names, "\x1f");
            xmlNodePtr a = view_textn(artists, "artist", names, nl);
            view_attr(a, "id", arena_strndup(req->a, ids, il));
            ids += il + (ids[il] ? 1 : 0);
            names = names[nl] ? names + nl + 1 : NULL;
        }
    } else {
        add_artist_ref(artists, db_cell(r, row, col + 6), db_cell(r, row, col + 7));
    }
    xmlNodePtr al = view_elem(t, "album");
    view_attr(al, "id", db_cell(r, row, col + 3));
    view_text(al, "title", db_cell(r, row, col + 4));
    add_cover(req, al, db_cell(r, row, col + 5));
    add_duration(req, t, "duration", db_cell(r, row, col + 2));
    return t;
}

/* A library page: template "library", content/@view names which one. */
static lyre_view *library_view(const char *view, const char *title, xmlNodePtr *content)
{
    lyre_view *v = view_new("library", title);
    *content = view_content(v);
    view_attr(*content, "view", view);
    return v;
}

static long long page_size(const lyre_req *req)
{
    return req->cfg->page_size > 0 ? req->cfg->page_size : 50;
}

/* Page number and offset for a list of total rows; 404 past the end. */
static lyre_err paging(lyre_req *req, long long total, long *page, long long *offset,
                       long long *pages)
{
    lyre_err err = app_page_param(req, page);
    if (err != LYRE_OK)
        return err;
    long long size = page_size(req);
    *pages = total ? (total + size - 1) / size : 1;
    if (*page > *pages) {
        req->error_detail = arena_printf(req->a, "There are only %lld pages.", *pages);
        return LYRE_ERR_NOT_FOUND;
    }
    *offset = (long long)(*page - 1) * size;
    return LYRE_OK;
}

static void add_pager(lyre_req *req, xmlNodePtr content, const char *path, long page,
                      long long pages, long long total)
{
    xmlNodePtr pager = view_elem(content, "pager");
    view_attr_int(pager, "page", page);
    view_attr_int(pager, "pages", pages);
    view_attr_int(pager, "total", total);
    view_attr_int(pager, "offset", (long long)(page - 1) * page_size(req));
    if (page > 1)
        view_text(pager, "prev", page == 2 ? path : arena_printf(req->a, "%s?page=%ld", path, page - 1));
    if (page < pages)
        view_text(pager, "next", arena_printf(req->a, "%s?page=%ld", path, page + 1));
}

static long long count_of(lyre_req *req, const char *sql, db_status *st)
{
    db_result r;
    if (*st != DB_OK)
        return 0;
    *st = db_query(req->db, req->a, &r, sql, "u", req->auth->user_id);
    return *st == DB_OK ? db_cell_ll(&r, 0, 0, 0) : 0;
}

#define PLAYLISTS_OF_USER \
    "(SELECT id AS pid FROM playlists WHERE owner_id = ? " \
    " UNION SELECT pc.playlist_id FROM playlist_collaborators pc WHERE pc.user_id = ? " \
    " UNION SELECT pf.playlist_id FROM playlist_follows pf JOIN playlists fp ON fp.id = pf.playlist_id " \
    "   WHERE pf.user_id = ? AND (fp.is_public = 1 OR fp.owner_id = pf.user_id)) mine "

/* ------------------------------------------------------------ GET /library */

lyre_err page_library(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    db_status st = DB_OK;
    long long songs = count_of(req, "SELECT COUNT(*) FROM track_likes WHERE user_id = ?", &st);
    long long albums = count_of(req, "SELECT COUNT(*) FROM album_likes WHERE user_id = ?", &st);
    long long artists = count_of(req, "SELECT COUNT(*) FROM artist_follows WHERE user_id = ?", &st);
    long long paused = count_of(req, "SELECT history_paused FROM users WHERE id = ?", &st);
    db_result pl, recent;
    if (st == DB_OK)
        st = db_query(req->db, req->a, &pl, "SELECT COUNT(*) FROM " PLAYLISTS_OF_USER, "uuu",
                      uid, uid, uid);
    /* The newest 20 distinct tracks, looked for among the last 1000 events
     * only, so a long history costs no more than a short one. */
    if (st == DB_OK)
        st = db_query(req->db, req->a, &recent,
            "SELECT " LIBRARY_TRACK_COLS "FROM (SELECT track_id, MAX(created_at) AS last FROM "
            " (SELECT track_id, created_at FROM play_events WHERE user_id = ? "
            "  ORDER BY created_at DESC LIMIT 1000) e GROUP BY track_id ORDER BY last DESC LIMIT 20) r "
            "JOIN tracks t ON t.id = r.track_id " LIBRARY_TRACK_JOINS
            "ORDER BY r.last DESC, t.id", "u", uid);
    if (st != DB_OK)
        return db_status_to_err(st);

    xmlNodePtr content;
    lyre_view *v = library_view("overview", "Your Library", &content);
    xmlNodePtr counts = view_elem(content, "counts");
    view_int(counts, "songs", songs);
    view_int(counts, "albums", albums);
    view_int(counts, "artists", artists);
    view_int(counts, "playlists", db_cell_ll(&pl, 0, 0, 0));
    if (paused)
        view_elem(content, "history-paused");
    xmlNodePtr list = view_elem(content, "recent");
    for (size_t i = 0; i < recent.nrows; i++)
        library_track_row(req, list, &recent, i, 0);
    return app_render(req, v);
}

/* ------------------------------------------------------------ GET /library/songs */

lyre_err page_library_songs(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    db_status st = DB_OK;
    long long total = count_of(req, "SELECT COUNT(*) FROM track_likes WHERE user_id = ?", &st);
    if (st != DB_OK)
        return db_status_to_err(st);
    long page;
    long long offset, pages;
    lyre_err err = paging(req, total, &page, &offset, &pages);
    if (err != LYRE_OK)
        return err;
    db_result rows;
    st = db_query(req->db, req->a, &rows,
        "SELECT DATE_FORMAT(l.created_at, '%Y-%m-%d'), " LIBRARY_TRACK_COLS
        "FROM (SELECT track_id, created_at FROM track_likes WHERE user_id = ? "
        " ORDER BY created_at DESC, track_id DESC LIMIT ? OFFSET ?) l "
        "JOIN tracks t ON t.id = l.track_id " LIBRARY_TRACK_JOINS
        "ORDER BY l.created_at DESC, l.track_id DESC",
        "uii", uid, page_size(req), offset);
    if (st != DB_OK)
        return db_status_to_err(st);

    xmlNodePtr content;
    lyre_view *v = library_view("songs", "Liked Songs", &content);
    xmlNodePtr list = view_elem(content, "tracks");
    for (size_t i = 0; i < rows.nrows; i++) {
        xmlNodePtr t = library_track_row(req, list, &rows, i, 1);
        view_attr_int(t, "n", offset + (long long)i + 1);
        view_text(t, "liked-at", db_cell(&rows, i, 0));
    }
    view_int(content, "total", total);
    add_pager(req, content, "/library/songs", page, pages, total);
    return app_render(req, v);
}

/* ------------------------------------------------------------ GET /library/albums */

lyre_err page_library_albums(lyre_req *req)
{
    db_status st = DB_OK;
    long long total = count_of(req, "SELECT COUNT(*) FROM album_likes WHERE user_id = ?", &st);
    if (st != DB_OK)
        return db_status_to_err(st);
    long page;
    long long offset, pages;
    lyre_err err = paging(req, total, &page, &offset, &pages);
    if (err != LYRE_OK)
        return err;
    db_result rows;
    st = db_query(req->db, req->a, &rows,
        "SELECT al.id, al.title, al.year, ar.id, ar.name, aw.sha256 FROM album_likes l "
        "JOIN albums al ON al.id = l.album_id JOIN artists ar ON ar.id = al.album_artist_id "
        "LEFT JOIN artwork aw ON aw.id = al.artwork_id WHERE l.user_id = ? "
        "ORDER BY l.created_at DESC, l.album_id DESC LIMIT ? OFFSET ?",
        "uii", req->auth->user_id, page_size(req), offset);
    if (st != DB_OK)
        return db_status_to_err(st);
    xmlNodePtr content;
    lyre_view *v = library_view("albums", "Saved albums", &content);
    xmlNodePtr list = view_elem(content, "albums");
    for (size_t i = 0; i < rows.nrows; i++)
        add_album_row(req, list, &rows, i);
    view_int(content, "total", total);
    add_pager(req, content, "/library/albums", page, pages, total);
    return app_render(req, v);
}

/* ------------------------------------------------------------ GET /library/artists */

lyre_err page_library_artists(lyre_req *req)
{
    db_status st = DB_OK;
    long long total = count_of(req, "SELECT COUNT(*) FROM artist_follows WHERE user_id = ?", &st);
    if (st != DB_OK)
        return db_status_to_err(st);
    long page;
    long long offset, pages;
    lyre_err err = paging(req, total, &page, &offset, &pages);
    if (err != LYRE_OK)
        return err;
    db_result rows;
    st = db_query(req->db, req->a, &rows,
        "SELECT ar.id, ar.name, (SELECT COUNT(*) FROM albums x WHERE x.album_artist_id = ar.id) "
        "FROM artist_follows f JOIN artists ar ON ar.id = f.artist_id WHERE f.user_id = ? "
        "ORDER BY f.created_at DESC, f.artist_id DESC LIMIT ? OFFSET ?",
        "uii", req->auth->user_id, page_size(req), offset);
    if (st != DB_OK)
        return db_status_to_err(st);
    xmlNodePtr content;
    lyre_view *v = library_view("artists", "Followed artists", &content);
    xmlNodePtr list = view_elem(content, "artists");
    for (size_t i = 0; i < rows.nrows; i++) {
        xmlNodePtr a = view_elem(list, "artist");
        view_attr(a, "id", db_cell(&rows, i, 0));
        view_text(a, "name", db_cell(&rows, i, 1));
        view_text(a, "albums", db_cell(&rows, i, 2));
    }
    view_int(content, "total", total);
    add_pager(req, content, "/library/artists", page, pages, total);
    return app_render(req, v);
}

/* ------------------------------------------------------------ GET /library/playlists */

lyre_err page_library_playlists(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    db_result cnt, rows;
    db_status st = db_query(req->db, req->a, &cnt, "SELECT COUNT(*) FROM " PLAYLISTS_OF_USER,
                            "uuu", uid, uid, uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    long long total = db_cell_ll(&cnt, 0, 0, 0);
    long page;
    long long offset, pages;
    lyre_err err = paging(req, total, &page, &offset, &pages);
    if (err != LYRE_OK)
        return err;
    st = db_query(req->db, req->a, &rows,
        "SELECT p.id, p.name, u.username, u.display_name, p.track_count, p.is_public, "
        " p.is_collaborative, p.owner_id = ?, "
        " EXISTS (SELECT 1 FROM playlist_collaborators c WHERE c.playlist_id = p.id AND c.user_id = ?) "
        "FROM " PLAYLISTS_OF_USER "JOIN playlists p ON p.id = mine.pid JOIN users u ON u.id = p.owner_id "
        "ORDER BY p.updated_at DESC, p.id DESC LIMIT ? OFFSET ?",
        "uuuuuii", uid, uid, uid, uid, uid, page_size(req), offset);
    if (st != DB_OK)
        return db_status_to_err(st);
    xmlNodePtr content;
    lyre_view *v = library_view("playlists", "Your playlists", &content);
    xmlNodePtr list = view_elem(content, "playlists");
    for (size_t i = 0; i < rows.nrows; i++) {
        xmlNodePtr p = view_elem(list, "playlist");
        view_attr(p, "id", db_cell(&rows, i, 0));
        const char *rel = db_cell_ll(&rows, i, 7, 0) ? "own"
                        : db_cell_ll(&rows, i, 8, 0) ? "collaborator" : "following";
        view_attr(p, "relation", rel);
        if (db_cell_ll(&rows, i, 5, 0))
            view_attr(p, "public", "1");
        if (db_cell_ll(&rows, i, 6, 0))
            view_attr(p, "collaborative", "1");
        view_text(p, "title", db_cell(&rows, i, 1));
        const char *dn = db_cell(&rows, i, 3);
        xmlNodePtr owner = view_text(p, "owner", dn && *dn ? dn : db_cell(&rows, i, 2));
        view_attr(owner, "username", db_cell(&rows, i, 2));
        view_text(p, "tracks", db_cell(&rows, i, 4));
    }
    view_int(content, "total", total);
    add_pager(req, content, "/library/playlists", page, pages, total);
    return app_render(req, v);
}

/* ------------------------------------------------------------ POST /library/like */

struct like_kind {
    const char *name, *insert, *delete, *exists;
};

static const struct like_kind kinds[] = {
    { "track",
      "INSERT IGNORE INTO track_likes (user_id, track_id) VALUES (?, ?)",
      "DELETE FROM track_likes WHERE user_id = ? AND track_id = ?",
      "SELECT 1 FROM tracks WHERE id = ?" },
    { "album",
      "INSERT IGNORE INTO album_likes (user_id, album_id) VALUES (?, ?)",
      "DELETE FROM album_likes WHERE user_id = ? AND album_id = ?",
      "SELECT 1 FROM albums WHERE id = ?" },
    { "artist",
      "INSERT IGNORE INTO artist_follows (user_id, artist_id) VALUES (?, ?)",
      "DELETE FROM artist_follows WHERE user_id = ? AND artist_id = ?",
      "SELECT 1 FROM artists WHERE id = ?" },
};

/* The path of a Referer on this site ("/album/3?x"), or NULL. */
static const char *local_referer(lyre_req *req)
{
    const char *ref = http_header(req, "Referer");
    const char *host = http_env(req, "HTTP_HOST");
    if (!ref)
        return NULL;
    const char *rest = str_starts_with(ref, "https://") ? ref + 8
                     : str_starts_with(ref, "http://") ? ref + 7 : NULL;
    if (!rest)
        return NULL;
    size_t hl = strcspn(rest, "/?#");
    const char *base = req->cfg->base_url ? req->cfg->base_url : "";
    const char *brest = str_starts_with(base, "https://") ? base + 8
                      : str_starts_with(base, "http://") ? base + 7 : "";
    size_t bl = strcspn(brest, "/?#");
    int ours = (host && strlen(host) == hl && strncasecmp(rest, host, hl) == 0) ||
               (bl && bl == hl && strncasecmp(rest, brest, hl) == 0);
    const char *path = rest + hl;
    if (!ours || path[0] != '/' || path[1] == '/' || path[1] == '\\')
        return NULL;
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
            return NULL;
    return arena_strndup(req->a, path, strcspn(path, "#"));
}

/* fetch() and htmx want no page back. */
static int wants_no_page(lyre_req *req)
{
    const char *hx = http_header(req, "HX-Request");
    const char *accept = http_header(req, "Accept");
    return (hx && *hx) || (accept && strstr(accept, "application/json"));
}

lyre_err post_library_like(lyre_req *req)
{
    const char *kind = http_form(req, "kind"), *id_s = http_form(req, "id");
    const char *on_s = http_form(req, "on");
    const struct like_kind *k = NULL;
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].name, kind) == 0)
            k = &kinds[i];
    unsigned long long id;
    if (!k) {
        req->error_detail = "kind must be track, album or artist.";
        return LYRE_ERR_BAD_REQUEST;
    }
    if (!id_s || str_to_id(id_s, 4294967295ULL, &id) != 0) {
        req->error_detail = "id must be a whole number from 1.";
        return LYRE_ERR_BAD_REQUEST;
    }
    if (on_s && strcmp(on_s, "1") != 0 && strcmp(on_s, "0") != 0) {
        req->error_detail = "on must be 1 or 0.";
        return LYRE_ERR_BAD_REQUEST;
    }
    int on = !on_s || strcmp(on_s, "1") == 0;

    db_result r;
    db_status st = db_query(req->db, req->a, &r, k->exists, "u", id);
    if (st == DB_OK && r.nrows == 0) {
        req->error_detail = arena_printf(req->a, "No %s has the id %llu.", k->name, id);
        return LYRE_ERR_NOT_FOUND;
    }
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL, on ? k->insert : k->delete, "uu", req->auth->user_id, id);
    if (st != DB_OK)
        return db_status_to_err(st);

    http_set_header(req, "Cache-Control", "no-store");
    if (wants_no_page(req)) {
        req->status = 204;
        sb_reset(&req->body_out);
        return LYRE_OK;
    }
    const char *back = local_referer(req);
    if (!back)
        back = strcmp(k->name, "track") == 0 ? "/library/songs"
             : strcmp(k->name, "album") == 0 ? "/library/albums" : "/library/artists";
    return http_redirect(req, 303, back) == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
}

/* ------------------------------------------------------------ GET /library/state */

/* "1,2,3" into a JSON array text "[1,2,3]" (ids checked); NULL when malformed. */
static const char *id_list(lyre_req *req, const char *s, size_t *n)
{
    strbuf sb = STRBUF_INIT;
    const char *out = NULL;
    *n = 0;
    sb_addc(&sb, '[');
    while (s && *s) {
        size_t len = strcspn(s, ",");
        unsigned long long id;
        char *one = arena_strndup(req->a, s, len);
        if (len == 0 || len > 10 || str_to_id(one, 4294967295ULL, &id) != 0 || ++*n > STATE_MAX_IDS)
            goto cleanup;
        sb_addf(&sb, "%s%llu", *n > 1 ? "," : "", id);
        s += len;
        if (*s == ',' && !*++s)
            goto cleanup;   /* a trailing comma */
    }
    sb_addc(&sb, ']');
    out = arena_strndup(req->a, sb.buf, sb.len);
cleanup:
    sb_free(&sb);
    return out;
}

lyre_err page_library_state(lyre_req *req)
{
    static const char *const names[] = { "tracks", "albums", "artists" };
    /* JSON_TABLE turns the list into rows, so one prepared statement per
     * kind serves any number of ids, each one primary-key lookup (forced: the
     * optimiser would rather scan all of the user's likes). */
    static const char *const sql[] = {
        "SELECT STRAIGHT_JOIN l.track_id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j "
        "JOIN track_likes l FORCE INDEX (PRIMARY) ON l.user_id = ? AND l.track_id = j.id ORDER BY l.track_id",
        "SELECT STRAIGHT_JOIN l.album_id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j "
        "JOIN album_likes l FORCE INDEX (PRIMARY) ON l.user_id = ? AND l.album_id = j.id ORDER BY l.album_id",
        "SELECT STRAIGHT_JOIN l.artist_id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j "
        "JOIN artist_follows l FORCE INDEX (PRIMARY) ON l.user_id = ? AND l.artist_id = j.id ORDER BY l.artist_id",
    };
    const char *lists[3];
    size_t counts[3];
    for (size_t k = 0; k < 3; k++) {
        lists[k] = id_list(req, http_query(req, names[k]), &counts[k]);
        if (!lists[k]) {
            req->error_detail = arena_printf(req->a,
                "%s must be up to %d ids separated by commas.", names[k], STATE_MAX_IDS);
            return LYRE_ERR_BAD_REQUEST;
        }
    }
    strbuf *out = &req->body_out;
    sb_reset(out);
    sb_addc(out, '{');
    for (size_t k = 0; k < 3; k++) {
        sb_addf(out, "%s\"%s\":[", k ? "," : "", names[k]);
        if (req->auth && counts[k]) {
            db_result r;
            db_status st = db_query(req->db, req->a, &r, sql[k], "su", lists[k], req->auth->user_id);
            if (st != DB_OK) {
                sb_reset(out);
                return db_status_to_err(st);
            }
            for (size_t i = 0; i < r.nrows; i++)
                sb_addf(out, "%s%s", i ? "," : "", db_cell(&r, i, 0));
        }
        sb_addc(out, ']');
    }
    sb_adds(out, "}\n");
    req->content_type = "application/json";
    http_set_header(req, "Cache-Control", "private, no-store");
    return LYRE_OK;
}

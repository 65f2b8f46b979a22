/* playlist.c — one playlist: create, the page (also opened read-only through
 * its share link), details, delete, the list "add to" offers; and what the
 * other handlers share (access.h). */
#include "access.h"
#include "assets.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "artwork.h"
#include "auth.h"
#include "crypto.h"
#include "log.h"
#include "multipart.h"
#include "pagecache.h"

/* ------------------------------------------------------------ shared */

static const char *const load_sql =
    "SELECT p.id, p.owner_id, p.name, p.description, p.is_public, p.is_collaborative, "
    "p.share_token, p.cover_sha256, p.version, p.track_count, p.duration_ms, u.username, "
    "(SELECT version FROM catalog_state WHERE id = 1) "
    "FROM playlists p JOIN users u ON u.id = p.owner_id WHERE p.id = ?";
/* Only the playlist row is locked: the owner's name is not needed for an edit. */
static const char *const lock_sql =
    "SELECT p.id, p.owner_id, p.name, p.description, p.is_public, p.is_collaborative, "
    "p.share_token, p.cover_sha256, p.version, p.track_count, p.duration_ms, '', 0 "
    "FROM playlists p WHERE p.id = ? FOR UPDATE";

static void fill_row(const db_result *r, pl_row *p)
{
    p->id = (unsigned long long)db_cell_ll(r, 0, 0, 0);
    p->owner_id = (unsigned long long)db_cell_ll(r, 0, 1, 0);
    p->name = db_cell(r, 0, 2);
    p->description = db_cell(r, 0, 3);
    p->is_public = db_cell_ll(r, 0, 4, 0) != 0;
    p->is_collaborative = db_cell_ll(r, 0, 5, 0) != 0;
    p->share_token = db_cell(r, 0, 6);
    p->cover_sha256 = db_cell(r, 0, 7);
    p->version = (unsigned long long)db_cell_ll(r, 0, 8, 1);
    p->count = (unsigned long long)db_cell_ll(r, 0, 9, 0);
    p->duration_ms = (unsigned long long)db_cell_ll(r, 0, 10, 0);
    p->owner_name = db_cell(r, 0, 11);
    p->catalog_version = (unsigned long long)db_cell_ll(r, 0, 12, 0);
}

static lyre_err set_role(lyre_req *req, pl_row *p)
{
    p->role = p->is_public ? PL_VIEWER : PL_NONE;
    if (!req->auth)
        return LYRE_OK;
    if (req->auth->user_id == p->owner_id) {
        p->role = PL_OWNER;
        return LYRE_OK;
    }
    db_result c;
    db_status st = db_query(req->db, req->a, &c,
        "SELECT 1 FROM playlist_collaborators WHERE playlist_id = ? AND user_id = ?",
        "uu", p->id, req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (c.nrows > 0)
        p->role = PL_COLLAB;
    return LYRE_OK;
}

lyre_err pl_load(lyre_req *req, unsigned long long id, int lock, pl_row *p)
{
    db_result r;
    memset(p, 0, sizeof *p);
    db_status st = db_query(req->db, req->a, &r, lock ? lock_sql : load_sql, "u", id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows == 0) {
        req->error_detail = "There is no playlist here, or it is private.";
        return LYRE_ERR_NOT_FOUND;
    }
    fill_row(&r, p);
    lyre_err err = set_role(req, p);
    if (err != LYRE_OK)
        return err;
    if (p->role == PL_NONE) {
        req->error_detail = "There is no playlist here, or it is private.";
        return LYRE_ERR_NOT_FOUND;
    }
    return LYRE_OK;
}

int pl_can_edit(const pl_row *p)
{
    return p->role == PL_OWNER || (p->role == PL_COLLAB && p->is_collaborative);
}

int pl_wants_json(const lyre_req *req)
{
    const char *accept = http_header(req, "Accept");
    return accept && strstr(accept, "application/json") != NULL;
}

lyre_err pl_json(lyre_req *req, int status, const char *fmt, ...)
{
    va_list ap;
    sb_reset(&req->body_out);
    va_start(ap, fmt);
    sb_vaddf(&req->body_out, fmt, ap);
    va_end(ap);
    sb_addc(&req->body_out, '\n');
    req->status = status;
    req->content_type = "application/json";
    http_set_header(req, "Cache-Control", "no-store");
    return LYRE_OK;
}

const char *pl_jstr(lyre_req *req, const char *s)
{
    strbuf b = STRBUF_INIT;
    sb_addc(&b, '"');
    for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
        if (*c == '"' || *c == '\\')
            sb_addf(&b, "\\%c", *c);
        else if (*c < 0x20 || *c == '<' || *c == '>' || *c == '&')
            sb_addf(&b, "\\u%04x", *c);
        else
            sb_addc(&b, (char)*c);
    }
    sb_addc(&b, '"');
    const char *out = arena_strdup(req->a, b.buf);
    sb_free(&b);
    return out;
}

lyre_err pl_refuse(lyre_req *req, lyre_err err, const char *message)
{
    if (pl_wants_json(req))
        return pl_json(req, lyre_error(err)->status, "{\"error\":%s}", pl_jstr(req, message));
    req->error_detail = message;
    return err;
}

lyre_err pl_conflict(lyre_req *req, const pl_row *p)
{
    static const char msg[] = "This playlist changed while you were editing it; reload the page and try again.";
    if (pl_wants_json(req))
        return pl_json(req, 409, "{\"error\":%s,\"version\":%llu,\"count\":%llu}", pl_jstr(req, msg),
                       p->version, p->count);
    req->error_detail = msg;
    return LYRE_ERR_CONFLICT;
}

lyre_err pl_done(lyre_req *req, const pl_row *p)
{
    if (pl_wants_json(req))
        return pl_json(req, 200, "{\"id\":%llu,\"version\":%llu,\"count\":%llu}", p->id, p->version, p->count);
    return http_redirect(req, 303, arena_printf(req->a, "/playlist/%llu", p->id)) == 0 ? LYRE_OK
                                                                                     : LYRE_ERR_INTERNAL;
}

lyre_err pl_form_num(lyre_req *req, const char *name, unsigned long long max, unsigned long long *out)
{
    const char *s = http_form(req, name);
    long v;
    if (!s || str_to_long(s, 0, (long)max, &v) != 0)
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST,
                         arena_printf(req->a, "The field \"%s\" must be a whole number from 0 to %llu.", name, max));
    *out = (unsigned long long)v;
    return LYRE_OK;
}

lyre_err pl_form_version(lyre_req *req, unsigned long long *v)
{
    return pl_form_num(req, "version", 4294967295ULL, v);
}

db_status pl_bump(lyre_req *req, pl_row *p, const char *action, unsigned long long track_id,
                  const char *detail, long long dcount, long long dms)
{
    long long count = (long long)p->count + dcount;
    long long ms = (long long)p->duration_ms + dms;
    db_status st = db_exec(req->db, NULL, NULL,
        "UPDATE playlists SET track_count = ?, duration_ms = ?, version = version + 1, "
        "updated_at = CURRENT_TIMESTAMP(3) WHERE id = ?",
        "iiu", count < 0 ? 0 : count, ms < 0 ? 0 : ms, p->id);
    if (st != DB_OK)
        return st;
    p->version++;
    p->count = (unsigned long long)(count < 0 ? 0 : count);
    p->duration_ms = (unsigned long long)(ms < 0 ? 0 : ms);
    return db_exec(req->db, NULL, NULL,
        "INSERT INTO playlist_edits (playlist_id, user_id, action, track_id, detail, version) "
        "VALUES (?, ?, ?, ?, ?, ?)", "uusssu", p->id, req->auth ? req->auth->user_id : 0ULL, action,
        track_id ? arena_printf(req->a, "%llu", track_id) : NULL, detail ? detail : "", p->version);
}

/* ------------------------------------------------------------ details */

/* Code points of valid UTF-8. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* Trimmed text of field name, NULL (with *problem) when too long, empty
 * when required, or holding control characters (other than line breaks in
 * a description). */
static const char *text_field(lyre_req *req, const char *name, size_t max, int required, int multiline,
                              const char **problem)
{
    const char *s = http_form(req, name);
    if (!s)
        s = "";
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    char *t = arena_strndup(req->a, s, len);
    for (const unsigned char *c = (const unsigned char *)t; *c; c++)
        if ((*c < 0x20 && !(multiline && (*c == '\n' || *c == '\r' || *c == '\t'))) || *c == 0x7F) {
            *problem = arena_printf(req->a, "The %s cannot hold control characters.", name);
            return NULL;
        }
    if (required && len == 0) {
        *problem = arena_printf(req->a, "Give the playlist a %s.", name);
        return NULL;
    }
    if (utf8_chars(t) > max) {
        *problem = arena_printf(req->a, "The %s can be at most %zu characters long.", name, max);
        return NULL;
    }
    return t;
}

static int form_flag(const lyre_req *req, const char *name)
{
    const char *v = http_form(req, name);
    return v && (strcmp(v, "1") == 0 || strcmp(v, "on") == 0 || strcmp(v, "true") == 0);
}

lyre_err post_playlist_create(lyre_req *req)
{
    const char *problem = NULL;
    const char *name = text_field(req, "name", PL_NAME_MAX, 1, 0, &problem);
    const char *description = name ? text_field(req, "description", PL_DESCRIPTION_MAX, 0, 1, &problem) : NULL;
    if (!name || !description)
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST, problem);
    unsigned long long id = 0;
    db_status st = DB_DUPLICATE;
    /* 128 random bits never collide in practice; one retry covers the impossible. */
    for (int attempt = 0; attempt < 2 && st == DB_DUPLICATE; attempt++) {
        const char *token = crypto_token_hex(req->a, 16);
        if (!token)
            return LYRE_ERR_INTERNAL;
        st = db_exec(req->db, NULL, &id,
            "INSERT INTO playlists (owner_id, name, description, is_public, share_token) VALUES (?, ?, ?, ?, ?)",
            "ussis", req->auth->user_id, name, description, (long long)form_flag(req, "public"), token);
    }
    if (st != DB_OK)
        return db_status_to_err(st);
    if (pl_wants_json(req))
        return pl_json(req, 200, "{\"id\":%llu,\"name\":%s,\"version\":1,\"count\":0}", id, pl_jstr(req, name));
    return http_redirect(req, 303, arena_printf(req->a, "/playlist/%llu", id)) == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
}

lyre_err page_playlists_mine(lyre_req *req)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT p.id, p.name, p.track_count, p.version, p.owner_id = ? FROM playlists p "
        "WHERE p.owner_id = ? OR (p.is_collaborative = 1 AND p.id IN "
        "(SELECT c.playlist_id FROM playlist_collaborators c WHERE c.user_id = ?)) "
        "ORDER BY p.updated_at DESC, p.id DESC LIMIT 500",
        "uuu", req->auth->user_id, req->auth->user_id, req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    strbuf b = STRBUF_INIT;
    sb_adds(&b, "{\"playlists\":[");
    for (size_t i = 0; i < r.nrows; i++)
        sb_addf(&b, "%s{\"id\":%lld,\"name\":%s,\"count\":%lld,\"version\":%lld,\"own\":%s}", i ? "," : "",
                db_cell_ll(&r, i, 0, 0), pl_jstr(req, db_cell(&r, i, 1)), db_cell_ll(&r, i, 2, 0),
                db_cell_ll(&r, i, 3, 0), db_cell_ll(&r, i, 4, 0) ? "true" : "false");
    sb_adds(&b, "]}");
    lyre_err err = pl_json(req, 200, "%s", b.buf);
    sb_free(&b);
    return err;
}

lyre_err post_playlist_edit(lyre_req *req)
{
    unsigned long long id, version;
    pl_row p;
    const char *problem = NULL;
    lyre_err err = app_arg_id(req, 0, &id);
    if (err == LYRE_OK)
        err = pl_form_version(req, &version);
    if (err != LYRE_OK || req->status != 200)
        return err;
    const char *name = text_field(req, "name", PL_NAME_MAX, 1, 0, &problem);
    const char *description = name ? text_field(req, "description", PL_DESCRIPTION_MAX, 0, 1, &problem) : NULL;
    if (!name || !description)
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST, problem);
    db_status st = db_begin(req->db);
    if (st != DB_OK)
        return db_status_to_err(st);
    err = pl_load(req, id, 1, &p);
    if (err != LYRE_OK)
        goto cleanup;
    if (!pl_can_edit(&p)) {
        err = pl_refuse(req, LYRE_ERR_FORBIDDEN, "Only the owner and collaborators can change this playlist.");
        goto cleanup;
    }
    if (p.version != version) {
        err = pl_conflict(req, &p);
        goto cleanup;
    }
    /* Who may see it and who may edit it are the owner's choice alone. */
    int pub = p.role == PL_OWNER ? form_flag(req, "public") : p.is_public;
    int collab = p.role == PL_OWNER ? form_flag(req, "collaborative") : p.is_collaborative;
    st = db_exec(req->db, NULL, NULL,
        "UPDATE playlists SET name = ?, description = ?, is_public = ?, is_collaborative = ? WHERE id = ?",
        "ssiiu", name, description, (long long)pub, (long long)collab, id);
    if (st == DB_OK) {
        const char *what = arena_printf(req->a, "%s%s%s%s",
            strcmp(name, p.name) ? "renamed; " : "", strcmp(description, p.description) ? "description; " : "",
            pub != p.is_public ? (pub ? "made public; " : "made private; ") : "",
            collab != p.is_collaborative ? (collab ? "made collaborative; " : "collaboration off; ") : "");
        size_t n = strlen(what);
        st = pl_bump(req, &p, "details", 0, n >= 2 ? arena_strndup(req->a, what, n - 2) : "unchanged", 0, 0);
    }
    if (st == DB_OK)
        st = db_commit(req->db);
    if (st != DB_OK) {
        err = db_status_to_err(st);
        goto cleanup;
    }
    return pl_done(req, &p);
cleanup:
    db_rollback(req->db);
    return err;
}

lyre_err post_playlist_delete(lyre_req *req)
{
    unsigned long long id;
    pl_row p;
    lyre_err err = app_arg_id(req, 0, &id);
    if (err != LYRE_OK)
        return err;
    err = pl_load(req, id, 0, &p);
    if (err != LYRE_OK)
        return err;
    if (p.role != PL_OWNER)
        return pl_refuse(req, LYRE_ERR_FORBIDDEN, "Only the owner can delete this playlist.");
    db_status st = db_exec(req->db, NULL, NULL, "DELETE FROM playlists WHERE id = ? AND owner_id = ?", "uu",
                           id, req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (pl_wants_json(req))
        return pl_json(req, 200, "{\"deleted\":%llu}", id);
    return http_redirect(req, 303, "/library/playlists") == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
}

/* ------------------------------------------------------------ the page */

static void add_cover_url(lyre_req *req, xmlNodePtr parent, const char *name, const char *sha)
{
    /* The one way cover URLs are made (CDN base included): lib/assets. */
    const char *url = art_url(req->cfg, req->a, sha, 300);
    if (url)
        view_text(parent, name, url);
}

static const char *duration_text(lyre_req *req, long long ms)
{
    long long s = ms / 1000;
    if (s >= 3600)
        return arena_printf(req->a, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    return arena_printf(req->a, "%lld:%02lld", s / 60, s % 60);
}

static const char *total_text(lyre_req *req, long long ms)
{
    long long min = (ms + 30000) / 60000;
    if (min >= 60)
        return arena_printf(req->a, "%lld hr %lld min", min / 60, min % 60);
    return arena_printf(req->a, "%lld min", min);
}

static db_status add_mosaic(lyre_req *req, xmlNodePtr pl, const pl_row *p)
{
    xmlNodePtr covers = view_elem(pl, "covers");
    if (p->cover_sha256) {
        /* One picture, shown at 480 px: the 640 px thumbnail stays sharp. */
        const char *url = art_url(req->cfg, req->a, p->cover_sha256, 640);
        if (url)
            view_text(covers, "cover", url);
        view_attr(covers, "uploaded", "1");
        return DB_OK;
    }
    db_result r;
    /* The first 100 songs are plenty to find four different covers. */
    db_status st = db_query(req->db, req->a, &r,
        "SELECT aw.sha256 FROM playlist_items pi JOIN tracks t ON t.id = pi.track_id "
        "JOIN albums al ON al.id = t.album_id JOIN artwork aw ON aw.id = al.artwork_id "
        "WHERE pi.playlist_id = ? AND pi.position < 100 ORDER BY pi.position", "u", p->id);
    if (st != DB_OK)
        return st;
    const char *seen[4];
    size_t n = 0;
    for (size_t i = 0; i < r.nrows && n < 4; i++) {
        const char *sha = db_cell(&r, i, 0);
        int dup = 0;
        for (size_t k = 0; k < n; k++)
            dup |= strcmp(seen[k], sha) == 0;
        if (!dup) {
            seen[n++] = sha;
            add_cover_url(req, covers, "cover", sha);
        }
    }
    return DB_OK;
}

static db_status add_items(lyre_req *req, xmlNodePtr content, const pl_row *p, long page, long per)
{
    long long from = (page - 1) * per, to = page * per;
    db_result r, credits;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT pi.position, t.id, t.title, t.duration_ms, al.id, al.title, aw.sha256, ar.id, ar.name "
        "FROM playlist_items pi JOIN tracks t ON t.id = pi.track_id JOIN albums al ON al.id = t.album_id "
        "JOIN artists ar ON ar.id = al.album_artist_id LEFT JOIN artwork aw ON aw.id = al.artwork_id "
        "WHERE pi.playlist_id = ? AND pi.position >= ? AND pi.position < ? ORDER BY pi.position",
        "uii", p->id, from, to);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &credits,
            "SELECT ta.track_id, ar.id, ar.name FROM playlist_items pi "
            "JOIN track_artists ta ON ta.track_id = pi.track_id JOIN artists ar ON ar.id = ta.artist_id "
            "WHERE pi.playlist_id = ? AND pi.position >= ? AND pi.position < ? "
            "AND ta.role IN ('main', 'featured') GROUP BY ta.track_id, ta.role, ta.position, ar.id "
            "ORDER BY ta.track_id, ta.role, ta.position", "uii", p->id, from, to);
    if (st != DB_OK)
        return st;
    xmlNodePtr list = view_elem(content, "items");
    view_attr_int(list, "page", page);
    view_attr_int(list, "per", per);
    view_attr_int(list, "pages", p->count ? (long long)((p->count + (unsigned long long)per - 1) / (unsigned long long)per) : 1);
    view_attr_int(list, "last", (long long)p->count - 1);
    for (size_t i = 0; i < r.nrows; i++) {
        const char *tid = db_cell(&r, i, 1);
        xmlNodePtr t = view_elem(list, "track");
        view_attr(t, "id", tid);
        view_attr(t, "position", db_cell(&r, i, 0));
        view_attr_int(t, "number", db_cell_ll(&r, i, 0, 0) + 1);
        view_text(t, "title", db_cell(&r, i, 2));
        xmlNodePtr al = view_text(t, "album", db_cell(&r, i, 5));
        view_attr(al, "id", db_cell(&r, i, 4));
        add_cover_url(req, t, "cover", db_cell(&r, i, 6));
        xmlNodePtr aa = view_text(t, "album-artist", db_cell(&r, i, 8));
        view_attr(aa, "id", db_cell(&r, i, 7));
        xmlNodePtr artists = view_elem(t, "artists");
        for (size_t c = 0; c < credits.nrows; c++)
            if (strcmp(db_cell(&credits, c, 0), tid) == 0) {
                xmlNodePtr a = view_text(artists, "artist", db_cell(&credits, c, 2));
                view_attr(a, "id", db_cell(&credits, c, 1));
            }
        long long ms = db_cell_ll(&r, i, 3, 0);
        xmlNodePtr d = view_text(t, "duration", duration_text(req, ms));
        view_attr_int(d, "ms", ms);
    }
    return DB_OK;
}

static db_status add_people(lyre_req *req, xmlNodePtr pl, const pl_row *p)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT u.id, u.username FROM playlist_collaborators c JOIN users u ON u.id = c.user_id "
        "WHERE c.playlist_id = ? ORDER BY u.username_key", "u", p->id);
    if (st != DB_OK)
        return st;
    xmlNodePtr list = view_elem(pl, "collaborators");
    for (size_t i = 0; i < r.nrows; i++) {
        xmlNodePtr u = view_text(list, "user", db_cell(&r, i, 1));
        view_attr(u, "id", db_cell(&r, i, 0));
    }
    st = db_query(req->db, req->a, &r,
        "SELECT e.action, e.detail, e.version, DATE_FORMAT(e.created_at, '%Y-%m-%dT%H:%i:%sZ'), "
        "DATE_FORMAT(e.created_at, '%Y-%m-%d %H:%i'), u.username, t.id, t.title "
        "FROM playlist_edits e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN tracks t ON t.id = e.track_id "
        "WHERE e.playlist_id = ? ORDER BY e.id DESC LIMIT 20", "u", p->id);
    if (st != DB_OK)
        return st;
    list = view_elem(pl, "edits");
    for (size_t i = 0; i < r.nrows; i++) {
        xmlNodePtr e = view_elem(list, "edit");
        view_attr(e, "action", db_cell(&r, i, 0));
        view_attr(e, "version", db_cell(&r, i, 2));
        view_attr(e, "at", db_cell(&r, i, 3));
        view_text(e, "when", db_cell(&r, i, 4));
        view_text(e, "user", db_cell(&r, i, 5) ? db_cell(&r, i, 5) : "a deleted account");
        if (db_cell(&r, i, 6)) {
            xmlNodePtr t = view_text(e, "track", db_cell(&r, i, 7));
            view_attr(t, "id", db_cell(&r, i, 6));
        }
        view_text(e, "detail", db_cell(&r, i, 1));
    }
    return DB_OK;
}

/* A rendered page is the same for everybody in the same place until the
 * playlist (its version) or the catalog (the entry's tag) changes: XSLT is
 * most of a page's cost (~4.6 of ~6 ms for 50 rows with edit controls), so a
 * worker keeps the bytes.  Signed-out visitors share one copy per URI and
 * version.  A signed-in visitor's copy is keyed by what the page shows of
 * them (role in the playlist, follow state, names and role in the header);
 * the one thing that differs between their sessions is the CSRF token (the
 * header's data-csrf and every form), whose places are kept with the page
 * and filled with the asker's own token when it is served.
 *
 * Entry body: "PLC1", the number of token places n and the token length
 * (uint32 each), n uint32 offsets, then the page. */
#define PL_CACHE_MAGIC "PLC1"
#define PL_CACHE_BYTES (32u << 20)
static pagecache *pages;
static lyre_err render_page(lyre_req *req, pl_row *p, int shared, const char *follow);

/* The cache key of this page for this asker (NULL: not kept). */
static const char *page_key(lyre_req *req, const pl_row *p, int shared, const char *follow)
{
    if (req->cfg->cache_max_bytes <= 0 || p->catalog_version == 0)
        return NULL;
    const lyre_auth *au = req->auth;
    if (!au)
        return arena_printf(req->a, "v|%s#%llu", req->uri, p->version);
    if (!au->csrf_token || strlen(au->csrf_token) != 64)
        return NULL;
    return arena_printf(req->a, "u|%s#%llu|%d%d|%s|%llu|%s|%s|%d|%d|%d", req->uri, p->version, (int)p->role, shared,
                        follow ? follow : "-", au->user_id, au->username, au->display_name ? au->display_name : "",
                        (int)au->role, au->email_verified, au->totp_enabled);
}

static int from_cache(lyre_req *req, const char *key, const pl_row *p)
{
    const pagecache_entry *e = pages ? pagecache_get(pages, key, p->catalog_version) : NULL;
    uint32_t n, tlen;
    if (!e || e->len < 12 || memcmp(e->body, PL_CACHE_MAGIC, 4) != 0)
        return 0;
    memcpy(&n, e->body + 4, 4);
    memcpy(&tlen, e->body + 8, 4);
    size_t head = 12 + (size_t)n * 4;
    const char *token = req->auth ? req->auth->csrf_token : NULL;
    if (head > e->len || (n > 0 && (!token || strlen(token) != tlen)))
        return 0;
    sb_reset(&req->body_out);
    sb_add(&req->body_out, e->body + head, e->len - head);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t off;
        memcpy(&off, e->body + 12 + (size_t)i * 4, 4);
        if ((size_t)off + tlen > req->body_out.len) {
            sb_reset(&req->body_out);
            return 0;
        }
        memcpy(req->body_out.buf + off, token, tlen);
    }
    req->content_type = arena_strdup(req->a, e->content_type);
    return 1;
}

static void to_cache(lyre_req *req, const char *key, const pl_row *p)
{
    if (!pages)
        pages = pagecache_new(PL_CACHE_BYTES);
    if (!pages || req->body_out.len > UINT32_MAX / 2)
        return;
    const char *token = req->auth ? req->auth->csrf_token : NULL;
    size_t tlen = token ? strlen(token) : 0;
    strbuf offs = STRBUF_INIT, entry = STRBUF_INIT;
    uint32_t n = 0;
    const char *b = req->body_out.buf, *end = b + req->body_out.len;
    for (const char *at = b; tlen > 0 && (size_t)(end - at) >= tlen; at++) {
        at = memchr(at, token[0], (size_t)(end - at) - tlen + 1);
        if (!at)
            break;
        if (memcmp(at, token, tlen) == 0) {
            uint32_t off = (uint32_t)(at - b);
            sb_add(&offs, (const char *)&off, 4);
            n++;
            at += tlen - 1;
        }
    }
    uint32_t t32 = (uint32_t)tlen;
    sb_add(&entry, PL_CACHE_MAGIC, 4);
    sb_add(&entry, (const char *)&n, 4);
    sb_add(&entry, (const char *)&t32, 4);
    sb_add(&entry, offs.buf, offs.len);
    sb_add(&entry, req->body_out.buf, req->body_out.len);
    pagecache_put(pages, key, p->catalog_version, req->content_type, entry.buf, entry.len);
    sb_free(&offs);
    sb_free(&entry);
}

/* The page of p; shared: opened through its share link (read-only). */
static lyre_err render(lyre_req *req, pl_row *p, int shared)
{
    const char *follow = NULL;
    /* lib/app's Referrer-Policy (strict-origin-when-cross-origin) already keeps
     * a share link's token from other sites. */
    http_set_header(req, "Cache-Control", "no-store");
    if (!shared && req->auth && p->role == PL_VIEWER) {
        db_result f;
        db_status st = db_query(req->db, req->a, &f,
            "SELECT 1 FROM playlist_follows WHERE user_id = ? AND playlist_id = ?", "uu", req->auth->user_id, p->id);
        if (st != DB_OK)
            return db_status_to_err(st);
        follow = f.nrows ? "following" : "can";
    }
    const char *key = page_key(req, p, shared, follow);
    if (key && from_cache(req, key, p))
        return LYRE_OK;
    lyre_err err = render_page(req, p, shared, follow);
    if (err == LYRE_OK && key && req->status == 200)
        to_cache(req, key, p);
    return err;
}

static lyre_err render_page(lyre_req *req, pl_row *p, int shared, const char *follow)
{
    long page;
    lyre_err err = app_page_param(req, &page);
    if (err != LYRE_OK)
        return err;
    long per = req->cfg->page_size > 0 ? req->cfg->page_size : 50;
    if (page > 1 && (unsigned long long)(page - 1) * (unsigned long long)per >= p->count) {
        req->error_detail = "This playlist has no such page.";
        return LYRE_ERR_NOT_FOUND;
    }
    int editor = !shared && pl_can_edit(p);
    lyre_view *v = view_new("playlist", p->name);
    view_text(view_meta(v), "section", "playlist");
    xmlNodePtr content = view_content(v);
    xmlNodePtr pl = view_elem(content, "playlist");
    view_attr_int(pl, "id", (long long)p->id);
    view_attr_int(pl, "version", (long long)p->version);
    view_attr(pl, "role", shared ? "shared" : p->role == PL_OWNER ? "owner" : p->role == PL_COLLAB ? "collaborator"
                                                                   : "viewer");
    if (editor)
        view_attr(pl, "editable", "1");
    if (p->is_public)
        view_attr(pl, "public", "1");
    if (p->is_collaborative)
        view_attr(pl, "collaborative", "1");
    view_attr(pl, "base", shared ? arena_printf(req->a, "/s/%s", p->share_token)
                                 : arena_printf(req->a, "/playlist/%llu", p->id));
    view_text(pl, "name", p->name);
    view_text(pl, "description", p->description);
    xmlNodePtr owner = view_text(pl, "owner", p->owner_name);
    view_attr_int(owner, "id", (long long)p->owner_id);
    view_int(pl, "count", (long long)p->count);
    xmlNodePtr total = view_text(pl, "total", total_text(req, (long long)p->duration_ms));
    view_attr_int(total, "ms", (long long)p->duration_ms);
    if (!shared && p->role == PL_OWNER)
        view_text(pl, "share", arena_printf(req->a, "/s/%s", p->share_token));
    db_status st = add_mosaic(req, pl, p);
    if (st == DB_OK && !shared && p->role >= PL_COLLAB)
        st = add_people(req, pl, p);
    if (follow)
        view_attr(pl, "follow", follow);
    if (st == DB_OK)
        st = add_items(req, content, p, page, per);
    if (st != DB_OK) {
        view_free(v);
        return db_status_to_err(st);
    }
    return app_render(req, v);
}

lyre_err page_playlist(lyre_req *req)
{
    unsigned long long id;
    pl_row p;
    lyre_err err = app_arg_id(req, 0, &id);
    if (err == LYRE_OK)
        err = pl_load(req, id, 0, &p);
    if (err != LYRE_OK)
        return err;
    return render(req, &p, 0);
}

lyre_err page_playlist_shared(lyre_req *req)
{
    const char *token = req->route_nargs ? req->route_args[0] : "";
    size_t n = strlen(token);
    int hex = n == 32;
    for (size_t i = 0; hex && i < n; i++)
        hex = (token[i] >= '0' && token[i] <= '9') || (token[i] >= 'a' && token[i] <= 'f');
    if (!hex) {
        req->error_detail = "This share link is not valid (any more).";
        return LYRE_ERR_NOT_FOUND;
    }
    db_result r;
    db_status st = db_query(req->db, req->a, &r, "SELECT id FROM playlists WHERE share_token = ?", "s", token);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows == 0) {
        req->error_detail = "This share link is not valid (any more).";
        return LYRE_ERR_NOT_FOUND;
    }
    db_result row;
    pl_row p;
    memset(&p, 0, sizeof p);
    st = db_query(req->db, req->a, &row, load_sql, "u", (unsigned long long)db_cell_ll(&r, 0, 0, 0));
    if (st != DB_OK)
        return db_status_to_err(st);
    if (row.nrows == 0)
        return LYRE_ERR_NOT_FOUND;
    fill_row(&row, &p);
    p.role = PL_VIEWER;
    return render(req, &p, 1);
}

/* ------------------------------------------------------------ uploaded cover */

#define PL_COVER_MAX_BYTES (4u * 1024 * 1024)
/* libvips decodes a WebP whole to re-encode it: 25 megapixels is ~100 MB. */
#define PL_COVER_MAX_PIXELS (25ULL * 1000 * 1000)
#define PL_COVER_MAX_SIDE 8000u

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned le16(const unsigned char *p) { return (unsigned)p[1] << 8 | p[0]; }
static unsigned le24(const unsigned char *p) { return (unsigned)p[2] << 16 | (unsigned)p[1] << 8 | p[0]; }

/* The format and size an image's header claims, before anything decodes it:
 * "JPEG", "PNG" or "WebP" with *w, *h (0 when the header does not say), or
 * NULL for anything else. */
static const char *cover_format(const unsigned char *d, size_t n, unsigned *w, unsigned *h)
{
    *w = *h = 0;
    if (n >= 24 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(d + 12, "IHDR", 4) == 0) {
        *w = (unsigned)d[16] << 24 | (unsigned)d[17] << 16 | be16(d + 18);
        *h = (unsigned)d[20] << 24 | (unsigned)d[21] << 16 | be16(d + 22);
        return "PNG";
    }
    if (n >= 30 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) {
        if (memcmp(d + 12, "VP8X", 4) == 0) {
            *w = le24(d + 24) + 1;
            *h = le24(d + 27) + 1;
        } else if (memcmp(d + 12, "VP8L", 4) == 0 && d[20] == 0x2f) {
            unsigned long bits = (unsigned long)d[21] | (unsigned long)d[22] << 8 | (unsigned long)d[23] << 16 |
                                 (unsigned long)d[24] << 24;
            *w = (unsigned)(bits & 0x3fff) + 1;
            *h = (unsigned)((bits >> 14) & 0x3fff) + 1;
        } else if (memcmp(d + 12, "VP8 ", 4) == 0 && memcmp(d + 23, "\x9d\x01\x2a", 3) == 0) {
            *w = le16(d + 26) & 0x3fff;
            *h = le16(d + 28) & 0x3fff;
        }
        return "WebP";
    }
    if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        /* Walk the markers to the frame header (SOFn). */
        size_t i = 2;
        while (i + 9 < n && d[i] == 0xFF) {
            unsigned m = d[i + 1];
            if (m == 0xFF) {
                i++;
                continue;
            }
            if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
                i += 2;
                continue;
            }
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                *h = be16(d + i + 5);
                *w = be16(d + i + 7);
                break;
            }
            i += 2 + be16(d + i + 2);
        }
        return "JPEG";
    }
    return NULL;
}

/* A file that ends where its format says it ends: libvips reads a cut one
 * as far as it goes and would store a half-grey cover. */
static int cover_complete(const char *fmt, const unsigned char *d, size_t n)
{
    if (strcmp(fmt, "PNG") == 0)
        return n >= 12 && memcmp(d + n - 12, "\0\0\0\0IEND\xae\x42\x60\x82", 12) == 0;
    if (strcmp(fmt, "WebP") == 0)
        return (unsigned long)d[4] + ((unsigned long)d[5] << 8) + ((unsigned long)d[6] << 16) +
               ((unsigned long)d[7] << 24) + 8 <= n;
    /* JPEG: the end-of-image marker, maybe followed by a little padding. */
    for (size_t i = n - 1; i > 0 && n - i < 4096; i--)
        if (d[i - 1] == 0xFF && d[i] == 0xD9)
            return 1;
    return 0;
}

/* The uploaded image of the form's "cover" field: checked, stored with its
 * thumbnails like album art; its SHA-256 in sha.  LYRE_OK, or a 4xx answer
 * already given (req->status set or the error's sentence in error_detail). */
static lyre_err store_cover(lyre_req *req, char sha[MEDIA_SHA_HEX])
{
    static int vips_started;
    const char *boundary = multipart_boundary(req->a, http_env(req, "CONTENT_TYPE"));
    multipart_form form;
    if (!boundary || multipart_parse(req->a, req->body, req->body_len, boundary, &form) != 0)
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST, "The upload could not be read: send the form as multipart/form-data.");
    const multipart_part *f = multipart_get(&form, "cover");
    if (!f || !f->filename || f->len == 0)
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST, "Choose an image file for the cover.");
    if (f->len > PL_COVER_MAX_BYTES)
        return pl_refuse(req, LYRE_ERR_BODY_TOO_LARGE,
                         arena_printf(req->a, "This image is %.1f MB; a cover can be at most 4 MB.",
                                      (double)((f->len * 10 + (1u << 20) - 1) >> 20) / 10.0));
    unsigned w, h;
    const char *fmt = cover_format((const unsigned char *)f->data, f->len, &w, &h);
    if (!fmt)
        return pl_refuse(req, LYRE_ERR_UNSUPPORTED_MEDIA, "A cover must be a JPEG, PNG or WebP image.");
    if (!cover_complete(fmt, (const unsigned char *)f->data, f->len))
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST,
                         arena_printf(req->a, "This %s image could not be read: the file is cut short.", fmt));
    if (w > PL_COVER_MAX_SIDE || h > PL_COVER_MAX_SIDE || (unsigned long long)w * h > PL_COVER_MAX_PIXELS)
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST,
                         arena_printf(req->a, "This image is %u×%u pixels; a cover can be at most %u pixels a side "
                                      "and 25 megapixels.", w, h, PL_COVER_MAX_SIDE));
    if (!vips_started) {
        if (artwork_global_init("lyre-playlists") != 0) {
            log_error("libvips did not start");
            return LYRE_ERR_INTERNAL;
        }
        vips_started = 1;
    }
    media_store st = { 0 };
    strbuf why = STRBUF_INIT;
    artwork_info art;
    lyre_err err = LYRE_OK;
    if (media_store_open(&st, req->cfg->media_dir, &why) != 0) {
        log_error("media store %s: %s", req->cfg->media_dir, why.buf);
        err = LYRE_ERR_INTERNAL;
        goto cleanup;
    }
    /* The web programs only read the store, except here: say so plainly. */
    sb_reset(&why);
    sb_addf(&why, "%s/%s", st.root, MEDIA_KIND_ART);
    if (access(why.buf, W_OK | X_OK) != 0) {
        log_error("playlist covers cannot be stored: %s is not writable by this program", why.buf);
        err = LYRE_ERR_INTERNAL;
        goto cleanup;
    }
    sb_reset(&why);
    if (artwork_store(&st, f->data, f->len, &art, &why) != 0) {
        log_warn("playlist cover refused: %s", why.buf);
        err = pl_refuse(req, LYRE_ERR_BAD_REQUEST,
                        arena_printf(req->a, "This %s image could not be read (is the file complete?).", fmt));
        goto cleanup;
    }
    memcpy(sha, art.sha, MEDIA_SHA_HEX);
    /* Known to the artwork table like every cover of the store. */
    db_status ds = db_exec(req->db, NULL, NULL,
        "INSERT INTO artwork (sha256, mime, width, height, bytes) VALUES (?, ?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE id = id", "ssiii", art.sha, art.mime,
        (long long)(art.width > 65535 ? 65535 : art.width), (long long)(art.height > 65535 ? 65535 : art.height),
        (long long)art.bytes);
    if (ds != DB_OK)
        err = db_status_to_err(ds);
cleanup:
    sb_free(&why);
    media_store_close(&st);
    return err;
}

/* Set (sha) or clear (NULL) the cover of the playlist of the route: owner only. */
static lyre_err set_cover(lyre_req *req, const char *sha)
{
    unsigned long long id;
    pl_row p;
    lyre_err err = app_arg_id(req, 0, &id);
    if (err != LYRE_OK)
        return err;
    db_status st = db_begin(req->db);
    if (st != DB_OK)
        return db_status_to_err(st);
    err = pl_load(req, id, 1, &p);
    if (err == LYRE_OK && p.role != PL_OWNER)
        err = pl_refuse(req, LYRE_ERR_FORBIDDEN, "Only the owner can change the cover of this playlist.");
    if (err != LYRE_OK || req->status != 200)
        goto cleanup;
    st = db_exec(req->db, NULL, NULL, "UPDATE playlists SET cover_sha256 = ? WHERE id = ?", "su", sha, id);
    if (st == DB_OK)
        st = pl_bump(req, &p, "cover", 0, sha ? "new cover" : "cover removed", 0, 0);
    if (st == DB_OK)
        st = db_commit(req->db);
    if (st != DB_OK) {
        err = db_status_to_err(st);
        goto cleanup;
    }
    if (pl_wants_json(req))
        return pl_json(req, 200, "{\"id\":%llu,\"version\":%llu,\"cover\":%s}", p.id, p.version,
                       sha ? pl_jstr(req, art_url(req->cfg, req->a, sha, 640)) : "null");
    return pl_done(req, &p);
cleanup:
    db_rollback(req->db);
    return err;
}

lyre_err post_playlist_cover(lyre_req *req)
{
    unsigned long long id;
    pl_row p;
    char sha[MEDIA_SHA_HEX];
    /* Rights first: nothing of a stranger's upload is decoded or stored. */
    lyre_err err = app_arg_id(req, 0, &id);
    if (err == LYRE_OK)
        err = pl_load(req, id, 0, &p);
    if (err == LYRE_OK && p.role != PL_OWNER)
        err = pl_refuse(req, LYRE_ERR_FORBIDDEN, "Only the owner can change the cover of this playlist.");
    if (err == LYRE_OK && req->status == 200)
        err = store_cover(req, sha);
    if (err != LYRE_OK || req->status != 200)
        return err;
    return set_cover(req, sha);
}

lyre_err post_playlist_cover_remove(lyre_req *req)
{
    return set_cover(req, NULL);
}

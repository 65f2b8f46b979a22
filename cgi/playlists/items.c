/* items.c — add, remove and move songs of a playlist.
 *
 * Every edit names the version it was made on and runs in one transaction
 * that first locks the playlist row (pl_load with lock): edits of one
 * playlist queue up behind each other, a stale version is refused with 409,
 * and positions stay 0..n-1 without a hole or a twin.  Shifting a range
 * walks it in the direction that never lands on a taken position
 * (UPDATE ... ORDER BY), so the unique key (playlist_id, position) holds at
 * every row; a moved song waits on a position no playlist can reach. */
#include "access.h"

#include <string.h>

#include "auth.h"
#include "log.h"

/* Beyond any real position (at most PL_MAX_ITEMS - 1). */
#define PARKED 4294967295ULL

/* Lock, check rights and version: the start of every edit.  On anything but
 * LYRE_OK with status 200 the transaction is rolled back and the caller
 * returns err as is. */
static lyre_err begin_edit(lyre_req *req, pl_row *p)
{
    unsigned long long id, version;
    lyre_err err = app_arg_id(req, 0, &id);
    if (err == LYRE_OK)
        err = pl_form_version(req, &version);
    if (err != LYRE_OK || req->status != 200)
        return err;
    db_status st = db_begin(req->db);
    if (st != DB_OK)
        return db_status_to_err(st);
    err = pl_load(req, id, 1, p);
    if (err == LYRE_OK && !pl_can_edit(p))
        err = pl_refuse(req, LYRE_ERR_FORBIDDEN, p->role == PL_COLLAB
            ? "The owner has turned collaboration off for this playlist."
            : "Only the owner and collaborators can change this playlist.");
    else if (err == LYRE_OK && p->version != version)
        err = pl_conflict(req, p);
    if (err != LYRE_OK || req->status != 200)
        db_rollback(req->db);
    return err;
}

/* Commit and answer, or roll back and answer the error. */
static lyre_err end_edit(lyre_req *req, pl_row *p, db_status st, lyre_err err)
{
    if (err == LYRE_OK && req->status == 200 && st == DB_OK)
        st = db_commit(req->db);
    if (err == LYRE_OK && req->status == 200 && st == DB_OK)
        return pl_done(req, p);
    db_rollback(req->db);
    return err != LYRE_OK || req->status != 200 ? err : db_status_to_err(st);
}

/* The songs to add: every "track_id" field, or the tracks of "album_id" in
 * album order.  ids/ms get n entries; *detail describes them for the log. */
static lyre_err songs_to_add(lyre_req *req, unsigned long long **ids, long long **ms, size_t *n,
                             const char **detail)
{
    const char *album = http_form(req, "album_id");
    size_t cap = req->form.count;
    *n = 0;
    if (album) {
        unsigned long long aid;
        db_result r;
        if (str_to_id(album, 4294967295ULL, &aid) != 0)
            return pl_refuse(req, LYRE_ERR_BAD_REQUEST, "The album id is not a valid number.");
        db_status st = db_query(req->db, req->a, &r,
            "SELECT t.id, t.duration_ms, al.title FROM tracks t JOIN albums al ON al.id = t.album_id "
            "WHERE t.album_id = ? ORDER BY t.disc_no, t.track_no IS NULL, t.track_no, t.id", "u", aid);
        if (st != DB_OK)
            return db_status_to_err(st);
        if (r.nrows == 0)
            return pl_refuse(req, LYRE_ERR_BAD_REQUEST, "That album does not exist or has no songs.");
        *ids = arena_calloc(req->a, r.nrows, sizeof **ids);
        *ms = arena_calloc(req->a, r.nrows, sizeof **ms);
        for (size_t i = 0; i < r.nrows; i++) {
            (*ids)[i] = (unsigned long long)db_cell_ll(&r, i, 0, 0);
            (*ms)[i] = db_cell_ll(&r, i, 1, 0);
        }
        *n = r.nrows;
        *detail = arena_printf(req->a, "album %s", db_cell(&r, 0, 2));
        return LYRE_OK;
    }
    *ids = arena_calloc(req->a, cap ? cap : 1, sizeof **ids);
    *ms = arena_calloc(req->a, cap ? cap : 1, sizeof **ms);
    for (size_t i = 0; i < req->form.count; i++) {
        const lyre_param *f = &req->form.items[i];
        if (strcmp(f->name, "track_id") != 0)
            continue;
        if (str_to_id(f->value, 4294967295ULL, &(*ids)[*n]) != 0)
            return pl_refuse(req, LYRE_ERR_BAD_REQUEST, "A track id is not a valid number.");
        (*n)++;
    }
    if (*n == 0)
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST, "Say which songs to add (track_id or album_id).");
    for (size_t i = 0; i < *n; i++) {
        db_result r;
        db_status st = db_query(req->db, req->a, &r, "SELECT duration_ms FROM tracks WHERE id = ?", "u", (*ids)[i]);
        if (st != DB_OK)
            return db_status_to_err(st);
        if (r.nrows == 0)
            return pl_refuse(req, LYRE_ERR_BAD_REQUEST,
                             arena_printf(req->a, "There is no song with the id %llu.", (*ids)[i]));
        (*ms)[i] = db_cell_ll(&r, 0, 0, 0);
    }
    *detail = *n == 1 ? "" : arena_printf(req->a, "%zu songs", *n);
    return LYRE_OK;
}

lyre_err post_playlist_add(lyre_req *req)
{
    pl_row p;
    unsigned long long *ids = NULL;
    long long *ms = NULL;
    size_t n = 0;
    const char *detail = "";
    db_status st = DB_OK;
    /* The songs are looked up before the lock: the catalog does not change under an edit. */
    lyre_err err = songs_to_add(req, &ids, &ms, &n, &detail);
    if (err != LYRE_OK || req->status != 200)
        return err;
    err = begin_edit(req, &p);
    if (err != LYRE_OK || req->status != 200)
        return err;
    unsigned long long at = p.count;
    if (http_form(req, "at")) {
        err = pl_form_num(req, "at", p.count, &at);
        if (err != LYRE_OK || req->status != 200)
            return end_edit(req, &p, st, err);
    }
    if (p.count + n > PL_MAX_ITEMS) {
        err = pl_refuse(req, LYRE_ERR_BAD_REQUEST,
            arena_printf(req->a, "A playlist holds at most %d songs; this one has %llu, so %zu more do not fit.",
                         PL_MAX_ITEMS, p.count, n));
        return end_edit(req, &p, st, err);
    }
    if (at < p.count)
        st = db_exec(req->db, NULL, NULL,
            "UPDATE playlist_items SET position = position + ? WHERE playlist_id = ? AND position >= ? "
            "ORDER BY position DESC", "uuu", (unsigned long long)n, p.id, at);
    long long total = 0;
    for (size_t i = 0; i < n && st == DB_OK; i++) {
        st = db_exec(req->db, NULL, NULL,
            "INSERT INTO playlist_items (playlist_id, position, track_id, added_by) VALUES (?, ?, ?, ?)",
            "uuuu", p.id, at + i, ids[i], req->auth->user_id);
        total += ms[i];
    }
    if (st == DB_OK)
        st = pl_bump(req, &p, "add", ids[0], n == 1 && at != p.count ? arena_printf(req->a, "at %llu", at + 1)
                     : detail, (long long)n, total);
    return end_edit(req, &p, st, LYRE_OK);
}

lyre_err post_playlist_remove(lyre_req *req)
{
    pl_row p;
    unsigned long long pos;
    db_result r;
    lyre_err err = begin_edit(req, &p);
    if (err != LYRE_OK || req->status != 200)
        return err;
    if (p.count == 0)
        return end_edit(req, &p, DB_OK, pl_refuse(req, LYRE_ERR_BAD_REQUEST, "This playlist is empty."));
    err = pl_form_num(req, "position", p.count - 1, &pos);
    if (err != LYRE_OK || req->status != 200)
        return end_edit(req, &p, DB_OK, err);
    db_result d;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT track_id FROM playlist_items WHERE playlist_id = ? AND position = ? FOR UPDATE", "uu", p.id, pos);
    if (st == DB_OK && r.nrows == 0) {
        log_error("playlist %llu: no item at position %llu of %llu", p.id, pos, p.count);
        st = DB_ERROR;
    }
    if (st == DB_OK)
        st = db_query(req->db, req->a, &d, "SELECT duration_ms FROM tracks WHERE id = ?", "u",
                      (unsigned long long)db_cell_ll(&r, 0, 0, 0));
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL, "DELETE FROM playlist_items WHERE playlist_id = ? AND position = ?",
                     "uu", p.id, pos);
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
            "UPDATE playlist_items SET position = position - 1 WHERE playlist_id = ? AND position > ? "
            "ORDER BY position", "uu", p.id, pos);
    if (st == DB_OK)
        st = pl_bump(req, &p, "remove", (unsigned long long)db_cell_ll(&r, 0, 0, 0),
                     arena_printf(req->a, "from %llu", pos + 1), -1, d.nrows ? -db_cell_ll(&d, 0, 0, 0) : 0);
    return end_edit(req, &p, st, LYRE_OK);
}

lyre_err post_playlist_move(lyre_req *req)
{
    pl_row p;
    unsigned long long from, to;
    db_result r;
    lyre_err err = begin_edit(req, &p);
    if (err != LYRE_OK || req->status != 200)
        return err;
    if (p.count == 0)
        return end_edit(req, &p, DB_OK, pl_refuse(req, LYRE_ERR_BAD_REQUEST, "This playlist is empty."));
    /* A row's button on the page sends move=FROM:TO; scripts send from and to. */
    const char *move = http_form(req, "move");
    if (move) {
        const char *colon = strchr(move, ':');
        long f = 0, t = 0;
        if (!colon || str_to_long(arena_strndup(req->a, move, (size_t)(colon - move)), 0, (long)p.count - 1, &f) != 0 ||
            str_to_long(colon + 1, 0, (long)p.count - 1, &t) != 0)
            err = pl_refuse(req, LYRE_ERR_BAD_REQUEST, arena_printf(req->a,
                "The field \"move\" must be two places from 0 to %llu as FROM:TO.", p.count - 1));
        from = (unsigned long long)f;
        to = (unsigned long long)t;
    } else {
        err = pl_form_num(req, "from", p.count - 1, &from);
        if (err == LYRE_OK && req->status == 200)
            err = pl_form_num(req, "to", p.count - 1, &to);
    }
    if (err != LYRE_OK || req->status != 200)
        return end_edit(req, &p, DB_OK, err);
    if (from == to)   /* nothing moves: no new version either */
        return end_edit(req, &p, DB_OK, LYRE_OK);
    db_status st = db_query(req->db, req->a, &r,
        "SELECT track_id FROM playlist_items WHERE playlist_id = ? AND position = ? FOR UPDATE", "uu", p.id, from);
    if (st == DB_OK && r.nrows == 0) {
        log_error("playlist %llu: no item at position %llu of %llu", p.id, from, p.count);
        st = DB_ERROR;
    }
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL, "UPDATE playlist_items SET position = ? WHERE playlist_id = ? AND position = ?",
                     "uuu", PARKED, p.id, from);
    if (st == DB_OK && from < to)
        st = db_exec(req->db, NULL, NULL,
            "UPDATE playlist_items SET position = position - 1 WHERE playlist_id = ? AND position > ? "
            "AND position <= ? ORDER BY position", "uuu", p.id, from, to);
    else if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
            "UPDATE playlist_items SET position = position + 1 WHERE playlist_id = ? AND position >= ? "
            "AND position < ? ORDER BY position DESC", "uuu", p.id, to, from);
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL, "UPDATE playlist_items SET position = ? WHERE playlist_id = ? AND position = ?",
                     "uuu", to, p.id, PARKED);
    if (st == DB_OK)
        st = pl_bump(req, &p, "move", (unsigned long long)db_cell_ll(&r, 0, 0, 0),
                     arena_printf(req->a, "from %llu to %llu", from + 1, to + 1), 0, 0);
    return end_edit(req, &p, st, LYRE_OK);
}

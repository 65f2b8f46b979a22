/* people.c — who else has a playlist: collaborators the owner invites by
 * user name (an invitation turns collaboration on), and listeners following
 * someone's public playlist. */
#include "access.h"

#include <string.h>

#include "auth.h"

/* The owner's changes to the people of p run like item edits: locked row,
 * a new version, a line in the edit log. */
static lyre_err begin_owner_edit(lyre_req *req, pl_row *p)
{
    unsigned long long id;
    lyre_err err = app_arg_id(req, 0, &id);
    if (err != LYRE_OK)
        return err;
    db_status st = db_begin(req->db);
    if (st != DB_OK)
        return db_status_to_err(st);
    err = pl_load(req, id, 1, p);
    if (err == LYRE_OK && p->role != PL_OWNER)
        err = pl_refuse(req, LYRE_ERR_FORBIDDEN, "Only the owner can choose who edits this playlist.");
    if (err != LYRE_OK || req->status != 200)
        db_rollback(req->db);
    return err;
}

static lyre_err finish(lyre_req *req, pl_row *p, db_status st)
{
    if (st == DB_OK)
        st = db_commit(req->db);
    if (st != DB_OK) {
        db_rollback(req->db);
        return db_status_to_err(st);
    }
    return pl_done(req, p);
}

lyre_err post_playlist_invite(lyre_req *req)
{
    pl_row p;
    db_result u = { 0 };
    const char *name = http_form(req, "username");
    lyre_err err = begin_owner_edit(req, &p);
    if (err != LYRE_OK || req->status != 200)
        return err;
    db_status st = DB_OK;
    const char *key = NULL;
    if (name && !auth_username_problem(name)) {
        char *k = arena_strdup(req->a, name);
        for (char *c = k; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        key = k;
        st = db_query(req->db, req->a, &u, "SELECT id, username FROM users WHERE username_key = ? AND status = 'active'",
                      "s", key);
    }
    if (st == DB_OK && (!key || u.nrows == 0))
        err = pl_refuse(req, LYRE_ERR_BAD_REQUEST, "There is no listener with that user name.");
    else if (st == DB_OK && (unsigned long long)db_cell_ll(&u, 0, 0, 0) == p.owner_id)
        err = pl_refuse(req, LYRE_ERR_BAD_REQUEST, "You own this playlist already.");
    if (err != LYRE_OK || req->status != 200) {
        db_rollback(req->db);
        return err;
    }
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
            "INSERT IGNORE INTO playlist_collaborators (playlist_id, user_id, invited_by) VALUES (?, ?, ?)",
            "uuu", p.id, (unsigned long long)db_cell_ll(&u, 0, 0, 0), req->auth->user_id);
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL, "UPDATE playlists SET is_collaborative = 1 WHERE id = ?", "u", p.id);
    if (st == DB_OK)
        st = pl_bump(req, &p, "invite", 0, db_cell(&u, 0, 1), 0, 0);
    return finish(req, &p, st);
}

lyre_err post_playlist_uninvite(lyre_req *req)
{
    pl_row p;
    unsigned long long uid;
    db_result u = { 0 };
    lyre_err err = begin_owner_edit(req, &p);
    if (err != LYRE_OK || req->status != 200)
        return err;
    const char *s = http_form(req, "user_id");
    if (!s || str_to_id(s, 4294967295ULL, &uid) != 0) {
        db_rollback(req->db);
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST, "Say which collaborator to remove (user_id).");
    }
    db_status st = db_query(req->db, req->a, &u, "SELECT username FROM users WHERE id = ?", "u", uid);
    unsigned long long gone = 0;
    if (st == DB_OK)
        st = db_exec(req->db, &gone, NULL, "DELETE FROM playlist_collaborators WHERE playlist_id = ? AND user_id = ?",
                     "uu", p.id, uid);
    if (st == DB_OK && gone == 0) {
        db_rollback(req->db);
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST, "That listener is not a collaborator of this playlist.");
    }
    if (st == DB_OK)
        st = pl_bump(req, &p, "uninvite", 0, u.nrows ? db_cell(&u, 0, 0) : "", 0, 0);
    return finish(req, &p, st);
}

static lyre_err follow(lyre_req *req, int on)
{
    unsigned long long id;
    pl_row p;
    lyre_err err = app_arg_id(req, 0, &id);
    if (err == LYRE_OK)
        err = pl_load(req, id, 0, &p);
    if (err != LYRE_OK)
        return err;
    if (on && p.role == PL_OWNER)
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST, "This is your own playlist.");
    if (on && !p.is_public)
        return pl_refuse(req, LYRE_ERR_BAD_REQUEST, "Only public playlists can be followed.");
    db_status st = on
        ? db_exec(req->db, NULL, NULL, "INSERT IGNORE INTO playlist_follows (user_id, playlist_id) VALUES (?, ?)",
                  "uu", req->auth->user_id, id)
        : db_exec(req->db, NULL, NULL, "DELETE FROM playlist_follows WHERE user_id = ? AND playlist_id = ?",
                  "uu", req->auth->user_id, id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (pl_wants_json(req))
        return pl_json(req, 200, "{\"id\":%llu,\"following\":%s}", id, on ? "true" : "false");
    return pl_done(req, &p);
}

lyre_err post_playlist_follow(lyre_req *req)
{
    return follow(req, 1);
}

lyre_err post_playlist_unfollow(lyre_req *req)
{
    return follow(req, 0);
}

/* family.c — a Family plan's owner and members: invitation links (the token
 * is shown once; only its SHA-256 is kept; it expires and serves once),
 * joining, leaving and removing.  The member limit (plans.family_members of
 * the owner's plan) holds under simultaneous joins: the owner's family_groups
 * row is locked before the members are counted, in one transaction. */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "checkout.h"
#include "crypto.h"
#include "db.h"
#include "entitlement.h"
#include "log.h"


#define INVITE_BYTES 32
#define INVITE_DAYS 7
#define INVITES_OPEN_MAX 20

/* Seats besides the owner that user's own plan gives now (0: none). */
static lyre_err family_seats(lyre_req *req, unsigned long long user, long long *seats)
{
    entitlement ent;
    db_result r;
    *seats = 0;
    lyre_err err = entitlement_get(req->db, req->a, user, &ent);
    if (err != LYRE_OK || ent.via_family)
        return err;
    db_status st = db_query(req->db, req->a, &r, "SELECT family_members FROM plans WHERE code = ?", "s",
                            ent.plan_code);
    if (st != DB_OK)
        return db_status_to_err(st);
    *seats = r.nrows ? db_cell_ll(&r, 0, 0, 0) : 0;
    return LYRE_OK;
}

static int token_hash(const char *token, uint8_t hash[CRYPTO_SHA256_LEN])
{
    uint8_t raw[INVITE_BYTES];
    if (!token || strlen(token) != 2 * INVITE_BYTES || hex_decode(token, INVITE_BYTES, raw) != 0)
        return -1;
    return crypto_sha256(token, strlen(token), hash);
}

static void add_person(xmlNodePtr parent, const char *name, const db_result *r, size_t row)
{
    xmlNodePtr p = view_elem(parent, name);
    view_attr(p, "id", db_cell(r, row, 0));
    view_text(p, "username", db_cell(r, row, 1));
    const char *dn = db_cell(r, row, 2);
    view_text(p, "name", dn && *dn ? dn : db_cell(r, row, 1));
    if (r->ncols > 3)
        view_attr(p, "since", db_cell(r, row, 3));
}

static lyre_err render_family(lyre_req *req, const char *new_link, const char *notice)
{
    unsigned long long me = req->auth->user_id;
    long long seats = 0;
    db_result members, owner, invites;
    lyre_err err = family_seats(req, me, &seats);
    if (err != LYRE_OK)
        return err;
    db_status st = db_query(req->db, req->a, &members,
        "SELECT u.id, u.username, u.display_name, DATE_FORMAT(fm.joined_at, '%Y-%m-%d')"
        " FROM family_members fm JOIN users u ON u.id = fm.member_id WHERE fm.owner_id = ?"
        " ORDER BY fm.joined_at, u.id", "u", me);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &owner,
            "SELECT u.id, u.username, u.display_name, DATE_FORMAT(fm.joined_at, '%Y-%m-%d')"
            " FROM family_members fm JOIN users u ON u.id = fm.owner_id WHERE fm.member_id = ?", "u", me);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &invites,
            "SELECT COUNT(*), DATE_FORMAT(MAX(expires_at), '%Y-%m-%d') FROM family_invites"
            " WHERE owner_id = ? AND used_by IS NULL AND expires_at > NOW(3)", "u", me);
    if (st != DB_OK)
        return db_status_to_err(st);
    xmlNodePtr b;
    lyre_view *v = billing_view(req, "Family", "family", &b);
    xmlNodePtr f = view_elem(b, "family");
    if (seats > 0 || members.nrows > 0) {
        view_attr(f, "role", "owner");
        view_attr_int(f, "seats", seats);
        view_attr_int(f, "used", (long long)members.nrows);
        for (size_t i = 0; i < members.nrows; i++)
            add_person(f, "member", &members, i);
        view_attr(f, "open-invites", db_cell(&invites, 0, 0));
        if (new_link) {
            xmlNodePtr l = view_text(f, "new-invite", new_link);
            view_attr_int(l, "days", INVITE_DAYS);
        }
    } else if (owner.nrows) {
        view_attr(f, "role", "member");
        add_person(f, "owner", &owner, 0);
    } else {
        view_attr(f, "role", "none");
    }
    if (notice)
        view_text(b, "notice", notice);
    return app_render(req, v);
}

lyre_err page_family(lyre_req *req)
{
    const char *notice = NULL;
    if (http_query(req, "joined"))
        notice = "Welcome to the family: you now have its Premium features.";
    else if (http_query(req, "left"))
        notice = "You have left the family plan.";
    else if (http_query(req, "removed"))
        notice = "The member was removed.";
    return render_family(req, NULL, notice);
}

lyre_err post_family_invite(lyre_req *req)
{
    unsigned long long me = req->auth->user_id;
    long long seats;
    uint8_t hash[CRYPTO_SHA256_LEN];
    lyre_err err = family_seats(req, me, &seats);
    if (err != LYRE_OK)
        return err;
    if (seats <= 0) {
        req->error_detail = "Only the owner of an active Family plan can invite members.";
        return LYRE_ERR_FORBIDDEN;
    }
    db_result open;
    db_status st = db_query(req->db, req->a, &open,
                            "SELECT COUNT(*) FROM family_invites WHERE owner_id = ? AND used_by IS NULL"
                            " AND expires_at > NOW(3)", "u", me);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (db_cell_ll(&open, 0, 0, 0) >= INVITES_OPEN_MAX) {
        req->error_detail = "You have many unused invitation links open; wait until some are used or expire.";
        return LYRE_ERR_CONFLICT;
    }
    const char *token = crypto_token_hex(req->a, INVITE_BYTES);
    if (!token || token_hash(token, hash) != 0)
        return LYRE_ERR_INTERNAL;
    st = db_exec(req->db, NULL, NULL, "INSERT IGNORE INTO family_groups (owner_id) VALUES (?)", "u", me);
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
                     "INSERT INTO family_invites (owner_id, token_hash, expires_at)"
                     " VALUES (?, ?, NOW(3) + INTERVAL ? DAY)",
                     "ubi", me, hash, sizeof hash, (long long)INVITE_DAYS);
    if (st != DB_OK)
        return db_status_to_err(st);
    /* Shown on this answer only (no redirect): the page is not cached. */
    return render_family(req, arena_printf(req->a, "%s/family/join/%s", req->cfg->base_url, token), NULL);
}

/* The valid invitation's owner, or NULL. */
static const char *invite_owner(lyre_req *req, const uint8_t *hash, db_result *r, db_status *st)
{
    *st = db_query(req->db, req->a, r,
                   "SELECT u.id, u.username, u.display_name FROM family_invites i JOIN users u ON u.id = i.owner_id"
                   " WHERE i.token_hash = ? AND i.used_by IS NULL AND i.expires_at > NOW(3)",
                   "b", hash, (size_t)CRYPTO_SHA256_LEN);
    return *st == DB_OK && r->nrows ? db_cell(r, 0, 0) : NULL;
}

static lyre_err join_refused(lyre_req *req, int status, const char *why)
{
    xmlNodePtr b;
    lyre_view *v = billing_view(req, "Family invitation", "join-refused", &b);
    view_text(b, "message", why);
    req->status = status;
    return app_render(req, v);
}

lyre_err page_family_join(lyre_req *req)
{
    uint8_t hash[CRYPTO_SHA256_LEN];
    db_result r;
    db_status st;
    if (token_hash(req->route_args[0], hash) != 0)
        return join_refused(req, 404, "This invitation link is not valid.");
    if (!invite_owner(req, hash, &r, &st)) {
        if (st != DB_OK)
            return db_status_to_err(st);
        return join_refused(req, 404, "This invitation link is not valid, has been used, or has expired.");
    }
    xmlNodePtr b;
    lyre_view *v = billing_view(req, "Join a family plan", "join", &b);
    xmlNodePtr f = view_elem(b, "family");
    add_person(f, "owner", &r, 0);
    view_text(f, "token", req->route_args[0]);
    return app_render(req, v);
}

lyre_err post_family_join(lyre_req *req)
{
    unsigned long long me = req->auth->user_id;
    uint8_t hash[CRYPTO_SHA256_LEN];
    db_result r, inv, cnt;
    db_status st;
    const char *why = NULL;
    int why_status = 409;
    long long seats = 0;
    if (token_hash(req->route_args[0], hash) != 0)
        return join_refused(req, 404, "This invitation link is not valid.");
    /* The owner is read before the transaction: its snapshot must start after the lock. */
    const char *owner_s = invite_owner(req, hash, &r, &st);
    if (!owner_s) {
        if (st != DB_OK)
            return db_status_to_err(st);
        return join_refused(req, 404, "This invitation link is not valid, has been used, or has expired.");
    }
    unsigned long long owner = strtoull(owner_s, NULL, 10);
    if (owner == me)
        return join_refused(req, 409, "This is your own family plan.");
    db_result own;
    if ((st = db_query(req->db, req->a, &own, "SELECT 1 FROM family_members WHERE owner_id = ? LIMIT 1", "u",
                       me)) != DB_OK)
        return db_status_to_err(st);
    if (own.nrows)
        return join_refused(req, 409, "You have a family plan with members of your own.");
    if ((st = db_begin(req->db)) != DB_OK)
        goto failed;
    /* Everyone joining this family queues here; the counts below are locking
     * reads, so they see what the ones before committed. */
    if ((st = db_query(req->db, req->a, &r, "SELECT owner_id FROM family_groups WHERE owner_id = ? FOR UPDATE",
                       "u", owner)) != DB_OK)
        goto failed;
    if ((st = db_query(req->db, req->a, &inv,
                       "SELECT id FROM family_invites WHERE token_hash = ? AND used_by IS NULL"
                       " AND expires_at > NOW(3) FOR UPDATE", "b", hash, sizeof hash)) != DB_OK)
        goto failed;
    if (r.nrows == 0 || inv.nrows == 0) {
        why = "This invitation link has just been used or has expired.";
        why_status = 404;
        goto refused;
    }
    lyre_err err = family_seats(req, owner, &seats);
    if (err != LYRE_OK) {
        db_rollback(req->db);
        return err;
    }
    if (seats <= 0) {
        why = "This family plan is not active.";
        goto refused;
    }
    if ((st = db_query(req->db, req->a, &cnt, "SELECT COUNT(*) FROM family_members WHERE owner_id = ? FOR UPDATE",
                       "u", owner)) != DB_OK)
        goto failed;
    if (db_cell_ll(&cnt, 0, 0, 0) >= seats) {
        why = "This family plan is full.";
        goto refused;
    }
    st = db_exec(req->db, NULL, NULL, "INSERT INTO family_members (owner_id, member_id) VALUES (?, ?)", "uu",
                 owner, me);
    if (st == DB_DUPLICATE) {
        why = "You are already a member of a family plan. Leave it first.";
        goto refused;
    }
    if (st != DB_OK)
        goto failed;
    if ((st = db_exec(req->db, NULL, NULL, "UPDATE family_invites SET used_by = ?, used_at = NOW(3) WHERE id = ?",
                      "us", me, db_cell(&inv, 0, 0))) != DB_OK
        || (st = db_commit(req->db)) != DB_OK)
        goto failed;
    log_info("user %llu joined the family of %llu", me, owner);
    http_redirect(req, 303, "/family?joined=1");
    return LYRE_OK;
refused:
    db_rollback(req->db);
    return join_refused(req, why_status, why);
failed:
    db_rollback(req->db);
    return db_status_to_err(st);
}

lyre_err post_family_leave(lyre_req *req)
{
    db_status st = db_exec(req->db, NULL, NULL, "DELETE FROM family_members WHERE member_id = ?", "u",
                           req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    http_redirect(req, 303, "/family?left=1");
    return LYRE_OK;
}

lyre_err post_family_remove(lyre_req *req)
{
    unsigned long long member;
    const char *m = http_form(req, "member");
    if (!m || str_to_id(m, 4294967295ULL, &member) != 0) {
        req->error_detail = "Which member? The form did not say.";
        return LYRE_ERR_BAD_REQUEST;
    }
    db_status st = db_exec(req->db, NULL, NULL, "DELETE FROM family_members WHERE owner_id = ? AND member_id = ?",
                           "uu", req->auth->user_id, member);
    if (st != DB_OK)
        return db_status_to_err(st);
    http_redirect(req, 303, "/family?removed=1");
    return LYRE_OK;
}

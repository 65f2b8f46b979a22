/* verify.c — GET /verify/{token}: the link of a confirmation mail marks its
 * address as the account's, verified; POST /verify/resend (signed in) sends
 * a new link.  A link that does not work any more gets a page that says so
 * and how to get a new one, never an error. */
#include "signin.h"

#include <string.h>

#include "db.h"
#include "log.h"
#include "throttle.h"

/* state: "ok", "invalid" (unknown, used or expired link), "taken" (the
 * address went to another account meanwhile), "sent", "already",
 * "no-email". */
static lyre_err render_verify(lyre_req *req, const char *state, const char *email, int status)
{
    static const struct { const char *state, *title; } titles[] = {
        { "ok", "Email address confirmed" },
        { "invalid", "This link does not work any more" },
        { "taken", "This address belongs to another account" },
        { "sent", "Check your mail" },
        { "already", "Email address confirmed" },
        { "no-email", "No email address yet" },
    };
    const char *title = "Email address";
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
        if (strcmp(titles[i].state, state) == 0)
            title = titles[i].title;
    lyre_view *v = view_new("verify", title);
    xmlNodePtr e = view_elem(view_content(v), "verify");
    view_attr(e, "state", state);
    if (req->auth)
        view_attr(e, "signed-in", "1");
    if (email && *email)
        view_text(e, "email", email);
    return signin_render(req, v, status);
}

lyre_err page_verify(lyre_req *req)
{
    const char *token = req->route_nargs > 0 ? req->route_args[0] : "";
    unsigned long long user_id = 0;
    const char *email = NULL;
    const char *state = "invalid";
    int status = 410;
    if (!email_token_wellformed(token))
        return render_verify(req, state, NULL, status);
    db_status st = db_begin(req->db);
    if (st != DB_OK)
        return db_status_to_err(st);
    lyre_err err = email_token_use(req, "verify", token, &user_id, &email);
    if (err != LYRE_OK)
        goto cleanup;
    st = db_exec(req->db, NULL, NULL,
                 "UPDATE users SET email = ?, email_key = ?, email_verified_at = NOW(3) WHERE id = ?", "ssu",
                 email, signin_lower(req->a, email), user_id);
    if (st == DB_DUPLICATE) {
        /* Another account confirmed this address first; the link stays unspent. */
        state = "taken";
        status = 409;
        goto cleanup;
    }
    if (st == DB_OK)
        st = db_commit(req->db);
    if (st != DB_OK) {
        err = db_status_to_err(st);
        goto cleanup;
    }
    state = "ok";
    status = 200;
    log_info("user %llu confirmed their email address", user_id);
    /* A changed address is a change of privilege: the session gets a new id. */
    if (req->auth && req->auth->user_id == user_id && session_rotate(req) != LYRE_OK)
        log_warn("could not rotate the session of user %llu", user_id);
cleanup:
    if (status != 200)
        db_rollback(req->db);
    if (err != LYRE_OK && err != LYRE_ERR_NOT_FOUND)
        return err;
    return render_verify(req, state, status == 410 ? NULL : email, status);
}

lyre_err post_verify_resend(lyre_req *req)
{
    const lyre_auth *au = req->auth;
    db_result r;
    if (!au)
        return LYRE_ERR_UNAUTHORIZED;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT email, email_key, email_verified_at IS NOT NULL FROM users WHERE id = ?", "u", au->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows != 1)
        return LYRE_ERR_UNAUTHORIZED;
    const char *email = db_cell(&r, 0, 0);
    if (!email || !*email)
        return render_verify(req, "no-email", NULL, 400);
    if (db_cell(&r, 0, 1) && db_cell_ll(&r, 0, 2, 0))
        return render_verify(req, "already", email, 200);

    long wait = throttle_rate(req, "reset-ip", session_client_ip(req), req->cfg->reset_per_hour);
    if (wait < 0)
        return LYRE_ERR_DB_DOWN;
    if (wait > 0)
        return signin_too_many(req, wait, "mails asked for");

    /* An address another account holds gets its owner's notice again, as at
     * sign-up (signup.c): what this page says must not depend on it. */
    unsigned long long owner = 0;
    if (!db_cell(&r, 0, 1)) {
        db_result o;
        st = db_query(req->db, req->a, &o, "SELECT id FROM users WHERE email_key = ? AND id <> ?", "su",
                      signin_lower(req->a, email), au->user_id);
        if (st != DB_OK)
            return db_status_to_err(st);
        if (o.nrows == 1)
            owner = (unsigned long long)db_cell_ll(&o, 0, 0, 0);
    }
    lyre_err err = owner ? email_token_notice(req, owner, email)
                         : email_token_send(req, au->user_id, "verify", email);
    if (err == LYRE_ERR_TOO_MANY) {
        long seconds = req->retry_after;
        req->retry_after = 0;   /* our page sends Retry-After itself */
        return signin_too_many(req, seconds, "mails to this address");
    }
    if (err != LYRE_OK)
        return err;
    return render_verify(req, "sent", email, 200);
}

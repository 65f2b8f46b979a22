/* reset.c — a forgotten password: GET/POST /reset asks for a user name or
 * an email address and mails a link; GET/POST /reset/{token} sets the new
 * password.
 *
 * The request always answers the same sentence, in about the same time,
 * whether the account exists or not (a found account's mail is paced by the
 * recent cost of sending one; see pace()).  Setting the password spends the
 * link, every other reset link of the account, and every session of the
 * account.  It does not sign in: the link proves access to the mailbox, not
 * who sits at this browser later, and signing in on the login form lets the
 * browser's password manager save the new password. */
#include "signin.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "password.h"
#include "throttle.h"

#define SENT "If an account exists for what you typed and it has an email address, we have sent it a link to choose a new password. The link works for 30 minutes."

/* ------------------------------------------------------------ asking for a link */

static lyre_err render_request(lyre_req *req, const char *state, const char *login, const char *error, int status)
{
    lyre_view *v = view_new("reset-request", strcmp(state, "sent") == 0 ? "Check your mail" : "Reset your password");
    xmlNodePtr form = view_elem(view_content(v), "form");
    view_attr(form, "state", state);
    if (strcmp(state, "sent") == 0)
        view_text(form, "notice", SENT);
    if (error)
        view_text(form, "error", "Please correct the marked field.");
    signin_field(form, "login", login, error);
    return signin_render(req, v, status);
}

lyre_err page_reset_request(lyre_req *req)
{
    return render_request(req, "ask", "", NULL, 200);
}

/* How long a found account's answer took lately (a worker's moving average,
 * milliseconds); an unknown one waits as long.  Starts at a typical
 * sendmail run so the first answers of a worker are not the odd ones out. */
static long send_cost_ms = 40;

static void pace(const struct timespec *start, int sent)
{
    long spent = signin_ms_since(start);
    if (sent) {
        send_cost_ms = (send_cost_ms * 7 + spent) / 8;
        return;
    }
    long left = send_cost_ms - spent;
    if (left <= 0)
        return;
    if (left > 5000)
        left = 5000;
    struct timespec ts = { left / 1000, (left % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

lyre_err post_reset_request(lyre_req *req)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    const char *login = signin_form_text(req, "login");
    if (!*login)
        return render_request(req, "ask", login, "Enter your user name or email address.", 400);
    if (strlen(login) > SIGNIN_LOGIN_MAX)
        return render_request(req, "ask", login, "This is longer than any user name or email address can be.", 400);

    long wait = throttle_rate(req, "reset-ip", session_client_ip(req), req->cfg->reset_per_hour);
    if (wait < 0)
        return LYRE_ERR_DB_DOWN;
    if (wait > 0)
        return signin_too_many(req, wait, "reset requests");

    const char *key = signin_lower(req->a, login);
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        strchr(key, '@')
            ? "SELECT id, email FROM users WHERE email_key = ? AND status = 'active' AND email_key IS NOT NULL"
            : "SELECT id, email FROM users WHERE username_key = ? AND status = 'active' AND email_key IS NOT NULL",
        "s", key);
    if (st != DB_OK)
        return db_status_to_err(st);
    int sent = 0;
    if (r.nrows == 1 && db_cell(&r, 0, 1) && *db_cell(&r, 0, 1)) {
        unsigned long long user_id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
        lyre_err err = email_token_send(req, user_id, "reset", db_cell(&r, 0, 1));
        if (err == LYRE_ERR_DB_DOWN)
            return err;
        /* Over the address's quota, or the mail failed: the answer stays the same. */
        if (err != LYRE_OK)
            log_warn("reset link for user %llu not sent (%d)", user_id, (int)err);
        else
            log_info("reset link sent for user %llu", user_id);
        sent = err == LYRE_OK;
    }
    pace(&start, sent);
    req->retry_after = 0;
    return render_request(req, "sent", "", NULL, 200);
}

/* ------------------------------------------------------------ the new password */

typedef struct reset_form {
    const char *state;        /* "ask", "done", "invalid" */
    const char *token, *username;
    const char *error, *password_error, *password2_error;
} reset_form;

static lyre_err render_reset(lyre_req *req, const reset_form *f, int status)
{
    const char *title = strcmp(f->state, "done") == 0      ? "Password changed"
                        : strcmp(f->state, "invalid") == 0 ? "This link does not work any more"
                                                           : "Choose a new password";
    lyre_view *v = view_new("reset", title);
    xmlNodePtr form = view_elem(view_content(v), "form");
    view_attr(form, "state", f->state);
    if (strcmp(f->state, "ask") == 0) {
        view_attr(form, "token", f->token);
        if (f->username)
            view_text(form, "username", f->username);
        if (f->error)
            view_text(form, "error", f->error);
        signin_field(form, "password", NULL, f->password_error);
        signin_field(form, "password2", NULL, f->password2_error);
    }
    return signin_render(req, v, status);
}

/* The live token of the address and its account: LYRE_OK, LYRE_ERR_NOT_FOUND
 * or a database error. */
static lyre_err find_token(lyre_req *req, reset_form *f, unsigned long long *user_id, const char **email,
                           const char **username_key)
{
    f->token = req->route_nargs > 0 ? req->route_args[0] : "";
    lyre_err err = email_token_peek(req, "reset", f->token, user_id, email);
    if (err != LYRE_OK)
        return err;
    db_result r;
    db_status st = db_query(req->db, req->a, &r, "SELECT username, username_key FROM users WHERE id = ?", "u",
                            *user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows != 1)
        return LYRE_ERR_NOT_FOUND;
    f->username = db_cell(&r, 0, 0);
    if (username_key)
        *username_key = db_cell(&r, 0, 1);
    return LYRE_OK;
}

lyre_err page_reset(lyre_req *req)
{
    reset_form f = { .state = "ask" };
    unsigned long long user_id;
    const char *email;
    lyre_err err = find_token(req, &f, &user_id, &email, NULL);
    if (err == LYRE_ERR_NOT_FOUND) {
        f.state = "invalid";
        return render_reset(req, &f, 410);
    }
    if (err != LYRE_OK)
        return err;
    return render_reset(req, &f, 200);
}

lyre_err post_reset(lyre_req *req)
{
    reset_form f = { .state = "ask" };
    unsigned long long user_id = 0, spent_user = 0;
    const char *email = NULL, *spent_email = NULL, *username_key = NULL;
    lyre_err err = find_token(req, &f, &user_id, &email, &username_key);
    if (err == LYRE_ERR_NOT_FOUND) {
        f.state = "invalid";
        return render_reset(req, &f, 410);
    }
    if (err != LYRE_OK)
        return err;

    const char *password = signin_form_raw(req, "password");
    const char *password2 = signin_form_raw(req, "password2");
    f.password_error = *password ? password_problem(req->cfg, password, f.username, email) : "Choose a password.";
    if (!f.password_error && strcmp(password, password2) != 0)
        f.password2_error = *password2 ? "The two passwords differ." : "Type the password again.";
    if (f.password_error || f.password2_error) {
        f.error = "Please correct the marked fields.";
        return render_reset(req, &f, 400);
    }
    const char *hash = password_hash(req->cfg, req->a, password);
    if (!hash)
        return LYRE_ERR_INTERNAL;

    db_status st = db_begin(req->db);
    if (st != DB_OK)
        return db_status_to_err(st);
    err = email_token_use(req, "reset", f.token, &spent_user, &spent_email);
    if (err == LYRE_OK && spent_user != user_id)
        err = LYRE_ERR_NOT_FOUND;
    if (err != LYRE_OK)
        goto cleanup;
    /* The link came to the account's address: that proves the address too. */
    st = db_exec(req->db, NULL, NULL,
        "UPDATE users SET password_hash = ?, password_changed_at = NOW(3), "
        "email_verified_at = IF(email_key = ? AND email_verified_at IS NULL, NOW(3), email_verified_at) "
        "WHERE id = ?",
        "ssu", hash, signin_lower(req->a, spent_email), user_id);
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
            "UPDATE email_tokens SET used_at = NOW(3) WHERE user_id = ? AND purpose = 'reset' AND used_at IS NULL",
            "u", user_id);
    if (st == DB_OK)
        st = db_commit(req->db);
    err = db_status_to_err(st);
cleanup:
    if (err != LYRE_OK) {
        db_rollback(req->db);
        if (err != LYRE_ERR_NOT_FOUND)
            return err;
        /* Spent by a second submit racing this one. */
        f.state = "invalid";
        return render_reset(req, &f, 410);
    }
    log_info("user %llu set a new password through a reset link", user_id);
    err = session_end_all(req, user_id, 0);
    if (err != LYRE_OK)
        return err;
    throttle_clear(req, "login-account", username_key);
    f.state = "done";
    return render_reset(req, &f, 200);
}

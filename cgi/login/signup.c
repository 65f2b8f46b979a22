/* signup.c — GET/POST /signup: a user name, an email address and a
 * password make an account, which is signed in at once; a link to confirm
 * the address goes out by mail.
 *
 * An address that already has an account is never revealed.  The sign-up
 * goes through exactly as for a new address — the account is made, signed
 * in, sent on to next, with the same status and after the same work — but
 * the new account does not get the address (email_key stays NULL, so it
 * cannot sign in or reset by it), and the mail to that address is not a
 * confirmation link but a notice to its owner: someone tried to sign up
 * with it, here is a link to reset your password if it was you.  So the
 * page, the headers and the time of the answer are the same whether the
 * address was taken or not; only the mailbox's owner learns the difference.
 * (Telling the person "check your mail" instead of signing them in would
 * itself be the tell, since a new address signs in at once.)
 * A user name, in contrast, is public: a taken one is said plainly. */
#include "signin.h"

#include <string.h>

#include "db.h"
#include "log.h"
#include "password.h"
#include "throttle.h"


typedef struct signup_form {
    const char *username, *email, *next;
    const char *error;
    const char *username_error, *email_error, *password_error, *password2_error;
} signup_form;

static lyre_err render_signup(lyre_req *req, const signup_form *f, int status)
{
    lyre_view *v = view_new("signup", "Create your account");
    xmlNodePtr content = view_content(v);
    xmlNodePtr form = view_elem(content, "form");
    signin_next(req, form, f->next);
    if (f->error)
        view_text(form, "error", f->error);
    signin_field(form, "username", f->username, f->username_error);
    signin_field(form, "email", f->email, f->email_error);
    signin_field(form, "password", NULL, f->password_error);
    signin_field(form, "password2", NULL, f->password2_error);
    signin_providers(req, content, f->next);
    return signin_render(req, v, status);
}

lyre_err page_signup(lyre_req *req)
{
    signup_form f = { .username = "", .email = "", .next = login_next(req, http_query(req, "next")) };
    if (req->auth)
        return http_redirect(req, 303, f.next) == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
    return render_signup(req, &f, 200);
}

static const char *email_problem(const char *e)
{
    if (!*e)
        return "Enter your email address.";
    if (strlen(e) > 254)
        return "An email address has at most 254 characters.";
    if (!auth_email_valid(e))
        return "This does not look like an email address (name@example.com).";
    return NULL;
}

/* 1 when a user holds the key in column (username_key or email_key); -1 on
 * a database error (*st set). */
static int key_owner(lyre_req *req, const char *sql, const char *key, unsigned long long *owner, db_status *st)
{
    db_result r;
    *owner = 0;
    *st = db_query(req->db, req->a, &r, sql, "s", key);
    if (*st != DB_OK)
        return -1;
    if (r.nrows == 0)
        return 0;
    *owner = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    return 1;
}

#define SQL_BY_USERNAME "SELECT id FROM users WHERE username_key = ?"
#define SQL_BY_EMAIL "SELECT id FROM users WHERE email_key = ?"
#define TAKEN "This user name is taken. Please choose another."

lyre_err post_signup(lyre_req *req)
{
    const lyre_config *cfg = req->cfg;
    const char *password = signin_form_raw(req, "password");
    const char *password2 = signin_form_raw(req, "password2");
    signup_form f = { .username = signin_form_text(req, "username"), .email = signin_form_text(req, "email"),
                      .next = login_next(req, http_form(req, "next")) };
    f.username_error = auth_username_problem(f.username);
    f.email_error = email_problem(f.email);
    if (!*password)
        f.password_error = "Choose a password.";
    else
        f.password_error = password_problem(cfg, password, f.username, f.email);
    if (!f.password_error && strcmp(password, password2) != 0)
        f.password2_error = *password2 ? "The two passwords differ." : "Type the password again.";
    if (f.username_error || f.email_error || f.password_error || f.password2_error) {
        f.error = "Please correct the marked fields.";
        return render_signup(req, &f, 400);
    }

    /* Counted once the form is right: a typo does not use up the hour. */
    long wait = throttle_rate(req, "signup-ip", session_client_ip(req), cfg->signup_per_hour);
    if (wait < 0)
        return LYRE_ERR_DB_DOWN;
    if (wait > 0)
        return signin_too_many(req, wait, "new accounts");

    const char *ukey = signin_lower(req->a, f.username);
    const char *ekey = signin_lower(req->a, f.email);
    unsigned long long owner = 0, user_id = 0;
    db_status st;
    int taken = key_owner(req, SQL_BY_USERNAME, ukey, &owner, &st);
    if (taken < 0)
        return db_status_to_err(st);
    if (taken) {
        f.username_error = TAKEN;
        f.error = "Please correct the marked fields.";
        return render_signup(req, &f, 409);
    }
    const char *hash = password_hash(cfg, req->a, password);
    if (!hash)
        return LYRE_ERR_INTERNAL;

    /* Twice at most: a sign-up racing ours may take the name or the address
     * between the check and the insert. */
    for (int round = 0; round < 2; round++) {
        if (key_owner(req, SQL_BY_EMAIL, ekey, &owner, &st) < 0)
            return db_status_to_err(st);
        st = db_exec(req->db, NULL, &user_id,
            "INSERT INTO users (username, username_key, email, email_key, password_hash, password_changed_at) "
            "VALUES (?, ?, ?, ?, ?, NOW(3))",
            "sssss", f.username, ukey, f.email, owner ? NULL : ekey, hash);
        if (st != DB_DUPLICATE)
            break;
        taken = key_owner(req, SQL_BY_USERNAME, ukey, &owner, &st);
        if (taken < 0)
            return db_status_to_err(st);
        if (taken) {
            f.username_error = TAKEN;
            f.error = "Please correct the marked fields.";
            return render_signup(req, &f, 409);
        }
    }
    if (st != DB_OK)
        return db_status_to_err(st);
    log_info("user %llu signed up as %s", user_id, ukey);

    /* The account exists either way: a mail that cannot go out now can be
     * asked for again from the account page. */
    lyre_err err = owner ? email_token_notice(req, owner, f.email)
                         : email_token_send(req, user_id, "verify", f.email);
    if (err == LYRE_ERR_DB_DOWN)
        return err;
    if (err != LYRE_OK)
        log_warn("sign-up of user %llu: the mail to confirm the address was not sent", user_id);
    req->retry_after = 0;
    return login_complete(req, user_id, "password", f.next);
}

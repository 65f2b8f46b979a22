/* login.c — GET/POST /login (a user name or an email address, and the
 * password), the second step for accounts with TOTP (GET/POST /login/mfa),
 * POST /logout, what every first factor ends with (login_complete,
 * login_next), and the small helpers the sign-in pages share (signin.h).
 *
 * A failed sign-in always answers 401 with the form and SIGNIN_WRONG,
 * whether the name is unknown, the password wrong or the account disabled;
 * an unknown name costs one argon2 run like a known one
 * (password_waste_time), and both are counted by the throttle. */
#include "signin.h"

#include <string.h>

#include "db.h"
#include "log.h"
#include "password.h"
#include "throttle.h"

#define MFA_COOKIE "lyre_mfa"
#define MFA_TTL 300          /* seconds to type the code */
#define MFA_MAX_FAILS 5      /* wrong codes before the flow is dropped */
#define MFA_CODE_MAX 32
#define NEXT_MAX 2048

/* ------------------------------------------------------------ shared helpers */

char *signin_lower(arena *a, const char *s)
{
    char *out = arena_strdup(a, s ? s : "");
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

xmlNodePtr signin_field(xmlNodePtr form, const char *name, const char *value, const char *error)
{
    xmlNodePtr f = view_elem(form, "field");
    view_attr(f, "name", name);
    if (value)
        view_attr(f, "value", value);
    if (error)
        view_attr(f, "error", error);
    return f;
}

const char *signin_form_raw(lyre_req *req, const char *name)
{
    const char *v = http_form(req, name);
    return v ? v : "";
}

const char *signin_form_text(lyre_req *req, const char *name)
{
    const char *v = signin_form_raw(req, name);
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    return arena_strndup(req->a, v, n);
}

lyre_err signin_too_many(lyre_req *req, long seconds, const char *what)
{
    if (seconds < 1)
        seconds = 1;
    /* Our own page rather than the error page: it keeps the sign-in look and
     * leads back to the form. */
    lyre_view *v = view_new("signin-wait", "Too many attempts");
    xmlNodePtr w = view_elem(view_content(v), "wait");
    view_attr_int(w, "seconds", seconds);
    if (seconds >= 120)
        view_attr_int(w, "minutes", (seconds + 59) / 60);
    view_attr(w, "what", what);
    view_attr(w, "back", strcmp(req->path, "/verify/resend") == 0 ? "/account" : req->path);
    http_set_header(req, "Retry-After", arena_printf(req->a, "%ld", seconds));
    return signin_render(req, v, 429);
}

lyre_err signin_render(lyre_req *req, lyre_view *v, int status)
{
    req->status = status;
    /* Forms carry the visitor's CSRF token: never for a shared cache. */
    http_set_header(req, "Cache-Control", "no-store");
    return app_render(req, v);
}

void signin_next(lyre_req *req, xmlNodePtr form, const char *next)
{
    view_attr(form, "next", next);
    view_attr(form, "next-q", url_encode(req->a, next));
}

void signin_providers(lyre_req *req, xmlNodePtr parent, const char *next)
{
    const lyre_config *cfg = req->cfg;
    if (cfg->n_oidc_providers == 0)
        return;
    xmlNodePtr list = view_elem(parent, "providers");
    view_attr(list, "next-q", url_encode(req->a, next));
    for (size_t i = 0; i < cfg->n_oidc_providers; i++) {
        const lyre_oidc_provider *p = &cfg->oidc_providers[i];
        xmlNodePtr e = view_elem(list, "provider");
        view_attr(e, "name", p->name);
        view_attr(e, "title", p->title && *p->title ? p->title : p->name);
    }
}

long signin_ms_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - start->tv_sec) * 1000L + (now.tv_nsec - start->tv_nsec) / 1000000L;
}

/* ------------------------------------------------------------ next, complete */

const char *login_next(lyre_req *req, const char *next)
{
    static const char *const loops[] = { "/login", "/logout", "/signup", "/reset", "/verify" };
    if (!next || next[0] != '/' || strlen(next) > NEXT_MAX || strstr(next, "//") || strchr(next, '\\'))
        return "/";
    /* After signing in, a sign-in page again would be a loop. */
    for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++) {
        size_t n = strlen(loops[i]);
        if (strncmp(next, loops[i], n) == 0 && strchr("/?#", next[n]))
            return "/";
    }
    strbuf out = STRBUF_INIT;
    const char *result = "/";
    for (const unsigned char *p = (const unsigned char *)next; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            goto cleanup;
        /* Location carries bytes, not text: non-ASCII goes percent-encoded. */
        if (*p >= 0x80 || strchr(" \"<>`", *p))
            sb_addf(&out, "%%%02X", *p);
        else
            sb_addc(&out, (char)*p);
    }
    result = arena_strdup(req->a, out.buf);
cleanup:
    sb_free(&out);
    return result;
}

static void set_mfa_cookie(lyre_req *req, const char *token, int max_age)
{
    http_set_header(req, "Set-Cookie",
                    arena_printf(req->a, "%s=%s; Path=/login; Max-Age=%d; HttpOnly; SameSite=Lax%s", MFA_COOKIE,
                                 token, max_age, req->https ? "; Secure" : ""));
}

static lyre_err redirect(lyre_req *req, const char *location)
{
    return http_redirect(req, 303, location) == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
}

lyre_err login_complete(lyre_req *req, unsigned long long user_id, const char *method, const char *next)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT status, totp_enabled_at IS NOT NULL FROM users WHERE id = ?", "u", user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows != 1 || strcmp(db_cell(&r, 0, 0), "active") != 0) {
        req->error_detail = SIGNIN_WRONG;
        return LYRE_ERR_UNAUTHORIZED;
    }
    next = login_next(req, next);
    lyre_err err;
    if (db_cell_ll(&r, 0, 1, 0)) {
        /* The first factor passed: only the flow knows it, not a session. */
        const char *token = NULL;
        err = authflow_start(req, "mfa", user_id, arena_printf(req->a, "%s\n%s", method, next), MFA_TTL, &token);
        if (err != LYRE_OK)
            return err;
        set_mfa_cookie(req, token, MFA_TTL);
        return redirect(req, "/login/mfa");
    }
    err = session_start(req, user_id, method);
    if (err != LYRE_OK)
        return err;
    return redirect(req, next);
}

/* ------------------------------------------------------------ the login form */

typedef struct login_form {
    const char *login, *next;
    const char *error;           /* the sentence above the form */
    const char *notice;          /* a calm one ("Your sign-in expired...") */
    const char *login_error, *password_error;
} login_form;

static lyre_err render_login(lyre_req *req, const login_form *f, int status)
{
    lyre_view *v = view_new("login", "Sign in");
    xmlNodePtr content = view_content(v);
    xmlNodePtr form = view_elem(content, "form");
    signin_next(req, form, f->next);
    if (f->notice)
        view_text(form, "notice", f->notice);
    if (f->error)
        view_text(form, "error", f->error);
    /* A wrong pair marks both fields: which one was wrong is not said. */
    int wrong = f->error && strcmp(f->error, SIGNIN_WRONG) == 0;
    signin_field(form, "login", f->login, f->login_error ? f->login_error : wrong ? "" : NULL);
    signin_field(form, "password", NULL, f->password_error ? f->password_error : wrong ? "" : NULL);
    signin_providers(req, content, f->next);
    return signin_render(req, v, status);
}

lyre_err page_login(lyre_req *req)
{
    login_form f = { .login = "", .next = login_next(req, http_query(req, "next")) };
    if (req->auth)
        return redirect(req, f.next);
    return render_login(req, &f, 200);
}

/* The account a login name names: by email when it has an '@'. */
static db_status find_account(lyre_req *req, const char *key, db_result *r)
{
    return db_query(req->db, req->a, r,
        strchr(key, '@')
            ? "SELECT id, username_key, password_hash, status, totp_enabled_at IS NOT NULL FROM users WHERE email_key = ?"
            : "SELECT id, username_key, password_hash, status, totp_enabled_at IS NOT NULL FROM users WHERE username_key = ?",
        "s", key);
}

/* Both throttles: 0 to go on, else the seconds to wait; -1 database down. */
static long throttle_both(lyre_req *req, const char *account)
{
    long a = throttle_wait(req, "login-account", account);
    long b = throttle_wait(req, "login-ip", session_client_ip(req));
    if (a < 0 || b < 0)
        return -1;
    return a > b ? a : b;
}

static long fail_both(lyre_req *req, const char *account)
{
    long b = throttle_fail(req, "login-ip", session_client_ip(req));
    long a = throttle_fail(req, "login-account", account);
    return (a < 0 || b < 0) ? -1 : 0;
}

lyre_err post_login(lyre_req *req)
{
    const lyre_config *cfg = req->cfg;
    const char *password = signin_form_raw(req, "password");
    login_form f = { .login = signin_form_text(req, "login"),
                     .next = login_next(req, http_form(req, "next")) };
    if (!*f.login)
        f.login_error = "Enter your user name or email address.";
    else if (strlen(f.login) > SIGNIN_LOGIN_MAX)
        f.login_error = "This is longer than any user name or email address can be.";
    if (!*password)
        f.password_error = "Enter your password.";
    else if (strlen(password) > PASSWORD_MAX_BYTES)
        f.password_error = "This is longer than any password can be (256 bytes).";
    if (f.login_error || f.password_error) {
        f.error = "Please correct the marked fields.";
        return render_login(req, &f, 400);
    }

    const char *key = signin_lower(req->a, f.login);
    db_result r;
    db_status st = find_account(req, key, &r);
    if (st != DB_OK)
        return db_status_to_err(st);
    int found = r.nrows == 1;
    /* One counter per account, whichever of its names was typed. */
    const char *subject = found ? db_cell(&r, 0, 1) : key;
    long wait = throttle_both(req, subject);
    if (wait < 0)
        return LYRE_ERR_DB_DOWN;
    if (wait > 0)
        return signin_too_many(req, wait, "failed sign-ins");

    const char *hash = found ? db_cell(&r, 0, 2) : NULL;
    int ok;
    if (hash && *hash) {
        ok = password_verify(hash, password);
    } else {
        /* Unknown, or an account that signs in only through a provider. */
        password_waste_time(cfg, password);
        ok = 0;
    }
    if (ok && strcmp(db_cell(&r, 0, 3), "active") != 0)
        ok = 0;
    if (!ok) {
        if (fail_both(req, subject) < 0)
            return LYRE_ERR_DB_DOWN;
        f.error = SIGNIN_WRONG;
        return render_login(req, &f, 401);
    }

    unsigned long long user_id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    if (password_needs_rehash(cfg, hash)) {
        const char *fresh = password_hash(cfg, req->a, password);
        /* Only over the hash just checked: a password changed meanwhile wins. */
        if (fresh && db_exec(req->db, NULL, NULL,
                             "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?", "sus",
                             fresh, user_id, hash) != DB_OK)
            log_warn("could not rehash the password of user %llu", user_id);
    }
    /* With a second factor the account's failures are forgiven only once the
     * code is right too: else each right password would reset the count of
     * wrong codes. */
    if (!db_cell_ll(&r, 0, 4, 0))
        throttle_clear(req, "login-account", subject);
    return login_complete(req, user_id, "password", f.next);
}

/* ------------------------------------------------------------ second factor */

typedef struct mfa_flow {
    const char *token;
    unsigned long long user_id;
    const char *method, *next;
    int attempts;
} mfa_flow;

/* The flow of the browser's cookie: LYRE_OK, LYRE_ERR_NOT_FOUND, or a database error. */
static lyre_err find_flow(lyre_req *req, mfa_flow *fl)
{
    const char *data = NULL;
    memset(fl, 0, sizeof *fl);
    fl->token = http_cookie(req, MFA_COOKIE);
    if (!fl->token)
        return LYRE_ERR_NOT_FOUND;
    lyre_err err = authflow_find(req, "mfa", fl->token, &fl->user_id, &data, &fl->attempts);
    if (err != LYRE_OK)
        return err;
    const char *nl = strchr(data, '\n');
    if (!nl || fl->user_id == 0)
        return LYRE_ERR_NOT_FOUND;
    fl->method = arena_strndup(req->a, data, (size_t)(nl - data));
    fl->next = login_next(req, nl + 1);
    return LYRE_OK;
}

/* Back to the login form: the flow is over (expired, or too many wrong codes). */
static lyre_err restart_login(lyre_req *req, const char *why, const char *next, int status)
{
    set_mfa_cookie(req, "", 0);
    login_form f = { .login = "", .next = next ? next : "/", .notice = why };
    return render_login(req, &f, status);
}

static lyre_err render_mfa(lyre_req *req, const mfa_flow *fl, const char *error, int status)
{
    lyre_view *v = view_new("login-mfa", "Two-step verification");
    xmlNodePtr form = view_elem(view_content(v), "form");
    if (error)
        view_text(form, "error", error);
    /* The sentence is said once, above; the field is only marked. */
    signin_field(form, "code", NULL, error ? "" : NULL);
    view_int(form, "tries-left", MFA_MAX_FAILS - fl->attempts);
    return signin_render(req, v, status);
}

#define MFA_EXPIRED "Your sign-in took too long. Please sign in again."

lyre_err page_login_mfa(lyre_req *req)
{
    mfa_flow fl;
    lyre_err err = find_flow(req, &fl);
    if (err == LYRE_ERR_NOT_FOUND)
        return restart_login(req, MFA_EXPIRED, "/", 200);
    if (err != LYRE_OK)
        return err;
    return render_mfa(req, &fl, NULL, 200);
}

/* "123 456" as apps show it: the spaces go. */
static const char *code_from_form(lyre_req *req)
{
    const char *raw = signin_form_raw(req, "code");
    char *out = arena_alloc(req->a, strlen(raw) + 1);
    size_t n = 0;
    for (; *raw; raw++)
        if (*raw != ' ' && *raw != '\t')
            out[n++] = *raw;
    out[n] = '\0';
    return out;
}

lyre_err post_login_mfa(lyre_req *req)
{
    mfa_flow fl;
    lyre_err err = find_flow(req, &fl);
    if (err == LYRE_ERR_NOT_FOUND)
        return restart_login(req, MFA_EXPIRED, "/", 401);
    if (err != LYRE_OK)
        return err;
    const char *code = code_from_form(req);
    if (!*code)
        return render_mfa(req, &fl, "Enter the code from your authenticator app, or a recovery code.", 400);

    db_result r;
    db_status st = db_query(req->db, req->a, &r, "SELECT username_key FROM users WHERE id = ?", "u", fl.user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows != 1)
        return restart_login(req, MFA_EXPIRED, fl.next, 401);
    const char *subject = db_cell(&r, 0, 0);
    long wait = throttle_both(req, subject);
    if (wait < 0)
        return LYRE_ERR_DB_DOWN;
    if (wait > 0)
        return signin_too_many(req, wait, "wrong codes");

    int ok = strlen(code) <= MFA_CODE_MAX ? mfa_check_code(req, fl.user_id, code) : 0;
    if (ok < 0)
        return LYRE_ERR_DB_DOWN;
    if (ok) {
        /* Single use: a second tab racing with the same flow loses here. */
        err = authflow_finish(req, fl.token);
        if (err == LYRE_ERR_NOT_FOUND)
            return restart_login(req, MFA_EXPIRED, fl.next, 401);
        if (err != LYRE_OK)
            return err;
        set_mfa_cookie(req, "", 0);
        throttle_clear(req, "login-account", subject);
        /* sessions.method holds 32 characters: "oidc:" + a long provider name must fit. */
        err = session_start(req, fl.user_id, arena_printf(req->a, "%.26s+totp", fl.method));
        if (err != LYRE_OK)
            return err;
        return redirect(req, fl.next);
    }

    if (fail_both(req, subject) < 0 || authflow_fail(req, fl.token) != LYRE_OK)
        return LYRE_ERR_DB_DOWN;
    fl.attempts++;
    if (fl.attempts >= MFA_MAX_FAILS) {
        err = authflow_finish(req, fl.token);
        if (err != LYRE_OK && err != LYRE_ERR_NOT_FOUND)
            return err;
        return restart_login(req, "Too many wrong codes. Please sign in again.", fl.next, 401);
    }
    return render_mfa(req, &fl, "That code is not right. Codes change every 30 seconds and work once.", 401);
}

/* ------------------------------------------------------------ logout */

lyre_err post_logout(lyre_req *req)
{
    lyre_err err = session_end_current(req);
    if (err != LYRE_OK)
        return err;
    return redirect(req, "/");
}

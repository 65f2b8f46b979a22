/* oidc_login.c — social login: GET /auth/NAME/start sends the browser to the
 * provider, GET /auth/NAME/callback brings it back with a code; /auth/link
 * asks for the password of an existing account before an identity joins it.
 *
 * The browser holds one flow at a time in the "lyre_oidc" cookie (Path
 * /auth/, 10 minutes): the token of an "oidc" authflow (state, nonce, PKCE
 * verifier, where to go next) or of a "link" authflow (the identity waiting
 * for the account owner's confirmation).  Flows are single use.  An identity
 * joins an existing account only when the provider vouches for the email,
 * the account's own email is verified and its owner types its password.
 */
#include "login.h"

#include <jansson.h>
#include <string.h>

#include "crypto.h"
#include "db.h"
#include "log.h"
#include "oidc.h"
#include "password.h"
#include "throttle.h"

#define FLOW_COOKIE "lyre_oidc"
#define FLOW_TTL 600
#define LINK_MAX_ATTEMPTS 5
#define MAX_CODE_BYTES 2048
#define USERNAME_MAX 24
#define DISPLAY_NAME_MAX_CHARS 100

/* ------------------------------------------------------------ small helpers */

static void flow_cookie(lyre_req *req, const char *token)
{
    http_set_header(req, "Set-Cookie",
                    arena_printf(req->a, "%s=%s; Path=/auth/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
                                 FLOW_COOKIE, token ? token : "", token ? FLOW_TTL : 0,
                                 req->https ? "; Secure" : ""));
}

/* sessions.method is 32 bytes at most. */
static const char *login_method(lyre_req *req, const lyre_oidc_provider *p)
{
    return arena_printf(req->a, "oidc:%.32s", p->name);
}

/* The page every failure of this flow ends on: what happened, and a way on. */
static lyre_err oidc_error(lyre_req *req, int status, const lyre_oidc_provider *p,
                           const char *title, const char *message)
{
    req->status = status;
    http_set_header(req, "Cache-Control", "no-store");
    lyre_view *v = view_new("oidc", title);
    view_text(view_meta(v), "section", "login");
    xmlNodePtr e = view_elem(view_content(v), "oidc-error");
    view_attr_int(e, "status", status);
    if (p)
        view_attr(e, "provider", p->title && *p->title ? p->title : p->name);
    view_text(e, "title", title);
    view_text(e, "message", message);
    return app_render(req, v);
}

static lyre_err expired(lyre_req *req, const lyre_oidc_provider *p)
{
    return oidc_error(req, 400, p, "This sign-in has expired",
                      "The sign-in link was already used, is too old, or was started in another "
                      "browser. Start again from the sign-in page.");
}

/* A string member of a flow's JSON, copied to the arena ("" if absent). */
static const char *jstr(lyre_req *req, json_t *o, const char *name)
{
    const char *s = json_string_value(json_object_get(o, name));
    return arena_strdup(req->a, s ? s : "");
}

static const char *json_text(lyre_req *req, json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT);
    const char *copy = s ? arena_strdup(req->a, s) : NULL;
    free(s);
    return copy;
}

static const char *ascii_lower(lyre_req *req, const char *s)
{
    char *out = arena_strdup(req->a, s);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

/* At most max code points of UTF-8 s. */
static const char *utf8_prefix(lyre_req *req, const char *s, size_t max)
{
    size_t i = 0, chars = 0;
    while (s[i] && chars < max) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    return arena_strndup(req->a, s, i);
}

/* ------------------------------------------------------------ identities and accounts */

/* The account an identity belongs to: LYRE_OK with *user_id (0: none). */
static lyre_err identity_owner(lyre_req *req, const char *issuer, const char *subject,
                               unsigned long long *user_id)
{
    db_result r;
    *user_id = 0;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT user_id, issuer, subject FROM user_identities WHERE issuer = ? AND subject = ?",
        "ss", issuer, subject);
    if (st != DB_OK)
        return db_status_to_err(st);
    /* The columns compare without case; subjects are case-sensitive. */
    for (size_t i = 0; i < r.nrows; i++)
        if (strcmp(db_cell(&r, i, 1), issuer) == 0 && strcmp(db_cell(&r, i, 2), subject) == 0)
            *user_id = (unsigned long long)db_cell_ll(&r, i, 0, 0);
    if (r.nrows > 0 && *user_id == 0) {
        log_warn("identity %s differs from a stored one only by case: refused", subject);
        return LYRE_ERR_CONFLICT;
    }
    return LYRE_OK;
}

static db_status add_identity(lyre_req *req, unsigned long long user_id, const lyre_oidc_provider *p,
                              const char *issuer, const char *subject, const char *email)
{
    return db_exec(req->db, NULL, NULL,
        "INSERT INTO user_identities (user_id, provider, issuer, subject, email) VALUES (?, ?, ?, ?, ?)",
        "ussss", user_id, p->name, issuer, subject, email && *email ? email : NULL);
}

/* A user name from what the provider knows, as sign-up would accept it:
 * 3 to USERNAME_MAX lower-case letters, digits, '.', '_' and '-', starting
 * with a letter or digit. */
static const char *username_base(lyre_req *req, const char *preferred, const char *email,
                                 const char *name)
{
    const char *src = preferred && *preferred ? preferred : NULL;
    size_t src_len;
    if (!src && email)
        src = email;
    if (!src)
        src = name ? name : "";
    src_len = src == email ? strcspn(src, "@") : strlen(src);
    char *out = arena_alloc(req->a, USERNAME_MAX + 1);
    size_t n = 0;
    for (size_t i = 0; i < src_len && n < USERNAME_MAX; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum || (n > 0 && (c == '-' || c == '_' || c == '.')))
            out[n++] = (char)c;
        else if (c < 0x80 && n > 0 && out[n - 1] != '_')
            out[n++] = '_';
    }
    while (n > 0 && (out[n - 1] == '_' || out[n - 1] == '-' || out[n - 1] == '.'))
        n--;
    out[n] = '\0';
    return n >= 3 ? out : "listener";
}

/* A free user name: base, base-2, base-3 ..., then a random suffix. */
static lyre_err free_username(lyre_req *req, const char *base, int round, const char **out)
{
    for (int i = 1; i <= 20; i++) {
        const char *candidate;
        if (round == 0 && i == 1) {
            candidate = base;
        } else if (round == 0) {
            candidate = arena_printf(req->a, "%s-%d", base, i);
        } else {
            unsigned char r[3];
            if (crypto_random(r, sizeof r) != 0)
                return LYRE_ERR_INTERNAL;
            candidate = arena_printf(req->a, "%.*s-%u", USERNAME_MAX, base,
                                     (unsigned)(r[0] << 16 | r[1] << 8 | r[2]) % 1000000u);
        }
        db_result r;
        db_status st = db_query(req->db, req->a, &r, "SELECT 1 FROM users WHERE username_key = ?",
                                "s", candidate);
        if (st != DB_OK)
            return db_status_to_err(st);
        if (r.nrows == 0) {
            *out = candidate;
            return LYRE_OK;
        }
    }
    return LYRE_ERR_CONFLICT;
}

/* A new listener account (no password) holding the identity. */
static lyre_err create_account(lyre_req *req, const lyre_oidc_provider *p, const char *issuer,
                               const char *subject, const char *email, int email_verified,
                               const char *name, const char *preferred,
                               unsigned long long *user_id)
{
    const char *base = username_base(req, preferred, email, name);
    const char *display = name && *name ? utf8_prefix(req, name, DISPLAY_NAME_MAX_CHARS) : "";
    for (int round = 0; round < 4; round++) {
        const char *username = NULL, *stored_email = NULL;
        db_result r;
        lyre_err err = free_username(req, base, round, &username);
        if (err != LYRE_OK)
            return err;
        if (email && *email) {
            db_status qs = db_query(req->db, req->a, &r, "SELECT 1 FROM users WHERE email_key = ?",
                                    "s", ascii_lower(req, email));
            if (qs != DB_OK)
                return db_status_to_err(qs);
            /* Someone else's address (theirs verified or not) stays theirs. */
            if (r.nrows == 0)
                stored_email = email;
        }
        db_status st = db_begin(req->db);
        if (st == DB_OK)
            st = db_exec(req->db, NULL, user_id,
                "INSERT INTO users (username, username_key, email, email_key, email_verified_at, "
                "display_name) VALUES (?, ?, ?, ?, IF(?, NOW(3), NULL), ?)",
                "ssssis", username, username, stored_email,
                stored_email ? ascii_lower(req, stored_email) : NULL,
                (long long)(stored_email && email_verified), display);
        if (st == DB_OK)
            st = add_identity(req, *user_id, p, issuer, subject, email);
        if (st == DB_OK)
            st = db_commit(req->db);
        if (st == DB_OK) {
            log_info("new account %s (user %llu) from %s", username, *user_id, p->name);
            return LYRE_OK;
        }
        db_rollback(req->db);
        if (st != DB_DUPLICATE)
            return db_status_to_err(st);
        /* Another request took the name, the address or the identity: look again. */
        unsigned long long owner = 0;
        err = identity_owner(req, issuer, subject, &owner);
        if (err != LYRE_OK)
            return err;
        if (owner) {
            *user_id = owner;
            return LYRE_OK;
        }
    }
    return LYRE_ERR_CONFLICT;
}

/* ------------------------------------------------------------ GET /auth/{provider}/start */

lyre_err page_oidc_start(lyre_req *req)
{
    const lyre_oidc_provider *p = config_oidc_provider(req->cfg, req->route_args[0]);
    const char *why = NULL, *url = NULL, *token = NULL, *data;
    json_t *flow;
    if (!p)
        return LYRE_ERR_NOT_FOUND;
    const char *link_param = http_query(req, "link");
    int link = link_param && strcmp(link_param, "1") == 0;
    if (link && !req->auth) {
        const char *back = arena_printf(req->a, "/auth/%s/start?link=1", p->name);
        http_redirect(req, 303, arena_printf(req->a, "/login?next=%s", url_encode(req->a, back)));
        return LYRE_OK;
    }
    const char *next_param = http_query(req, "next");
    const char *next = login_next(req, next_param ? next_param : (link ? "/account" : "/"));
    const char *state = crypto_token_hex(req->a, 32);
    const char *nonce = crypto_token_hex(req->a, 32);
    const char *verifier = oidc_pkce_verifier(req->a);
    if (!state || !nonce || !verifier)
        return LYRE_ERR_INTERNAL;
    if (oidc_authorize_url(req->a, req->cfg, p, state, nonce, verifier, &url, &why) != OIDC_OK) {
        log_warn("oidc %s: %s", p->name, why ? why : "?");
        return oidc_error(req, 502, p, "The sign-in service cannot be reached",
                          "It did not answer as expected. Try again in a few minutes, or sign in "
                          "with your password.");
    }
    flow = json_pack("{s:s, s:s, s:s, s:s, s:s}", "p", p->name, "s", state, "n", nonce,
                     "v", verifier, "next", next);
    data = flow ? json_text(req, flow) : NULL;
    json_decref(flow);
    if (!data)
        return LYRE_ERR_INTERNAL;
    lyre_err err = authflow_start(req, "oidc", link ? req->auth->user_id : 0, data, FLOW_TTL, &token);
    if (err != LYRE_OK)
        return err;
    flow_cookie(req, token);
    http_set_header(req, "Cache-Control", "no-store");
    return http_redirect(req, 303, url) == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
}

/* ------------------------------------------------------------ GET /auth/{provider}/callback */

/* The provider's error code when it is a plain token, else a placeholder. */
static const char *provider_error(lyre_req *req, const char *e)
{
    if (strlen(e) > 64 || strspn(e, "abcdefghijklmnopqrstuvwxyz_") != strlen(e))
        return "unknown_error";
    return arena_strdup(req->a, e);
}

/* What to do with a verified identity: sign in, link, ask, or create. */
static lyre_err identity_arrived(lyre_req *req, const lyre_oidc_provider *p, const oidc_identity *id,
                                 unsigned long long link_user, const char *next, int *replaced)
{
    unsigned long long owner = 0;
    lyre_err err = identity_owner(req, id->issuer, id->subject, &owner);
    if (err == LYRE_ERR_CONFLICT)
        return oidc_error(req, 409, p, "This account cannot be used here",
                          "It looks like another account already known to this site.");
    if (err != LYRE_OK)
        return err;

    if (link_user) {
        /* (b) linking from the account page: still the same person signed in? */
        if (!req->auth || req->auth->user_id != link_user)
            return oidc_error(req, 400, p, "Sign in again to link",
                              "You are no longer signed in as the account that started linking.");
        if (owner && owner != link_user)
            return oidc_error(req, 409, p, "Already linked elsewhere",
                              "This sign-in is already linked to another account of this site.");
        if (!owner) {
            db_status st = add_identity(req, link_user, p, id->issuer, id->subject, id->email);
            if (st != DB_OK)
                return st == DB_DUPLICATE
                    ? oidc_error(req, 409, p, "Already linked elsewhere",
                                 "This sign-in is already linked to another account of this site.")
                    : db_status_to_err(st);
            log_info("user %llu linked an identity of %s", link_user, p->name);
        }
        return http_redirect(req, 303, next) == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
    }

    if (owner) {
        /* (a) a known identity. */
        db_exec(req->db, NULL, NULL,
                "UPDATE user_identities SET email = ? WHERE user_id = ? AND issuer = ? AND subject = ?",
                "suss", id->email, owner, id->issuer, id->subject);
        return login_complete(req, owner, login_method(req, p), next);
    }

    if (id->email && id->email_verified) {
        /* (c) an account whose verified address the provider also vouches for:
         * only its owner's password joins them. */
        db_result r;
        db_status st = db_query(req->db, req->a, &r,
            "SELECT id FROM users WHERE email_key = ? AND email_verified_at IS NOT NULL",
            "s", ascii_lower(req, id->email));
        if (st != DB_OK)
            return db_status_to_err(st);
        if (r.nrows == 1) {
            unsigned long long account = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
            const char *token = NULL;
            json_t *flow = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s}", "p", p->name,
                                     "iss", id->issuer, "sub", id->subject, "email", id->email,
                                     "name", id->name, "pu", id->preferred_username, "next", next);
            const char *data = flow ? json_text(req, flow) : NULL;
            json_decref(flow);
            if (!data)
                return LYRE_ERR_INTERNAL;
            err = authflow_start(req, "link", account, data, FLOW_TTL, &token);
            if (err != LYRE_OK)
                return err;
            flow_cookie(req, token);
            *replaced = 1;
            return http_redirect(req, 303, "/auth/link") == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
        }
    }

    /* (d) someone new. */
    unsigned long long user_id = 0;
    err = create_account(req, p, id->issuer, id->subject, id->email, id->email_verified, id->name,
                         id->preferred_username, &user_id);
    if (err != LYRE_OK)
        return err;
    return login_complete(req, user_id, login_method(req, p), next);
}

lyre_err page_oidc_callback(lyre_req *req)
{
    const lyre_oidc_provider *p = config_oidc_provider(req->cfg, req->route_args[0]);
    if (!p)
        return LYRE_ERR_NOT_FOUND;
    const char *token = http_cookie(req, FLOW_COOKIE);
    const char *state = http_query(req, "state");
    const char *error = http_query(req, "error");
    const char *code = http_query(req, "code");
    const char *data = NULL, *why = NULL;
    unsigned long long link_user = 0;
    json_t *flow = NULL;
    oidc_identity id;
    lyre_err err = LYRE_OK;
    int ours = 0, replaced = 0;

    http_set_header(req, "Cache-Control", "no-store");
    if (token) {
        err = authflow_find(req, "oidc", token, &link_user, &data, NULL);
        if (err != LYRE_OK && err != LYRE_ERR_NOT_FOUND)
            goto cleanup;
        err = LYRE_OK;
    }
    flow = data ? json_loads(data, 0, NULL) : NULL;
    /* The state binds the answer to the browser that asked. */
    ours = flow && state && strcmp(jstr(req, flow, "p"), p->name) == 0
           && crypto_equal_str(state, jstr(req, flow, "s"));
    if (ours) {
        err = authflow_finish(req, token);
        if (err == LYRE_ERR_NOT_FOUND)
            ours = 0;
        else if (err != LYRE_OK)
            goto cleanup;
        err = LYRE_OK;
    }
    if (error) {
        const char *e = provider_error(req, error);
        log_info("oidc %s: the provider answered %s", p->name, e);
        err = strcmp(e, "access_denied") == 0
            ? oidc_error(req, 400, p, "Sign-in cancelled",
                         "The sign-in was cancelled or refused at the provider, so you are not signed in.")
            : oidc_error(req, 400, p, "The provider could not sign you in",
                         arena_printf(req->a, "It answered with the error \"%s\". Try again, or "
                                      "sign in with your password.", e));
        goto cleanup;
    }
    if (!ours) {
        err = expired(req, p);
        goto cleanup;
    }
    /* RFC 9207: a provider that names itself must be the one we asked. */
    const char *iss = http_query(req, "iss");
    if (iss && strcmp(iss, p->issuer) != 0) {
        log_warn("oidc %s: the answer names another issuer", p->name);
        err = oidc_error(req, 400, p, "The sign-in could not be verified",
                         "The answer came from another provider than the one asked. Start again.");
        goto cleanup;
    }
    if (!code || !*code || strlen(code) > MAX_CODE_BYTES) {
        err = oidc_error(req, 400, p, "The sign-in did not complete",
                         "The provider sent no authorization code. Start again.");
        goto cleanup;
    }
    oidc_status st = oidc_exchange_code(req->a, req->cfg, p, code, jstr(req, flow, "v"),
                                        jstr(req, flow, "n"), &id, &why);
    if (st != OIDC_OK) {
        log_warn("oidc %s: %s", p->name, why ? why : "?");
        if (st == OIDC_ERR_PROVIDER)
            err = oidc_error(req, 502, p, "The sign-in service cannot be reached",
                             "It did not answer as expected. Try again in a few minutes.");
        else
            err = oidc_error(req, 400, p, "The sign-in could not be verified",
                             "The answer from the provider was refused. Start again from the "
                             "sign-in page.");
        goto cleanup;
    }
    err = identity_arrived(req, p, &id, link_user, login_next(req, jstr(req, flow, "next")),
                           &replaced);
cleanup:
    /* The round trip is over: forget it, unless a link flow took its place. */
    if (token && !replaced)
        flow_cookie(req, NULL);
    json_decref(flow);
    return err;
}

/* ------------------------------------------------------------ /auth/link */

typedef struct link_flow {
    const char *token;
    unsigned long long user_id;
    int attempts;
    const lyre_oidc_provider *p;
    const char *issuer, *subject, *email, *name, *preferred, *next;
    const char *username, *account_email, *password_hash, *username_key;
} link_flow;

/* The link flow of this browser and the account it points at.
 * LYRE_ERR_NOT_FOUND when there is none (or the account is gone). */
static lyre_err link_load(lyre_req *req, link_flow *f)
{
    const char *data = NULL;
    db_result r;
    memset(f, 0, sizeof *f);
    f->token = http_cookie(req, FLOW_COOKIE);
    if (!f->token)
        return LYRE_ERR_NOT_FOUND;
    lyre_err err = authflow_find(req, "link", f->token, &f->user_id, &data, &f->attempts);
    if (err != LYRE_OK)
        return err;
    json_t *o = json_loads(data, 0, NULL);
    f->p = config_oidc_provider(req->cfg, jstr(req, o, "p"));
    f->issuer = jstr(req, o, "iss");
    f->subject = jstr(req, o, "sub");
    f->email = jstr(req, o, "email");
    f->name = jstr(req, o, "name");
    f->preferred = jstr(req, o, "pu");
    f->next = login_next(req, jstr(req, o, "next"));
    json_decref(o);
    if (!f->p || !*f->subject || !f->user_id)
        return LYRE_ERR_NOT_FOUND;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT username, COALESCE(email, ''), password_hash, username_key FROM users WHERE id = ?",
        "u", f->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows != 1)
        return LYRE_ERR_NOT_FOUND;
    f->username = db_cell(&r, 0, 0);
    f->account_email = db_cell(&r, 0, 1);
    f->password_hash = db_cell(&r, 0, 2);
    f->username_key = db_cell(&r, 0, 3);
    return LYRE_OK;
}

static lyre_err link_page(lyre_req *req, const link_flow *f, int status, const char *problem)
{
    const char *title = f->p->title && *f->p->title ? f->p->title : f->p->name;
    req->status = status;
    http_set_header(req, "Cache-Control", "no-store");
    lyre_view *v = view_new("oidc", "Link your accounts");
    view_text(view_meta(v), "section", "login");
    xmlNodePtr e = view_elem(view_content(v), "oidc-link");
    view_attr(e, "provider", title);
    view_text(e, "username", f->username);
    view_text(e, "email", f->account_email);
    view_int(e, "has-password", f->password_hash != NULL);
    if (problem)
        view_text(e, "error", problem);
    return app_render(req, v);
}

lyre_err page_oidc_link(lyre_req *req)
{
    link_flow f;
    lyre_err err = link_load(req, &f);
    if (err == LYRE_ERR_NOT_FOUND)
        return expired(req, NULL);
    if (err != LYRE_OK)
        return err;
    return link_page(req, &f, 200, NULL);
}

lyre_err post_oidc_link(lyre_req *req)
{
    link_flow f;
    lyre_err err = link_load(req, &f);
    if (err == LYRE_ERR_NOT_FOUND)
        return expired(req, NULL);
    if (err != LYRE_OK)
        return err;
    const char *action = http_form(req, "action");
    const char *password = http_form(req, "password");
    unsigned long long user_id = f.user_id;

    if (action && strcmp(action, "new") == 0) {
        /* A separate account after all: the address stays with its owner. */
        if (authflow_finish(req, f.token) != LYRE_OK)
            return expired(req, f.p);
        flow_cookie(req, NULL);
        err = create_account(req, f.p, f.issuer, f.subject, f.email, 1, f.name, f.preferred, &user_id);
        if (err != LYRE_OK)
            return err;
        return login_complete(req, user_id, login_method(req, f.p), f.next);
    }
    if (f.attempts >= LINK_MAX_ATTEMPTS) {
        authflow_finish(req, f.token);
        flow_cookie(req, NULL);
        return oidc_error(req, 429, f.p, "Too many wrong passwords",
                          "Linking was stopped. Start the sign-in again.");
    }
    long wait = throttle_wait(req, "login-account", f.username_key);
    if (wait < 0)
        return LYRE_ERR_DB_DOWN;
    if (wait > 0) {
        req->retry_after = wait;
        http_set_header(req, "Retry-After", arena_printf(req->a, "%ld", wait));
        return link_page(req, &f, 429, arena_printf(req->a, "Too many attempts. Wait %ld seconds "
                                                    "and try again.", wait));
    }
    int right;
    if (!password || !*password || strlen(password) > PASSWORD_MAX_BYTES) {
        right = 0;
    } else if (!f.password_hash) {
        password_waste_time(req->cfg, password);
        right = 0;
    } else {
        right = password_verify(f.password_hash, password);
    }
    if (!right) {
        if (authflow_fail(req, f.token) != LYRE_OK || throttle_fail(req, "login-account", f.username_key) < 0)
            return LYRE_ERR_DB_DOWN;
        return link_page(req, &f, 422, "That is not the password of this account.");
    }
    throttle_clear(req, "login-account", f.username_key);
    if (authflow_finish(req, f.token) != LYRE_OK)
        return expired(req, f.p);
    flow_cookie(req, NULL);
    unsigned long long owner = 0;
    err = identity_owner(req, f.issuer, f.subject, &owner);
    if (err != LYRE_OK)
        return err;
    if (owner && owner != user_id)
        return oidc_error(req, 409, f.p, "Already linked elsewhere",
                          "This sign-in is already linked to another account of this site.");
    if (!owner) {
        db_status st = add_identity(req, user_id, f.p, f.issuer, f.subject, f.email);
        if (st != DB_OK)
            return db_status_to_err(st);
        log_info("user %llu linked an identity of %s after confirming the password", user_id, f.p->name);
    }
    return login_complete(req, user_id, login_method(req, f.p), f.next);
}

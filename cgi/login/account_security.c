/* account_security.c — changing the password (GET/POST /account/password)
 * and the email address (GET/POST /account/email), both after
 * re-authentication, and the signed-in devices (GET /account/sessions,
 * POST /account/sessions/{id}/end, POST /account/sessions/end-all). */
#include "account.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "password.h"

/* ------------------------------------------------------------ devices */

/* "128" after name in ua ("Firefox/128.0" -> "128"), or NULL (arena). */
static const char *major_version(arena *a, const char *ua, const char *name)
{
    const char *p = strstr(ua, name);
    if (!p)
        return NULL;
    p += strlen(name);
    size_t n = 0;
    while (n < 4 && p[n] >= '0' && p[n] <= '9')
        n++;
    return n ? arena_strndup(a, p, n) : NULL;
}

const char *account_device(arena *a, const char *ua)
{
    /* Order matters: Edge and Opera say "Chrome", Chrome says "Safari". */
    static const struct { const char *token, *name; } browsers[] = {
        { "Edg/", "Edge" }, { "EdgA/", "Edge" }, { "EdgiOS/", "Edge" }, { "OPR/", "Opera" },
        { "SamsungBrowser/", "Samsung Internet" }, { "Vivaldi/", "Vivaldi" },
        { "YaBrowser/", "Yandex Browser" }, { "Firefox/", "Firefox" }, { "FxiOS/", "Firefox" },
        { "HeadlessChrome/", "Headless Chrome" }, { "CriOS/", "Chrome" }, { "Chromium/", "Chromium" },
        { "Chrome/", "Chrome" }, { "Version/", "Safari" }, { "curl/", "curl" }, { "Wget/", "Wget" },
        { "python-requests/", "Python requests" }, { "okhttp/", "OkHttp" },
    };
    static const struct { const char *token, *name; } systems[] = {
        { "Windows Phone", "Windows Phone" }, { "Windows", "Windows" }, { "iPhone", "iOS" },
        { "iPad", "iPadOS" }, { "Android", "Android" }, { "CrOS", "ChromeOS" },
        { "Macintosh", "macOS" }, { "Mac OS X", "macOS" }, { "FreeBSD", "FreeBSD" },
        { "OpenBSD", "OpenBSD" }, { "Linux", "Linux" },
    };
    if (!ua || !*ua)
        return "Unknown device";
    const char *browser = NULL, *version = NULL, *os = NULL;
    for (size_t i = 0; i < sizeof browsers / sizeof browsers[0] && !browser; i++) {
        if (!strstr(ua, browsers[i].token))
            continue;
        /* "Version/" is Safari only with "Safari/" beside it. */
        if (strcmp(browsers[i].token, "Version/") == 0 && !strstr(ua, "Safari/"))
            continue;
        browser = browsers[i].name;
        version = major_version(a, ua, browsers[i].token);
    }
    for (size_t i = 0; i < sizeof systems / sizeof systems[0] && !os; i++)
        if (strstr(ua, systems[i].token))
            os = systems[i].name;
    if (!browser && !os)
        return "Unknown device";
    if (!browser)
        return arena_printf(a, "A browser on %s", os);
    const char *name = version ? arena_printf(a, "%s %s", browser, version) : browser;
    return os ? arena_printf(a, "%s on %s", name, os) : name;
}

/* "just now", "5 minutes ago", "3 hours ago", "2 days ago" (arena). */
static const char *time_ago(arena *a, long long secs)
{
    if (secs < 60)
        return "just now";
    static const struct { long long unit; const char *one, *many; } units[] = {
        { 86400, "day", "days" }, { 3600, "hour", "hours" }, { 60, "minute", "minutes" },
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        long long n = secs / units[i].unit;
        if (n >= 1)
            return arena_printf(a, "%lld %s ago", n, n == 1 ? units[i].one : units[i].many);
    }
    return "just now";
}

lyre_err page_account_sessions(lyre_req *req)
{
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT id, user_agent, ip, method, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), "
        "DATE_FORMAT(last_seen_at, '%Y-%m-%d %H:%i'), TIMESTAMPDIFF(SECOND, last_seen_at, NOW(3)) "
        "FROM sessions WHERE user_id = ? AND expires_at > NOW(3) "
        "AND last_seen_at > NOW(3) - INTERVAL ? SECOND "
        "ORDER BY id = ? DESC, last_seen_at DESC, id DESC", "uiu",
        req->auth->user_id, (long long)req->cfg->session_idle_timeout, req->auth->session_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    xmlNodePtr acct;
    lyre_view *v = account_view(req, &u, "sessions", "Signed-in devices", &acct);
    xmlNodePtr list = view_elem(acct, "sessions");
    for (size_t i = 0; i < r.nrows; i++) {
        xmlNodePtr s = view_elem(list, "session");
        view_attr(s, "id", db_cell(&r, i, 0));
        if ((unsigned long long)db_cell_ll(&r, i, 0, 0) == req->auth->session_id)
            view_attr(s, "current", "yes");
        view_text(s, "device", account_device(req->a, db_cell(&r, i, 1)));
        view_text(s, "user-agent", db_cell(&r, i, 1));
        view_text(s, "ip", db_cell(&r, i, 2));
        view_text(s, "method", db_cell(&r, i, 3));
        view_attr(view_text(s, "created", db_cell(&r, i, 4)), "datetime", db_cell(&r, i, 4));
        xmlNodePtr seen = view_text(s, "last-seen", time_ago(req->a, db_cell_ll(&r, i, 6, 0)));
        view_attr(seen, "datetime", db_cell(&r, i, 5));
    }
    return account_render(req, v, 200);
}

lyre_err post_account_session_end(lyre_req *req)
{
    unsigned long long id;
    if (req->route_nargs < 1 || str_to_id(req->route_args[0], UINT64_MAX, &id) != 0) {
        req->error_detail = "The session id in this address is not a valid number.";
        return LYRE_ERR_BAD_REQUEST;
    }
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT 1 FROM sessions WHERE id = ? AND user_id = ?", "uu", id, req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    /* Someone else's session is as unknown as one that never was. */
    if (r.nrows == 0) {
        req->error_detail = "None of your signed-in devices has this id; it may have signed out already.";
        return LYRE_ERR_NOT_FOUND;
    }
    if (id == req->auth->session_id) {
        lyre_err err = session_end_current(req);
        return err != LYRE_OK ? err : account_redirect(req, "/login");
    }
    lyre_err err = session_end_one(req, id);
    if (err != LYRE_OK)
        return err;
    return account_redirect(req, "/account/sessions?done=session-ended");
}

lyre_err post_account_sessions_end_all(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    /* Keeping none: this one ends too, and its cookie is cleared. */
    lyre_err err = session_end_all(req, uid, 0);
    if (err != LYRE_OK)
        return err;
    log_info("user %llu signed out everywhere", uid);
    return account_redirect(req, "/login");
}

/* ------------------------------------------------------------ password */

static lyre_view *password_page(lyre_req *req, const account_user *u, xmlNodePtr *acct)
{
    return account_view(req, u, "password", "Change your password", acct);
}

lyre_err page_account_password(lyre_req *req)
{
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    xmlNodePtr acct;
    return account_render(req, password_page(req, &u, &acct), 200);
}

lyre_err post_account_password(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    const char *current = account_form(req, "current_password");
    const char *fresh = account_form(req, "new_password");
    const char *confirm = account_form(req, "confirm_password");
    xmlNodePtr acct;
    lyre_view *v = password_page(req, &u, &acct);
    const char *problem = NULL;
    int ok = account_reauth(req, &u, current, &problem);
    if (ok < 0) {
        view_free(v);
        return LYRE_ERR_DB_DOWN;
    }
    int status = req->status;
    if (!ok)
        account_error(acct, "current_password", problem);
    const char *weak = password_problem(req->cfg, fresh, u.username, u.email);
    if (weak)
        account_error(acct, "new_password", weak);
    else if (strcmp(fresh, confirm) != 0)
        account_error(acct, "confirm_password", "The two new passwords are not the same.");
    if (!ok || weak || strcmp(fresh, confirm) != 0)
        return account_render(req, v, ok ? 422 : status);
    view_free(v);

    const char *hash = password_hash(req->cfg, req->a, fresh);
    if (!hash)
        return LYRE_ERR_INTERNAL;
    db_status st = db_exec(req->db, NULL, NULL,
        "UPDATE users SET password_hash = ?, password_changed_at = NOW(3) WHERE id = ?", "su", hash, uid);
    /* Links and half-finished sign-ins made under the old password die with it. */
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
            "UPDATE email_tokens SET used_at = NOW(3) WHERE user_id = ? AND purpose = 'reset' "
            "AND used_at IS NULL", "u", uid);
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
            "DELETE FROM auth_flows WHERE user_id = ? AND purpose = 'mfa'", "u", uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    err = session_rotate(req);
    if (err == LYRE_OK)
        err = session_end_all(req, uid, req->auth->session_id);
    if (err != LYRE_OK)
        return err;
    log_info("user %llu changed their password", uid);
    account_notify(req, u.email, "Your password was changed",
        arena_printf(req->a, "The password of your account %s was changed, and every other device "
                     "signed in to it was signed out.", u.username), 1);
    return account_redirect(req, "/account/password?done=password");
}

/* ------------------------------------------------------------ email */

/* NULL when s looks like one deliverable address, else what is wrong.
 * Deliberately loose: the link sent to it is the real check. */
static const char *email_problem(const char *s)
{
    size_t len = strlen(s);
    const char *at = strrchr(s, '@');
    if (len == 0)
        return "Enter the new address.";
    if (len > 254)
        return "This address is too long.";
    if (!at || at == s || (size_t)(at - s) > 64 || !at[1])
        return "Enter an address like name@example.org.";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p == 0x7f || strchr("<>()[],;:\\\"", *p))
            return "An address cannot hold spaces or any of < > ( ) [ ] , ; : \\ \".";
    const char *dom = at + 1;
    if (!strchr(dom, '.') || dom[0] == '.' || dom[strlen(dom) - 1] == '.' || strstr(dom, "..") ||
        strchr(dom, '@'))
        return "Enter an address like name@example.org.";
    return NULL;
}

/* The page; shows an address waiting for its link to be opened, if any. */
static lyre_err email_page(lyre_req *req, const account_user *u, xmlNodePtr *acct, lyre_view **out)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT email FROM email_tokens WHERE user_id = ? AND purpose = 'verify' AND used_at IS NULL "
        "AND expires_at > NOW(3) AND email <> ? ORDER BY id DESC LIMIT 1", "us",
        req->auth->user_id, u->email);
    if (st != DB_OK)
        return db_status_to_err(st);
    *out = account_view(req, u, "email", "Change your email address", acct);
    if (r.nrows == 1)
        view_text(*acct, "pending-email", db_cell(&r, 0, 0));
    return LYRE_OK;
}

lyre_err page_account_email(lyre_req *req)
{
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    xmlNodePtr acct;
    lyre_view *v;
    err = email_page(req, &u, &acct, &v);
    return err != LYRE_OK ? err : account_render(req, v, 200);
}

lyre_err post_account_email(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    const char *typed = account_form(req, "new_email");
    while (*typed == ' ')
        typed++;
    char *email = arena_strdup(req->a, typed);
    size_t len = strlen(email);
    while (len > 0 && email[len - 1] == ' ')
        email[--len] = '\0';

    xmlNodePtr acct;
    lyre_view *v;
    err = email_page(req, &u, &acct, &v);
    if (err != LYRE_OK)
        return err;
    const char *bad_email = email_problem(email);
    if (!bad_email) {
        /* Compared the way the unique key compares: lowercased. */
        db_result r;
        db_status st = db_query(req->db, req->a, &r,
            "SELECT id = ? FROM users WHERE email_key = LOWER(?)", "us", uid, email);
        if (st != DB_OK) {
            view_free(v);
            return db_status_to_err(st);
        }
        if (r.nrows > 0)
            bad_email = db_cell_ll(&r, 0, 0, 0) ? "This is already your address."
                                                : "Another account uses this address.";
    }
    const char *problem = NULL;
    int ok = account_reauth(req, &u, account_form(req, "password"), &problem);
    if (ok < 0) {
        view_free(v);
        return LYRE_ERR_DB_DOWN;
    }
    int status = req->status;
    if (bad_email)
        account_error(acct, "new_email", bad_email);
    if (!ok)
        account_error(acct, "password", problem);
    if (bad_email || !ok) {
        account_keep(acct, "new_email", email);
        return account_render(req, v, ok ? 422 : status);
    }
    /* The address changes only when the link sent to it is opened (verify.c). */
    err = email_token_send(req, uid, "verify", email);
    if (err == LYRE_ERR_TOO_MANY) {
        long wait = req->retry_after > 0 ? req->retry_after : 60;
        req->retry_after = 0;
        http_set_header(req, "Retry-After", arena_printf(req->a, "%ld", wait));
        account_error(acct, "new_email", arena_printf(req->a, "Several links went to this address "
                      "within the hour. Try again in %ld minute%s.", (wait + 59) / 60,
                      (wait + 59) / 60 == 1 ? "" : "s"));
        account_keep(acct, "new_email", email);
        return account_render(req, v, 429);
    }
    view_free(v);
    if (err != LYRE_OK)
        return err;
    log_info("user %llu asked to change their email address", uid);
    account_notify(req, u.email, "Your email address is about to change",
        arena_printf(req->a, "Someone signed in to your account %s asked to change its email address "
                     "to %s. It changes only when the link we sent there is opened.", u.username, email), 1);
    return account_redirect(req, "/account/email?done=email-sent");
}

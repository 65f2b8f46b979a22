/* account_apps.c — /account/apps: the app passwords and API keys phone and
 * desktop apps sign in with (the Subsonic API, lib/apppass.h).  Each is
 * named by its owner, shown once when made, listed with when and by which
 * app it was last used, and revoked one by one.  Making one is mailed to
 * the account's address, as other changes to how the account signs in. */
#include "account.h"

#include <string.h>

#include "apppass.h"
#include "log.h"

/* The page, with what was just made (kind, name, secret) when there is one. */
static lyre_err render(lyre_req *req, const account_user *u, int status, const char *kept_name,
                       const char *made_kind, const char *made_name, const char *secret, const char *problem)
{
    apppass_item *items;
    size_t n;
    lyre_err err = apppass_list(req, req->auth->user_id, &items, &n);
    if (err != LYRE_OK)
        return err;
    xmlNodePtr acct;
    lyre_view *v = account_view(req, u, "apps", "Apps and devices", &acct);
    const char *done = http_query(req, "done");
    if (done && strcmp(done, "app-revoked") == 0)
        view_text(acct, "notice", "Revoked: apps using it can no longer sign in.");
    xmlNodePtr apps = view_elem(acct, "apps");
    view_attr_int(apps, "max", APPPASS_MAX_PER_USER);
    view_text(apps, "server", req->cfg->base_url);
    view_text(apps, "username", u->username);
    if (problem) {
        account_error(acct, "app-name", problem);
        account_keep(acct, "name", kept_name ? kept_name : "");
    }
    if (secret) {
        xmlNodePtr made = view_elem(apps, "made");
        view_attr(made, "kind", made_kind);
        view_text(made, "name", made_name);
        view_text(made, "secret", secret);
    }
    for (size_t i = 0; i < n; i++) {
        xmlNodePtr it = view_elem(apps, "app");
        view_attr_int(it, "id", (long long)items[i].id);
        view_attr(it, "kind", items[i].kind == APPPASS_APIKEY ? "apikey" : "password");
        view_text(it, "name", items[i].name);
        view_text(it, "created", items[i].created_at);
        if (items[i].last_used_at)
            view_text(it, "last-used", items[i].last_used_at);
        if (items[i].last_client)
            view_text(it, "client", items[i].last_client);
    }
    return account_render(req, v, status);
}

lyre_err page_account_apps(lyre_req *req)
{
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    return render(req, &u, 200, NULL, NULL, NULL, NULL, NULL);
}

/* Trim spaces around a name; NULL when empty after trimming. */
static const char *trimmed(arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n ? arena_strndup(a, s, n) : NULL;
}

lyre_err post_account_apps(lyre_req *req)
{
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    const char *typed = account_form(req, "name");
    const char *kind_s = account_form(req, "kind");
    enum apppass_kind kind = strcmp(kind_s, "apikey") == 0 ? APPPASS_APIKEY : APPPASS_PASSWORD;
    const char *name = trimmed(req->a, typed);
    if (!name)
        return render(req, &u, 422, typed, NULL, NULL, NULL, "Give it a name, such as the app or the device it is for.");
    if (strlen(name) > APPPASS_NAME_MAX)
        return render(req, &u, 422, typed, NULL, NULL, NULL, "Keep the name to 64 characters or fewer.");
    const char *secret;
    unsigned long long id;
    err = apppass_create(req, req->auth->user_id, kind, name, &secret, &id);
    if (err == LYRE_ERR_CONFLICT)
        return render(req, &u, 409, typed, NULL, NULL, NULL,
                      "You have as many as an account can have: revoke one you no longer use first.");
    if (err == LYRE_ERR_BAD_REQUEST)
        return render(req, &u, 422, typed, NULL, NULL, NULL, "Use ordinary text for the name.");
    if (err != LYRE_OK)
        return err;
    log_info("user %llu made %s %llu", req->auth->user_id, kind == APPPASS_APIKEY ? "API key" : "app password", id);
    account_notify(req, u.email, kind == APPPASS_APIKEY ? "A new API key for your account" :
                                                          "A new app password for your account",
                   arena_printf(req->a, "%s named \"%s\" was just made for your account. Apps can now sign in "
                                "with it until you revoke it on the Apps and devices page.",
                                kind == APPPASS_APIKEY ? "An API key" : "An app password", name), 1);
    /* The answer to this POST is the only place the secret is ever shown. */
    return render(req, &u, 200, NULL, kind == APPPASS_APIKEY ? "apikey" : "password", name, secret, NULL);
}

lyre_err post_account_app_revoke(lyre_req *req)
{
    unsigned long long id;
    if (req->route_nargs < 1 || str_to_id(req->route_args[0], 4294967295ULL, &id) != 0) {
        req->error_detail = "The id in this address is not a valid number.";
        return LYRE_ERR_BAD_REQUEST;
    }
    lyre_err err = apppass_revoke(req, req->auth->user_id, id);
    if (err == LYRE_ERR_NOT_FOUND)
        req->error_detail = "You have no app password or API key with this id (revoked already?).";
    if (err != LYRE_OK)
        return err;
    return account_redirect(req, "/account/apps?done=app-revoked");
}

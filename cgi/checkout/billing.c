/* billing.c — the subscriber's own page: the plan the entitlement rule gives
 * now, the subscription's renewal or end date, invoices (from webhook data),
 * cancel at period end and resume (the provider first, then the local row;
 * the provider's webhook confirms it later), and the way to the portal. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "checkout.h"
#include "db.h"
#include "entitlement.h"
#include "log.h"
#include "money.h"
#include "payment.h"


static const char *billing_amount(arena *a, const char *currency, long long minor, int exponent)
{
    const char *s = minor >= 0 ? money_format(a, currency, exponent, (unsigned long long)minor) : NULL;
    return s ? s : arena_printf(a, "%s %lld", currency, minor);
}

static const char *billing_utc(arena *a, long long t)
{
    struct tm tm;
    time_t tt = (time_t)t;
    char buf[24];
    if (t <= 0 || !gmtime_r(&tt, &tm) || strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        return NULL;
    return arena_strdup(a, buf);
}

#define SUBSCRIPTION_SQL \
    "SELECT s.id, s.provider, s.provider_subscription_id, s.status, s.cancel_at_period_end," \
    " DATE_FORMAT(s.current_period_end, '%Y-%m-%d'), DATE_FORMAT(s.grace_until, '%Y-%m-%d')," \
    " p.name, p.code, s.current_period_end > UTC_TIMESTAMP()" \
    " FROM subscriptions s JOIN plans p ON p.id = s.plan_id WHERE s.user_id = ?"

/* The user's subscription that matters: a live one first, else the newest. */
static db_status current_subscription(lyre_req *req, db_result *r, int live_only)
{
    return db_query(req->db, req->a, r,
                    live_only ? SUBSCRIPTION_SQL " AND s.status IN ('active', 'trialing', 'past_due')"
                                " ORDER BY s.provider_updated DESC, s.id DESC LIMIT 1"
                              : SUBSCRIPTION_SQL " ORDER BY s.status IN ('active', 'trialing', 'past_due') DESC,"
                                " s.provider_updated DESC, s.id DESC LIMIT 1",
                    "u", req->auth->user_id);
}

static void add_invoices(lyre_req *req, xmlNodePtr b, db_status *st)
{
    db_result r;
    *st = db_query(req->db, req->a, &r,
                   "SELECT DATE_FORMAT(i.created_at, '%Y-%m-%d'), i.status, i.currency, i.amount_minor,"
                   " c.exponent, i.refunded_minor, i.hosted_url"
                   " FROM invoices i JOIN currencies c ON c.code = i.currency"
                   " WHERE i.user_id = ? ORDER BY i.created_at DESC, i.id DESC LIMIT 50",
                   "u", req->auth->user_id);
    if (*st != DB_OK)
        return;
    xmlNodePtr list = view_elem(b, "invoices");
    for (size_t i = 0; i < r.nrows; i++) {
        xmlNodePtr inv = view_elem(list, "invoice");
        const char *cur = db_cell(&r, i, 2);
        int exp = (int)db_cell_ll(&r, i, 4, 2);
        view_attr(inv, "date", db_cell(&r, i, 0));
        view_attr(inv, "status", db_cell(&r, i, 1));
        view_text(inv, "amount", billing_amount(req->a, cur, db_cell_ll(&r, i, 3, 0), exp));
        if (db_cell_ll(&r, i, 5, 0) > 0)
            view_text(inv, "refunded", billing_amount(req->a, cur, db_cell_ll(&r, i, 5, 0), exp));
        const char *url = db_cell(&r, i, 6);
        if (url && str_starts_with(url, "https://"))
            view_text(inv, "url", url);
    }
}

lyre_err page_billing(lyre_req *req)
{
    entitlement ent;
    db_result sub;
    db_status st;
    lyre_err err = entitlement_get(req->db, req->a, req->auth->user_id, &ent);
    if (err != LYRE_OK)
        return err;
    if ((st = current_subscription(req, &sub, 0)) != DB_OK)
        return db_status_to_err(st);
    xmlNodePtr b;
    lyre_view *v = billing_view(req, "Billing", "overview", &b);
    xmlNodePtr plan = view_text(b, "plan", ent.plan_name);
    view_attr(plan, "code", ent.plan_code);
    if (ent.via_family)
        view_attr(plan, "via-family", "yes");
    if (sub.nrows) {
        xmlNodePtr s = view_text(b, "subscription", db_cell(&sub, 0, 7));
        view_attr(s, "status", db_cell(&sub, 0, 3));
        view_attr(s, "plan", db_cell(&sub, 0, 8));
        view_attr(s, "cancel-at-period-end", db_cell_ll(&sub, 0, 4, 0) ? "yes" : "no");
        if (db_cell(&sub, 0, 5))
            view_attr(s, "period-end", db_cell(&sub, 0, 5));
        if (db_cell(&sub, 0, 6))
            view_attr(s, "grace-until", db_cell(&sub, 0, 6));
        const char *status = db_cell(&sub, 0, 3);
        if (strcmp(status, "active") == 0 || strcmp(status, "trialing") == 0 || strcmp(status, "past_due") == 0)
            view_attr(s, "changeable", "yes");
    }
    const payment_provider *p = payment_provider_get(req->cfg);
    if (p) {
        const char *customer = billing_customer(req, p->name, &st);
        if (st != DB_OK)
            goto db_failed;
        if (customer)
            view_elem(b, "portal");
    }
    add_invoices(req, b, &st);
    if (st != DB_OK)
        goto db_failed;
    const char *done = http_query(req, "done");
    if (done && strcmp(done, "cancel") == 0)
        view_text(b, "notice", "Your plan will end at the end of this period. You can resume it until then.");
    else if (done && strcmp(done, "resume") == 0)
        view_text(b, "notice", "Your plan continues: it renews at the end of this period.");
    else if (http_query(req, "already"))
        view_text(b, "notice", "You already have a paid plan. Change it in the payment portal.");
    return app_render(req, v);
db_failed:
    view_free(v);
    return db_status_to_err(st);
}

static lyre_err set_cancel(lyre_req *req, int cancel)
{
    db_result sub;
    db_status st = current_subscription(req, &sub, 1);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (sub.nrows == 0) {
        req->error_detail = "You have no subscription to change.";
        return LYRE_ERR_CONFLICT;
    }
    const payment_provider *p = payment_provider_named(db_cell(&sub, 0, 1));
    if (!p) {
        req->error_detail = "This subscription's payment provider is not set up here.";
        return LYRE_ERR_CONFLICT;
    }
    payment_result r;
    const char *key = payment_idempotency_key(req->a, cancel ? "cancel" : "resume");
    if (!key)
        return LYRE_ERR_INTERNAL;
    if (p->set_cancel_at_period_end(req->cfg, req->a, db_cell(&sub, 0, 2), cancel, key, &r) != PAYMENT_OK)
        return billing_provider_error(req, &r);
    /* provider_updated stays: the provider's own event settles the row for good. */
    st = db_exec(req->db, NULL, NULL,
                 "UPDATE subscriptions SET cancel_at_period_end = ?,"
                 " current_period_end = COALESCE(?, current_period_end) WHERE id = ?",
                 "iss", (long long)(r.cancel_at_period_end ? 1 : 0), billing_utc(req->a, r.current_period_end),
                 db_cell(&sub, 0, 0));
    if (st != DB_OK)
        return db_status_to_err(st);
    log_info("subscription %s of user %llu: cancel at period end %s", db_cell(&sub, 0, 0),
             req->auth->user_id, cancel ? "on" : "off");
    http_redirect(req, 303, cancel ? "/billing?done=cancel" : "/billing?done=resume");
    return LYRE_OK;
}

lyre_err post_billing_cancel(lyre_req *req)
{
    return set_cancel(req, 1);
}

lyre_err post_billing_resume(lyre_req *req)
{
    return set_cancel(req, 0);
}

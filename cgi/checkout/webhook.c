/* webhook.c — POST /webhooks/stripe: a signed provider event, settled exactly once.
 *
 * The event row (billing_events, primary key provider + event id) and the
 * event's effect are written in one transaction, and the answer is 2xx only
 * after COMMIT: a redelivery finds the row and changes nothing, and a
 * failure (database down, deadlock) answers 503 so the provider delivers the
 * event again later — nothing is lost, nothing is applied twice.
 * Subscription rows keep the provider's time of the state they hold
 * (provider_updated): an older event never overwrites a newer state.
 * Neither the signature nor any secret is ever logged. */
#include <string.h>
#include <time.h>

#include "checkout.h"
#include "db.h"
#include "log.h"
#include "payment.h"

/* Unix time as a UTC DATETIME (entitlements compare with UTC_TIMESTAMP()); NULL for 0. */
static const char *utc(arena *a, long long t)
{
    struct tm tm;
    time_t tt = (time_t)t;
    char buf[24];
    if (t <= 0 || !gmtime_r(&tt, &tm) || strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        return NULL;
    return arena_strdup(a, buf);
}

/* A JSON answer for the provider (it reads only the status). */
static lyre_err answer(lyre_req *req, int status, const char *json)
{
    req->status = status;
    req->content_type = "application/json";
    http_set_header(req, "Cache-Control", "no-store");
    sb_reset(&req->body_out);
    sb_adds(&req->body_out, json);
    sb_addc(&req->body_out, '\n');
    return LYRE_OK;
}

typedef struct settle {
    lyre_req *req;
    const char *provider;
    const payment_event *ev;
} settle;

/* One value of one row, or NULL (none, or st set to the failure). */
static const char *lookup(settle *s, db_status *st, const char *sql, const char *types, const char *p1,
                          const char *p2)
{
    db_result r;
    *st = db_query(s->req->db, s->req->a, &r, sql, types, p1, p2);
    if (*st != DB_OK || r.nrows == 0)
        return NULL;
    return db_cell(&r, 0, 0);
}

/* The user an event is about: its metadata, else the customer's row, else
 * the subscription's row.  0 when nobody is known (st stays DB_OK). */
static unsigned long long event_user(settle *s, db_status *st)
{
    const payment_event *ev = s->ev;
    const char *v = NULL;
    *st = DB_OK;
    if (ev->user_id) {
        char id[24];
        snprintf(id, sizeof id, "%llu", ev->user_id);
        v = lookup(s, st, "SELECT id FROM users WHERE id = ?", "s", id, NULL);
        if (*st != DB_OK || v)
            goto done;
    }
    if (ev->customer_id) {
        v = lookup(s, st, "SELECT user_id FROM billing_customers WHERE provider = ? AND customer_id = ?",
                   "ss", s->provider, ev->customer_id);
        if (*st != DB_OK || v)
            goto done;
    }
    if (ev->subscription_id)
        v = lookup(s, st, "SELECT user_id FROM subscriptions WHERE provider = ? AND provider_subscription_id = ?",
                   "ss", s->provider, ev->subscription_id);
done:
    return v ? strtoull(v, NULL, 10) : 0;
}

/* The plan: metadata's code, else the price's plan, else the row's plan. */
static const char *event_plan(settle *s, db_status *st)
{
    const payment_event *ev = s->ev;
    const char *v = NULL;
    *st = DB_OK;
    if (ev->plan_code) {
        v = lookup(s, st, "SELECT id FROM plans WHERE code = ?", "s", ev->plan_code, NULL);
        if (*st != DB_OK || v)
            return v;
    }
    if (ev->price_id) {
        v = lookup(s, st, "SELECT plan_id FROM plan_prices WHERE provider_price_id = ? LIMIT 1", "s",
                   ev->price_id, NULL);
        if (*st != DB_OK || v)
            return v;
    }
    if (ev->subscription_id)
        v = lookup(s, st, "SELECT plan_id FROM subscriptions WHERE provider = ? AND provider_subscription_id = ?",
                   "ss", s->provider, ev->subscription_id);
    return v;
}

static int known_status(const char *status)
{
    static const char *const known[] = { "incomplete", "incomplete_expired", "trialing", "active",
                                         "past_due", "canceled", "unpaid", "paused" };
    for (size_t i = 0; status && i < sizeof known / sizeof known[0]; i++)
        if (strcmp(status, known[i]) == 0)
            return 1;
    return 0;
}

static db_status link_customer(settle *s, unsigned long long user)
{
    if (!s->ev->customer_id)
        return DB_OK;
    return db_exec(s->req->db, NULL, NULL,
                   "INSERT IGNORE INTO billing_customers (user_id, provider, customer_id) VALUES (?, ?, ?)",
                   "uss", user, s->provider, s->ev->customer_id);
}

static db_status on_checkout(settle *s)
{
    db_status st;
    const payment_event *ev = s->ev;
    unsigned long long user = event_user(s, &st);
    if (st != DB_OK || !user) {
        if (st == DB_OK)
            log_warn("event %s: checkout for an unknown user; stored only", ev->id);
        return st;
    }
    if ((st = link_customer(s, user)) != DB_OK)
        return st;
    const char *plan = event_plan(s, &st);
    if (st != DB_OK || !ev->subscription_id || !plan)
        return st;
    /* The subscription's own events carry its full state; this only makes sure
     * the row exists (provider_updated 0: any subscription event overrides it). */
    return db_exec(s->req->db, NULL, NULL,
                   "INSERT INTO subscriptions (user_id, plan_id, provider, provider_subscription_id, status, currency)"
                   " VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE user_id = user_id",
                   "ussss" "s", user, plan, s->provider, ev->subscription_id,
                   ev->paid ? "active" : "incomplete", ev->currency);
}

static db_status on_subscription(settle *s)
{
    db_status st;
    const payment_event *ev = s->ev;
    if (!known_status(ev->status)) {
        log_warn("event %s: unknown subscription status; stored only", ev->id);
        return DB_OK;
    }
    unsigned long long user = event_user(s, &st);
    if (st != DB_OK)
        return st;
    const char *plan = event_plan(s, &st);
    if (st != DB_OK)
        return st;
    if (!user || !plan) {
        log_warn("event %s: subscription of an unknown %s; stored only", ev->id, user ? "plan" : "user");
        return DB_OK;
    }
    if ((st = link_customer(s, user)) != DB_OK)
        return st;
    /* Every column changes only when this event is not older than the state
     * kept; provider_updated comes last because MariaDB assigns left to right. */
    return db_exec(s->req->db, NULL, NULL,
        "INSERT INTO subscriptions (user_id, plan_id, provider, provider_subscription_id, status, currency,"
        " current_period_end, cancel_at_period_end, provider_updated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON DUPLICATE KEY UPDATE"
        " plan_id = IF(VALUES(provider_updated) >= provider_updated, VALUES(plan_id), plan_id),"
        " status = IF(VALUES(provider_updated) >= provider_updated, VALUES(status), status),"
        " currency = IF(VALUES(provider_updated) >= provider_updated, COALESCE(VALUES(currency), currency), currency),"
        " current_period_end = IF(VALUES(provider_updated) >= provider_updated,"
        "   COALESCE(VALUES(current_period_end), current_period_end), current_period_end),"
        " cancel_at_period_end = IF(VALUES(provider_updated) >= provider_updated,"
        "   VALUES(cancel_at_period_end), cancel_at_period_end),"
        " grace_until = IF(VALUES(provider_updated) >= provider_updated AND VALUES(status) IN ('active', 'trialing'),"
        "   NULL, grace_until),"
        " provider_updated = GREATEST(provider_updated, VALUES(provider_updated))",
        "usssss" "sii", user, plan, s->provider, ev->subscription_id, ev->status, ev->currency,
        utc(s->req->a, ev->current_period_end), (long long)ev->cancel_at_period_end, ev->created);
}

static db_status on_invoice(settle *s, int paid)
{
    db_status st;
    const payment_event *ev = s->ev;
    unsigned long long user = event_user(s, &st);
    if (st != DB_OK)
        return st;
    if (!user) {
        log_warn("event %s: invoice of an unknown customer; stored only", ev->id);
        return DB_OK;
    }
    /* A paid or refunded invoice stays so: only a failed one takes news. */
    st = db_exec(s->req->db, NULL, NULL,
        "INSERT INTO invoices (user_id, provider, provider_invoice_id, provider_subscription_id, status,"
        " currency, amount_minor, hosted_url, period_start, period_end, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON DUPLICATE KEY UPDATE"
        " amount_minor = IF(status = 'payment_failed', VALUES(amount_minor), amount_minor),"
        " hosted_url = COALESCE(VALUES(hosted_url), hosted_url),"
        " provider_subscription_id = COALESCE(provider_subscription_id, VALUES(provider_subscription_id)),"
        " status = IF(status = 'payment_failed', VALUES(status), status)",
        "usssss" "is" "sss", user, s->provider, ev->invoice_id, ev->subscription_id,
        paid ? "paid" : "payment_failed", ev->currency, ev->amount_minor, ev->hosted_url,
        utc(s->req->a, ev->period_start), utc(s->req->a, ev->period_end),
        utc(s->req->a, ev->object_created ? ev->object_created : ev->created));
    if (st != DB_OK || !ev->subscription_id)
        return st;
    if (paid)
        return db_exec(s->req->db, NULL, NULL,
                       "UPDATE subscriptions SET grace_until = NULL WHERE provider = ? AND provider_subscription_id = ?",
                       "ss", s->provider, ev->subscription_id);
    /* The grace period starts at the first failure and is not stretched by the
     * next ones; a failure reported after the invoice was paid changes nothing. */
    return db_exec(s->req->db, NULL, NULL,
        "UPDATE subscriptions SET grace_until = COALESCE(grace_until, UTC_TIMESTAMP() + INTERVAL ? DAY)"
        " WHERE provider = ? AND provider_subscription_id = ? AND EXISTS (SELECT 1 FROM invoices"
        "  WHERE provider = ? AND provider_invoice_id = ? AND status = 'payment_failed')",
        "isss" "s", (long long)s->req->cfg->grace_days, s->provider, ev->subscription_id, s->provider,
        ev->invoice_id);
}

static db_status on_refund(settle *s)
{
    db_status st = DB_OK;
    const payment_event *ev = s->ev;
    if (!ev->invoice_id) {
        log_info("event %s: refund of a charge without an invoice; stored only", ev->id);
        return DB_OK;
    }
    unsigned long long user = event_user(s, &st);
    if (st == DB_OK && !user) {
        const char *v = lookup(s, &st, "SELECT user_id FROM invoices WHERE provider = ? AND provider_invoice_id = ?",
                               "ss", s->provider, ev->invoice_id);
        user = v ? strtoull(v, NULL, 10) : 0;
    }
    if (st != DB_OK)
        return st;
    if (!user || !ev->currency) {
        log_warn("event %s: refund for an unknown invoice; stored only", ev->id);
        return DB_OK;
    }
    /* A refund may come before the invoice's own event: the row is made from
     * the charge then, and invoice.paid later leaves its refunded status. */
    return db_exec(s->req->db, NULL, NULL,
        "INSERT INTO invoices (user_id, provider, provider_invoice_id, status, currency, amount_minor,"
        " refunded_minor, created_at)"
        " VALUES (?, ?, ?, IF(? >= ?, 'refunded', 'partially_refunded'), ?, ?, ?, ?)"
        " ON DUPLICATE KEY UPDATE"
        " refunded_minor = GREATEST(refunded_minor, VALUES(refunded_minor)),"
        " status = IF(refunded_minor >= amount_minor, 'refunded', 'partially_refunded')",
        "uss" "ii" "s" "iis", user, s->provider, ev->invoice_id, ev->refunded_minor, ev->amount_minor,
        ev->currency, ev->amount_minor, ev->refunded_minor,
        utc(s->req->a, ev->object_created ? ev->object_created : ev->created));
}

static db_status apply(settle *s)
{
    switch (s->ev->kind) {
    case PAYMENT_EVENT_CHECKOUT_COMPLETED: return on_checkout(s);
    case PAYMENT_EVENT_SUBSCRIPTION:
    case PAYMENT_EVENT_SUBSCRIPTION_DELETED: return on_subscription(s);
    case PAYMENT_EVENT_INVOICE_PAID: return on_invoice(s, 1);
    case PAYMENT_EVENT_INVOICE_FAILED: return on_invoice(s, 0);
    case PAYMENT_EVENT_REFUND: return on_refund(s);
    case PAYMENT_EVENT_OTHER: break;
    }
    return DB_OK;
}

lyre_err post_webhook_stripe(lyre_req *req)
{
    const payment_provider *p = payment_provider_named("stripe");
    payment_event ev;
    payment_verify v = p->read_webhook(req->cfg, req->a, http_header(req, p->signature_header),
                                       req->body, req->body_len, time(NULL), &ev);
    if (v != PAYMENT_VERIFY_OK) {
        log_warn("stripe webhook refused: %s", payment_verify_name(v));
        return answer(req, 400, v == PAYMENT_VERIFY_BAD_BODY ? "{\"error\":\"unreadable event\"}"
                                                              : "{\"error\":\"bad signature\"}");
    }
    settle s = { req, p->name, &ev };
    db_status st = db_begin(req->db);
    if (st != DB_OK)
        goto failed;
    st = db_exec(req->db, NULL, NULL,
                 "INSERT INTO billing_events (provider, event_id, type, created, payload) VALUES (?, ?, ?, ?, ?)",
                 "sssi" "s", p->name, ev.id, ev.type, ev.created, req->body);
    if (st == DB_DUPLICATE) {
        db_rollback(req->db);
        log_info("stripe event %s (%s) already processed", ev.id, ev.type);
        return answer(req, 200, "{\"received\":true,\"duplicate\":true}");
    }
    if (st != DB_OK || (st = apply(&s)) != DB_OK || (st = db_commit(req->db)) != DB_OK)
        goto failed;
    log_info("stripe event %s (%s) settled", ev.id, ev.type);
    return answer(req, 200, "{\"received\":true}");
failed:
    db_rollback(req->db);
    /* Any failure is worth the provider's retry: the whole event is undone. */
    log_warn("stripe event %s (%s) not settled (database %s); the provider will retry", ev.id, ev.type,
             st == DB_DOWN ? "down" : "error");
    return LYRE_ERR_DB_DOWN;
}

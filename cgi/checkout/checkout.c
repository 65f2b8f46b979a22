/* checkout.c — POST /checkout/{plan}: a checkout session at the payment
 * provider for one plan's price in the user's currency, then 303 to the
 * provider's page (Lyre never sees card data); the success and cancel pages
 * the provider sends the user back to; POST /billing/portal. */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "checkout.h"
#include "db.h"
#include "log.h"
#include "money.h"
#include "payment.h"


lyre_view *billing_view(lyre_req *req, const char *title, const char *section, xmlNodePtr *billing)
{
    lyre_view *v = view_new("billing", title);
    view_text(view_meta(v), "section", "billing");
    *billing = view_elem(view_content(v), "billing");
    view_attr(*billing, "section", section);
    http_set_header(req, "Cache-Control", "no-store");
    return v;
}

/* The provider said no or did not answer: a page that says so (502), never a crash. */
lyre_err billing_provider_error(lyre_req *req, const payment_result *r)
{
    xmlNodePtr b;
    lyre_view *v = billing_view(req, "Payment provider problem", "provider-error", &b);
    view_text(b, "message", r->error ? r->error : "The payment provider could not be reached.");
    if (r->error_type)
        view_text(b, "error-type", r->error_type);
    req->status = 502;
    return app_render(req, v);
}

/* The user's customer id at the provider, or NULL. */
const char *billing_customer(lyre_req *req, const char *provider, db_status *st)
{
    db_result r;
    *st = db_query(req->db, req->a, &r,
                   "SELECT customer_id FROM billing_customers WHERE user_id = ? AND provider = ?", "us",
                   req->auth->user_id, provider);
    return *st == DB_OK && r.nrows ? db_cell(&r, 0, 0) : NULL;
}

/* Find the customer or make one (one key per user, so two checkouts at once
 * get the same customer from the provider). */
static lyre_err ensure_customer(lyre_req *req, const payment_provider *p, const char **customer,
                                payment_result *r, int *provider_failed)
{
    db_status st;
    *customer = billing_customer(req, p->name, &st);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (*customer)
        return LYRE_OK;
    const char *key = arena_printf(req->a, "lyre-customer-%llu", req->auth->user_id);
    if (p->create_customer(req->cfg, req->a, req->auth->user_id, req->auth->email, key, r) != PAYMENT_OK) {
        *provider_failed = 1;
        return LYRE_OK;
    }
    st = db_exec(req->db, NULL, NULL,
                 "INSERT IGNORE INTO billing_customers (user_id, provider, customer_id) VALUES (?, ?, ?)",
                 "uss", req->auth->user_id, p->name, r->id);
    if (st != DB_OK)
        return db_status_to_err(st);
    *customer = billing_customer(req, p->name, &st);
    if (st != DB_OK)
        return db_status_to_err(st);
    return *customer ? LYRE_OK : LYRE_ERR_INTERNAL;
}

lyre_err post_checkout(lyre_req *req)
{
    const payment_provider *p = payment_provider_get(req->cfg);
    const char *code = req->route_args[0];
    db_result plan, price, user, live;
    if (!p) {
        req->error_detail = "Payments are not set up on this site.";
        return LYRE_ERR_NOT_FOUND;
    }
    db_status st = db_query(req->db, req->a, &plan,
                            "SELECT id, code, name FROM plans WHERE code = ? AND active = 1 AND code <> 'free'",
                            "s", code);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (plan.nrows == 0) {
        req->error_detail = "There is no such plan to buy.";
        return LYRE_ERR_NOT_FOUND;
    }
    /* One paid plan at a time: a subscriber changes plans in the portal. */
    st = db_query(req->db, req->a, &live,
                  "SELECT 1 FROM subscriptions WHERE user_id = ? AND status IN ('active', 'trialing', 'past_due')"
                  " LIMIT 1", "u", req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (live.nrows) {
        http_redirect(req, 303, "/billing?already=1");
        return LYRE_OK;
    }
    st = db_query(req->db, req->a, &user, "SELECT country FROM users WHERE id = ?", "u", req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    const char *want = money_currency_for_country(user.nrows ? db_cell(&user, 0, 0) : NULL,
                                                  req->cfg->default_currency);
    const char *interval = http_form(req, "interval");
    if (!interval || (strcmp(interval, "month") != 0 && strcmp(interval, "year") != 0))
        interval = "month";
    st = db_query(req->db, req->a, &price,
                  "SELECT currency, amount_minor, billing_interval, provider_price_id FROM plan_prices"
                  " WHERE plan_id = ? AND currency IN (?, ?)"
                  " ORDER BY currency = ? DESC, billing_interval = ? DESC LIMIT 1",
                  "sssss", db_cell(&plan, 0, 0), want, req->cfg->default_currency, want, interval);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (price.nrows == 0) {
        req->error_detail = "This plan has no price in your currency yet.";
        return LYRE_ERR_NOT_FOUND;
    }
    const char *customer = NULL;
    payment_result r;
    int provider_failed = 0;
    lyre_err err = ensure_customer(req, p, &customer, &r, &provider_failed);
    if (err != LYRE_OK)
        return err;
    if (provider_failed)
        return billing_provider_error(req, &r);
    payment_checkout in = {
        .user_id = req->auth->user_id,
        .customer_id = customer,
        .plan_code = db_cell(&plan, 0, 1),
        .plan_name = db_cell(&plan, 0, 2),
        .price_id = db_cell(&price, 0, 3),
        .currency = db_cell(&price, 0, 0),
        .amount_minor = db_cell_ll(&price, 0, 1, 0),
        .interval = db_cell(&price, 0, 2),
        .success_url = arena_printf(req->a, "%s/checkout/success?session_id={CHECKOUT_SESSION_ID}",
                                    req->cfg->base_url),
        .cancel_url = arena_printf(req->a, "%s/checkout/cancel", req->cfg->base_url),
        .idempotency_key = payment_idempotency_key(req->a, "checkout"),
    };
    if (!in.idempotency_key)
        return LYRE_ERR_INTERNAL;
    if (p->create_checkout(req->cfg, req->a, &in, &r) != PAYMENT_OK)
        return billing_provider_error(req, &r);
    log_info("checkout session for user %llu, plan %s (%s)", req->auth->user_id, in.plan_code, in.currency);
    http_set_header(req, "Cache-Control", "no-store");
    http_redirect(req, 303, r.url);
    return LYRE_OK;
}

/* The plan the user holds now, as the entitlement rule says. */
static void add_current_plan(lyre_req *req, xmlNodePtr b)
{
    db_result r;
    if (db_query(req->db, req->a, &r,
                 "SELECT p.name, s.status FROM subscriptions s JOIN plans p ON p.id = s.plan_id"
                 " WHERE s.user_id = ? ORDER BY s.provider_updated DESC, s.id DESC LIMIT 1",
                 "u", req->auth->user_id) == DB_OK && r.nrows) {
        xmlNodePtr s = view_text(b, "subscription", db_cell(&r, 0, 0));
        view_attr(s, "status", db_cell(&r, 0, 1));
    }
}

lyre_err page_checkout_success(lyre_req *req)
{
    xmlNodePtr b;
    lyre_view *v = billing_view(req, "Thank you", "success", &b);
    add_current_plan(req, b);
    return app_render(req, v);
}

lyre_err page_checkout_cancel(lyre_req *req)
{
    xmlNodePtr b;
    lyre_view *v = billing_view(req, "Checkout cancelled", "cancel", &b);
    return app_render(req, v);
}

lyre_err post_billing_portal(lyre_req *req)
{
    const payment_provider *p = payment_provider_get(req->cfg);
    db_status st;
    if (!p) {
        req->error_detail = "Payments are not set up on this site.";
        return LYRE_ERR_NOT_FOUND;
    }
    const char *customer = billing_customer(req, p->name, &st);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (!customer) {
        http_redirect(req, 303, "/plans");
        return LYRE_OK;
    }
    payment_result r;
    const char *key = payment_idempotency_key(req->a, "portal");
    if (!key)
        return LYRE_ERR_INTERNAL;
    if (p->create_portal(req->cfg, req->a, customer, arena_printf(req->a, "%s/billing", req->cfg->base_url),
                         key, &r) != PAYMENT_OK)
        return billing_provider_error(req, &r);
    http_set_header(req, "Cache-Control", "no-store");
    http_redirect(req, 303, r.url);
    return LYRE_OK;
}

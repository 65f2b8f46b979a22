/* plans.c — GET /plans: the plans with their prices in the visitor's currency
 * (users.country through lib/money, else billing.default_currency; anonymous
 * visitors may switch with ?currency= among the priced ones), the current
 * plan marked, and a checkout form per paid plan (POST /checkout/{code},
 * checkout.c) unless billing.provider is "none".  GET/POST /plans/admin:
 * admins edit a plan's name, description, limits, active flag and its
 * monthly price per currency (typed as a decimal, kept in minor units). */
#include "checkout.h"

#include <string.h>

#include "auth.h"
#include "entitlement.h"
#include "log.h"
#include "money.h"

#define PLAN_COLS "p.id, p.code, p.name, p.description, p.max_kbps, p.skips_per_hour, " \
                  "p.spots_every, p.family_members, p.active"

/* What a plan's row says, for both pages. */
static xmlNodePtr plan_node(xmlNodePtr parent, const db_result *r, size_t i)
{
    xmlNodePtr p = view_elem(parent, "plan");
    view_attr(p, "id", db_cell(r, i, 0));
    view_attr(p, "code", db_cell(r, i, 1));
    view_attr(p, "active", db_cell(r, i, 8));
    view_text(p, "name", db_cell(r, i, 2));
    view_text(p, "description", db_cell(r, i, 3));
    view_text(p, "max-kbps", db_cell(r, i, 4));
    view_text(p, "skips-per-hour", db_cell(r, i, 5) ? db_cell(r, i, 5) : "");
    view_text(p, "spots-every", db_cell(r, i, 6) ? db_cell(r, i, 6) : "");
    view_text(p, "family-members", db_cell(r, i, 7));
    return p;
}

/* 1 if some active plan has a monthly price in code. */
static lyre_err currency_priced(lyre_req *req, const char *code, int *priced)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT 1 FROM plan_prices pp JOIN plans p ON p.id = pp.plan_id "
        "WHERE pp.currency = ? AND pp.billing_interval = 'month' AND p.active = 1 LIMIT 1", "s", code);
    if (st != DB_OK)
        return db_status_to_err(st);
    *priced = r.nrows > 0;
    return LYRE_OK;
}

/* The currency this visitor sees: ?currency= (anonymous only), else their
 * country's, else the default; one without prices falls back to the default. */
static lyre_err pick_currency(lyre_req *req, const char **out)
{
    const char *fallback = req->cfg->default_currency && money_code_valid(req->cfg->default_currency)
                         ? req->cfg->default_currency : "USD";
    const char *want = fallback;
    const char *asked = http_query(req, "currency");
    int priced = 0;
    lyre_err err;

    if (req->auth) {
        db_result r;
        db_status st = db_query(req->db, req->a, &r, "SELECT country FROM users WHERE id = ?", "u",
                                req->auth->user_id);
        if (st != DB_OK)
            return db_status_to_err(st);
        want = money_currency_for_country(r.nrows ? db_cell(&r, 0, 0) : NULL, fallback);
    } else if (asked && *asked) {
        if (!money_code_valid(asked)) {
            req->error_detail = "currency must be a three-letter ISO 4217 code, such as EUR.";
            return LYRE_ERR_BAD_REQUEST;
        }
        if ((err = currency_priced(req, asked, &priced)) != LYRE_OK)
            return err;
        if (!priced) {
            req->error_detail = arena_printf(req->a, "There are no prices in %s.", asked);
            return LYRE_ERR_BAD_REQUEST;
        }
        want = asked;
    }
    if ((err = currency_priced(req, want, &priced)) != LYRE_OK)
        return err;
    *out = priced ? want : fallback;
    return LYRE_OK;
}

lyre_err page_plans(lyre_req *req)
{
    const char *currency = NULL;
    entitlement ent;
    db_result r, cur;
    memset(&ent, 0, sizeof ent);
    lyre_err err = pick_currency(req, &currency);
    if (err != LYRE_OK)
        return err;
    if (req->auth && (err = entitlement_get(req->db, req->a, req->auth->user_id, &ent)) != LYRE_OK)
        return err;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT " PLAN_COLS ", pp.amount_minor, COALESCE(c.exponent, -1) "
        "FROM plans p LEFT JOIN plan_prices pp ON pp.plan_id = p.id AND pp.currency = ? "
        "  AND pp.billing_interval = 'month' "
        "LEFT JOIN currencies c ON c.code = pp.currency "
        "WHERE p.active = 1 ORDER BY p.sort_order, p.id", "s", currency);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &cur,
            "SELECT DISTINCT pp.currency FROM plan_prices pp JOIN plans p ON p.id = pp.plan_id "
            "WHERE p.active = 1 AND pp.billing_interval = 'month' ORDER BY pp.currency", "");
    if (st != DB_OK)
        return db_status_to_err(st);

    int checkout = req->cfg->billing_provider && strcmp(req->cfg->billing_provider, "none") != 0;
    lyre_view *v = view_new("plans", "Premium");
    view_text(view_meta(v), "section", "plans");
    xmlNodePtr plans = view_elem(view_content(v), "plans");
    view_attr(plans, "currency", currency);
    view_attr(plans, "checkout", checkout ? "1" : "0");
    view_attr(plans, "signed-in", req->auth ? "1" : "0");
    if (req->auth) {
        view_attr(plans, "current", ent.plan_code);
        if (ent.via_family)
            view_attr(plans, "via-family", "1");
    }
    for (size_t i = 0; i < r.nrows; i++) {
        xmlNodePtr p = plan_node(plans, &r, i);
        const char *code = db_cell(&r, i, 1);
        if (req->auth && strcmp(code, ent.plan_code) == 0)
            view_attr(p, "current", "1");
        if (db_cell(&r, i, 9)) {
            unsigned long long minor = (unsigned long long)db_cell_ll(&r, i, 9, 0);
            const char *shown = money_format(req->a, currency, (int)db_cell_ll(&r, i, 10, -1), minor);
            if (shown) {
                xmlNodePtr price = view_text(p, "price", shown);
                view_attr(price, "minor", db_cell(&r, i, 9));
                view_attr(price, "interval", "month");
            }
        }
    }
    xmlNodePtr cs = view_elem(plans, "currencies");
    for (size_t i = 0; i < cur.nrows; i++) {
        xmlNodePtr c = view_text(cs, "currency", db_cell(&cur, i, 0));
        if (strcmp(db_cell(&cur, i, 0), currency) == 0)
            view_attr(c, "selected", "1");
    }
    /* Per-user page: never kept by a shared cache. */
    http_set_header(req, "Cache-Control", "private, no-store");
    return app_render(req, v);
}

/* ------------------------------------------------------------ /plans/admin */

/* Messages a redirect back may ask for with ?done=. */
static const char *done_notice(const char *key)
{
    if (key && strcmp(key, "saved") == 0)
        return "The plan was saved.";
    return NULL;
}

typedef struct plan_form {
    unsigned long long id;
    const char *message;        /* the first mistake, for the person */
    const char *field;          /* its input's name */
} plan_form;

/* Render every plan's form; when f has a mistake, the plan f->id shows what
 * was typed and the message. */
static lyre_err render_admin(lyre_req *req, const plan_form *f)
{
    db_result r, cur, prices;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT " PLAN_COLS " FROM plans p ORDER BY p.sort_order, p.id", "");
    if (st == DB_OK)
        st = db_query(req->db, req->a, &cur, "SELECT code, exponent, name FROM currencies ORDER BY code", "");
    if (st == DB_OK)
        st = db_query(req->db, req->a, &prices,
            "SELECT plan_id, currency, amount_minor FROM plan_prices WHERE billing_interval = 'month'", "");
    if (st != DB_OK)
        return db_status_to_err(st);

    lyre_view *v = view_new("plans", "Plans and prices");
    view_text(view_meta(v), "section", "plans");
    xmlNodePtr adm = view_elem(view_content(v), "plans-admin");
    const char *notice = done_notice(http_query(req, "done"));
    if (notice)
        view_text(adm, "notice", notice);
    if (f && f->message) {
        xmlNodePtr e = view_text(adm, "error", f->message);
        view_attr(e, "plan", arena_printf(req->a, "%llu", f->id));
        view_attr(e, "field", f->field);
    }
    for (size_t i = 0; i < r.nrows; i++) {
        unsigned long long id = (unsigned long long)db_cell_ll(&r, i, 0, 0);
        int typed = f && f->message && f->id == id;
        xmlNodePtr p = plan_node(adm, &r, i);
        if (typed) {
            /* What the admin typed, to correct it rather than type it again. */
            static const char *const fields[] = { "name", "description", "max_kbps", "skips_per_hour",
                                                  "spots_every", "family_members", NULL };
            xmlNodePtr t = view_elem(p, "typed");
            for (size_t k = 0; fields[k]; k++) {
                const char *val = http_form(req, fields[k]);
                view_attr(view_text(t, "field", val ? val : ""), "name", fields[k]);
            }
            view_attr(t, "active", http_form(req, "active") ? "1" : "0");
        }
        for (size_t c = 0; c < cur.nrows; c++) {
            const char *code = db_cell(&cur, c, 0);
            int exponent = (int)db_cell_ll(&cur, c, 1, 2);
            xmlNodePtr pr = view_elem(p, "price");
            view_attr(pr, "currency", code);
            view_attr(pr, "exponent", db_cell(&cur, c, 1));
            const char *value = "";
            if (typed) {
                value = http_form(req, arena_printf(req->a, "price_%s", code));
                value = value ? value : "";
            } else {
                for (size_t k = 0; k < prices.nrows; k++)
                    if ((unsigned long long)db_cell_ll(&prices, k, 0, 0) == id &&
                        strcmp(db_cell(&prices, k, 1), code) == 0) {
                        /* Shown as the decimal an admin types back: 11.99, 980. */
                        unsigned long long m = (unsigned long long)db_cell_ll(&prices, k, 2, 0);
                        unsigned long long scale = 1;
                        for (int x = 0; x < exponent; x++)
                            scale *= 10;
                        value = exponent > 0 ? arena_printf(req->a, "%llu.%0*llu", m / scale, exponent, m % scale)
                                             : arena_printf(req->a, "%llu", m);
                        view_attr(pr, "shown", money_format(req->a, code, exponent, m));
                    }
            }
            view_attr(pr, "value", value);
        }
    }
    http_set_header(req, "Cache-Control", "private, no-store");
    return app_render(req, v);
}

lyre_err page_plans_admin(lyre_req *req)
{
    return render_admin(req, NULL);
}

static lyre_err form_mistake(lyre_req *req, plan_form *f, const char *field, const char *message)
{
    f->field = field;
    f->message = message;
    req->status = 422;
    return render_admin(req, f);
}

/* An optional whole number in [min,max]: "" is NULL (unlimited, none). */
static int optional_number(const char *s, long min, long max, const char **out, arena *a)
{
    long v;
    if (!s || !*s) {
        *out = NULL;
        return 0;
    }
    if (str_to_long(s, min, max, &v) != 0)
        return -1;
    *out = arena_printf(a, "%ld", v);
    return 0;
}

lyre_err post_plans_admin(lyre_req *req)
{
    plan_form f = { 0, NULL, NULL };
    db_result cur, exists;
    const char *plan = http_form(req, "plan");
    if (!plan || str_to_id(plan, 65535, &f.id) != 0) {
        req->error_detail = "plan must be a plan's id.";
        return LYRE_ERR_BAD_REQUEST;
    }
    db_status st = db_query(req->db, req->a, &exists, "SELECT code FROM plans WHERE id = ?", "u", f.id);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &cur, "SELECT code, exponent FROM currencies ORDER BY code", "");
    if (st != DB_OK)
        return db_status_to_err(st);
    if (exists.nrows == 0) {
        req->error_detail = arena_printf(req->a, "No plan has the id %llu.", f.id);
        return LYRE_ERR_NOT_FOUND;
    }

    const char *name = http_form(req, "name");
    const char *description = http_form(req, "description");
    long max_kbps, family;
    const char *skips, *spots;
    if (!name || !*name || strlen(name) > 64 || strspn(name, " ") == strlen(name))
        return form_mistake(req, &f, "name", "Give the plan a name of at most 64 characters.");
    if (description && strlen(description) > 500)
        return form_mistake(req, &f, "description", "Keep the description to 500 characters.");
    if (str_to_long(http_form(req, "max_kbps") ? http_form(req, "max_kbps") : "", 8, 10000, &max_kbps) != 0)
        return form_mistake(req, &f, "max_kbps", "The highest bitrate is a whole number of kbit/s, 8 to 10000.");
    if (optional_number(http_form(req, "skips_per_hour"), 0, 65535, &skips, req->a) != 0)
        return form_mistake(req, &f, "skips_per_hour",
                            "Skips per hour is a whole number from 0, or empty for unlimited.");
    if (optional_number(http_form(req, "spots_every"), 1, 255, &spots, req->a) != 0)
        return form_mistake(req, &f, "spots_every",
                            "Sponsor spots come after every 1 to 255 tracks, or leave it empty for none.");
    if (str_to_long(http_form(req, "family_members") ? http_form(req, "family_members") : "0", 0, 255,
                    &family) != 0)
        return form_mistake(req, &f, "family_members", "Family members is a whole number from 0 to 255.");
    int active = http_form(req, "active") != NULL;
    if (strcmp(db_cell(&exists, 0, 0), "free") == 0 && !active)
        return form_mistake(req, &f, "active", "The free plan stays active: everyone without a plan has it.");

    /* Every price_XXX field must name a currency of the table. */
    for (size_t i = 0; i < req->form.count; i++) {
        const char *n = req->form.items[i].name;
        if (!str_starts_with(n, "price_"))
            continue;
        size_t k = 0;
        while (k < cur.nrows && strcmp(db_cell(&cur, k, 0), n + 6) != 0)
            k++;
        if (k == cur.nrows)
            return form_mistake(req, &f, n, arena_printf(req->a, "%s is not a known currency.", n + 6));
    }
    unsigned long long *amounts = arena_calloc(req->a, cur.nrows ? cur.nrows : 1, sizeof *amounts);
    int *set = arena_calloc(req->a, cur.nrows ? cur.nrows : 1, sizeof *set);
    int *given = arena_calloc(req->a, cur.nrows ? cur.nrows : 1, sizeof *given);
    for (size_t k = 0; k < cur.nrows; k++) {
        const char *field = arena_printf(req->a, "price_%s", db_cell(&cur, k, 0));
        const char *typed = http_form(req, field);
        if (!typed)
            continue;     /* not in the form: left as it is */
        given[k] = 1;
        if (!*typed)
            continue;     /* emptied: no price in this currency */
        money_parse_err pe = money_parse(typed, (int)db_cell_ll(&cur, k, 1, 2), &amounts[k]);
        if (pe != MONEY_PARSE_OK)
            return form_mistake(req, &f, field,
                                arena_printf(req->a, "%s: %s", db_cell(&cur, k, 0), money_parse_message(pe)));
        set[k] = 1;
    }

    lyre_err err = LYRE_OK;
    if ((st = db_begin(req->db)) != DB_OK)
        return db_status_to_err(st);
    st = db_exec(req->db, NULL, NULL,
        "UPDATE plans SET name = ?, description = ?, max_kbps = ?, skips_per_hour = ?, spots_every = ?, "
        "family_members = ?, active = ? WHERE id = ?", "ssissiiu",
        name, description ? description : "", (long long)max_kbps, skips, spots, (long long)family,
        (long long)active, f.id);
    for (size_t k = 0; st == DB_OK && k < cur.nrows; k++) {
        if (!given[k])
            continue;
        if (set[k])
            /* A provider's price object holds its amount: a new amount drops it
             * (checkout then sends the price inline). */
            st = db_exec(req->db, NULL, NULL,
                "INSERT INTO plan_prices (plan_id, currency, amount_minor, billing_interval) "
                "VALUES (?, ?, ?, 'month') ON DUPLICATE KEY UPDATE "
                "provider_price_id = IF(amount_minor = VALUES(amount_minor), provider_price_id, NULL), "
                "amount_minor = VALUES(amount_minor)", "usu", f.id, db_cell(&cur, k, 0), amounts[k]);
        else
            st = db_exec(req->db, NULL, NULL,
                "DELETE FROM plan_prices WHERE plan_id = ? AND currency = ? AND billing_interval = 'month'",
                "us", f.id, db_cell(&cur, k, 0));
    }
    if (st == DB_OK)
        st = db_commit(req->db);
    if (st != DB_OK) {
        if (db_rollback(req->db) != DB_OK)
            log_warn("plans admin: rollback failed");
        err = db_status_to_err(st);
        return err;
    }
    log_info("plans admin: plan %llu saved by user %llu", f.id, req->auth->user_id);
    http_redirect(req, 303, arena_printf(req->a, "/plans/admin?done=saved#plan-%llu", f.id));
    return LYRE_OK;
}

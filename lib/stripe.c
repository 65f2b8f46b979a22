/* stripe.c — Stripe's REST API and signed webhooks behind lib/payment.h. */
#include "stripe.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "fetch.h"
#include "log.h"
#include "str.h"

/* ------------------------------------------------------------ JSON helpers */

static const char *jstr(arena *a, json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? arena_strdup(a, s) : NULL;
}

/* A field that is an id, or an expanded object carrying one. */
static const char *jid(arena *a, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_object(v))
        v = json_object_get(v, "id");
    const char *s = json_string_value(v);
    return s ? arena_strdup(a, s) : NULL;
}

static long long jint(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static json_t *jpath(json_t *obj, const char *a, const char *b)
{
    json_t *v = json_object_get(obj, a);
    return b ? json_object_get(v, b) : v;
}

static json_t *first_item(json_t *obj, const char *list)
{
    return json_array_get(json_object_get(json_object_get(obj, list), "data"), 0);
}

static const char *upper(arena *a, const char *s)
{
    if (!s)
        return NULL;
    char *u = arena_strdup(a, s);
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

static unsigned long long metadata_user(json_t *metadata)
{
    unsigned long long id = 0;
    const char *s = json_string_value(json_object_get(metadata, "user_id"));
    if (!s || str_to_id(s, 4294967295ULL, &id) != 0)
        return 0;
    return id;
}

/* ------------------------------------------------------------ errors */

const char *stripe_error_message(arena *a, long http_status, const char *body, const char **type)
{
    const char *msg = NULL;
    *type = NULL;
    json_t *root = body ? json_loads(body, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *err = json_object_get(root, "error");
    if (json_is_object(err)) {
        const char *m = json_string_value(json_object_get(err, "message"));
        const char *t = json_string_value(json_object_get(err, "type"));
        if (t)
            *type = arena_strdup(a, t);
        if (m && *m)
            msg = arena_printf(a, "The payment provider refused: %s", m);
        else if (t)
            msg = arena_printf(a, "The payment provider refused the request (%s).", t);
    }
    json_decref(root);
    if (!msg)
        msg = arena_printf(a, "The payment provider answered with an error (HTTP %ld).", http_status);
    return msg;
}

/* ------------------------------------------------------------ API calls */

/* POST form to path; on success *obj is the answer's JSON object (caller decrefs). */
static payment_status api_post(const lyre_config *cfg, arena *a, const char *path, const strbuf *form,
                               const char *idempotency_key, payment_result *out, json_t **obj)
{
    memset(out, 0, sizeof *out);
    *obj = NULL;
    if (!cfg->stripe_secret_key || !*cfg->stripe_secret_key) {
        out->error = "Payments are not set up on this site (no Stripe secret key).";
        return PAYMENT_NOT_CONFIGURED;
    }
    const char *base = cfg->stripe_api_base;
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    const char *url = arena_printf(a, "%.*s%s", (int)blen, base, path);
    const char *headers[4] = { NULL };
    headers[0] = arena_printf(a, "Authorization: Bearer %s", cfg->stripe_secret_key);
    headers[1] = idempotency_key ? arena_printf(a, "Idempotency-Key: %s", idempotency_key) : NULL;
    fetch_opts opts = { 0 };
    opts.timeout_ms = cfg->stripe_timeout_ms;
    opts.connect_timeout_ms = cfg->stripe_timeout_ms < 5000 ? cfg->stripe_timeout_ms : 5000;
    /* A POST is only retried because the key makes the retry harmless. */
    opts.retries = idempotency_key ? cfg->stripe_retries : 0;
    opts.max_body = 256 * 1024;
    fetch_response resp;
    fetch_status st = fetch_post(a, url, headers, "application/x-www-form-urlencoded",
                                 form->buf, form->len, &opts, &resp);
    out->http_status = resp.status;
    if (st != FETCH_OK) {
        out->error = st == FETCH_ERR_NETWORK
            ? "The payment provider did not answer in time. Nothing was charged; please try again in a moment."
            : "The payment provider could not be reached (check billing.stripe_api_base).";
        log_warn("stripe %s: %s after %d attempt(s)", path, resp.error ? resp.error : "error", resp.attempts);
        return PAYMENT_UNAVAILABLE;
    }
    if (resp.status >= 500 || resp.status == 429) {
        out->error = "The payment provider is not available right now. Nothing was charged; please try again in a moment.";
        log_warn("stripe %s: HTTP %ld after %d attempt(s)", path, resp.status, resp.attempts);
        return PAYMENT_UNAVAILABLE;
    }
    if (resp.status < 200 || resp.status >= 300) {
        out->error = stripe_error_message(a, resp.status, resp.body, &out->error_type);
        log_warn("stripe %s: HTTP %ld (%s)", path, resp.status, out->error_type ? out->error_type : "no type");
        return PAYMENT_REFUSED;
    }
    json_t *root = json_loadb(resp.body, resp.body_len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(root) || !json_string_value(json_object_get(root, "id"))) {
        json_decref(root);
        out->error = "The payment provider's answer could not be read.";
        log_warn("stripe %s: HTTP %ld with an unreadable answer", path, resp.status);
        return PAYMENT_BAD_ANSWER;
    }
    out->id = jstr(a, root, "id");
    *obj = root;
    return PAYMENT_OK;
}

static payment_status stripe_create_customer(const lyre_config *cfg, arena *a, unsigned long long user_id,
                                             const char *email, const char *idempotency_key,
                                             payment_result *out)
{
    strbuf form = STRBUF_INIT;
    json_t *obj = NULL;
    if (email && *email)
        fetch_form_add(&form, "email", email);
    fetch_form_add(&form, "metadata[user_id]", arena_printf(a, "%llu", user_id));
    payment_status st = api_post(cfg, a, "/v1/customers", &form, idempotency_key, out, &obj);
    json_decref(obj);
    sb_free(&form);
    return st;
}

static payment_status stripe_create_checkout(const lyre_config *cfg, arena *a, const payment_checkout *in,
                                             payment_result *out)
{
    strbuf form = STRBUF_INIT;
    json_t *obj = NULL;
    const char *uid = arena_printf(a, "%llu", in->user_id);
    fetch_form_add(&form, "mode", "subscription");
    if (in->customer_id && *in->customer_id)
        fetch_form_add(&form, "customer", in->customer_id);
    fetch_form_add(&form, "client_reference_id", uid);
    fetch_form_add(&form, "success_url", in->success_url);
    fetch_form_add(&form, "cancel_url", in->cancel_url);
    fetch_form_add(&form, "line_items[0][quantity]", "1");
    if (in->price_id && *in->price_id) {
        fetch_form_add(&form, "line_items[0][price]", in->price_id);
    } else {
        char *cur = arena_strdup(a, in->currency);
        for (char *p = cur; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        fetch_form_add(&form, "line_items[0][price_data][currency]", cur);
        fetch_form_add(&form, "line_items[0][price_data][unit_amount]", arena_printf(a, "%lld", in->amount_minor));
        fetch_form_add(&form, "line_items[0][price_data][recurring][interval]", in->interval);
        fetch_form_add(&form, "line_items[0][price_data][product_data][name]", in->plan_name);
    }
    fetch_form_add(&form, "metadata[user_id]", uid);
    fetch_form_add(&form, "metadata[plan]", in->plan_code);
    /* The subscription's own events must name the user and plan too. */
    fetch_form_add(&form, "subscription_data[metadata][user_id]", uid);
    fetch_form_add(&form, "subscription_data[metadata][plan]", in->plan_code);
    payment_status st = api_post(cfg, a, "/v1/checkout/sessions", &form, in->idempotency_key, out, &obj);
    if (st == PAYMENT_OK) {
        out->url = jstr(a, obj, "url");
        if (!out->url || !str_starts_with(out->url, "https://")) {
            out->error = "The payment provider's answer had no checkout page.";
            st = PAYMENT_BAD_ANSWER;
        }
    }
    json_decref(obj);
    sb_free(&form);
    return st;
}

static payment_status stripe_create_portal(const lyre_config *cfg, arena *a, const char *customer_id,
                                           const char *return_url, const char *idempotency_key,
                                           payment_result *out)
{
    strbuf form = STRBUF_INIT;
    json_t *obj = NULL;
    fetch_form_add(&form, "customer", customer_id);
    fetch_form_add(&form, "return_url", return_url);
    payment_status st = api_post(cfg, a, "/v1/billing_portal/sessions", &form, idempotency_key, out, &obj);
    if (st == PAYMENT_OK) {
        out->url = jstr(a, obj, "url");
        if (!out->url || !str_starts_with(out->url, "https://")) {
            out->error = "The payment provider's answer had no portal page.";
            st = PAYMENT_BAD_ANSWER;
        }
    }
    json_decref(obj);
    sb_free(&form);
    return st;
}

static long long period_end_of(json_t *sub)
{
    long long end = jint(sub, "current_period_end");
    /* API versions from 2025-03-31 keep the period on the subscription's items. */
    return end ? end : jint(first_item(sub, "items"), "current_period_end");
}

static payment_status stripe_set_cancel(const lyre_config *cfg, arena *a, const char *subscription_id,
                                        int cancel, const char *idempotency_key, payment_result *out)
{
    strbuf form = STRBUF_INIT;
    json_t *obj = NULL;
    payment_status st;
    if (!subscription_id || !*subscription_id || strpbrk(subscription_id, "/?#%& ")) {
        memset(out, 0, sizeof *out);
        out->error = "This subscription cannot be changed here.";
        st = PAYMENT_REFUSED;
        goto cleanup;
    }
    fetch_form_add(&form, "cancel_at_period_end", cancel ? "true" : "false");
    st = api_post(cfg, a, arena_printf(a, "/v1/subscriptions/%s", subscription_id), &form,
                  idempotency_key, out, &obj);
    if (st == PAYMENT_OK) {
        out->status = jstr(a, obj, "status");
        out->cancel_at_period_end = json_is_true(json_object_get(obj, "cancel_at_period_end"));
        out->current_period_end = period_end_of(obj);
    }
cleanup:
    json_decref(obj);
    sb_free(&form);
    return st;
}

/* ------------------------------------------------------------ webhooks */

static int all_digits(const char *s, size_t n)
{
    if (n == 0 || n > 18)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

payment_verify stripe_verify_signature(const char *header, const char *payload, size_t len,
                                       const char *const *secrets, size_t nsecrets,
                                       long tolerance, time_t now)
{
    const char *sigs[STRIPE_MAX_SIGNATURES];
    size_t nsigs = 0;
    const char *t = NULL;
    size_t tlen = 0;
    int have_secret = 0;
    for (size_t i = 0; i < nsecrets; i++)
        if (secrets[i] && *secrets[i])
            have_secret = 1;
    if (!have_secret)
        return PAYMENT_VERIFY_NO_SECRET;
    if (!header || strlen(header) > STRIPE_MAX_SIGNATURE_HEADER)
        return PAYMENT_VERIFY_MALFORMED;
    /* "t=1492774577,v1=5257a8...,v1=...,v0=..." */
    for (const char *p = header; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, ",");
        const char *eq = memchr(p, '=', n);
        if (eq) {
            size_t klen = (size_t)(eq - p);
            const char *v = eq + 1;
            size_t vlen = n - klen - 1;
            while (vlen > 0 && v[vlen - 1] == ' ')
                vlen--;
            if (klen == 1 && p[0] == 't') {
                if (t)
                    return PAYMENT_VERIFY_MALFORMED;   /* two timestamps: which one was signed? */
                t = v;
                tlen = vlen;
            } else if (klen == 2 && p[0] == 'v' && p[1] == '1' && vlen == 2 * CRYPTO_SHA256_LEN) {
                if (nsigs < STRIPE_MAX_SIGNATURES)
                    sigs[nsigs++] = v;
            }
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (!t || !all_digits(t, tlen) || nsigs == 0)
        return PAYMENT_VERIFY_MALFORMED;

    payment_verify result = PAYMENT_VERIFY_MISMATCH;
    strbuf signed_payload = STRBUF_INIT;
    sb_add(&signed_payload, t, tlen);
    sb_addc(&signed_payload, '.');
    sb_add(&signed_payload, payload, len);
    for (size_t i = 0; i < nsecrets && result == PAYMENT_VERIFY_MISMATCH; i++) {
        uint8_t mac[CRYPTO_SHA256_LEN];
        char hex[2 * CRYPTO_SHA256_LEN + 1];
        if (!secrets[i] || !*secrets[i])
            continue;
        if (crypto_hmac_sha256(secrets[i], strlen(secrets[i]), signed_payload.buf, signed_payload.len, mac) != 0)
            continue;
        hex_encode(mac, sizeof mac, hex);
        /* Every signature is compared, so timing does not tell which one matched. */
        int match = 0;
        for (size_t j = 0; j < nsigs; j++)
            match |= crypto_equal(hex, sigs[j], 2 * CRYPTO_SHA256_LEN);
        if (match)
            result = PAYMENT_VERIFY_OK;
    }
    sb_free(&signed_payload);
    if (result != PAYMENT_VERIFY_OK)
        return result;
    long long ts = strtoll(t, NULL, 10);
    long long age = (long long)now - ts;
    if (age > tolerance || age < -(long long)tolerance)
        return PAYMENT_VERIFY_STALE;
    return PAYMENT_VERIFY_OK;
}

static void read_subscription(arena *a, json_t *sub, payment_event *ev)
{
    json_t *item = first_item(sub, "items");
    json_t *price = json_object_get(item, "price");
    ev->subscription_id = jstr(a, sub, "id");
    ev->customer_id = jid(a, sub, "customer");
    ev->status = jstr(a, sub, "status");
    ev->cancel_at_period_end = json_is_true(json_object_get(sub, "cancel_at_period_end"));
    ev->current_period_end = period_end_of(sub);
    ev->user_id = metadata_user(json_object_get(sub, "metadata"));
    ev->plan_code = jstr(a, json_object_get(sub, "metadata"), "plan");
    ev->price_id = jstr(a, price, "id");
    ev->currency = upper(a, jstr(a, sub, "currency"));
    if (!ev->currency)
        ev->currency = upper(a, jstr(a, price, "currency"));
}

static void read_invoice(arena *a, json_t *inv, payment_event *ev, int paid)
{
    /* The subscription and its metadata moved under parent.subscription_details
     * in API versions from 2025-03-31; older ones have them at the top. */
    json_t *details = jpath(inv, "parent", "subscription_details");
    if (!details)
        details = json_object_get(inv, "subscription_details");
    json_t *line = first_item(inv, "lines");
    ev->invoice_id = jstr(a, inv, "id");
    ev->customer_id = jid(a, inv, "customer");
    ev->subscription_id = jid(a, inv, "subscription");
    if (!ev->subscription_id)
        ev->subscription_id = jid(a, details, "subscription");
    ev->user_id = metadata_user(json_object_get(details, "metadata"));
    if (!ev->user_id)
        ev->user_id = metadata_user(json_object_get(line, "metadata"));
    ev->currency = upper(a, jstr(a, inv, "currency"));
    ev->amount_minor = paid ? jint(inv, "amount_paid") : jint(inv, "amount_due");
    ev->hosted_url = jstr(a, inv, "hosted_invoice_url");
    ev->period_start = jint(json_object_get(line, "period"), "start");
    ev->period_end = jint(json_object_get(line, "period"), "end");
    if (!ev->period_start) {
        ev->period_start = jint(inv, "period_start");
        ev->period_end = jint(inv, "period_end");
    }
    ev->object_created = jint(inv, "created");
}

payment_verify stripe_parse_event(arena *a, const char *payload, size_t len, payment_event *ev)
{
    payment_verify rc = PAYMENT_VERIFY_BAD_BODY;
    memset(ev, 0, sizeof *ev);
    json_t *root = json_loadb(payload, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *obj = jpath(root, "data", "object");
    ev->id = jstr(a, root, "id");
    ev->type = jstr(a, root, "type");
    ev->created = jint(root, "created");
    if (!json_is_object(root) || !json_is_object(obj) || !ev->id || !*ev->id || strlen(ev->id) > 255
        || !ev->type || !*ev->type || strlen(ev->type) > 100 || ev->created <= 0)
        goto cleanup;
    const char *type = ev->type;
    if (strcmp(type, "checkout.session.completed") == 0) {
        const char *ps = json_string_value(json_object_get(obj, "payment_status"));
        ev->kind = PAYMENT_EVENT_CHECKOUT_COMPLETED;
        ev->customer_id = jid(a, obj, "customer");
        ev->subscription_id = jid(a, obj, "subscription");
        ev->user_id = metadata_user(json_object_get(obj, "metadata"));
        if (!ev->user_id) {
            const char *ref = json_string_value(json_object_get(obj, "client_reference_id"));
            if (ref && str_to_id(ref, 4294967295ULL, &ev->user_id) != 0)
                ev->user_id = 0;
        }
        ev->plan_code = jstr(a, json_object_get(obj, "metadata"), "plan");
        ev->currency = upper(a, jstr(a, obj, "currency"));
        ev->paid = ps && (strcmp(ps, "paid") == 0 || strcmp(ps, "no_payment_required") == 0);
    } else if (strcmp(type, "customer.subscription.created") == 0
               || strcmp(type, "customer.subscription.updated") == 0) {
        ev->kind = PAYMENT_EVENT_SUBSCRIPTION;
        read_subscription(a, obj, ev);
    } else if (strcmp(type, "customer.subscription.deleted") == 0) {
        ev->kind = PAYMENT_EVENT_SUBSCRIPTION_DELETED;
        read_subscription(a, obj, ev);
        ev->status = "canceled";
    } else if (strcmp(type, "invoice.paid") == 0) {
        ev->kind = PAYMENT_EVENT_INVOICE_PAID;
        read_invoice(a, obj, ev, 1);
    } else if (strcmp(type, "invoice.payment_failed") == 0) {
        ev->kind = PAYMENT_EVENT_INVOICE_FAILED;
        read_invoice(a, obj, ev, 0);
    } else if (strcmp(type, "charge.refunded") == 0) {
        ev->kind = PAYMENT_EVENT_REFUND;
        ev->invoice_id = jid(a, obj, "invoice");
        ev->customer_id = jid(a, obj, "customer");
        ev->currency = upper(a, jstr(a, obj, "currency"));
        ev->amount_minor = jint(obj, "amount");
        ev->refunded_minor = jint(obj, "amount_refunded");
        ev->object_created = jint(obj, "created");
        ev->user_id = metadata_user(json_object_get(obj, "metadata"));
    }
    /* What an effect needs must be there; anything else is stored as it came. */
    switch (ev->kind) {
    case PAYMENT_EVENT_SUBSCRIPTION:
    case PAYMENT_EVENT_SUBSCRIPTION_DELETED:
        if (!ev->subscription_id || !ev->status)
            goto cleanup;
        break;
    case PAYMENT_EVENT_INVOICE_PAID:
    case PAYMENT_EVENT_INVOICE_FAILED:
        if (!ev->invoice_id || !ev->currency)
            goto cleanup;
        break;
    case PAYMENT_EVENT_REFUND:
    case PAYMENT_EVENT_CHECKOUT_COMPLETED:
    case PAYMENT_EVENT_OTHER:
        break;
    }
    rc = PAYMENT_VERIFY_OK;
cleanup:
    json_decref(root);
    return rc;
}

static payment_verify stripe_read_webhook(const lyre_config *cfg, arena *a, const char *signature_header,
                                          const char *body, size_t body_len, time_t now, payment_event *out)
{
    const char *secrets[2] = { cfg->stripe_webhook_secret, cfg->stripe_webhook_secret_old };
    payment_verify v = stripe_verify_signature(signature_header, body, body_len, secrets, 2,
                                               cfg->webhook_tolerance, now);
    if (v != PAYMENT_VERIFY_OK) {
        memset(out, 0, sizeof *out);
        return v;
    }
    return stripe_parse_event(a, body, body_len, out);
}

const payment_provider stripe_provider = {
    .name = "stripe",
    .create_customer = stripe_create_customer,
    .create_checkout = stripe_create_checkout,
    .create_portal = stripe_create_portal,
    .set_cancel_at_period_end = stripe_set_cancel,
    .read_webhook = stripe_read_webhook,
    .signature_header = "Stripe-Signature",
};

/* payment.h — the one interface between Lyre and a payment provider.
 *
 * Pages and webhooks only see this: a provider is a small table of
 * functions (create a customer, a checkout session, a customer-portal
 * session, cancel or resume a subscription at period end, verify and read a
 * webhook) chosen by billing.provider.  Stripe is lib/stripe.c; another
 * provider (PayPal, say) is one more table here, with no change to
 * entitlements, pages or the schema (rows carry the provider's name).
 *
 * Every call takes its idempotency key from the caller: one key per logical
 * operation, reused by every retry of it, so a retried request never buys
 * twice.  No secret, card data or request body is ever logged.
 */
#ifndef LYRE_PAYMENT_H
#define LYRE_PAYMENT_H

#include <stddef.h>
#include <time.h>
#include "arena.h"
#include "config.h"

typedef enum payment_status {
    PAYMENT_OK = 0,
    PAYMENT_REFUSED,       /* the provider said no (4xx): error says why */
    PAYMENT_UNAVAILABLE,   /* no answer in time, network error, 5xx/429 after every retry */
    PAYMENT_BAD_ANSWER,    /* an answer that is not what the API documents */
    PAYMENT_NOT_CONFIGURED,/* no secret key */
} payment_status;

/* What a call brought back: ids and a URL to send the user to, or the reason. */
typedef struct payment_result {
    const char *id;        /* cus_..., cs_..., bps_..., sub_... */
    const char *url;       /* checkout or portal page */
    const char *status;    /* a subscription's status after an update */
    int cancel_at_period_end;
    long long current_period_end;   /* unix time, 0 if unknown */
    long http_status;      /* the provider's answer, 0 when none arrived */
    const char *error;     /* a sentence for the person (arena or static) */
    const char *error_type;/* provider's error type (card_error, ...), may be NULL */
} payment_result;

/* A checkout for one plan's price.  price_id when the provider knows the
 * price; otherwise the amount, currency and interval are sent inline. */
typedef struct payment_checkout {
    unsigned long long user_id;
    const char *customer_id;
    const char *plan_code;
    const char *plan_name;
    const char *price_id;          /* NULL or "" to send price data */
    const char *currency;          /* ISO 4217, upper case */
    long long amount_minor;
    const char *interval;          /* "month" | "year" */
    const char *success_url;
    const char *cancel_url;
    const char *idempotency_key;
} payment_checkout;

/* A webhook event in the provider's neutral terms. */
typedef enum payment_event_kind {
    PAYMENT_EVENT_OTHER = 0,             /* stored and acknowledged */
    PAYMENT_EVENT_CHECKOUT_COMPLETED,
    PAYMENT_EVENT_SUBSCRIPTION,          /* created or updated */
    PAYMENT_EVENT_SUBSCRIPTION_DELETED,
    PAYMENT_EVENT_INVOICE_PAID,
    PAYMENT_EVENT_INVOICE_FAILED,
    PAYMENT_EVENT_REFUND,
} payment_event_kind;

typedef struct payment_event {
    payment_event_kind kind;
    const char *id;                 /* evt_... */
    const char *type;               /* provider's name: "invoice.paid" */
    long long created;              /* provider's time of the event */
    unsigned long long user_id;     /* from metadata or client_reference_id; 0 unknown */
    const char *customer_id;
    const char *subscription_id;
    const char *plan_code;          /* metadata plan, may be NULL */
    const char *price_id;           /* the subscription's first price, may be NULL */
    const char *status;             /* subscription status (provider vocabulary) */
    const char *currency;           /* upper case */
    long long current_period_end;   /* 0 unknown */
    int cancel_at_period_end;
    int paid;                       /* checkout: payment done (or none needed) */
    const char *invoice_id;
    long long amount_minor;         /* invoice: paid or due; refund: the charge's amount */
    long long refunded_minor;
    const char *hosted_url;
    long long period_start, period_end;
    long long object_created;       /* the invoice's (or charge's) own creation time */
} payment_event;

typedef enum payment_verify {
    PAYMENT_VERIFY_OK = 0,
    PAYMENT_VERIFY_MALFORMED,    /* no or unreadable signature header */
    PAYMENT_VERIFY_MISMATCH,     /* no signature matches an active secret */
    PAYMENT_VERIFY_STALE,        /* the signed time is outside the tolerance */
    PAYMENT_VERIFY_NO_SECRET,    /* the site has no webhook secret */
    PAYMENT_VERIFY_BAD_BODY,     /* signed, but not an event we can read */
} payment_verify;

typedef struct payment_provider {
    const char *name;   /* as stored in billing_customers.provider etc.: "stripe" */
    payment_status (*create_customer)(const lyre_config *cfg, arena *a, unsigned long long user_id,
                                      const char *email, const char *idempotency_key,
                                      payment_result *out);
    payment_status (*create_checkout)(const lyre_config *cfg, arena *a, const payment_checkout *in,
                                      payment_result *out);
    payment_status (*create_portal)(const lyre_config *cfg, arena *a, const char *customer_id,
                                    const char *return_url, const char *idempotency_key,
                                    payment_result *out);
    payment_status (*set_cancel_at_period_end)(const lyre_config *cfg, arena *a,
                                               const char *subscription_id, int cancel,
                                               const char *idempotency_key, payment_result *out);
    /* Check the signature header over the raw body, then read the event. */
    payment_verify (*read_webhook)(const lyre_config *cfg, arena *a, const char *signature_header,
                                   const char *body, size_t body_len, time_t now,
                                   payment_event *out);
    const char *signature_header;   /* the HTTP header read_webhook wants: "Stripe-Signature" */
} payment_provider;

/* The provider billing.provider names, or NULL ("none", or unknown). */
const payment_provider *payment_provider_get(const lyre_config *cfg);
/* A provider by name ("stripe"), or NULL. */
const payment_provider *payment_provider_named(const char *name);
/* A fresh idempotency key "lyre-WHAT-<32 hex>" for one logical operation (arena); NULL on failure. */
const char *payment_idempotency_key(arena *a, const char *what);
/* Short text of a verify result for logs (never secrets). */
const char *payment_verify_name(payment_verify v);

#endif

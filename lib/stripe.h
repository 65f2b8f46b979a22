/* stripe.h — Stripe behind lib/payment.h: form-encoded REST calls through
 * lib/fetch (Bearer secret key, an Idempotency-Key per logical operation,
 * billing.stripe_api_base, billing.stripe_timeout_ms, billing.stripe_retries
 * with backoff on network errors, 429 and 5xx), Stripe's error JSON turned
 * into a sentence, and signed webhooks (Stripe-Signature: t=...,v1=...,v1=...;
 * HMAC-SHA256 over "t.payload" with billing.stripe_webhook_secret and, while
 * rotating, billing.stripe_webhook_secret_previous; constant-time
 * comparison; |now - t| within billing.webhook_tolerance).
 */
#ifndef LYRE_STRIPE_H
#define LYRE_STRIPE_H

#include <stddef.h>
#include <time.h>
#include "payment.h"

extern const payment_provider stripe_provider;

#define STRIPE_MAX_SIGNATURES 8
#define STRIPE_MAX_SIGNATURE_HEADER 2048

/* Verify a Stripe-Signature header over payload with any of nsecrets
 * secrets (NULL or "" entries are skipped).  Exposed for unit tests. */
payment_verify stripe_verify_signature(const char *header, const char *payload, size_t len,
                                       const char *const *secrets, size_t nsecrets,
                                       long tolerance, time_t now);

/* Read a Stripe event (JSON) into out.  PAYMENT_VERIFY_OK or
 * PAYMENT_VERIFY_BAD_BODY.  Exposed for unit tests. */
payment_verify stripe_parse_event(arena *a, const char *payload, size_t len, payment_event *out);

/* The sentence for a Stripe error answer ({"error":{"type","code","message"}}),
 * or a generic one for anything else.  *type gets error.type or NULL. */
const char *stripe_error_message(arena *a, long http_status, const char *body, const char **type);

#endif

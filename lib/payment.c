/* payment.c — choosing the provider; what every provider shares. */
#include "payment.h"

#include <string.h>

#include "crypto.h"
#include "stripe.h"

/* Each provider is one row here. */
static const payment_provider *const providers[] = {
    &stripe_provider,
};

const payment_provider *payment_provider_named(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
        if (strcmp(providers[i]->name, name) == 0)
            return providers[i];
    return NULL;
}

const payment_provider *payment_provider_get(const lyre_config *cfg)
{
    return cfg ? payment_provider_named(cfg->billing_provider) : NULL;
}

const char *payment_idempotency_key(arena *a, const char *what)
{
    const char *hex = crypto_token_hex(a, 16);
    if (!hex)
        return NULL;
    return arena_printf(a, "lyre-%s-%s", what, hex);
}

const char *payment_verify_name(payment_verify v)
{
    switch (v) {
    case PAYMENT_VERIFY_OK: return "ok";
    case PAYMENT_VERIFY_MALFORMED: return "malformed signature header";
    case PAYMENT_VERIFY_MISMATCH: return "no matching signature";
    case PAYMENT_VERIFY_STALE: return "timestamp outside the tolerance";
    case PAYMENT_VERIFY_NO_SECRET: return "no webhook secret configured";
    case PAYMENT_VERIFY_BAD_BODY: return "unreadable event";
    }
    return "unknown";
}

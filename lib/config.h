/* config.h — lyre.conf (libconfig syntax), read once at start.
 *
 * Every setting is declared in one table in config.c with its type, default
 * and bounds; etc/lyre.conf documents each one.  config_load() rejects an
 * unknown setting, a wrong type, a value out of bounds or a missing required
 * value with a message "FILE:LINE: setting NAME: what is wrong"; programs
 * print it and exit with status 2.
 */
#ifndef LYRE_CONFIG_H
#define LYRE_CONFIG_H

#include "str.h"

typedef struct lyre_config {
    char *path;                 /* the file read */

    /* site */
    char *site_name;            /* site.name */
    char *base_url;             /* site.base_url: absolute URL of the site, no trailing slash */
    char *static_url;           /* site.static_url: prefix of htdocs assets ("/static" or a CDN URL) */
    char *cdn_base_url;         /* site.cdn_base_url: "" or an absolute URL before every asset URL */

    /* database */
    char *db_host;              /* database.host */
    int db_port;                /* database.port */
    char *db_socket;            /* database.socket ("" = TCP) */
    char *db_user;              /* database.user (required) */
    char *db_password;          /* database.password */
    char *db_name;              /* database.name (required) */
    int db_connect_timeout;     /* database.connect_timeout, seconds */
    int db_read_timeout;        /* database.read_timeout, seconds */
    int db_retry_after;         /* database.retry_after, seconds, sent with 503 */

    /* http */
    long max_url_bytes;         /* http.max_url_bytes  -> 414 */
    long max_header_bytes;      /* http.max_header_bytes -> 431 */
    long max_body_bytes;        /* http.max_body_bytes -> 413 */

    /* paths */
    char *templates_dir;        /* paths.templates */
    char *migrations_dir;       /* paths.migrations */
    char *media_dir;            /* paths.media */

    /* cache */
    int cache_max_bytes;        /* cache.max_bytes: rendered pages kept per worker (0 = off) */
    int cache_revalidate_ms;    /* cache.revalidate_ms: how often a worker rereads the catalog version */

    /* log */
    int log_level;              /* log.level: "error" | "warn" | "info" | "debug" */

    /* catalog */
    int page_size;              /* catalog.page_size */
    int search_limit;           /* catalog.search_limit */

    /* stream */
    int stream_public;          /* stream.public: 1 = anonymous listening allowed */
    char *stream_mode;          /* stream.mode: "redirect" (signed URL) | "x-sendfile" */
    char *stream_secret_file;   /* stream.secret_file: HMAC key of signed media URLs */
    int stream_url_ttl;         /* stream.url_ttl: seconds a /stream signed URL stays valid */

    /* auth */
    int argon2_time_cost;       /* auth.argon2_time_cost */
    int argon2_memory_kib;      /* auth.argon2_memory_kib */
    int argon2_parallelism;     /* auth.argon2_parallelism */
    char *common_passwords_file;/* auth.common_passwords */
    char *auth_key_file;        /* auth.key_file: 32-byte sealing key (lib/seal.h) */
    int login_free_attempts;    /* auth.login_free_attempts */
    int login_max_delay;        /* auth.login_max_delay, seconds */
    int signup_per_hour;        /* auth.signup_per_hour, per client address */
    int reset_per_hour;         /* auth.reset_per_hour, per account and per address */

    /* session */
    int session_idle_timeout;   /* session.idle_timeout, seconds */
    int session_absolute_timeout; /* session.absolute_timeout, seconds */
    int session_recheck_ms;     /* session.recheck_ms */

    /* mail */
    char *sendmail_command;     /* mail.sendmail */
    char *mail_from;            /* mail.from */

    /* billing: plans and payments (cgi/lyre-checkout, lib/payment.h) */
    char *billing_provider;     /* billing.provider: "stripe" | "none" */
    char *default_currency;     /* billing.default_currency: ISO 4217, when the country has none priced */
    int grace_days;             /* billing.grace_days: days a failed payment keeps the plan */
    char *stripe_api_base;      /* billing.stripe_api_base: "https://api.stripe.com" or a stand-in */
    char *stripe_secret_key;    /* billing.stripe_secret_key; $LYRE_STRIPE_SECRET_KEY overrides */
    char *stripe_webhook_secret;      /* billing.stripe_webhook_secret (whsec_...); $LYRE_STRIPE_WEBHOOK_SECRET */
    char *stripe_webhook_secret_old;  /* billing.stripe_webhook_secret_previous: still accepted while rotating */
    int stripe_timeout_ms;      /* billing.stripe_timeout_ms: per API request */
    int stripe_retries;         /* billing.stripe_retries: retries of a failed API request (same idempotency key) */
    int webhook_tolerance;      /* billing.webhook_tolerance: seconds a signed timestamp stays acceptable */

    /* oidc.providers: social login (OpenID Connect) */
    struct lyre_oidc_provider *oidc_providers;
    size_t n_oidc_providers;
} lyre_config;

typedef struct lyre_oidc_provider {
    char *name;                 /* [a-z0-9_-]{1,32}: used in /auth/NAME/... */
    char *title;                /* button label: "Sign in with TITLE" */
    char *issuer;               /* discovery at ISSUER/.well-known/openid-configuration */
    char *client_id;
    char *client_secret;        /* $LYRE_OIDC_SECRET_<NAME> (upper case) overrides */
    char *scopes;               /* default "openid email profile" */
} lyre_oidc_provider;

/* The provider named name, or NULL. */
const lyre_oidc_provider *config_oidc_provider(const lyre_config *cfg, const char *name);

/* The file programs read: $LYRE_CONF, else SYSCONFDIR/lyre.conf. */
const char *config_default_path(void);

/* Fill cfg with the defaults of every setting (no file). */
void config_defaults(lyre_config *cfg);

/* Read path into cfg.  Returns 0, or -1 with the reason appended to err
 * ("FILE:LINE: setting NAME: ..."). cfg must be freed with config_free
 * either way. */
int config_load(lyre_config *cfg, const char *path, strbuf *err);

void config_free(lyre_config *cfg);

#endif

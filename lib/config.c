/* config.c — lyre.conf: one table of settings, checked once at start. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <libconfig.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#ifndef LYRE_SYSCONFDIR
#define LYRE_SYSCONFDIR "/etc/lyre"
#endif
#ifndef LYRE_PKGDATADIR
#define LYRE_PKGDATADIR "/usr/share/lyre"
#endif

enum setting_type { SET_STRING, SET_INT, SET_LONG, SET_LOG_LEVEL };

/* A string checker may normalise the value in place; it returns NULL or
 * the end of the sentence "setting 'NAME' ...". */
typedef const char *(*string_check)(char *value);

typedef struct setting {
    const char *path;
    enum setting_type type;
    size_t offset;
    const char *def_str;      /* SET_STRING, SET_LOG_LEVEL */
    long def_num;             /* SET_INT, SET_LONG */
    long min, max;            /* bounds of numbers */
    int required;
    string_check check;       /* SET_STRING only, may be NULL */
    const char *doc;
} setting;

static const char *check_nonempty(char *value);
static const char *check_base_url(char *value);
static const char *check_static_url(char *value);
static const char *check_stream_mode(char *value);
static const char *check_cdn_base_url(char *value);

#define OFF(field) offsetof(lyre_config, field)
#define STR(p, field, def, req, chk, doc) { p, SET_STRING, OFF(field), def, 0, 0, 0, req, chk, doc }
#define INT(p, field, def, lo, hi, doc)   { p, SET_INT, OFF(field), NULL, def, lo, hi, 0, NULL, doc }
#define LONG(p, field, def, lo, hi, doc)  { p, SET_LONG, OFF(field), NULL, def, lo, hi, 0, NULL, doc }

static const setting settings[] = {
    STR("site.name", site_name, "Lyre", 0, check_nonempty, "name shown in page titles"),
    STR("site.base_url", base_url, "http://127.0.0.1:8080", 0, check_base_url,
        "absolute URL of the site, used in redirects and links sent out"),
    STR("site.static_url", static_url, "/static", 0, check_static_url,
        "prefix of css/js/icons: a path or a CDN URL"),
    STR("site.cdn_base_url", cdn_base_url, "", 0, check_cdn_base_url,
        "\"\" or an absolute URL put before every asset URL a page emits (css, js, cover art)"),

    STR("database.host", db_host, "localhost", 0, NULL, "MariaDB host"),
    INT("database.port", db_port, 3306, 1, 65535, "MariaDB TCP port"),
    STR("database.socket", db_socket, "", 0, NULL, "Unix socket path; \"\" means TCP"),
    STR("database.user", db_user, "", 1, check_nonempty, "MariaDB user"),
    STR("database.password", db_password, "", 0, NULL,
        "MariaDB password; $LYRE_DB_PASSWORD overrides it"),
    STR("database.name", db_name, "", 1, check_nonempty, "database (schema) name"),
    INT("database.connect_timeout", db_connect_timeout, 2, 1, 3600, "seconds to connect"),
    INT("database.read_timeout", db_read_timeout, 10, 1, 3600, "seconds to wait for a reply"),
    INT("database.retry_after", db_retry_after, 5, 1, 3600,
        "Retry-After seconds sent with 503 while the database is down"),

    LONG("http.max_url_bytes", max_url_bytes, 8192, 256, 1048576, "longer URLs get 414"),
    LONG("http.max_header_bytes", max_header_bytes, 16384, 1024, 1048576,
         "larger request headers get 431"),
    LONG("http.max_body_bytes", max_body_bytes, 1048576, 0, 2147483647L,
         "larger request bodies get 413"),

    STR("paths.templates", templates_dir, LYRE_PKGDATADIR "/templates", 0, check_nonempty,
        "directory of the XSLT stylesheets"),
    STR("paths.migrations", migrations_dir, LYRE_PKGDATADIR "/db", 0, check_nonempty,
        "directory of the numbered SQL migrations"),
    STR("paths.media", media_dir, "/var/lib/lyre/media", 0, check_nonempty,
        "root of the content-addressed media store"),

    { "log.level", SET_LOG_LEVEL, OFF(log_level), "info", 0, 0, 0, 0, NULL,
      "error, warn, info or debug" },

    INT("catalog.page_size", page_size, 50, 1, 500, "items per catalog page"),
    INT("cache.max_bytes", cache_max_bytes, 2097152, 0, 1073741824,
        "bytes of rendered pages each worker keeps (0 turns the page cache off)"),
    INT("cache.revalidate_ms", cache_revalidate_ms, 1000, 0, 60000,
        "milliseconds between checks of the catalog version (how stale a page may be)"),
    INT("catalog.search_limit", search_limit, 20, 1, 200, "results per search section"),

    INT("stream.public", stream_public, 1, 0, 1, "1: anyone may listen without signing in"),
    STR("stream.mode", stream_mode, "redirect", 0, check_stream_mode,
        "\"redirect\" to a signed /media/ URL, or \"x-sendfile\""),
    STR("stream.secret_file", stream_secret_file, "/var/lib/lyre/stream-secret", 0, check_nonempty,
        "file holding the key that signs /media/ URLs (shared with the web server)"),
    INT("stream.url_ttl", stream_url_ttl, 21600, 10, 604800, "seconds a signed media URL stays valid"),

    INT("auth.argon2_time_cost", argon2_time_cost, 2, 1, 100, "argon2id passes over memory"),
    INT("auth.argon2_memory_kib", argon2_memory_kib, 57344, 8, 4194304, "argon2id memory in KiB"),
    INT("auth.argon2_parallelism", argon2_parallelism, 1, 1, 16, "argon2id lanes"),
    STR("auth.common_passwords", common_passwords_file, LYRE_PKGDATADIR "/common-passwords.txt", 0,
        check_nonempty, "list of the most common passwords, refused at sign-up"),
    STR("auth.key_file", auth_key_file, "/var/lib/lyre/auth-key", 0, check_nonempty,
        "file holding the 32-byte key that seals TOTP secrets and app passwords"),
    INT("auth.login_free_attempts", login_free_attempts, 5, 1, 1000,
        "failed logins per account or address before delays start"),
    INT("auth.login_max_delay", login_max_delay, 900, 1, 86400,
        "longest delay, in seconds, between login attempts after repeated failures"),
    INT("auth.signup_per_hour", signup_per_hour, 10, 1, 100000, "sign-ups per client address per hour"),
    INT("auth.reset_per_hour", reset_per_hour, 5, 1, 100000,
        "password reset and verification mails per account or address per hour"),

    INT("session.idle_timeout", session_idle_timeout, 2592000, 60, 31536000,
        "seconds without a request after which a session ends"),
    INT("session.absolute_timeout", session_absolute_timeout, 15552000, 60, 315360000,
        "seconds after sign-in after which a session ends whatever happens"),
    INT("session.recheck_ms", session_recheck_ms, 1000, 0, 60000,
        "milliseconds a worker trusts a session it has checked before asking the database again"),

    STR("mail.sendmail", sendmail_command, "/usr/sbin/sendmail -t -i", 0, check_nonempty,
        "sendmail-compatible command: reads the message on stdin"),
    STR("mail.from", mail_from, "Lyre <lyre@localhost>", 0, check_nonempty, "From: of mails sent"),

    STR("billing.provider", billing_provider, "none", 0, check_nonempty,
        "payment provider: \"stripe\" or \"none\" (no checkout)"),
    STR("billing.default_currency", default_currency, "USD", 0, check_nonempty,
        "ISO 4217 currency of prices when the user's country has no priced currency"),
    INT("billing.grace_days", grace_days, 7, 0, 90,
        "days a subscription whose payment failed keeps its plan before falling back to Free"),
    STR("billing.stripe_api_base", stripe_api_base, "https://api.stripe.com", 0, check_nonempty,
        "base URL of Stripe's API (a local stand-in in tests)"),
    STR("billing.stripe_secret_key", stripe_secret_key, "", 0, NULL,
        "Stripe secret key (sk_...); $LYRE_STRIPE_SECRET_KEY overrides it"),
    STR("billing.stripe_webhook_secret", stripe_webhook_secret, "", 0, NULL,
        "signing secret of the webhook endpoint (whsec_...); $LYRE_STRIPE_WEBHOOK_SECRET overrides it"),
    STR("billing.stripe_webhook_secret_previous", stripe_webhook_secret_old, "", 0, NULL,
        "the previous signing secret, still accepted while rotating; $LYRE_STRIPE_WEBHOOK_SECRET_PREVIOUS"),
    INT("billing.stripe_timeout_ms", stripe_timeout_ms, 10000, 100, 120000,
        "milliseconds one Stripe API request may take"),
    INT("billing.stripe_retries", stripe_retries, 2, 0, 10,
        "retries of a Stripe API request that failed by network or 5xx (same idempotency key)"),
    INT("billing.webhook_tolerance", webhook_tolerance, 300, 1, 86400,
        "seconds between a webhook's signed timestamp and now that are accepted"),
};

#define N_SETTINGS (sizeof settings / sizeof settings[0])

static const char *check_nonempty(char *value)
{
    return value[0] ? NULL : "must not be empty";
}

static void strip_trailing_slashes(char *value)
{
    size_t n = strlen(value);
    while (n > 0 && value[n - 1] == '/')
        value[--n] = '\0';
}

/* URLs end up in Location headers and attributes: no spaces or controls. */
static int has_space_or_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static int is_absolute_http_url(const char *s)
{
    const char *rest;
    if (str_starts_with(s, "http://"))
        rest = s + 7;
    else if (str_starts_with(s, "https://"))
        rest = s + 8;
    else
        return 0;
    return rest[0] != '\0' && rest[0] != '/';
}

static const char *check_base_url(char *value)
{
    strip_trailing_slashes(value);
    if (has_space_or_control(value) || !is_absolute_http_url(value))
        return "must be an absolute http:// or https:// URL";
    return NULL;
}

static const char *check_static_url(char *value)
{
    /* "/" becomes "": assets are then served from the site root. */
    int is_path = value[0] == '/' && value[1] != '/';
    strip_trailing_slashes(value);
    if (has_space_or_control(value) || !(is_path || is_absolute_http_url(value)))
        return "must be a path starting with '/' or an absolute http(s) URL";
    return NULL;
}

static const char *check_cdn_base_url(char *value)
{
    strip_trailing_slashes(value);
    if (value[0] && (has_space_or_control(value) || !is_absolute_http_url(value)))
        return "must be \"\" or an absolute http:// or https:// URL";
    return NULL;
}

static const char *check_stream_mode(char *value)
{
    if (strcmp(value, "redirect") == 0 || strcmp(value, "x-sendfile") == 0)
        return NULL;
    return "must be \"redirect\" or \"x-sendfile\"";
}

static char **string_field(lyre_config *cfg, const setting *def)
{
    return (char **)((char *)cfg + def->offset);
}

static char *xstrdup(const char *s)
{
    char *copy = strdup(s);
    if (!copy) {
        log_error("out of memory");
        abort();
    }
    return copy;
}

static void set_string(lyre_config *cfg, const setting *def, const char *value)
{
    char **field = string_field(cfg, def);
    free(*field);
    *field = xstrdup(value);
}

static void set_number(lyre_config *cfg, const setting *def, long value)
{
    if (def->type == SET_INT)
        *(int *)((char *)cfg + def->offset) = (int)value;
    else
        *(long *)((char *)cfg + def->offset) = value;
}

const char *config_default_path(void)
{
    const char *env = getenv("LYRE_CONF");
    return env && env[0] ? env : LYRE_SYSCONFDIR "/lyre.conf";
}

void config_defaults(lyre_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < N_SETTINGS; i++) {
        const setting *def = &settings[i];
        enum log_level level = LOG_LEVEL_INFO;
        switch (def->type) {
        case SET_STRING:
            set_string(cfg, def, def->def_str);
            break;
        case SET_INT:
        case SET_LONG:
            set_number(cfg, def, def->def_num);
            break;
        case SET_LOG_LEVEL:
            if (log_level_from_name(def->def_str, &level) < 0)
                level = LOG_LEVEL_INFO;
            *(int *)((char *)cfg + def->offset) = (int)level;
            break;
        }
    }
}

void config_free(lyre_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < N_SETTINGS; i++) {
        if (settings[i].type == SET_STRING) {
            char **field = string_field(cfg, &settings[i]);
            free(*field);
            *field = NULL;
        }
    }
    for (size_t i = 0; i < cfg->n_oidc_providers; i++) {
        lyre_oidc_provider *p = &cfg->oidc_providers[i];
        free(p->name);
        free(p->title);
        free(p->issuer);
        free(p->client_id);
        free(p->client_secret);
        free(p->scopes);
    }
    free(cfg->oidc_providers);
    cfg->oidc_providers = NULL;
    cfg->n_oidc_providers = 0;
    free(cfg->path);
    cfg->path = NULL;
}

/* ------------------------------------------------------------ loading */

typedef struct load_state {
    lyre_config *cfg;
    const char *path;           /* the file given to config_load */
    strbuf *err;
    int errors;
    unsigned char seen[N_SETTINGS];
} load_state;

static void report(load_state *st, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One line per problem: "FILE:LINE: message" (no LINE when s is NULL). */
static void report(load_state *st, const config_setting_t *s, const char *fmt, ...)
{
    va_list ap;
    if (st->errors++ > 0)
        sb_addc(st->err, '\n');
    if (s) {
        const char *file = config_setting_source_file(s);
        sb_addf(st->err, "%s:%u: ", file ? file : st->path,
                (unsigned)config_setting_source_line(s));
    } else {
        sb_addf(st->err, "%s: ", st->path);
    }
    va_start(ap, fmt);
    sb_vaddf(st->err, fmt, ap);
    va_end(ap);
}

static const setting *setting_find(const char *path, size_t *index)
{
    for (size_t i = 0; i < N_SETTINGS; i++) {
        if (strcmp(settings[i].path, path) == 0) {
            *index = i;
            return &settings[i];
        }
    }
    return NULL;
}

/* Is path a group that holds some setting ("database" for "database.port")? */
static int is_known_group(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < N_SETTINGS; i++)
        if (strncmp(settings[i].path, path, n) == 0 && settings[i].path[n] == '.')
            return 1;
    return 0;
}

static void apply_string(load_state *st, const setting *def, const config_setting_t *s)
{
    const char *value = config_setting_get_string(s);
    char **field = string_field(st->cfg, def);
    const char *problem;

    if (config_setting_type(s) != CONFIG_TYPE_STRING || !value) {
        report(st, s, "setting '%s' must be a string", def->path);
        return;
    }
    set_string(st->cfg, def, value);
    if (def->check && (problem = def->check(*field)) != NULL)
        report(st, s, "setting '%s' %s", def->path, problem);
}

static void apply_number(load_state *st, const setting *def, const config_setting_t *s)
{
    int type = config_setting_type(s);
    long long value;

    if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
        report(st, s, "setting '%s' must be an integer", def->path);
        return;
    }
    value = config_setting_get_int64(s);
    if (value < def->min || value > def->max) {
        report(st, s, "setting '%s' must be between %ld and %ld", def->path, def->min, def->max);
        return;
    }
    set_number(st->cfg, def, (long)value);
}

static void apply_log_level(load_state *st, const setting *def, const config_setting_t *s)
{
    const char *value = config_setting_get_string(s);
    enum log_level level;

    if (config_setting_type(s) != CONFIG_TYPE_STRING || !value) {
        report(st, s, "setting '%s' must be a string", def->path);
        return;
    }
    if (log_level_from_name(value, &level) < 0) {
        report(st, s, "setting '%s' must be one of error, warn, info, debug", def->path);
        return;
    }
    *(int *)((char *)st->cfg + def->offset) = (int)level;
}

/* ------------------------------------------------------------ oidc.providers */

static int valid_provider_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '-' || s[n] == '_'))
            return 0;
    return n >= 1 && n <= 32;
}

/* One field of a provider entry: a string, or NULL (reported) when wrong. */
static char *provider_field(load_state *st, const config_setting_t *entry, const char *name,
                            const char *def)
{
    const config_setting_t *f = config_setting_get_member(entry, name);
    if (!f) {
        if (!def)
            report(st, entry, "setting 'oidc.providers': an entry lacks '%s'", name);
        return def ? xstrdup(def) : NULL;
    }
    const char *v = config_setting_get_string(f);
    /* Labels may have spaces; URLs, ids and secrets may not. */
    int free_text = strcmp(name, "title") == 0 || strcmp(name, "scopes") == 0;
    if (config_setting_type(f) != CONFIG_TYPE_STRING || !v || (!free_text && has_space_or_control(v))) {
        report(st, f, "setting 'oidc.providers.%s' must be a string%s", name,
               free_text ? "" : " without spaces");
        return NULL;
    }
    return xstrdup(v);
}

static void apply_oidc_providers(load_state *st, const config_setting_t *list)
{
    static const char *const fields[] = { "name", "title", "issuer", "client_id", "client_secret",
                                          "scopes", NULL };
    int type = config_setting_type(list);
    if (type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY) {
        report(st, list, "setting 'oidc.providers' must be a list: ( { name = ...; ... } )");
        return;
    }
    int count = config_setting_length(list);
    lyre_config *cfg = st->cfg;
    cfg->oidc_providers = calloc((size_t)count + 1, sizeof *cfg->oidc_providers);
    if (!cfg->oidc_providers)
        abort();
    for (int i = 0; i < count; i++) {
        const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
        if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
            report(st, e, "setting 'oidc.providers' entries must be groups { ... }");
            continue;
        }
        for (int k = 0; k < config_setting_length(e); k++) {
            const char *member = config_setting_name(config_setting_get_elem(e, (unsigned)k));
            int known = 0;
            for (size_t f = 0; fields[f]; f++)
                known |= member && strcmp(member, fields[f]) == 0;
            if (!known)
                report(st, config_setting_get_elem(e, (unsigned)k),
                       "setting 'oidc.providers.%s' is unknown", member ? member : "?");
        }
        lyre_oidc_provider *p = &cfg->oidc_providers[cfg->n_oidc_providers++];
        p->name = provider_field(st, e, "name", NULL);
        p->issuer = provider_field(st, e, "issuer", NULL);
        p->client_id = provider_field(st, e, "client_id", NULL);
        p->client_secret = provider_field(st, e, "client_secret", "");
        p->scopes = provider_field(st, e, "scopes", "openid email profile");
        p->title = provider_field(st, e, "title", p->name ? p->name : "");
        if (p->name && !valid_provider_name(p->name))
            report(st, e, "setting 'oidc.providers.name' must be 1-32 of a-z 0-9 - _");
        if (p->issuer) {
            strip_trailing_slashes(p->issuer);
            if (!is_absolute_http_url(p->issuer))
                report(st, e, "setting 'oidc.providers.issuer' must be an absolute http(s) URL");
        }
        for (size_t j = 0; p->name && j + 1 < cfg->n_oidc_providers; j++)
            if (cfg->oidc_providers[j].name && strcmp(cfg->oidc_providers[j].name, p->name) == 0)
                report(st, e, "setting 'oidc.providers': the name '%s' is used twice", p->name);
        if (p->name) {
            /* The secret can stay out of the file: LYRE_OIDC_SECRET_<NAME>. */
            char env[64] = "LYRE_OIDC_SECRET_";
            size_t n = strlen(env);
            for (const char *c = p->name; *c && n + 1 < sizeof env; c++)
                env[n++] = (*c == '-') ? '_' : (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
            env[n] = '\0';
            const char *secret = getenv(env);
            if (secret) {
                free(p->client_secret);
                p->client_secret = xstrdup(secret);
            }
        }
    }
}

const lyre_oidc_provider *config_oidc_provider(const lyre_config *cfg, const char *name)
{
    for (size_t i = 0; name && i < cfg->n_oidc_providers; i++)
        if (cfg->oidc_providers[i].name && strcmp(cfg->oidc_providers[i].name, name) == 0)
            return &cfg->oidc_providers[i];
    return NULL;
}

static void check_group(load_state *st, const config_setting_t *group, strbuf *path)
{
    int count = config_setting_length(group);

    for (int i = 0; i < count; i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = s ? config_setting_name(s) : NULL;
        size_t mark = path->len;
        size_t index = 0;
        const setting *def;

        if (!name)
            continue;
        if (mark > 0)
            sb_addc(path, '.');
        sb_adds(path, name);

        def = setting_find(path->buf, &index);
        if (strcmp(path->buf, "oidc.providers") == 0) {
            apply_oidc_providers(st, s);
        } else if (strcmp(path->buf, "oidc") == 0 && config_setting_type(s) == CONFIG_TYPE_GROUP) {
            check_group(st, s, path);
        } else if (def) {
            st->seen[index] = 1;
            if (def->type == SET_STRING)
                apply_string(st, def, s);
            else if (def->type == SET_LOG_LEVEL)
                apply_log_level(st, def, s);
            else
                apply_number(st, def, s);
        } else if (is_known_group(path->buf)) {
            if (config_setting_type(s) == CONFIG_TYPE_GROUP)
                check_group(st, s, path);
            else
                report(st, s, "setting '%s' must be a group", path->buf);
        } else {
            report(st, s, "setting '%s' is unknown", path->buf);
        }
        sb_setlen(path, mark);
    }
}

static void report_syntax_error(strbuf *err, const config_t *lc, const char *path)
{
    const char *file = config_error_file(lc) ? config_error_file(lc) : path;
    const char *text = config_error_text(lc);

    sb_addf(err, "%s:%d: syntax error", file, config_error_line(lc));
    /* libconfig's text is often just "syntax error" again. */
    if (text && strcmp(text, "syntax error") != 0)
        sb_addf(err, ": %s", text);
}

/* Relative @include paths are read from the directory of the file. */
static void set_include_dir(config_t *lc, const char *path, strbuf *dir)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return;
    sb_add(dir, path, slash == path ? 1 : (size_t)(slash - path));
    config_set_include_dir(lc, dir->buf);
}

int config_load(lyre_config *cfg, const char *path, strbuf *err)
{
    config_t lc;
    strbuf local_err = STRBUF_INIT;
    strbuf setting_path = STRBUF_INIT;
    strbuf include_dir = STRBUF_INIT;
    load_state st;
    const char *env_password;
    size_t password_index = 0;
    int rc = -1;

    config_defaults(cfg);
    cfg->path = xstrdup(path);
    config_init(&lc);
    memset(&st, 0, sizeof st);
    st.cfg = cfg;
    st.path = path;
    st.err = err ? err : &local_err;

    set_include_dir(&lc, path, &include_dir);
    errno = 0;
    if (config_read_file(&lc, path) != CONFIG_TRUE) {
        int read_errno = errno;
        if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
            sb_addf(st.err, "%s: cannot read the file: %s", path,
                    read_errno ? strerror(read_errno) : "I/O error");
        else
            report_syntax_error(st.err, &lc, path);
        goto cleanup;
    }

    check_group(&st, config_root_setting(&lc), &setting_path);

    /* Secrets can stay out of the file (and out of backups of it). */
    env_password = getenv("LYRE_DB_PASSWORD");
    if (env_password)
        set_string(cfg, setting_find("database.password", &password_index), env_password);
    {
        static const char *const env_overrides[][2] = {
            { "LYRE_STRIPE_SECRET_KEY", "billing.stripe_secret_key" },
            { "LYRE_STRIPE_WEBHOOK_SECRET", "billing.stripe_webhook_secret" },
            { "LYRE_STRIPE_WEBHOOK_SECRET_PREVIOUS", "billing.stripe_webhook_secret_previous" },
        };
        for (size_t i = 0; i < sizeof env_overrides / sizeof env_overrides[0]; i++) {
            const char *v = getenv(env_overrides[i][0]);
            size_t index;
            if (v)
                set_string(cfg, setting_find(env_overrides[i][1], &index), v);
        }
    }

    for (size_t i = 0; i < N_SETTINGS; i++)
        if (settings[i].required && !st.seen[i])
            report(&st, NULL, "setting '%s' is required but missing", settings[i].path);

    if (st.errors == 0)
        rc = 0;

cleanup:
    config_destroy(&lc);
    sb_free(&local_err);
    sb_free(&setting_path);
    sb_free(&include_dir);
    return rc;
}

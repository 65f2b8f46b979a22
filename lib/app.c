/* app.c — the FastCGI worker loop shared by every program in cgi/. */
#include "app.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include <fcgiapp.h>
#include <libxslt/xsltutils.h>
#include <libxslt/transform.h>

#include "assets.h"
#include "auth.h"
#include "config.h"
#include "crypto.h"
#include "csrf.h"
#include "log.h"
#include "pagecache.h"
#include "session.h"

extern char **environ;

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
    FCGX_ShutdownPending();
}

static void on_reload(int sig)
{
    (void)sig;
    reload_requested = 1;
}

static int install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;   /* no SA_RESTART: accept() must return EINTR */
    sa.sa_handler = on_stop;
    if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL) || sigaction(SIGUSR1, &sa, NULL))
        return -1;
    sa.sa_handler = on_reload;
    if (sigaction(SIGHUP, &sa, NULL))
        return -1;
    sa.sa_handler = SIG_IGN;
    return sigaction(SIGPIPE, &sa, NULL);
}

/* Why the visitor's session could not be read (the database is down): pages
 * that need no sign-in are served as to an anonymous visitor. */
static lyre_err session_error;

/* ------------------------------------------------------------ routing */

int route_match(const char *pattern, const char *path, const char **args, size_t max_args,
                size_t *nargs, arena *a)
{
    size_t n = 0;
    const char *p = pattern, *s = path;
    while (*p) {
        if (p[0] == '*' && p[1] == '\0') {
            if (n < max_args)
                args[n++] = arena_strdup(a, s);
            *nargs = n;
            return 1;
        }
        if (p[0] == '{' && p[1] == '}') {
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (len == 0 || n >= max_args)
                return 0;
            args[n++] = arena_strndup(a, s, len);
            s += len;
            p += 2;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    if (*s)
        return 0;
    *nargs = n;
    return 1;
}

/* ------------------------------------------------------------ page cache */

static pagecache *page_cache;
static struct {
    uint64_t version;       /* 0: unknown (no caching) */
    struct timespec checked;
    int checked_once;
} catalog_state;

static long ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t->tv_sec) * 1000L + (now.tv_nsec - t->tv_nsec) / 1000000L;
}

/* The catalog version, reread at most every cache.revalidate_ms; 0 when it
 * cannot be read (then nothing is cached or served from the cache). */
static uint64_t catalog_version(lyre_req *req)
{
    /* An unknown version (the database was away) is asked again at once:
     * caching resumes with the first request after the database is back. */
    if (catalog_state.checked_once && catalog_state.version != 0 &&
        ms_since(&catalog_state.checked) < req->cfg->cache_revalidate_ms)
        return catalog_state.version;
    db_result r;
    db_status st = db_query(req->db, req->a, &r, "SELECT version FROM catalog_state WHERE id = 1", "");
    catalog_state.version = (st == DB_OK && r.nrows == 1) ? (uint64_t)db_cell_ll(&r, 0, 0, 0) : 0;
    clock_gettime(CLOCK_MONOTONIC, &catalog_state.checked);
    catalog_state.checked_once = 1;
    return catalog_state.version;
}

static int etag_matches(const lyre_req *req, const char *etag)
{
    const char *inm = http_header(req, "If-None-Match");
    return inm && (strcmp(inm, "*") == 0 || strstr(inm, etag) != NULL);
}

static void answer_with_etag(lyre_req *req, const char *etag)
{
    http_set_header(req, "ETag", etag);
    /* Browsers keep the page but ask again each time; a 304 is cheap.  A
     * signed-in copy is the visitor's own: never for shared caches. */
    http_set_header(req, "Cache-Control", req->auth ? "private, no-cache" : "no-cache");
    if (etag_matches(req, etag)) {
        req->status = 304;
        sb_reset(&req->body_out);
    }
}

/* While a page for the cache is rendered, add_meta leaves the visitor out. */
static int rendering_shared;

/* ------------------------------------------------------------ the account area */

#define ACCOUNT_MARK_OPEN "<!--account-->"
#define ACCOUNT_MARK_CLOSE "<!--/account-->"
#define FRAGMENT_SLOTS 64

/* The signed-in header corner, rendered once per visitor state and kept. */
static struct fragment {
    char *key;          /* session id, csrf token, names, role: all it shows */
    char *html;
    char *etag_suffix;  /* tells one visitor's version of a page from another's */
} fragments[FRAGMENT_SLOTS];
static size_t fragment_next;

static void fragments_clear(void)
{
    for (size_t i = 0; i < FRAGMENT_SLOTS; i++) {
        free(fragments[i].key);
        free(fragments[i].html);
        free(fragments[i].etag_suffix);
        memset(&fragments[i], 0, sizeof fragments[i]);
    }
}

static void add_account_meta(lyre_req *req, xmlNodePtr meta)
{
    const lyre_auth *au = req->auth;
    xmlNodePtr acc = view_elem(meta, "account");
    view_attr(acc, "role", role_name(au->role));
    view_attr(acc, "verified", au->email_verified ? "1" : "0");
    view_attr(acc, "mfa", au->totp_enabled ? "1" : "0");
    view_text(acc, "username", au->username);
    view_text(acc, "display_name", au->display_name);
    view_text(acc, "csrf", au->csrf_token);
}

static const struct fragment *account_fragment(lyre_req *req)
{
    const lyre_auth *au = req->auth;
    char *key = arena_printf(req->a, "%llu|%s|%s|%s|%d|%d|%d|%s", au->session_id, au->csrf_token, au->username,
                             au->display_name, (int)au->role, au->email_verified, au->totp_enabled,
                             req->cfg->static_url);
    for (size_t i = 0; i < FRAGMENT_SLOTS; i++)
        if (fragments[i].key && strcmp(fragments[i].key, key) == 0)
            return &fragments[i];
    lyre_view *v = view_new("account-fragment", NULL);
    add_account_meta(req, view_meta(v));
    strbuf html = STRBUF_INIT;
    int rc = view_render_fragment(v, &html);
    view_free(v);
    if (rc != 0 || !strstr(html.buf, ACCOUNT_MARK_OPEN)) {
        sb_free(&html);
        return NULL;
    }
    uint8_t digest[CRYPTO_SHA256_LEN];
    char hex[2 * CRYPTO_SHA256_LEN + 1];
    if (crypto_sha256(html.buf, html.len, digest) != 0) {
        sb_free(&html);
        return NULL;
    }
    hex_encode(digest, 6, hex);
    struct fragment *f = &fragments[fragment_next];
    fragment_next = (fragment_next + 1) % FRAGMENT_SLOTS;
    free(f->key);
    free(f->html);
    free(f->etag_suffix);
    f->key = strdup(key);
    f->html = sb_detach(&html, NULL);
    f->etag_suffix = strdup(hex);
    if (!f->key || !f->html || !f->etag_suffix)
        abort();
    return f;
}

/* A signed-in visitor gets their own header corner in a page rendered for
 * everybody.  0, or -1 when the page has no account area. */
static int splice_account(lyre_req *req, const struct fragment *f)
{
    strbuf *b = &req->body_out;
    char *open = strstr(b->buf, ACCOUNT_MARK_OPEN);
    char *close = open ? strstr(open, ACCOUNT_MARK_CLOSE) : NULL;
    if (!close)
        return -1;
    size_t start = (size_t)(open - b->buf);
    size_t end = (size_t)(close - b->buf) + strlen(ACCOUNT_MARK_CLOSE);
    strbuf out = STRBUF_INIT;
    sb_grow(&out, b->len + strlen(f->html));
    sb_add(&out, b->buf, start);
    sb_adds(&out, f->html);
    sb_add(&out, b->buf + end, b->len - end);
    sb_reset(b);
    sb_add(b, out.buf, out.len);
    sb_free(&out);
    return 0;
}

/* Serve r from the cache, or run it and keep what it rendered.  Pages are
 * kept as an anonymous visitor sees them; a signed-in visitor's copy gets
 * their account area spliced in, and an ETag of its own. */
static lyre_err cached_call(const lyre_route *r, lyre_req *req)
{
    uint64_t version = page_cache ? catalog_version(req) : 0;
    const char *etag = NULL;
    lyre_err err = LYRE_OK;
    if (version == 0) {
        rendering_shared = 1;
        err = r->handler(req);
        rendering_shared = 0;
        if (err != LYRE_OK || req->status != 200)
            return err;
    } else {
        const pagecache_entry *e = pagecache_get(page_cache, req->uri, version);
        if (e) {
            sb_reset(&req->body_out);
            sb_add(&req->body_out, e->body, e->len);
            req->content_type = arena_strdup(req->a, e->content_type);
            req->status = 200;
            etag = arena_strdup(req->a, e->etag);
        } else {
            rendering_shared = 1;
            err = r->handler(req);
            rendering_shared = 0;
            if (err != LYRE_OK || req->status != 200)
                return err;
            pagecache_put(page_cache, req->uri, version, req->content_type, req->body_out.buf,
                          req->body_out.len);
            e = pagecache_get(page_cache, req->uri, version);
            if (e)
                etag = arena_strdup(req->a, e->etag);
        }
    }
    if (req->auth && str_starts_with(req->content_type, "text/html")) {
        const struct fragment *f = account_fragment(req);
        if (!f || splice_account(req, f) != 0) {
            log_error("cannot put the account area into %s", req->path);
            return LYRE_ERR_INTERNAL;
        }
        if (etag && strlen(etag) >= 2)
            etag = arena_printf(req->a, "%.*s-%s\"", (int)strlen(etag) - 1, etag, f->etag_suffix);
    }
    if (etag)
        answer_with_etag(req, etag);
    return LYRE_OK;
}

static int method_matches(const char *route_method, const char *method)
{
    if (strcmp(route_method, method) == 0)
        return 1;
    return strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0;
}

static int is_safe_method(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 || strcmp(method, "OPTIONS") == 0;
}

/* What a route asks before its handler runs: a signed-in user, a role, a
 * CSRF token.  LYRE_OK with status 200 to go on; a redirect (status 303)
 * sends an anonymous visitor to the login page. */
static lyre_err guard(const lyre_route *r, lyre_req *req)
{
    if (r->flags & (ROUTE_LOGIN | ROUTE_ADMIN | ROUTE_ARTIST)) {
        if (session_error != LYRE_OK)
            return session_error;
        if (!req->auth) {
            if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
                http_redirect(req, 303, arena_printf(req->a, "/login?next=%s", url_encode(req->a, req->uri)));
                return LYRE_OK;
            }
            return LYRE_ERR_UNAUTHORIZED;
        }
        if (((r->flags & ROUTE_ADMIN) && req->auth->role < ROLE_ADMIN) ||
            ((r->flags & ROUTE_ARTIST) && req->auth->role < ROLE_ARTIST))
            return LYRE_ERR_FORBIDDEN;
    }
    int needs_token = (r->flags & ROUTE_CSRF) || (!is_safe_method(req->method) && !(r->flags & ROUTE_NO_CSRF));
    if (needs_token && !csrf_valid(req)) {
        log_warn("%s %s refused: missing or wrong CSRF token", req->method, req->path);
        return LYRE_ERR_CSRF;
    }
    return LYRE_OK;
}

static lyre_err dispatch(const lyre_app *app, lyre_req *req)
{
    int path_known = 0;
    strbuf allow = STRBUF_INIT;
    lyre_err err = LYRE_ERR_NOT_FOUND;
    for (const lyre_route *r = app->routes; r->pattern; r++) {
        size_t nargs = 0;
        if (!route_match(r->pattern, req->path, req->route_args, HTTP_MAX_ROUTE_ARGS, &nargs, req->a))
            continue;
        if (!method_matches(r->method, req->method)) {
            path_known = 1;
            sb_addf(&allow, "%s%s", allow.len ? ", " : "", r->method);
            continue;
        }
        req->route_nargs = nargs;
        err = guard(r, req);
        if (err == LYRE_OK && req->status == 200)
            err = (r->flags & ROUTE_CACHE) ? cached_call(r, req) : r->handler(req);
        goto cleanup;
    }
    if (path_known) {
        http_set_header(req, "Allow", allow.buf);
        err = LYRE_ERR_METHOD;
    }
cleanup:
    sb_free(&allow);
    return err;
}

/* ------------------------------------------------------------ pages */

static void add_meta(lyre_req *req, lyre_view *v)
{
    xmlNodePtr root = xmlDocGetRootElement(view_content(v)->doc);
    xmlNodePtr meta = view_meta(v);
    view_attr(root, "path", req->path);
    view_text(meta, "site", req->cfg->site_name);
    view_text(meta, "static", req->cfg->static_url);
    assets_add_meta(req->cfg, req->a, meta);   /* hashed, CDN-prefixed css/js URLs */
    int has_section = 0;
    for (xmlNodePtr n = meta->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)"section") == 0)
            has_section = 1;
    if (!has_section) {
        xmlChar *tpl = xmlGetProp(root, (const xmlChar *)"template");
        view_text(meta, "section", tpl ? (const char *)tpl : "");
        xmlFree(tpl);
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    view_int(meta, "year", tm.tm_year + 1900);
    /* A page kept for everybody shows nobody's account (spliced in later). */
    if (!rendering_shared) {
        if (req->auth)
            add_account_meta(req, meta);
        view_text(meta, "csrf", csrf_token(req));
    }
}

lyre_err app_render(lyre_req *req, lyre_view *v)
{
    add_meta(req, v);
    sb_reset(&req->body_out);
    int rc = view_render(v, &req->body_out);
    view_free(v);
    if (rc != 0) {
        sb_reset(&req->body_out);
        return LYRE_ERR_INTERNAL;
    }
    req->content_type = "text/html; charset=utf-8";
    return LYRE_OK;
}

void app_error_page(lyre_req *req, lyre_err err)
{
    const lyre_error_info *info = lyre_error(err);
    req->status = info->status;
    if (err == LYRE_ERR_DB_DOWN || (err == LYRE_ERR_TOO_MANY && req->retry_after > 0)) {
        char secs[24];
        snprintf(secs, sizeof secs, "%ld",
                 err == LYRE_ERR_DB_DOWN ? (long)req->cfg->db_retry_after : req->retry_after);
        http_set_header(req, "Retry-After", secs);
    }
    http_set_header(req, "Cache-Control", "no-store");
    lyre_view *v = view_new("error", info->title);
    view_text(view_meta(v), "section", "error");
    xmlNodePtr e = view_elem(view_content(v), "error");
    view_attr_int(e, "status", info->status);
    view_text(e, "title", info->title);
    view_text(e, "message", info->message);
    if (req->error_detail)
        view_text(e, "detail", req->error_detail);
    if (app_render(req, v) != LYRE_OK) {
        /* The error page itself failed: a plain answer beats none. */
        sb_reset(&req->body_out);
        sb_addf(&req->body_out, "%d %s\n%s\n", info->status, info->title, info->message);
        req->content_type = "text/plain; charset=utf-8";
    }
}

lyre_err app_arg_id(const lyre_req *req, size_t i, unsigned long long *id)
{
    if (i >= req->route_nargs || str_to_id(req->route_args[i], 4294967295ULL, id) != 0) {
        ((lyre_req *)req)->error_detail = "The id in this address is not a valid number.";
        return LYRE_ERR_BAD_REQUEST;
    }
    return LYRE_OK;
}

lyre_err app_page_param(const lyre_req *req, long *page)
{
    const char *s = http_query(req, "page");
    *page = 1;
    if (!s)
        return LYRE_OK;
    if (str_to_long(s, 1, 1000000, page) != 0) {
        ((lyre_req *)req)->error_detail = "The page number must be a whole number from 1.";
        return LYRE_ERR_BAD_REQUEST;
    }
    return LYRE_OK;
}

/* Headers every answer carries. */
static void security_headers(lyre_req *req)
{
    http_set_header(req, "X-Content-Type-Options", "nosniff");
    http_set_header(req, "Referrer-Policy", "strict-origin-when-cross-origin");
    http_set_header(req, "X-Request-Id", req->request_id);
    if (str_starts_with(req->content_type, "text/html")) {
        /* A CDN in site.cdn_base_url or site.static_url serves css, js, images and
         * covers too.  The source is the origin: a source with a path would match that
         * one path only. */
        const char *o1 = url_origin(req->a, req->cfg->cdn_base_url);
        const char *o2 = url_origin(req->a, req->cfg->static_url);
        if (o1 && o2 && strcmp(o1, o2) == 0)
            o2 = NULL;
        const char *cdn = arena_printf(req->a, "%s%s%s%s", o1 ? " " : "", o1 ? o1 : "",
                                       o2 ? " " : "", o2 ? o2 : "");
        char *csp = arena_printf(req->a,
            "default-src 'self'; img-src 'self' data:%s; style-src 'self' 'unsafe-inline'%s; "
            "script-src 'self'%s; media-src 'self' blob:%s; frame-ancestors 'none'; "
            "base-uri 'self'; form-action 'self'", cdn, cdn, cdn, cdn);
        http_set_header(req, "Content-Security-Policy", csp);
        http_set_header(req, "X-Frame-Options", "DENY");
        /* Anonymous visitors' scripts need a CSRF cookie to send (player events). */
        if (!req->auth && req->status < 300)
            csrf_token(req);
    } else {
        /* JSON, audio, redirects: nothing in them may run or be framed. */
        http_set_header(req, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox");
    }
    if (req->auth)
        http_set_header(req, "Vary", "Cookie");
}

/* ------------------------------------------------------------ one request */

typedef struct io {
    FCGX_Request *fcgx;     /* NULL in CGI mode */
} io;

static int io_read(io *o, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        int chunk = n - got > 65536 ? 65536 : (int)(n - got);
        int r = o->fcgx ? FCGX_GetStr(buf + got, chunk, o->fcgx->in)
                        : (int)fread(buf + got, 1, (size_t)chunk, stdin);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

static void io_write(io *o, const strbuf *out)
{
    if (o->fcgx) {
        size_t off = 0;
        while (off < out->len) {
            int chunk = out->len - off > 1 << 30 ? 1 << 30 : (int)(out->len - off);
            if (FCGX_PutStr(out->buf + off, chunk, o->fcgx->out) < 0) {
                log_warn("client went away while the answer was written");
                return;
            }
            off += (size_t)chunk;
        }
    } else {
        if (fwrite(out->buf, 1, out->len, stdout) != out->len || fflush(stdout) != 0)
            log_warn("cannot write the CGI answer");
    }
}

static void handle_request(const lyre_app *app, lyre_req *req, io *o, strbuf *out)
{
    /* A request id only has to be unique in the logs: the kernel's generator
     * is enough, and keeps gnutls (2+ MB of libraries) out of programs that
     * need no cryptography. */
    char rid[17];
    unsigned long long raw = 0;
    static unsigned long long fallback;
    if (getrandom(&raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        raw = ((unsigned long long)getpid() << 32) ^ ++fallback;
    snprintf(rid, sizeof rid, "%016llx", raw);
    req->request_id = arena_strdup(req->a, rid);
    log_set_request_id(req->request_id);

    lyre_err err = http_parse_head(req);
    if (err == LYRE_OK) {
        size_t len = http_content_length(req);
        char *body = NULL;
        if (len > 0) {
            body = arena_alloc(req->a, len + 1);
            if (io_read(o, body, len) != 0) {
                req->error_detail = "The request body ended early.";
                err = LYRE_ERR_BAD_REQUEST;
            } else {
                body[len] = '\0';
            }
        }
        if (err == LYRE_OK)
            err = http_parse_body(req, body, len);
    }
    if (err == LYRE_OK) {
        session_error = session_load(req);
        err = dispatch(app, req);
    }
    if (err != LYRE_OK) {
        sb_reset(&req->body_out);
        app_error_page(req, err);
        if (req->status >= 500)
            log_error("%s %s -> %d", req->method, req->path, req->status);
    }
    security_headers(req);
    sb_reset(out);
    http_serialize(req, out);
    io_write(o, out);
    log_set_request_id("-");
}

/* ------------------------------------------------------------ main */

static void usage(const char *name)
{
    fprintf(stderr, "usage: %s [-c lyre.conf]\n"
            "A Lyre FastCGI program: run it under lighttpd or Apache (or once as CGI).\n"
            "The configuration file defaults to $LYRE_CONF, then %s/lyre.conf.\n",
            name, LYRE_SYSCONFDIR);
}

static int load_all(const lyre_app *app, const char *conf_path, lyre_config *cfg)
{
    strbuf err = STRBUF_INIT;
    if (config_load(cfg, conf_path, &err) != 0) {
        fprintf(stderr, "%s: %s\n", app->name, err.buf);
        sb_free(&err);
        return 2;
    }
    sb_free(&err);
    log_set_level((enum log_level)cfg->log_level);
    if (view_init(cfg->templates_dir) != 0) {
        fprintf(stderr, "%s: cannot compile the stylesheets in %s (see paths.templates in %s)\n",
                app->name, cfg->templates_dir, conf_path);
        return 2;
    }
    return 0;
}

int app_main(const lyre_app *app, int argc, char **argv)
{
    const char *conf_path = NULL;
    int opt;
    log_init(app->name);
    while ((opt = getopt(argc, argv, "c:h")) != -1) {
        switch (opt) {
        case 'c': conf_path = optarg; break;
        case 'h': usage(app->name); return 0;
        default: usage(app->name); return 2;
        }
    }
    if (!conf_path)
        conf_path = config_default_path();

    lyre_config cfg;
    int rc = load_all(app, conf_path, &cfg);
    if (rc != 0) {
        config_free(&cfg);
        return rc;
    }
    lyre_db *db = db_new(&cfg);
    if (cfg.cache_max_bytes > 0)
        page_cache = pagecache_new((size_t)cfg.cache_max_bytes);
    arena a;
    arena_init(&a, 64 * 1024);
    lyre_req req;
    memset(&req, 0, sizeof req);
    strbuf out = STRBUF_INIT;
    if (install_signals() != 0) {
        fprintf(stderr, "%s: cannot install signal handlers: %s\n", app->name, strerror(errno));
        rc = 1;
        goto cleanup;
    }
    if (FCGX_Init() != 0) {
        fprintf(stderr, "%s: FCGX_Init failed\n", app->name);
        rc = 1;
        goto cleanup;
    }
    if (FCGX_IsCGI()) {
        io o = { NULL };
        http_req_reset(&req, &a, &cfg);
        req.db = db;
        req.envp = environ;
        handle_request(app, &req, &o, &out);
        goto cleanup;
    }
    if (db_connect(db) != DB_OK)
        log_warn("database not reachable at start; pages answer 503 until it is");
    log_info("ready (pid %d)", (int)getpid());

    FCGX_Request fr;
    if (FCGX_InitRequest(&fr, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
        fprintf(stderr, "%s: FCGX_InitRequest failed\n", app->name);
        rc = 1;
        goto cleanup;
    }
    while (!stop_requested) {
        if (reload_requested) {
            reload_requested = 0;
            lyre_config fresh;
            if (load_all(app, conf_path, &fresh) == 0) {
                db_free(db);
                config_free(&cfg);
                cfg = fresh;
                db = db_new(&cfg);
                /* New stylesheets render differently: start the cache afresh. */
                pagecache_free(page_cache);
                page_cache = cfg.cache_max_bytes > 0 ? pagecache_new((size_t)cfg.cache_max_bytes) : NULL;
                fragments_clear();
                session_cache_clear();
                log_info("configuration and stylesheets reloaded");
            } else {
                config_free(&fresh);
                /* Keep serving with what we had. */
                if (view_init(cfg.templates_dir) != 0)
                    log_error("stylesheets could not be reloaded either");
                log_error("reload failed; keeping the previous configuration");
            }
        }
        if (FCGX_Accept_r(&fr) < 0) {
            if (errno == EINTR && !stop_requested)
                continue;
            break;
        }
        io o = { &fr };
        http_req_reset(&req, &a, &cfg);
        req.db = db;
        req.envp = fr.envp;
        handle_request(app, &req, &o, &out);
        FCGX_Finish_r(&fr);
        /* A handler that returned early must not leave a transaction open
         * for the next request (a no-op when none is). */
        db_rollback(db);
        arena_reset(&a);
        /* Keep a worker's buffers from staying at the size of one huge page. */
        if (out.cap > (1u << 20))
            sb_free(&out);
        if (req.body_out.cap > (1u << 20))
            sb_free(&req.body_out);
    }
    FCGX_Free(&fr, 1);
    log_info("stopping");
cleanup:
    sb_free(&out);
    http_req_free(&req);
    arena_free(&a);
    db_free(db);
    pagecache_free(page_cache);
    page_cache = NULL;
    fragments_clear();
    session_cache_clear();
    view_shutdown();
    config_free(&cfg);
    xsltCleanupGlobals();
    xmlCleanupParser();
    return rc;
}

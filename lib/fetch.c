/* fetch.c — outbound HTTP(S) through libcurl, with bounded everything. */
#include "fetch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"

#define FETCH_CONNECT_TIMEOUT_MS 5000L
#define FETCH_TIMEOUT_MS 10000L
#define FETCH_RETRY_BASE_MS 250L
#define FETCH_RETRY_CAP_MS 4000L
#define FETCH_MAX_HEADER_VALUE 8192

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result = -1;

static void global_init(void)
{
    init_result = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

int fetch_global_init(void)
{
    if (pthread_once(&init_once, global_init) != 0)
        return -1;
    return init_result;
}

/* What one transfer collects. */
typedef struct transfer {
    arena *a;
    strbuf body;
    size_t max_body;
    int too_big;
    const char *const *want;
    const char *values[FETCH_MAX_WANTED_HEADERS];
    const char *retry_after;
} transfer;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    if (n > t->max_body - t->body.len) {
        t->too_big = 1;
        return 0;   /* libcurl stops with CURLE_WRITE_ERROR */
    }
    sb_add(&t->body, data, n);
    return n;
}

/* One header line ("Name: value\r\n").  A status line starts a new answer
 * (100 Continue, a redirect hop): what earlier answers said is forgotten. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        memset(t->values, 0, sizeof t->values);
        t->retry_after = NULL;
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (!colon)
        return n;
    size_t name_len = (size_t)(colon - data);
    const char *v = colon + 1;
    const char *end = data + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t value_len = (size_t)(end - v);
    if (value_len > FETCH_MAX_HEADER_VALUE)
        return n;
    if (name_len == 11 && strncasecmp(data, "Retry-After", 11) == 0)
        t->retry_after = arena_strndup(t->a, v, value_len);
    for (size_t i = 0; t->want && t->want[i] && i < FETCH_MAX_WANTED_HEADERS; i++)
        if (strlen(t->want[i]) == name_len && strncasecmp(t->want[i], data, name_len) == 0)
            t->values[i] = arena_strndup(t->a, v, value_len);
    return n;
}

/* The URL as it may appear in a log: no user information, query or fragment. */
static const char *url_for_log(arena *a, const char *url)
{
    const char *auth = strstr(url, "://");
    const char *start = url;
    strbuf b = STRBUF_INIT;
    if (auth) {
        auth += 3;
        size_t authority = strcspn(auth, "/?#");
        const char *at = memchr(auth, '@', authority);
        sb_add(&b, url, (size_t)(auth - url));
        start = at ? at + 1 : auth;
    }
    sb_add(&b, start, strcspn(start, "?#"));
    const char *out = arena_strndup(a, b.buf, b.len);
    sb_free(&b);
    return out;
}

static int url_allowed(const char *url)
{
    return url && (strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0)
           && !strpbrk(url, "\r\n ");
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* One attempt.  Fills resp (body in the arena) and returns the status. */
static fetch_status attempt(CURL *c, transfer *t, fetch_response *resp)
{
    long code = 0;
    const char *ctype = NULL;
    sb_reset(&t->body);
    t->too_big = 0;
    memset(t->values, 0, sizeof t->values);
    t->retry_after = NULL;
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK) {
        resp->status = 0;
        resp->error = curl_easy_strerror(rc);
        if (t->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
            resp->error = "answer too big";
            return FETCH_ERR_TOO_BIG;
        }
        if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT)
            return FETCH_ERR_URL;
        return FETCH_ERR_NETWORK;
    }
    resp->status = code;
    resp->error = NULL;
    resp->body = arena_strndup(t->a, t->body.buf, t->body.len);
    resp->body_len = t->body.len;
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK && ctype)
        resp->content_type = arena_strdup(t->a, ctype);
    memcpy(resp->headers, t->values, sizeof resp->headers);
    return FETCH_OK;
}

/* How long to wait before trying again, or -1 not to retry. */
static long retry_delay(fetch_status st, const fetch_response *resp, const transfer *t,
                        long base_ms, int done)
{
    if (st == FETCH_OK && resp->status != 429 && resp->status < 500)
        return -1;
    if (st != FETCH_OK && st != FETCH_ERR_NETWORK)
        return -1;
    long delay = base_ms;
    for (int i = 1; i < done && delay < FETCH_RETRY_CAP_MS; i++)
        delay *= 2;
    if (delay > FETCH_RETRY_CAP_MS)
        delay = FETCH_RETRY_CAP_MS;
    if (st == FETCH_OK && t->retry_after) {
        long secs;
        if (str_to_long(t->retry_after, 0, 86400, &secs) != 0)
            return delay;
        if (secs * 1000 > FETCH_RETRY_CAP_MS)
            return -1;   /* the server wants a longer pause than a request can wait */
        if (secs * 1000 > delay)
            delay = secs * 1000;
    }
    return delay;
}

static fetch_status request(arena *a, const char *method, const char *url,
                            const char *const *headers, const char *content_type,
                            const char *body, size_t body_len, const fetch_opts *opts,
                            fetch_response *resp)
{
    static const fetch_opts defaults = { 0 };
    const fetch_opts *o = opts ? opts : &defaults;
    fetch_status st = FETCH_ERR_INTERNAL;
    struct curl_slist *list = NULL;
    CURL *c = NULL;
    transfer t = { .a = a, .body = STRBUF_INIT, .want = o->want_headers };
    t.max_body = o->max_body ? o->max_body : FETCH_MAX_BODY_DEFAULT;

    memset(resp, 0, sizeof *resp);
    resp->body = (char *)"";
    resp->error = "cannot set up the request";
    if (!url_allowed(url)) {
        resp->error = "not an http(s) URL";
        st = FETCH_ERR_URL;
        goto cleanup;
    }
    if (fetch_global_init() != 0 || !(c = curl_easy_init()))
        goto cleanup;
    for (size_t i = 0; headers && headers[i]; i++) {
        struct curl_slist *next;
        if (strpbrk(headers[i], "\r\n")) {
            resp->error = "header with a line break";
            st = FETCH_ERR_URL;
            goto cleanup;
        }
        if (!(next = curl_slist_append(list, headers[i])))
            goto cleanup;
        list = next;
    }
    if (body) {
        struct curl_slist *next;
        const char *ct = arena_printf(a, "Content-Type: %s", content_type ? content_type
                                      : "application/octet-stream");
        if (strpbrk(ct, "\r\n") || !(next = curl_slist_append(list, ct)))
            goto cleanup;
        list = next;
        /* No "Expect: 100-continue" round trip for small bodies. */
        if (!(next = curl_slist_append(list, "Expect:")))
            goto cleanup;
        list = next;
    }
    long connect_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : FETCH_CONNECT_TIMEOUT_MS;
    long total_ms = o->timeout_ms > 0 ? o->timeout_ms : FETCH_TIMEOUT_MS;
    if (curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, o->follow_redirects ? 1L : 0L) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total_ms) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t.max_body) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_USERAGENT, "Lyre") != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_HTTPHEADER, list) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_WRITEDATA, &t) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_HEADERDATA, &t) != CURLE_OK)
        goto cleanup;
    if (o->ca_file && curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file) != CURLE_OK)
        goto cleanup;
    if (body && (curl_easy_setopt(c, CURLOPT_POST, 1L) != CURLE_OK
                 || curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len) != CURLE_OK
                 || curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) != CURLE_OK))
        goto cleanup;

    int tries = 1 + (o->retries > 0 ? (o->retries > 10 ? 10 : o->retries) : 0);
    long base_ms = o->retry_base_ms > 0 ? o->retry_base_ms : FETCH_RETRY_BASE_MS;
    for (int done = 1;; done++) {
        st = attempt(c, &t, resp);
        resp->attempts = done;
        long delay = done < tries ? retry_delay(st, resp, &t, base_ms, done) : -1;
        if (delay < 0)
            break;
        log_info("%s %s: %s, trying again in %ld ms", method, url_for_log(a, url),
                 st == FETCH_OK ? "server busy" : resp->error, delay);
        sleep_ms(delay);
    }
    if (st != FETCH_OK)
        log_warn("%s %s: %s", method, url_for_log(a, url), resp->error);

cleanup:
    if (st == FETCH_ERR_INTERNAL)
        log_error("%s %s: %s", method, url_for_log(a, url), resp->error);
    curl_slist_free_all(list);
    if (c)
        curl_easy_cleanup(c);
    sb_free(&t.body);
    return st;
}

fetch_status fetch_get(arena *a, const char *url, const char *const *headers,
                       const fetch_opts *opts, fetch_response *resp)
{
    return request(a, "GET", url, headers, NULL, NULL, 0, opts, resp);
}

fetch_status fetch_post(arena *a, const char *url, const char *const *headers,
                        const char *content_type, const char *body, size_t body_len,
                        const fetch_opts *opts, fetch_response *resp)
{
    return request(a, "POST", url, headers, content_type, body ? body : "", body ? body_len : 0,
                   opts, resp);
}

/* Form encoding: unreserved bytes kept, space as %20, everything else %XX
 * (a decoder accepts both %20 and '+'). */
static void form_encode(strbuf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
            || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            sb_addc(out, (char)*p);
        } else {
            sb_addc(out, '%');
            sb_addc(out, hex[*p >> 4]);
            sb_addc(out, hex[*p & 15]);
        }
    }
}

void fetch_form_add(strbuf *body, const char *name, const char *value)
{
    if (body->len)
        sb_addc(body, '&');
    form_encode(body, name);
    sb_addc(body, '=');
    form_encode(body, value ? value : "");
}

static void base64_encode(strbuf *out, const unsigned char *in, size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        sb_addc(out, alphabet[v >> 18]);
        sb_addc(out, alphabet[(v >> 12) & 63]);
        sb_addc(out, alphabet[(v >> 6) & 63]);
        sb_addc(out, alphabet[v & 63]);
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        sb_addc(out, alphabet[v >> 18]);
        sb_addc(out, alphabet[(v >> 12) & 63]);
        sb_adds(out, "==");
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        sb_addc(out, alphabet[v >> 18]);
        sb_addc(out, alphabet[(v >> 12) & 63]);
        sb_addc(out, alphabet[(v >> 6) & 63]);
        sb_addc(out, '=');
    }
}

const char *fetch_basic_auth_header(arena *a, const char *user, const char *password)
{
    strbuf pair = STRBUF_INIT, out = STRBUF_INIT;
    form_encode(&pair, user ? user : "");
    sb_addc(&pair, ':');
    form_encode(&pair, password ? password : "");
    sb_adds(&out, "Authorization: Basic ");
    base64_encode(&out, (const unsigned char *)pair.buf, pair.len);
    const char *h = arena_strndup(a, out.buf, out.len);
    /* The pair holds the secret in clear: do not leave it in freed memory. */
    if (pair.cap)
        memset(pair.buf, 0, pair.len);
    sb_free(&pair);
    sb_free(&out);
    return h;
}

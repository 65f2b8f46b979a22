/* http.h — one HTTP request and its response, independent of FastCGI.
 *
 * lib/app fills a lyre_req from the FastCGI environment (http_parse) and
 * writes the response out (http_serialize); handlers only read the request
 * and set status, headers and body.  Parsing is done on the CGI/1.1
 * variables (REQUEST_METHOD, REQUEST_URI, QUERY_STRING, CONTENT_TYPE,
 * CONTENT_LENGTH, HTTP_*), so unit tests drive it with a plain envp array.
 *
 * Limits from lyre.conf: a URI longer than max_url_bytes gives 414, HTTP_*
 * headers adding up to more than max_header_bytes give 431, a body longer
 * than max_body_bytes gives 413.  The path is percent-decoded and must be
 * valid UTF-8 (else 400); query and form parameters likewise.
 */
#ifndef LYRE_HTTP_H
#define LYRE_HTTP_H

#include <stddef.h>
#include "arena.h"
#include "config.h"
#include "errors.h"
#include "str.h"
#include "url.h"

#define HTTP_MAX_PARAMS 256
#define HTTP_MAX_ROUTE_ARGS 4

typedef struct lyre_db lyre_db;
struct lyre_auth;

typedef struct lyre_req {
    arena *a;                    /* per-request memory */
    const lyre_config *cfg;
    lyre_db *db;
    char **envp;                 /* CGI variables (valid during the request only) */

    /* request */
    const char *method;          /* "GET", "POST", ... */
    const char *uri;             /* raw REQUEST_URI */
    const char *path;            /* percent-decoded path, valid UTF-8 */
    const char *query_string;    /* raw, "" if none */
    lyre_params query;
    lyre_params form;            /* urlencoded POST body */
    lyre_params cookies;
    const char *body;            /* raw body ("" if none) */
    size_t body_len;
    const char *request_id;      /* hex, also in every log line */
    int https;                   /* served over TLS */
    const struct lyre_auth *auth;/* the signed-in user (lib/auth.h), NULL if anonymous */
    const char *anon_csrf;       /* anonymous CSRF token made for this answer (lib/csrf.h) */

    const char *route_args[HTTP_MAX_ROUTE_ARGS];  /* "{...}" pieces of the matched route */
    size_t route_nargs;

    /* response */
    int status;                  /* 200 unless set */
    const char *content_type;    /* "text/html; charset=utf-8" unless set */
    strbuf headers;              /* extra "Name: value\r\n" lines */
    strbuf body_out;
    const char *error_detail;    /* optional sentence for the error page */
    long retry_after;            /* seconds, sent as Retry-After with a 429 */
} lyre_req;

/* Start a request: clear the response, keep buffers' capacity. */
void http_req_reset(lyre_req *req, arena *a, const lyre_config *cfg);
void http_req_free(lyre_req *req);

/* A CGI variable from envp, or NULL. */
const char *http_env(const lyre_req *req, const char *name);
/* A request header by its HTTP name ("User-Agent"), or NULL. */
const char *http_header(const lyre_req *req, const char *name);

/* Check limits and parse method, URI, query and cookies from req->envp.
 * Returns LYRE_OK, LYRE_ERR_URI_TOO_LONG, LYRE_ERR_HEADERS_TOO_LARGE,
 * LYRE_ERR_BODY_TOO_LARGE (from CONTENT_LENGTH, before reading the body)
 * or LYRE_ERR_BAD_REQUEST. */
lyre_err http_parse_head(lyre_req *req);
/* Content length announced (0 if none); only valid after http_parse_head. */
size_t http_content_length(const lyre_req *req);
/* Take the body (already read, len bytes) and parse a urlencoded form, or
 * the plain fields of a multipart/form-data one (files stay in the body for
 * the handler: lib/multipart.h). */
lyre_err http_parse_body(lyre_req *req, const char *body, size_t len);

const char *http_query(const lyre_req *req, const char *name);
const char *http_form(const lyre_req *req, const char *name);
const char *http_cookie(const lyre_req *req, const char *name);

/* Response helpers.  http_set_header refuses (returns -1, logs) names or
 * values containing CR, LF or NUL. */
int http_set_header(lyre_req *req, const char *name, const char *value);
int http_redirect(lyre_req *req, int status, const char *location);
/* Serialise status line (CGI "Status:"), headers and body into out. */
void http_serialize(const lyre_req *req, strbuf *out);

#endif

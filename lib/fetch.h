/* fetch.h — the one outbound HTTP(S) client of Lyre (libcurl): OpenID
 * Connect discovery, token and key requests, later payment providers' APIs.
 *
 * Safe defaults, every one of them overridable per call: connect within
 * 5 s, whole answer within 10 s, at most 1 MiB of body (a bigger answer is
 * refused, not cut), only http and https, redirects not followed, TLS
 * certificates and host names verified.  Nothing here logs a body, a
 * header value or a query string: URLs are logged up to their '?'.
 */
#ifndef LYRE_FETCH_H
#define LYRE_FETCH_H

#include <stddef.h>
#include "arena.h"
#include "str.h"

#define FETCH_MAX_BODY_DEFAULT (1024 * 1024)
#define FETCH_MAX_WANTED_HEADERS 8

typedef enum fetch_status {
    FETCH_OK = 0,          /* an answer arrived (any HTTP status: look at resp->status) */
    FETCH_ERR_URL,         /* malformed URL or a scheme other than http/https */
    FETCH_ERR_NETWORK,     /* name resolution, connection, TLS or timeout */
    FETCH_ERR_TOO_BIG,     /* the body was longer than max_body */
    FETCH_ERR_INTERNAL,    /* libcurl could not be set up */
} fetch_status;

typedef struct fetch_opts {
    long connect_timeout_ms;   /* 0: 5000 */
    long timeout_ms;           /* 0: 10000 (the whole exchange) */
    size_t max_body;           /* 0: FETCH_MAX_BODY_DEFAULT */
    int follow_redirects;      /* up to 3 hops, http/https only; off by default */
    /* Idempotent calls only: retry this many more times after a network
     * error, a 429 or a 5xx, waiting retry_base_ms (0: 250), then twice as
     * long each time (capped at 4 s; a Retry-After of up to 4 s is honoured). */
    int retries;
    long retry_base_ms;
    const char *ca_file;       /* NULL: the system's trust store */
    /* Response headers to keep (case-insensitive names, NULL-terminated,
     * at most FETCH_MAX_WANTED_HEADERS); their values land in resp->headers. */
    const char *const *want_headers;
} fetch_opts;

typedef struct fetch_response {
    long status;                /* HTTP status, 0 when no answer arrived */
    char *body;                 /* NUL-terminated (arena), "" when empty */
    size_t body_len;
    const char *content_type;   /* NULL when the answer had none (arena) */
    const char *headers[FETCH_MAX_WANTED_HEADERS]; /* per want_headers, NULL if absent */
    int attempts;               /* how many requests were sent */
    const char *error;          /* short reason when not FETCH_OK (static text) */
} fetch_response;

/* GET url.  headers: extra request lines "Name: value" (NULL-terminated
 * array, may be NULL); lines containing CR or LF are refused (FETCH_ERR_URL).
 * opts may be NULL.  resp is always filled (status 0 on failure). */
fetch_status fetch_get(arena *a, const char *url, const char *const *headers,
                       const fetch_opts *opts, fetch_response *resp);

/* POST body (content_type, e.g. "application/x-www-form-urlencoded";
 * body may hold any bytes).  Not retried unless opts->retries says so. */
fetch_status fetch_post(arena *a, const char *url, const char *const *headers,
                        const char *content_type, const char *body, size_t body_len,
                        const fetch_opts *opts, fetch_response *resp);

/* Append "name=value" to an application/x-www-form-urlencoded body,
 * percent-encoding both ('&' between pairs). */
void fetch_form_add(strbuf *body, const char *name, const char *value);

/* "Authorization: Basic ..." for HTTP Basic with user and password as
 * OAuth 2 wants them (RFC 6749 2.3.1: each form-urlencoded first).  Arena. */
const char *fetch_basic_auth_header(arena *a, const char *user, const char *password);

/* Initialise libcurl once per process (thread-safe; fetch_* call it). 0 or -1. */
int fetch_global_init(void);

#endif

/* http.c — parse a CGI/FastCGI request, build its response (see http.h). */
#include "http.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "multipart.h"

void http_req_reset(lyre_req *req, arena *a, const lyre_config *cfg)
{
    strbuf headers = req->headers, body = req->body_out;
    lyre_db *db = req->db;
    if (!headers.buf)
        sb_init(&headers);
    if (!body.buf)
        sb_init(&body);
    sb_reset(&headers);
    sb_reset(&body);
    memset(req, 0, sizeof *req);
    req->headers = headers;
    req->body_out = body;
    req->db = db;
    req->a = a;
    req->cfg = cfg;
    req->method = "GET";
    req->uri = "/";
    req->path = "/";
    req->query_string = "";
    req->body = "";
    req->request_id = "-";
    req->status = 200;
    req->content_type = "text/html; charset=utf-8";
}

void http_req_free(lyre_req *req)
{
    sb_free(&req->headers);
    sb_free(&req->body_out);
}

const char *http_env(const lyre_req *req, const char *name)
{
    if (!req->envp)
        return NULL;
    size_t n = strlen(name);
    for (char **e = req->envp; *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

const char *http_header(const lyre_req *req, const char *name)
{
    char var[128];
    size_t n = strlen(name);
    if (strcasecmp(name, "Content-Type") == 0)
        return http_env(req, "CONTENT_TYPE");
    if (strcasecmp(name, "Content-Length") == 0)
        return http_env(req, "CONTENT_LENGTH");
    if (n + 6 > sizeof var)
        return NULL;
    memcpy(var, "HTTP_", 5);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        var[5 + i] = c == '-' ? '_' : (char)toupper(c);
    }
    var[5 + n] = '\0';
    return http_env(req, var);
}

static int is_token(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 32 || c >= 127 || strchr("()<>@,;:\\\"/[]?={}", c))
            return 0;
    }
    return 1;
}

size_t http_content_length(const lyre_req *req)
{
    const char *cl = http_env(req, "CONTENT_LENGTH");
    long v = 0;
    if (!cl || !*cl || str_to_long(cl, 0, 0x7fffffffL, &v) != 0)
        return 0;
    return (size_t)v;
}

lyre_err http_parse_head(lyre_req *req)
{
    const lyre_config *cfg = req->cfg;
    const char *method = http_env(req, "REQUEST_METHOD");
    if (!method || !is_token(method) || strlen(method) > 16) {
        req->error_detail = "The request method is missing or malformed.";
        return LYRE_ERR_BAD_REQUEST;
    }
    req->method = method;
    req->https = (http_env(req, "HTTPS") && strcasecmp(http_env(req, "HTTPS"), "on") == 0);

    /* REQUEST_URI is what the client sent; plain CGI may lack it. */
    const char *uri = http_env(req, "REQUEST_URI");
    if (!uri) {
        const char *sn = http_env(req, "SCRIPT_NAME"), *pi = http_env(req, "PATH_INFO");
        const char *qs = http_env(req, "QUERY_STRING");
        uri = arena_printf(req->a, "%s%s%s%s", sn ? sn : "", pi ? pi : "",
                           qs && *qs ? "?" : "", qs && *qs ? qs : "");
        if (!*uri)
            uri = "/";
    }
    if ((long)strlen(uri) > cfg->max_url_bytes)
        return LYRE_ERR_URI_TOO_LONG;
    req->uri = uri;

    size_t header_bytes = 0;
    for (char **e = req->envp; e && *e; e++)
        if (strncmp(*e, "HTTP_", 5) == 0)
            header_bytes += strlen(*e) - 5;
    if ((long)header_bytes > cfg->max_header_bytes)
        return LYRE_ERR_HEADERS_TOO_LARGE;

    const char *cl = http_env(req, "CONTENT_LENGTH");
    if (cl && *cl) {
        long v;
        if (str_to_long(cl, 0, 0x7fffffffL, &v) != 0) {
            if (strspn(cl, "0123456789") == strlen(cl))
                return LYRE_ERR_BODY_TOO_LARGE;
            req->error_detail = "The Content-Length header is malformed.";
            return LYRE_ERR_BAD_REQUEST;
        }
        if (v > cfg->max_body_bytes)
            return LYRE_ERR_BODY_TOO_LARGE;
    }

    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    const char *frag = memchr(uri, '#', plen);
    if (frag)
        plen = (size_t)(frag - uri);
    const char *path = url_decode(req->a, uri, plen, 0, NULL);
    if (!path || path[0] != '/') {
        req->error_detail = "The address is not valid UTF-8 or is malformed.";
        return LYRE_ERR_BAD_REQUEST;
    }
    req->path = path;
    req->query_string = q ? q + 1 : "";
    if (params_parse_form(req->a, req->query_string, strlen(req->query_string), HTTP_MAX_PARAMS,
                          &req->query) != 0) {
        req->error_detail = "A query parameter is malformed or not valid UTF-8.";
        return LYRE_ERR_BAD_REQUEST;
    }
    params_parse_cookies(req->a, http_env(req, "HTTP_COOKIE"), HTTP_MAX_PARAMS, &req->cookies);
    return LYRE_OK;
}

lyre_err http_parse_body(lyre_req *req, const char *body, size_t len)
{
    req->body = body ? body : "";
    req->body_len = body ? len : 0;
    const char *ct = http_env(req, "CONTENT_TYPE");
    if (len == 0 || !ct)
        return LYRE_OK;
    static const char form_type[] = "application/x-www-form-urlencoded";
    if (strncasecmp(ct, form_type, sizeof form_type - 1) == 0 &&
        (ct[sizeof form_type - 1] == '\0' || ct[sizeof form_type - 1] == ';' ||
         ct[sizeof form_type - 1] == ' ')) {
        if (params_parse_form(req->a, body, len, HTTP_MAX_PARAMS, &req->form) != 0) {
            req->error_detail = "A form field is malformed or not valid UTF-8.";
            return LYRE_ERR_BAD_REQUEST;
        }
    } else if (strncasecmp(ct, "multipart/form-data", 19) == 0) {
        /* The plain fields (csrf, names) become the form; files stay in the
         * body for the handler (multipart_parse again). */
        const char *boundary = multipart_boundary(req->a, ct);
        multipart_form *mf = arena_alloc(req->a, sizeof *mf);
        if (!boundary || multipart_parse(req->a, body, len, boundary, mf) != 0 ||
            multipart_fields(req->a, mf, &req->form) != 0) {
            req->error_detail = "The upload is malformed or a form field is not valid UTF-8.";
            return LYRE_ERR_BAD_REQUEST;
        }
    }
    return LYRE_OK;
}

const char *http_query(const lyre_req *req, const char *name)
{
    return params_get(&req->query, name);
}

const char *http_form(const lyre_req *req, const char *name)
{
    return params_get(&req->form, name);
}

const char *http_cookie(const lyre_req *req, const char *name)
{
    return params_get(&req->cookies, name);
}

int http_set_header(lyre_req *req, const char *name, const char *value)
{
    if (!is_token(name) || strpbrk(value, "\r\n")) {
        log_error("refused header %s: name not a token or value holds CR/LF", name);
        return -1;
    }
    if (strcasecmp(name, "Content-Type") == 0) {
        req->content_type = arena_strdup(req->a, value);
        return 0;
    }
    sb_addf(&req->headers, "%s: %s\r\n", name, value);
    return 0;
}

int http_redirect(lyre_req *req, int status, const char *location)
{
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
        status = 303;
    if (http_set_header(req, "Location", location) != 0)
        return -1;
    req->status = status;
    sb_reset(&req->body_out);
    return 0;
}

void http_serialize(const lyre_req *req, strbuf *out)
{
    sb_addf(out, "Status: %d %s\r\n", req->status, http_reason(req->status));
    if (req->status != 204 && req->status != 304) {
        sb_addf(out, "Content-Type: %s\r\nContent-Length: %zu\r\n", req->content_type,
                req->body_out.len);
    }
    sb_add(out, req->headers.buf, req->headers.len);
    sb_adds(out, "\r\n");
    if (strcmp(req->method, "HEAD") != 0 && req->status != 204 && req->status != 304)
        sb_add(out, req->body_out.buf, req->body_out.len);
}

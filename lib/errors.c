/* errors.c — the one table of request errors, indexed by lyre_err. */
#include "errors.h"

#include <stddef.h>

static const lyre_error_info error_table[LYRE_ERR__COUNT] = {
    [LYRE_OK] = { LYRE_OK, 200, "OK", "OK", "" },
    [LYRE_ERR_BAD_REQUEST] = { LYRE_ERR_BAD_REQUEST, 400, "Bad Request", "Bad request",
        "Lyre could not understand this request. Check the address or the form and try again." },
    [LYRE_ERR_UNAUTHORIZED] = { LYRE_ERR_UNAUTHORIZED, 401, "Unauthorized", "Sign in needed",
        "Sign in to do this." },
    [LYRE_ERR_CSRF] = { LYRE_ERR_CSRF, 403, "Forbidden", "Form expired",
        "This form was not sent from a current Lyre page (its security token is missing or "
        "wrong). Go back, reload the page and try again." },
    [LYRE_ERR_CONFLICT] = { LYRE_ERR_CONFLICT, 409, "Conflict", "Conflict",
        "This changed while you were working on it. Reload and try again." },
    [LYRE_ERR_TOO_MANY] = { LYRE_ERR_TOO_MANY, 429, "Too Many Requests", "Too many attempts",
        "Too many attempts in a short time. Wait a little and try again." },
    [LYRE_ERR_FORBIDDEN] = { LYRE_ERR_FORBIDDEN, 403, "Forbidden", "Not allowed",
        "You do not have permission to do this." },
    [LYRE_ERR_NOT_FOUND] = { LYRE_ERR_NOT_FOUND, 404, "Not Found", "Not found",
        "There is nothing at this address." },
    [LYRE_ERR_METHOD] = { LYRE_ERR_METHOD, 405, "Method Not Allowed", "Method not allowed",
        "This address does not accept that kind of request." },
    [LYRE_ERR_BODY_TOO_LARGE] = { LYRE_ERR_BODY_TOO_LARGE, 413, "Content Too Large",
        "Request too large", "What was sent is larger than Lyre accepts." },
    [LYRE_ERR_URI_TOO_LONG] = { LYRE_ERR_URI_TOO_LONG, 414, "URI Too Long", "Address too long",
        "This address is longer than Lyre accepts." },
    [LYRE_ERR_UNSUPPORTED_MEDIA] = { LYRE_ERR_UNSUPPORTED_MEDIA, 415, "Unsupported Media Type",
        "Unsupported content type", "Lyre cannot read the kind of data that was sent." },
    [LYRE_ERR_HEADERS_TOO_LARGE] = { LYRE_ERR_HEADERS_TOO_LARGE, 431,
        "Request Header Fields Too Large", "Request headers too large",
        "Your browser sent more header data than Lyre accepts. "
        "Clearing this site's cookies may help." },
    [LYRE_ERR_INTERNAL] = { LYRE_ERR_INTERNAL, 500, "Internal Server Error",
        "Something went wrong",
        "Lyre ran into an unexpected problem. It has been logged; please try again later." },
    [LYRE_ERR_DB_DOWN] = { LYRE_ERR_DB_DOWN, 503, "Service Unavailable",
        "Temporarily unavailable",
        "Lyre cannot reach its database right now. Please try again in a moment." },
};

/* Never NULL: an id outside the table is a bug, shown as a 500. */
const lyre_error_info *lyre_error(lyre_err id)
{
    if ((int)id < 0 || (int)id >= (int)LYRE_ERR__COUNT || error_table[id].status == 0)
        return &error_table[LYRE_ERR_INTERNAL];
    return &error_table[id];
}

const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

/* errors.h — the one table of errors a request can end with:
 * id -> HTTP status -> title -> message shown to the person.
 * Handlers return LYRE_OK or one of these ids; lib/app renders the error page
 * through templates/error.xsl (layout and all). */
#ifndef LYRE_ERRORS_H
#define LYRE_ERRORS_H

typedef enum lyre_err {
    LYRE_OK = 0,
    LYRE_ERR_BAD_REQUEST,        /* 400 malformed parameter */
    LYRE_ERR_UNAUTHORIZED,       /* 401 sign-in needed */
    LYRE_ERR_FORBIDDEN,          /* 403 */
    LYRE_ERR_CSRF,               /* 403 missing or wrong CSRF token */
    LYRE_ERR_NOT_FOUND,          /* 404 */
    LYRE_ERR_METHOD,             /* 405 */
    LYRE_ERR_BODY_TOO_LARGE,     /* 413 */
    LYRE_ERR_URI_TOO_LONG,       /* 414 */
    LYRE_ERR_UNSUPPORTED_MEDIA,  /* 415 */
    LYRE_ERR_CONFLICT,           /* 409 */
    LYRE_ERR_TOO_MANY,           /* 429 with Retry-After (req->retry_after) */
    LYRE_ERR_HEADERS_TOO_LARGE,  /* 431 */
    LYRE_ERR_INTERNAL,           /* 500 */
    LYRE_ERR_DB_DOWN,            /* 503 with Retry-After */
    LYRE_ERR__COUNT
} lyre_err;

typedef struct lyre_error_info {
    lyre_err id;
    int status;
    const char *reason;    /* HTTP reason phrase, e.g. "Not Found" */
    const char *title;     /* page heading */
    const char *message;   /* what the person reads */
} lyre_error_info;

const lyre_error_info *lyre_error(lyre_err id);
/* The reason phrase of any status code Lyre emits ("OK", "Found", ...). */
const char *http_reason(int status);

#endif

/* app.h — the life of a FastCGI program: main() of every program in cgi/
 * is a route table and a call to app_main().
 *
 * app_main reads lyre.conf (exit 2 on any error), opens the database handle,
 * compiles the stylesheets, installs signal handlers (SIGTERM/SIGINT/SIGUSR1:
 * finish the current request and leave; SIGHUP: re-read lyre.conf and the
 * stylesheets between requests), then loops on FCGX_Accept_r.  For each
 * request: new request id, parse and check limits, match the route table,
 * call the handler, render an error page for a non-zero result, write the
 * response, reset the arena.  Run outside a FastCGI server (FCGX_IsCGI), it
 * answers one CGI request, which lets shell tests drive a program directly.
 */
#ifndef LYRE_APP_H
#define LYRE_APP_H

#include "db.h"
#include "errors.h"
#include "http.h"
#include "view.h"

typedef lyre_err (*lyre_handler)(lyre_req *req);

enum route_flags {
    ROUTE_NONE = 0,
    ROUTE_LOGIN = 1 << 0,   /* needs a signed-in user: GET/HEAD redirect to /login?next=,
                               other methods answer 401 */
    ROUTE_CSRF = 1 << 1,    /* needs a valid CSRF token even on GET (every POST, PUT,
                               PATCH and DELETE is checked anyway) */
    ROUTE_CACHE = 1 << 2,   /* the page depends only on the URI and the catalog:
                               kept in the worker's page cache (lib/pagecache.h); the
                               account area of the header is filled in per visitor */
    ROUTE_NO_CSRF = 1 << 3, /* a POST authenticated otherwise (signed webhooks, API
                               keys): no CSRF token expected */
    ROUTE_ADMIN = 1 << 4,   /* signed-in admins only (403 for others) */
    ROUTE_ARTIST = 1 << 5,  /* signed-in artists and admins only */
};

/* One row of a program's route table.  pattern is a path where "{}" matches
 * one non-empty segment (captured into req->route_args) and a trailing "*"
 * matches any rest.  method "GET" also answers HEAD. */
typedef struct lyre_route {
    const char *method;
    const char *pattern;
    unsigned flags;
    lyre_handler handler;
} lyre_route;

typedef struct lyre_app {
    const char *name;                    /* "lyre-catalog" */
    const lyre_route *routes;            /* ends with a row whose pattern is NULL */
} lyre_app;

int app_main(const lyre_app *app, int argc, char **argv);

/* Route matching, exposed for unit tests: 1 if path matches pattern. */
int route_match(const char *pattern, const char *path, const char **args, size_t max_args,
                size_t *nargs, arena *a);

/* Render the page v (freed here) into req's body.  LYRE_OK or LYRE_ERR_INTERNAL. */
lyre_err app_render(lyre_req *req, lyre_view *v);
/* Fill req's response with the error page for err (used by app_main). */
void app_error_page(lyre_req *req, lyre_err err);

/* Parse a route argument or parameter as an id; LYRE_OK or LYRE_ERR_BAD_REQUEST. */
lyre_err app_arg_id(const lyre_req *req, size_t i, unsigned long long *id);
/* Page number from ?page= (1 if absent); LYRE_OK or LYRE_ERR_BAD_REQUEST. */
lyre_err app_page_param(const lyre_req *req, long *page);

#endif

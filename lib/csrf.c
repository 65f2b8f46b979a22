/* csrf.c — the token a state-changing request must carry. */
#include "csrf.h"

#include <string.h>

#include "auth.h"
#include "crypto.h"

static int is_token(const char *s)
{
    uint8_t raw[32];
    return s && strlen(s) == 64 && hex_decode(s, 32, raw) == 0;
}

static const char *anon_cookie_name(const lyre_req *req)
{
    /* __Host-: only settable over HTTPS by this host, for the path /. */
    return req->https ? "__Host-lyre_csrf" : "lyre_csrf";
}

const char *csrf_token(lyre_req *req)
{
    if (req->auth)
        return req->auth->csrf_token;
    if (req->anon_csrf)
        return req->anon_csrf;
    const char *cookie = http_cookie(req, anon_cookie_name(req));
    if (is_token(cookie)) {
        req->anon_csrf = cookie;
        return cookie;
    }
    char *fresh = crypto_token_hex(req->a, 32);
    if (!fresh)
        return "";
    /* Readable by our scripts (double submit); Strict: never sent by other sites. */
    http_set_header(req, "Set-Cookie",
                    arena_printf(req->a, "%s=%s; Path=/; SameSite=Strict%s", anon_cookie_name(req),
                                 fresh, req->https ? "; Secure" : ""));
    req->anon_csrf = fresh;
    return fresh;
}

int csrf_valid(lyre_req *req)
{
    const char *sent = http_form(req, "csrf");
    if (!sent)
        sent = http_header(req, "X-CSRF-Token");
    const char *expected = req->auth ? req->auth->csrf_token : http_cookie(req, anon_cookie_name(req));
    if (!is_token(sent) || !is_token(expected))
        return 0;
    return crypto_equal_str(sent, expected);
}

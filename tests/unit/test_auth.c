/* test_auth.c — unit tests of lib/auth (roles) and lib/csrf (tokens), on
 * requests built from CGI variables like the web server's. */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "csrf.h"
#include "http.h"
#include "suites.h"

#define TOKEN_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TOKEN_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static lyre_config cfg;
static arena a;
static lyre_req req;

static void setup(void)
{
    config_defaults(&cfg);
    arena_init(&a, 0);
    memset(&req, 0, sizeof req);
    http_req_reset(&req, &a, &cfg);
}

static void teardown(void)
{
    http_req_free(&req);
    arena_free(&a);
    config_free(&cfg);
}

/* Parse a POST with the given cookie header (may be NULL), X-CSRF-Token
 * (may be NULL) and urlencoded body. */
static void post(const char *cookie, const char *header_token, const char *body)
{
    static char cookie_var[512], token_var[512], len_var[64];
    static char *env[8];
    size_t n = 0;
    env[n++] = "REQUEST_METHOD=POST";
    env[n++] = "REQUEST_URI=/stream/events";
    env[n++] = "CONTENT_TYPE=application/x-www-form-urlencoded";
    snprintf(len_var, sizeof len_var, "CONTENT_LENGTH=%zu", strlen(body));
    env[n++] = len_var;
    if (cookie) {
        snprintf(cookie_var, sizeof cookie_var, "HTTP_COOKIE=%s", cookie);
        env[n++] = cookie_var;
    }
    if (header_token) {
        snprintf(token_var, sizeof token_var, "HTTP_X_CSRF_TOKEN=%s", header_token);
        env[n++] = token_var;
    }
    env[n] = NULL;
    req.envp = env;
    ck_assert_int_eq(http_parse_head(&req), LYRE_OK);
    ck_assert_int_eq(http_parse_body(&req, body, strlen(body)), LYRE_OK);
}

START_TEST(role_names)
{
    enum user_role r = ROLE_LISTENER;
    ck_assert_str_eq(role_name(ROLE_ADMIN), "admin");
    ck_assert_str_eq(role_name(ROLE_ARTIST), "artist");
    ck_assert_str_eq(role_name(ROLE_LISTENER), "listener");
    ck_assert_str_eq(role_name((enum user_role)42), "listener");
    ck_assert_int_eq(role_from_name("artist", &r), 0);
    ck_assert_int_eq(r, ROLE_ARTIST);
    ck_assert_int_eq(role_from_name("Admin", &r), -1);
    ck_assert_int_eq(role_from_name("", &r), -1);
    ck_assert_int_eq(role_from_name(NULL, &r), -1);
    ck_assert_int_lt(ROLE_LISTENER, ROLE_ARTIST);
    ck_assert_int_lt(ROLE_ARTIST, ROLE_ADMIN);
}
END_TEST

START_TEST(anonymous_double_submit)
{
    post("lyre_csrf=" TOKEN_A, NULL, "csrf=" TOKEN_A "&x=1");
    ck_assert_int_eq(csrf_valid(&req), 1);
    ck_assert_str_eq(csrf_token(&req), TOKEN_A);
    ck_assert_uint_eq(req.headers.len, 0);   /* no new cookie: it has one */
}
END_TEST

START_TEST(anonymous_header_token)
{
    post("lyre_csrf=" TOKEN_A, TOKEN_A, "x=1");
    ck_assert_int_eq(csrf_valid(&req), 1);
}
END_TEST

START_TEST(refuses_missing_or_wrong)
{
    post("lyre_csrf=" TOKEN_A, NULL, "x=1");
    ck_assert_int_eq(csrf_valid(&req), 0);
    teardown();
    setup();
    post("lyre_csrf=" TOKEN_A, NULL, "csrf=" TOKEN_B);
    ck_assert_int_eq(csrf_valid(&req), 0);
    teardown();
    setup();
    post(NULL, NULL, "csrf=" TOKEN_A);                 /* no cookie to compare with */
    ck_assert_int_eq(csrf_valid(&req), 0);
    teardown();
    setup();
    post("lyre_csrf=short", NULL, "csrf=short");       /* equal but not a token */
    ck_assert_int_eq(csrf_valid(&req), 0);
    teardown();
    setup();
    post("lyre_csrf=", NULL, "csrf=");                 /* equal and empty */
    ck_assert_int_eq(csrf_valid(&req), 0);
    teardown();
    setup();
    post("lyre_csrf=" TOKEN_A, NULL, "csrf=" TOKEN_A "0");
    ck_assert_int_eq(csrf_valid(&req), 0);
}
END_TEST

START_TEST(signed_in_uses_session_token)
{
    lyre_auth au = { .session_id = 1, .user_id = 2, .username = "u", .display_name = "",
                     .email = "", .csrf_token = TOKEN_B };
    /* The anonymous cookie's token is not the session's: refused. */
    post("lyre_csrf=" TOKEN_A, NULL, "csrf=" TOKEN_A);
    req.auth = &au;
    ck_assert_int_eq(csrf_valid(&req), 0);
    teardown();
    setup();
    post("lyre_csrf=" TOKEN_A, NULL, "csrf=" TOKEN_B);
    req.auth = &au;
    ck_assert_int_eq(csrf_valid(&req), 1);
    ck_assert_str_eq(csrf_token(&req), TOKEN_B);
}
END_TEST

START_TEST(makes_anonymous_token)
{
    char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/login", NULL };
    req.envp = env;
    ck_assert_int_eq(http_parse_head(&req), LYRE_OK);
    const char *t = csrf_token(&req);
    ck_assert_uint_eq(strlen(t), 64);
    ck_assert_str_eq(csrf_token(&req), t);             /* one per answer */
    ck_assert_ptr_nonnull(strstr(req.headers.buf, "Set-Cookie: lyre_csrf="));
    ck_assert_ptr_nonnull(strstr(req.headers.buf, "; Path=/; SameSite=Strict"));
    ck_assert_ptr_null(strstr(req.headers.buf, "Secure"));
}
END_TEST

START_TEST(https_cookie_is_host_prefixed)
{
    char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/login", "HTTPS=on", NULL };
    req.envp = env;
    ck_assert_int_eq(http_parse_head(&req), LYRE_OK);
    csrf_token(&req);
    ck_assert_ptr_nonnull(strstr(req.headers.buf, "Set-Cookie: __Host-lyre_csrf="));
    ck_assert_ptr_nonnull(strstr(req.headers.buf, "; Secure"));
}
END_TEST

START_TEST(account_names)
{
    ck_assert_ptr_null(auth_username_problem("ada"));
    ck_assert_ptr_null(auth_username_problem("Ada.L_ove-1"));
    ck_assert_ptr_null(auth_username_problem("abcdefghijklmnopqrstuvwxyz012345"));   /* 32 */
    ck_assert_ptr_nonnull(auth_username_problem(""));
    ck_assert_ptr_nonnull(auth_username_problem("ab"));
    ck_assert_ptr_nonnull(auth_username_problem("abcdefghijklmnopqrstuvwxyz0123456")); /* 33 */
    ck_assert_ptr_nonnull(auth_username_problem("_ada"));
    ck_assert_ptr_nonnull(auth_username_problem("a da"));
    ck_assert_ptr_nonnull(auth_username_problem("ad<a>"));
    ck_assert_ptr_nonnull(auth_username_problem("Zo\xC3\xAB"));
    ck_assert_ptr_nonnull(auth_username_problem("x' OR '1'='1"));
}
END_TEST

START_TEST(email_addresses)
{
    ck_assert_int_eq(auth_email_valid("ada@example.org"), 1);
    ck_assert_int_eq(auth_email_valid("a.b+tag@mail.example.co.uk"), 1);
    ck_assert_int_eq(auth_email_valid("zo\xC3\xAB@b\xC3\xBC" "cher.example"), 1);
    ck_assert_int_eq(auth_email_valid(""), 0);
    ck_assert_int_eq(auth_email_valid("ada"), 0);
    ck_assert_int_eq(auth_email_valid("ada@localhost"), 0);
    ck_assert_int_eq(auth_email_valid("@example.org"), 0);
    ck_assert_int_eq(auth_email_valid("a@@example.org"), 0);
    ck_assert_int_eq(auth_email_valid("a b@example.org"), 0);
    ck_assert_int_eq(auth_email_valid("a@example.org\r\nBcc: x@y.z"), 0);
    ck_assert_int_eq(auth_email_valid("a,b@example.org"), 0);
    ck_assert_int_eq(auth_email_valid("<a@example.org>"), 0);
    ck_assert_int_eq(auth_email_valid(".a@example.org"), 0);
    ck_assert_int_eq(auth_email_valid("a..b@example.org"), 0);
    ck_assert_int_eq(auth_email_valid("a@-example.org"), 0);
    ck_assert_int_eq(auth_email_valid("a@example..org"), 0);
    ck_assert_int_eq(auth_email_valid("a@\xFF.org"), 0);           /* not UTF-8 */
    char longest[300];
    memset(longest, 'a', sizeof longest);
    memcpy(longest + 64, "@", 1);
    memcpy(longest + 250, ".org", 5);
    ck_assert_int_eq(auth_email_valid(longest), 0);               /* 254+ bytes */
}
END_TEST

Suite *suite_auth(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("csrf");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, role_names);
    tcase_add_test(tc, account_names);
    tcase_add_test(tc, email_addresses);
    tcase_add_test(tc, anonymous_double_submit);
    tcase_add_test(tc, anonymous_header_token);
    tcase_add_test(tc, refuses_missing_or_wrong);
    tcase_add_test(tc, signed_in_uses_session_token);
    tcase_add_test(tc, makes_anonymous_token);
    tcase_add_test(tc, https_cookie_is_host_prefixed);
    suite_add_tcase(s, tc);
    return s;
}

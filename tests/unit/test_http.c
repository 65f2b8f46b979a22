/* test_http.c — unit tests of lib/http (request parsing, limits, responses)
 * and of the route matcher in lib/app. */
#include <string.h>

#include "app.h"
#include "config.h"
#include "http.h"
#include "suites.h"

static lyre_config cfg;
static arena a;
static lyre_req req;

static void setup(void)
{
    config_defaults(&cfg);
    cfg.max_url_bytes = 100;
    cfg.max_header_bytes = 200;
    cfg.max_body_bytes = 50;
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

START_TEST(parses_get)
{
    char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/search?q=Zo%C3%AB+K&page=2",
                    "HTTP_COOKIE=sid=1; x=2", "HTTP_USER_AGENT=test/1", NULL };
    req.envp = env;
    ck_assert_int_eq(http_parse_head(&req), LYRE_OK);
    ck_assert_str_eq(req.method, "GET");
    ck_assert_str_eq(req.path, "/search");
    ck_assert_str_eq(http_query(&req, "q"), "Zo\xC3\xAB K");
    ck_assert_str_eq(http_query(&req, "page"), "2");
    ck_assert_str_eq(http_cookie(&req, "sid"), "1");
    ck_assert_str_eq(http_header(&req, "User-Agent"), "test/1");
    ck_assert_ptr_null(http_header(&req, "Referer"));
}
END_TEST

START_TEST(decodes_path)
{
    char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/artist/Zo%C3%AB%20K", NULL };
    req.envp = env;
    ck_assert_int_eq(http_parse_head(&req), LYRE_OK);
    ck_assert_str_eq(req.path, "/artist/Zo\xC3\xAB K");
}
END_TEST

START_TEST(rejects_bad_bytes)
{
    const char *uris[] = { "REQUEST_URI=/album/%FF", "REQUEST_URI=/album/%C3%28",
                           "REQUEST_URI=/x?q=%ZZ", "REQUEST_URI=/x?q=%00", "REQUEST_URI=nopath", NULL };
    for (int i = 0; uris[i]; i++) {
        char *env[] = { "REQUEST_METHOD=GET", (char *)uris[i], NULL };
        http_req_reset(&req, &a, &cfg);
        req.envp = env;
        ck_assert_msg(http_parse_head(&req) == LYRE_ERR_BAD_REQUEST, "accepted %s", uris[i]);
    }
    char *env[] = { "REQUEST_METHOD=G E T", "REQUEST_URI=/", NULL };
    http_req_reset(&req, &a, &cfg);
    req.envp = env;
    ck_assert_int_eq(http_parse_head(&req), LYRE_ERR_BAD_REQUEST);
}
END_TEST

START_TEST(enforces_limits)
{
    char uri[200] = "REQUEST_URI=/";
    memset(uri + 13, 'a', 150);
    uri[163] = '\0';
    char *env1[] = { "REQUEST_METHOD=GET", uri, NULL };
    req.envp = env1;
    ck_assert_int_eq(http_parse_head(&req), LYRE_ERR_URI_TOO_LONG);

    char hdr[300] = "HTTP_X_BIG=";
    memset(hdr + 11, 'h', 250);
    hdr[261] = '\0';
    char *env2[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", hdr, NULL };
    http_req_reset(&req, &a, &cfg);
    req.envp = env2;
    ck_assert_int_eq(http_parse_head(&req), LYRE_ERR_HEADERS_TOO_LARGE);

    char *env3[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/", "CONTENT_LENGTH=51", NULL };
    http_req_reset(&req, &a, &cfg);
    req.envp = env3;
    ck_assert_int_eq(http_parse_head(&req), LYRE_ERR_BODY_TOO_LARGE);

    char *env4[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/", "CONTENT_LENGTH=99999999999999999999", NULL };
    http_req_reset(&req, &a, &cfg);
    req.envp = env4;
    ck_assert_int_eq(http_parse_head(&req), LYRE_ERR_BODY_TOO_LARGE);

    char *env5[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/", "CONTENT_LENGTH=12x", NULL };
    http_req_reset(&req, &a, &cfg);
    req.envp = env5;
    ck_assert_int_eq(http_parse_head(&req), LYRE_ERR_BAD_REQUEST);
}
END_TEST

START_TEST(parses_form_body)
{
    char *env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/x",
                    "CONTENT_TYPE=application/x-www-form-urlencoded; charset=UTF-8",
                    "CONTENT_LENGTH=17", NULL };
    req.envp = env;
    ck_assert_int_eq(http_parse_head(&req), LYRE_OK);
    ck_assert_uint_eq(http_content_length(&req), 17);
    ck_assert_int_eq(http_parse_body(&req, "name=a+b&x=%E2%82", 17), LYRE_ERR_BAD_REQUEST);
    ck_assert_int_eq(http_parse_body(&req, "name=a+b&x=1", 12), LYRE_OK);
    ck_assert_str_eq(http_form(&req, "name"), "a b");
    ck_assert_str_eq(http_form(&req, "x"), "1");
}
END_TEST

START_TEST(serialises_response)
{
    char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
    req.envp = env;
    ck_assert_int_eq(http_parse_head(&req), LYRE_OK);
    sb_adds(&req.body_out, "<p>hi</p>");
    ck_assert_int_eq(http_set_header(&req, "X-Test", "1"), 0);
    ck_assert_int_eq(http_set_header(&req, "X-Evil", "a\r\nSet-Cookie: x=1"), -1);
    ck_assert_int_eq(http_set_header(&req, "Bad Name", "v"), -1);
    strbuf out = STRBUF_INIT;
    http_serialize(&req, &out);
    ck_assert_str_eq(out.buf, "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                              "Content-Length: 9\r\nX-Test: 1\r\n\r\n<p>hi</p>");
    sb_free(&out);
}
END_TEST

START_TEST(head_has_no_body_and_redirects_work)
{
    char *env[] = { "REQUEST_METHOD=HEAD", "REQUEST_URI=/", NULL };
    req.envp = env;
    ck_assert_int_eq(http_parse_head(&req), LYRE_OK);
    sb_adds(&req.body_out, "body");
    strbuf out = STRBUF_INIT;
    http_serialize(&req, &out);
    ck_assert(str_ends_with(out.buf, "Content-Length: 4\r\n\r\n"));
    sb_reset(&out);
    ck_assert_int_eq(http_redirect(&req, 303, "/album/7"), 0);
    http_serialize(&req, &out);
    ck_assert(str_starts_with(out.buf, "Status: 303 See Other\r\n"));
    ck_assert_ptr_nonnull(strstr(out.buf, "Location: /album/7\r\n"));
    ck_assert_int_eq(http_redirect(&req, 302, "/x\r\nEvil: 1"), -1);
    sb_free(&out);
}
END_TEST

START_TEST(routes_match)
{
    const char *args[4];
    size_t n = 0;
    ck_assert(route_match("/", "/", args, 4, &n, &a));
    ck_assert_uint_eq(n, 0);
    ck_assert(route_match("/album/{}", "/album/7", args, 4, &n, &a));
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(args[0], "7");
    ck_assert(!route_match("/album/{}", "/album/", args, 4, &n, &a));
    ck_assert(!route_match("/album/{}", "/album/7/x", args, 4, &n, &a));
    ck_assert(!route_match("/album/{}", "/albums/7", args, 4, &n, &a));
    ck_assert(!route_match("/", "/x", args, 4, &n, &a));
    ck_assert(route_match("/a/{}/b/{}", "/a/1/b/2", args, 4, &n, &a));
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(args[1], "2");
    ck_assert(route_match("/static/*", "/static/css/x.css", args, 4, &n, &a));
    ck_assert_str_eq(args[0], "css/x.css");
}
END_TEST

START_TEST(route_ids)
{
    unsigned long long id;
    req.route_args[0] = "12";
    req.route_args[1] = "12a";
    req.route_nargs = 2;
    ck_assert_int_eq(app_arg_id(&req, 0, &id), LYRE_OK);
    ck_assert_uint_eq(id, 12);
    ck_assert_int_eq(app_arg_id(&req, 1, &id), LYRE_ERR_BAD_REQUEST);
    ck_assert_int_eq(app_arg_id(&req, 2, &id), LYRE_ERR_BAD_REQUEST);
    long page;
    char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/browse?page=0", NULL };
    req.envp = env;
    ck_assert_int_eq(http_parse_head(&req), LYRE_OK);
    ck_assert_int_eq(app_page_param(&req, &page), LYRE_ERR_BAD_REQUEST);
}
END_TEST

Suite *suite_http(void)
{
    Suite *s = suite_create("http");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, parses_get);
    tcase_add_test(tc, decodes_path);
    tcase_add_test(tc, rejects_bad_bytes);
    tcase_add_test(tc, enforces_limits);
    tcase_add_test(tc, parses_form_body);
    tcase_add_test(tc, serialises_response);
    tcase_add_test(tc, head_has_no_body_and_redirects_work);
    tcase_add_test(tc, routes_match);
    tcase_add_test(tc, route_ids);
    suite_add_tcase(s, tc);
    return s;
}

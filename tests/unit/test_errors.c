/* test_errors.c — lib/errors: the table is complete and says the right things. */
#include <string.h>

#include "errors.h"
#include "suites.h"

START_TEST(test_table_complete)
{
    for (int id = 0; id < LYRE_ERR__COUNT; id++) {
        const lyre_error_info *e = lyre_error((lyre_err)id);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(e->id, id);
        ck_assert_int_ge(e->status, 200);
        ck_assert_ptr_nonnull(e->reason);
        ck_assert_ptr_nonnull(e->title);
        ck_assert_ptr_nonnull(e->message);
        ck_assert_str_eq(e->reason, http_reason(e->status));
        if (id != LYRE_OK) {
            ck_assert_int_ge(e->status, 400);
            ck_assert_uint_gt(strlen(e->title), 0);
            ck_assert_uint_gt(strlen(e->message), 0);
            /* A message is a sentence; no markup (templates escape it anyway). */
            ck_assert_ptr_null(strpbrk(e->message, "<>&"));
        }
    }
}
END_TEST

START_TEST(test_statuses)
{
    static const struct { lyre_err id; int status; } want[] = {
        { LYRE_OK, 200 },
        { LYRE_ERR_BAD_REQUEST, 400 }, { LYRE_ERR_FORBIDDEN, 403 },
        { LYRE_ERR_NOT_FOUND, 404 }, { LYRE_ERR_METHOD, 405 },
        { LYRE_ERR_BODY_TOO_LARGE, 413 }, { LYRE_ERR_URI_TOO_LONG, 414 },
        { LYRE_ERR_UNSUPPORTED_MEDIA, 415 }, { LYRE_ERR_HEADERS_TOO_LARGE, 431 },
        { LYRE_ERR_INTERNAL, 500 }, { LYRE_ERR_DB_DOWN, 503 },
        { LYRE_ERR_UNAUTHORIZED, 401 }, { LYRE_ERR_CSRF, 403 },
        { LYRE_ERR_CONFLICT, 409 }, { LYRE_ERR_TOO_MANY, 429 },
    };
    ck_assert_int_eq(sizeof want / sizeof want[0], LYRE_ERR__COUNT);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_int_eq(lyre_error(want[i].id)->status, want[i].status);
}
END_TEST

START_TEST(test_titles)
{
    ck_assert_str_eq(lyre_error(LYRE_ERR_NOT_FOUND)->title, "Not found");
    ck_assert_str_eq(lyre_error(LYRE_ERR_NOT_FOUND)->message, "There is nothing at this address.");
    ck_assert_str_eq(lyre_error(LYRE_ERR_DB_DOWN)->title, "Temporarily unavailable");
    ck_assert_str_eq(lyre_error(LYRE_ERR_DB_DOWN)->message,
                     "Lyre cannot reach its database right now. Please try again in a moment.");
    ck_assert_str_eq(lyre_error(LYRE_ERR_URI_TOO_LONG)->title, "Address too long");
    ck_assert_str_eq(lyre_error(LYRE_ERR_HEADERS_TOO_LARGE)->title, "Request headers too large");
    ck_assert_str_eq(lyre_error(LYRE_ERR_BODY_TOO_LARGE)->title, "Request too large");
    ck_assert_str_eq(lyre_error(LYRE_ERR_BAD_REQUEST)->title, "Bad request");
    ck_assert_str_eq(lyre_error(LYRE_ERR_INTERNAL)->title, "Something went wrong");
}
END_TEST

START_TEST(test_out_of_range)
{
    ck_assert_int_eq(lyre_error(LYRE_ERR__COUNT)->status, 500);
    ck_assert_int_eq(lyre_error((lyre_err)-1)->status, 500);
    ck_assert_int_eq(lyre_error((lyre_err)1000)->status, 500);
}
END_TEST

START_TEST(test_http_reason)
{
    static const struct { int status; const char *reason; } want[] = {
        { 200, "OK" }, { 201, "Created" }, { 204, "No Content" }, { 206, "Partial Content" },
        { 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
        { 304, "Not Modified" }, { 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
        { 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
        { 404, "Not Found" }, { 405, "Method Not Allowed" }, { 409, "Conflict" },
        { 410, "Gone" }, { 413, "Content Too Large" }, { 414, "URI Too Long" },
        { 415, "Unsupported Media Type" }, { 416, "Range Not Satisfiable" },
        { 429, "Too Many Requests" }, { 431, "Request Header Fields Too Large" },
        { 500, "Internal Server Error" }, { 503, "Service Unavailable" },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_str_eq(http_reason(want[i].status), want[i].reason);
    ck_assert_str_eq(http_reason(0), "Unknown");
    ck_assert_str_eq(http_reason(-1), "Unknown");
    ck_assert_str_eq(http_reason(299), "Unknown");
    ck_assert_str_eq(http_reason(999), "Unknown");
}
END_TEST

Suite *suite_errors(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("errors");
    tcase_add_test(tc, test_table_complete);
    tcase_add_test(tc, test_statuses);
    tcase_add_test(tc, test_titles);
    tcase_add_test(tc, test_out_of_range);
    tcase_add_test(tc, test_http_reason);
    suite_add_tcase(s, tc);
    return s;
}

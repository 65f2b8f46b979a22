/* test_multipart.c — unit tests of lib/multipart: boundaries, parts, and the
 * malformed bodies it must refuse without reading past the body. */
#include <stdlib.h>
#include <string.h>

#include "multipart.h"
#include "str.h"
#include "suites.h"

/* A heap copy of exactly len bytes, so ASan catches any read past the body. */
static char *exact(const char *s, size_t len)
{
    char *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    memcpy(p, s, len);
    return p;
}

static int parse(arena *a, const char *body, size_t len, const char *boundary, multipart_form *f)
{
    char *copy = exact(body, len);
    int rc = multipart_parse(a, copy, len, boundary, f);
    if (rc == 0) {
        /* keep the parts valid for the caller: point them into body instead */
        for (size_t i = 0; i < f->nparts; i++)
            f->parts[i].data = body + (f->parts[i].data - copy);
    }
    free(copy);
    return rc;
}

#define BODY(s) s, sizeof(s) - 1

START_TEST(boundaries)
{
    arena a;
    arena_init(&a, 0);
    ck_assert_str_eq(multipart_boundary(&a, "multipart/form-data; boundary=abc123"), "abc123");
    ck_assert_str_eq(multipart_boundary(&a, "Multipart/Form-Data;boundary=\"a b:c\""), "a b:c");
    ck_assert_str_eq(multipart_boundary(&a, "multipart/form-data; charset=utf-8; BOUNDARY=x-y"), "x-y");
    ck_assert_str_eq(multipart_boundary(&a, "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"),
                     "----WebKitFormBoundary7MA4YWxkTrZu0gW");
    ck_assert_ptr_null(multipart_boundary(&a, NULL));
    ck_assert_ptr_null(multipart_boundary(&a, "application/x-www-form-urlencoded"));
    ck_assert_ptr_null(multipart_boundary(&a, "multipart/form-data"));
    ck_assert_ptr_null(multipart_boundary(&a, "multipart/form-data; boundary="));
    ck_assert_ptr_null(multipart_boundary(&a, "multipart/form-data; boundary=\"\""));
    ck_assert_ptr_null(multipart_boundary(&a, "multipart/form-data; boundary=\"abc"));
    ck_assert_ptr_null(multipart_boundary(&a, "multipart/form-data; boundary=\"ab\x01\""));
    ck_assert_ptr_null(multipart_boundary(&a, "multipart/form-data; boundary=\"trailing \""));
    ck_assert_ptr_null(multipart_boundary(&a, "multipart/mixed; boundary=abc"));
    char longb[128] = "multipart/form-data; boundary=";
    size_t n = strlen(longb);
    memset(longb + n, 'x', 71);
    longb[n + 71] = '\0';
    ck_assert_ptr_null(multipart_boundary(&a, longb));
    longb[n + 70] = '\0';
    ck_assert_ptr_nonnull(multipart_boundary(&a, longb));
    arena_free(&a);
}
END_TEST

START_TEST(normal)
{
    arena a;
    arena_init(&a, 0);
    multipart_form f;
    static const char body[] =
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"csrf\"\r\n"
        "\r\n"
        "abcd\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"my list.m3u\"\r\n"
        "Content-Type: audio/x-mpegurl\r\n"
        "\r\n"
        "#EXTM3U\r\nsong.mp3\r\n"
        "\r\n"
        "--XyZ\r\n"
        "content-disposition: form-data; name=empty\r\n"
        "\r\n"
        "\r\n"
        "--XyZ--\r\n";
    ck_assert_int_eq(parse(&a, BODY(body), "XyZ", &f), 0);
    ck_assert_uint_eq(f.nparts, 3);
    ck_assert_str_eq(f.parts[0].name, "csrf");
    ck_assert_ptr_null(f.parts[0].filename);
    ck_assert_ptr_null(f.parts[0].content_type);
    ck_assert_str_eq(multipart_field(&a, &f, "csrf"), "abcd");
    const multipart_part *p = multipart_get(&f, "file");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->filename, "my list.m3u");
    ck_assert_str_eq(p->content_type, "audio/x-mpegurl");
    ck_assert_uint_eq(p->len, strlen("#EXTM3U\r\nsong.mp3\r\n"));
    ck_assert(memcmp(p->data, "#EXTM3U\r\nsong.mp3\r\n", p->len) == 0);
    ck_assert_str_eq(multipart_field(&a, &f, "empty"), "");
    ck_assert_ptr_null(multipart_get(&f, "nope"));
    lyre_params params;
    ck_assert_int_eq(multipart_fields(&a, &f, &params), 0);
    ck_assert_uint_eq(params.count, 2);                   /* not the file */
    ck_assert_str_eq(params_get(&params, "csrf"), "abcd");
    ck_assert_str_eq(params_get(&params, "empty"), "");
    ck_assert_ptr_null(params_get(&params, "file"));
    ck_assert_int_eq(parse(&a, BODY("--b\r\nContent-Disposition: form-data; name=x\r\n\r\n\xff\r\n--b--"), "b", &f), 0);
    ck_assert_int_eq(multipart_fields(&a, &f, &params), -1);
    arena_free(&a);
}
END_TEST

START_TEST(quoted_boundary_preamble_epilogue)
{
    arena a;
    arena_init(&a, 0);
    multipart_form f;
    const char *b = multipart_boundary(&a, "multipart/form-data; boundary=\"b:o (u)nd\"");
    ck_assert_str_eq(b, "b:o (u)nd");
    static const char body[] =
        "This is a preamble.\r\n"
        "--b:o (u)nd  \t\r\n"                    /* transport padding */
        "Content-Disposition: form-data; name=\"a\"; filename=\"q\\\"uote.xspf\"\r\n"
        "\r\n"
        "1\r\n"
        "--b:o (u)nd--"
        "an epilogue, ignored";
    ck_assert_int_eq(parse(&a, BODY(body), b, &f), 0);
    ck_assert_uint_eq(f.nparts, 1);
    ck_assert_str_eq(f.parts[0].filename, "q\"uote.xspf");
    ck_assert_uint_eq(f.parts[0].len, 1);
    /* no parts at all */
    ck_assert_int_eq(parse(&a, BODY("--xx--\r\n"), "xx", &f), 0);
    ck_assert_uint_eq(f.nparts, 0);
    arena_free(&a);
}
END_TEST

START_TEST(crlf_edges)
{
    arena a;
    arena_init(&a, 0);
    multipart_form f;
    /* data that looks like a delimiter but is not one */
    static const char tricky[] =
        "--bb\r\n"
        "Content-Disposition: form-data; name=\"f\"\r\n"
        "\r\n"
        "x\r\n--b\r\n-bb\r\n\r\n"
        "--bb--";
    ck_assert_int_eq(parse(&a, BODY(tricky), "bb", &f), 0);
    ck_assert_uint_eq(f.parts[0].len, strlen("x\r\n--b\r\n-bb\r\n"));
    /* bare LF line ends are refused */
    ck_assert_int_eq(parse(&a, BODY("--bb\nContent-Disposition: form-data; name=f\n\nx\n--bb--"), "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: form-data; name=f\n\r\nx\r\n--bb--"), "bb", &f), -1);
    /* an empty body, data ending right at the end, CR without LF after the boundary */
    ck_assert_int_eq(parse(&a, "", 0, "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("--bb\r"), "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("--bb\rX"), "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("--bbx\r\n"), "bb", &f), -1);
    /* folded headers are refused */
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: form-data;\r\n name=f\r\n\r\nx\r\n--bb--"), "bb", &f), -1);
    /* an empty part value directly followed by the delimiter */
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: form-data; name=f\r\n\r\n\r\n--bb--"), "bb", &f), 0);
    ck_assert_uint_eq(f.parts[0].len, 0);
    arena_free(&a);
}
END_TEST

START_TEST(missing_close_and_truncated)
{
    arena a;
    arena_init(&a, 0);
    multipart_form f;
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: form-data; name=f\r\n\r\nx\r\n"), "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: form-data; name=f\r\n\r\nx\r\n--bb"), "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: form-data; name=f\r\n\r\nx\r\n--bb\r\n"), "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: form-data; name=f\r\n"), "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: form-da"), "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: form-data; name=\"f"), "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("no boundary at all"), "bb", &f), -1);
    /* a part without a name, or not form-data */
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Type: text/plain\r\n\r\nx\r\n--bb--"), "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: attachment; name=f\r\n\r\nx\r\n--bb--"), "bb", &f), -1);
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: form-data; name\r\n\r\nx\r\n--bb--"), "bb", &f), -1);
    arena_free(&a);
}
END_TEST

START_TEST(binary_data)
{
    arena a;
    arena_init(&a, 0);
    multipart_form f;
    static const char body[] =
        "--bb\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
        "Content-Type: application/octet-stream\r\n"
        "\r\n"
        "\0\x01\xff\r\0\n--\0bb\r\n"
        "\r\n--bb--\r\n";
    ck_assert_int_eq(parse(&a, BODY(body), "bb", &f), 0);
    ck_assert_uint_eq(f.parts[0].len, 13);
    ck_assert(memcmp(f.parts[0].data, "\0\x01\xff\r\0\n--\0bb\r\n", 13) == 0);
    ck_assert_ptr_null(multipart_field(&a, &f, "file"));   /* holds NUL */
    /* NUL in a header line is refused */
    ck_assert_int_eq(parse(&a, BODY("--bb\r\nContent-Disposition: form-data; name=\"f\0g\"\r\n\r\nx\r\n--bb--"), "bb", &f), -1);
    arena_free(&a);
}
END_TEST

START_TEST(limits)
{
    arena a;
    arena_init(&a, 0);
    multipart_form f;
    strbuf sb;
    sb_init(&sb);
    /* a header line of 1024 bytes passes, 1025 does not */
    for (int extra = 0; extra <= 1; extra++) {
        sb_reset(&sb);
        sb_adds(&sb, "--bb\r\nContent-Disposition: form-data; name=f\r\nX-Pad: ");
        size_t line = strlen("X-Pad: ");
        for (size_t i = line; i < (size_t)MULTIPART_MAX_HEADER_LINE + (size_t)extra; i++)
            sb_addc(&sb, 'p');
        sb_adds(&sb, "\r\n\r\nx\r\n--bb--");
        ck_assert_int_eq(parse(&a, sb.buf, sb.len, "bb", &f), extra ? -1 : 0);
    }
    /* an endless header line without CRLF */
    sb_reset(&sb);
    sb_adds(&sb, "--bb\r\nContent-Disposition: form-data; name=f; x=\"");
    for (int i = 0; i < 100000; i++)
        sb_addc(&sb, 'h');
    ck_assert_int_eq(parse(&a, sb.buf, sb.len, "bb", &f), -1);
    /* too many header lines */
    sb_reset(&sb);
    sb_adds(&sb, "--bb\r\nContent-Disposition: form-data; name=f\r\n");
    for (int i = 0; i < MULTIPART_MAX_HEADERS; i++)
        sb_adds(&sb, "X-A: b\r\n");
    sb_adds(&sb, "\r\nx\r\n--bb--");
    ck_assert_int_eq(parse(&a, sb.buf, sb.len, "bb", &f), -1);
    /* 32 parts pass, 33 do not */
    for (int n = MULTIPART_MAX_PARTS; n <= MULTIPART_MAX_PARTS + 1; n++) {
        sb_reset(&sb);
        for (int i = 0; i < n; i++)
            sb_addf(&sb, "--bb\r\nContent-Disposition: form-data; name=\"p%d\"\r\n\r\nv%d\r\n", i, i);
        sb_adds(&sb, "--bb--\r\n");
        ck_assert_int_eq(parse(&a, sb.buf, sb.len, "bb", &f), n == MULTIPART_MAX_PARTS ? 0 : -1);
    }
    sb_free(&sb);
    arena_free(&a);
}
END_TEST

Suite *suite_multipart(void)
{
    Suite *s = suite_create("multipart");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, boundaries);
    tcase_add_test(tc, normal);
    tcase_add_test(tc, quoted_boundary_preamble_epilogue);
    tcase_add_test(tc, crlf_edges);
    tcase_add_test(tc, missing_close_and_truncated);
    tcase_add_test(tc, binary_data);
    tcase_add_test(tc, limits);
    suite_add_tcase(s, tc);
    return s;
}

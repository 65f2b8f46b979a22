/* test_view.c — unit tests of lib/view: escaping by construction, cached
 * stylesheets, HTML output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "view.h"

static char dir[] = "/tmp/lyre-view-XXXXXX";

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    memcpy(dir, "/tmp/lyre-view-XXXXXX", sizeof dir);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_file("layout.xsl",
        "<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
        "<xsl:output method='html' encoding='UTF-8'/>"
        "<xsl:template match='/'><html lang='en'><head><title><xsl:value-of select='page/meta/title'/>"
        "</title></head><body><main><xsl:apply-templates select='page/content' mode='content'/></main>"
        "</body></html></xsl:template>"
        "<xsl:template match='content' mode='content'>"
        "<xsl:message terminate='yes'>no page</xsl:message></xsl:template></xsl:stylesheet>");
    write_file("site.xsl",
        "<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
        "<xsl:import href='layout.xsl'/>"
        "<xsl:template match=\"page[@template='item']/content\" mode='content'><p title='{item/@note}'>"
        "<xsl:value-of select='item'/></p></xsl:template></xsl:stylesheet>");
    ck_assert_int_eq(view_init(dir), 0);
}

static void teardown(void)
{
    view_shutdown();
    char path[256];
    snprintf(path, sizeof path, "%s/layout.xsl", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/site.xsl", dir);
    unlink(path);
    rmdir(dir);
}

START_TEST(text_is_escaped)
{
    lyre_view *v = view_new("item", "A & B");
    xmlNodePtr item = view_text(view_content(v), "item", "<script>alert(1)</script> &amp; \"q\"");
    view_attr(item, "note", "\"><img src=x onerror=alert(1)>");
    strbuf out = STRBUF_INIT;
    ck_assert_int_eq(view_render(v, &out), 0);
    ck_assert(str_starts_with(out.buf, "<!DOCTYPE html>\n"));
    ck_assert_ptr_null(strstr(out.buf, "<script>"));
    ck_assert_ptr_null(strstr(out.buf, "<img"));
    ck_assert_ptr_nonnull(strstr(out.buf, "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;"));
    ck_assert_ptr_nonnull(strstr(out.buf, "<title>A &amp; B</title>"));
    /* libxml2 quotes with ' when the value holds ", else with ". */
    ck_assert_ptr_nonnull(strstr(out.buf, "title='\"&gt;&lt;img src=x onerror=alert(1)&gt;'"));
    sb_free(&out);
    view_free(v);

    v = view_new("item", NULL);
    item = view_text(view_content(v), "item", "x");
    view_attr(item, "note", "a\"b'c");
    ck_assert_int_eq(view_render(v, &out), 0);
    ck_assert_ptr_nonnull(strstr(out.buf, "title=\"a&quot;b'c\""));
    sb_free(&out);
    view_free(v);
}
END_TEST

START_TEST(bad_bytes_become_replacement_characters)
{
    lyre_view *v = view_new("item", NULL);
    view_text(view_content(v), "item", "a\xFF" "b\x01" "c\xC3\xAB");
    strbuf out = STRBUF_INIT;
    ck_assert_int_eq(view_dump_xml(v, &out), 0);
    ck_assert_ptr_nonnull(strstr(out.buf, "<item>a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xC3\xAB</item>"));
    sb_reset(&out);
    ck_assert_int_eq(view_render(v, &out), 0);
    sb_free(&out);
    view_free(v);
}
END_TEST

START_TEST(numbers_and_unknown_templates)
{
    lyre_view *v = view_new("nope", NULL);
    view_int(view_content(v), "item", -42);
    strbuf out = STRBUF_INIT;
    ck_assert_int_eq(view_render(v, &out), -1);
    ck_assert_int_eq(view_dump_xml(v, &out), 0);
    ck_assert_ptr_nonnull(strstr(out.buf, "<item>-42</item>"));
    sb_free(&out);
    view_free(v);
}
END_TEST

START_TEST(project_templates_compile)
{
    ck_assert_int_eq(view_init(LYRE_TEST_SRCDIR "/templates"), 0);
    lyre_view *v = view_new("error", "Not found");
    xmlNodePtr e = view_elem(view_content(v), "error");
    view_attr_int(e, "status", 404);
    view_text(e, "title", "Not found");
    view_text(e, "message", "<b>nothing</b>");
    strbuf out = STRBUF_INIT;
    ck_assert_int_eq(view_render(v, &out), 0);
    ck_assert_ptr_nonnull(strstr(out.buf, "&lt;b&gt;nothing&lt;/b&gt;"));
    sb_free(&out);
    view_free(v);
}
END_TEST

Suite *suite_view(void)
{
    Suite *s = suite_create("view");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, text_is_escaped);
    tcase_add_test(tc, bad_bytes_become_replacement_characters);
    tcase_add_test(tc, numbers_and_unknown_templates);
    tcase_add_test(tc, project_templates_compile);
    suite_add_tcase(s, tc);
    return s;
}

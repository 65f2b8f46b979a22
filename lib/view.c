/* view.c — page documents (libxml2) rendered by cached XSLT stylesheets. */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "log.h"
#include "url.h"

static xsltStylesheetPtr site;
static xsltSecurityPrefsPtr security;

struct lyre_view {
    xmlDocPtr doc;
    xmlNodePtr root, meta, content;
    char *template_name;
};

int view_init(const char *dir)
{
    xmlInitParser();
    if (!security) {
        /* Stylesheets are ours, but a template must never write files or
         * reach the network, whatever it is given. */
        security = xsltNewSecurityPrefs();
        if (!security)
            return -1;
        xsltSetSecurityPrefs(security, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
        xsltSetSecurityPrefs(security, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid);
        xsltSetSecurityPrefs(security, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
        xsltSetSecurityPrefs(security, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
        xsltSetDefaultSecurityPrefs(security);
    }
    view_shutdown();
    strbuf path = STRBUF_INIT;
    sb_addf(&path, "%s/site.xsl", dir);
    site = xsltParseStylesheetFile((const xmlChar *)path.buf);
    if (!site)
        log_error("cannot compile stylesheet %s", path.buf);
    sb_free(&path);
    return site ? 0 : -1;
}

void view_shutdown(void)
{
    if (site)
        xsltFreeStylesheet(site);
    site = NULL;
}

lyre_view *view_new(const char *template_name, const char *title)
{
    lyre_view *v = calloc(1, sizeof *v);
    if (!v)
        abort();
    v->template_name = strdup(template_name);
    v->doc = xmlNewDoc((const xmlChar *)"1.0");
    if (!v->template_name || !v->doc)
        abort();
    v->root = xmlNewDocNode(v->doc, NULL, (const xmlChar *)"page", NULL);
    xmlDocSetRootElement(v->doc, v->root);
    view_attr(v->root, "template", template_name);
    v->meta = view_elem(v->root, "meta");
    if (title)
        view_text(v->meta, "title", title);
    v->content = view_elem(v->root, "content");
    return v;
}

xmlNodePtr view_content(lyre_view *v)
{
    return v->content;
}

xmlNodePtr view_meta(lyre_view *v)
{
    return v->meta;
}

void view_free(lyre_view *v)
{
    if (!v)
        return;
    xmlFreeDoc(v->doc);
    free(v->template_name);
    free(v);
}

/* Copy text, replacing invalid UTF-8 and C0 controls (other than TAB, LF,
 * CR) with U+FFFD: they are not allowed in XML and never meant as text. */
static xmlChar *clean_text(const char *s, size_t len)
{
    strbuf out = STRBUF_INIT;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                sb_adds(&out, "\xEF\xBF\xBD");
            else
                sb_addc(&out, (char)c);
            i++;
            continue;
        }
        size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (i + n <= len && utf8_valid(s + i, n)) {
            sb_add(&out, s + i, n);
            i += n;
        } else {
            sb_adds(&out, "\xEF\xBF\xBD");
            i++;
        }
    }
    xmlChar *x = xmlStrndup((const xmlChar *)out.buf, (int)out.len);
    sb_free(&out);
    if (!x)
        abort();
    return x;
}

xmlNodePtr view_textn(xmlNodePtr parent, const char *name, const char *text, size_t len)
{
    if (!text)
        return xmlNewTextChild(parent, NULL, (const xmlChar *)name, NULL);
    xmlChar *clean = clean_text(text, len);
    xmlNodePtr n = xmlNewTextChild(parent, NULL, (const xmlChar *)name, clean);
    xmlFree(clean);
    if (!n)
        abort();
    return n;
}

xmlNodePtr view_text(xmlNodePtr parent, const char *name, const char *text)
{
    return view_textn(parent, name, text, text ? strlen(text) : 0);
}

xmlNodePtr view_int(xmlNodePtr parent, const char *name, long long value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", value);
    return view_text(parent, name, buf);
}

xmlNodePtr view_elem(xmlNodePtr parent, const char *name)
{
    xmlNodePtr n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
    if (!n)
        abort();
    return n;
}

void view_attr(xmlNodePtr node, const char *name, const char *value)
{
    xmlChar *clean = clean_text(value ? value : "", value ? strlen(value) : 0);
    xmlSetProp(node, (const xmlChar *)name, clean);
    xmlFree(clean);
}

void view_attr_int(xmlNodePtr node, const char *name, long long value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", value);
    view_attr(node, name, buf);
}

static int render(lyre_view *v, strbuf *out, int doctype)
{
    xsltStylesheetPtr sheet = site;
    if (!sheet) {
        log_error("no compiled stylesheet (view_init was not called)");
        return -1;
    }
    int rc = -1;
    xmlChar *html = NULL;
    int len = 0;
    xmlDocPtr result = xsltApplyStylesheet(sheet, v->doc, NULL);
    if (!result) {
        log_error("the stylesheet failed on page %s", v->template_name);
        goto cleanup;
    }
    if (xsltSaveResultToString(&html, &len, result, sheet) != 0) {
        log_error("cannot serialise the result of %s", v->template_name);
        goto cleanup;
    }
    if (doctype)
        sb_adds(out, "<!DOCTYPE html>\n");
    if (html && len > 0)
        sb_add(out, html, (size_t)len);
    rc = 0;
cleanup:
    xmlFree(html);
    xmlFreeDoc(result);
    return rc;
}

int view_render(lyre_view *v, strbuf *out)
{
    return render(v, out, 1);
}

int view_render_fragment(lyre_view *v, strbuf *out)
{
    return render(v, out, 0);
}

int view_dump_xml(lyre_view *v, strbuf *out)
{
    xmlChar *mem = NULL;
    int len = 0;
    xmlDocDumpFormatMemoryEnc(v->doc, &mem, &len, "UTF-8", 1);
    if (!mem)
        return -1;
    sb_add(out, mem, (size_t)len);
    xmlFree(mem);
    return 0;
}

/* view.h — pages as data: an XML document per page, rendered to HTML by an
 * XSLT stylesheet from templates/ (compiled once per process).
 *
 * Every page document looks like
 *   <page template="album" path="/album/7">
 *     <meta><site>Lyre</site><static>/static</static><title>…</title>
 *           <query>…</query><year>2026</year></meta>
 *     <content> …page data… </content>
 *   </page>
 * templates/site.xsl holds the whole site: layout.xsl (header, navigation,
 * player, footer) and every page stylesheet, each providing the template for
 * page[@template='NAME']/content.  One compiled sheet per process.
 *
 * Text only ever enters the tree through view_text/view_attr, which use
 * xmlNewTextChild/xmlSetProp (no entity parsing) and refuse invalid UTF-8;
 * escaping is the serialiser's job, so markup cannot be injected.
 */
#ifndef LYRE_VIEW_H
#define LYRE_VIEW_H

#include <libxml/tree.h>
#include "str.h"

typedef struct lyre_view lyre_view;

/* Compile dir/site.xsl.  0 or -1 (logged).  Called at start and on SIGHUP
 * (view_shutdown first). */
int view_init(const char *dir);
void view_shutdown(void);

/* A new page document; returns the <content> element to fill.
 * meta_title may be NULL. */
lyre_view *view_new(const char *template_name, const char *title);
xmlNodePtr view_content(lyre_view *v);
xmlNodePtr view_meta(lyre_view *v);
void view_free(lyre_view *v);

/* Append <name>text</name> (text NULL = empty element); invalid UTF-8 becomes U+FFFD. */
xmlNodePtr view_text(xmlNodePtr parent, const char *name, const char *text);
xmlNodePtr view_textn(xmlNodePtr parent, const char *name, const char *text, size_t len);
xmlNodePtr view_int(xmlNodePtr parent, const char *name, long long value);
xmlNodePtr view_elem(xmlNodePtr parent, const char *name);
void view_attr(xmlNodePtr node, const char *name, const char *value);
void view_attr_int(xmlNodePtr node, const char *name, long long value);

/* Render with the site stylesheet; appends "<!DOCTYPE html>\n" + HTML to out.
 * 0 or -1 (no page stylesheet for the template, transform failure: logged). */
int view_render(lyre_view *v, strbuf *out);
/* The same without the doctype: a piece of a page (the account area that
 * lib/app puts into pages kept in the page cache). */
int view_render_fragment(lyre_view *v, strbuf *out);
/* The page document serialised as XML (tests, debugging, API reuse). */
int view_dump_xml(lyre_view *v, strbuf *out);

#endif

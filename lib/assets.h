/* assets.h — URLs of htdocs assets and cover art, content-hashed and CDN-prefixed.
 *
 * The build (scripts/hash-assets.sh, Makefile.am all-local) copies htdocs css, js,
 * vendor and svg files to BUILD/htdocs-hashed under names carrying a hash of their
 * bytes and writes BUILD/htdocs-hashed/assets.map ("css/lyre.css css/lyre.3f9a2c1b07.css"
 * per line).  The web servers serve those names under /static/ as immutable.
 *
 * The map is read once per process, from the first of
 *   $LYRE_ASSETS_MAP (set but empty: no map),
 *   <directory of the program>/../htdocs-hashed/assets.map  (a build tree: BUILD/cgi/lyre-x),
 *   <parent of paths.templates>/htdocs-hashed/assets.map    (an install: pkgdatadir)
 * that exists.  Without a map, URLs use the plain names (served with a short max-age).
 *
 * Every URL starts with site.cdn_base_url ("" by default), unless site.static_url is
 * itself absolute (then it is the CDN for htdocs assets).
 */
#ifndef LYRE_ASSETS_H
#define LYRE_ASSETS_H

#include <libxml/tree.h>
#include "arena.h"
#include "config.h"

/* cdn_base_url + static_url + "/" + hashed name of NAME ("css/lyre.css"; a leading '/'
 * is ignored).  A name missing from the map keeps its plain form.  Never NULL. */
const char *asset_url(const lyre_config *cfg, arena *a, const char *name);

/* cdn_base_url + "/art/aa/SHA-SIZE.jpg" (aa: the first two hex digits of SHA), or
 * NULL when SHA is not 64 lowercase hex digits or SIZE is not positive. */
const char *art_url(const lyre_config *cfg, arena *a, const char *sha, int size);

/* Append <assets><asset name="css/lyre.css" url="..."/>…</assets> to a page's <meta>:
 * every file of the map (or, without one, the files templates/layout.xsl loads). */
void assets_add_meta(const lyre_config *cfg, arena *a, xmlNodePtr meta);

/* "scheme://host[:port]" of an absolute http(s) URL (what a CSP source needs: a source
 * with a path matches that path only), or NULL. */
const char *url_origin(arena *a, const char *url);

/* Path of the map in use, or NULL when none was found (loads it on first use). */
const char *assets_map_path(const lyre_config *cfg);

/* Forget the map (tests; the next call reads it again). */
void assets_reset(void);

#endif

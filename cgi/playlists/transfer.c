/* transfer.c — playlists in and out: import M3U/M3U8/XSPF files (matched to
 * the catalog line by line, with a report of what did not match) and export
 * M3U8/XSPF.
 *
 * An uploaded file is hostile until proven otherwise: binary files are
 * refused before any parsing, an XSPF document with a DTD is refused before
 * libxml2 sees it (no entity is ever expanded, nothing is ever loaded), and
 * the number of entries is bounded. */
#include "playlists.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlversion.h>

#include "auth.h"
#include "crypto.h"
#include "fuzzy.h"
#include "log.h"
#include "multipart.h"
#include "url.h"

#define IMPORT_MAX_ENTRIES 10000
#define IMPORT_MAX_UNMATCHED_SHOWN 500
#define NAME_MAX_CHARS 100
#define FUZZY_MAX 2
#define XSPF_NS "http://xspf.org/ns/0/"

enum rule { RULE_NONE = 0, RULE_LINK, RULE_PATH, RULE_MBID, RULE_FUZZY, RULE__COUNT };
static const char *const rule_names[RULE__COUNT] = { "none", "link", "path", "mbid", "fuzzy" };

typedef struct entry {
    long line;                /* line in the file (M3U) or track number (XSPF), from 1 */
    const char *location;     /* path or URL, NULL if none */
    const char *artist;
    const char *title;
    const char *mbid;         /* 36 chars, lower case */
    unsigned long long track_id;
    enum rule rule;
} entry;

typedef struct entry_list {
    entry *items;
    size_t n, cap;
    const char *title;        /* the playlist's own title, if the file has one */
} entry_list;

/* ---- access ---------------------------------------------------------- */

/* The same rule as the playlist page (playlist.c): the owner, a
 * collaborator, or anyone when public; everybody else gets 404, so the
 * existence of a private playlist is not revealed.  Row: id, name, owner
 * display name (or username). */
static lyre_err load_visible(lyre_req *req, db_result *pl, unsigned long long *id)
{
    lyre_err err = app_arg_id(req, 0, id);
    if (err != LYRE_OK)
        return err;
    unsigned long long uid = req->auth ? req->auth->user_id : 0;
    db_status st = db_query(req->db, req->a, pl,
        "SELECT p.id, p.name, IF(u.display_name = '', u.username, u.display_name) "
        "FROM playlists p JOIN users u ON u.id = p.owner_id WHERE p.id = ? AND (p.is_public = 1 "
        "OR p.owner_id = ? OR EXISTS (SELECT 1 FROM playlist_collaborators c "
        "WHERE c.playlist_id = p.id AND c.user_id = ?))", "uuu", *id, uid, uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (pl->nrows == 0) {
        req->error_detail = "No such playlist, or it is private.";
        return LYRE_ERR_NOT_FOUND;
    }
    return LYRE_OK;
}

/* Items in order: track id, title, duration ms, mbid, main artists. */
static db_status load_items(lyre_req *req, unsigned long long id, db_result *items)
{
    return db_query(req->db, req->a, items,
        "SELECT t.id, t.title, t.duration_ms, t.mbid, "
        "(SELECT GROUP_CONCAT(ar.name ORDER BY ta.position, ar.id SEPARATOR ', ') "
        " FROM track_artists ta JOIN artists ar ON ar.id = ta.artist_id "
        " WHERE ta.track_id = t.id AND ta.role = 'main') "
        "FROM playlist_items pi JOIN tracks t ON t.id = pi.track_id "
        "WHERE pi.playlist_id = ? ORDER BY pi.position", "u", id);
}

/* ---- export ---------------------------------------------------------- */

/* One line of an M3U file: CR, LF and other controls become spaces so a
 * title cannot start a line of its own. */
static void add_m3u_text(strbuf *sb, const char *s)
{
    for (; s && *s; s++)
        sb_addc(sb, (unsigned char)*s < 32 ? ' ' : *s);
}

static int set_attachment(lyre_req *req, const char *name, const char *ext)
{
    /* An ASCII file name for every client, the real one in filename*. */
    strbuf fn = STRBUF_INIT;
    for (const char *p = name; *p && fn.len < 60; p++) {
        unsigned char c = (unsigned char)*p;
        sb_addc(&fn, (isalnum(c) || c == '-' || c == '_' || c == '.') ? (char)c : '_');
    }
    if (fn.len == 0)
        sb_adds(&fn, "playlist");
    char *v = arena_printf(req->a, "attachment; filename=\"%s.%s\"; filename*=UTF-8''%s.%s", fn.buf, ext,
                           url_encode(req->a, name), ext);
    sb_free(&fn);
    return http_set_header(req, "Content-Disposition", v);
}

lyre_err page_playlist_export_m3u(lyre_req *req)
{
    db_result pl, items;
    unsigned long long id;
    lyre_err err = load_visible(req, &pl, &id);
    if (err != LYRE_OK)
        return err;
    db_status st = load_items(req, id, &items);
    if (st != DB_OK)
        return db_status_to_err(st);
    strbuf *out = &req->body_out;
    sb_adds(out, "#EXTM3U\n#PLAYLIST:");
    add_m3u_text(out, db_cell(&pl, 0, 1));
    sb_addc(out, '\n');
    /* Lines are the tracks' pages on this site, not file paths: paths would
     * reveal the server's disk layout and mean nothing on another machine,
     * while the URL works anywhere and imports back by id. */
    sb_adds(out, "# Each track is a link to its page on this site.\n");
    for (size_t i = 0; i < items.nrows; i++) {
        long long ms = db_cell_ll(&items, i, 2, 0);
        const char *artist = db_cell(&items, i, 4);
        sb_addf(out, "#EXTINF:%lld,", (ms + 500) / 1000);
        if (artist && *artist) {
            add_m3u_text(out, artist);
            sb_adds(out, " - ");
        }
        add_m3u_text(out, db_cell(&items, i, 1));
        sb_addf(out, "\n%s/track/%s\n", req->cfg->base_url, db_cell(&items, i, 0));
    }
    req->content_type = "audio/x-mpegurl; charset=utf-8";
    if (set_attachment(req, db_cell(&pl, 0, 1), "m3u8") != 0)
        return LYRE_ERR_INTERNAL;
    return LYRE_OK;
}

lyre_err page_playlist_export_xspf(lyre_req *req)
{
    db_result pl, items;
    unsigned long long id;
    lyre_err err = load_visible(req, &pl, &id);
    if (err != LYRE_OK)
        return err;
    db_status st = load_items(req, id, &items);
    if (st != DB_OK)
        return db_status_to_err(st);

    lyre_err ret = LYRE_ERR_INTERNAL;
    xmlChar *mem = NULL;
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    if (!doc)
        goto cleanup;
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "playlist");
    if (!root)
        goto cleanup;
    xmlDocSetRootElement(doc, root);
    xmlNsPtr ns = xmlNewNs(root, BAD_CAST XSPF_NS, NULL);
    xmlSetNs(root, ns);
    xmlSetProp(root, BAD_CAST "version", BAD_CAST "1");
    xmlNewTextChild(root, ns, BAD_CAST "title", BAD_CAST db_cell(&pl, 0, 1));
    xmlNewTextChild(root, ns, BAD_CAST "creator", BAD_CAST db_cell(&pl, 0, 2));
    xmlNewTextChild(root, ns, BAD_CAST "location",
                    BAD_CAST arena_printf(req->a, "%s/playlist/%llu", req->cfg->base_url, id));
    xmlNodePtr list = xmlNewTextChild(root, ns, BAD_CAST "trackList", NULL);
    for (size_t i = 0; list && i < items.nrows; i++) {
        xmlNodePtr t = xmlNewTextChild(list, ns, BAD_CAST "track", NULL);
        if (!t)
            goto cleanup;
        xmlNewTextChild(t, ns, BAD_CAST "location",
                        BAD_CAST arena_printf(req->a, "%s/track/%s", req->cfg->base_url, db_cell(&items, i, 0)));
        const char *mbid = db_cell(&items, i, 3);
        if (mbid && *mbid)
            xmlNewTextChild(t, ns, BAD_CAST "identifier",
                            BAD_CAST arena_printf(req->a, "https://musicbrainz.org/recording/%s", mbid));
        xmlNewTextChild(t, ns, BAD_CAST "title", BAD_CAST db_cell(&items, i, 1));
        const char *artist = db_cell(&items, i, 4);
        if (artist && *artist)
            xmlNewTextChild(t, ns, BAD_CAST "creator", BAD_CAST artist);
        xmlNewTextChild(t, ns, BAD_CAST "duration", BAD_CAST db_cell(&items, i, 2));
    }
    if (!list)
        goto cleanup;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
    if (!mem || size <= 0)
        goto cleanup;
    sb_add(&req->body_out, mem, (size_t)size);
    req->content_type = "application/xspf+xml; charset=utf-8";
    if (set_attachment(req, db_cell(&pl, 0, 1), "xspf") != 0)
        goto cleanup;
    ret = LYRE_OK;
cleanup:
    if (mem)
        xmlFree(mem);
    if (doc)
        xmlFreeDoc(doc);
    return ret;
}

/* ---- import: the page ------------------------------------------------ */

/* The import form, with an optional message (status set by the caller). */
static lyre_err render_form(lyre_req *req, const char *message, const char *name)
{
    lyre_view *v = view_new("import", "Import a playlist");
    xmlNodePtr f = view_elem(view_content(v), "import-form");
    view_attr_int(f, "max-bytes", req->cfg->max_body_bytes);
    view_attr_int(f, "max-entries", IMPORT_MAX_ENTRIES);
    if (name)
        view_text(f, "name", name);
    if (message)
        view_text(f, "error", message);
    return app_render(req, v);
}

static lyre_err refuse(lyre_req *req, int status, const char *message, const char *name)
{
    req->status = status;
    return render_form(req, message, name);
}

lyre_err page_playlist_import(lyre_req *req)
{
    return render_form(req, NULL, NULL);
}

/* ---- import: decoding ------------------------------------------------ */

static entry *new_entry(arena *a, entry_list *l, long line)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        entry *items = arena_calloc(a, cap, sizeof *items);
        if (l->n)
            memcpy(items, l->items, l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    entry *e = &l->items[l->n++];
    memset(e, 0, sizeof *e);
    e->line = line;
    return e;
}

/* Latin-1 to UTF-8 (every byte is a character). */
static char *latin1_to_utf8(arena *a, const char *s, size_t len, size_t *out_len)
{
    char *out = arena_alloc(a, len * 2 + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            out[n++] = (char)c;
        } else {
            out[n++] = (char)(0xC0 | (c >> 6));
            out[n++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}

static char *trim(arena *a, const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    return arena_strndup(a, s, len);
}

/* "Artist - Title" (or just a title) into e. */
static void split_artist_title(arena *a, entry *e, const char *s)
{
    const char *dash = strstr(s, " - ");
    if (dash) {
        e->artist = trim(a, s, (size_t)(dash - s));
        e->title = trim(a, dash + 3, strlen(dash + 3));
    } else {
        e->title = trim(a, s, strlen(s));
    }
}

/* M3U and extended M3U: #EXTINF:seconds,Artist - Title before a location. */
static int parse_m3u(arena *a, const char *text, entry_list *l)
{
    const char *p = text;
    long line = 0;
    const char *pending = NULL;   /* the text of an #EXTINF waiting for its location */
    while (*p) {
        line++;
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *s = trim(a, p, len);
        p = nl ? nl + 1 : p + len;
        if (*s == '\0')
            continue;
        if (strncasecmp(s, "#EXTINF:", 8) == 0) {
            const char *comma = strchr(s + 8, ',');
            pending = comma ? comma + 1 : "";
        } else if (strncasecmp(s, "#PLAYLIST:", 10) == 0) {
            if (!l->title)
                l->title = trim(a, s + 10, strlen(s + 10));
        } else if (*s != '#') {
            if (l->n == IMPORT_MAX_ENTRIES)
                return -1;
            entry *e = new_entry(a, l, line);
            e->location = s;
            if (pending && *pending)
                split_artist_title(a, e, pending);
            pending = NULL;
        }
    }
    return 0;
}

static int is_uuid(const char *s)
{
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!isxdigit((unsigned char)c)) {
            return 0;
        }
    }
    return s[36] == '\0' || s[36] == '/' || s[36] == '?' || s[36] == '#';
}

/* A MusicBrainz id from an <identifier>: a musicbrainz.org recording or
 * track URL, "urn:mbid:UUID" or a bare UUID. */
static const char *mbid_from_identifier(arena *a, const char *s)
{
    const char *u = NULL;
    const char *m = strstr(s, "musicbrainz.org/");
    if (m) {
        m += strlen("musicbrainz.org/");
        if (str_starts_with(m, "recording/"))
            u = m + 10;
        else if (str_starts_with(m, "track/"))
            u = m + 6;
    } else if (strncasecmp(s, "urn:mbid:", 9) == 0) {
        u = s + 9;
    } else {
        u = s;
    }
    if (!u || strlen(u) < 36 || !is_uuid(u))
        return NULL;
    char *out = arena_strndup(a, u, 36);
    for (char *c = out; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return out;
}

static xmlNodePtr xspf_child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && c->ns && xmlStrcmp(c->ns->href, BAD_CAST XSPF_NS) == 0 &&
            xmlStrcmp(c->name, BAD_CAST name) == 0)
            return c;
    return NULL;
}

static const char *node_text(arena *a, xmlNodePtr n)
{
    if (!n)
        return NULL;
    xmlChar *c = xmlNodeGetContent(n);
    if (!c)
        return NULL;
    char *s = trim(a, (const char *)c, strlen((const char *)c));
    xmlFree(c);
    return *s ? s : NULL;
}

/* XSPF: 0, -1 (not an XSPF document: message set) or -2 (too many entries). */
static int parse_xspf(arena *a, const char *text, size_t len, entry_list *l, const char **message)
{
    /* A DTD is the door to every entity attack (billion laughs, XXE): a
     * playlist never needs one, so any document declaring one is refused
     * before the parser runs. */
    static const char *const doors[] = { "<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity" };
    for (size_t i = 0; i < sizeof doors / sizeof doors[0]; i++) {
        size_t dl = strlen(doors[i]);
        for (const char *p = text; (p = memchr(p, '<', len - (size_t)(p - text))) != NULL; p++) {
            if ((size_t)(text + len - p) >= dl && memcmp(p, doors[i], dl) == 0) {
                *message = "The XSPF file declares a DTD or entities; playlists never need them, so it was refused.";
                return -1;
            }
        }
    }
    int ret = -1;
    /* No XML_PARSE_NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR, no
     * HUGE (libxml2's default limits on depth and node sizes stay on). */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
#if LIBXML_VERSION >= 21300
    opts |= XML_PARSE_NO_XXE;
#endif
    if (len > 0x7fffffff) {
        *message = "The file is too large.";
        return -1;
    }
    /* Forced UTF-8: a declared encoding (UTF-7...) cannot hide a DTD from the
     * scan above. */
    xmlDocPtr doc = xmlReadMemory(text, (int)len, "import.xspf", "UTF-8", opts);
    if (!doc) {
        *message = "The file is not well-formed XML.";
        goto cleanup;
    }
    if (doc->intSubset || doc->extSubset) {
        *message = "The XSPF file declares a DTD or entities; playlists never need them, so it was refused.";
        goto cleanup;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !root->ns || xmlStrcmp(root->ns->href, BAD_CAST XSPF_NS) != 0 ||
        xmlStrcmp(root->name, BAD_CAST "playlist") != 0) {
        *message = "The file is XML but not an XSPF playlist.";
        goto cleanup;
    }
    l->title = node_text(a, xspf_child(root, "title"));
    xmlNodePtr list = xspf_child(root, "trackList");
    long n = 0;
    for (xmlNodePtr t = list ? list->children : NULL; t; t = t->next) {
        if (t->type != XML_ELEMENT_NODE || xmlStrcmp(t->name, BAD_CAST "track") != 0)
            continue;
        if (l->n == IMPORT_MAX_ENTRIES) {
            ret = -2;
            goto cleanup;
        }
        entry *e = new_entry(a, l, ++n);
        e->location = node_text(a, xspf_child(t, "location"));
        e->title = node_text(a, xspf_child(t, "title"));
        e->artist = node_text(a, xspf_child(t, "creator"));
        for (xmlNodePtr c = t->children; c && !e->mbid; c = c->next) {
            if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST "identifier") == 0) {
                const char *id = node_text(a, c);
                if (id)
                    e->mbid = mbid_from_identifier(a, id);
            }
        }
    }
    ret = 0;
cleanup:
    if (doc)
        xmlFreeDoc(doc);
    return ret;
}

/* ---- import: matching ------------------------------------------------ */

/* Rule "link": a track URL of this very site (what the exports write). */
static db_status match_link(lyre_req *req, entry *e)
{
    if (!e->location)
        return DB_OK;
    const char *p = e->location;
    size_t bl = strlen(req->cfg->base_url);
    if (strncmp(p, req->cfg->base_url, bl) == 0)
        p += bl;
    else if (*p != '/')
        return DB_OK;
    if (!str_starts_with(p, "/track/"))
        return DB_OK;
    unsigned long long id;
    if (str_to_id(p + 7, 0xFFFFFFFFULL, &id) != 0)
        return DB_OK;
    db_result r;
    db_status st = db_query(req->db, req->a, &r, "SELECT id FROM tracks WHERE id = ?", "u", id);
    if (st == DB_OK && r.nrows == 1) {
        e->track_id = id;
        e->rule = RULE_LINK;
    }
    return st;
}

/* "%" and "_" are LIKE wildcards; the file names may hold them. */
static char *like_escape(arena *a, const char *s)
{
    char *out = arena_alloc(a, strlen(s) * 2 + 1);
    char *o = out;
    for (; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            *o++ = '\\';
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

/* Rule "path": a source whose path ends with the entry's path, else with
 * its file name when only one source has that name. */
static db_status match_path(lyre_req *req, entry *e)
{
    if (!e->location || strstr(e->location, "://")) {
        if (!e->location || !str_starts_with(e->location, "file://"))
            return DB_OK;
    }
    const char *loc = e->location;
    if (str_starts_with(loc, "file://")) {
        loc += 7;
        if (*loc != '/')                       /* file://host/path */
            loc = strchr(loc, '/');
        if (!loc)
            return DB_OK;
        loc = url_decode(req->a, loc, strlen(loc), 0, NULL);
        if (!loc)
            return DB_OK;
    }
    char *path = arena_strdup(req->a, loc);
    for (char *c = path; *c; c++)
        if (*c == '\\')
            *c = '/';                          /* Windows players */
    while (str_starts_with(path, "./"))
        path += 2;
    while (str_starts_with(path, "../"))
        path += 3;
    if (*path == '\0')
        return DB_OK;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (*base == '\0')
        return DB_OK;

    db_result r;
    /* The exact path first (indexed by its hash), then the suffix. */
    db_status st = db_query(req->db, req->a, &r,
        "SELECT track_id FROM media_sources WHERE path_sha256 = SHA2(?, 256) AND track_id IS NOT NULL",
        "s", path);
    if (st == DB_OK && r.nrows == 0) {
        const char *suffix = *path == '/' ? path : arena_printf(req->a, "/%s", path);
        st = db_query(req->db, req->a, &r,
            "SELECT DISTINCT track_id FROM media_sources WHERE track_id IS NOT NULL "
            "AND path LIKE CONCAT('%', ?) LIMIT 2", "s", like_escape(req->a, suffix));
    }
    if (st == DB_OK && r.nrows != 1 && base != path)
        st = db_query(req->db, req->a, &r,
            "SELECT DISTINCT track_id FROM media_sources WHERE track_id IS NOT NULL "
            "AND path LIKE CONCAT('%/', ?) LIMIT 2", "s", like_escape(req->a, base));
    if (st == DB_OK && r.nrows == 1) {
        e->track_id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
        e->rule = RULE_PATH;
    }
    return st;
}

static db_status match_mbid(lyre_req *req, entry *e)
{
    if (!e->mbid)
        return DB_OK;
    db_result r;
    db_status st = db_query(req->db, req->a, &r, "SELECT id FROM tracks WHERE mbid = ? ORDER BY id LIMIT 1",
                            "s", e->mbid);
    if (st == DB_OK && r.nrows == 1) {
        e->track_id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
        e->rule = RULE_MBID;
    }
    return st;
}

/* Equal folded strings are distance 0 whatever fuzzy_distance says. */
static int distance(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 0;
    return fuzzy_distance(a, b, FUZZY_MAX);
}

/* Rule "fuzzy": candidates by FULLTEXT on the title, accepted when both the
 * title and an artist are within FUZZY_MAX edits (folded); the closest wins. */
static db_status match_fuzzy(lyre_req *req, entry *e)
{
    if (!e->title || !e->artist)
        return DB_OK;
    const char *ft = fuzzy_fold(req->a, e->title);
    const char *fa = fuzzy_fold(req->a, e->artist);
    if (!*ft || !*fa)
        return DB_OK;
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT t.id, t.title, "
        "(SELECT GROUP_CONCAT(ar.name ORDER BY ta.position SEPARATOR '\\n') FROM track_artists ta "
        " JOIN artists ar ON ar.id = ta.artist_id WHERE ta.track_id = t.id) "
        "FROM tracks t WHERE MATCH(t.title) AGAINST (? IN NATURAL LANGUAGE MODE) LIMIT 50",
        "s", e->title);
    if (st != DB_OK)
        return st;
    int best = 2 * FUZZY_MAX + 1;
    for (size_t i = 0; i < r.nrows; i++) {
        int dt = distance(ft, fuzzy_fold(req->a, db_cell(&r, i, 1)));
        if (dt > FUZZY_MAX)
            continue;
        const char *artists = db_cell(&r, i, 2);
        char *all = arena_strdup(req->a, artists ? artists : "");
        int da = FUZZY_MAX + 1;
        for (char *save = NULL, *name = strtok_r(all, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
            int d = distance(fa, fuzzy_fold(req->a, name));
            if (d < da)
                da = d;
        }
        if (da <= FUZZY_MAX && dt + da < best) {
            best = dt + da;
            e->track_id = (unsigned long long)db_cell_ll(&r, i, 0, 0);
            e->rule = RULE_FUZZY;
        }
    }
    return DB_OK;
}

static db_status match_entry(lyre_req *req, entry *e)
{
    db_status st = match_link(req, e);
    if (st == DB_OK && !e->rule)
        st = match_path(req, e);
    if (st == DB_OK && !e->rule)
        st = match_mbid(req, e);
    if (st == DB_OK && !e->rule)
        st = match_fuzzy(req, e);
    return st;
}

/* ---- import: the playlist -------------------------------------------- */

/* The first NAME_MAX_CHARS characters of s. */
static char *clip_name(arena *a, const char *s)
{
    size_t chars = 0, i = 0;
    while (s[i] && chars < NAME_MAX_CHARS) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    return trim(a, s, i);
}

static db_status create_playlist(lyre_req *req, const char *name, const char *filename,
                                 const entry_list *l, size_t matched, unsigned long long *id)
{
    strbuf ids = STRBUF_INIT;
    sb_addc(&ids, '[');
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].rule)
            sb_addf(&ids, "%s%llu", ids.len > 1 ? "," : "", l->items[i].track_id);
    sb_addc(&ids, ']');
    unsigned long long uid = req->auth->user_id;
    const char *detail = arena_printf(req->a, "%zu of %zu entries from %.180s", matched, l->n, filename);
    db_status st = db_begin(req->db);
    if (st != DB_OK)
        goto cleanup;
    st = db_exec(req->db, NULL, id,
        "INSERT INTO playlists (owner_id, name, share_token) VALUES (?, ?, ?)",
        "uss", uid, name, crypto_token_hex(req->a, 16));
    /* Positions 0..n-1 in the file's order, in one statement. */
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
            "INSERT INTO playlist_items (playlist_id, position, track_id, added_by) "
            "SELECT ?, j.pos - 1, j.tid, ? FROM JSON_TABLE(?, '$[*]' COLUMNS "
            "(pos FOR ORDINALITY, tid INT UNSIGNED PATH '$')) j", "uus", *id, uid, ids.buf);
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
            "UPDATE playlists p SET track_count = (SELECT COUNT(*) FROM playlist_items i WHERE i.playlist_id = p.id), "
            "duration_ms = (SELECT COALESCE(SUM(t.duration_ms), 0) FROM playlist_items i "
            "JOIN tracks t ON t.id = i.track_id WHERE i.playlist_id = p.id), updated_at = NOW(3) WHERE p.id = ?",
            "u", *id);
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
            "INSERT INTO playlist_edits (playlist_id, user_id, action, detail, version) "
            "SELECT id, ?, 'import', ?, version FROM playlists WHERE id = ?", "usu", uid, detail, *id);
    if (st == DB_OK)
        st = db_commit(req->db);
    if (st != DB_OK)
        (void)db_rollback(req->db);
cleanup:
    sb_free(&ids);
    return st;
}

static const char *entry_text(arena *a, const entry *e)
{
    if (e->title && e->artist && e->location)
        return arena_printf(a, "%s - %s (%s)", e->artist, e->title, e->location);
    if (e->title && e->artist)
        return arena_printf(a, "%s - %s", e->artist, e->title);
    if (e->title && e->location)
        return arena_printf(a, "%s (%s)", e->title, e->location);
    return e->location ? e->location : e->title ? e->title : "(an empty entry)";
}

static lyre_err render_report(lyre_req *req, const char *name, unsigned long long id, const entry_list *l)
{
    size_t counts[RULE__COUNT] = { 0 };
    for (size_t i = 0; i < l->n; i++)
        counts[l->items[i].rule]++;
    lyre_view *v = view_new("import", "Import report");
    xmlNodePtr rep = view_elem(view_content(v), "import-report");
    view_attr_int(rep, "entries", (long long)l->n);
    view_attr_int(rep, "matched", (long long)(l->n - counts[RULE_NONE]));
    xmlNodePtr pl = view_elem(rep, "playlist");
    if (id)
        view_attr_int(pl, "id", (long long)id);
    view_text(pl, "name", name);
    for (int r = RULE_LINK; r < RULE__COUNT; r++) {
        xmlNodePtr m = view_elem(rep, "rule");
        view_attr(m, "name", rule_names[r]);
        view_attr_int(m, "count", (long long)counts[r]);
    }
    xmlNodePtr un = view_elem(rep, "unmatched");
    view_attr_int(un, "count", (long long)counts[RULE_NONE]);
    size_t shown = 0;
    for (size_t i = 0; i < l->n && shown < IMPORT_MAX_UNMATCHED_SHOWN; i++) {
        if (l->items[i].rule)
            continue;
        xmlNodePtr line = view_text(un, "line", entry_text(req->a, &l->items[i]));
        view_attr_int(line, "no", l->items[i].line);
        shown++;
    }
    return app_render(req, v);
}

/* The file name without its directory and extension, as a default name. */
static const char *name_from_filename(arena *a, const char *fn)
{
    if (!fn)
        return NULL;
    const char *b = strrchr(fn, '/');
    const char *w = strrchr(fn, '\\');
    if (w && (!b || w > b))
        b = w;
    b = b ? b + 1 : fn;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot > b ? (size_t)(dot - b) : strlen(b);
    char *s = trim(a, b, n);
    return *s ? s : NULL;
}

static const char *extension(const char *fn)
{
    const char *dot = fn ? strrchr(fn, '.') : NULL;
    return dot ? dot + 1 : "";
}

lyre_err post_playlist_import(lyre_req *req)
{
    arena *a = req->a;
    const char *boundary = multipart_boundary(a, http_env(req, "CONTENT_TYPE"));
    multipart_form form;
    if (!boundary || multipart_parse(a, req->body, req->body_len, boundary, &form) != 0)
        return refuse(req, 400, "The upload could not be read: send the form as multipart/form-data.", NULL);
    const char *name = multipart_field(a, &form, "name");
    if (name && !utf8_valid(name, strlen(name)))
        name = NULL;
    if (name)
        name = clip_name(a, name);
    const multipart_part *file = multipart_get(&form, "file");
    if (!file || !file->filename)
        return refuse(req, 400, "Choose a playlist file to import.", name);
    const char *filename = utf8_valid(file->filename, strlen(file->filename)) ? file->filename : "file";
    const char *data = file->data;
    size_t len = file->len;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    size_t blank = 0;
    while (blank < len && isspace((unsigned char)data[blank]))
        blank++;
    if (blank == len)
        return refuse(req, 400, "The file is empty.", name);
    if (memchr(data, '\0', len))
        return refuse(req, 400, "This is a binary file, not a playlist: import M3U, M3U8 or XSPF files.", name);

    const char *ext = extension(filename);
    int xspf;
    if (len - blank >= 7 && strncasecmp(data + blank, "#EXTM3U", 7) == 0)
        xspf = 0;
    else if (data[blank] == '<' && strstr(arena_strndup(a, data, len), XSPF_NS))
        xspf = 1;
    else if (strcasecmp(ext, "xspf") == 0)
        xspf = 1;
    else if (strcasecmp(ext, "m3u") == 0 || strcasecmp(ext, "m3u8") == 0)
        xspf = 0;
    else
        return refuse(req, 400, "The file is neither M3U/M3U8 nor XSPF.", name);

    char *text;
    if (utf8_valid(data, len)) {
        text = arena_strndup(a, data, len);
    } else if (!xspf && strcasecmp(ext, "m3u") == 0) {
        text = latin1_to_utf8(a, data, len, &len);    /* old players wrote .m3u in Latin-1 */
    } else {
        return refuse(req, 400, "The file is not valid UTF-8 text (a binary file?): import M3U, M3U8 or XSPF files.",
                      name);
    }

    entry_list l = { NULL, 0, 0, NULL };
    const char *message = NULL;
    int rc = xspf ? parse_xspf(a, text, len, &l, &message) : parse_m3u(a, text, &l);
    if (rc == -1 && message)
        return refuse(req, 400, message, name);
    if (rc != 0)
        return refuse(req, 400, arena_printf(a, "The file has more than %d entries.", IMPORT_MAX_ENTRIES), name);
    if (l.n == 0)
        return refuse(req, 400, "The file lists no tracks.", name);

    size_t matched = 0;
    for (size_t i = 0; i < l.n; i++) {
        db_status st = match_entry(req, &l.items[i]);
        if (st != DB_OK)
            return db_status_to_err(st);
        if (l.items[i].rule)
            matched++;
    }
    if (!name || !*name)
        name = l.title && *l.title ? clip_name(a, l.title) : NULL;
    if (!name || !*name)
        name = name_from_filename(a, filename);
    if (!name || !*name || !utf8_valid(name, strlen(name)))
        name = "Imported playlist";
    name = clip_name(a, name);

    unsigned long long id = 0;
    if (matched == 0) {
        req->status = 422;    /* nothing to make a playlist of: say why */
    } else {
        db_status st = create_playlist(req, name, filename, &l, matched, &id);
        if (st != DB_OK)
            return db_status_to_err(st);
        log_info("playlist %llu imported: %zu of %zu entries matched", id, matched, l.n);
    }
    return render_report(req, name, id, &l);
}

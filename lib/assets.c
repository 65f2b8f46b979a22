/* assets.c — content-hashed asset URLs (see assets.h). */
#include "assets.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "view.h"

#define MAX_ENTRIES 256

typedef struct entry {
    char *name;
    char *hashed;
} entry;

static int loaded;
static char *map_path;          /* NULL: no map */
static entry *entries;
static size_t n_entries;

/* What templates/layout.xsl and player.js load, for pages without a map. */
static const char *const builtin[] = {
    "css/lyre.css", "favicon.svg", "vendor/htmx.min.js", "vendor/hls.light.min.js",
    "js/lyre.js", "js/player.js", "js/library.js", "js/playlists.js", "js/search.js",
};

/* A relative path of plain characters without "..": a map line can produce nothing
 * else, whoever wrote the file. */
static int safe_name(const char *s)
{
    if (!s[0] || s[0] == '/' || strstr(s, ".."))
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
              || *p == '.' || *p == '_' || *p == '-' || *p == '/'))
            return 0;
    return 1;
}

static void free_entries(void)
{
    for (size_t i = 0; i < n_entries; i++) {
        free(entries[i].name);
        free(entries[i].hashed);
    }
    free(entries);
    entries = NULL;
    n_entries = 0;
}

/* 0 with the entries read, -1 when the file cannot be read (errno) or is malformed. */
static int read_map(const char *path)
{
    int rc = -1;
    char line[1024];
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    entries = calloc(MAX_ENTRIES, sizeof *entries);
    if (!entries)
        goto cleanup;
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        if (!len)
            continue;
        char *sp = strchr(line, ' ');
        if (!sp || n_entries == MAX_ENTRIES) {
            log_warn("%s: malformed line or too many lines", path);
            goto cleanup;
        }
        *sp = '\0';
        if (!safe_name(line) || !safe_name(sp + 1)) {
            log_warn("%s: bad file name in \"%s\"", path, line);
            goto cleanup;
        }
        entry *e = &entries[n_entries];
        e->name = strdup(line);
        e->hashed = strdup(sp + 1);
        if (!e->name || !e->hashed) {
            free(e->name);
            free(e->hashed);
            goto cleanup;
        }
        n_entries++;
    }
    if (ferror(f))
        goto cleanup;
    rc = 0;
cleanup:
    if (fclose(f) != 0)
        rc = -1;
    if (rc != 0)
        free_entries();
    return rc;
}

static char *dirname_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* The candidate paths of assets.h, in order; each malloc'ed or NULL. */
static char *candidate(const lyre_config *cfg, int which)
{
    char *dir = NULL, *up = NULL, *out = NULL;
    if (which == 0) {
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0)
            return NULL;
        exe[n] = '\0';
        dir = dirname_of(exe);
    } else if (cfg && cfg->templates_dir && cfg->templates_dir[0]) {
        dir = strdup(cfg->templates_dir);
        size_t len = dir ? strlen(dir) : 0;
        while (len > 1 && dir[len - 1] == '/')
            dir[--len] = '\0';
    }
    if (!dir)
        return NULL;
    up = dirname_of(dir);
    if (up && asprintf(&out, "%s/htdocs-hashed/assets.map", up) < 0)
        out = NULL;
    free(dir);
    free(up);
    return out;
}

static void load(const lyre_config *cfg)
{
    if (loaded)
        return;
    loaded = 1;
    const char *env = getenv("LYRE_ASSETS_MAP");
    if (env) {
        if (!env[0])
            return;
        if (read_map(env) == 0)
            map_path = strdup(env);
        else
            log_warn("LYRE_ASSETS_MAP=%s: cannot read it (%s): plain asset names", env,
                     strerror(errno));
        return;
    }
    for (int i = 0; i < 2 && !map_path; i++) {
        char *path = candidate(cfg, i);
        if (path && access(path, R_OK) == 0 && read_map(path) == 0) {
            map_path = path;
            path = NULL;
        }
        free(path);
    }
}

const char *assets_map_path(const lyre_config *cfg)
{
    load(cfg);
    return map_path;
}

void assets_reset(void)
{
    free_entries();
    free(map_path);
    map_path = NULL;
    loaded = 0;
}

static int is_absolute(const char *url)
{
    return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

const char *asset_url(const lyre_config *cfg, arena *a, const char *name)
{
    load(cfg);
    while (*name == '/')
        name++;
    const char *file = name;
    for (size_t i = 0; i < n_entries; i++)
        if (strcmp(entries[i].name, name) == 0) {
            file = entries[i].hashed;
            break;
        }
    const char *st = cfg->static_url;
    const char *cdn = is_absolute(st) ? "" : cfg->cdn_base_url;
    return arena_printf(a, "%s%s/%s", cdn, st, file);
}

const char *art_url(const lyre_config *cfg, arena *a, const char *sha, int size)
{
    if (!sha || strlen(sha) != 64 || size <= 0)
        return NULL;
    for (size_t i = 0; i < 64; i++)
        if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f')))
            return NULL;
    return arena_printf(a, "%s/art/%.2s/%s-%d.jpg", cfg->cdn_base_url, sha, sha, size);
}

void assets_add_meta(const lyre_config *cfg, arena *a, xmlNodePtr meta)
{
    load(cfg);
    xmlNodePtr list = view_elem(meta, "assets");
    size_t n = n_entries ? n_entries : sizeof builtin / sizeof builtin[0];
    for (size_t i = 0; i < n; i++) {
        const char *name = n_entries ? entries[i].name : builtin[i];
        xmlNodePtr e = view_elem(list, "asset");
        view_attr(e, "name", name);
        view_attr(e, "url", asset_url(cfg, a, name));
    }
}

const char *url_origin(arena *a, const char *url)
{
    if (!url || !is_absolute(url))
        return NULL;
    const char *host = strstr(url, "//") + 2;
    size_t len = strcspn(host, "/?#");
    if (len == 0)
        return NULL;
    return arena_strndup(a, url, (size_t)(host - url) + len);
}

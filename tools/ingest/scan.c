/* scan.c — what is on disk against what the catalog knows.
 *
 * All known sources come in one query into a hash table, so a re-run over
 * an unchanged library costs a readdir and a stat per file and no query
 * per file.  Folders are walked in name order; hidden entries (".x") and
 * symbolic links to folders are not followed (no loops), links to files are.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ingest.h"

#define MAX_DEPTH 64

static const char *const audio_exts[] = {
    ".mp3", ".flac", ".ogg", ".oga", ".opus", ".wav", ".m4a", ".m4b", ".mp4", ".aac", ".aif", ".aiff",
};

static uint64_t path_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static enum source_status status_of(const char *s)
{
    if (s != NULL && strcmp(s, "vanished") == 0)
        return SOURCE_VANISHED;
    if (s != NULL && strcmp(s, "failed") == 0)
        return SOURCE_FAILED;
    return SOURCE_OK;
}

int sources_load(lyre_db *db, source_table *t, strbuf *err)
{
    db_result r;
    int rc = -1;

    memset(t, 0, sizeof *t);
    arena_init(&t->strings, 1 << 20);
    if (db_query(db, &t->strings, &r,
                 "SELECT id, path, COALESCE(track_id, 0), size, mtime_ns, status FROM media_sources", "")
        != DB_OK) {
        sb_addf(err, "cannot read media_sources: %s", db_last_error(db));
        goto cleanup;
    }
    t->items = calloc(r.nrows + 1, sizeof *t->items);
    t->nslots = 16;
    while (t->nslots < r.nrows * 2)
        t->nslots *= 2;
    t->slots = calloc(t->nslots, sizeof *t->slots);
    if (t->items == NULL || t->slots == NULL) {
        sb_adds(err, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < r.nrows; i++) {
        known_source *k = &t->items[t->n];
        const char *path = db_cell(&r, i, 1);
        if (path == NULL)
            continue;
        k->path = path;
        k->path_len = r.lengths[i * r.ncols + 1];
        k->id = (unsigned long long)db_cell_ll(&r, i, 0, 0);
        k->track_id = (unsigned long long)db_cell_ll(&r, i, 2, 0);
        k->size = (unsigned long long)db_cell_ll(&r, i, 3, 0);
        k->mtime_ns = db_cell_ll(&r, i, 4, 0);
        k->status = status_of(db_cell(&r, i, 5));
        size_t slot = (size_t)(path_hash(k->path, k->path_len) & (t->nslots - 1));
        while (t->slots[slot] != 0)
            slot = (slot + 1) & (t->nslots - 1);
        t->slots[slot] = ++t->n;
    }
    rc = 0;
cleanup:
    if (rc != 0)
        sources_free(t);
    return rc;
}

const known_source *sources_find(const source_table *t, const char *path, size_t len)
{
    if (t->nslots == 0)
        return NULL;
    size_t slot = (size_t)(path_hash(path, len) & (t->nslots - 1));
    while (t->slots[slot] != 0) {
        const known_source *k = &t->items[t->slots[slot] - 1];
        if (k->path_len == len && memcmp(k->path, path, len) == 0)
            return k;
        slot = (slot + 1) & (t->nslots - 1);
    }
    return NULL;
}

void sources_free(source_table *t)
{
    free(t->items);
    free(t->slots);
    arena_free(&t->strings);
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ walking */

typedef struct walk_state {
    source_table *known;
    int force;
    scan_result *r;
    progress *p;
} walk_state;

static int is_audio_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot == NULL)
        return 0;
    for (size_t i = 0; i < sizeof audio_exts / sizeof audio_exts[0]; i++)
        if (strcasecmp(dot, audio_exts[i]) == 0)
            return 1;
    return 0;
}

static int grow(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *p = realloc(*items, ncap * size);
    if (p == NULL)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

static void scan_error(walk_state *s, const char *path, const char *what)
{
    strbuf msg = STRBUF_INIT;
    sb_addf(&msg, "%s: %s", what, strerror(errno));
    progress_note(s->p, path, msg.buf);
    s->r->errors++;
    sb_free(&msg);
}

/* Rare lists (revived sources, unreadable folders) grow one at a time. */
static int add_revive(scan_result *r, known_source *k)
{
    known_source **p = realloc(r->revive, (r->nrevive + 1) * sizeof *p);
    if (p == NULL)
        return -1;
    p[r->nrevive++] = k;
    r->revive = p;
    return 0;
}

static int add_bad_dir(scan_result *r, const char *dir)
{
    char **p = realloc(r->bad_dirs, (r->nbad + 1) * sizeof *p);
    if (p == NULL)
        return -1;
    p[r->nbad++] = arena_strdup(&r->strings, dir);
    r->bad_dirs = p;
    return 0;
}

static int add_file(walk_state *s, const char *path, const struct stat *st, const char *cover)
{
    scan_result *r = s->r;
    size_t len = strlen(path);
    long long mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    known_source *k = (known_source *)sources_find(s->known, path, len);

    r->files++;
    if (k != NULL) {
        k->seen = 1;
        /* An ok source whose track was deleted by hand is ingested again. */
        int orphan = k->status == SOURCE_OK && k->track_id == 0;
        if (!s->force && !orphan && k->size == (unsigned long long)st->st_size && k->mtime_ns == mtime_ns) {
            if (k->status == SOURCE_VANISHED) {
                if (add_revive(r, k) != 0)
                    return -1;
            } else if (k->status == SOURCE_FAILED) {
                r->failed_before++;
            } else {
                r->unchanged++;
            }
            return 0;
        }
    }
    if (grow((void **)&r->items, &r->cap, r->n, sizeof *r->items) != 0)
        return -1;
    work_item *it = &r->items[r->n++];
    it->path = arena_strndup(&r->strings, path, len);
    it->size = (unsigned long long)st->st_size;
    it->mtime_ns = mtime_ns;
    it->cover_path = cover;
    it->known = k;
    return 0;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(walk_state *s, const char *dir, int depth);

/* One entry of dir: a folder to enter, an audio file to add, or nothing. */
static int visit(walk_state *s, const char *dir, const char *name, const char *cover, int depth)
{
    strbuf path = STRBUF_INIT;
    struct stat st;
    int rc = 0;

    sb_addf(&path, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name);
    if (lstat(path.buf, &st) != 0) {
        scan_error(s, path.buf, "cannot stat");
        goto cleanup;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = walk(s, path.buf, depth + 1);
    } else if (is_audio_name(name)) {
        /* A link to a file counts as the file; a dangling one is an error. */
        if (S_ISLNK(st.st_mode) && stat(path.buf, &st) != 0) {
            scan_error(s, path.buf, "cannot stat");
            goto cleanup;
        }
        if (S_ISREG(st.st_mode))
            rc = add_file(s, path.buf, &st, cover);
    }
cleanup:
    sb_free(&path);
    return rc;
}

static int walk(walk_state *s, const char *dir, int depth)
{
    DIR *d = NULL;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    const char *cover = NULL;
    int best = -1, rc = -1;
    arena tmp;

    arena_init(&tmp, 16384);
    if (depth > MAX_DEPTH) {
        rc = 0;
        goto cleanup;
    }
    d = opendir(dir);
    if (d == NULL)
        goto unreadable;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (grow((void **)&names, &cap, n, sizeof *names) != 0)
            goto cleanup;
        names[n++] = arena_strdup(&tmp, e->d_name);
        int rank = artwork_cover_rank(e->d_name);
        if (rank >= 0 && (best < 0 || rank < best)) {
            best = rank;
            cover = names[n - 1];
        }
    }
    if (errno != 0)
        goto unreadable;
    (void)closedir(d);
    d = NULL;
    if (cover != NULL)
        cover = arena_printf(&s->r->strings, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, cover);
    if (n > 1)
        qsort(names, n, sizeof *names, by_string);
    for (size_t i = 0; i < n; i++)
        if (visit(s, dir, names[i], cover, depth) != 0)
            goto cleanup;
    rc = 0;
    goto cleanup;
unreadable:
    scan_error(s, dir, "cannot read the folder");
    if (add_bad_dir(s->r, dir) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    if (d != NULL)
        (void)closedir(d);
    free(names);
    arena_free(&tmp);
    return rc;
}

static int under(const char *path, size_t path_len, const char *root)
{
    size_t n = strlen(root);
    if (strcmp(root, "/") == 0)
        return 1;
    return path_len >= n && memcmp(path, root, n) == 0 && (path_len == n || path[n] == '/');
}

int known_vanished(const scan_result *r, const known_source *k)
{
    int in_root = 0;
    if (k->seen || k->status == SOURCE_VANISHED)
        return 0;
    for (size_t i = 0; i < r->nroots && !in_root; i++)
        in_root = under(k->path, k->path_len, r->roots[i]);
    if (!in_root)
        return 0;
    for (size_t i = 0; i < r->nbad; i++)
        if (under(k->path, k->path_len, r->bad_dirs[i]))
            return 0;
    return 1;
}

int scan_paths(char *const *paths, size_t npaths, source_table *known, int force, scan_result *out,
               progress *p)
{
    walk_state s = { known, force, out, p };
    size_t kept = 0;
    int rc = -1;

    memset(out, 0, sizeof *out);
    arena_init(&out->strings, 65536);
    out->roots = calloc(npaths + 1, sizeof *out->roots);
    if (out->roots == NULL)
        goto cleanup;
    for (size_t i = 0; i < npaths; i++) {
        char *real = realpath(paths[i], NULL);
        if (real == NULL) {
            scan_error(&s, paths[i], "cannot open");
            continue;
        }
        out->roots[out->nroots++] = arena_strdup(&out->strings, real);
        free(real);
    }
    /* A path inside another given path is walked once. */
    qsort(out->roots, out->nroots, sizeof *out->roots, by_string);
    for (size_t i = 0; i < out->nroots; i++)
        if (kept == 0 || !under(out->roots[i], strlen(out->roots[i]), out->roots[kept - 1]))
            out->roots[kept++] = out->roots[i];
    out->nroots = kept;
    for (size_t i = 0; i < out->nroots; i++) {
        struct stat st;
        const char *root = out->roots[i];
        if (stat(root, &st) != 0) {
            scan_error(&s, root, "cannot stat");
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (walk(&s, root, 0) != 0)
                goto cleanup;
        } else if (S_ISREG(st.st_mode)) {
            /* A file named on the command line is tried whatever its name. */
            if (add_file(&s, root, &st, NULL) != 0)
                goto cleanup;
        } else {
            errno = EINVAL;
            scan_error(&s, root, "not a file or folder");
        }
    }
    rc = 0;
cleanup:
    return rc;
}

void scan_free(scan_result *r)
{
    free(r->items);
    free(r->roots);
    free(r->bad_dirs);
    free(r->revive);
    arena_free(&r->strings);
    memset(r, 0, sizeof *r);
}

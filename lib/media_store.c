/* media_store.c — the content-addressed media store (see media_store.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "media_store.h"

#define TMP_PREFIX ".tmp-"

static int valid_sha(const char *sha_hex)
{
    if (sha_hex == NULL || strlen(sha_hex) != 64)
        return 0;
    for (const char *p = sha_hex; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

static int make_dir(const char *path, strbuf *err)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0;
    sb_addf(err, "cannot create %s: %s", path, strerror(errno));
    return -1;
}

int media_store_open(media_store *st, const char *root, strbuf *err)
{
    strbuf p = STRBUF_INIT;
    int rc = -1;
    size_t n;

    st->root = NULL;
    if (root == NULL || root[0] == '\0') {
        sb_adds(err, "no media directory configured (paths.media)");
        goto cleanup;
    }
    n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    sb_add(&p, root, n);
    if (make_dir(p.buf, err) != 0)
        goto cleanup;
    st->root = strdup(p.buf);
    if (st->root == NULL) {
        sb_adds(err, "out of memory");
        goto cleanup;
    }
    sb_adds(&p, "/" MEDIA_KIND_AUDIO);
    if (make_dir(p.buf, err) != 0)
        goto cleanup;
    sb_setlen(&p, n);
    sb_adds(&p, "/" MEDIA_KIND_ART);
    if (make_dir(p.buf, err) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    if (rc != 0) {
        free(st->root);
        st->root = NULL;
    }
    sb_free(&p);
    return rc;
}

void media_store_close(media_store *st)
{
    free(st->root);
    st->root = NULL;
}

void media_store_relpath(strbuf *out, const char *kind, const char *sha_hex, const char *suffix)
{
    sb_addf(out, "%s/%.2s/%s%s", kind, sha_hex, sha_hex, suffix ? suffix : "");
}

void media_store_path(const media_store *st, strbuf *out, const char *kind, const char *sha_hex,
                      const char *suffix)
{
    sb_adds(out, st->root);
    sb_addc(out, '/');
    media_store_relpath(out, kind, sha_hex, suffix);
}

int media_store_has(const media_store *st, const char *kind, const char *sha_hex, const char *suffix)
{
    strbuf p = STRBUF_INIT;
    struct stat sbuf;
    int has;

    media_store_path(st, &p, kind, sha_hex, suffix);
    has = stat(p.buf, &sbuf) == 0 && S_ISREG(sbuf.st_mode);
    sb_free(&p);
    return has;
}

/* root/KIND or root/KIND/aa (created). */
static int dir_of(const media_store *st, const char *kind, const char *sha_hex, strbuf *out, strbuf *err)
{
    sb_addf(out, "%s/%s", st->root, kind);
    if (sha_hex == NULL)
        return 0;
    sb_addf(out, "/%.2s", sha_hex);
    return make_dir(out->buf, err);
}

int media_tmp_create(const media_store *st, const char *kind, const char *sha_hex, media_tmp *t,
                     strbuf *err)
{
    strbuf p = STRBUF_INIT;
    int rc = -1;

    t->fd = -1;
    t->path = NULL;
    if (sha_hex != NULL && !valid_sha(sha_hex)) {
        sb_adds(err, "invalid content hash");
        goto cleanup;
    }
    if (dir_of(st, kind, sha_hex, &p, err) != 0)
        goto cleanup;
    sb_adds(&p, "/" TMP_PREFIX "XXXXXX");
    t->fd = mkostemp(p.buf, O_CLOEXEC);
    if (t->fd < 0) {
        sb_addf(err, "cannot create a temporary file in %s/%s: %s", st->root, kind, strerror(errno));
        goto cleanup;
    }
    t->path = sb_detach(&p, NULL);
    rc = 0;
cleanup:
    sb_free(&p);
    return rc;
}

int media_tmp_write(media_tmp *t, const void *data, size_t len, strbuf *err)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(t->fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            sb_addf(err, "cannot write %s: %s", t->path, strerror(errno));
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int media_tmp_reopen(media_tmp *t, strbuf *err)
{
    int fd = open(t->path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        sb_addf(err, "cannot open %s: %s", t->path, strerror(errno));
        return -1;
    }
    if (t->fd >= 0)
        (void)close(t->fd);
    t->fd = fd;
    return 0;
}

static int fsync_dir(const char *dir, strbuf *err)
{
    int rc = -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        sb_addf(err, "cannot open %s: %s", dir, strerror(errno));
        return -1;
    }
    if (fsync(fd) != 0 && errno != EINVAL) {
        sb_addf(err, "cannot fsync %s: %s", dir, strerror(errno));
        goto cleanup;
    }
    rc = 0;
cleanup:
    (void)close(fd);
    return rc;
}

int media_tmp_commit(const media_store *st, media_tmp *t, const char *kind, const char *sha_hex,
                     const char *suffix, strbuf *err)
{
    strbuf dir = STRBUF_INIT, dest = STRBUF_INIT;
    int rc = -1;

    if (t->path == NULL || t->fd < 0) {
        sb_adds(err, "no temporary file to commit");
        goto cleanup;
    }
    if (!valid_sha(sha_hex)) {
        sb_adds(err, "invalid content hash");
        goto cleanup;
    }
    if (dir_of(st, kind, sha_hex, &dir, err) != 0)
        goto cleanup;
    if (fsync(t->fd) != 0) {
        sb_addf(err, "cannot fsync %s: %s", t->path, strerror(errno));
        goto cleanup;
    }
    if (fchmod(t->fd, 0644) != 0) {
        sb_addf(err, "cannot chmod %s: %s", t->path, strerror(errno));
        goto cleanup;
    }
    sb_addf(&dest, "%s/%s%s", dir.buf, sha_hex, suffix ? suffix : "");
    if (rename(t->path, dest.buf) != 0) {
        sb_addf(err, "cannot rename %s to %s: %s", t->path, dest.buf, strerror(errno));
        goto cleanup;
    }
    free(t->path);
    t->path = NULL;
    if (fsync_dir(dir.buf, err) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    media_tmp_discard(t);
    sb_free(&dir);
    sb_free(&dest);
    return rc;
}

void media_tmp_discard(media_tmp *t)
{
    if (t->fd >= 0) {
        (void)close(t->fd);
        t->fd = -1;
    }
    if (t->path != NULL) {
        (void)unlink(t->path);
        free(t->path);
        t->path = NULL;
    }
}

static int sha_hex_of(const void *data, size_t len, char sha_out[MEDIA_SHA_HEX], strbuf *err)
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    if (crypto_sha256(data, len, digest) != 0) {
        sb_adds(err, "SHA-256 failed");
        return -1;
    }
    hex_encode(digest, sizeof digest, sha_out);
    return 0;
}

int media_store_put_as(const media_store *st, const char *kind, const char *sha_hex, const char *suffix,
                       const void *data, size_t len, strbuf *err)
{
    media_tmp t = MEDIA_TMP_INIT;
    int rc = -1;

    if (media_tmp_create(st, kind, sha_hex, &t, err) != 0 || media_tmp_write(&t, data, len, err) != 0
        || media_tmp_commit(st, &t, kind, sha_hex, suffix, err) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    media_tmp_discard(&t);
    return rc;
}

int media_store_put(const media_store *st, const char *kind, const void *data, size_t len,
                    const char *suffix, char sha_out[MEDIA_SHA_HEX], strbuf *err)
{
    if (sha_hex_of(data, len, sha_out, err) != 0)
        return -1;
    return media_store_put_as(st, kind, sha_out, suffix, data, len, err);
}

int media_map_fd(int fd, const uint8_t **data, size_t *len, strbuf *err)
{
    struct stat sbuf;
    void *p;

    *data = NULL;
    *len = 0;
    if (fstat(fd, &sbuf) != 0) {
        sb_addf(err, "cannot stat: %s", strerror(errno));
        return -1;
    }
    if (sbuf.st_size == 0)
        return 0;
    if ((unsigned long long)sbuf.st_size > (unsigned long long)SIZE_MAX) {
        sb_adds(err, "file too large to map");
        return -1;
    }
    p = mmap(NULL, (size_t)sbuf.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        sb_addf(err, "cannot map: %s", strerror(errno));
        return -1;
    }
    *data = p;
    *len = (size_t)sbuf.st_size;
    return 0;
}

void media_unmap(const uint8_t *data, size_t len)
{
    if (data != NULL && len > 0)
        (void)munmap((void *)data, len);
}

int media_file_sha256(const char *path, char sha_out[MEDIA_SHA_HEX], strbuf *err)
{
    const uint8_t *data = NULL;
    size_t len = 0;
    int rc = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        sb_addf(err, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (media_map_fd(fd, &data, &len, err) != 0)
        goto cleanup;
    if (sha_hex_of(data != NULL ? data : (const uint8_t *)"", len, sha_out, err) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    media_unmap(data, len);
    (void)close(fd);
    return rc;
}

static size_t sweep_dir(const char *dir, time_t cutoff, int descend)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t removed = 0;
    strbuf p = STRBUF_INIT;
    struct stat sbuf;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        sb_reset(&p);
        sb_addf(&p, "%s/%s", dir, e->d_name);
        if (strncmp(e->d_name, TMP_PREFIX, sizeof TMP_PREFIX - 1) == 0) {
            if (lstat(p.buf, &sbuf) == 0 && S_ISREG(sbuf.st_mode) && sbuf.st_mtime < cutoff
                && unlink(p.buf) == 0)
                removed++;
        } else if (descend && strlen(e->d_name) == 2 && e->d_name[0] != '.') {
            removed += sweep_dir(p.buf, cutoff, 0);
        }
    }
    (void)closedir(d);
    sb_free(&p);
    return removed;
}

size_t media_store_sweep(const media_store *st, time_t max_age)
{
    static const char *const kinds[] = { MEDIA_KIND_AUDIO, MEDIA_KIND_ART };
    strbuf p = STRBUF_INIT;
    size_t removed = 0;
    time_t cutoff = time(NULL) - max_age;

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        sb_reset(&p);
        sb_addf(&p, "%s/%s", st->root, kinds[i]);
        removed += sweep_dir(p.buf, cutoff, 1);
    }
    sb_free(&p);
    return removed;
}

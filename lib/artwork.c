/* artwork.c — covers and thumbnails through libvips (see artwork.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vips/vips.h>

#include "artwork.h"
#include "crypto.h"

#define THUMB_QUALITY 85
#define ORIGINAL_QUALITY 92

const int artwork_thumb_sizes[ARTWORK_THUMBS] = { 96, 300, 640 };

static const char *const cover_names[] = {
    "cover.jpg", "cover.jpeg", "folder.jpg", "folder.jpeg", "front.jpg", "front.jpeg",
    "cover.png", "folder.png", "front.png",
};

int artwork_global_init(const char *argv0)
{
    if (VIPS_INIT(argv0 != NULL ? argv0 : "lyre"))
        return -1;
    /* The operation cache would keep images alive (and could match a freed
     * buffer's address); ingest already runs one file per core. */
    vips_cache_set_max(0);
    vips_concurrency_set(1);
    return 0;
}

void artwork_global_shutdown(void)
{
    vips_shutdown();
}

void artwork_thread_end(void)
{
    vips_thread_shutdown();
}

int artwork_cover_rank(const char *file_name)
{
    for (size_t i = 0; i < sizeof cover_names / sizeof cover_names[0]; i++)
        if (strcasecmp(file_name, cover_names[i]) == 0)
            return (int)i;
    return -1;
}

static void vips_reason(strbuf *err, const char *what)
{
    char *msg = vips_error_buffer_copy();
    size_t n = msg != NULL ? strcspn(msg, "\n") : 0;
    sb_adds(err, what);
    if (n > 0) {
        sb_adds(err, ": ");
        /* libvips messages may quote bytes of the file: keep them printable. */
        for (size_t i = 0; i < n && i < 200; i++)
            sb_addc(err, msg[i] >= 0x20 && msg[i] < 0x7f ? msg[i] : '?');
    }
    g_free(msg);
}

int artwork_read_file(const char *path, uint8_t **data, size_t *len, strbuf *err)
{
    struct stat sbuf;
    uint8_t *buf = NULL;
    size_t got = 0;
    int rc = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *data = NULL;
    *len = 0;
    if (fd < 0) {
        sb_addf(err, "cannot open the cover: %s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &sbuf) != 0 || !S_ISREG(sbuf.st_mode)) {
        sb_adds(err, "the cover is not a regular file");
        goto cleanup;
    }
    if ((unsigned long long)sbuf.st_size > ARTWORK_MAX_BYTES) {
        sb_addf(err, "the cover is %lld bytes (limit %u)", (long long)sbuf.st_size, ARTWORK_MAX_BYTES);
        goto cleanup;
    }
    buf = malloc((size_t)sbuf.st_size + 1);
    if (buf == NULL) {
        sb_adds(err, "out of memory");
        goto cleanup;
    }
    while (got < (size_t)sbuf.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)sbuf.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            sb_addf(err, "cannot read the cover: %s", n < 0 ? strerror(errno) : "file shrank");
            goto cleanup;
        }
        got += (size_t)n;
    }
    *data = buf;
    *len = got;
    buf = NULL;
    rc = 0;
cleanup:
    free(buf);
    (void)close(fd);
    return rc;
}

static int is_jpeg(const uint8_t *p, size_t n)
{
    return n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF;
}

static int is_png(const uint8_t *p, size_t n)
{
    return n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0;
}

/* A square JPEG thumbnail of side px; *out is g_free'd by the caller. */
static int make_thumb(const void *data, size_t len, int px, void **out, size_t *out_len, strbuf *err)
{
    VipsImage *thumb = NULL, *flat = NULL;
    int rc = -1;

    if (vips_thumbnail_buffer((void *)data, len, &thumb, px, "height", px, "crop", VIPS_INTERESTING_CENTRE,
                              NULL) != 0) {
        vips_reason(err, "unreadable cover");
        goto cleanup;
    }
    /* JPEG has no alpha: transparent parts become white, not black. */
    if (vips_image_hasalpha(thumb)) {
        VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
        int r = vips_flatten(thumb, &flat, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        if (r != 0) {
            vips_reason(err, "cannot flatten the cover");
            goto cleanup;
        }
    }
    if (vips_jpegsave_buffer(flat != NULL ? flat : thumb, out, out_len, "Q", THUMB_QUALITY, "strip", TRUE,
                             "optimize_coding", TRUE, NULL) != 0) {
        vips_reason(err, "cannot encode the thumbnail");
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (flat != NULL)
        g_object_unref(flat);
    if (thumb != NULL)
        g_object_unref(thumb);
    return rc;
}

/* Check the header (size, format) before anything is decoded. */
static int probe(const void *data, size_t len, unsigned *w, unsigned *h, strbuf *err)
{
    VipsImage *im;

    if (len > ARTWORK_MAX_BYTES) {
        sb_addf(err, "the cover is %zu bytes (limit %u)", len, ARTWORK_MAX_BYTES);
        return -1;
    }
    if (vips_foreign_find_load_buffer(data, len) == NULL) {
        vips_reason(err, "the cover is not an image libvips reads");
        return -1;
    }
    im = vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (im == NULL) {
        vips_reason(err, "unreadable cover");
        return -1;
    }
    *w = (unsigned)vips_image_get_width(im);
    *h = (unsigned)vips_image_get_height(im);
    g_object_unref(im);
    if (*w == 0 || *h == 0 || *w > ARTWORK_MAX_SIDE || *h > ARTWORK_MAX_SIDE) {
        sb_addf(err, "the cover is %ux%u pixels (limit %dx%d)", *w, *h, ARTWORK_MAX_SIDE, ARTWORK_MAX_SIDE);
        return -1;
    }
    return 0;
}

/* Any other format: a JPEG of the whole image stands for the original. */
static int convert_original(const void *data, size_t len, void **out, size_t *out_len, strbuf *err)
{
    VipsImage *im = NULL, *flat = NULL;
    int rc = -1;

    im = vips_image_new_from_buffer(data, len, "", NULL);
    if (im == NULL) {
        vips_reason(err, "unreadable cover");
        goto cleanup;
    }
    if (vips_image_hasalpha(im)) {
        VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
        int r = vips_flatten(im, &flat, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        if (r != 0) {
            vips_reason(err, "cannot flatten the cover");
            goto cleanup;
        }
    }
    if (vips_jpegsave_buffer(flat != NULL ? flat : im, out, out_len, "Q", ORIGINAL_QUALITY, "strip", TRUE,
                             NULL) != 0) {
        vips_reason(err, "cannot convert the cover");
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (flat != NULL)
        g_object_unref(flat);
    if (im != NULL)
        g_object_unref(im);
    return rc;
}

int artwork_store(const media_store *st, const void *data, size_t len, artwork_info *out, strbuf *err)
{
    void *converted = NULL, *thumbs[ARTWORK_THUMBS] = { NULL };
    size_t converted_len = 0, thumb_len[ARTWORK_THUMBS] = { 0 };
    char suffix[ARTWORK_THUMBS][16];
    uint8_t digest[CRYPTO_SHA256_LEN];
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (probe(data, len, &out->width, &out->height, err) != 0)
        goto cleanup;
    if (is_jpeg(data, len)) {
        out->mime = "image/jpeg";
        out->ext = ".jpg";
    } else if (is_png(data, len)) {
        out->mime = "image/png";
        out->ext = ".png";
    } else {
        if (convert_original(data, len, &converted, &converted_len, err) != 0)
            goto cleanup;
        data = converted;
        len = converted_len;
        out->mime = "image/jpeg";
        out->ext = ".jpg";
    }
    out->bytes = len;
    if (crypto_sha256(data, len, digest) != 0) {
        sb_adds(err, "SHA-256 failed");
        goto cleanup;
    }
    hex_encode(digest, sizeof digest, out->sha);
    /* Every thumbnail is made before anything is stored: a cover libvips
     * cannot read to the end leaves nothing behind. */
    for (int i = 0; i < ARTWORK_THUMBS; i++) {
        if (snprintf(suffix[i], sizeof suffix[i], "-%d.jpg", artwork_thumb_sizes[i]) >= (int)sizeof suffix[i])
            goto cleanup;
        if (!media_store_has(st, MEDIA_KIND_ART, out->sha, suffix[i])
            && make_thumb(data, len, artwork_thumb_sizes[i], &thumbs[i], &thumb_len[i], err) != 0)
            goto cleanup;
    }
    if (!media_store_has(st, MEDIA_KIND_ART, out->sha, out->ext)
        && media_store_put_as(st, MEDIA_KIND_ART, out->sha, out->ext, data, len, err) != 0)
        goto cleanup;
    for (int i = 0; i < ARTWORK_THUMBS; i++)
        if (thumbs[i] != NULL
            && media_store_put_as(st, MEDIA_KIND_ART, out->sha, suffix[i], thumbs[i], thumb_len[i], err) != 0)
            goto cleanup;
    rc = 0;
cleanup:
    for (int i = 0; i < ARTWORK_THUMBS; i++)
        g_free(thumbs[i]);
    g_free(converted);
    return rc;
}

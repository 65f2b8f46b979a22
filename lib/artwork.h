/* artwork.h — cover art into the media store, with thumbnails (libvips).
 *
 * The original is kept as art/aa/<sha>.jpg or .png (sha of its bytes; a
 * cover in any other format libvips reads is kept as a JPEG made from it),
 * and square thumbnails, cover-cropped from the centre, as
 * art/aa/<sha>-96.jpg, -300.jpg and -640.jpg.  An image over
 * ARTWORK_MAX_BYTES, or wider or taller than ARTWORK_MAX_SIDE pixels, is
 * refused before it is decoded.
 */
#ifndef LYRE_ARTWORK_H
#define LYRE_ARTWORK_H

#include <stddef.h>
#include <stdint.h>

#include "media_store.h"
#include "str.h"

#define ARTWORK_MAX_BYTES (20u * 1024 * 1024)
#define ARTWORK_MAX_SIDE 12000
#define ARTWORK_THUMBS 3

extern const int artwork_thumb_sizes[ARTWORK_THUMBS];   /* 96, 300, 640 */

typedef struct artwork_info {
    char sha[MEDIA_SHA_HEX];     /* of the original as stored */
    const char *mime;            /* "image/jpeg" or "image/png" */
    const char *ext;             /* ".jpg" or ".png" */
    unsigned width, height;      /* of the original */
    size_t bytes;
} artwork_info;

/* Start libvips (call once, before any thread uses it). 0 or -1. */
int artwork_global_init(const char *argv0);
void artwork_global_shutdown(void);
/* A thread that used artwork_store calls this before it exits. */
void artwork_thread_end(void);

/* Store the image data and its thumbnails (those already in the store are
 * not made again).  0, or -1 with the reason in err. */
int artwork_store(const media_store *st, const void *data, size_t len, artwork_info *out, strbuf *err);

/* Where a file name ranks as a cover beside the music: 0 best (cover.jpg),
 * then folder.jpg, front.jpg, cover.png... (case does not matter); -1 when
 * it is not a cover name. */
int artwork_cover_rank(const char *file_name);

/* Read an image file of at most ARTWORK_MAX_BYTES (malloc'd).  0 or -1 (err). */
int artwork_read_file(const char *path, uint8_t **data, size_t *len, strbuf *err);

#endif

/* media_store.h — the content-addressed media store (lyre.conf paths.media).
 *
 * Files are named by the SHA-256 (lowercase hex) of their bytes, under
 * KIND/aa/ where aa is the first two hex characters:
 *   audio/aa/<sha>.mp3, audio/aa/<sha>.idx        a rendition and its frame index
 *   art/aa/<sha>.jpg|png, art/aa/<sha>-300.jpg     a cover and its thumbnails
 * A file appears under its final name only complete and on disk: it is
 * written to a temporary name (".tmp-XXXXXX") on the same file system,
 * fsync'd, made world-readable (the web server serves it) and renamed into
 * place, and the directory is fsync'd.  When the content is known first the
 * temporary file is made in KIND/aa/ itself; a file whose name is only known
 * once written (an encoder's output) starts in KIND/.  Renaming over an
 * existing file of the same name is harmless: same name, same bytes.
 *
 * Thread-safe: a media_store is read-only after media_store_open.
 */
#ifndef LYRE_MEDIA_STORE_H
#define LYRE_MEDIA_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "str.h"

#define MEDIA_SHA_HEX 65            /* 64 hex characters and the NUL */
#define MEDIA_KIND_AUDIO "audio"
#define MEDIA_KIND_ART "art"

typedef struct media_store {
    char *root;                     /* absolute or as configured, no trailing '/' */
} media_store;

/* Use root (creating root/audio and root/art if missing).  0, or -1 with
 * the reason in err. */
int media_store_open(media_store *st, const char *root, strbuf *err);
void media_store_close(media_store *st);

/* "KIND/aa/<sha><suffix>", relative to the root (the URL path below /media
 * or /art), appended to out.  suffix is ".mp3", ".idx", "-300.jpg"... */
void media_store_relpath(strbuf *out, const char *kind, const char *sha_hex, const char *suffix);
/* The same, absolute (root/...). */
void media_store_path(const media_store *st, strbuf *out, const char *kind, const char *sha_hex,
                      const char *suffix);
/* 1 if that file exists. */
int media_store_has(const media_store *st, const char *kind, const char *sha_hex, const char *suffix);

/* A file being written. */
typedef struct media_tmp {
    int fd;                         /* -1 when closed */
    char *path;                     /* NULL when there is no file */
} media_tmp;

#define MEDIA_TMP_INIT { -1, NULL }

/* Create an empty temporary file in KIND/aa/ (sha_hex given) or KIND/
 * (sha_hex NULL), open for reading and writing. */
int media_tmp_create(const media_store *st, const char *kind, const char *sha_hex, media_tmp *t,
                     strbuf *err);
/* Write all of data at the current offset (retries short writes and EINTR). */
int media_tmp_write(media_tmp *t, const void *data, size_t len, strbuf *err);
/* Replace t->fd by a fresh descriptor of t->path (after another writer
 * replaced the file at that path, e.g. by its own rename). */
int media_tmp_reopen(media_tmp *t, strbuf *err);
/* fsync, chmod 0644, rename to KIND/aa/<sha><suffix>, fsync the directory.
 * The temporary file is gone afterwards, whatever the outcome. */
int media_tmp_commit(const media_store *st, media_tmp *t, const char *kind, const char *sha_hex,
                     const char *suffix, strbuf *err);
/* Close and remove (idempotent; safe on MEDIA_TMP_INIT). */
void media_tmp_discard(media_tmp *t);

/* Store data under its own SHA-256 (written to sha_out) with suffix. */
int media_store_put(const media_store *st, const char *kind, const void *data, size_t len,
                    const char *suffix, char sha_out[MEDIA_SHA_HEX], strbuf *err);
/* Store data under a given name (a thumbnail named after its original). */
int media_store_put_as(const media_store *st, const char *kind, const char *sha_hex, const char *suffix,
                       const void *data, size_t len, strbuf *err);

/* SHA-256 of a file's whole content as hex; 0 or -1 (err).  Empty files
 * hash fine. */
int media_file_sha256(const char *path, char sha_out[MEDIA_SHA_HEX], strbuf *err);
/* Map a whole open file read-only (len 0: *data is NULL).  media_unmap it. */
int media_map_fd(int fd, const uint8_t **data, size_t *len, strbuf *err);
void media_unmap(const uint8_t *data, size_t len);

/* Remove temporary files older than max_age seconds left in KIND/ and
 * KIND/aa/ by a process that died; returns how many. */
size_t media_store_sweep(const media_store *st, time_t max_age);

#endif

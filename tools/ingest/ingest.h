/* ingest.h — lyre-ingest: what its files share.
 *
 *   main.c      options, the run: scan, vanish, workers, summary
 *   scan.c      the sources already known (one query, a hash table) and the
 *               walk of the given paths: what changed, what is new, what vanished
 *   track.c     one file: decode once, encode the ladder, store, upsert
 *   upsert.c    the catalog rows of one track, in one transaction
 *   progress.c  the progress bar (terminal) or plain lines
 */
#ifndef LYRE_INGEST_H
#define LYRE_INGEST_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "artwork.h"
#include "audio.h"
#include "config.h"
#include "db.h"
#include "encode.h"
#include "media_store.h"
#include "str.h"

/* Exit statuses. */
enum { INGEST_OK = 0, INGEST_FAILED = 1, INGEST_USAGE = 2 };

/* ------------------------------------------------------------ scan.c */

enum source_status { SOURCE_OK, SOURCE_FAILED, SOURCE_VANISHED };

/* A media_sources row, as loaded at start. */
typedef struct known_source {
    const char *path;             /* bytes, NUL-terminated (paths hold no NUL) */
    size_t path_len;
    unsigned long long id;
    unsigned long long track_id;  /* 0 = none */
    unsigned long long size;
    long long mtime_ns;
    enum source_status status;
    int seen;                     /* found on disk by this run */
} known_source;

typedef struct source_table {
    known_source *items;
    size_t n;
    size_t *slots;                /* open addressing: index + 1, 0 = empty */
    size_t nslots;
    arena strings;
} source_table;

/* A file to decode. */
typedef struct work_item {
    char *path;
    unsigned long long size;
    long long mtime_ns;
    const char *cover_path;       /* best cover image in the same folder, or NULL */
    const known_source *known;    /* its row, NULL if new */
} work_item;

typedef struct scan_result {
    work_item *items;
    size_t n, cap;
    size_t files;                 /* audio files seen */
    size_t unchanged;             /* skipped: same size and mtime */
    size_t failed_before;         /* skipped: unchanged since they failed */
    size_t errors;                /* paths or folders that could not be read (said) */
    char **roots;                 /* the given paths, resolved */
    size_t nroots;
    char **bad_dirs;              /* folders that could not be read: nothing under them vanishes */
    size_t nbad;
    known_source **revive;        /* vanished sources back unchanged */
    size_t nrevive;
    arena strings;
} scan_result;

int sources_load(lyre_db *db, source_table *t, strbuf *err);
const known_source *sources_find(const source_table *t, const char *path, size_t len);
void sources_free(source_table *t);

struct progress;
/* Walk the paths; unreadable ones are reported through p and counted. */
int scan_paths(char *const *paths, size_t npaths, source_table *known, int force, scan_result *out,
               struct progress *p);
void scan_free(scan_result *r);
/* Known sources under a scanned root, not seen and not under an unreadable
 * folder: they are gone. */
int known_vanished(const scan_result *r, const known_source *k);

/* ------------------------------------------------------------ progress.c */

typedef struct progress {
    pthread_mutex_t lock;
    int tty;
    int quiet;
    int width;
    size_t total, done, failed;
    double audio_seconds;
    double started;
    int drawn;                    /* a bar is on the screen */
} progress;

void progress_init(progress *p, int quiet);
void progress_start(progress *p, size_t total);
void progress_ingested(progress *p, const char *path, size_t renditions, double audio_seconds);
/* A known file found at a new path ("moved PATH"); counts as done. */
void progress_moved(progress *p, const char *path);
/* "PATH: reason" on stderr; counts as a failure. */
void progress_failed(progress *p, const char *path, const char *reason);
/* "PATH: note" on stderr (not a failure). */
void progress_note(progress *p, const char *path, const char *note);
void progress_draw(progress *p);
void progress_end(progress *p);
double progress_now(void);
/* Append path for a message: valid UTF-8 text as is; control characters
 * (which could move the cursor or forge a line) and bytes that are not
 * UTF-8 as \xNN. */
void progress_add_path(strbuf *out, const char *path);

/* ------------------------------------------------------------ track.c */

typedef struct ingest_ctx {
    const lyre_config *cfg;
    media_store store;
    progress *progress;
    const volatile sig_atomic_t *stop;
} ingest_ctx;

typedef struct worker {
    const ingest_ctx *ctx;
    lyre_db *db;
    arena a;
} worker;

typedef enum item_outcome { ITEM_INGESTED, ITEM_RELINKED, ITEM_BAD_FILE, ITEM_ERROR, ITEM_STOPPED } item_outcome;

/* Do one file; reports to the progress itself. */
item_outcome ingest_item(worker *w, const work_item *it);

/* ------------------------------------------------------------ upsert.c */

typedef struct rendition_row {
    int kbps;
    unsigned sample_rate;
    unsigned channels;
    char sha[MEDIA_SHA_HEX];
    unsigned long long bytes;
    unsigned long long duration_ms;
    unsigned long long peak_bandwidth;
} rendition_row;

/* Everything the catalog learns from one file. */
typedef struct track_rows {
    const char *path;
    unsigned long long size;
    long long mtime_ns;
    const char *content_sha;
    unsigned long long old_track_id;   /* the track the source had, 0 = none */
    const audio_tags *tags;
    const audio_info *info;
    const char *title;                 /* never NULL (tag, else file name) */
    unsigned long long duration_ms;
    const artwork_info *art;           /* NULL = no cover */
    const rendition_row *renditions;
    size_t nrenditions;
} track_rows;

/* One transaction: artists, album, genre, artwork, track, credits,
 * renditions, source.  0 with *track_id, or -1 (err; rolled back). */
int upsert_track(lyre_db *db, arena *a, const track_rows *t, unsigned long long *track_id, strbuf *err);
/* Record a file that failed (its track, if any, is left as it was). */
int upsert_failed_source(lyre_db *db, const char *path, unsigned long long size, long long mtime_ns,
                         const char *reason);
/* A vanished source found again at a new path with the same content:
 * move its row there.  1 moved (track_id set), 0 nothing to move, -1 error. */
int upsert_relink_source(lyre_db *db, arena *a, const char *path, unsigned long long size, long long mtime_ns,
                         const char *content_sha, unsigned long long *track_id, strbuf *err);
/* Mark sources vanished / back, with their tracks. */
int upsert_vanish(lyre_db *db, const known_source *k, strbuf *err);
int upsert_revive(lyre_db *db, const known_source *k, strbuf *err);

/* sha256 hex of the path bytes (the unique key of media_sources). */
void path_key(const char *path, char out[MEDIA_SHA_HEX]);

#endif

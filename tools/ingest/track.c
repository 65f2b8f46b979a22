/* track.c — one source file: decode once, encode every rung of the ladder
 * from the same PCM, index and store the renditions, store the cover, then
 * write the catalog rows in one transaction.
 *
 * Order matters for what a crash or a bad file leaves behind: renditions
 * are written to temporary files and renamed into the store only after the
 * whole file decoded cleanly and every rendition was indexed; the rows come
 * last.  So a bad file leaves nothing, and a crash leaves at worst
 * content-addressed files no row refers to — never a row without its file.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "ingest.h"
#include "mp3.h"

typedef struct rung {
    int kbps;
    mp3_encoder *enc;
    media_tmp mp3;
    media_tmp idx;
} rung;

typedef struct ladder {
    rung rungs[ENCODE_MAX_RUNGS];
    size_t n;
    int failed;                   /* an encoder or a write failed: our problem, not the file's */
} ladder;

static int feed(void *ctx, const float *left, const float *right, size_t n, strbuf *err)
{
    ladder *l = ctx;
    for (size_t i = 0; i < l->n; i++) {
        if (mp3_encoder_feed(l->rungs[i].enc, left, right, n, err) != 0) {
            l->failed = 1;
            return -1;
        }
    }
    return 0;
}

static void ladder_free(ladder *l)
{
    for (size_t i = 0; i < l->n; i++) {
        mp3_encoder_free(l->rungs[i].enc);
        media_tmp_discard(&l->rungs[i].mp3);
        media_tmp_discard(&l->rungs[i].idx);
    }
    l->n = 0;
}

static int ladder_open(ladder *l, const media_store *st, const audio_info *info, strbuf *err)
{
    int kbps[ENCODE_MAX_RUNGS];
    size_t n = encode_pick_ladder(info->source_kbps, info->lossless, kbps);

    for (size_t i = 0; i < n; i++) {
        rung *r = &l->rungs[l->n++];
        r->kbps = kbps[i];
        r->mp3 = (media_tmp)MEDIA_TMP_INIT;
        r->idx = (media_tmp)MEDIA_TMP_INIT;
        if (media_tmp_create(st, MEDIA_KIND_AUDIO, NULL, &r->mp3, err) != 0)
            return -1;
        r->enc = mp3_encoder_new(kbps[i], (int)info->channels, r->mp3.fd, err);
        if (r->enc == NULL)
            return -1;
    }
    return 0;
}

/* Flush a rung, hash and index it, write its index to a temporary file. */
static int finish_rung(const media_store *st, rung *r, unsigned channels, rendition_row *row, strbuf *err)
{
    const uint8_t *data = NULL;
    size_t len = 0;
    mp3_index ix;
    uint8_t digest[CRYPTO_SHA256_LEN];
    int rc = -1;

    memset(&ix, 0, sizeof ix);
    if (mp3_encoder_finish(r->enc, err) != 0 || media_map_fd(r->mp3.fd, &data, &len, err) != 0)
        goto cleanup;
    if (crypto_sha256(data, len, digest) != 0) {
        sb_adds(err, "SHA-256 failed");
        goto cleanup;
    }
    hex_encode(digest, sizeof digest, row->sha);
    if (mp3_index_build(data, len, &ix, err) != 0)
        goto cleanup;
    if (ix.sample_rate != ENCODE_SAMPLE_RATE || ix.channels != channels || ix.bitrate_kbps != (uint32_t)r->kbps) {
        sb_addf(err, "the %d kbps rendition came out as %u kbps, %u Hz, %u channels", r->kbps, ix.bitrate_kbps,
                ix.sample_rate, ix.channels);
        goto cleanup;
    }
    row->kbps = r->kbps;
    row->sample_rate = ix.sample_rate;
    row->channels = ix.channels;
    row->bytes = len;
    row->duration_ms = mp3_index_duration_ms(&ix);
    row->peak_bandwidth = mp3_index_peak_bandwidth(&ix);
    if (media_tmp_create(st, MEDIA_KIND_AUDIO, NULL, &r->idx, err) != 0)
        goto cleanup;
    if (mp3_index_save(&ix, r->idx.path) != 0) {
        sb_adds(err, "cannot write the frame index");
        goto cleanup;
    }
    /* mp3_index_save replaced the file by its own rename: fsync the new one. */
    if (media_tmp_reopen(&r->idx, err) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    media_unmap(data, len);
    mp3_index_free(&ix);
    return rc;
}

/* Embedded cover first, else the folder's; a bad cover is a note, not a failure. */
static int take_artwork(worker *w, const work_item *it, const audio_file *af, artwork_info *art)
{
    const media_store *st = &w->ctx->store;
    strbuf err = STRBUF_INIT;
    size_t len = 0;
    const uint8_t *cover = audio_file_cover(af, &len);
    uint8_t *folder = NULL;
    int have = 0;

    if (cover != NULL) {
        if (artwork_store(st, cover, len, art, &err) == 0) {
            have = 1;
            goto cleanup;
        }
        sb_adds(&err, " (embedded cover ignored)");
        progress_note(w->ctx->progress, it->path, err.buf);
        sb_reset(&err);
    }
    if (it->cover_path != NULL) {
        if (artwork_read_file(it->cover_path, &folder, &len, &err) == 0
            && artwork_store(st, folder, len, art, &err) == 0) {
            have = 1;
            goto cleanup;
        }
        progress_note(w->ctx->progress, it->cover_path, err.buf);
    }
cleanup:
    free(folder);
    sb_free(&err);
    return have;
}

/* The file name without folder and extension, as a title of last resort. */
static char *title_from_path(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;
    char *copy, *title;

    base = base != NULL ? base + 1 : path;
    copy = strdup(base);
    if (copy == NULL)
        return NULL;
    dot = strrchr(copy, '.');
    if (dot != NULL && dot != copy)
        copy[dot - copy] = '\0';
    title = audio_clean_text(copy, AUDIO_NAME_MAX_CHARS);
    free(copy);
    return title;
}

item_outcome ingest_item(worker *w, const work_item *it)
{
    const ingest_ctx *ctx = w->ctx;
    strbuf err = STRBUF_INIT;
    audio_file *af = NULL;
    ladder lad;
    rendition_row rows[ENCODE_MAX_RUNGS];
    artwork_info art;
    track_rows t;
    char content_sha[MEDIA_SHA_HEX];
    char *title = NULL;
    unsigned long long track_id = 0;
    item_outcome out = ITEM_ERROR;
    int have_art, moved;

    memset(&lad, 0, sizeof lad);
    memset(rows, 0, sizeof rows);
    arena_reset(&w->a);
    if (ctx->stop != NULL && *ctx->stop)
        return ITEM_STOPPED;
    if (it->size == 0) {
        sb_adds(&err, "empty file");
        out = ITEM_BAD_FILE;
        goto cleanup;
    }
    if (media_file_sha256(it->path, content_sha, &err) != 0) {
        out = ITEM_BAD_FILE;
        goto cleanup;
    }
    /* A file that moved: its vanished row follows it, no decoding. */
    if (it->known == NULL) {
        moved = upsert_relink_source(w->db, &w->a, it->path, it->size, it->mtime_ns, content_sha, &track_id, &err);
        if (moved < 0)
            goto cleanup;
        if (moved == 1) {
            progress_moved(ctx->progress, it->path);
            out = ITEM_RELINKED;
            goto cleanup;
        }
    }
    af = audio_open(it->path, &err);
    if (af == NULL) {
        out = ITEM_BAD_FILE;
        goto cleanup;
    }
    if (ladder_open(&lad, &ctx->store, audio_file_info(af), &err) != 0)
        goto cleanup;
    if (audio_decode(af, feed, &lad, ctx->stop, &err) != 0) {
        if (ctx->stop != NULL && *ctx->stop)
            out = ITEM_STOPPED;
        else if (!lad.failed)
            out = ITEM_BAD_FILE;
        goto cleanup;
    }
    for (size_t i = 0; i < lad.n; i++)
        if (finish_rung(&ctx->store, &lad.rungs[i], audio_file_info(af)->channels, &rows[i], &err) != 0)
            goto cleanup;
    have_art = take_artwork(w, it, af, &art);
    for (size_t i = 0; i < lad.n; i++) {
        if (media_tmp_commit(&ctx->store, &lad.rungs[i].idx, MEDIA_KIND_AUDIO, rows[i].sha, ".idx", &err) != 0
            || media_tmp_commit(&ctx->store, &lad.rungs[i].mp3, MEDIA_KIND_AUDIO, rows[i].sha, ".mp3", &err) != 0)
            goto cleanup;
    }
    title = audio_file_tags(af)->title != NULL ? NULL : title_from_path(it->path);
    memset(&t, 0, sizeof t);
    t.path = it->path;
    t.size = it->size;
    t.mtime_ns = it->mtime_ns;
    t.content_sha = content_sha;
    t.old_track_id = it->known != NULL ? it->known->track_id : 0;
    t.tags = audio_file_tags(af);
    t.info = audio_file_info(af);
    t.title = t.tags->title != NULL ? t.tags->title : title != NULL ? title : "Untitled";
    t.duration_ms = audio_decoded_ms(af);
    t.art = have_art ? &art : NULL;
    t.renditions = rows;
    t.nrenditions = lad.n;
    if (upsert_track(w->db, &w->a, &t, &track_id, &err) != 0)
        goto cleanup;
    progress_ingested(ctx->progress, it->path, lad.n, (double)t.duration_ms / 1000.0);
    out = ITEM_INGESTED;
cleanup:
    if (out == ITEM_BAD_FILE) {
        progress_failed(ctx->progress, it->path, err.buf);
        /* Not retried until the file changes (the reason stays in media_sources). */
        if (upsert_failed_source(w->db, it->path, it->size, it->mtime_ns, err.buf) != 0)
            progress_note(ctx->progress, it->path, "could not record the failure in media_sources");
    } else if (out == ITEM_ERROR) {
        progress_failed(ctx->progress, it->path, err.buf);
    }
    ladder_free(&lad);
    audio_close(af);
    free(title);
    sb_free(&err);
    return out;
}

/* hls.c — GET /hls/{id}/master.m3u8 (the ladder) and /hls/{id}/{kbps}.m3u8
 * (one rung: byte ranges of its MP3 file, cut by lib/mp3 from the frame
 * index written at ingest). */
#include "stream.h"

#include <string.h>

#include "log.h"
#include "mp3.h"

#define HLS_TYPE "application/vnd.apple.mpegurl"
/* Media playlists hold signed URLs valid for hours: a few minutes of caching
 * is safe.  The ladder depends on the listener's plan, which may change at
 * any request: asked every time. */
#define HLS_CACHE "private, max-age=300"
#define HLS_MASTER_CACHE "private, no-cache"

static lyre_err master_playlist(lyre_req *req, const rendition *list, size_t n)
{
    strbuf *out = &req->body_out;
    sb_adds(out, "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    for (size_t i = 0; i < n; i++) {
        unsigned long long peak = list[i].peak_bandwidth ? list[i].peak_bandwidth
                                                         : (unsigned long long)list[i].kbps * 1000;
        sb_addf(out, "#EXT-X-STREAM-INF:BANDWIDTH=%llu,AVERAGE-BANDWIDTH=%llu,CODECS=\"mp4a.40.34\"\n"
                "%d.m3u8\n", peak, (unsigned long long)list[i].kbps * 1000, list[i].kbps);
    }
    return LYRE_OK;
}

static lyre_err media_playlist(lyre_req *req, unsigned long long id, const rendition *r)
{
    mp3_index ix;
    strbuf err = STRBUF_INIT;
    lyre_err rc = LYRE_ERR_INTERNAL;
    memset(&ix, 0, sizeof ix);

    const char *idx_path = stream_media_file(req, r, "idx");
    if (mp3_index_load(idx_path, &ix, &err) != 0) {
        log_error("track %llu, %d kbps: %s", id, r->kbps, err.buf);
        goto cleanup;
    }
    if (ix.offsets[ix.nframes] != r->bytes) {
        log_error("track %llu, %d kbps: the frame index ends at byte %llu, the file has %llu bytes",
                  id, r->kbps, (unsigned long long)ix.offsets[ix.nframes], r->bytes);
        goto cleanup;
    }
    const char *url;
    if (strcmp(req->cfg->stream_mode, "x-sendfile") == 0) {
        /* No signed URLs (Apache cannot check them): every segment comes
         * through /stream, which answers X-Sendfile for this very rung. */
        url = arena_printf(req->a, "/stream/%llu.mp3?br=%d", id, r->kbps);
    } else {
        /* Valid for the whole track plus the usual margin, so a paused
         * listener can still resume. */
        long long valid_for = (long long)(mp3_index_duration_ms(&ix) / 1000) + req->cfg->stream_url_ttl;
        url = stream_sign(req, stream_media_url_path(req, r), valid_for);
        if (!url)
            goto cleanup;
    }
    mp3_hls_media_playlist(&ix, url, &req->body_out);
    rc = LYRE_OK;
cleanup:
    mp3_index_free(&ix);
    sb_free(&err);
    return rc;
}

lyre_err page_hls(lyre_req *req)
{
    unsigned long long id;
    rendition *list;
    size_t n;
    long kbps = 0;

    lyre_err err = app_arg_id(req, 0, &id);
    if (err != LYRE_OK)
        return err;
    const char *name = req->route_args[1];
    int master = strcmp(name, "master.m3u8") == 0;
    if (!master) {
        size_t len = strlen(name);
        char digits[8];
        if (!str_ends_with(name, ".m3u8") || len - 5 >= sizeof digits || len == 5)
            return LYRE_ERR_NOT_FOUND;
        memcpy(digits, name, len - 5);
        digits[len - 5] = '\0';
        if (str_to_long(digits, 1, 10000, &kbps) != 0)
            return LYRE_ERR_NOT_FOUND;
    }
    /* The skip limit is checked on the ladder, the first thing a player
     * asks for a song (/hls/ID/master.m3u8?skip=...). */
    int max_kbps = 0;
    size_t above = 0;
    err = stream_allow(req, &max_kbps);
    if (err == LYRE_OK)
        err = stream_renditions(req, id, max_kbps, &list, &n, &above);
    if (err != LYRE_OK)
        return err;
    sb_reset(&req->body_out);
    if (master) {
        err = master_playlist(req, list, n);
    } else {
        const rendition *r = NULL;
        for (size_t i = 0; i < n; i++)
            if (list[i].kbps == kbps)
                r = &list[i];
        if (!r && above > 0 && kbps > max_kbps) {
            req->error_detail = arena_printf(req->a, "Your plan streams up to %d kbit/s. Premium has "
                                             "the %ld kbit/s stream: see /plans.", max_kbps, kbps);
            return LYRE_ERR_FORBIDDEN;
        }
        if (!r) {
            req->error_detail = arena_printf(req->a, "Track %llu has no %ld kbit/s stream.", id, kbps);
            return LYRE_ERR_NOT_FOUND;
        }
        err = media_playlist(req, id, r);
    }
    if (err != LYRE_OK) {
        sb_reset(&req->body_out);
        return err;
    }
    req->content_type = HLS_TYPE;
    http_set_header(req, "Cache-Control", master ? HLS_MASTER_CACHE : HLS_CACHE);
    return LYRE_OK;
}

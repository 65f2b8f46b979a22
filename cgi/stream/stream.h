/* stream.h — cgi/lyre-stream: authorise a play, hand the bytes to the web
 * server (a signed /media/ URL or X-Sendfile), HLS playlists, play events. */
#ifndef LYRE_STREAM_H
#define LYRE_STREAM_H

#include "app.h"

lyre_err page_stream(lyre_req *req);        /* GET /stream/{id}[.mp3][?br=KBPS] */
lyre_err page_hls(lyre_req *req);           /* GET /hls/{id}/master.m3u8, /hls/{id}/{kbps}.m3u8 */
lyre_err post_events(lyre_req *req);        /* POST /stream/events */

/* One rendition of a track, as the renditions table holds it. */
typedef struct rendition {
    int kbps;
    const char *sha256;                     /* 64 lowercase hex, checked */
    unsigned long long bytes;
    unsigned long long duration_ms;
    unsigned long long peak_bandwidth;      /* bits/s */
} rendition;

/* The renditions of track_id this request may play, lowest bitrate first,
 * after the checks of a play: the track exists and is available, it has
 * renditions, and the listener is allowed (stream.public, later the plan).
 * LYRE_OK with *n >= 1, or the error to answer. */
lyre_err stream_renditions(lyre_req *req, unsigned long long track_id, rendition **out, size_t *n);

/* Highest bitrate this listener may have, 0 for no cap.  The one entitlement
 * function: the Plans issue caps bitrates by plan here. */
int stream_max_kbps(const lyre_req *req);

/* "/media/audio/aa/<sha>.mp3" (URL) and MEDIA/audio/aa/<sha>.<ext> (file). */
const char *stream_media_url_path(lyre_req *req, const rendition *r);
const char *stream_media_file(lyre_req *req, const rendition *r, const char *ext);

/* url_path?e=EXPIRES&s=HEX(HMAC-SHA256(secret, url_path "|" EXPIRES)), the
 * URL the web server checks (etc/stream.lua).  valid_for is in seconds;
 * the expiry is rounded up so that URLs made close together are equal and
 * cacheable.  NULL (logged) if the secret cannot be read. */
const char *stream_sign(lyre_req *req, const char *url_path, long long valid_for);

#endif

/* stream.h — cgi/lyre-stream: authorise a play, hand the bytes to the web
 * server (a signed /media/ URL or X-Sendfile), HLS playlists, play events. */
#ifndef LYRE_STREAM_H
#define LYRE_STREAM_H

#include "app.h"
#include "entitlement.h"

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
 * renditions, and the listener is allowed (stream.public).  Rungs above
 * max_kbps (0: no cap) are left out, except the lowest, which always stays:
 * a plan never silences a track; *above (may be NULL) counts those left out.
 * LYRE_OK with *n >= 1, or the error to answer. */
lyre_err stream_renditions(lyre_req *req, unsigned long long track_id, int max_kbps,
                           rendition **out, size_t *n, size_t *above);

/* What the listener's plan allows (lib/entitlement.h, asked afresh on every
 * request so a change of plan shows at once), with the skip limit: when the
 * request carries ?skip= (the player pressed "next": skip=1, or skip=PLAY_ID,
 * the 32-hex id of the play being skipped, which is then not counted whether
 * its "skip" event arrived first or not) and the plan's skips of the last
 * hour, counted from play_events, are used up: LYRE_ERR_TOO_MANY with
 * Retry-After.  *max_kbps: the highest rung this listener may have. */
lyre_err stream_allow(lyre_req *req, int *max_kbps);

/* Highest bitrate a plan allows, 0 for no cap. */
int stream_max_kbps(const entitlement *e);

/* "/media/audio/aa/<sha>.mp3" (URL) and MEDIA/audio/aa/<sha>.<ext> (file). */
const char *stream_media_url_path(lyre_req *req, const rendition *r);
const char *stream_media_file(lyre_req *req, const rendition *r, const char *ext);

/* url_path?e=EXPIRES&s=HEX(HMAC-SHA256(secret, url_path "|" EXPIRES)), the
 * URL the web server checks (etc/stream.lua).  valid_for is in seconds;
 * the expiry is rounded up so that URLs made close together are equal and
 * cacheable.  NULL (logged) if the secret cannot be read. */
const char *stream_sign(lyre_req *req, const char *url_path, long long valid_for);

#endif

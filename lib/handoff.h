/* handoff.h — the bytes of audio are never sent by a program: it hands the
 * file to the web server, which does Range, sendfile and keep-alive.
 * stream.mode "redirect": a 302 to a short-lived signed /media/ URL, checked
 * by lighttpd itself (etc/stream.lua); "x-sendfile": the file's path in
 * X-Sendfile (Apache's mod_xsendfile), one FastCGI round trip per request.
 * Used by lyre-stream, the Subsonic API and sponsor spots alike. */
#ifndef LYRE_HANDOFF_H
#define LYRE_HANDOFF_H

#include "arena.h"
#include "config.h"
#include "errors.h"
#include "http.h"

/* 1 when s is a media-store name: 64 lowercase hex characters. */
int handoff_is_sha256(const char *s);

/* "/media/audio/aa/<sha>.mp3" and MEDIA/audio/aa/<sha>.<ext>; NULL unless
 * sha256 is 64 lowercase hex characters. */
const char *handoff_audio_url_path(arena *a, const char *sha256);
const char *handoff_audio_file(arena *a, const lyre_config *cfg, const char *sha256, const char *ext);

/* url_path?e=EXPIRES&s=HEX(HMAC-SHA256(secret, url_path "|" EXPIRES)), the
 * URL the web server checks (etc/stream.lua).  valid_for is in seconds; the
 * expiry is rounded up so that URLs made close together are equal and
 * cacheable.  NULL (logged) if stream.secret_file cannot be read. */
const char *handoff_sign(lyre_req *req, const char *url_path, long long valid_for);

/* Answer req with the MP3 named sha256 in the media store, by stream.mode:
 * 302 to its signed URL, or X-Sendfile with audio/mpeg.  LYRE_OK or
 * LYRE_ERR_INTERNAL (bad name, unreadable secret). */
lyre_err handoff_audio(lyre_req *req, const char *sha256);

#endif

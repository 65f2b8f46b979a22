/* media.c — the endpoints that answer with bytes: stream, download,
 * getCoverArt; and the lyrics endpoints (Lyre keeps no lyrics yet).
 *
 * Audio is never copied by this program when it can be helped: it picks a
 * rendition and hands the file to the web server (lib/handoff.h), a 302 to a
 * signed /media/ URL (lighttpd) or X-Sendfile (Apache), so Range, sendfile
 * and keep-alive are the web server's.  The one exception is timeOffset: no
 * hand-off can start a file in the middle, so the bytes from the frame that
 * holds the offset (found in the rendition's frame index) are read here and
 * sent as the body.  Nothing is transcoded: every rendition is an MP3, so
 * format=mp3 or anything else gets the MP3 rendition chosen by maxBitRate
 * and the listener's plan, and format=raw the best rendition the plan
 * allows (Lyre keeps no original files in the media store).
 *
 * Cover art ids (coverArt attributes, see subsonic.h): "al-N" the album's
 * artwork, "tr-N" a track's own artwork or its album's, a bare "N" an album,
 * and, answered here only, "ar-N" (the artist's newest album with artwork)
 * and "pl-N" (a playlist's uploaded cover, else its first song's album
 * cover, for those who may see the playlist).  size picks the smallest
 * stored thumbnail at least that big (96, 300, 640 px), the original beyond
 * that or without size. */
#include "subsonic.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "entitlement.h"
#include "handoff.h"
#include "log.h"
#include "mp3.h"

/* The most a timeOffset answer reads into memory (a 2-hour mix at 320 kbit/s). */
#define OFFSET_MAX_BYTES (300ULL * 1024 * 1024)
/* lib/artwork.h's artwork_thumb_sizes (that library of libvips is not linked here). */
static const int thumb_sizes[] = { 96, 300, 640 };

typedef struct rung {
    int kbps;
    const char *sha;
    unsigned long long bytes;
} rung;

/* The highest rung within both the asked maxBitRate (0: none) and the
 * listener's plan, else the lowest rung: a cap never silences a track. */
static int pick_rung(sub_ctx *s, unsigned long long track_id, long max_bitrate, rung *out)
{
    db_result r;
    entitlement ent;
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT r.bitrate_kbps, r.sha256, r.bytes FROM tracks t JOIN renditions r ON r.track_id = t.id "
        "WHERE t.id = ? AND t.available = 1 ORDER BY r.bitrate_kbps", "u", track_id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (r.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Song not found");
    lyre_err err = entitlement_get(s->req->db, s->req->a, s->user.id, &ent);
    if (err != LYRE_OK)
        return sub_fail(s, SUB_E_GENERIC, "The listener's plan could not be read; try again");
    long cap = ent.max_kbps > 0 ? ent.max_kbps : 0;
    if (max_bitrate > 0 && (cap == 0 || max_bitrate < cap))
        cap = max_bitrate;
    size_t pick = r.nrows;
    for (size_t i = 0; i < r.nrows; i++) {
        if (!handoff_is_sha256(db_cell(&r, i, 1))) {
            log_error("track %llu: a rendition has a malformed sha256", track_id);
            continue;
        }
        if (pick == r.nrows || cap == 0 || db_cell_ll(&r, i, 0, 0) <= cap)
            pick = i;
    }
    if (pick == r.nrows)
        return sub_fail(s, SUB_E_GENERIC, "This song's audio is damaged");
    out->kbps = (int)db_cell_ll(&r, pick, 0, 0);
    out->sha = db_cell(&r, pick, 1);
    out->bytes = (unsigned long long)db_cell_ll(&r, pick, 2, 0);
    return 0;
}

/* The bytes of rendition g from the audio frame holding second offset_s on,
 * as the body (see the top of the file for why). */
static int send_from_offset(sub_ctx *s, const rung *g, long offset_s)
{
    lyre_req *req = s->req;
    mp3_index ix;
    strbuf why = STRBUF_INIT;
    FILE *f = NULL;
    int rc = SUB_FAILED;
    char chunk[65536];
    memset(&ix, 0, sizeof ix);

    const char *idx_path = handoff_audio_file(req->a, req->cfg, g->sha, "idx");
    const char *mp3_path = handoff_audio_file(req->a, req->cfg, g->sha, "mp3");
    if (!idx_path || !mp3_path || mp3_index_load(idx_path, &ix, &why) != 0) {
        log_error("rendition %s: %s", g->sha, why.len ? why.buf : "bad name");
        rc = sub_fail(s, SUB_E_GENERIC, "This song cannot be started at an offset");
        goto cleanup;
    }
    unsigned long long frame = (unsigned long long)offset_s * ix.sample_rate / ix.samples_per_frame;
    unsigned long long start = frame < ix.nframes ? ix.offsets[frame] : ix.offsets[ix.nframes];
    unsigned long long end = ix.offsets[ix.nframes];
    if (end - start > OFFSET_MAX_BYTES) {
        rc = sub_fail(s, SUB_E_GENERIC, "This song is too long to start at an offset");
        goto cleanup;
    }
    f = fopen(mp3_path, "rb");
    if (!f || fseeko(f, (off_t)start, SEEK_SET) != 0) {
        log_error("%s: %s", mp3_path, strerror(errno));
        rc = sub_fail(s, SUB_E_GENERIC, "This song's audio cannot be read");
        goto cleanup;
    }
    sb_reset(&req->body_out);
    sb_grow(&req->body_out, (size_t)(end - start));
    unsigned long long left = end - start;
    while (left > 0) {
        size_t want = left < sizeof chunk ? (size_t)left : sizeof chunk;
        size_t got = fread(chunk, 1, want, f);
        if (got == 0) {
            log_error("%s: short read at byte %llu", mp3_path, end - left);
            sb_reset(&req->body_out);
            rc = sub_fail(s, SUB_E_GENERIC, "This song's audio cannot be read");
            goto cleanup;
        }
        sb_add(&req->body_out, chunk, got);
        left -= got;
    }
    req->content_type = "audio/mpeg";
    /* A cut of the file made for this request: no ranges of it, no caching. */
    http_set_header(req, "Accept-Ranges", "none");
    http_set_header(req, "Cache-Control", "no-store");
    rc = SUB_RAW;
cleanup:
    if (f)
        fclose(f);
    mp3_index_free(&ix);
    sb_free(&why);
    return rc;
}

/* Shared by stream and download: id, maxBitRate, timeOffset. */
static int serve_audio(sub_ctx *s, int download)
{
    unsigned long long id;
    long max_bitrate = 0, offset = 0;
    rung g;
    if (sub_param_id(s, "id", &id) != 0)
        return SUB_FAILED;
    if (!download && (sub_param_long(s, "maxBitRate", 0, 0, 100000, &max_bitrate) != 0 ||
                      sub_param_long(s, "timeOffset", 0, 0, 86400, &offset) != 0))
        return SUB_FAILED;
    /* format=raw asks for the file as it is: the best the plan allows, whatever maxBitRate says. */
    const char *format = sub_param(s, "format");
    if (format && strcmp(format, "raw") == 0)
        max_bitrate = 0;
    if (pick_rung(s, id, max_bitrate, &g) != 0)
        return SUB_FAILED;
    if (offset > 0)
        return send_from_offset(s, &g, offset);
    if (handoff_audio(s->req, g.sha) != LYRE_OK)
        return sub_fail(s, SUB_E_GENERIC, "This song cannot be served now");
    return SUB_RAW;
}

int sub_stream(sub_ctx *s)
{
    return serve_audio(s, 0);
}

/* "Artist - Title.mp3" for Content-Disposition: an ASCII fallback (other
 * bytes become '_') and the UTF-8 name percent-encoded (RFC 6266). */
static const char *disposition(sub_ctx *s, unsigned long long id)
{
    db_result r;
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT t.title, (SELECT a.name FROM track_artists ta JOIN artists a ON a.id = ta.artist_id "
        " WHERE ta.track_id = t.id AND ta.role = 'main' ORDER BY ta.position LIMIT 1) FROM tracks t WHERE t.id = ?",
        "u", id);
    if (st != DB_OK || r.nrows == 0)
        return NULL;
    const char *name = db_cell(&r, 0, 1) ? arena_printf(s->req->a, "%s - %s.mp3", db_cell(&r, 0, 1), db_cell(&r, 0, 0))
                                         : arena_printf(s->req->a, "%s.mp3", db_cell(&r, 0, 0));
    strbuf plain = STRBUF_INIT, enc = STRBUF_INIT;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        int safe = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
                   strchr(" .,_-()", *c) != NULL;
        sb_addc(&plain, safe ? (char)*c : '_');
        /* RFC 5987 attr-char: no spaces, commas or parentheses unescaped. */
        if (safe && !strchr(" ,()", *c))
            sb_addc(&enc, (char)*c);
        else
            sb_addf(&enc, "%%%02X", *c);
    }
    const char *out = arena_printf(s->req->a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", plain.buf, enc.buf);
    sb_free(&plain);
    sb_free(&enc);
    return out;
}

/* The highest rendition the plan allows (Lyre keeps no original files in
 * the media store: the sources stay where ingest found them). */
int sub_download(sub_ctx *s)
{
    unsigned long long id = 0;
    int rc = serve_audio(s, 1);
    if (rc != SUB_RAW || strcmp(s->req->cfg->stream_mode, "x-sendfile") != 0)
        return rc;
    /* With X-Sendfile this answer is the file itself; a 302 has no body to name. */
    if (sub_param_id(s, "id", &id) == 0) {
        const char *d = disposition(s, id);
        if (d)
            http_set_header(s->req, "Content-Disposition", d);
    }
    return SUB_RAW;
}

/* ------------------------------------------------------------ cover art */

/* "al-12" -> 'l', 12; "tr-5" -> 't'; "ar-3" -> 'a'; "pl-9" -> 'p'; "12" -> 'l'. */
static int parse_cover_id(const char *text, char *kind, unsigned long long *id)
{
    static const struct { const char *prefix; char kind; } prefixes[] = {
        { "al-", 'l' }, { "tr-", 't' }, { "ar-", 'a' }, { "pl-", 'p' },
    };
    *kind = 'l';
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (str_starts_with(text, prefixes[i].prefix)) {
            *kind = prefixes[i].kind;
            text += 3;
            break;
        }
    return str_to_id(text, 4294967295ULL, id);
}

static db_status cover_row(sub_ctx *s, char kind, unsigned long long id, db_result *r)
{
    lyre_req *req = s->req;
    switch (kind) {
    case 't':
        return db_query(req->db, req->a, r,
            "SELECT aw.sha256, aw.mime FROM tracks t JOIN albums al ON al.id = t.album_id "
            "JOIN artwork aw ON aw.id = COALESCE(t.artwork_id, al.artwork_id) WHERE t.id = ? AND t.available = 1",
            "u", id);
    case 'a':
        return db_query(req->db, req->a, r,
            "SELECT aw.sha256, aw.mime FROM albums al JOIN artwork aw ON aw.id = al.artwork_id "
            "WHERE al.album_artist_id = ? ORDER BY al.id DESC LIMIT 1", "u", id);
    case 'p':
        return db_query(req->db, req->a, r,
            "SELECT aw.sha256, aw.mime FROM playlists p "
            "JOIN artwork aw ON aw.sha256 = COALESCE(p.cover_sha256, "
            " (SELECT aw2.sha256 FROM playlist_items pi JOIN tracks t ON t.id = pi.track_id "
            "  JOIN albums al ON al.id = t.album_id JOIN artwork aw2 ON aw2.id = al.artwork_id "
            "  WHERE pi.playlist_id = p.id ORDER BY pi.position LIMIT 1)) "
            "WHERE p.id = ? AND (p.owner_id = ? OR p.is_public = 1 OR EXISTS (SELECT 1 FROM "
            " playlist_collaborators c WHERE c.playlist_id = p.id AND c.user_id = ?))",
            "uuu", id, s->user.id, s->user.id);
    default:
        return db_query(req->db, req->a, r,
            "SELECT aw.sha256, aw.mime FROM albums al JOIN artwork aw ON aw.id = al.artwork_id WHERE al.id = ?",
            "u", id);
    }
}

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

int sub_getCoverArt(sub_ctx *s)
{
    lyre_req *req = s->req;
    const char *text;
    char kind;
    unsigned long long id;
    long size = 0;
    db_result r;
    if (sub_param_str(s, "id", &text) != 0 || sub_param_long(s, "size", 0, 0, 100000, &size) != 0)
        return SUB_FAILED;
    if (parse_cover_id(text, &kind, &id) != 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Cover art not found");
    db_status st = cover_row(s, kind, id, &r);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    const char *sha = r.nrows ? db_cell(&r, 0, 0) : NULL;
    if (!handoff_is_sha256(sha))
        return sub_fail(s, SUB_E_NOT_FOUND, "Cover art not found");
    const char *mime = db_cell(&r, 0, 1) && strcmp(db_cell(&r, 0, 1), "image/png") == 0 ? "image/png" : "image/jpeg";
    const char *suffix = strcmp(mime, "image/png") == 0 ? ".png" : ".jpg";
    /* The smallest thumbnail that is big enough, if it is there. */
    for (size_t i = 0; size > 0 && i < sizeof thumb_sizes / sizeof thumb_sizes[0]; i++) {
        if (thumb_sizes[i] < size)
            continue;
        const char *thumb = arena_printf(req->a, "-%d.jpg", thumb_sizes[i]);
        if (file_exists(arena_printf(req->a, "%s/art/%.2s/%s%s", req->cfg->media_dir, sha, sha, thumb))) {
            suffix = thumb;
            mime = "image/jpeg";
        }
        break;
    }
    if (strcmp(req->cfg->stream_mode, "x-sendfile") == 0) {
        const char *file = arena_printf(req->a, "%s/art/%.2s/%s%s", req->cfg->media_dir, sha, sha, suffix);
        if (!file_exists(file)) {
            log_error("cover %s%s is missing from the media store", sha, suffix);
            return sub_fail(s, SUB_E_NOT_FOUND, "Cover art not found");
        }
        if (http_set_header(req, "X-Sendfile", file) != 0)
            return sub_fail(s, SUB_E_GENERIC, "Cover art cannot be served now");
        req->content_type = mime;
    } else {
        /* The content-hashed /art/ URL, cached for good wherever it is fetched from. */
        const char *url = arena_printf(req->a, "%s/art/%.2s/%s%s", req->cfg->cdn_base_url, sha, sha, suffix);
        if (http_redirect(req, 302, url) != 0)
            return sub_fail(s, SUB_E_GENERIC, "Cover art cannot be served now");
    }
    /* The id names an album, not a picture: the answer may change with a new cover. */
    http_set_header(req, "Cache-Control", "private, max-age=3600");
    return SUB_RAW;
}

/* ------------------------------------------------------------ lyrics */

/* OpenSubsonic songLyrics: a known song, no lyrics (an empty list). */
int sub_getLyricsBySongId(sub_ctx *s)
{
    unsigned long long id;
    db_result r;
    if (sub_param_id(s, "id", &id) != 0)
        return SUB_FAILED;
    db_status st = db_query(s->req->db, s->req->a, &r, "SELECT 1 FROM tracks WHERE id = ? AND available = 1", "u", id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (r.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Song not found");
    sub_node *list = sub_obj(s->root, "lyricsList");
    sub_empty_list(list, "structuredLyrics");
    return SUB_OK;
}

/* Subsonic getLyrics (artist, title): an empty <lyrics/>, as the reference
 * server answers when it has none. */
int sub_getLyrics(sub_ctx *s)
{
    sub_node *l = sub_obj(s->root, "lyrics");
    sub_attr(l, "artist", sub_param(s, "artist"));
    sub_attr(l, "title", sub_param(s, "title"));
    return SUB_OK;
}

/* stream.c — GET /stream/{id}: authorise one play and hand the bytes to the
 * web server.  With stream.mode "redirect" the answer is a 302 to a signed
 * /media/ URL, and every Range request after it is checked and served by the
 * web server alone; with "x-sendfile" each request comes here and the web
 * server sends the file named in X-Sendfile. */
#include "stream.h"

#include <string.h>

#include "auth.h"
#include "handoff.h"
#include "log.h"

int stream_max_kbps(const entitlement *e)
{
    return e->max_kbps > 0 ? e->max_kbps : 0;
}

static int is_play_id(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') || (s[n] >= 'A' && s[n] <= 'F')))
            return 0;
    return n == 32;
}

/* Skips of the last hour, from the listener's own "skip" play events (any
 * client); except_play: the play being skipped now ("" for none). */
static lyre_err skip_limit(lyre_req *req, const entitlement *e, const char *except_play)
{
    db_result r;
    long long limit = e->skips_per_hour;
    unsigned long long user = req->auth->user_id;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT COUNT(*) FROM play_events WHERE user_id = ? AND created_at > NOW(3) - INTERVAL 1 HOUR"
        " AND event = 'skip' AND play_id <> ?", "us", user, except_play);
    if (st != DB_OK)
        return db_status_to_err(st);
    long long used = db_cell_ll(&r, 0, 0, 0);
    if (used < limit)
        return LYRE_OK;
    /* Skipping is possible again when enough of them have aged past the hour:
     * when the (used - limit + 1)-th oldest has. */
    st = db_query(req->db, req->a, &r,
        "SELECT CEIL(TIMESTAMPDIFF(MICROSECOND, NOW(3), created_at + INTERVAL 1 HOUR) / 1000000)"
        " FROM play_events WHERE user_id = ? AND created_at > NOW(3) - INTERVAL 1 HOUR"
        " AND event = 'skip' AND play_id <> ? ORDER BY created_at LIMIT 1 OFFSET ?",
        "usi", user, except_play, used - limit);
    if (st != DB_OK)
        return db_status_to_err(st);
    long long wait = r.nrows ? db_cell_ll(&r, 0, 0, 60) : 60;
    req->retry_after = wait < 1 ? 1 : wait;
    long minutes = (req->retry_after + 59) / 60;
    req->error_detail = arena_printf(req->a,
        "The %s plan allows %lld skips an hour, and they are used up. You can skip again in %ld "
        "minute%s, or let this song play. Premium has unlimited skips: see /plans.",
        e->plan_name, limit, minutes, minutes == 1 ? "" : "s");
    http_set_header(req, "Cache-Control", "no-store");
    return LYRE_ERR_TOO_MANY;
}

lyre_err stream_allow(lyre_req *req, int *max_kbps)
{
    entitlement e;
    const char *skip = http_query(req, "skip");
    const char *except_play = "";
    if (skip && (skip[0] == '\0' || strcmp(skip, "0") == 0))
        skip = NULL;
    if (skip && strcmp(skip, "1") != 0) {
        if (!is_play_id(skip)) {
            req->error_detail = "skip must be 1 or the 32-hexadecimal-digit id of the play skipped.";
            return LYRE_ERR_BAD_REQUEST;
        }
        char *lower = arena_strdup(req->a, skip);   /* play ids are stored lowercased */
        for (char *c = lower; *c; c++)
            if (*c >= 'A' && *c <= 'F')
                *c = (char)(*c - 'A' + 'a');
        except_play = lower;
    }
    lyre_err err = entitlement_get(req->db, req->a, req->auth ? req->auth->user_id : 0, &e);
    if (err != LYRE_OK)
        return err;
    *max_kbps = stream_max_kbps(&e);
    /* Anonymous skips carry no user: only a signed-in listener's are counted. */
    if (skip && e.skips_per_hour >= 0 && req->auth)
        return skip_limit(req, &e, except_play);
    return LYRE_OK;
}

lyre_err stream_renditions(lyre_req *req, unsigned long long track_id, int max_kbps,
                           rendition **out, size_t *n, size_t *above)
{
    db_result r;
    if (!req->cfg->stream_public && !req->auth) {
        req->error_detail = "Sign in to listen.";
        return LYRE_ERR_UNAUTHORIZED;
    }
    db_status st = db_query(req->db, req->a, &r,
        "SELECT t.available, r.bitrate_kbps, r.sha256, r.bytes, r.duration_ms, r.peak_bandwidth "
        "FROM tracks t LEFT JOIN renditions r ON r.track_id = t.id "
        "WHERE t.id = ? ORDER BY r.bitrate_kbps", "u", track_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows == 0 || db_cell_ll(&r, 0, 0, 0) == 0) {
        req->error_detail = r.nrows == 0 ? arena_printf(req->a, "No track has the id %llu.", track_id)
                                         : "This track is no longer available.";
        return LYRE_ERR_NOT_FOUND;
    }
    if (!db_cell(&r, 0, 1)) {
        req->error_detail = "This track has no audio yet.";
        return LYRE_ERR_NOT_FOUND;
    }
    rendition *list = arena_calloc(req->a, r.nrows, sizeof *list);
    size_t count = 0, dropped = 0;
    int cap = max_kbps;
    for (size_t i = 0; i < r.nrows; i++) {
        rendition *x = &list[count];
        x->kbps = (int)db_cell_ll(&r, i, 1, 0);
        x->sha256 = db_cell(&r, i, 2);
        x->bytes = (unsigned long long)db_cell_ll(&r, i, 3, 0);
        x->duration_ms = (unsigned long long)db_cell_ll(&r, i, 4, 0);
        x->peak_bandwidth = (unsigned long long)db_cell_ll(&r, i, 5, 0);
        if (!handoff_is_sha256(x->sha256)) {
            log_error("track %llu: rendition %d kbps has a malformed sha256", track_id, x->kbps);
            continue;
        }
        /* The lowest rung stays even above the cap: a plan never silences a track. */
        if (cap > 0 && x->kbps > cap && count > 0) {
            dropped++;
            continue;
        }
        count++;
    }
    if (count == 0)
        return LYRE_ERR_INTERNAL;
    *out = list;
    *n = count;
    if (above)
        *above = dropped;
    return LYRE_OK;
}

const char *stream_media_url_path(lyre_req *req, const rendition *r)
{
    return handoff_audio_url_path(req->a, r->sha256);
}

const char *stream_media_file(lyre_req *req, const rendition *r, const char *ext)
{
    return handoff_audio_file(req->a, req->cfg, r->sha256, ext);
}

const char *stream_sign(lyre_req *req, const char *url_path, long long valid_for)
{
    return handoff_sign(req, url_path, valid_for);
}

/* ------------------------------------------------------------ /stream/{id} */

lyre_err page_stream(lyre_req *req)
{
    unsigned long long id;
    long br = 0;
    rendition *list;
    size_t n;

    if (req->route_nargs > 0 && strcmp(req->route_args[0], "events") == 0) {
        http_set_header(req, "Allow", "POST");
        return LYRE_ERR_METHOD;
    }
    /* "/stream/7.mp3" too: some clients (ffmpeg's HLS reader) want to see
     * the kind of file in its name. */
    if (req->route_nargs > 0 && str_ends_with(req->route_args[0], ".mp3"))
        req->route_args[0] = arena_strndup(req->a, req->route_args[0], strlen(req->route_args[0]) - 4);
    lyre_err err = app_arg_id(req, 0, &id);
    if (err != LYRE_OK)
        return err;
    const char *br_text = http_query(req, "br");
    if (br_text && str_to_long(br_text, 8, 10000, &br) != 0) {
        req->error_detail = "The bitrate (br) must be a whole number of kbit/s.";
        return LYRE_ERR_BAD_REQUEST;
    }
    int max_kbps = 0;
    err = stream_allow(req, &max_kbps);
    if (err == LYRE_OK)
        err = stream_renditions(req, id, max_kbps, &list, &n, NULL);
    if (err != LYRE_OK)
        return err;
    /* The highest rung within br, else the lowest there is. */
    const rendition *pick = &list[0];
    for (size_t i = 1; i < n; i++)
        if (br == 0 || list[i].kbps <= br)
            pick = &list[i];
    return handoff_audio(req, pick->sha256);
}

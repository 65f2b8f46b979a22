/* events.c — POST /stream/events: what a player reports about one play
 * (start, the 30-second mark, complete, skip).  Idempotent per
 * (play_id, event): a resent event is a success that adds nothing.
 * lib/app has checked the CSRF token (the player sends it as the form field
 * "csrf"); the Origin or Referer, when sent, must be this site as well.
 * Events of a signed-in listener carry their user id, unless they paused
 * their listening history (users.history_paused). */
#include "stream.h"

#include <ctype.h>
#include <string.h>

#include "auth.h"
#include "log.h"

static const char *const events[] = { "start", "30s", "complete", "skip", NULL };

/* "scheme://host[:port]" of an absolute URL, or NULL. */
static const char *url_origin(arena *a, const char *url)
{
    const char *rest = str_starts_with(url, "https://") ? url + 8
                     : str_starts_with(url, "http://") ? url + 7 : NULL;
    if (!rest || !*rest)
        return NULL;
    return arena_strndup(a, url, (size_t)(rest - url) + strcspn(rest, "/?#"));
}

static int same_origin(lyre_req *req, const char *origin)
{
    const char *site = url_origin(req->a, req->cfg->base_url);
    const char *host = http_env(req, "HTTP_HOST");
    if (!origin)
        return 0;
    if (site && strcasecmp(origin, site) == 0)
        return 1;
    return host && strcasecmp(origin, arena_printf(req->a, "%s://%s", req->https ? "https" : "http",
                                                   host)) == 0;
}

static lyre_err check_origin(lyre_req *req)
{
    const char *origin = http_header(req, "Origin");
    const char *referer = http_header(req, "Referer");
    if (origin ? same_origin(req, origin) : !referer || same_origin(req, url_origin(req->a, referer)))
        return LYRE_OK;
    req->error_detail = "Play events are accepted from this site's own pages only.";
    return LYRE_ERR_FORBIDDEN;
}

static lyre_err bad(lyre_req *req, const char *why)
{
    req->error_detail = why;
    return LYRE_ERR_BAD_REQUEST;
}

/* 32 hex digits, lowercased into out. */
static int parse_play_id(const char *s, char out[33])
{
    size_t n = 0;
    for (; s && s[n]; n++) {
        if (n >= 32 || !isxdigit((unsigned char)s[n]))
            return -1;
        out[n] = (char)tolower((unsigned char)s[n]);
    }
    out[n] = '\0';
    return n == 32 ? 0 : -1;
}

static int parse_client(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= 32 || !(isalnum((unsigned char)s[n]) || strchr("._-", s[n])))
            return -1;
    return n > 0 ? 0 : -1;
}

lyre_err post_events(lyre_req *req)
{
    char play_id[33];
    unsigned long long track_id;
    long position_ms, bitrate = 0;
    const char *event = http_form(req, "event");
    const char *br = http_form(req, "bitrate_kbps");
    const char *client = http_form(req, "client");
    const char *track = http_form(req, "track_id");
    const char *pos = http_form(req, "position_ms");

    lyre_err err = check_origin(req);
    if (err != LYRE_OK)
        return err;
    if (parse_play_id(http_form(req, "play_id"), play_id) != 0)
        return bad(req, "play_id must be 32 hexadecimal digits.");
    if (!track || str_to_id(track, 4294967295ULL, &track_id) != 0)
        return bad(req, "track_id must be a track's id.");
    size_t e = 0;
    while (events[e] && (!event || strcmp(events[e], event) != 0))
        e++;
    if (!events[e])
        return bad(req, "event must be start, 30s, complete or skip.");
    if (!pos || str_to_long(pos, 0, 4294967295L, &position_ms) != 0)
        return bad(req, "position_ms must be a whole number of milliseconds.");
    if (br && br[0] && str_to_long(br, 8, 10000, &bitrate) != 0)
        return bad(req, "bitrate_kbps must be a whole number of kbit/s.");
    if (client && parse_client(client) != 0)
        return bad(req, "client must be up to 32 letters, digits, '.', '_' or '-'.");

    /* A listener who paused their history still counts for popularity, but
     * the event is kept without them. */
    unsigned long long user_id = req->auth ? req->auth->user_id : 0ULL;
    db_result paused;
    db_status st = DB_OK;
    if (user_id) {
        st = db_query(req->db, req->a, &paused, "SELECT history_paused FROM users WHERE id = ?",
                      "u", user_id);
        if (st != DB_OK)
            return db_status_to_err(st);
        if (paused.nrows && db_cell_ll(&paused, 0, 0, 0))
            user_id = 0;
    }

    unsigned long long affected = 0;
    st = db_exec(req->db, &affected, NULL,
        "INSERT INTO play_events (play_id, user_id, track_id, event, position_ms, bitrate_kbps, client) "
        "SELECT ?, NULLIF(?, 0), id, ?, ?, ?, ? FROM tracks WHERE id = ?", "susissu",
        play_id, user_id, events[e], (long long)position_ms,
        bitrate ? arena_printf(req->a, "%ld", bitrate) : NULL, client ? client : "web", track_id);
    if (st == DB_DUPLICATE)
        st = DB_OK;   /* the same event of the same play, sent again */
    else if (st == DB_OK && affected == 0) {
        req->error_detail = arena_printf(req->a, "No track has the id %llu.", track_id);
        return LYRE_ERR_NOT_FOUND;
    }
    if (st != DB_OK)
        return db_status_to_err(st);
    req->status = 204;
    sb_reset(&req->body_out);
    http_set_header(req, "Cache-Control", "no-store");
    return LYRE_OK;
}

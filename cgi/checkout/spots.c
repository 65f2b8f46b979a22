/* spots.c — sponsor spots for plans with spots_every (Free).
 *
 * GET /plans/spot.json answers whether a spot is due for this listener now:
 * after every spots_every completed tracks, counted from their play_events
 * since their last spot (spot_impressions, db/0016_spots.sql); anonymous
 * listeners have no events of their own, so their player says how many songs
 * it completed since its last spot (?played=N).  A due spot is recorded as
 * shown when it is handed out, so the next question answers "not due".
 * GET /plans/spot.json?audio=ID hands a spot's MP3 to the web server
 * (lib/handoff), for stream.mode x-sendfile, where signed /media/ URLs are
 * not checked.
 * GET/POST /plans/spots: admins add spots (title, text, link, an MP3 checked
 * by lib/mp3 and stored content-addressed as MEDIA/audio/aa/<sha>.mp3) and
 * enable or disable them. */
#include "checkout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "auth.h"
#include "crypto.h"
#include "entitlement.h"
#include "handoff.h"
#include "log.h"
#include "mp3.h"
#include "multipart.h"

#define SPOT_MAX_MS 60000      /* a spot is a short message, not a song */
#define SPOT_URL_TTL 3600      /* its signed URL outlives a paused spot */
#define SPOT_COUNT_WINDOW "INTERVAL 1 DAY"   /* completes older than this never make a spot due */

/* ------------------------------------------------------------ spot.json */

static lyre_err json_answer(lyre_req *req, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (!text)
        return LYRE_ERR_INTERNAL;
    sb_reset(&req->body_out);
    sb_adds(&req->body_out, text);
    sb_addc(&req->body_out, '\n');
    free(text);
    req->content_type = "application/json";
    http_set_header(req, "Cache-Control", "private, no-store");
    return LYRE_OK;
}

static lyre_err spot_audio(lyre_req *req, const char *id_text)
{
    unsigned long long id;
    db_result r;
    if (str_to_id(id_text, 4294967295ULL, &id) != 0) {
        req->error_detail = "audio must be a spot's id.";
        return LYRE_ERR_BAD_REQUEST;
    }
    db_status st = db_query(req->db, req->a, &r,
        "SELECT audio_sha256 FROM sponsor_spots WHERE id = ? AND audio_sha256 IS NOT NULL", "u", id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows == 0)
        return LYRE_ERR_NOT_FOUND;
    return handoff_audio(req, db_cell(&r, 0, 0));
}

/* Completed tracks since the listener's last spot (or in the last day). */
static lyre_err completed_since_spot(lyre_req *req, unsigned long long user, long long *count)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT COUNT(*) FROM play_events WHERE user_id = ? AND event = 'complete' AND created_at > "
        "GREATEST(NOW(3) - " SPOT_COUNT_WINDOW ", COALESCE((SELECT MAX(shown_at) FROM spot_impressions "
        "WHERE user_id = ?), '1970-01-01'))", "uu", user, user);
    if (st != DB_OK)
        return db_status_to_err(st);
    *count = db_cell_ll(&r, 0, 0, 0);
    return LYRE_OK;
}

lyre_err page_spot_next(lyre_req *req)
{
    entitlement e;
    db_result r;
    long long played = 0;
    const char *audio = http_query(req, "audio");
    if (audio)
        return spot_audio(req, audio);

    unsigned long long user = req->auth ? req->auth->user_id : 0;
    lyre_err err = entitlement_get(req->db, req->a, user, &e);
    if (err != LYRE_OK)
        return err;
    json_t *doc = json_object();
    json_object_set_new(doc, "plan", json_string(e.plan_code));
    json_object_set_new(doc, "every", json_integer(e.spots_every));
    json_object_set_new(doc, "premium", json_string("/plans"));
    if (e.spots_every <= 0) {
        json_object_set_new(doc, "due", json_false());
        return json_answer(req, doc);
    }
    if (user) {
        err = completed_since_spot(req, user, &played);
    } else {
        long n = 0;
        const char *p = http_query(req, "played");
        if (p && str_to_long(p, 0, 100000, &n) != 0) {
            json_decref(doc);
            req->error_detail = "played must be a whole number of songs.";
            return LYRE_ERR_BAD_REQUEST;
        }
        played = n;
    }
    if (err != LYRE_OK) {
        json_decref(doc);
        return err;
    }
    json_object_set_new(doc, "played", json_integer(played));
    db_status st = DB_OK;
    if (played >= e.spots_every)
        /* The active spot this listener heard least recently (never first). */
        st = db_query(req->db, req->a, &r,
            "SELECT s.id, s.title, s.body, s.link_url, s.audio_sha256, s.audio_ms "
            "FROM sponsor_spots s LEFT JOIN (SELECT spot_id, MAX(shown_at) AS last FROM spot_impressions "
            "  WHERE user_id = ? GROUP BY spot_id) i ON i.spot_id = s.id "
            "WHERE s.active = 1 ORDER BY i.last IS NOT NULL, i.last, RAND() LIMIT 1", "u", user);
    if (st != DB_OK) {
        json_decref(doc);
        return db_status_to_err(st);
    }
    if (played < e.spots_every || r.nrows == 0) {
        json_object_set_new(doc, "due", json_false());
        return json_answer(req, doc);
    }
    const char *id = db_cell(&r, 0, 0);
    const char *sha = db_cell(&r, 0, 4);
    if (user) {
        st = db_exec(req->db, NULL, NULL, "INSERT INTO spot_impressions (user_id, spot_id) VALUES (?, ?)",
                     "us", user, id);
        if (st != DB_OK) {
            json_decref(doc);
            return db_status_to_err(st);
        }
    }
    json_t *spot = json_object();
    json_object_set_new(spot, "id", json_integer(db_cell_ll(&r, 0, 0, 0)));
    json_object_set_new(spot, "title", json_string(db_cell(&r, 0, 1)));
    json_object_set_new(spot, "body", json_string(db_cell(&r, 0, 2)));
    json_object_set_new(spot, "link", db_cell(&r, 0, 3) ? json_string(db_cell(&r, 0, 3)) : json_null());
    json_t *audio_url = json_null();
    if (sha) {
        const char *url = NULL;
        if (strcmp(req->cfg->stream_mode, "x-sendfile") == 0)
            url = arena_printf(req->a, "/plans/spot.json?audio=%s", id);
        else if (handoff_audio_url_path(req->a, sha))
            url = handoff_sign(req, handoff_audio_url_path(req->a, sha), SPOT_URL_TTL);
        if (url)
            audio_url = json_string(url);
        json_object_set_new(spot, "ms", json_integer(db_cell_ll(&r, 0, 5, 0)));
    }
    json_object_set_new(spot, "audio", audio_url);
    json_object_set_new(doc, "spot", spot);
    json_object_set_new(doc, "due", json_true());
    return json_answer(req, doc);
}

/* ------------------------------------------------------------ admin */

typedef struct spot_typed {
    const char *title, *body, *link;
} spot_typed;

static lyre_err render_spots(lyre_req *req, const char *error, const spot_typed *typed)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT s.id, s.title, s.body, COALESCE(s.link_url, ''), COALESCE(s.audio_ms, ''), s.active, "
        "(SELECT COUNT(*) FROM spot_impressions i WHERE i.spot_id = s.id) "
        "FROM sponsor_spots s ORDER BY s.active DESC, s.id DESC", "");
    if (st != DB_OK)
        return db_status_to_err(st);
    lyre_view *v = view_new("plans", "Sponsor spots");
    view_text(view_meta(v), "section", "plans");
    xmlNodePtr adm = view_elem(view_content(v), "spots-admin");
    const char *done = http_query(req, "done");
    if (!error && done && strcmp(done, "added") == 0)
        view_text(adm, "notice", "The spot was added.");
    else if (!error && done && strcmp(done, "changed") == 0)
        view_text(adm, "notice", "The spot was changed.");
    if (error)
        view_text(adm, "error", error);
    if (typed) {
        xmlNodePtr t = view_elem(adm, "typed");
        view_text(t, "title", typed->title ? typed->title : "");
        view_text(t, "body", typed->body ? typed->body : "");
        view_text(t, "link", typed->link ? typed->link : "");
    }
    for (size_t i = 0; i < r.nrows; i++) {
        xmlNodePtr s = view_elem(adm, "spot");
        view_attr(s, "id", db_cell(&r, i, 0));
        view_attr(s, "active", db_cell(&r, i, 5));
        view_text(s, "title", db_cell(&r, i, 1));
        view_text(s, "body", db_cell(&r, i, 2));
        view_text(s, "link", db_cell(&r, i, 3));
        view_text(s, "audio-ms", db_cell(&r, i, 4));
        view_text(s, "shown", db_cell(&r, i, 6));
    }
    http_set_header(req, "Cache-Control", "private, no-store");
    return app_render(req, v);
}

lyre_err page_spots_admin(lyre_req *req)
{
    return render_spots(req, NULL, NULL);
}

/* Store data as MEDIA/audio/aa/<sha>.mp3 the way lib/media_store does (a
 * temporary file in the same directory, fsync, world-readable, rename, fsync
 * of the directory): the web server may serve it the moment it has its name.
 * lyre-checkout does not link the media library, and this is all it needs. */
static int store_audio(lyre_req *req, const char *data, size_t len, const char *sha)
{
    const char *path = handoff_audio_file(req->a, req->cfg, sha, "mp3");
    int rc = -1, fd = -1, dfd = -1;
    char *tmp = NULL, *dir = NULL;
    if (!path)
        goto cleanup;
    dir = arena_strdup(req->a, path);
    *strrchr(dir, '/') = '\0';
    const char *parent = arena_strndup(req->a, dir, (size_t)(strrchr(dir, '/') - dir));
    if ((mkdir(parent, 0755) != 0 && errno != EEXIST) || (mkdir(dir, 0755) != 0 && errno != EEXIST)) {
        log_error("spot audio: cannot make %s: %s", dir, strerror(errno));
        goto cleanup;
    }
    tmp = arena_printf(req->a, "%s/.tmp-XXXXXX", dir);
    fd = mkstemp(tmp);
    if (fd < 0) {
        log_error("spot audio: cannot create a file in %s: %s", dir, strerror(errno));
        tmp = NULL;
        goto cleanup;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            log_error("spot audio: write %s: %s", tmp, strerror(errno));
            goto cleanup;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || fchmod(fd, 0644) != 0 || close(fd) != 0) {
        fd = -1;
        log_error("spot audio: finishing %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        log_error("spot audio: rename to %s: %s", path, strerror(errno));
        goto cleanup;
    }
    tmp = NULL;
    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || fsync(dfd) != 0) {
        log_error("spot audio: fsync of %s: %s", dir, strerror(errno));
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (fd >= 0)
        close(fd);
    if (dfd >= 0)
        close(dfd);
    if (tmp)
        unlink(tmp);
    return rc;
}

static int link_ok(const char *link)
{
    if (!link || !*link)
        return 1;
    if (!(str_starts_with(link, "https://") || str_starts_with(link, "http://")) || strlen(link) > 1000)
        return 0;
    for (const char *c = link; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == '"' || *c == '<' || *c == '>' || *c == 0x7f)
            return 0;
    return 1;
}

static lyre_err add_spot(lyre_req *req)
{
    spot_typed t = { http_form(req, "title"), http_form(req, "body"), http_form(req, "link") };
    const char *sha = NULL;
    long long ms = 0;
    mp3_index ix;
    strbuf why = STRBUF_INIT;
    lyre_err err = LYRE_OK;
    memset(&ix, 0, sizeof ix);

    if (!t.title || !*t.title || strlen(t.title) > 200) {
        req->status = 422;
        return render_spots(req, "Give the spot a title of at most 200 characters.", &t);
    }
    if (t.body && strlen(t.body) > 500) {
        req->status = 422;
        return render_spots(req, "Keep the text to 500 characters.", &t);
    }
    if (!link_ok(t.link)) {
        req->status = 422;
        return render_spots(req, "The link must be an http:// or https:// address without spaces.", &t);
    }
    /* The file, when one was chosen: multipart bodies keep files for us. */
    const char *boundary = multipart_boundary(req->a, http_env(req, "CONTENT_TYPE"));
    multipart_form form;
    const multipart_part *f = NULL;
    if (boundary) {
        if (multipart_parse(req->a, req->body, req->body_len, boundary, &form) != 0) {
            req->error_detail = "The upload could not be read.";
            return LYRE_ERR_BAD_REQUEST;
        }
        f = multipart_get(&form, "audio");
        if (f && f->len == 0)
            f = NULL;     /* no file chosen */
    }
    if (f) {
        if (mp3_index_build((const uint8_t *)f->data, f->len, &ix, &why) != 0) {
            req->status = 422;
            err = render_spots(req, arena_printf(req->a, "The audio is not an MP3 file Lyre can play: %s.",
                                                 why.buf), &t);
            goto cleanup;
        }
        uint64_t dur = mp3_index_duration_ms(&ix);
        if (dur == 0 || dur > SPOT_MAX_MS) {
            req->status = 422;
            err = render_spots(req, "A spot's audio lasts at most 60 seconds.", &t);
            goto cleanup;
        }
        ms = (long long)dur;
        uint8_t digest[CRYPTO_SHA256_LEN];
        char hex[CRYPTO_SHA256_LEN * 2 + 1];
        if (crypto_sha256(f->data, f->len, digest) != 0) {
            err = LYRE_ERR_INTERNAL;
            goto cleanup;
        }
        hex_encode(digest, sizeof digest, hex);
        sha = arena_strdup(req->a, hex);
        if (store_audio(req, f->data, f->len, sha) != 0) {
            err = LYRE_ERR_INTERNAL;
            goto cleanup;
        }
    }
    db_status st = db_exec(req->db, NULL, NULL,
        "INSERT INTO sponsor_spots (title, body, link_url, audio_sha256, audio_ms) VALUES (?, ?, NULLIF(?, ''), ?, ?)",
        "ssssi", t.title, t.body ? t.body : "", t.link ? t.link : "", sha, ms);
    if (st != DB_OK) {
        err = db_status_to_err(st);
        goto cleanup;
    }
    log_info("sponsor spot added by user %llu%s", req->auth->user_id, sha ? " (with audio)" : "");
    http_redirect(req, 303, "/plans/spots?done=added");
cleanup:
    mp3_index_free(&ix);
    sb_free(&why);
    return err;
}

lyre_err post_spots_admin(lyre_req *req)
{
    const char *action = http_form(req, "action");
    if (action && strcmp(action, "add") == 0)
        return add_spot(req);
    if (action && (strcmp(action, "enable") == 0 || strcmp(action, "disable") == 0)) {
        unsigned long long id, affected = 0;
        const char *spot = http_form(req, "spot");
        if (!spot || str_to_id(spot, 4294967295ULL, &id) != 0) {
            req->error_detail = "spot must be a spot's id.";
            return LYRE_ERR_BAD_REQUEST;
        }
        db_status st = db_exec(req->db, &affected, NULL, "UPDATE sponsor_spots SET active = ? WHERE id = ?",
                               "iu", (long long)(action[0] == 'e'), id);
        if (st != DB_OK)
            return db_status_to_err(st);
        db_result r;
        st = db_query(req->db, req->a, &r, "SELECT 1 FROM sponsor_spots WHERE id = ?", "u", id);
        if (st != DB_OK)
            return db_status_to_err(st);
        if (r.nrows == 0)
            return LYRE_ERR_NOT_FOUND;
        http_redirect(req, 303, "/plans/spots?done=changed");
        return LYRE_OK;
    }
    req->error_detail = "action must be add, enable or disable.";
    return LYRE_ERR_BAD_REQUEST;
}

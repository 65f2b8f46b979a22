/* queue.c — the play queue shared with the Subsonic apps (db/0015: play_queues,
 * play_queue_items), as the web player reads and writes it: GET /library/queue and
 * POST /library/queue, JSON both ways.  The meaning of every column is the one
 * cgi/subsonic/library.c (getPlayQueue/savePlayQueue) gives it: current_index is the
 * position in play_queue_items of the song playing, current_track_id its track,
 * position_ms how far into it, changed_by "web" here (the app's c parameter there),
 * version one more on every save.  Unknown or unavailable songs are refused, at most
 * QUEUE_MAX_ITEMS of them, and no song at all clears the queue: what savePlayQueue does.
 * Both routes answer JSON even when refused (401 anonymous, 400, 409), so the player's
 * fetch() never has an HTML page to make sense of; the CSRF check is lib/app's (403). */
#include <string.h>
#include "catalog.h"
#include "assets.h"
#include "auth.h"
#include "db.h"
#include "str.h"

#define QUEUE_MAX_ITEMS 10000
#define QUEUE_MAX_POSITION_MS 86400000LL   /* a day into one song is no position */
#define QUEUE_CHANGED_BY "web"
/* "2026-11-25T14:22:53.123Z", the form getPlayQueue's changed has */
#define QUEUE_TIME "CONCAT(REPLACE(CAST(q.updated_at AS CHAR), ' ', 'T'), 'Z')"

static void json_string(strbuf *b, const char *s)
{
    sb_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            sb_addf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
            sb_addf(b, "\\u%04x", *p);      /* never markup, even if sniffed as HTML */
        else
            sb_addc(b, (char)*p);
    }
    sb_addc(b, '"');
}

/* A JSON number from a cell, or null. */
static void json_num(strbuf *b, const char *cell)
{
    sb_adds(b, cell && *cell ? cell : "null");
}

static void json_start(lyre_req *req, int status)
{
    req->status = status;
    req->content_type = "application/json";
    http_set_header(req, "Cache-Control", "private, no-store");
    sb_reset(&req->body_out);
}

/* {"error": message} with a status: the refusals the player can read. */
static lyre_err json_error(lyre_req *req, int status, const char *message)
{
    json_start(req, status);
    sb_adds(&req->body_out, "{\"error\":");
    json_string(&req->body_out, message);
    sb_adds(&req->body_out, "}\n");
    return LYRE_OK;
}

static lyre_err need_user(lyre_req *req)
{
    return json_error(req, 401, "Sign in to keep a play queue across devices.");
}

/* The saved queue's head: current_index, position_ms, changed_by, version, updated_at. */
static db_status queue_head(lyre_req *req, db_result *q, int for_update)
{
    return db_query(req->db, req->a, q, for_update
        ? "SELECT q.current_index, q.position_ms, q.changed_by, q.version, " QUEUE_TIME
          " FROM play_queues q WHERE q.user_id = ? FOR UPDATE"
        : "SELECT q.current_index, q.position_ms, q.changed_by, q.version, " QUEUE_TIME
          " FROM play_queues q WHERE q.user_id = ?", "u", req->auth->user_id);
}

/* "version", "changed_by", "updated_at" of a head row (or of no queue) into b. */
static void head_fields(strbuf *b, const db_result *q)
{
    sb_adds(b, "\"changed_by\":");
    if (q->nrows)
        json_string(b, db_cell(q, 0, 2));
    else
        sb_adds(b, "null");
    sb_addf(b, ",\"version\":%lld,\"updated_at\":", q->nrows ? db_cell_ll(q, 0, 3, 0) : 0LL);
    if (q->nrows)
        json_string(b, db_cell(q, 0, 4));
    else
        sb_adds(b, "null");
}

lyre_err page_library_queue(lyre_req *req)
{
    if (!req->auth)
        return need_user(req);
    db_result q, items;
    db_status st = queue_head(req, &q, 0);
    if (st == DB_OK && q.nrows)
        /* Unavailable songs are left out, as getPlayQueue leaves them out. */
        st = db_query(req->db, req->a, &items,
            "SELECT qi.position, t.id, t.title, t.duration_ms, al.id, al.title, aw.sha256, "
            "COALESCE((SELECT GROUP_CONCAT(ca.name ORDER BY c.role, c.position SEPARATOR ', ') "
            "  FROM track_artists c JOIN artists ca ON ca.id = c.artist_id "
            "  WHERE c.track_id = t.id AND c.role IN ('main', 'featured')), aa.name) "
            "FROM play_queue_items qi JOIN tracks t ON t.id = qi.track_id "
            "JOIN albums al ON al.id = t.album_id JOIN artists aa ON aa.id = al.album_artist_id "
            "LEFT JOIN artwork aw ON aw.id = al.artwork_id "
            "WHERE qi.user_id = ? AND t.available = 1 ORDER BY qi.position",
            "u", req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);

    json_start(req, 200);
    strbuf *b = &req->body_out;
    long long saved_at = q.nrows && db_cell(&q, 0, 0) ? db_cell_ll(&q, 0, 0, -1) : -1;
    long long current = -1;
    sb_adds(b, "{\"items\":[");
    for (size_t i = 0; q.nrows && i < items.nrows; i++) {
        /* The current song is at its saved position among the songs still there, or
         * the first one after it when it went away. */
        if (current < 0 && saved_at >= 0 && db_cell_ll(&items, i, 0, 0) >= saved_at)
            current = (long long)i;
        const char *cover = art_url(req->cfg, req->a, db_cell(&items, i, 6), 300);
        sb_addf(b, "%s{\"id\":", i ? "," : "");
        json_num(b, db_cell(&items, i, 1));
        sb_adds(b, ",\"title\":");
        json_string(b, db_cell(&items, i, 2));
        sb_adds(b, ",\"artist\":");
        json_string(b, db_cell(&items, i, 7));
        sb_adds(b, ",\"album\":");
        json_string(b, db_cell(&items, i, 5));
        sb_adds(b, ",\"albumId\":");
        json_num(b, db_cell(&items, i, 4));
        sb_adds(b, ",\"cover\":");
        json_string(b, cover ? cover : "");
        sb_addf(b, ",\"ms\":%lld}", db_cell_ll(&items, i, 3, 0));
    }
    sb_adds(b, "],\"current_index\":");
    if (current >= 0)
        sb_addf(b, "%lld", current);
    else
        sb_adds(b, "null");
    /* A position only means something in the song it was saved for. */
    long long pos = current >= 0 && db_cell_ll(&items, (size_t)current, 0, -1) == saved_at
                  ? db_cell_ll(&q, 0, 1, 0) : 0;
    sb_addf(b, ",\"position_ms\":%lld,", pos);
    head_fields(b, &q);
    sb_adds(b, "}\n");
    return LYRE_OK;
}

/* "1,2,3" into ids (at most QUEUE_MAX_ITEMS); 0, or -1 with the reason in *why. */
static int parse_ids(lyre_req *req, const char *s, unsigned long long **ids, size_t *n, const char **why)
{
    size_t cap = 1;
    *n = 0;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    if (cap > QUEUE_MAX_ITEMS && *s) {
        *why = arena_printf(req->a, "A play queue holds at most %d songs.", QUEUE_MAX_ITEMS);
        return -1;
    }
    *ids = arena_alloc(req->a, cap * sizeof **ids);
    while (*s) {
        size_t len = strcspn(s, ",");
        const char *one = arena_strndup(req->a, s, len);
        if (len == 0 || len > 10 || str_to_id(one, 4294967295ULL, &(*ids)[*n]) != 0) {
            *why = "ids must be song ids (whole numbers from 1) separated by commas.";
            return -1;
        }
        ++*n;
        s += len;
        if (*s == ',' && !*++s) {
            *why = "ids must not end with a comma.";
            return -1;
        }
    }
    return 0;
}

/* An optional whole-number form field in [0, max]; 0 (absent: dflt) or -1. */
static int form_number(lyre_req *req, const char *name, long long max, long long dflt, long long *out)
{
    const char *v = http_form(req, name);
    long n;
    *out = dflt;
    if (!v || !*v)
        return 0;
    if (str_to_long(v, 0, (long)max, &n) != 0)
        return -1;
    *out = n;
    return 0;
}

/* Songs of the list that are not (or no longer) playable, as a JSON array text; "[]"
 * when all are.  The player drops those from what it sends next time. */
static db_status unknown_songs(lyre_req *req, const char *list, const char **unknown, size_t *count)
{
    db_result r;
    *count = 0;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT DISTINCT j.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j "
        "LEFT JOIN tracks t ON t.id = j.id AND t.available = 1 WHERE t.id IS NULL ORDER BY j.id", "s", list);
    if (st != DB_OK)
        return st;
    strbuf b = STRBUF_INIT;
    sb_addc(&b, '[');
    for (size_t i = 0; i < r.nrows; i++)
        sb_addf(&b, "%s%s", i ? "," : "", db_cell(&r, i, 0));
    sb_addc(&b, ']');
    *unknown = arena_strndup(req->a, b.buf, b.len);
    *count = r.nrows;
    sb_free(&b);
    return DB_OK;
}

/* The answer to a save (or a refused one, 409): the head as it now stands. */
static lyre_err head_answer(lyre_req *req, int status, const db_result *q, const char *error)
{
    json_start(req, status);
    strbuf *b = &req->body_out;
    sb_addc(b, '{');
    if (error) {
        sb_adds(b, "\"error\":");
        json_string(b, error);
        sb_addc(b, ',');
    }
    head_fields(b, q);
    sb_adds(b, "}\n");
    return LYRE_OK;
}

lyre_err post_library_queue(lyre_req *req)
{
    if (!req->auth)
        return need_user(req);
    const char *ids_s = http_form(req, "ids"), *why = NULL;
    unsigned long long *ids = NULL;
    size_t n = 0;
    long long current, position, base;
    if (!ids_s)
        return json_error(req, 400, "ids is missing: the songs of the queue in order, separated by commas "
                                    "(empty to clear the queue).");
    if (parse_ids(req, ids_s, &ids, &n, &why) != 0)
        return json_error(req, 400, why);
    if (form_number(req, "current_index", n ? (long long)n - 1 : 0, 0, &current) != 0)
        return json_error(req, 400, arena_printf(req->a,
            "current_index must be the position of a song of the queue, 0 to %zu.", n ? n - 1 : 0));
    if (form_number(req, "position_ms", QUEUE_MAX_POSITION_MS, 0, &position) != 0)
        return json_error(req, 400, "position_ms must be a whole number of milliseconds, at most a day.");
    if (form_number(req, "base_version", 4294967295LL, -1, &base) != 0)
        return json_error(req, 400, "base_version must be the version of the queue last read.");

    const char *list = db_ids_json(req->a, ids, n);
    if (n) {
        const char *unknown;
        size_t nu;
        db_status st = unknown_songs(req, list, &unknown, &nu);
        if (st != DB_OK)
            return db_status_to_err(st);
        if (nu) {
            json_start(req, 400);
            sb_adds(&req->body_out, "{\"error\":");
            json_string(&req->body_out, nu == 1 ? "A song of the queue does not exist or cannot be played."
                                                : "Songs of the queue do not exist or cannot be played.");
            sb_addf(&req->body_out, ",\"unknown\":%s}\n", unknown);
            return LYRE_OK;
        }
    }

    unsigned long long uid = req->auth->user_id;
    db_result q;
    lyre_err err = LYRE_OK;
    db_status st = db_begin(req->db);
    if (st == DB_OK)
        st = queue_head(req, &q, 1);
    if (st == DB_OK && base >= 0 && (q.nrows ? db_cell_ll(&q, 0, 3, 0) : 0) != base) {
        /* Saved elsewhere since this browser read it: the caller decides. */
        err = head_answer(req, 409, &q, "The queue changed on another device since it was read.");
        goto cleanup;
    }
    if (st == DB_OK && n == 0)
        st = db_exec(req->db, NULL, NULL, "DELETE FROM play_queues WHERE user_id = ?", "u", uid);
    if (st == DB_OK && n > 0)
        st = db_exec(req->db, NULL, NULL,
            "INSERT INTO play_queues (user_id, current_index, current_track_id, position_ms, changed_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?, NOW(3)) ON DUPLICATE KEY UPDATE current_index = VALUES(current_index), "
            "current_track_id = VALUES(current_track_id), position_ms = VALUES(position_ms), "
            "changed_by = VALUES(changed_by), version = version + 1, updated_at = VALUES(updated_at)",
            "uuuis", uid, (unsigned long long)current, ids[current], position, QUEUE_CHANGED_BY);
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL, "DELETE FROM play_queue_items WHERE user_id = ?", "u", uid);
    if (st == DB_OK && n > 0)
        st = db_exec(req->db, NULL, NULL,
            "INSERT INTO play_queue_items (user_id, position, track_id) SELECT ?, j.ord - 1, j.id "
            "FROM JSON_TABLE(?, '$[*]' COLUMNS (ord FOR ORDINALITY, id INT UNSIGNED PATH '$')) j",
            "us", uid, list);
    if (st == DB_OK)
        st = queue_head(req, &q, 0);
    if (st == DB_OK)
        st = db_commit(req->db);
    if (st != DB_OK) {
        err = db_status_to_err(st);
        goto cleanup;
    }
    return head_answer(req, 200, &q, NULL);
cleanup:
    db_rollback(req->db);   /* nothing was written, or it must not stay */
    return err;
}

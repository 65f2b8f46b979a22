/* feedback.c — POST /recommend/dislike and /recommend/undislike: "Don't
 * play this" for a track (track_id) or a whole artist (artist_id).  A
 * disliked one never appears in Home, mixes or radio again; lyre-train
 * counts it as negative feedback.  fetch() and htmx get 204, a plain form
 * goes back where it came from. */
#include "recommend.h"

#include <string.h>
#include <strings.h>

#include "auth.h"

/* fetch() and htmx want no page back. */
static int wants_no_page(lyre_req *req)
{
    const char *hx = http_header(req, "HX-Request");
    const char *accept = http_header(req, "Accept");
    return (hx && *hx) || (accept && strstr(accept, "application/json"));
}

/* The path of a Referer on this site (never another site's URL). */
static const char *back_to(lyre_req *req)
{
    const char *ref = http_header(req, "Referer");
    const char *host = http_header(req, "Host");
    if (!ref || !host)
        return NULL;
    const char *rest = str_starts_with(ref, "https://") ? ref + 8
                     : str_starts_with(ref, "http://") ? ref + 7 : NULL;
    size_t hl = rest ? strcspn(rest, "/?#") : 0;
    if (!rest || strlen(host) != hl || strncasecmp(rest, host, hl) != 0)
        return NULL;
    const char *path = rest + hl;
    if (path[0] != '/' || path[1] == '/' || path[1] == '\\')
        return NULL;
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
            return NULL;
    return arena_strndup(req->a, path, strcspn(path, "#"));
}

static lyre_err feedback(lyre_req *req, int on)
{
    const char *track = http_form(req, "track_id"), *artist = http_form(req, "artist_id");
    if ((track == NULL) == (artist == NULL)) {
        req->error_detail = "Send either track_id or artist_id.";
        return LYRE_ERR_BAD_REQUEST;
    }
    rec_id id;
    if (str_to_id(track ? track : artist, 4294967295ULL, &id) != 0) {
        req->error_detail = "The id must be a whole number from 1.";
        return LYRE_ERR_BAD_REQUEST;
    }
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        track ? "SELECT 1 FROM tracks WHERE id = ?" : "SELECT 1 FROM artists WHERE id = ?", "u", id);
    if (st == DB_OK && r.nrows == 0) {
        req->error_detail = arena_printf(req->a, "No %s has the id %llu.", track ? "track" : "artist", id);
        return LYRE_ERR_NOT_FOUND;
    }
    const char *sql = track
        ? (on ? "INSERT IGNORE INTO track_dislikes (user_id, track_id) VALUES (?, ?)"
              : "DELETE FROM track_dislikes WHERE user_id = ? AND track_id = ?")
        : (on ? "INSERT IGNORE INTO artist_dislikes (user_id, artist_id) VALUES (?, ?)"
              : "DELETE FROM artist_dislikes WHERE user_id = ? AND artist_id = ?");
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL, sql, "uu", req->auth->user_id, id);
    if (st != DB_OK)
        return db_status_to_err(st);
    http_set_header(req, "Cache-Control", "no-store");
    if (wants_no_page(req)) {
        req->status = 204;
        sb_reset(&req->body_out);
        return LYRE_OK;
    }
    const char *back = back_to(req);
    return http_redirect(req, 303, back ? back : "/home") == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
}

lyre_err post_dislike(lyre_req *req)
{
    return feedback(req, 1);
}

lyre_err post_undislike(lyre_req *req)
{
    return feedback(req, 0);
}

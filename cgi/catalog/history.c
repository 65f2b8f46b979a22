/* history.c — the listening history of the signed-in user, read from
 * play_events: one row per play, newest first; pause, resume and clear.
 * Clearing forgets the person, not the plays: the events stay (without a
 * user) so popularity and charts do not change. */
#include "catalog.h"

#include <string.h>

#include "auth.h"

static const char *const reached_names[] = { "", "start", "30s", "skip", "complete" };

static lyre_err render_history(lyre_req *req, const char *problem)
{
    unsigned long long uid = req->auth->user_id;
    long page;
    lyre_err err = app_page_param(req, &page);
    if (err != LYRE_OK)
        return err;
    long long size = req->cfg->page_size > 0 ? req->cfg->page_size : 50;
    db_result user, cnt, rows;
    db_status st = db_query(req->db, req->a, &user,
        "SELECT history_paused FROM users WHERE id = ?", "u", uid);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &cnt,
            "SELECT COUNT(DISTINCT play_id) FROM play_events WHERE user_id = ?", "u", uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    long long total = db_cell_ll(&cnt, 0, 0, 0);
    long long pages = total ? (total + size - 1) / size : 1;
    if (page > pages) {
        req->error_detail = arena_printf(req->a, "There are only %lld pages.", pages);
        return LYRE_ERR_NOT_FOUND;
    }
    long long offset = (long long)(page - 1) * size;
    /* A play is its events: when it started, how far it got (a skip or a
     * completion ends it; 30s beats a bare start), the furthest position. */
    st = db_query(req->db, req->a, &rows,
        "SELECT DATE_FORMAT(h.started, '%Y-%m-%dT%H:%i:%sZ'), DATE_FORMAT(h.started, '%Y-%m-%d %H:%i'), "
        " h.reached, h.pos, " LIBRARY_TRACK_COLS
        "FROM (SELECT play_id, MIN(created_at) AS started, MIN(track_id) AS track_id, "
        "  MAX(CASE event WHEN 'complete' THEN 4 WHEN 'skip' THEN 3 WHEN '30s' THEN 2 ELSE 1 END) AS reached, "
        "  MAX(position_ms) AS pos "
        "  FROM play_events WHERE user_id = ? GROUP BY play_id "
        "  ORDER BY started DESC, play_id LIMIT ? OFFSET ?) h "
        "JOIN tracks t ON t.id = h.track_id " LIBRARY_TRACK_JOINS
        "ORDER BY h.started DESC, h.play_id", "uii", uid, size, offset);
    if (st != DB_OK)
        return db_status_to_err(st);

    lyre_view *v = view_new("library", "Listening history");
    xmlNodePtr content = view_content(v);
    view_attr(content, "view", "history");
    if (db_cell_ll(&user, 0, 0, 0))
        view_elem(content, "history-paused");
    if (problem)
        view_text(content, "problem", problem);
    const char *notice = http_query(req, "done");
    if (notice && (strcmp(notice, "paused") == 0 || strcmp(notice, "resumed") == 0 ||
                   strcmp(notice, "cleared") == 0))
        view_text(content, "done", notice);
    xmlNodePtr list = view_elem(content, "plays");
    for (size_t i = 0; i < rows.nrows; i++) {
        xmlNodePtr t = library_track_row(req, list, &rows, i, 4);
        view_attr_int(t, "n", offset + (long long)i + 1);
        xmlNodePtr at = view_text(t, "played-at", db_cell(&rows, i, 1));
        view_attr(at, "datetime", db_cell(&rows, i, 0));
        long long reached = db_cell_ll(&rows, i, 2, 1);
        view_text(t, "reached", reached_names[reached >= 1 && reached <= 4 ? reached : 1]);
        add_duration(req, t, "listened", db_cell(&rows, i, 3));
    }
    view_int(content, "total", total);
    xmlNodePtr pager = view_elem(content, "pager");
    view_attr_int(pager, "page", page);
    view_attr_int(pager, "pages", pages);
    view_attr_int(pager, "total", total);
    if (page > 1)
        view_text(pager, "prev", page == 2 ? "/library/history"
                                           : arena_printf(req->a, "/library/history?page=%ld", page - 1));
    if (page < pages)
        view_text(pager, "next", arena_printf(req->a, "/library/history?page=%ld", page + 1));
    return app_render(req, v);
}

lyre_err page_library_history(lyre_req *req)
{
    return render_history(req, NULL);
}

static lyre_err back_to_history(lyre_req *req, const char *done)
{
    http_set_header(req, "Cache-Control", "no-store");
    return http_redirect(req, 303, arena_printf(req->a, "/library/history?done=%s", done)) == 0
        ? LYRE_OK : LYRE_ERR_INTERNAL;
}

static lyre_err set_paused(lyre_req *req, int paused)
{
    db_status st = db_exec(req->db, NULL, NULL, "UPDATE users SET history_paused = ? WHERE id = ?",
                           "iu", (long long)paused, req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    return back_to_history(req, paused ? "paused" : "resumed");
}

lyre_err post_history_pause(lyre_req *req)
{
    return set_paused(req, 1);
}

lyre_err post_history_resume(lyre_req *req)
{
    return set_paused(req, 0);
}

lyre_err post_history_clear(lyre_req *req)
{
    const char *confirm = http_form(req, "confirm");
    if (!confirm || strcmp(confirm, "yes") != 0) {
        req->status = 422;
        return render_history(req, "Tick the box to confirm that your whole history should be cleared.");
    }
    db_status st = db_exec(req->db, NULL, NULL,
        "UPDATE play_events SET user_id = NULL WHERE user_id = ?", "u", req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    return back_to_history(req, "cleared");
}

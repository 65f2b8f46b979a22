/* coldstart.c — /welcome: a new listener with no history picks a few
 * genres and artists (or skips); Home builds from those picks until their
 * own plays take over.  Either way users.onboarded_at is set, so /home
 * sends nobody here twice. */
#include "recommend.h"

#include <string.h>

#include "auth.h"

#define PICKS_MAX 50
#define WELCOME_ARTISTS 40

static lyre_err render_welcome(lyre_req *req, const char *problem)
{
    db_result g, a, mine_g, mine_a;
    rec_id uid = req->auth->user_id;
    db_status st = db_query(req->db, req->a, &g,
        "SELECT g.id, g.name, COUNT(al.id) AS n FROM genres g JOIN albums al ON al.genre_id = g.id "
        "GROUP BY g.id, g.name ORDER BY n DESC, g.name LIMIT 40", "");
    /* The artists most played (all time), then the others by name. */
    if (st == DB_OK)
        st = db_query(req->db, req->a, &a,
            "SELECT ar.id, ar.name FROM artists ar LEFT JOIN (SELECT ta.artist_id, SUM(p.plays) AS plays "
            " FROM track_plays p JOIN track_artists ta ON ta.track_id = p.track_id AND ta.role = 'main' "
            " GROUP BY ta.artist_id ORDER BY plays DESC LIMIT 40) pop ON pop.artist_id = ar.id "
            "WHERE EXISTS (SELECT 1 FROM albums x WHERE x.album_artist_id = ar.id) "
            "ORDER BY pop.plays IS NULL, pop.plays DESC, ar.sort_name LIMIT 40", "");
    if (st == DB_OK)
        st = db_query(req->db, req->a, &mine_g, "SELECT genre_id FROM user_taste_genres WHERE user_id = ?", "u", uid);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &mine_a, "SELECT artist_id FROM user_taste_artists WHERE user_id = ?", "u", uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    rec_set picked_g, picked_a;
    rec_set_init(&picked_g, req->a);
    rec_set_init(&picked_a, req->a);
    for (size_t i = 0; i < mine_g.nrows; i++)
        rec_set_add(&picked_g, (rec_id)db_cell_ll(&mine_g, i, 0, 0));
    for (size_t i = 0; i < mine_a.nrows; i++)
        rec_set_add(&picked_a, (rec_id)db_cell_ll(&mine_a, i, 0, 0));

    lyre_view *v = view_new("welcome", "Welcome");
    xmlNodePtr content = view_content(v);
    if (problem)
        view_text(content, "problem", problem);
    xmlNodePtr gl = view_elem(content, "genres");
    for (size_t i = 0; i < g.nrows; i++) {
        xmlNodePtr n = view_text(gl, "genre", db_cell(&g, i, 1));
        view_attr(n, "id", db_cell(&g, i, 0));
        if (rec_set_has(&picked_g, (rec_id)db_cell_ll(&g, i, 0, 0)))
            view_attr(n, "picked", "1");
    }
    xmlNodePtr al = view_elem(content, "artists");
    for (size_t i = 0; i < a.nrows; i++) {
        xmlNodePtr n = view_text(al, "artist", db_cell(&a, i, 1));
        view_attr(n, "id", db_cell(&a, i, 0));
        if (rec_set_has(&picked_a, (rec_id)db_cell_ll(&a, i, 0, 0)))
            view_attr(n, "picked", "1");
    }
    view_text(view_meta(v), "section", "foryou");
    http_set_header(req, "Cache-Control", "private, no-store");
    return app_render(req, v);
}

lyre_err page_welcome(lyre_req *req)
{
    return render_welcome(req, NULL);
}

/* Every value of the form field name (or name[]) as an id; -1 when one is not. */
static int form_ids(lyre_req *req, const char *name, rec_id *ids, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < req->form.count; i++) {
        const lyre_param *p = &req->form.items[i];
        size_t len = strlen(name);
        /* "genre[]" in the page (a shared name html-validate accepts), "genre" too */
        if (strncmp(p->name, name, len) != 0 || (p->name[len] && strcmp(p->name + len, "[]") != 0))
            continue;
        if (*n >= PICKS_MAX || str_to_id(p->value, 65535ULL * 65537ULL, &ids[*n]) != 0)
            return -1;
        (*n)++;
    }
    return 0;
}

lyre_err post_welcome(lyre_req *req)
{
    rec_id genres[PICKS_MAX], artists[PICKS_MAX];
    size_t ng = 0, na = 0;
    int skip = http_form(req, "skip") != NULL;
    if (!skip && (form_ids(req, "genre", genres, &ng) != 0 || form_ids(req, "artist", artists, &na) != 0)) {
        req->status = 400;
        return render_welcome(req, "Pick from the lists (at most 50 of each).");
    }
    rec_id uid = req->auth->user_id;
    db_status st = db_begin(req->db);
    if (st == DB_OK && !skip)
        st = db_exec(req->db, NULL, NULL, "DELETE FROM user_taste_genres WHERE user_id = ?", "u", uid);
    if (st == DB_OK && !skip)
        st = db_exec(req->db, NULL, NULL, "DELETE FROM user_taste_artists WHERE user_id = ?", "u", uid);
    /* Unknown ids are dropped (a genre or artist removed meanwhile). */
    if (st == DB_OK && ng)
        st = db_exec(req->db, NULL, NULL,
            "INSERT IGNORE INTO user_taste_genres (user_id, genre_id) SELECT ?, g.id FROM "
            "JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j JOIN genres g ON g.id = j.id",
            "us", uid, rec_json_ids(req->a, genres, ng));
    if (st == DB_OK && na)
        st = db_exec(req->db, NULL, NULL,
            "INSERT IGNORE INTO user_taste_artists (user_id, artist_id) SELECT ?, a.id FROM "
            "JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j JOIN artists a ON a.id = j.id",
            "us", uid, rec_json_ids(req->a, artists, na));
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
            "UPDATE users SET onboarded_at = COALESCE(onboarded_at, CURRENT_TIMESTAMP(3)) WHERE id = ?",
            "u", uid);
    if (st == DB_OK)
        st = db_commit(req->db);
    if (st != DB_OK) {
        db_rollback(req->db);
        return db_status_to_err(st);
    }
    http_set_header(req, "Cache-Control", "no-store");
    return http_redirect(req, 303, "/home") == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
}

/* radio.c — GET /radio/{track|artist|playlist}/{id}: a page with "Start
 * radio" and the first songs; {id}.json?recent=…&skipped=… the next batch
 * for the player (htdocs/js/radio.js keeps asking while it plays).
 *
 * A batch: the model's neighbours of the seed songs and of the last songs
 * heard (so the station drifts with the listener), songs of the seed
 * artists and their nearest artists, a little of what is popular so a
 * station never runs dry; minus the client's recent window and skips,
 * pushed away from the neighbours and artists of skipped songs, at most
 * two songs of an artist per batch and never one artist twice in a row
 * (also across batches: recent ends with the last song queued). */
#include "recommend.h"

#include <string.h>

#include "auth.h"

#define BATCH 10
#define SEEDS_MAX 50
#define STEER 5             /* the latest songs of recent that steer the station */

typedef struct station {
    const char *kind;       /* "track" | "artist" | "playlist" */
    rec_id id;
    const char *name;       /* what the station started from */
    const char *by;         /* its artist (track) or owner (playlist), may be NULL */
    rec_id seeds[SEEDS_MAX];
    size_t nseeds;
    rec_id artists[SEEDS_MAX];
    size_t nartists;
} station;

static lyre_err load_station(rec_ctx *c, station *s)
{
    lyre_req *req = c->req;
    db_result r;
    db_status st;
    if (strcmp(s->kind, "track") == 0) {
        st = db_query(req->db, req->a, &r,
            "SELECT t.title, ar.id, ar.name FROM tracks t JOIN albums al ON al.id = t.album_id "
            "JOIN artists ar ON ar.id = COALESCE((SELECT c.artist_id FROM track_artists c "
            "  WHERE c.track_id = t.id AND c.role = 'main' ORDER BY c.position LIMIT 1), al.album_artist_id) "
            "WHERE t.id = ?", "u", s->id);
        if (st != DB_OK)
            return db_status_to_err(st);
        if (r.nrows == 0)
            return LYRE_ERR_NOT_FOUND;
        s->name = db_cell(&r, 0, 0);
        s->by = db_cell(&r, 0, 2);
        s->seeds[s->nseeds++] = s->id;
        s->artists[s->nartists++] = (rec_id)db_cell_ll(&r, 0, 1, 0);
        return LYRE_OK;
    }
    if (strcmp(s->kind, "artist") == 0) {
        st = db_query(req->db, req->a, &r, "SELECT name FROM artists WHERE id = ?", "u", s->id);
        if (st != DB_OK)
            return db_status_to_err(st);
        if (r.nrows == 0)
            return LYRE_ERR_NOT_FOUND;
        s->name = db_cell(&r, 0, 0);
        s->artists[s->nartists++] = s->id;
        rec_cands top = { 0 };
        lyre_err err = rec_artist_tracks(c, &s->id, 1, 5, 0, &top);
        if (err != LYRE_OK)
            return err;
        rec_cands_sort(&top);
        for (size_t i = 0; i < top.n && s->nseeds < 5; i++)
            s->seeds[s->nseeds++] = top.v[i].id;
        return LYRE_OK;
    }
    /* A playlist: only one the visitor may open (public, theirs, or one
     * they edit); anything else is as unknown as a missing one. */
    st = db_query(req->db, req->a, &r,
        "SELECT p.name, u.username FROM playlists p JOIN users u ON u.id = p.owner_id "
        "WHERE p.id = ? AND (p.is_public = 1 OR p.owner_id = ? OR EXISTS (SELECT 1 FROM "
        "playlist_collaborators pc WHERE pc.playlist_id = p.id AND pc.user_id = ?))",
        "uuu", s->id, c->uid, c->uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows == 0)
        return LYRE_ERR_NOT_FOUND;
    s->name = db_cell(&r, 0, 0);
    s->by = db_cell(&r, 0, 1);
    db_result items;
    st = db_query(req->db, req->a, &items,
        "SELECT pi.track_id, COALESCE((SELECT c.artist_id FROM track_artists c WHERE c.track_id = "
        "pi.track_id AND c.role = 'main' ORDER BY c.position LIMIT 1), 0) FROM playlist_items pi "
        "WHERE pi.playlist_id = ? ORDER BY pi.position LIMIT 50", "u", s->id);
    if (st != DB_OK)
        return db_status_to_err(st);
    for (size_t i = 0; i < items.nrows && s->nseeds < SEEDS_MAX; i++) {
        s->seeds[s->nseeds++] = (rec_id)db_cell_ll(&items, i, 0, 0);
        rec_id a = (rec_id)db_cell_ll(&items, i, 1, 0);
        size_t k;
        for (k = 0; k < s->nartists && s->artists[k] != a; k++)
            ;
        if (a && k == s->nartists && s->nartists < 10)
            s->artists[s->nartists++] = a;
    }
    return LYRE_OK;
}

/* The main artist of each id (0 when unknown): those of the first nset ids
 * go into set, and the last id's is returned. */
static lyre_err artists_of(rec_ctx *c, const rec_id *ids, size_t n, size_t nset, rec_set *set,
                           rec_id *last)
{
    *last = 0;
    if (n == 0)
        return LYRE_OK;
    db_result r;
    db_status st = db_query(c->req->db, c->req->a, &r,
        "SELECT j.n, COALESCE((SELECT c.artist_id FROM track_artists c WHERE c.track_id = j.id "
        "AND c.role = 'main' ORDER BY c.position LIMIT 1), 0) "
        "FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY, id INT UNSIGNED PATH '$')) j", "s",
        rec_json_ids(c->req->a, ids, n));
    if (st != DB_OK)
        return db_status_to_err(st);
    for (size_t i = 0; i < r.nrows; i++) {
        long long k = db_cell_ll(&r, i, 0, 0);
        rec_id a = (rec_id)db_cell_ll(&r, i, 1, 0);
        if (k >= 1 && (size_t)k <= nset)
            rec_set_add(set, a);
        if (k == (long long)n)
            *last = a;
    }
    return LYRE_OK;
}

static void add_scaled(arena *a, rec_cands *to, const rec_cands *from, double w, const char *why)
{
    for (size_t i = 0; i < from->n; i++)
        rec_cands_add(a, to, from->v[i].id, from->v[i].score * w, why);
}

static lyre_err radio_batch(rec_ctx *c, const station *s, const rec_id *recent, size_t nrecent,
                            const rec_id *skipped, size_t nskipped, rec_list *out)
{
    lyre_req *req = c->req;
    arena *a = req->a;
    rec_cands cands = { 0 };
    const char *why_seed = strcmp(s->kind, "track") == 0 ? arena_printf(a, "Like %s", s->name)
                         : strcmp(s->kind, "artist") == 0 ? arena_printf(a, "Near %s", s->name)
                         : arena_printf(a, "Fits the playlist %s", s->name);
    const char *why_steer = "Follows what you just heard";
    size_t nsteer = nrecent < STEER ? nrecent : STEER;
    const rec_id *steer = recent + (nrecent - nsteer);

    /* the model: neighbours of seeds (+), of the latest songs (+), of skips (−) */
    rec_id probe[SEEDS_MAX + STEER + REC_MAX_IDS];
    size_t nprobe = 0;
    for (size_t i = 0; i < s->nseeds; i++)
        probe[nprobe++] = s->seeds[i];
    for (size_t i = 0; i < nsteer; i++)
        probe[nprobe++] = steer[i];
    for (size_t i = 0; i < nskipped && i < 10; i++)
        probe[nprobe++] = skipped[nskipped - 1 - i];
    rec_pair *pairs;
    size_t npairs;
    lyre_err err = rec_track_neighbours(c, probe, nprobe, s->nseeds > 10 ? 8 : 20, &pairs, &npairs);
    if (err != LYRE_OK)
        return err;
    for (size_t p = 0; p < npairs; p++) {
        int is_seed = 0, is_steer = 0, is_skip = 0;
        for (size_t i = 0; i < s->nseeds; i++)
            is_seed |= s->seeds[i] == pairs[p].from;
        for (size_t i = 0; i < nsteer; i++)
            is_steer |= steer[i] == pairs[p].from;
        for (size_t i = 0; i < nskipped; i++)
            is_skip |= skipped[i] == pairs[p].from;
        double sc = pairs[p].score > 0 ? pairs[p].score : 0.01;
        if (is_skip)
            rec_cands_add(a, &cands, pairs[p].to, -1.2 * sc, NULL);
        else if (is_seed)
            rec_cands_add(a, &cands, pairs[p].to, sc * (s->nseeds > 10 ? 0.5 : 1.0), why_seed);
        else if (is_steer)
            rec_cands_add(a, &cands, pairs[p].to, 0.5 * sc, why_steer);
    }

    /* the seed artists and their nearest artists */
    rec_pair *ap;
    size_t nap;
    err = rec_artist_neighbours(c, s->artists, s->nartists, 8, &ap, &nap);
    rec_cands own = { 0 }, near = { 0 };
    rec_id nbr[80];
    size_t nnbr = 0;
    for (size_t p = 0; err == LYRE_OK && p < nap && nnbr < 80; p++)
        nbr[nnbr++] = ap[p].to;
    unsigned long long salt = (unsigned long long)nrecent * 7919ULL + s->id;
    if (err == LYRE_OK)
        err = rec_artist_tracks(c, s->artists, s->nartists, c->model ? 4 : 10, salt, &own);
    if (err == LYRE_OK)
        err = rec_artist_tracks(c, nbr, nnbr, 3, salt, &near);
    if (err != LYRE_OK)
        return err;
    add_scaled(a, &cands, &own, c->model ? 0.35 : 1.0, arena_printf(a, "By %s", strcmp(s->kind, "track") == 0 && s->by ? s->by : s->name));
    add_scaled(a, &cands, &near, 0.25, why_seed);
    if (strcmp(s->kind, "track") != 0)
        for (size_t i = 0; i < s->nseeds; i++)
            rec_cands_add(a, &cands, s->seeds[i], 0.6 / (double)(i + 1) + 0.2, why_seed);

    /* no model: the most played songs of the seed artists' main genre */
    if (!c->model && s->nartists) {
        db_result g;
        db_status st = db_query(req->db, a, &g,
            "SELECT t.id, g.name FROM (SELECT al.genre_id FROM albums al WHERE al.album_artist_id = ? "
            " AND al.genre_id IS NOT NULL GROUP BY al.genre_id ORDER BY COUNT(*) DESC LIMIT 1) sg "
            "JOIN genres g ON g.id = sg.genre_id "
            "JOIN (SELECT x.id, x.genre_id FROM albums x ORDER BY x.created_at DESC LIMIT 5000) al "
            "  ON al.genre_id = sg.genre_id "
            "JOIN tracks t ON t.album_id = al.id LEFT JOIN track_plays p ON p.track_id = t.id "
            "ORDER BY COALESCE(p.plays, 0) DESC, t.id LIMIT 100", "u", s->artists[0]);
        if (st != DB_OK)
            return db_status_to_err(st);
        for (size_t i = 0; i < g.nrows; i++)
            rec_cands_add(a, &cands, (rec_id)db_cell_ll(&g, i, 0, 0), 0.3 / (double)(i + 3),
                          arena_printf(a, "More %s", db_cell(&g, i, 1)));
    }

    /* filler: what is popular, so the station never runs dry */
    const rec_list *pop, *trend;
    err = rec_popular(req, &pop, &trend, NULL);
    if (err != LYRE_OK)
        return err;
    for (size_t i = 0; i < pop->n; i++)
        rec_cands_add(a, &cands, pop->v[i].id, 0.02 / (double)(i + 1), "Popular with listeners here");

    /* out: recent window, skips, the seed track (played first on the first batch only) */
    rec_set seen;
    rec_set_init(&seen, a);
    for (size_t i = 0; i < nrecent; i++)
        rec_set_add(&seen, recent[i]);
    for (size_t i = 0; i < nskipped; i++)
        rec_set_add(&seen, skipped[i]);
    for (size_t i = 0; i < cands.n; i++)
        cands.v[i].score *= 0.8 + 0.4 * rec_jitter(cands.v[i].id, salt);
    rec_cands_sort(&cands);
    rec_cands kept = { 0 };
    for (size_t i = 0; i < cands.n && kept.n < 60; i++)
        if (cands.v[i].score > 0 && !rec_set_has(&seen, cands.v[i].id) &&
            !(strcmp(s->kind, "track") == 0 && cands.v[i].id == s->id))
            rec_cands_add(a, &kept, cands.v[i].id, cands.v[i].score, cands.v[i].why);
    rec_list songs;
    err = rec_fetch(c, &kept, kept.n, &songs);
    if (err != LYRE_OK)
        return err;

    /* pushed away from skipped artists: a quarter of the score per skip */
    rec_set skipped_artists;
    rec_set_init(&skipped_artists, a);
    rec_id prev = 0;
    rec_id *probe2 = arena_alloc(a, (nskipped + 1) * sizeof *probe2);
    memcpy(probe2, skipped, nskipped * sizeof *probe2);
    if (nrecent)
        probe2[nskipped] = recent[nrecent - 1];
    err = artists_of(c, probe2, nskipped + (nrecent ? 1 : 0), nskipped, &skipped_artists, &prev);
    if (err != LYRE_OK)
        return err;
    if (!nrecent)
        prev = 0;
    for (size_t i = 0; i < songs.n; i++)
        if (rec_set_has(&skipped_artists, songs.v[i].artist_id))
            songs.v[i].score *= 0.25;
    for (size_t i = 1; i < songs.n; i++)
        for (size_t j = i; j > 0 && songs.v[j].score > songs.v[j - 1].score; j--) {
            rec_track t = songs.v[j];
            songs.v[j] = songs.v[j - 1];
            songs.v[j - 1] = t;
        }

    /* The first batch of a song's radio starts with that song, counted
     * by the same rules as the rest. */
    memset(out, 0, sizeof *out);
    rec_list all = { 0 };
    if (strcmp(s->kind, "track") == 0 && nrecent == 0) {
        rec_cands first = { 0 };
        rec_list seed;
        rec_cands_add(a, &first, s->id, 1, "Where this radio starts");
        err = rec_fetch(c, &first, 1, &seed);
        if (err != LYRE_OK)
            return err;
        for (size_t i = 0; i < seed.n; i++)
            rec_list_push(a, &all, &seed.v[i]);
    }
    for (size_t i = 0; i < songs.n; i++)
        rec_list_push(a, &all, &songs.v[i]);
    rec_pick(c, a, &all, BATCH, 2, &seen, prev, out);
    return LYRE_OK;
}

static const char *batch_json(lyre_req *req, const station *s, const rec_list *l, rec_id model)
{
    strbuf *out = &req->body_out;
    sb_reset(out);
    sb_addf(out, "{\"context\":\"radio:%s:%llu\",\"model\":", s->kind, s->id);
    if (model)
        sb_addf(out, "%llu", model);
    else
        sb_adds(out, "null");
    sb_adds(out, ",\"items\":[");
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            sb_addc(out, ',');
        rec_track_json(out, &l->v[i]);
    }
    sb_adds(out, "]}\n");
    return "application/json";
}

lyre_err page_radio(lyre_req *req)
{
    const char *kind = req->route_args[0], *arg = req->route_args[1];
    if (strcmp(kind, "track") != 0 && strcmp(kind, "artist") != 0 && strcmp(kind, "playlist") != 0) {
        req->error_detail = "Radio starts from a track, an artist or a playlist.";
        return LYRE_ERR_NOT_FOUND;
    }
    int json = str_ends_with(arg, ".json");
    const char *id_text = json ? arena_strndup(req->a, arg, strlen(arg) - 5) : arg;
    station s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    if (str_to_id(id_text, 4294967295ULL, &s.id) != 0) {
        req->error_detail = "The id must be a whole number from 1.";
        return LYRE_ERR_BAD_REQUEST;
    }
    rec_id *recent = NULL, *skipped = NULL;
    size_t nrecent = 0, nskipped = 0;
    if (rec_parse_ids(req->a, http_query(req, "recent"), REC_MAX_IDS, &recent, &nrecent) != 0 ||
        rec_parse_ids(req->a, http_query(req, "skipped"), REC_MAX_IDS, &skipped, &nskipped) != 0) {
        req->error_detail = arena_printf(req->a,
            "recent and skipped are up to %d track ids separated by commas.", REC_MAX_IDS);
        return LYRE_ERR_BAD_REQUEST;
    }
    rec_ctx c;
    lyre_err err = rec_ctx_load(req, &c);
    if (err == LYRE_OK)
        err = load_station(&c, &s);
    if (err == LYRE_ERR_NOT_FOUND)
        req->error_detail = arena_printf(req->a, "There is no %s %llu to start a radio from.", kind, s.id);
    rec_list batch;
    if (err == LYRE_OK)
        err = radio_batch(&c, &s, recent, nrecent, skipped, nskipped, &batch);
    if (err != LYRE_OK)
        return err;
    if (json) {
        req->content_type = batch_json(req, &s, &batch, c.model);
        http_set_header(req, "Cache-Control", "private, no-store");
        return LYRE_OK;
    }
    lyre_view *v = view_new("radio", arena_printf(req->a, "%s radio", s.name));
    xmlNodePtr content = view_content(v);
    xmlNodePtr r = view_elem(content, "radio");
    view_attr(r, "kind", kind);
    view_attr(r, "id", arena_printf(req->a, "%llu", s.id));
    view_attr(r, "context", arena_printf(req->a, "radio:%s:%llu", kind, s.id));
    view_text(r, "name", s.name);
    if (s.by)
        view_text(r, "by", s.by);
    xmlNodePtr list = view_elem(r, "tracks");
    for (size_t i = 0; i < batch.n; i++)
        rec_track_xml(req->a, list, &batch.v[i]);
    view_text(view_meta(v), "section", "radio");
    http_set_header(req, "Cache-Control", "private, no-cache");
    return app_render(req, v);
}

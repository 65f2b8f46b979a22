/* mixes.c — the building blocks every recommendation list is made of (id
 * sets, candidates, the model's neighbours, track details, the per-artist
 * and no-repeat rules, popular and trending), and GET /mix/{name}. */
#include "recommend.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assets.h"
#include "auth.h"
#include "log.h"

/* ------------------------------------------------------------ id set */

static size_t slot_of(rec_id id, size_t cap)
{
    return (size_t)((id * 0x9E3779B97F4A7C15ULL) >> 17) & (cap - 1);
}

void rec_set_init(rec_set *s, arena *a)
{
    s->a = a;
    s->cap = 64;
    s->n = 0;
    s->keys = arena_calloc(a, s->cap, sizeof *s->keys);
}

int rec_set_has(const rec_set *s, rec_id id)
{
    if (id == 0 || !s->keys)
        return 0;
    for (size_t i = slot_of(id, s->cap);; i = (i + 1) & (s->cap - 1)) {
        if (s->keys[i] == id)
            return 1;
        if (s->keys[i] == 0)
            return 0;
    }
}

int rec_set_add(rec_set *s, rec_id id)
{
    if (id == 0 || rec_set_has(s, id))
        return 0;
    if ((s->n + 1) * 2 > s->cap) {
        size_t old_cap = s->cap;
        rec_id *old = s->keys;
        s->cap *= 2;
        s->keys = arena_calloc(s->a, s->cap, sizeof *s->keys);
        s->n = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i])
                rec_set_add(s, old[i]);
    }
    size_t i = slot_of(id, s->cap);
    while (s->keys[i])
        i = (i + 1) & (s->cap - 1);
    s->keys[i] = id;
    s->n++;
    return 1;
}

/* ------------------------------------------------------------ lists */

void rec_list_push(arena *a, rec_list *l, const rec_track *t)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        rec_track *v = arena_alloc(a, cap * sizeof *v);
        if (l->n)
            memcpy(v, l->v, l->n * sizeof *v);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *t;
}

void rec_cands_add(arena *a, rec_cands *c, rec_id id, double score, const char *why)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].id == id) {
            c->v[i].score += score;
            if (!c->v[i].why)
                c->v[i].why = why;
            return;
        }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        rec_cand *v = arena_alloc(a, cap * sizeof *v);
        if (c->n)
            memcpy(v, c->v, c->n * sizeof *v);
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n].id = id;
    c->v[c->n].score = score;
    c->v[c->n].why = why;
    c->n++;
}

static int cand_cmp(const void *x, const void *y)
{
    const rec_cand *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

void rec_cands_sort(rec_cands *c)
{
    if (c->n > 1)
        qsort(c->v, c->n, sizeof *c->v, cand_cmp);
}

/* ------------------------------------------------------------ ids as text */

const char *rec_json_ids(arena *a, const rec_id *ids, size_t n)
{
    strbuf sb = STRBUF_INIT;
    sb_addc(&sb, '[');
    for (size_t i = 0; i < n; i++)
        sb_addf(&sb, "%s%llu", i ? "," : "", ids[i]);
    sb_addc(&sb, ']');
    char *out = arena_strndup(a, sb.buf, sb.len);
    sb_free(&sb);
    return out;
}

int rec_parse_ids(arena *a, const char *s, size_t max, rec_id **ids, size_t *n)
{
    *n = 0;
    *ids = arena_calloc(a, max ? max : 1, sizeof **ids);
    while (s && *s) {
        size_t len = strcspn(s, ",");
        rec_id id;
        if (len == 0 || len > 10 || *n >= max)
            return -1;
        char *one = arena_strndup(a, s, len);
        if (str_to_id(one, 4294967295ULL, &id) != 0)
            return -1;
        (*ids)[(*n)++] = id;
        s += len;
        if (*s == ',' && !*++s)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ who asks */

lyre_err rec_ctx_load(lyre_req *req, rec_ctx *c)
{
    memset(c, 0, sizeof *c);
    c->req = req;
    c->uid = req->auth ? req->auth->user_id : 0;
    rec_set_init(&c->bad_tracks, req->a);
    rec_set_init(&c->bad_artists, req->a);
    /* One round trip: the current model and both kinds of dislikes. */
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT 0, model_id FROM rec_current WHERE one = 1 "
        "UNION ALL (SELECT 1, track_id FROM track_dislikes WHERE user_id = ? LIMIT 10000) "
        "UNION ALL (SELECT 2, artist_id FROM artist_dislikes WHERE user_id = ? LIMIT 10000)",
        "uu", c->uid, c->uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    for (size_t i = 0; i < r.nrows; i++) {
        long long kind = db_cell_ll(&r, i, 0, -1);
        rec_id id = (rec_id)db_cell_ll(&r, i, 1, 0);
        if (kind == 0)
            c->model = id;
        else if (kind == 1)
            rec_set_add(&c->bad_tracks, id);
        else if (kind == 2)
            rec_set_add(&c->bad_artists, id);
    }
    return LYRE_OK;
}

/* ------------------------------------------------------------ details */

lyre_err rec_fetch(rec_ctx *c, const rec_cands *cands, size_t limit, rec_list *out)
{
    lyre_req *req = c->req;
    size_t n = cands->n < limit ? cands->n : limit;
    memset(out, 0, sizeof *out);
    if (n == 0)
        return LYRE_OK;
    rec_id *ids = arena_alloc(req->a, n * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = cands->v[i].id;
    /* The first main artist credited (the album artist when none is), so
     * a track belongs to one artist for the per-artist rules. */
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT j.n, t.id, t.title, t.duration_ms, al.id, al.title, aw.sha256, ar.id, ar.name "
        "FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY, id INT UNSIGNED PATH '$')) j "
        "JOIN tracks t ON t.id = j.id AND t.available = 1 "
        "JOIN albums al ON al.id = t.album_id LEFT JOIN artwork aw ON aw.id = al.artwork_id "
        "JOIN artists ar ON ar.id = COALESCE((SELECT c.artist_id FROM track_artists c "
        "  WHERE c.track_id = t.id AND c.role = 'main' ORDER BY c.position LIMIT 1), al.album_artist_id) "
        "ORDER BY j.n", "s", rec_json_ids(req->a, ids, n));
    if (st != DB_OK)
        return db_status_to_err(st);
    for (size_t i = 0; i < r.nrows; i++) {
        long long k = db_cell_ll(&r, i, 0, 0) - 1;
        rec_track t;
        if (k < 0 || (size_t)k >= n)
            continue;
        t.id = (rec_id)db_cell_ll(&r, i, 1, 0);
        t.artist_id = (rec_id)db_cell_ll(&r, i, 7, 0);
        if (rec_set_has(&c->bad_tracks, t.id) || rec_set_has(&c->bad_artists, t.artist_id))
            continue;
        t.title = db_cell(&r, i, 2);
        t.ms = db_cell_ll(&r, i, 3, 0);
        t.album_id = (rec_id)db_cell_ll(&r, i, 4, 0);
        t.album = db_cell(&r, i, 5);
        t.cover = art_url(req->cfg, req->a, db_cell(&r, i, 6), 300);
        t.artist = db_cell(&r, i, 8);
        t.why = cands->v[k].why;
        t.score = cands->v[k].score;
        rec_list_push(req->a, out, &t);
    }
    return LYRE_OK;
}

/* ------------------------------------------------------------ the rules */

void rec_pick(const rec_ctx *c, arena *a, const rec_list *cand, size_t max, int per_artist,
              rec_set *seen, rec_id prev, rec_list *out)
{
    if (cand->n == 0 || max == 0)
        return;
    unsigned char *used = arena_calloc(a, cand->n, 1);
    rec_id *artists = arena_calloc(a, max, sizeof *artists);
    int *counts = arena_calloc(a, max, sizeof *counts);
    size_t nartists = 0;
    while (out->n < max) {
        size_t best = cand->n, fallback = cand->n;
        for (size_t i = 0; i < cand->n; i++) {
            const rec_track *t = &cand->v[i];
            if (used[i])
                continue;
            if (rec_set_has(seen, t->id) ||
                (c && (rec_set_has(&c->bad_tracks, t->id) || rec_set_has(&c->bad_artists, t->artist_id)))) {
                used[i] = 1;
                continue;
            }
            int count = 0;
            for (size_t k = 0; k < nartists; k++)
                if (artists[k] == t->artist_id)
                    count = counts[k];
            if (count >= per_artist) {
                used[i] = 1;
                continue;
            }
            if (t->artist_id == prev) {
                if (fallback == cand->n)
                    fallback = i;
                continue;
            }
            best = i;
            break;
        }
        if (best == cand->n)
            best = fallback;
        if (best == cand->n)
            break;
        const rec_track *t = &cand->v[best];
        used[best] = 1;
        rec_set_add(seen, t->id);
        size_t k;
        for (k = 0; k < nartists && artists[k] != t->artist_id; k++)
            ;
        if (k == nartists && nartists < max)
            artists[nartists++] = t->artist_id;
        if (k < nartists)
            counts[k]++;
        prev = t->artist_id;
        rec_list_push(a, out, t);
    }
}

/* ------------------------------------------------------------ the model */

static lyre_err pairs_of(rec_ctx *c, const char *sql, const rec_id *ids, size_t n, int limit,
                         rec_pair **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!c->model || n == 0)
        return LYRE_OK;
    db_result r;
    db_status st = db_query(c->req->db, c->req->a, &r, sql, "sui",
                            rec_json_ids(c->req->a, ids, n), c->model, (long long)limit);
    if (st != DB_OK)
        return db_status_to_err(st);
    *out = arena_alloc(c->req->a, (r.nrows ? r.nrows : 1) * sizeof **out);
    for (size_t i = 0; i < r.nrows; i++) {
        (*out)[i].from = (rec_id)db_cell_ll(&r, i, 0, 0);
        (*out)[i].to = (rec_id)db_cell_ll(&r, i, 1, 0);
        (*out)[i].score = strtod(db_cell(&r, i, 2) ? db_cell(&r, i, 2) : "0", NULL);
    }
    *nout = r.nrows;
    return LYRE_OK;
}

lyre_err rec_track_neighbours(rec_ctx *c, const rec_id *seeds, size_t n, int per_seed,
                              rec_pair **out, size_t *nout)
{
    return pairs_of(c,
        "SELECT n.track_id, n.neighbor_id, n.score "
        "FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j "
        "JOIN rec_track_neighbors n ON n.model_id = ? AND n.track_id = j.id AND n.rank <= ? "
        "ORDER BY n.track_id, n.rank", seeds, n, per_seed, out, nout);
}

lyre_err rec_artist_neighbours(rec_ctx *c, const rec_id *artists, size_t n, int per_artist,
                               rec_pair **out, size_t *nout)
{
    return pairs_of(c,
        "SELECT n.artist_id, n.neighbor_id, n.score "
        "FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j "
        "JOIN rec_artist_neighbors n ON n.model_id = ? AND n.artist_id = j.id AND n.rank <= ? "
        "ORDER BY n.artist_id, n.rank", artists, n, per_artist, out, nout);
}

double rec_jitter(rec_id id, unsigned long long salt)
{
    unsigned long long x = (id + 0x9E3779B97F4A7C15ULL) ^ (salt * 0xBF58476D1CE4E5B9ULL);
    x ^= x >> 31;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 29;
    return (double)(x >> 11) / 9007199254740992.0;
}

lyre_err rec_artist_tracks(rec_ctx *c, const rec_id *artists, size_t n, int per_artist,
                           unsigned long long salt, rec_cands *out)
{
    if (n == 0)
        return LYRE_OK;
    /* Twice as many as asked, then a daily shuffle among them: the mixes
     * change from day to day without leaving an artist's best songs. */
    db_result r;
    db_status st = db_query(c->req->db, c->req->a, &r,
        "SELECT x.track_id, x.rn FROM (SELECT ta.track_id, ROW_NUMBER() OVER "
        " (PARTITION BY ta.artist_id ORDER BY COALESCE(p.plays, 0) DESC, ta.track_id) AS rn "
        " FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j "
        " JOIN track_artists ta ON ta.artist_id = j.id AND ta.role = 'main' "
        " LEFT JOIN track_plays p ON p.track_id = ta.track_id) x WHERE x.rn <= ?",
        "si", rec_json_ids(c->req->a, artists, n), (long long)per_artist * 2);
    if (st != DB_OK)
        return db_status_to_err(st);
    for (size_t i = 0; i < r.nrows; i++) {
        rec_id id = (rec_id)db_cell_ll(&r, i, 0, 0);
        double rank = (double)db_cell_ll(&r, i, 1, 1);
        rec_cands_add(c->req->a, out, id, (0.5 + rec_jitter(id, salt)) / (rank + 1.0), NULL);
    }
    return LYRE_OK;
}

/* ------------------------------------------------------------ popular and trending */

#define POPULAR_EVENTS 20000    /* "now": the latest events */
#define TRENDING_EVENTS 5000    /* compared with the POPULAR_EVENTS before them */
#define POPULAR_TTL 120         /* seconds a worker keeps the lists */
#define POPULAR_KEEP 60

static struct {
    int ready;
    time_t at;
    arena mem;
    rec_list popular, trending;
} shared;

static void copy_list(arena *a, const rec_list *from, rec_list *to)
{
    memset(to, 0, sizeof *to);
    for (size_t i = 0; i < from->n; i++) {
        rec_track t = from->v[i];
        t.title = t.title ? arena_strdup(a, t.title) : NULL;
        t.artist = t.artist ? arena_strdup(a, t.artist) : NULL;
        t.album = t.album ? arena_strdup(a, t.album) : NULL;
        t.cover = t.cover ? arena_strdup(a, t.cover) : NULL;
        t.why = t.why ? arena_strdup(a, t.why) : NULL;
        rec_list_push(a, to, &t);
    }
}

static lyre_err refresh_popular(lyre_req *req)
{
    rec_ctx c;
    memset(&c, 0, sizeof c);
    c.req = req;
    rec_set_init(&c.bad_tracks, req->a);
    rec_set_init(&c.bad_artists, req->a);
    /* Windows by position from the newest event (ids may have gaps), each
     * a primary-key range: boundaries first, then one pass per list. */
    db_result top, pop, trend;
    db_status st = db_query(req->db, req->a, &top,
        "SELECT COALESCE((SELECT id FROM play_events ORDER BY id DESC LIMIT 1 OFFSET ?), 0), "
        "COALESCE((SELECT id FROM play_events ORDER BY id DESC LIMIT 1 OFFSET ?), 0), "
        "COALESCE((SELECT id FROM play_events ORDER BY id DESC LIMIT 1 OFFSET ?), 0)", "iii",
        (long long)TRENDING_EVENTS, (long long)POPULAR_EVENTS,
        (long long)(TRENDING_EVENTS + POPULAR_EVENTS));
    long long lately = st == DB_OK ? db_cell_ll(&top, 0, 0, 0) : 0;
    long long now = st == DB_OK ? db_cell_ll(&top, 0, 1, 0) : 0;
    long long before = st == DB_OK ? db_cell_ll(&top, 0, 2, 0) : 0;
    if (st == DB_OK)
        st = db_query(req->db, req->a, &pop,
            "SELECT track_id, COUNT(DISTINCT play_id) AS n FROM play_events WHERE id > ? AND event IN ('start', 'complete') "
            "GROUP BY track_id ORDER BY n DESC, track_id LIMIT ?", "ii", now, (long long)POPULAR_KEEP);
    /* Trending: events of the latest window against the window before,
     * scaled to the same length; a few plays lately are needed. */
    if (st == DB_OK)
        st = db_query(req->db, req->a, &trend,
            "SELECT track_id, lately, before_ FROM (SELECT track_id, SUM(id > ?) AS lately, "
            " SUM(id <= ?) AS before_ FROM play_events WHERE id > ? AND event IN ('start', 'complete') "
            " GROUP BY track_id) x WHERE lately >= 3 "
            "ORDER BY (lately + 1) / (before_ * ? + 1) DESC, lately DESC, track_id LIMIT ?",
            "iiidi", lately, lately, before, (double)TRENDING_EVENTS / POPULAR_EVENTS,
            (long long)POPULAR_KEEP);
    if (st != DB_OK)
        return db_status_to_err(st);
    rec_cands pc = { 0 }, tc = { 0 };
    for (size_t i = 0; i < pop.nrows; i++)
        rec_cands_add(req->a, &pc, (rec_id)db_cell_ll(&pop, i, 0, 0), (double)db_cell_ll(&pop, i, 1, 0),
            arena_printf(req->a, "Popular now · %lld plays lately", db_cell_ll(&pop, i, 1, 0)));
    for (size_t i = 0; i < trend.nrows; i++)
        rec_cands_add(req->a, &tc, (rec_id)db_cell_ll(&trend, i, 0, 0), 0,
            db_cell_ll(&trend, i, 2, 0) == 0 ? "Trending · new to listeners here"
            : arena_printf(req->a, "Trending · played %.0f× as often as before",
                           (double)db_cell_ll(&trend, i, 1, 0) * POPULAR_EVENTS /
                           ((double)db_cell_ll(&trend, i, 2, 0) * TRENDING_EVENTS)));
    if (pc.n == 0) {
        /* Nothing played yet: the newest songs stand in. */
        db_result fresh;
        st = db_query(req->db, req->a, &fresh,
            "SELECT id FROM tracks WHERE available = 1 ORDER BY id DESC LIMIT 60", "");
        if (st != DB_OK)
            return db_status_to_err(st);
        for (size_t i = 0; i < fresh.nrows; i++)
            rec_cands_add(req->a, &pc, (rec_id)db_cell_ll(&fresh, i, 0, 0), 0, "New in the catalogue");
    }
    rec_list pl, tl;
    lyre_err err = rec_fetch(&c, &pc, pc.n, &pl);
    if (err == LYRE_OK)
        err = rec_fetch(&c, &tc, tc.n, &tl);
    if (err != LYRE_OK)
        return err;
    if (!shared.ready)
        arena_init(&shared.mem, 64 * 1024);
    else
        arena_reset(&shared.mem);
    copy_list(&shared.mem, &pl, &shared.popular);
    copy_list(&shared.mem, &tl, &shared.trending);
    shared.ready = 1;
    shared.at = time(NULL);
    return LYRE_OK;
}

lyre_err rec_popular(lyre_req *req, const rec_list **popular, const rec_list **trending,
                     long long *generation)
{
    time_t now = time(NULL);
    if (!shared.ready || now - shared.at >= POPULAR_TTL || now < shared.at) {
        lyre_err err = refresh_popular(req);
        if (err != LYRE_OK && !shared.ready)
            return err;
        if (err != LYRE_OK)
            log_warn("popular: keeping the previous lists");
    }
    *popular = &shared.popular;
    *trending = &shared.trending;
    if (generation)
        *generation = (long long)shared.at;
    return LYRE_OK;
}

/* ------------------------------------------------------------ output */

xmlNodePtr rec_track_xml(arena *a, xmlNodePtr parent, const rec_track *t)
{
    xmlNodePtr n = view_elem(parent, "track");
    view_attr(n, "id", arena_printf(a, "%llu", t->id));
    view_text(n, "title", t->title);
    xmlNodePtr ar = view_text(n, "artist", t->artist);
    view_attr(ar, "id", arena_printf(a, "%llu", t->artist_id));
    xmlNodePtr al = view_elem(n, "album");
    view_attr(al, "id", arena_printf(a, "%llu", t->album_id));
    view_text(al, "title", t->album);
    if (t->cover)
        view_text(al, "cover", t->cover);
    long long s = (t->ms + 500) / 1000;
    xmlNodePtr d = view_text(n, "duration", arena_printf(a, "%lld:%02lld", s / 60, s % 60));
    view_attr_int(d, "ms", t->ms);
    if (t->why)
        view_text(n, "why", t->why);
    return n;
}

/* A JSON string: quotes, backslashes and controls escaped, and <, >, & too
 * so the text is inert wherever it lands. */
static void json_str(strbuf *out, const char *s)
{
    sb_addc(out, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            sb_addf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
            sb_addf(out, "\\u%04x", *p);
        else
            sb_addc(out, (char)*p);
    }
    sb_addc(out, '"');
}

void rec_track_json(strbuf *out, const rec_track *t)
{
    sb_addf(out, "{\"id\":\"%llu\",\"title\":", t->id);
    json_str(out, t->title);
    sb_adds(out, ",\"artist\":");
    json_str(out, t->artist);
    sb_addf(out, ",\"artistId\":\"%llu\",\"album\":", t->artist_id);
    json_str(out, t->album);
    sb_addf(out, ",\"albumId\":\"%llu\",\"cover\":", t->album_id);
    json_str(out, t->cover);
    sb_addf(out, ",\"ms\":%lld,\"why\":", t->ms);
    json_str(out, t->why);
    sb_addc(out, '}');
}

/* ------------------------------------------------------------ GET /mix/{name} */

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 40)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/* The <mix name=NAME> anywhere below node (<foryou>/<mixes|rows>/<mix>). */
static xmlNodePtr find_mix(xmlNodePtr node, const char *name, int depth)
{
    for (xmlNodePtr m = node->children; m && depth < 3; m = m->next) {
        if (m->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)m->name, "mix") == 0) {
            xmlChar *n = xmlGetProp(m, BAD_CAST "name");
            int same = n && strcmp((const char *)n, name) == 0;
            xmlFree(n);
            if (same)
                return m;
        } else {
            xmlNodePtr found = find_mix(m, name, depth + 1);
            if (found)
                return found;
        }
    }
    return NULL;
}

lyre_err page_mix(lyre_req *req)
{
    const char *name = req->route_args[0];
    if (!valid_name(name)) {
        req->error_detail = "A mix name is made of lower-case letters, digits and dashes.";
        return LYRE_ERR_BAD_REQUEST;
    }
    lyre_view *v = view_new("mix", NULL);
    xmlNodePtr content = view_content(v);
    xmlNodePtr scratch = view_elem(content, "scratch");
    int onboard = 0;
    lyre_err err = foryou_data(req, scratch, &onboard);
    xmlNodePtr mix = err == LYRE_OK ? find_mix(scratch, name, 0) : NULL;
    if (err == LYRE_OK && !mix) {
        if (!req->auth && (str_starts_with(name, "daily-") || strcmp(name, "discover") == 0 ||
                           str_starts_with(name, "because-"))) {
            view_free(v);
            return http_redirect(req, 303, arena_printf(req->a, "/login?next=%s",
                                 url_encode(req->a, req->uri))) == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
        }
        req->error_detail = "There is no mix of that name for you (mixes change as you listen).";
        err = LYRE_ERR_NOT_FOUND;
    }
    if (err != LYRE_OK) {
        view_free(v);
        return err;
    }
    xmlUnlinkNode(mix);
    xmlAddChild(content, mix);
    xmlUnlinkNode(scratch);
    xmlFreeNode(scratch);
    xmlChar *title = NULL;
    for (xmlNodePtr k = mix->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name, "title") == 0)
            title = xmlNodeGetContent(k);
    view_text(view_meta(v), "title", title ? (const char *)title : "Mix");
    xmlFree(title);
    view_text(view_meta(v), "section", "mix");
    http_set_header(req, "Cache-Control", "private, no-cache");
    return app_render(req, v);
}

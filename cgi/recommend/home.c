/* home.c — GET /home: "Made for you".  The data (mixes, "because you
 * played" rows, releases of followed artists, popular and trending) is an
 * XML tree built once and kept in the worker's cache under a key that
 * changes with everything it depends on: the model, the user's latest play
 * event, their likes, follows, dislikes and picks, and the shared popular
 * lists.  A hit costs one small query and a copy of the tree. */
#include "recommend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assets.h"
#include "auth.h"
#include "log.h"

#define TASTE_MAX 30        /* artists a user's taste is read from */
#define TOP_MAX 12          /* of which the mixes are clustered */
#define MIXES_MAX 4
#define MIX_MEMBERS 4       /* taste artists in one daily mix */
#define MIX_TRACKS 25
#define ROW_TRACKS 10
#define BECAUSE_ROWS 3
#define CACHE_SLOTS 64

/* ------------------------------------------------------------ the cache */

static struct slot {
    char *key;
    xmlDocPtr doc;
    int onboard;
    unsigned long long used;
} cache[CACHE_SLOTS];
static unsigned long long cache_tick;

static struct slot *cache_find(const char *key)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++)
        if (cache[i].key && strcmp(cache[i].key, key) == 0) {
            cache[i].used = ++cache_tick;
            return &cache[i];
        }
    return NULL;
}

static void cache_put(const char *key, xmlDocPtr doc, int onboard)
{
    struct slot *s = &cache[0];
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (!cache[i].key) {
            s = &cache[i];
            break;
        }
        if (cache[i].used < s->used)
            s = &cache[i];
    }
    free(s->key);
    if (s->doc)
        xmlFreeDoc(s->doc);
    s->key = strdup(key);
    if (!s->key) {
        xmlFreeDoc(doc);
        s->doc = NULL;
        return;
    }
    s->doc = doc;
    s->onboard = onboard;
    s->used = ++cache_tick;
}

/* ------------------------------------------------------------ helpers */

typedef struct taste {
    rec_id id;
    double w;
    const char *name;
} taste;

static int track_cmp(const void *x, const void *y)
{
    const rec_track *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static void sort_list(rec_list *l)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, track_cmp);
}

static long find_id(const rec_id *ids, size_t n, rec_id id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return (long)i;
    return -1;
}

/* <mix name kind display><title/><why/><tracks>…</tracks></mix> */
static xmlNodePtr add_mix(arena *a, xmlNodePtr parent, const char *name, const char *kind,
                          const char *display, const char *title, const char *why,
                          const rec_list *tracks)
{
    xmlNodePtr m = view_elem(parent, "mix");
    view_attr(m, "name", name);
    view_attr(m, "kind", kind);
    view_attr(m, "display", display);
    view_text(m, "title", title);
    if (why)
        view_text(m, "why", why);
    xmlNodePtr list = view_elem(m, "tracks");
    for (size_t i = 0; i < tracks->n; i++)
        rec_track_xml(a, list, &tracks->v[i]);
    return m;
}

/* "A", "A and B", "A, B and C" */
static const char *names_of(arena *a, const char **names, size_t n)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_adds(&sb, i + 1 == n ? " and " : ", ");
        sb_adds(&sb, names[i] ? names[i] : "");
    }
    char *out = arena_strndup(a, sb.buf ? sb.buf : "", sb.len);
    sb_free(&sb);
    return out;
}

/* ------------------------------------------------------------ taste */

static lyre_err load_taste(rec_ctx *c, taste **out, size_t *n)
{
    lyre_req *req = c->req;
    rec_id uid = c->uid;
    db_result r, g;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT x.artist_id, ar.name, x.s FROM (SELECT artist_id, SUM(w) AS s FROM ("
        " SELECT ta.artist_id, CASE e.event WHEN 'complete' THEN 2 WHEN '30s' THEN 1 "
        "   WHEN 'skip' THEN -1 ELSE 0.25 END AS w "
        "  FROM (SELECT track_id, event FROM play_events WHERE user_id = ? "
        "        ORDER BY created_at DESC LIMIT 1000) e "
        "  JOIN track_artists ta ON ta.track_id = e.track_id AND ta.role = 'main' "
        " UNION ALL SELECT ta.artist_id, 2 FROM (SELECT track_id FROM track_likes WHERE user_id = ? "
        "        ORDER BY created_at DESC LIMIT 200) l "
        "  JOIN track_artists ta ON ta.track_id = l.track_id AND ta.role = 'main' "
        " UNION ALL SELECT artist_id, 4 FROM artist_follows WHERE user_id = ? "
        " UNION ALL SELECT artist_id, 6 FROM user_taste_artists WHERE user_id = ?) u "
        " GROUP BY artist_id HAVING s > 0 ORDER BY s DESC, artist_id LIMIT 30) x "
        "JOIN artists ar ON ar.id = x.artist_id ORDER BY x.s DESC, x.artist_id",
        "uuuu", uid, uid, uid, uid);
    /* Genres picked at /welcome stand for their most represented artists. */
    if (st == DB_OK)
        st = db_query(req->db, req->a, &g,
            "SELECT x.aid, ar.name, x.n FROM (SELECT al.album_artist_id AS aid, COUNT(*) AS n "
            " FROM user_taste_genres tg JOIN albums al ON al.genre_id = tg.genre_id "
            " WHERE tg.user_id = ? GROUP BY al.album_artist_id ORDER BY n DESC, aid LIMIT 12) x "
            "JOIN artists ar ON ar.id = x.aid ORDER BY x.n DESC, x.aid", "u", uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    taste *t = arena_calloc(req->a, TASTE_MAX + 12, sizeof *t);
    size_t k = 0;
    for (size_t i = 0; i < r.nrows + g.nrows && k < TASTE_MAX + 12; i++) {
        const db_result *src = i < r.nrows ? &r : &g;
        size_t row = i < r.nrows ? i : i - r.nrows;
        rec_id id = (rec_id)db_cell_ll(src, row, 0, 0);
        double w = i < r.nrows ? strtod(db_cell(src, row, 2) ? db_cell(src, row, 2) : "0", NULL) : 3.0;
        if (rec_set_has(&c->bad_artists, id))
            continue;
        size_t j;
        for (j = 0; j < k && t[j].id != id; j++)
            ;
        if (j < k) {
            t[j].w += w;
            continue;
        }
        t[k].id = id;
        t[k].w = w;
        t[k].name = db_cell(src, row, 1);
        k++;
    }
    for (size_t i = 1; i < k; i++)     /* by weight, stable */
        for (size_t j = i; j > 0 && t[j].w > t[j - 1].w; j--) {
            taste tmp = t[j];
            t[j] = t[j - 1];
            t[j - 1] = tmp;
        }
    *out = t;
    *n = k;
    return LYRE_OK;
}

/* ------------------------------------------------------------ clusters */

/* Links between the top artists: the model's neighbour score either way,
 * or (no model) 1 when they share their first genre. */
static lyre_err link_matrix(rec_ctx *c, const taste *t, size_t n, rec_pair **pairs, size_t *npairs,
                            double *link)
{
    lyre_req *req = c->req;
    rec_id ids[TASTE_MAX + 12];
    for (size_t i = 0; i < n; i++)
        ids[i] = t[i].id;
    lyre_err err = rec_artist_neighbours(c, ids, n, 25, pairs, npairs);
    if (err != LYRE_OK)
        return err;
    for (size_t p = 0; p < *npairs; p++) {
        long i = find_id(ids, n, (*pairs)[p].from), j = find_id(ids, n, (*pairs)[p].to);
        if (i >= 0 && j >= 0 && i < TOP_MAX && j < TOP_MAX && i != j) {
            double s = (*pairs)[p].score > 0 ? (*pairs)[p].score : 1e-6;
            if (s > link[i * TOP_MAX + j]) {
                link[i * TOP_MAX + j] = s;
                link[j * TOP_MAX + i] = s;
            }
        }
    }
    if (c->model && *npairs)
        return LYRE_OK;
    size_t top = n < TOP_MAX ? n : TOP_MAX;
    db_result g;
    db_status st = db_query(req->db, req->a, &g,
        "SELECT al.album_artist_id, MIN(al.genre_id) FROM JSON_TABLE(?, '$[*]' COLUMNS "
        "(id INT UNSIGNED PATH '$')) j JOIN albums al ON al.album_artist_id = j.id "
        "GROUP BY al.album_artist_id", "s", rec_json_ids(req->a, ids, top));
    if (st != DB_OK)
        return db_status_to_err(st);
    long long genre[TOP_MAX] = { 0 };
    for (size_t i = 0; i < g.nrows; i++) {
        long k = find_id(ids, top, (rec_id)db_cell_ll(&g, i, 0, 0));
        if (k >= 0)
            genre[k] = db_cell_ll(&g, i, 1, 0);
    }
    for (size_t i = 0; i < top; i++)
        for (size_t j = 0; j < top; j++)
            if (i != j && genre[i] && genre[i] == genre[j])
                link[i * TOP_MAX + j] = 1;
    return LYRE_OK;
}

typedef struct mixdef {
    size_t members[MIX_MEMBERS];
    size_t nmembers;
    rec_id neigh[6];
    double neigh_score[6];
    size_t neigh_from[6];
    size_t nneigh;
} mixdef;

/* Greedy: each top artist joins the cluster it is most linked to, or
 * starts a new one while there is room. */
static size_t make_clusters(size_t n, const double *link, mixdef *mixes)
{
    size_t top = n < TOP_MAX ? n : TOP_MAX, nm = 0;
    for (size_t i = 0; i < top; i++) {
        long best = -1;
        double best_link = 0;
        for (size_t m = 0; m < nm; m++)
            for (size_t k = 0; k < mixes[m].nmembers; k++) {
                double l = link[i * TOP_MAX + mixes[m].members[k]];
                if (l > best_link) {
                    best_link = l;
                    best = (long)m;
                }
            }
        if (best >= 0 && mixes[best].nmembers < MIX_MEMBERS)
            mixes[best].members[mixes[best].nmembers++] = i;
        else if (best < 0 && nm < MIXES_MAX) {
            memset(&mixes[nm], 0, sizeof mixes[nm]);
            mixes[nm].members[0] = i;
            mixes[nm].nmembers = 1;
            nm++;
        }
    }
    return nm;
}

/* ------------------------------------------------------------ the build */

typedef struct build {
    rec_ctx *c;
    arena *a;
    xmlNodePtr root, mixes, rows;
    taste *taste;
    size_t ntaste;
    rec_set played;
    rec_id recent[BECAUSE_ROWS];
    size_t nrecent;
    rec_set page_seen;     /* no track twice among the mixes */
} build;

static lyre_err load_played(build *b)
{
    db_result r;
    db_status st = db_query(b->c->req->db, b->a, &r,
        "SELECT track_id FROM play_events WHERE user_id = ? ORDER BY created_at DESC LIMIT 1000",
        "u", b->c->uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    for (size_t i = 0; i < r.nrows; i++) {
        rec_id id = (rec_id)db_cell_ll(&r, i, 0, 0);
        if (rec_set_add(&b->played, id) && b->nrecent < BECAUSE_ROWS &&
            !rec_set_has(&b->c->bad_tracks, id))
            b->recent[b->nrecent++] = id;
    }
    return LYRE_OK;
}

static lyre_err build_mixes(build *b)
{
    rec_ctx *c = b->c;
    arena *a = b->a;
    size_t n = b->ntaste;
    if (n == 0)
        return LYRE_OK;
    double *link = arena_calloc(a, TOP_MAX * TOP_MAX, sizeof *link);
    rec_pair *pairs;
    size_t npairs;
    lyre_err err = link_matrix(c, b->taste, n, &pairs, &npairs, link);
    if (err != LYRE_OK)
        return err;
    mixdef mixes[MIXES_MAX];
    size_t nm = make_clusters(n, link, mixes);

    rec_set taste_set, member_set;
    rec_set_init(&taste_set, a);
    rec_set_init(&member_set, a);
    for (size_t i = 0; i < n; i++)
        rec_set_add(&taste_set, b->taste[i].id);
    for (size_t m = 0; m < nm; m++)
        for (size_t k = 0; k < mixes[m].nmembers; k++)
            rec_set_add(&member_set, b->taste[mixes[m].members[k]].id);

    /* Each mix also takes the nearest artists of its members; Discover
     * takes artists near the whole taste that are not in it. */
    rec_id disc[16];
    double disc_score[16];
    size_t disc_from[16], ndisc = 0;
    for (size_t p = 0; p < npairs; p++) {
        long from = -1;
        for (size_t i = 0; i < n; i++)
            if (b->taste[i].id == pairs[p].from)
                from = (long)i;
        rec_id to = pairs[p].to;
        if (from < 0 || rec_set_has(&c->bad_artists, to) || rec_set_has(&member_set, to))
            continue;
        double s = pairs[p].score * b->taste[from].w / b->taste[0].w;
        for (size_t m = 0; m < nm; m++)
            for (size_t k = 0; k < mixes[m].nmembers; k++)
                if (mixes[m].members[k] == (size_t)from && mixes[m].nneigh < 6 &&
                    find_id(mixes[m].neigh, mixes[m].nneigh, to) < 0) {
                    mixes[m].neigh[mixes[m].nneigh] = to;
                    mixes[m].neigh_score[mixes[m].nneigh] = pairs[p].score;
                    mixes[m].neigh_from[mixes[m].nneigh] = (size_t)from;
                    mixes[m].nneigh++;
                }
        if (rec_set_has(&taste_set, to))
            continue;
        long d = find_id(disc, ndisc, to);
        if (d >= 0)
            disc_score[d] += s;
        else if (ndisc < 16) {
            disc[ndisc] = to;
            disc_score[ndisc] = s;
            disc_from[ndisc] = (size_t)from;
            ndisc++;
        }
    }

    /* A lone artist with no neighbours (no model) cannot fill a mix under
     * the per-artist rule: such clusters are merged. */
    long lone = -1;
    for (size_t m = 0; m < nm; m++) {
        if (mixes[m].nmembers != 1 || mixes[m].nneigh != 0)
            continue;
        if (lone < 0 || mixes[lone].nmembers >= MIX_MEMBERS) {
            lone = (long)m;
            continue;
        }
        mixes[lone].members[mixes[lone].nmembers++] = mixes[m].members[0];
        mixes[m].nmembers = 0;
    }

    /* One query for the songs of every artist involved. */
    rec_id pool[TOP_MAX + MIXES_MAX * 6 + 16];
    size_t npool = 0;
    for (size_t m = 0; m < nm; m++) {
        for (size_t k = 0; k < mixes[m].nmembers; k++)
            pool[npool++] = b->taste[mixes[m].members[k]].id;
        for (size_t k = 0; k < mixes[m].nneigh; k++)
            if (find_id(pool, npool, mixes[m].neigh[k]) < 0)
                pool[npool++] = mixes[m].neigh[k];
    }
    for (size_t k = 0; k < ndisc; k++)
        if (find_id(pool, npool, disc[k]) < 0)
            pool[npool++] = disc[k];
    unsigned long long salt = (unsigned long long)(time(NULL) / 86400) * 1000003ULL + c->uid;
    rec_cands cands = { 0 };
    rec_list songs;
    err = rec_artist_tracks(c, pool, npool, 6, salt, &cands);
    if (err == LYRE_OK)
        err = rec_fetch(c, &cands, 1500, &songs);
    if (err != LYRE_OK)
        return err;

    size_t shown = 0;
    for (size_t m = 0; m < nm; m++) {
        mixdef *d = &mixes[m];
        rec_list cand = { 0 }, out = { 0 };
        if (d->nmembers == 0)
            continue;
        const char *names[MIX_MEMBERS];
        for (size_t k = 0; k < d->nmembers; k++)
            names[k] = b->taste[d->members[k]].name;
        for (size_t i = 0; i < songs.n; i++) {
            rec_track t = songs.v[i];
            long k = -1;
            for (size_t j = 0; j < d->nmembers; j++)
                if (b->taste[d->members[j]].id == t.artist_id)
                    k = (long)j;
            if (k >= 0) {
                t.score *= 0.5 + b->taste[d->members[k]].w / b->taste[0].w;
                t.why = arena_printf(a, "You listen to %s", t.artist);
            } else if ((k = find_id(d->neigh, d->nneigh, t.artist_id)) >= 0) {
                t.score *= 0.6 * (d->neigh_score[k] > 0 ? d->neigh_score[k] : 0.5);
                t.why = arena_printf(a, "Similar to %s", b->taste[d->neigh_from[k]].name);
            } else
                continue;
            rec_list_push(a, &cand, &t);
        }
        sort_list(&cand);
        rec_pick(c, a, &cand, MIX_TRACKS, REC_PER_ARTIST, &b->page_seen, 0, &out);
        if (out.n < 5)
            continue;
        shown++;
        add_mix(a, b->mixes, arena_printf(a, "daily-%zu", shown), "daily", "card",
                arena_printf(a, "Daily Mix %zu", shown),
                arena_printf(a, "%s and more", names_of(a, names, d->nmembers)), &out);
    }

    /* Discover: songs never played, from artists near the ones loved. */
    rec_list cand = { 0 }, out = { 0 };
    for (size_t i = 0; i < songs.n; i++) {
        rec_track t = songs.v[i];
        long k = find_id(disc, ndisc, t.artist_id);
        if (k < 0 || rec_set_has(&b->played, t.id))
            continue;
        t.score *= disc_score[k];
        t.why = arena_printf(a, "New to you, because you like %s", b->taste[disc_from[k]].name);
        rec_list_push(a, &cand, &t);
    }
    sort_list(&cand);
    rec_pick(c, a, &cand, MIX_TRACKS, 2, &b->page_seen, 0, &out);
    if (out.n < 5) {
        /* No model (or a thin one): what others play that this user has not. */
        const rec_list *pop, *trend;
        err = rec_popular(c->req, &pop, &trend, NULL);
        if (err != LYRE_OK)
            return err;
        rec_list more = { 0 };
        for (size_t i = 0; i < pop->n; i++) {
            rec_track t = pop->v[i];
            if (rec_set_has(&b->played, t.id) || rec_set_has(&taste_set, t.artist_id))
                continue;
            t.why = "New to you, popular with other listeners";
            rec_list_push(a, &more, &t);
        }
        rec_pick(c, a, &more, MIX_TRACKS - out.n, 2, &b->page_seen, 0, &out);
    }
    if (out.n >= 5)
        add_mix(a, b->mixes, "discover", "discover", "card", "Discover",
                "Songs you have never played, from artists near the ones you love", &out);
    return LYRE_OK;
}

static lyre_err build_because(build *b)
{
    rec_ctx *c = b->c;
    arena *a = b->a;
    if (!c->model || b->nrecent == 0)
        return LYRE_OK;
    rec_pair *pairs;
    size_t npairs;
    lyre_err err = rec_track_neighbours(c, b->recent, b->nrecent, 30, &pairs, &npairs);
    rec_cands all = { 0 }, seeds = { 0 };
    for (size_t p = 0; err == LYRE_OK && p < npairs; p++)
        rec_cands_add(a, &all, pairs[p].to, 0, NULL);
    for (size_t i = 0; i < b->nrecent; i++)
        rec_cands_add(a, &seeds, b->recent[i], 0, NULL);
    rec_list songs, seed_tracks;
    if (err == LYRE_OK)
        err = rec_fetch(c, &all, all.n, &songs);
    if (err == LYRE_OK)
        err = rec_fetch(c, &seeds, seeds.n, &seed_tracks);
    if (err != LYRE_OK)
        return err;
    for (size_t s = 0; s < seed_tracks.n; s++) {
        const rec_track *seed = &seed_tracks.v[s];
        rec_list cand = { 0 }, out = { 0 };
        for (size_t p = 0; p < npairs; p++) {
            if (pairs[p].from != seed->id)
                continue;
            for (size_t i = 0; i < songs.n; i++)
                if (songs.v[i].id == pairs[p].to) {
                    rec_track t = songs.v[i];
                    t.score = pairs[p].score;
                    t.why = arena_printf(a, "Played by people who play %s", seed->title);
                    rec_list_push(a, &cand, &t);
                }
        }
        rec_set seen;
        rec_set_init(&seen, a);
        rec_set_add(&seen, seed->id);
        rec_pick(c, a, &cand, ROW_TRACKS, 2, &seen, seed->artist_id, &out);
        if (out.n < 3)
            continue;
        xmlNodePtr m = add_mix(a, b->rows, arena_printf(a, "because-%llu", seed->id), "because", "row",
                               arena_printf(a, "Because you played %s", seed->title),
                               arena_printf(a, "%s by %s", seed->title, seed->artist), &out);
        xmlNodePtr sn = view_text(m, "seed", seed->title);
        view_attr(sn, "id", arena_printf(a, "%llu", seed->id));
    }
    return LYRE_OK;
}

static lyre_err build_releases(build *b)
{
    lyre_req *req = b->c->req;
    db_result r;
    db_status st = db_query(req->db, b->a, &r,
        "SELECT al.id, al.title, al.year, ar.id, ar.name, aw.sha256 FROM artist_follows f "
        "JOIN albums al ON al.album_artist_id = f.artist_id JOIN artists ar ON ar.id = f.artist_id "
        "LEFT JOIN artwork aw ON aw.id = al.artwork_id WHERE f.user_id = ? "
        "ORDER BY al.created_at DESC, al.id DESC LIMIT 12", "u", b->c->uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows == 0)
        return LYRE_OK;
    xmlNodePtr list = view_elem(b->root, "releases");
    for (size_t i = 0; i < r.nrows; i++) {
        if (rec_set_has(&b->c->bad_artists, (rec_id)db_cell_ll(&r, i, 3, 0)))
            continue;
        xmlNodePtr al = view_elem(list, "album");
        view_attr(al, "id", db_cell(&r, i, 0));
        view_text(al, "title", db_cell(&r, i, 1));
        xmlNodePtr ar = view_text(al, "artist", db_cell(&r, i, 4));
        view_attr(ar, "id", db_cell(&r, i, 3));
        if (db_cell(&r, i, 2))
            view_text(al, "year", db_cell(&r, i, 2));
        const char *cover = art_url(req->cfg, b->a, db_cell(&r, i, 5), 300);
        if (cover)
            view_text(al, "cover", cover);
        view_text(al, "why", arena_printf(b->a, "New from %s, whom you follow", db_cell(&r, i, 4)));
    }
    return LYRE_OK;
}

static lyre_err build_popular(build *b)
{
    const rec_list *pop, *trend;
    lyre_err err = rec_popular(b->c->req, &pop, &trend, NULL);
    if (err != LYRE_OK)
        return err;
    rec_list out = { 0 };
    rec_set seen;
    rec_set_init(&seen, b->a);
    rec_pick(b->c, b->a, pop, 12, 2, &seen, 0, &out);
    if (out.n)
        add_mix(b->a, b->rows, "popular", "popular", "row", "Popular now",
                "What listeners here play most lately", &out);
    rec_list tout = { 0 };      /* what is already in Popular now is not repeated */
    rec_pick(b->c, b->a, trend, 12, 2, &seen, 0, &tout);
    if (tout.n)
        add_mix(b->a, b->rows, "trending", "trending", "row", "Trending",
                "Played more these days than before", &tout);
    return LYRE_OK;
}

static lyre_err build_all(rec_ctx *c, int onboarded, xmlDocPtr *out_doc, int *onboard)
{
    arena *a = c->req->a;
    build b;
    memset(&b, 0, sizeof b);
    b.c = c;
    b.a = a;
    rec_set_init(&b.played, a);
    rec_set_init(&b.page_seen, a);
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    b.root = xmlNewDocNode(doc, NULL, BAD_CAST "foryou", NULL);
    xmlDocSetRootElement(doc, b.root);
    view_attr(b.root, "model", c->model ? arena_printf(a, "%llu", c->model) : "none");
    lyre_err err = LYRE_OK;
    *onboard = 0;
    if (c->uid) {
        err = load_taste(c, &b.taste, &b.ntaste);
        if (err == LYRE_OK)
            err = load_played(&b);
        if (err == LYRE_OK) {
            *onboard = b.ntaste == 0 && b.played.n == 0 && !onboarded;
            view_attr(b.root, "state", b.played.n ? "personal" : b.ntaste ? "picks" : "fresh");
        }
    } else {
        view_attr(b.root, "state", "anonymous");
    }
    b.mixes = view_elem(b.root, "mixes");
    b.rows = view_elem(b.root, "rows");
    if (err == LYRE_OK && c->uid)
        err = build_mixes(&b);
    if (err == LYRE_OK && c->uid)
        err = build_because(&b);
    if (err == LYRE_OK && c->uid)
        err = build_releases(&b);
    if (err == LYRE_OK)
        err = build_popular(&b);
    if (err != LYRE_OK) {
        xmlFreeDoc(doc);
        return err;
    }
    *out_doc = doc;
    return LYRE_OK;
}

/* ------------------------------------------------------------ the key */

static lyre_err cache_key(lyre_req *req, long long generation, const char **key, rec_id *model,
                          int *onboarded)
{
    db_result r;
    if (!req->auth) {
        db_status st = db_query(req->db, req->a, &r, "SELECT model_id FROM rec_current WHERE one = 1", "");
        if (st != DB_OK)
            return db_status_to_err(st);
        *model = r.nrows ? (rec_id)db_cell_ll(&r, 0, 0, 0) : 0;
        *key = arena_printf(req->a, "anon/%llu/%lld", *model, generation);
        *onboarded = 1;
        return LYRE_OK;
    }
    rec_id u = req->auth->user_id;
    /* Count and newest time of each kind of feedback: a change of any of
     * them gives a new key. */
    db_status st = db_query(req->db, req->a, &r,
        "SELECT (SELECT model_id FROM rec_current WHERE one = 1), "
        "(SELECT id FROM play_events WHERE user_id = ? ORDER BY created_at DESC LIMIT 1), "
        "(SELECT CONCAT(COUNT(*), '.', COALESCE(MAX(created_at), '')) FROM track_dislikes WHERE user_id = ?), "
        "(SELECT CONCAT(COUNT(*), '.', COALESCE(MAX(created_at), '')) FROM artist_dislikes WHERE user_id = ?), "
        "(SELECT CONCAT(COUNT(*), '.', COALESCE(MAX(created_at), '')) FROM track_likes WHERE user_id = ?), "
        "(SELECT CONCAT(COUNT(*), '.', COALESCE(MAX(created_at), '')) FROM artist_follows WHERE user_id = ?), "
        "(SELECT CONCAT(COUNT(*), '.', COALESCE(MAX(created_at), '')) FROM user_taste_artists WHERE user_id = ?), "
        "(SELECT CONCAT(COUNT(*), '.', COALESCE(MAX(created_at), '')) FROM user_taste_genres WHERE user_id = ?), "
        "(SELECT onboarded_at FROM users WHERE id = ?)", "uuuuuuuu", u, u, u, u, u, u, u, u);
    if (st != DB_OK)
        return db_status_to_err(st);
    *model = (rec_id)db_cell_ll(&r, 0, 0, 0);
    *onboarded = db_cell(&r, 0, 8) != NULL;
    *key = arena_printf(req->a, "%llu/%llu/%s/%s/%s/%s/%s/%s/%s/%d/%lld", u, *model,
                        db_cell(&r, 0, 1) ? db_cell(&r, 0, 1) : "-", db_cell(&r, 0, 2),
                        db_cell(&r, 0, 3), db_cell(&r, 0, 4), db_cell(&r, 0, 5),
                        db_cell(&r, 0, 6), db_cell(&r, 0, 7), *onboarded, generation);
    return LYRE_OK;
}

lyre_err foryou_data(lyre_req *req, xmlNodePtr parent, int *onboard)
{
    const rec_list *pop, *trend;
    long long generation = 0;
    lyre_err err = rec_popular(req, &pop, &trend, &generation);
    const char *key = NULL;
    rec_id model = 0;
    int onboarded = 1;
    if (err == LYRE_OK)
        err = cache_key(req, generation, &key, &model, &onboarded);
    if (err != LYRE_OK)
        return err;
    struct slot *s = cache_find(key);
    if (!s) {
        rec_ctx c;
        xmlDocPtr doc = NULL;
        int ob = 0;
        err = rec_ctx_load(req, &c);
        if (err != LYRE_OK)
            return err;
        c.model = model;    /* the model the key names */
        err = build_all(&c, onboarded, &doc, &ob);
        if (err != LYRE_OK)
            return err;
        cache_put(key, doc, ob);
        s = cache_find(key);
        if (!s || !s->doc)
            return LYRE_ERR_INTERNAL;
    }
    *onboard = s->onboard;
    xmlNodePtr copy = xmlDocCopyNode(xmlDocGetRootElement(s->doc), parent->doc, 1);
    if (!copy)
        return LYRE_ERR_INTERNAL;
    xmlAddChild(parent, copy);
    return LYRE_OK;
}

/* ------------------------------------------------------------ GET /home */

lyre_err page_foryou(lyre_req *req)
{
    lyre_view *v = view_new("foryou", req->auth ? "Made for you" : "Popular and trending");
    int onboard = 0;
    lyre_err err = foryou_data(req, view_content(v), &onboard);
    if (err != LYRE_OK) {
        view_free(v);
        return err;
    }
    http_set_header(req, "Cache-Control", "private, no-cache");
    if (onboard) {
        view_free(v);
        return http_redirect(req, 303, "/welcome") == 0 ? LYRE_OK : LYRE_ERR_INTERNAL;
    }
    view_text(view_meta(v), "section", "foryou");
    return app_render(req, v);
}

/* recommend.h — cgi/lyre-recommend: Home ("Made for you"), mixes, radio,
 * the cold-start picker and "don't play this".
 *
 * Serving reads the model of rec_current (db/0012) once per request and
 * only ever joins on that model id, so a model written meanwhile is never
 * seen half-done.  Without a model, everything falls back to popularity
 * (play events) and genre.  Rules everywhere: nothing disliked, at most
 * REC_PER_ARTIST tracks of one artist in a list, never the same track twice.
 */
#ifndef LYRE_RECOMMEND_H
#define LYRE_RECOMMEND_H

#include "app.h"

#define REC_PER_ARTIST 3        /* tracks of one artist in a mix or row */
#define REC_MAX_IDS 200         /* ids a client may send in one list */

/* ------------------------------------------------------------ handlers */

/* home.c */
lyre_err page_foryou(lyre_req *req);        /* GET /home */
/* mixes.c */
lyre_err page_mix(lyre_req *req);           /* GET /mix/{name} */
/* radio.c */
lyre_err page_radio(lyre_req *req);         /* GET /radio/{kind}/{id} and {id}.json */
/* coldstart.c */
lyre_err page_welcome(lyre_req *req);       /* GET /welcome */
lyre_err post_welcome(lyre_req *req);       /* POST /welcome (genre=, artist=, skip=) */
/* feedback.c */
lyre_err post_dislike(lyre_req *req);       /* POST /recommend/dislike (track_id | artist_id) */
lyre_err post_undislike(lyre_req *req);     /* POST /recommend/undislike */

/* ------------------------------------------------------------ building blocks (mixes.c) */

typedef unsigned long long rec_id;

/* A set of ids (open addressing in the request's arena). */
typedef struct rec_set {
    rec_id *keys;
    size_t cap, n;
    arena *a;
} rec_set;
void rec_set_init(rec_set *s, arena *a);
int rec_set_has(const rec_set *s, rec_id id);
int rec_set_add(rec_set *s, rec_id id);   /* 1 when it was not there */

/* A playable track with why it is offered. */
typedef struct rec_track {
    rec_id id, artist_id, album_id;
    const char *title, *artist, *album, *cover;   /* cover: URL or NULL */
    long long ms;
    const char *why;
    double score;
} rec_track;

typedef struct rec_list {
    rec_track *v;
    size_t n, cap;
} rec_list;
void rec_list_push(arena *a, rec_list *l, const rec_track *t);

/* A scored candidate id before its details are known. */
typedef struct rec_cand {
    rec_id id;
    double score;
    const char *why;
} rec_cand;
typedef struct rec_cands {
    rec_cand *v;
    size_t n, cap;
} rec_cands;
/* Add score to id (first why kept). */
void rec_cands_add(arena *a, rec_cands *c, rec_id id, double score, const char *why);
void rec_cands_sort(rec_cands *c);        /* best first, ties by id */

/* Who asks and what they never want: the current model (0: none), the
 * user (0: anonymous) and their dislikes. */
typedef struct rec_ctx {
    lyre_req *req;
    rec_id uid;
    rec_id model;
    rec_set bad_tracks, bad_artists;
} rec_ctx;
lyre_err rec_ctx_load(lyre_req *req, rec_ctx *c);

/* "[1,2,3]" for JSON_TABLE from ids. */
const char *rec_json_ids(arena *a, const rec_id *ids, size_t n);
/* Parse "1,2,3" (at most max ids) into *ids; -1 when malformed. */
int rec_parse_ids(arena *a, const char *s, size_t max, rec_id **ids, size_t *n);

/* Details of candidates in order (available tracks only, disliked ones
 * dropped), each carrying its candidate's score and why. */
lyre_err rec_fetch(rec_ctx *c, const rec_cands *cands, size_t limit, rec_list *out);

/* Choose up to max tracks from cand (already in preference order): not in
 * seen (chosen ones are added to it), not disliked (c may be NULL), at most
 * per_artist of an artist, and never the same artist twice in a row when
 * another choice exists; prev is the artist just before (0: none). */
void rec_pick(const rec_ctx *c, arena *a, const rec_list *cand, size_t max, int per_artist,
              rec_set *seen, rec_id prev, rec_list *out);

/* The model's neighbours (rank <= per_seed) of tracks and of artists, as
 * (from, to, score) pairs; none without a model. */
typedef struct rec_pair { rec_id from, to; double score; } rec_pair;
lyre_err rec_track_neighbours(rec_ctx *c, const rec_id *seeds, size_t n, int per_seed,
                              rec_pair **out, size_t *nout);
lyre_err rec_artist_neighbours(rec_ctx *c, const rec_id *artists, size_t n, int per_artist,
                               rec_pair **out, size_t *nout);
/* The most played tracks of each artist (about per_artist each, shuffled a
 * little by salt), scored 0..1 by rank. */
lyre_err rec_artist_tracks(rec_ctx *c, const rec_id *artists, size_t n, int per_artist,
                           unsigned long long salt, rec_cands *out);

/* Popular now (most played of the latest events) and trending (played more
 * lately than before), shared by everybody: computed at most once a minute
 * per worker.  The lists live until the next refresh; generation changes
 * with each. */
lyre_err rec_popular(lyre_req *req, const rec_list **popular, const rec_list **trending,
                     long long *generation);

/* A stable pseudo-random number in [0, 1) for (id, salt). */
double rec_jitter(rec_id id, unsigned long long salt);

/* XML of a track for pages: <track id><title/><artist id/><album id><title/>
 * <cover/></album><duration ms/><why/></track>. */
xmlNodePtr rec_track_xml(arena *a, xmlNodePtr parent, const rec_track *t);
/* JSON object of a track for the player (id, title, artist, album, albumId,
 * cover, ms, why). */
void rec_track_json(strbuf *out, const rec_track *t);

/* ------------------------------------------------------------ Home data (home.c) */

/* The "Made for you" data of a user: <foryou> with <mix name=…> children and
 * rows, built or taken from the worker's cache (keyed by user, model, latest
 * play event and feedback), copied under parent.  *onboard is set when the
 * user has nothing to build from and has not seen /welcome. */
lyre_err foryou_data(lyre_req *req, xmlNodePtr parent, int *onboard);

#endif

/* recs.h — collaborative filtering on implicit feedback, shared by
 * lyre-train (writes neighbour tables), lyre-eval (the offline protocol of
 * issue 7) and check_recs.
 *
 * Everything is a sparse CSR matrix of users x items (float weights); item
 * models turn it into an item x item similarity kept to the top-K
 * neighbours of each item, which is also what lyre-train stores.  Work is
 * split over threads by item (models) or by user (evaluation); each thread
 * has its own dense accumulator, so memory is O(nnz + threads * items). */
#ifndef LYRE_RECS_H
#define LYRE_RECS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------ matrix.c */

typedef struct csr {
    uint32_t nrows, ncols;
    size_t *ptr;                 /* nrows + 1 */
    uint32_t *idx;               /* column of each value, ascending within a row */
    float *val;
} csr;

typedef struct triplets {
    size_t n, cap;
    uint32_t *r, *c;
    float *v;
} triplets;

int trip_add(triplets *t, uint32_t r, uint32_t c, float v);   /* 0 or -1 (no memory) */
void trip_free(triplets *t);
/* Build a CSR of nrows x ncols; duplicates are summed.  Entries outside the
 * shape are an error.  0 or -1. */
int csr_from_triplets(csr *out, const triplets *t, uint32_t nrows, uint32_t ncols);
int csr_transpose(csr *out, const csr *in);
int csr_alloc(csr *m, uint32_t nrows, uint32_t ncols, size_t nnz);
/* Drop values <= min (in place). */
void csr_prune(csr *m, float min);
void csr_binarize(csr *m);
void csr_free(csr *m);
size_t csr_nnz(const csr *m);
/* Number of nonzeros of each column (ncols counts, caller frees). */
uint32_t *csr_col_counts(const csr *m);

/* Deterministic random numbers (splitmix64 seeding xoshiro256**). */
typedef struct rng { uint64_t s[4]; } rng;
void rng_seed(rng *r, uint64_t seed);
uint64_t rng_next(rng *r);
double rng_unit(rng *r);                 /* [0, 1) */
uint32_t rng_below(rng *r, uint32_t n);  /* [0, n) */

/* Threads: 0 = online CPUs. */
int recs_threads(int wanted);
/* Run fn(arg, worker) on n workers and wait; 0 or -1 (thread creation failed: ran inline). */
int recs_parallel(int n, void (*fn)(void *arg, int worker), void *arg);

/* ------------------------------------------------------------ progress (matrix.c) */

/* One status line on stderr, redrawn in place on a terminal, otherwise a
 * plain line every few seconds; quiet prints nothing. */
typedef struct progress {
    const char *prog;
    char phase[48];
    size_t done, total;
    double started, last;
    int tty, quiet, drawn;
} progress;

double recs_now(void);
void progress_begin(progress *p, const char *prog, int quiet);
void progress_phase(progress *p, const char *phase, size_t total);
void progress_set(progress *p, size_t done);   /* thread-safe enough: called by worker 0 only */
void progress_end(progress *p);                /* ends the line */

/* ------------------------------------------------------------ models.c */

typedef enum model_kind { MODEL_POP, MODEL_ITEMKNN, MODEL_RP3BETA, MODEL_EASE } model_kind;
typedef enum weighting { WEIGHT_NONE, WEIGHT_TFIDF, WEIGHT_BM25 } weighting;

typedef struct model_params {
    model_kind kind;
    int topk;                    /* neighbours kept per item */
    float shrink;                /* ItemKNN: cosine shrinkage */
    weighting weight;            /* ItemKNN: weighting of the user x item matrix */
    float bm25_k1, bm25_b;
    float alpha, beta;           /* RP3beta */
    int normalize;               /* RP3beta/ItemKNN: rows of the similarity scaled to sum 1 */
    float lambda;                /* EASE: L2 */
    int ease_items;              /* EASE: most popular items modelled */
    float blend;                 /* EASE: weight of an RP3beta model covering the other items (0 = none) */
} model_params;

typedef struct model {
    model_params p;
    uint32_t nitems;
    float *pop;                  /* train users (sum of weights) per item */
    csr sim;                     /* item x item, top-K per row, best first (ItemKNN, RP3beta) */
    /* EASE: dense weights over a subset of items */
    uint32_t nsub;
    uint32_t *sub;               /* subset index -> item */
    int32_t *pos;                /* item -> subset index or -1 */
    float *B;                    /* nsub * nsub, row-major */
    struct model *aux;           /* EASE with blend: the RP3beta part */
} model;

void model_defaults(model_params *p, model_kind kind);
const char *model_name(model_kind kind);
/* "rp3beta" etc. -> kind; -1 when unknown. */
int model_kind_parse(const char *s);
/* "alpha=0.8 beta=0.3 k=100" style description (buf of n bytes). */
void model_describe(const model_params *p, char *buf, size_t n);
/* Fit on X (users x items).  0 or -1 (no memory).  pr may be NULL. */
int model_fit(model *m, const model_params *p, const csr *X, int threads, progress *pr);
void model_free(model *m);
/* Scores of every item for a user whose history is items[0..n) (weights w,
 * NULL = 1).  scores has nitems entries and is overwritten. */
void model_score(const model *m, const uint32_t *items, const float *w, size_t n, float *scores);

/* Keep the best k of scores (ties: lower item first), skipping items whose
 * flag in skip is set (skip may be NULL).  Writes up to k items to out in
 * rank order; returns how many. */
size_t topk_select(const float *scores, uint32_t nitems, const unsigned char *skip, size_t k, uint32_t *out);

/* ------------------------------------------------------------ metrics.c */

enum { MET_NDCG, MET_RECALL, MET_HIT, MET_PRECISION, MET_MRR, MET_N };

/* Metrics of one ranked list against the set of relevant items (sorted
 * ascending), RecBole's definitions at cut-off k.  out[MET_*]. */
void metrics_user(const uint32_t *ranked, size_t nranked, const uint32_t *relevant, size_t nrel, size_t k,
                  double out[MET_N]);

typedef struct eval_result {
    double m[MET_N];             /* means over users with relevant items */
    double coverage;             /* distinct recommended items / catalogue */
    double mean_pop;             /* mean train popularity of what was recommended */
    size_t users;
} eval_result;

/* Rank the full catalogue for every user with items in target, excluding
 * the user's items in train and in extra_mask (may be NULL); score at k. */
int evaluate(const model *m, const csr *train, const csr *extra_mask, const csr *target, size_t k, int threads,
             eval_result *out);

/* ------------------------------------------------------------ data.c */

/* Read HetRec 2011 user_artists.dat from dir: duplicates removed, every
 * count = one interaction (value 1).  0 or -1 with a message in err. */
int data_load_hetrec(const char *dir, csr *X, char *err, size_t errlen);
/* Split each user's interactions at random into train/valid/test by
 * RecBole's ratio rule (8:1:1; see data.c for small users). */
int data_split(const csr *X, uint64_t seed, csr *train, csr *valid, csr *test);
/* RecBole's _calcu_split_ids for n interactions: counts of the three parts. */
void data_split_counts(size_t n, size_t cnt[3]);

/* ------------------------------------------------------------ synth.c */

typedef struct synth_params {
    uint32_t users, items, clusters;
    uint64_t plays;              /* plays to draw (events are 1..3 per play) */
    uint64_t events;             /* if set: stop once this many events were written */
    double zipf;                 /* exponent of item popularity */
    double in_cluster;           /* probability a play comes from the user's cluster */
    uint64_t seed;
} synth_params;

void synth_defaults(synth_params *p);
uint32_t synth_cluster_of_item(const synth_params *p, uint32_t item);
uint32_t synth_cluster_of_user(const synth_params *p, uint32_t user);
/* Users x items play counts (complete plays) in memory. */
int synth_matrix(const synth_params *p, csr *X);
/* Play events as TSV for LOAD DATA: play_id, user_id, track_id, event,
 * position_ms, created_at; ids are user_base + u and track_base + i.
 * Returns events written or -1. */
long long synth_events_tsv(const synth_params *p, FILE *out, uint32_t user_base, uint32_t track_base);

/* ------------------------------------------------------------ store.c (lyre-train) */

struct lyre_db;
struct lyre_config;

typedef struct train_opts {
    model_params track, artist;
    double half_life_days;       /* recency decay of play events */
    double w_start, w_30s, w_complete, w_skip, w_like;
    int topk_store;              /* neighbours written per item */
    int batch_rows;
    int threads;
    int quiet;
    int keep_old;                /* don't delete retired models (tests) */
    int grace_seconds;           /* wait after the switch before deleting old models */
    int writers;                 /* connections writing neighbour rows (1..8) */
    const struct lyre_config *cfg;   /* for the writers' extra connections (NULL: one writer) */
} train_opts;

void train_defaults(train_opts *o);
/* The whole training run against db: read, fit, write, switch, clean up.
 * 0 ok, -1 failure (said on stderr). */
int train_run(struct lyre_db *db, const train_opts *o, progress *pr);

#endif

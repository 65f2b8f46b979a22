/* synth.c — synthetic listening with planted taste clusters.
 *
 * Item i belongs to cluster i % clusters and user u to cluster u % clusters.
 * Inside a cluster, items are ranked by i / clusters and drawn with Zipf
 * weights 1/(rank+1)^zipf, so every cluster has a head and a long tail.  A
 * play comes from the user's own cluster with probability in_cluster, else
 * from a random cluster; plays outside the user's taste are skipped more
 * often, so the event weights of lyre-train matter. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "recs.h"

void synth_defaults(synth_params *p)
{
    memset(p, 0, sizeof *p);
    p->users = 2000;
    p->items = 5000;
    p->clusters = 20;
    p->plays = 100000;
    p->zipf = 0.9;
    p->in_cluster = 0.8;
    p->seed = 1;
}

/* Clusters actually used: at least 1, at most one per item (so every cluster has items). */
static uint32_t nclusters(const synth_params *p)
{
    uint32_t c = p->clusters ? p->clusters : 1;
    return p->items && c > p->items ? p->items : c;
}

uint32_t synth_cluster_of_item(const synth_params *p, uint32_t item)
{
    return item % nclusters(p);
}

uint32_t synth_cluster_of_user(const synth_params *p, uint32_t user)
{
    return user % nclusters(p);
}

typedef struct sampler {
    const synth_params *p;
    double *cdf;                 /* over ranks 0..per-1 */
    uint32_t per;                /* items per cluster (the largest) */
} sampler;

static int sampler_init(sampler *s, const synth_params *p)
{
    s->p = p;
    uint32_t c = nclusters(p);
    s->per = (p->items + c - 1) / c;
    s->cdf = malloc((s->per ? s->per : 1) * sizeof *s->cdf);
    if (s->cdf == NULL)
        return -1;
    double acc = 0.0;
    for (uint32_t r = 0; r < s->per; r++) {
        acc += 1.0 / pow((double)r + 1.0, p->zipf);
        s->cdf[r] = acc;
    }
    return 0;
}

static uint32_t sample_item(const sampler *s, rng *r, uint32_t user)
{
    const synth_params *p = s->p;
    uint32_t c = nclusters(p);
    uint32_t cl = rng_unit(r) < p->in_cluster ? synth_cluster_of_user(p, user) : rng_below(r, c);
    for (;;) {
        double x = rng_unit(r) * s->cdf[s->per - 1];
        size_t lo = 0, hi = s->per - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (s->cdf[mid] < x)
                lo = mid + 1;
            else
                hi = mid;
        }
        uint64_t item = (uint64_t)lo * c + cl;
        if (item < p->items)
            return (uint32_t)item;
    }
}

int synth_matrix(const synth_params *p, csr *X)
{
    sampler s;
    triplets t = { 0 };
    rng r;
    int rc = -1;
    memset(X, 0, sizeof *X);
    if (p->users == 0 || p->items == 0 || sampler_init(&s, p) != 0)
        return -1;
    rng_seed(&r, p->seed);
    for (uint64_t i = 0; i < p->plays; i++) {
        uint32_t u = rng_below(&r, p->users);
        if (trip_add(&t, u, sample_item(&s, &r, u), 1.0f) != 0)
            goto cleanup;
    }
    rc = csr_from_triplets(X, &t, p->users, p->items);
cleanup:
    trip_free(&t);
    free(s.cdf);
    return rc;
}

static int put_event(FILE *out, const char *play, uint32_t user, uint32_t track, const char *ev, unsigned pos,
                     time_t when, unsigned ms)
{
    struct tm tm;
    char ts[32];
    if (gmtime_r(&when, &tm) == NULL || strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        return -1;
    return fprintf(out, "%s\t%u\t%u\t%s\t%u\t%s.%03u\n", play, user, track, ev, pos, ts, ms) < 0 ? -1 : 0;
}

long long synth_events_tsv(const synth_params *p, FILE *out, uint32_t user_base, uint32_t track_base)
{
    sampler s;
    rng r;
    long long written = 0;
    time_t now = time(NULL);
    static const char hex[] = "0123456789abcdef";
    if (p->users == 0 || p->items == 0 || sampler_init(&s, p) != 0)
        return -1;
    rng_seed(&r, p->seed);
    for (uint64_t i = 0; p->events ? (uint64_t)written < p->events : i < p->plays; i++) {
        char play[33];
        uint64_t a = rng_next(&r), b = rng_next(&r);
        for (int k = 0; k < 16; k++) {
            play[k] = hex[(a >> (4 * k)) & 15];
            play[16 + k] = hex[(b >> (4 * k)) & 15];
        }
        play[32] = '\0';
        uint32_t u = rng_below(&r, p->users);
        uint32_t item = sample_item(&s, &r, u);
        int liked = synth_cluster_of_item(p, item) == synth_cluster_of_user(p, u);
        double x = rng_unit(&r);
        /* outcome: 2 complete, 1 stopped after 30 s, 0 skipped early */
        int outcome = liked ? (x < 0.7 ? 2 : x < 0.85 ? 1 : 0) : (x < 0.2 ? 2 : x < 0.4 ? 1 : 0);
        time_t when = now - (time_t)rng_below(&r, 365u * 86400u);
        unsigned ms = rng_below(&r, 1000);
        uint32_t uid = user_base + u, tid = track_base + item;
        if (put_event(out, play, uid, tid, "start", 0, when, ms) != 0)
            goto fail;
        written++;
        if (outcome == 0) {
            if (put_event(out, play, uid, tid, "skip", 1000 + rng_below(&r, 25000), when + 10, ms) != 0)
                goto fail;
            written++;
            continue;
        }
        if (put_event(out, play, uid, tid, "30s", 30000, when + 30, ms) != 0)
            goto fail;
        written++;
        if (outcome == 2) {
            if (put_event(out, play, uid, tid, "complete", 200000, when + 200, ms) != 0)
                goto fail;
            written++;
        }
    }
    free(s.cdf);
    return written;
fail:
    free(s.cdf);
    return -1;
}

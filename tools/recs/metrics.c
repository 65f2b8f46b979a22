/* metrics.c — top-k metrics as RecBole defines them, and the full-ranking
 * evaluation loop (users shared by the threads).
 *   NDCG@k   = DCG / IDCG, DCG = sum over hits of 1/log2(rank+1),
 *              IDCG over min(|relevant|, k) hits at the top
 *   Recall@k = hits / |relevant|        Hit@k = 1 if any hit
 *   Precision@k = hits / k              MRR@k = 1 / rank of the first hit */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "recs.h"

static int contains(const uint32_t *sorted, size_t n, uint32_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] == x)
            return 1;
        if (sorted[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void metrics_user(const uint32_t *ranked, size_t nranked, const uint32_t *relevant, size_t nrel, size_t k,
                  double out[MET_N])
{
    double dcg = 0.0, idcg = 0.0, mrr = 0.0;
    size_t hits = 0;
    if (nranked > k)
        nranked = k;
    for (size_t r = 0; r < nranked; r++)
        if (contains(relevant, nrel, ranked[r])) {
            hits++;
            dcg += 1.0 / log2((double)r + 2.0);
            if (mrr == 0.0)
                mrr = 1.0 / ((double)r + 1.0);
        }
    for (size_t r = 0; r < nrel && r < k; r++)
        idcg += 1.0 / log2((double)r + 2.0);
    out[MET_NDCG] = idcg > 0.0 ? dcg / idcg : 0.0;
    out[MET_RECALL] = nrel ? (double)hits / (double)nrel : 0.0;
    out[MET_HIT] = hits ? 1.0 : 0.0;
    out[MET_PRECISION] = k ? (double)hits / (double)k : 0.0;
    out[MET_MRR] = mrr;
}

typedef struct evaljob {
    const model *m;
    const csr *train, *extra, *target;
    size_t k;
    atomic_uint next;
    int nworkers;
    double (*sums)[MET_N];       /* per worker */
    double *popsum;              /* per worker */
    size_t *users, *recs;        /* per worker */
    unsigned char **covered;     /* per worker, nitems flags */
    atomic_int failed;
} evaljob;

static void eval_worker(void *arg, int worker)
{
    evaljob *J = arg;
    uint32_t ni = J->m->nitems;
    float *scores = malloc((ni ? ni : 1) * sizeof *scores);
    unsigned char *skip = calloc(ni ? ni : 1, 1);
    uint32_t *ranked = malloc((J->k ? J->k : 1) * sizeof *ranked);
    unsigned char *cov = J->covered[worker];
    if (scores == NULL || skip == NULL || ranked == NULL || cov == NULL) {
        atomic_store(&J->failed, 1);
        goto cleanup;
    }
    for (;;) {
        uint32_t u = atomic_fetch_add(&J->next, 1);
        if (u >= J->target->nrows)
            break;
        size_t t0 = J->target->ptr[u], t1 = J->target->ptr[u + 1];
        if (t0 == t1)
            continue;
        const csr *tr = J->train;
        size_t a0 = u < tr->nrows ? tr->ptr[u] : 0, a1 = u < tr->nrows ? tr->ptr[u + 1] : 0;
        model_score(J->m, tr->idx + a0, tr->val + a0, a1 - a0, scores);
        for (size_t a = a0; a < a1; a++)
            skip[tr->idx[a]] = 1;
        if (J->extra != NULL && u < J->extra->nrows)
            for (size_t a = J->extra->ptr[u]; a < J->extra->ptr[u + 1]; a++)
                skip[J->extra->idx[a]] = 1;
        size_t nr = topk_select(scores, ni, skip, J->k, ranked);
        double mu[MET_N];
        metrics_user(ranked, nr, J->target->idx + t0, t1 - t0, J->k, mu);
        for (int i = 0; i < MET_N; i++)
            J->sums[worker][i] += mu[i];
        for (size_t r = 0; r < nr; r++) {
            cov[ranked[r]] = 1;
            J->popsum[worker] += J->m->pop[ranked[r]];
        }
        J->recs[worker] += nr;
        J->users[worker]++;
        for (size_t a = a0; a < a1; a++)
            skip[tr->idx[a]] = 0;
        if (J->extra != NULL && u < J->extra->nrows)
            for (size_t a = J->extra->ptr[u]; a < J->extra->ptr[u + 1]; a++)
                skip[J->extra->idx[a]] = 0;
    }
cleanup:
    free(scores);
    free(skip);
    free(ranked);
}

int evaluate(const model *m, const csr *train, const csr *extra_mask, const csr *target, size_t k, int threads,
             eval_result *out)
{
    evaljob J;
    int rc = -1;
    int n = recs_threads(threads);
    memset(&J, 0, sizeof J);
    memset(out, 0, sizeof *out);
    J.m = m;
    J.train = train;
    J.extra = extra_mask;
    J.target = target;
    J.k = k;
    J.nworkers = n;
    atomic_init(&J.next, 0);
    atomic_init(&J.failed, 0);
    J.sums = calloc((size_t)n, sizeof *J.sums);
    J.popsum = calloc((size_t)n, sizeof *J.popsum);
    J.users = calloc((size_t)n, sizeof *J.users);
    J.recs = calloc((size_t)n, sizeof *J.recs);
    J.covered = calloc((size_t)n, sizeof *J.covered);
    if (J.sums == NULL || J.popsum == NULL || J.users == NULL || J.recs == NULL || J.covered == NULL)
        goto cleanup;
    for (int w = 0; w < n; w++)
        if ((J.covered[w] = calloc(m->nitems ? m->nitems : 1, 1)) == NULL)
            goto cleanup;
    (void)recs_parallel(n, eval_worker, &J);
    if (atomic_load(&J.failed))
        goto cleanup;
    size_t users = 0, recs = 0, covered = 0;
    double popsum = 0.0;
    for (int w = 0; w < n; w++) {
        users += J.users[w];
        recs += J.recs[w];
        popsum += J.popsum[w];
        for (int i = 0; i < MET_N; i++)
            out->m[i] += J.sums[w][i];
    }
    for (uint32_t i = 0; i < m->nitems; i++) {
        int c = 0;
        for (int w = 0; w < n; w++)
            c |= J.covered[w][i];
        covered += (size_t)c;
    }
    for (int i = 0; i < MET_N; i++)
        out->m[i] = users ? out->m[i] / (double)users : 0.0;
    out->users = users;
    out->coverage = m->nitems ? (double)covered / (double)m->nitems : 0.0;
    out->mean_pop = recs ? popsum / (double)recs : 0.0;
    rc = 0;
cleanup:
    if (J.covered != NULL)
        for (int w = 0; w < n; w++)
            free(J.covered[w]);
    free(J.covered);
    free(J.sums);
    free(J.popsum);
    free(J.users);
    free(J.recs);
    return rc;
}

/* models.c — popularity, ItemKNN, RP3beta and EASE on implicit feedback.
 *
 * ItemKNN and RP3beta are one computation: row i of the item x item matrix
 * is sum over the users u of i of L[i,u] * R[u,:], with a dense
 * accumulator per thread, then a per-pair transform and a top-K heap.
 *   ItemKNN: L = R^T = the (optionally TF-IDF / BM25 weighted) matrix,
 *            s(i,j) = dot / (|i| |j| + shrink)                (cosine)
 *   RP3beta: L[i,u] = (1/deg i)^alpha, R[u,j] = (x_uj / sum_u)^alpha,
 *            s(i,j) = dot * deg(j)^-beta    (Paudel et al. 2017; the
 *            weighting of Dacrema et al.'s reference implementation)
 * EASE (Steck 2019) is dense, so it is fitted over the most popular items
 * only: B = I - P diag(1/diag P), P = (X^T X + lambda I)^-1 by Cholesky. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "recs.h"

#define CHUNK 32

void model_defaults(model_params *p, model_kind kind)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->topk = 100;
    p->shrink = 10.0f;
    p->weight = WEIGHT_NONE;
    p->bm25_k1 = 1.2f;
    p->bm25_b = 0.75f;
    p->alpha = 0.8f;
    p->beta = 0.3f;
    p->normalize = 0;
    p->lambda = 200.0f;
    p->ease_items = 2000;
}

static const char *const names[] = { "pop", "itemknn", "rp3beta", "ease" };

const char *model_name(model_kind kind)
{
    return (unsigned)kind < 4 ? names[kind] : "?";
}

int model_kind_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

void model_describe(const model_params *p, char *buf, size_t n)
{
    static const char *const w[] = { "none", "tfidf", "bm25" };
    switch (p->kind) {
    case MODEL_POP:
        (void)snprintf(buf, n, "-");
        break;
    case MODEL_ITEMKNN:
        (void)snprintf(buf, n, "k=%d shrink=%g weight=%s%s", p->topk, (double)p->shrink, w[p->weight],
                       p->normalize ? " norm" : "");
        break;
    case MODEL_RP3BETA:
        (void)snprintf(buf, n, "k=%d alpha=%g beta=%g%s", p->topk, (double)p->alpha, (double)p->beta,
                       p->normalize ? " norm" : "");
        break;
    case MODEL_EASE:
        (void)snprintf(buf, n, "lambda=%g items=%d blend=%g", (double)p->lambda, p->ease_items, (double)p->blend);
        break;
    }
}

/* ------------------------------------------------------------ top-K heap */

typedef struct cand { float v; uint32_t i; } cand;

/* a ranks before b: higher score, then lower item */
static int better(cand a, cand b)
{
    return a.v > b.v || (a.v == b.v && a.i < b.i);
}

/* Min-heap of the best k seen so far: root = worst kept. */
static void heap_push(cand *h, size_t *n, size_t k, cand c)
{
    size_t i;
    if (*n < k) {
        i = (*n)++;
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (!better(h[parent], c))
                break;
            h[i] = h[parent];
            i = parent;
        }
        h[i] = c;
        return;
    }
    if (k == 0 || !better(c, h[0]))
        return;
    i = 0;
    for (;;) {
        size_t l = 2 * i + 1, w = i;
        cand wc = c;
        if (l < *n && better(wc, h[l])) {
            w = l;
            wc = h[l];
        }
        if (l + 1 < *n && better(wc, h[l + 1]))
            w = l + 1;
        if (w == i)
            break;
        h[i] = h[w];
        i = w;
    }
    h[i] = c;
}

/* Empty the heap into best-first order (in place). */
static void heap_sort_desc(cand *h, size_t n)
{
    for (size_t end = n; end > 1; end--) {
        cand top = h[0];
        cand last = h[end - 1];
        size_t m = end - 1, i = 0;
        for (;;) {
            size_t l = 2 * i + 1, w = i;
            cand wc = last;
            if (l < m && better(wc, h[l])) {
                w = l;
                wc = h[l];
            }
            if (l + 1 < m && better(wc, h[l + 1]))
                w = l + 1;
            if (w == i)
                break;
            h[i] = h[w];
            i = w;
        }
        h[i] = last;
        h[end - 1] = top;
    }
}

size_t topk_select(const float *scores, uint32_t nitems, const unsigned char *skip, size_t k, uint32_t *out)
{
    cand hb[256];
    cand *h = k <= 256 ? hb : malloc(k * sizeof *h);
    size_t n = 0;
    if (h == NULL)
        return 0;
    for (uint32_t i = 0; i < nitems; i++) {
        if (skip != NULL && skip[i])
            continue;
        cand c = { scores[i], i };
        heap_push(h, &n, k, c);
    }
    heap_sort_desc(h, n);
    for (size_t i = 0; i < n; i++)
        out[i] = h[i].i;
    if (h != hb)
        free(h);
    return n;
}

/* ------------------------------------------------------------ item x item */

typedef struct simjob {
    const csr *L, *R;
    const model_params *p;
    const float *norm;           /* ItemKNN: |i| */
    const float *colw;           /* RP3beta: deg(j)^-beta */
    uint32_t nitems;
    size_t k;
    atomic_size_t next, done;
    uint32_t *oi;                /* nitems * k */
    float *ov;
    uint32_t *on;
    progress *pr;
    atomic_int failed;
} simjob;

static void sim_worker(void *arg, int worker)
{
    simjob *J = arg;
    uint32_t n = J->nitems;
    float *acc = calloc(n ? n : 1, sizeof *acc);
    unsigned char *seen = calloc(n ? n : 1, 1);
    uint32_t *touched = malloc((n ? n : 1) * sizeof *touched);
    cand *heap = malloc((J->k ? J->k : 1) * sizeof *heap);
    if (acc == NULL || seen == NULL || touched == NULL || heap == NULL) {
        atomic_store(&J->failed, 1);
        goto cleanup;
    }
    for (;;) {
        size_t start = atomic_fetch_add(&J->next, CHUNK);
        if (start >= n || atomic_load(&J->failed))
            break;
        size_t end = start + CHUNK < n ? start + CHUNK : n;
        for (size_t i = start; i < end; i++) {
            size_t nt = 0, nh = 0;
            for (size_t a = J->L->ptr[i]; a < J->L->ptr[i + 1]; a++) {
                uint32_t u = J->L->idx[a];
                float lv = J->L->val[a];
                for (size_t b = J->R->ptr[u]; b < J->R->ptr[u + 1]; b++) {
                    uint32_t j = J->R->idx[b];
                    if (!seen[j]) {
                        seen[j] = 1;
                        touched[nt++] = j;
                    }
                    acc[j] += lv * J->R->val[b];
                }
            }
            for (size_t t = 0; t < nt; t++) {
                uint32_t j = touched[t];
                float s = acc[j];
                acc[j] = 0.0f;
                seen[j] = 0;
                if (j == i)
                    continue;
                if (J->p->kind == MODEL_ITEMKNN)
                    s = s / (J->norm[i] * J->norm[j] + J->p->shrink + 1e-9f);
                else
                    s *= J->colw[j];
                if (s > 0.0f) {
                    cand c = { s, j };
                    heap_push(heap, &nh, J->k, c);
                }
            }
            heap_sort_desc(heap, nh);
            float sum = 0.0f;
            for (size_t t = 0; t < nh; t++)
                sum += heap[t].v;
            for (size_t t = 0; t < nh; t++) {
                J->oi[i * J->k + t] = heap[t].i;
                J->ov[i * J->k + t] = J->p->normalize && sum > 0.0f ? heap[t].v / sum : heap[t].v;
            }
            J->on[i] = (uint32_t)nh;
        }
        size_t d = atomic_fetch_add(&J->done, end - start) + (end - start);
        if (worker == 0 && J->pr != NULL)
            progress_set(J->pr, d);
    }
cleanup:
    free(acc);
    free(seen);
    free(touched);
    free(heap);
}

/* Rows of J's output into m->sim (sorted by column within each row, the
 * CSR convention; rank order is recovered by sorting on the score). */
static int sim_collect(model *m, simjob *J)
{
    size_t nnz = 0;
    for (uint32_t i = 0; i < J->nitems; i++)
        nnz += J->on[i];
    if (csr_alloc(&m->sim, J->nitems, J->nitems, nnz) != 0)
        return -1;
    size_t w = 0;
    for (uint32_t i = 0; i < J->nitems; i++) {
        m->sim.ptr[i] = w;
        for (uint32_t t = 0; t < J->on[i]; t++) {
            m->sim.idx[w] = J->oi[(size_t)i * J->k + t];
            m->sim.val[w] = J->ov[(size_t)i * J->k + t];
            w++;
        }
    }
    m->sim.ptr[J->nitems] = w;
    return 0;
}

/* TF-IDF / BM25 of Dacrema et al.: items are the documents, users the terms. */
static void weight_matrix(csr *Xt, const model_params *p)
{
    uint32_t nitems = Xt->nrows;
    uint32_t *df = csr_col_counts(Xt);
    if (df == NULL)
        return;
    double avg = 0.0;
    for (uint32_t i = 0; i < nitems; i++)
        for (size_t a = Xt->ptr[i]; a < Xt->ptr[i + 1]; a++)
            avg += Xt->val[a];
    avg = nitems ? avg / nitems : 1.0;
    for (uint32_t i = 0; i < nitems; i++) {
        double len = 0.0;
        for (size_t a = Xt->ptr[i]; a < Xt->ptr[i + 1]; a++)
            len += Xt->val[a];
        double lnorm = (1.0 - p->bm25_b) + p->bm25_b * len / (avg > 0 ? avg : 1.0);
        for (size_t a = Xt->ptr[i]; a < Xt->ptr[i + 1]; a++) {
            double idf = log((double)nitems / (1.0 + df[Xt->idx[a]]));
            double x = Xt->val[a];
            if (p->weight == WEIGHT_TFIDF)
                Xt->val[a] = (float)(sqrt(x) * idf);
            else
                Xt->val[a] = (float)(x * (p->bm25_k1 + 1.0) / (p->bm25_k1 * lnorm + x) * idf);
        }
    }
    free(df);
}

static int fit_item_item(model *m, const model_params *p, const csr *X, int threads, progress *pr)
{
    csr Xt = { 0 }, R = { 0 };
    float *norm = NULL, *colw = NULL;
    simjob *J = calloc(1, sizeof *J);
    int rc = -1;
    uint32_t nitems = X->ncols;
    if (J == NULL || csr_transpose(&Xt, X) != 0)
        goto cleanup;
    if (p->kind == MODEL_ITEMKNN) {
        if (p->weight != WEIGHT_NONE)
            weight_matrix(&Xt, p);
        if (csr_transpose(&R, &Xt) != 0 || (norm = calloc(nitems ? nitems : 1, sizeof *norm)) == NULL)
            goto cleanup;
        for (uint32_t i = 0; i < nitems; i++) {
            double s = 0.0;
            for (size_t a = Xt.ptr[i]; a < Xt.ptr[i + 1]; a++)
                s += (double)Xt.val[a] * Xt.val[a];
            norm[i] = (float)sqrt(s);
        }
    } else {
        /* R = user rows normalized to sum 1, ^alpha; L = 1/deg(i) ^alpha */
        if (csr_transpose(&R, &Xt) != 0 || (colw = calloc(nitems ? nitems : 1, sizeof *colw)) == NULL)
            goto cleanup;
        for (uint32_t u = 0; u < R.nrows; u++) {
            double s = 0.0;
            for (size_t a = R.ptr[u]; a < R.ptr[u + 1]; a++)
                s += R.val[a];
            for (size_t a = R.ptr[u]; a < R.ptr[u + 1]; a++)
                R.val[a] = s > 0 ? (float)pow(R.val[a] / s, p->alpha) : 0.0f;
        }
        for (uint32_t i = 0; i < nitems; i++) {
            size_t deg = Xt.ptr[i + 1] - Xt.ptr[i];
            float li = deg ? (float)pow(1.0 / (double)deg, p->alpha) : 0.0f;
            for (size_t a = Xt.ptr[i]; a < Xt.ptr[i + 1]; a++)
                Xt.val[a] = li;
            colw[i] = deg ? (float)pow((double)deg, -p->beta) : 0.0f;
        }
    }
    J->L = &Xt;
    J->R = &R;
    J->p = p;
    J->norm = norm;
    J->colw = colw;
    J->nitems = nitems;
    J->k = (size_t)(p->topk > 0 ? p->topk : 1);
    J->pr = pr;
    atomic_init(&J->next, 0);
    atomic_init(&J->done, 0);
    atomic_init(&J->failed, 0);
    J->oi = malloc(((size_t)nitems * J->k + 1) * sizeof *J->oi);
    J->ov = malloc(((size_t)nitems * J->k + 1) * sizeof *J->ov);
    J->on = calloc((size_t)nitems + 1, sizeof *J->on);
    if (J->oi == NULL || J->ov == NULL || J->on == NULL)
        goto cleanup;
    if (pr != NULL)
        progress_phase(pr, p->kind == MODEL_ITEMKNN ? "itemknn" : "rp3beta", nitems);
    (void)recs_parallel(threads, sim_worker, J);
    if (pr != NULL)
        progress_end(pr);
    if (atomic_load(&J->failed) || sim_collect(m, J) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    if (J != NULL) {
        free(J->oi);
        free(J->ov);
        free(J->on);
    }
    free(J);
    free(norm);
    free(colw);
    csr_free(&Xt);
    csr_free(&R);
    return rc;
}

/* ------------------------------------------------------------ EASE */

typedef struct easejob {
    uint32_t n;
    double *G;                   /* n*n: Gram, then Cholesky factor (lower) */
    double *Y;                   /* n*n: row j = column j of L^-1 */
    const csr *Xt;               /* items x users */
    const csr *X;
    const int32_t *pos;
    const uint32_t *sub;
    atomic_size_t next;
    int phase;
} easejob;

static double dot(const double *a, const double *b, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++)
        s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

static void ease_worker(void *arg, int worker)
{
    easejob *E = arg;
    size_t n = E->n;
    (void)worker;
    for (;;) {
        size_t r = atomic_fetch_add(&E->next, 1);
        if (r >= n)
            break;
        if (E->phase == 0) {
            /* row r of the Gram matrix over the subset */
            double *row = E->G + r * n;
            uint32_t item = E->sub[r];
            for (size_t a = E->Xt->ptr[item]; a < E->Xt->ptr[item + 1]; a++) {
                uint32_t u = E->Xt->idx[a];
                double xv = E->Xt->val[a];
                for (size_t b = E->X->ptr[u]; b < E->X->ptr[u + 1]; b++) {
                    int32_t c = E->pos[E->X->idx[b]];
                    if (c >= 0)
                        row[c] += xv * E->X->val[b];
                }
            }
        } else if (E->phase == 1) {
            /* column r of L^-1 by forward substitution, stored as row r of Y */
            double *y = E->Y + r * n;
            for (size_t i = r; i < n; i++) {
                const double *Li = E->G + i * n;
                double s = (i == r ? 1.0 : 0.0) - dot(Li + r, y + r, i - r);
                y[i] = s / Li[i];
            }
        }
    }
}

/* P = L^-T L^-1: P[a][b] = sum_{i >= max(a,b)} Y[a][i] Y[b][i]; row a of P into G's upper part. */
typedef struct pjob { easejob *E; float *B; atomic_size_t next; } pjob;

static void p_worker(void *arg, int worker)
{
    pjob *P = arg;
    size_t n = P->E->n;
    const double *Y = P->E->Y;
    (void)worker;
    for (;;) {
        size_t a = atomic_fetch_add(&P->next, 1);
        if (a >= n)
            break;
        for (size_t b = a; b < n; b++) {
            double v = dot(Y + a * n + b, Y + b * n + b, n - b);
            P->B[a * n + b] = (float)v;
            P->B[b * n + a] = (float)v;
        }
    }
}

static int fit_ease(model *m, const model_params *p, const csr *X, int threads, progress *pr)
{
    easejob E;
    pjob PJ;
    csr Xt = { 0 };
    uint32_t nitems = X->ncols;
    uint32_t *order = NULL;
    int rc = -1;
    memset(&E, 0, sizeof E);
    uint32_t n = (uint32_t)(p->ease_items > 0 ? p->ease_items : 1);
    if (n > nitems)
        n = nitems;
    m->nsub = n;
    m->sub = malloc((n ? n : 1) * sizeof *m->sub);
    m->pos = malloc((nitems ? nitems : 1) * sizeof *m->pos);
    order = malloc((nitems ? nitems : 1) * sizeof *order);
    if (m->sub == NULL || m->pos == NULL || order == NULL || csr_transpose(&Xt, X) != 0)
        goto cleanup;
    /* the n most popular items: a partial selection with topk_select */
    n = (uint32_t)topk_select(m->pop, nitems, NULL, n, order);
    m->nsub = n;
    for (uint32_t i = 0; i < nitems; i++)
        m->pos[i] = -1;
    for (uint32_t s = 0; s < n; s++) {
        m->sub[s] = order[s];
        m->pos[order[s]] = (int32_t)s;
    }
    E.n = n;
    E.G = calloc((size_t)n * n + 1, sizeof *E.G);
    E.Y = calloc((size_t)n * n + 1, sizeof *E.Y);
    m->B = malloc(((size_t)n * n + 1) * sizeof *m->B);
    if (E.G == NULL || E.Y == NULL || m->B == NULL)
        goto cleanup;
    E.X = X;
    E.Xt = &Xt;
    E.pos = m->pos;
    E.sub = m->sub;
    if (pr != NULL)
        progress_phase(pr, "ease", 4);
    atomic_init(&E.next, 0);
    E.phase = 0;
    (void)recs_parallel(threads, ease_worker, &E);
    for (size_t i = 0; i < n; i++)
        E.G[i * n + i] += p->lambda;
    if (pr != NULL)
        progress_set(pr, 1);
    /* Cholesky-Banachiewicz, row by row: contiguous dot products */
    for (size_t i = 0; i < n; i++) {
        double *Li = E.G + i * n;
        for (size_t j = 0; j <= i; j++) {
            const double *Lj = E.G + j * n;
            double s = Li[j] - dot(Li, Lj, j);
            if (i == j) {
                if (s <= 0.0)
                    goto cleanup;
                Li[i] = sqrt(s);
            } else {
                Li[j] = s / Lj[j];
            }
        }
    }
    if (pr != NULL)
        progress_set(pr, 2);
    atomic_store(&E.next, 0);
    E.phase = 1;
    (void)recs_parallel(threads, ease_worker, &E);
    if (pr != NULL)
        progress_set(pr, 3);
    PJ.E = &E;
    PJ.B = m->B;
    atomic_init(&PJ.next, 0);
    (void)recs_parallel(threads, p_worker, &PJ);
    /* B = I - P diag(1/diag P): B[a][b] = -P[a][b] / P[b][b], zero diagonal */
    for (size_t b = 0; b < n; b++)
        E.Y[b] = m->B[b * n + b];
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++)
            m->B[a * n + b] = a == b ? 0.0f : (float)(-m->B[a * n + b] / E.Y[b]);
    if (pr != NULL)
        progress_end(pr);
    rc = 0;
cleanup:
    free(order);
    free(E.G);
    free(E.Y);
    csr_free(&Xt);
    return rc;
}

/* ------------------------------------------------------------ fit / score */

int model_fit(model *m, const model_params *p, const csr *X, int threads, progress *pr)
{
    memset(m, 0, sizeof *m);
    m->p = *p;
    m->nitems = X->ncols;
    m->pop = calloc(X->ncols ? X->ncols : 1, sizeof *m->pop);
    if (m->pop == NULL)
        return -1;
    size_t nnz = csr_nnz(X);
    for (size_t i = 0; i < nnz; i++)
        m->pop[X->idx[i]] += 1.0f;
    threads = recs_threads(threads);
    int rc = 0;
    switch (p->kind) {
    case MODEL_POP:
        break;
    case MODEL_ITEMKNN:
    case MODEL_RP3BETA:
        rc = fit_item_item(m, p, X, threads, pr);
        break;
    case MODEL_EASE:
        rc = fit_ease(m, p, X, threads, pr);
        if (rc == 0 && p->blend > 0.0f) {
            model_params ap;
            model_defaults(&ap, MODEL_RP3BETA);
            ap.topk = 200;
            ap.alpha = 1.0f;
            ap.beta = 0.3f;
            if ((m->aux = calloc(1, sizeof *m->aux)) == NULL || model_fit(m->aux, &ap, X, threads, pr) != 0) {
                free(m->aux);
                m->aux = NULL;
                rc = -1;
            }
        }
        break;
    }
    if (rc != 0)
        model_free(m);
    return rc;
}

void model_free(model *m)
{
    free(m->pop);
    csr_free(&m->sim);
    free(m->sub);
    free(m->pos);
    free(m->B);
    if (m->aux != NULL) {
        model_free(m->aux);
        free(m->aux);
    }
    memset(m, 0, sizeof *m);
}

void model_score(const model *m, const uint32_t *items, const float *w, size_t n, float *scores)
{
    uint32_t ni = m->nitems;
    switch (m->p.kind) {
    case MODEL_POP:
        memcpy(scores, m->pop, (size_t)ni * sizeof *scores);
        return;
    case MODEL_ITEMKNN:
    case MODEL_RP3BETA:
        memset(scores, 0, (size_t)ni * sizeof *scores);
        for (size_t t = 0; t < n; t++) {
            uint32_t i = items[t];
            float wi = w ? w[t] : 1.0f;
            for (size_t a = m->sim.ptr[i]; a < m->sim.ptr[i + 1]; a++)
                scores[m->sim.idx[a]] += wi * m->sim.val[a];
        }
        /* ties (mostly zeros) broken by popularity, a tiny fraction of a unit */
        for (uint32_t j = 0; j < ni; j++)
            scores[j] += m->pop[j] * 1e-9f;
        return;
    case MODEL_EASE: {
        uint32_t ns = m->nsub;
        double *tmp = calloc(ns ? ns : 1, sizeof *tmp);
        if (tmp == NULL)
            return;
        for (size_t t = 0; t < n; t++) {
            int32_t a = m->pos[items[t]];
            if (a < 0)
                continue;
            float wi = w ? w[t] : 1.0f;
            const float *row = m->B + (size_t)a * ns;
            for (uint32_t b = 0; b < ns; b++)
                tmp[b] += wi * row[b];
        }
        if (m->aux == NULL || m->p.blend <= 0.0f) {
            /* items outside the subset rank last, by popularity */
            for (uint32_t j = 0; j < ni; j++)
                scores[j] = -1e30f + m->pop[j];
            for (uint32_t b = 0; b < ns; b++)
                scores[m->sub[b]] = (float)tmp[b] + m->pop[m->sub[b]] * 1e-9f;
        } else {
            /* blend: both parts scaled to a maximum of 1 for this user */
            double emax = 0.0, rmax = 0.0;
            model_score(m->aux, items, w, n, scores);
            for (uint32_t j = 0; j < ni; j++)
                if (scores[j] > rmax)
                    rmax = scores[j];
            for (uint32_t b = 0; b < ns; b++)
                if (tmp[b] > emax)
                    emax = tmp[b];
            double rs = rmax > 0 ? m->p.blend / rmax : 0.0, es = emax > 0 ? 1.0 / emax : 0.0;
            for (uint32_t j = 0; j < ni; j++)
                scores[j] = (float)(scores[j] * rs);
            for (uint32_t b = 0; b < ns; b++)
                scores[m->sub[b]] += (float)(tmp[b] * es);
        }
        free(tmp);
        return;
    }
    }
}

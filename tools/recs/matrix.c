/* matrix.c — CSR matrices, random numbers, threads and the progress line
 * of the recommendation tools. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "recs.h"

/* ------------------------------------------------------------ triplets / CSR */

int trip_add(triplets *t, uint32_t r, uint32_t c, float v)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        uint32_t *nr = realloc(t->r, cap * sizeof *nr);
        if (nr == NULL)
            return -1;
        t->r = nr;
        uint32_t *nc = realloc(t->c, cap * sizeof *nc);
        if (nc == NULL)
            return -1;
        t->c = nc;
        float *nv = realloc(t->v, cap * sizeof *nv);
        if (nv == NULL)
            return -1;
        t->v = nv;
        t->cap = cap;
    }
    t->r[t->n] = r;
    t->c[t->n] = c;
    t->v[t->n] = v;
    t->n++;
    return 0;
}

void trip_free(triplets *t)
{
    free(t->r);
    free(t->c);
    free(t->v);
    memset(t, 0, sizeof *t);
}

int csr_alloc(csr *m, uint32_t nrows, uint32_t ncols, size_t nnz)
{
    memset(m, 0, sizeof *m);
    m->nrows = nrows;
    m->ncols = ncols;
    m->ptr = calloc((size_t)nrows + 1, sizeof *m->ptr);
    m->idx = malloc((nnz ? nnz : 1) * sizeof *m->idx);
    m->val = malloc((nnz ? nnz : 1) * sizeof *m->val);
    if (m->ptr == NULL || m->idx == NULL || m->val == NULL) {
        csr_free(m);
        return -1;
    }
    return 0;
}

void csr_free(csr *m)
{
    free(m->ptr);
    free(m->idx);
    free(m->val);
    memset(m, 0, sizeof *m);
}

size_t csr_nnz(const csr *m)
{
    return m->ptr ? m->ptr[m->nrows] : 0;
}

/* Sort one row's (idx, val) by idx: insertion sort for short rows, else a
 * heap sort (rows are unsorted only after a counting pass). */
static void sort_row(uint32_t *idx, float *val, size_t n)
{
    if (n < 32) {
        for (size_t i = 1; i < n; i++) {
            uint32_t k = idx[i];
            float v = val[i];
            size_t j = i;
            while (j > 0 && idx[j - 1] > k) {
                idx[j] = idx[j - 1];
                val[j] = val[j - 1];
                j--;
            }
            idx[j] = k;
            val[j] = v;
        }
        return;
    }
    for (size_t start = n / 2; start-- > 0;) {
        size_t root = start;
        for (;;) {
            size_t child = 2 * root + 1;
            if (child >= n)
                break;
            if (child + 1 < n && idx[child + 1] > idx[child])
                child++;
            if (idx[root] >= idx[child])
                break;
            uint32_t ti = idx[root]; idx[root] = idx[child]; idx[child] = ti;
            float tv = val[root]; val[root] = val[child]; val[child] = tv;
            root = child;
        }
    }
    for (size_t end = n - 1; end > 0; end--) {
        uint32_t ti = idx[0]; idx[0] = idx[end]; idx[end] = ti;
        float tv = val[0]; val[0] = val[end]; val[end] = tv;
        size_t root = 0;
        for (;;) {
            size_t child = 2 * root + 1;
            if (child >= end)
                break;
            if (child + 1 < end && idx[child + 1] > idx[child])
                child++;
            if (idx[root] >= idx[child])
                break;
            ti = idx[root]; idx[root] = idx[child]; idx[child] = ti;
            tv = val[root]; val[root] = val[child]; val[child] = tv;
            root = child;
        }
    }
}

/* Sort every row and sum duplicate columns, compacting in place. */
static void csr_canonical(csr *m)
{
    size_t w = 0;
    for (uint32_t r = 0; r < m->nrows; r++) {
        size_t a = m->ptr[r], b = m->ptr[r + 1];
        sort_row(m->idx + a, m->val + a, b - a);
        m->ptr[r] = w;
        for (size_t i = a; i < b; i++) {
            if (w > m->ptr[r] && m->idx[w - 1] == m->idx[i]) {
                m->val[w - 1] += m->val[i];
            } else {
                m->idx[w] = m->idx[i];
                m->val[w] = m->val[i];
                w++;
            }
        }
    }
    m->ptr[m->nrows] = w;
}

int csr_from_triplets(csr *out, const triplets *t, uint32_t nrows, uint32_t ncols)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->r[i] >= nrows || t->c[i] >= ncols)
            return -1;
    if (csr_alloc(out, nrows, ncols, t->n) != 0)
        return -1;
    for (size_t i = 0; i < t->n; i++)
        out->ptr[t->r[i] + 1]++;
    for (uint32_t r = 0; r < nrows; r++)
        out->ptr[r + 1] += out->ptr[r];
    size_t *fill = malloc(((size_t)nrows + 1) * sizeof *fill);
    if (fill == NULL) {
        csr_free(out);
        return -1;
    }
    memcpy(fill, out->ptr, ((size_t)nrows + 1) * sizeof *fill);
    for (size_t i = 0; i < t->n; i++) {
        size_t at = fill[t->r[i]]++;
        out->idx[at] = t->c[i];
        out->val[at] = t->v[i];
    }
    free(fill);
    csr_canonical(out);
    return 0;
}

int csr_transpose(csr *out, const csr *in)
{
    size_t nnz = csr_nnz(in);
    if (csr_alloc(out, in->ncols, in->nrows, nnz) != 0)
        return -1;
    for (size_t i = 0; i < nnz; i++)
        out->ptr[in->idx[i] + 1]++;
    for (uint32_t r = 0; r < out->nrows; r++)
        out->ptr[r + 1] += out->ptr[r];
    size_t *fill = malloc(((size_t)out->nrows + 1) * sizeof *fill);
    if (fill == NULL) {
        csr_free(out);
        return -1;
    }
    memcpy(fill, out->ptr, ((size_t)out->nrows + 1) * sizeof *fill);
    /* rows of in visited in order, so each output row comes out sorted */
    for (uint32_t r = 0; r < in->nrows; r++)
        for (size_t i = in->ptr[r]; i < in->ptr[r + 1]; i++) {
            size_t at = fill[in->idx[i]]++;
            out->idx[at] = r;
            out->val[at] = in->val[i];
        }
    free(fill);
    return 0;
}

void csr_prune(csr *m, float min)
{
    size_t w = 0;
    for (uint32_t r = 0; r < m->nrows; r++) {
        size_t a = m->ptr[r], b = m->ptr[r + 1];
        m->ptr[r] = w;
        for (size_t i = a; i < b; i++)
            if (m->val[i] > min) {
                m->idx[w] = m->idx[i];
                m->val[w] = m->val[i];
                w++;
            }
    }
    m->ptr[m->nrows] = w;
}

void csr_binarize(csr *m)
{
    size_t nnz = csr_nnz(m);
    for (size_t i = 0; i < nnz; i++)
        m->val[i] = 1.0f;
}

uint32_t *csr_col_counts(const csr *m)
{
    uint32_t *c = calloc(m->ncols ? m->ncols : 1, sizeof *c);
    if (c == NULL)
        return NULL;
    size_t nnz = csr_nnz(m);
    for (size_t i = 0; i < nnz; i++)
        c[m->idx[i]]++;
    return c;
}

/* ------------------------------------------------------------ random numbers */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

uint32_t rng_below(rng *r, uint32_t n)
{
    return n ? (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

/* ------------------------------------------------------------ threads */

int recs_threads(int wanted)
{
    if (wanted > 0)
        return wanted > 64 ? 64 : wanted;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

typedef struct job {
    void (*fn)(void *arg, int worker);
    void *arg;
    int worker;
} job;

static void *job_main(void *p)
{
    job *j = p;
    j->fn(j->arg, j->worker);
    return NULL;
}

int recs_parallel(int n, void (*fn)(void *arg, int worker), void *arg)
{
    pthread_t th[64];
    job jobs[64];
    int started = 0, rc = 0;
    if (n < 1)
        n = 1;
    if (n > 64)
        n = 64;
    for (int i = 1; i < n; i++) {
        jobs[i].fn = fn;
        jobs[i].arg = arg;
        jobs[i].worker = i;
        if (pthread_create(&th[i], NULL, job_main, &jobs[i]) != 0) {
            /* the work is shared by an atomic counter, so fewer workers still finish it */
            rc = -1;
            break;
        }
        started = i;
    }
    fn(arg, 0);
    for (int i = 1; i <= started; i++)
        (void)pthread_join(th[i], NULL);
    return rc;
}

/* ------------------------------------------------------------ progress */

double recs_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_begin(progress *p, const char *prog, int quiet)
{
    memset(p, 0, sizeof *p);
    p->prog = prog;
    p->quiet = quiet;
    p->tty = !quiet && isatty(2);
    p->started = recs_now();
}

static void progress_draw(progress *p, int force)
{
    double t = recs_now();
    if (p->quiet || (!force && t - p->last < (p->tty ? 0.2 : 5.0)))
        return;
    p->last = t;
    double el = t - p->started;
    if (p->total > 0) {
        double f = (double)p->done / (double)p->total;
        int fill = (int)(f * 20.0 + 0.5);
        char bar[21];
        for (int i = 0; i < 20; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[20] = '\0';
        fprintf(stderr, "%s%s: %-14s [%s] %5.1f%% %zu/%zu %6.1fs%s", p->tty ? "\r" : "", p->prog, p->phase, bar,
                100.0 * f, p->done, p->total, el, p->tty ? "\033[K" : "\n");
    } else {
        fprintf(stderr, "%s%s: %-14s %zu %6.1fs%s", p->tty ? "\r" : "", p->prog, p->phase, p->done, el,
                p->tty ? "\033[K" : "\n");
    }
    p->drawn = 1;
    fflush(stderr);
}

void progress_phase(progress *p, const char *phase, size_t total)
{
    snprintf(p->phase, sizeof p->phase, "%s", phase);
    p->done = 0;
    p->total = total;
    progress_draw(p, 1);
}

void progress_set(progress *p, size_t done)
{
    p->done = done;
    progress_draw(p, 0);
}

void progress_end(progress *p)
{
    if (p->quiet)
        return;
    if (p->total)
        p->done = p->total;
    if (p->tty) {
        progress_draw(p, 1);
        fputc('\n', stderr);
    }
    p->drawn = 0;
}

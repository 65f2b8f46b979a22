/* data.c — the HetRec 2011 Last.fm 2k interactions, read in place, and the
 * per-user random 8:1:1 split of RecBole (eval_args split RS [0.8,0.1,0.1],
 * group_by user, order RO), the split the published table uses.
 *
 * Users with few interactions follow RecBole's _calcu_split_ids exactly:
 * valid and test get floor(0.1 n) each, train the rest; when 0.1 n < 1 the
 * test part, then the validation part, take one interaction each as long
 * as train keeps at least one.  So n = 1: train only (never evaluated);
 * n = 2: train 1, test 1 (no validation); n >= 3: at least one of each. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "recs.h"

void data_split_counts(size_t n, size_t cnt[3])
{
    static const double ratios[3] = { 0.8, 0.1, 0.1 };
    cnt[1] = (size_t)(ratios[1] * (double)n);
    cnt[2] = (size_t)(ratios[2] * (double)n);
    cnt[0] = n - cnt[1] - cnt[2];
    for (int i = 1; i < 3; i++) {
        int part = 3 - i;        /* Python's cnt[-i]: test first, then valid */
        if (cnt[0] <= 1)
            break;
        double want = ratios[part] * (double)n;
        if (want > 0.0 && want < 1.0) {
            cnt[part]++;
            cnt[0]--;
        }
    }
}

int data_split(const csr *X, uint64_t seed, csr *train, csr *valid, csr *test)
{
    triplets t[3] = { { 0 }, { 0 }, { 0 } };
    uint32_t *buf = NULL;
    float *vbuf = NULL;
    size_t cap = 0;
    int rc = -1;
    rng r;
    rng_seed(&r, seed);
    memset(train, 0, sizeof *train);
    memset(valid, 0, sizeof *valid);
    memset(test, 0, sizeof *test);
    for (uint32_t u = 0; u < X->nrows; u++) {
        size_t a = X->ptr[u], n = X->ptr[u + 1] - a;
        if (n > cap) {
            cap = n * 2;
            uint32_t *nb = realloc(buf, cap * sizeof *nb);
            if (nb == NULL)
                goto cleanup;
            buf = nb;
            float *nv = realloc(vbuf, cap * sizeof *nv);
            if (nv == NULL)
                goto cleanup;
            vbuf = nv;
        }
        memcpy(buf, X->idx + a, n * sizeof *buf);
        memcpy(vbuf, X->val + a, n * sizeof *vbuf);
        for (size_t i = n; i > 1; i--) {
            size_t j = rng_below(&r, (uint32_t)i);
            uint32_t ti = buf[i - 1]; buf[i - 1] = buf[j]; buf[j] = ti;
            float tv = vbuf[i - 1]; vbuf[i - 1] = vbuf[j]; vbuf[j] = tv;
        }
        size_t cnt[3];
        data_split_counts(n, cnt);
        size_t at = 0;
        for (int part = 0; part < 3; part++)
            for (size_t i = 0; i < cnt[part]; i++, at++)
                if (trip_add(&t[part], u, buf[at], vbuf[at]) != 0)
                    goto cleanup;
    }
    if (csr_from_triplets(train, &t[0], X->nrows, X->ncols) != 0
        || csr_from_triplets(valid, &t[1], X->nrows, X->ncols) != 0
        || csr_from_triplets(test, &t[2], X->nrows, X->ncols) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    if (rc != 0) {
        csr_free(train);
        csr_free(valid);
        csr_free(test);
    }
    for (int i = 0; i < 3; i++)
        trip_free(&t[i]);
    free(buf);
    free(vbuf);
    return rc;
}

/* Dense ids in order of first appearance, for raw ids below limit. */
typedef struct idmap { uint32_t *map; uint32_t limit, n; } idmap;

static int idmap_get(idmap *m, unsigned long raw, uint32_t *out)
{
    if (raw >= m->limit) {
        uint32_t limit = m->limit ? m->limit : 1024;
        while (limit <= raw) {
            if (limit > (1u << 30))
                return -1;
            limit *= 2;
        }
        uint32_t *nm = realloc(m->map, (size_t)limit * sizeof *nm);
        if (nm == NULL)
            return -1;
        for (uint32_t i = m->limit; i < limit; i++)
            nm[i] = UINT32_MAX;
        m->map = nm;
        m->limit = limit;
    }
    if (m->map[raw] == UINT32_MAX)
        m->map[raw] = m->n++;
    *out = m->map[raw];
    return 0;
}

int data_load_hetrec(const char *dir, csr *X, char *err, size_t errlen)
{
    char path[4096], line[256];
    FILE *f = NULL;
    triplets t = { 0 };
    idmap users = { 0 }, items = { 0 };
    unsigned long lineno = 0;
    int rc = -1;
    memset(X, 0, sizeof *X);
    if (snprintf(path, sizeof path, "%s/user_artists.dat", dir) >= (int)sizeof path) {
        (void)snprintf(err, errlen, "%s: path too long", dir);
        goto cleanup;
    }
    if ((f = fopen(path, "r")) == NULL) {
        (void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto cleanup;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *p = line, *e;
        unsigned long u, a;
        lineno++;
        if (lineno == 1 && strncmp(line, "userID", 6) == 0)
            continue;
        if (line[0] == '\r' || line[0] == '\n')
            continue;
        errno = 0;
        u = strtoul(p, &e, 10);
        if (e == p || *e != '\t')
            goto bad;
        p = e + 1;
        a = strtoul(p, &e, 10);
        if (e == p || *e != '\t' || errno != 0)
            goto bad;
        uint32_t du, da;
        if (idmap_get(&users, u, &du) != 0 || idmap_get(&items, a, &da) != 0 || trip_add(&t, du, da, 1.0f) != 0) {
            (void)snprintf(err, errlen, "%s:%lu: out of memory or id too large", path, lineno);
            goto cleanup;
        }
    }
    if (ferror(f)) {
        (void)snprintf(err, errlen, "%s: read error", path);
        goto cleanup;
    }
    if (csr_from_triplets(X, &t, users.n, items.n) != 0) {
        (void)snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    csr_binarize(X);             /* duplicates were summed: any count is one interaction */
    rc = 0;
    goto cleanup;
bad:
    (void)snprintf(err, errlen, "%s:%lu: not \"userID<TAB>artistID<TAB>weight\"", path, lineno);
cleanup:
    if (f != NULL)
        fclose(f);
    trip_free(&t);
    free(users.map);
    free(items.map);
    return rc;
}

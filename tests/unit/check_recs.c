/* check_recs.c — collaborative filtering (tools/recs): CSR building, the
 * RecBole metric definitions on hand-made cases, the 8:1:1 split rule and
 * its reproducibility per seed, and recovery of planted clusters on
 * synthetic data.  No database: always runs. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "recs.h"

/* ------------------------------------------------------------ CSR */

START_TEST(test_csr_build)
{
    triplets t = { 0 };
    csr m, mt;
    /* row 1 has a duplicate (summed) and comes in out of order */
    ck_assert_int_eq(trip_add(&t, 1, 3, 1.0f), 0);
    ck_assert_int_eq(trip_add(&t, 0, 2, 2.0f), 0);
    ck_assert_int_eq(trip_add(&t, 1, 0, 4.0f), 0);
    ck_assert_int_eq(trip_add(&t, 1, 3, 0.5f), 0);
    ck_assert_int_eq(trip_add(&t, 3, 1, 7.0f), 0);
    ck_assert_int_eq(csr_from_triplets(&m, &t, 4, 4), 0);
    ck_assert_uint_eq(csr_nnz(&m), 4);
    ck_assert_uint_eq(m.ptr[0], 0);
    ck_assert_uint_eq(m.ptr[1], 1);
    ck_assert_uint_eq(m.ptr[2], 3);
    ck_assert_uint_eq(m.ptr[3], 3);
    ck_assert_uint_eq(m.ptr[4], 4);
    ck_assert_uint_eq(m.idx[0], 2);
    ck_assert_uint_eq(m.idx[1], 0);
    ck_assert_uint_eq(m.idx[2], 3);
    ck_assert(fabsf(m.val[2] - 1.5f) < 1e-6f);
    ck_assert_uint_eq(m.idx[3], 1);
    ck_assert_int_eq(csr_transpose(&mt, &m), 0);
    ck_assert_uint_eq(mt.nrows, 4);
    ck_assert_uint_eq(mt.ptr[1] - mt.ptr[0], 1);       /* column 0: row 1 */
    ck_assert_uint_eq(mt.idx[mt.ptr[0]], 1);
    ck_assert_uint_eq(mt.ptr[2] - mt.ptr[1], 1);       /* column 1: row 3 */
    ck_assert_uint_eq(mt.idx[mt.ptr[1]], 3);
    ck_assert(fabsf(mt.val[mt.ptr[3]] - 1.5f) < 1e-6f); /* column 3: row 1, 1.5 */
    csr_prune(&m, 1.6f);
    ck_assert_uint_eq(csr_nnz(&m), 3);
    /* out of shape */
    ck_assert_int_eq(trip_add(&t, 9, 0, 1.0f), 0);
    csr bad;
    ck_assert_int_eq(csr_from_triplets(&bad, &t, 4, 4), -1);
    csr_free(&m);
    csr_free(&mt);
    trip_free(&t);
}
END_TEST

/* A row with many entries goes through the heap sort. */
START_TEST(test_csr_long_row)
{
    triplets t = { 0 };
    csr m;
    for (uint32_t i = 0; i < 500; i++)
        ck_assert_int_eq(trip_add(&t, 0, (i * 7919u) % 500u, 1.0f), 0);
    ck_assert_int_eq(trip_add(&t, 0, 42, 1.0f), 0);
    ck_assert_int_eq(csr_from_triplets(&m, &t, 1, 500), 0);
    ck_assert_uint_eq(csr_nnz(&m), 500);
    for (uint32_t i = 0; i < 500; i++)
        ck_assert_uint_eq(m.idx[i], i);
    ck_assert(fabsf(m.val[42] - 2.0f) < 1e-6f);
    csr_free(&m);
    trip_free(&t);
}
END_TEST

/* ------------------------------------------------------------ metrics */

START_TEST(test_metrics_hand)
{
    double out[MET_N];
    const uint32_t ranked[] = { 5, 3, 9 };
    const uint32_t rel[] = { 3, 7 };
    metrics_user(ranked, 3, rel, 2, 3, out);
    double dcg = 1.0 / log2(3.0), idcg = 1.0 + 1.0 / log2(3.0);
    ck_assert(fabs(out[MET_NDCG] - dcg / idcg) < 1e-12);
    ck_assert(fabs(out[MET_RECALL] - 0.5) < 1e-12);
    ck_assert(fabs(out[MET_HIT] - 1.0) < 1e-12);
    ck_assert(fabs(out[MET_PRECISION] - 1.0 / 3.0) < 1e-12);
    ck_assert(fabs(out[MET_MRR] - 0.5) < 1e-12);

    /* perfect list, more relevant items than k: IDCG stops at k */
    const uint32_t r2[] = { 1, 2 };
    const uint32_t rel2[] = { 1, 2, 3, 4 };
    metrics_user(r2, 2, rel2, 4, 2, out);
    ck_assert(fabs(out[MET_NDCG] - 1.0) < 1e-12);
    ck_assert(fabs(out[MET_RECALL] - 0.5) < 1e-12);
    ck_assert(fabs(out[MET_PRECISION] - 1.0) < 1e-12);
    ck_assert(fabs(out[MET_MRR] - 1.0) < 1e-12);

    /* no hit */
    const uint32_t r3[] = { 8, 9 };
    metrics_user(r3, 2, rel, 2, 10, out);
    for (int i = 0; i < MET_N; i++)
        ck_assert(out[i] == 0.0);

    /* hit at the last place of 10 */
    const uint32_t r4[] = { 10, 11, 12, 13, 14, 15, 16, 17, 18, 7 };
    metrics_user(r4, 10, rel, 2, 10, out);
    ck_assert(fabs(out[MET_MRR] - 0.1) < 1e-12);
    ck_assert(fabs(out[MET_NDCG] - (1.0 / log2(11.0)) / idcg) < 1e-12);
    ck_assert(fabs(out[MET_PRECISION] - 0.1) < 1e-12);
}
END_TEST

START_TEST(test_topk_select)
{
    const float s[] = { 0.5f, 0.9f, 0.5f, 0.1f, 0.9f, 0.7f };
    const unsigned char skip[] = { 0, 0, 0, 0, 1, 0 };
    uint32_t out[4];
    ck_assert_uint_eq(topk_select(s, 6, skip, 4, out), 4);
    ck_assert_uint_eq(out[0], 1);
    ck_assert_uint_eq(out[1], 5);
    ck_assert_uint_eq(out[2], 0);       /* tie with item 2: lower first */
    ck_assert_uint_eq(out[3], 2);
    uint32_t all[10];
    ck_assert_uint_eq(topk_select(s, 6, NULL, 10, all), 6);
    ck_assert_uint_eq(all[1], 4);
}
END_TEST

/* ------------------------------------------------------------ split */

START_TEST(test_split_counts)
{
    size_t c[3];
    data_split_counts(1, c);
    ck_assert(c[0] == 1 && c[1] == 0 && c[2] == 0);
    data_split_counts(2, c);
    ck_assert(c[0] == 1 && c[1] == 0 && c[2] == 1);
    data_split_counts(3, c);
    ck_assert(c[0] == 1 && c[1] == 1 && c[2] == 1);
    data_split_counts(9, c);
    ck_assert(c[0] == 7 && c[1] == 1 && c[2] == 1);
    data_split_counts(10, c);
    ck_assert(c[0] == 8 && c[1] == 1 && c[2] == 1);
    data_split_counts(50, c);
    ck_assert(c[0] == 40 && c[1] == 5 && c[2] == 5);
    data_split_counts(29, c);
    ck_assert(c[0] == 25 && c[1] == 2 && c[2] == 2);
}
END_TEST

static int csr_equal(const csr *a, const csr *b)
{
    if (a->nrows != b->nrows || csr_nnz(a) != csr_nnz(b))
        return 0;
    return memcmp(a->ptr, b->ptr, ((size_t)a->nrows + 1) * sizeof *a->ptr) == 0
           && memcmp(a->idx, b->idx, csr_nnz(a) * sizeof *a->idx) == 0;
}

START_TEST(test_split_reproducible)
{
    synth_params sp;
    csr X, t1, v1, e1, t2, v2, e2, t3, v3, e3;
    synth_defaults(&sp);
    sp.users = 300;
    sp.items = 500;
    sp.plays = 20000;
    ck_assert_int_eq(synth_matrix(&sp, &X), 0);
    ck_assert_int_eq(data_split(&X, 7, &t1, &v1, &e1), 0);
    ck_assert_int_eq(data_split(&X, 7, &t2, &v2, &e2), 0);
    ck_assert_int_eq(data_split(&X, 8, &t3, &v3, &e3), 0);
    ck_assert(csr_equal(&t1, &t2) && csr_equal(&v1, &v2) && csr_equal(&e1, &e2));
    ck_assert(!csr_equal(&e1, &e3));
    ck_assert_uint_eq(csr_nnz(&t1) + csr_nnz(&v1) + csr_nnz(&e1), csr_nnz(&X));
    /* parts are disjoint, their union is X, and each user's sizes follow the rule */
    for (uint32_t u = 0; u < X.nrows; u++) {
        size_t c[3];
        data_split_counts(X.ptr[u + 1] - X.ptr[u], c);
        ck_assert_uint_eq(t1.ptr[u + 1] - t1.ptr[u], c[0]);
        ck_assert_uint_eq(v1.ptr[u + 1] - v1.ptr[u], c[1]);
        ck_assert_uint_eq(e1.ptr[u + 1] - e1.ptr[u], c[2]);
        for (size_t a = e1.ptr[u]; a < e1.ptr[u + 1]; a++) {
            for (size_t b = t1.ptr[u]; b < t1.ptr[u + 1]; b++)
                ck_assert_uint_ne(e1.idx[a], t1.idx[b]);
            int found = 0;
            for (size_t b = X.ptr[u]; b < X.ptr[u + 1]; b++)
                found |= X.idx[b] == e1.idx[a];
            ck_assert(found);
        }
    }
    csr *all[] = { &X, &t1, &v1, &e1, &t2, &v2, &e2, &t3, &v3, &e3 };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        csr_free(all[i]);
}
END_TEST

/* ------------------------------------------------------------ planted clusters */

/* Share of the top-10 neighbours of items (with at least 10) that are in the item's cluster. */
static double cluster_precision(const synth_params *sp, const model *m)
{
    size_t good = 0, total = 0;
    for (uint32_t i = 0; i < m->sim.nrows; i++) {
        size_t a = m->sim.ptr[i], b = m->sim.ptr[i + 1];
        if (b - a < 10)
            continue;
        for (size_t t = a; t < a + 10; t++) {
            good += synth_cluster_of_item(sp, m->sim.idx[t]) == synth_cluster_of_item(sp, i);
            total++;
        }
    }
    ck_assert_uint_gt(total, 1000);
    return (double)good / (double)total;
}

START_TEST(test_planted_neighbours)
{
    synth_params sp;
    csr X;
    model m;
    model_params p;
    synth_defaults(&sp);
    sp.users = 1500;
    sp.items = 1000;
    sp.clusters = 10;
    sp.plays = 60000;
    sp.in_cluster = 0.8;
    ck_assert_int_eq(synth_matrix(&sp, &X), 0);
    csr_binarize(&X);

    model_defaults(&p, MODEL_RP3BETA);
    p.topk = 20;
    ck_assert_int_eq(model_fit(&m, &p, &X, 2, NULL), 0);
    double prec = cluster_precision(&sp, &m);
    ck_assert_msg(prec > 0.8, "rp3beta cluster precision %.3f", prec);
    /* neighbours come best first */
    for (uint32_t i = 0; i < m.sim.nrows; i++)
        for (size_t t = m.sim.ptr[i] + 1; t < m.sim.ptr[i + 1]; t++)
            ck_assert(m.sim.val[t - 1] >= m.sim.val[t]);
    model_free(&m);

    model_defaults(&p, MODEL_ITEMKNN);
    p.topk = 20;
    p.weight = WEIGHT_BM25;
    ck_assert_int_eq(model_fit(&m, &p, &X, 1, NULL), 0);
    prec = cluster_precision(&sp, &m);
    ck_assert_msg(prec > 0.8, "itemknn cluster precision %.3f", prec);
    model_free(&m);
    csr_free(&X);
}
END_TEST

/* On planted data the item models rank far better than popularity, and
 * EASE's dense solve agrees. */
START_TEST(test_models_beat_popularity)
{
    synth_params sp;
    csr X, tr, va, te;
    model m;
    model_params p;
    eval_result pop, rp3, ease, blend;
    synth_defaults(&sp);
    sp.users = 1000;
    sp.items = 600;
    sp.clusters = 8;
    sp.plays = 30000;
    ck_assert_int_eq(synth_matrix(&sp, &X), 0);
    csr_binarize(&X);
    ck_assert_int_eq(data_split(&X, 1, &tr, &va, &te), 0);

    model_defaults(&p, MODEL_POP);
    ck_assert_int_eq(model_fit(&m, &p, &tr, 2, NULL), 0);
    ck_assert_int_eq(evaluate(&m, &tr, &va, &te, 10, 2, &pop), 0);
    model_free(&m);
    model_defaults(&p, MODEL_RP3BETA);
    ck_assert_int_eq(model_fit(&m, &p, &tr, 2, NULL), 0);
    ck_assert_int_eq(evaluate(&m, &tr, &va, &te, 10, 2, &rp3), 0);
    model_free(&m);
    model_defaults(&p, MODEL_EASE);
    p.ease_items = 300;
    ck_assert_int_eq(model_fit(&m, &p, &tr, 2, NULL), 0);
    ck_assert_int_eq(evaluate(&m, &tr, &va, &te, 10, 2, &ease), 0);
    model_free(&m);
    /* blended with RP3beta, items outside EASE's subset can be recommended too */
    p.blend = 1.0f;
    ck_assert_int_eq(model_fit(&m, &p, &tr, 2, NULL), 0);
    ck_assert_ptr_nonnull(m.aux);
    ck_assert_int_eq(evaluate(&m, &tr, &va, &te, 10, 2, &blend), 0);
    model_free(&m);
    ck_assert_msg(blend.coverage > ease.coverage, "coverage blend %.3f ease %.3f", blend.coverage, ease.coverage);
    ck_assert(ease.coverage <= 300.0 / 600.0);

    ck_assert_uint_gt(pop.users, 900);
    ck_assert_msg(rp3.m[MET_NDCG] > 1.5 * pop.m[MET_NDCG], "rp3 %.4f pop %.4f", rp3.m[MET_NDCG], pop.m[MET_NDCG]);
    ck_assert_msg(ease.m[MET_NDCG] > 1.5 * pop.m[MET_NDCG], "ease %.4f pop %.4f", ease.m[MET_NDCG], pop.m[MET_NDCG]);
    ck_assert(rp3.coverage > pop.coverage);
    csr_free(&X);
    csr_free(&tr);
    csr_free(&va);
    csr_free(&te);
}
END_TEST

static Suite *suite_recs(void)
{
    Suite *s = suite_create("recs");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_csr_build);
    tcase_add_test(tc, test_csr_long_row);
    tcase_add_test(tc, test_metrics_hand);
    tcase_add_test(tc, test_topk_select);
    tcase_add_test(tc, test_split_counts);
    tcase_add_test(tc, test_split_reproducible);
    tcase_add_test(tc, test_planted_neighbours);
    tcase_add_test(tc, test_models_beat_popularity);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite_recs());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}

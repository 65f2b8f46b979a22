/* lyre-eval — the offline protocol of issue 7 (RecBole's, so our figures sit
 * next to the published table of RecBole-GNN results/social/lastfm.md):
 *   HetRec 2011 Last.fm 2k user_artists.dat read in place, duplicates
 *   removed, any play count = one interaction; each user's interactions
 *   split at random 8:1:1 (data.c, RecBole's rule for small users); every
 *   model fitted on train; hyper-parameters picked by NDCG@10 on
 *   validation (ranking excludes train); the picked model, still trained on
 *   train only as RecBole does, scored on test ranking the full catalogue
 *   minus the user's train and validation items (RecBole masks both at test
 *   time; --mask train masks train only); mean and std over the seeds.
 * Models: popularity, ItemKNN (cosine, shrinkage, TF-IDF/BM25), RP3beta,
 * and EASE over the --ease-items most popular items blended with RP3beta
 * for the rest (blend 0 = EASE alone; the grid tries both).
 * `lyre-eval synthetic` runs the same on planted-cluster data, or with
 * --tsv writes synthetic play events for LOAD DATA (bench/train.sh). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../recs/recs.h"

#define MAX_SEEDS 32
#define MAX_GRID 256

static const char *prog = "lyre-eval";

typedef struct grid {
    model_params p[MAX_GRID];
    size_t n;
} grid;

static void grid_add(grid *g, const model_params *p)
{
    if (g->n < MAX_GRID)
        g->p[g->n++] = *p;
}

static void make_grid(grid *g, model_kind kind, int quick, int ease_items)
{
    model_params p;
    model_defaults(&p, kind);
    g->n = 0;
    if (kind == MODEL_POP) {
        grid_add(g, &p);
    } else if (kind == MODEL_ITEMKNN) {
        static const int ks[] = { 100, 200, 400, 800 };
        static const float shr[] = { 0, 10, 50, 200 };
        for (int w = 0; w < 3; w++)
            for (size_t a = 0; a < (quick ? 2u : 4u); a++)
                for (size_t b = 0; b < (quick ? 2u : 4u); b++) {
                    p.weight = (weighting)w;
                    p.topk = ks[a];
                    p.shrink = shr[b];
                    grid_add(g, &p);
                }
    } else if (kind == MODEL_RP3BETA) {
        static const float al[] = { 0.4f, 0.6f, 0.8f, 1.0f, 1.2f };
        static const float be[] = { 0.0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f };
        static const int ks[] = { 50, 100, 200, 400 };
        for (size_t a = 0; a < (quick ? 2u : 5u); a++)
            for (size_t b = 0; b < (quick ? 3u : 6u); b++)
                for (size_t c = 0; c < (quick ? 1u : 4u); c++) {
                    p.alpha = al[quick ? a + 2 : a];
                    p.beta = be[b];
                    p.topk = ks[quick ? 1 : c];
                    grid_add(g, &p);
                }
    } else {
        static const float la[] = { 25, 50, 100, 200, 400 };
        static const float bl[] = { 0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 1.5f };
        p.ease_items = ease_items;
        for (size_t a = quick ? 2 : 0; a < (quick ? 3u : 5u); a++)
            for (size_t b = 0; b < (quick ? 1u : 6u); b++) {
                p.lambda = la[a];
                p.blend = bl[b];
                grid_add(g, &p);
            }
    }
}

typedef struct run_opts {
    int seeds;
    uint64_t seed0;
    size_t k;
    int threads;
    int quick;
    int mask_seen;
    int ease_items;
    int quiet;
    int models[4];
} run_opts;

typedef struct cell {
    eval_result r[MAX_SEEDS];
    char chosen[MAX_SEEDS][96];
    int ran;
} cell;

static void mean_std(const double *x, int n, double *mean, double *sd)
{
    double s = 0, ss = 0;
    for (int i = 0; i < n; i++)
        s += x[i];
    *mean = n ? s / n : 0;
    for (int i = 0; i < n; i++)
        ss += (x[i] - *mean) * (x[i] - *mean);
    *sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
}

static void print_table(const cell *cells, const run_opts *o)
{
    static const char *const head[] = { "NDCG@10", "Recall@10", "Hit@10", "Precision@10", "MRR@10" };
    printf("%-8s", "model");
    for (int i = 0; i < MET_N; i++)
        printf(" %-15s", head[i]);
    printf(" %-15s %-11s %s\n", "coverage", "mean pop", "chosen on validation (each seed)");
    for (int m = 0; m < 4; m++) {
        if (!cells[m].ran)
            continue;
        double x[MAX_SEEDS], mean, sd;
        printf("%-8s", model_name((model_kind)m));
        for (int i = 0; i < MET_N + 2; i++) {
            for (int s = 0; s < o->seeds; s++)
                x[s] = i < MET_N ? cells[m].r[s].m[i] : i == MET_N ? cells[m].r[s].coverage : cells[m].r[s].mean_pop;
            mean_std(x, o->seeds, &mean, &sd);
            if (i == MET_N + 1)
                printf(" %5.1f±%-5.1f", mean, sd);
            else
                printf(" %.4f±%.4f  ", mean, sd);
        }
        for (int s = 0; s < o->seeds; s++)
            printf("%s[%s]", s ? " " : " ", cells[m].chosen[s]);
        printf("\n");
    }
}

static int run_protocol(const csr *X, const char *label, int published, const run_opts *o)
{
    cell *cells = calloc(4, sizeof *cells);
    progress pr;
    int rc = 1;
    if (cells == NULL)
        return 1;
    progress_begin(&pr, prog, o->quiet);
    size_t total = 0;
    for (int m = 0; m < 4; m++)
        if (o->models[m]) {
            grid g;
            make_grid(&g, (model_kind)m, o->quick, o->ease_items);
            total += g.n;
        }
    total *= (size_t)o->seeds;
    size_t done = 0;
    progress_phase(&pr, "grid", total);
    for (int s = 0; s < o->seeds; s++) {
        csr tr, va, te;
        if (data_split(X, o->seed0 + (uint64_t)s, &tr, &va, &te) != 0) {
            fprintf(stderr, "%s: out of memory\n", prog);
            goto cleanup;
        }
        for (int m = 0; m < 4 && rc == 1; m++) {
            if (!o->models[m])
                continue;
            grid g;
            make_grid(&g, (model_kind)m, o->quick, o->ease_items);
            double best = -1.0;
            size_t bi = 0;
            model cur, bm;
            int have_cur = 0;
            memset(&cur, 0, sizeof cur);
            memset(&bm, 0, sizeof bm);
            for (size_t gi = 0; gi < g.n; gi++) {
                eval_result vr;
                char desc[96];
                model_params fp = g.p[gi];
                model_describe(&fp, desc, sizeof desc);
                snprintf(pr.phase, sizeof pr.phase, "seed %d %s", s + 1, model_name((model_kind)m));
                /* EASE fits once per lambda: the blend only changes scoring */
                if (!(have_cur && fp.kind == MODEL_EASE && cur.p.lambda == fp.lambda
                      && cur.p.ease_items == fp.ease_items)) {
                    model_free(&cur);
                    have_cur = 0;
                    if (fp.kind == MODEL_EASE)
                        fp.blend = 1.0f;
                    if (model_fit(&cur, &fp, &tr, o->threads, NULL) != 0) {
                        fprintf(stderr, "\n%s: %s %s: fit failed (memory)\n", prog, model_name((model_kind)m), desc);
                        goto split_done;
                    }
                    have_cur = 1;
                }
                cur.p.blend = g.p[gi].blend;
                if (evaluate(&cur, &tr, NULL, &va, o->k, o->threads, &vr) != 0) {
                    model_free(&cur);
                    goto split_done;
                }
                if (vr.m[MET_NDCG] > best) {
                    best = vr.m[MET_NDCG];
                    bi = gi;
                }
                progress_set(&pr, ++done);
            }
            model_free(&cur);
            model_describe(&g.p[bi], cells[m].chosen[s], sizeof cells[m].chosen[s]);
            if (model_fit(&bm, &g.p[bi], &tr, o->threads, NULL) != 0
                || evaluate(&bm, &tr, o->mask_seen ? &va : NULL, &te, o->k, o->threads, &cells[m].r[s]) != 0) {
                model_free(&bm);
                goto split_done;
            }
            cells[m].ran = 1;
            model_free(&bm);
            continue;
        split_done:
            rc = 2;
        }
        csr_free(&tr);
        csr_free(&va);
        csr_free(&te);
        if (rc == 2) {
            rc = 1;
            goto cleanup;
        }
    }
    progress_end(&pr);
    printf("%s: %u users, %u items, %zu interactions; per-user random 8:1:1 split (RecBole RS), %d seeds from %llu;\n"
           "hyper-parameters by NDCG@%zu on validation; test ranks the full catalogue minus train%s; mean±std over seeds\n\n",
           label, X->nrows, X->ncols, csr_nnz(X), o->seeds, (unsigned long long)o->seed0, o->k,
           o->mask_seen ? "+validation items" : " items");
    print_table(cells, o);
    if (published)
        printf("\npublished (RecBole-GNN results/social/lastfm.md, same split and metrics): "
           "BPR 0.1674 / 0.1761, LightGCN 0.1972 / 0.2064, best social models 0.2068 / 0.2127 (NDCG@10 / Recall@10)\n");
    rc = 0;
cleanup:
    free(cells);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [OPTIONS] [DATASET_DIR]        evaluate on HetRec 2011 Last.fm 2k\n"
            "       %s synthetic [SYNTH] [OPTIONS]     the same on planted-cluster data\n"
            "       %s synthetic --tsv FILE [SYNTH]    write synthetic play events (TSV, '-' = stdout)\n"
            "options: --seeds N (5) --seed S (1) --k N (10) --threads N (0 = cores) --models pop,itemknn,rp3beta,ease\n"
            "         --ease-items N (4000) --quick (small grids) --mask seen|train (seen) -q\n"
            "synth:   --users N --items N --clusters N --plays N --events N --zipf X --in-cluster P\n"
            "         --user-base ID --track-base ID (ids in the TSV)\n"
            "DATASET_DIR defaults to /work/shared/datasets/hetrec-lastfm-2k (read in place, never copied).\n"
            "Exit status: 0 ok, 1 failure, 2 usage.\n",
            prog, prog, prog);
}

static int parse_models(const char *s, int models[4])
{
    char buf[128];
    memset(models, 0, 4 * sizeof models[0]);
    if (snprintf(buf, sizeof buf, "%s", s) >= (int)sizeof buf)
        return -1;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        int k = model_kind_parse(t);
        if (k < 0)
            return -1;
        models[k] = 1;
    }
    return 0;
}

static int parse_u64(const char *s, unsigned long long *out)
{
    char *e;
    if (s == NULL || *s == '\0' || *s == '-')
        return -1;
    *out = strtoull(s, &e, 10);
    return *e == '\0' ? 0 : -1;
}

int main(int argc, char **argv)
{
    run_opts o;
    synth_params sp;
    const char *dir = "/work/shared/datasets/hetrec-lastfm-2k";
    const char *tsv = NULL;
    unsigned long long user_base = 1, track_base = 1;
    int synthetic = 0;
    char err[512];
    memset(&o, 0, sizeof o);
    o.seeds = 5;
    o.seed0 = 1;
    o.k = 10;
    o.mask_seen = 1;
    o.ease_items = 4000;
    o.models[0] = o.models[1] = o.models[2] = o.models[3] = 1;
    synth_defaults(&sp);
    if (argc > 1 && strcmp(argv[1], "synthetic") == 0) {
        synthetic = 1;
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    static const struct option longopts[] = {
        { "seeds", required_argument, NULL, 's' }, { "seed", required_argument, NULL, 'S' },
        { "k", required_argument, NULL, 'k' },      { "threads", required_argument, NULL, 't' },
        { "models", required_argument, NULL, 'm' }, { "ease-items", required_argument, NULL, 'E' },
        { "quick", no_argument, NULL, 'Q' },        { "mask", required_argument, NULL, 'M' },
        { "synthetic", no_argument, NULL, 'Y' },    { "tsv", required_argument, NULL, 'T' },
        { "users", required_argument, NULL, 'u' },  { "items", required_argument, NULL, 'i' },
        { "clusters", required_argument, NULL, 'c' }, { "plays", required_argument, NULL, 'p' },
        { "events", required_argument, NULL, 'e' }, { "zipf", required_argument, NULL, 'z' },
        { "in-cluster", required_argument, NULL, 'n' }, { "user-base", required_argument, NULL, 'U' },
        { "track-base", required_argument, NULL, 'R' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int opt;
    unsigned long long v;
    while ((opt = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        int bad = 0;
        switch (opt) {
        case 's': bad = parse_u64(optarg, &v) || v < 1 || v > MAX_SEEDS; o.seeds = (int)v; break;
        case 'S': bad = parse_u64(optarg, &v); o.seed0 = v; sp.seed = v; break;
        case 'k': bad = parse_u64(optarg, &v) || v < 1 || v > 1000; o.k = (size_t)v; break;
        case 't': bad = parse_u64(optarg, &v) || v > 64; o.threads = (int)v; break;
        case 'm': bad = parse_models(optarg, o.models); break;
        case 'E': bad = parse_u64(optarg, &v) || v < 1 || v > 20000; o.ease_items = (int)v; break;
        case 'Q': o.quick = 1; break;
        case 'M': bad = strcmp(optarg, "seen") != 0 && strcmp(optarg, "train") != 0; o.mask_seen = optarg[0] == 's'; break;
        case 'Y': synthetic = 1; break;
        case 'T': tsv = optarg; synthetic = 1; break;
        case 'u': bad = parse_u64(optarg, &v) || v < 1 || v > 100000000; sp.users = (uint32_t)v; break;
        case 'i': bad = parse_u64(optarg, &v) || v < 1 || v > 100000000; sp.items = (uint32_t)v; break;
        case 'c': bad = parse_u64(optarg, &v) || v < 1 || v > 1000000; sp.clusters = (uint32_t)v; break;
        case 'p': bad = parse_u64(optarg, &v); sp.plays = v; break;
        case 'e': bad = parse_u64(optarg, &v); sp.events = v; break;
        case 'z': sp.zipf = strtod(optarg, NULL); bad = !(sp.zipf >= 0 && sp.zipf < 10); break;
        case 'n': sp.in_cluster = strtod(optarg, NULL); bad = !(sp.in_cluster >= 0 && sp.in_cluster <= 1); break;
        case 'U': bad = parse_u64(optarg, &user_base) || user_base > UINT32_MAX; break;
        case 'R': bad = parse_u64(optarg, &track_base) || track_base > UINT32_MAX; break;
        case 'q': o.quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (bad) {
            fprintf(stderr, "%s: bad option value: %s\n", prog, optarg ? optarg : "");
            return 2;
        }
    }
    if (optind < argc && !synthetic)
        dir = argv[optind++];
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    if (tsv != NULL) {
        FILE *f = strcmp(tsv, "-") == 0 ? stdout : fopen(tsv, "w");
        if (f == NULL) {
            fprintf(stderr, "%s: %s: cannot write\n", prog, tsv);
            return 1;
        }
        long long n = synth_events_tsv(&sp, f, (uint32_t)user_base, (uint32_t)track_base);
        int cerr = f == stdout ? fflush(f) : fclose(f);
        if (n < 0 || cerr != 0) {
            fprintf(stderr, "%s: %s: write failed\n", prog, tsv);
            return 1;
        }
        if (!o.quiet)
            fprintf(stderr, "%s: %lld events\n", prog, n);
        return 0;
    }
    csr X;
    char label[160];
    if (synthetic) {
        if (synth_matrix(&sp, &X) != 0) {
            fprintf(stderr, "%s: out of memory\n", prog);
            return 1;
        }
        csr_binarize(&X);
        snprintf(label, sizeof label, "synthetic (%u clusters, zipf %.2f, in-cluster %.2f, seed %llu)", sp.clusters,
                 sp.zipf, sp.in_cluster, (unsigned long long)sp.seed);
    } else {
        if (data_load_hetrec(dir, &X, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", prog, err);
            return 1;
        }
        snprintf(label, sizeof label, "HetRec 2011 Last.fm 2k (%s)", dir);
    }
    int rc = run_protocol(&X, label, !synthetic, &o);
    csr_free(&X);
    return rc;
}

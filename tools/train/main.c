/* lyre-train — learn track-track and artist-artist similarity from play
 * events, likes and dislikes, and switch the site to the new model
 * atomically (tools/recs/store.c).  The model is RP3beta with the
 * parameters lyre-eval picked on HetRec Last.fm 2k (alpha 1, beta 0.3 on
 * every seed): of the neighbour models it ties ItemKNN on accuracy, with
 * steadier parameters and more of the catalogue recommended.  EASE scores
 * higher there but is dense: it cannot give neighbours for 200,000 tracks
 * in bounded memory.
 * Exit status: 0 ok, 1 failure (a line on stderr), 2 usage or configuration. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "../recs/recs.h"

static const char *prog = "lyre-train";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [-c lyre.conf] [OPTIONS]\n"
            "  --model rp3beta|itemknn   similarity (rp3beta)\n"
            "  --k N                     neighbours kept and stored per item (50)\n"
            "  --alpha X --beta X        RP3beta (1.0, 0.3)\n"
            "  --shrink X --weight none|tfidf|bm25   ItemKNN (10, none)\n"
            "  --half-life DAYS          recency decay of play events (90; 0 = none)\n"
            "  --like-weight X           weight of a like (2.0; a complete play is 1.0)\n"
            "  --skip-weight X           weight of a skip event (-0.3)\n"
            "  --threads N               worker threads (0 = cores)\n"
            "  --batch N                 rows per INSERT (500)\n"
            "  --writers N               connections writing neighbour rows (2)\n"
            "  --grace S                 seconds before old models are deleted (2)\n"
            "  --keep-old                keep old models\n"
            "  -q                        no progress on stderr\n"
            "The configuration is -c FILE, else $LYRE_CONF, else %s.\n"
            "Exit status: 0 ok, 1 failure, 2 usage or configuration error.\n",
            prog, config_default_path());
}

static int num(const char *s, double lo, double hi, double *out)
{
    char *e;
    double v = strtod(s, &e);
    if (e == s || *e != '\0' || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "model", required_argument, NULL, 'm' },      { "k", required_argument, NULL, 'k' },
        { "alpha", required_argument, NULL, 'a' },      { "beta", required_argument, NULL, 'b' },
        { "shrink", required_argument, NULL, 's' },     { "weight", required_argument, NULL, 'w' },
        { "half-life", required_argument, NULL, 'H' },  { "like-weight", required_argument, NULL, 'L' },
        { "skip-weight", required_argument, NULL, 'S' }, { "threads", required_argument, NULL, 't' },
        { "batch", required_argument, NULL, 'B' },      { "grace", required_argument, NULL, 'g' },
        { "keep-old", no_argument, NULL, 'K' },         { "writers", required_argument, NULL, 'W' },         { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *conf_path = NULL;
    train_opts o;
    lyre_config cfg;
    strbuf err = STRBUF_INIT;
    lyre_db *db = NULL;
    progress pr;
    int status = 2, have_cfg = 0, opt;
    double v;

    log_init(prog);
    train_defaults(&o);
    while ((opt = getopt_long(argc, argv, "c:qh", longopts, NULL)) != -1) {
        int bad = 0;
        switch (opt) {
        case 'c': conf_path = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': usage(stdout); return 0;
        case 'm': {
            int k = model_kind_parse(optarg);
            bad = k != MODEL_RP3BETA && k != MODEL_ITEMKNN;
            if (!bad) {
                o.track.kind = o.artist.kind = (model_kind)k;
            }
            break;
        }
        case 'k':
            bad = num(optarg, 1, 1000, &v);
            o.track.topk = o.artist.topk = o.topk_store = (int)v;
            break;
        case 'a': bad = num(optarg, 0, 5, &v); o.track.alpha = o.artist.alpha = (float)v; break;
        case 'b': bad = num(optarg, 0, 5, &v); o.track.beta = o.artist.beta = (float)v; break;
        case 's': bad = num(optarg, 0, 1e6, &v); o.track.shrink = o.artist.shrink = (float)v; break;
        case 'w':
            if (strcmp(optarg, "none") == 0)
                o.track.weight = WEIGHT_NONE;
            else if (strcmp(optarg, "tfidf") == 0)
                o.track.weight = WEIGHT_TFIDF;
            else if (strcmp(optarg, "bm25") == 0)
                o.track.weight = WEIGHT_BM25;
            else
                bad = 1;
            o.artist.weight = o.track.weight;
            break;
        case 'H': bad = num(optarg, 0, 36500, &o.half_life_days); break;
        case 'L': bad = num(optarg, 0, 1000, &o.w_like); break;
        case 'S': bad = num(optarg, -1000, 1000, &o.w_skip); break;
        case 't': bad = num(optarg, 0, 64, &v); o.threads = (int)v; break;
        case 'B': bad = num(optarg, 1, 5000, &v); o.batch_rows = (int)v; break;
        case 'g': bad = num(optarg, 0, 3600, &v); o.grace_seconds = (int)v; break;
        case 'K': o.keep_old = 1; break;
        case 'W': bad = num(optarg, 1, 8, &v); o.writers = (int)v; break;
        default: usage(stderr); return 2;
        }
        if (bad) {
            fprintf(stderr, "%s: bad option value: %s\n", prog, optarg);
            return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    if (conf_path == NULL)
        conf_path = config_default_path();
    have_cfg = 1;
    if (config_load(&cfg, conf_path, &err) != 0) {
        fprintf(stderr, "%s\n", err.buf);
        goto cleanup;
    }
    log_set_level((enum log_level)cfg.log_level);
    /* reading tens of millions of events and writing millions of rows take longer than a page */
    if (cfg.db_read_timeout < 3600)
        cfg.db_read_timeout = 3600;
    status = 1;
    if ((db = db_new(&cfg)) == NULL) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto cleanup;
    }
    if (db_connect(db) != DB_OK) {
        fprintf(stderr, "%s: database: %s\n", prog, db_last_error(db));
        goto cleanup;
    }
    o.cfg = &cfg;
    progress_begin(&pr, prog, o.quiet);
    status = train_run(db, &o, &pr) == 0 ? 0 : 1;
cleanup:
    db_free(db);
    if (have_cfg)
        config_free(&cfg);
    sb_free(&err);
    return status;
}

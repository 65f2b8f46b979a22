/* lyre-ingest — turn audio files into catalog tracks with MP3 renditions.
 *
 *   lyre-ingest [-c lyre.conf] [-j N] [--quiet] [--force] PATH...
 *
 * The run: load what the catalog knows of its source files (one query),
 * walk the paths, mark files that are gone as vanished (and those back as
 * available), then a pool of worker threads — one per core unless -j says
 * otherwise, each with its own database connection — decodes, encodes and
 * upserts the new and changed files.  Exit status: 0 all went well, 1 any
 * file or folder failed (each said on stderr as "PATH: reason"), 2 usage or
 * configuration error.
 */
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <mysql.h>

#include "ingest.h"
#include "log.h"

#define PROG "lyre-ingest"
#define MAX_JOBS 64
/* Temporary files older than this were left by a process that died. */
#define STALE_TMP_SECONDS (6 * 3600)

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct pool {
    const ingest_ctx *ctx;
    const scan_result *scan;
    pthread_mutex_t lock;
    pthread_cond_t finished;
    size_t next;
    size_t running;
    size_t ingested, moved, bad, errors, stopped;
} pool;

static void usage(FILE *f)
{
    fprintf(f, "usage: %s [-c lyre.conf] [-j N] [--quiet] [--force] PATH...\n"
               "\n"
               "Ingest the audio files in each PATH (files or folders, walked recursively):\n"
               "decode, encode the MP3 ladder into the media store, and upsert the catalog.\n"
               "Unchanged files are skipped; files gone from a PATH are marked unavailable.\n"
               "\n"
               "  -c FILE     configuration (default $LYRE_CONF, else %s)\n"
               "  -j N        worker threads (default: one per online CPU)\n"
               "  -q, --quiet only errors\n"
               "  --force     decode every file again, changed or not\n"
               "\n"
               "Exit status: 0 ok, 1 some file failed, 2 usage or configuration error.\n",
            PROG, config_default_path());
}

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void *worker_main(void *arg)
{
    pool *pl = arg;
    worker w;

    w.ctx = pl->ctx;
    w.db = db_new(pl->ctx->cfg);
    arena_init(&w.a, 65536);
    for (;;) {
        const work_item *it = NULL;
        (void)pthread_mutex_lock(&pl->lock);
        if (!stop_requested && w.db != NULL && pl->next < pl->scan->n)
            it = &pl->scan->items[pl->next++];
        (void)pthread_mutex_unlock(&pl->lock);
        if (it == NULL)
            break;
        item_outcome out = ingest_item(&w, it);
        (void)pthread_mutex_lock(&pl->lock);
        switch (out) {
        case ITEM_INGESTED: pl->ingested++; break;
        case ITEM_RELINKED: pl->moved++; break;
        case ITEM_BAD_FILE: pl->bad++; break;
        case ITEM_ERROR: pl->errors++; break;
        case ITEM_STOPPED: pl->stopped++; break;
        }
        (void)pthread_mutex_unlock(&pl->lock);
    }
    db_free(w.db);
    arena_free(&w.a);
    artwork_thread_end();
    mysql_thread_end();
    (void)pthread_mutex_lock(&pl->lock);
    pl->running--;
    (void)pthread_cond_signal(&pl->finished);
    (void)pthread_mutex_unlock(&pl->lock);
    return NULL;
}

/* Run the workers; the calling thread redraws the progress meanwhile. */
static int run_pool(pool *pl, size_t jobs, progress *p)
{
    pthread_t threads[MAX_JOBS];
    size_t started = 0;
    int rc = 0;

    if (jobs > pl->scan->n)
        jobs = pl->scan->n;
    (void)pthread_mutex_lock(&pl->lock);
    for (; started < jobs; started++) {
        if (pthread_create(&threads[started], NULL, worker_main, pl) != 0) {
            msg("cannot start a worker thread");
            rc = -1;
            break;
        }
        pl->running++;
    }
    while (pl->running > 0) {
        struct timespec until;
        (void)clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 500000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        (void)pthread_cond_timedwait(&pl->finished, &pl->lock, &until);
        (void)pthread_mutex_unlock(&pl->lock);
        progress_draw(p);
        (void)pthread_mutex_lock(&pl->lock);
    }
    (void)pthread_mutex_unlock(&pl->lock);
    for (size_t i = 0; i < started; i++)
        (void)pthread_join(threads[i], NULL);
    return rc;
}

/* Files gone from the scanned paths, and files back: one transaction. */
static int mark_vanished(lyre_db *db, source_table *known, const scan_result *r, size_t *vanished, size_t *back)
{
    strbuf err = STRBUF_INIT;
    int rc = -1;

    *vanished = 0;
    *back = 0;
    for (size_t i = 0; i < known->n; i++)
        *vanished += known_vanished(r, &known->items[i]) != 0;
    if (*vanished == 0 && r->nrevive == 0)
        return 0;
    if (db_begin(db) != DB_OK) {
        sb_addf(&err, "database: begin: %s", db_last_error(db));
        goto cleanup;
    }
    for (size_t i = 0; i < known->n; i++)
        if (known_vanished(r, &known->items[i]) && upsert_vanish(db, &known->items[i], &err) != 0)
            goto cleanup;
    for (size_t i = 0; i < r->nrevive; i++)
        if (upsert_revive(db, r->revive[i], &err) != 0)
            goto cleanup;
    if (db_commit(db) != DB_OK) {
        sb_addf(&err, "database: commit: %s", db_last_error(db));
        goto cleanup;
    }
    *back = r->nrevive;
    rc = 0;
cleanup:
    if (rc != 0) {
        (void)db_rollback(db);
        msg("cannot mark vanished files: %s", err.buf);
        *vanished = 0;
    }
    sb_free(&err);
    return rc;
}

static int by_size_desc(const void *a, const void *b)
{
    const work_item *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? 1 : -1;
    return strcmp(x->path, y->path);
}

static int parse_jobs(const char *s, size_t *jobs)
{
    long v;
    if (str_to_long(s, 1, MAX_JOBS, &v) != 0)
        return -1;
    *jobs = (size_t)v;
    return 0;
}

static size_t default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (size_t)n;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    (void)sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGINT, &sa, NULL);
    (void)sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    (void)sigaction(SIGPIPE, &sa, NULL);
}

/* The catalog changed: bring the search index up to date with
 * `lyre-admin search-index`, the lyre-admin installed beside this program.
 * A failure is reported, not fatal: the previous index keeps answering. */
static void refresh_search_index(const char *conf_path)
{
    char self[4096], admin[4096 + 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash == NULL)
        return;
    *slash = '\0';
    if (snprintf(admin, sizeof admin, "%s/lyre-admin", self) >= (int)sizeof admin || access(admin, X_OK) != 0)
        return;
    char *args[] = { admin, (char *)"-c", (char *)conf_path, (char *)"search-index", NULL };
    extern char **environ;
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int st = 0, ok = 0;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return;
    /* Its progress and summary would only clutter the ingest report. */
    if (posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) == 0
        && posix_spawn(&pid, admin, &fa, NULL, args, environ) == 0 && waitpid(pid, &st, 0) == pid)
        ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    posix_spawn_file_actions_destroy(&fa);
    if (!ok)
        fprintf(stderr, "%s: the search index was not refreshed (run lyre-admin search-index)\n", PROG);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "quiet", no_argument, NULL, 'q' },
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *conf_path = NULL;
    size_t jobs = default_jobs(), vanished = 0, back = 0;
    int quiet = 0, force = 0, opt, status = INGEST_USAGE, have_cfg = 0, have_store = 0, have_art = 0;
    lyre_config cfg;
    strbuf err = STRBUF_INIT;
    ingest_ctx ctx;
    lyre_db *db = NULL;
    source_table known;
    scan_result scan;
    progress prog;
    pool pl;
    double t0;
    db_result r;
    arena a;

    t0 = progress_now();
    memset(&ctx, 0, sizeof ctx);
    memset(&known, 0, sizeof known);
    memset(&scan, 0, sizeof scan);
    memset(&pl, 0, sizeof pl);
    arena_init(&a, 4096);
    log_init(PROG);
    log_set_level(LOG_LEVEL_ERROR);
    while ((opt = getopt_long(argc, argv, "c:j:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': conf_path = optarg; break;
        case 'j':
            if (parse_jobs(optarg, &jobs) != 0) {
                msg("-j wants a number of threads 1..%d: %s", MAX_JOBS, optarg);
                usage(stderr);
                goto cleanup;
            }
            break;
        case 'q': quiet = 1; break;
        case 'f': force = 1; break;
        case 'h': usage(stdout); status = INGEST_OK; goto cleanup;
        default: usage(stderr); goto cleanup;
        }
    }
    if (optind >= argc) {
        msg("no PATH to ingest");
        usage(stderr);
        goto cleanup;
    }
    if (conf_path == NULL)
        conf_path = config_default_path();
    have_cfg = 1;
    if (config_load(&cfg, conf_path, &err) != 0) {
        msg("%s", err.buf);
        goto cleanup;
    }
    audio_global_init();
    if (artwork_global_init(argv[0]) != 0) {
        msg("cannot start libvips");
        status = INGEST_FAILED;
        goto cleanup;
    }
    have_art = 1;
    if (media_store_open(&ctx.store, cfg.media_dir, &err) != 0) {
        msg("media store: %s", err.buf);
        goto cleanup;
    }
    have_store = 1;
    status = INGEST_FAILED;
    install_signals();
    db = db_new(&cfg);
    if (db == NULL || db_connect(db) != DB_OK) {
        msg("cannot connect to database %s: %s", cfg.db_name, db != NULL ? db_last_error(db) : "out of memory");
        goto cleanup;
    }
    if (db_query(db, &a, &r, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
                 " AND table_name IN ('media_sources', 'renditions')", "") != DB_OK
        || db_cell_ll(&r, 0, 0, 0) != 2) {
        msg("no media tables in database %s: run lyre-admin migrate first", cfg.db_name);
        goto cleanup;
    }
    if (sources_load(db, &known, &err) != 0) {
        msg("%s", err.buf);
        goto cleanup;
    }
    progress_init(&prog, quiet);
    if (scan_paths(argv + optind, (size_t)(argc - optind), &known, force, &scan, &prog) != 0) {
        msg("out of memory while scanning");
        goto cleanup;
    }
    if (mark_vanished(db, &known, &scan, &vanished, &back) != 0)
        scan.errors++;
    (void)media_store_sweep(&ctx.store, STALE_TMP_SECONDS);

    ctx.cfg = &cfg;
    ctx.progress = &prog;
    ctx.stop = &stop_requested;
    pl.ctx = &ctx;
    pl.scan = &scan;
    (void)pthread_mutex_init(&pl.lock, NULL);
    (void)pthread_cond_init(&pl.finished, NULL);
    if (scan.n > 0) {
        /* Longest first: the last file to finish is a short one, so the
         * cores stay busy to the end. */
        qsort(scan.items, scan.n, sizeof *scan.items, by_size_desc);
        progress_start(&prog, scan.n);
        if (run_pool(&pl, jobs, &prog) != 0)
            scan.errors++;
        progress_end(&prog);
    }
    double elapsed = progress_now() - t0;
    if (!quiet) {
        printf("%s: %zu file%s: %zu ingested, %zu moved, %zu unchanged, %zu failed", PROG, scan.files,
               scan.files == 1 ? "" : "s", pl.ingested, pl.moved, scan.unchanged, pl.bad + pl.errors);
        if (scan.failed_before > 0)
            printf(" (+%zu unchanged since they failed)", scan.failed_before);
        printf(", %zu vanished, %zu back in %.2f s", vanished, back, elapsed);
        if (pl.ingested > 0 && elapsed > 0.0)
            printf(" (%.1f tracks/min, %.1fx real time)", (double)pl.ingested * 60.0 / elapsed,
                   prog.audio_seconds / elapsed);
        printf("\n");
        fflush(stdout);
    }
    if (stop_requested) {
        msg("interrupted: %zu file%s not done", scan.n - pl.ingested - pl.moved - pl.bad - pl.errors,
            scan.n - pl.ingested - pl.moved - pl.bad - pl.errors == 1 ? "" : "s");
        status = INGEST_FAILED;
    } else {
        status = pl.bad + pl.errors + scan.errors > 0 ? INGEST_FAILED : INGEST_OK;
    }
    if (pl.ingested + pl.moved + vanished + back > 0)
        refresh_search_index(conf_path);
    (void)pthread_cond_destroy(&pl.finished);
    (void)pthread_mutex_destroy(&pl.lock);
cleanup:
    scan_free(&scan);
    sources_free(&known);
    db_free(db);
    if (have_store)
        media_store_close(&ctx.store);
    if (have_cfg)
        config_free(&cfg);
    if (have_art)
        artwork_global_shutdown();
    mysql_library_end();
    arena_free(&a);
    sb_free(&err);
    return status;
}

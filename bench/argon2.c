/* argon2.c — bench/lyre-argon2: what one password hash costs.
 *
 *   lyre-argon2 [-n RUNS] TIME:MEMORY_KIB[:LANES] ...
 *
 * For each cost, hashes a password RUNS times (default 7) through
 * password_hash() — the very code sign-up and login run — and prints one
 * line "TIME MEMORY_KIB LANES MEDIAN_MS MIN_MS MAX_MS".  The median is the
 * figure: a login verifies once at the same cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "password.h"
#include "str.h"

#define MAX_RUNS 101

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* "3:65536" or "3:65536:1" -> t, m, p within lyre.conf's bounds. */
static int parse_cost(const char *s, int *t, int *m, int *p)
{
    char tail;
    *p = 1;
    int n = sscanf(s, "%d:%d:%d%c", t, m, p, &tail);
    return (n == 2 || n == 3) && *t >= 1 && *t <= 100 && *m >= 8 && *m <= 4194304 && *p >= 1 && *p <= 16 ? 0
                                                                                                        : -1;
}

int main(int argc, char **argv)
{
    lyre_config cfg;
    arena a;
    long runs = 7;
    double ms[MAX_RUNS];
    int opt, status = 1;

    config_defaults(&cfg);
    arena_init(&a, 4096);
    while ((opt = getopt(argc, argv, "n:")) != -1) {
        if (opt != 'n' || str_to_long(optarg, 1, MAX_RUNS, &runs) != 0) {
            fprintf(stderr, "usage: lyre-argon2 [-n RUNS (1..%d)] TIME:MEMORY_KIB[:LANES] ...\n", MAX_RUNS);
            goto cleanup;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: lyre-argon2 [-n RUNS] TIME:MEMORY_KIB[:LANES] ...\n");
        goto cleanup;
    }
    for (int i = optind; i < argc; i++) {
        int t, m, p;
        if (parse_cost(argv[i], &t, &m, &p) != 0) {
            fprintf(stderr, "lyre-argon2: bad cost '%s' (TIME 1..100 : MEMORY_KIB 8..4194304 [: LANES 1..16])\n",
                    argv[i]);
            goto cleanup;
        }
        cfg.argon2_time_cost = t;
        cfg.argon2_memory_kib = m;
        cfg.argon2_parallelism = p;
        /* One untimed hash first: the kernel hands the memory over once. */
        if (password_hash(&cfg, &a, "correct horse battery staple") == NULL) {
            fprintf(stderr, "lyre-argon2: password_hash failed at %s\n", argv[i]);
            goto cleanup;
        }
        for (long r = 0; r < runs; r++) {
            double t0 = now_ms();
            const char *h = password_hash(&cfg, &a, "correct horse battery staple");
            ms[r] = now_ms() - t0;
            if (h == NULL) {
                fprintf(stderr, "lyre-argon2: password_hash failed at %s\n", argv[i]);
                goto cleanup;
            }
            arena_reset(&a);
        }
        qsort(ms, (size_t)runs, sizeof ms[0], by_value);
        printf("%d %d %d %.1f %.1f %.1f\n", t, m, p, ms[runs / 2], ms[0], ms[runs - 1]);
        fflush(stdout);
    }
    status = 0;
cleanup:
    arena_free(&a);
    config_free(&cfg);
    return status;
}

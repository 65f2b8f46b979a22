/* demo.c — `lyre-admin demo`: a generated, deterministic demo catalog.
 *
 * The same seed and counts give the same catalog.  Rows go in as multi-row
 * INSERTs through prepared statements (hundreds of rows per statement,
 * thousands per transaction) with ids chosen here, so track credits can
 * refer to tracks without reading ids back: 100k tracks take seconds.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "admin.h"
#include "batch.h"
#include "sortkey.h"

/* ------------------------------------------------------------ words */

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const adjectives[] = {
    "Velvet", "Silver", "Hollow", "Electric", "Golden", "Midnight", "Paper", "Crystal", "Wild", "Quiet",
    "Neon", "Broken", "Northern", "Lonely", "Burning", "Frozen", "Restless", "Crimson", "Distant", "Gentle",
    "Wandering", "Secret", "Sleeping", "Amber", "Copper", "Salt", "Lunar", "Solar", "Hidden", "Faded",
    "Sapphire", "Iron", "Marble", "Static", "Violet", "Rusty", "Tender", "Blue", "Scarlet", "Drifting",
};
static const char *const nouns[] = {
    "Lantern", "Harbor", "Owl", "River", "Mirror", "Engine", "Garden", "Shadow", "Signal", "Comet",
    "Horizon", "Orchard", "Tide", "Fox", "Sparrow", "Ember", "Valley", "Lighthouse", "Satellite", "Wave",
    "Forest", "Canyon", "Meadow", "Echo", "Storm", "Feather", "Island", "Bridge", "Ghost", "Machine",
    "Heron", "Anchor", "Compass", "Ribbon", "Thunder", "Window", "Circus", "Parade", "Atlas", "Hymn",
};
static const char *const plurals[] = {
    "Lanterns", "Harbors", "Owls", "Rivers", "Mirrors", "Engines", "Gardens", "Shadows", "Signals", "Comets",
    "Horizons", "Orchards", "Tides", "Foxes", "Sparrows", "Embers", "Valleys", "Lighthouses", "Satellites",
    "Waves", "Forests", "Canyons", "Meadows", "Echoes", "Storms", "Feathers", "Islands", "Bridges", "Ghosts",
    "Machines", "Herons", "Anchors", "Compasses", "Ribbons", "Wolves", "Windows", "Strangers", "Parades",
};
static const char *const first_names[] = {
    "Mara", "Jonas", "Elena", "Theo", "Ada", "Felix", "Nora", "Hugo", "Iris", "Milo", "Lena", "Oscar",
    "Zo\xc3\xab", "Ren\xc3\xa9" "e", "Bj\xc3\xb6rn", "Ana\xc3\xafs", "Chlo\xc3\xa9", "Jos\xc3\xa9", "In\xc3\xa8s",
    "S\xc3\xb8ren", "\xc3\x89milie", "\xc3\x85sa", "Ingrid", "Kofi", "Amara", "Yuki", "Ravi", "Leila", "Dario",
    "Maya", "Tomasz", "\xc3\x93lafur", "Marta", "Sam", "Juno", "Cass", "Wren", "Otis", "Elif", "Nico",
};
static const char *const last_names[] = {
    "Quill", "Hartley", "Okafor", "Lindqvist", "Moreau", "Castellano", "Brandt", "Novak", "Ashford", "Reyes",
    "\xc3\x85kesson", "M\xc3\xbcller", "Dvo\xc5\x99\xc3\xa1k", "Gonz\xc3\xa1lez", "\xc3\x98stergaard",
    "Nakamura", "Fontaine", "Kowalski", "Ivanova", "Sato", "Delacroix", "Bergstr\xc3\xb6m", "Whitlock",
    "Adeyemi", "Lopez", "Varga", "Holm", "Finch", "Rowe", "Mercer", "\xc3\x89tienne", "Cruz", "Kaur",
    "Blackwood", "Sinclair", "Ortega", "Haddad", "Lund", "Marsh", "Vance",
};
/* Sigur Rós-style names: two Nordic-looking words. */
static const char *const nordic[] = {
    "Sigur", "R\xc3\xb3s", "Hlj\xc3\xb3m", "\xc3\x8dsold", "Fj\xc3\xb6r\xc3\xb0", "Sk\xc3\xa1l", "M\xc3\xbam",
    "V\xc3\xb6kva", "\xc3\x9eoka", "Sn\xc3\xa6r", "Dr\xc3\xad" "fa", "Kj\xc3\xb3s", "\xc3\x81lfar", "Hekla",
    "Sk\xc3\xbdja", "B\xc3\xa1ra", "Lj\xc3\xb3si", "\xc3\x96ldu",
};
static const char *const ensembles[] = {
    "Orchestra", "Trio", "Quartet", "Collective", "Ensemble", "Band", "Choir", "Sound System", "Project",
};
static const char *const places[] = {
    "the Harbor", "Red Rocks", "the Old Mill", "Montreux", "the Roundhouse", "Caf\xc3\xa9 Noir", "Midnight",
    "the Edge of Town", "the Lighthouse", "Sunset Boulevard", "the Fjord", "Gr\xc3\xa4nsland",
};
static const char *const verbs[] = {
    "Chasing", "Waiting for", "Dancing with", "Running from", "Dreaming of", "Holding", "Calling",
    "Following", "Burning", "Finding", "Leaving", "Remembering", "Crossing", "Breaking", "Counting",
};
static const char *const single_titles[] = {
    "Driftwood", "Afterglow", "Undertow", "Kaleidoscope", "Lullaby", "Reverie", "Wildfire", "Gravity",
    "Interlude", "Overture", "Daydream", "Homecoming", "Nocturne", "Moonrise", "Sundown", "Static",
    "Caf\xc3\xa9 Nocturne", "Salt & Vinegar", "Don't Look Back", "Rock 'n' Roll Heart", "<3",
    "Fa\xc3\xa7" "ade", "Na\xc3\xafve", "Bl\xc3\xa5", "\xc2\xbfQui\xc3\xa9n Sabe?",
};
static const char *const genre_names[] = {
    "Rock", "Pop", "Jazz", "Electronic", "Hip-Hop", "Folk", "Classical", "Blues", "Soul", "R&B",
    "Country", "Reggae", "Metal", "Punk", "Indie", "Ambient", "Funk", "Latin", "World", "Soundtrack",
    "House", "Techno", "Disco", "Singer-Songwriter",
};
static const char *const numbers_first[] = { "808", "2 Many", "99", "3 Brothers", "7th", "1000", "4AM", "24" };

/* ------------------------------------------------------------ random */

typedef struct rng { uint64_t s; } rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);   /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned rng_below(rng *r, unsigned n)
{
    return n == 0 ? 0 : (unsigned)(rng_next(r) % n);
}

/* True with probability pct/100. */
static int rng_pct(rng *r, unsigned pct)
{
    return rng_below(r, 100) < pct;
}

#define PICK(r, list) ((list)[rng_below((r), N_OF(list))])

/* ------------------------------------------------------------ names */

/* Words are drawn one statement at a time: the order in which a
 * function's arguments are evaluated is unspecified, and the catalog must
 * not depend on the compiler. */
static void artist_name(rng *r, strbuf *out)
{
    unsigned kind = rng_below(r, 100);
    const char *w1, *w2, *w3;
    sb_reset(out);
    if (kind < 28) {
        w1 = PICK(r, adjectives);
        w2 = PICK(r, plurals);
        sb_addf(out, "The %s %s", w1, w2);
    } else if (kind < 58) {
        w1 = PICK(r, first_names);
        w2 = PICK(r, last_names);
        sb_addf(out, "%s %s", w1, w2);
    } else if (kind < 70) {
        w1 = PICK(r, adjectives);
        w2 = rng_pct(r, 50) ? PICK(r, nouns) : PICK(r, plurals);
        sb_addf(out, "%s %s", w1, w2);
    } else if (kind < 80) {
        w1 = PICK(r, nordic);
        w2 = PICK(r, nordic);
        sb_addf(out, "%s %s", w1, w2 == w1 ? "R\xc3\xb3s" : w2);
    } else if (kind < 85) {
        w1 = PICK(r, numbers_first);
        w2 = PICK(r, plurals);
        sb_addf(out, "%s %s", w1, w2);
    } else if (kind < 90) {
        w1 = PICK(r, nouns);
        w2 = PICK(r, plurals);
        sb_addf(out, "A %s of %s", w1, w2);
    } else if (kind < 95) {
        w1 = PICK(r, first_names);
        w2 = PICK(r, last_names);
        w3 = PICK(r, plurals);
        sb_addf(out, "%s %s & the %s", w1, w2, w3);
    } else {
        w1 = PICK(r, last_names);
        w2 = PICK(r, adjectives);
        w3 = PICK(r, ensembles);
        sb_addf(out, "The %s %s %s", w1, w2, w3);
    }
}

static void album_title(rng *r, strbuf *out)
{
    unsigned kind = rng_below(r, 100);
    const char *w1, *w2;
    sb_reset(out);
    if (kind < 25) {
        w1 = PICK(r, adjectives);
        w2 = PICK(r, plurals);
        sb_addf(out, "%s %s", w1, w2);
    } else if (kind < 40) {
        sb_adds(out, PICK(r, single_titles));
    } else if (kind < 52) {
        w1 = PICK(r, adjectives);
        w2 = PICK(r, nouns);
        sb_addf(out, "Songs for the %s %s", w1, w2);
    } else if (kind < 62) {
        sb_addf(out, "The %s Sessions", PICK(r, nouns));
    } else if (kind < 72) {
        w1 = PICK(r, plurals);
        w2 = PICK(r, plurals);
        sb_addf(out, "%s & %s", w1, w2);
    } else if (kind < 80) {
        sb_addf(out, "Live at %s", PICK(r, places));
    } else if (kind < 88) {
        w1 = PICK(r, verbs);
        w2 = PICK(r, nouns);
        sb_addf(out, "%s the %s", w1, w2);
    } else {
        w1 = PICK(r, plurals);
        unsigned vol = 1 + rng_below(r, 4);
        sb_addf(out, "%s, Vol. %u", w1, vol);
    }
}

static void compilation_title(rng *r, strbuf *out, const char *genre)
{
    unsigned kind = rng_below(r, 3);
    const char *w1;
    unsigned n;
    sb_reset(out);
    if (kind == 0) {
        n = 1970 + rng_below(r, 56);
        sb_addf(out, "The Best of %s %u", genre, n);
    } else if (kind == 1) {
        w1 = PICK(r, adjectives);
        n = 1 + rng_below(r, 9);
        sb_addf(out, "%s Hits, Vol. %u", w1, n);
    } else {
        sb_addf(out, "%s: A %s Collection", PICK(r, single_titles), genre);
    }
}

static void track_title(rng *r, strbuf *out)
{
    unsigned kind = rng_below(r, 100);
    const char *w1, *w2;
    unsigned n;
    sb_reset(out);
    if (kind < 22) {
        w1 = PICK(r, adjectives);
        w2 = PICK(r, nouns);
        sb_addf(out, "%s %s", w1, w2);
    } else if (kind < 40) {
        w1 = PICK(r, verbs);
        w2 = PICK(r, nouns);
        sb_addf(out, "%s the %s", w1, w2);
    } else if (kind < 52) {
        sb_adds(out, PICK(r, single_titles));
    } else if (kind < 62) {
        w1 = PICK(r, nouns);
        w2 = PICK(r, nouns);
        sb_addf(out, "%s in the %s", w1, w2);
    } else if (kind < 70) {
        w1 = PICK(r, nouns);
        w2 = PICK(r, nouns);
        sb_addf(out, "The %s and the %s", w1, w2);
    } else if (kind < 78) {
        sb_addf(out, "Don't Let the %s Go", PICK(r, plurals));
    } else if (kind < 85) {
        sb_addf(out, "%s (Reprise)", PICK(r, single_titles));
    } else if (kind < 92) {
        w1 = PICK(r, adjectives);
        w2 = PICK(r, nouns);
        n = 1 + rng_below(r, 3);
        sb_addf(out, "%s %s, Part %u", w1, w2, n);
    } else {
        w1 = PICK(r, verbs);
        w2 = PICK(r, first_names);
        sb_addf(out, "%s %s", w1, w2);
    }
}


/* ------------------------------------------------------------ progress */

typedef struct progress {
    const admin_ctx *ctx;
    int tty;
    const char *phase;
    unsigned long long done, total;
    double started, last_draw;
} progress;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_start(progress *p, const char *phase, unsigned long long total)
{
    p->phase = phase;
    p->done = 0;
    p->total = total;
    p->started = now();
    p->last_draw = 0;
}

static void progress_draw(progress *p, int force)
{
    double t = now();
    if (!p->tty || (!force && t - p->last_draw < 0.1))
        return;
    p->last_draw = t;
    double frac = p->total ? (double)p->done / (double)p->total : 1.0;
    char bar[31];
    int fill = (int)(frac * 30.0);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    double elapsed = t - p->started;
    double eta = frac > 0.0 ? elapsed / frac - elapsed : 0.0;
    fprintf(stderr, "\r%s: demo: %-7s %9llu/%-9llu [%s] %3d%%  ETA %3.0fs ", p->ctx->prog, p->phase,
            p->done, p->total, bar, (int)(frac * 100.0), eta);
}

static void progress_step(progress *p)
{
    p->done++;
    progress_draw(p, 0);
}

static void progress_end(progress *p)
{
    if (p->tty) {
        progress_draw(p, 1);
        fputc('\n', stderr);
    } else {
        admin_msg(p->ctx, "demo: %llu %s (%.1f s)", p->done, p->phase, now() - p->started);
    }
}

/* ------------------------------------------------------------ the catalog */

typedef struct demo_opts {
    unsigned long artists, albums, tracks;
    unsigned long long seed;
    int if_empty;
} demo_opts;

typedef struct demo {
    const admin_ctx *ctx;
    demo_opts o;
    rng r;
    arena a;
    progress prog;
    unsigned long long genre_ids[N_OF(genre_names)];
    unsigned long long artist_base;   /* ids base+1 .. base+artists */
    unsigned long long various_id;    /* "Various Artists" */
    unsigned long long album_base, track_base;
    unsigned long n_artists;          /* generated (without an existing Various Artists) */
    /* Per generated artist: its main genre; per album: what tracks need. */
    unsigned char *artist_genre;
    struct demo_album { unsigned long long artist_id; int genre; unsigned char compilation; } *albums;
    unsigned long long credits;
} demo;

static unsigned long long max_id(demo *d, const char *sql)
{
    db_result r;
    if (db_query(d->ctx->db, &d->a, &r, sql, "") != DB_OK)
        return (unsigned long long)-1;
    return (unsigned long long)db_cell_ll(&r, 0, 0, 0);
}

static int tx_begin(demo *d)
{
    if (db_begin(d->ctx->db) == DB_OK)
        return 0;
    admin_msg(d->ctx, "cannot start a transaction: %s", db_last_error(d->ctx->db));
    return -1;
}

static int tx_commit(demo *d)
{
    if (db_commit(d->ctx->db) == DB_OK)
        return 0;
    admin_msg(d->ctx, "commit failed: %s", db_last_error(d->ctx->db));
    return -1;
}

static int load_genres(demo *d)
{
    db_result r;
    for (size_t g = 0; g < N_OF(genre_names); g++)
        if (db_exec(d->ctx->db, NULL, NULL, "INSERT IGNORE INTO genres (name) VALUES (?)", "s",
                    genre_names[g]) != DB_OK)
            goto fail;
    if (db_query(d->ctx->db, &d->a, &r, "SELECT id, name FROM genres", "") != DB_OK)
        goto fail;
    for (size_t g = 0; g < N_OF(genre_names); g++)
        for (size_t row = 0; row < r.nrows; row++)
            if (strcmp(db_cell(&r, row, 1), genre_names[g]) == 0)
                d->genre_ids[g] = (unsigned long long)db_cell_ll(&r, row, 0, 0);
    return 0;
fail:
    admin_msg(d->ctx, "cannot fill genres: %s", db_last_error(d->ctx->db));
    return -1;
}

/* Open-addressing set of artist names, so names do not repeat. */
typedef struct name_set { uint64_t *slots; size_t mask; } name_set;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h | 1;   /* 0 marks an empty slot */
}

/* 1 if added, 0 if (probably) present. Hash equality is enough for a demo. */
static int name_set_add(name_set *set, const char *s)
{
    uint64_t h = hash_str(s);
    for (size_t i = h & set->mask;; i = (i + 1) & set->mask) {
        if (set->slots[i] == h)
            return 0;
        if (set->slots[i] == 0) {
            set->slots[i] = h;
            return 1;
        }
    }
}

static int add_artist(demo *d, batch *b, unsigned long long id, const char *name)
{
    const char *sort = sortkey_name(name);
    char letter[2] = { sortkey_letter(sort), '\0' };
    set_u(b, 0, id);
    set_s(b, 1, name);
    set_s(b, 2, sort);
    set_s(b, 3, letter);
    progress_step(&d->prog);
    return batch_row_done(b);
}

static int gen_artists(demo *d)
{
    batch b;
    strbuf name = STRBUF_INIT;
    name_set set = { NULL, 0 };
    size_t slots = 64;
    int rc = -1;
    db_result r;

    while (slots < 2 * (size_t)d->o.artists + 2)
        slots *= 2;
    set.slots = calloc(slots, sizeof *set.slots);
    set.mask = slots - 1;
    d->artist_genre = calloc(d->o.artists + 1, 1);
    if (batch_init(&b, d->ctx, d->ctx->db, "INSERT INTO artists (id, name, sort_name, sort_letter) VALUES ",
                   "(?,?,?,?)", 4, 500) != 0 || set.slots == NULL || d->artist_genre == NULL) {
        admin_msg(d->ctx, "out of memory");
        goto cleanup;
    }
    if (db_query(d->ctx->db, &d->a, &r, "SELECT MIN(id) FROM artists WHERE name = 'Various Artists'",
                 "") != DB_OK)
        goto cleanup;
    d->various_id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    name_set_add(&set, "Various Artists");
    progress_start(&d->prog, "artists", d->o.artists);
    if (tx_begin(d) != 0)
        goto cleanup;
    unsigned long long id = d->artist_base;
    if (d->various_id == 0 && d->o.artists > 0) {
        d->various_id = ++id;
        if (add_artist(d, &b, id, "Various Artists") != 0)
            goto cleanup;
    }
    while (id - d->artist_base < d->o.artists) {
        int tries = 0;
        do
            artist_name(&d->r, &name);
        while (!name_set_add(&set, name.buf) && ++tries < 20);
        if (tries == 20)
            sb_addf(&name, " %llu", id - d->artist_base);
        ++id;
        d->artist_genre[id - d->artist_base] = (unsigned char)rng_below(&d->r, N_OF(genre_names));
        if (add_artist(d, &b, id, name.buf) != 0)
            goto cleanup;
    }
    if (batch_flush(&b) != 0 || tx_commit(d) != 0)
        goto cleanup;
    d->n_artists = (unsigned long)(id - d->artist_base);
    progress_end(&d->prog);
    rc = 0;
cleanup:
    if (rc != 0)
        db_rollback(d->ctx->db);
    batch_free(&b);
    sb_free(&name);
    free(set.slots);
    return rc;
}

/* A generated artist other than Various Artists (ids are consecutive). */
static unsigned long long some_artist(demo *d)
{
    unsigned long long first = d->artist_base + 1, n = d->n_artists;
    if (d->various_id == first) {
        first++;
        n--;
    }
    return n == 0 ? d->various_id : first + rng_below(&d->r, (unsigned)n);
}

static int gen_albums(demo *d)
{
    batch b;
    strbuf title = STRBUF_INIT;
    int rc = -1;
    unsigned long regular = 0;
    db_result r;
    arena names;

    arena_init(&names, 4096);
    d->albums = calloc(d->o.albums + 1, sizeof *d->albums);
    if (batch_init(&b, d->ctx, d->ctx->db, "INSERT INTO albums (id, title, album_artist_id, year, genre_id,"
                   " is_compilation, created_at) VALUES ",
                   "(?,?,?,?,?,?,NOW(3) - INTERVAL ? SECOND)", 7, 500) != 0 || d->albums == NULL) {
        admin_msg(d->ctx, "out of memory");
        goto cleanup;
    }
    progress_start(&d->prog, "albums", d->o.albums);
    if (tx_begin(d) != 0)
        goto cleanup;
    for (unsigned long i = 0; i < d->o.albums; i++) {
        struct demo_album *al = &d->albums[i];
        unsigned long long id = d->album_base + i + 1;
        int compilation = d->o.albums >= 20 && rng_pct(&d->r, 3);
        if (compilation) {
            al->artist_id = d->various_id;
            al->genre = (int)rng_below(&d->r, N_OF(genre_names));
            compilation_title(&d->r, &title, genre_names[al->genre]);
        } else {
            /* Every artist gets an album before any gets a second. */
            unsigned long long first = d->artist_base + 1 + (d->various_id == d->artist_base + 1);
            unsigned long long span = d->artist_base + d->n_artists - first + 1;
            al->artist_id = d->n_artists > 1 && regular < span ? first + regular : some_artist(d);
            regular++;
            unsigned long idx = (unsigned long)(al->artist_id - d->artist_base);
            al->genre = rng_pct(&d->r, 80) && idx <= d->o.artists ? d->artist_genre[idx]
                                                                    : (int)rng_below(&d->r, N_OF(genre_names));
            album_title(&d->r, &title);
            if (rng_pct(&d->r, 5)) {
                /* Self-titled. */
                arena_reset(&names);
                if (db_query(d->ctx->db, &names, &r, "SELECT name FROM artists WHERE id = ?", "u",
                             al->artist_id) != DB_OK)
                    goto cleanup;
                sb_reset(&title);
                sb_adds(&title, db_cell(&r, 0, 0) != NULL ? db_cell(&r, 0, 0) : "Untitled");
            }
        }
        al->compilation = (unsigned char)compilation;
        if (rng_pct(&d->r, 3))
            al->genre = -1;
        set_u(&b, 0, id);
        set_s(&b, 1, title.buf);
        set_u(&b, 2, al->artist_id);
        if (rng_pct(&d->r, 2))
            set_null(&b, 3);
        else
            set_u(&b, 3, 1960 + rng_below(&d->r, 67));
        if (al->genre < 0)
            set_null(&b, 4);
        else
            set_u(&b, 4, d->genre_ids[al->genre]);
        set_u(&b, 5, (unsigned long long)compilation);
        /* Added over the last two years, newest last. */
        set_u(&b, 6, (unsigned long long)(d->o.albums - i) * 6000ULL + rng_below(&d->r, 3000));
        progress_step(&d->prog);
        if (batch_row_done(&b) != 0)
            goto cleanup;
        if (b.total % 5000 == 0 && b.nrows == 0 && (tx_commit(d) != 0 || tx_begin(d) != 0))
            goto cleanup;
    }
    if (batch_flush(&b) != 0 || tx_commit(d) != 0)
        goto cleanup;
    progress_end(&d->prog);
    rc = 0;
cleanup:
    if (rc != 0)
        db_rollback(d->ctx->db);
    batch_free(&b);
    sb_free(&title);
    arena_free(&names);
    return rc;
}

/* Tracks first, then their credits (the foreign key needs the track). */
static int flush_tracks(batch *tracks, batch *credits)
{
    return batch_flush(tracks) != 0 || batch_flush(credits) != 0 ? -1 : 0;
}

static int add_credit(batch *c, unsigned long long track_id, unsigned long long artist_id, const char *role,
                      unsigned position)
{
    set_u(c, 0, track_id);
    set_u(c, 1, artist_id);
    set_s(c, 2, role);
    set_u(c, 3, position);
    c->nrows++;
    return 0;
}

static int gen_tracks(demo *d)
{
    batch t, c;
    strbuf title = STRBUF_INIT;
    int rc = -1;
    unsigned long long track_id = d->track_base, written = 0;
    double *weights = NULL, total_w = 0.0, acc = 0.0;

    memset(&c, 0, sizeof c);
    weights = calloc(d->o.albums + 1, sizeof *weights);
    if (batch_init(&t, d->ctx, d->ctx->db, "INSERT INTO tracks (id, album_id, title, disc_no, track_no, duration_ms,"
                   " genre_id, available, created_at) VALUES ",
                   "(?,?,?,?,?,?,?,?,NOW(3) - INTERVAL ? SECOND)", 9, 500) != 0
        || batch_init(&c, d->ctx, d->ctx->db, "INSERT INTO track_artists (track_id, artist_id, role, position) VALUES ",
                      "(?,?,?,?)", 4, 1500) != 0 || weights == NULL) {
        admin_msg(d->ctx, "out of memory");
        goto cleanup;
    }
    /* Album sizes vary (0.4x..1.6x the mean) but add up to exactly --tracks. */
    for (unsigned long i = 0; i < d->o.albums; i++) {
        weights[i] = 0.4 + (double)rng_below(&d->r, 1201) / 1000.0;
        total_w += weights[i];
    }
    progress_start(&d->prog, "tracks", d->o.tracks);
    if (tx_begin(d) != 0)
        goto cleanup;
    for (unsigned long i = 0; i < d->o.albums; i++) {
        struct demo_album *al = &d->albums[i];
        unsigned long long album_id = d->album_base + i + 1;
        acc += weights[i];
        unsigned long long upto = i + 1 == d->o.albums ? d->o.tracks
                                  : (unsigned long long)((double)d->o.tracks * acc / total_w);
        unsigned long long count = upto > written ? upto - written : 0;
        written += count;
        unsigned discs = count >= 12 && rng_pct(&d->r, 25) ? 2 : 1;
        unsigned long long per_disc = (count + discs - 1) / discs;
        for (unsigned long long k = 0; k < count; k++) {
            unsigned disc = (unsigned)(k / per_disc) + 1;
            unsigned no = (unsigned)(k % per_disc) + 1;
            /* 1:30 .. 9:00, most around 3-5 minutes. */
            unsigned duration = 90000 + rng_below(&d->r, 225001) + rng_below(&d->r, 225001);
            unsigned long long main_artist = al->compilation ? some_artist(d) : al->artist_id;
            track_id++;
            track_title(&d->r, &title);
            set_u(&t, 0, track_id);
            set_u(&t, 1, album_id);
            set_s(&t, 2, title.buf);
            set_u(&t, 3, disc);
            set_u(&t, 4, no);
            set_u(&t, 5, duration);
            if (al->genre < 0)
                set_null(&t, 6);
            else
                set_u(&t, 6, d->genre_ids[al->genre]);
            set_u(&t, 7, rng_pct(&d->r, 1) ? 0 : 1);
            set_u(&t, 8, (unsigned long long)(d->o.albums - i) * 6000ULL);
            t.nrows++;
            add_credit(&c, track_id, main_artist, "main", 0);
            if (d->n_artists > 3 && rng_pct(&d->r, 8)) {
                unsigned long long feat = some_artist(d);
                if (feat != main_artist)
                    add_credit(&c, track_id, feat, "featured", 1);
                if (rng_pct(&d->r, 12)) {
                    unsigned long long feat2 = some_artist(d);
                    if (feat2 != main_artist && feat2 != feat)
                        add_credit(&c, track_id, feat2, "featured", 2);
                }
            }
            progress_step(&d->prog);
            if (t.nrows == t.max_rows) {
                if (flush_tracks(&t, &c) != 0)
                    goto cleanup;
                if (t.total % 5000 == 0 && (tx_commit(d) != 0 || tx_begin(d) != 0))
                    goto cleanup;
            }
        }
    }
    if (flush_tracks(&t, &c) != 0 || tx_commit(d) != 0)
        goto cleanup;
    d->credits = c.total;
    progress_end(&d->prog);
    rc = 0;
cleanup:
    if (rc != 0)
        db_rollback(d->ctx->db);
    batch_free(&t);
    batch_free(&c);
    sb_free(&title);
    free(weights);
    return rc;
}

static int parse_count(const admin_ctx *ctx, const char *opt, const char *s, long max, unsigned long *out)
{
    long v;
    if (str_to_long(s, 0, max, &v) != 0) {
        admin_msg(ctx, "%s must be a number 0..%ld: %s", opt, max, s);
        return -1;
    }
    *out = (unsigned long)v;
    return 0;
}

static int demo_args(const admin_ctx *ctx, int argc, char **argv, demo_opts *o)
{
    static const struct option longopts[] = {
        { "artists", required_argument, NULL, 'a' },
        { "albums", required_argument, NULL, 'l' },
        { "tracks", required_argument, NULL, 't' },
        { "seed", required_argument, NULL, 's' },
        { "if-empty", no_argument, NULL, 'e' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    unsigned long seed;

    o->artists = 60;
    o->albums = 240;
    o->tracks = 2400;
    o->seed = 1;
    o->if_empty = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'a': if (parse_count(ctx, "--artists", optarg, 1000000, &o->artists) != 0) return -1; break;
        case 'l': if (parse_count(ctx, "--albums", optarg, 10000000, &o->albums) != 0) return -1; break;
        case 't': if (parse_count(ctx, "--tracks", optarg, 100000000, &o->tracks) != 0) return -1; break;
        case 's':
            if (parse_count(ctx, "--seed", optarg, 2147483647L, &seed) != 0)
                return -1;
            o->seed = seed;
            break;
        case 'e': o->if_empty = 1; break;
        default: return -1;
        }
    }
    if (optind != argc) {
        admin_msg(ctx, "unexpected argument: %s", argv[optind]);
        return -1;
    }
    if (o->albums > 0 && o->artists < 2) {
        admin_msg(ctx, "albums need --artists 2 or more (one is Various Artists)");
        return -1;
    }
    if (o->tracks > 0 && o->albums == 0) {
        admin_msg(ctx, "tracks need --albums 1 or more");
        return -1;
    }
    return 0;
}

int admin_demo(admin_ctx *ctx, int argc, char **argv)
{
    demo d;
    int status = ADMIN_FAIL;
    db_result r;
    double t0 = now();

    memset(&d, 0, sizeof d);
    d.ctx = ctx;
    arena_init(&d.a, 4096);
    if (demo_args(ctx, argc, argv, &d.o) != 0) {
        admin_msg(ctx, "usage: demo [--artists N] [--albums N] [--tracks N] [--seed S] [--if-empty]");
        status = ADMIN_USAGE;
        goto cleanup;
    }
    d.r.s = d.o.seed;
    d.prog.ctx = ctx;
    d.prog.tty = isatty(2);
    if (admin_connect(ctx) != ADMIN_OK)
        goto cleanup;
    if (admin_schema_version(ctx) <= 0) {
        admin_msg(ctx, "no catalog schema in database %s: run lyre-admin migrate first", ctx->cfg->db_name);
        goto cleanup;
    }
    /* A second demo at the same time waits, then (with --if-empty) finds rows. */
    if (db_query(ctx->db, &d.a, &r, "SELECT GET_LOCK('lyre_demo', 120)", "") != DB_OK
        || db_cell_ll(&r, 0, 0, 0) != 1) {
        admin_msg(ctx, "cannot take the demo lock: %s", db_last_error(ctx->db));
        goto cleanup;
    }
    if (d.o.if_empty) {
        if (db_query(ctx->db, &d.a, &r, "SELECT EXISTS (SELECT 1 FROM artists)", "") != DB_OK)
            goto cleanup;
        if (db_cell_ll(&r, 0, 0, 0) == 1) {
            admin_msg(ctx, "demo: the catalog already has artists; nothing to do (--if-empty)");
            status = ADMIN_OK;
            goto cleanup;
        }
    }
    d.artist_base = max_id(&d, "SELECT COALESCE(MAX(id), 0) FROM artists");
    d.album_base = max_id(&d, "SELECT COALESCE(MAX(id), 0) FROM albums");
    d.track_base = max_id(&d, "SELECT COALESCE(MAX(id), 0) FROM tracks");
    if (d.artist_base == (unsigned long long)-1 || d.album_base == (unsigned long long)-1
        || d.track_base == (unsigned long long)-1) {
        admin_msg(ctx, "cannot read the catalog: %s", db_last_error(ctx->db));
        goto cleanup;
    }
    if (load_genres(&d) != 0 || gen_artists(&d) != 0 || gen_albums(&d) != 0 || gen_tracks(&d) != 0)
        goto cleanup;
    /* Fresh statistics: right after a bulk load InnoDB may still believe the
     * tables are empty, and the optimizer then sorts whole joins (seen as
     * 20-second album pages in bench/run.sh). */
    if (db_query(ctx->db, &d.a, &r, "ANALYZE TABLE artists, albums, tracks, track_artists", "") != DB_OK) {
        admin_msg(ctx, "cannot analyze the catalog tables: %s", db_last_error(ctx->db));
        goto cleanup;
    }
    admin_msg(ctx, "demo: %lu artists, %lu albums, %lu tracks, %llu credits in %.1f s (seed %llu)",
              d.n_artists, d.o.albums, d.o.tracks, d.credits, now() - t0, d.o.seed);
    {
        /* Search reads its own index of the catalog (search_index.c). */
        char arg0[] = "search-index";
        char *args[] = { arg0, NULL };
        if (admin_search_index(ctx, 1, args) != ADMIN_OK)
            goto cleanup;
    }
    status = ADMIN_OK;
cleanup:
    if (d.prog.tty && status != ADMIN_OK && d.prog.phase != NULL)
        fputc('\n', stderr);
    free(d.artist_genre);
    free(d.albums);
    arena_free(&d.a);
    return status;
}

/* cgi/subsonic/lists.c — getAlbumList2 (AlbumID3) and getAlbumList (the
 * same albums as folder entries): random, newest, highest, frequent,
 * recent, alphabeticalByName, alphabeticalByArtist, starred, byYear,
 * byGenre, with size (10, at most 500) and offset.
 *
 * byGenre lists the newest additions first (the genre index's order).
 * "highest" has no star ratings of its own to sort by: it is the albums
 * most saved by listeners (album_likes).  "frequent" and "recent" are the
 * caller's own plays (play_events, web player and scrobbles alike, summed
 * per album in user_album_plays, db/0014). */
#include "subsonic.h"

#include <stdint.h>
#include <string.h>

#include "crypto.h"

#define SEL "SELECT " SUB_ALBUM_COLS " "
#define PAGE " LIMIT ? OFFSET ?"

/* Each list first pages through the narrowest index that gives its order
 * (derived table x, carrying the sort keys), and only then reads the rows
 * of that page: else the optimizer may join every album before sorting.
 * The index is forced: under load MariaDB's estimates now and then prefer
 * reading the whole index and sorting it (100,000 rows instead of a page). */
#define OUTER(derived, order) \
    SEL "FROM (" derived ") x JOIN albums al ON al.id = x.id " SUB_ALBUM_JOINS "ORDER BY " order

/* Random albums without sorting the table: ids drawn here between the
 * smallest and the largest (twice as many as asked, for the ids of deleted
 * albums and repeats), looked up in one statement through JSON_TABLE.  When
 * that finds fewer than asked (a catalog whose ids have wide gaps, or fewer
 * albums than asked), the table is sorted by RAND() after all. */
static db_status random_albums(sub_ctx *s, db_result *r, long long n)
{
    db_result mm;
    db_status st = db_query(s->req->db, s->req->a, &mm, "SELECT MIN(id), MAX(id) FROM albums", "");
    if (st != DB_OK)
        return st;
    long long lo = db_cell_ll(&mm, 0, 0, 0), hi = db_cell_ll(&mm, 0, 1, 0);
    if (hi < lo || hi == 0) {
        memset(r, 0, sizeof *r);
        return DB_OK;
    }
    long long want = 2 * n + 4;
    uint64_t *rnd = arena_alloc(s->req->a, (size_t)want * sizeof *rnd);
    if (crypto_random(rnd, (size_t)want * sizeof *rnd) != 0)
        return DB_ERROR;
    strbuf ids = STRBUF_INIT;
    sb_addc(&ids, '[');
    for (long long i = 0; i < want; i++)
        sb_addf(&ids, "%s%lld", i ? "," : "", lo + (long long)(rnd[i] % (uint64_t)(hi - lo + 1)));
    sb_addc(&ids, ']');
    st = db_query(s->req->db, s->req->a, r,
                  OUTER("SELECT DISTINCT a.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j "
                        "JOIN albums a ON a.id = j.id LIMIT ?", "RAND()"),
                  "siu", ids.buf, n, s->user.id);
    sb_free(&ids);
    if (st == DB_OK && (long long)r->nrows < n)
        st = db_query(s->req->db, s->req->a, r,
                      OUTER("SELECT id FROM albums ORDER BY RAND() LIMIT ?", "RAND()"), "iu", n, s->user.id);
    return st;
}

static db_status run(sub_ctx *s, db_result *r, const char *type, long size, long offset)
{
    lyre_req *req = s->req;
    unsigned long long uid = s->user.id;
    long long n = size, off = offset;
    if (strcmp(type, "newest") == 0)
        return db_query(req->db, req->a, r,
                        OUTER("SELECT id, created_at FROM albums FORCE INDEX (ix_albums_created) ORDER BY created_at DESC, id DESC" PAGE,
                              "x.created_at DESC, x.id DESC"), "iiu", n, off, uid);
    if (strcmp(type, "alphabeticalByName") == 0)
        return db_query(req->db, req->a, r,
                        OUTER("SELECT id, title FROM albums FORCE INDEX (ix_albums_title) ORDER BY title, id" PAGE, "x.title, x.id"),
                        "iiu", n, off, uid);
    if (strcmp(type, "alphabeticalByArtist") == 0)
        /* By artist (the artists' sort index), then each artist's albums in
         * their index order (year, id): ordering on the first table alone
         * lets the scan stop at the page. */
        return db_query(req->db, req->a, r,
                        OUTER("SELECT STRAIGHT_JOIN a.id, ar2.sort_name, ar2.id AS aid, a.year "
                              "FROM artists ar2 FORCE INDEX (ix_artists_sort) JOIN albums a ON a.album_artist_id = ar2.id "
                              "ORDER BY ar2.sort_name, ar2.id" PAGE,
                              "x.sort_name, x.aid, x.year IS NULL, x.year, x.id"), "iiu", n, off, uid);
    if (strcmp(type, "random") == 0)
        return random_albums(s, r, n);
    if (strcmp(type, "starred") == 0)
        return db_query(req->db, req->a, r,
                        OUTER("SELECT album_id AS id, created_at FROM album_likes FORCE INDEX (ix_album_likes_user_time) WHERE user_id = ? "
                              "ORDER BY created_at DESC, album_id DESC" PAGE, "x.created_at DESC, x.id DESC"),
                        "uiiu", uid, n, off, uid);
    if (strcmp(type, "highest") == 0)
        return db_query(req->db, req->a, r,
                        OUTER("SELECT album_id AS id, COUNT(*) AS n FROM album_likes "
                              "GROUP BY album_id ORDER BY n DESC, album_id" PAGE, "x.n DESC, x.id"),
                        "iiu", n, off, uid);
    if (strcmp(type, "frequent") == 0)
        return db_query(req->db, req->a, r,
                        OUTER("SELECT album_id AS id, plays FROM user_album_plays FORCE INDEX (ix_user_album_plays_plays) "
                              "WHERE user_id = ? AND plays > 0 "
                              "ORDER BY plays DESC, album_id DESC" PAGE, "x.plays DESC, x.id DESC"),
                        "uiiu", uid, n, off, uid);
    if (strcmp(type, "recent") == 0)
        return db_query(req->db, req->a, r,
                        OUTER("SELECT album_id AS id, last_played FROM user_album_plays FORCE INDEX (ix_user_album_plays_last) "
                              "WHERE user_id = ? "
                              "ORDER BY last_played DESC, album_id DESC" PAGE, "x.last_played DESC, x.id DESC"),
                        "uiiu", uid, n, off, uid);
    return DB_ERROR;   /* not reached: the type was checked */
}

static const char *const TYPES[] = { "random", "newest", "highest", "frequent", "recent", "alphabeticalByName",
                                     "alphabeticalByArtist", "starred", "byYear", "byGenre" };

/* The albums of the request, or SUB_FAILED. */
static int album_list(sub_ctx *s, db_result *r)
{
    const char *type;
    long size, offset;
    if (sub_param_str(s, "type", &type) != 0 || sub_param_count(s, "size", 10, 500, &size) != 0 ||
        sub_param_long(s, "offset", 0, 0, 100000000L, &offset) != 0)
        return SUB_FAILED;
    long folder;
    if (sub_param_long(s, "musicFolderId", 1, -2147483647L, 2147483647L, &folder) != 0)
        return SUB_FAILED;
    int known = 0;
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
        known |= strcmp(type, TYPES[i]) == 0;
    if (!known)
        return sub_fail(s, SUB_E_GENERIC, "Invalid value for parameter type");
    if (folder != 1 || size == 0) {
        memset(r, 0, sizeof *r);
        return 0;
    }
    db_status st;
    if (strcmp(type, "byYear") == 0) {
        long from, to;
        if (sub_param_long_req(s, "fromYear", 0, 9999, &from) != 0 ||
            sub_param_long_req(s, "toYear", 0, 9999, &to) != 0)
            return SUB_FAILED;
        long long lo = from < to ? from : to, hi = from < to ? to : from;
        /* A reversed range lists the newest years first. */
        st = db_query(s->req->db, s->req->a, r,
                      from <= to ? OUTER("SELECT id, year FROM albums FORCE INDEX (ix_albums_year) WHERE year BETWEEN ? AND ? "
                                         "ORDER BY year, id" PAGE, "x.year, x.id")
                                 : OUTER("SELECT id, year FROM albums FORCE INDEX (ix_albums_year) WHERE year BETWEEN ? AND ? "
                                         "ORDER BY year DESC, id DESC" PAGE, "x.year DESC, x.id DESC"),
                      "iiiiu", lo, hi, (long long)size, (long long)offset, s->user.id);
    } else if (strcmp(type, "byGenre") == 0) {
        const char *genre;
        if (sub_param_str(s, "genre", &genre) != 0)
            return SUB_FAILED;
        /* Newest additions first: the order of the genre index (genre_id, id). */
        st = db_query(s->req->db, s->req->a, r,
                      OUTER("SELECT id FROM albums FORCE INDEX (ix_albums_genre) "
                            "WHERE genre_id = (SELECT id FROM genres WHERE name = ?) "
                            "ORDER BY id DESC" PAGE, "x.id DESC"),
                      "siiu", genre, (long long)size, (long long)offset, s->user.id);
    } else {
        st = run(s, r, type, size, offset);
    }
    return st == DB_OK ? 0 : sub_db_fail(s, st);
}

int sub_getAlbumList2(sub_ctx *s)
{
    db_result r;
    if (album_list(s, &r) != 0)
        return SUB_FAILED;
    sub_node *l = sub_obj(s->root, "albumList2");
    for (size_t i = 0; i < r.nrows; i++)
        sub_album(s, l, "album", &r, i, 0);
    return SUB_OK;
}

int sub_getAlbumList(sub_ctx *s)
{
    db_result r;
    if (album_list(s, &r) != 0)
        return SUB_FAILED;
    sub_node *l = sub_obj(s->root, "albumList");
    for (size_t i = 0; i < r.nrows; i++)
        sub_album_dir(s, l, "album", &r, i, 0);
    return SUB_OK;
}

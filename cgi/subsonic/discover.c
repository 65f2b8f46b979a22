/* discover.c — finding music through the API, from Lyre's own data:
 * similar songs and artists from the current collaborative-filtering model
 * (rec_current -> rec_track_neighbors / rec_artist_neighbors, written by
 * tools/lyre-train), falling back to the same artist and genre while there
 * is no model or the item has no neighbours; top songs from play events;
 * random songs; songs of a genre.  Artist and album "info" carry no
 * biography or notes (Lyre keeps none): MusicBrainz ids, cover URLs and
 * similar artists. */
#include "subsonic.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"

#define NEIGHBORS_MAX 100

/* ------------------------------------------------------------ helpers */

/* The first column of r as ids. */
static unsigned long long *column_ids(sub_ctx *s, const db_result *r, size_t *n)
{
    unsigned long long *ids = arena_calloc(s->req->a, r->nrows ? r->nrows : 1, sizeof *ids);
    *n = 0;
    for (size_t i = 0; i < r->nrows; i++)
        if (db_cell(r, i, 0))
            ids[(*n)++] = (unsigned long long)db_cell_ll(r, i, 0, 0);
    return ids;
}

/* Songs ids[0..n) in that order (unavailable ones left out) as elem children. */
static int songs_by_ids(sub_ctx *s, sub_node *parent, const char *elem, const unsigned long long *ids, size_t n)
{
    db_result r;
    if (n > 0) {
        db_status st = db_query(s->req->db, s->req->a, &r,
            "SELECT " SUB_SONG_COLS " FROM JSON_TABLE(?, '$[*]' COLUMNS (ord FOR ORDINALITY, "
            "id INT UNSIGNED PATH '$')) j JOIN tracks t ON t.id = j.id " SUB_SONG_JOINS
            "WHERE t.available = 1 ORDER BY j.ord", "su", db_ids_json(s->req->a, ids, n), s->user.id);
        if (st != DB_OK)
            return sub_db_fail(s, st);
        for (size_t i = 0; i < r.nrows; i++)
            sub_song(s, parent, elem, &r, i, 0);
    }
    if (n == 0 || r.nrows == 0)
        sub_empty_list(parent, elem);
    return 0;
}

/* Append the ids of r to list (capacity cap), skipping those already there. */
static void merge_ids(sub_ctx *s, unsigned long long *list, size_t *n, size_t cap, const db_result *r)
{
    size_t m;
    unsigned long long *more = column_ids(s, r, &m);
    for (size_t i = 0; i < m && *n < cap; i++) {
        int dup = 0;
        for (size_t k = 0; k < *n && !dup; k++)
            dup = list[k] == more[i];
        if (!dup)
            list[(*n)++] = more[i];
    }
}

/* "ar-N" or "N" as an artist id. */
static int artist_id_param(sub_ctx *s, unsigned long long *id)
{
    const char *text;
    if (sub_param_str(s, "id", &text) != 0)
        return SUB_FAILED;
    if (str_starts_with(text, "ar-"))
        text += 3;
    if (str_to_id(text, 4294967295ULL, id) != 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Artist not found");
    return 0;
}

static int artist_exists(sub_ctx *s, unsigned long long id)
{
    db_result r;
    db_status st = db_query(s->req->db, s->req->a, &r, "SELECT 1 FROM artists WHERE id = ?", "u", id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    return r.nrows ? 0 : sub_fail(s, SUB_E_NOT_FOUND, "Artist not found");
}

/* ------------------------------------------------------------ similar artists */

/* Up to count artists like artist_id: the model's neighbours by rank, then
 * artists with albums in the same genres.  *ids in the arena. */
static int similar_artist_ids(sub_ctx *s, unsigned long long artist_id, size_t count, unsigned long long **ids,
                              size_t *n)
{
    db_result r;
    *ids = arena_calloc(s->req->a, count ? count : 1, sizeof **ids);
    *n = 0;
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT nb.neighbor_id FROM rec_current c JOIN rec_artist_neighbors nb ON nb.model_id = c.model_id "
        "AND nb.artist_id = ? WHERE c.one = 1 AND nb.neighbor_id <> ? ORDER BY nb.rank LIMIT ?",
        "uui", artist_id, artist_id, (long long)count);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    merge_ids(s, *ids, n, count, &r);
    if (*n < count) {
        st = db_query(s->req->db, s->req->a, &r,
            "SELECT al.album_artist_id FROM albums al WHERE al.genre_id IN "
            " (SELECT a0.genre_id FROM albums a0 WHERE a0.album_artist_id = ? AND a0.genre_id IS NOT NULL) "
            "AND al.album_artist_id <> ? GROUP BY al.album_artist_id ORDER BY COUNT(*) DESC, al.album_artist_id "
            "LIMIT ?", "uui", artist_id, artist_id, (long long)count);
        if (st != DB_OK)
            return sub_db_fail(s, st);
        merge_ids(s, *ids, n, count, &r);
    }
    return 0;
}

/* A text-only element of artistInfo/albumInfo: <name>text</name> in XML, a
 * plain string member in JSON ("largeImageUrl": "..."), as clients read it. */
static void text_field(sub_ctx *s, sub_node *parent, const char *name, const char *text)
{
    if (s->format == SUB_XML)
        sub_text(sub_obj(parent, name), text);
    else
        sub_attr_json(parent, name, text);
}

/* Cover URLs of an artist or album for the info endpoints: absolute, since
 * clients fetch them as they are. */
static void image_urls(sub_ctx *s, sub_node *info, const char *sha)
{
    static const char *const names[] = { "smallImageUrl", "mediumImageUrl", "largeImageUrl" };
    static const int sizes[] = { 96, 300, 640 };
    if (!sha || strlen(sha) != 64)
        return;
    const char *base = *s->req->cfg->cdn_base_url ? s->req->cfg->cdn_base_url : s->req->cfg->base_url;
    for (size_t i = 0; i < 3; i++)
        text_field(s, info, names[i], arena_printf(s->req->a, "%s/art/%.2s/%s-%d.jpg", base ? base : "", sha, sha,
                                                   sizes[i]));
}

/* artistInfo (folder view, similar artists as Artist) and artistInfo2 (ID3). */
static int artist_info(sub_ctx *s, int id3)
{
    unsigned long long id, *similar;
    size_t n;
    long count;
    db_result a, r;
    if (artist_id_param(s, &id) != 0 || sub_param_count(s, "count", 20, NEIGHBORS_MAX, &count) != 0)
        return SUB_FAILED;
    db_status st = db_query(s->req->db, s->req->a, &a,
        "SELECT ar.mbid, (SELECT aw.sha256 FROM albums al JOIN artwork aw ON aw.id = al.artwork_id "
        " WHERE al.album_artist_id = ar.id ORDER BY al.id DESC LIMIT 1) FROM artists ar WHERE ar.id = ?", "u", id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (a.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Artist not found");
    if (similar_artist_ids(s, id, (size_t)count, &similar, &n) != 0)
        return SUB_FAILED;
    sub_node *info = sub_obj(s->root, id3 ? "artistInfo2" : "artistInfo");
    if (db_cell(&a, 0, 0))
        text_field(s, info, "musicBrainzId", db_cell(&a, 0, 0));
    image_urls(s, info, db_cell(&a, 0, 1));
    if (n > 0) {
        st = db_query(s->req->db, s->req->a, &r,
            "SELECT " SUB_ARTIST_COLS " FROM JSON_TABLE(?, '$[*]' COLUMNS (ord FOR ORDINALITY, "
            "id INT UNSIGNED PATH '$')) j JOIN artists ar ON ar.id = j.id " SUB_ARTIST_JOINS "ORDER BY j.ord",
            "su", db_ids_json(s->req->a, similar, n), s->user.id);
        if (st != DB_OK)
            return sub_db_fail(s, st);
        for (size_t i = 0; i < r.nrows; i++) {
            if (id3) {
                sub_artist(s, info, "similarArtist", &r, i, 0);
                continue;
            }
            sub_node *x = sub_item(info, "similarArtist");
            sub_attr(x, "id", arena_printf(s->req->a, "ar-%s", db_cell(&r, i, 0)));
            sub_attr(x, "name", db_cell(&r, i, 1));
            sub_attr_time(x, "starred", db_cell(&r, i, 3));
        }
    }
    if (n == 0)
        sub_empty_list(info, "similarArtist");
    return SUB_OK;
}

int sub_getArtistInfo(sub_ctx *s)
{
    return artist_info(s, 0);
}

int sub_getArtistInfo2(sub_ctx *s)
{
    return artist_info(s, 1);
}

/* albumInfo for getAlbumInfo and getAlbumInfo2 alike: "al-N" or N. */
static int album_info(sub_ctx *s)
{
    const char *text;
    unsigned long long id;
    db_result r;
    if (sub_param_str(s, "id", &text) != 0)
        return SUB_FAILED;
    if (str_starts_with(text, "al-"))
        text += 3;
    if (str_to_id(text, 4294967295ULL, &id) != 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Album not found");
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT al.mbid, aw.sha256 FROM albums al LEFT JOIN artwork aw ON aw.id = al.artwork_id WHERE al.id = ?",
        "u", id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (r.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Album not found");
    sub_node *info = sub_obj(s->root, "albumInfo");
    if (db_cell(&r, 0, 0))
        text_field(s, info, "musicBrainzId", db_cell(&r, 0, 0));
    image_urls(s, info, db_cell(&r, 0, 1));
    return SUB_OK;
}

int sub_getAlbumInfo(sub_ctx *s)
{
    return album_info(s);
}

int sub_getAlbumInfo2(sub_ctx *s)
{
    return album_info(s);
}

/* ------------------------------------------------------------ similar songs */

/* Songs by artist_id's similar artists, taken round-robin in the order of
 * similarity (a random song of each, then a second of each, ...), so the
 * nearest artists are always heard; a few of its own when there are not
 * enough. */
static int similar_to_artist(sub_ctx *s, sub_node *out, const char *elem, unsigned long long artist_id, size_t count)
{
    unsigned long long *artists, *ids;
    size_t na, n = 0;
    db_result r;
    if (similar_artist_ids(s, artist_id, 20, &artists, &na) != 0)
        return SUB_FAILED;
    ids = arena_calloc(s->req->a, count ? count : 1, sizeof *ids);
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT x.track_id FROM (SELECT ta.track_id, j.ord, "
        " ROW_NUMBER() OVER (PARTITION BY j.id ORDER BY RAND()) AS rn "
        " FROM JSON_TABLE(?, '$[*]' COLUMNS (ord FOR ORDINALITY, id INT UNSIGNED PATH '$')) j "
        " JOIN track_artists ta ON ta.artist_id = j.id AND ta.role = 'main' "
        " JOIN tracks t ON t.id = ta.track_id AND t.available = 1) x ORDER BY x.rn, x.ord LIMIT ?",
        "si", db_ids_json(s->req->a, artists, na), (long long)count);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    merge_ids(s, ids, &n, count, &r);
    if (n < count) {
        st = db_query(s->req->db, s->req->a, &r,
            "SELECT ta.track_id FROM track_artists ta JOIN tracks t ON t.id = ta.track_id AND t.available = 1 "
            "WHERE ta.artist_id = ? AND ta.role = 'main' ORDER BY RAND() LIMIT ?", "ui", artist_id, (long long)count);
        if (st != DB_OK)
            return sub_db_fail(s, st);
        merge_ids(s, ids, &n, count, &r);
    }
    return songs_by_ids(s, out, elem, ids, n) == 0 ? SUB_OK : SUB_FAILED;
}

/* Songs like track_id: the model's neighbours by rank, then songs of the
 * same artists and of the same genre, shuffled. */
static int similar_to_track(sub_ctx *s, sub_node *out, unsigned long long track_id, size_t count)
{
    unsigned long long *ids = arena_calloc(s->req->a, count ? count : 1, sizeof *ids);
    size_t n = 0;
    db_result r;
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT nb.neighbor_id FROM rec_current c JOIN rec_track_neighbors nb ON nb.model_id = c.model_id "
        "AND nb.track_id = ? WHERE c.one = 1 AND nb.neighbor_id <> ? ORDER BY nb.rank LIMIT ?",
        "uui", track_id, track_id, (long long)count);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    merge_ids(s, ids, &n, count, &r);
    if (n < count) {
        /* Each part is bounded by an index before the shuffle. */
        st = db_query(s->req->db, s->req->a, &r,
            "SELECT c.id FROM ("
            " (SELECT ta.track_id AS id FROM track_artists ta WHERE ta.role = 'main' AND ta.artist_id IN "
            "   (SELECT ta0.artist_id FROM track_artists ta0 WHERE ta0.track_id = ? AND ta0.role = 'main') LIMIT 500) "
            " UNION (SELECT t.id FROM tracks t JOIN tracks t0 ON t0.id = ? AND t.genre_id = t0.genre_id LIMIT 500) "
            " UNION (SELECT t.id FROM tracks t0 JOIN albums a0 ON a0.id = t0.album_id "
            "   JOIN albums al ON al.genre_id = a0.genre_id JOIN tracks t ON t.album_id = al.id "
            "   WHERE t0.id = ? LIMIT 500)) c JOIN tracks tt ON tt.id = c.id AND tt.available = 1 "
            "WHERE c.id <> ? ORDER BY RAND() LIMIT ?",
            "uuuui", track_id, track_id, track_id, track_id, (long long)count);
        if (st != DB_OK)
            return sub_db_fail(s, st);
        merge_ids(s, ids, &n, count, &r);
    }
    return songs_by_ids(s, out, "song", ids, n) == 0 ? SUB_OK : SUB_FAILED;
}

/* id: a song (bare number) or an artist folder ("ar-N"). */
int sub_getSimilarSongs(sub_ctx *s)
{
    const char *text;
    unsigned long long id;
    long count;
    db_result r;
    if (sub_param_str(s, "id", &text) != 0 || sub_param_count(s, "count", 50, 500, &count) != 0)
        return SUB_FAILED;
    int artist = str_starts_with(text, "ar-");
    if (str_to_id(artist ? text + 3 : text, 4294967295ULL, &id) != 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Song not found");
    if (artist) {
        if (artist_exists(s, id) != 0)
            return SUB_FAILED;
        return similar_to_artist(s, sub_obj(s->root, "similarSongs"), "song", id, (size_t)count);
    }
    db_status st = db_query(s->req->db, s->req->a, &r, "SELECT 1 FROM tracks WHERE id = ? AND available = 1", "u", id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (r.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Song not found");
    return similar_to_track(s, sub_obj(s->root, "similarSongs"), id, (size_t)count);
}

/* id: an artist (ID3). */
int sub_getSimilarSongs2(sub_ctx *s)
{
    unsigned long long id;
    long count;
    if (artist_id_param(s, &id) != 0 || sub_param_count(s, "count", 50, 500, &count) != 0 ||
        artist_exists(s, id) != 0)
        return SUB_FAILED;
    return similar_to_artist(s, sub_obj(s->root, "similarSongs2"), "song", id, (size_t)count);
}

/* ------------------------------------------------------------ top, random, genre */

/* artist (a name) or, OpenSubsonic topSongsByArtistId, id: the artist's
 * songs most played (plays that reached 30 s or the end), then the rest. */
int sub_getTopSongs(sub_ctx *s)
{
    unsigned long long id = 0;
    long count;
    db_result r;
    const char *name = sub_param(s, "artist");
    if (sub_param(s, "id")) {
        if (artist_id_param(s, &id) != 0)
            return SUB_FAILED;
    } else if (!name) {
        return sub_fail(s, SUB_E_MISSING, "Required parameter is missing: artist");
    }
    if (sub_param_count(s, "count", 50, 500, &count) != 0)
        return SUB_FAILED;
    sub_node *out = sub_obj(s->root, "topSongs");
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT " SUB_SONG_COLS " FROM (SELECT ta.track_id, "
        "  (SELECT COUNT(DISTINCT pe.play_id) FROM play_events pe WHERE pe.track_id = ta.track_id "
        "   AND pe.event IN ('30s', 'complete')) AS plays "
        " FROM track_artists ta WHERE ta.role = 'main' AND ta.artist_id IN "
        "  (SELECT ar.id FROM artists ar WHERE ar.id = ? OR (? = 0 AND ar.name = ?))) x "
        "JOIN tracks t ON t.id = x.track_id " SUB_SONG_JOINS
        "WHERE t.available = 1 ORDER BY x.plays DESC, al.year DESC, t.album_id, t.disc_no, t.track_no, t.id LIMIT ?",
        "uusui", id, id, name ? name : "", s->user.id, (long long)count);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    for (size_t i = 0; i < r.nrows; i++)
        sub_song(s, out, "song", &r, i, 0);
    if (r.nrows == 0)
        sub_empty_list(out, "song");
    return SUB_OK;
}

/* musicFolderId: Lyre has one folder, 1; any other holds nothing. */
static int other_folder(sub_ctx *s, int *other)
{
    unsigned long long folder = 0;
    if (sub_param_opt_id(s, "musicFolderId", &folder) != 0)
        return SUB_FAILED;
    *other = folder != 0 && folder != 1;
    return 0;
}

/* Random songs with no filter: random probes into the id range, each one
 * index seek (ORDER BY RAND() would read every track of a large catalog). */
static int random_unfiltered(sub_ctx *s, sub_node *out, size_t size)
{
    db_result range, r;
    db_status st = db_query(s->req->db, s->req->a, &range, "SELECT MIN(id), MAX(id) FROM tracks WHERE available = 1", "");
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (!db_cell(&range, 0, 0))
        return songs_by_ids(s, out, "song", NULL, 0);
    unsigned long long lo = (unsigned long long)db_cell_ll(&range, 0, 0, 0);
    unsigned long long hi = (unsigned long long)db_cell_ll(&range, 0, 1, 0);
    size_t nprobe = size * 3 + 8;
    unsigned long long *probe = arena_calloc(s->req->a, nprobe, sizeof *probe);
    uint32_t *rnd = arena_calloc(s->req->a, nprobe, sizeof *rnd);
    if (crypto_random(rnd, nprobe * sizeof *rnd) != 0)
        return sub_fail(s, SUB_E_GENERIC, "No random numbers");
    for (size_t i = 0; i < nprobe; i++)
        probe[i] = lo + rnd[i] % (hi - lo + 1);
    st = db_query(s->req->db, s->req->a, &r,
        "SELECT (SELECT MIN(t.id) FROM tracks t WHERE t.id >= j.id AND t.available = 1) "
        "FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j", "s", db_ids_json(s->req->a, probe, nprobe));
    if (st != DB_OK)
        return sub_db_fail(s, st);
    unsigned long long *ids = arena_calloc(s->req->a, size ? size : 1, sizeof *ids);
    size_t n = 0;
    merge_ids(s, ids, &n, size, &r);
    if (n < size) {
        /* Ids with wide gaps (a small catalog, imports far apart): shuffle the rest. */
        st = db_query(s->req->db, s->req->a, &r,
            "SELECT t.id FROM tracks t WHERE t.available = 1 AND NOT JSON_CONTAINS(?, CAST(t.id AS CHAR)) "
            "ORDER BY RAND() LIMIT ?", "si", db_ids_json(s->req->a, ids, n), (long long)(size - n));
        if (st != DB_OK)
            return sub_db_fail(s, st);
        merge_ids(s, ids, &n, size, &r);
    }
    /* Probes into a gap all land on the id after it: shuffle so it is not always first. */
    for (size_t i = n; i > 1; i--) {
        size_t k = rnd[i % nprobe] % i;
        unsigned long long t = ids[i - 1];
        ids[i - 1] = ids[k];
        ids[k] = t;
    }
    return songs_by_ids(s, out, "song", ids, n);
}

int sub_getRandomSongs(sub_ctx *s)
{
    long size, from, to;
    int other;
    db_result r;
    const char *genre = sub_param(s, "genre");
    if (sub_param_count(s, "size", 10, 500, &size) != 0 || sub_param_long(s, "fromYear", 0, 0, 9999, &from) != 0 ||
        sub_param_long(s, "toYear", 0, 0, 9999, &to) != 0 || other_folder(s, &other) != 0)
        return SUB_FAILED;
    sub_node *out = sub_obj(s->root, "randomSongs");
    if (other || size == 0)
        return songs_by_ids(s, out, "song", NULL, 0) == 0 ? SUB_OK : SUB_FAILED;
    if (!genre && !from && !to)
        return random_unfiltered(s, out, (size_t)size) == 0 ? SUB_OK : SUB_FAILED;
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT " SUB_SONG_COLS " FROM tracks t " SUB_SONG_JOINS
        "WHERE t.available = 1 AND (? IS NULL OR g.name = ?) AND (? = 0 OR al.year >= ?) AND (? = 0 OR al.year <= ?) "
        "ORDER BY RAND() LIMIT ?", "ussiiiii", s->user.id, genre, genre, (long long)from, (long long)from,
        (long long)to, (long long)to, (long long)size);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    for (size_t i = 0; i < r.nrows; i++)
        sub_song(s, out, "song", &r, i, 0);
    if (r.nrows == 0)
        sub_empty_list(out, "song");
    return SUB_OK;
}

/* genre (a name), count, offset: in a stable order, for paging. */
int sub_getSongsByGenre(sub_ctx *s)
{
    const char *genre;
    long count, offset;
    int other;
    db_result g, r;
    if (sub_param_str(s, "genre", &genre) != 0 || sub_param_count(s, "count", 10, 500, &count) != 0 ||
        sub_param_long(s, "offset", 0, 0, 2147483647L, &offset) != 0 || other_folder(s, &other) != 0)
        return SUB_FAILED;
    sub_node *out = sub_obj(s->root, "songsByGenre");
    db_status st = db_query(s->req->db, s->req->a, &g, "SELECT id FROM genres WHERE name = ?", "s", genre);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (other || g.nrows == 0 || count == 0) {
        sub_empty_list(out, "song");
        return SUB_OK;
    }
    long long gid = db_cell_ll(&g, 0, 0, 0);
    st = db_query(s->req->db, s->req->a, &r,
        "SELECT " SUB_SONG_COLS " FROM tracks t " SUB_SONG_JOINS
        "WHERE t.available = 1 AND (t.genre_id = ? OR (t.genre_id IS NULL AND al.genre_id = ?)) "
        "ORDER BY t.id LIMIT ? OFFSET ?", "uiiii", s->user.id, gid, gid, (long long)count, (long long)offset);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    for (size_t i = 0; i < r.nrows; i++)
        sub_song(s, out, "song", &r, i, 0);
    if (r.nrows == 0)
        sub_empty_list(out, "song");
    return SUB_OK;
}

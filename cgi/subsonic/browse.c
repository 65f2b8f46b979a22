/* cgi/subsonic/browse.c — the catalog as Subsonic sees it: songs, albums
 * and artists as Child/AlbumID3/ArtistID3 elements, the system endpoints,
 * the folder view (artists -> albums -> songs) and the ID3 view. */
#include "subsonic.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ rows */

static const char *cell(const db_result *r, size_t row, size_t col)
{
    return db_cell(r, row, col);
}

static long long num(const db_result *r, size_t row, size_t col)
{
    const char *v = db_cell(r, row, col);
    return v ? strtoll(v, NULL, 10) : 0;
}

/* Seconds, rounded, from milliseconds. */
static long long secs(long long ms)
{
    return (ms + 500) / 1000;
}

sub_node *sub_song(sub_ctx *s, sub_node *parent, const char *elem, const db_result *r, size_t row, size_t c)
{
    arena *a = s->req->a;
    sub_node *n = sub_item(parent, elem);
    const char *id = cell(r, row, c + 0), *album_id = cell(r, row, c + 1);
    const char *title = cell(r, row, c + 2), *album = cell(r, row, c + 3);
    const char *artist = cell(r, row, c + 4), *artist_id = cell(r, row, c + 5);
    const char *track = cell(r, row, c + 7);
    sub_attr(n, "id", id);
    sub_attr(n, "parent", album_id);
    sub_attr_bool(n, "isDir", 0);
    sub_attr(n, "title", title);
    sub_attr(n, "album", album);
    sub_attr(n, "artist", artist);
    sub_attr_num(n, "track", track);
    sub_attr_num(n, "year", cell(r, row, c + 9));
    sub_attr(n, "genre", cell(r, row, c + 10));
    if (cell(r, row, c + 16))
        sub_attr(n, "coverArt", arena_printf(a, "tr-%s", id));
    else if (cell(r, row, c + 17))
        sub_attr(n, "coverArt", arena_printf(a, "al-%s", album_id));
    /* Every rendition is an MP3; the best one is what a plain stream sends. */
    const char *rend = cell(r, row, c + 14);
    long long kbps = 0, bytes = 0;
    if (rend) {
        char *end;
        kbps = strtoll(rend, &end, 10);
        bytes = strtoll(end, NULL, 10);
        sub_attr_int(n, "size", bytes);
    }
    sub_attr(n, "contentType", "audio/mpeg");
    sub_attr(n, "suffix", "mp3");
    sub_attr_int(n, "duration", secs(num(r, row, c + 11)));
    if (kbps > 0)
        sub_attr_int(n, "bitRate", kbps);
    sub_attr(n, "path", arena_printf(a, "%s/%s/%s%s%s.mp3", artist ? artist : "Unknown", album ? album : "",
                                     track ? track : "", track ? " - " : "", title ? title : ""));
    sub_attr_bool(n, "isVideo", 0);
    sub_attr_num(n, "userRating", cell(r, row, c + 18));
    sub_attr_num(n, "playCount", cell(r, row, c + 15) ? cell(r, row, c + 15) : "0");
    sub_attr_num(n, "discNumber", cell(r, row, c + 8));
    sub_attr_time(n, "created", cell(r, row, c + 12));
    sub_attr_time(n, "starred", cell(r, row, c + 13));
    sub_attr(n, "albumId", album_id);
    sub_attr(n, "artistId", artist_id ? artist_id : cell(r, row, c + 6));
    sub_attr(n, "type", "music");
    sub_attr_json(n, "mediaType", "song");
    return n;
}

static void album_common(sub_ctx *s, sub_node *n, const db_result *r, size_t row, size_t c)
{
    sub_attr(n, "artist", cell(r, row, c + 2));
    sub_attr(n, "artistId", cell(r, row, c + 3));
    if (cell(r, row, c + 10))
        sub_attr(n, "coverArt", arena_printf(s->req->a, "al-%s", cell(r, row, c + 0)));
    sub_attr_num(n, "year", cell(r, row, c + 7));
    sub_attr(n, "genre", cell(r, row, c + 8));
    sub_attr_time(n, "created", cell(r, row, c + 6));
    sub_attr_time(n, "starred", cell(r, row, c + 9));
    /* OpenSubsonic: AlbumID3 and folder entries carry the rating in JSON. */
    if (cell(r, row, c + 11))
        sub_attr_json_int(n, "userRating", num(r, row, c + 11));
}

sub_node *sub_album(sub_ctx *s, sub_node *parent, const char *elem, const db_result *r, size_t row, size_t c)
{
    sub_node *n = sub_item(parent, elem);
    sub_attr(n, "id", cell(r, row, c + 0));
    sub_attr(n, "name", cell(r, row, c + 1));
    album_common(s, n, r, row, c);
    sub_attr_int(n, "songCount", num(r, row, c + 4));
    sub_attr_int(n, "duration", secs(num(r, row, c + 5)));
    return n;
}

sub_node *sub_album_dir(sub_ctx *s, sub_node *parent, const char *elem, const db_result *r, size_t row, size_t c)
{
    sub_node *n = sub_item(parent, elem);
    sub_attr(n, "id", cell(r, row, c + 0));
    sub_attr(n, "parent", arena_printf(s->req->a, "ar-%s", cell(r, row, c + 3)));
    sub_attr_bool(n, "isDir", 1);
    sub_attr(n, "title", cell(r, row, c + 1));
    sub_attr(n, "album", cell(r, row, c + 1));
    album_common(s, n, r, row, c);
    sub_attr_int(n, "duration", secs(num(r, row, c + 5)));
    sub_attr(n, "albumId", cell(r, row, c + 0));
    return n;
}

static sub_node *artist_elem(sub_ctx *s, sub_node *parent, const char *elem, const char *id, const char *name,
                             long long albums, const char *starred, const char *cover_album)
{
    sub_node *n = sub_item(parent, elem);
    sub_attr(n, "id", id);
    sub_attr(n, "name", name);
    if (cover_album)
        sub_attr(n, "coverArt", arena_printf(s->req->a, "al-%s", cover_album));
    sub_attr_int(n, "albumCount", albums);
    sub_attr_time(n, "starred", starred);
    return n;
}

sub_node *sub_artist(sub_ctx *s, sub_node *parent, const char *elem, const db_result *r, size_t row, size_t c)
{
    return artist_elem(s, parent, elem, cell(r, row, c + 0), cell(r, row, c + 1), num(r, row, c + 2),
                       cell(r, row, c + 3), cell(r, row, c + 4));
}

/* ------------------------------------------------------------ catalog caches */

long long sub_catalog_version(sub_ctx *s)
{
    db_result r;
    if (db_query(s->req->db, s->req->a, &r, "SELECT version FROM catalog_state WHERE id = 1", "") != DB_OK ||
        r.nrows != 1)
        return -1;
    return db_cell_ll(&r, 0, 0, -1);
}

/* What depends only on the catalog (every artist with its album count, the
 * genres with their counts) is read once per catalog version by each
 * worker and kept in its own arena: a million-track catalog makes these
 * queries cost a large part of a second. */
typedef struct catalog_cache {
    long long version;
    int valid;
    arena a;
    db_result r;
} catalog_cache;

static db_status cached(sub_ctx *s, catalog_cache *c, const char *sql, const db_result **out)
{
    long long v = sub_catalog_version(s);
    if (v < 0)
        return DB_DOWN;
    if (!c->valid || c->version != v) {
        if (c->a.block_size == 0)
            arena_init(&c->a, 64 * 1024);
        arena_reset(&c->a);
        c->valid = 0;
        db_status st = db_query(s->req->db, &c->a, &c->r, sql, "");
        if (st != DB_OK)
            return st;
        c->version = v;
        c->valid = 1;
    }
    *out = &c->r;
    return DB_OK;
}

/* Every artist with an album: letter, id, name, album count, an album with art. */
static catalog_cache artists_cache;
#define ARTISTS_SQL \
    "SELECT ar.sort_letter, ar.id, ar.name, " \
    "(SELECT COUNT(*) FROM albums a6 WHERE a6.album_artist_id = ar.id), " \
    "(SELECT MAX(a7.id) FROM albums a7 WHERE a7.album_artist_id = ar.id AND a7.artwork_id IS NOT NULL) " \
    "FROM artists ar WHERE EXISTS (SELECT 1 FROM albums a WHERE a.album_artist_id = ar.id) " \
    "ORDER BY ar.sort_letter, ar.sort_name, ar.id"

/* The artists the user follows (starred), by id, for a binary search. */
static db_status follows(sub_ctx *s, db_result *f)
{
    return db_query(s->req->db, s->req->a, f,
                    "SELECT artist_id, created_at FROM artist_follows WHERE user_id = ? ORDER BY artist_id", "u",
                    s->user.id);
}

static const char *followed_at(const db_result *f, unsigned long long id)
{
    size_t lo = 0, hi = f->nrows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        unsigned long long v = (unsigned long long)db_cell_ll(f, mid, 0, 0);
        if (v == id)
            return db_cell(f, mid, 1);
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int sub_song_by_id(sub_ctx *s, sub_node *parent, const char *elem, unsigned long long track_id)
{
    db_result r;
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT " SUB_SONG_COLS " FROM tracks t " SUB_SONG_JOINS " WHERE t.id = ? AND t.available = 1",
        "uu", s->user.id, track_id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (r.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Song not found");
    sub_song(s, parent, elem, &r, 0, 0);
    return 0;
}

/* ------------------------------------------------------------ system */

int sub_ping(sub_ctx *s)
{
    (void)s;
    return SUB_OK;
}

int sub_getLicense(sub_ctx *s)
{
    sub_node *l = sub_obj(s->root, "license");
    sub_attr_bool(l, "valid", 1);
    if (*s->user.email)
        sub_attr(l, "email", s->user.email);
    return SUB_OK;
}

int sub_getOpenSubsonicExtensions(sub_ctx *s)
{
    static const char *const names[] = { "apiKeyAuthentication", "formPost", "songLyrics", "transcodeOffset" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        sub_node *e = sub_item(s->root, "openSubsonicExtensions");
        sub_attr(e, "name", names[i]);
        sub_item_num(e, "versions", 1);
    }
    return SUB_OK;
}

int sub_getScanStatus(sub_ctx *s)
{
    db_result r;
    db_status st = db_query(s->req->db, s->req->a, &r, "SELECT COUNT(*) FROM tracks WHERE available = 1", "");
    if (st != DB_OK)
        return sub_db_fail(s, st);
    sub_node *n = sub_obj(s->root, "scanStatus");
    sub_attr_bool(n, "scanning", 0);
    sub_attr_num(n, "count", cell(&r, 0, 0));
    return SUB_OK;
}

/* Lyre has one library: music folder 1.  Any other id finds nothing. */
static int check_folder(sub_ctx *s)
{
    long folder;
    if (sub_param_long(s, "musicFolderId", 1, -2147483647L, 2147483647L, &folder) != 0)
        return SUB_FAILED;
    if (folder != 1)
        return sub_fail(s, SUB_E_NOT_FOUND, "Music folder not found");
    return 0;
}

int sub_getMusicFolders(sub_ctx *s)
{
    sub_node *l = sub_obj(s->root, "musicFolders");
    sub_node *f = sub_item(l, "musicFolder");
    sub_attr_int(f, "id", 1);
    sub_attr(f, "name", "Music");
    return SUB_OK;
}

/* ------------------------------------------------------------ folder view */

int sub_getIndexes(sub_ctx *s)
{
    if (check_folder(s) != 0)
        return SUB_FAILED;
    long since;
    if (sub_param_long(s, "ifModifiedSince", 0, 0, 0x7fffffffffffffffL, &since) != 0)
        return SUB_FAILED;
    db_result m;
    db_status st = db_query(s->req->db, s->req->a, &m,
        "SELECT COALESCE(FLOOR(UNIX_TIMESTAMP(MAX(created_at)) * 1000), 0) FROM albums", "");
    if (st != DB_OK)
        return sub_db_fail(s, st);
    long long modified = num(&m, 0, 0);
    sub_node *ix = sub_obj(s->root, "indexes");
    sub_attr_int(ix, "lastModified", modified);
    sub_attr(ix, "ignoredArticles", "");
    if (since > 0 && since >= modified)
        return SUB_OK;
    const db_result *r;
    db_result f;
    st = cached(s, &artists_cache, ARTISTS_SQL, &r);
    if (st == DB_OK)
        st = follows(s, &f);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    sub_node *index = NULL;
    const char *letter = NULL;
    for (size_t i = 0; i < r->nrows; i++) {
        const char *l = cell(r, i, 0);
        if (!index || strcmp(l, letter) != 0) {
            index = sub_item(ix, "index");
            sub_attr(index, "name", l);
            letter = l;
        }
        sub_node *a = sub_item(index, "artist");
        sub_attr(a, "id", arena_printf(s->req->a, "ar-%s", cell(r, i, 1)));
        sub_attr(a, "name", cell(r, i, 2));
        sub_attr_time(a, "starred", followed_at(&f, (unsigned long long)num(r, i, 1)));
    }
    return SUB_OK;
}

int sub_getMusicDirectory(sub_ctx *s)
{
    const char *id;
    if (sub_param_str(s, "id", &id) != 0)
        return SUB_FAILED;
    unsigned long long n;
    db_result d, r;
    db_status st;
    if (strncmp(id, "ar-", 3) == 0) {
        if (str_to_id(id + 3, 4294967295ULL, &n) != 0)
            return sub_fail(s, SUB_E_NOT_FOUND, "Directory not found");
        st = db_query(s->req->db, s->req->a, &d,
            "SELECT ar.name, af.created_at FROM artists ar "
            "LEFT JOIN artist_follows af FORCE INDEX (PRIMARY) ON af.user_id = ? AND af.artist_id = ar.id WHERE ar.id = ?",
            "uu", s->user.id, n);
        if (st != DB_OK)
            return sub_db_fail(s, st);
        if (d.nrows == 0)
            return sub_fail(s, SUB_E_NOT_FOUND, "Directory not found");
        st = db_query(s->req->db, s->req->a, &r,
            "SELECT " SUB_ALBUM_COLS " FROM albums al " SUB_ALBUM_JOINS
            "WHERE al.album_artist_id = ? ORDER BY al.year IS NULL, al.year, al.title, al.id",
            "uu", s->user.id, n);
        if (st != DB_OK)
            return sub_db_fail(s, st);
        sub_node *dir = sub_obj(s->root, "directory");
        sub_attr(dir, "id", id);
        sub_attr(dir, "name", cell(&d, 0, 0));
        sub_attr_time(dir, "starred", cell(&d, 0, 1));
        for (size_t i = 0; i < r.nrows; i++)
            sub_album_dir(s, dir, "child", &r, i, 0);
        return SUB_OK;
    }
    if (str_to_id(id, 4294967295ULL, &n) != 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Directory not found");
    st = db_query(s->req->db, s->req->a, &d,
        "SELECT al.title, al.album_artist_id, alk.created_at FROM albums al "
        "LEFT JOIN album_likes alk FORCE INDEX (PRIMARY) ON alk.user_id = ? AND alk.album_id = al.id WHERE al.id = ?",
        "uu", s->user.id, n);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (d.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Directory not found");
    st = db_query(s->req->db, s->req->a, &r,
        "SELECT " SUB_SONG_COLS " FROM tracks t FORCE INDEX (ix_tracks_album) " SUB_SONG_JOINS
        "WHERE t.album_id = ? AND t.available = 1 ORDER BY t.disc_no, t.track_no IS NULL, t.track_no, t.id",
        "uu", s->user.id, n);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    sub_node *dir = sub_obj(s->root, "directory");
    sub_attr(dir, "id", id);
    sub_attr(dir, "parent", arena_printf(s->req->a, "ar-%s", cell(&d, 0, 1)));
    sub_attr(dir, "name", cell(&d, 0, 0));
    sub_attr_time(dir, "starred", cell(&d, 0, 2));
    for (size_t i = 0; i < r.nrows; i++)
        sub_song(s, dir, "child", &r, i, 0);
    return SUB_OK;
}

/* ------------------------------------------------------------ ID3 view */

int sub_getArtists(sub_ctx *s)
{
    if (check_folder(s) != 0)
        return SUB_FAILED;
    const db_result *r;
    db_result f;
    db_status st = cached(s, &artists_cache, ARTISTS_SQL, &r);
    if (st == DB_OK)
        st = follows(s, &f);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    sub_node *all = sub_obj(s->root, "artists");
    sub_attr(all, "ignoredArticles", "");
    sub_node *index = NULL;
    const char *letter = NULL;
    for (size_t i = 0; i < r->nrows; i++) {
        const char *l = cell(r, i, 0);
        if (!index || strcmp(l, letter) != 0) {
            index = sub_item(all, "index");
            sub_attr(index, "name", l);
            letter = l;
        }
        artist_elem(s, index, "artist", cell(r, i, 1), cell(r, i, 2), num(r, i, 3),
                    followed_at(&f, (unsigned long long)num(r, i, 1)), cell(r, i, 4));
    }
    return SUB_OK;
}

int sub_getArtist(sub_ctx *s)
{
    unsigned long long id;
    if (sub_param_id(s, "id", &id) != 0)
        return SUB_FAILED;
    db_result a, r;
    db_status st = db_query(s->req->db, s->req->a, &a,
        "SELECT " SUB_ARTIST_COLS " FROM artists ar " SUB_ARTIST_JOINS "WHERE ar.id = ?", "uu", s->user.id, id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (a.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Artist not found");
    st = db_query(s->req->db, s->req->a, &r,
        "SELECT " SUB_ALBUM_COLS " FROM albums al " SUB_ALBUM_JOINS
        "WHERE al.album_artist_id = ? ORDER BY al.year IS NULL, al.year, al.title, al.id", "uu", s->user.id, id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    sub_node *art = sub_artist(s, s->root, "artist", &a, 0, 0);
    sub_make_obj(art);
    for (size_t i = 0; i < r.nrows; i++)
        sub_album(s, art, "album", &r, i, 0);
    return SUB_OK;
}

int sub_getAlbum(sub_ctx *s)
{
    unsigned long long id;
    if (sub_param_id(s, "id", &id) != 0)
        return SUB_FAILED;
    db_result a, r;
    db_status st = db_query(s->req->db, s->req->a, &a,
        "SELECT " SUB_ALBUM_COLS " FROM albums al " SUB_ALBUM_JOINS "WHERE al.id = ?", "uu", s->user.id, id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (a.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Album not found");
    st = db_query(s->req->db, s->req->a, &r,
        "SELECT " SUB_SONG_COLS " FROM tracks t FORCE INDEX (ix_tracks_album) " SUB_SONG_JOINS
        "WHERE t.album_id = ? AND t.available = 1 ORDER BY t.disc_no, t.track_no IS NULL, t.track_no, t.id",
        "uu", s->user.id, id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    sub_node *al = sub_obj(s->root, "album");
    sub_attr(al, "id", cell(&a, 0, 0));
    sub_attr(al, "name", cell(&a, 0, 1));
    album_common(s, al, &a, 0, 0);
    /* Counted from the songs sent, so songCount always equals the list. */
    long long ms = 0;
    for (size_t i = 0; i < r.nrows; i++)
        ms += num(&r, i, 11);
    sub_attr_int(al, "songCount", (long long)r.nrows);
    sub_attr_int(al, "duration", secs(ms));
    for (size_t i = 0; i < r.nrows; i++)
        sub_song(s, al, "song", &r, i, 0);
    return SUB_OK;
}

int sub_getSong(sub_ctx *s)
{
    unsigned long long id;
    if (sub_param_id(s, "id", &id) != 0)
        return SUB_FAILED;
    db_result r;
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT " SUB_SONG_COLS " FROM tracks t " SUB_SONG_JOINS " WHERE t.id = ? AND t.available = 1",
        "uu", s->user.id, id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (r.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Song not found");
    sub_make_obj(sub_song(s, s->root, "song", &r, 0, 0));
    return SUB_OK;
}

/* Songs and albums per genre, counted in one pass over each narrow index. */
static catalog_cache genres_cache;

int sub_getGenres(sub_ctx *s)
{
    const db_result *r;
    db_status st = cached(s, &genres_cache,
        "SELECT g.name, COALESCE(ts.n, 0), COALESCE(als.n, 0) FROM genres g "
        "LEFT JOIN (SELECT genre_id, COUNT(*) AS n FROM tracks WHERE available = 1 GROUP BY genre_id) ts "
        "ON ts.genre_id = g.id "
        "LEFT JOIN (SELECT genre_id, COUNT(*) AS n FROM albums GROUP BY genre_id) als ON als.genre_id = g.id "
        "ORDER BY g.name", &r);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    sub_node *gs = sub_obj(s->root, "genres");
    for (size_t i = 0; i < r->nrows; i++) {
        sub_node *g = sub_item(gs, "genre");
        sub_attr_num(g, "songCount", cell(r, i, 1));
        sub_attr_num(g, "albumCount", cell(r, i, 2));
        sub_text(g, cell(r, i, 0));
    }
    return SUB_OK;
}

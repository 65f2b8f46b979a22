/* upsert.c — the catalog rows of one track, in one transaction.
 *
 * Artists are found by MusicBrainz id, else by name (the schema's collation
 * makes that case- and accent-insensitive); albums by MusicBrainz id, else
 * by album artist and title.  Finding and creating them is serialised over
 * every ingest process and thread by a named lock (GET_LOCK), taken before
 * the transaction starts so its reads see what the last holder committed:
 * two workers never create the same artist twice.  The lock is held for
 * the few statements of one track; decoding and encoding run outside it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crypto.h"
#include "ingest.h"
#include "sortkey.h"

#define CATALOG_LOCK "lyre.ingest.catalog"
#define CATALOG_LOCK_WAIT 60
#define ERROR_MAX 1000

static const char various_artists[] = "Various Artists";

void path_key(const char *path, char out[MEDIA_SHA_HEX])
{
    uint8_t d[CRYPTO_SHA256_LEN];
    if (crypto_sha256(path, strlen(path), d) != 0)
        memset(d, 0, sizeof d);
    hex_encode(d, sizeof d, out);
}

static int fail(strbuf *err, lyre_db *db, const char *what)
{
    sb_addf(err, "database: %s: %s", what, db_last_error(db));
    return -1;
}

/* A number, or NULL for SQL NULL. */
static const char *opt_num(arena *a, int has, double v)
{
    return has ? arena_printf(a, "%.6f", v) : NULL;
}

static const char *opt_uint(arena *a, unsigned long long v)
{
    return v != 0 ? arena_printf(a, "%llu", v) : NULL;
}

static const char *opt_str(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

/* ------------------------------------------------------------ rows */

static int find_id(lyre_db *db, arena *a, unsigned long long *id, const char *sql, const char *key)
{
    db_result r;
    *id = 0;
    if (db_query(db, a, &r, sql, "s", key) != DB_OK)
        return -1;
    if (r.nrows > 0)
        *id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    return 0;
}

static int artist_id(lyre_db *db, arena *a, const char *name, const char *sort_tag, const char *mbid,
                     unsigned long long *id, strbuf *err)
{
    db_result r;
    unsigned long long insert_id = 0;
    const char *sort_name;
    char letter[2];

    mbid = opt_str(mbid);
    if (mbid != NULL) {
        if (find_id(db, a, id, "SELECT id FROM artists WHERE mbid = ?", mbid) != 0)
            return fail(err, db, "artists");
        if (*id != 0)
            return 0;
    }
    /* A namesake without an id is this artist (and learns the id); one with
     * another id is someone else. */
    if (db_query(db, a, &r, "SELECT id, mbid FROM artists WHERE name = ? ORDER BY (mbid IS NULL) DESC, id LIMIT 1",
                 "s", name) != DB_OK)
        return fail(err, db, "artists");
    if (r.nrows > 0 && (mbid == NULL || db_cell(&r, 0, 1) == NULL)) {
        *id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
        if (mbid != NULL && db_exec(db, NULL, NULL, "UPDATE artists SET mbid = ? WHERE id = ? AND mbid IS NULL",
                                    "su", mbid, *id) != DB_OK)
            return fail(err, db, "artists");
        return 0;
    }
    sort_name = sort_tag != NULL ? sort_tag : sortkey_name(name);
    letter[0] = sortkey_letter(sort_name);
    letter[1] = '\0';
    if (db_exec(db, NULL, &insert_id, "INSERT INTO artists (name, sort_name, sort_letter, mbid) VALUES (?, ?, ?, ?)",
                "ssss", name, sort_name, letter, mbid) != DB_OK)
        return fail(err, db, "new artist");
    *id = insert_id;
    return 0;
}

static int genre_id(lyre_db *db, arena *a, const char *name, unsigned long long *id, strbuf *err)
{
    unsigned long long insert_id = 0;
    *id = 0;
    if (name == NULL)
        return 0;
    /* Look first: genres.id is small and INSERT IGNORE would use up ids. */
    if (find_id(db, a, id, "SELECT id FROM genres WHERE name = ?", name) != 0)
        return fail(err, db, "genres");
    if (*id != 0)
        return 0;
    if (db_exec(db, NULL, &insert_id, "INSERT INTO genres (name) VALUES (?)", "s", name) != DB_OK)
        return fail(err, db, "new genre");
    *id = insert_id;
    return 0;
}

static int artwork_id(lyre_db *db, arena *a, const artwork_info *art, unsigned long long *id, strbuf *err)
{
    unsigned long long insert_id = 0;
    *id = 0;
    if (art == NULL)
        return 0;
    if (find_id(db, a, id, "SELECT id FROM artwork WHERE sha256 = ?", art->sha) != 0)
        return fail(err, db, "artwork");
    if (*id != 0)
        return 0;
    if (db_exec(db, NULL, &insert_id, "INSERT INTO artwork (sha256, mime, width, height, bytes) VALUES (?, ?, ?, ?, ?)",
                "ssuuu", art->sha, art->mime, (unsigned long long)art->width, (unsigned long long)art->height,
                (unsigned long long)art->bytes) != DB_OK)
        return fail(err, db, "new artwork");
    *id = insert_id;
    return 0;
}

typedef struct album_key {
    const char *title;
    unsigned long long artist_id;
    const char *year;          /* NULL = unknown */
    const char *genre_id;
    const char *artwork_id;
    int compilation;
    const char *mbid;
    int artist_from_tag;       /* the album artist came from a tag (or a compilation flag) */
    const char *dir;           /* the source file's folder, with a trailing '/' */
} album_key;

/* Folder albums.  Files of one album sit in one folder, but their tags are not
 * always complete: some carry an album-artist tag, some only an artist (Debian's
 * wesnoth-music is like that).  Grouping by (album artist, title) alone then
 * splits the album in as many pieces as there are artists.  So, among albums with
 * the same title that already hold a track from the same folder:
 *  - a file without an album-artist tag joins the one whose artist came from a tag;
 *  - a file with one adopts those whose artist was only inferred (their tracks move
 *    to the first, which takes the tagged artist; the others, emptied, are removed).
 * Albums with a MusicBrainz id are never merged this way.  The result does not
 * depend on the order files are ingested in. */
static db_status folder_albums(lyre_db *db, arena *a, const album_key *k, int from_tag, db_result *r)
{
    unsigned long long dlen = strlen(k->dir);
    return db_query(db, a, r,
        "SELECT DISTINCT al.id FROM albums al JOIN tracks tr ON tr.album_id = al.id"
        " JOIN media_sources ms ON ms.track_id = tr.id AND ms.status = 'ok'"
        " WHERE al.title = ? AND al.mbid IS NULL AND al.album_artist_from_tag = ?"
        " AND LEFT(ms.path, ?) = ? AND LOCATE('/', ms.path, ? + 1) = 0 ORDER BY al.id",
        "suusu", k->title, (unsigned long long)from_tag, dlen, k->dir, dlen);
}

/* "/music/x/a.ogg" -> "/music/x/" */
static const char *folder_of(arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? arena_strndup(a, path, (size_t)(slash - path) + 1) : "";
}

static int adopt_folder_albums(lyre_db *db, arena *a, const album_key *k, unsigned long long *id, strbuf *err)
{
    db_result r;
    if (folder_albums(db, a, k, 0, &r) != DB_OK)
        return fail(err, db, "albums");
    if (r.nrows == 0)
        return 0;
    *id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    if (db_exec(db, NULL, NULL, "UPDATE albums SET album_artist_id = ?, album_artist_from_tag = 1 WHERE id = ?",
                "uu", k->artist_id, *id) != DB_OK)
        return fail(err, db, "albums");
    for (size_t i = 1; i < r.nrows; i++) {
        unsigned long long other = (unsigned long long)db_cell_ll(&r, i, 0, 0);
        if (db_exec(db, NULL, NULL, "UPDATE tracks SET album_id = ? WHERE album_id = ?", "uu", *id, other) != DB_OK
            || db_exec(db, NULL, NULL, "DELETE FROM albums WHERE id = ? AND NOT EXISTS"
                       " (SELECT 1 FROM tracks WHERE album_id = ?)", "uu", other, other) != DB_OK)
            return fail(err, db, "albums");
    }
    return 0;
}

static int album_id(lyre_db *db, arena *a, const album_key *k, unsigned long long *id, strbuf *err)
{
    db_result r;
    unsigned long long insert_id = 0;
    const char *mbid = opt_str(k->mbid);

    *id = 0;
    if (mbid != NULL && find_id(db, a, id, "SELECT id FROM albums WHERE mbid = ?", mbid) != 0)
        return fail(err, db, "albums");
    if (*id == 0) {
        if (db_query(db, a, &r, "SELECT id, mbid FROM albums WHERE album_artist_id = ? AND title = ?"
                     " ORDER BY (mbid IS NULL) DESC, id LIMIT 1", "us", k->artist_id, k->title) != DB_OK)
            return fail(err, db, "albums");
        if (r.nrows > 0 && (mbid == NULL || db_cell(&r, 0, 1) == NULL))
            *id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    }
    if (*id == 0 && mbid == NULL) {
        if (k->artist_from_tag) {
            if (adopt_folder_albums(db, a, k, id, err) != 0)
                return -1;
        } else {
            if (folder_albums(db, a, k, 1, &r) != DB_OK)
                return fail(err, db, "albums");
            if (r.nrows > 0)
                *id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
        }
    }
    if (*id != 0) {
        /* What the album did not know yet, it learns from this track. */
        if (db_exec(db, NULL, NULL, "UPDATE albums SET year = COALESCE(year, ?), genre_id = COALESCE(genre_id, ?),"
                    " artwork_id = COALESCE(artwork_id, ?), is_compilation = GREATEST(is_compilation, ?),"
                    " mbid = COALESCE(mbid, ?) WHERE id = ?", "sssusu", k->year, k->genre_id, k->artwork_id,
                    (unsigned long long)k->compilation, mbid, *id) != DB_OK)
            return fail(err, db, "albums");
        return 0;
    }
    if (db_exec(db, NULL, &insert_id, "INSERT INTO albums (title, album_artist_id, year, genre_id, artwork_id,"
                " is_compilation, mbid, album_artist_from_tag) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "susssusu",
                k->title, k->artist_id, k->year, k->genre_id, k->artwork_id, (unsigned long long)k->compilation,
                mbid, (unsigned long long)k->artist_from_tag) != DB_OK)
        return fail(err, db, "new album");
    *id = insert_id;
    return 0;
}

static int save_track(lyre_db *db, arena *a, const track_rows *t, unsigned long long album,
                      const char *genre, const char *artwork, unsigned long long *id, strbuf *err)
{
    const audio_tags *g = t->tags;
    const char *track_no = opt_uint(a, g->track_no);
    const char *tg = opt_num(a, g->has_track_gain, g->track_gain_db);
    const char *tp = opt_num(a, g->has_track_peak, g->track_peak);
    const char *ag = opt_num(a, g->has_album_gain, g->album_gain_db);
    const char *ap = opt_num(a, g->has_album_peak, g->album_peak);
    unsigned long long disc = g->disc_no != 0 ? g->disc_no : 1, insert_id = 0, old_album = 0;
    unsigned long long kbps = t->info->source_kbps > 65535 ? 65535 : t->info->source_kbps;
    db_result r;

    *id = 0;
    if (t->old_track_id != 0) {
        if (db_query(db, a, &r, "SELECT album_id FROM tracks WHERE id = ?", "u", t->old_track_id) != DB_OK)
            return fail(err, db, "tracks");
        if (r.nrows > 0) {
            *id = t->old_track_id;
            old_album = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
        }
    }
    if (*id != 0) {
        if (db_exec(db, NULL, NULL, "UPDATE tracks SET album_id = ?, title = ?, disc_no = ?, track_no = ?,"
                    " duration_ms = ?, genre_id = ?, mbid = ?, available = 1, replaygain_track_gain = ?,"
                    " replaygain_track_peak = ?, replaygain_album_gain = ?, replaygain_album_peak = ?,"
                    " source_format = ?, source_bitrate_kbps = ?, source_sample_rate = ?, source_channels = ?,"
                    " artwork_id = ?, updated_at = NOW(3) WHERE id = ?", "usususssssssuuusu", album, t->title, disc,
                    track_no, t->duration_ms, genre, opt_str(g->mb_track_id), tg, tp, ag, ap, t->info->codec, kbps,
                    (unsigned long long)t->info->source_rate, (unsigned long long)t->info->source_channels, artwork,
                    *id) != DB_OK)
            return fail(err, db, "tracks");
        /* The file now says another album: the old one goes if it is empty. */
        if (old_album != 0 && old_album != album
            && db_exec(db, NULL, NULL, "DELETE FROM albums WHERE id = ? AND NOT EXISTS"
                       " (SELECT 1 FROM tracks WHERE album_id = ?)", "uu", old_album, old_album) != DB_OK)
            return fail(err, db, "albums");
        return 0;
    }
    if (db_exec(db, NULL, &insert_id, "INSERT INTO tracks (album_id, title, disc_no, track_no, duration_ms, genre_id,"
                " mbid, available, replaygain_track_gain, replaygain_track_peak, replaygain_album_gain,"
                " replaygain_album_peak, source_format, source_bitrate_kbps, source_sample_rate, source_channels,"
                " artwork_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))",
                "usususssssssuuus", album, t->title, disc, track_no, t->duration_ms, genre, opt_str(g->mb_track_id),
                tg, tp, ag, ap, t->info->codec, kbps, (unsigned long long)t->info->source_rate,
                (unsigned long long)t->info->source_channels, artwork) != DB_OK)
        return fail(err, db, "new track");
    *id = insert_id;
    return 0;
}

static int save_source(lyre_db *db, const track_rows *t, unsigned long long track, strbuf *err)
{
    char key[MEDIA_SHA_HEX];
    path_key(t->path, key);
    if (db_exec(db, NULL, NULL, "INSERT INTO media_sources (path, path_sha256, size, mtime_ns, content_sha256,"
                " track_id, status, error, ingested_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 'ok', NULL, NOW(3), NOW(3))"
                " ON DUPLICATE KEY UPDATE path = VALUES(path), size = VALUES(size), mtime_ns = VALUES(mtime_ns),"
                " content_sha256 = VALUES(content_sha256), track_id = VALUES(track_id), status = 'ok', error = NULL,"
                " ingested_at = VALUES(ingested_at), updated_at = VALUES(updated_at)",
                "bsuisu", t->path, strlen(t->path), key, t->size, t->mtime_ns, t->content_sha, track) != DB_OK)
        return fail(err, db, "media_sources");
    return 0;
}

/* ------------------------------------------------------------ the track */

static int lock_catalog(lyre_db *db, arena *a, strbuf *err)
{
    db_result r;
    if (db_query(db, a, &r, "SELECT GET_LOCK('" CATALOG_LOCK "', ?)", "u",
                 (unsigned long long)CATALOG_LOCK_WAIT) != DB_OK)
        return fail(err, db, "GET_LOCK");
    if (db_cell_ll(&r, 0, 0, 0) != 1) {
        sb_adds(err, "database: the catalog stayed locked by another ingest");
        return -1;
    }
    return 0;
}

static void unlock_catalog(lyre_db *db, arena *a)
{
    db_result r;
    (void)db_query(db, a, &r, "SELECT RELEASE_LOCK('" CATALOG_LOCK "')", "");
}

int upsert_track(lyre_db *db, arena *a, const track_rows *t, unsigned long long *track_id, strbuf *err)
{
    const audio_tags *g = t->tags;
    const char *track_artist, *album_artist, *album_artist_sort, *album_artist_mbid;
    unsigned long long artist = 0, album_artist_id = 0, genre = 0, art = 0, album = 0, track = 0;
    int compilation = g->compilation, locked = 0, in_tx = 0, rc = -1;
    album_key ak;

    *track_id = 0;
    track_artist = g->artist != NULL ? g->artist : g->album_artist != NULL ? g->album_artist : "Unknown Artist";
    album_artist = g->album_artist != NULL ? g->album_artist : compilation ? various_artists : track_artist;
    if (strcasecmp(album_artist, various_artists) == 0) {
        album_artist = various_artists;
        compilation = 1;
    }
    album_artist_sort = g->album_artist_sort;
    album_artist_mbid = g->mb_album_artist_id;
    /* Without album artist tags the album is the track artist's. */
    if (g->album_artist == NULL && album_artist == track_artist) {
        album_artist_sort = g->artist_sort;
        if (album_artist_mbid[0] == '\0')
            album_artist_mbid = g->mb_artist_id;
    }

    if (lock_catalog(db, a, err) != 0)
        goto cleanup;
    locked = 1;
    if (db_begin(db) != DB_OK) {
        fail(err, db, "begin");
        goto cleanup;
    }
    in_tx = 1;
    if (artist_id(db, a, track_artist, g->artist_sort, g->mb_artist_id, &artist, err) != 0
        || artist_id(db, a, album_artist, album_artist_sort, album_artist_mbid, &album_artist_id, err) != 0
        || genre_id(db, a, g->genre, &genre, err) != 0
        || artwork_id(db, a, t->art, &art, err) != 0)
        goto cleanup;
    ak.title = g->album != NULL ? g->album : "Unknown Album";
    ak.artist_id = album_artist_id;
    ak.year = opt_uint(a, g->year);
    ak.genre_id = opt_uint(a, genre);
    ak.artwork_id = opt_uint(a, art);
    ak.compilation = compilation;
    ak.mbid = g->mb_album_id;
    ak.artist_from_tag = g->album_artist != NULL || compilation;
    ak.dir = folder_of(a, t->path);
    if (album_id(db, a, &ak, &album, err) != 0
        || save_track(db, a, t, album, ak.genre_id, ak.artwork_id, &track, err) != 0)
        goto cleanup;
    if (db_exec(db, NULL, NULL, "DELETE FROM track_artists WHERE track_id = ?", "u", track) != DB_OK
        || db_exec(db, NULL, NULL, "INSERT INTO track_artists (track_id, artist_id, role, position)"
                   " VALUES (?, ?, 'main', 0)", "uu", track, artist) != DB_OK
        || db_exec(db, NULL, NULL, "DELETE FROM renditions WHERE track_id = ?", "u", track) != DB_OK) {
        fail(err, db, "credits");
        goto cleanup;
    }
    for (size_t i = 0; i < t->nrenditions; i++) {
        const rendition_row *rr = &t->renditions[i];
        if (db_exec(db, NULL, NULL, "INSERT INTO renditions (track_id, bitrate_kbps, sample_rate, channels, sha256,"
                    " bytes, duration_ms, peak_bandwidth) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "uuuusuuu", track,
                    (unsigned long long)rr->kbps, (unsigned long long)rr->sample_rate,
                    (unsigned long long)rr->channels, rr->sha, rr->bytes, rr->duration_ms, rr->peak_bandwidth)
            != DB_OK) {
            fail(err, db, "renditions");
            goto cleanup;
        }
    }
    if (save_source(db, t, track, err) != 0)
        goto cleanup;
    if (db_commit(db) != DB_OK) {
        in_tx = 0;
        fail(err, db, "commit");
        goto cleanup;
    }
    in_tx = 0;
    *track_id = track;
    rc = 0;
cleanup:
    if (in_tx)
        (void)db_rollback(db);
    if (locked)
        unlock_catalog(db, a);
    return rc;
}

int upsert_failed_source(lyre_db *db, const char *path, unsigned long long size, long long mtime_ns,
                         const char *reason)
{
    char key[MEDIA_SHA_HEX];
    char error[ERROR_MAX + 1];

    path_key(path, key);
    /* Reasons are ASCII (quoted bytes are escaped): cutting is safe. */
    (void)str_copy(error, sizeof error, reason);
    if (db_exec(db, NULL, NULL, "INSERT INTO media_sources (path, path_sha256, size, mtime_ns, status, error,"
                " updated_at) VALUES (?, ?, ?, ?, 'failed', ?, NOW(3)) ON DUPLICATE KEY UPDATE size = VALUES(size),"
                " mtime_ns = VALUES(mtime_ns), status = 'failed', error = VALUES(error),"
                " updated_at = VALUES(updated_at)", "bsuis", path, strlen(path), key, size, mtime_ns, error) != DB_OK)
        return -1;
    return 0;
}

int upsert_relink_source(lyre_db *db, arena *a, const char *path, unsigned long long size, long long mtime_ns,
                         const char *content_sha, unsigned long long *track_id, strbuf *err)
{
    db_result r;
    unsigned long long id, track, affected = 0;
    char key[MEDIA_SHA_HEX];
    int in_tx = 0, rc = -1;

    *track_id = 0;
    if (db_query(db, a, &r, "SELECT id, track_id FROM media_sources WHERE content_sha256 = ? AND status = 'vanished'"
                 " AND track_id IS NOT NULL ORDER BY id LIMIT 1", "s", content_sha) != DB_OK)
        return fail(err, db, "media_sources");
    if (r.nrows == 0)
        return 0;
    id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    track = (unsigned long long)db_cell_ll(&r, 0, 1, 0);
    path_key(path, key);
    if (db_begin(db) != DB_OK) {
        fail(err, db, "begin");
        goto cleanup;
    }
    in_tx = 1;
    /* Another worker may hold a copy of the same file: the first one moves the row. */
    if (db_exec(db, &affected, NULL, "UPDATE media_sources SET path = ?, path_sha256 = ?, size = ?, mtime_ns = ?,"
                " status = 'ok', error = NULL, updated_at = NOW(3) WHERE id = ? AND status = 'vanished'",
                "bsuiu", path, strlen(path), key, size, mtime_ns, id) != DB_OK
        || (affected == 1
            && db_exec(db, NULL, NULL, "UPDATE tracks SET available = 1 WHERE id = ?", "u", track) != DB_OK)) {
        fail(err, db, "media_sources");
        goto cleanup;
    }
    if (db_commit(db) != DB_OK) {
        in_tx = 0;
        fail(err, db, "commit");
        goto cleanup;
    }
    in_tx = 0;
    if (affected == 1)
        *track_id = track;
    rc = affected == 1 ? 1 : 0;
cleanup:
    if (in_tx)
        (void)db_rollback(db);
    return rc;
}

int upsert_vanish(lyre_db *db, const known_source *k, strbuf *err)
{
    char key[MEDIA_SHA_HEX];
    path_key(k->path, key);
    /* The path check: a relink may have moved this row elsewhere meanwhile. */
    if (db_exec(db, NULL, NULL, "UPDATE media_sources SET status = 'vanished', updated_at = NOW(3)"
                " WHERE id = ? AND path_sha256 = ?", "us", k->id, key) != DB_OK)
        return fail(err, db, "media_sources");
    if (k->track_id != 0
        && db_exec(db, NULL, NULL, "UPDATE tracks SET available = 0 WHERE id = ? AND NOT EXISTS"
                   " (SELECT 1 FROM media_sources WHERE track_id = ? AND status = 'ok')", "uu", k->track_id,
                   k->track_id) != DB_OK)
        return fail(err, db, "tracks");
    return 0;
}

int upsert_revive(lyre_db *db, const known_source *k, strbuf *err)
{
    if (db_exec(db, NULL, NULL, "UPDATE media_sources SET status = IF(track_id IS NULL, 'failed', 'ok'),"
                " updated_at = NOW(3) WHERE id = ?", "u", k->id) != DB_OK)
        return fail(err, db, "media_sources");
    if (k->track_id != 0
        && db_exec(db, NULL, NULL, "UPDATE tracks SET available = 1 WHERE id = ?", "u", k->track_id) != DB_OK)
        return fail(err, db, "tracks");
    return 0;
}

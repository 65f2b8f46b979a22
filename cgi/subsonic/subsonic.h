/* cgi/subsonic/subsonic.h — the Subsonic/OpenSubsonic API (/rest/NAME[.view]).
 *
 * main.c is the whole dispatcher: one lyre_route catches every /rest/NAME, finds the
 * endpoint by NAME in its table, reads the common parameters (f, callback,
 * c, v), authenticates (auth.c) unless the endpoint needs none, calls the
 * handler with a fresh sub_ctx and renders s->root as XML, JSON or JSONP
 * (response.c).  Subsonic errors are answered with HTTP 200, like the
 * reference server; clients read status="failed".
 *
 * A handler builds its payload under s->root (the <subsonic-response>
 * element) with the sub_* builders and returns:
 *   SUB_OK      render the envelope (status="ok") with what is under root;
 *   SUB_FAILED  an error was recorded with sub_fail() (or a sub_param_*
 *               helper did it): render status="failed" + <error>;
 *   SUB_RAW     the handler wrote the HTTP answer itself into s->req
 *               (stream, download, getCoverArt: body, content type,
 *               headers, or a hand-off through lib/handoff.h).
 *
 * XML validity: the XSD uses xs:sequence, so children must be appended in
 * the schema's order (searchResult3: artist*, album*, song*; directory:
 * child*; indexes: shortcut*, index*, child*), and only attributes the
 * schema knows may be set with the plain sub_attr_* calls.  OpenSubsonic
 * additions (mediaType, ...) go through sub_attr_json_*: JSON only.
 *
 * All memory comes from s->req->a (the request arena): nothing to free.
 */
#ifndef LYRE_SUBSONIC_H
#define LYRE_SUBSONIC_H

#include <stddef.h>
#include "app.h"
#include "auth.h"
#include "db.h"

#define SUB_API_VERSION "1.16.1"
#define SUB_SERVER_TYPE "lyre"

enum sub_code {
    SUB_E_GENERIC = 0,
    SUB_E_MISSING = 10,      /* a required parameter is missing */
    SUB_E_CLIENT_OLD = 20,
    SUB_E_SERVER_OLD = 30,
    SUB_E_AUTH = 40,         /* wrong user name or password/token */
    SUB_E_TOKEN = 41,        /* token authentication not supported */
    SUB_E_MECHANISM = 42,    /* authentication mechanism not supported */
    SUB_E_CONFLICT = 43,     /* several mechanisms in one request */
    SUB_E_APIKEY = 44,       /* unknown API key */
    SUB_E_FORBIDDEN = 50,    /* the user may not do this */
    SUB_E_NOT_FOUND = 70,
};

enum sub_result { SUB_OK = 0, SUB_FAILED = -1, SUB_RAW = 1 };
enum sub_format { SUB_XML = 0, SUB_JSON, SUB_JSONP };

typedef struct sub_node sub_node;   /* opaque: response.c */

/* The authenticated user (filled by auth.c before the handler runs; id 0
 * for endpoints that need no authentication). */
typedef struct sub_user {
    unsigned long long id;           /* users.id */
    const char *username;
    const char *email;               /* may be "" */
    enum user_role role;
    unsigned long long app_password_id;  /* app_passwords.id that signed in */
} sub_user;

typedef struct sub_ctx {
    lyre_req *req;
    enum sub_format format;
    const char *callback;            /* JSONP function name (validated) */
    const char *client;              /* c (never NULL; "" if absent) */
    const char *version;             /* v (never NULL; "" if absent) */
    sub_user user;
    sub_node *root;                  /* <subsonic-response>: append payload here */
    int error_code;                  /* set by sub_fail */
    const char *error_message;
} sub_ctx;

typedef int (*sub_handler)(sub_ctx *s);

/* ------------------------------------------------------------ errors */

/* Record the error answer; returns SUB_FAILED so handlers can
 * `return sub_fail(s, SUB_E_NOT_FOUND, "Album not found");`. */
int sub_fail(sub_ctx *s, int code, const char *message);
/* A database failure: logged, answered as error 0.  Returns SUB_FAILED. */
int sub_db_fail(sub_ctx *s, db_status st);

/* ------------------------------------------------------------ parameters
 * From the query string and, for form POSTs (OpenSubsonic formPost), the
 * body; query first.  Every helper that fails has already called sub_fail
 * and returns SUB_FAILED; 0 on success. */

/* First value or NULL. */
const char *sub_param(const sub_ctx *s, const char *name);
/* Every value of a repeated parameter (id=1&id=2), in order; *out NULL when
 * none.  Returns the count. */
size_t sub_params(const sub_ctx *s, const char *name, const char ***out);

/* Required string: missing -> error 10.  An empty value counts as present. */
int sub_param_str(sub_ctx *s, const char *name, const char **out);
/* Required id (decimal 1..2^32-1): missing -> 10, not an id -> 70 (nothing
 * can have that id). */
int sub_param_id(sub_ctx *s, const char *name, unsigned long long *out);
/* Optional id: *out = 0 when absent; malformed -> 70. */
int sub_param_opt_id(sub_ctx *s, const char *name, unsigned long long *out);
/* Every value of a repeated id parameter; at least `min` of them (else 10);
 * a malformed one -> 70.  *out in the arena. */
int sub_param_ids(sub_ctx *s, const char *name, size_t min, unsigned long long **out, size_t *n);
/* Optional integer in [min,max]: absent -> dflt; not a number or out of
 * range -> error 0 "Invalid value for NAME". */
int sub_param_long(sub_ctx *s, const char *name, long dflt, long min, long max, long *out);
/* Required integer in [min,max]: missing -> 10, bad -> 0. */
int sub_param_long_req(sub_ctx *s, const char *name, long min, long max, long *out);
/* A count such as size/songCount: absent -> dflt; larger than max -> max
 * (clients ask for more than servers give); negative or not a number -> 0. */
int sub_param_count(sub_ctx *s, const char *name, long dflt, long max, long *out);
/* Optional boolean "true"/"false" (also 1/0): absent -> dflt; else -> 0. */
int sub_param_bool(sub_ctx *s, const char *name, int dflt, int *out);

/* ------------------------------------------------------------ response tree */

/* An element that appears at most once under its parent: a JSON object. */
sub_node *sub_obj(sub_node *parent, const char *name);
/* An element that may repeat (maxOccurs unbounded): in JSON every one of
 * them under `parent` goes into one array named `name`, even when alone. */
sub_node *sub_item(sub_node *parent, const char *name);
/* Make an element made by sub_item (or sub_song, sub_album, sub_artist) a
 * single object: the payload of getSong is one <song>, not a list. */
void sub_make_obj(sub_node *n);
/* An empty list in JSON ("song": []): XML writes nothing.  Use for lists a
 * client expects to find even when there is nothing in them. */
void sub_empty_list(sub_node *parent, const char *name);
/* A repeated element holding only text (allowedUser, folder, versions):
 * XML <name>text</name>, JSON an array of strings (or numbers for _num). */
void sub_item_text(sub_node *parent, const char *name, const char *text);
void sub_item_num(sub_node *parent, const char *name, long long v);
/* A single element holding only text (artistInfo2's biography,
 * musicBrainzId, *ImageUrl): XML <name>text</name>, JSON "name": "text".
 * Nothing when text is NULL. */
void sub_text_elem(sub_node *parent, const char *name, const char *text);

/* Attributes.  NULL string values are skipped (so a SQL NULL cell leaves
 * the attribute out).  Names must be the schema's. */
void sub_attr(sub_node *n, const char *name, const char *value);
void sub_attr_int(sub_node *n, const char *name, long long v);
void sub_attr_bool(sub_node *n, const char *name, int v);
/* A number held as a string (a db cell): unquoted in JSON; skipped when
 * NULL, "", or not a decimal number. */
void sub_attr_num(sub_node *n, const char *name, const char *digits);
void sub_attr_double(sub_node *n, const char *name, double v);
/* A database DATETIME ("2026-11-25 14:00:00[.123]", UTC) as xs:dateTime
 * ("2026-11-25T14:00:00.123Z"); skipped when NULL. */
void sub_attr_time(sub_node *n, const char *name, const char *db_datetime);
/* OpenSubsonic additions the 1.16.1 schema does not know: JSON only. */
void sub_attr_json(sub_node *n, const char *name, const char *value);
void sub_attr_json_int(sub_node *n, const char *name, long long v);
void sub_attr_json_bool(sub_node *n, const char *name, int v);
/* Text content: XML element text, JSON field "value". */
void sub_text(sub_node *n, const char *text);

/* ------------------------------------------------------------ catalog rows
 * Ids: song, album and artist ids are the catalog's numeric ids.  Folder
 * view (getIndexes/getMusicDirectory): an artist directory is "ar-<id>",
 * an album directory is the album id itself, so a song's parent (its album
 * id) is also the directory that lists it.  The one music folder has id 1.
 * coverArt ids are "al-<album id>" (the album's artwork) and "tr-<track id>"
 * (a track's own artwork, falling back to its album's); getCoverArt accepts
 * both, and a bare number as an album id.
 * coverArt is left out when there is no artwork.
 * Unavailable tracks (tracks.available = 0) are left out everywhere: add
 * "t.available = 1" to your WHERE.
 * getOpenSubsonicExtensions (browse.c) advertises apiKeyAuthentication,
 * formPost, songLyrics and transcodeOffset (media.c). */

/* Song columns for sub_song(), used as
 *   "SELECT " SUB_SONG_COLS " FROM tracks t " SUB_SONG_JOINS " WHERE ..."
 * SUB_SONG_JOINS has ONE parameter, the user id for `starred`: bind it
 * ('u', s->user.id) before the WHERE clause's own parameters.  Extra
 * columns of your own may come before SUB_SONG_COLS (pass their count as
 * col0) or after (they start at col0 + SUB_SONG_NCOLS).  Aliases used:
 * t (tracks), al (albums), g (genres), tl (likes), and su, sta, sar, stp,
 * srd, srt (keep them free in your queries).  The one parameter is read
 * once, as the one-row table su, and used for the likes and the ratings
 * (db/0015) of the user.  The song's artist is its main artist
 * at position 0 (ingest and demo write exactly one).  The likes are joined
 * FORCE INDEX (PRIMARY): left alone, MariaDB may read them through
 * (user_id, created_at) and scan every like of the user for each row. */
#define SUB_SONG_COLS \
    "t.id, t.album_id, t.title, al.title, sar.name, sta.artist_id, " \
    "al.album_artist_id, t.track_no, t.disc_no, al.year, g.name, " \
    "t.duration_ms, t.created_at, tl.created_at, " \
    "(SELECT CONCAT(srd.bitrate_kbps, ' ', srd.bytes) FROM renditions srd WHERE srd.track_id = t.id " \
    " ORDER BY srd.bitrate_kbps DESC LIMIT 1), " \
    "stp.plays, t.artwork_id, al.artwork_id, srt.rating"
#define SUB_SONG_NCOLS 19
#define SUB_SONG_JOINS \
    "JOIN (SELECT ? AS suid) su " \
    "JOIN albums al ON al.id = t.album_id " \
    "LEFT JOIN genres g ON g.id = COALESCE(t.genre_id, al.genre_id) " \
    "LEFT JOIN track_artists sta ON sta.track_id = t.id AND sta.role = 'main' AND sta.position = 0 " \
    "LEFT JOIN artists sar ON sar.id = sta.artist_id " \
    "LEFT JOIN track_plays stp ON stp.track_id = t.id " \
    "LEFT JOIN track_likes tl FORCE INDEX (PRIMARY) ON tl.user_id = su.suid AND tl.track_id = t.id " \
    "LEFT JOIN ratings srt ON srt.user_id = su.suid AND srt.item_kind = 'track' AND srt.item_id = t.id "
/* Append a Child element named elem ("song", "child", "entry") for row r
 * of a SUB_SONG_COLS query starting at column col0. */
sub_node *sub_song(sub_ctx *s, sub_node *parent, const char *elem, const db_result *r, size_t row, size_t col0);

/* Album columns for sub_album() (AlbumID3: id, name, artist, artistId,
 * coverArt, songCount, duration, created, year, genre, starred):
 *   "SELECT " SUB_ALBUM_COLS " FROM albums al " SUB_ALBUM_JOINS " WHERE ..."
 * SUB_ALBUM_JOINS has ONE parameter, the user id ('u') for `starred`.
 * Aliases: al (albums), ar (album artist), g (genres), alk (album likes),
 * sua, sra (the user, their rating of the album). */
#define SUB_ALBUM_COLS \
    "al.id, al.title, ar.name, al.album_artist_id, " \
    "(SELECT COUNT(*) FROM tracks t4 WHERE t4.album_id = al.id AND t4.available = 1), " \
    "(SELECT COALESCE(SUM(t5.duration_ms), 0) FROM tracks t5 WHERE t5.album_id = al.id AND t5.available = 1), " \
    "al.created_at, al.year, g.name, alk.created_at, al.artwork_id, sra.rating"
#define SUB_ALBUM_NCOLS 12
#define SUB_ALBUM_JOINS \
    "JOIN (SELECT ? AS suid) sua " \
    "JOIN artists ar ON ar.id = al.album_artist_id " \
    "LEFT JOIN genres g ON g.id = al.genre_id " \
    "LEFT JOIN album_likes alk FORCE INDEX (PRIMARY) ON alk.user_id = sua.suid AND alk.album_id = al.id " \
    "LEFT JOIN ratings sra ON sra.user_id = sua.suid AND sra.item_kind = 'album' AND sra.item_id = al.id "
/* Append an AlbumID3 element named elem ("album") for row r (AlbumID3). */
sub_node *sub_album(sub_ctx *s, sub_node *parent, const char *elem, const db_result *r, size_t row, size_t col0);
/* The same row as a Child directory entry (isDir=true, parent "ar-<id>"). */
sub_node *sub_album_dir(sub_ctx *s, sub_node *parent, const char *elem, const db_result *r, size_t row, size_t col0);

/* Artist columns for sub_artist() (ArtistID3: id, name, coverArt,
 * albumCount, starred):
 *   "SELECT " SUB_ARTIST_COLS " FROM artists ar " SUB_ARTIST_JOINS " WHERE ..."
 * SUB_ARTIST_JOINS has ONE parameter, the user id ('u') for `starred`
 * (followed artists).  Aliases: ar (artists), af (artist follows). */
#define SUB_ARTIST_COLS \
    "ar.id, ar.name, " \
    "(SELECT COUNT(*) FROM albums a6 WHERE a6.album_artist_id = ar.id), af.created_at, " \
    "(SELECT MAX(a7.id) FROM albums a7 WHERE a7.album_artist_id = ar.id AND a7.artwork_id IS NOT NULL)"
#define SUB_ARTIST_NCOLS 5
#define SUB_ARTIST_JOINS \
    "LEFT JOIN artist_follows af FORCE INDEX (PRIMARY) ON af.user_id = ? AND af.artist_id = ar.id "
/* Append an ArtistID3 element named elem ("artist") for row r. */
sub_node *sub_artist(sub_ctx *s, sub_node *parent, const char *elem, const db_result *r, size_t row, size_t col0);

/* The catalog version (db/0004: moves with every change to artists, albums,
 * tracks, credits, genres), for caches kept by catalog version; -1 when it
 * cannot be read. */
long long sub_catalog_version(sub_ctx *s);

/* Run "SELECT SUB_SONG_COLS ... WHERE t.id = ?" for one song and append it;
 * SUB_FAILED with 70 when there is no such (available) track. */
int sub_song_by_id(sub_ctx *s, sub_node *parent, const char *elem, unsigned long long track_id);

/* ------------------------------------------------------------ framework (main.c, response.c) */

/* An empty <subsonic-response> for a new request. */
sub_node *sub_root_new(arena *a);
/* Write s's answer into s->req: the envelope (status, version and the
 * OpenSubsonic type/serverVersion/openSubsonic) with the payload, or, when
 * failed, only <error code message>.  HTTP status 200. */
void sub_render(sub_ctx *s, int failed);

/* ------------------------------------------------------------ authentication (auth.c) */

/* Authenticate the request (u+p, u+t+s, apiKey; throttled like login);
 * fills s->user.  0, or SUB_FAILED with the error recorded (40, 41, 43,
 * 44, 10 when u or every credential is missing). */
int sub_authenticate(sub_ctx *s);

/* ------------------------------------------------------------ handlers
 * Every endpoint; main.c's table maps NAME to one of these. */

/* browse.c (sub) */
int sub_ping(sub_ctx *s);
int sub_getLicense(sub_ctx *s);
int sub_getOpenSubsonicExtensions(sub_ctx *s);
int sub_getMusicFolders(sub_ctx *s);
int sub_getIndexes(sub_ctx *s);
int sub_getMusicDirectory(sub_ctx *s);
int sub_getArtists(sub_ctx *s);
int sub_getArtist(sub_ctx *s);
int sub_getAlbum(sub_ctx *s);
int sub_getSong(sub_ctx *s);
int sub_getGenres(sub_ctx *s);
int sub_getScanStatus(sub_ctx *s);
/* lists.c (sub) */
int sub_getAlbumList(sub_ctx *s);
int sub_getAlbumList2(sub_ctx *s);
/* search.c (sub) */
int sub_search2(sub_ctx *s);
int sub_search3(sub_ctx *s);

/* media.c (sub2) */
int sub_stream(sub_ctx *s);
int sub_download(sub_ctx *s);
int sub_getCoverArt(sub_ctx *s);
int sub_getLyricsBySongId(sub_ctx *s);
int sub_getLyrics(sub_ctx *s);
/* library.c (sub2) */
int sub_scrobble(sub_ctx *s);
int sub_getPlaylists(sub_ctx *s);
int sub_getPlaylist(sub_ctx *s);
int sub_createPlaylist(sub_ctx *s);
int sub_updatePlaylist(sub_ctx *s);
int sub_deletePlaylist(sub_ctx *s);
int sub_star(sub_ctx *s);
int sub_unstar(sub_ctx *s);
int sub_setRating(sub_ctx *s);
int sub_getStarred(sub_ctx *s);
int sub_getStarred2(sub_ctx *s);
int sub_getPlayQueue(sub_ctx *s);
int sub_savePlayQueue(sub_ctx *s);
int sub_getUser(sub_ctx *s);
int sub_getNowPlaying(sub_ctx *s);
/* discover.c (sub2) */
int sub_getSimilarSongs(sub_ctx *s);
int sub_getSimilarSongs2(sub_ctx *s);
int sub_getArtistInfo(sub_ctx *s);
int sub_getArtistInfo2(sub_ctx *s);
int sub_getAlbumInfo(sub_ctx *s);
int sub_getAlbumInfo2(sub_ctx *s);
int sub_getTopSongs(sub_ctx *s);
int sub_getRandomSongs(sub_ctx *s);
int sub_getSongsByGenre(sub_ctx *s);

#endif

/* library.c — what a listener keeps, through the Subsonic API: scrobbles
 * and "now playing", playlists, stars, ratings, the play queue and the
 * account (getUser).  Everything is the web's own data:
 * - a scrobble is the play events the web player writes (start and complete,
 *   client 'subsonic'), so history, statistics and recommendations count it;
 * - playlists are the web's playlists: the same rights (owner; collaborators
 *   while collaborative; public ones readable), and every change bumps the
 *   version and writes playlist_edits as cgi/playlists does, so a page open
 *   in a browser sees its edit refused (409) instead of overwriting;
 * - stars are likes (songs), saved albums and followed artists;
 * - ratings, the play queue and now-playing are db/0015's tables.
 * Ids: songs are bare numbers; albums bare numbers in albumId, "al-N" in id;
 * artists bare numbers in artistId, "ar-N" in id (the folder ids). */
#include "subsonic.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "entitlement.h"
#include "log.h"

#define PL_MAX_ITEMS 10000
#define PL_NAME_MAX 100
#define PL_COMMENT_MAX 300
#define QUEUE_MAX_ITEMS 10000
#define CLIENT_MAX 64
#define STARRED_MAX 10000

/* ------------------------------------------------------------ small helpers */

/* The client name (c) cut to what the tables hold, on a character boundary. */
static const char *client_name(sub_ctx *s)
{
    const char *c = s->client && *s->client ? s->client : "subsonic";
    size_t n = strlen(c);
    if (n <= CLIENT_MAX)
        return c;
    n = CLIENT_MAX;
    while (n > 0 && ((unsigned char)c[n] & 0xC0) == 0x80)
        n--;
    return arena_strndup(s->req->a, c, n);
}

/* 1 when the user paused their listening history (users.history_paused). */
static int history_paused(sub_ctx *s, db_status *st)
{
    db_result r;
    *st = db_query(s->req->db, s->req->a, &r, "SELECT history_paused FROM users WHERE id = ?", "u", s->user.id);
    return *st == DB_OK && r.nrows && db_cell_ll(&r, 0, 0, 0) != 0;
}

/* Every id names an available track (else 70); *ms gets their total length. */
static int check_songs(sub_ctx *s, const unsigned long long *ids, size_t n, long long *ms)
{
    db_result r;
    *ms = 0;
    if (n == 0)
        return 0;
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT j.id, t.duration_ms FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) j "
        "LEFT JOIN tracks t ON t.id = j.id AND t.available = 1", "s", db_ids_json(s->req->a, ids, n));
    if (st != DB_OK)
        return sub_db_fail(s, st);
    for (size_t i = 0; i < r.nrows; i++) {
        if (!db_cell(&r, i, 1))
            return sub_fail(s, SUB_E_NOT_FOUND, arena_printf(s->req->a, "Song %s not found", db_cell(&r, i, 0)));
        *ms += db_cell_ll(&r, i, 1, 0);
    }
    return 0;
}

/* An id of the folder scheme: "ar-N" (artist), "al-N" (album) or a bare
 * number (dflt: what a bare number means here). */
static int parse_item_id(const char *text, char dflt, char *kind, unsigned long long *id)
{
    *kind = dflt;
    if (str_starts_with(text, "ar-") || str_starts_with(text, "al-")) {
        *kind = text[1] == 'r' ? 'a' : 'l';
        text += 3;
    }
    return str_to_id(text, 4294967295ULL, id);
}

/* ------------------------------------------------------------ scrobble, now playing */

/* A scrobble's play id: the same (user, song, time) is the same play, so a
 * client that sends it again adds nothing (play_events' unique key). */
static const char *scrobble_play_id(sub_ctx *s, unsigned long long track_id, long long time_ms)
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    char hex[2 * CRYPTO_SHA256_LEN + 1];
    const char *key = arena_printf(s->req->a, "subsonic|%llu|%llu|%lld", s->user.id, track_id, time_ms);
    if (crypto_sha256(key, strlen(key), digest) != 0)
        return NULL;
    hex_encode(digest, sizeof digest, hex);
    return arena_strndup(s->req->a, hex, 32);
}

static int record_play(sub_ctx *s, unsigned long long uid, unsigned long long track_id, long long time_ms,
                       long long duration_ms)
{
    const char *play_id = scrobble_play_id(s, track_id, time_ms);
    if (!play_id)
        return sub_fail(s, SUB_E_GENERIC, "The play could not be recorded");
    /* Started at `time`, completed a song's length later (never in the future). */
    db_status st = db_exec(s->req->db, NULL, NULL,
        "INSERT INTO play_events (play_id, user_id, track_id, event, position_ms, client, created_at) "
        "VALUES (?, NULLIF(?, 0), ?, 'start', 0, 'subsonic', FROM_UNIXTIME(? / 1000))",
        "suui", play_id, uid, track_id, time_ms);
    if (st == DB_DUPLICATE)
        st = DB_OK;
    if (st == DB_OK)
        st = db_exec(s->req->db, NULL, NULL,
            "INSERT INTO play_events (play_id, user_id, track_id, event, position_ms, client, created_at) "
            "VALUES (?, NULLIF(?, 0), ?, 'complete', ?, 'subsonic', "
            "GREATEST(FROM_UNIXTIME(? / 1000), LEAST(FROM_UNIXTIME(? / 1000), NOW(3))))",
            "suuiii", play_id, uid, track_id, duration_ms, time_ms, time_ms + duration_ms);
    if (st == DB_DUPLICATE)
        st = DB_OK;
    return st == DB_OK ? 0 : sub_db_fail(s, st);
}

int sub_scrobble(sub_ctx *s)
{
    unsigned long long *ids;
    size_t n;
    const char **times = NULL;
    int submission;
    db_result r;
    db_status st;
    if (sub_param_ids(s, "id", 1, &ids, &n) != 0 || sub_param_bool(s, "submission", 1, &submission) != 0)
        return SUB_FAILED;
    size_t ntimes = sub_params(s, "time", &times);
    long long now_ms = (long long)time(NULL) * 1000;
    long long *at = arena_calloc(s->req->a, n, sizeof *at);
    for (size_t i = 0; i < n; i++) {
        long v;
        at[i] = now_ms;
        if (i < ntimes && str_to_long(times[i], 0, 9000000000000000L, &v) != 0)
            return sub_fail(s, SUB_E_GENERIC, "Invalid value for time");
        if (i < ntimes && v < now_ms)
            at[i] = v;
    }
    int paused = history_paused(s, &st);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    for (size_t i = 0; i < n; i++) {
        st = db_query(s->req->db, s->req->a, &r, "SELECT duration_ms FROM tracks WHERE id = ?", "u", ids[i]);
        if (st != DB_OK)
            return sub_db_fail(s, st);
        if (r.nrows == 0)
            return sub_fail(s, SUB_E_NOT_FOUND, "Song not found");
        if (!submission) {
            /* Now playing: nothing kept of someone who paused their history. */
            if (!paused && i + 1 == n) {
                st = db_exec(s->req->db, NULL, NULL,
                    "INSERT INTO now_playing (user_id, client, track_id, started_at) VALUES (?, ?, ?, NOW(3)) "
                    "ON DUPLICATE KEY UPDATE track_id = VALUES(track_id), started_at = VALUES(started_at)",
                    "usu", s->user.id, client_name(s), ids[i]);
                if (st != DB_OK)
                    return sub_db_fail(s, st);
            }
            continue;
        }
        /* A listener who paused their history still counts for popularity (as the web player). */
        if (record_play(s, paused ? 0ULL : s->user.id, ids[i], at[i], db_cell_ll(&r, 0, 0, 0)) != 0)
            return SUB_FAILED;
    }
    return SUB_OK;
}

/* Only the caller's own devices: Lyre shows nobody what someone else is playing. */
int sub_getNowPlaying(sub_ctx *s)
{
    db_result r;
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT " SUB_SONG_COLS ", u.username, TIMESTAMPDIFF(MINUTE, np.started_at, NOW(3)), np.id, np.client "
        "FROM now_playing np JOIN users u ON u.id = np.user_id JOIN tracks t ON t.id = np.track_id "
        SUB_SONG_JOINS
        "WHERE np.user_id = ? AND t.available = 1 "
        "AND np.started_at > NOW(3) - INTERVAL (t.duration_ms DIV 1000 + 300) SECOND "
        "ORDER BY np.started_at DESC", "uu", s->user.id, s->user.id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    sub_node *list = sub_obj(s->root, "nowPlaying");
    for (size_t i = 0; i < r.nrows; i++) {
        sub_node *e = sub_song(s, list, "entry", &r, i, 0);
        sub_attr(e, "username", db_cell(&r, i, SUB_SONG_NCOLS));
        sub_attr_int(e, "minutesAgo", db_cell_ll(&r, i, SUB_SONG_NCOLS + 1, 0));
        sub_attr_int(e, "playerId", db_cell_ll(&r, i, SUB_SONG_NCOLS + 2, 0));
        sub_attr(e, "playerName", db_cell(&r, i, SUB_SONG_NCOLS + 3));
    }
    if (r.nrows == 0)
        sub_empty_list(list, "entry");
    return SUB_OK;
}

/* ------------------------------------------------------------ playlists */

enum pl_role { PL_NONE, PL_VIEWER, PL_COLLAB, PL_OWNER };

typedef struct pl_row {
    unsigned long long id, owner_id, version, count, duration_ms;
    int is_public, is_collaborative;
    enum pl_role role;
} pl_row;

/* Playlist id with the caller's role; lock: FOR UPDATE inside the open
 * transaction (every edit takes it first, as cgi/playlists does).  70 when
 * it does not exist or the caller may not see it. */
static int pl_get(sub_ctx *s, unsigned long long id, int lock, pl_row *p)
{
    db_result r, c;
    memset(p, 0, sizeof *p);
    db_status st = db_query(s->req->db, s->req->a, &r, lock
        ? "SELECT owner_id, version, track_count, duration_ms, is_public, is_collaborative FROM playlists WHERE id = ? FOR UPDATE"
        : "SELECT owner_id, version, track_count, duration_ms, is_public, is_collaborative FROM playlists WHERE id = ?",
        "u", id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (r.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Playlist not found");
    p->id = id;
    p->owner_id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    p->version = (unsigned long long)db_cell_ll(&r, 0, 1, 1);
    p->count = (unsigned long long)db_cell_ll(&r, 0, 2, 0);
    p->duration_ms = (unsigned long long)db_cell_ll(&r, 0, 3, 0);
    p->is_public = db_cell_ll(&r, 0, 4, 0) != 0;
    p->is_collaborative = db_cell_ll(&r, 0, 5, 0) != 0;
    if (p->owner_id == s->user.id) {
        p->role = PL_OWNER;
        return 0;
    }
    st = db_query(s->req->db, s->req->a, &c,
        "SELECT 1 FROM playlist_collaborators WHERE playlist_id = ? AND user_id = ?", "uu", id, s->user.id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    p->role = c.nrows ? PL_COLLAB : p->is_public ? PL_VIEWER : PL_NONE;
    if (p->role == PL_NONE)
        return sub_fail(s, SUB_E_NOT_FOUND, "Playlist not found");
    return 0;
}

static int pl_can_edit(const pl_row *p)
{
    return p->role == PL_OWNER || (p->role == PL_COLLAB && p->is_collaborative);
}

/* One change in the open transaction: counts, version + 1, an edit row
 * (cgi/playlists' pl_bump, which this program cannot link). */
static db_status pl_bump(sub_ctx *s, pl_row *p, const char *action, unsigned long long track_id,
                         const char *detail, long long dcount, long long dms)
{
    long long count = (long long)p->count + dcount;
    long long ms = (long long)p->duration_ms + dms;
    db_status st = db_exec(s->req->db, NULL, NULL,
        "UPDATE playlists SET track_count = ?, duration_ms = ?, version = version + 1, "
        "updated_at = CURRENT_TIMESTAMP(3) WHERE id = ?", "iiu", count < 0 ? 0 : count, ms < 0 ? 0 : ms, p->id);
    if (st != DB_OK)
        return st;
    p->version++;
    p->count = (unsigned long long)(count < 0 ? 0 : count);
    p->duration_ms = (unsigned long long)(ms < 0 ? 0 : ms);
    return db_exec(s->req->db, NULL, NULL,
        "INSERT INTO playlist_edits (playlist_id, user_id, action, track_id, detail, version) VALUES (?, ?, ?, ?, ?, ?)",
        "uusssu", p->id, s->user.id, action, track_id ? arena_printf(s->req->a, "%llu", track_id) : NULL,
        detail, p->version);
}

/* "12 songs, from DSub" for the edit log the web shows. */
static const char *edit_detail(sub_ctx *s, size_t n)
{
    const char *d = arena_printf(s->req->a, "%zu song%s, from %s", n, n == 1 ? "" : "s", client_name(s));
    return strlen(d) > 250 ? arena_strndup(s->req->a, d, 250) : d;
}

/* Trimmed text of a name or comment; NULL with the error recorded when it
 * holds control characters, is too long, or is an empty name. */
static const char *pl_text(sub_ctx *s, const char *v, size_t max, int required, const char *what)
{
    while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
        v++;
    size_t len = strlen(v), chars = 0;
    while (len > 0 && strchr(" \t\r\n", v[len - 1]))
        len--;
    char *t = arena_strndup(s->req->a, v, len);
    for (const unsigned char *c = (const unsigned char *)t; *c; c++) {
        if (*c < 0x20 || *c == 0x7F) {
            sub_fail(s, SUB_E_GENERIC, arena_printf(s->req->a, "The %s cannot hold control characters", what));
            return NULL;
        }
        chars += (*c & 0xC0) != 0x80;
    }
    if (required && len == 0) {
        sub_fail(s, SUB_E_GENERIC, "Give the playlist a name");
        return NULL;
    }
    if (chars > max) {
        sub_fail(s, SUB_E_GENERIC, arena_printf(s->req->a, "The %s can be at most %zu characters long", what, max));
        return NULL;
    }
    return t;
}

#define PLAYLIST_COLS \
    "p.id, p.name, p.description, u.username, p.is_public, p.track_count, p.duration_ms, p.created_at, " \
    "p.updated_at, (SELECT GROUP_CONCAT(cu.username ORDER BY cu.username SEPARATOR ',') " \
    " FROM playlist_collaborators c JOIN users cu ON cu.id = c.user_id WHERE c.playlist_id = p.id), " \
    "(p.cover_sha256 IS NOT NULL OR EXISTS (SELECT 1 FROM playlist_items ci JOIN tracks ct ON ct.id = ci.track_id " \
    " JOIN albums ca ON ca.id = ct.album_id WHERE ci.playlist_id = p.id AND ca.artwork_id IS NOT NULL))"

/* A Playlist element from a PLAYLIST_COLS row (count, ms < 0: the row's). */
static sub_node *playlist_node(sub_ctx *s, sub_node *pl, const db_result *r, size_t i, long long count, long long ms)
{
    sub_attr(pl, "id", db_cell(r, i, 0));
    sub_attr(pl, "name", db_cell(r, i, 1));
    if (db_cell(r, i, 2) && *db_cell(r, i, 2))
        sub_attr(pl, "comment", db_cell(r, i, 2));
    sub_attr(pl, "owner", db_cell(r, i, 3));
    sub_attr_bool(pl, "public", db_cell_ll(r, i, 4, 0) != 0);
    sub_attr_int(pl, "songCount", count >= 0 ? count : db_cell_ll(r, i, 5, 0));
    sub_attr_int(pl, "duration", (ms >= 0 ? ms : db_cell_ll(r, i, 6, 0)) / 1000);
    sub_attr_time(pl, "created", db_cell(r, i, 7));
    sub_attr_time(pl, "changed", db_cell(r, i, 8));
    if (db_cell_ll(r, i, 10, 0))
        sub_attr(pl, "coverArt", arena_printf(s->req->a, "pl-%s", db_cell(r, i, 0)));
    const char *users = db_cell(r, i, 9);
    while (users && *users) {
        size_t len = strcspn(users, ",");
        sub_item_text(pl, "allowedUser", arena_strndup(s->req->a, users, len));
        users += len + (users[len] == ',');
    }
    return pl;
}

int sub_getPlaylists(sub_ctx *s)
{
    unsigned long long uid = s->user.id;
    const char *username = sub_param(s, "username");
    db_result r;
    if (username && strcmp(username, s->user.username) != 0) {
        if (s->user.role != ROLE_ADMIN)
            return sub_fail(s, SUB_E_FORBIDDEN, "Only admins can list another user's playlists");
        db_status st = db_query(s->req->db, s->req->a, &r, "SELECT id FROM users WHERE username = ?", "s", username);
        if (st != DB_OK)
            return sub_db_fail(s, st);
        if (r.nrows == 0)
            return sub_fail(s, SUB_E_NOT_FOUND, "User not found");
        uid = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    }
    /* Owned, collaborated on, and followed (while still visible). */
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT " PLAYLIST_COLS " FROM playlists p JOIN users u ON u.id = p.owner_id "
        "WHERE p.owner_id = ? "
        "OR p.id IN (SELECT c.playlist_id FROM playlist_collaborators c WHERE c.user_id = ?) "
        "OR (p.is_public = 1 AND p.id IN (SELECT f.playlist_id FROM playlist_follows f WHERE f.user_id = ?)) "
        "ORDER BY p.updated_at DESC, p.id DESC LIMIT 1000", "uuu", uid, uid, uid);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    sub_node *list = sub_obj(s->root, "playlists");
    for (size_t i = 0; i < r.nrows; i++)
        playlist_node(s, sub_item(list, "playlist"), &r, i, -1, -1);
    if (r.nrows == 0)
        sub_empty_list(list, "playlist");
    return SUB_OK;
}

/* <playlist> with its songs (available ones: songIndexToRemove counts these). */
static int playlist_with_songs(sub_ctx *s, unsigned long long id)
{
    db_result head, songs;
    db_status st = db_query(s->req->db, s->req->a, &head,
        "SELECT " PLAYLIST_COLS " FROM playlists p JOIN users u ON u.id = p.owner_id WHERE p.id = ?", "u", id);
    if (st == DB_OK)
        st = db_query(s->req->db, s->req->a, &songs,
            "SELECT " SUB_SONG_COLS " FROM playlist_items pi JOIN tracks t ON t.id = pi.track_id " SUB_SONG_JOINS
            "WHERE pi.playlist_id = ? AND t.available = 1 ORDER BY pi.position", "uu", s->user.id, id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (head.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Playlist not found");
    long long ms = 0;
    for (size_t i = 0; i < songs.nrows; i++)
        ms += db_cell_ll(&songs, i, 11, 0);
    sub_node *pl = playlist_node(s, sub_obj(s->root, "playlist"), &head, 0, (long long)songs.nrows, ms);
    for (size_t i = 0; i < songs.nrows; i++)
        sub_song(s, pl, "entry", &songs, i, 0);
    if (songs.nrows == 0)
        sub_empty_list(pl, "entry");
    return SUB_OK;
}

int sub_getPlaylist(sub_ctx *s)
{
    unsigned long long id;
    pl_row p;
    if (sub_param_id(s, "id", &id) != 0 || pl_get(s, id, 0, &p) != 0)
        return SUB_FAILED;
    return playlist_with_songs(s, id);
}

/* Append songs at the end, one statement; the caller bumps. */
static db_status append_songs(sub_ctx *s, const pl_row *p, const unsigned long long *ids, size_t n)
{
    if (n == 0)
        return DB_OK;
    return db_exec(s->req->db, NULL, NULL,
        "INSERT INTO playlist_items (playlist_id, position, track_id, added_by) "
        "SELECT ?, ? + j.ord - 1, j.id, ? FROM JSON_TABLE(?, '$[*]' COLUMNS (ord FOR ORDINALITY, "
        "id INT UNSIGNED PATH '$')) j", "uuus", p->id, p->count, s->user.id, db_ids_json(s->req->a, ids, n));
}

/* End of an edit: commit and answer, or roll back. */
static int finish_edit(sub_ctx *s, db_status st, int rc)
{
    if (rc == 0 && st == DB_OK)
        st = db_commit(s->req->db);
    if (rc == 0 && st == DB_OK)
        return 0;
    db_rollback(s->req->db);
    return rc != 0 ? rc : sub_db_fail(s, st);
}

/* name: a new playlist of these songs; playlistId: replace its songs. */
int sub_createPlaylist(sub_ctx *s)
{
    unsigned long long pid = 0, *ids = NULL;
    size_t n = 0;
    long long ms;
    pl_row p;
    const char *name = sub_param(s, "name");
    if (sub_param_opt_id(s, "playlistId", &pid) != 0 || sub_param_ids(s, "songId", 0, &ids, &n) != 0)
        return SUB_FAILED;
    if (!pid && !name)
        return sub_fail(s, SUB_E_MISSING, "Required parameter is missing: name or playlistId");
    if (n > PL_MAX_ITEMS)
        return sub_fail(s, SUB_E_GENERIC, "A playlist holds at most 10000 songs");
    if (name && !(name = pl_text(s, name, PL_NAME_MAX, 1, "name")))
        return SUB_FAILED;
    if (check_songs(s, ids, n, &ms) != 0)
        return SUB_FAILED;
    db_status st = db_begin(s->req->db);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    int rc = 0;
    if (pid) {
        rc = pl_get(s, pid, 1, &p);
        if (rc == 0 && !pl_can_edit(&p))
            rc = sub_fail(s, SUB_E_FORBIDDEN, "Only the owner and collaborators can change this playlist");
        if (rc == 0 && name && p.role == PL_OWNER)
            st = db_exec(s->req->db, NULL, NULL, "UPDATE playlists SET name = ? WHERE id = ?", "su", name, pid);
        if (rc == 0 && st == DB_OK && p.count > 0) {
            st = db_exec(s->req->db, NULL, NULL, "DELETE FROM playlist_items WHERE playlist_id = ?", "u", pid);
            if (st == DB_OK)
                st = pl_bump(s, &p, "remove", 0, edit_detail(s, p.count), -(long long)p.count,
                             -(long long)p.duration_ms);
        }
    } else {
        const char *token = crypto_token_hex(s->req->a, 16);
        if (!token)
            rc = sub_fail(s, SUB_E_GENERIC, "The playlist could not be made");
        else
            st = db_exec(s->req->db, NULL, &pid,
                "INSERT INTO playlists (owner_id, name, description, is_public, share_token) VALUES (?, ?, '', 0, ?)",
                "uss", s->user.id, name, token);
        memset(&p, 0, sizeof p);
        p.id = pid;
        p.owner_id = s->user.id;
        p.version = 1;
        p.role = PL_OWNER;
    }
    if (rc == 0 && st == DB_OK && n > 0) {
        st = append_songs(s, &p, ids, n);
        if (st == DB_OK)
            st = pl_bump(s, &p, "add", n == 1 ? ids[0] : 0, edit_detail(s, n), (long long)n, ms);
    }
    rc = finish_edit(s, st, rc);
    return rc != 0 ? rc : playlist_with_songs(s, pid);
}

/* Remove the songs at these indexes of the list getPlaylist shows (its
 * available songs), then close the gaps: walking up, each song moves to a
 * position that is already free, so (playlist, position) stays unique. */
static db_status remove_indexes(sub_ctx *s, pl_row *p, const long *idx, size_t n, int *bad)
{
    db_result r;
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT pi.id, pi.position, t.available, t.duration_ms, pi.track_id FROM playlist_items pi "
        "JOIN tracks t ON t.id = pi.track_id WHERE pi.playlist_id = ? ORDER BY pi.position", "u", p->id);
    if (st != DB_OK)
        return st;
    char *gone = arena_calloc(s->req->a, r.nrows ? r.nrows : 1, 1);
    size_t removed = 0;
    long long ms = 0;
    unsigned long long last_track = 0;
    for (size_t k = 0; k < n; k++) {
        long seen = -1;
        size_t i = 0;
        for (; i < r.nrows; i++)
            if (db_cell_ll(&r, i, 2, 0) && ++seen == idx[k])
                break;
        if (i == r.nrows) {
            *bad = 1;
            return DB_OK;
        }
        if (!gone[i]) {
            gone[i] = 1;
            removed++;
            ms += db_cell_ll(&r, i, 3, 0);
            last_track = (unsigned long long)db_cell_ll(&r, i, 4, 0);
        }
    }
    unsigned long long next = 0;
    for (size_t i = 0; i < r.nrows && st == DB_OK; i++) {
        if (gone[i]) {
            st = db_exec(s->req->db, NULL, NULL, "DELETE FROM playlist_items WHERE id = ?", "s", db_cell(&r, i, 0));
            continue;
        }
        if ((unsigned long long)db_cell_ll(&r, i, 1, 0) != next)
            st = db_exec(s->req->db, NULL, NULL, "UPDATE playlist_items SET position = ? WHERE id = ?", "us",
                         next, db_cell(&r, i, 0));
        next++;
    }
    if (st == DB_OK && removed)
        st = pl_bump(s, p, "remove", removed == 1 ? last_track : 0, edit_detail(s, removed), -(long long)removed, -ms);
    return st;
}

int sub_updatePlaylist(sub_ctx *s)
{
    unsigned long long pid, *add = NULL;
    size_t nadd = 0, nrm;
    const char **rm_text = NULL;
    long long ms = 0;
    int pub = -1, bad = 0, rc;
    pl_row p;
    const char *name = sub_param(s, "name"), *comment = sub_param(s, "comment");
    if (sub_param_id(s, "playlistId", &pid) != 0 || sub_param_ids(s, "songIdToAdd", 0, &add, &nadd) != 0 ||
        sub_param_bool(s, "public", -1, &pub) != 0)
        return SUB_FAILED;
    nrm = sub_params(s, "songIndexToRemove", &rm_text);
    long *rm = arena_calloc(s->req->a, nrm ? nrm : 1, sizeof *rm);
    for (size_t i = 0; i < nrm; i++)
        if (str_to_long(rm_text[i], 0, PL_MAX_ITEMS, &rm[i]) != 0)
            return sub_fail(s, SUB_E_GENERIC, "Invalid value for songIndexToRemove");
    if (name && !(name = pl_text(s, name, PL_NAME_MAX, 1, "name")))
        return SUB_FAILED;
    if (comment && !(comment = pl_text(s, comment, PL_COMMENT_MAX, 0, "comment")))
        return SUB_FAILED;
    if (check_songs(s, add, nadd, &ms) != 0)
        return SUB_FAILED;
    db_status st = db_begin(s->req->db);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    rc = pl_get(s, pid, 1, &p);
    if (rc == 0 && !pl_can_edit(&p))
        rc = sub_fail(s, SUB_E_FORBIDDEN, "Only the owner and collaborators can change this playlist");
    else if (rc == 0 && pub >= 0 && pub != p.is_public && p.role != PL_OWNER)
        rc = sub_fail(s, SUB_E_FORBIDDEN, "Only the owner can make this playlist public or private");
    if (rc == 0 && (name || comment || pub >= 0)) {
        st = db_exec(s->req->db, NULL, NULL,
            "UPDATE playlists SET name = COALESCE(?, name), description = COALESCE(?, description), "
            "is_public = IF(? < 0, is_public, ?) WHERE id = ?", "ssiiu", name, comment, (long long)pub,
            (long long)pub, pid);
        if (st == DB_OK)
            st = pl_bump(s, &p, "details", 0, arena_printf(s->req->a, "from %s", client_name(s)), 0, 0);
    }
    if (rc == 0 && st == DB_OK && nrm > 0) {
        st = remove_indexes(s, &p, rm, nrm, &bad);
        if (bad)
            rc = sub_fail(s, SUB_E_GENERIC, "Invalid value for songIndexToRemove: no song at that index");
    }
    if (rc == 0 && st == DB_OK && p.count + nadd > PL_MAX_ITEMS)
        rc = sub_fail(s, SUB_E_GENERIC, "A playlist holds at most 10000 songs");
    if (rc == 0 && st == DB_OK && nadd > 0) {
        st = append_songs(s, &p, add, nadd);
        if (st == DB_OK)
            st = pl_bump(s, &p, "add", nadd == 1 ? add[0] : 0, edit_detail(s, nadd), (long long)nadd, ms);
    }
    rc = finish_edit(s, st, rc);
    return rc != 0 ? rc : SUB_OK;
}

int sub_deletePlaylist(sub_ctx *s)
{
    unsigned long long id;
    pl_row p;
    if (sub_param_id(s, "id", &id) != 0 || pl_get(s, id, 0, &p) != 0)
        return SUB_FAILED;
    if (p.role != PL_OWNER)
        return sub_fail(s, SUB_E_FORBIDDEN, "Only the owner can delete this playlist");
    db_status st = db_exec(s->req->db, NULL, NULL, "DELETE FROM playlists WHERE id = ? AND owner_id = ?", "uu",
                           id, s->user.id);
    return st == DB_OK ? SUB_OK : sub_db_fail(s, st);
}

/* ------------------------------------------------------------ stars and ratings */

struct star_kind {
    const char *table_insert, *table_delete, *exists;
};

/* 't' songs (track likes), 'l' albums (saved albums), 'a' artists (follows): the web's own. */
static const struct star_kind *star_kind(char kind)
{
    static const struct star_kind kinds[] = {
        { "INSERT IGNORE INTO track_likes (user_id, track_id) VALUES (?, ?)",
          "DELETE FROM track_likes WHERE user_id = ? AND track_id = ?", "SELECT 1 FROM tracks WHERE id = ?" },
        { "INSERT IGNORE INTO album_likes (user_id, album_id) VALUES (?, ?)",
          "DELETE FROM album_likes WHERE user_id = ? AND album_id = ?", "SELECT 1 FROM albums WHERE id = ?" },
        { "INSERT IGNORE INTO artist_follows (user_id, artist_id) VALUES (?, ?)",
          "DELETE FROM artist_follows WHERE user_id = ? AND artist_id = ?", "SELECT 1 FROM artists WHERE id = ?" },
    };
    return &kinds[kind == 't' ? 0 : kind == 'l' ? 1 : 2];
}

/* id (songs, or "al-N"/"ar-N" folders), albumId, artistId: every value is
 * checked before anything changes, so an unknown id (70) changes nothing. */
static int star_or_unstar(sub_ctx *s, int star)
{
    static const struct { const char *param; char dflt; } params[] = {
        { "id", 't' }, { "albumId", 'l' }, { "artistId", 'a' },
    };
    char *kinds[3];
    unsigned long long *ids[3];
    const char **text[3];
    size_t n[3], total = 0;
    for (size_t p = 0; p < 3; p++) {
        n[p] = sub_params(s, params[p].param, &text[p]);
        total += n[p];
        kinds[p] = arena_calloc(s->req->a, n[p] ? n[p] : 1, 1);
        ids[p] = arena_calloc(s->req->a, n[p] ? n[p] : 1, sizeof **ids);
        for (size_t i = 0; i < n[p]; i++) {
            db_result r;
            if (parse_item_id(text[p][i], params[p].dflt, &kinds[p][i], &ids[p][i]) != 0)
                return sub_fail(s, SUB_E_NOT_FOUND, "Item not found");
            db_status st = db_query(s->req->db, s->req->a, &r, star_kind(kinds[p][i])->exists, "u", ids[p][i]);
            if (st != DB_OK)
                return sub_db_fail(s, st);
            if (r.nrows == 0)
                return sub_fail(s, SUB_E_NOT_FOUND, arena_printf(s->req->a, "Item %s not found", text[p][i]));
        }
    }
    if (total == 0)
        return sub_fail(s, SUB_E_MISSING, "Required parameter is missing: id, albumId or artistId");
    for (size_t p = 0; p < 3; p++)
        for (size_t i = 0; i < n[p]; i++) {
            const struct star_kind *k = star_kind(kinds[p][i]);
            db_status st = db_exec(s->req->db, NULL, NULL, star ? k->table_insert : k->table_delete, "uu",
                                   s->user.id, ids[p][i]);
            if (st != DB_OK)
                return sub_db_fail(s, st);
        }
    return SUB_OK;
}

int sub_star(sub_ctx *s)
{
    return star_or_unstar(s, 1);
}

int sub_unstar(sub_ctx *s)
{
    return star_or_unstar(s, 0);
}

/* id: a song (bare number), "al-N" an album, "ar-N" an artist; rating 1-5, 0 clears. */
int sub_setRating(sub_ctx *s)
{
    static const char *const kind_names[] = { "track", "album", "artist" };
    const char *text;
    char kind;
    unsigned long long id;
    long rating;
    db_result r;
    if (sub_param_str(s, "id", &text) != 0 || sub_param_long_req(s, "rating", 0, 5, &rating) != 0)
        return SUB_FAILED;
    if (parse_item_id(text, 't', &kind, &id) != 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Item not found");
    db_status st = db_query(s->req->db, s->req->a, &r, star_kind(kind)->exists, "u", id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (r.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "Item not found");
    const char *kname = kind_names[kind == 't' ? 0 : kind == 'l' ? 1 : 2];
    if (rating == 0)
        st = db_exec(s->req->db, NULL, NULL, "DELETE FROM ratings WHERE user_id = ? AND item_kind = ? AND item_id = ?",
                     "usu", s->user.id, kname, id);
    else
        st = db_exec(s->req->db, NULL, NULL,
            "INSERT INTO ratings (user_id, item_kind, item_id, rating) VALUES (?, ?, ?, ?) "
            "ON DUPLICATE KEY UPDATE rating = VALUES(rating), updated_at = CURRENT_TIMESTAMP(3)",
            "usui", s->user.id, kname, id, (long long)rating);
    return st == DB_OK ? SUB_OK : sub_db_fail(s, st);
}

/* The starred songs, newest star first. */
static int starred_songs(sub_ctx *s, sub_node *parent)
{
    db_result r;
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT " SUB_SONG_COLS " FROM tracks t " SUB_SONG_JOINS
        "WHERE tl.user_id IS NOT NULL AND t.available = 1 ORDER BY tl.created_at DESC, t.id LIMIT ?",
        "ui", s->user.id, (long long)STARRED_MAX);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    for (size_t i = 0; i < r.nrows; i++)
        sub_song(s, parent, "song", &r, i, 0);
    if (r.nrows == 0)
        sub_empty_list(parent, "song");
    return 0;
}

static db_status starred_albums(sub_ctx *s, db_result *r)
{
    return db_query(s->req->db, s->req->a, r,
        "SELECT " SUB_ALBUM_COLS " FROM albums al " SUB_ALBUM_JOINS
        "WHERE alk.user_id IS NOT NULL ORDER BY alk.created_at DESC, al.id LIMIT ?",
        "ui", s->user.id, (long long)STARRED_MAX);
}

static db_status starred_artists(sub_ctx *s, db_result *r)
{
    return db_query(s->req->db, s->req->a, r,
        "SELECT " SUB_ARTIST_COLS " FROM artists ar " SUB_ARTIST_JOINS
        "WHERE af.user_id IS NOT NULL ORDER BY af.created_at DESC, ar.id LIMIT ?",
        "ui", s->user.id, (long long)STARRED_MAX);
}

int sub_getStarred2(sub_ctx *s)
{
    db_result artists, albums;
    db_status st = starred_artists(s, &artists);
    if (st == DB_OK)
        st = starred_albums(s, &albums);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    sub_node *out = sub_obj(s->root, "starred2");
    for (size_t i = 0; i < artists.nrows; i++)
        sub_artist(s, out, "artist", &artists, i, 0);
    for (size_t i = 0; i < albums.nrows; i++)
        sub_album(s, out, "album", &albums, i, 0);
    if (artists.nrows == 0)
        sub_empty_list(out, "artist");
    if (albums.nrows == 0)
        sub_empty_list(out, "album");
    return starred_songs(s, out) == 0 ? SUB_OK : SUB_FAILED;
}

/* The folder view: artists as Artist ("ar-N"), albums as directories. */
int sub_getStarred(sub_ctx *s)
{
    db_result artists, albums;
    db_status st = starred_artists(s, &artists);
    if (st == DB_OK)
        st = starred_albums(s, &albums);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    sub_node *out = sub_obj(s->root, "starred");
    for (size_t i = 0; i < artists.nrows; i++) {
        sub_node *a = sub_item(out, "artist");
        sub_attr(a, "id", arena_printf(s->req->a, "ar-%s", db_cell(&artists, i, 0)));
        sub_attr(a, "name", db_cell(&artists, i, 1));
        sub_attr_time(a, "starred", db_cell(&artists, i, 3));
    }
    for (size_t i = 0; i < albums.nrows; i++)
        sub_album_dir(s, out, "album", &albums, i, 0);
    if (artists.nrows == 0)
        sub_empty_list(out, "artist");
    if (albums.nrows == 0)
        sub_empty_list(out, "album");
    return starred_songs(s, out) == 0 ? SUB_OK : SUB_FAILED;
}

/* ------------------------------------------------------------ play queue */

int sub_getPlayQueue(sub_ctx *s)
{
    db_result q, songs;
    db_status st = db_query(s->req->db, s->req->a, &q,
        "SELECT q.current_track_id, q.position_ms, u.username, q.updated_at, q.changed_by "
        "FROM play_queues q JOIN users u ON u.id = q.user_id WHERE q.user_id = ?", "u", s->user.id);
    if (st == DB_OK && q.nrows)
        st = db_query(s->req->db, s->req->a, &songs,
            "SELECT " SUB_SONG_COLS " FROM play_queue_items qi JOIN tracks t ON t.id = qi.track_id " SUB_SONG_JOINS
            "WHERE qi.user_id = ? AND t.available = 1 ORDER BY qi.position", "uu", s->user.id, s->user.id);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (q.nrows == 0)
        return SUB_OK;   /* nothing saved: an envelope without playQueue */
    sub_node *pq = sub_obj(s->root, "playQueue");
    sub_attr_num(pq, "current", db_cell(&q, 0, 0));
    sub_attr_num(pq, "position", db_cell(&q, 0, 1));
    sub_attr(pq, "username", db_cell(&q, 0, 2));
    sub_attr_time(pq, "changed", db_cell(&q, 0, 3));
    sub_attr(pq, "changedBy", db_cell(&q, 0, 4));
    for (size_t i = 0; i < songs.nrows; i++)
        sub_song(s, pq, "entry", &songs, i, 0);
    if (songs.nrows == 0)
        sub_empty_list(pq, "entry");
    return SUB_OK;
}

/* id (repeated) in order, current (a song of the list), position (ms).  No
 * id at all clears the saved queue (OpenSubsonic). */
int sub_savePlayQueue(sub_ctx *s)
{
    unsigned long long *ids = NULL, current = 0;
    size_t n = 0;
    long position = 0;
    long long ms;
    if (sub_param_ids(s, "id", 0, &ids, &n) != 0)
        return SUB_FAILED;
    if (n == 0) {
        db_status st = db_exec(s->req->db, NULL, NULL, "DELETE FROM play_queues WHERE user_id = ?", "u", s->user.id);
        return st == DB_OK ? SUB_OK : sub_db_fail(s, st);
    }
    if (sub_param_id(s, "current", &current) != 0 ||
        sub_param_long(s, "position", 0, 0, 9000000000000000L, &position) != 0)
        return SUB_FAILED;
    if (n > QUEUE_MAX_ITEMS)
        return sub_fail(s, SUB_E_GENERIC, "A play queue holds at most 10000 songs");
    size_t at = n;
    for (size_t i = 0; i < n && at == n; i++)
        if (ids[i] == current)
            at = i;
    if (at == n)
        return sub_fail(s, SUB_E_GENERIC, "current must be one of the songs of the queue");
    if (check_songs(s, ids, n, &ms) != 0)
        return SUB_FAILED;
    db_status st = db_begin(s->req->db);
    if (st == DB_OK)
        st = db_exec(s->req->db, NULL, NULL,
            "INSERT INTO play_queues (user_id, current_index, current_track_id, position_ms, changed_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?, NOW(3)) ON DUPLICATE KEY UPDATE current_index = VALUES(current_index), "
            "current_track_id = VALUES(current_track_id), position_ms = VALUES(position_ms), "
            "changed_by = VALUES(changed_by), version = version + 1, updated_at = VALUES(updated_at)",
            "uuuis", s->user.id, (unsigned long long)at, current, (long long)position, client_name(s));
    if (st == DB_OK)
        st = db_exec(s->req->db, NULL, NULL, "DELETE FROM play_queue_items WHERE user_id = ?", "u", s->user.id);
    if (st == DB_OK)
        st = db_exec(s->req->db, NULL, NULL,
            "INSERT INTO play_queue_items (user_id, position, track_id) SELECT ?, j.ord - 1, j.id "
            "FROM JSON_TABLE(?, '$[*]' COLUMNS (ord FOR ORDINALITY, id INT UNSIGNED PATH '$')) j",
            "us", s->user.id, db_ids_json(s->req->a, ids, n));
    return finish_edit(s, st, 0) == 0 ? SUB_OK : SUB_FAILED;
}

/* ------------------------------------------------------------ the account */

/* Roles follow what Lyre offers an account: streaming, downloads (of the
 * renditions the plan allows), playlists and settings for everybody; admin
 * for admins; no podcasts, jukebox, uploads through the API, shares or video. */
int sub_getUser(sub_ctx *s)
{
    const char *username;
    db_result r;
    entitlement ent;
    if (sub_param_str(s, "username", &username) != 0)
        return SUB_FAILED;
    if (strcmp(username, s->user.username) != 0 && s->user.role != ROLE_ADMIN)
        return sub_fail(s, SUB_E_FORBIDDEN, "Only admins can see other users");
    db_status st = db_query(s->req->db, s->req->a, &r,
        "SELECT id, username, email, role, history_paused FROM users WHERE username = ? AND status = 'active'",
        "s", username);
    if (st != DB_OK)
        return sub_db_fail(s, st);
    if (r.nrows == 0)
        return sub_fail(s, SUB_E_NOT_FOUND, "User not found");
    if (entitlement_get(s->req->db, s->req->a, (unsigned long long)db_cell_ll(&r, 0, 0, 0), &ent) != LYRE_OK)
        return sub_fail(s, SUB_E_GENERIC, "The user's plan could not be read; try again");
    int admin = db_cell(&r, 0, 3) && strcmp(db_cell(&r, 0, 3), "admin") == 0;
    sub_node *u = sub_obj(s->root, "user");
    sub_attr(u, "username", db_cell(&r, 0, 1));
    if (db_cell(&r, 0, 2) && *db_cell(&r, 0, 2))
        sub_attr(u, "email", db_cell(&r, 0, 2));
    sub_attr_bool(u, "scrobblingEnabled", db_cell_ll(&r, 0, 4, 0) == 0);
    if (ent.max_kbps > 0)
        sub_attr_int(u, "maxBitRate", ent.max_kbps);
    sub_attr_bool(u, "adminRole", admin);
    sub_attr_bool(u, "settingsRole", 1);
    sub_attr_bool(u, "downloadRole", 1);
    sub_attr_bool(u, "uploadRole", 0);
    sub_attr_bool(u, "playlistRole", 1);
    sub_attr_bool(u, "coverArtRole", 0);
    sub_attr_bool(u, "commentRole", 0);
    sub_attr_bool(u, "podcastRole", 0);
    sub_attr_bool(u, "streamRole", 1);
    sub_attr_bool(u, "jukeboxRole", 0);
    sub_attr_bool(u, "shareRole", 0);
    sub_attr_bool(u, "videoConversionRole", 0);
    sub_item_num(u, "folder", 1);
    return SUB_OK;
}

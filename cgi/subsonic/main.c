/* cgi/subsonic/main.c — lyre-subsonic: the Subsonic/OpenSubsonic API at
 * /rest/NAME and /rest/NAME.view, by GET or form POST.
 *
 * Leniency, as Navidrome: c and v are required on every authenticated call
 * (error 10 without them), v is not compared (every 1.x client is served
 * the 1.16.1 answers), an unknown f answers XML.  Unknown methods answer
 * HTTP 404 with a Subsonic error 0 document. */
#include "subsonic.h"

#include <string.h>

#include "log.h"

/* Endpoints written in another file may be missing while it is being
 * written: a weak reference lets the program link, and the endpoint answers
 * "not implemented" until its file defines it. */
#pragma weak sub_stream
#pragma weak sub_download
#pragma weak sub_getCoverArt
#pragma weak sub_getLyricsBySongId
#pragma weak sub_getLyrics
#pragma weak sub_scrobble
#pragma weak sub_getPlaylists
#pragma weak sub_getPlaylist
#pragma weak sub_createPlaylist
#pragma weak sub_updatePlaylist
#pragma weak sub_deletePlaylist
#pragma weak sub_star
#pragma weak sub_unstar
#pragma weak sub_setRating
#pragma weak sub_getStarred
#pragma weak sub_getStarred2
#pragma weak sub_getPlayQueue
#pragma weak sub_savePlayQueue
#pragma weak sub_getUser
#pragma weak sub_getNowPlaying
#pragma weak sub_getSimilarSongs
#pragma weak sub_getSimilarSongs2
#pragma weak sub_getArtistInfo
#pragma weak sub_getArtistInfo2
#pragma weak sub_getAlbumInfo
#pragma weak sub_getAlbumInfo2
#pragma weak sub_getTopSongs
#pragma weak sub_getRandomSongs
#pragma weak sub_getSongsByGenre

enum { EP_NOAUTH = 1 };

typedef struct endpoint {
    const char *name;
    sub_handler handler;
    unsigned flags;
} endpoint;

/* Sorted by name (binary search). */
static const endpoint endpoints[] = {
    { "createPlaylist", sub_createPlaylist, 0 },
    { "deletePlaylist", sub_deletePlaylist, 0 },
    { "download", sub_download, 0 },
    { "getAlbum", sub_getAlbum, 0 },
    { "getAlbumInfo", sub_getAlbumInfo, 0 },
    { "getAlbumInfo2", sub_getAlbumInfo2, 0 },
    { "getAlbumList", sub_getAlbumList, 0 },
    { "getAlbumList2", sub_getAlbumList2, 0 },
    { "getArtist", sub_getArtist, 0 },
    { "getArtistInfo", sub_getArtistInfo, 0 },
    { "getArtistInfo2", sub_getArtistInfo2, 0 },
    { "getArtists", sub_getArtists, 0 },
    { "getCoverArt", sub_getCoverArt, 0 },
    { "getGenres", sub_getGenres, 0 },
    { "getIndexes", sub_getIndexes, 0 },
    { "getLicense", sub_getLicense, 0 },
    { "getLyrics", sub_getLyrics, 0 },
    { "getLyricsBySongId", sub_getLyricsBySongId, 0 },
    { "getMusicDirectory", sub_getMusicDirectory, 0 },
    { "getMusicFolders", sub_getMusicFolders, 0 },
    { "getNowPlaying", sub_getNowPlaying, 0 },
    { "getOpenSubsonicExtensions", sub_getOpenSubsonicExtensions, EP_NOAUTH },
    { "getPlayQueue", sub_getPlayQueue, 0 },
    { "getPlaylist", sub_getPlaylist, 0 },
    { "getPlaylists", sub_getPlaylists, 0 },
    { "getRandomSongs", sub_getRandomSongs, 0 },
    { "getScanStatus", sub_getScanStatus, 0 },
    { "getSimilarSongs", sub_getSimilarSongs, 0 },
    { "getSimilarSongs2", sub_getSimilarSongs2, 0 },
    { "getSong", sub_getSong, 0 },
    { "getSongsByGenre", sub_getSongsByGenre, 0 },
    { "getStarred", sub_getStarred, 0 },
    { "getStarred2", sub_getStarred2, 0 },
    { "getTopSongs", sub_getTopSongs, 0 },
    { "getUser", sub_getUser, 0 },
    { "ping", sub_ping, 0 },
    { "savePlayQueue", sub_savePlayQueue, 0 },
    { "scrobble", sub_scrobble, 0 },
    { "search2", sub_search2, 0 },
    { "search3", sub_search3, 0 },
    { "setRating", sub_setRating, 0 },
    { "star", sub_star, 0 },
    { "stream", sub_stream, 0 },
    { "unstar", sub_unstar, 0 },
    { "updatePlaylist", sub_updatePlaylist, 0 },
};

static const endpoint *find_endpoint(const char *name)
{
    size_t lo = 0, hi = sizeof endpoints / sizeof endpoints[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, endpoints[mid].name);
        if (c == 0)
            return &endpoints[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* A JavaScript identifier path (a.b_c$1), short: nothing a browser could
 * read as anything but a function call. */
static int callback_valid(const char *cb)
{
    size_t n = strlen(cb);
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = cb[i];
        int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$';
        int digit = c >= '0' && c <= '9';
        if (!(alpha || (i > 0 && (digit || c == '.'))))
            return 0;
    }
    return cb[n - 1] != '.';
}

/* The common parameters; 0 or SUB_FAILED (the format is settled either way,
 * so the error goes out in the format asked for where possible). */
static int common_params(sub_ctx *s, unsigned flags)
{
    const char *f = sub_param(s, "f");
    if (f && strcmp(f, "json") == 0) {
        s->format = SUB_JSON;
    } else if (f && strcmp(f, "jsonp") == 0) {
        const char *cb = sub_param(s, "callback");
        if (!cb || !callback_valid(cb)) {
            s->format = SUB_JSON;
            return cb ? sub_fail(s, SUB_E_GENERIC, "Invalid value for parameter callback")
                      : sub_fail(s, SUB_E_MISSING, "Required parameter is missing: callback");
        }
        s->format = SUB_JSONP;
        s->callback = cb;
    }
    const char *c = sub_param(s, "c"), *v = sub_param(s, "v");
    s->client = c ? c : "";
    s->version = v ? v : "";
    if (flags & EP_NOAUTH)
        return 0;
    if (!v || !*v)
        return sub_fail(s, SUB_E_MISSING, "Required parameter is missing: v");
    if (!c || !*c)
        return sub_fail(s, SUB_E_MISSING, "Required parameter is missing: c");
    return 0;
}

static lyre_err rest(lyre_req *req)
{
    sub_ctx s;
    memset(&s, 0, sizeof s);
    s.req = req;
    s.format = SUB_XML;
    s.client = s.version = "";
    s.root = sub_root_new(req->a);

    /* Browser-based players (served from their own origin) may call the API:
     * credentials travel in parameters, never cookies, so any origin may read. */
    http_set_header(req, "Access-Control-Allow-Origin", "*");
    char *name = arena_strdup(req->a, req->route_nargs > 0 ? req->route_args[0] : "");
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".view") == 0)
        name[n - 5] = '\0';
    const endpoint *ep = find_endpoint(name);

    int rc = common_params(&s, ep ? ep->flags : 0);
    if (rc == 0 && !ep) {
        rc = sub_fail(&s, SUB_E_GENERIC, "Unknown API method");
        sub_render(&s, 1);
        req->status = 404;
        return LYRE_OK;
    }
    if (rc == 0 && !(ep->flags & EP_NOAUTH))
        rc = sub_authenticate(&s);
    if (rc == 0) {
        if (!ep->handler)
            rc = sub_fail(&s, SUB_E_GENERIC, "Not implemented yet");
        else
            rc = ep->handler(&s);
    }
    if (rc == SUB_RAW)
        return LYRE_OK;
    /* Answers depend on the user and change with every write: never cached. */
    http_set_header(req, "Cache-Control", "no-store");
    sub_render(&s, rc != SUB_OK);
    return LYRE_OK;
}

static const lyre_route routes[] = {
    { "GET", "/rest/{}", ROUTE_NO_CSRF, rest },
    { "POST", "/rest/{}", ROUTE_NO_CSRF, rest },
    { NULL, NULL, 0, NULL },
};

int main(int argc, char **argv)
{
    static const lyre_app app = { "lyre-subsonic", routes };
    return app_main(&app, argc, argv);
}

/* main.c — cgi/lyre-catalog: the catalog pages (home, browse, artist,
 * album, track, search).  One row per URL; handlers live in one file each. */
#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"

static const lyre_route routes[] = {
    { "GET", "/",            ROUTE_CACHE, page_home },
    { "GET", "/browse",      ROUTE_CACHE, page_artists },
    { "GET", "/artist/{}",   ROUTE_CACHE, page_artist },
    { "GET", "/album/{}",    ROUTE_CACHE, page_album },
    { "GET", "/track/{}",    ROUTE_CACHE, page_track },
    { "GET", "/search",      ROUTE_CACHE, page_search },
    { "GET", "/search/suggest", ROUTE_NONE, page_search_suggest },

    { "GET",  "/library",                 ROUTE_LOGIN, page_library },
    { "GET",  "/library/songs",           ROUTE_LOGIN, page_library_songs },
    { "GET",  "/library/albums",          ROUTE_LOGIN, page_library_albums },
    { "GET",  "/library/artists",         ROUTE_LOGIN, page_library_artists },
    { "GET",  "/library/playlists",       ROUTE_LOGIN, page_library_playlists },
    { "GET",  "/library/history",         ROUTE_LOGIN, page_library_history },
    { "GET",  "/library/state",           ROUTE_NONE,  page_library_state },
    { "POST", "/library/like",            ROUTE_LOGIN, post_library_like },
    { "GET",  "/library/queue",           ROUTE_NONE,  page_library_queue },   /* JSON 401 when anonymous */
    { "POST", "/library/queue",           ROUTE_NONE,  post_library_queue },
    { "POST", "/library/history/pause",   ROUTE_LOGIN, post_history_pause },
    { "POST", "/library/history/resume",  ROUTE_LOGIN, post_history_resume },
    { "POST", "/library/history/clear",   ROUTE_LOGIN, post_history_clear },

    { "GET",  "/stats",                   ROUTE_LOGIN, page_stats },
    { "GET",  "/stats/{}",                ROUTE_LOGIN, page_stats_year },
    { NULL, NULL, 0, NULL },
};

const char *format_duration(arena *a, long long ms)
{
    if (ms < 0)
        ms = 0;
    long long s = (ms + 500) / 1000;
    if (s >= 3600)
        return arena_printf(a, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
    return arena_printf(a, "%lld:%02lld", s / 60, s % 60);
}

const char *format_total(arena *a, long long ms)
{
    long long min = (ms + 30000) / 60000;
    if (min >= 60)
        return arena_printf(a, "%lld hr %lld min", min / 60, min % 60);
    if (min == 0 && ms > 0)
        return arena_printf(a, "%lld sec", (ms + 500) / 1000);
    return arena_printf(a, "%lld min", min);
}

xmlNodePtr add_duration(lyre_req *req, xmlNodePtr parent, const char *name, const char *ms_text)
{
    long long ms = ms_text ? strtoll(ms_text, NULL, 10) : 0;
    xmlNodePtr n = view_text(parent, name, format_duration(req->a, ms));
    view_attr_int(n, "ms", ms);
    return n;
}

void add_cover(lyre_req *req, xmlNodePtr parent, const char *sha)
{
    /* Thumbnails sit in the media store beside the original, served by the
     * web server under /art/ (see etc/lighttpd.conf) as immutable, behind
     * site.cdn_base_url when set; the name is the hash of the original, so the
     * URL never changes meaning. */
    const char *url = art_url(req->cfg, req->a, sha, 300);
    if (url)
        view_text(parent, "cover", url);
}

xmlNodePtr add_album_row(lyre_req *req, xmlNodePtr parent, const db_result *r, size_t row)
{
    xmlNodePtr al = view_elem(parent, "album");
    view_attr(al, "id", db_cell(r, row, 0));
    view_text(al, "title", db_cell(r, row, 1));
    add_artist_ref(al, db_cell(r, row, 3), db_cell(r, row, 4));
    if (db_cell(r, row, 2))
        view_text(al, "year", db_cell(r, row, 2));
    add_cover(req, al, db_cell(r, row, 5));
    return al;
}

xmlNodePtr add_artist_ref(xmlNodePtr parent, const char *id, const char *name)
{
    xmlNodePtr n = view_text(parent, "artist", name);
    view_attr(n, "id", id);
    return n;
}

int main(int argc, char **argv)
{
    static const lyre_app app = { "lyre-catalog", routes };
    return app_main(&app, argc, argv);
}

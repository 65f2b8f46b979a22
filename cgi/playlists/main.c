/* main.c — cgi/lyre-playlists: playlists and their share links.  Every POST
 * is checked for its CSRF token by lib/app. */
#include "playlists.h"

static const lyre_route routes[] = {
    { "POST", "/playlists",                        ROUTE_LOGIN, post_playlist_create },
    { "GET",  "/playlists/mine.json",              ROUTE_LOGIN, page_playlists_mine },
    { "GET",  "/playlists/import",                 ROUTE_LOGIN, page_playlist_import },
    { "POST", "/playlists/import",                 ROUTE_LOGIN, post_playlist_import },
    { "GET",  "/playlist/{}",                      ROUTE_NONE,  page_playlist },
    { "POST", "/playlist/{}/edit",                 ROUTE_LOGIN, post_playlist_edit },
    { "POST", "/playlist/{}/delete",               ROUTE_LOGIN, post_playlist_delete },
    { "POST", "/playlist/{}/cover",                ROUTE_LOGIN, post_playlist_cover },
    { "POST", "/playlist/{}/cover/remove",         ROUTE_LOGIN, post_playlist_cover_remove },
    { "POST", "/playlist/{}/items",                ROUTE_LOGIN, post_playlist_add },
    { "POST", "/playlist/{}/items/remove",         ROUTE_LOGIN, post_playlist_remove },
    { "POST", "/playlist/{}/items/move",           ROUTE_LOGIN, post_playlist_move },
    { "POST", "/playlist/{}/collaborators",        ROUTE_LOGIN, post_playlist_invite },
    { "POST", "/playlist/{}/collaborators/remove", ROUTE_LOGIN, post_playlist_uninvite },
    { "POST", "/playlist/{}/follow",               ROUTE_LOGIN, post_playlist_follow },
    { "POST", "/playlist/{}/unfollow",             ROUTE_LOGIN, post_playlist_unfollow },
    { "GET",  "/playlist/{}/export.m3u8",          ROUTE_NONE,  page_playlist_export_m3u },
    { "GET",  "/playlist/{}/export.xspf",          ROUTE_NONE,  page_playlist_export_xspf },
    { "GET",  "/s/{}",                             ROUTE_NONE,  page_playlist_shared },
    { NULL, NULL, 0, NULL },
};

int main(int argc, char **argv)
{
    static const lyre_app app = { "lyre-playlists", routes };
    return app_main(&app, argc, argv);
}

/* playlists.h — cgi/lyre-playlists: playlists (create, edit, items with
 * optimistic versioning, collaborators, follows, share links, import and
 * export).  The route table is in main.c. */
#ifndef LYRE_PLAYLISTS_H
#define LYRE_PLAYLISTS_H

#include "app.h"

/* playlist.c — one playlist and its details */
lyre_err post_playlist_create(lyre_req *req);     /* POST /playlists (name[, description]) */
lyre_err page_playlists_mine(lyre_req *req);      /* GET  /playlists/mine.json (where "add to" can go) */
lyre_err page_playlist(lyre_req *req);            /* GET  /playlist/{id}[?page=] */
lyre_err post_playlist_edit(lyre_req *req);       /* POST /playlist/{id}/edit */
lyre_err post_playlist_delete(lyre_req *req);     /* POST /playlist/{id}/delete */
lyre_err page_playlist_shared(lyre_req *req);     /* GET  /s/{token}[?page=] read-only, no account */
lyre_err post_playlist_cover(lyre_req *req);      /* POST /playlist/{id}/cover (multipart "cover": JPEG, PNG, WebP) */
lyre_err post_playlist_cover_remove(lyre_req *req);/* POST /playlist/{id}/cover/remove (back to the mosaic) */
/* items.c — add, remove, move (every edit names the version it was made on) */
lyre_err post_playlist_add(lyre_req *req);        /* POST /playlist/{id}/items */
lyre_err post_playlist_remove(lyre_req *req);     /* POST /playlist/{id}/items/remove */
lyre_err post_playlist_move(lyre_req *req);       /* POST /playlist/{id}/items/move */
/* people.c — collaborators and followers */
lyre_err post_playlist_invite(lyre_req *req);     /* POST /playlist/{id}/collaborators */
lyre_err post_playlist_uninvite(lyre_req *req);   /* POST /playlist/{id}/collaborators/remove */
lyre_err post_playlist_follow(lyre_req *req);     /* POST /playlist/{id}/follow */
lyre_err post_playlist_unfollow(lyre_req *req);   /* POST /playlist/{id}/unfollow */
/* transfer.c — import and export */
lyre_err page_playlist_import(lyre_req *req);     /* GET  /playlists/import */
lyre_err post_playlist_import(lyre_req *req);     /* POST /playlists/import (multipart file) */
lyre_err page_playlist_export_m3u(lyre_req *req); /* GET  /playlist/{id}/export.m3u8 */
lyre_err page_playlist_export_xspf(lyre_req *req);/* GET  /playlist/{id}/export.xspf */

#endif

/* catalog.h — cgi/lyre-catalog: the handlers and what they share. */
#ifndef LYRE_CATALOG_H
#define LYRE_CATALOG_H

#include "app.h"

lyre_err page_home(lyre_req *req);
lyre_err page_artists(lyre_req *req);
lyre_err page_artist(lyre_req *req);
lyre_err page_album(lyre_req *req);
lyre_err page_track(lyre_req *req);
lyre_err page_search(lyre_req *req);

/* library.c — your library (signed in): likes, saved albums, followed artists */
lyre_err page_library(lyre_req *req);            /* GET  /library (overview + recently played) */
lyre_err page_library_songs(lyre_req *req);      /* GET  /library/songs (Liked Songs, playable) */
lyre_err page_library_albums(lyre_req *req);     /* GET  /library/albums */
lyre_err page_library_artists(lyre_req *req);    /* GET  /library/artists */
lyre_err page_library_playlists(lyre_req *req);  /* GET  /library/playlists (own, collaborative, followed) */
lyre_err post_library_like(lyre_req *req);       /* POST /library/like (kind, id, on) */
lyre_err page_library_state(lyre_req *req);      /* GET  /library/state?tracks=&albums=&artists= (JSON) */
/* queue.c — the play queue shared with the Subsonic apps (JSON; 401 JSON when anonymous) */
lyre_err page_library_queue(lyre_req *req);      /* GET  /library/queue */
lyre_err post_library_queue(lyre_req *req);      /* POST /library/queue (ids, current_index, position_ms, base_version) */
/* history.c */
lyre_err page_library_history(lyre_req *req);    /* GET  /library/history */
lyre_err post_history_pause(lyre_req *req);      /* POST /library/history/pause */
lyre_err post_history_resume(lyre_req *req);     /* POST /library/history/resume */
lyre_err post_history_clear(lyre_req *req);      /* POST /library/history/clear */
/* stats.c — listening statistics (signed in) */
lyre_err page_stats(lyre_req *req);              /* GET  /stats?range=4w|6m|all */
lyre_err page_stats_year(lyre_req *req);         /* GET  /stats/{year} (year in review) */
/* suggest.c — search suggestions while typing */
lyre_err page_search_suggest(lyre_req *req);     /* GET  /search/suggest?q= (JSON) */

/* "3:07", "1:02:03" */
const char *format_duration(arena *a, long long ms);
/* "47 min", "1 hr 12 min" */
const char *format_total(arena *a, long long ms);
/* <name ms="…">m:ss</name> */
xmlNodePtr add_duration(lyre_req *req, xmlNodePtr parent, const char *name, const char *ms_text);
/* <cover>/art/aa/<sha>-300.jpg</cover> when the album has artwork (sha may be NULL). */
void add_cover(lyre_req *req, xmlNodePtr parent, const char *artwork_sha256);
/* <album id><title/><artist id/><year/><cover/></album> from row of r, whose columns are
 * (album id, title, year, album artist id, album artist name, artwork sha256). */
xmlNodePtr add_album_row(lyre_req *req, xmlNodePtr parent, const db_result *r, size_t row);
/* <artist id="…">name</artist> */
xmlNodePtr add_artist_ref(xmlNodePtr parent, const char *id, const char *name);

/* A track row of the library pages (Liked Songs, history, recently played):
 * the columns LIBRARY_TRACK_COLS (t: tracks, joined by LIBRARY_TRACK_JOINS)
 * read from column col of r → <track id [unavailable]><title/><artists><artist id/>…
 * </artists><album id><title/><cover/></album><duration ms/></track>.  library.c */
xmlNodePtr library_track_row(lyre_req *req, xmlNodePtr parent, const db_result *r, size_t row,
                             size_t col);
#define LIBRARY_TRACK_COLS \
    "t.id, t.title, t.duration_ms, al.id, al.title, aw.sha256, aa.id, aa.name, " \
    "(SELECT GROUP_CONCAT(c.artist_id ORDER BY c.role, c.position SEPARATOR ',') " \
    " FROM track_artists c WHERE c.track_id = t.id AND c.role IN ('main', 'featured')), " \
    "(SELECT GROUP_CONCAT(ca.name ORDER BY c.role, c.position SEPARATOR '\x1f') " \
    " FROM track_artists c JOIN artists ca ON ca.id = c.artist_id " \
    " WHERE c.track_id = t.id AND c.role IN ('main', 'featured')), t.available "
#define LIBRARY_TRACK_JOINS \
    "JOIN albums al ON al.id = t.album_id JOIN artists aa ON aa.id = al.album_artist_id " \
    "LEFT JOIN artwork aw ON aw.id = al.artwork_id "

#endif

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

#endif

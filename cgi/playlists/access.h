/* access.h — what the handlers of lyre-playlists share (defined in
 * playlist.c): one playlist row with the asker's role in it, the rights that
 * follow, the answers every edit gives (JSON for fetch(), 303 for forms),
 * and the bookkeeping of a change (counts, version, edit log). */
#ifndef LYRE_PLAYLISTS_ACCESS_H
#define LYRE_PLAYLISTS_ACCESS_H

#include "playlists.h"

#define PL_MAX_ITEMS 10000
#define PL_NAME_MAX 100
#define PL_DESCRIPTION_MAX 300

enum pl_role {
    PL_NONE = 0,      /* may not even know it exists: 404 */
    PL_VIEWER = 1,    /* public, or opened through its share link */
    PL_COLLAB = 2,    /* listed as a collaborator (edits only while is_collaborative) */
    PL_OWNER = 3,
};

typedef struct pl_row {
    unsigned long long id, owner_id, version, count, duration_ms;
    unsigned long long catalog_version;   /* catalog_state's (0 when locked for an edit) */
    const char *name, *description, *share_token, *cover_sha256, *owner_name;
    int is_public, is_collaborative;
    enum pl_role role;
} pl_row;

/* Load playlist id with the signed-in user's role.  lock: inside a
 * transaction, SELECT ... FOR UPDATE on the playlist row, which every edit
 * takes first, so edits of one playlist run one after the other.
 * LYRE_ERR_NOT_FOUND when it does not exist or the asker may not see it. */
lyre_err pl_load(lyre_req *req, unsigned long long id, int lock, pl_row *p);
/* Owners always; collaborators while the playlist is collaborative. */
int pl_can_edit(const pl_row *p);
/* The client asked for JSON (Accept: application/json). */
int pl_wants_json(const lyre_req *req);
/* Answer with a JSON body built by jansson-free formatting (fmt is printf). */
lyre_err pl_json(lyre_req *req, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A JSON string literal (quotes included) of s, in req's arena. */
const char *pl_jstr(lyre_req *req, const char *s);
/* 400 with a sentence: JSON {"error"} or the error page. */
lyre_err pl_refuse(lyre_req *req, lyre_err err, const char *message);
/* 409: the playlist is at another version than the edit was made on. */
lyre_err pl_conflict(lyre_req *req, const pl_row *p);
/* A successful edit: JSON {version, count} or 303 back to the playlist. */
lyre_err pl_done(lyre_req *req, const pl_row *p);
/* A required form field as a number in 0..max; LYRE_ERR_BAD_REQUEST (with a
 * sentence naming the field) when missing or malformed. */
lyre_err pl_form_num(lyre_req *req, const char *name, unsigned long long max, unsigned long long *out);
/* Record a change made in the open transaction: counts moved by dcount /
 * dms, version + 1 (p->version and p->count follow), one playlist_edits row. */
db_status pl_bump(lyre_req *req, pl_row *p, const char *action, unsigned long long track_id,
                  const char *detail, long long dcount, long long dms);
/* The version an edit names (form field "version"); 400 when absent. */
lyre_err pl_form_version(lyre_req *req, unsigned long long *v);

#endif

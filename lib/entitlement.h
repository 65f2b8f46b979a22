/* entitlement.h — what a user may do now: the one function every program asks
 * (stream for bitrate and skips, the player for sponsor spots, Subsonic for
 * maxBitRate, pages for "Premium" badges).  It reads the user's own
 * subscription and, failing that, a family membership whose owner's
 * subscription is live, every call (one indexed query, no cache), so a change
 * of plan shows on the very next request.
 *
 * A subscription is live when its status is active or trialing, or past_due
 * while grace_until is in the future, or canceled with cancel_at_period_end
 * and current_period_end in the future.  Anything else, and anonymous
 * visitors, get the "free" plan's row of the plans table.
 */
#ifndef LYRE_ENTITLEMENT_H
#define LYRE_ENTITLEMENT_H

#include "db.h"
#include "errors.h"

typedef struct entitlement {
    char plan_code[33];         /* "free", "premium", "family", "student", or an admin's plan */
    char plan_name[65];
    int max_kbps;               /* highest rendition a stream may use (160 free, 320 paid) */
    int skips_per_hour;         /* -1: unlimited */
    int spots_every;            /* a sponsor spot after every N tracks; 0: none */
    int via_family;             /* 1: Premium through someone else's Family plan */
    unsigned long long family_owner_id;  /* that someone (0 otherwise) */
    unsigned long long subscription_id;  /* the live subscription's row (0: free) */
} entitlement;

/* Fill out for user_id (0 = anonymous).  LYRE_OK, or the database error's page
 * (LYRE_ERR_DB_DOWN when it is down: callers answer 503, never "free"). */
lyre_err entitlement_get(lyre_db *db, arena *a, unsigned long long user_id, entitlement *out);

#endif

/* entitlement.c — what a user may do now, asked afresh on every request.
 *
 * One statement: the user's own live subscriptions (ix_subscriptions_user),
 * live subscriptions of the owner of a family the user belongs to
 * (uq_family_member, then ix_subscriptions_user) when that plan has family
 * seats, and the free plan's row (uq_plans_code), best first.  Time is
 * compared with UTC_TIMESTAMP(): the provider's times are written in UTC. */
#include "entitlement.h"

#include <string.h>

#include "log.h"
#include "str.h"

#define LIVE(s) \
    "(" s ".status IN ('active','trialing')" \
    " OR (" s ".status = 'past_due' AND " s ".grace_until > UTC_TIMESTAMP())" \
    " OR (" s ".status = 'canceled' AND " s ".cancel_at_period_end = 1" \
    "     AND " s ".current_period_end > UTC_TIMESTAMP()))"

static const char entitlement_sql[] =
    "SELECT p.code, p.name, p.max_kbps, p.skips_per_hour, p.spots_every, x.via, x.owner, x.sub "
    "FROM ("
    "  SELECT s.plan_id AS plan_id, 0 AS via, 0 AS owner, s.id AS sub, 0 AS pri"
    "  FROM subscriptions s WHERE s.user_id = ? AND " LIVE("s")
    "  UNION ALL"
    "  SELECT s.plan_id, 1, fm.owner_id, s.id, 1"
    "  FROM family_members fm"
    "  JOIN subscriptions s ON s.user_id = fm.owner_id"
    "  JOIN plans fp ON fp.id = s.plan_id AND fp.family_members > 0"
    "  WHERE fm.member_id = ? AND " LIVE("s")
    "  UNION ALL"
    "  SELECT id, 0, 0, 0, 2 FROM plans WHERE code = 'free'"
    ") x JOIN plans p ON p.id = x.plan_id "
    /* Two live subscriptions at once (a Student bought over a Premium): the
     * better plan, then the newer row. */
    "ORDER BY x.pri, p.max_kbps DESC, p.skips_per_hour IS NULL DESC, x.sub DESC LIMIT 1";

lyre_err entitlement_get(lyre_db *db, arena *a, unsigned long long user_id, entitlement *out)
{
    db_result r;
    memset(out, 0, sizeof *out);
    db_status st = db_query(db, a, &r, entitlement_sql, "uu", user_id, user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows != 1) {
        log_error("entitlement: the plans table has no 'free' plan");
        return LYRE_ERR_INTERNAL;
    }
    if (str_copy(out->plan_code, sizeof out->plan_code, db_cell(&r, 0, 0)) != 0 ||
        str_copy(out->plan_name, sizeof out->plan_name, db_cell(&r, 0, 1)) != 0) {
        log_error("entitlement: a plan's code or name is too long");
        return LYRE_ERR_INTERNAL;
    }
    out->max_kbps = (int)db_cell_ll(&r, 0, 2, 0);
    out->skips_per_hour = db_cell(&r, 0, 3) ? (int)db_cell_ll(&r, 0, 3, -1) : -1;
    out->spots_every = (int)db_cell_ll(&r, 0, 4, 0);
    out->via_family = db_cell_ll(&r, 0, 5, 0) != 0;
    out->family_owner_id = (unsigned long long)db_cell_ll(&r, 0, 6, 0);
    out->subscription_id = (unsigned long long)db_cell_ll(&r, 0, 7, 0);
    return LYRE_OK;
}

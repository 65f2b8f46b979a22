/* stats.c — GET /stats?range=4w|6m|all[&by=plays|time] and GET /stats/{year}:
 * the signed-in listener's top tracks, artists and genres, minutes listened,
 * and bar charts drawn here as geometry for templates/stats.xsl (SVG, no JS).
 *
 * Definitions (also shown on the page):
 * - A play is one play_id of this user with a '30s' or 'complete' event;
 *   a start that was skipped before 30 s is not a play.
 * - Its time is its first event; its listened time is the furthest
 *   position_ms any of its events reached, capped at the track's duration.
 * - "by time" ranks by the sum of listened time, "by plays" by the count
 *   (ties broken by the other).  A play counts for every main and featured
 *   artist of its track; its genre is the track's, else its album's.
 * - Days, weeks and months are those of the database clock (UTC).
 *
 * Speed: one pass over the user's events through ix_play_events_user_cover
 * (user_id, created_at) folds them into plays in a per-connection temporary
 * table (default engine: a MEMORY table would cap a long history at
 * max_heap_table_size); every list and chart is then a small query on it.
 * The pass costs a row lookup per event (the index does not cover
 * play_id/event/position): about 110 ms per 100,000 events. */
#include "catalog.h"
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP_TRACKS 10
#define TOP_ARTISTS 10
#define TOP_GENRES 5
#define MAX_BARS 480
#define FIRST_YEAR 2000

static const char *const month_short[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const month_long[12] = { "January", "February", "March", "April", "May",
                                            "June", "July", "August", "September", "October",
                                            "November", "December" };
static const char *const weekday[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

/* Days since 1970-01-01 and back (H. Hinnant's civil calendar algorithms). */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static const char *day_sql(arena *a, long z)
{
    long y;
    int m, d;
    civil_from_days(z, &y, &m, &d);
    return arena_printf(a, "%04ld-%02d-%02d", y, m, d);
}

/* "Wed 12 Nov 2026" */
static const char *day_long(arena *a, long z)
{
    long y;
    int m, d;
    civil_from_days(z, &y, &m, &d);
    return arena_printf(a, "%s %d %s %ld", weekday[((z % 7) + 11) % 7], d, month_short[m - 1], y);
}

/* "12 Nov" */
static const char *day_short(arena *a, long z)
{
    long y;
    int m, d;
    civil_from_days(z, &y, &m, &d);
    return arena_printf(a, "%d %s", d, month_short[m - 1]);
}

/* Today by the database's clock, so "today" agrees with created_at. */
static lyre_err db_today(lyre_req *req, long *today)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r, "SELECT CURDATE()", "");
    if (st != DB_OK)
        return db_status_to_err(st);
    long y;
    int m, d;
    if (r.nrows != 1 || !db_cell(&r, 0, 0) || sscanf(db_cell(&r, 0, 0), "%ld-%d-%d", &y, &m, &d) != 3)
        return LYRE_ERR_INTERNAL;
    *today = days_from_civil(y, m, d);
    return LYRE_OK;
}

static long long minutes_of(long long ms) { return (ms + 30000) / 60000; }

/* ---- charts: bars and their geometry for two widths (CSS shows one) ---- */

typedef struct stat_bar {
    const char *label;      /* under the bar */
    const char *title;      /* tooltip and table row */
    long long value;
} stat_bar;

typedef struct chart_def {
    const char *id;
    const char *heading;    /* "Plays per day" */
    const char *one, *many; /* "play", "plays" */
    const char *span;       /* "over the last 4 weeks" */
} chart_def;

static const char *fmt1(arena *a, double v) { return arena_printf(a, "%.1f", v); }

static const char *short_number(arena *a, long long v)
{
    if (v >= 10000)
        return arena_printf(a, "%lldk", v / 1000);
    if (v >= 1000)
        return arena_printf(a, "%lld,%03lld", v / 1000, v % 1000);
    return arena_printf(a, "%lld", v);
}

static void add_layout(lyre_req *req, xmlNodePtr chart, const char *name, int w, int h,
                       const stat_bar *bars, size_t n, long long step, long long ymax,
                       const chart_def *def)
{
    const double left = 40, right = 14, top = 10, bottom = 26;
    double pw = w - left - right, ph = h - top - bottom, base = top + ph;
    /* As many x labels as fit: about 6.5 units a character at 11px, plus a gap. */
    size_t longest = 1;
    for (size_t i = 0; i < n; i++)
        if (strlen(bars[i].label) > longest)
            longest = strlen(bars[i].label);
    size_t max_labels = (size_t)(pw / ((double)longest * 6.5 + 14));
    if (max_labels < 2)
        max_labels = 2;
    xmlNodePtr lay = view_elem(chart, "layout");
    view_attr(lay, "name", name);
    view_attr_int(lay, "w", w);
    view_attr_int(lay, "h", h);
    for (long long v = 0; v <= ymax; v += step) {
        xmlNodePtr t = view_elem(lay, "tick");
        double y = base - (double)v * ph / (double)ymax;
        view_attr(t, "y", fmt1(req->a, y));
        view_attr(t, "ty", fmt1(req->a, y + 4));
        view_attr(t, "x1", fmt1(req->a, left));
        view_attr(t, "x2", fmt1(req->a, w - right));
        view_attr(t, "tx", fmt1(req->a, left - 6));
        view_attr(t, "label", short_number(req->a, v));
    }
    double slot = pw / (double)n;
    double gap = slot > 4 ? slot * 0.22 : 0.5;
    size_t every = (n + max_labels - 1) / max_labels;
    if (every == 0)
        every = 1;
    for (size_t i = 0; i < n; i++) {
        double x = left + (double)i * slot;
        if (bars[i].value > 0) {
            double bh = (double)bars[i].value * ph / (double)ymax;
            if (bh < 1)
                bh = 1;
            xmlNodePtr r = view_elem(lay, "rect");
            view_attr(r, "x", fmt1(req->a, x + gap / 2));
            view_attr(r, "y", fmt1(req->a, base - bh));
            view_attr(r, "w", fmt1(req->a, slot - gap));
            view_attr(r, "h", fmt1(req->a, bh));
            view_attr(r, "title", arena_printf(req->a, "%s: %lld %s", bars[i].title, bars[i].value,
                                               bars[i].value == 1 ? def->one : def->many));
        }
        /* Labels from the last bar backwards, so the newest always has one. */
        if ((n - 1 - i) % every == 0) {
            xmlNodePtr l = view_text(lay, "xlabel", bars[i].label);
            view_attr(l, "x", fmt1(req->a, x + slot / 2));
            view_attr(l, "y", fmt1(req->a, (double)h - 8));
        }
    }
}

static void add_chart(lyre_req *req, xmlNodePtr parent, const chart_def *def,
                      const stat_bar *bars, size_t n)
{
    if (n == 0)
        return;
    long long max = 0, total = 0;
    size_t top_i = 0;
    for (size_t i = 0; i < n; i++) {
        total += bars[i].value;
        if (bars[i].value > max) {
            max = bars[i].value;
            top_i = i;
        }
    }
    /* A step of 1, 2 or 5 times a power of ten giving at most 4 grid lines. */
    long long step = 1, mag = 1;
    for (;;) {
        if (mag * 4 >= max) { step = mag; break; }
        if (mag * 2 * 4 >= max) { step = mag * 2; break; }
        if (mag * 5 * 4 >= max) { step = mag * 5; break; }
        mag *= 10;
    }
    long long ymax = max > 0 ? (max + step - 1) / step * step : step;

    xmlNodePtr c = view_elem(parent, "chart");
    view_attr(c, "id", def->id);
    view_text(c, "heading", def->heading);
    view_text(c, "unit", def->many);
    view_text(c, "summary", max > 0
        ? arena_printf(req->a, "Bar chart: %s %s; %lld %s in all, the most on %s (%lld).",
                       def->heading, def->span, total, total == 1 ? def->one : def->many,
                       bars[top_i].title, max)
        : arena_printf(req->a, "Bar chart: %s %s; none yet.", def->heading, def->span));
    for (size_t i = 0; i < n; i++) {
        xmlNodePtr b = view_elem(c, "bar");
        view_attr(b, "title", bars[i].title);
        view_attr_int(b, "value", bars[i].value);
    }
    add_layout(req, c, "wide", 640, 220, bars, n, step, ymax, def);
    add_layout(req, c, "narrow", 340, 200, bars, n, step, ymax, def);
}

/* ---- the plays of a span, and what every stats page shows of them ---- */

#define PLAYS_SELECT \
    "SELECT p.track_id, p.at, LEAST(p.pos, IF(t.duration_ms > 0, t.duration_ms, p.pos)) AS ms, " \
    "COALESCE(t.genre_id, al.genre_id) AS genre_id " \
    "FROM (SELECT MIN(pe.track_id) AS track_id, MIN(pe.created_at) AS at, " \
    "MAX(pe.position_ms) AS pos FROM play_events pe FORCE INDEX (ix_play_events_user_cover) " \
    "WHERE pe.user_id = ? AND pe.created_at >= ? AND pe.created_at < ? " \
    "GROUP BY pe.play_id HAVING SUM(pe.event IN ('30s', 'complete')) > 0) p " \
    "JOIN tracks t ON t.id = p.track_id JOIN albums al ON al.id = t.album_id"

static db_status plays_drop(lyre_req *req)
{
    return db_exec(req->db, NULL, NULL, "DROP TEMPORARY TABLE IF EXISTS stats_plays", "");
}

/* Fold the user's events of [from, to) into plays (see the top comment).
 * A MEMORY table is the fastest; one of a history too long for
 * max_heap_table_size fails ("table is full") and is made again on disk. */
static db_status plays_load(lyre_req *req, long from, long to)
{
    static const char *const create[2] = {
        "CREATE TEMPORARY TABLE stats_plays ENGINE=MEMORY AS " PLAYS_SELECT,
        "CREATE TEMPORARY TABLE stats_plays AS " PLAYS_SELECT,
    };
    db_status st = DB_ERROR;
    for (size_t i = 0; i < 2 && st == DB_ERROR; i++) {
        st = plays_drop(req);
        if (st == DB_OK)
            st = db_exec(req->db, NULL, NULL, create[i], "uss", req->auth->user_id,
                         day_sql(req->a, from), day_sql(req->a, to));
    }
    return st;
}

static void add_count_ms(xmlNodePtr n, const db_result *r, size_t row, size_t col)
{
    long long plays = db_cell_ll(r, row, col, 0), ms = db_cell_ll(r, row, col + 1, 0);
    view_attr_int(n, "plays", plays);
    view_attr_int(n, "ms", ms);
    view_attr_int(n, "minutes", minutes_of(ms));
}

/* style="--share: 57%" of the list's first entry, for the meter under each. */
static void add_share(xmlNodePtr n, long long v, long long top)
{
    view_attr_int(n, "share", top > 0 ? (v * 100 + top / 2) / top : 0);
}

/* <list_name><item id rank …count/ms/share…><name/></item>…</list_name> from
 * rows (id, plays, ms, name), the first the top one. */
static void add_top_named(xmlNodePtr parent, const char *list_name, const char *item, const db_result *r,
                          int by_time)
{
    xmlNodePtr list = view_elem(parent, list_name);
    long long top = r->nrows ? db_cell_ll(r, 0, by_time ? 2 : 1, 0) : 0;
    for (size_t i = 0; i < r->nrows; i++) {
        xmlNodePtr n = view_elem(list, item);
        view_attr(n, "id", db_cell(r, i, 0));
        view_attr_int(n, "rank", (long long)i + 1);
        add_count_ms(n, r, i, 1);
        add_share(n, db_cell_ll(r, i, by_time ? 2 : 1, 0), top);
        view_text(n, "name", db_cell(r, i, 3));
    }
}

/* Totals, top tracks, artists and genres.  *plays gets the number of plays. */
static db_status add_tops(lyre_req *req, xmlNodePtr st_el, int by_time, long long *plays)
{
    db_result tot, tr, cr, ar, ge;
    db_status st = db_query(req->db, req->a, &tot,
        "SELECT COUNT(*), COALESCE(SUM(ms), 0), COUNT(DISTINCT track_id) FROM stats_plays", "");
    if (st != DB_OK)
        return st;
    *plays = db_cell_ll(&tot, 0, 0, 0);
    long long total_ms = db_cell_ll(&tot, 0, 1, 0);
    xmlNodePtr t = view_elem(st_el, "totals");
    view_attr_int(t, "plays", *plays);
    view_attr_int(t, "ms", total_ms);
    view_attr_int(t, "minutes", minutes_of(total_ms));
    view_attr_int(t, "tracks", db_cell_ll(&tot, 0, 2, 0));
    view_text(t, "listened", format_total(req->a, total_ms));
    if (*plays == 0)
        return DB_OK;

    st = db_query(req->db, req->a, &tr, by_time
        ? "SELECT x.track_id, x.n, x.ms, t.title, al.id, al.title, aw.sha256 FROM "
          "(SELECT track_id, COUNT(*) AS n, SUM(ms) AS ms FROM stats_plays GROUP BY track_id "
          "ORDER BY ms DESC, n DESC, track_id LIMIT 10) x JOIN tracks t ON t.id = x.track_id "
          "JOIN albums al ON al.id = t.album_id LEFT JOIN artwork aw ON aw.id = al.artwork_id "
          "ORDER BY x.ms DESC, x.n DESC, x.track_id"
        : "SELECT x.track_id, x.n, x.ms, t.title, al.id, al.title, aw.sha256 FROM "
          "(SELECT track_id, COUNT(*) AS n, SUM(ms) AS ms FROM stats_plays GROUP BY track_id "
          "ORDER BY n DESC, ms DESC, track_id LIMIT 10) x JOIN tracks t ON t.id = x.track_id "
          "JOIN albums al ON al.id = t.album_id LEFT JOIN artwork aw ON aw.id = al.artwork_id "
          "ORDER BY x.n DESC, x.ms DESC, x.track_id", "");
    if (st != DB_OK)
        return st;
    unsigned long long ids[TOP_TRACKS] = { 0 };
    for (size_t i = 0; i < tr.nrows && i < TOP_TRACKS; i++)
        ids[i] = (unsigned long long)db_cell_ll(&tr, i, 0, 0);
    st = db_query(req->db, req->a, &cr,
        "SELECT ta.track_id, ar.id, ar.name FROM track_artists ta JOIN artists ar ON ar.id = ta.artist_id "
        "WHERE ta.track_id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) AND ta.role IN ('main', 'featured') "
        "ORDER BY ta.track_id, ta.role, ta.position", "uuuuuuuuuu",
        ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7], ids[8], ids[9]);
    if (st != DB_OK)
        return st;
    xmlNodePtr list = view_elem(st_el, "top-tracks");
    long long top = tr.nrows ? db_cell_ll(&tr, 0, by_time ? 2 : 1, 0) : 0;
    for (size_t i = 0; i < tr.nrows; i++) {
        const char *tid = db_cell(&tr, i, 0);
        xmlNodePtr n = view_elem(list, "track");
        view_attr(n, "id", tid);
        view_attr_int(n, "rank", (long long)i + 1);
        add_count_ms(n, &tr, i, 1);
        add_share(n, db_cell_ll(&tr, i, by_time ? 2 : 1, 0), top);
        view_text(n, "title", db_cell(&tr, i, 3));
        xmlNodePtr al = view_elem(n, "album");
        view_attr(al, "id", db_cell(&tr, i, 4));
        view_text(al, "title", db_cell(&tr, i, 5));
        add_cover(req, al, db_cell(&tr, i, 6));
        xmlNodePtr artists = view_elem(n, "artists");
        for (size_t c = 0; c < cr.nrows; c++)
            if (strcmp(db_cell(&cr, c, 0), tid) == 0)
                add_artist_ref(artists, db_cell(&cr, c, 1), db_cell(&cr, c, 2));
    }

    st = db_query(req->db, req->a, &ar, by_time
        ? "SELECT x.artist_id, x.n, x.ms, a.name FROM (SELECT ta.artist_id, SUM(pt.n) AS n, "
          "SUM(pt.ms) AS ms FROM (SELECT track_id, COUNT(*) AS n, SUM(ms) AS ms FROM stats_plays "
          "GROUP BY track_id) pt JOIN track_artists ta ON ta.track_id = pt.track_id "
          "AND ta.role IN ('main', 'featured') GROUP BY ta.artist_id "
          "ORDER BY ms DESC, n DESC, ta.artist_id LIMIT 10) x JOIN artists a ON a.id = x.artist_id "
          "ORDER BY x.ms DESC, x.n DESC, x.artist_id"
        : "SELECT x.artist_id, x.n, x.ms, a.name FROM (SELECT ta.artist_id, SUM(pt.n) AS n, "
          "SUM(pt.ms) AS ms FROM (SELECT track_id, COUNT(*) AS n, SUM(ms) AS ms FROM stats_plays "
          "GROUP BY track_id) pt JOIN track_artists ta ON ta.track_id = pt.track_id "
          "AND ta.role IN ('main', 'featured') GROUP BY ta.artist_id "
          "ORDER BY n DESC, ms DESC, ta.artist_id LIMIT 10) x JOIN artists a ON a.id = x.artist_id "
          "ORDER BY x.n DESC, x.ms DESC, x.artist_id", "");
    if (st != DB_OK)
        return st;
    add_top_named(st_el, "top-artists", "artist", &ar, by_time);

    st = db_query(req->db, req->a, &ge, by_time
        ? "SELECT x.genre_id, x.n, x.ms, g.name FROM (SELECT genre_id, COUNT(*) AS n, SUM(ms) AS ms "
          "FROM stats_plays WHERE genre_id IS NOT NULL GROUP BY genre_id "
          "ORDER BY ms DESC, n DESC, genre_id LIMIT 5) x JOIN genres g ON g.id = x.genre_id "
          "ORDER BY x.ms DESC, x.n DESC, x.genre_id"
        : "SELECT x.genre_id, x.n, x.ms, g.name FROM (SELECT genre_id, COUNT(*) AS n, SUM(ms) AS ms "
          "FROM stats_plays WHERE genre_id IS NOT NULL GROUP BY genre_id "
          "ORDER BY n DESC, ms DESC, genre_id LIMIT 5) x JOIN genres g ON g.id = x.genre_id "
          "ORDER BY x.n DESC, x.ms DESC, x.genre_id", "");
    if (st != DB_OK)
        return st;
    add_top_named(st_el, "top-genres", "genre", &ge, by_time);
    return DB_OK;
}

/* Years with any event of the user, newest first: one index dive per year. */
static db_status add_years(lyre_req *req, xmlNodePtr st_el, long this_year, size_t *count)
{
    xmlNodePtr list = view_elem(st_el, "years");
    long from = FIRST_YEAR;
    long found[64];
    size_t n = 0;
    while (from <= this_year && n < sizeof found / sizeof found[0]) {
        db_result r;
        db_status st = db_query(req->db, req->a, &r,
            "SELECT YEAR(MIN(created_at)) FROM play_events FORCE INDEX (ix_play_events_user_cover) "
            "WHERE user_id = ? AND created_at >= ?", "us",
            req->auth->user_id, arena_printf(req->a, "%04ld-01-01", from));
        if (st != DB_OK)
            return st;
        long y = (long)db_cell_ll(&r, 0, 0, 0);
        if (y < from || y > this_year)
            break;
        found[n++] = y;
        from = y + 1;
    }
    for (size_t i = n; i > 0; i--)
        view_attr_int(view_elem(list, "year"), "value", found[i - 1]);
    *count = n;
    return DB_OK;
}

static const char *stats_param(const lyre_req *req, const char *name, const char *dflt)
{
    const char *v = http_query(req, name);
    return v && *v ? v : dflt;
}

static lyre_err parse_by(lyre_req *req, int *by_time)
{
    const char *by = stats_param(req, "by", "plays");
    if (strcmp(by, "plays") != 0 && strcmp(by, "time") != 0) {
        req->error_detail = "Statistics can be ranked by=plays or by=time.";
        return LYRE_ERR_BAD_REQUEST;
    }
    *by_time = strcmp(by, "time") == 0;
    return LYRE_OK;
}

/* Bars per month of [first_month, first_month + n) (months since year 0). */
static db_status month_bars(lyre_req *req, int minutes, long first_month, size_t n, stat_bar *bars,
                            int with_year)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT YEAR(at) * 12 + MONTH(at) - 1, COUNT(*), SUM(ms) FROM stats_plays GROUP BY 1", "");
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        long mi = first_month + (long)i;
        long y = mi / 12;
        int m = (int)(mi % 12);
        bars[i].label = with_year ? arena_printf(req->a, "%s %ld", month_short[m], y)
                                  : month_short[m];
        bars[i].title = arena_printf(req->a, "%s %ld", month_long[m], y);
        bars[i].value = 0;
    }
    for (size_t k = 0; k < r.nrows; k++) {
        long long mi = db_cell_ll(&r, k, 0, 0) - first_month;
        if (mi >= 0 && (size_t)mi < n)
            bars[mi].value = minutes ? minutes_of(db_cell_ll(&r, k, 2, 0)) : db_cell_ll(&r, k, 1, 0);
    }
    return DB_OK;
}

lyre_err page_stats(lyre_req *req)
{
    if (!req->auth)
        return LYRE_ERR_UNAUTHORIZED;
    const char *range = stats_param(req, "range", "4w");
    int by_time = 0;
    lyre_err err = LYRE_OK;
    if (strcmp(range, "4w") != 0 && strcmp(range, "6m") != 0 && strcmp(range, "all") != 0) {
        req->error_detail = "The range is one of 4w (last 4 weeks), 6m (last 6 months) or all.";
        return LYRE_ERR_BAD_REQUEST;
    }
    err = parse_by(req, &by_time);
    if (err != LYRE_OK)
        return err;
    long today;
    err = db_today(req, &today);
    if (err != LYRE_OK)
        return err;
    long ty;
    int tm, td;
    civil_from_days(today, &ty, &tm, &td);

    long from = range[0] == '4' ? today - 27 : range[0] == '6' ? today - 181
              : days_from_civil(FIRST_YEAR, 1, 1);
    lyre_view *v = view_new("stats", "Your listening stats");
    xmlNodePtr content = view_content(v);
    xmlNodePtr st_el = view_elem(content, "stats");
    view_attr(st_el, "range", range);
    view_attr(st_el, "by", by_time ? "time" : "plays");
    view_attr_int(st_el, "this-year", ty);
    view_text(st_el, "span", range[0] == '4' ? "the last 4 weeks" : range[0] == '6'
              ? "the last 6 months" : "all time");
    view_text(st_el, "from", day_long(req->a, from));

    size_t nyears = 0;
    long long plays = 0;
    int loaded = 0;
    db_status st = add_years(req, st_el, ty, &nyears);
    if (st == DB_OK && nyears > 0) {
        st = plays_load(req, from, today + 1);
        loaded = st == DB_OK;
    }
    if (st == DB_OK && loaded)
        st = add_tops(req, st_el, by_time, &plays);
    if (st == DB_OK && plays > 0) {
        stat_bar *bars = NULL;
        size_t n = 0;
        chart_def def = { "plays-chart", "Plays per day", "play", "plays", "over the last 4 weeks" };
        if (range[0] == '4' || range[0] == '6') {
            int weekly = range[0] == '6';
            n = weekly ? 26 : 28;
            if (weekly) {
                def.heading = "Plays per week";
                def.span = "over the last 26 weeks";
            }
            bars = arena_alloc(req->a, n * sizeof *bars);
            for (size_t i = 0; i < n; i++) {
                long d0 = from + (long)i * (weekly ? 7 : 1);
                bars[i].label = day_short(req->a, d0);
                bars[i].title = weekly ? arena_printf(req->a, "Week of %s", day_long(req->a, d0))
                                       : day_long(req->a, d0);
                bars[i].value = 0;
            }
            db_result r;
            st = db_query(req->db, req->a, &r,
                "SELECT DATEDIFF(at, ?), COUNT(*) FROM stats_plays GROUP BY 1", "s", day_sql(req->a, from));
            for (size_t k = 0; st == DB_OK && k < r.nrows; k++) {
                long long d = db_cell_ll(&r, k, 0, -1);
                long long b = weekly ? d / 7 : d;
                if (d >= 0 && b < (long long)n)
                    bars[b].value += db_cell_ll(&r, k, 1, 0);
            }
        } else {
            db_result r;
            st = db_query(req->db, req->a, &r,
                "SELECT MIN(YEAR(at) * 12 + MONTH(at) - 1) FROM stats_plays", "");
            long first = st == DB_OK ? (long)db_cell_ll(&r, 0, 0, ty * 12 + tm - 1) : 0;
            long last = ty * 12 + tm - 1;
            if (first > last)
                first = last;
            if (last - first + 1 > MAX_BARS)
                first = last - MAX_BARS + 1;
            n = (size_t)(last - first + 1);
            def.heading = "Plays per month";
            def.span = "since you started listening";
            bars = arena_alloc(req->a, n * sizeof *bars);
            if (st == DB_OK)
                st = month_bars(req, 0, first, n, bars, 1);
        }
        if (st == DB_OK)
            add_chart(req, st_el, &def, bars, n);
    }
    if (loaded) {
        db_status st2 = plays_drop(req);
        if (st == DB_OK)
            st = st2;
    }
    if (st != DB_OK) {
        view_free(v);
        return db_status_to_err(st);
    }
    if (nyears == 0)
        view_elem(st_el, "never");
    return app_render(req, v);
}

lyre_err page_stats_year(lyre_req *req)
{
    if (!req->auth)
        return LYRE_ERR_UNAUTHORIZED;
    const char *arg = req->route_nargs > 0 ? req->route_args[0] : "";
    int by_time = 0;
    long year = 0;
    lyre_err err = LYRE_OK;
    for (const char *p = arg; *p; p++)
        if (*p < '0' || *p > '9' || p - arg >= 4) {
            req->error_detail = "A year in review is at /stats/YYYY.";
            return LYRE_ERR_NOT_FOUND;
        }
    if (strlen(arg) == 4)
        year = strtol(arg, NULL, 10);
    err = parse_by(req, &by_time);
    if (err != LYRE_OK)
        return err;
    long today;
    err = db_today(req, &today);
    if (err != LYRE_OK)
        return err;
    long ty;
    int tm, td;
    civil_from_days(today, &ty, &tm, &td);
    if (year < FIRST_YEAR || year > ty) {
        req->error_detail = arena_printf(req->a, "Years in review go from %d to %ld.", FIRST_YEAR, ty);
        return LYRE_ERR_NOT_FOUND;
    }

    long from = days_from_civil(year, 1, 1), to = days_from_civil(year + 1, 1, 1);
    lyre_view *v = view_new("stats", arena_printf(req->a, "%ld in review", year));
    xmlNodePtr content = view_content(v);
    xmlNodePtr st_el = view_elem(content, "stats");
    view_attr_int(st_el, "year", year);
    view_attr(st_el, "by", by_time ? "time" : "plays");
    view_attr_int(st_el, "this-year", ty);
    view_text(st_el, "span", arena_printf(req->a, "%ld", year));

    size_t nyears = 0;
    long long plays = 0;
    int loaded = 0;
    db_status st = add_years(req, st_el, ty, &nyears);
    if (st == DB_OK && nyears > 0) {
        st = plays_load(req, from, to);
        loaded = st == DB_OK;
    }
    if (st == DB_OK && loaded)
        st = add_tops(req, st_el, by_time, &plays);
    if (st == DB_OK && plays > 0) {
        stat_bar bars[12];
        chart_def def = { "minutes-chart", "Minutes per month", "minute", "minutes",
                          arena_printf(req->a, "in %ld", year) };
        st = month_bars(req, 1, year * 12, 12, bars, 0);
        if (st == DB_OK)
            add_chart(req, st_el, &def, bars, 12);
        xmlNodePtr review = view_elem(st_el, "review");
        db_result r;
        if (st == DB_OK)
            st = db_query(req->db, req->a, &r,
                "SELECT DATEDIFF(at, ?) AS d, SUM(ms) AS ms, COUNT(*) FROM stats_plays "
                "GROUP BY d ORDER BY ms DESC, d LIMIT 1", "s", day_sql(req->a, from));
        if (st == DB_OK && r.nrows == 1) {
            xmlNodePtr b = view_text(review, "busiest", day_long(req->a, from + (long)db_cell_ll(&r, 0, 0, 0)));
            view_attr(b, "date", day_sql(req->a, from + (long)db_cell_ll(&r, 0, 0, 0)));
            view_attr_int(b, "plays", db_cell_ll(&r, 0, 2, 0));
            view_attr_int(b, "minutes", minutes_of(db_cell_ll(&r, 0, 1, 0)));
            view_text(b, "listened", format_total(req->a, db_cell_ll(&r, 0, 1, 0)));
        }
        if (st == DB_OK)
            st = db_query(req->db, req->a, &r,
                "SELECT COUNT(DISTINCT ta.artist_id) FROM (SELECT DISTINCT track_id FROM stats_plays) sp "
                "JOIN track_artists ta ON ta.track_id = sp.track_id AND ta.role IN ('main', 'featured')", "");
        if (st == DB_OK)
            view_int(review, "artists-count", db_cell_ll(&r, 0, 0, 0));
        if (st == DB_OK)
            st = db_query(req->db, req->a, &r,
                "SELECT DATE_FORMAT(sp.at, '%Y-%m-%d'), DATEDIFF(sp.at, ?), DATE_FORMAT(sp.at, '%H:%i'), "
                "t.id, t.title, ar.id, ar.name FROM stats_plays sp JOIN tracks t ON t.id = sp.track_id "
                "JOIN albums al ON al.id = t.album_id JOIN artists ar ON ar.id = al.album_artist_id "
                "ORDER BY sp.at, t.id LIMIT 1", "s", day_sql(req->a, from));
        if (st == DB_OK && r.nrows == 1) {
            xmlNodePtr f = view_elem(review, "first");
            view_attr(f, "date", db_cell(&r, 0, 0));
            view_text(f, "when", arena_printf(req->a, "%s, %s",
                      day_long(req->a, from + (long)db_cell_ll(&r, 0, 1, 0)), db_cell(&r, 0, 2)));
            xmlNodePtr t = view_elem(f, "track");
            view_attr(t, "id", db_cell(&r, 0, 3));
            view_text(t, "title", db_cell(&r, 0, 4));
            add_artist_ref(t, db_cell(&r, 0, 5), db_cell(&r, 0, 6));
        }
    }
    if (loaded) {
        db_status st2 = plays_drop(req);
        if (st == DB_OK)
            st = st2;
    }
    if (st != DB_OK) {
        view_free(v);
        return db_status_to_err(st);
    }
    if (nyears == 0)
        view_elem(st_el, "never");
    return app_render(req, v);
}

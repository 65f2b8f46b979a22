#!/bin/bash
# tests/integration/stats.sh BASE_URL — listening statistics (GET /stats, /stats/YYYY):
# play events are written in SQL at chosen dates for the fixture tracks (900001+), then
# the top lists, plays and minutes of each range and of a year in review are checked
# against figures worked out by hand; bad ranges and years, anonymous visitors, another
# user's plays never counted, a new user's empty page, and the server-drawn SVG charts.
# Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf) and LYRE_TEST_BUILD (tools/lyre-admin).
set -u
BASE=${1:?usage: stats.sh BASE_URL}
LABEL=${LABEL:-stats}
. "$(dirname "$0")/lib.sh"

CONF="$LYRE_TEST_INSTANCE/lyre.conf"
ADMIN="$LYRE_TEST_BUILD/tools/lyre-admin"
PW="quiet harbour 93 lamps"
RUN="st$$"

sql() {
    mariadb --defaults-file="$LYRE_TEST_INSTANCE/my.cnf" --user=root --default-character-set=utf8mb4 \
        -N -B lyre -e "$1"
}

# new_user NAME: an account; prints its id.
new_user() {
    "$ADMIN" -c "$CONF" user add "$1" "$1@example.test" --password-stdin --verified <<<"$PW" >/dev/null 2>&1 \
        || { echo "lyre-admin user add $1 failed" >&2; return 1; }
    sql "SELECT id FROM users WHERE username = '$1'"
}

# sign_in JAR NAME
sign_in() {
    local csrf
    rm -f "$1"
    fetch "$BASE/login" -c "$1"
    csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$BODY" | head -n 1 | sed 's/.*value="//; s/"$//')
    fetch "$BASE/login" -b "$1" -c "$1" --data-urlencode "csrf=$csrf" \
        --data-urlencode "login=$2" --data-urlencode "password=$PW"
}

# The SQL of one play: play USER TRACK WHEN LAST_EVENT POSITION_MS.  WHEN is an SQL
# expression; the play gets 'start' at 0, '30s' at 30 s when POSITION_MS >= 30000, and
# LAST_EVENT ('complete' or 'skip') at POSITION_MS a few minutes later.
PLAYS=""
N=0
play() {
    local u=$1 t=$2 when=$3 last=$4 pos=$5 id
    N=$((N + 1))
    id=$(printf '%08x%08x%016x' "$$" "$N" "$RANDOM$RANDOM")
    PLAYS+="INSERT INTO play_events (play_id, user_id, track_id, event, position_ms, created_at) VALUES "
    PLAYS+="('$id', $u, $t, 'start', 0, $when)"
    [ "$pos" -ge 30000 ] && PLAYS+=", ('$id', $u, $t, '30s', 30000, $when + INTERVAL 30 SECOND)"
    PLAYS+=", ('$id', $u, $t, '$last', $pos, $when + INTERVAL 3 MINUTE);"$'\n'
}
day() { echo "(CURDATE() - INTERVAL $1 DAY + INTERVAL 12 HOUR)"; }

A=$(new_user "${RUN}a") || exit 1
B=$(new_user "${RUN}b") || exit 1
C=$(new_user "${RUN}c") || exit 1
NEWBIE=$(new_user "${RUN}n") || exit 1
PAST=$(($(sql "SELECT YEAR(CURDATE())") - 2))   # a past year, clear of the last 6 months

# User A.  Last 4 weeks: 11 plays, 3,336,000 ms (56 min).
for d in 1 2 3; do play "$A" 900001 "$(day $d)" complete 600000; done   # 3 plays, 30 min
play "$A" 900021 "$(day 5)" complete 180000                               # 3 plays, 9 min:
play "$A" 900021 "$(day 5)" complete 180000
play "$A" 900021 "$(day 6)" complete 999999                               # capped at 3:00
play "$A" 900003 "$(day 4)" skip 10000                                    # skipped at 0:10: no play
play "$A" 900003 "$(day 4)" skip 100000                                   # 1 play, 100 s
for i in 1 2 3 4; do play "$A" 900004 "$(day 10)" complete 224000; done   # 4 plays, 896 s
# Last 6 months only: 5 plays, 10 min (6m: 16 plays, 3,936,000 ms = 66 min).
for i in 1 2 3 4 5; do play "$A" 900031 "$(day 60)" complete 120000; done
# $PAST: 4 plays, 2,220,000 ms (37 min), two artists (all time: 20 plays, 103 min).
play "$A" 900001 "'$PAST-01-02 08:15:00'" complete 600000
play "$A" 900013 "'$PAST-03-15 20:00:00'" complete 720000
play "$A" 900013 "'$PAST-03-15 21:00:00'" complete 720000
play "$A" 900021 "'$PAST-07-04 10:00:00'" complete 180000
# User B: ten full plays of a track A never played.
for i in 1 2 3 4 5 6 7 8 9 10; do play "$B" 900016 "$(day 2)" complete 720000; done
# User C: demo tracks with genres (the fixtures have none): genre G1 twice, G2 once.
read -r G1T G1 <<<"$(sql "SELECT t.id, g.name FROM tracks t JOIN albums al ON al.id = t.album_id
    JOIN genres g ON g.id = COALESCE(t.genre_id, al.genre_id) ORDER BY t.id LIMIT 1")"
G1ID=$(sql "SELECT g.id FROM tracks t JOIN albums al ON al.id = t.album_id
    JOIN genres g ON g.id = COALESCE(t.genre_id, al.genre_id) WHERE t.id = $G1T")
G2T=$(sql "SELECT t.id FROM tracks t JOIN albums al ON al.id = t.album_id
    WHERE COALESCE(t.genre_id, al.genre_id) <> $G1ID ORDER BY t.id LIMIT 1")
G2ID=$(sql "SELECT COALESCE(t.genre_id, al.genre_id) FROM tracks t JOIN albums al ON al.id = t.album_id WHERE t.id = $G2T")
play "$C" "$G1T" "$(day 1)" complete 30000
play "$C" "$G1T" "$(day 2)" complete 30000
play "$C" "$G2T" "$(day 3)" complete 30000
if ! sql "$PLAYS"; then
    fail "play events inserted"
    finish
    exit 1
fi

JAR="$T_TMP/jar"
sign_in "$JAR" "${RUN}a"
check "user A signs in" status_in 303
get() { fetch "$BASE$1" -b "$JAR"; }
# save_page NAME: keep the page in $BODY for the HTML validator (tests/browser/validate.mjs).
save_page() {
    [ -n "${LYRE_TEST_HTML:-}" ] || return 0
    mkdir -p "$LYRE_TEST_HTML"
    cp "$BODY" "$LYRE_TEST_HTML/$LABEL-$1.html"
}

# figure ID: the number in <span class="stat-big" id="ID">.
figure() { grep -o "id=\"$1\">[0-9,]*<" "$BODY" | head -n 1 | tr -dc '0-9'; }
figure_is() { local v; v=$(figure "$1"); [ "$v" = "$2" ] && return 0; echo "$1 is '$v', wanted $2"; return 1; }
# first_in LIST: the data-id of the first entry of <ol id="LIST">.
first_in() { sed 's/<ol id=/\n&/g' "$BODY" | grep "^<ol id=\"$1\"" | grep -o 'data-id="[0-9]*"' | head -n 1 | tr -dc '0-9'; }
first_is() { local v; v=$(first_in "$1"); [ "$v" = "$2" ] && return 0; echo "first of $1 is '$v', wanted $2"; return 1; }
count_in() { sed 's/<ol id=/\n&/g' "$BODY" | grep "^<ol id=\"$1\"" | sed 's/<\/ol>.*//' | grep -o 'data-id=' | wc -l; }
count_is() { local v; v=$(count_in "$1"); [ "$v" = "$2" ] && return 0; echo "$1 has $v entries, wanted $2"; return 1; }
# The SVG of the page's wide chart, as XML, must parse.
svg_ok() {
    perl -0ne 'print $1 if m{(<svg[^>]*class="chart chart-wide".*?</svg>)}s' "$BODY" >"$T_TMP/chart.svg"
    [ -s "$T_TMP/chart.svg" ] || { echo "no wide chart"; return 1; }
    xmllint --noout "$T_TMP/chart.svg" 2>&1 || return 1
    grep -q '<svg[^>]*role="img"[^>]*aria-label="Bar chart: ' "$T_TMP/chart.svg" || { echo "no role/aria-label"; return 1; }
    grep -q '<rect x="[0-9.]*" y="[0-9.]*" width="[0-9.]*" height="[0-9.]*"' "$T_TMP/chart.svg" || { echo "no bars"; return 1; }
    grep -q '<title>' "$T_TMP/chart.svg" || { echo "bars lack titles"; return 1; }
}
table_rows() { perl -0ne 'print $1 if m{<table class="visually-hidden">(.*?)</table>}s' "$BODY" | grep -o '<th scope="row">' | wc -l; }
rows_are() { local v; v=$(table_rows); [ "$v" = "$1" ] && return 0; echo "chart table has $v rows, wanted $1"; return 1; }
no_script_in_main() { perl -0ne 'exit(m{<main.*?<script.*?</main>}s ? 1 : 0)' "$BODY" || { echo "script in main"; return 1; }; }

get /stats
save_page weeks
check "4w is the default: 11 plays" all status_in 200 \; figure_is stat-plays 11
check "4w: 56 minutes (skips under 30 s ignored, positions capped at the duration)" figure_is stat-minutes 56
check "4w by plays: 900004 (4 plays) first" first_is top-tracks 900004
check "4w: 4 different tracks" count_is top-tracks 4
check "4w: Zoë Kravitz-Test (main or featured on every play) is the top artist" first_is top-artists 900001
check "4w: 2 artists" count_is top-artists 2
check "4w: user B's track never shows" body_lacks "Disc Two Closer"
check "4w: the chart is an accessible, well-formed SVG" svg_ok
check "4w: a bar per day (28) in the fallback table" rows_are 28
check "4w: no script needed (none in the page content)" no_script_in_main
check "4w: links to the year $PAST" body_has "href=\"/stats/$PAST\""
check "4w: narrow chart too" body_has 'class="chart chart-narrow"'
check "4w: definitions written on the page" body_has "30 seconds"
check "4w: no genres: a sentence, not an empty list" body_has "no genre yet"

get "/stats?range=4w&by=time"
check "4w by minutes: 900001 (30 min) first" all status_in 200 \; first_is top-tracks 900001
get "/stats?range=6m"
check "6m: 16 plays, 66 minutes" all status_in 200 \; figure_is stat-plays 16 \; figure_is stat-minutes 66
check "6m: a bar per week (26)" rows_are 26
check "6m: 900031 (5 plays) first" first_is top-tracks 900031
get "/stats?range=all"
check "all: 20 plays, 103 minutes" all status_in 200 \; figure_is stat-plays 20 \; figure_is stat-minutes 103
check "all: 900031 (5 plays) first" first_is top-tracks 900031
check "all: per month chart" all svg_ok \; body_has "Plays per month"
get "/stats?range=all&by=time"
check "all by minutes: 900001 (40 min) first, 900013 (24 min) second" \
    order 'data-id="900001"' 'data-id="900013"'

get "/stats/$PAST"
save_page year
check "$PAST in review: 4 plays, 37 minutes" all status_in 200 \; body_has "$PAST in review" \
    \; figure_is stat-plays 4 \; figure_is stat-minutes 37
check "$PAST: 900013 (2 plays) first" first_is top-tracks 900013
check "$PAST: 2 different artists" figure_is stat-artists 2
check "$PAST: biggest day 15 March" body_has "datetime=\"$PAST-03-15\">$(LC_ALL=C date -u -d "$PAST-03-15" +%a) 15 Mar $PAST"
check "$PAST: first play Svefn-g-englar on 2 January" all body_has "datetime=\"$PAST-01-02\"" \; body_has ">Svefn-g-englar</a>"
check "$PAST: minutes per month, 12 bars" all svg_ok \; rows_are 12 \; body_has "Minutes per month"
check "$PAST: Jul has 3 minutes" body_has "<th scope=\"row\">July $PAST</th><td>3</td>"
check "$PAST: the year is marked current" body_has "href=\"/stats/$PAST\" aria-current=\"page\""
get /stats/2001
check "a year without plays: 200 and a sentence" all status_in 200 \; body_has "No plays in 2001" \; body_lacks "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart"

for bad in 1999 2999 abc 20245 0 -2024; do
    get "/stats/$bad"
    check "year '$bad': 404" status_in 404
done
for bad in 1y ALL "4w%00" "%3Cx%3E"; do
    get "/stats?range=$bad"
    check "range '$bad': 400" status_in 400
done
get "/stats?by=loudness"
check "by=loudness: 400" status_in 400

# Another user sees only their own.
sign_in "$JAR" "${RUN}b"
get /stats
check "user B: 10 plays of their own, none of A's" all status_in 200 \; figure_is stat-plays 10 \
    \; first_is top-tracks 900016 \; body_lacks "Svefn-g-englar"
sign_in "$JAR" "${RUN}c"
get /stats
check "user C: top genres in order" all status_in 200 \; first_is top-genres "$G1ID" \; count_is top-genres 2
G1_HTML=${G1//&/&amp;}
check "user C: genre names shown" body_has "$G1_HTML"

sign_in "$JAR" "${RUN}n"
get /stats
save_page empty
check "a new user: a friendly page, no chart" all status_in 200 \; body_has "Your stats start with your first song" \
    \; body_lacks 'class="chart '
get /stats/$PAST
check "a new user's year page: friendly too" all status_in 200 \; body_has "Your stats start with your first song"

fetch "$BASE/stats"
check "anonymous /stats: redirect to /login" all status_in 303 302 \; header_is Location '/login'
fetch "$BASE/stats/$PAST"
check "anonymous /stats/$PAST: redirect to /login" all status_in 303 302 \; header_is Location '/login'

sql "DELETE FROM play_events WHERE user_id IN ($A, $B, $C, $NEWBIE); DELETE FROM users WHERE id IN ($A, $B, $C, $NEWBIE)" \
    || echo "# cleanup failed"
finish

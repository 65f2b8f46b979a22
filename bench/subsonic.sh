#!/usr/bin/env bash
# bench/subsonic.sh — the Subsonic API (/rest/) on a catalog of 1,000,000 tracks.
#
# A private instance (MariaDB on 3436, lighttpd on 8116) with 1,000,000 tracks (20,000
# artists, 100,000 albums, the same generator and seed as bench/search.sh) and some play
# events, then `lyre-admin search-index`; a user with an app password made through
# /account/apps; then wrk (2 threads, 4 connections; LYRE_BENCH_CONNS to change) over
# rotations of authenticated (u+t+s) URLs:
#   getAlbum       1,000 album ids spread over the catalog
#   getAlbumList2  newest, alphabeticalByName, alphabeticalByArtist, byYear, byGenre,
#                  starred, frequent, recent, random, with offsets up to 5,000, size 10..50
#   search3        common and rare words, pairs and prefixes (20 of each kind)
# and a full-library sync as offline clients do it: search3 with an empty query,
# songCount=500, songOffset 0, 500, ... until 100,000 songs (200 pages, one after the
# other over one connection, as an app does).  On this catalog those are the first
# 100,000 of 1,000,000 songs: each page costs what it would cost in a 100,000-song library.
# Targets (issue 9): p99 < 20 ms for each endpoint, the sync < 10 s.
# Every request authenticates (token check: user, throttle, app passwords unsealed).
# The catalog is kept between runs; --fresh starts over.  Exit status 0 when every
# target is met.
#
# usage: bench/subsonic.sh [--fresh] [SECONDS per run, default 15]
# env:   LYRE_BENCH_BUILD (default build-bench, built -O2), LYRE_BENCH_INST (default
#        var/bench-subsonic), LYRE_BENCH_KEEP=1 leaves the servers running
set -euo pipefail
LYRE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$LYRE_ROOT/scripts/lib.sh"
. "$LYRE_ROOT/scripts/build.sh"
. "$LYRE_ROOT/scripts/instance.sh"
. "$LYRE_ROOT/bench/catalog.sh"

FRESH=0
if [ "${1:-}" = --fresh ]; then FRESH=1; shift; fi
SECS=${1:-15}
INST=${LYRE_BENCH_INST:-$LYRE_VAR/bench-subsonic}
BUILD=${LYRE_BENCH_BUILD:-$LYRE_ROOT/build-bench}
DBPORT=3436
PORT=8116
LOG="$INST.log"
CONF="$INST/lyre.conf"
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
command -v jq >/dev/null || die "jq is missing: apt-get install jq"
if [ "$FRESH" = 1 ]; then db_stop "$INST" || true; rm -rf "$INST"; fi
mkdir -p "$INST/media"
: >"$LOG"

if [ -z "${LYRE_BENCH_BUILD:-}" ]; then
    build_tree "$BUILD" "$LOG" CFLAGS="-O2 -g" || die "the build failed (see $LOG)"
fi

cleanup() {
    [ "${LYRE_BENCH_KEEP:-0}" = 1 ] && return 0
    lighttpd_stop "$INST" || true
    db_stop "$INST" || true
}
trap cleanup EXIT

say "starting MariaDB (port $DBPORT); first run generates 1,000,000 tracks (a few minutes)"
db_start "$INST" "$DBPORT" "$LOG" || die "MariaDB did not start (see $LOG)"
write_lyre_conf "$CONF" "$INST" "$DBPORT" "$PORT" "$(instance_password "$INST")" socket
admin "$BUILD" "$CONF" "$LOG" migrate || die "migrate failed (see $LOG)"
t0=$(date +%s)
million_catalog "$BUILD" "$CONF" || die "preparing the catalog failed"
echo "prepared in $(($(date +%s) - t0)) s"
lighttpd_start "$INST" "$PORT" "$BUILD" "$CONF" "$LOG" || die "lighttpd did not start (see $LOG)"

# ---- a user and an app password, made as a person does (the account page)
USER_NAME="bench$$"
PASS="violet kettle 42 drums"
JAR="$INST/jar"
rm -f "$JAR"
printf '%s\n' "$PASS" | "$BUILD/tools/lyre-admin" -c "$CONF" user add "$USER_NAME" "$USER_NAME@example.test" \
    --password-stdin --verified >/dev/null
curl -s -c "$JAR" -b "$JAR" -o /dev/null "$BASE/login"
T=$(awk '$6 == "lyre_csrf" { v = $7 } END { print v }' "$JAR")
curl -s -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "csrf=$T" --data-urlencode "login=$USER_NAME" \
    --data-urlencode "password=$PASS" "$BASE/login"
T=$(curl -s -c "$JAR" -b "$JAR" "$BASE/account/apps" | grep -o 'data-csrf="[0-9a-f]*"' | head -n 1 | cut -d'"' -f2)
SECRET=$(curl -s -c "$JAR" -b "$JAR" --data-urlencode "csrf=$T" -d "kind=password&name=bench" "$BASE/account/apps" |
         sed -n 's/.*<code class="acct-secret" id="app-secret">\([^<]*\)<.*/\1/p' | head -n 1)
[ -n "$SECRET" ] || die "could not make an app password (see $LOG)"
UID_=$(sql "SELECT id FROM users WHERE username = '$USER_NAME'")
# Some starred albums and plays of this user, so those lists have something to page.
sql "INSERT IGNORE INTO album_likes (user_id, album_id) SELECT $UID_, seq * 37 FROM seq_1_to_2000"
sql "INSERT INTO play_events (play_id, user_id, track_id, event, position_ms)
     SELECT MD5(CONCAT('$USER_NAME', seq)), $UID_, 1 + (seq * 7919) % 999999, 'start', 0 FROM seq_1_to_5000"
SALT=benchsalt1
TOKEN=$(printf '%s%s' "$SECRET" "$SALT" | md5sum | cut -d' ' -f1)
AUTH="u=$USER_NAME&t=$TOKEN&s=$SALT&v=1.16.1&c=bench"
curl -s "$BASE/rest/ping.view?$AUTH" | grep -q 'status="ok"' || die "the app password does not sign in"

# ---- URL rotations
MAXALBUM=$(sql "SELECT MAX(id) FROM albums")
GENRES=$(sql "SELECT name FROM genres ORDER BY id LIMIT 10" | jq -sRr 'split("\n") | map(select(length > 0) | @uri) | join(" ")')
WORDS=$(sql "SELECT word FROM search_words WHERE CHAR_LENGTH(word) >= 4 ORDER BY freq DESC LIMIT 20" | tr '\n' ' ')
RARE=$(sql "SELECT word FROM search_words WHERE CHAR_LENGTH(word) >= 5 AND freq BETWEEN 2 AND 50 ORDER BY id LIMIT 20" | tr '\n' ' ')
for i in $(seq 1 1000); do echo "/rest/getAlbum.view?$AUTH&id=$(( (i * 7919) % MAXALBUM + 1 ))"; done >"$INST/album.urls"
{
    for off in 0 10 50 200 1000 5000; do
        for type in newest alphabeticalByName alphabeticalByArtist starred frequent recent random; do
            echo "/rest/getAlbumList2.view?$AUTH&type=$type&size=$(( off % 3 * 20 + 10 ))&offset=$off"
        done
        echo "/rest/getAlbumList2.view?$AUTH&type=byYear&fromYear=1990&toYear=2010&size=20&offset=$off"
        echo "/rest/getAlbumList2.view?$AUTH&type=byYear&fromYear=2010&toYear=1990&size=20&offset=$off"
        for g in $GENRES; do echo "/rest/getAlbumList2.view?$AUTH&type=byGenre&genre=$g&size=20&offset=$off"; done
    done
} >"$INST/list.urls"
{
    for w in $WORDS $RARE; do echo "/rest/search3.view?$AUTH&query=$w"; echo "/rest/search3.view?$AUTH&query=${w:0:3}"; done
    set -- $WORDS
    while [ $# -ge 2 ]; do echo "/rest/search3.view?$AUTH&query=$1+$2"; shift 2; done
} >"$INST/search.urls"
lua_rotation() {   # FILE -> a wrk script cycling through its URLs
    awk 'BEGIN { printf "paths = {" } { gsub(/"/, ""); printf "%s\"%s\"", (NR > 1 ? "," : ""), $0 }
         END { print "}\nn = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, paths[n % #paths + 1])\nend" }' "$1"
}
for k in album list search; do lua_rotation "$INST/$k.urls" >"$INST/$k.lua"; done

# Every URL answers status="ok" before anything is timed.
bad=0
for k in album list search; do
    while read -r u; do
        curl -s "$BASE$u" | grep -q 'status="ok"' || { warn "not ok: $u"; bad=$((bad + 1)); }
    done < <(awk 'NR % 7 == 1' "$INST/$k.urls")
done
[ "$bad" = 0 ] || die "$bad URLs did not answer ok"

ms() {   # wrk prints 1.23ms / 950.00us / 1.02s
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}
CONNS=${LYRE_BENCH_CONNS:-4}
run() {   # NAME LUA -> RPS P50 P99
    local out
    out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$2" "$BASE/")
    [ -z "$(awk '/Non-2xx/ {print $NF}' <<<"$out")" ] || die "$1: some answers were not 2xx"
    RPS=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    P50=$(ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    P99=$(ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
}

# Warm up (not timed): MariaDB was just started and its buffer pool is cold; a server
# that has been running has the catalog's hot pages in memory.
for k in album list search; do wrk -t2 -c"$CONNS" -d10s -s "$INST/$k.lua" "$BASE/" >/dev/null; done

status=0
printf '%-16s %10s %10s %10s   %s\n' endpoint req/s p50_ms p99_ms "target p99 < 20 ms"
for k in album:getAlbum list:getAlbumList2 search:search3; do
    run "${k#*:}" "$INST/${k%%:*}.lua"
    verdict=met
    awk -v p="$P99" 'BEGIN { exit !(p < 20) }' || { verdict=MISSED; status=1; }
    printf '%-16s %10s %10s %10s   %s\n' "${k#*:}" "$RPS" "$P50" "$P99" "$verdict"
done

# ---- full-library sync: 200 pages of 500 songs, one after the other over one
# connection (curl reuses it, as an app's HTTP client does); the pages are parsed after
# the clock stops (parsing is the client's cost, not the server's).
say "sync: search3 query=\"\" songCount=500, 100,000 songs"
mkdir -p "$INST/sync"
rm -f "$INST"/sync/*.json
for off in $(seq 0 500 99500); do
    printf 'url = "%s"\noutput = "%s"\n' \
        "$BASE/rest/search3.view?$AUTH&f=json&query=&artistCount=0&albumCount=0&songCount=500&songOffset=$off" \
        "$INST/sync/$(printf '%06d' "$off").json"
done >"$INST/sync.curl"
t0=$(date +%s.%N)
curl -s -K "$INST/sync.curl"
t1=$(date +%s.%N)
songs=$(cat "$INST"/sync/*.json | jq -r '."subsonic-response".searchResult3.song[].id' | sort -u | wc -l)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
verdict=met
awk -v s="$secs" 'BEGIN { exit !(s < 10) }' || { verdict=MISSED; status=1; }
[ "$songs" = 100000 ] || { verdict="MISSED ($songs songs)"; status=1; }
printf 'sync of %d songs in %s s   target < 10 s: %s\n' "$songs" "$secs" "$verdict"
exit $status

#!/usr/bin/env bash
# bench/search.sh — search and suggestions on a catalog of 1,000,000 tracks.
#
# A private instance (MariaDB on 3416, lighttpd on 8090) with 1,000,000 tracks
# (20,000 artists, 100,000 albums) and a few hundred thousand play events so
# popularity matters, then `lyre-admin search-index`, then wrk (2 threads, 4
# connections; LYRE_BENCH_CONNS to change) over a rotation of search URLs (common and
# rare words, pairs, typos, accents) and of suggestion URLs (prefixes while typing,
# typos).  The search page is measured as served (the worker's page cache on, as
# bench/run.sh does; 183 pages of ~60 KB overflow its 2 MB, so most requests still
# search) and again with the cache off; suggestions are never cached by the worker
# (browsers and proxies may keep them a minute).
# Targets (issue 6): search p99 < 30 ms (as served), suggest p99 < 15 ms.
# Why 4 connections: on 2 cores, 4 already saturate the machine (the same req/s as 16);
# more only queue, and p99 then measures the queue (16 connections: p50 ~ 16 / req/s).
# The catalog is kept between runs (generating it takes about a minute);
# --fresh starts over.  Exit status 0 when both targets are met.
#
# usage: bench/search.sh [--fresh] [SECONDS per run, default 15]
# env:   LYRE_BENCH_BUILD (default build-bench, built -O2), LYRE_BENCH_INST (default var/bench-search)
set -euo pipefail
LYRE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$LYRE_ROOT/scripts/lib.sh"
. "$LYRE_ROOT/scripts/build.sh"
. "$LYRE_ROOT/scripts/instance.sh"
. "$LYRE_ROOT/bench/catalog.sh"

FRESH=0
if [ "${1:-}" = --fresh ]; then FRESH=1; shift; fi
SECS=${1:-15}
INST=${LYRE_BENCH_INST:-$LYRE_VAR/bench-search}
BUILD=${LYRE_BENCH_BUILD:-$LYRE_ROOT/build-bench}
DBPORT=3416
PORT=8090
LOG="$INST.log"
CONF="$INST/lyre.conf"

command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
if [ "$FRESH" = 1 ]; then db_stop "$INST" || true; rm -rf "$INST"; fi
mkdir -p "$INST/media"
: >"$LOG"

if [ -z "${LYRE_BENCH_BUILD:-}" ]; then
    build_tree "$BUILD" "$LOG" CFLAGS="-O2 -g" || die "the build failed (see $LOG)"
fi

cleanup() {
    lighttpd_stop "$INST" || true
    db_stop "$INST" || true
}
trap cleanup EXIT

say "starting MariaDB (port $DBPORT); first run generates 1,000,000 tracks (about a minute)"
db_start "$INST" "$DBPORT" "$LOG" || die "MariaDB did not start (see $LOG)"
write_lyre_conf "$CONF" "$INST" "$DBPORT" "$PORT" "$(instance_password "$INST")" socket
admin "$BUILD" "$CONF" "$LOG" migrate || die "migrate failed (see $LOG)"
t0=$(date +%s)
# Rebuilt every run: this bench measures the index as search-index leaves it.
million_catalog "$BUILD" "$CONF" --reindex || die "preparing the catalog failed"
echo "prepared in $(($(date +%s) - t0)) s"

# Search URLs: frequent and rare words, two words, prefixes, typos, accents.
WORDS=$(sql "SELECT word FROM search_words WHERE CHAR_LENGTH(word) >= 4 ORDER BY freq DESC LIMIT 40" | tr '\n' ' ')
RARE=$(sql "SELECT word FROM search_words WHERE CHAR_LENGTH(word) >= 5 AND freq BETWEEN 2 AND 50 ORDER BY id LIMIT 40" | tr '\n' ' ')
[ -n "$WORDS" ] || die "the vocabulary is empty"
typo() {   # swap two inner letters: "lantern" -> "lnatern"
    local w=$1
    echo "${w:0:1}${w:2:1}${w:1:1}${w:3}"
}
{
    for w in $WORDS; do echo "/search?q=$w"; echo "/search?q=$(typo "$w")"; done
    for w in $RARE; do echo "/search?q=$w"; echo "/search?q=$(typo "$w")"; done
    set -- $WORDS
    while [ $# -ge 2 ]; do echo "/search?q=$1+$2"; shift 2; done
    echo "/search?q=bjorn"; echo "/search?q=sigur+ros"; echo "/search?q=cafe+nocturne"
} >"$INST/search.urls"
{
    for w in $WORDS $RARE; do
        echo "/search/suggest?q=${w:0:1}"; echo "/search/suggest?q=${w:0:2}"
        echo "/search/suggest?q=${w:0:3}"; echo "/search/suggest?q=${w:0:5}"
        echo "/search/suggest?q=$(typo "$w")"
    done
    set -- $WORDS
    while [ $# -ge 2 ]; do echo "/search/suggest?q=$1+${2:0:3}"; shift 2; done
} >"$INST/suggest.urls"
lua_rotation() {   # FILE -> a wrk script cycling through its URLs
    awk 'BEGIN { printf "paths = {" } { gsub(/"/, ""); printf "%s\"%s\"", (NR > 1 ? "," : ""), $0 }
         END { print "}\nn = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, paths[n % #paths + 1])\nend" }' "$1"
}
lua_rotation "$INST/search.urls" >"$INST/search.lua"
lua_rotation "$INST/suggest.urls" >"$INST/suggest.lua"

cp "$CONF" "$INST/lyre-nocache.conf"
printf 'cache: { max_bytes = 0; };\n' >>"$INST/lyre-nocache.conf"

ms() {   # wrk prints 1.23ms / 950.00us / 1.02s
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}
run() {   # NAME LUA -> RPS P50 P99
    local out
    out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$2" "http://127.0.0.1:$PORT/")
    [ -z "$(awk '/Non-2xx/ {print $NF}' <<<"$out")" ] || die "$1: some answers were not 2xx"
    RPS=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    P50=$(ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    P99=$(ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
}
CONNS=${LYRE_BENCH_CONNS:-4}

lighttpd_start "$INST" "$PORT" "$BUILD" "$CONF" "$LOG" || die "lighttpd did not start"
# Every URL answers 200 before anything is timed.
while read -r u; do
    s=$(http_status "http://127.0.0.1:$PORT$u")
    [ "$s" = 200 ] || die "$u answered $s"
done < <(cat "$INST/search.urls" "$INST/suggest.urls")
say "load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg) (the bench shares the machine)"
say "measuring ${SECS}s each, wrk -t2 -c$CONNS: $(wc -l <"$INST/search.urls") search URLs, $(wc -l <"$INST/suggest.urls") suggestion URLs"
wrk -t2 -c8 -d3s -s "$INST/search.lua" "http://127.0.0.1:$PORT/" >/dev/null
run search "$INST/search.lua";   S_RPS=$RPS S50=$P50 S99=$P99
wrk -t2 -c8 -d3s -s "$INST/suggest.lua" "http://127.0.0.1:$PORT/" >/dev/null
run suggest "$INST/suggest.lua"; G_RPS=$RPS G50=$P50 G99=$P99

lighttpd_start "$INST" "$PORT" "$BUILD" "$INST/lyre-nocache.conf" "$LOG" || die "lighttpd did not restart"
wrk -t2 -c8 -d3s -s "$INST/search.lua" "http://127.0.0.1:$PORT/" >/dev/null
run search "$INST/search.lua";   U_RPS=$RPS U50=$P50 U99=$P99

printf '\n%-8s %10s %9s %9s %9s\n' kind req/s p50_ms p99_ms target
printf '%-8s %10s %9s %9s %9s\n' search "$S_RPS" "$S50" "$S99" "< 30"
printf '%-8s %10s %9s %9s %9s\n' suggest "$G_RPS" "$G50" "$G99" "< 15"
printf '%-8s %10s %9s %9s %9s   (page cache off)\n' search "$U_RPS" "$U50" "$U99" "-"
ok=1
awk "BEGIN { exit !($S99 < 30) }" && echo "search p99: ok" || { echo "search p99: MISSED"; ok=0; }
awk "BEGIN { exit !($G99 < 15) }" && echo "suggest p99: ok" || { echo "suggest p99: MISSED"; ok=0; }
[ "$ok" = 1 ]

#!/usr/bin/env bash
# bench/run.sh — catalog pages against the limit they chase.
#
# Generates a catalog of 100,000 tracks (10,000 albums, 2,000 artists) in a private
# instance (var/bench: MariaDB on 3409, lighttpd on 8084), then measures with wrk
# (64 connections, 2 threads) through the same lighttpd:
#   bare    bench/lyre-bare: a FastCGI program answering a saved album page (same bytes)
#   album   /album/ID  (three indexed queries + XSLT)
#   search  /search?q=WORD (three FULLTEXT prefix queries + XSLT)
# and prints req/s, p50, p99, the ratio to bare, and the RSS of each catalog process
# after more than 100,000 requests.  The catalog pages are measured as served (the
# worker's page cache on, lib/pagecache.h) and again with the cache off, so the cost of
# rendering stays visible.  Targets (issue 3): album >= 50 % of bare with
# p99 < 20 ms; search p99 < 30 ms; RSS < 16 MB and not growing.
# Exit status 0 when every target is met, 1 otherwise.
#
# usage: bench/run.sh [SECONDS per run, default 15]
set -euo pipefail
LYRE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$LYRE_ROOT/scripts/lib.sh"
. "$LYRE_ROOT/scripts/build.sh"
. "$LYRE_ROOT/scripts/instance.sh"

SECS=${1:-15}
INST="$LYRE_VAR/bench"
BUILD="$LYRE_ROOT/build-bench"
LOG="$INST/bench.log"
DBPORT=3409
PORT=8084
CONF="$INST/lyre.conf"
mkdir -p "$INST"

command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk (or run ./lyrectl up first)"

# An optimised tree (no sanitizers) through the one build function of lyrectl.
build_tree "$BUILD" "$LOG" CFLAGS="-O2 -g" || die "the build failed (see $LOG)"

cleanup() {
    lighttpd_stop "$INST" || true
    db_stop "$INST" || true
}
trap cleanup EXIT

say "starting MariaDB (port $DBPORT) and loading the catalog (first run: about a minute)"
db_start "$INST" "$DBPORT" "$LOG"
write_lyre_conf "$CONF" "$INST" "$DBPORT" "$PORT" "$(instance_password "$INST")" socket
admin "$BUILD" "$CONF" "$LOG" migrate
"$BUILD/tools/lyre-admin" -c "$CONF" demo --artists 2000 --albums 10000 --tracks 100000 \
    --seed 7 --if-empty

sql() { mariadb --socket="$INST/mysql.sock" -u"$DB_USER" -p"$(instance_password "$INST")" \
        -N -B "$DB_NAME" -e "$1"; }
sql "ANALYZE TABLE artists, albums, tracks, track_artists" >/dev/null
ALBUM=$(sql "SELECT album_id FROM tracks GROUP BY album_id HAVING COUNT(*) BETWEEN 10 AND 14 ORDER BY album_id LIMIT 1 OFFSET 100")
# A word that many titles share, cut to a prefix: the hard case for FULLTEXT.
WORD=$(sql "SELECT SUBSTRING_INDEX(title, ' ', 1) w FROM tracks WHERE title REGEXP '^[A-Za-z]{5,} ' GROUP BY w ORDER BY COUNT(*) DESC LIMIT 1")
QUERY=${WORD:0:4}
[ -n "$ALBUM" ] && [ -n "$QUERY" ] || die "the generated catalog has no suitable album or word"

say "starting lighttpd on 127.0.0.1:$PORT with lyre-catalog and lyre-bare"
cat >"$INST/lighttpd-bench.conf" <<CONF
include "$LYRE_ROOT/etc/lighttpd.conf"
accesslog.filename := "/dev/null"
\$HTTP["url"] =^ "/bare" {
  fastcgi.server = ( "/bare" => ( "bare" => (
    "bin-path" => "$BUILD/bench/lyre-bare",
    "socket" => "$INST/bare.sock",
    "max-procs" => 2,
    "check-local" => "disable",
    "bin-environment" => ( "LYRE_BARE_FILE" => "$INST/album.html" ),
  ) ) )
}
CONF
lighttpd_stop "$INST"
curl_page() { curl -s --max-time 10 "http://127.0.0.1:$PORT$1"; }
# The bare program reads its page at start: save the album page first, through a
# lighttpd running the catalog only.
: >"$INST/album.html"
env LYRE_INSTANCE="$INST" LYRE_PORT="$PORT" LYRE_BUILD="$BUILD" LYRE_CONF="$CONF" \
    lighttpd -f "$INST/lighttpd-bench.conf"
wait_for 20 page_answers "http://127.0.0.1:$PORT/" || die "lighttpd did not come up (see $INST/lighttpd-error.log)"
curl_page "/album/$ALBUM" >"$INST/album.html"
lighttpd_stop "$INST"
env LYRE_INSTANCE="$INST" LYRE_PORT="$PORT" LYRE_BUILD="$BUILD" LYRE_CONF="$CONF" \
    lighttpd -f "$INST/lighttpd-bench.conf"
wait_for 20 page_answers "http://127.0.0.1:$PORT/bare" || die "the bare program does not answer"
ALBUM_BYTES=$(wc -c <"$INST/album.html")
[ "$(curl_page /bare | wc -c)" = "$ALBUM_BYTES" ] || die "bare page size differs from the album page"

catalog_pids() {
    local p
    for p in $(descendants "$(cat "$INST/lighttpd.pid")"); do
        grep -q lyre-catalog "/proc/$p/cmdline" 2>/dev/null && echo "$p"
    done
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
requests_done=0

# run NAME PATH: wrk for SECS seconds; sets RPS P50 P99 (ms).
run() {
    local name=$1 path=$2 out
    out=$(wrk -t2 -c64 -d"${SECS}s" --latency "http://127.0.0.1:$PORT$path")
    RPS=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    P50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    P99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    local total non2xx
    total=$(awk '/requests in/ {print $1}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    [ -z "$non2xx" ] || die "$name: $non2xx answers were not 2xx"
    [ "$name" = bare ] || requests_done=$((requests_done + total))
}
ms() {   # wrk prints 1.23ms / 950.00us / 1.02s
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}

say "warming up (and filling the page cache to its bound)"
sql "SELECT id FROM albums ORDER BY id LIMIT 3000" | awk '
    BEGIN { printf "ids = {" } { printf "%s%s", (NR > 1 ? "," : ""), $1 }
    END { print "}\nn = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, \"/album/\" .. ids[n % #ids + 1])\nend" }
' >"$INST/albums.lua"
wrk -t2 -c16 -d3s "http://127.0.0.1:$PORT/album/$ALBUM" >/dev/null
wrk -t2 -c16 -d3s "http://127.0.0.1:$PORT/search?q=$QUERY" >/dev/null
wrk -t2 -c16 -d5s -s "$INST/albums.lua" "http://127.0.0.1:$PORT/" >/dev/null
# The baseline is taken with the cache full: what comes after must add nothing.
declare -A RSS0
for p in $(catalog_pids); do RSS0[$p]=$(rss_kb "$p"); done

say "measuring ${SECS}s each: bare, album /album/$ALBUM ($ALBUM_BYTES bytes), search /search?q=$QUERY"
run bare /bare;                 B_RPS=$RPS B50=$(ms "$P50") B99=$(ms "$P99")
run album "/album/$ALBUM";      A_RPS=$RPS A50=$(ms "$P50") A99=$(ms "$P99")
run search "/search?q=$QUERY";  S_RPS=$RPS S50=$(ms "$P50") S99=$(ms "$P99")
# Top up with 100,000 catalog requests over 3,000 different album pages (about 90 MB of
# HTML): the page cache stays at its bound and keeps evicting, the worst case for the
# workers' memory.
rotated=0
while [ "$rotated" -lt 100000 ]; do
    out=$(wrk -t2 -c64 -d"${SECS}s" -s "$INST/albums.lua" "http://127.0.0.1:$PORT/")
    [ -z "$(awk '/Non-2xx/ {print $NF}' <<<"$out")" ] || die "album rotation: some answers were not 2xx"
    rotated=$((rotated + $(awk '/requests in/ {print $1}' <<<"$out")))
done
requests_done=$((requests_done + rotated))
declare -A RSS1
for p in $(catalog_pids); do RSS1[$p]=$(rss_kb "$p"); done

# Again with the page cache off: every request queries MariaDB and runs the XSLT.
stop_and_start() {
    lighttpd_stop "$INST"
    env LYRE_INSTANCE="$INST" LYRE_PORT="$PORT" LYRE_BUILD="$BUILD" LYRE_CONF="$1" \
        lighttpd -f "$INST/lighttpd-bench.conf"
    wait_for 20 page_answers "http://127.0.0.1:$PORT/" || die "lighttpd did not come back"
}
cp "$CONF" "$INST/lyre-nocache.conf"
printf 'cache: { max_bytes = 0; };\n' >>"$INST/lyre-nocache.conf"
stop_and_start "$INST/lyre-nocache.conf"
run album "/album/$ALBUM";      U_RPS=$RPS U50=$(ms "$P50") U99=$(ms "$P99")
run search "/search?q=$QUERY";  V_RPS=$RPS V50=$(ms "$P50") V99=$(ms "$P99")

ok=1
# verdict COND: prints ok/MISSED; run it in the current shell (not in $(...)) so a miss counts.
verdict() { if awk "BEGIN { exit !($1) }"; then echo "ok"; else echo "MISSED"; ok=0; fi; }
A_RATIO=$(awk -v a="$A_RPS" -v b="$B_RPS" 'BEGIN { printf "%.2f", a / b }')
S_RATIO=$(awk -v a="$S_RPS" -v b="$B_RPS" 'BEGIN { printf "%.2f", a / b }')
printf '\n%-8s %10s %9s %9s %8s\n' page req/s p50_ms p99_ms vs_bare
printf '%-8s %10s %9s %9s %8s\n' bare "$B_RPS" "$B50" "$B99" 1.00
printf '%-8s %10s %9s %9s %8s\n' album "$A_RPS" "$A50" "$A99" "$A_RATIO"
printf '%-8s %10s %9s %9s %8s\n' search "$S_RPS" "$S50" "$S99" "$S_RATIO"
printf '%-8s %10s %9s %9s %8s   (page cache off)\n' album "$U_RPS" "$U50" "$U99" \
    "$(awk -v a="$U_RPS" -v b="$B_RPS" 'BEGIN { printf "%.2f", a / b }')"
printf '%-8s %10s %9s %9s %8s   (page cache off)\n' search "$V_RPS" "$V50" "$V99" \
    "$(awk -v a="$V_RPS" -v b="$B_RPS" 'BEGIN { printf "%.2f", a / b }')"
echo
check() { local label=$1; shift; printf '%s: ' "$label"; verdict "$@"; }
check "album ratio $A_RATIO >= 0.50" "$A_RATIO >= 0.5"
check "album p99 ${A99} ms < 20" "$A99 < 20"
check "search p99 ${S99} ms < 30" "$S99 < 30"
echo "catalog requests served by the measured workers: $requests_done ($rotated over 3,000 album pages)"
for p in "${!RSS1[@]}"; do
    r1=${RSS1[$p]}
    r0=${RSS0[$p]:-$r1}
    check "lyre-catalog pid $p RSS ${r0} kB after warm-up -> ${r1} kB < 16384 kB" "$r1 < 16384"
    check "  growth $((r1 - r0)) kB < 1024 kB" "$r1 - $r0 < 1024"
done
[ "$ok" = 1 ]

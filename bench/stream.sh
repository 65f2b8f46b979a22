#!/usr/bin/env bash
# bench/stream.sh — byte serving through /stream against lighttpd serving the same file
# statically, in the same run.
#
# A private instance (var/bench-stream: MariaDB on 3412, lighttpd on 8086) ingests one
# generated 4-minute track; its top rendition (320 kbps) is then fetched with wrk (2 threads,
# 64 connections) in 256 KiB Range requests at random offsets (a wrk Lua script), three ways:
#   static  /plain/aa/SHA.mp3: the same file as a plain static file (a bench-only alias, no
#           Lua, no FastCGI) — the yardstick
#   signed  the signed /media/ URL that GET /stream/ID answers (302): etc/stream.lua checks it
#           in lighttpd's mod_magnet, lighttpd serves the bytes
#   play    as signed, plus one GET /stream/ID (lyre-stream: a query and an HMAC) for every
#           EVERY-1 Range requests, as one play of a track does (wrk does not follow the 302: the
#           signed URL is the same within five minutes, lyre-stream rounds the expiry)
# Each is run ROUNDS times, alternating, and averaged.  Then time to first byte under load:
# while wrk keeps 64 connections busy with 256 KiB signed Range requests, one curl process
# makes sequential requests on one keep-alive connection and reports %{time_starttransfer}
# of each (a 256 KiB Range request of the signed URL; and a play start: GET /stream/ID, the
# 302, then the first Range request of the signed URL, curl -L); and a wrk probe with one
# connection asks for 1-byte ranges (its latency is the time to first byte plus ~300 bytes).
# Targets (issue 4): signed and play >= 0.9 x static (Range requests per second); time to
# first byte p99 < 10 ms for a Range request (curl probe).  The play start's p99 is shown.
# Exit status 0 when every target is met, 1 otherwise.
#
# usage: bench/stream.sh [SECONDS per run, default 15]
set -euo pipefail
LYRE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$LYRE_ROOT/scripts/lib.sh"
. "$LYRE_ROOT/scripts/build.sh"
. "$LYRE_ROOT/scripts/instance.sh"

SECS=${1:-15}
INST="$LYRE_VAR/bench-stream"
BUILD="$LYRE_ROOT/build-bench"
LOG="$INST/bench.log"
DBPORT=3412
PORT=8086
CONF="$INST/lyre.conf"
ROUNDS=2
EVERY=32        # one /stream/ID per 31 Range requests: a 4-minute track at 320 kbps is ~37
NPROBE=400      # curl requests per time-to-first-byte probe
mkdir -p "$INST"
# Other work on the machine skews every figure: the load is printed with them.
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

for tool in wrk curl sox mariadb; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install $tool)"
done

# An optimised tree (no sanitizers) through the one build function of lyrectl.
build_tree "$BUILD" "$LOG" CFLAGS="-O2 -g" || die "the build failed (see $LOG)"

LOADPID=""
cleanup() {
    [ -z "$LOADPID" ] || kill "$LOADPID" 2>/dev/null || true
    lighttpd_stop "$INST" || true
    db_stop "$INST" || true
}
trap cleanup EXIT

say "starting MariaDB (port $DBPORT) and ingesting one generated track"
db_start "$INST" "$DBPORT" "$LOG"
write_lyre_conf "$CONF" "$INST" "$DBPORT" "$PORT" "$(instance_password "$INST")" socket
admin "$BUILD" "$CONF" "$LOG" migrate
WAV="$INST/track/bench-stream.wav"
if [ ! -s "$WAV" ]; then
    mkdir -p "$INST/track"
    sox -n -r 44100 -c 2 -b 16 "$WAV.tmp.wav" synth 240 pinknoise synth 240 sine mix 110-1760 \
        synth 240 sine amod 3 50 tremolo 5 40 reverb 30 vol 0.6
    mv "$WAV.tmp.wav" "$WAV"
fi
run_logged "$LOG" "$BUILD/tools/lyre-ingest" -c "$CONF" "$INST/track"

sql() { mariadb --socket="$INST/mysql.sock" -u"$DB_USER" -p"$(instance_password "$INST")" \
        -N -B "$DB_NAME" -e "$1"; }
read -r TRACK SHA SIZE < <(sql "SELECT r.track_id, r.sha256, r.bytes FROM renditions r
    JOIN media_sources s ON s.track_id = r.track_id
    WHERE s.path = '$WAV' AND s.status = 'ok' ORDER BY r.bitrate_kbps DESC LIMIT 1")
[ -n "${TRACK:-}" ] || die "the generated track was not ingested (see $LOG)"
FILE="$INST/media/audio/${SHA:0:2}/$SHA.mp3"
[ "$(stat -c %s "$FILE")" = "$SIZE" ] || die "$FILE is not $SIZE bytes"

say "starting lighttpd on 127.0.0.1:$PORT (etc/lighttpd.conf + a static alias /plain/)"
cat >"$INST/lighttpd-bench.conf" <<CONF
include "$LYRE_ROOT/etc/lighttpd.conf"
accesslog.filename := "/dev/null"
# The yardstick: the media store's audio files as plain static files.
\$HTTP["url"] =^ "/plain/" {
  alias.url = ( "/plain/" => lyre_instance + "/media/audio/" )
  fastcgi.server = ( )
}
CONF
lighttpd_stop "$INST"
env LYRE_INSTANCE="$INST" LYRE_PORT="$PORT" LYRE_BUILD="$BUILD" LYRE_CONF="$CONF" \
    LYRE_STREAM_SECRET_FILE="$(stream_secret "$INST")" lighttpd -f "$INST/lighttpd-bench.conf"
BASE="http://127.0.0.1:$PORT"
wait_for 20 page_answers "$BASE/" || die "lighttpd did not come up (see $INST/lighttpd-error.log)"

# ---------------------------------------------------------------- the URLs answer right
STATIC="/plain/${SHA:0:2}/$SHA.mp3"
SIGNED=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$BASE/stream/$TRACK")
[ "${SIGNED%% *}" = 302 ] || die "GET /stream/$TRACK answered ${SIGNED%% *}, not 302"
SIGNED=${SIGNED#* }
SIGNED=${SIGNED#"$BASE"}
[[ $SIGNED =~ ^/media/audio/${SHA:0:2}/$SHA\.mp3\?e=[0-9]+\&s=[0-9a-f]{64}$ ]] \
    || die "GET /stream/$TRACK redirects to $SIGNED"
OFF=$((SIZE / 3))
for path in "$STATIC" "$SIGNED"; do
    got=$(curl -s -r "$OFF-$((OFF + 262143))" -o "$INST/range.out" -w '%{http_code}' "$BASE$path")
    [ "$got" = 206 ] || die "Range request on $path answered $got"
    [ "$(stat -c %s "$INST/range.out")" = 262144 ] && cmp -s -i "$OFF:0" -n 262144 "$FILE" "$INST/range.out" \
        || die "Range request on $path: wrong bytes"
done
rm -f "$INST/range.out"

# ---------------------------------------------------------------- throughput
cat >"$INST/range.lua" <<'LUA'
-- 256 KiB (BENCH_CHUNK) Range requests at random offsets of BENCH_PATH (BENCH_SIZE bytes);
-- with BENCH_EVERY > 0, every BENCH_EVERY-th request is GET BENCH_STREAM instead.
local path, stream = os.getenv("BENCH_PATH"), os.getenv("BENCH_STREAM")
local size, chunk = tonumber(os.getenv("BENCH_SIZE")), tonumber(os.getenv("BENCH_CHUNK"))
local every = tonumber(os.getenv("BENCH_EVERY") or "0")
local n, ranges = 0, {}
local id = 0
function setup(thread) id = id + 1; thread:set("id", id) end
function init(args)
  math.randomseed(id * 7919 + os.time())
  for i = 1, 1024 do
    local off = math.random(0, size - chunk)
    ranges[i] = wrk.format("GET", path, { ["Range"] = "bytes=" .. off .. "-" .. (off + chunk - 1) })
  end
end
function request()
  n = n + 1
  if every > 0 and n % every == 0 then return wrk.format("GET", stream) end
  return ranges[n % 1024 + 1]
end
LUA

# wrk_run PATH CHUNK EVERY CONNS THREADS: wrk for SECS seconds; sets RPS MBS P50 P99 (ms).
wrk_run() {
    local out
    out=$(BENCH_PATH=$1 BENCH_SIZE=$SIZE BENCH_CHUNK=$2 BENCH_EVERY=$3 BENCH_STREAM="/stream/$TRACK" \
          wrk -t"$5" -c"$4" -d"${SECS}s" --latency -s "$INST/range.lua" "$BASE")
    echo "$out" >>"$LOG"
    ! grep -Eq 'Non-2xx|Socket errors' <<<"$out" || die "wrk on $1: errors: $(grep -E 'Non-2xx|Socket' <<<"$out")"
    RPS=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    MBS=$(awk '/^Transfer\/sec/ {v = $2 + 0; if ($2 ~ /GB$/) v *= 1024; if ($2 ~ /KB$/) v /= 1024; printf "%.0f", v}' <<<"$out")
    P50=$(ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    P99=$(ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
}
ms() {   # wrk prints 1.23ms / 950.00us / 1.02s
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

say "warming up"
wrk_run "$STATIC" 262144 0 16 2
wrk_run "$SIGNED" 262144 "$EVERY" 16 2

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average before measuring: $LOAD"
say "measuring ${SECS}s x $ROUNDS rounds each: static $STATIC, signed, play (1 /stream/$TRACK per $EVERY)"
declare -A SUM
add() { SUM[$1]=$(calc "${SUM[$1]:-0} + $2" 3); }
for round in $(seq "$ROUNDS"); do
    for kind in static signed play; do
        case $kind in
            static) wrk_run "$STATIC" 262144 0 64 2 ;;
            signed) wrk_run "$SIGNED" 262144 0 64 2 ;;
            play) wrk_run "$SIGNED" 262144 "$EVERY" 64 2 ;;
        esac
        add "$kind.rps" "$RPS"; add "$kind.mbs" "$MBS"; add "$kind.p50" "$P50"; add "$kind.p99" "$P99"
        echo "round $round $kind: $RPS req/s, $MBS MB/s, p50 $P50 ms, p99 $P99 ms" >>"$LOG"
    done
done
avg() { calc "${SUM[$1]} / $ROUNDS" "${2:-2}"; }

# ---------------------------------------------------------------- time to first byte under load
# p99 of the numbers in FILE (seconds) in ms; sets Q50 Q99 QMAX.
quantiles() {
    local n
    n=$(wc -l <"$1")
    sort -g "$1" >"$1.sorted"
    Q50=$(awk -v k=$(((n + 1) / 2)) 'NR == k { printf "%.2f", $1 * 1000 }' "$1.sorted")
    Q99=$(awk -v k=$(((n * 99 + 99) / 100)) 'NR == k { printf "%.2f", $1 * 1000 }' "$1.sorted")
    QMAX=$(tail -n 1 "$1.sorted" | awk '{ printf "%.2f", $1 * 1000 }')
}
# curl_probe FILE URL_PATH FOLLOW: NPROBE sequential 256 KiB Range requests (random offsets) on
# one keep-alive connection; one time_starttransfer a line in FILE.
curl_probe() {
    local i off cfg="$INST/probe.curl"
    : >"$cfg"
    for i in $(seq "$NPROBE"); do
        off=$((RANDOM * 32768 + RANDOM))
        off=$((off % (SIZE - 262144)))
        [ "$i" = 1 ] || echo "next" >>"$cfg"
        printf 'url = "%s"\noutput = "/dev/null"\nrange = "%d-%d"\nwrite-out = "%%{http_code} %%{time_starttransfer} %%{time_redirect}\\n"\nsilent\n%s\n' \
            "$BASE$2" "$off" "$((off + 262143))" "${3:+location}" >>"$cfg"
    done
    curl -K "$cfg" >"$1.raw"
    awk '$1 != 206 { bad++ } END { exit bad > 0 }' "$1.raw" || die "probe on $2: answers other than 206"
    awk '{ print $2 }' "$1.raw" >"$1"
}
load_start() {   # wrk loading the server with signed 256 KiB Range requests, in the background
    BENCH_PATH=$SIGNED BENCH_SIZE=$SIZE BENCH_CHUNK=262144 BENCH_EVERY=0 \
        wrk -t2 -c64 -d"$1s" -s "$INST/range.lua" "$BASE" >>"$LOG" 2>&1 &
    LOADPID=$!
    sleep 2
}
load_stop() { kill "$LOADPID" 2>/dev/null || true; wait "$LOADPID" 2>/dev/null || true; LOADPID=""; }

say "time to first byte: $NPROBE sequential requests (curl) while wrk loads the server"
load_start 600
curl_probe "$INST/ttfb-range" "$SIGNED" ""
quantiles "$INST/ttfb-range"; R50=$Q50 R99=$Q99 RMAX=$QMAX
curl_probe "$INST/ttfb-play" "/stream/$TRACK" follow
quantiles "$INST/ttfb-play"; L50=$Q50 L99=$Q99 LMAX=$QMAX
load_stop
say "time to first byte: a 1-byte-range wrk probe (1 connection) while wrk loads the server"
load_start "$((SECS + 4))"
wrk_run "$SIGNED" 1 0 1 1
B50=$P50 B99=$P99 BRPS=$RPS
load_stop

# ---------------------------------------------------------------- the table
ok=1
verdict() { if awk "BEGIN { exit !($1) }"; then echo "ok"; else echo "MISSED"; ok=0; fi; }
S_RPS=$(avg static.rps)
SIG_RATIO=$(calc "$(avg signed.rps) / $S_RPS")
# The play run's req/s counts its /stream/ID requests too: compare its Range requests only.
PLAY_RANGE=$(calc "$(avg play.rps) * ($EVERY - 1) / $EVERY" 2)
PLAY_RATIO=$(calc "$PLAY_RANGE / $S_RPS")
echo
echo "rendition: $SIZE bytes (320 kbps, 4 min); 256 KiB Range requests, wrk -t2 -c64, ${SECS}s x $ROUNDS rounds (mean)"
echo "load average at start: $LOAD0; before measuring (after our own set-up): $LOAD"
printf '%-8s %10s %8s %9s %9s %9s\n' path req/s MB/s p50_ms p99_ms vs_static
printf '%-8s %10s %8s %9s %9s %9s\n' static "$S_RPS" "$(avg static.mbs 0)" "$(avg static.p50)" "$(avg static.p99)" 1.00
printf '%-8s %10s %8s %9s %9s %9s\n' signed "$(avg signed.rps)" "$(avg signed.mbs 0)" "$(avg signed.p50)" \
    "$(avg signed.p99)" "$SIG_RATIO"
printf '%-8s %10s %8s %9s %9s %9s   (Range req/s %s; 1 /stream/%s per %d requests)\n' play "$(avg play.rps)" \
    "$(avg play.mbs 0)" "$(avg play.p50)" "$(avg play.p99)" "$PLAY_RATIO" "$PLAY_RANGE" "$TRACK" "$EVERY"
echo "(wrk's latencies above include the transfer of 256 KiB)"
echo
echo "time to first byte under load (wrk -t2 -c64, 256 KiB signed Range requests, running meanwhile):"
printf '%-50s %8s %8s %8s\n' probe p50_ms p99_ms max_ms
printf '%-50s %8s %8s %8s\n' "curl, $NPROBE x 256 KiB Range, signed URL" "$R50" "$R99" "$RMAX"
printf '%-50s %8s %8s %8s\n' "curl, $NPROBE x play start: /stream/ID, 302, Range" "$L50" "$L99" "$LMAX"
printf '%-50s %8s %8s %8s   (%s req/s)\n' "wrk -c1, 1-byte Range, signed URL" "$B50" "$B99" "-" "$BRPS"
echo
check() { local label=$1; shift; printf '%s: ' "$label"; verdict "$@"; }
check "signed vs static $SIG_RATIO >= 0.90" "$SIG_RATIO >= 0.9"
check "play (Range requests) vs static $PLAY_RATIO >= 0.90" "$PLAY_RATIO >= 0.9"
check "time to first byte p99, Range request ${R99} ms < 10" "$R99 < 10"
# A play start is two requests (lyre-stream's 302, then the first Range): reported, but the
# issue's target is per Range request.
echo "(not a target) time to first byte p99 of a play start: ${L99} ms"
[ "$ok" = 1 ]

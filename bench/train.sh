#!/usr/bin/env bash
# bench/train.sh — lyre-train on 10,000,000 synthetic play events (100,000 users,
# 200,000 tracks) in a private MariaDB (port 3432).
#
# The catalog comes from `lyre-admin demo` (200,000 tracks), the users are minimal rows,
# and the events are `lyre-eval synthetic --tsv` (planted taste clusters, Zipf
# popularity, skips outside a listener's taste) loaded with LOAD DATA LOCAL INFILE.
# The data is kept between runs (loading takes minutes); --fresh starts over.  Then
# lyre-train runs under /usr/bin/time -v: wall time and peak RSS (lyre-train's own;
# MariaDB is a separate process) against the targets of issue 7: under 120 s on 2
# cores and under 2 GB.  Exit status 0 when both are met.
#
# usage: bench/train.sh [--fresh] [-- LYRE-TRAIN OPTIONS...]
# env:   LYRE_BENCH_BUILD (default build-bench, built -O2), LYRE_BENCH_INST (default var/bench-train),
#        LYRE_BENCH_EVENTS (10000000), LYRE_BENCH_USERS (100000), LYRE_BENCH_TRACKS (200000)
set -euo pipefail
LYRE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$LYRE_ROOT/scripts/lib.sh"
. "$LYRE_ROOT/scripts/build.sh"
. "$LYRE_ROOT/scripts/instance.sh"

FRESH=0
if [ "${1:-}" = --fresh ]; then FRESH=1; shift; fi
[ "${1:-}" != -- ] || shift
INST=${LYRE_BENCH_INST:-$LYRE_VAR/bench-train}
BUILD=${LYRE_BENCH_BUILD:-$LYRE_ROOT/build-bench}
EVENTS=${LYRE_BENCH_EVENTS:-10000000}
NUSERS=${LYRE_BENCH_USERS:-100000}
NTRACKS=${LYRE_BENCH_TRACKS:-200000}
DBPORT=3432
LOG="$INST.log"
CONF="$INST/lyre.conf"
LIMIT_S=120
LIMIT_KB=$((2 * 1024 * 1024))

[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
if [ "$FRESH" = 1 ]; then db_stop "$INST" || true; rm -rf "$INST"; fi
mkdir -p "$INST/media"
: >"$LOG"
if [ -z "${LYRE_BENCH_BUILD:-}" ]; then
    build_tree "$BUILD" "$LOG" CFLAGS="-O2 -g" || die "the build failed (see $LOG)"
fi
cleanup() { db_stop "$INST" || true; }
trap cleanup EXIT

say "starting MariaDB (port $DBPORT) under $INST"
db_start "$INST" "$DBPORT" "$LOG" || die "MariaDB did not start (see $LOG)"
write_lyre_conf "$CONF" "$INST" "$DBPORT" 8099 "$(instance_password "$INST")" socket
admin "$BUILD" "$CONF" "$LOG" migrate || die "migrate failed (see $LOG)"
sql() {
    mariadb --local-infile=1 --socket="$INST/mysql.sock" -u"$DB_USER" -p"$(instance_password "$INST")" \
        -N -B "$DB_NAME" -e "$1"
}
t0=$(date +%s)
if [ "$(sql "SELECT COUNT(*) FROM tracks")" -lt "$NTRACKS" ]; then
    say "catalog: $NTRACKS tracks (lyre-admin demo)"
    "$BUILD/tools/lyre-admin" -c "$CONF" demo --artists $((NTRACKS / 100)) --albums $((NTRACKS / 10)) \
        --tracks "$NTRACKS" --seed 7 --if-empty >>"$LOG" 2>&1 || die "demo failed (see $LOG)"
fi
if [ "$(sql "SELECT COUNT(*) FROM users WHERE username LIKE 'bench%'")" -lt "$NUSERS" ]; then
    say "users: $NUSERS"
    sql "INSERT IGNORE INTO users (username, username_key, display_name)
         SELECT CONCAT('bench', seq), CONCAT('bench', seq), '' FROM seq_1_to_$NUSERS"
fi
U0=$(sql "SELECT MIN(id) FROM users WHERE username LIKE 'bench%'")
T0=$(sql "SELECT MIN(id) FROM tracks")
# the synthetic ids are U0 + u and T0 + t: both ranges must be whole
[ "$(sql "SELECT COUNT(*) FROM users WHERE id BETWEEN $U0 AND $((U0 + NUSERS - 1))")" = "$NUSERS" ] \
    || die "bench users are not contiguous ids from $U0"
[ "$(sql "SELECT COUNT(*) FROM tracks WHERE id BETWEEN $T0 AND $((T0 + NTRACKS - 1))")" = "$NTRACKS" ] \
    || die "tracks are not contiguous ids from $T0"
if [ "$(sql "SELECT COUNT(*) FROM play_events")" -lt "$EVENTS" ]; then
    say "play events: $EVENTS (lyre-eval synthetic, LOAD DATA)"
    sql "TRUNCATE TABLE play_events"
    "$BUILD/tools/lyre-eval" synthetic --tsv "$INST/events.tsv" --events "$EVENTS" --users "$NUSERS" \
        --items "$NTRACKS" --clusters 500 --zipf 0.9 --in-cluster 0.8 --seed 1 \
        --user-base "$U0" --track-base "$T0" || die "lyre-eval synthetic failed"
    sql "SET SESSION foreign_key_checks = 0, unique_checks = 0;
         LOAD DATA LOCAL INFILE '$INST/events.tsv' INTO TABLE play_events
         (play_id, user_id, track_id, event, position_ms, created_at)" || die "LOAD DATA failed"
    rm -f "$INST/events.tsv"
fi
say "prepared in $(($(date +%s) - t0)) s: $(sql "SELECT COUNT(*) FROM play_events") events"
say "load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg) (the bench shares the machine)"

/usr/bin/time -v -o "$INST/time.txt" "$BUILD/tools/lyre-train" -c "$CONF" --grace 0 "$@" 2>"$INST/train.err" \
    || { tail -n 5 "$INST/train.err" >&2; die "lyre-train failed"; }
# the last progress line of each phase: where the time went
tr '\r' '\n' <"$INST/train.err" | awk 'NF { sub(/\033\[K/, ""); p = $2; if (p != last && prev != "") print prev; last = p; prev = $0 }
    END { print prev }'
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$INST/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$INST/time.txt")
cpu=$(awk -F': ' '/Percent of CPU/ { print $2 }' "$INST/time.txt")
rows=$(sql "SELECT (SELECT COUNT(*) FROM rec_track_neighbors) + (SELECT COUNT(*) FROM rec_artist_neighbors)")
printf '\n%-10s %12s %12s %8s\n' measure value limit ratio
printf '%-10s %12s %12s %8s\n' wall_s "$wall" "$LIMIT_S" "$(awk -v a="$wall" -v b=$LIMIT_S 'BEGIN { printf "%.2f", a / b }')"
printf '%-10s %12s %12s %8s\n' rss_mb "$((rss / 1024))" "$((LIMIT_KB / 1024))" "$(awk -v a="$rss" -v b=$LIMIT_KB 'BEGIN { printf "%.2f", a / b }')"
printf 'cpu %s, %s neighbour rows written\n' "$cpu" "$rows"
awk -v w="$wall" -v r="$rss" -v lw=$LIMIT_S -v lr=$LIMIT_KB 'BEGIN { exit !(w < lw && r < lr) }'

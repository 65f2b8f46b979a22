#!/usr/bin/env bash
# bench/ingest.sh — lyre-ingest against the `lame` command line, and a re-scan.
#
# In a private instance (var/bench-media: MariaDB on 3411) it generates 10 WAV files of
# 2-4 minutes (stereo, 44.1 kHz, 16 bit; pink noise, a sweeping tone, amplitude and
# tremolo modulation: LAME has real work), then in the same run:
#   lame    the yardstick: one `lame --quiet -b R -m j --resample 44.1 --nores` per rung
#           (R = 96 160 320; -m m for a mono source), file after file, on one core
#   -j1     lyre-ingest -j1 --force on the same files (decode once, the three rungs, frame
#           indexes, media store, catalog rows)
#   -j2     the same with two workers
# and prints tracks per minute, times real time and the ratio to lame.  Then a re-scan:
# 10,000 small distinct MP3 files (one 1-second mono MP3, each copy with its own ID3 tag,
# 100 folders of 100) are ingested once (about 40 s the first time; files and rows are kept
# in the instance, so later runs find them unchanged already), and the second, unchanged
# run is timed as a whole process (start, the one query of known sources, the walk, exit).
# Targets (issue 4): -j1 >= 0.9 x lame, -j2 >= 1.7 x lame, re-scan >= 2,000 files/s.
# Exit status 0 when every target is met, 1 otherwise.
#
# usage: bench/ingest.sh
set -euo pipefail
LYRE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$LYRE_ROOT/scripts/lib.sh"
. "$LYRE_ROOT/scripts/build.sh"
. "$LYRE_ROOT/scripts/instance.sh"

INST="$LYRE_VAR/bench-media"
BUILD="$LYRE_ROOT/build-bench"
LOG="$INST/bench.log"
DBPORT=3411
CONF="$INST/lyre.conf"
NWAV=10
NRESCAN=10000
RUNGS="96 160 320"
mkdir -p "$INST"
# Other work on the machine skews every figure: the load is printed with them.
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

for tool in sox soxi lame mariadb; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install sox lame mariadb-client)"
done

# An optimised tree (no sanitizers) through the one build function of lyrectl.
build_tree "$BUILD" "$LOG" CFLAGS="-O2 -g" || die "the build failed (see $LOG)"
INGEST="$BUILD/tools/lyre-ingest"

cleanup() {
    rm -rf "$INST/lame-out"
    db_stop "$INST" || true
}
trap cleanup EXIT

say "starting MariaDB (port $DBPORT)"
db_start "$INST" "$DBPORT" "$LOG"
# No web server here: the HTTP port only fills site.base_url.
write_lyre_conf "$CONF" "$INST" "$DBPORT" 8086 "$(instance_password "$INST")" socket
admin "$BUILD" "$CONF" "$LOG" migrate

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# ---------------------------------------------------------------- WAV fixtures (kept)
WAV="$INST/wav"
if [ "$(find "$WAV" -name '*.wav' 2>/dev/null | wc -l)" != "$NWAV" ]; then
    say "generating $NWAV WAV files of 2-4 minutes with sox"
    rm -rf "$WAV"
    mkdir -p "$WAV"
    for i in $(seq 0 $((NWAV - 1))); do
        secs=$((120 + i * 13))
        lo=$((80 + i * 17)) hi=$((1200 + i * 150))
        sox -n -r 44100 -c 2 -b 16 "$WAV/tmp.wav" synth "$secs" pinknoise \
            synth "$secs" sine mix "$lo-$hi" synth "$secs" sine amod "$((2 + i % 5))" 50 \
            tremolo "$((3 + i % 4))" 40 reverb 30 vol 0.6
        mv "$WAV/tmp.wav" "$(printf '%s/track%02d.wav' "$WAV" "$i")"
    done
fi
AUDIO_SECS=0
declare -A MODE
for f in "$WAV"/*.wav; do
    AUDIO_SECS=$(calc "$AUDIO_SECS + $(soxi -D "$f")" 3)
    MODE[$f]=j
    [ "$(soxi -c "$f")" != 1 ] || MODE[$f]=m
done
NTRACKS=$NWAV

# ---------------------------------------------------------------- the three runs
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average before measuring: $LOAD"
say "lame, one run per rung ($RUNGS), file after file"
rm -rf "$INST/lame-out"
mkdir -p "$INST/lame-out"
t0=$(now)
for f in "$WAV"/*.wav; do
    for r in $RUNGS; do
        lame --quiet -b "$r" -m "${MODE[$f]}" --resample 44.1 --nores "$f" "$INST/lame-out/$(basename "$f" .wav)-$r.mp3"
    done
done
LAME_S=$(calc "$(now) - $t0" 3)
rm -rf "$INST/lame-out"

# ingest_run JOBS: lyre-ingest --force over the WAV folder; sets ING_S (seconds, wall).
ingest_run() {
    local t0 out
    say "lyre-ingest -j$1 --force on the same files"
    t0=$(now)
    out=$("$INGEST" -c "$CONF" -j"$1" --force "$WAV" 2>>"$LOG") || die "lyre-ingest -j$1 failed: see $LOG"
    ING_S=$(calc "$(now) - $t0" 3)
    echo "$out" >>"$LOG"
    [[ $out == *": $NTRACKS ingested,"* ]] || die "lyre-ingest -j$1 did not ingest $NTRACKS files: $out"
}
ingest_run 1; J1_S=$ING_S
ingest_run 2; J2_S=$ING_S

# ---------------------------------------------------------------- re-scan
RESCAN="$INST/rescan"
# id3_frame ID TEXT: one ID3v2.3 text frame (ISO-8859-1; TEXT is short ASCII).
id3_frame() {
    local len
    printf -v len '\\x%02x' $((${#2} + 1))
    printf "%s\\0\\0\\0$len\\0\\0\\0%s" "$1" "$2"
}
if [ "$(find "$RESCAN" -name '*.mp3' 2>/dev/null | wc -l)" != "$NRESCAN" ]; then
    say "generating $NRESCAN distinct 1-second MP3 files (one file, each copy with its own tag)"
    rm -rf "$RESCAN"
    mkdir -p "$RESCAN"
    sox -n -r 44100 -c 1 -b 16 "$INST/one.wav" synth 1 sine 440 vol 0.5
    lame --quiet -b 32 -m m "$INST/one.wav" "$INST/one.mp3"
    ids=(TIT2 TPE1 TALB TRCK)
    for d in $(seq -w 0 $((NRESCAN / 100 - 1))); do
        mkdir -p "$RESCAN/album$d"
        for n in $(seq -w 0 99); do
            texts=("Rescan $d$n" "Bench Rescan Artist" "Bench Rescan Album $d" "$((10#$n + 1))")
            size=0
            for t in "${texts[@]}"; do size=$((size + 11 + ${#t})); done
            printf -v size '\\x%02x' "$size"    # under 128: one syncsafe byte
            { printf "ID3\\x03\\0\\0\\0\\0\\0$size"
              for i in 0 1 2 3; do id3_frame "${ids[$i]}" "${texts[$i]}"; done
              cat "$INST/one.mp3"; } >"$RESCAN/album$d/track$n.mp3"
        done
    done
fi
say "first ingest of the $NRESCAN re-scan files (new ones only: minutes the first time)"
t0=$(now)
FIRST=$("$INGEST" -c "$CONF" "$RESCAN" 2>>"$LOG") || die "the first ingest of the re-scan files failed: see $LOG"
FIRST_S=$(calc "$(now) - $t0" 1)
echo "$FIRST" >>"$LOG"
say "re-scan of the $NRESCAN unchanged files"
t0=$(now)
SUMMARY=$("$INGEST" -c "$CONF" "$RESCAN" 2>>"$LOG") || die "the re-scan failed: see $LOG"
RESCAN_S=$(calc "$(now) - $t0" 3)
echo "$SUMMARY" >>"$LOG"
grep -q "$NRESCAN files: 0 ingested, 0 moved, $NRESCAN unchanged, 0 failed" <<<"$SUMMARY" \
    || die "the re-scan did not find $NRESCAN unchanged files: $SUMMARY"

# ---------------------------------------------------------------- the table
ok=1
verdict() { if awk "BEGIN { exit !($1) }"; then echo "ok"; else echo "MISSED"; ok=0; fi; }
row() {   # row NAME SECONDS
    printf '%-22s %9s %11s %11s %9s\n' "$1" "$2" "$(calc "$NTRACKS * 60 / $2" 1)" \
        "$(calc "$AUDIO_SECS / $2" 1)" "$(calc "$LAME_S / $2")"
}
J1_RATIO=$(calc "$LAME_S / $J1_S")
J2_RATIO=$(calc "$LAME_S / $J2_S")
RESCAN_RATE=$(calc "$NRESCAN / $RESCAN_S" 0)
printf '\n%d tracks, %s s of audio (%s min), 3 rungs each (%s kbps)\n' "$NTRACKS" "$AUDIO_SECS" \
    "$(calc "$AUDIO_SECS / 60" 1)" "${RUNGS// /, }"
echo "load average at start: $LOAD0; before measuring (after our own set-up): $LOAD"
printf '%-22s %9s %11s %11s %9s\n' run seconds tracks/min x_realtime vs_lame
row "lame (sequential)" "$LAME_S"
row "lyre-ingest -j1" "$J1_S"
row "lyre-ingest -j2" "$J2_S"
printf '\nre-scan: %d unchanged files in %s s = %s files/s (whole process, wall clock)\n' \
    "$NRESCAN" "$RESCAN_S" "$RESCAN_RATE"
echo "  first run  ($FIRST_S s): $FIRST"
echo "  second run ($RESCAN_S s): $SUMMARY"
echo
check() { local label=$1; shift; printf '%s: ' "$label"; verdict "$@"; }
check "-j1 vs lame $J1_RATIO >= 0.90" "$J1_RATIO >= 0.9"
check "-j2 vs lame $J2_RATIO >= 1.70" "$J2_RATIO >= 1.7"
check "re-scan $RESCAN_RATE files/s >= 2000" "$RESCAN_RATE >= 2000"
[ "$ok" = 1 ]

#!/bin/bash
# tests/integration/ingest.sh — lyre-ingest end to end on a real database.
#
#   LYRE_CONF=var/test/lyre.conf LYRE_BUILD=build-test bash tests/integration/ingest.sh
#
# Makes its own audio (sox, ffmpeg, lame) in every format the issue names, good and
# broken, runs lyre-ingest on it and checks the catalog rows (mariadb client) and the
# renditions in the media store (ffprobe, ffmpeg).  The database comes from LYRE_CONF,
# or the client arguments in LYRE_TEST_DB_ARGS when the runner gives them.  Rows made
# here are deleted at the end (LYRE_INGEST_KEEP=1 keeps them); media files stay.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"

: "${LYRE_CONF:?LYRE_CONF must name the lyre.conf of a test instance}"
: "${LYRE_BUILD:?LYRE_BUILD must name the build directory}"
INGEST="$LYRE_BUILD/tools/lyre-ingest"
LIB="$T_TMP/lib"
OUT="$T_TMP/out"
ERR="$T_TMP/err"
PFX="Lyre Ingest Test"

for tool in sox ffmpeg ffprobe lame mariadb; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "ok - ingest: skipped, $tool not installed # SKIP"
        exit 0
    fi
done
[ -x "$INGEST" ] || { fail "ingest: $INGEST not built"; finish; exit 1; }

# ---------------------------------------------------------------- lyre.conf and SQL
# conf_get SECTION KEY: a value of lyre.conf (libconfig, one setting a line).
conf_get() {
    awk -v sec="$1" -v key="$2" '
        $0 ~ "^[[:space:]]*" sec "[[:space:]]*:" { insec = 1 }
        insec && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" {
            sub(/^[^=]*=[[:space:]]*/, ""); sub(/;[[:space:]]*(#.*)?$/, "")
            if ($0 ~ /^".*"$/) { $0 = substr($0, 2, length($0) - 2); gsub(/\\"/, "\""); gsub(/\\\\/, "\\") }
            print; exit
        }
        insec && /^[[:space:]]*};/ { insec = 0 }' "$LYRE_CONF"
}

MEDIA=$(conf_get paths media)
if [ -n "${LYRE_TEST_DB_ARGS:-}" ]; then
    read -r -a DBARGS <<<"$LYRE_TEST_DB_ARGS"
    MYSQL=(mariadb "${DBARGS[@]}")
else
    socket=$(conf_get database socket)
    (umask 077 && {
        echo "[client]"
        echo "user=$(conf_get database user)"
        echo "password=${LYRE_DB_PASSWORD:-$(conf_get database password)}"
        echo "database=$(conf_get database name)"
        if [ -n "$socket" ]; then
            echo "socket=$socket"
        else
            echo "host=$(conf_get database host)"
            echo "port=$(conf_get database port)"
            echo "protocol=tcp"
        fi
        echo "default-character-set=utf8mb4"
    } >"$T_TMP/client.cnf")
    MYSQL=(mariadb --defaults-file="$T_TMP/client.cnf")
fi
sql() { "${MYSQL[@]}" -N -B -e "$1"; }

cleanup_rows() {
    [ "${LYRE_INGEST_KEEP:-}" = 1 ] && return 0
    sql "DELETE FROM media_sources WHERE path LIKE '$T_TMP/%';
         DELETE t FROM tracks t JOIN albums a ON a.id = t.album_id WHERE a.title LIKE '$PFX%';
         DELETE FROM albums WHERE title LIKE '$PFX%';
         DELETE FROM artists WHERE name LIKE '$PFX%' AND id NOT IN (SELECT album_artist_id FROM albums)
           AND id NOT IN (SELECT artist_id FROM track_artists);
         DELETE FROM genres WHERE name LIKE '$PFX%';
         DELETE FROM artwork WHERE id NOT IN (SELECT artwork_id FROM albums WHERE artwork_id IS NOT NULL)
           AND id NOT IN (SELECT artwork_id FROM tracks WHERE artwork_id IS NOT NULL)
           AND created_at >= '$STARTED_AT';" >/dev/null 2>&1 || true
}
STARTED_AT=$(sql "SELECT NOW(3)") || { fail "ingest: cannot reach the database"; finish; exit 1; }
trap 'cleanup_rows; rm -rf "$T_TMP"' EXIT

# ---------------------------------------------------------------- fixtures
# Each good file has its own length, so a mix-up shows in the durations.
mkdir -p "$LIB/formats" "$LIB/covered" "$LIB/folder" "$LIB/broken" "$LIB/moves"
MB_TRACK=11111111-2222-4333-8444-555555555501
MB_ALBUM=11111111-2222-4333-8444-555555555502
MB_ARTIST=11111111-2222-4333-8444-555555555503
MB_AARTIST=11111111-2222-4333-8444-555555555504

# tags TITLE TRACK: the common tags of the test album, as ffmpeg arguments in TAGS.
tags() {
    TAGS=(-metadata "title=$1" -metadata "artist=$PFX Artist" -metadata "album_artist=$PFX Album Artist"
          -metadata "album=$PFX Album" -metadata "track=$2/10" -metadata "date=2021-06-01"
          -metadata "genre=$PFX Genre")
}

make_fixtures() (
    set -e
    cd "$LIB"
    q="-v error -y"
    sox -n -r 44100 -c 2 -b 16 "$T_TMP/s3.0.wav" synth 3.0 pinknoise vol 0.3
    sox -n -r 44100 -c 2 -b 16 "$T_TMP/s4.0.wav" synth 4.0 pinknoise vol 0.3
    sox -n -r 44100 -c 2 -b 16 "$T_TMP/s5.0.wav" synth 5.0 pinknoise vol 0.3
    sox -n -r 48000 -c 2 -b 16 "$T_TMP/s6.0.wav" synth 6.0 pinknoise vol 0.3
    sox -n -r 44100 -c 1 -b 16 "$T_TMP/m2.5.wav" synth 2.5 pinknoise vol 0.3
    sox -n -r 44100 -c 2 -b 16 "$T_TMP/s20.wav" synth 20 sine 440 vol 0.5
    # MP3 128k CBR (lame), tags by ffmpeg (ID3v2 with TXXX MusicBrainz ids).
    lame --quiet -b 128 "$T_TMP/s3.0.wav" "$T_TMP/raw.mp3"
    tags "Mp3 Song" 1
    ffmpeg $q -i "$T_TMP/raw.mp3" -c copy "${TAGS[@]}" -metadata "disc=1/2" \
        -metadata "MusicBrainz Track Id=$MB_TRACK" formats/mp3-128.mp3
    tags "Flac Song" 2
    ffmpeg $q -i "$T_TMP/s4.0.wav" "${TAGS[@]}" -metadata "disc=2/2" \
        -metadata "MUSICBRAINZ_TRACKID=$MB_TRACK" -metadata "MUSICBRAINZ_ALBUMID=$MB_ALBUM" \
        -metadata "MUSICBRAINZ_ARTISTID=$MB_ARTIST" -metadata "MUSICBRAINZ_ALBUMARTISTID=$MB_AARTIST" \
        -metadata "REPLAYGAIN_TRACK_GAIN=-3.50 dB" -metadata "REPLAYGAIN_TRACK_PEAK=0.901" formats/flac.flac
    tags "Vorbis Song" 3
    ffmpeg $q -i "$T_TMP/s5.0.wav" -c:a libvorbis -q:a 6 "${TAGS[@]}" -metadata "disc=2/2" \
        formats/vorbis.ogg
    tags "Opus Song" 4
    ffmpeg $q -i "$T_TMP/s6.0.wav" -c:a libopus -b:a 64k "${TAGS[@]}" formats/opus.opus
    # WAV (RIFF INFO) has no album artist: the track artist's album.
    ffmpeg $q -i "$T_TMP/s4.0.wav" -t 3.5 -metadata "title=Wav Song" -metadata "artist=$PFX Artist" \
        -metadata "album=$PFX Wav Album" formats/wav.wav
    tags "M4a Song" 6
    ffmpeg $q -i "$T_TMP/s5.0.wav" -t 4.5 -c:a aac -b:a 128k "${TAGS[@]}" formats/aac.m4a
    tags "Mono Song" 7
    ffmpeg $q -i "$T_TMP/m2.5.wav" "${TAGS[@]}" formats/mono.flac
    # Covers: embedded in an MP3; cover.jpg beside an Ogg.
    ffmpeg $q -f lavfi -i testsrc=size=640x480:duration=1 -frames:v 1 "$T_TMP/art.jpg"
    ffmpeg $q -f lavfi -i testsrc2=size=500x500:duration=1 -frames:v 1 folder/cover.jpg
    ffmpeg $q -i "$T_TMP/s3.0.wav" -i "$T_TMP/art.jpg" -map 0 -map 1 -c:a libmp3lame -b:a 192k -c:v copy \
        -disposition:v attached_pic -id3v2_version 3 -metadata "title=Covered Song" \
        -metadata "artist=$PFX Cover Artist" -metadata "album=$PFX Covered Album" covered/embedded.mp3
    ffmpeg $q -i "$T_TMP/s4.0.wav" -c:a libvorbis -b:a 128k -metadata "title=Folder Song" \
        -metadata "artist=$PFX Folder Artist" -metadata "album=$PFX Folder Album" folder/song.ogg
    # Files that are moved and deleted later.
    ffmpeg $q -i "$T_TMP/s3.0.wav" -t 2 -metadata "title=Moving Song" -metadata "artist=$PFX Mover" \
        -metadata "album=$PFX Moves" moves/moving.flac
    ffmpeg $q -i "$T_TMP/s3.0.wav" -t 1.5 -metadata "title=Doomed Song" -metadata "artist=$PFX Mover" \
        -metadata "album=$PFX Moves" moves/doomed.flac
    # Broken files.
    lame --quiet -b 128 "$T_TMP/s20.wav" "$T_TMP/long.mp3"
    head -c 150000 "$T_TMP/long.mp3" >broken/truncated.mp3
    echo "this is a text file, not music" >broken/text.mp3
    : >broken/empty.mp3
    ffmpeg $q -f lavfi -i color=c=blue:s=64x64:d=1 -frames:v 1 -c:v mjpeg -f mp4 broken/image-only.m4a
    ffmpeg $q -i "$T_TMP/s3.0.wav" -metadata "title=$PFX Bad Track" -metadata "track=abc" broken/bad-track.flac
    ffmpeg $q -i "$T_TMP/s3.0.wav" -c:a libvorbis -metadata "title=$PFX Bad Year" -metadata "date=99999" \
        broken/bad-year.ogg
    { echo ";FFMETADATA1"; echo "title=$PFX Big Tag"; printf 'comment='; head -c 50000000 /dev/zero | tr '\0' x
      echo; } >"$T_TMP/big.meta"
    ffmpeg $q -i "$T_TMP/s3.0.wav" -i "$T_TMP/big.meta" -map_metadata 1 -c:a libmp3lame -b:a 128k broken/big-tag.mp3
    rm -f "$T_TMP/big.meta"
    # Not audio by name: ignored by the walk.
    echo "notes" >formats/README.txt
)

if ! make_fixtures >"$T_TMP/fixtures.log" 2>&1; then
    fail "ingest: fixtures" "$(tail -n 5 "$T_TMP/fixtures.log")"
    finish
    exit 1
fi
GOOD=11
BROKEN=7

# ---------------------------------------------------------------- helpers
# check NAME CMD...: lib.sh's, without the HTTP line in the diagnostics.
check() {
    local name=$1 why
    shift
    if why=$("$@" 2>&1); then
        pass "$name"
    else
        fail "$name" ${why:+"$why"}
    fi
}

has_line() {   # FILE PATTERN (grep -E)
    grep -qE -- "$2" "$1" && return 0
    echo "no line matching /$2/ in:"
    cat "$1"
    return 1
}

# run_ingest ARGS...: sets RC, stdout in $OUT, stderr in $ERR, SECONDS_TAKEN.
run_ingest() {
    local t0 t1
    t0=$(date +%s.%N)
    "$INGEST" -c "$LYRE_CONF" "$@" >"$OUT" 2>"$ERR"
    RC=$?
    t1=$(date +%s.%N)
    SECONDS_TAKEN=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

track_of() {   # PATH -> track id
    sql "SELECT COALESCE(track_id, 0) FROM media_sources WHERE path = '$1'"
}

expect_eq() {   # WHAT GOT WANT
    [ "$2" = "$3" ] && return 0
    echo "$1: got '$2', wanted '$3'"
    return 1
}

within() {   # WHAT GOT WANT TOLERANCE
    local d=$(( $2 - $3 ))
    [ "${d#-}" -le "$4" ] && return 0
    echo "$1: got $2, wanted $3 +/- $4"
    return 1
}

# PCM samples a file decodes to (44.1 kHz mono), as milliseconds.
decoded_ms() {
    local bytes
    bytes=$(ffmpeg -nostdin -v error -i "$1" -f s16le -ac 1 -ar 44100 - | wc -c)
    echo $(( bytes / 2 * 1000 / 44100 ))
}

rendition_path() { echo "$MEDIA/audio/${1:0:2}/$1.mp3"; }

# check_renditions PATH WANT_KBPS WANT_CHANNELS
check_renditions() {
    local path=$1 want=$2 channels=$3 track rows dur sha kbps rate ch bytes rdur f probe
    track=$(track_of "$path")
    [ -n "$track" ] && [ "$track" != 0 ] || { echo "no track for $path"; return 1; }
    rows=$(sql "SELECT GROUP_CONCAT(bitrate_kbps ORDER BY bitrate_kbps) FROM renditions WHERE track_id = $track")
    expect_eq "ladder" "$rows" "$want" || return 1
    dur=$(sql "SELECT duration_ms FROM tracks WHERE id = $track")
    while read -r sha kbps rate ch bytes rdur; do
        f=$(rendition_path "$sha")
        [ -s "$f" ] || { echo "missing $f"; return 1; }
        [ -s "${f%.mp3}.idx" ] || { echo "missing index of $f"; return 1; }
        expect_eq "$kbps kbps bytes" "$(stat -c %s "$f")" "$bytes" || return 1
        expect_eq "$kbps kbps sha256" "$(sha256sum "$f" | cut -c1-64)" "$sha" || return 1
        probe=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,channels,bit_rate \
            -of csv=p=0 "$f" </dev/null)
        expect_eq "$kbps kbps ffprobe" "$probe" "mp3,44100,$channels,${kbps}000" || return 1
        expect_eq "$kbps kbps row" "$rate,$ch" "44100,$channels" || return 1
        within "$kbps kbps duration (row)" "$rdur" "$dur" 50 || return 1
        within "$kbps kbps duration (decoded)" "$(decoded_ms "$f")" "$dur" 50 || return 1
        # The file starts with LAME's Info frame (gapless playback), no ID3 tag.
        head -c 200 "$f" | grep -q Info || { echo "$kbps kbps: no Info frame"; return 1; }
    done < <(sql "SELECT sha256, bitrate_kbps, sample_rate, channels, bytes, duration_ms FROM renditions
                  WHERE track_id = $track")
}

# check_track PATH "title|artist|album artist|album|disc|track|year|genre" DURATION_MS
check_track() {
    local path=$1 want=$2 ms=$3 got track
    track=$(track_of "$path")
    [ -n "$track" ] && [ "$track" != 0 ] || { echo "no track for $path"; return 1; }
    got=$(sql "SELECT CONCAT_WS('|', t.title, ta.name, aa.name, al.title, t.disc_no, COALESCE(t.track_no, '-'),
                      COALESCE(al.year, '-'), COALESCE(g.name, '-'))
               FROM tracks t JOIN albums al ON al.id = t.album_id JOIN artists aa ON aa.id = al.album_artist_id
               JOIN track_artists x ON x.track_id = t.id AND x.role = 'main' JOIN artists ta ON ta.id = x.artist_id
               LEFT JOIN genres g ON g.id = t.genre_id WHERE t.id = $track")
    expect_eq "tags" "$got" "$want" || return 1
    within "duration" "$(sql "SELECT duration_ms FROM tracks WHERE id = $track")" "$ms" 50
}

album_tags() {   # TITLE TRACK DISC -> expected tag line of the test album
    echo "$1|$PFX Artist|$PFX Album Artist|$PFX Album|$3|$2|2021|$PFX Genre"
}

# ---------------------------------------------------------------- usage
"$INGEST" -c "$LYRE_CONF" >/dev/null 2>&1
check "ingest: no PATH is a usage error (2)" expect_eq "exit" "$?" 2
"$INGEST" -c "$LYRE_CONF" -j 0 "$LIB" >/dev/null 2>&1
check "ingest: -j 0 is a usage error (2)" expect_eq "exit" "$?" 2
"$INGEST" -c "$T_TMP/no-such.conf" "$LIB" >/dev/null 2>&1
check "ingest: a missing lyre.conf is a configuration error (2)" expect_eq "exit" "$?" 2

# ---------------------------------------------------------------- first run
run_ingest -j 2 "$LIB"
FIRST_RC=$RC
check "ingest: first run exits 1 (broken files)" expect_eq "exit" "$RC" 1
for f in formats/mp3-128.mp3 formats/flac.flac formats/vorbis.ogg formats/opus.opus formats/wav.wav \
         formats/aac.m4a formats/mono.flac covered/embedded.mp3 folder/song.ogg moves/moving.flac; do
    check "ingest: plain line for $f" grep -qE "^ingested $LIB/$f \([0-9] renditions?\)$" "$OUT"
done
check "ingest: summary line" has_line "$OUT" "18 files: $GOOD ingested, 0 moved, 0 unchanged, $BROKEN failed" "$OUT"
reason() {   # FILE TEXT: stderr says "PATH: ...TEXT..."
    grep -F "$LIB/broken/$1: " "$ERR" | grep -qF -- "$2" && return 0
    echo "stderr lacks '$LIB/broken/$1: ...$2...'"
    cat "$ERR"
    return 1
}
check "ingest: truncated MP3 reported" reason truncated.mp3 "truncated"
check "ingest: text named .mp3 reported" reason text.mp3 "not a supported audio file"
check "ingest: empty file reported" reason empty.mp3 "empty file"
check "ingest: image without audio reported" reason image-only.m4a "no audio stream"
check "ingest: track number abc reported" reason bad-track.flac 'malformed track number "abc"'
check "ingest: year 99999 reported" reason bad-year.ogg 'malformed year "99999"'
check "ingest: 50 MB tag reported" reason big-tag.mp3 'is 50000000 bytes'
lacks() {   # PATTERN FILE...: no line matches
    local p=$1
    shift
    ! grep -q -- "$p" "$@" || { echo "found '$p'"; return 1; }
}
check "ingest: README.txt not touched" lacks README "$OUT" "$ERR"

# Tags and durations.
check "ingest: MP3 tags and duration" check_track "$LIB/formats/mp3-128.mp3" "$(album_tags "Mp3 Song" 1 1)" 3000
check "ingest: FLAC tags, disc 2/2 and duration" \
    check_track "$LIB/formats/flac.flac" "$(album_tags "Flac Song" 2 2)" 4000
check "ingest: Vorbis tags and duration" check_track "$LIB/formats/vorbis.ogg" "$(album_tags "Vorbis Song" 3 2)" 5000
check "ingest: Opus (48 kHz) tags and duration" \
    check_track "$LIB/formats/opus.opus" "$(album_tags "Opus Song" 4 1)" 6000
check "ingest: WAV duration" within "duration" \
    "$(sql "SELECT duration_ms FROM tracks WHERE id = $(track_of "$LIB/formats/wav.wav")")" 3500 50
check "ingest: WAV title and artist" expect_eq "tags" \
    "$(sql "SELECT CONCAT(t.title, '|', a.name) FROM tracks t JOIN track_artists x ON x.track_id = t.id
            JOIN artists a ON a.id = x.artist_id WHERE t.id = $(track_of "$LIB/formats/wav.wav")")" \
    "Wav Song|$PFX Artist"
check "ingest: M4A tags and duration" check_track "$LIB/formats/aac.m4a" "$(album_tags "M4a Song" 6 1)" 4500
check "ingest: mono FLAC tags and duration" check_track "$LIB/formats/mono.flac" "$(album_tags "Mono Song" 7 1)" 2500
check "ingest: MusicBrainz ids (FLAC)" expect_eq "mbids" \
    "$(sql "SELECT CONCAT_WS(' ', t.mbid, al.mbid, ta.mbid, aa.mbid) FROM tracks t JOIN albums al ON al.id = t.album_id
            JOIN artists aa ON aa.id = al.album_artist_id JOIN track_artists x ON x.track_id = t.id
            JOIN artists ta ON ta.id = x.artist_id WHERE t.id = $(track_of "$LIB/formats/flac.flac")")" \
    "$MB_TRACK $MB_ALBUM $MB_ARTIST $MB_AARTIST"
check "ingest: MusicBrainz track id from ID3 TXXX (MP3)" expect_eq "mbid" \
    "$(sql "SELECT mbid FROM tracks WHERE id = $(track_of "$LIB/formats/mp3-128.mp3")")" "$MB_TRACK"
check "ingest: ReplayGain" expect_eq "replaygain" \
    "$(sql "SELECT CONCAT(replaygain_track_gain, ' ', replaygain_track_peak) FROM tracks
            WHERE id = $(track_of "$LIB/formats/flac.flac")")" "-3.50 0.901000"
check "ingest: one album, one album artist, one genre for 6 files on 2 threads" expect_eq "counts" \
    "$(sql "SELECT CONCAT((SELECT COUNT(*) FROM albums WHERE title = '$PFX Album'), ' ',
                          (SELECT COUNT(*) FROM artists WHERE name = '$PFX Album Artist'), ' ',
                          (SELECT COUNT(*) FROM artists WHERE name = '$PFX Artist'), ' ',
                          (SELECT COUNT(*) FROM genres WHERE name = '$PFX Genre'), ' ',
                          (SELECT COUNT(*) FROM tracks t JOIN albums a ON a.id = t.album_id
                           WHERE a.title = '$PFX Album'))")" "1 1 1 1 6"
check "ingest: album year from the date tag" expect_eq "year" \
    "$(sql "SELECT year FROM albums WHERE title = '$PFX Album'")" 2021
check "ingest: sort letter of the album artist" expect_eq "letter" \
    "$(sql "SELECT sort_letter FROM artists WHERE name = '$PFX Album Artist'")" L

# Renditions: the ladder never goes above the source; mono stays mono.
check "ingest: MP3 128k source -> 96,160 (no 320)" check_renditions "$LIB/formats/mp3-128.mp3" "96,160" 2
check "ingest: FLAC -> 96,160,320" check_renditions "$LIB/formats/flac.flac" "96,160,320" 2
check "ingest: Vorbis ~140k -> 96,160" check_renditions "$LIB/formats/vorbis.ogg" "96,160" 2
check "ingest: Opus 64k -> 96" check_renditions "$LIB/formats/opus.opus" "96" 2
check "ingest: WAV -> 96,160,320" check_renditions "$LIB/formats/wav.wav" "96,160,320" 2
check "ingest: M4A 128k -> 96,160" check_renditions "$LIB/formats/aac.m4a" "96,160" 2
check "ingest: mono FLAC -> mono renditions" check_renditions "$LIB/formats/mono.flac" "96,160,320" 1
check "ingest: MP3 192k -> 96,160,320" check_renditions "$LIB/covered/embedded.mp3" "96,160,320" 2
no_rung_above_source() {
    # The rule: rungs up to the source bitrate rounded up to the next rung (5 % slack).
    expect_eq "renditions above their lossy source" "$(sql "SELECT COUNT(*) FROM renditions r
        JOIN tracks t ON t.id = r.track_id JOIN media_sources s ON s.track_id = t.id
        WHERE s.path LIKE '$T_TMP/%' AND t.source_format NOT IN ('flac', 'alac') AND t.source_format NOT LIKE 'pcm%'
          AND r.bitrate_kbps > CASE WHEN t.source_bitrate_kbps * 100 <= 96 * 105 THEN 96
                                    WHEN t.source_bitrate_kbps * 100 <= 160 * 105 THEN 160 ELSE 320 END")" 0
}
check "ingest: no rendition above what its source gives" no_rung_above_source
check "ingest: source facts on the track" expect_eq "source" \
    "$(sql "SELECT CONCAT_WS(',', source_format, source_bitrate_kbps, source_sample_rate, source_channels)
            FROM tracks WHERE id = $(track_of "$LIB/formats/opus.opus")")" "opus,$(sql "SELECT source_bitrate_kbps
            FROM tracks WHERE id = $(track_of "$LIB/formats/opus.opus")"),48000,2"

# Covers.
art_ok() {   # PATH [WANT_SHA]
    local track sha ext f s
    track=$(track_of "$1")
    sha=$(sql "SELECT w.sha256 FROM tracks t JOIN albums a ON a.id = t.album_id JOIN artwork w ON w.id = a.artwork_id
               WHERE t.id = $track")
    [ -n "$sha" ] || { echo "album of $1 has no artwork"; return 1; }
    [ -z "${2:-}" ] || expect_eq "cover sha256" "$sha" "$2" || return 1
    expect_eq "track artwork" "$(sql "SELECT w.sha256 FROM tracks t JOIN artwork w ON w.id = t.artwork_id
                                      WHERE t.id = $track")" "$sha" || return 1
    ext=$(sql "SELECT IF(mime = 'image/png', 'png', 'jpg') FROM artwork WHERE sha256 = '$sha'")
    [ -s "$MEDIA/art/${sha:0:2}/$sha.$ext" ] || { echo "original cover missing"; return 1; }
    for s in 96 300 640; do
        f="$MEDIA/art/${sha:0:2}/$sha-$s.jpg"
        expect_eq "thumbnail $s" "$(ffprobe -v error -show_entries stream=width,height -of csv=p=0 "$f")" "$s,$s" \
            || return 1
    done
}
check "ingest: embedded cover stored with 96/300/640 thumbnails" art_ok "$LIB/covered/embedded.mp3"
check "ingest: cover.jpg beside the file" \
    art_ok "$LIB/folder/song.ogg" "$(sha256sum "$LIB/folder/cover.jpg" | cut -c1-64)"
check "ingest: no cover, no artwork" expect_eq "artwork" \
    "$(sql "SELECT COALESCE(artwork_id, 0) FROM tracks WHERE id = $(track_of "$LIB/formats/flac.flac")")" 0

# Nothing half done.
check "ingest: broken files recorded as failed, without a track" expect_eq "failed sources" \
    "$(sql "SELECT COUNT(*) FROM media_sources WHERE path LIKE '$LIB/broken/%' AND status = 'failed'
            AND track_id IS NULL AND error <> ''")" "$BROKEN"
check "ingest: no track from a broken file" expect_eq "tracks" \
    "$(sql "SELECT COUNT(*) FROM tracks WHERE title LIKE '$PFX B%'")" 0
check "ingest: every good file has one track" expect_eq "tracks" \
    "$(sql "SELECT COUNT(DISTINCT track_id) FROM media_sources WHERE path LIKE '$T_TMP/%' AND status = 'ok'")" "$GOOD"
all_renditions_on_disk() {
    local sha n=0
    while read -r sha; do
        [ -s "$MEDIA/audio/${sha:0:2}/$sha.mp3" ] && [ -s "$MEDIA/audio/${sha:0:2}/$sha.idx" ] || n=$((n + 1))
    done < <(sql "SELECT sha256 FROM renditions")
    expect_eq "renditions without their files" "$n" 0
}
check "ingest: every rendition row has its files" all_renditions_on_disk
check "ingest: no temporary file left in the media store" expect_eq "temporary files" \
    "$(find "$MEDIA" -name '.tmp-*' | wc -l)" 0

# ---------------------------------------------------------------- re-run: nothing to do
run_ingest -j 2 "$LIB"
check "ingest: re-run exits 0 (broken files unchanged since they failed)" expect_eq "exit" "$RC" 0
check "ingest: re-run decodes nothing" lacks '^ingested' "$OUT"
check "ingest: re-run skips everything" has_line "$OUT" \
    "18 files: 0 ingested, 0 moved, $GOOD unchanged, 0 failed \\(\\+$BROKEN unchanged since they failed\\)"
check "ingest: re-run is fast (${SECONDS_TAKEN}s)" \
    awk -v t="$SECONDS_TAKEN" 'BEGIN { if (t >= 3) { print t " s"; exit 1 } }'

# ---------------------------------------------------------------- a touched file is ingested again
FLAC_TRACK=$(track_of "$LIB/formats/flac.flac")
touch "$LIB/formats/flac.flac"
run_ingest --quiet "$LIB"
check "ingest: --quiet prints nothing on stdout" expect_eq "stdout bytes" "$(wc -c <"$OUT")" 0
run_ingest "$LIB"
check "ingest: after --quiet run the touched file is done" has_line "$OUT" " 0 ingested"
touch "$LIB/formats/flac.flac"
run_ingest "$LIB"
only_flac_again() {
    grep -q "^ingested $LIB/formats/flac.flac (3 renditions)" "$OUT" || { cat "$OUT"; return 1; }
    expect_eq "files ingested" "$(grep -c '^ingested' "$OUT")" 1
}
check "ingest: touched file re-ingested, alone" only_flac_again
check "ingest: the touched file keeps its track (history)" \
    expect_eq "track id" "$(track_of "$LIB/formats/flac.flac")" "$FLAC_TRACK"
check "ingest: still three renditions" expect_eq "renditions" \
    "$(sql "SELECT COUNT(*) FROM renditions WHERE track_id = $FLAC_TRACK")" 3

# ---------------------------------------------------------------- changed content
ffmpeg -v error -y -i "$LIB/formats/flac.flac" -metadata "title=Flac Song Renamed" "$T_TMP/renamed.flac" \
    && mv "$T_TMP/renamed.flac" "$LIB/formats/flac.flac"
run_ingest "$LIB"
check "ingest: changed tags land on the same track" expect_eq "title" \
    "$(sql "SELECT title FROM tracks WHERE id = $FLAC_TRACK")" "Flac Song Renamed"

# ---------------------------------------------------------------- a deleted file, a moved file
DOOMED=$(track_of "$LIB/moves/doomed.flac")
MOVING=$(track_of "$LIB/moves/moving.flac")
rm "$LIB/moves/doomed.flac"
mkdir -p "$LIB/moved"
mv "$LIB/moves/moving.flac" "$LIB/moved/moving.flac"
run_ingest -j 2 "$LIB"
check "ingest: run with a deleted file exits 0" expect_eq "exit" "$RC" 0
check "ingest: deleted file -> track unavailable" expect_eq "available" \
    "$(sql "SELECT available FROM tracks WHERE id = $DOOMED")" 0
check "ingest: deleted file -> source vanished" expect_eq "status" \
    "$(sql "SELECT status FROM media_sources WHERE path = '$LIB/moves/doomed.flac'")" vanished
check "ingest: deleted file keeps its track and renditions" expect_eq "renditions" \
    "$(sql "SELECT COUNT(*) FROM renditions WHERE track_id = $DOOMED")" 3
moved_ok() {
    grep -q "^moved $LIB/moved/moving.flac" "$OUT" || { cat "$OUT"; return 1; }
    expect_eq "track of the moved file" "$(track_of "$LIB/moved/moving.flac")" "$MOVING"
}
check "ingest: moved file keeps its track, without decoding" moved_ok
check "ingest: moved file's track stays available" expect_eq "available" \
    "$(sql "SELECT available FROM tracks WHERE id = $MOVING")" 1
check "ingest: summary counts the vanished paths (deleted and moved)" has_line "$OUT" " 2 vanished"

# A path outside the scanned roots is not marked vanished.
run_ingest "$LIB/formats"
check "ingest: files outside the given path are not vanished" expect_eq "vanished" \
    "$(sql "SELECT COUNT(*) FROM media_sources WHERE path LIKE '$T_TMP/%' AND status = 'vanished'")" 1

# ---------------------------------------------------------------- folder albums
# One folder, one album title, and only some files say who the album artist is (Debian's
# wesnoth-music is like that): the files end up in one album under the tagged album
# artist, whatever order they are ingested in.
GA="$PFX Gathered Album"
gathered() {   # FILE TITLE ARTIST [ALBUM ARTIST]
    local extra=()
    [ -z "${4:-}" ] || extra=(-metadata "album_artist=$4")
    ffmpeg -v error -y -i "$T_TMP/s3.0.wav" -t 1.5 -c:a libvorbis -q:a 2 -metadata "title=$2" \
        -metadata "artist=$3" -metadata "album=$GA" "${extra[@]}" "$LIB/gathered/$1"
}
albums_of_ga() { sql "SELECT COUNT(*) FROM albums WHERE title = '$GA'"; }
tracks_of_ga() { sql "SELECT COUNT(*) FROM tracks t JOIN albums al ON al.id = t.album_id WHERE al.title = '$GA'"; }
mkdir -p "$LIB/gathered"
gathered one.ogg "Untagged One" "$PFX Player One"
gathered two.ogg "Untagged Two" "$PFX Player Two"
run_ingest "$LIB/gathered"
check "ingest: untagged files of two artists: one album each, for now" expect_eq "albums" "$(albums_of_ga)" 2
gathered three.ogg "Tagged Three" "$PFX Player One" "$PFX Orchestra"
run_ingest "$LIB/gathered"
check "ingest: a file with an album-artist tag gathers its folder's album" expect_eq "albums" "$(albums_of_ga)" 1
check "ingest: the gathered album has the tagged album artist" expect_eq "album artist" \
    "$(sql "SELECT ar.name FROM albums al JOIN artists ar ON ar.id = al.album_artist_id WHERE al.title = '$GA'")" \
    "$PFX Orchestra"
check "ingest: the gathered album holds all three tracks" expect_eq "tracks" "$(tracks_of_ga)" 3
gathered four.ogg "Untagged Four" "$PFX Player Four"
run_ingest "$LIB/gathered"
check "ingest: a later untagged file joins the folder's album" expect_eq "albums/tracks" \
    "$(albums_of_ga)/$(tracks_of_ga)" "1/4"
check "ingest: each track keeps its own artist" expect_eq "credits" \
    "$(sql "SELECT COUNT(DISTINCT ta.artist_id) FROM track_artists ta JOIN tracks t ON t.id = ta.track_id
            JOIN albums al ON al.id = t.album_id WHERE al.title = '$GA'")" 3

check "ingest: no temporary file left at the end" \
    expect_eq "temporary files" "$(find "$MEDIA" -name '.tmp-*' | wc -l)" 0
[ "$FIRST_RC" = 1 ] || cat "$ERR"
finish

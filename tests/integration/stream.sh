#!/bin/bash
# tests/integration/stream.sh LABEL BASE_URL MODE — byte serving, HLS and play events
# through one web server.  MODE is the server's stream.mode: "redirect" (lighttpd: /stream/ID
# answers 302 to a signed /media/ URL that lighttpd checks in etc/stream.lua) or
# "x-sendfile" (Apache: /stream/ID itself answers with the file through mod_xsendfile).
# Needs LYRE_TEST_INSTANCE (tests/run-all.sh sets it): its database holds a track with two
# or more renditions (the test fixture audio ingested at setup), and, for redirect mode,
# its stream-secret signs URLs.
set -u
LABEL=$1
BASE=$2
MODE=$3
. "$(dirname "$0")/lib.sh"
INST=${LYRE_TEST_INSTANCE:?}

sql() {
    mariadb --defaults-file="$INST/my.cnf" --user=root --batch --skip-column-names lyre -e "$1"
}

# The fixture tone of tests/run-all.sh, else the playable track with the most renditions.
read -r TRACK NRUNGS < <(sql "SELECT r.track_id, COUNT(*) FROM renditions r
    JOIN tracks t ON t.id = r.track_id WHERE t.available = 1
    GROUP BY r.track_id HAVING COUNT(*) >= 2
    ORDER BY MAX(t.title = 'Stream Test Tone') DESC, COUNT(*) DESC, r.track_id LIMIT 1")
if [ -z "${TRACK:-}" ]; then
    fail "a track with two or more renditions exists (fixture audio ingested?)"
    finish
    exit 1
fi
# Rungs, lowest first: "kbps sha bytes" per line.
# An anonymous listener has the free plan: rungs up to its max_kbps (the lowest always).
FREE_KBPS=$(sql "SELECT max_kbps FROM plans WHERE code = 'free'")
mapfile -t RUNGS < <(sql "SELECT bitrate_kbps, sha256, bytes FROM renditions
    WHERE track_id = $TRACK AND (bitrate_kbps <= ${FREE_KBPS:-0} OR ${FREE_KBPS:-0} = 0
      OR bitrate_kbps = (SELECT MIN(bitrate_kbps) FROM renditions WHERE track_id = $TRACK))
    ORDER BY bitrate_kbps")
NRUNGS=${#RUNGS[@]}
read -r LOW_KBPS LOW_SHA LOW_BYTES <<<"${RUNGS[0]}"
read -r TOP_KBPS TOP_SHA TOP_BYTES <<<"${RUNGS[${#RUNGS[@]} - 1]}"
echo "# track $TRACK, rungs (kbps): $(printf '%s ' "${RUNGS[@]%%$'\t'*}")"

FULL="$T_TMP/full"
SIZE=$TOP_BYTES

# ---------------------------------------------------------------- /stream/ID
fetch "$BASE/stream/$TRACK"
if [ "$MODE" = redirect ]; then
    check "GET /stream/$TRACK answers 302 to a signed /media/ URL of the top rung" \
        all status_in 302 \
        \; header_is Location "^/media/audio/${TOP_SHA:0:2}/$TOP_SHA\\.mp3\\?e=[0-9]+&s=[0-9a-f]{64}$" \
        \; header_is Cache-Control 'no-store'
    MEDIA="$BASE$(header_value Location)"
else
    check "GET /stream/$TRACK answers 200 with the top rung (X-Sendfile)" \
        all status_in 200 \; header_is Content-Type '^audio/mpeg' \; header_is Content-Length "^$SIZE$"
    MEDIA="$BASE/stream/$TRACK"
fi

fetch "$BASE/stream/$TRACK?br=$LOW_KBPS"
if [ "$MODE" = redirect ]; then
    check "GET /stream/$TRACK?br=$LOW_KBPS picks the $LOW_KBPS kbit/s rung" \
        all status_in 302 \; header_is Location "^/media/audio/${LOW_SHA:0:2}/$LOW_SHA\\.mp3\\?"
else
    check "GET /stream/$TRACK?br=$LOW_KBPS picks the $LOW_KBPS kbit/s rung" \
        all status_in 200 \; header_is Content-Length "^$LOW_BYTES$"
fi
fetch "$BASE/stream/$TRACK?br=1"
check "GET /stream/$TRACK?br=1 answers 400" status_in 400

# ---------------------------------------------------------------- byte serving
sha_is() {
    local got
    got=$(sha256sum <"$1" | cut -d' ' -f1)
    [ "$got" = "$2" ] || { echo "sha256 $got, wanted $2"; return 1; }
}
same_bytes() {   # same_bytes OFFSET COUNT: $BODY is bytes OFFSET.. of the full file
    tail -c +"$(($1 + 1))" "$FULL" | head -c "$2" | cmp -s - "$BODY" || { echo "bytes differ"; return 1; }
}

fetch "$MEDIA"
cp "$BODY" "$FULL"
check "full GET: 200, audio/mpeg, every byte of the rendition" \
    all status_in 200 \; header_is Content-Type '^audio/mpeg' \; header_is Content-Length "^$SIZE$" \
    \; sha_is "$FULL" "$TOP_SHA"
check "full GET: ETag, Last-Modified and Accept-Ranges" \
    all header_is ETag '^(W/)?".+"$' \; header_is Last-Modified 'GMT$' \; header_is Accept-Ranges '^bytes$'
ETAG=$(header_value ETag)

fetch "$MEDIA" -r 0-99
check "Range 0-99: 206, Content-Range, exact bytes" \
    all status_in 206 \; header_is Content-Range "^bytes 0-99/$SIZE$" \; header_is Content-Length '^100$' \
    \; same_bytes 0 100
fetch "$MEDIA" -r -500
check "suffix Range -500: 206, the last 500 bytes" \
    all status_in 206 \; header_is Content-Range "^bytes $((SIZE - 500))-$((SIZE - 1))/$SIZE$" \
    \; same_bytes $((SIZE - 500)) 500
OPEN=$((SIZE - 1234))
fetch "$MEDIA" -r "$OPEN-"
check "open Range $OPEN-: 206, the rest of the file" \
    all status_in 206 \; header_is Content-Range "^bytes $OPEN-$((SIZE - 1))/$SIZE$" \; same_bytes "$OPEN" 1234
fetch "$MEDIA" -r 1000-1999 -H "If-Range: $ETAG"
check "If-Range with the current ETag: 206" \
    all status_in 206 \; header_is Content-Range "^bytes 1000-1999/$SIZE$" \; same_bytes 1000 1000
fetch "$MEDIA" -r 1000-1999 -H 'If-Range: "stale-etag"'
check "If-Range with a stale ETag: 200 and the whole file" \
    all status_in 200 \; header_is Content-Length "^$SIZE$" \; sha_is "$BODY" "$TOP_SHA"
fetch "$MEDIA" -r "$((SIZE + 10))-$((SIZE + 20))"
check "unsatisfiable Range: 416" status_in 416
fetch "$MEDIA" -I
check "HEAD: 200 with the Content-Length of the file" all status_in 200 \; header_is Content-Length "^$SIZE$"
hostport=${BASE#http://}
raw_http "$BASE" "HEAD ${MEDIA#"$BASE"} HTTP/1.1\r\nHost: $hostport\r\nConnection: close\r\n\r\n"
check "HEAD: no body follows the headers" all status_in 200 \; test "$(bytes_after_headers)" = 0
fetch "$MEDIA" -H "If-None-Match: $ETAG"
check "If-None-Match with the ETag: 304" status_in 304

# ---------------------------------------------------------------- signatures (lighttpd)
if [ "$MODE" = redirect ]; then
    path="/media/audio/${TOP_SHA:0:2}/$TOP_SHA.mp3"
    query=${MEDIA#*\?}
    e=${query#e=}
    e=${e%%&*}
    s=${query##*s=}
    bad_s=$(printf '%s' "$s" | tr '0-9a-f' '1-9a-f0')
    sign() { printf '%s' "$path|$1" | openssl dgst -sha256 -hmac "$(cat "$INST/stream-secret")" -r | cut -d' ' -f1; }
    fetch "$BASE$path?e=$e&s=$bad_s"
    check "tampered signature: 403" status_in 403
    fetch "$BASE$path?e=$((e + 1))&s=$s"
    check "tampered expiry: 403" status_in 403
    fetch "$BASE$path"
    check "no signature: 403" status_in 403
    fetch "$BASE/media/audio/${TOP_SHA:0:2}/$TOP_SHA.idx?e=$e&s=$s"
    check "another file under /media/ with a valid signature: 403" status_in 403
    past=$(($(date +%s) - 60))
    fetch "$BASE$path?e=$past&s=$(sign "$past")"
    check "expired signed URL: 410" status_in 410
    later=$(($(date +%s) + 120))
    fetch "$BASE$path?e=$later&s=$(sign "$later")" -r 0-9
    check "URL signed here with the instance secret: 206" status_in 206
fi

# ---------------------------------------------------------------- errors
fetch "$BASE/stream/999999999"
check "unknown track: 404" status_in 404
fetch "$BASE/stream/abc"
check "bad track id: 400" status_in 400
fetch "$BASE/stream/0"
check "track id 0: 400" status_in 400
fetch "$BASE/hls/999999999/master.m3u8"
check "HLS of an unknown track: 404" status_in 404
fetch "$BASE/hls/abc/master.m3u8"
check "HLS with a bad track id: 400" status_in 400
fetch "$BASE/hls/$TRACK/7.m3u8"
check "HLS rung that does not exist: 404" status_in 404

# ---------------------------------------------------------------- HLS
HLS_TYPE='^application/vnd\.apple\.mpegurl$'
fetch "$BASE/hls/$TRACK/master.m3u8"
cp "$BODY" "$T_TMP/master.m3u8"
stream_inf_count() { [ "$(grep -c '^#EXT-X-STREAM-INF:BANDWIDTH=[0-9]*,.*CODECS="mp4a.40.34"' "$BODY")" = "$NRUNGS" ]; }
check "master playlist: 200, mpegurl, one EXT-X-STREAM-INF with BANDWIDTH and CODECS per rung" \
    all status_in 200 \; header_is Content-Type "$HLS_TYPE" \; test "$(head -n 1 "$BODY")" = '#EXTM3U' \
    \; stream_inf_count \; body_has '#EXT-X-INDEPENDENT-SEGMENTS'

# A media playlist is well-formed when its byte ranges run back to back to the file's end.
ranges_ok() {   # ranges_ok BYTES
    awk -v size="$1" -F'[:@]' '
        /^#EXT-X-BYTERANGE:/ { if (n++ == 0) next_off = $3; if ($3 != next_off) bad = 1; next_off = $3 + $2 }
        END { if (bad || n == 0 || next_off != size) { print "ranges end at " next_off " of " size; exit 1 } }' "$BODY"
}
first_times=""
for rung in "${RUNGS[@]}"; do
    read -r kbps sha bytes <<<"$rung"
    fetch "$BASE/hls/$TRACK/$kbps.m3u8"
    times=$(grep '^#EXTINF:' "$BODY" | tr '\n' ' ')
    [ -n "$first_times" ] || first_times=$times
    check "media playlist $kbps: tags, contiguous byte ranges to the end of the file" \
        all status_in 200 \; header_is Content-Type "$HLS_TYPE" \; body_has '#EXT-X-VERSION:4' \
        \; body_has '#EXT-X-TARGETDURATION:' \; body_has '#EXT-X-PLAYLIST-TYPE:VOD' \
        \; body_has '#EXT-X-INDEPENDENT-SEGMENTS' \; test "$(tail -n 1 "$BODY")" = '#EXT-X-ENDLIST' \
        \; ranges_ok "$bytes"
    check "media playlist $kbps: the same segment times as the first rung" test "$times" = "$first_times"
    # The second segment, fetched as the playlist says: starts on a frame header.
    read -r range uri < <(awk '/^#EXT-X-BYTERANGE:/ && ++n == 2 { getline u; print substr($0, 18), u; exit }' "$BODY")
    len=${range%@*}
    off=${range#*@}
    [[ $uri == http* ]] || uri="$BASE$uri"
    fetch "$uri" -r "$off-$((off + len - 1))"
    check "media playlist $kbps: a segment's range answers 206 and starts with an MP3 frame" \
        all status_in 206 \; test "$(head -c 2 "$BODY" | od -An -tx1 | tr -d ' ')" = fffb
done

# Every variant decodes end to end without a single error.
if ffmpeg -nostdin -v error -i "$BASE/hls/$TRACK/master.m3u8" -map 0 -f null - >"$T_TMP/ffmpeg.out" 2>&1 \
    && [ ! -s "$T_TMP/ffmpeg.out" ]; then
    pass "ffmpeg decodes every HLS variant with no error"
else
    fail "ffmpeg decodes every HLS variant with no error" "$(head -n 20 "$T_TMP/ffmpeg.out")"
fi

# ---------------------------------------------------------------- play events
PLAY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
events_rows() { sql "SELECT COUNT(*) FROM play_events WHERE play_id = '$PLAY' AND event = '$1'"; }
# The player sends the visitor's CSRF token (lib/csrf.h): an anonymous one is the
# lyre_csrf cookie repeated in the form.
CSRF=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
post_event() {
    fetch "$BASE/stream/events" -b "lyre_csrf=$CSRF" --data "csrf=$CSRF&$1" "${@:2}"
}
post_event "play_id=$PLAY&track_id=$TRACK&event=start&position_ms=0&bitrate_kbps=$TOP_KBPS"
check "play event start: 204" all status_in 204 \; test ! -s "$BODY"
post_event "play_id=$PLAY&track_id=$TRACK&event=start&position_ms=0&bitrate_kbps=$TOP_KBPS"
check "the same event again: 204, still one row" all status_in 204 \; test "$(events_rows start)" = 1
post_event "play_id=$PLAY&track_id=$TRACK&event=30s&position_ms=30000" -H "Origin: $BASE"
check "event 30s with this site's Origin: 204, recorded" all status_in 204 \; test "$(events_rows 30s)" = 1
for bad in "play_id=$PLAY&track_id=$TRACK&event=pause&position_ms=1" \
    "play_id=xyz&track_id=$TRACK&event=skip&position_ms=1" \
    "play_id=$PLAY&track_id=abc&event=skip&position_ms=1" \
    "play_id=$PLAY&track_id=$TRACK&event=skip&position_ms=-5" \
    "play_id=$PLAY&track_id=$TRACK&event=skip" \
    "play_id=$PLAY&track_id=$TRACK&event=skip&position_ms=1&bitrate_kbps=fast"; do
    post_event "$bad"
    check "bad event ($bad): 400" status_in 400
done
check "bad events recorded nothing" test "$(events_rows skip)" = 0
post_event "play_id=$PLAY&track_id=999999999&event=skip&position_ms=1"
check "event of an unknown track: 404" status_in 404
post_event "play_id=$PLAY&track_id=$TRACK&event=skip&position_ms=1" -H 'Origin: http://evil.example'
check "event from another site's page: 403" all status_in 403 \; test "$(events_rows skip)" = 0
fetch "$BASE/stream/events" --data "play_id=$PLAY&track_id=$TRACK&event=skip&position_ms=1"
check "event without a CSRF token: 403" all status_in 403 \; test "$(events_rows skip)" = 0
fetch "$BASE/stream/events" -b "lyre_csrf=$CSRF" \
    --data "csrf=$(printf %064d 0)&play_id=$PLAY&track_id=$TRACK&event=skip&position_ms=1"
check "event with a wrong CSRF token: 403" all status_in 403 \; test "$(events_rows skip)" = 0
fetch "$BASE/stream/events" -b "lyre_csrf=$CSRF" -H "X-CSRF-Token: $CSRF" \
    --data "play_id=$PLAY&track_id=$TRACK&event=complete&position_ms=20000"
check "event with the token in X-CSRF-Token: 204" all status_in 204 \; test "$(events_rows complete)" = 1
fetch "$BASE/stream/events"
check "GET /stream/events: 405" all status_in 405 \; header_is Allow '^POST$'

# ---------------------------------------------------------------- artwork
art=$(sql "SELECT sha256 FROM artwork ORDER BY id LIMIT 1")
if [ -n "$art" ]; then
    fetch "$BASE/art/${art:0:2}/$art-300.jpg"
    check "cover thumbnail under /art/: 200, image/jpeg, immutable for a year" \
        all status_in 200 \; header_is Content-Type '^image/jpeg' \
        \; header_is Cache-Control 'public, max-age=31536000, immutable'
else
    fail "cover thumbnail under /art/" "no artwork row in the test instance"
fi
fetch "$BASE/art/00/none-300.jpg"
check "missing file under /art/: 404" status_in 404

finish

#!/bin/bash
# tests/integration/subsonic-media.sh LABEL BASE_URL [MODE] — the Subsonic API's media,
# listening, library and discovery endpoints (cgi/subsonic/media.c, library.c, discover.c)
# over real HTTP: stream and download pick the rendition by maxBitRate and the plan, Range
# goes through the web server, timeOffset, cover art by size; scrobbles are the web's play
# events (history shows them); stars are the web's likes (/library/state); playlists keep
# the web's rights and versions; the play queue round trip; getUser; similar songs and
# artists from a model and without one, top songs, random songs, songs by genre.  Every
# XML answer is validated with xmllint against the 1.16.1 XSD (a copy made here that lets
# the OpenSubsonic root attributes through), and JSON answers are checked for the
# Subsonic mapping (lists are arrays even with one item).
# MODE is the server's stream.mode: "redirect" (lighttpd, the default) or "x-sendfile"
# (Apache).  Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf, a track with two or more
# renditions and a cover: the fixture audio of tests/run-all.sh), LYRE_TEST_BUILD
# (tools/lyre-admin), and the XSD: LYRE_SUBSONIC_XSD, else shared/conformance/ beside
# the repository.
set -u
LABEL=$1
BASE=$2
MODE=${3:-redirect}
. "$(dirname "$0")/lib.sh"

INST=${LYRE_TEST_INSTANCE:?}
CONF="$INST/lyre.conf"
ADMIN="${LYRE_TEST_BUILD:?}/tools/lyre-admin"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
XSD_SRC=${LYRE_SUBSONIC_XSD:-$ROOT/../shared/conformance/subsonic-rest-api-1.16.1.xsd}
PASS="violet kettle 42 drums"
RUN=$(date +%s | tail -c 6)$$
MEDIA=$(sed -n 's/^ *media = "\(.*\)";.*/\1/p' "$CONF" | head -n 1)
MEDIA=${MEDIA:-$INST/media}

sql() {
    mariadb --defaults-file="$INST/my.cnf" --user=root --default-character-set=utf8mb4 -N -B lyre -e "$1"
}

# ---------------------------------------------------------------- the schema
# The strict 1.16.1 schema refuses the attributes every OpenSubsonic server must send
# (type, serverVersion, openSubsonic, mediaType...): this copy adds an attribute wildcard
# to every complex type.  Unknown elements still fail.
XSD="$T_TMP/subsonic-lenient.xsd"
INVALID="$T_TMP/invalid"
NXML=0
: >"$INVALID"
cat >"$T_TMP/lenient.xsl" <<'EOF'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template>
  <xsl:template match="xs:complexType[not(xs:complexContent|xs:simpleContent)]|xs:extension">
    <xsl:copy><xsl:apply-templates select="@*|node()"/><xs:anyAttribute processContents="skip"/></xsl:copy>
  </xsl:template>
</xsl:stylesheet>
EOF
if [ -f "$XSD_SRC" ] && xsltproc -o "$XSD" "$T_TMP/lenient.xsl" "$XSD_SRC" &&
    echo '<subsonic-response xmlns="http://subsonic.org/restapi" status="ok" version="1.16.1" type="lyre"/>' |
    xmllint --noout --schema "$XSD" - 2>/dev/null; then
    pass "the XSD (a lenient copy of $XSD_SRC) compiles and takes an OpenSubsonic envelope"
else
    fail "the XSD (a lenient copy of $XSD_SRC) compiles and takes an OpenSubsonic envelope"
    finish
    exit 1
fi

# xsd_valid: the body is valid against the schema.
xsd_valid() {
    xmllint --noout --schema "$XSD" "$BODY" 2>"$T_TMP/xmllint.err" && return 0
    head -n 5 "$T_TMP/xmllint.err"
    return 1
}

# ---------------------------------------------------------------- requests
# rest KEY METHOD [NAME=VALUE...]: GET /rest/METHOD.view signed with an API key; every XML
# answer is validated on the way (the last test counts them).
rest() {
    local key=$1 method=$2 args=() kv
    shift 2
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    fetch "$BASE/rest/$method.view" -G --data-urlencode "apiKey=$key" --data-urlencode "c=lyre-test" \
        --data-urlencode "v=1.16.1" "${args[@]}"
    note_xml "$method"
}
note_xml() {
    if grep -qi '^content-type:.*xml' "$HDRS"; then
        NXML=$((NXML + 1))
        xsd_valid >/dev/null || echo "$1: $(head -c 300 "$BODY")" >>"$INVALID"
    fi
}
sub_ok() {
    grep -q 'status="ok"' "$BODY" || { echo "not ok: $(head -c 400 "$BODY")"; return 1; }
    xsd_valid
}
sub_error() {
    grep -q "status=\"failed\"" "$BODY" && grep -q "<error code=\"$1\"" "$BODY" && { xsd_valid; return; }
    echo "wanted error $1: $(head -c 400 "$BODY")"
    return 1
}
# json EXPR: EXPR (JavaScript, r = the subsonic-response object) is true.
json() {
    node -e '
        const fs = require("fs");
        const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"))["subsonic-response"];
        if (!eval(process.argv[2])) { console.log("false: " + process.argv[2] + " in " + JSON.stringify(r).slice(0, 400)); process.exit(1); }
    ' "$BODY" "$1"
}
location() { header_value Location; }

# ---------------------------------------------------------------- users and keys
SRC="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
jar() { echo "$T_TMP/jar-$1"; }
cookie() { awk -v n="$2" '$6 == n { v = $7 } END { print v }' "$1" 2>/dev/null; }
web() { fetch "$BASE$2" --interface "$SRC" -b "$1" -c "$1" "${@:3}"; }
make_user() {
    local j t
    j=$(jar "$1")
    printf '%s\n' "$PASS" | "$ADMIN" -c "$CONF" user add "$1" "$1@example.test" --password-stdin --verified \
        >/dev/null 2>"$T_TMP/admin-err" || { cat "$T_TMP/admin-err"; return 1; }
    web "$j" /login
    t=$(cookie "$j" lyre_csrf)
    web "$j" /login --data-urlencode "csrf=$t" --data-urlencode "login=$1" --data-urlencode "password=$PASS"
    [ "$STATUS" = 303 ] || { echo "sign-in answered $STATUS"; return 1; }
}
# An OpenSubsonic API key of user NAME (db/0014: only its SHA-256 is stored).
make_key() {
    local key
    key="lyre_t${RUN}$1$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    sql "INSERT INTO app_passwords (user_id, kind, name, key_sha256) SELECT id, 'apikey', 'subsonic-media test',
         '$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)' FROM users WHERE username = '$1'" || return 1
    echo "$key"
}

ALICE="sm${RUN}a"
BOB="sm${RUN}b"
check "users made with lyre-admin sign in on the web" make_user "$ALICE"
make_user "$BOB" >/dev/null || fail "the second user signs in"
UA=$(sql "SELECT id FROM users WHERE username = '$ALICE'")
UB=$(sql "SELECT id FROM users WHERE username = '$BOB'")
KA=$(make_key "$ALICE")
KB=$(make_key "$BOB")
rest "$KA" ping
check "an API key signs in (ping)" sub_ok

# ---------------------------------------------------------------- the catalog under test
read -r TRACK _ < <(sql "SELECT r.track_id, COUNT(*) FROM renditions r
    JOIN tracks t ON t.id = r.track_id WHERE t.available = 1
    GROUP BY r.track_id HAVING COUNT(*) >= 2
    ORDER BY MAX(t.title = 'Stream Test Tone') DESC, COUNT(*) DESC, r.track_id LIMIT 1")
if [ -z "${TRACK:-}" ]; then
    fail "a track with two or more renditions exists (fixture audio ingested?)"
    finish
    exit 1
fi
mapfile -t RUNGS < <(sql "SELECT bitrate_kbps, sha256, bytes FROM renditions WHERE track_id = $TRACK ORDER BY bitrate_kbps")
FREE_KBPS=$(sql "SELECT max_kbps FROM plans WHERE code = 'free'")
FREE_KBPS=${FREE_KBPS:-0}
# rung_for CAP: "kbps sha bytes" of the highest rung <= CAP (0: none), else the lowest.
rung_for() {
    local pick=${RUNGS[0]} r
    for r in "${RUNGS[@]}"; do
        [ "$1" -eq 0 ] || [ "${r%%$'\t'*}" -le "$1" ] && pick=$r
    done
    echo "$pick"
}
read -r LOW_KBPS LOW_SHA LOW_BYTES <<<"${RUNGS[0]}"
read -r TOP_KBPS TOP_SHA TOP_BYTES <<<"${RUNGS[${#RUNGS[@]} - 1]}"
read -r FREE_RUNG_KBPS FREE_SHA FREE_BYTES <<<"$(rung_for "$FREE_KBPS")"
ALBUM=$(sql "SELECT album_id FROM tracks WHERE id = $TRACK")
ARTIST=$(sql "SELECT artist_id FROM track_artists WHERE track_id = $TRACK AND role = 'main' ORDER BY position LIMIT 1")
echo "# track $TRACK (album $ALBUM, artist $ARTIST), rungs: $(printf '%s ' "${RUNGS[@]%%$'\t'*}"), free plan $FREE_KBPS kbit/s"
mapfile -t SONGS < <(sql "SELECT id FROM tracks WHERE available = 1 AND id <> $TRACK ORDER BY id LIMIT 4")

# audio_is SHA BYTES: the answer is that rendition (302 to its signed URL, or X-Sendfile).
audio_is() {
    if [ "$MODE" = redirect ]; then
        status_in 302 && header_is Location "^/media/audio/${1:0:2}/$1\\.mp3\\?e=[0-9]+&s=[0-9a-f]{64}$"
    else
        status_in 200 && header_is Content-Type '^audio/mpeg' && header_is Content-Length "^$2$"
    fi
}

# ---------------------------------------------------------------- stream
rest "$KA" stream
check "stream without id: error 10" sub_error 10
rest "$KA" stream id=4000000000
check "stream of an unknown id: error 70" sub_error 70
rest "$KA" stream id=abc
check "stream of a malformed id: error 70" sub_error 70
rest "$KA" stream "id=$TRACK"
check "stream on the free plan: the highest rung within $FREE_KBPS kbit/s ($FREE_RUNG_KBPS)" audio_is "$FREE_SHA" "$FREE_BYTES"
rest "$KA" stream "id=$TRACK" "maxBitRate=$LOW_KBPS"
check "stream maxBitRate=$LOW_KBPS: the $LOW_KBPS kbit/s rung" audio_is "$LOW_SHA" "$LOW_BYTES"
rest "$KA" stream "id=$TRACK" maxBitRate=1
check "stream maxBitRate below every rung: the lowest rung" audio_is "$LOW_SHA" "$LOW_BYTES"
rest "$KA" stream "id=$TRACK" "maxBitRate=$TOP_KBPS" format=mp3
check "stream maxBitRate=$TOP_KBPS on the free plan: never above the plan" audio_is "$FREE_SHA" "$FREE_BYTES"
rest "$KA" stream "id=$TRACK" maxBitRate=-5
check "stream maxBitRate=-5: an error" sub_error 0

# Bob pays: a live premium subscription lifts the cap.
sql "INSERT INTO subscriptions (user_id, plan_id, provider, provider_subscription_id, status, current_period_end)
     SELECT $UB, id, 'test', 'sub_sm$RUN', 'active', NOW() + INTERVAL 30 DAY FROM plans WHERE code = 'premium'"
rest "$KB" stream "id=$TRACK"
check "stream on a premium plan: the top rung ($TOP_KBPS)" audio_is "$TOP_SHA" "$TOP_BYTES"
rest "$KB" stream "id=$TRACK" maxBitRate=0 format=mp3
check "stream maxBitRate=0 (no limit), format=mp3: the top rung" audio_is "$TOP_SHA" "$TOP_BYTES"
rest "$KB" stream "id=$TRACK" "maxBitRate=$LOW_KBPS" format=raw
check "stream format=raw: the best the plan allows, whatever maxBitRate" audio_is "$TOP_SHA" "$TOP_BYTES"

# Range: the web server's, through the signed URL or X-Sendfile.
FILE="$MEDIA/audio/${TOP_SHA:0:2}/$TOP_SHA.mp3"
rest "$KB" stream "id=$TRACK"
if [ "$MODE" = redirect ]; then
    fetch "$BASE$(location)" -r 100-1099
else
    fetch "$BASE/rest/stream.view" -G --data-urlencode "apiKey=$KB" --data-urlencode c=t --data-urlencode v=1.16.1 \
        --data-urlencode "id=$TRACK" -r 100-1099
fi
same_range() { tail -c +101 "$FILE" | head -c 1000 | cmp -s - "$BODY" || { echo "bytes differ from $FILE"; return 1; }; }
check "Range 100-1099 of a stream: 206 from the web server, the exact bytes" \
    all status_in 206 \; header_is Content-Range "^bytes 100-1099/$TOP_BYTES$" \; same_range

# timeOffset: the bytes from the frame holding the offset, to the end of the file.
rest "$KB" stream "id=$TRACK" timeOffset=5
cp "$BODY" "$T_TMP/offset.mp3"
is_suffix() {
    local n
    n=$(wc -c <"$T_TMP/offset.mp3")
    [ "$n" -gt 0 ] && [ "$n" -lt "$TOP_BYTES" ] || { echo "$n bytes"; return 1; }
    tail -c "$n" "$FILE" | cmp -s - "$T_TMP/offset.mp3" || { echo "not the end of the file"; return 1; }
    # 5 s of 20 at a constant bitrate: about a quarter is gone.
    [ $((n * 100 / TOP_BYTES)) -ge 60 ] && [ $((n * 100 / TOP_BYTES)) -le 85 ] || { echo "$n of $TOP_BYTES"; return 1; }
    head -c 2 "$T_TMP/offset.mp3" | od -An -tx1 | grep -q 'ff f' || { echo "does not start on a frame"; return 1; }
}
check "stream timeOffset=5: 200 audio/mpeg, the file from the frame at 5 s" \
    all status_in 200 \; header_is Content-Type '^audio/mpeg' \; is_suffix
rest "$KB" stream "id=$TRACK" timeOffset=86000
check "stream timeOffset past the end: an empty answer, not an error" \
    all status_in 200 \; header_is Content-Length '^0$'

# ---------------------------------------------------------------- download
rest "$KA" download
check "download without id: error 10" sub_error 10
rest "$KA" download id=4000000000
check "download of an unknown id: error 70" sub_error 70
rest "$KA" download "id=$TRACK" maxBitRate=1
check "download: the highest rung the plan allows ($FREE_RUNG_KBPS), whatever maxBitRate" audio_is "$FREE_SHA" "$FREE_BYTES"
if [ "$MODE" = x-sendfile ]; then
    check "download names the file (Content-Disposition attachment)" \
        header_is Content-Disposition '^attachment; filename="[^"]+\.mp3"; filename\*=UTF-8'"''"
fi

# ---------------------------------------------------------------- cover art
ART=$(sql "SELECT aw.sha256 FROM albums al JOIN artwork aw ON aw.id = al.artwork_id WHERE al.id = $ALBUM")
image_is() {   # image_is SUFFIX: the cover's file SUFFIX ("-300.jpg", ".jpg")
    if [ "$MODE" = redirect ]; then
        status_in 302 && header_is Location "/art/${ART:0:2}/$ART$1$" || return 1
        fetch "$BASE$(location)"
    fi
    status_in 200 && header_is Content-Type '^image/' &&
        cmp -s "$BODY" "$MEDIA/art/${ART:0:2}/$ART$1" || { echo "not the bytes of $ART$1"; return 1; }
}
if [ -n "$ART" ]; then
    rest "$KA" getCoverArt "id=al-$ALBUM" size=200
    check "getCoverArt al-ID size=200: the 300 px thumbnail" image_is -300.jpg
    rest "$KA" getCoverArt "id=tr-$TRACK" size=64
    check "getCoverArt tr-ID size=64: the 96 px thumbnail" image_is -96.jpg
    rest "$KA" getCoverArt "id=$ALBUM"
    ORIG=".jpg"
    [ "$(sql "SELECT mime FROM artwork WHERE sha256 = '$ART'")" = image/png ] && ORIG=".png"
    check "getCoverArt with a bare album id and no size: the original" image_is "$ORIG"
    rest "$KA" getCoverArt "id=al-$ALBUM" size=5000
    check "getCoverArt size beyond every thumbnail: the original" image_is "$ORIG"
else
    fail "the fixture album $ALBUM has a cover"
fi
rest "$KA" getCoverArt
check "getCoverArt without id: error 10" sub_error 10
rest "$KA" getCoverArt id=al-4000000000
check "getCoverArt of an unknown album: error 70" sub_error 70
rest "$KA" getCoverArt id=nonsense
check "getCoverArt of a malformed id: error 70" sub_error 70

# ---------------------------------------------------------------- scrobble, now playing
rest "$KA" scrobble
check "scrobble without id: error 10" sub_error 10
rest "$KA" scrobble id=4000000000
check "scrobble of an unknown song: error 70" sub_error 70
rest "$KA" scrobble "id=$TRACK" submission=false
check "scrobble submission=false answers ok" sub_ok
rest "$KA" getNowPlaying
check "getNowPlaying lists the song with the user and the client" \
    all sub_ok \; body_has "<entry id=\"$TRACK\"" \; body_has "username=\"$ALICE\"" \; body_has 'playerName="lyre-test"'
rest "$KB" getNowPlaying
check "getNowPlaying shows nobody else's listening" all sub_ok \; body_lacks "username=\"$ALICE\""
T1=$(( ($(date +%s) - 3600) * 1000 ))
rest "$KA" scrobble "id=$TRACK" "time=$T1"
check "scrobble (a finished play) answers ok" sub_ok
events() { sql "SELECT GROUP_CONCAT(event ORDER BY event SEPARATOR ',') FROM play_events WHERE user_id = $UA AND client = 'subsonic'"; }
check "it wrote the web player's events: start and complete, client 'subsonic'" test "$(events)" = "start,complete"
rest "$KA" scrobble "id=$TRACK" "time=$T1"
check "the same scrobble again adds nothing" test "$(events)" = "start,complete"
TITLE=$(sql "SELECT title FROM tracks WHERE id = $TRACK")
web "$(jar "$ALICE")" /library/history
check "the web's listening history shows the scrobbled song" all status_in 200 \; body_has "$TITLE"

# ---------------------------------------------------------------- playlists
rest "$KA" createPlaylist
check "createPlaylist without name or playlistId: error 10" sub_error 10
rest "$KA" createPlaylist name=Nope songId=4000000000
check "createPlaylist with an unknown song: error 70" sub_error 70
rest "$KA" createPlaylist "name=Road trip $RUN" "songId=${SONGS[0]}" "songId=${SONGS[1]}" "songId=$TRACK"
check "createPlaylist answers the playlist with its 3 songs in order" \
    all sub_ok \; body_has 'songCount="3"' \; order "entry id=\"${SONGS[0]}\"" "entry id=\"${SONGS[1]}\"" "entry id=\"$TRACK\""
PL=$(grep -o '<playlist id="[0-9]*"' "$BODY" | grep -o '[0-9]*')
PL=${PL:-0}
V1=$(sql "SELECT version FROM playlists WHERE id = $PL")
rest "$KA" getPlaylists f=json
check "getPlaylists (JSON): playlists.playlist is an array holding it" \
    json "Array.isArray(r.playlists.playlist) && r.playlists.playlist.some(p => p.id === '$PL' && p.songCount === 3)"
rest "$KA" getPlaylists
check "getPlaylists (XML) lists it" all sub_ok \; body_has "<playlist id=\"$PL\""
rest "$KA" updatePlaylist "playlistId=$PL" songIndexToRemove=0 "songIdToAdd=${SONGS[2]}" "name=Renamed $RUN" comment=Sunny
rest "$KA" getPlaylist "id=$PL"
check "updatePlaylist removed index 0, added a song at the end, renamed it" \
    all sub_ok \; body_has "name=\"Renamed $RUN\"" \; body_has 'comment="Sunny"' \; body_has 'songCount="3"' \
    \; order "entry id=\"${SONGS[1]}\"" "entry id=\"$TRACK\"" "entry id=\"${SONGS[2]}\"" \; body_lacks "entry id=\"${SONGS[0]}\""
V2=$(sql "SELECT version FROM playlists WHERE id = $PL")
check "every change bumped the playlist's version and wrote the edit log" \
    all test "$V2" -gt "$V1" \; test "$(sql "SELECT COUNT(*) FROM playlist_edits WHERE playlist_id = $PL")" -ge 3 \
    \; test "$(sql "SELECT COUNT(*) FROM playlist_items WHERE playlist_id = $PL")" = 3 \
    \; test "$(sql "SELECT GROUP_CONCAT(position ORDER BY position) FROM playlist_items WHERE playlist_id = $PL")" = "0,1,2"
web "$(jar "$ALICE")" /playlists/mine.json
check "the web sees the same playlist at the same version" all status_in 200 \; body_has "\"id\":$PL" \; body_has "\"version\":$V2"
rest "$KA" updatePlaylist "playlistId=$PL" songIndexToRemove=9
check "updatePlaylist with an index beyond the list: an error, nothing changes" \
    all sub_error 0 \; test "$(sql "SELECT version FROM playlists WHERE id = $PL")" = "$V2"
rest "$KA" updatePlaylist
check "updatePlaylist without playlistId: error 10" sub_error 10
rest "$KB" getPlaylist "id=$PL"
check "someone else's private playlist: error 70" sub_error 70
rest "$KB" updatePlaylist "playlistId=$PL" "songIdToAdd=$TRACK"
check "updating someone else's private playlist: error 70" sub_error 70
rest "$KA" updatePlaylist "playlistId=$PL" public=true
rest "$KB" getPlaylist "id=$PL"
check "a public playlist is readable by others" all sub_ok \; body_has "owner=\"$ALICE\""
rest "$KB" updatePlaylist "playlistId=$PL" "songIdToAdd=$TRACK"
check "but only the owner (or a collaborator) may change it: error 50" sub_error 50
rest "$KB" deletePlaylist "id=$PL"
check "deleting someone else's playlist: error 50" sub_error 50
sql "UPDATE playlists SET is_collaborative = 1 WHERE id = $PL; INSERT INTO playlist_collaborators (playlist_id, user_id) VALUES ($PL, $UB)"
rest "$KB" updatePlaylist "playlistId=$PL" "songIdToAdd=$TRACK"
check "a collaborator of a collaborative playlist may add songs" \
    all sub_ok \; test "$(sql "SELECT COUNT(*) FROM playlist_items WHERE playlist_id = $PL AND added_by = $UB")" = 1
rest "$KB" updatePlaylist "playlistId=$PL" public=false
check "but not make it private: error 50" sub_error 50
rest "$KB" getPlaylists f=json
check "getPlaylists lists the playlists one collaborates on, with allowedUser" \
    json "r.playlists.playlist.some(p => p.id === '$PL' && Array.isArray(p.allowedUser) && p.allowedUser.includes('$BOB'))"
rest "$KA" createPlaylist "playlistId=$PL" "songId=$TRACK"
check "createPlaylist with playlistId replaces the songs" all sub_ok \; body_has 'songCount="1"'
rest "$KA" deletePlaylist "id=$PL"
check "deletePlaylist by the owner" sub_ok
rest "$KA" getPlaylist "id=$PL"
check "a deleted playlist: error 70" sub_error 70
rest "$KA" deletePlaylist
check "deletePlaylist without id: error 10" sub_error 10
fetch "$BASE/rest/createPlaylist.view" --data-urlencode "apiKey=$KA" --data-urlencode c=t --data-urlencode v=1.16.1 \
    --data-urlencode "name=Posted $RUN" --data-urlencode "songId=$TRACK" --data-urlencode "songId=${SONGS[0]}"
note_xml createPlaylist
check "createPlaylist by form POST (formPost), songId repeated" all sub_ok \; body_has 'songCount="2"'
PL2=$(grep -o '<playlist id="[0-9]*"' "$BODY" | grep -o '[0-9]*')
rest "$KA" deletePlaylist "id=${PL2:-0}"

# ---------------------------------------------------------------- stars and ratings
state() {
    web "$(jar "$ALICE")" "/library/state?tracks=$TRACK&albums=$ALBUM&artists=$ARTIST"
}
rest "$KA" star "id=$TRACK" "albumId=$ALBUM" "artistId=$ARTIST"
check "star a song, an album and an artist" sub_ok
state
check "the web shows them as liked, saved and followed (/library/state)" \
    all status_in 200 \; body_has "\"tracks\":[$TRACK]" \; body_has "\"albums\":[$ALBUM]" \; body_has "\"artists\":[$ARTIST]"
rest "$KA" getStarred2 f=json
check "getStarred2 (JSON): arrays of the starred song, album and artist" \
    json "r.starred2.song.some(s => s.id === '$TRACK' && s.starred) && r.starred2.album.some(a => a.id === '$ALBUM') && r.starred2.artist.some(a => a.id === '$ARTIST')"
rest "$KA" getStarred2
check "getStarred2 (XML)" all sub_ok \; body_has "<song id=\"$TRACK\""
rest "$KA" getStarred
check "getStarred (folders): the artist as ar-ID, the album as a directory" \
    all sub_ok \; body_has "<artist id=\"ar-$ARTIST\"" \; body_has "<album id=\"$ALBUM\""
rest "$KA" unstar "id=$TRACK" "albumId=$ALBUM" "artistId=ar-$ARTIST"
state
check "unstar: the web no longer shows them" \
    all status_in 200 \; body_has '"tracks":[]' \; body_has '"albums":[]' \; body_has '"artists":[]'
rest "$KA" star
check "star with nothing to star: error 10" sub_error 10
rest "$KA" star id=4000000000
check "star an unknown song: error 70" sub_error 70
rating() { sql "SELECT COALESCE(MAX(rating), 0) FROM ratings WHERE user_id = $UA AND item_kind = '$1' AND item_id = $2"; }
rest "$KA" setRating "id=$TRACK" rating=4
check "setRating 4 on a song" all sub_ok \; test "$(rating track "$TRACK")" = 4
rest "$KA" setRating "id=al-$ALBUM" rating=2
check "setRating on an album (al-ID)" all sub_ok \; test "$(rating album "$ALBUM")" = 2
rest "$KA" setRating "id=$TRACK" rating=0
check "setRating 0 clears it" all sub_ok \; test "$(rating track "$TRACK")" = 0
rest "$KA" setRating "id=$TRACK" rating=6
check "setRating 6: an error" sub_error 0
rest "$KA" setRating "id=$TRACK"
check "setRating without rating: error 10" sub_error 10
rest "$KA" setRating id=4000000000 rating=3
check "setRating of an unknown song: error 70" sub_error 70

# ---------------------------------------------------------------- play queue
rest "$KA" getPlayQueue
check "getPlayQueue with nothing saved: an envelope without playQueue" all sub_ok \; body_lacks '<playQueue'
fetch "$BASE/rest/savePlayQueue.view" -G --data-urlencode "apiKey=$KA" --data-urlencode "c=Phone app" \
    --data-urlencode v=1.16.1 --data-urlencode "id=$TRACK" --data-urlencode "id=${SONGS[0]}" \
    --data-urlencode "current=${SONGS[0]}" --data-urlencode position=4321
note_xml savePlayQueue
check "savePlayQueue" sub_ok
rest "$KA" getPlayQueue
check "getPlayQueue: the songs in order, current, position, changedBy the saving app" \
    all sub_ok \; body_has "current=\"${SONGS[0]}\"" \; body_has 'position="4321"' \; body_has 'changedBy="Phone app"' \
    \; body_has "username=\"$ALICE\"" \; order "entry id=\"$TRACK\"" "entry id=\"${SONGS[0]}\""
check "the queue is in the tables the web player can read (db/0015)" \
    test "$(sql "SELECT CONCAT(q.current_index, ':', q.position_ms, ':', GROUP_CONCAT(i.track_id ORDER BY i.position))
               FROM play_queues q JOIN play_queue_items i ON i.user_id = q.user_id WHERE q.user_id = $UA")" \
         = "1:4321:$TRACK,${SONGS[0]}"
rest "$KA" getPlayQueue f=json
check "getPlayQueue (JSON): entry is an array, current a number" \
    json "Array.isArray(r.playQueue.entry) && r.playQueue.entry.length === 2 && r.playQueue.current === ${SONGS[0]}"
rest "$KA" savePlayQueue "id=$TRACK"
check "savePlayQueue with songs but no current: error 10" sub_error 10
rest "$KA" savePlayQueue id=4000000000 current=4000000000
check "savePlayQueue with an unknown song: error 70" sub_error 70
rest "$KA" savePlayQueue
rest "$KA" getPlayQueue
check "savePlayQueue with no id clears the queue" all sub_ok \; body_lacks '<playQueue'

# ---------------------------------------------------------------- getUser
rest "$KA" getUser "username=$ALICE"
check "getUser: own account, roles, the plan's bitrate" \
    all sub_ok \; body_has 'streamRole="true"' \; body_has 'adminRole="false"' \; body_has "maxBitRate=\"$FREE_KBPS\"" \
    \; body_has 'scrobblingEnabled="true"'
rest "$KB" getUser "username=$BOB"
check "getUser of a premium listener: maxBitRate 320" all sub_ok \; body_has 'maxBitRate="320"'
rest "$KA" getUser "username=$BOB"
check "getUser of someone else (not an admin): error 50" sub_error 50
rest "$KA" getUser
check "getUser without username: error 10" sub_error 10

# A listener who paused their history: scrobbling is off for them, plays count without them.
sql "UPDATE users SET history_paused = 1 WHERE id = $UB"
rest "$KB" getUser "username=$BOB"
check "getUser of a listener who paused their history: scrobblingEnabled false" \
    all sub_ok \; body_has 'scrobblingEnabled="false"'
T2=$(( ($(date +%s) - 1800) * 1000 ))
rest "$KB" scrobble "id=$TRACK" "time=$T2"
check "their scrobble is kept without them (as the web player's events)" \
    all sub_ok \; test "$(sql "SELECT COUNT(*) FROM play_events WHERE user_id = $UB")" = 0 \
    \; test "$(sql "SELECT COUNT(*) FROM play_events WHERE user_id IS NULL AND client = 'subsonic'
                     AND track_id = $TRACK AND created_at = FROM_UNIXTIME($T2 / 1000)")" = 1
sql "UPDATE users SET history_paused = 0 WHERE id = $UB"

# ---------------------------------------------------------------- discovery
rest "$KA" getSimilarSongs2
check "getSimilarSongs2 without id: error 10" sub_error 10
rest "$KA" getSimilarSongs2 id=4000000000
check "getSimilarSongs2 of an unknown artist: error 70" sub_error 70
rest "$KA" getSimilarSongs2 "id=$ARTIST" f=json
check "getSimilarSongs2 without a model (JSON): a song array" json "Array.isArray(r.similarSongs2.song)"
rest "$KA" getArtistInfo2 id=4000000000
check "getArtistInfo2 of an unknown artist: error 70" sub_error 70
rest "$KA" getArtistInfo id=ar-4000000000
check "getArtistInfo of an unknown artist: error 70" sub_error 70
rest "$KA" getAlbumInfo2 id=4000000000
check "getAlbumInfo2 of an unknown album: error 70" sub_error 70
rest "$KA" getAlbumInfo2 "id=$ALBUM"
check "getAlbumInfo2: albumInfo with the cover's URLs" all sub_ok \; body_has '<largeImageUrl>'
rest "$KA" getAlbumInfo2 "id=$ALBUM" f=json
check "getAlbumInfo2 (JSON): the image URLs are plain strings" \
    json "typeof r.albumInfo.largeImageUrl === 'string' && /\\/art\\/.*-640\\.jpg$/.test(r.albumInfo.largeImageUrl)"
rest "$KA" getAlbumInfo "id=al-$ALBUM"
check "getAlbumInfo (al-ID)" all sub_ok \; body_has '<albumInfo'
rest "$KA" getSimilarSongs id=4000000000
check "getSimilarSongs of an unknown song: error 70" sub_error 70
rest "$KA" getSimilarSongs "id=$TRACK"
check "getSimilarSongs of a song without a model" all sub_ok \; body_has '<similarSongs'

# A model: artist A's nearest neighbour is B, song S's is T (restored afterwards).
read -r ART_A ART_B < <(sql "SELECT a.id, b.id FROM artists a JOIN artists b ON b.id > a.id
    WHERE EXISTS (SELECT 1 FROM track_artists x JOIN tracks t ON t.id = x.track_id AND t.available = 1
                  WHERE x.artist_id = b.id AND x.role = 'main')
    AND EXISTS (SELECT 1 FROM track_artists y WHERE y.artist_id = a.id AND y.role = 'main')
    ORDER BY a.id, b.id DESC LIMIT 1")
SONG_T=${SONGS[3]}
OLD_MODEL=$(sql "SELECT model_id FROM rec_current WHERE one = 1")
MODEL=$(sql "INSERT INTO rec_models (algorithm, state) VALUES ('subsonic-test', 'ready'); SELECT LAST_INSERT_ID()")
sql "INSERT INTO rec_artist_neighbors VALUES ($MODEL, $ART_A, 1, $ART_B, 0.9);
     INSERT INTO rec_track_neighbors VALUES ($MODEL, $TRACK, 1, $SONG_T, 0.9);
     INSERT INTO rec_current (one, model_id) VALUES (1, $MODEL) ON DUPLICATE KEY UPDATE model_id = $MODEL"
rest "$KA" getArtistInfo2 "id=$ART_A" count=5
check "getArtistInfo2 with a model: the nearest artist first" \
    all sub_ok \; grep -q "<similarArtist id=\"$ART_B\"" "$BODY"
rest "$KA" getArtistInfo "id=ar-$ART_A" f=json
check "getArtistInfo (JSON): similarArtist is an array of ar-IDs" \
    json "Array.isArray(r.artistInfo.similarArtist) && r.artistInfo.similarArtist[0].id === 'ar-$ART_B'"
rest "$KA" getSimilarSongs2 "id=$ART_A" count=10 f=json
check "getSimilarSongs2 with a model: songs of the similar artist" \
    json "r.similarSongs2.song.length > 0 && r.similarSongs2.song.some(s => s.artistId === '$ART_B')"
rest "$KA" getSimilarSongs "id=$TRACK" count=3
check "getSimilarSongs with a model: the song's nearest neighbour first" \
    all sub_ok \; grep -q "<song id=\"$SONG_T\"" "$BODY"
if [ -n "$OLD_MODEL" ]; then
    sql "UPDATE rec_current SET model_id = $OLD_MODEL WHERE one = 1"
else
    sql "DELETE FROM rec_current WHERE one = 1"
fi
sql "DELETE FROM rec_artist_neighbors WHERE model_id = $MODEL; DELETE FROM rec_track_neighbors WHERE model_id = $MODEL;
     DELETE FROM rec_models WHERE id = $MODEL"

# Top songs: the artist's song scrobbled most comes first.
read -r TOP_ARTIST TOP_NAME < <(sql "SELECT x.artist_id, a.name FROM track_artists x JOIN artists a ON a.id = x.artist_id
    JOIN tracks t ON t.id = x.track_id AND t.available = 1 WHERE x.role = 'main'
    AND (SELECT COUNT(*) FROM artists a2 WHERE a2.name = a.name) = 1
    GROUP BY x.artist_id HAVING COUNT(*) >= 3 ORDER BY x.artist_id LIMIT 1" | tr '\t' ' ')
HIT=$(sql "SELECT MAX(x.track_id) FROM track_artists x JOIN tracks t ON t.id = x.track_id AND t.available = 1
    WHERE x.artist_id = $TOP_ARTIST AND x.role = 'main'")
# Other suites may have played this artist: one play more than its most played song.
PLAYS=$(sql "SELECT COALESCE(MAX(c), 0) FROM (SELECT COUNT(DISTINCT pe.play_id) c FROM play_events pe
    JOIN track_artists x ON x.track_id = pe.track_id AND x.artist_id = $TOP_ARTIST AND x.role = 'main'
    WHERE pe.event IN ('30s', 'complete') GROUP BY pe.track_id) p")
for ((n = 0; n <= PLAYS && n < 50; n++)); do
    rest "$KB" scrobble "id=$HIT" "time=$(( ($(date +%s) - 7200 - n * 600) * 1000 ))"
done
rest "$KA" getTopSongs "artist=$TOP_NAME" count=2 f=json
check "getTopSongs (JSON): the most played song of the artist first" \
    json "r.topSongs.song.length === 2 && r.topSongs.song[0].id === '$HIT'"
rest "$KA" getTopSongs "id=$TOP_ARTIST" count=1
check "getTopSongs by artist id (OpenSubsonic)" all sub_ok \; body_has "<song id=\"$HIT\""
rest "$KA" getTopSongs
check "getTopSongs without artist: error 10" sub_error 10
rest "$KA" getTopSongs "artist=No Such Artist $RUN"
check "getTopSongs of an unknown artist: an empty list" all sub_ok \; body_lacks '<song '

# Random songs and songs by genre.
read -r GENRE < <(sql "SELECT g.name FROM tracks t JOIN albums al ON al.id = t.album_id
    JOIN genres g ON g.id = COALESCE(t.genre_id, al.genre_id) WHERE t.available = 1
    GROUP BY g.id HAVING COUNT(*) >= 6 ORDER BY COUNT(*) DESC, g.id LIMIT 1")
rest "$KA" getRandomSongs size=5 f=json
check "getRandomSongs size=5 (JSON): 5 different songs" \
    json "r.randomSongs.song.length === 5 && new Set(r.randomSongs.song.map(s => s.id)).size === 5"
rest "$KA" getRandomSongs size=4
check "getRandomSongs (XML)" all sub_ok \; test "$(grep -o '<song ' "$BODY" | wc -l)" = 4
rest "$KA" getRandomSongs size=5 "genre=$GENRE" f=json
check "getRandomSongs genre=$GENRE: only that genre" \
    json "r.randomSongs.song.length > 0 && r.randomSongs.song.every(s => s.genre === '$GENRE')"
rest "$KA" getRandomSongs size=20 fromYear=1980 toYear=1999 f=json
check "getRandomSongs fromYear/toYear: only those years" \
    json "r.randomSongs.song.length > 0 && r.randomSongs.song.every(s => s.year >= 1980 && s.year <= 1999)"
rest "$KA" getRandomSongs musicFolderId=2
check "getRandomSongs of another music folder: none" all sub_ok \; body_lacks '<song '
rest "$KA" getSongsByGenre "genre=$GENRE" count=3 offset=0 f=json
cp "$BODY" "$T_TMP/genre-page1"
check "getSongsByGenre count=3 (JSON): three songs of the genre" \
    json "r.songsByGenre.song.length === 3 && r.songsByGenre.song.every(s => s.genre === '$GENRE')"
rest "$KA" getSongsByGenre "genre=$GENRE" count=3 offset=3 f=json
disjoint() {
    node -e '
        const fs = require("fs"), ids = f => JSON.parse(fs.readFileSync(f, "utf8"))["subsonic-response"].songsByGenre.song.map(s => s.id);
        const a = ids(process.argv[1]), b = ids(process.argv[2]);
        if (b.length === 0 || b.some(x => a.includes(x))) { console.log(a + " / " + b); process.exit(1); }
    ' "$T_TMP/genre-page1" "$BODY"
}
check "getSongsByGenre offset=3: the next page, no repeats" disjoint
rest "$KA" getSongsByGenre
check "getSongsByGenre without genre: error 10" sub_error 10

# ---------------------------------------------------------------- lyrics
rest "$KA" getLyricsBySongId "id=$TRACK" f=json
check "getLyricsBySongId (JSON): an empty structuredLyrics array" \
    json "Array.isArray(r.lyricsList.structuredLyrics) && r.lyricsList.structuredLyrics.length === 0"
fetch "$BASE/rest/getLyricsBySongId.view" -G --data-urlencode "apiKey=$KA" --data-urlencode c=t \
    --data-urlencode v=1.16.1 --data-urlencode id=4000000000
check "getLyricsBySongId of an unknown song: error 70" \
    all grep -q 'status="failed"' "$BODY" \; grep -q '<error code="70"' "$BODY"
rest "$KA" getLyrics artist=Nobody title=Nothing
check "getLyrics: an empty lyrics element" all sub_ok \; body_has '<lyrics'

# ---------------------------------------------------------------- more bad inputs
for m in getPlaylist getArtistInfo getArtistInfo2 getAlbumInfo getAlbumInfo2 getSimilarSongs unstar; do
    rest "$KA" "$m"
    check "$m without its id: error 10" sub_error 10
done
rest "$KA" getPlaylists "username=$BOB"
check "getPlaylists of another user (not an admin): error 50" sub_error 50
rest "$KA" scrobble "id=$TRACK" time=yesterday
check "scrobble with a malformed time: an error" sub_error 0
rest "$KA" unstar albumId=4000000000
check "unstar an unknown album: error 70" sub_error 70
rest "$KA" savePlayQueue "id=$TRACK" current=4000000001
check "savePlayQueue whose current is not in the queue: an error" sub_error 0

# ---------------------------------------------------------------- every XML answer
check "every XML answer of this run ($NXML) was valid against the XSD" test ! -s "$INVALID"
[ -s "$INVALID" ] && sed 's/^/#   /' "$INVALID" | head -n 20

sql "DELETE FROM subscriptions WHERE provider = 'test' AND provider_subscription_id = 'sub_sm$RUN'"
finish

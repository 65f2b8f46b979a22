#!/bin/bash
# tests/integration/library.sh [LABEL] BASE_URL — "Your library" through HTTP: likes and
# follows (idempotent, unknown ids, malformed input, no session, no CSRF token), the JSON
# state cached pages ask for, Liked Songs in order and paged, the other library pages, the
# listening history from play events with pause, resume and clear, and that one user never
# sees another's library.
# Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf) and LYRE_TEST_BUILD (tools/lyre-admin).
set -u
if [ $# -ge 2 ]; then LABEL=$1; BASE=$2; else LABEL=${LABEL:-library}; BASE=${1:-http://127.0.0.1:8081}; fi
. "$(dirname "$0")/lib.sh"

INST=${LYRE_TEST_INSTANCE:?}
CONF="$INST/lyre.conf"
ADMIN="${LYRE_TEST_BUILD:?}/tools/lyre-admin"
HEX64='[0-9a-f]\{64\}'
PASS="violet kettle 42 drums"
RUN=$(date +%s | tail -c 6)$$

sql() {
    mariadb --defaults-file="$INST/my.cnf" --user=root --default-character-set=utf8mb4 -N -B lyre -e "$1"
}
PAGE_SIZE=$(sed -n 's/^ *page_size = \([0-9]*\);.*/\1/p' "$CONF" | head -n 1)
PAGE_SIZE=${PAGE_SIZE:-50}

# Sign-ins from an address of this run alone (the per-address throttle of lib/throttle.h).
SRC="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
jar() { echo "$T_TMP/jar-$1"; }
cookie() { awk -v n="$2" '$6 == n { v = $7 } END { print v }' "$1" 2>/dev/null; }
get() { fetch "$BASE$2" --interface "$SRC" -b "$1" -c "$1" "${@:3}"; }
# post JAR PATH CSRF [NAME=VALUE...] (CSRF "-" sends none); extra curl args after "--".
post() {
    local j=$1 path=$2 token=$3 args=() extra=() kv
    shift 3
    [ "$token" = - ] || args+=(--data-urlencode "csrf=$token")
    while [ $# -gt 0 ]; do
        if [ "$1" = -- ]; then shift; extra=("$@"); break; fi
        args+=(--data-urlencode "$1")
        shift
    done
    [ ${#args[@]} -gt 0 ] || args+=(-d "")
    fetch "$BASE$path" --interface "$SRC" -b "$j" -c "$j" "${args[@]}" "${extra[@]}"
}
location() { header_value Location; }
location_is() {
    [[ $(location) =~ $1 ]] && return 0
    echo "Location is '$(location)', wanted /$1/"
    return 1
}

# make_user NAME: an account made with lyre-admin, signed in in jar NAME; prints nothing.
make_user() {
    local j t
    j=$(jar "$1")
    printf '%s\n' "$PASS" | "$ADMIN" -c "$CONF" user add "$1" "$1@example.test" --password-stdin --verified \
        >/dev/null 2>"$T_TMP/admin-err" || { cat "$T_TMP/admin-err" >&2; return 1; }
    get "$j" /login
    t=$(cookie "$j" lyre_csrf)
    post "$j" /login "$t" "login=$1" "password=$PASS"
    [ "$STATUS" = 303 ]
}
# The signed-in token (data-csrf of the account area).
csrf_of() {
    get "$1" /library
    grep -o "data-csrf=\"$HEX64\"" "$BODY" | head -n 1 | grep -o "$HEX64"
}

ALICE="lib$RUN"a
BOB="lib$RUN"b
A=$(jar "$ALICE")
B=$(jar "$BOB")
check "users made with lyre-admin sign in" make_user "$ALICE"
make_user "$BOB" || fail "second user signs in"
CA=$(csrf_of "$A")
CB=$(csrf_of "$B")
check "the library page carries the session's CSRF token" test -n "$CA" -a -n "$CB"
UA=$(sql "SELECT id FROM users WHERE username = '$ALICE'")
UB=$(sql "SELECT id FROM users WHERE username = '$BOB'")

mapfile -t TRACKS < <(sql "SELECT id FROM tracks ORDER BY id LIMIT $((PAGE_SIZE + 3))")
mapfile -t ALBUMS < <(sql "SELECT id FROM albums ORDER BY id LIMIT 3")
mapfile -t ARTISTS < <(sql "SELECT id FROM artists ORDER BY id LIMIT 3")
if [ "${#TRACKS[@]}" -lt $((PAGE_SIZE + 3)) ] || [ "${#ALBUMS[@]}" -lt 2 ] || [ "${#ARTISTS[@]}" -lt 2 ]; then
    fail "the catalog has enough tracks ($((PAGE_SIZE + 3))), albums and artists"
    finish
    exit 1
fi
NOPE=$(sql "SELECT MAX(id) + 1000 FROM tracks")
BT=${TRACKS[$((PAGE_SIZE + 2))]}   # liked by Bob only
JSON=(-- -H "Accept: application/json")
likes() { sql "SELECT COUNT(*) FROM $1 WHERE user_id = $2"; }

# ---------------------------------------------------------------- anonymous
fetch "$BASE/library"
check "GET /library anonymous: 303 to /login?next=/library" all status_in 303 \; location_is '^/login\?next=%2Flibrary$'
fetch "$BASE/library/songs"
check "GET /library/songs anonymous: 303 to sign in" all status_in 303 \; location_is '^/login'
X=$(jar anon)
get "$X" /login
post "$X" /library/like "$(cookie "$X" lyre_csrf)" kind=track "id=${TRACKS[0]}" on=1
check "POST /library/like anonymous: 401 (or a redirect to sign in)" status_in 401 303
fetch "$BASE/library/state?tracks=${TRACKS[0]}&albums=${ALBUMS[0]}"
check "GET /library/state anonymous: empty lists, private" \
    all status_in 200 \; body_has '{"tracks":[],"albums":[],"artists":[]}' \; header_is Cache-Control 'private.*no-store|no-store.*private'

# ---------------------------------------------------------------- like / unlike
post "$A" /library/like - kind=track "id=${TRACKS[0]}" on=1 "${JSON[@]}"
check "like without a CSRF token: 403, nothing stored" all status_in 403 \; test "$(likes track_likes "$UA")" = 0
post "$A" /library/like "$CB" kind=track "id=${TRACKS[0]}" on=1 "${JSON[@]}"
check "like with another session's token: 403" status_in 403

for kind in track album artist; do
    case $kind in
    track) id=${TRACKS[0]}; table=track_likes ;;
    album) id=${ALBUMS[0]}; table=album_likes ;;
    artist) id=${ARTISTS[0]}; table=artist_follows ;;
    esac
    post "$A" /library/like "$CA" kind=$kind "id=$id" on=1 "${JSON[@]}"
    check "like $kind $id (fetch): 204, stored" all status_in 204 \; test "$(likes $table "$UA")" = 1
    post "$A" /library/like "$CA" kind=$kind "id=$id" on=1 -- -H "HX-Request: true"
    check "like $kind $id again (htmx): 204, still one row" all status_in 204 \; test "$(likes $table "$UA")" = 1
    post "$A" /library/like "$CA" kind=$kind "id=$id" on=0 "${JSON[@]}"
    check "unlike $kind $id: 204, gone" all status_in 204 \; test "$(likes $table "$UA")" = 0
    post "$A" /library/like "$CA" kind=$kind "id=$id" on=0 "${JSON[@]}"
    check "unlike $kind $id again: 204" all status_in 204 \; test "$(likes $table "$UA")" = 0
    post "$A" /library/like "$CA" kind=$kind "id=$((NOPE + RANDOM))" on=1 "${JSON[@]}"
    check "like an unknown $kind: 404" status_in 404
done

post "$A" /library/like "$CA" kind=album "id=${ALBUMS[1]}" on=1 -- -H "Referer: $BASE/album/${ALBUMS[1]}?x=1"
check "a form like: 303 back to the page it came from" all status_in 303 \; location_is "^(${BASE})?/album/${ALBUMS[1]}\\?x=1$"
post "$A" /library/like "$CA" kind=artist "id=${ARTISTS[1]}" on=1 -- -H "Referer: http://evil.example/x"
check "a form like from a foreign Referer: 303 to the library instead" all status_in 303 \; location_is '^(http://[^/]+)?/library/artists$'
post "$A" /library/like "$CA" kind=artist "id=${ARTISTS[1]}" on=1 -- -H "Referer: $BASE//evil.example/x"
check "a Referer path starting with // is not followed" all status_in 303 \; location_is '^(http://[^/]+)?/library/artists$'

for bad in "kind=song&id=${TRACKS[0]}&on=1" "kind=track&id=abc&on=1" "kind=track&id=0&on=1" \
           "kind=track&id=-4&on=1" "kind=track&id=${TRACKS[0]}&on=2" "kind=track&on=1" \
           "kind=track&id=99999999999&on=1"; do
    fetch "$BASE/library/like" --interface "$SRC" -b "$A" -H "Accept: application/json" --data "csrf=$CA&$bad"
    check "malformed like ($bad): 400" status_in 400
done

# ---------------------------------------------------------------- state
post "$A" /library/like "$CA" kind=track "id=${TRACKS[1]}" on=1 "${JSON[@]}"
post "$A" /library/like "$CA" kind=track "id=${TRACKS[2]}" on=1 "${JSON[@]}"
post "$B" /library/like "$CB" kind=track "id=$BT" on=1 "${JSON[@]}"
get "$A" "/library/state?tracks=${TRACKS[0]},${TRACKS[1]},${TRACKS[2]},$BT&albums=${ALBUMS[0]},${ALBUMS[1]}&artists=${ARTISTS[1]}"
check "GET /library/state: the liked ids of this user only, JSON, private" \
    all status_in 200 \; header_is Content-Type '^application/json' \; header_is Cache-Control 'private.*no-store|no-store.*private' \
    \; body_has "{\"tracks\":[${TRACKS[1]},${TRACKS[2]}],\"albums\":[${ALBUMS[1]}],\"artists\":[${ARTISTS[1]}]}"
if command -v python3 >/dev/null; then
    check "GET /library/state parses as JSON with three lists" \
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert sorted(d)==["albums","artists","tracks"] and all(isinstance(v,list) for v in d.values())' "$BODY"
fi
get "$A" "/library/state"
check "GET /library/state without lists: three empty lists" all status_in 200 \; body_has '{"tracks":[],"albums":[],"artists":[]}'
for bad in "tracks=1,,2" "tracks=a" "tracks=1," "albums=0" "artists=-1" "tracks=4294967296" "tracks=1%202"; do
    get "$A" "/library/state?$bad"
    check "GET /library/state?$bad: 400" status_in 400
done
many=$(seq -s, 1 501)
get "$A" "/library/state?tracks=$many"
check "GET /library/state with 501 ids: 400" status_in 400
get "$A" "/library/state?tracks=$(seq -s, 1 500)"
check "GET /library/state with 500 ids: 200" status_in 200

# ---------------------------------------------------------------- Liked Songs
# Likes with distinct times, newest last: the page lists them newest first.
post "$A" /library/like "$CA" kind=track "id=${TRACKS[1]}" on=0 "${JSON[@]}"
post "$A" /library/like "$CA" kind=track "id=${TRACKS[2]}" on=0 "${JSON[@]}"
N=$((PAGE_SIZE + 2))
for ((i = 0; i < N; i++)); do
    post "$A" /library/like "$CA" kind=track "id=${TRACKS[$i]}" on=1 "${JSON[@]}"
done
check "$N likes stored" test "$(likes track_likes "$UA")" = "$N"
# Order by time is what the page shows: make the times distinct and known.
cases=""; for ((i = 0; i < N; i++)); do cases+=" WHEN ${TRACKS[$i]} THEN $i"; done
sql "UPDATE track_likes SET created_at = TIMESTAMPADD(SECOND, CASE track_id $cases END, '2026-01-01')
     WHERE user_id = $UA"
row_ids() { grep -o 'data-track-id="[0-9]*"' "$BODY" | grep -o '[0-9]*' | tr '\n' ' '; }
expect1=""; for ((i = N - 1; i >= N - PAGE_SIZE; i--)); do expect1+="${TRACKS[$i]} "; done
expect2=""; for ((i = N - PAGE_SIZE - 1; i >= 0; i--)); do expect2+="${TRACKS[$i]} "; done
get "$A" /library/songs
check "Liked Songs page 1: newest like first, $PAGE_SIZE rows, a next link" \
    all status_in 200 \; test "$(row_ids)" = "$expect1" \; body_has 'href="/library/songs?page=2"'
check "Liked Songs rows are player rows (play button, menu) with a pressed heart" \
    all body_has 'data-player="play-row"' \; body_has 'data-player="menu"' \; body_has 'aria-pressed="true"' \; body_has 'data-tracklist="liked"'
check "Liked Songs: another user's like is not there" body_lacks "data-track-id=\"$BT\""
get "$A" "/library/songs?page=2"
check "Liked Songs page 2: the oldest likes" all status_in 200 \; test "$(row_ids)" = "$expect2"
get "$A" "/library/songs?page=3"
check "Liked Songs past the last page: 404" status_in 404
get "$A" "/library/songs?page=x"
check "Liked Songs ?page=x: 400" status_in 400
get "$B" /library/songs
check "Bob's Liked Songs: only his own like" all status_in 200 \; test "$(row_ids)" = "$BT "

# ---------------------------------------------------------------- other pages
get "$A" /library/albums
check "/library/albums: the saved album" all status_in 200 \; body_has "href=\"/album/${ALBUMS[1]}\"" \; body_lacks "href=\"/album/${ALBUMS[0]}\""
get "$A" /library/artists
check "/library/artists: the followed artist" all status_in 200 \; body_has "href=\"/artist/${ARTISTS[1]}\"" \; body_lacks "href=\"/artist/${ARTISTS[0]}\""
get "$B" /library/albums
check "Bob's /library/albums: empty" all status_in 200 \; body_lacks "href=\"/album/${ALBUMS[1]}\"" \; body_has 'class="empty"'
PNAME="Mix $RUN <&>"
sql "INSERT INTO playlists (owner_id, name, share_token, track_count) VALUES ($UA, 'Mix $RUN <&>', MD5('a$RUN'), 2),
     ($UB, 'Bob private $RUN', MD5('b$RUN'), 0), ($UB, 'Bob public $RUN', MD5('c$RUN'), 0)"
PB_PUBLIC=$(sql "SELECT id FROM playlists WHERE name = 'Bob public $RUN'")
sql "UPDATE playlists SET is_public = 1 WHERE id = $PB_PUBLIC; INSERT INTO playlist_follows (user_id, playlist_id) VALUES ($UA, $PB_PUBLIC)"
get "$A" /library/playlists
check "/library/playlists: own (escaped) and followed, not Bob's private one, a New playlist form" \
    all status_in 200 \; body_has "Mix $RUN &lt;&amp;&gt;" \; body_has "Bob public $RUN" \; body_lacks "Bob private $RUN" \
    \; body_has 'action="/playlists"' \; body_has 'name="name"'
get "$A" /library
check "/library overview: counts and links" \
    all status_in 200 \; body_has "$N songs" \; body_has 'href="/library/songs"' \; body_has 'href="/library/history"' \
    \; body_has 'href="/stats"' \; body_has '2 playlists'

# ---------------------------------------------------------------- history
# post_event JAR CSRF PLAY TRACK EVENT: what the player sends.
post_event() {
    fetch "$BASE/stream/events" --interface "$SRC" -b "$1" -H "Origin: $BASE" \
        --data "csrf=$2&play_id=$3&track_id=$4&event=$5&position_ms=${6:-0}"
}
PFX=$(printf "%08x" $((10#$RUN % 4294967296)))
play_id() { printf '%s%024x' "$PFX" "$1"; }
T1=${TRACKS[5]}; T2=${TRACKS[6]}; T3=${TRACKS[7]}
post_event "$A" "$CA" "$(play_id 1)" "$T1" start 0
check "a play event of a signed-in user: 204" status_in 204
post_event "$A" "$CA" "$(play_id 1)" "$T1" 30s 30000
post_event "$A" "$CA" "$(play_id 1)" "$T1" complete 200000
sleep 0.05
post_event "$A" "$CA" "$(play_id 2)" "$T2" start 0
post_event "$A" "$CA" "$(play_id 2)" "$T2" skip 12000
sleep 0.05
post_event "$A" "$CA" "$(play_id 3)" "$T1" start 0
check "plays stored with the user" test "$(sql "SELECT COUNT(*) FROM play_events WHERE user_id = $UA")" = 6
get "$A" /library/history
check "/library/history: one row per play, newest first" \
    all status_in 200 \; test "$(row_ids)" = "$T1 $T2 $T1 " \; body_has 'Played to the end' \; body_has 'Skipped at' \; body_has 'Started'
get "$A" /library
check "/library recently played: distinct tracks, newest first" \
    all status_in 200 \; test "$(row_ids)" = "$T1 $T2 "
get "$B" /library/history
check "Bob's history: none of Alice's plays" all status_in 200 \; test "$(row_ids)" = ""

post "$A" /library/history/pause "$CA"
check "pause: 303 back to the history, users.history_paused = 1" \
    all status_in 303 \; location_is '/library/history' \; test "$(sql "SELECT history_paused FROM users WHERE id = $UA")" = 1
get "$A" /library/history
check "a paused history says so and offers Resume" all body_has 'is paused' \; body_has 'action="/library/history/resume"'
post_event "$A" "$CA" "$(play_id 4)" "$T3" start 0
check "an event while paused: 204, stored without the user" \
    all status_in 204 \; test "$(sql "SELECT COUNT(*) FROM play_events WHERE play_id = '$(play_id 4)' AND user_id IS NULL")" = 1
get "$A" /library/history
check "the paused play is not in the history" all status_in 200 \; test "$(row_ids)" = "$T1 $T2 $T1 "
post "$A" /library/history/resume "$CA"
check "resume: users.history_paused = 0" all status_in 303 \; test "$(sql "SELECT history_paused FROM users WHERE id = $UA")" = 0
post_event "$A" "$CA" "$(play_id 5)" "$T3" start 0
get "$A" /library/history
check "after resume, new plays are in the history again" test "$(row_ids)" = "$T3 $T1 $T2 $T1 "
post "$A" /library/history/pause -
check "pause without a CSRF token: 403" status_in 403

post "$A" /library/history/clear "$CA"
check "clear without confirm=yes: 422, nothing cleared" \
    all status_in 422 \; test "$(sql "SELECT COUNT(*) FROM play_events WHERE user_id = $UA")" = 7
post "$A" /library/history/clear - confirm=yes
check "clear without a CSRF token: 403" all status_in 403 \; test "$(sql "SELECT COUNT(*) FROM play_events WHERE user_id = $UA")" = 7
post "$A" /library/history/clear "$CA" confirm=yes
check "clear: 303, the user's events kept without the user" \
    all status_in 303 \; test "$(sql "SELECT COUNT(*) FROM play_events WHERE user_id = $UA")" = 0 \
    \; test "$(sql "SELECT COUNT(*) FROM play_events WHERE play_id LIKE '$PFX%' AND user_id IS NULL")" = 8
loc=$(location); get "$A" "${loc#"$BASE"}"
check "the history is empty after clear" all status_in 200 \; test "$(row_ids)" = "" \; body_has 'was cleared'
get "$A" /library/history/clear
check "GET /library/history/clear: not a page (404/405)" status_in 404 405

# ---------------------------------------------------------------- export
get "$A" /account/export
check "the account export lists the likes with names" \
    all status_in 200 \; body_has '"kind": "album"' \; body_has '"kind": "artist"' \; body_has "\"id\": ${TRACKS[0]}"

sql "DELETE FROM playlists WHERE name LIKE '%$RUN%'" || true
finish

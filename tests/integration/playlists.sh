#!/bin/bash
# tests/integration/playlists.sh [LABEL] BASE_URL — playlists through HTTP (lyre-playlists):
# create, details, add (songs, an album, at a place), remove, move, collaborators, follows,
# share links and delete, each with its bad inputs (someone else's private playlist 404,
# edits without rights 403, a stale version 409, bad ids 400, no CSRF token 403, the
# 10,001st song refused); edits by collaborators logged with who made them; and a race:
# two collaborators add and move at once, many times, retrying on 409 with the version the
# answer names, after which SQL must show no duplicate position, positions 0..n-1, the
# count equal to the rows and every add that succeeded present.  Uploaded covers (JPEG, PNG,
# WebP stored with thumbnails and served under /art/; GIF, text, truncated, too many pixels,
# over 4 MB refused; owner only: 403 / 404 for others), removing a cover, and the pages the
# workers keep (each session gets its own CSRF token back, a new version makes a new page).
# Needs python3 (to make test PNGs).
# Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf) and LYRE_TEST_BUILD (tools/lyre-admin).
set -u
if [ $# -ge 2 ]; then LABEL=$1; BASE=$2; else LABEL=${LABEL:-playlists}; BASE=${1:-http://127.0.0.1:8081}; fi
. "$(dirname "$0")/lib.sh"

CONF="$LYRE_TEST_INSTANCE/lyre.conf"
ADMIN="$LYRE_TEST_BUILD/tools/lyre-admin"
RUN=$(date +%s | tail -c 5)$$
PASS="plum orchard 7 rivers"
HEX64='[0-9a-f]\{64\}'
ROUNDS=${PLAYLIST_RACE_ROUNDS:-40}

sql() {
    mariadb --defaults-file="$LYRE_TEST_INSTANCE/my.cnf" --user=root --default-character-set=utf8mb4 \
        -N -B lyre -e "$1"
}
# Sign-ins come from an address of this run's own (per-address throttles).
SRC="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
jar() { echo "$T_TMP/jar-$1"; }

make_user() {   # make_user NAME
    printf '%s\n' "$PASS" | "$ADMIN" -c "$CONF" user add "$1" "$1@example.org" --password-stdin --verified >/dev/null
}
sign_in() {     # sign_in JAR NAME: prints the session's CSRF token
    local t
    rm -f "$1"
    fetch "$BASE/login" --interface "$SRC" -c "$1" -b "$1"
    t=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$BODY" | head -n 1 | sed 's/.*value="//; s/"$//')
    fetch "$BASE/login" --interface "$SRC" -b "$1" -c "$1" --data-urlencode "csrf=$t" \
        --data-urlencode "login=$2" --data-urlencode "password=$PASS"
    fetch "$BASE/" -b "$1"
    grep -o "data-csrf=\"$HEX64\"" "$BODY" | head -n 1 | grep -o "$HEX64"
}

# get JAR PATH / post JAR PATH CSRF [NAME=VALUE...] (form) / api JAR PATH CSRF [NAME=VALUE...]
# (Accept: application/json).  JAR "-" is anonymous, CSRF "-" sends none.
get() { if [ "$1" = - ]; then fetch "$BASE$2"; else fetch "$BASE$2" -b "$1"; fi; }
_post() {
    local j=$1 path=$2 token=$3 args=() kv
    shift 3
    [ "$token" = - ] || args+=(--data-urlencode "csrf=$token")
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    [ ${#args[@]} -gt 0 ] || args+=(-d "")
    [ "$j" = - ] || args+=(-b "$j")
    fetch "$BASE$path" "${args[@]}" ${ACCEPT:+-H "Accept: $ACCEPT"}
}
post() { ACCEPT="" _post "$@"; }
api() { ACCEPT="application/json" _post "$@"; }
jnum() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$BODY" | head -n 1; }
location() { header_value Location; }
location_is() { [[ $(location) =~ $1 ]] && return 0; echo "Location is '$(location)', wanted /$1/"; return 1; }
sql_is() { local v; v=$(sql "$1"); [ "$v" = "$2" ] && return 0; echo "SQL gave '$v', wanted '$2'"; return 1; }
# save_page NAME: keep the page in $BODY for the HTML validator (tests/browser/validate.mjs).
save_page() {
    [ -n "${LYRE_TEST_HTML:-}" ] || return 0
    mkdir -p "$LYRE_TEST_HTML"
    cp "$BODY" "$LYRE_TEST_HTML/$LABEL-$1.html"
}
version_of() { sql "SELECT version FROM playlists WHERE id = $1"; }
# Positions of playlist ID are 0..n-1, unique, and n is its track_count.
dense() {
    local r
    r=$(sql "SELECT COUNT(*), COUNT(DISTINCT position), COALESCE(MIN(position), 0), COALESCE(MAX(position), -1),
             (SELECT track_count FROM playlists WHERE id = $1) FROM playlist_items WHERE playlist_id = $1")
    set -- $r
    [ "$1" = "$2" ] && [ "$3" = 0 ] && [ "$4" = $(($1 - 1)) ] && [ "$5" = "$1" ] && return 0
    echo "rows $1, distinct positions $2, min $3, max $4, track_count $5"
    return 1
}
order_is() { sql_is "SELECT GROUP_CONCAT(track_id ORDER BY position) FROM playlist_items WHERE playlist_id = $1" "$2"; }

# ---------------------------------------------------------------- set-up
OWNER="plo$RUN"; COLLAB="plc$RUN"; OTHER="plx$RUN"
for u in "$OWNER" "$COLLAB" "$OTHER"; do make_user "$u" || { fail "lyre-admin user add $u"; finish; exit 1; }; done
JA=$(jar a); JB=$(jar b); JC=$(jar c)
CA=$(sign_in "$JA" "$OWNER"); CB=$(sign_in "$JB" "$COLLAB"); CC=$(sign_in "$JC" "$OTHER")
check "three listeners signed in" test -n "$CA" -a -n "$CB" -a -n "$CC"
read -r -a T <<<"$(sql "SELECT GROUP_CONCAT(id ORDER BY id SEPARATOR ' ') FROM (SELECT id FROM tracks ORDER BY id LIMIT 120) x")"
ALBUM=$(sql "SELECT album_id FROM tracks GROUP BY album_id HAVING COUNT(*) BETWEEN 2 AND 30 ORDER BY album_id LIMIT 1")
ALBUM_N=$(sql "SELECT COUNT(*) FROM tracks WHERE album_id = $ALBUM")
ALBUM_FIRST=$(sql "SELECT id FROM tracks WHERE album_id = $ALBUM ORDER BY disc_no, track_no IS NULL, track_no, id LIMIT 1")
T1_TITLE=$(sql "SELECT title FROM tracks WHERE id = ${T[0]}")

# ---------------------------------------------------------------- create
post "$JA" /playlists - "name=No token"
check "create without a CSRF token: 403" status_in 403
post - /playlists "$CA" "name=Anonymous"
check "create signed out: 401 or 403" status_in 401 403
post "$JA" /playlists "$CA" "name=   "
check "create with an empty name: 400" all status_in 400 \; body_has "name"
post "$JA" /playlists "$CA" "name=$(printf 'x%.0s' $(seq 101))"
check "create with a 101-character name: 400" all status_in 400 \; body_has "at most 100"
post "$JA" /playlists "$CA" "name=Fine" "description=$(printf 'd%.0s' $(seq 301))"
check "create with a 301-character description: 400" status_in 400
post "$JA" /playlists "$CA" "name=Road trip <$RUN>" "description=Songs & more"
check "create: 303 to the new playlist" all status_in 303 \; location_is '^/playlist/[0-9]+$'
P=$(location | grep -o '[0-9]*$')
check "a new playlist is private, version 1, with a 32-hex share token" \
    sql_is "SELECT is_public, version, share_token REGEXP '^[0-9a-f]{32}\$' FROM playlists WHERE id = ${P:-0}" "0	1	1"
api "$JA" /playlists "$CA" "name=Made by fetch é"
check "create with Accept: application/json: {id}" all status_in 200 \; body_has '"id":'
P2=$(jnum id)
post "$JA" "/playlist/$P2/delete" "$CA"

# ---------------------------------------------------------------- who sees it
get "$JA" "/playlist/$P"
check "the owner opens the playlist" all status_in 200 \; body_has "Road trip &lt;$RUN&gt;" \; body_has "Share link"
get - "/playlist/$P"
check "a private playlist signed out: 404" status_in 404
get "$JC" "/playlist/$P"
check "someone else's private playlist: 404" status_in 404
get "$JA" "/playlist/abc"
check "a playlist id that is not a number: 400" status_in 400
get "$JA" "/playlist/0"
check "playlist id 0: 400" status_in 400
get "$JA" "/playlist/4294967290"
check "a playlist that does not exist: 404" status_in 404

# ---------------------------------------------------------------- add
api "$JA" "/playlist/$P/items" "$CA" "track_id=${T[0]}"
check "add without a version: 400" status_in 400
api "$JA" "/playlist/$P/items" "$CA" "version=1" "track_id=${T[0]}" "track_id=${T[1]}" "track_id=${T[2]}"
check "add three songs: {version 2, count 3}" all status_in 200 \; body_has '"version":2' \; body_has '"count":3'
api "$JA" "/playlist/$P/items" "$CA" "version=1" "track_id=${T[3]}"
check "add on a stale version: 409 with the current version" all status_in 409 \; body_has '"version":2' \; body_has "changed while you were editing"
post "$JA" "/playlist/$P/items" "$CA" "version=1" "track_id=${T[3]}"
check "add on a stale version from a form: a 409 page asking to reload" all status_in 409 \; body_has "changed while you were editing it" \; body_has "reload"
api "$JA" "/playlist/$P/items" - "version=2" "track_id=${T[3]}"
check "add without a CSRF token: 403" status_in 403
api "$JA" "/playlist/$P/items" "$CA" "version=2" "track_id=abc"
check "add a track id that is not a number: 400" status_in 400
api "$JA" "/playlist/$P/items" "$CA" "version=2" "track_id=4294967290"
check "add a track that does not exist: 400" all status_in 400 \; body_has "no song"
api "$JA" "/playlist/$P/items" "$CA" "version=2" "album_id=x"
check "add an album id that is not a number: 400" status_in 400
api "$JA" "/playlist/$P/items" "$CA" "version=2"
check "add nothing: 400" status_in 400
api "$JA" "/playlist/abc/items" "$CA" "version=2" "track_id=${T[3]}"
check "add to a playlist id that is not a number: 400" status_in 400
api "$JA" "/playlist/$P/items" "$CA" "version=2" "track_id=${T[3]}" "at=9"
check "add at a place past the end: 400" status_in 400
api "$JA" "/playlist/$P/items" "$CA" "version=2" "track_id=${T[3]}" "at=0"
check "add at the start" all status_in 200 \; order_is "$P" "${T[3]},${T[0]},${T[1]},${T[2]}"
post "$JA" "/playlist/$P/items" "$CA" "version=3" "album_id=$ALBUM"
check "add an album from a form: 303 back to the playlist" all status_in 303 \; location_is "^/playlist/$P\$"
check "the album's songs come at the end, in album order" \
    sql_is "SELECT track_id FROM playlist_items WHERE playlist_id = $P AND position = 4" "$ALBUM_FIRST"
N=$((4 + ALBUM_N))
check "counts and duration follow the songs" sql_is "SELECT p.track_count = $N AND p.duration_ms = (SELECT SUM(t.duration_ms)
    FROM playlist_items i JOIN tracks t ON t.id = i.track_id WHERE i.playlist_id = p.id) FROM playlists p WHERE p.id = $P" 1
check "positions dense after adds" dense "$P"

# ---------------------------------------------------------------- move and remove
V=$(version_of "$P")
api "$JA" "/playlist/$P/items/move" "$CA" "version=$V" "from=0" "to=$N"
check "move to a place past the end: 400" status_in 400
api "$JA" "/playlist/$P/items/move" "$CA" "version=$V" "from=-1" "to=0"
check "move from a negative place: 400" status_in 400
api "$JA" "/playlist/$P/items/move" "$CA" "version=$((V - 1))" "from=0" "to=2"
check "move on a stale version: 409" status_in 409
api "$JA" "/playlist/$P/items/move" "$CA" "version=$V" "from=0" "to=2"
check "move the first song to third" all status_in 200 \; sql_is "SELECT GROUP_CONCAT(track_id ORDER BY position) FROM playlist_items WHERE playlist_id = $P AND position < 4" "${T[0]},${T[1]},${T[3]},${T[2]}"
post "$JA" "/playlist/$P/items/move" "$CA" "version=$((V + 1))" "from=3" "to=0"
check "move the fourth song to the top from a form (the keyboard's way): 303" all status_in 303 \; sql_is "SELECT GROUP_CONCAT(track_id ORDER BY position) FROM playlist_items WHERE playlist_id = $P AND position < 4" "${T[2]},${T[0]},${T[1]},${T[3]}"
V=$(version_of "$P")
get "$JA" "/playlist/$P"
check "the owner's page: one edit form, each row's buttons name their move" all body_has 'id="pl-rows"' \; body_has 'form="pl-rows" name="move" value="0:1"' \; body_has 'name="move" value="1:0"' \; body_has "formaction=\"/playlist/$P/items/remove\" name=\"position\" value=\"1\""
post "$JA" "/playlist/$P/items/move" "$CA" "version=$V" "move=0:1"
check "a row's button (move=FROM:TO from the page's form): 303, moved" all status_in 303 \; sql_is "SELECT GROUP_CONCAT(track_id ORDER BY position) FROM playlist_items WHERE playlist_id = $P AND position < 2" "${T[0]},${T[2]}"
api "$JA" "/playlist/$P/items/move" "$CA" "version=$((V + 1))" "move=1:0"
check "and back" all status_in 200 \; sql_is "SELECT GROUP_CONCAT(track_id ORDER BY position) FROM playlist_items WHERE playlist_id = $P AND position < 2" "${T[2]},${T[0]}"
for bad in "1" "0:$N" "a:b" "0:" ":1" "-1:0"; do
    api "$JA" "/playlist/$P/items/move" "$CA" "version=$((V + 2))" "move=$bad"
    check "move=$bad: 400" all status_in 400 \; body_has "FROM:TO"
done
check "positions dense after moves" dense "$P"
V=$(version_of "$P")
api "$JA" "/playlist/$P/items/remove" "$CA" "version=$V" "position=$N"
check "remove past the end: 400" status_in 400
api "$JA" "/playlist/$P/items/remove" "$CA" "version=$V"
check "remove without a position: 400" status_in 400
api "$JA" "/playlist/$P/items/remove" "$CA" "version=$V" "position=1"
check "remove the second song" all status_in 200 \; body_has "\"count\":$((N - 1))" \; sql_is "SELECT GROUP_CONCAT(track_id ORDER BY position) FROM playlist_items WHERE playlist_id = $P AND position < 3" "${T[2]},${T[1]},${T[3]}"
check "positions dense after a remove" dense "$P"
N=$((N - 1))

# ---------------------------------------------------------------- rights
V=$(version_of "$P")
api "$JC" "/playlist/$P/items" "$CC" "version=$V" "track_id=${T[5]}"
check "someone else adds to a private playlist: 404" status_in 404
post "$JA" "/playlist/$P/edit" "$CA" "version=$V" "name=Road trip" "description=Windows down" "public=1"
check "the owner makes it public: 303" all status_in 303 \; sql_is "SELECT is_public, name FROM playlists WHERE id = $P" "1	Road trip"
V=$(version_of "$P")
post "$JA" "/playlist/$P/edit" "$CA" "version=$V" "name="
check "rename to nothing: 400" status_in 400
post "$JA" "/playlist/$P/edit" "$CA" "version=$((V - 1))" "name=Old" "public=1"
check "details on a stale version: 409" status_in 409
get - "/playlist/$P"
check "a public playlist opens signed out, without edit controls" all status_in 200 \; body_has "$T1_TITLE" \; body_lacks "/items/move" \; body_lacks "/items/remove" \; body_lacks "/edit\""
get "$JC" "/playlist/$P"
check "someone else sees a public playlist without edit controls, with a Follow button" all status_in 200 \; body_lacks "/items/remove" \; body_has "/playlist/$P/follow"
save_page visitor
api "$JC" "/playlist/$P/items" "$CC" "version=$V" "track_id=${T[5]}"
check "someone else adds to a public playlist: 403" status_in 403
api "$JC" "/playlist/$P/items/move" "$CC" "version=$V" "from=0" "to=1"
check "someone else moves in a public playlist: 403" status_in 403
api "$JC" "/playlist/$P/items/remove" "$CC" "version=$V" "position=0"
check "someone else removes from a public playlist: 403" status_in 403
post "$JC" "/playlist/$P/edit" "$CC" "version=$V" "name=Mine now"
check "someone else renames a public playlist: 403" status_in 403
post "$JC" "/playlist/$P/delete" "$CC"
check "someone else deletes a public playlist: 403" status_in 403
post "$JC" "/playlist/$P/collaborators" "$CC" "username=$OTHER"
check "someone else invites to a public playlist: 403" status_in 403
post "$JC" "/playlist/$P/follow" "$CC"
check "follow someone's public playlist: 303" all status_in 303 \; sql_is "SELECT COUNT(*) FROM playlist_follows WHERE playlist_id = $P" 1
get "$JC" "/playlist/$P"
check "the follower sees Unfollow" body_has "/playlist/$P/unfollow"
post "$JC" "/playlist/$P/unfollow" "$CC"
check "unfollow: 303" all status_in 303 \; sql_is "SELECT COUNT(*) FROM playlist_follows WHERE playlist_id = $P" 0
post "$JA" "/playlist/$P/follow" "$CA"
check "follow your own playlist: 400" status_in 400
post "$JC" "/playlist/$P/follow" -
check "follow without a CSRF token: 403" status_in 403
post "$JC" "/playlist/abc/follow" "$CC"
check "follow a playlist id that is not a number: 400" status_in 400

# ---------------------------------------------------------------- collaborators
V=$(version_of "$P")
api "$JB" "/playlist/$P/items" "$CB" "version=$V" "track_id=${T[6]}"
check "a listener not invited adds: 403" status_in 403
post "$JA" "/playlist/$P/collaborators" "$CA" "username=nobody-$RUN"
check "invite an unknown user name: 400" status_in 400
post "$JA" "/playlist/$P/collaborators" "$CA" "username=$OWNER"
check "invite yourself: 400" status_in 400
post "$JA" "/playlist/$P/collaborators" - "username=$COLLAB"
check "invite without a CSRF token: 403" status_in 403
post "$JA" "/playlist/$P/collaborators" "$CA" "username=${COLLAB^^}"
check "invite by user name (any case): 303, collaborative" all status_in 303 \; sql_is "SELECT is_collaborative FROM playlists WHERE id = $P" 1
fetch "$BASE/playlists/mine.json" -b "$JB"
check "the collaborator's mine.json lists the playlist" all status_in 200 \; body_has "\"id\":$P,"
fetch "$BASE/playlists/mine.json" -b "$JC"
check "someone else's mine.json does not" body_lacks "\"id\":$P,"
V=$(version_of "$P")
api "$JB" "/playlist/$P/items" "$CB" "version=$V" "track_id=${T[6]}"
check "the collaborator adds a song" status_in 200
api "$JB" "/playlist/$P/items/move" "$CB" "version=$((V + 1))" "from=$N" "to=0"
check "the collaborator moves it to the top" all status_in 200 \; sql_is "SELECT track_id FROM playlist_items WHERE playlist_id = $P AND position = 0" "${T[6]}"
check "the collaborator's edits are logged under their name" \
    sql_is "SELECT GROUP_CONCAT(e.action ORDER BY e.id) FROM playlist_edits e JOIN users u ON u.id = e.user_id WHERE e.playlist_id = $P AND u.username = '$COLLAB'" "add,move"
get "$JA" "/playlist/$P"
check "the page's edit log names the collaborator" all body_has "<strong>$COLLAB</strong> added" \; body_has "<strong>$COLLAB</strong> moved"
save_page owner
get "$JB" "/playlist/$P"
check "the collaborator sees edit controls but not the share link or delete" all body_has "/items/remove" \; body_lacks "/s/" \; body_lacks "/delete\""
post "$JB" "/playlist/$P/delete" "$CB"
check "a collaborator deletes: 403" status_in 403
post "$JB" "/playlist/$P/collaborators" "$CB" "username=$OTHER"
check "a collaborator invites: 403" status_in 403
V=$(version_of "$P")
post "$JA" "/playlist/$P/edit" "$CA" "version=$V" "name=Road trip" "public=1"
check "the owner turns collaboration off" sql_is "SELECT is_collaborative FROM playlists WHERE id = $P" 0
api "$JB" "/playlist/$P/items" "$CB" "version=$((V + 1))" "track_id=${T[7]}"
check "a collaborator adds while collaboration is off: 403" status_in 403
UB=$(sql "SELECT id FROM users WHERE username = '$COLLAB'")
post "$JA" "/playlist/$P/collaborators/remove" "$CA" "user_id=$UB"
check "remove the collaborator" all status_in 303 \; sql_is "SELECT COUNT(*) FROM playlist_collaborators WHERE playlist_id = $P" 0
post "$JA" "/playlist/$P/collaborators/remove" "$CA" "user_id=$UB"
check "remove someone who is not a collaborator: 400" status_in 400

# ---------------------------------------------------------------- uploaded cover
# Small images made here: PNGs by python3 (any size its header should claim), a JPEG and a
# WebP of 8x8 pixels as base64.
png() {   # png FILE WIDTH HEIGHT SEED [CUT]: a noisy RGB PNG; CUT bytes kept only (truncated)
    python3 - "$@" <<'PY'
import random, struct, sys, zlib
path, w, h, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
random.seed(seed)
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
# Noise for small pictures; a big one is only its header's claim (zeros compress).
row = lambda: bytes(random.randrange(256) for _ in range(3 * w)) if w <= 1000 else bytes(3 * w)
raw = b"".join(b"\0" + row() for _ in range(min(h, 64)))
data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
if len(sys.argv) > 5: data = data[:int(sys.argv[5])]
open(path, "wb").write(data)
PY
}
echo '/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwB2FER8wkM4I+VSC34f/X/GiiigD//Z' \
    | base64 -d >"$T_TMP/c.jpg"
echo 'UklGRhoBAABXRUJQVlA4WAoAAAAIAAAABwAABwAAVlA4IDoAAACwAQCdASoIAAgAA4BaJaQAAvwVQE1YAM2mqQDUoHMUPqP8akJW0ww+iQJOju5WtHh8ofbXvYl1AAAARVhJRroAAABFeGlmAABJSSoACAAAAAYAEgEDAAEAAAABAAAAGgEFAAEAAABWAAAAGwEFAAEAAABeAAAAKAEDAAEAAAACAAAAEwIDAAEAAAABAAAAaYcEAAEAAABmAAAAAAAAADhjAADoAwAAOGMAAOgDAAAGAACQBwAEAAAAMDIxMAGRBwAEAAAAAQIDAACgBwAEAAAAMDEwMAGgAwABAAAA//8AAAKgBAABAAAACAAAAAOgBAABAAAACAAAAAAAAAA=' \
    | base64 -d >"$T_TMP/c.webp"
png "$T_TMP/c.png" 40 30 "$RUN"
png "$T_TMP/huge.png" 20000 20000 1
png "$T_TMP/cut.png" 40 30 2 120
printf 'GIF89a\001\000\001\000\200\000\000\000\000\000\377\377\377!\371\004\001\000\000\000\000,\000\000\000\000\001\000\001\000\000\002\002D\001\000;' >"$T_TMP/c.gif"
printf 'just some words, not a picture\n' >"$T_TMP/c.txt"
head -c $((4 * 1024 * 1024 + 1024)) /dev/urandom >"$T_TMP/big.jpg"
printf '\377\330\377' | dd of="$T_TMP/big.jpg" conv=notrunc status=none
# cover JAR CSRF FILE [ID] [ACCEPT]: POST the file as the form's "cover" field.
cover() {
    local args=(-b "$1" -F "cover=@$3")
    [ "$2" = - ] || args+=(-F "csrf=$2")
    [ -z "${5:-}" ] || args+=(-H "Accept: $5")
    fetch "$BASE/playlist/${4:-$P}/cover" "${args[@]}"
}
cover_of() { sql "SELECT COALESCE(cover_sha256, 'none') FROM playlists WHERE id = ${1:-$P}"; }
get "$JA" "/playlist/$P"
check "the owner's page offers a cover upload (multipart, JPEG/PNG/WebP)" all body_has 'enctype="multipart/form-data"' \; body_has "/playlist/$P/cover\"" \; body_has 'accept="image/jpeg,image/png,image/webp"' \; body_lacks "/cover/remove"
get "$JC" "/playlist/$P"
check "someone else's view has no cover form" body_lacks "/playlist/$P/cover\""
V=$(version_of "$P")
cover "$JA" "$CA" "$T_TMP/c.png"
SHA=$(cover_of)
check "upload a PNG cover: 303 back, stored by its SHA-256" all status_in 303 \; location_is "^/playlist/$P\$" \; test "$SHA" = "$(sha256sum "$T_TMP/c.png" | cut -c1-64)"
art_is() {   # art_is NAME TYPE: /art/aa/NAME answers 200 with that type
    fetch "$BASE/art/${1:0:2}/$1"
    status_in 200 && header_is Content-Type "^$2"
}
check "the cover and its thumbnails are in the media store, served under /art/" all art_is "$SHA.png" image/png \; art_is "$SHA-96.jpg" image/jpeg \; art_is "$SHA-300.jpg" image/jpeg \; art_is "$SHA-640.jpg" image/jpeg
check "the upload is a new version, logged" all sql_is "SELECT version FROM playlists WHERE id = $P" "$((V + 1))" \; sql_is "SELECT action, detail FROM playlist_edits WHERE playlist_id = $P ORDER BY id DESC LIMIT 1" "cover	new cover" \; sql_is "SELECT COUNT(*) FROM artwork WHERE sha256 = '$SHA'" 1
get "$JA" "/playlist/$P"
check "the page shows the uploaded cover instead of the mosaic, and offers to remove it" all body_has "/art/${SHA:0:2}/$SHA-640.jpg" \; body_lacks "pl-mosaic" \; body_has "/playlist/$P/cover/remove" \; body_has "changed the cover"
save_page cover
get - "/playlist/$P"
check "signed-out visitors of the public playlist see the new cover" all status_in 200 \; body_has "/art/${SHA:0:2}/$SHA-640.jpg"
get - "/art/${SHA:0:2}/$SHA-640.jpg"
check "the cover is served like album art: immutable, content-hashed" all status_in 200 \; header_is Content-Type "image/jpeg" \; header_is Cache-Control "immutable"
cover "$JA" "$CA" "$T_TMP/c.jpg" "$P" application/json
SHA=$(sha256sum "$T_TMP/c.jpg" | cut -c1-64)
check "upload a JPEG cover (JSON): its /art/ URL" all status_in 200 \; body_has "/art/${SHA:0:2}/$SHA-640.jpg\"" \; sql_is "SELECT cover_sha256 FROM playlists WHERE id = $P" "$SHA"
cover "$JA" "$CA" "$T_TMP/c.webp"
SHA=$(cover_of)
check "upload a WebP cover: kept as a JPEG made from it, with thumbnails" all status_in 303 \; art_is "$SHA.jpg" image/jpeg \; art_is "$SHA-300.jpg" image/jpeg
cover "$JA" "$CA" "$T_TMP/c.gif"
check "a GIF cover: 415 naming the formats" all status_in 415 \; body_has "JPEG, PNG or WebP" \; sql_is "SELECT cover_sha256 = '$SHA' FROM playlists WHERE id = $P" 1
cover "$JA" "$CA" "$T_TMP/c.txt" "$P" application/json
check "a text file as cover: 415 (JSON error)" all status_in 415 \; body_has '"error":"A cover must be a JPEG, PNG or WebP image."'
cover "$JA" "$CA" "$T_TMP/cut.png"
check "a truncated PNG: 400, nothing stored" all status_in 400 \; body_has "could not be read" \; sql_is "SELECT cover_sha256 = '$SHA' FROM playlists WHERE id = $P" 1
cover "$JA" "$CA" "$T_TMP/huge.png"
check "a PNG claiming 20000x20000 pixels: 400 before decoding" all status_in 400 \; body_has "20000" \; body_has "pixels"
cover "$JA" "$CA" "$T_TMP/big.jpg"
check "a cover over 4 MB: 413" status_in 413
fetch "$BASE/playlist/$P/cover" -b "$JA" -F "csrf=$CA" -F "note=no file"
check "no file: 400 asking for one" all status_in 400 \; body_has "Choose an image"
fetch "$BASE/playlist/$P/cover" -b "$JA" --data-urlencode "csrf=$CA"
check "not multipart: 400" status_in 400
cover "$JA" - "$T_TMP/c.png"
check "upload without a CSRF token: 403" all status_in 403 \; sql_is "SELECT cover_sha256 = '$SHA' FROM playlists WHERE id = $P" 1
cover "$JC" "$CC" "$T_TMP/c.png"
check "someone else uploads a cover to a public playlist: 403" all status_in 403 \; body_has "Only the owner" \; sql_is "SELECT cover_sha256 = '$SHA' FROM playlists WHERE id = $P" 1
post "$JC" "/playlist/$P/cover/remove" "$CC"
check "someone else removes the cover: 403" all status_in 403 \; sql_is "SELECT cover_sha256 = '$SHA' FROM playlists WHERE id = $P" 1
post "$JA" /playlists "$CA" "name=Private covers $RUN"
PP=$(location | grep -o '[0-9]*$')
cover "$JC" "$CC" "$T_TMP/c.png" "$PP"
check "someone else uploads to a private playlist: 404" all status_in 404 \; sql_is "SELECT COALESCE(cover_sha256, 'none') FROM playlists WHERE id = ${PP:-0}" none
post "$JC" "/playlist/$PP/cover/remove" "$CC"
check "someone else removes a private playlist's cover: 404" status_in 404
post "$JA" "/playlist/$PP/delete" "$CA"
post - "/playlist/$P/cover/remove" "$CA"
check "remove signed out: 401 or 403" status_in 401 403
post "$JA" "/playlist/$P/cover/remove" "$CA"
check "the owner removes the cover: 303, back to the mosaic" all status_in 303 \; sql_is "SELECT COALESCE(cover_sha256, 'none') FROM playlists WHERE id = $P" none
get "$JA" "/playlist/$P"
check "the page no longer shows the uploaded cover" all body_lacks "$SHA-640.jpg" \; body_lacks "/cover/remove"

# ---------------------------------------------------------------- pages kept by the workers
# Rendered pages are kept per playlist version and asker; each session gets its own CSRF
# token put back into the kept page, never another session's.
JA2=$(jar a2)
CA2=$(sign_in "$JA2" "$OWNER")
for i in 1 2 3 4; do get "$JA" "/playlist/$P"; done
get "$JA2" "/playlist/$P"
check "the owner's second session: the kept page with its own CSRF token only" all status_in 200 \; body_has "data-csrf=\"$CA2\"" \; body_has "name=\"csrf\" value=\"$CA2\"" \; body_lacks "$CA"
get "$JA" "/playlist/$P"
check "the first session: its own token only" all body_has "name=\"csrf\" value=\"$CA\"" \; body_lacks "$CA2"
get "$JC" "/playlist/$P"
check "another listener's view of it: their token, no edit controls" all body_has "data-csrf=\"$CC\"" \; body_lacks "$CA" \; body_lacks "/items/move"
V=$(version_of "$P")
get "$JA2" "/playlist/$P"
TK=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$BODY" | tail -n 1 | sed 's/.*value="//; s/"$//')
post "$JA2" "/playlist/$P/edit" "$TK" "version=$V" "name=Road trip $RUN" "public=1"
check "a form of the kept page posts with its token" status_in 303
get "$JA" "/playlist/$P"
check "after an edit the page is made again (the version is in its key)" all body_has "Road trip $RUN" \; body_has "name=\"version\" value=\"$((V + 1))\""

# ---------------------------------------------------------------- share link
TOKEN=$(sql "SELECT share_token FROM playlists WHERE id = $P")
V=$(version_of "$P")
post "$JA" "/playlist/$P/edit" "$CA" "version=$V" "name=Road trip"
check "back to private" sql_is "SELECT is_public FROM playlists WHERE id = $P" 0
get - "/s/$TOKEN"
check "the share link opens a private playlist signed out" all status_in 200 \; body_has "Road trip" \; body_has "$T1_TITLE" \; body_has "data-track-id"
save_page shared
check "the shared page has no edit controls" all body_lacks "/items/" \; body_lacks "/edit\"" \; body_lacks "/collaborators" \; body_lacks "/delete\"" \; body_lacks "$TOKEN\"</a>"
get - "/s/0123456789abcdef0123456789abcdef"
check "an unknown share token: 404" status_in 404
get - "/s/not-a-token"
check "a malformed share token: 404" status_in 404
get - "/s/$(echo "$TOKEN" | tr 'a-f' 'A-F')"
check "share tokens are exact (upper case): 404" status_in 404

# ---------------------------------------------------------------- 10,000 songs
sql "DELETE FROM playlist_items WHERE playlist_id = $P;
     INSERT INTO playlist_items (playlist_id, position, track_id)
       SELECT $P, s.seq, (SELECT MIN(id) FROM tracks) FROM seq_0_to_9999 s;
     UPDATE playlists SET track_count = 10000, version = version + 1 WHERE id = $P"
V=$(version_of "$P")
api "$JA" "/playlist/$P/items" "$CA" "version=$V" "track_id=${T[0]}"
check "the 10,001st song is refused: 400 saying why" all status_in 400 \; body_has "at most 10000"
api "$JA" "/playlist/$P/items" "$CA" "version=$V" "album_id=$ALBUM"
check "an album past 10,000 is refused too" status_in 400
check "nothing was added" sql_is "SELECT COUNT(*) FROM playlist_items WHERE playlist_id = $P" 10000
get "$JA" "/playlist/$P"
check "a 10,000-song playlist's first page" all status_in 200 \; body_has "10,000 songs" \; body_has 'rel="next"'
save_page long
get "$JA" "/playlist/$P?page=2"
check "its second page" all status_in 200 \; body_has 'rel="prev"'
get "$JA" "/playlist/$P?page=999999"
check "a page past the end: 404" status_in 404
get "$JA" "/playlist/$P?page=0"
check "page 0: 400" status_in 400
api "$JA" "/playlist/$P/items/move" "$CA" "version=$V" "from=9999" "to=0"
check "move the last of 10,000 to the top" all status_in 200 \; dense "$P"

# ---------------------------------------------------------------- delete
post "$JA" "/playlist/$P/delete" -
check "delete without a CSRF token: 403" status_in 403
post "$JA" "/playlist/$P/delete" "$CA"
check "the owner deletes: 303 to the library" all status_in 303 \; location_is "^/library/playlists"
get "$JA" "/playlist/$P"
check "a deleted playlist: 404" status_in 404
get - "/s/$TOKEN"
check "a deleted playlist's share link: 404" status_in 404

# ---------------------------------------------------------------- two editors at once
post "$JA" /playlists "$CA" "name=Race $RUN"
R=$(location | grep -o '[0-9]*$')
post "$JA" "/playlist/$R/collaborators" "$CA" "username=$COLLAB"
check "a collaborative playlist for the race" sql_is "SELECT is_collaborative FROM playlists WHERE id = ${R:-0}" 1

# racer JAR CSRF OUT FIRST: ROUNDS times add track T[FIRST + i], then move a random song,
# each retried on 409 with the version (and count) the 409 names.  OUT gets one line per
# add that succeeded, and "err CODE" for anything but 200 / 409.
racer() {
    local j=$1 c=$2 out=$3 first=$4 i v=0 n=0 code body tries from to
    body="$T_TMP/race-$first"
    v=$(version_of "$R")
    for i in $(seq 0 $((ROUNDS - 1))); do
        for tries in $(seq 1 50); do
            code=$(curl -s -o "$body" -w '%{http_code}' -b "$j" -H "Accept: application/json" \
                --data-urlencode "csrf=$c" --data-urlencode "version=$v" \
                --data-urlencode "track_id=${T[$((first + i))]}" "$BASE/playlist/$R/items")
            v=$(sed -n 's/.*"version":\([0-9]*\).*/\1/p' "$body")
            n=$(sed -n 's/.*"count":\([0-9]*\).*/\1/p' "$body")
            [ "$code" = 200 ] && { echo "add ${T[$((first + i))]}" >>"$out"; break; }
            [ "$code" = 409 ] || { echo "err $code" >>"$out"; break; }
            echo "retry" >>"$out"
        done
        for tries in $(seq 1 50); do
            [ "${n:-0}" -gt 1 ] || break
            from=$((RANDOM % n)); to=$((RANDOM % n))
            code=$(curl -s -o "$body" -w '%{http_code}' -b "$j" -H "Accept: application/json" \
                --data-urlencode "csrf=$c" --data-urlencode "version=$v" \
                --data-urlencode "from=$from" --data-urlencode "to=$to" "$BASE/playlist/$R/items/move")
            v=$(sed -n 's/.*"version":\([0-9]*\).*/\1/p' "$body")
            n=$(sed -n 's/.*"count":\([0-9]*\).*/\1/p' "$body")
            [ "$code" = 200 ] && { echo "move" >>"$out"; break; }
            [ "$code" = 409 ] || { echo "err $code" >>"$out"; break; }
            echo "retry" >>"$out"
        done
    done
}
: >"$T_TMP/race-a"; : >"$T_TMP/race-b"
racer "$JA" "$CA" "$T_TMP/race-a" 0 &
PA=$!
racer "$JB" "$CB" "$T_TMP/race-b" 60 &
PB=$!
wait "$PA" "$PB"
ADDS=$(cat "$T_TMP/race-a" "$T_TMP/race-b" | grep -c '^add ')
printf '# the race: %s adds, %s moves, %s retries after a 409\n' "$ADDS" "$(cat "$T_TMP"/race-? | grep -c '^move')" \
    "$(cat "$T_TMP"/race-? | grep -c '^retry')"
check "the race: every request answered 200 or 409" sh -c "! grep -h '^err' '$T_TMP/race-a' '$T_TMP/race-b' | sort | uniq -c | grep ."
check "the race: $((2 * ROUNDS)) adds succeeded after retries" test "$ADDS" -eq $((2 * ROUNDS))
check "the race: no duplicate position, positions 0..n-1, count = rows" dense "$R"
missing=$(grep -h '^add ' "$T_TMP/race-a" "$T_TMP/race-b" | cut -d' ' -f2 | while read -r t; do
    [ "$(sql "SELECT COUNT(*) FROM playlist_items WHERE playlist_id = $R AND track_id = $t")" = 1 ] || echo "$t"; done)
check "the race: every song added is there exactly once" test -z "$missing"
check "the race: every edit logged with its version, by both editors" sql_is \
    "SELECT COUNT(*) = COUNT(DISTINCT version) AND COUNT(DISTINCT user_id) = 2 AND MAX(version) = (SELECT version FROM playlists WHERE id = $R)
     FROM playlist_edits WHERE playlist_id = $R AND action IN ('add', 'move')" 1
post "$JA" "/playlist/$R/delete" "$CA"

finish

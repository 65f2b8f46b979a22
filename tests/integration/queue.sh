#!/bin/bash
# tests/integration/queue.sh [LABEL] BASE_URL — the play queue the web player shares with
# the Subsonic apps (cgi/catalog/queue.c, db/0015): GET /library/queue with nothing saved,
# POST then GET (songs in order with what the player shows, current song, position, saved
# by "web", a version one higher on every save), a save against a version already gone
# (409), malformed input (400 with a message: bad ids, a trailing comma, too many songs, an
# unknown song named back, a current_index outside the queue, a position that is no
# number), no CSRF token (403), anonymous (401 JSON), one user never sees another's queue;
# then across clients: a queue saved with /rest/savePlayQueue (an API key) reads back on
# /library/queue with changed_by the app's c, and one saved on the web shows in
# /rest/getPlayQueue?f=json with changedBy "web".
# Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf) and LYRE_TEST_BUILD (tools/lyre-admin).
set -u
if [ $# -ge 2 ]; then LABEL=$1; BASE=$2; else LABEL=${LABEL:-queue}; BASE=${1:-http://127.0.0.1:8081}; fi
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

SRC="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
jar() { echo "$T_TMP/jar-$1"; }
cookie() { awk -v n="$2" '$6 == n { v = $7 } END { print v }' "$1" 2>/dev/null; }
get() { fetch "$BASE$2" --interface "$SRC" -b "$1" -c "$1" "${@:3}"; }
# post JAR PATH CSRF [NAME=VALUE...] (CSRF "-" sends none)
post() {
    local j=$1 path=$2 token=$3 args=()
    shift 3
    [ "$token" = - ] || args+=(--data-urlencode "csrf=$token")
    while [ $# -gt 0 ]; do args+=(--data-urlencode "$1"); shift; done
    [ ${#args[@]} -gt 0 ] || args+=(-d "")
    fetch "$BASE$path" --interface "$SRC" -b "$j" -c "$j" -H "Accept: application/json" "${args[@]}"
}
make_user() {
    local j t
    j=$(jar "$1")
    printf '%s\n' "$PASS" | "$ADMIN" -c "$CONF" user add "$1" "$1@example.test" --password-stdin --verified \
        >/dev/null 2>"$T_TMP/admin-err" || { cat "$T_TMP/admin-err" >&2; return 1; }
    get "$j" /login
    t=$(cookie "$j" lyre_csrf)
    get "$j" /login --data-urlencode "csrf=$t" --data-urlencode "login=$1" --data-urlencode "password=$PASS"
    [ "$STATUS" = 303 ]
}
csrf_of() {
    get "$1" /library
    grep -o "data-csrf=\"$HEX64\"" "$BODY" | head -n 1 | grep -o "$HEX64"
}
# An OpenSubsonic API key of user NAME (db/0014: only its SHA-256 is stored).
make_key() {
    local key
    key="lyre_q${RUN}$1$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    sql "INSERT INTO app_passwords (user_id, kind, name, key_sha256) SELECT id, 'apikey', 'queue test',
         '$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)' FROM users WHERE username = '$1'" || return 1
    echo "$key"
}
# rest KEY CLIENT METHOD [NAME=VALUE...]: /rest/METHOD.view signed with an API key.
rest() {
    local key=$1 client=$2 method=$3 args=() kv
    shift 3
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    fetch "$BASE/rest/$method.view" -G --data-urlencode "apiKey=$key" --data-urlencode "c=$client" \
        --data-urlencode "v=1.16.1" "${args[@]}"
}
# js EXPR: EXPR (JavaScript, r = the JSON body) is true.
js() {
    node -e '
        const fs = require("fs");
        let r;
        try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch (e) { console.log("not JSON: " + fs.readFileSync(process.argv[1], "utf8").slice(0, 300)); process.exit(1); }
        if (!eval(process.argv[2])) { console.log("false: " + process.argv[2] + " in " + JSON.stringify(r).slice(0, 500)); process.exit(1); }
    ' "$BODY" "$1"
}
json_ok() { all status_in "$1" \; header_is Content-Type '^application/json' \; js "$2"; }

ALICE="q${RUN}a"
BOB="q${RUN}b"
A=$(jar "$ALICE")
B=$(jar "$BOB")
check "users made with lyre-admin sign in" make_user "$ALICE"
make_user "$BOB" || fail "second user signs in"
CA=$(csrf_of "$A")
CB=$(csrf_of "$B")
check "the pages carry the session's CSRF token" test -n "$CA" -a -n "$CB"
UA=$(sql "SELECT id FROM users WHERE username = '$ALICE'")

mapfile -t T < <(sql "SELECT id FROM tracks WHERE available = 1 ORDER BY id LIMIT 5")
if [ "${#T[@]}" -lt 5 ]; then
    fail "the catalog has five playable songs"
    finish
    exit 1
fi
NOPE=$(sql "SELECT MAX(id) + 1000 FROM tracks")
read -r T0_TITLE T0_ALBUM T0_MS T0_SHA < <(sql "SELECT REPLACE(t.title, ' ', '_'), t.album_id, t.duration_ms,
    COALESCE(aw.sha256, '-') FROM tracks t JOIN albums al ON al.id = t.album_id
    LEFT JOIN artwork aw ON aw.id = al.artwork_id WHERE t.id = ${T[0]}")

# ---------------------------------------------------------------- reading and saving
get "$A" /library/queue
check "GET /library/queue with nothing saved: an empty queue, version 0, not cached" \
    all json_ok 200 'r.items.length === 0 && r.current_index === null && r.position_ms === 0 && r.version === 0 && r.changed_by === null' \
    \; header_is Cache-Control 'no-store'

post "$A" /library/queue "$CA" "ids=${T[0]},${T[1]},${T[2]}" current_index=1 position_ms=61500
check "POST /library/queue saves: version 1, changed by web" \
    json_ok 200 'r.version === 1 && r.changed_by === "web" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(r.updated_at)'
get "$A" /library/queue
check "GET after POST: the songs in order, the current one, its position, web, version 1" \
    json_ok 200 "r.items.map(i => i.id).join() === '${T[0]},${T[1]},${T[2]}' && r.current_index === 1 && r.position_ms === 61500 && r.changed_by === 'web' && r.version === 1"
check "each item has what the player shows (title, artist, album, albumId, cover, ms)" \
    js "const i = r.items[0]; i.title.replace(/ /g, '_') === '$T0_TITLE' && i.albumId === $T0_ALBUM && i.ms === $T0_MS && typeof i.artist === 'string' && i.artist.length > 0 && typeof i.album === 'string' && ('$T0_SHA' === '-' ? i.cover === '' : i.cover.endsWith('/art/${T0_SHA:0:2}/$T0_SHA-300.jpg'))"
check "the tables hold it as savePlayQueue would (db/0015)" \
    test "$(sql "SELECT CONCAT(q.current_index, ':', q.current_track_id, ':', q.position_ms, ':', q.changed_by, ':',
               GROUP_CONCAT(i.track_id ORDER BY i.position)) FROM play_queues q
               JOIN play_queue_items i ON i.user_id = q.user_id WHERE q.user_id = $UA")" \
         = "1:${T[1]}:61500:web:${T[0]},${T[1]},${T[2]}"

post "$A" /library/queue "$CA" "ids=${T[3]},${T[3]},${T[4]}" current_index=1
check "a second save: version 2 (a song may be in the queue twice)" json_ok 200 'r.version === 2'
get "$A" /library/queue
check "GET: the new queue, the second copy current, position 0 by default" \
    json_ok 200 "r.items.map(i => i.id).join() === '${T[3]},${T[3]},${T[4]}' && r.current_index === 1 && r.position_ms === 0 && r.version === 2"

post "$A" /library/queue "$CA" "ids=${T[0]}" base_version=2
check "a save with the version last read (base_version=2): version 3" json_ok 200 'r.version === 3'
post "$A" /library/queue "$CA" "ids=${T[1]}" base_version=2
check "a save with a version gone by: 409 with the queue's version and who saved it" \
    json_ok 409 'r.version === 3 && r.changed_by === "web" && typeof r.error === "string"'
get "$A" /library/queue
check "the refused save changed nothing" json_ok 200 "r.items.length === 1 && r.items[0].id === ${T[0]} && r.version === 3"

# ---------------------------------------------------------------- refusals
post "$A" /library/queue "$CA" "ids=1,abc" current_index=0
check "ids that are no numbers: 400 with a message" json_ok 400 'typeof r.error === "string" && r.error.length > 10'
post "$A" /library/queue "$CA" "ids=${T[0]},"
check "a trailing comma: 400" json_ok 400 'typeof r.error === "string"'
post "$A" /library/queue "$CA" "ids=${T[0]},0"
check "id 0: 400" json_ok 400 'typeof r.error === "string"'
post "$A" /library/queue "$CA" current_index=0
check "no ids at all: 400" json_ok 400 '/ids/.test(r.error)'
post "$A" /library/queue "$CA" "ids=${T[0]},$NOPE,${T[1]}"
check "an unknown song: 400, named in unknown" json_ok 400 "r.unknown.length === 1 && r.unknown[0] === $NOPE"
post "$A" /library/queue "$CA" "ids=${T[0]},${T[1]}" current_index=2
check "current_index outside the queue: 400" json_ok 400 '/current_index/.test(r.error)'
post "$A" /library/queue "$CA" "ids=${T[0]}" position_ms=soon
check "a position that is no number: 400" json_ok 400 '/position_ms/.test(r.error)'
post "$A" /library/queue "$CA" "ids=${T[0]}" position_ms=-5
check "a negative position: 400" json_ok 400 '/position_ms/.test(r.error)'
# Commas unencoded: 48 kB, within the test instance's 64 kB of http.max_body_bytes.
fetch "$BASE/library/queue" --interface "$SRC" -b "$A" -c "$A" --data-raw "csrf=$CA&ids=$(seq -s, 1 10001)"
check "10001 songs: 400 (at most 10000, as savePlayQueue)" json_ok 400 '/10000/.test(r.error)'
post "$A" /library/queue - "ids=${T[2]}"
check "no CSRF token: 403" status_in 403
get "$A" /library/queue
check "the refused saves changed nothing" json_ok 200 "r.items.length === 1 && r.items[0].id === ${T[0]} && r.version === 3"

ANON="$T_TMP/jar-anon"
get "$ANON" /library/queue
check "anonymous GET: 401 JSON" json_ok 401 'typeof r.error === "string"'
get "$ANON" /
ANON_CSRF=$(cookie "$ANON" lyre_csrf)
post "$ANON" /library/queue "$ANON_CSRF" "ids=${T[0]}"
check "anonymous POST (with the anonymous CSRF token): 401 JSON" json_ok 401 'typeof r.error === "string"'

get "$B" /library/queue
check "another user sees only their own (empty) queue" json_ok 200 'r.items.length === 0 && r.version === 0'
post "$B" /library/queue "$CB" "ids=${T[4]}"
get "$A" /library/queue
check "... and their save leaves this user's queue alone" json_ok 200 "r.items[0].id === ${T[0]} && r.version === 3"

post "$B" /library/queue "$CB" "ids="
check "POST with no song (ids empty) clears the queue, as savePlayQueue does" json_ok 200 'r.version === 0 && r.changed_by === null'
get "$B" /library/queue
check "GET after the clear: empty" json_ok 200 'r.items.length === 0'

# ---------------------------------------------------------------- across clients
KA=$(make_key "$ALICE")
rest "$KA" DSub ping
if ! grep -q 'status="ok"' "$BODY"; then
    fail "the Subsonic API answers an API key (ping)" "$(head -c 300 "$BODY")"
    finish
    exit 1
fi
pass "the Subsonic API answers an API key (ping)"
fetch "$BASE/rest/savePlayQueue.view" -G --data-urlencode "apiKey=$KA" --data-urlencode "c=DSub" \
    --data-urlencode v=1.16.1 --data-urlencode "id=${T[2]}" --data-urlencode "id=${T[3]}" \
    --data-urlencode "id=${T[4]}" --data-urlencode "current=${T[3]}" --data-urlencode position=12345
check "savePlayQueue as DSub" body_has 'status="ok"'
get "$A" /library/queue
check "the web reads the app's queue: songs, current_index, position, changed_by DSub, version 4" \
    json_ok 200 "r.items.map(i => i.id).join() === '${T[2]},${T[3]},${T[4]}' && r.current_index === 1 && r.position_ms === 12345 && r.changed_by === 'DSub' && r.version === 4"

post "$A" /library/queue "$CA" "ids=${T[1]},${T[0]}" current_index=1 position_ms=7000 base_version=4
check "the web saves over it (base_version 4): version 5" json_ok 200 'r.version === 5 && r.changed_by === "web"'
rest "$KA" DSub getPlayQueue f=json
check "getPlayQueue (JSON) shows the web's queue, current, position, changedBy web" \
    js "const q = r['subsonic-response'].playQueue; q.entry.map(e => String(e.id)).join() === '${T[1]},${T[0]}' && String(q.current) === '${T[0]}' && q.position === 7000 && q.changedBy === 'web' && q.username === '$ALICE'"
rest "$KA" DSub getPlayQueue
check "getPlayQueue (XML) likewise" all body_has 'changedBy="web"' \; body_has "current=\"${T[0]}\"" \; body_has 'position="7000"'

# The catalog is shared with the other suites: the song comes back however this ends.
trap 'sql "UPDATE tracks SET available = 1 WHERE id = ${T[0]}"; rm -rf "$T_TMP"' EXIT
sql "UPDATE tracks SET available = 0 WHERE id = ${T[0]}"
get "$A" /library/queue
check "a song that became unavailable is left out (as getPlayQueue does); current moves to the next one" \
    json_ok 200 "r.items.map(i => i.id).join() === '${T[1]}' && r.current_index === null && r.position_ms === 0"
post "$A" /library/queue "$CA" "ids=${T[1]},${T[0]}"
check "and saving it is refused, named in unknown" json_ok 400 "r.unknown.join() === '${T[0]}'"
sql "UPDATE tracks SET available = 1 WHERE id = ${T[0]}"

finish

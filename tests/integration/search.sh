#!/bin/bash
# tests/integration/search.sh [LABEL] BASE_URL — search and suggestions through HTTP:
# case and accent insensitivity, typos ("beatels", "nirvna"), the suggestions' JSON shape
# and limits, hostile input (overlong, invalid UTF-8, SQL and HTML: 400 or escaped, never
# 500), popularity (of two songs alike, the one played more comes first), public
# playlists found and private ones not.  Fixtures go in by SQL, then
# `lyre-admin search-index` brings the search index up to date.
# Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf) and LYRE_TEST_BUILD (tools/lyre-admin).
set -u
if [ $# -ge 2 ]; then LABEL=$1; BASE=$2; else LABEL=${LABEL:-search}; BASE=${1:-http://127.0.0.1:8081}; fi
. "$(dirname "$0")/lib.sh"

INST=${LYRE_TEST_INSTANCE:?}
CONF="$INST/lyre.conf"
ADMIN="${LYRE_TEST_BUILD:?}/tools/lyre-admin"
RUN=$(date +%s | tail -c 6)$$
TAG="qk$RUN"          # a word of this run alone
PASS="violet kettle 42 drums"

sql() {
    mariadb --defaults-file="$INST/my.cnf" --user=root --default-character-set=utf8mb4 -N -B lyre -e "$1"
}
# Every page URL carries r=RUN: cached search pages of an earlier run never answer.
search() { fetch "$BASE/search?q=$1&r=$RUN"; }
suggest() { fetch "$BASE/search/suggest?q=$1"; }
# section NAME: the HTML of the results section headed NAME (Artists, Albums, Songs, Playlists).
section() { tr '\n' ' ' <"$BODY" | grep -o "<h2>$1</h2>.*" | sed 's|</section>.*||'; }
in_section() {
    section "$1" | grep -qF -- "$2" && return 0
    echo "section $1 lacks: $2"
    return 1
}
not_500() { [ "$STATUS" != 500 ] && [ "$STATUS" != 000 ] && return 0; echo "status $STATUS"; return 1; }
json_ok() { jq -e "$1" "$BODY" >/dev/null 2>&1 && return 0; echo "jq '$1' false on: $(head -c 300 "$BODY")"; return 1; }

# ---------------------------------------------------------------- fixtures
artist() {   # NAME SORT LETTER -> id (made once)
    local id
    id=$(sql "SELECT id FROM artists WHERE name = '$1' COLLATE utf8mb4_bin LIMIT 1")
    if [ -z "$id" ]; then
        sql "INSERT INTO artists (name, sort_name, sort_letter) VALUES ('$1', '$2', '$3')"
        id=$(sql "SELECT id FROM artists WHERE name = '$1' COLLATE utf8mb4_bin LIMIT 1")
    fi
    echo "$id"
}
album() {    # TITLE ARTIST_ID -> id
    sql "INSERT INTO albums (title, album_artist_id) VALUES ('$1', $2); SELECT LAST_INSERT_ID()"
}
track() {    # ALBUM_ID TITLE ARTIST_ID -> id
    local id
    id=$(sql "INSERT INTO tracks (album_id, title, duration_ms) VALUES ($1, '$2', 200000); SELECT LAST_INSERT_ID()")
    sql "INSERT INTO track_artists (track_id, artist_id) VALUES ($id, $3)"
    echo "$id"
}
BEY=$(artist 'Beyoncé' 'Beyoncé' B)
BEA=$(artist 'The Beatles' 'Beatles' B)
NIR=$(artist 'Nirvana' 'Nirvana' N)
AL=$(album "Quokka Sessions $TAG" "$NIR")
QUIET=$(track "$AL" "Quokka Serenade $TAG" "$NIR")
LOUD=$(track "$AL" "Quokka Serenade $TAG" "$NIR")
# Twelve plays of the second (distinct play ids; a play reports several events).
for i in $(seq 1 12); do
    sql "INSERT INTO play_events (play_id, track_id, event, position_ms) VALUES
         (MD5('$RUN-$i'), $LOUD, 'start', 0), (MD5('$RUN-$i'), $LOUD, 'complete', 200000)"
done
printf '%s\n' "$PASS" | "$ADMIN" -c "$CONF" user add "srch$RUN" "srch$RUN@example.test" --password-stdin \
    --verified >/dev/null 2>&1
OWNER=$(sql "SELECT id FROM users WHERE username = 'srch$RUN'")
sql "INSERT INTO playlists (owner_id, name, is_public, share_token) VALUES
     ($OWNER, 'Roadtrip $TAG', 1, SUBSTRING(MD5('a$RUN'), 1, 32)),
     ($OWNER, 'Secret $TAG', 0, SUBSTRING(MD5('b$RUN'), 1, 32))"
PUB=$(sql "SELECT id FROM playlists WHERE name = 'Roadtrip $TAG'")
check "fixtures in place" test -n "$BEY" -a -n "$BEA" -a -n "$NIR" -a -n "$LOUD" -a -n "$OWNER" -a -n "$PUB"
check "lyre-admin search-index" "$ADMIN" -c "$CONF" search-index

# ---------------------------------------------------------------- case and accents
search beyonce
check "beyonce finds Beyoncé" all status_in 200 \; in_section Artists "/artist/$BEY\""
search BEYONC%C3%89
check "BEYONCÉ finds Beyoncé" all status_in 200 \; in_section Artists "/artist/$BEY\""
search Beyonce%CC%81
check "combining accent folds too" all status_in 200 \; in_section Artists "/artist/$BEY\""
search "the+BEATLES"
check "THE BEATLES (case) finds The Beatles" all status_in 200 \; in_section Artists "/artist/$BEA\""
check "an exact query shows no correction" body_lacks "Showing results for"

# ---------------------------------------------------------------- typos
search beatels
check "beatels finds The Beatles" all status_in 200 \; in_section Artists "/artist/$BEA\""
check "beatels says what it searched" body_has "Showing results for"
search nirvna
check "nirvna finds Nirvana" all status_in 200 \; in_section Artists "/artist/$NIR\""
search "quokka+sesions+$TAG"
check "a typo among right words" all status_in 200 \; in_section Albums "/album/$AL\""
search "zzqxjw"
check "nonsense: no results, 200" all status_in 200 \; body_has "No results"

# ---------------------------------------------------------------- popularity
search "quokka+serenade+$TAG"
first=$(section Songs | grep -o 'href="/track/[0-9]*"' | head -n 1)
check "the more played of two alike comes first" test "$first" = "href=\"/track/$LOUD\""
check "both are listed" in_section Songs "/track/$QUIET\""

# ---------------------------------------------------------------- playlists
search "roadtrip+$TAG"
check "a public playlist is found" all status_in 200 \; in_section Playlists "/playlist/$PUB\""
check "with its owner" in_section Playlists "srch$RUN"
search "secret+$TAG"
check "a private playlist is not" all status_in 200 \; body_lacks "Secret $TAG"
suggest "secret+$TAG"
check "nor suggested" all status_in 200 \; body_lacks "Secret"

# A cached search page learns of a playlist made public (db/0009's triggers).
fetch "$BASE/search?q=zebra+$TAG"
fetch "$BASE/search?q=zebra+$TAG"
check "before: nothing" all status_in 200 \; body_has "No results"
sql "INSERT INTO playlists (owner_id, name, is_public, share_token) VALUES
     ($OWNER, 'Zebra $TAG', 1, SUBSTRING(MD5('c$RUN'), 1, 32))"
sleep 1.2   # cache.revalidate_ms
fetch "$BASE/search?q=zebra+$TAG"
check "a cached page shows a playlist made public" all status_in 200 \; in_section Playlists "Zebra $TAG"

# ---------------------------------------------------------------- suggestions
suggest "beat"
check "suggest: JSON" all status_in 200 \; header_is Content-Type '^application/json' \; \
    json_ok '.query == "beat" and (.suggestions | type == "array")'
check "suggest: prefix finds The Beatles" json_ok ".suggestions | any(.kind == \"artist\" and .id == $BEA and .url == \"/artist/$BEA\" and .label == \"The Beatles\")"
check "suggest: cacheable for a minute" header_is Cache-Control 'public.*max-age=60'
check "suggest: every item has the fields" json_ok \
    '.suggestions | all((.kind | test("^(artist|album|track|playlist)$")) and (.id | type == "number") and (.label | type == "string") and (.sub | type == "string") and (.url | startswith("/")))'
suggest "nirvn"
check "suggest: typo" json_ok ".suggestions | any(.id == $NIR and .kind == \"artist\")"
suggest "the"
check "suggest: at most 8" json_ok '.suggestions | length <= 8'
suggest "quokka+ser"
check "suggest: earlier words + prefix" json_ok ".suggestions | any(.kind == \"track\" and .id == $LOUD)"
suggest "roadtr"
check "suggest: playlist by prefix" json_ok '.suggestions | any(.kind == "playlist")'
suggest "roadtrip+$TAG"
check "suggest: public playlist" json_ok ".suggestions | any(.kind == \"playlist\" and .url == \"/playlist/$PUB\")"
suggest ""
check "suggest: empty q gives []" all status_in 200 \; json_ok '.query == "" and .suggestions == []'
fetch "$BASE/search/suggest"
check "suggest: no q gives []" all status_in 200 \; json_ok '.suggestions == []'

# ---------------------------------------------------------------- hostile input
long=$(printf 'a%.0s' $(seq 1 101))
suggest "$long"
check "suggest: over 100 bytes is 400" status_in 400
suggest "%FF%FE"
check "suggest: invalid UTF-8 is 400" status_in 400
search "%C3%28"
check "search: invalid UTF-8 is 400" status_in 400
search "$(printf 'b%.0s' $(seq 1 300))"
check "search: overlong is 400" status_in 400
suggest "%27%20OR%201%3D1%20--"
check "suggest: SQL is just text" all not_500 \; status_in 200 \; json_ok ".query == \"' OR 1=1 --\""
search "%27%29%3B%20DROP%20TABLE%20tracks%3B%20--"
check "search: SQL is just text" all not_500 \; status_in 200
suggest "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
check "suggest: HTML escaped in JSON" all status_in 200 \; body_lacks "<script>" \; json_ok '.query == "<script>alert(1)</script>"'
search "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
check "search: HTML escaped in the page" all status_in 200 \; body_lacks "<script>alert(1)" \; body_has "&lt;script&gt;alert(1)"
search "%2B%2B%2B*%22%40%3E%3C~-"
check "search: boolean operators only" all not_500 \; status_in 200
suggest "%E2%80%94%E2%80%94+%C2%A0"
check "suggest: punctuation only gives []" all status_in 200 \; json_ok '.suggestions == []'
sql "SELECT 1 FROM tracks LIMIT 1" >/dev/null
check "the catalog survived" test "$?" = 0

finish

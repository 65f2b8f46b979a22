#!/bin/bash
# tests/integration/recommend.sh [LABEL] BASE_URL — recommendations through HTTP: Home for an
# anonymous visitor (popular, trending, no personal rows) and for a new user (→ /welcome,
# picks or skip, then Home from the picks); mixes with no model (popularity + genre) and
# with one; radio (no repeat within the client's window, at most two songs of an artist
# per batch and never one artist twice in a row, steered away from skips); "don't play
# this" for a track and an artist, honoured by Home, mixes and radio; a model switch while
# pages are served gives no errors; bad input (unknown ids 404, malformed 400, no sign-in 401).
# Models are written with SQL the way db/0012 describes (building → rows → one transaction:
# ready + rec_current), as tools/lyre-train does.
# Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf) and LYRE_TEST_BUILD (tools/lyre-admin); jq.
set -u
if [ $# -ge 2 ]; then LABEL=$1; BASE=$2; else LABEL=${LABEL:-recommend}; BASE=${1:-http://127.0.0.1:8081}; fi
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
post() {
    local j=$1 path=$2 token=$3 args=() kv
    shift 3
    [ "$token" = - ] || args+=(--data-urlencode "csrf=$token")
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    [ ${#args[@]} -gt 0 ] || args+=(-d "")
    fetch "$BASE$path" --interface "$SRC" -b "$j" -c "$j" "${args[@]}"
}
# fetch-style POST answered 204 (X-CSRF-Token header, Accept: application/json)
post_js() {
    local j=$1 path=$2 token=$3
    shift 3
    local args=()
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    [ ${#args[@]} -gt 0 ] || args+=(-d "")
    fetch "$BASE$path" --interface "$SRC" -b "$j" -c "$j" -H "X-CSRF-Token: $token" \
        -H 'Accept: application/json' "${args[@]}"
}
location() { header_value Location; }
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
csrf_of() {
    get "$1" /library
    grep -o "data-csrf=\"$HEX64\"" "$BODY" | head -n 1 | grep -o "$HEX64"
}
# Track ids of the rows of the page in $BODY (in order); of one table with $1 (its id).
row_ids() {
    if [ $# -ge 1 ]; then
        sed -n "s/.*<table[^>]* id=\"$1\"//p" "$BODY" | sed 's/<\/table>.*//' | grep -o 'data-track-id="[0-9]*"' | grep -o '[0-9]*'
    else
        grep -o 'data-track-id="[0-9]*"' "$BODY" | grep -o '[0-9]*'
    fi
}
# the most tracks of one artist among the rows of a table ($1: table id)
max_per_artist() {
    sed -n "s/.*<table[^>]* id=\"$1\"//p" "$BODY" | sed 's/<\/table>.*//' | grep -o 'data-artist-id="[0-9]*"' |
        sort | uniq -c | sort -rn | awk 'NR == 1 { print $1 } END { if (NR == 0) print 0 }'
}
artist_of() { sql "SELECT artist_id FROM track_artists WHERE track_id = $1 AND role = 'main' ORDER BY position LIMIT 1"; }

# ---------------------------------------------------------------- models written like lyre-train
# write_model SPAN: neighbours are the tracks (artists) nearest by id within SPAN (3 for
# artists), scored 1/(1+distance); prints the new model's id once it is current.
write_model() {
    local span=$1 m
    m=$(sql "INSERT INTO rec_models (algorithm, params, state) VALUES ('test', 'span=$span', 'building'); SELECT LAST_INSERT_ID();")
    sql "INSERT INTO rec_track_neighbors (model_id, track_id, rank, neighbor_id, score)
         SELECT $m, a, rn, b, s FROM (SELECT t1.id AS a, t2.id AS b,
           1 / (1 + ABS(CAST(t2.id AS SIGNED) - CAST(t1.id AS SIGNED))) AS s,
           ROW_NUMBER() OVER (PARTITION BY t1.id ORDER BY ABS(CAST(t2.id AS SIGNED) - CAST(t1.id AS SIGNED)), t2.id) AS rn
           FROM tracks t1 JOIN tracks t2 ON t2.id <> t1.id
           AND ABS(CAST(t2.id AS SIGNED) - CAST(t1.id AS SIGNED)) <= $span) x WHERE rn <= 40;
         INSERT INTO rec_artist_neighbors (model_id, artist_id, rank, neighbor_id, score)
         SELECT $m, a, rn, b, s FROM (SELECT a1.id AS a, a2.id AS b,
           1 / (1 + ABS(CAST(a2.id AS SIGNED) - CAST(a1.id AS SIGNED))) AS s,
           ROW_NUMBER() OVER (PARTITION BY a1.id ORDER BY ABS(CAST(a2.id AS SIGNED) - CAST(a1.id AS SIGNED)), a2.id) AS rn
           FROM artists a1 JOIN artists a2 ON a2.id <> a1.id
           AND ABS(CAST(a2.id AS SIGNED) - CAST(a1.id AS SIGNED)) <= 3) x;
         START TRANSACTION;
         UPDATE rec_models SET state = 'ready', finished_at = CURRENT_TIMESTAMP(3) WHERE id = $m;
         INSERT INTO rec_current (one, model_id) VALUES (1, $m)
           ON DUPLICATE KEY UPDATE model_id = $m, switched_at = CURRENT_TIMESTAMP(3);
         COMMIT;" || return 1
    echo "$m"
}
# retire every model but the current one, and delete their rows (as the next training run does)
retire_old() {
    sql "UPDATE rec_models SET state = 'retired' WHERE id <> (SELECT model_id FROM rec_current WHERE one = 1) AND state <> 'building';
         DELETE n FROM rec_track_neighbors n JOIN rec_models m ON m.id = n.model_id WHERE m.state = 'retired';
         DELETE n FROM rec_artist_neighbors n JOIN rec_models m ON m.id = n.model_id WHERE m.state = 'retired';"
}
# play USER_ID TRACK EVENT [MINUTES_AGO]: one play event
play() {
    local pid
    pid=$(printf '%s' "$RUN-$1-$2-$3-$RANDOM$RANDOM" | md5sum | cut -c1-32)
    sql "INSERT INTO play_events (play_id, user_id, track_id, event, position_ms, created_at)
         VALUES ('$pid', $1, $2, '$3', 0, NOW(3) - INTERVAL ${4:-1} MINUTE)"
}

# Start with no model (earlier runs may have left one): popularity and genre only.
sql "DELETE FROM rec_current" || true

# ---------------------------------------------------------------- anonymous
ANON=$(jar anon)
# some popularity: other (anonymous) listeners play tracks 1..40, the latest more
mapfile -t TRACKS < <(sql "SELECT id FROM tracks WHERE available = 1 ORDER BY id LIMIT 120")
for i in $(seq 0 39); do
    for k in $(seq 0 $((i % 4))); do play NULL "${TRACKS[$i]}" start $((i * 3 + k)); done
done
get "$ANON" /home
check "anonymous /home: 200 with popular and trending rows" \
    all status_in 200 \; body_has 'Popular now' \; body_has 'data-track-id=' \; body_has 'Sign up'
check "anonymous /home: no personal rows, no mixes, no dislike forms" \
    all body_lacks 'Daily Mix' \; body_lacks 'Your mixes' \; body_lacks '/recommend/dislike' \; body_lacks 'Because you played'
check "anonymous /home: at most 2 tracks of an artist in the popular row" test "$(max_per_artist tracks-popular)" -le 2
n=$(row_ids tracks-popular | wc -l); u=$(row_ids tracks-popular | sort -u | wc -l)
check "anonymous /home: no repeats in a row" test "$n" -gt 0 -a "$n" = "$u"
get "$ANON" /mix/popular
check "/mix/popular for anonymous: a playable list" all status_in 200 \; body_has 'data-tracklist="mix:popular"'
get "$ANON" /mix/daily-1
check "/mix/daily-1 for anonymous: to the sign-in page" all status_in 303 \; header_is Location '^/login\?next='
get "$ANON" /welcome
check "/welcome for anonymous: to the sign-in page" all status_in 303 \; header_is Location '^/login'

# ---------------------------------------------------------------- cold start
NEWBIE="rec$RUN"n
SKIPPER="rec$RUN"s
N=$(jar "$NEWBIE"); S=$(jar "$SKIPPER")
check "new users sign in" make_user "$NEWBIE"
make_user "$SKIPPER" || fail "second new user signs in"
CN=$(csrf_of "$N"); CS=$(csrf_of "$S")
UN=$(sql "SELECT id FROM users WHERE username = '$NEWBIE'")
get "$N" /home
check "a new user with no history: /home sends to /welcome" all status_in 303 \; header_is Location '^/welcome$'
get "$N" /welcome
check "/welcome lists genres and artists in a form with a CSRF token" \
    all status_in 200 \; body_has 'name="genre[]"' \; body_has 'name="artist[]"' \; body_has 'name="csrf"'
GENRE=$(sql "SELECT genre_id FROM albums WHERE genre_id IS NOT NULL GROUP BY genre_id ORDER BY COUNT(*) DESC LIMIT 1")
# Two artists with songs one can play (the shared instance also holds artists without any).
mapfile -t PICKS < <(sql "SELECT DISTINCT ta.artist_id FROM track_artists ta
    JOIN tracks t ON t.id = ta.track_id AND t.available = 1
    WHERE ta.role = 'main' ORDER BY ta.artist_id LIMIT 2")
post "$N" /welcome "$CN" "genre[]=$GENRE" "artist[]=${PICKS[0]}" "artist=${PICKS[1]}"
check "POST /welcome: 303 to /home, picks saved, onboarded" \
    all status_in 303 \; header_is Location '^/home$' \
    \; test "$(sql "SELECT COUNT(*) FROM user_taste_artists WHERE user_id = $UN")" = 2 \
    \; test "$(sql "SELECT COUNT(*) FROM user_taste_genres WHERE user_id = $UN")" = 1 \
    \; test "$(sql "SELECT onboarded_at IS NOT NULL FROM users WHERE id = $UN")" = 1
get "$N" /home
check "Home from picks: 200 with a Daily Mix" all status_in 200 \; body_has 'Daily Mix 1' \; body_has 'Built from what you picked'
get "$N" /mix/daily-1
check "/mix/daily-1 from picks: playable rows of the picked artists" \
    all status_in 200 \; body_has 'data-tracklist="mix:daily-1"' \; body_has "data-artist-id=\"${PICKS[0]}\""
check "a daily mix has at most 3 tracks of an artist" test "$(max_per_artist tracks)" -le 3
post "$N" /welcome "$CN" "genre=abc"
check "POST /welcome with a malformed id: 400, the form again" all status_in 400 \; body_has 'name="genre[]"'
post "$S" /welcome "$CS" "skip=1"
check "skip: 303 to /home" all status_in 303 \; header_is Location '^/home$'
get "$S" /home
check "Home after skip: 200, popular, an invitation to pick" all status_in 200 \; body_has 'Popular now' \; body_has 'href="/welcome"'
post "$S" /welcome - "skip=1"
check "POST /welcome without a CSRF token: 403" status_in 403

# ---------------------------------------------------------------- history, no model
ALICE="rec$RUN"a
A=$(jar "$ALICE")
check "a listener signs in" make_user "$ALICE"
CA=$(csrf_of "$A")
UA=$(sql "SELECT id FROM users WHERE username = '$ALICE'")
# Alice plays tracks 60..89 (complete), the last three most recently
for i in $(seq 60 89); do
    play "$UA" "${TRACKS[$i]}" start $((200 - i)); play "$UA" "${TRACKS[$i]}" complete $((200 - i))
done
get "$A" /home
check "Home with history and no model: 200, Daily Mix, popular" \
    all status_in 200 \; body_has 'Daily Mix 1' \; body_has 'Popular now' \; body_lacks 'Because you played'
get "$A" /mix/daily-1
check "no model: /mix/daily-1 is playable, each row says why" \
    all status_in 200 \; body_has 'data-track-id=' \; body_has 'You listen to'
n=$(row_ids tracks | wc -l); u=$(row_ids tracks | sort -u | wc -l)
check "no model: a mix has no repeats and at most 3 tracks of an artist" \
    test "$n" -ge 5 -a "$n" = "$u" -a "$(max_per_artist tracks)" -le 3

get "$A" "/radio/track/${TRACKS[30]}.json"
check "no model: radio still answers (artist, genre, popular), at most 2 per artist" \
    all status_in 200 \; test "$(jq '.items | length' "$BODY")" -ge 5 -a "$(jq '.model' "$BODY")" = null \
    \; test "$(jq -r '.items[].artistId' "$BODY" | sort | uniq -c | awk '$1 > 2' | wc -l)" = 0

# ---------------------------------------------------------------- with a model
M1=$(write_model 12)
check "a model written and made current" test -n "$M1"
get "$A" /home
check "Home with a model: Because you played, Discover" \
    all status_in 200 \; body_has 'Because you played' \; body_has '/mix/discover' \; body_has 'Daily Mix 1'
LAST=${TRACKS[89]}
check "Because-you-played row of the latest track" body_has "id=\"rec-because-$LAST\""
get "$A" /mix/discover
played=$(sql "SELECT GROUP_CONCAT(DISTINCT track_id) FROM play_events WHERE user_id = $UA")
bad=0; for t in $(row_ids tracks); do [[ ",$played," == *",$t,"* ]] && bad=$t; done
check "Discover: 200, never a track already played" all status_in 200 \; test "$bad" = 0
get "$A" /mix/because-$LAST
check "/mix/because-ID: the row as a page" all status_in 200 \; body_has 'data-tracklist="mix:because-'

# ---------------------------------------------------------------- radio
SEED=${TRACKS[30]}
get "$A" /radio/track/$SEED
check "radio page: 200 with Start radio and the first songs" \
    all status_in 200 \; body_has "data-radio=\"track:$SEED\"" \; body_has "data-tracklist=\"radio:track:$SEED\""
get "$A" "/radio/track/$SEED.json"
check "radio batch: JSON with player items" \
    all status_in 200 \; header_is Content-Type 'application/json' \
    \; test "$(jq -r '.items[0] | (.id|type) + (.title|type) + (.artist|type) + (.album|type) + (.albumId|type) + (.cover|type) + (.ms|type) + (.why|type)' "$BODY")" = stringstringstringstringstringstringnumberstring
check "radio batch: the seed first, then about ten" \
    test "$(jq -r '.items[0].id' "$BODY")" = "$SEED" -a "$(jq '.items | length' "$BODY")" -ge 8
# A client: 15 batches, a window of the last 50 played/queued.
recent=(); repeats=0; artist_rule=0; total=0
for b in $(seq 1 15); do
    win=$(IFS=,; echo "${recent[*]: -50}")
    get "$A" "/radio/track/$SEED.json?recent=$win"
    [ "$STATUS" = 200 ] || { repeats=999; break; }
    mapfile -t ids < <(jq -r '.items[].id' "$BODY")
    mapfile -t arts < <(jq -r '.items[].artistId' "$BODY")
    for k in "${!ids[@]}"; do
        [[ ",$win," == *",${ids[$k]},"* ]] && repeats=$((repeats + 1))
        if [ "$k" -gt 0 ] && [ "${arts[$k]}" = "${arts[$((k - 1))]}" ]; then artist_rule=$((artist_rule + 1)); fi
    done
    over=$(printf '%s\n' "${arts[@]}" | sort | uniq -c | awk '$1 > 2' | wc -l)
    artist_rule=$((artist_rule + over))
    [ "$artist_rule" = 0 ] || { echo "# batch $b artists: ${arts[*]}"; break; }
    total=$((total + ${#ids[@]}))
    recent+=("${ids[@]}")
done
check "radio: 15 batches, nothing repeated within the 50-song window" test "$repeats" = 0 -a "$total" -ge 100
check "radio: at most 2 of an artist per batch, never one artist twice in a row" test "$artist_rule" = 0
# across batches: the first song of a batch is not by the artist of the last one sent
last=${recent[-1]}; la=$(artist_of "$last")
get "$A" "/radio/track/$SEED.json?recent=$last"
check "radio: a new batch does not start with the artist just played" test "$(jq -r '.items[0].artistId' "$BODY")" != "$la"
# skips push the station away: skip three songs of one artist
get "$A" "/radio/track/$SEED.json?recent=$SEED"
SKA=$(jq -r '.items[0].artistId' "$BODY")
mapfile -t skips < <(sql "SELECT track_id FROM track_artists WHERE artist_id = $SKA AND role = 'main' ORDER BY track_id LIMIT 3")
sk=$(IFS=,; echo "${skips[*]}")
get "$A" "/radio/track/$SEED.json?recent=$SEED&skipped=$sk"
before=$(jq --arg a "$SKA" '[.items[] | select(.artistId == $a)] | length' "$BODY")
check "radio: skipped songs never come back" \
    test "$(jq -r '.items[].id' "$BODY" | grep -cxF -f <(printf '%s\n' "${skips[@]}"))" = 0
check "radio: the skipped artist is pushed down (at most 1 song)" test "$before" -le 1
AR=$(artist_of "$SEED")
get "$A" "/radio/artist/$AR.json"
check "artist radio: 200 with songs" all status_in 200 \; test "$(jq '.items | length' "$BODY")" -ge 5
PL=$(sql "INSERT INTO playlists (owner_id, name, is_public, share_token) VALUES ($UA, 'rec$RUN', 0, MD5('$RUN-pl'));
          SELECT LAST_INSERT_ID();")
sql "INSERT INTO playlist_items (playlist_id, position, track_id) VALUES ($PL, 0, ${TRACKS[5]}), ($PL, 1, ${TRACKS[6]}), ($PL, 2, ${TRACKS[100]})"
get "$A" "/radio/playlist/$PL.json"
check "playlist radio of one's own private playlist: 200 with songs" all status_in 200 \; test "$(jq '.items | length' "$BODY")" -ge 5
get "$N" "/radio/playlist/$PL.json"
check "someone else's private playlist: 404" status_in 404
get "$ANON" "/radio/track/$SEED.json"
check "radio for an anonymous visitor: 200" status_in 200

# ---------------------------------------------------------------- dislikes
get "$A" /mix/daily-1
DT=$(row_ids tracks | head -n 1)
post_js "$A" /recommend/dislike "$CA" "track_id=$DT"
check "dislike a track (fetch): 204, stored" \
    all status_in 204 \; test "$(sql "SELECT COUNT(*) FROM track_dislikes WHERE user_id = $UA AND track_id = $DT")" = 1
get "$A" /home
check "a disliked track is gone from Home" all status_in 200 \; body_lacks "data-track-id=\"$DT\""
for m in daily-1 daily-2 discover popular; do
    get "$A" /mix/$m
    [ "$STATUS" = 200 ] && ! grep -q "data-track-id=\"$DT\"" "$BODY" || [ "$STATUS" = 404 ] || fail "disliked track in /mix/$m" "$STATUS"
done
pass "a disliked track is in no mix"
seen=0
for b in 1 2 3; do
    get "$A" "/radio/track/$((DT > 1 ? DT - 1 : DT + 1)).json?recent=$((b * 7))"
    jq -r '.items[].id' "$BODY" | grep -qx "$DT" && seen=1
done
check "a disliked track never comes on the radio" test "$seen" = 0
get "$A" "/radio/track/$DT.json"
check "a radio from a disliked track itself leaves it out" test "$(jq -r '.items[].id' "$BODY" | grep -cx "$DT")" = 0
DA=$(artist_of "${TRACKS[70]}")
post "$A" /recommend/dislike "$CA" "artist_id=$DA"
check "dislike an artist (form): 303 back" \
    all status_in 303 \; test "$(sql "SELECT COUNT(*) FROM artist_dislikes WHERE user_id = $UA AND artist_id = $DA")" = 1
get "$A" /home
check "a disliked artist is gone from Home" all status_in 200 \; body_lacks "data-artist-id=\"$DA\""
get "$A" /mix/daily-1
check "a disliked artist is gone from the mixes" body_lacks "data-artist-id=\"$DA\""
get "$A" "/radio/artist/$DA.json"
check "radio of a disliked artist plays none of theirs" \
    all status_in 200 \; test "$(jq --arg a "$DA" '[.items[] | select(.artistId == $a)] | length' "$BODY")" = 0
post_js "$A" /recommend/undislike "$CA" "artist_id=$DA"
check "undislike: 204, removed" \
    all status_in 204 \; test "$(sql "SELECT COUNT(*) FROM artist_dislikes WHERE user_id = $UA")" = 0

# ---------------------------------------------------------------- bad input
get "$A" /radio/track/999999999.json
check "radio of an unknown track: 404" status_in 404
get "$A" /radio/artist/999999999
check "radio page of an unknown artist: 404" status_in 404
get "$A" /radio/track/abc.json
check "radio with a malformed id: 400" status_in 400
get "$A" /radio/song/1.json
check "radio of an unknown kind: 404" status_in 404
get "$A" "/radio/track/$SEED.json?recent=1,,2"
check "radio with a malformed recent list: 400" status_in 400
get "$A" "/radio/track/$SEED.json?skipped=x"
check "radio with a malformed skipped list: 400" status_in 400
get "$A" "/radio/track/$SEED.json?recent=$(seq -s, 1 250)"
check "radio with too long a recent list: 400" status_in 400
get "$A" /mix/nosuchmix
check "an unknown mix: 404" status_in 404
get "$A" /mix/Bad_Name
check "a malformed mix name: 400" status_in 400
get "$A" /mix/daily-9
check "a daily mix beyond the ones made: 404" status_in 404
post_js "$A" /recommend/dislike "$CA" "track_id=999999999"
check "dislike an unknown track: 404" status_in 404
post_js "$A" /recommend/dislike "$CA" "track_id=abc"
check "dislike with a malformed id: 400" status_in 400
post_js "$A" /recommend/dislike "$CA" "track_id=1" "artist_id=1"
check "dislike with both ids: 400" status_in 400
post_js "$A" /recommend/dislike "$CA"
check "dislike with no id: 400" status_in 400
post "$A" /recommend/dislike - "track_id=${TRACKS[1]}"
check "dislike without a CSRF token: 403" status_in 403
get "$ANON" /home
AT=$(cookie "$ANON" lyre_csrf)
post "$ANON" /recommend/dislike "$AT" "track_id=${TRACKS[1]}"
check "dislike without signing in: 401" status_in 401

# ---------------------------------------------------------------- model switch under load
# Requests in a loop (Home, a mix, radio) while a new model is written and switched to and the
# old one retired and deleted: every answer must be 200 (or the 404 of a mix that went away).
STOP="$T_TMP/stop"; ERRS="$T_TMP/load-errors"; COUNT="$T_TMP/load-count"
: >"$ERRS"; : >"$COUNT"
load() {
    local i=0 s
    while [ ! -e "$STOP" ]; do
        for u in /home /mix/daily-1 "/radio/track/$SEED.json?recent=$((i % 50 + 1))" /mix/discover; do
            s=$(curl -s -o /dev/null -w '%{http_code}' --interface "$SRC" -b "$A" "$BASE$u")
            echo "$u" >>"$COUNT"
            case $s in 200) ;; 404) [[ $u == /mix/* ]] || echo "$s $u" >>"$ERRS" ;; *) echo "$s $u" >>"$ERRS" ;; esac
        done
        i=$((i + 1))
    done
}
load & L1=$!
load & L2=$!
sleep 1
M2=$(write_model 20)
retire_old
play "$UA" "${TRACKS[10]}" complete 0
M3=$(write_model 8)
retire_old
sleep 1
touch "$STOP"; wait "$L1" "$L2"
check "model switch while serving: $(wc -l <"$COUNT") requests, no errors" \
    test -s "$COUNT" -a ! -s "$ERRS" -a -n "$M2" -a -n "$M3"
[ -s "$ERRS" ] && head -n 5 "$ERRS" | sed 's/^/# /'
get "$A" /home
check "Home serves the newest model afterwards" all status_in 200 \; body_has 'Daily Mix'
check "old models retired and their rows deleted" \
    test "$(sql "SELECT COUNT(*) FROM rec_track_neighbors WHERE model_id IN ($M1, $M2)")" = 0

sql "DELETE FROM playlists WHERE id = $PL" || true
finish

#!/bin/bash
# tests/integration/train.sh [LABEL] [BASE_URL] — tools/lyre-train against the test
# database: listeners in three planted taste groups play, like and dislike tracks;
# lyre-train writes a ready model that rec_current points at, with track and artist
# neighbours mostly from the same group; a liked-only track gets neighbours, a track
# everyone disliked gets none; a second run switches atomically (a reader joining
# through rec_current never sees zero neighbours) and removes the old model; a run
# while another holds the lock, bad options and a bad configuration fail with the
# documented exit codes.  The web server is not used (BASE_URL is accepted for the
# run-all.sh suite line).  Its users, events, likes and dislikes are removed at the end.
# Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf) and LYRE_TEST_BUILD (tools/lyre-train).
set -u
if [ $# -ge 2 ]; then LABEL=$1; else LABEL=${LABEL:-train}; fi
. "$(dirname "$0")/lib.sh"

INST=${LYRE_TEST_INSTANCE:?}
CONF="$INST/lyre.conf"
TRAIN="${LYRE_TEST_BUILD:?}/tools/lyre-train"
RUN=$(date +%s | tail -c 6)$$
NUSERS=36

sql() {
    mariadb --defaults-file="$INST/my.cnf" --user=root --default-character-set=utf8mb4 -N -B lyre -e "$1"
}

cleanup_rows() {
    local ids
    ids=$(sql "SELECT GROUP_CONCAT(id) FROM users WHERE username LIKE 'tr${RUN}\\_%'")
    [ -n "$ids" ] && [ "$ids" != NULL ] || return 0
    sql "DELETE FROM play_events WHERE user_id IN ($ids); DELETE FROM users WHERE id IN ($ids)"
}
trap 'cleanup_rows; rm -rf "$T_TMP"' EXIT

# tracks from the middle of the catalog, away from the first ones other suites play
NT=$(sql "SELECT COUNT(*) FROM tracks")
OFF=$(( NT >= 200 ? NT / 2 : 0 ))
mapfile -t TRACKS < <(sql "SELECT id FROM tracks ORDER BY id LIMIT 62 OFFSET $OFF")
if [ ${#TRACKS[@]} -lt 62 ]; then
    fail "the catalog has 62 tracks to play" "found ${#TRACKS[@]}"
    finish
    exit
fi
# Tracks 0..59 in three groups (index % 3); 60: only liked (group 0); 61: played by group 1, disliked by all who played it.
LIKED=${TRACKS[60]}
HATED=${TRACKS[61]}

# ---- users, events, likes, dislikes
{
    printf 'INSERT INTO users (username, username_key, display_name) VALUES '
    for ((u = 0; u < NUSERS; u++)); do
        [ $u -gt 0 ] && printf ','
        printf "('tr%s_%d', 'tr%s_%d', 'train test')" "$RUN" $u "$RUN" $u
    done
    printf ';\n'
} >"$T_TMP/users.sql"
sql "$(cat "$T_TMP/users.sql")" || fail "test users inserted"
mapfile -t UIDS < <(sql "SELECT id FROM users WHERE username LIKE 'tr${RUN}\\_%' ORDER BY id")

gen_events() {
    local u g k t n=0 sep=""
    printf 'INSERT INTO play_events (play_id, user_id, track_id, event, position_ms, created_at) VALUES '
    for ((u = 0; u < NUSERS; u++)); do
        g=$((u % 3))
        for ((k = 0; k < 12; k++)); do
            # 12 plays inside the group (complete), with a user-dependent stride
            t=${TRACKS[$(((((u / 3) * 7 + k) % 20) * 3 + g))]}
            for ev in start 30s complete; do
                printf "%s('%08x%08x%08x%08x', %s, %s, '%s', 0, NOW(3) - INTERVAL %d DAY)" "$sep" "$RUN" "$u" "$k" "$n" \
                    "${UIDS[$u]}" "$t" "$ev" $((k * 3))
                sep=","
            done
            n=$((n + 1))
        done
        for ((k = 0; k < 3; k++)); do
            # out-of-group tracks, skipped
            t=${TRACKS[$((((u + k) % 20) * 3 + (g + 1) % 3))]}
            for ev in start skip; do
                printf "%s('%08x%08x%08x%08x', %s, %s, '%s', 0, NOW(3))" "$sep" "$RUN" "$u" 99 "$n" "${UIDS[$u]}" "$t" "$ev"
            done
            n=$((n + 1))
        done
        if [ $g = 1 ] && [ $u -lt 15 ]; then
            for ev in start 30s complete; do
                printf "%s('%08x%08x%08x%08x', %s, %s, '%s', 0, NOW(3))" "$sep" "$RUN" "$u" 98 "$n" "${UIDS[$u]}" "$HATED" "$ev"
            done
            n=$((n + 1))
        fi
    done
    printf ';\n'
}
gen_events >"$T_TMP/events.sql"
sql "$(cat "$T_TMP/events.sql")" || fail "play events inserted"
likes="" dislikes=""
for ((u = 0; u < NUSERS; u++)); do
    if [ $((u % 3)) = 0 ]; then likes+="${likes:+,}(${UIDS[$u]}, $LIKED)"; fi
    if [ $((u % 3)) = 1 ] && [ $u -lt 15 ]; then dislikes+="${dislikes:+,}(${UIDS[$u]}, $HATED)"; fi
done
sql "INSERT INTO track_likes (user_id, track_id) VALUES $likes; INSERT INTO track_dislikes (user_id, track_id) VALUES $dislikes" \
    || fail "likes and dislikes inserted"

# ---- first run
exit_ok() { [ "$1" = 0 ] || { echo "exit $1: $(cat "$2")"; return 1; }; }
current() { sql "SELECT model_id FROM rec_current"; }
rows_of() { sql "SELECT COUNT(*) FROM rec_track_neighbors WHERE model_id = $1 AND track_id = $2"; }
"$TRAIN" -c "$CONF" -q --grace 0 >"$T_TMP/out1" 2>"$T_TMP/err1"
rc=$?
check "lyre-train exits 0" exit_ok "$rc" "$T_TMP/err1"
M1=$(current)
check "rec_current points at a ready model" test "$(sql "SELECT state FROM rec_models WHERE id = '$M1'")" = ready
check "the model counts its events, users and tracks" \
    test "$(sql "SELECT events_used > 0 AND users_used >= $NUSERS AND items_used >= 60 FROM rec_models WHERE id = '$M1'")" = 1
T0=${TRACKS[0]}
check "a played track has neighbour rows" test "$(rows_of "$M1" "$T0")" -gt 5
check "ranks start at 1 and scores do not increase with rank" test "$(sql "
    SELECT MIN(a.\`rank\`) = 1 AND SUM(a.score < b.score) = 0 FROM rec_track_neighbors a
    JOIN rec_track_neighbors b ON b.model_id = a.model_id AND b.track_id = a.track_id AND b.\`rank\` = a.\`rank\` + 1
    WHERE a.model_id = $M1")" = 1

# Group of a track id: its index among the first 60 tracks, % 3.
group_case="CASE"
for ((i = 0; i < 60; i++)); do group_case+=" WHEN %s = ${TRACKS[$i]} THEN $((i % 3))"; done
group_case+=" ELSE -1 END"
gexpr() { printf '%s' "${group_case//%s/$1}"; }
same=$(sql "SELECT ROUND(100 * AVG($(gexpr n.track_id) = $(gexpr n.neighbor_id))) FROM rec_track_neighbors n
            WHERE n.model_id = $M1 AND n.\`rank\` <= 5 AND $(gexpr n.track_id) >= 0")
check "top-5 track neighbours are mostly from the planted group ($same%)" test "${same:-0}" -ge 80
check "a track only liked (never played) has neighbours from its likers' group" test "$(sql "
    SELECT COUNT(*) > 0 AND SUM($(gexpr n.neighbor_id) = 0) >= COUNT(*) * 0.8 FROM rec_track_neighbors n
    WHERE n.model_id = $M1 AND n.track_id = $LIKED AND n.\`rank\` <= 5")" = 1
check "a track disliked by everyone who played it gets no neighbour rows" test "$(sql "
    SELECT COUNT(*) FROM rec_track_neighbors WHERE model_id = $M1 AND (track_id = $HATED OR neighbor_id = $HATED)")" = 0
check "artist neighbours are written" test "$(sql "SELECT COUNT(*) FROM rec_artist_neighbors WHERE model_id = $M1")" -gt 0
check "no track is its own neighbour" test "$(sql "SELECT COUNT(*) FROM rec_track_neighbors WHERE model_id = $M1 AND neighbor_id = track_id")" = 0

# ---- second run while a reader keeps joining through rec_current
STOP="$T_TMP/stop"
reader() {
    while [ ! -e "$STOP" ]; do
        sql "SELECT COUNT(*) FROM rec_current c JOIN rec_track_neighbors n ON n.model_id = c.model_id
             WHERE n.track_id = $T0" >>"$T_TMP/reads" 2>&1
    done
}
reader &
READER=$!
sleep 0.5
"$TRAIN" -c "$CONF" -q --grace 1 --half-life 30 >"$T_TMP/out2" 2>"$T_TMP/err2"
rc=$?
sleep 0.5
touch "$STOP"
wait "$READER"
check "second lyre-train run exits 0" exit_ok "$rc" "$T_TMP/err2"
M2=$(current)
check "rec_current switched to the new model" test -n "$M2" -a "$M2" != "$M1"
check "the new model is ready" test "$(sql "SELECT state FROM rec_models WHERE id = '$M2'")" = ready
nreads=$(grep -c . "$T_TMP/reads")
bad=$(grep -cvx '[1-9][0-9]*' "$T_TMP/reads")
check "a reader during training never saw zero neighbour rows ($nreads reads)" test "$nreads" -gt 3 -a "$bad" = 0
check "the old model row is gone" test "$(sql "SELECT COUNT(*) FROM rec_models WHERE id = $M1")" = 0
check "the old model's neighbour rows are gone" test "$(sql "SELECT (SELECT COUNT(*) FROM rec_track_neighbors WHERE model_id = $M1)
    + (SELECT COUNT(*) FROM rec_artist_neighbors WHERE model_id = $M1)")" = 0
check "only the current model is left" test "$(sql "SELECT COUNT(*) FROM rec_models WHERE id <> $M2 AND id < $M2")" = 0

# ---- failures
mariadb --defaults-file="$INST/my.cnf" --user=root -N -B lyre -e "SELECT GET_LOCK('lyre_train', 0), SLEEP(4)" >/dev/null &
HOLDER=$!
sleep 1
"$TRAIN" -c "$CONF" -q >/dev/null 2>"$T_TMP/err3"
rc=$?
wait "$HOLDER"
check "a run while another holds the lock exits 1 and says so" all test "$rc" = 1 \; grep -q "another lyre-train" "$T_TMP/err3"
check "rec_current still points at the model after the refused run" test "$(current)" = "$M2"
"$TRAIN" -c "$CONF" --k 0 >/dev/null 2>&1
check "a bad option exits 2" test $? = 2
"$TRAIN" -c "$T_TMP/missing.conf" >/dev/null 2>&1
check "a missing configuration exits 2" test $? = 2

finish

# bench/catalog.sh — sourced by bench/search.sh and bench/subsonic.sh: the catalog of
# 1,000,000 tracks both measure, so their figures describe the same data.
#
# sql STATEMENT: run it in the bench instance $INST (the caller's), rows tab-separated.
sql() { mariadb --socket="$INST/mysql.sock" -u"$DB_USER" -p"$(instance_password "$INST")" \
        -N -B "$DB_NAME" -e "$1"; }

# million_catalog BUILD CONF [--reindex]: in $INST, 20,000 artists, 100,000 albums, 1,000,000
# tracks (lyre-admin demo, seed 11; kept between runs), 300,000 play events skewed towards
# low track ids (one in 5 tracks played, a few often), then the search index: built when
# there is none yet, or every time with --reindex.
million_catalog() {
    local build=$1 conf=$2 reindex=${3:-}
    "$build/tools/lyre-admin" -c "$conf" demo --artists 20000 --albums 100000 --tracks 1000000 \
        --seed 11 --if-empty || return 1
    if [ "$(sql "SELECT COUNT(*) FROM play_events")" = 0 ]; then
        say "adding play events"
        sql "INSERT INTO play_events (play_id, track_id, event, position_ms)
             SELECT MD5(CONCAT('bench', seq)), 1 + FLOOR(POW(RAND(7), 3) * 999999), 'complete', 0
             FROM seq_1_to_300000" || return 1
    fi
    if [ "$reindex" = --reindex ] || [ "$(sql "SELECT COUNT(*) FROM search_words")" = 0 ]; then
        say "search-index"
        "$build/tools/lyre-admin" -c "$conf" search-index || return 1
        sleep 10   # let InnoDB purge the old index before anything is timed
    fi
}

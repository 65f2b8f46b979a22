#!/bin/bash
# tests/integration/db-down.sh LABEL=URL... — stop MariaDB under running web servers: every
# page answers 503 with Retry-After and the error page (static files still 200); start it
# again: the same pages answer 200, with no restart of the web servers or programs.
# Needs LYRE_TEST_INSTANCE and LYRE_TEST_DB_PORT (tests/run-all.sh sets them).
set -u
. "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DB_SERVER="$ROOT/scripts/db-server.sh"
. "$ROOT/scripts/lib.sh"
INST=${LYRE_TEST_INSTANCE:?}
DB_PORT=${LYRE_TEST_DB_PORT:?}
PAGES=(/ /album/900001 /artist/900001 /track/900002 '/browse?letter=Z' '/search?q=Kravi')

# Every server has answered once, so its programs hold a database connection to lose.
for server in "$@"; do
    fetch "${server#*=}/album/900001"
done

# lighttpd's FastCGI processes: the same ones must come through (no crash, no respawn).
programs_of_lighttpd() {
    [ -s "$INST/lighttpd.pid" ] && descendants "$(cat "$INST/lighttpd.pid")" | sort | tr '\n' ' '
}
before=$(programs_of_lighttpd)

if ! bash "$DB_SERVER" stop "$INST" >"$T_TMP/db.out" 2>&1; then
    fail "stop MariaDB" "$(cat "$T_TMP/db.out")"
    finish
    exit 1
fi
# A worker rereads the catalog version every cache.revalidate_ms (1000 by default) and
# until then may answer from its page cache; past that, every page must say 503.
sleep 1.2
for server in "$@"; do
    LABEL=${server%%=*}
    base=${server#*=}
    for path in "${PAGES[@]}"; do
        fetch "$base$path"
        check "database down: GET $path answers 503, Retry-After, error page" \
            all status_in 503 \; header_is Retry-After '^[0-9]+$' \; header_is Content-Type '^text/html' \
            \; body_has '<main'
    done
    fetch "$base/static/css/lyre.css"
    check "database down: static files still served" status_in 200
done

LABEL=""
if ! bash "$DB_SERVER" start "$INST" "$DB_PORT" >"$T_TMP/db.out" 2>&1; then
    fail "restart MariaDB" "$(cat "$T_TMP/db.out")"
    finish
    exit 1
fi
pass "MariaDB restarted"
for server in "$@"; do
    LABEL=${server%%=*}
    base=${server#*=}
    for path in "${PAGES[@]}"; do
        # The first request after the restart reconnects; allow a few seconds for it.
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            fetch "$base$path"
            [ "$STATUS" = 200 ] && break
            sleep 0.5
        done
        check "database back: GET $path answers 200 again" status_in 200
    done
    fetch "$base/album/900001"
    check "database back: album page has its tracks" body_has 'Kravitzian Étude'
done

LABEL=""
after=$(programs_of_lighttpd)
name="the FastCGI processes under lighttpd lived through it (no crash, no restart)"
if [ -n "$before" ] && [ "$before" = "$after" ]; then
    pass "$name"
else
    fail "$name" "pids before: $before" "pids after: $after"
fi
finish

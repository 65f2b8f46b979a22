#!/bin/bash
# tests/integration/cache.sh LABEL BASE_URL — the page cache (lib/pagecache.h) through a web
# server: ETag and 304, and a change to the catalog shows once the workers have reread the
# catalog version (cache.revalidate_ms, 1000 by default) — whoever made the change.
# Needs LYRE_TEST_INSTANCE (the instance directory, for the mariadb client).
set -u
LABEL=$1
BASE=$2
. "$(dirname "$0")/lib.sh"

sql() {
    mariadb --defaults-file="$LYRE_TEST_INSTANCE/my.cnf" --user=root --default-character-set=utf8mb4 \
        -N -B lyre -e "$1"
}

# Both workers must have rendered the page: lighttpd spreads requests over them.
for _ in 1 2 3 4; do fetch "$BASE/album/900004"; done
check "cached album page: 200 with an ETag" all status_in 200 \; header_is ETag '^W/"[0-9a-f]+-[0-9a-f]+"$'
etag=$(header_value ETag)
fetch "$BASE/album/900004" -H "If-None-Match: $etag"
check "If-None-Match with the ETag: 304, no body" all status_in 304 \; test ! -s "$BODY"
fetch "$BASE/album/900004" -H 'If-None-Match: W/"0-0"'
check "If-None-Match with another ETag: 200" status_in 200

title="Early Kravitz Demos (cache test $$)"
if sql "UPDATE albums SET title = '$title' WHERE id = 900004"; then
    sleep 1.2
    for i in 1 2 3 4; do
        fetch "$BASE/album/900004"
        check "after a catalog change the page shows it (request $i)" all status_in 200 \; body_has "$title"
    done
    fetch "$BASE/album/900004" -H "If-None-Match: $etag"
    check "the old ETag no longer matches: 200" status_in 200
    sql "UPDATE albums SET title = 'Early Kravitz Demos' WHERE id = 900004" ||
        fail "restore the album title" "mariadb failed"
else
    fail "change an album title with the mariadb client" "mariadb failed"
fi
fetch "$BASE/album/999999999"
check "error pages carry no ETag" all status_in 404 \; test -z "$(header_value ETag)"
finish

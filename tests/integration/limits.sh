#!/bin/bash
# tests/integration/limits.sh [LABEL] BASE_URL — the web server's own limits and the headers
# it puts on files.  LABEL is lighttpd (the default) or apache: the server behind BASE_URL.
#
# On BASE_URL (the test instance, default limits): static files and /art carry the security
# headers, and 100 connections held open from 127.0.0.1 (48 on Apache, which has 64 workers)
# do not trip the per-address cap of 128, so wrk -c64 (bench/run.sh) and the suites never
# meet it.
# The limits themselves are shown on a short-lived server of the same kind, started here on
# a spare port from the same etc/ files with low limits through the environment
# (LYRE_MAX_CONNS_PER_IP=4, LYRE_AUTH_POSTS_PER_MIN=3): with 4 connections open a 5th
# connection's request is refused (lighttpd: 429 and closed; Apache's mod_qos: connection
# closed without an answer); once they close, requests pass again; the 4th sign-in POST of a
# minute gets 429 while pages still answer.
# Needs LYRE_TEST_INSTANCE, LYRE_TEST_BUILD and (apache) LYRE_TEST_DB_PORT.
set -u
# Writes to a connection the server has reset must fail, not kill the script.
trap '' PIPE
if [ $# -ge 2 ]; then LABEL=$1; BASE=$2; else LABEL=lighttpd; BASE=$1; fi
. "$(dirname "$0")/lib.sh"
LYRE_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LYRE_ROOT
. "$LYRE_ROOT/scripts/lib.sh"
. "$LYRE_ROOT/scripts/instance.sh"
. "$LYRE_ROOT/scripts/apache.sh"

CSP="default-src 'none'; frame-ancestors 'none'"
file_headers() {
    all header_is Content-Security-Policy "^${CSP}\$" \; header_is X-Content-Type-Options '^nosniff$' \; \
        header_is Referrer-Policy '^strict-origin-when-cross-origin$'
}

# ---------------------------------------------------------------- headers of files
fetch "$BASE/static/favicon.svg"
check "an SVG under /static: 200 with CSP, nosniff and Referrer-Policy" all status_in 200 \; file_headers
fetch "$BASE/static/css/lyre.css"
check "a stylesheet under /static: the same headers" all status_in 200 \; file_headers
ART=""
for page in / /browse; do
    fetch "$BASE$page"
    ART=$(grep -o '/art/[^"?]*' "$BODY" | head -n 1)
    [ -z "$ART" ] || break
done
if [ -z "$ART" ] && [ -d "$LYRE_TEST_INSTANCE/media/art" ]; then
    ART=$(cd "$LYRE_TEST_INSTANCE/media" && find art -type f | head -n 1)
    [ -z "$ART" ] || ART="/$ART"
fi
if [ -n "$ART" ]; then
    fetch "$BASE$ART"
    check "cover art ($ART): the same headers" all status_in 200 \; file_headers
else
    printf '# no cover art in the instance: /art headers not checked\n'
fi

# ---------------------------------------------------------------- helpers
HOSTPORT=${BASE#http://}
HOSTPORT=${HOSTPORT%%/*}

# open_conns HOST PORT N: hold N connections (fds in CONNS), each in the middle of a request
# line: Apache accepts a connection only once data arrives (TCP_DEFER_ACCEPT), so silent
# ones would not count against its cap.
CONNS=()
open_conns() {
    local i fd
    for ((i = 0; i < $3; i++)); do
        exec {fd}<>"/dev/tcp/$1/$2" || return 1
        printf 'GET /static/favicon.svg HTTP/1.1\r\n' 1>&"$fd" 2>/dev/null
        CONNS+=("$fd")
    done
}
close_conns() {
    local fd
    for fd in "${CONNS[@]}"; do exec {fd}>&-; done
    CONNS=()
}

# one_request HOST PORT PATH [close]: a GET on a new connection (with "Connection: close"
# when asked); STATUS (000 when closed unanswered), CLOSED=yes when the server closed or
# reset the connection within 3 s (a kept-alive connection is left after that).
one_request() {
    local fd line rc=0
    STATUS=000
    CLOSED=""
    : >"$BODY"
    exec {fd}<>"/dev/tcp/$1/$2" || return 0
    local extra=""
    [ -z "${4:-}" ] || extra=$'Connection: close\r\n'
    printf 'GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n' "$3" "$1" "$extra" 1>&"$fd" 2>/dev/null
    timeout 3 cat <&"$fd" >"$BODY" 2>/dev/null || rc=$?
    [ "$rc" = 124 ] || CLOSED=yes
    exec {fd}>&-
    line=$(head -n 1 "$BODY")
    [ -z "$line" ] || STATUS=$(echo "$line" | cut -d' ' -f2)
    LAST_URL="$1:$2$3 (raw)"
}

# ---------------------------------------------------------------- defaults do not bite
# Apache's test instance has 64 workers (scripts/apache.sh), and a half-sent request holds
# one: 48 there, 100 on lighttpd.
HOLD=100
[ "$LABEL" != apache ] || HOLD=48
if open_conns "${HOSTPORT%:*}" "${HOSTPORT##*:}" "$HOLD"; then
    sleep 0.3
    one_request "${HOSTPORT%:*}" "${HOSTPORT##*:}" /static/favicon.svg close
    check "$HOLD connections open from one address: a request on one more answers 200" status_in 200
else
    fail "open $HOLD connections to $BASE"
fi
close_conns

# ---------------------------------------------------------------- a server with low limits
free_port() {
    local p
    for p in $(seq 18190 18290); do
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
    done
    return 1
}

INST=$(mktemp -d /tmp/lyre-limits.XXXXXX)
PORT=$(free_port) || { fail "no free port in 18190-18290"; finish; exit 1; }
LOG="$INST/server.log"
ASAN_DIR="$INST/asan"
mkdir -p "$ASAN_DIR" "$INST/media"
export LYRE_MAX_CONNS_PER_IP=4 LYRE_AUTH_POSTS_PER_MIN=3
stop_server() {
    if [ "$LABEL" = apache ]; then
        apache_stop "$INST"
        [ -z "${APACHE_RUN:-}" ] || { ASAN_DIR="$APACHE_RUN/asan"; }
    else
        lighttpd_stop "$INST"
    fi
}
started=""
if [ "$LABEL" = apache ]; then
    if apache_start "$INST" "$PORT" "$LYRE_TEST_BUILD" "${LYRE_TEST_DB_PORT:?}" \
        "$(instance_password "$LYRE_TEST_INSTANCE")" "$LOG" 2>"$INST/start.err"; then
        started=yes
    fi
else
    # The programs use the test instance's database (its lyre.conf); the server's own files
    # (pid, logs, sockets) stay in the temporary directory.
    if env LYRE_INSTANCE="$INST" LYRE_PORT="$PORT" LYRE_BUILD="$LYRE_TEST_BUILD" \
        LYRE_CONF="$LYRE_TEST_INSTANCE/lyre.conf" LYRE_STREAM_SECRET_FILE="$LYRE_TEST_INSTANCE/stream-secret" \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:log_path=$ASAN_DIR/asan}" \
        UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:log_path=$ASAN_DIR/ubsan}" \
        lighttpd -f "$LYRE_ROOT/etc/lighttpd.conf" >"$LOG" 2>&1 \
        && wait_for 20 page_answers "http://127.0.0.1:$PORT/"; then
        started=yes
    fi
fi
unset LYRE_MAX_CONNS_PER_IP LYRE_AUTH_POSTS_PER_MIN

if [ -z "$started" ]; then
    fail "start a $LABEL with low limits on port $PORT" "$(tail -n 20 "$LOG" "$INST/start.err" 2>/dev/null)"
else
    LOW="http://127.0.0.1:$PORT"
    one_request 127.0.0.1 "$PORT" /static/favicon.svg close
    check "low limits: a lone request answers 200" status_in 200
    open_conns 127.0.0.1 "$PORT" 3
    # The lone request's connection may still be counted for a moment after it closed
    # (a busy machine): a few tries, still only ever 3 others open.
    for try in 1 2 3 4 5; do
        one_request 127.0.0.1 "$PORT" /static/favicon.svg close
        [ "$STATUS" = 429 ] || break
        sleep 0.3
    done
    check "low limits: 4 connections (the cap): the 4th is served" status_in 200
    open_conns 127.0.0.1 "$PORT" 2
    sleep 0.3
    one_request 127.0.0.1 "$PORT" /static/favicon.svg
    if [ "$LABEL" = apache ]; then
        check "low limits: over the cap the connection is closed without an answer (mod_qos)" \
            all status_in 000 500 \; test -n "$CLOSED"
    else
        check "low limits: over the cap: 429 with Retry-After, connection closed" \
            all status_in 429 \; grep -qi '^Retry-After: [0-9]' "$BODY" \; test -n "$CLOSED"
    fi
    close_conns
    sleep 0.3
    one_request 127.0.0.1 "$PORT" /static/favicon.svg close
    check "low limits: once the connections closed, requests pass again" status_in 200

    # Three sign-in POSTs a minute: keep the four of them inside one minute.
    [ "$(date +%S | sed 's/^0//')" -lt 50 ] || sleep $((61 - $(date +%S | sed 's/^0//')))
    codes=""
    for _ in 1 2; do
        fetch "$LOW/login" -X POST -d login=x -d password=y
        codes="$codes $STATUS"
    done
    check "low limits: the first sign-in POSTs reach lyre-login (no 429:$codes)" eval "[[ '$codes' != *429* ]]"
    fetch "$LOW/reset" -X POST -d email=x@example.test
    fetch "$LOW/signup" -X POST -d username=x
    check "low limits: the 4th sign-in POST of the minute (/signup) gets 429 with Retry-After" \
        all status_in 429 \; header_is Retry-After '^[0-9]+$'
    fetch "$LOW/login" -X POST -d login=x -d password=y
    check "low limits: and so does the next POST /login" status_in 429
    fetch "$LOW/login"
    check "low limits: GET /login still answers 200" status_in 200
    fetch "$LOW/"
    check "low limits: pages still answer 200" status_in 200
    fetch "$LOW/stream/events" -X POST -d x=1
    check "low limits: other POSTs are not counted (403 for the missing CSRF token, not 429)" status_in 403
    stop_server 2>/dev/null
    n=$(find "$ASAN_DIR" -name 'asan.*' -o -name 'ubsan.*' 2>/dev/null | wc -l)
    check "low limits: no sanitizer report from the programs" test "$n" = 0
fi
[ "$LABEL" != apache ] || { apache_cleanup "$INST"; rm -rf "$LYRE_VAR/$(basename "$INST")-www"; }
rm -rf "$INST"
finish

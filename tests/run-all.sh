#!/bin/bash
# tests/run-all.sh — every test of Lyre on a fresh test instance (var/test: MariaDB 3408,
# lighttpd 8081, Apache 8082), with the sanitizer build in build-test/ (./lyrectl test
# builds it, then runs this).  Prints one "ok - ..." / "not ok - ..." line per test case
# and, as its very last line, "N passed, N failed"; exits non-zero on any failure.
# The instance is stopped on every way out, and a sanitizer report left by any program
# is a failure.
set -uo pipefail

LYRE_ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export LYRE_ROOT
. "$LYRE_ROOT/scripts/lib.sh"
. "$LYRE_ROOT/scripts/instance.sh"
. "$LYRE_ROOT/scripts/apache.sh"

BUILD=${LYRE_TEST_BUILD:-$LYRE_ROOT/build-test}
INST="$LYRE_VAR/test"
DB_PORT=3408
HTTP_PORT=8081
APACHE_PORT=8082
LOG="$LYRE_VAR/test.log"
RESULTS="$INST/results"
BROWSER_DIR="$LYRE_ROOT/tests/browser"
# A catalog big enough for paging (page_size 10 in the test instance), small enough to load
# in seconds.  The seed fixes it, so a failure can be replayed.
DEMO_ARGS=(--artists 300 --albums 900 --tracks 9000 --seed 20261125)
export LYRE_PAGE_SIZE=10
# Accounts: cheap password hashing (the cost is the bench's business, not the tests'), every
# request rechecks its session (a session ended by one worker is over for all at once), and
# the OpenID provider tests/integration/oidc.sh starts on 8093.
export LYRE_ARGON2="1 8192 1" LYRE_SESSION_RECHECK_MS=0 LYRE_OIDC_ISSUER="http://127.0.0.1:8093"
# The Subsonic schema the API's XML is validated against: ../shared/conformance beside the
# project (read in place, never copied into it), else the workplace's copy.
for d in "$LYRE_ROOT/../shared/conformance" /work/shared/conformance; do
    if [ -f "$d/subsonic-rest-api-1.16.1.xsd" ]; then
        LYRE_CONFORMANCE=$(cd "$d" && pwd)
        export LYRE_CONFORMANCE LYRE_SUBSONIC_XSD="$LYRE_CONFORMANCE/subsonic-rest-api-1.16.1.xsd"
        break
    fi
done
# The stand-in of Stripe's API (tests/stripe/standin.mjs) the billing suites start on this port.
export LYRE_STRIPE_BASE="http://127.0.0.1:8095"
# Every suite signs in from loopback: the web servers' per-address limit on sign-in POSTs
# (etc/limits.lua, mod_qos) is raised here; tests/integration/limits.sh checks it on a
# server of its own with a low limit.
export LYRE_AUTH_POSTS_PER_MIN=3000

# Sanitizer reports of the programs go to files (lighttpd: var/test/asan, Apache: its own
# run directory); each web server adds its log_path.  lyre-admin and the unit tests report
# on stderr and fail by their exit status.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
unset LSAN_OPTIONS

PASSED=0
FAILED=0
START=$(date +%s)

ok() { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$1"; }
not_ok() {
    FAILED=$((FAILED + 1))
    printf 'not ok - %s\n' "$1"
    shift
    local d
    for d in "$@"; do printf '#   %s\n' "$d"; done
}

# suite NAME CMD...: run a suite whose stdout has ok/not ok lines; add them to the counts.
# A suite that dies without reporting a failure still counts as one.
suite() {
    local name=$1 out rc p f
    shift
    out="$RESULTS/$name.tap"
    printf '# --- %s\n' "$name"
    if declare -F "$1" >/dev/null; then
        "$@" 2>&1 | tee "$out"
    else
        # A hung browser or server must not hold CI: every suite gets 10 minutes at most.
        timeout --foreground -k 10 600 "$@" 2>&1 | tee "$out"
    fi
    rc=${PIPESTATUS[0]}
    p=$(grep -c '^ok ' "$out")
    f=$(grep -c '^not ok ' "$out")
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        not_ok "$name: exited with status $rc"
    elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        not_ok "$name: ran no test"
    fi
}

TORN_DOWN=""
teardown() {
    [ -z "$TORN_DOWN" ] || return 0
    TORN_DOWN=yes
    printf '# stopping the test instance\n'
    apache_stop "$INST"
    lighttpd_stop "$INST"
    db_stop "$INST" || warn "MariaDB of $INST did not stop cleanly"
}

summary() {
    printf '# %ss, logs in var/test.log, var/test/\n' "$(($(date +%s) - START))"
    printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
}

on_signal() {
    not_ok "interrupted"
    teardown
    apache_cleanup "$INST"
    summary
    exit 1
}
trap on_signal INT TERM
trap teardown EXIT

# ---------------------------------------------------------------- the instance
# npm_install [DIR]: the npm packages of a test directory (default the browser tests'), from
# its lock file; skipped while node_modules matches the lock.
npm_install() {
    local dir=${1:-$BROWSER_DIR}
    local stamp="$dir/node_modules/.lyre-lock-sha"
    local want
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$want" >"$stamp"
}

# A tagged 20-second stereo tone with a cover beside it, ingested before the web servers start
# (Apache serves a copy of the media store): the track tests/integration/stream.sh plays.
stream_fixture() {
    local conf=$1 dir="$INST/fixtures/stream"
    mkdir -p "$dir"
    ffmpeg -nostdin -v error -f lavfi -i "sine=frequency=440:duration=20" \
        -f lavfi -i "sine=frequency=660:duration=20" -filter_complex "[0:a][1:a]amerge=inputs=2" \
        -ar 44100 -metadata title="Stream Test Tone" -metadata artist="Lyre Test Signals" \
        -metadata album="Test Tones" -metadata track=1 -y "$dir/tone.flac" || return 1
    ffmpeg -nostdin -v error -f lavfi -i "color=c=0x3060a0:s=600x600" -frames:v 1 -y "$dir/cover.jpg" \
        || return 1
    "$BUILD/tools/lyre-ingest" -c "$conf" --quiet "$dir"
}

# An album of three tagged tones (90, 45 and 45 s) with a cover: long enough for the player's
# browser test to browse while one plays, three rows to queue and reorder.
player_fixture() {
    local conf=$1 dir="$INST/fixtures/player" n=0 spec
    mkdir -p "$dir"
    for spec in "90 220 Long Walk" "45 330 Second Step" "45 294 Third Turn"; do
        n=$((n + 1))
        set -- $spec
        ffmpeg -nostdin -v error -f lavfi -i "sine=frequency=$2:duration=$1" \
            -f lavfi -i "sine=frequency=$(($2 * 3 / 2)):duration=$1" -filter_complex "[0:a][1:a]amerge=inputs=2" \
            -ar 44100 -metadata title="$3 $4" -metadata artist="Lyre Test Signals" \
            -metadata album="Player Test Album" -metadata track=$n -y "$dir/$n.flac" || return 1
    done
    ffmpeg -nostdin -v error -f lavfi -i "color=c=0x7040c0:s=600x600" -frames:v 1 -y "$dir/cover.jpg" || return 1
    "$BUILD/tools/lyre-ingest" -c "$conf" --quiet "$dir"
}

setup() {
    local password conf="$INST/lyre.conf" unit_conf="$INST/lyre-unit.conf"
    [ -x "$BUILD/cgi/lyre-catalog" ] || { warn "no build in $BUILD (run ./lyrectl test)"; return 1; }
    say "Fresh test instance in var/test"
    # Whatever a previous run left (an interrupted one) goes first.
    apache_stop "$INST"
    lighttpd_stop "$INST"
    db_stop "$INST"
    apache_cleanup "$INST"
    rm -rf "$INST" "$LYRE_VAR/test-www"
    mkdir -p "$INST/media" "$INST/asan" "$INST/screenshots" "$INST/html" "$RESULTS"
    : >"$LOG"
    say "Starting MariaDB on 127.0.0.1:$DB_PORT"
    db_start "$INST" "$DB_PORT" "$LOG" || return 1
    password=$(instance_password "$INST")
    write_lyre_conf "$conf" "$INST" "$DB_PORT" "$HTTP_PORT" "$password" socket "$LYRE_PAGE_SIZE"
    # check_db creates and drops its own tables: give it a database of its own.
    run_logged "$LOG" bash "$DB_SERVER" bootstrap "$INST" lyre_unit "$DB_USER" "$password" || return 1
    sed 's/^  name = "lyre";$/  name = "lyre_unit";/' "$conf" >"$unit_conf"
    say "Migrating, loading the demo catalog (${DEMO_ARGS[*]}) and tests/fixtures/catalog.sql"
    admin "$BUILD" "$conf" "$LOG" migrate || return 1
    admin "$BUILD" "$conf" "$LOG" demo --if-empty "${DEMO_ARGS[@]}" || return 1
    run_logged "$LOG" sh -c 'mariadb --defaults-file="$1/my.cnf" --user=root --default-character-set=utf8mb4 "$2" <"$3"' \
        _ "$INST" "$DB_NAME" "$LYRE_ROOT/tests/fixtures/catalog.sql" || return 1
    say "Ingesting the streaming test's fixture audio"
    run_logged "$LOG" stream_fixture "$conf" || return 1
    say "Ingesting the player test's fixture album"
    run_logged "$LOG" player_fixture "$conf" || return 1
    say "Installing the browser test's npm packages (npm ci)"
    run_logged "$LOG" npm_install || return 1
    run_logged "$LOG" npm_install "$LYRE_ROOT/tests/subsonic" || return 1
    run_logged "$LOG" npm_install "$LYRE_ROOT/tests/stripe" || return 1
    say "Starting lighttpd on 127.0.0.1:$HTTP_PORT"
    lighttpd_start "$INST" "$HTTP_PORT" "$BUILD" "$conf" "$LOG" || return 1
    say "Starting Apache on 127.0.0.1:$APACHE_PORT"
    apache_start "$INST" "$APACHE_PORT" "$BUILD" "$DB_PORT" "$password" "$LOG" || return 1
}

# ---------------------------------------------------------------- suites
# make check, with one result line per Check test (CK_VERBOSITY=verbose) read back from the
# .log automake leaves beside each test program; a test program that is not Check-based
# (no such lines) counts as one case, by its .trs verdict.
unit_tests() {
    local rc=0 trs log line name status found verdict prog
    find "$BUILD" -name '*.trs' -delete 2>/dev/null
    if ! make -C "$BUILD" -j2 check \
        AM_TESTS_ENVIRONMENT='CK_FORK=yes CK_VERBOSITY=verbose; export CK_FORK CK_VERBOSITY;' \
        LYRE_TEST_CONF="$INST/lyre-unit.conf" >"$RESULTS/make-check.out" 2>&1; then
        rc=1
    fi
    while IFS= read -r trs; do
        log=${trs%.trs}.log
        prog=${trs#"$BUILD"/}
        prog=${prog%.trs}
        found=0
        while IFS= read -r line; do
            # file:line:P|F|E:tcase:test:iteration: message
            if [[ $line =~ ^[^:]+:[0-9]+:([PFE]):([^:]*):([^:]*):([0-9]+):[[:space:]]?(.*)$ ]]; then
                found=1
                status=${BASH_REMATCH[1]}
                name="unit: $(basename "$prog")/${BASH_REMATCH[2]}/${BASH_REMATCH[3]}"
                [ "${BASH_REMATCH[4]}" = 0 ] || name="$name#${BASH_REMATCH[4]}"
                if [ "$status" = P ]; then
                    echo "ok - $name"
                else
                    echo "not ok - $name"
                    echo "#   ${BASH_REMATCH[5]}"
                fi
            fi
        done <"$log"
        verdict=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
        if [ "$verdict" = SKIP ]; then
            echo "# $prog: skipped"
        elif [ "$found" = 0 ] && [ "$verdict" = PASS ]; then
            echo "ok - unit: $prog"
        elif [ "$verdict" != PASS ] && { [ "$found" = 0 ] || ! grep -q ':[FE]:' "$log"; }; then
            # Died without a failing case of its own (crash, sanitizer, bad exit): one failure.
            echo "not ok - unit: $prog ($verdict)"
            tail -n 20 "$log" | sed 's/^/#   /'
        fi
    done < <(find "$BUILD" -name '*.trs' | sort)
    if [ "$rc" -ne 0 ] && [ -z "$(find "$BUILD" -name '*.trs' -print -quit)" ]; then
        echo "not ok - unit: make check failed before running the tests"
        tail -n 30 "$RESULTS/make-check.out" | sed 's/^/#   /'
    fi
    return "$rc"
}

# Any report the sanitizers wrote while the servers ran is a failure.
sanitizer_reports() {
    local dir=$1 label=$2 f n=0
    for f in "$dir"/asan.* "$dir"/ubsan.*; do
        [ -e "$f" ] || continue
        n=$((n + 1))
        not_ok "sanitizers: $label: report $(basename "$f")"
        sed 's/^/#   /' "$f" | head -n 60
    done
    [ "$n" -gt 0 ] || ok "sanitizers: no report from the FastCGI programs under $label"
}

# ---------------------------------------------------------------- main
if ! setup; then
    not_ok "test instance setup (see var/test.log)"
    teardown
    apache_cleanup "$INST"
    summary
    exit 1
fi
export LYRE_TEST_INSTANCE="$INST" LYRE_TEST_DB_PORT="$DB_PORT" LYRE_TEST_BUILD="$BUILD"
export LYRE_TEST_HTML="$INST/html" LYRE_TEST_SCREENSHOTS="$INST/screenshots"
LIGHTTPD_URL="http://127.0.0.1:$HTTP_PORT"
APACHE_URL="http://127.0.0.1:$APACHE_PORT"

suite unit unit_tests
suite lighttpd bash "$LYRE_ROOT/tests/integration/pages.sh" lighttpd "$LIGHTTPD_URL"
suite apache bash "$LYRE_ROOT/tests/integration/pages.sh" apache "$APACHE_URL"
suite stream-lighttpd bash "$LYRE_ROOT/tests/integration/stream.sh" lighttpd "$LIGHTTPD_URL" redirect
suite stream-apache bash "$LYRE_ROOT/tests/integration/stream.sh" apache "$APACHE_URL" x-sendfile
suite cache-lighttpd bash "$LYRE_ROOT/tests/integration/cache.sh" lighttpd "$LIGHTTPD_URL"
suite cache-apache bash "$LYRE_ROOT/tests/integration/cache.sh" apache "$APACHE_URL"
suite database-down bash "$LYRE_ROOT/tests/integration/db-down.sh" "lighttpd=$LIGHTTPD_URL" "apache=$APACHE_URL"
suite session-lighttpd bash "$LYRE_ROOT/tests/integration/session.sh" lighttpd "$LIGHTTPD_URL"
suite session-apache bash "$LYRE_ROOT/tests/integration/session.sh" apache "$APACHE_URL"
suite auth bash "$LYRE_ROOT/tests/integration/auth.sh" "$LIGHTTPD_URL"
suite account bash "$LYRE_ROOT/tests/integration/account.sh" "$LIGHTTPD_URL" "$INST/mail"
suite oidc bash "$LYRE_ROOT/tests/integration/oidc.sh" "$LIGHTTPD_URL"
suite admin-users bash "$LYRE_ROOT/tests/integration/admin-users.sh" lighttpd "$LIGHTTPD_URL"
suite limits-lighttpd bash "$LYRE_ROOT/tests/integration/limits.sh" lighttpd "$LIGHTTPD_URL"
suite limits-apache bash "$LYRE_ROOT/tests/integration/limits.sh" apache "$APACHE_URL"
suite search-lighttpd bash "$LYRE_ROOT/tests/integration/search.sh" lighttpd "$LIGHTTPD_URL"
suite search-apache bash "$LYRE_ROOT/tests/integration/search.sh" apache "$APACHE_URL"
suite library-lighttpd bash "$LYRE_ROOT/tests/integration/library.sh" lighttpd "$LIGHTTPD_URL"
suite library-apache bash "$LYRE_ROOT/tests/integration/library.sh" apache "$APACHE_URL"
suite playlists-lighttpd bash "$LYRE_ROOT/tests/integration/playlists.sh" lighttpd "$LIGHTTPD_URL"
suite playlists-apache bash "$LYRE_ROOT/tests/integration/playlists.sh" apache "$APACHE_URL"
suite import-lighttpd bash "$LYRE_ROOT/tests/integration/import.sh" lighttpd "$LIGHTTPD_URL"
suite import-apache bash "$LYRE_ROOT/tests/integration/import.sh" apache "$APACHE_URL"
suite stats-lighttpd env LABEL=lighttpd bash "$LYRE_ROOT/tests/integration/stats.sh" "$LIGHTTPD_URL"
suite stats-apache env LABEL=apache bash "$LYRE_ROOT/tests/integration/stats.sh" "$APACHE_URL"
suite assets-lighttpd bash "$LYRE_ROOT/tests/integration/assets.sh" lighttpd "$LIGHTTPD_URL"
suite assets-apache bash "$LYRE_ROOT/tests/integration/assets.sh" apache "$APACHE_URL"
suite subsonic bash "$LYRE_ROOT/tests/integration/subsonic.sh" lighttpd "$LIGHTTPD_URL"
suite subsonic-media-lighttpd bash "$LYRE_ROOT/tests/integration/subsonic-media.sh" lighttpd "$LIGHTTPD_URL" redirect
suite subsonic-media-apache bash "$LYRE_ROOT/tests/integration/subsonic-media.sh" apache "$APACHE_URL" x-sendfile
suite subsonic-client env LABEL=subsonic-client node "$LYRE_ROOT/tests/subsonic/subsonic-client.mjs" "$LIGHTTPD_URL"
suite subsonic-client-apache env LABEL=subsonic-client-apache node "$LYRE_ROOT/tests/subsonic/subsonic-client.mjs" "$APACHE_URL"
suite train bash "$LYRE_ROOT/tests/integration/train.sh" lighttpd "$LIGHTTPD_URL"
suite recommend-lighttpd bash "$LYRE_ROOT/tests/integration/recommend.sh" lighttpd "$LIGHTTPD_URL"
suite recommend-apache bash "$LYRE_ROOT/tests/integration/recommend.sh" apache "$APACHE_URL"
suite queue-lighttpd bash "$LYRE_ROOT/tests/integration/queue.sh" lighttpd "$LIGHTTPD_URL"
suite queue-apache bash "$LYRE_ROOT/tests/integration/queue.sh" apache "$APACHE_URL"
suite billing bash "$LYRE_ROOT/tests/integration/billing.sh" lighttpd "$LIGHTTPD_URL"
suite entitlements bash "$LYRE_ROOT/tests/integration/entitlements.sh" lighttpd "$LIGHTTPD_URL"
suite html node "$BROWSER_DIR/validate.mjs" "$INST/html"
suite browser node "$BROWSER_DIR/browse.mjs" "$LIGHTTPD_URL" "$INST/screenshots"
suite browser-account node "$BROWSER_DIR/account.mjs" "$LIGHTTPD_URL" "$INST/screenshots"
suite browser-playlists node "$BROWSER_DIR/playlists.mjs" "$LIGHTTPD_URL" "$INST/screenshots"
suite player node "$BROWSER_DIR/player.mjs" "$LIGHTTPD_URL" "$INST/screenshots"
suite browser-recommend node "$BROWSER_DIR/recommend.mjs" "$LIGHTTPD_URL" "$INST/screenshots"
suite browser-queue node "$BROWSER_DIR/queue.mjs" "$LIGHTTPD_URL" "$INST/screenshots"
suite browser-spots node "$BROWSER_DIR/spots.mjs" "$LIGHTTPD_URL" "$INST/screenshots"
# Last: it ingests (and then deletes) its own fixtures, so the pages above never see them.
suite ingest env LYRE_CONF="$INST/lyre.conf" LYRE_BUILD="$BUILD" bash "$LYRE_ROOT/tests/integration/ingest.sh"

teardown
sanitizer_reports "$INST/asan" lighttpd
sanitizer_reports "${APACHE_RUN:-$(cat "$INST/apache-run-dir" 2>/dev/null)}/asan" apache
apache_cleanup "$INST"
summary
[ "$FAILED" -eq 0 ]

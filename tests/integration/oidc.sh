#!/bin/bash
# tests/integration/oidc.sh BASE_URL [PROVIDER_URL] — social login (OpenID Connect, code
# flow with PKCE) against a real provider: tests/oidc/provider.mjs (npm oidc-provider),
# started here on PROVIDER_URL's port (default http://127.0.0.1:8093) and stopped at the
# end.  The instance's lyre.conf must list it as providers "test" (client lyre-rs, RS256)
# and "test-es" (lyre-es, ES256): LYRE_OIDC_ISSUER=PROVIDER_URL in scripts/instance.sh.
#
# Curl plays the browser, one cookie jar per visitor; the provider signs in the account
# named by login_hint without asking (alice: verified address, bob: unverified, carol:
# verified, dave: no address, erin: carol's address, verified).  The instance's MariaDB ($LYRE_TEST_INSTANCE) provides
# the password accounts that must (or must never) be linked, and the checks HTTP cannot
# make.  Re-runnable: what an earlier run left of these accounts is removed first.
set -u
BASE=${1:?usage: oidc.sh BASE_URL [PROVIDER_URL]}
PROVIDER=${2:-http://127.0.0.1:${LYRE_OIDC_PORT:-8093}}
LABEL=${LABEL:-}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
OIDC_DIR=$(cd "$HERE/../oidc" && pwd)
INST=${LYRE_TEST_INSTANCE:-$HERE/../../var/test}
RUN=$(date +%s%N | cut -c 10-16)
PASS="harbour lantern $RUN"
PROVIDER_PID=""

sql() { mariadb --defaults-file="$INST/my.cnf" --user=root lyre -N -B -e "$1"; }

stop_provider() {
    [ -n "$PROVIDER_PID" ] || return 0
    kill "$PROVIDER_PID" 2>/dev/null
    wait "$PROVIDER_PID" 2>/dev/null
    PROVIDER_PID=""
}
trap 'stop_provider; rm -rf "$T_TMP"' EXIT

# ---------------------------------------------------------------- the provider
start_provider() {
    local port=${PROVIDER##*:} web=${BASE##*:} i
    port=${port%%/*}
    web=${web%%/*}
    if [ ! -d "$OIDC_DIR/node_modules/oidc-provider" ]; then
        (cd "$OIDC_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$T_TMP/npm.log" 2>&1 \
            || { cat "$T_TMP/npm.log"; return 1; }
    fi
    LYRE_OIDC_WEB_PORTS="8081,8082,8121,$web" node "$OIDC_DIR/provider.mjs" "$port" \
        >"$T_TMP/provider.log" 2>&1 &
    PROVIDER_PID=$!
    for i in $(seq 1 100); do
        grep -q '^ready$' "$T_TMP/provider.log" && return 0
        kill -0 "$PROVIDER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "the provider did not start:"
    cat "$T_TMP/provider.log"
    PROVIDER_PID=""
    return 1
}

# Not in a subshell: the EXIT trap must know the provider's pid.
if ! start_provider >"$T_TMP/start.log" 2>&1; then
    fail "oidc: the test provider starts on $PROVIDER" "$(cat "$T_TMP/start.log")"
    finish
    exit 1
fi
pass "oidc: the test provider starts on $PROVIDER"

# ---------------------------------------------------------------- helpers
jar() { echo "$T_TMP/$1.jar"; }
get() {   # JAR URL [CURL ARGS]
    local j=$1 u=$2
    shift 2
    case $u in /*) u=$BASE$u ;; esac
    fetch "$u" -b "$(jar "$j")" -c "$(jar "$j")" "$@"
}
post() {  # JAR PATH NAME=VALUE...
    local j=$1 p=$2 kv args=()
    shift 2
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    fetch "$BASE$p" -b "$(jar "$j")" -c "$(jar "$j")" "${args[@]}"
}
location() { header_value Location; }
has_session() { grep -qi '^Set-Cookie: lyre_session=[0-9a-f]' "$HDRS" || { echo "no session cookie"; return 1; }; }
no_session() { ! grep -qi '^Set-Cookie: lyre_session=[0-9a-f]' "$HDRS" || { echo "a session started"; return 1; }; }
page_csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' "$BODY" | head -n 1 | sed 's/.*value="//; s/"$//'; }

# authorize JAR PROVIDER ACCOUNT [QUERY]: GET /auth/PROVIDER/start?QUERY, then through the
# provider as ACCOUNT, up to the redirect back to us: its URL in $CALLBACK (not fetched).
CALLBACK=""
START_LOCATION=""
authorize() {
    local j=$1 name=$2 who=$3 q=${4:-} url i
    CALLBACK=""
    # A new provider session each time (its cookies are the ones named "_..."): switching
    # accounts inside one would have it ask to sign out first.
    if [ -f "$(jar "$j")" ]; then
        awk -F '\t' '$6 !~ /^_/' "$(jar "$j")" >"$(jar "$j").tmp" && mv "$(jar "$j").tmp" "$(jar "$j")"
    fi
    get "$j" "/auth/$name/start${q:+?$q}"
    START_LOCATION=$(location)
    [ "$STATUS" = 303 ] || return 1
    url="$START_LOCATION&login_hint=$who"
    for i in 1 2 3 4 5 6; do
        case $url in
            "$PROVIDER"/*) ;;
            *) CALLBACK=$url; return 0 ;;
        esac
        get "$j" "$url"
        url=$(location)
        [ -n "$url" ] || return 1
        case $url in /*) url=$PROVIDER$url ;; esac
    done
    return 1
}

# signin JAR PROVIDER ACCOUNT [QUERY]: the whole round trip; the callback's answer is in
# $STATUS/$HDRS/$BODY.
signin() {
    authorize "$@" || return 1
    get "$1" "$CALLBACK"
}

identity_user() { sql "SELECT user_id FROM user_identities WHERE issuer = '$PROVIDER' AND subject = '$1'"; }
sessions_of() { sql "SELECT COUNT(*) FROM sessions WHERE user_id = ${1:-0} AND method = 'oidc:${2:-test}'"; }
signed_in_as() {  # JAR USERNAME: /account answers for USERNAME
    get "$1" /account
    status_in 200 && grep -q "data-user=\"$2\"" "$BODY" && return 0
    echo "not signed in as $2"
    return 1
}
start_has() {  # REGEX...: the provider URL /auth/NAME/start redirected to matches each
    local re
    for re in "$@"; do
        [[ $START_LOCATION =~ $re ]] || { echo "start location lacks /$re/: $START_LOCATION"; return 1; }
    done
}
is() { [ "$1" = "$2" ] && return 0; echo "'$1', wanted '$2'"; return 1; }
isnt() { [ "$1" != "$2" ] && return 0; echo "both are '$1'"; return 1; }

# ---------------------------------------------------------------- fixtures
# A password account per address (argon2id of $PASS made here would need a tool: this
# hash is of "carol's lyre password 7", any argon2 parameters verify).
HASH='$argon2id$v=19$m=8192,t=1,p=1$bHlyZS1vaWRjLXRlc3QhIQ$ilOZfAhuiektZw8aQrOJ4oXbtQ2CQb96QclTgCpiayg'
LOCAL_PASS="carol's lyre password 7"
sql "DELETE FROM users WHERE email_key IN ('alice@example.test','bob@example.test','carol@example.test')
       OR id IN (SELECT user_id FROM user_identities WHERE issuer = '$PROVIDER');
     DELETE FROM auth_throttle WHERE scope = 'login-account' AND subject LIKE 'oidc-%';" || exit 1
add_local() {  # USERNAME EMAIL
    sql "INSERT INTO users (username, username_key, email, email_key, email_verified_at, password_hash)
         VALUES ('$1', '$1', '$2', '$2', NOW(3), '$HASH'); SELECT LAST_INSERT_ID();"
}
BOB_LOCAL=$(add_local "oidc-bob-$RUN" bob@example.test)
CAROL_LOCAL=$(add_local "oidc-carol-$RUN" carol@example.test)
DAVE_LOCAL=$(add_local "oidc-dave-$RUN" "oidc-dave-$RUN@example.org")

# ---------------------------------------------------------------- unknown provider
get x /auth/nope/start
check "oidc: unknown provider: /auth/nope/start is 404" status_in 404
get x "/auth/nope/callback?code=x&state=y"
check "oidc: unknown provider: /auth/nope/callback is 404" status_in 404

# ---------------------------------------------------------------- alice, RS256: a new account
authorize a1 test alice "next=%2Falbum%2F1"
check "oidc: start redirects to the provider with code, PKCE S256, state and nonce" start_has \
    "^$PROVIDER/" '[?&]response_type=code(&|$)' '[?&]client_id=lyre-rs(&|$)' \
    '[?&]code_challenge_method=S256(&|$)' '[?&]code_challenge=[A-Za-z0-9_-]{43}(&|$)' \
    '[?&]state=[0-9a-f]{64}(&|$)' '[?&]nonce=[0-9a-f]{64}(&|$)' \
    '[?&]redirect_uri=[^&]*%2Fauth%2Ftest%2Fcallback(&|$)' '[?&]scope=[^&]*openid'
get a2 /auth/test/start
check "oidc: the flow cookie is HttpOnly, SameSite=Lax, Path=/auth/, 10 minutes" \
    header_is Set-Cookie '^lyre_oidc=[0-9a-f]{64}; Path=/auth/; Max-Age=600; HttpOnly; SameSite=Lax'
check "oidc: the provider sends alice back to the callback" eval "[[ \$CALLBACK == $BASE/auth/test/callback?* ]]"
get a1 "$CALLBACK"
ALICE_CALLBACK=$CALLBACK
check "oidc: RS256: the callback signs alice in and goes on to next" all \
    status_in 303 \; header_is Location '^/album/1$' \; has_session
ALICE=$(identity_user alice)
check "oidc: RS256: a new listener account holds the identity, verified address, no password" \
    is "$(sql "SELECT email, email_verified_at IS NOT NULL, password_hash IS NULL, role, display_name
               FROM users WHERE id = ${ALICE:-0}")" "alice@example.test	1	1	listener	Alice Example"
ALICE_NAME=$(sql "SELECT username FROM users WHERE id = ${ALICE:-0}")
check "oidc: RS256: alice's account page answers for her" signed_in_as a1 "$ALICE_NAME"
check "oidc: the session records the method oidc:test" is "$(sessions_of "$ALICE")" 1

get a1 "$ALICE_CALLBACK"
check "oidc: a replayed callback is refused (400), no new session" all \
    status_in 400 \; body_has "expired" \; eval "[ \"\$(sessions_of $ALICE)\" = 1 ]"

signin a3 test alice
check "oidc: signing in again with the same identity: the same account" all \
    status_in 303 \; header_is Location '^/$' \; eval "[ \"\$(identity_user alice)\" = $ALICE ]" \
    \; eval "[ \"\$(sessions_of $ALICE)\" = 2 ]"
check "oidc: still one account for alice's address" \
    is "$(sql "SELECT COUNT(*) FROM users WHERE email_key = 'alice@example.test'")" 1

# ---------------------------------------------------------------- ES256
signin e1 test-es alice
check "oidc: ES256 client: the ID token verifies and signs alice in" all \
    status_in 303 \; eval "[ \"\$(sessions_of $ALICE test-es)\" = 1 ]"
check "oidc: ES256 client: same issuer and subject, same account" signed_in_as e1 "$ALICE_NAME"

# ---------------------------------------------------------------- state
authorize s1 test alice
get s1 "${CALLBACK/state=/state=0}"
check "oidc: a changed state is refused (400)" all status_in 400 \; body_has "expired"
get s1 "$(sed 's/[?&]state=[^&]*//' <<<"$CALLBACK")"
check "oidc: a missing state is refused (400)" status_in 400
authorize s2 test alice
get s3 "$CALLBACK"
check "oidc: a callback in another browser (no flow cookie) is refused (400)" status_in 400
get s2 "$CALLBACK"
check "oidc: the flow those attempts did not consume still completes" status_in 303

# ---------------------------------------------------------------- provider errors
signin d1 test deny
check "oidc: the provider's access_denied ends on a clear page" all \
    status_in 400 \; body_has "Sign-in cancelled" \; body_has 'href="/login"' \; no_session
get d1 "/auth/test/callback?error=server_error&error_description=%3Cscript%3Ex%3C/script%3E&state=x"
check "oidc: another provider error is named, its description not shown" all \
    status_in 400 \; body_has "server_error" \; body_lacks "<script>x" \; body_lacks "script&gt;x"

# ---------------------------------------------------------------- a tampered code
authorize t1 test alice
code=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$CALLBACK")
get t1 "${CALLBACK/code=$code/code=${code}x}"
check "oidc: a tampered code ends on the error page (400), not a 500" all \
    status_in 400 \; body_has "could not be verified" \; no_session

# ---------------------------------------------------------------- bob: unverified address
signin b1 test bob
BOB=$(identity_user bob)
check "oidc: an unverified address never leads to linking" all \
    status_in 303 \; eval "! [[ \"\$(location)\" == */auth/link* ]]"
check "oidc: bob gets a new account of his own, without the address he did not prove" \
    all eval "[ -n \"$BOB\" ] && [ \"$BOB\" != \"$BOB_LOCAL\" ]" \; \
    eval "[ \"\$(sql 'SELECT email IS NULL FROM users WHERE id = ${BOB:-0}')\" = 1 ]"
check "oidc: the password account with bob's address has no identity" \
    is "$(sql "SELECT COUNT(*) FROM user_identities WHERE user_id = $BOB_LOCAL")" 0

# ---------------------------------------------------------------- carol: verified address
signin c1 test carol "next=%2Fbrowse"
check "oidc: a verified address of an existing account asks for confirmation" all \
    status_in 303 \; header_is Location '^/auth/link$' \; header_is Set-Cookie '^lyre_oidc=[0-9a-f]{64};'
check "oidc: nothing is linked before the confirmation" is "$(identity_user carol)" ""
get c1 /auth/link
check "oidc: the link page names the account and asks for its password" all \
    status_in 200 \; body_has "oidc-carol-$RUN" \; body_has 'name="password"' \; body_has 'action="/auth/link"'
T=$(page_csrf)
post c1 /auth/link "action=link" "password=$LOCAL_PASS"
check "oidc: confirming without the CSRF token is refused (403)" status_in 403
post c1 /auth/link "csrf=$T" "action=link" "password=not $LOCAL_PASS"
check "oidc: a wrong password does not link" all \
    status_in 422 \; body_has "not the password" \; eval "[ -z \"\$(identity_user carol)\" ]"
cp "$(jar c1)" "$(jar c1-before)"
post c1 /auth/link "csrf=$T" "action=link" "password=$LOCAL_PASS"
check "oidc: the right password links and signs in" all \
    status_in 303 \; header_is Location '^/browse$' \; eval "[ \"\$(identity_user carol)\" = $CAROL_LOCAL ]"
check "oidc: carol is signed in to her password account" signed_in_as c1 "oidc-carol-$RUN"
post c1-before /auth/link "csrf=$T" "action=link" "password=$LOCAL_PASS"
check "oidc: the link confirmation is single-use (replayed: 400)" all status_in 400 \; no_session
signin c2 test carol
check "oidc: later, carol's identity signs in to that account directly" all \
    status_in 303 \; header_is Location '^/$' \; eval "[ \"\$(sessions_of $CAROL_LOCAL)\" -ge 2 ]"

signin r1 test erin
check "oidc: erin, claiming carol's verified address too, is asked for carol's password" all \
    status_in 303 \; header_is Location '^/auth/link$'
get r1 /auth/link
T=$(page_csrf)
post r1 /auth/link "csrf=$T" "action=new"
ERIN=$(identity_user erin)
check "oidc: declining the link makes a separate account, without the address" all \
    status_in 303 \; has_session \; eval "[ -n \"$ERIN\" ] && [ \"$ERIN\" != $CAROL_LOCAL ]" \; \
    eval "[ \"\$(sql 'SELECT email IS NULL FROM users WHERE id = ${ERIN:-0}')\" = 1 ]"

# ---------------------------------------------------------------- linking from the account page
get l1 /auth/test/start?link=1
check "oidc: linking needs a signed-in user" all status_in 303 \; header_is Location '^/login\?next='
get l1 /login
T=$(page_csrf)
post l1 /login "csrf=$T" "login=oidc-dave-$RUN" "password=$LOCAL_PASS"
check "oidc: the account owner signs in with the password" status_in 303
signin l1 test dave "link=1"
check "oidc: a signed-in user links a new identity and returns to the account page" all \
    status_in 303 \; header_is Location '^/account$' \; eval "[ \"\$(identity_user dave)\" = $DAVE_LOCAL ]"
signin l1 test alice "link=1"
check "oidc: an identity of another account is not moved (409)" all \
    status_in 409 \; eval "[ \"\$(identity_user alice)\" = $ALICE ]"
signin l2 test dave
check "oidc: the linked identity signs in to that account" signed_in_as l2 "oidc-dave-$RUN"

finish

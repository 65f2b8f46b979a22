#!/bin/bash
# tests/integration/session.sh LABEL BASE_URL — the session check every program shares
# (lib/session.c, lib/app.c): signed-in pages out of the page cache with the visitor's own
# account area, ETags and caching headers per visitor, expired/idle/ended/disabled sessions,
# cookies that are not ours, ROUTE_LOGIN redirects, CSRF on every POST, and the security
# headers of every program.  Sessions are made directly in SQL (the login flow has its own
# tests in auth.sh), so this tests the check alone.
# Needs LYRE_TEST_INSTANCE; the instance runs with session.recheck_ms = 0.
set -u
LABEL=$1
BASE=$2
. "$(dirname "$0")/lib.sh"

sql() {
    mariadb --defaults-file="$LYRE_TEST_INSTANCE/my.cnf" --user=root --default-character-set=utf8mb4 \
        -N -B lyre -e "$1"
}
hex32() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# new_session USERNAME: a user (made once) and a fresh session; prints "TOKEN CSRF USER_ID".
new_session() {
    local name=$1 key token csrf hash uid
    key=$(printf %s "$name" | tr 'A-Z' 'a-z')
    sql "INSERT IGNORE INTO users (username, username_key, email, email_key, display_name)
         VALUES ('$name', '$key', '$key@session.test', '$key@session.test', '')" || return 1
    uid=$(sql "SELECT id FROM users WHERE username_key = '$key'")
    token=$(hex32)
    csrf=$(hex32)
    hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
    sql "INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at)
         VALUES ($uid, UNHEX('$hash'), '$csrf', NOW(3) + INTERVAL 1 DAY)" || return 1
    echo "$token $csrf $uid"
}
# set_cookie_has REGEX: some Set-Cookie header of the answer matches.
set_cookie_has() { tr -d '\r' <"$HDRS" | grep -i '^Set-Cookie: ' | cut -d' ' -f2- | grep -Eq "$1"; }
session_row() { sql "SELECT $2 FROM sessions WHERE token_hash = UNHEX(SHA2('$1', 256))"; }

PAGE=/album/900004
SUFFIX="$LABEL-$$"
read -r TOKEN CSRF UID_A <<<"$(new_session "Sess_A_${SUFFIX//-/_}")"
read -r TOKEN_B CSRF_B UID_B <<<"$(new_session "Sess_B_${SUFFIX//-/_}")"
sql "UPDATE users SET display_name = '<b>Ada</b> & \"co\"' WHERE id = $UID_A"

# ---------------------------------------------------------------- cached pages, per visitor
for _ in 1 2 3 4; do fetch "$BASE$PAGE"; done
check "anonymous: the account area offers sign in and sign up" \
    all status_in 200 \; body_has '<!--account--><div class="account" id="account"><a class="account-signin" href="/login">' \; body_has 'href="/signup"'
check "anonymous: a CSRF cookie for the page's scripts" set_cookie_has '^lyre_csrf=[0-9a-f]{64}; Path=/; SameSite=Strict$'
ANON_ETAG=$(header_value ETag)
check "anonymous: public cache headers" all header_is Cache-Control '^no-cache$' \; test -n "$ANON_ETAG"

for _ in 1 2 3 4; do fetch "$BASE$PAGE" -b "lyre_session=$TOKEN"; done
check "signed in: the same cached page with this visitor's account area" \
    all status_in 200 \; body_has 'data-csrf="'"$CSRF"'"' \; body_has '&lt;b&gt;Ada&lt;/b&gt; &amp; "co"' \; body_lacks 'class="account-signin"'
check "signed in: the display name is escaped, never markup" body_lacks '<b>Ada</b>'
check "signed in: exactly one account area" test "$(grep -o '<!--account-->' "$BODY" | wc -l)" = 1
SIGNED_ETAG=$(header_value ETag)
check "signed in: private, varies by cookie, an ETag of its own" \
    all header_is Cache-Control '^private, no-cache$' \; header_is Vary Cookie \; test "$SIGNED_ETAG" != "$ANON_ETAG"
fetch "$BASE$PAGE" -b "lyre_session=$TOKEN" -H "If-None-Match: $SIGNED_ETAG"
check "signed in: If-None-Match with their ETag: 304" all status_in 304 \; test ! -s "$BODY"
fetch "$BASE$PAGE" -b "lyre_session=$TOKEN" -H "If-None-Match: $ANON_ETAG"
check "signed in: the anonymous ETag does not match (200, their own page)" all status_in 200 \; body_has "$CSRF"
fetch "$BASE$PAGE" -H "If-None-Match: $SIGNED_ETAG"
check "anonymous: a signed-in ETag does not match" all status_in 200 \; body_lacks "$CSRF"
fetch "$BASE$PAGE" -b "lyre_session=$TOKEN_B"
check "another user's cookie shows that user, not the first" all status_in 200 \; body_has "$CSRF_B" \; body_lacks "$CSRF" \; body_lacks 'Ada'
fetch "$BASE/" -b "lyre_session=$TOKEN"
check "signed in: the home page too" all status_in 200 \; body_has "data-csrf=\"$CSRF\""
fetch "$BASE/no/such/page" -b "lyre_session=$TOKEN"
check "signed in: an error page shows the account area too" all status_in 404 \; body_has "data-csrf=\"$CSRF\""

# ---------------------------------------------------------------- sessions that are over
fetch "$BASE$PAGE" -b "lyre_session=$(hex32)"
check "an unknown session id: anonymous page, cookie cleared" \
    all status_in 200 \; body_has 'class="account-signin"' \; set_cookie_has '^lyre_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax$'
for bad in "x" "$(printf 'g%.0s' {1..64})" "${TOKEN}00" "%00%ff" "';DROP TABLE sessions;--"; do
    fetch "$BASE$PAGE" -b "lyre_session=$bad"
    check "a malformed session cookie ($bad): anonymous page, never an error" all status_in 200 \; body_has 'class="account-signin"'
done
check "the sessions table survived" test "$(sql "SELECT COUNT(*) >= 2 FROM sessions")" = 1

read -r T_EXP _ _ <<<"$(new_session "Sess_A_${SUFFIX//-/_}")"
sql "UPDATE sessions SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE token_hash = UNHEX(SHA2('$T_EXP', 256))"
fetch "$BASE$PAGE" -b "lyre_session=$T_EXP"
check "a session past its absolute timeout: anonymous" all status_in 200 \; body_has 'class="account-signin"'
read -r T_IDLE _ _ <<<"$(new_session "Sess_A_${SUFFIX//-/_}")"
sql "UPDATE sessions SET last_seen_at = NOW(3) - INTERVAL 31 DAY WHERE token_hash = UNHEX(SHA2('$T_IDLE', 256))"
fetch "$BASE$PAGE" -b "lyre_session=$T_IDLE"
check "a session idle longer than session.idle_timeout: anonymous" all status_in 200 \; body_has 'class="account-signin"'
read -r T_SEEN _ _ <<<"$(new_session "Sess_A_${SUFFIX//-/_}")"
sql "UPDATE sessions SET last_seen_at = NOW(3) - INTERVAL 5 MINUTE WHERE token_hash = UNHEX(SHA2('$T_SEEN', 256))"
fetch "$BASE$PAGE" -b "lyre_session=$T_SEEN" -A "LyreTest/1.0 (session.sh)"
check "a request refreshes 'last seen' (at most once a minute) with the device" \
    all status_in 200 \; test "$(session_row "$T_SEEN" "last_seen_at > NOW(3) - INTERVAL 1 MINUTE")" = 1 \; test "$(session_row "$T_SEEN" user_agent)" = "LyreTest/1.0 (session.sh)"
read -r T_DIS _ UID_D <<<"$(new_session "Sess_D_${SUFFIX//-/_}")"
sql "UPDATE users SET status = 'disabled' WHERE id = $UID_D"
fetch "$BASE$PAGE" -b "lyre_session=$T_DIS"
check "a disabled account's session: anonymous" all status_in 200 \; body_has 'class="account-signin"'

# ---------------------------------------------------------------- CSRF on every POST
PLAY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
EVENT="play_id=$PLAY&track_id=900001&event=start&position_ms=0"
fetch "$BASE/stream/events" -b "lyre_session=$TOKEN" --data "$EVENT"
check "signed in, POST without a token: 403 page" all status_in 403 \; body_has 'security token'
fetch "$BASE/stream/events" -b "lyre_session=$TOKEN; lyre_csrf=$CSRF_B" --data "csrf=$CSRF_B&$EVENT"
check "signed in, another session's token (even as the anonymous cookie): 403" status_in 403
fetch "$BASE/stream/events" -b "lyre_session=$TOKEN" --data "csrf=$CSRF&$EVENT"
check "signed in, the session's token: 204, the event carries the user" \
    all status_in 204 \; test "$(sql "SELECT user_id FROM play_events WHERE play_id = '$PLAY'")" = "$UID_A"

# ---------------------------------------------------------------- pages that need a user
fetch "$BASE/account"
check "GET /account anonymous: 303 to the login page, coming back after" \
    all status_in 303 \; header_is Location '^/login\?next=%2Faccount$'
fetch "$BASE/account/profile" -b "lyre_csrf=$CSRF" --data "csrf=$CSRF&display_name=x"
check "POST to a signed-in-only address, anonymous: 401" status_in 401

# ---------------------------------------------------------------- headers of every program
headers_ok() {
    header_is X-Content-Type-Options '^nosniff$' && header_is Referrer-Policy . &&
        header_is Content-Security-Policy "frame-ancestors 'none'" &&
        ! grep -i '^Content-Security-Policy:' "$HDRS" | grep -q 'script-src[^;]*unsafe-inline'
}
for url in "$PAGE" /no/such/page /browse /login /signup "/stream/900001" "/hls/900001/master.m3u8"; do
    fetch "$BASE$url"
    check "security headers on $url ($STATUS)" headers_ok
done
fetch "$BASE/stream/events" --data "$EVENT"
check "security headers on a refused POST (lyre-stream, $STATUS)" all status_in 403 \; headers_ok

sql "DELETE FROM users WHERE username_key LIKE 'sess\\_%\\_${SUFFIX//-/\\_}'" >/dev/null 2>&1 ||
    sql "DELETE FROM users WHERE id IN ($UID_A, $UID_B, $UID_D)"
finish

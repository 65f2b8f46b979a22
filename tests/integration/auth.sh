#!/bin/bash
# tests/integration/auth.sh BASE_URL — the sign-in flows of cgi/lyre-login over HTTP, with
# curl and a cookie jar per visitor: sign-up, email verification, login (by name and by
# email, with a second factor), logout, password reset, and their bad inputs (empty and
# overlong fields, invalid UTF-8, HTML and SQL payloads, missing or wrong CSRF tokens,
# replayed and expired links, wrong and reused codes, expired sessions, another user's
# session), login throttling and the sign-up and reset limits.
#
# Needs the instance of tests/run-all.sh (or scripts/dev-instance.sh) in $LYRE_TEST_INSTANCE:
# its MariaDB (for what HTTP cannot do: expiring a link or a session, disabling an account,
# resetting the throttle counters this suite fills up from 127.0.0.1) and its mail drop
# ($LYRE_TEST_INSTANCE/mail, one .eml per message).  The instance must check sessions on
# every request (LYRE_SESSION_RECHECK_MS=0) and use cheap argon2 parameters.
set -u
BASE=${1:?usage: auth.sh BASE_URL}
LABEL=${LABEL:-}
. "$(dirname "$0")/lib.sh"
INST=${LYRE_TEST_INSTANCE:?LYRE_TEST_INSTANCE must name the test instance}
MAILDIR=$INST/mail
RUN=$(date +%s%N | cut -c 10-16)      # keeps this run's accounts apart from earlier ones
PASS="velvet orbit canyon $RUN"
HTML_TYPE='^text/html; ?charset=utf-8$'

sql() { mariadb --defaults-file="$INST/my.cnf" --user=root lyre -N -B -e "$1"; }

# Every request of this suite comes from one address, whose failures and rates it piles
# up: each group of checks starts from clean counters, and so does the next suite.
throttle_reset() { sql "DELETE FROM auth_throttle"; }
trap 'throttle_reset >/dev/null 2>&1; rm -rf "$T_TMP"' EXIT

# ---------------------------------------------------------------- HTTP helpers
jar() { echo "$T_TMP/$1.jar"; }
get() {
    local j=$1 p=$2
    shift 2
    fetch "$BASE$p" -b "$(jar "$j")" -c "$(jar "$j")" "$@"
}
# post JAR PATH NAME=VALUE...: a urlencoded form, each value encoded by curl.
post() {
    local j=$1 p=$2 kv args=()
    shift 2
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    [ "${#args[@]}" -gt 0 ] || args=(--data '')
    fetch "$BASE$p" -b "$(jar "$j")" -c "$(jar "$j")" "${args[@]}"
}
# post_raw JAR PATH BODY: a body sent byte for byte (bad escapes, invalid UTF-8).
post_raw() {
    fetch "$BASE$2" -b "$(jar "$1")" -c "$(jar "$1")" -H 'Content-Type: application/x-www-form-urlencoded' \
        --data-binary "$3"
}
page_csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' "$BODY" | head -n 1 | sed 's/.*value="//; s/"$//'; }
# csrf JAR: the token the visitor of JAR must send (anonymous or their session's).
csrf() {
    get "$1" /reset
    page_csrf
}
signup() {   # JAR USERNAME EMAIL PASSWORD [NEXT]
    local t
    t=$(csrf "$1")
    post "$1" /signup "csrf=$t" "username=$2" "email=$3" "password=$4" "password2=$4" ${5:+"next=$5"}
}
login() {    # JAR LOGIN PASSWORD [NEXT]
    local t
    t=$(csrf "$1")
    post "$1" /login "csrf=$t" "login=$2" "password=$3" ${4:+"next=$4"}
}
logout() {
    local t
    t=$(csrf "$1")
    post "$1" /logout "csrf=$t"
}
# The home page's account area names the signed-in user (data-user) or offers to sign in.
signed_in_as() {
    get "$1" /
    grep -qF "data-user=\"$2\"" "$BODY" && return 0
    echo "the home page does not show $2 signed in"
    return 1
}
signed_out() {
    get "$1" /
    if grep -q 'data-user=' "$BODY"; then echo "still signed in"; return 1; fi
    grep -q 'account-signin' "$BODY" || { echo "no sign-in link"; return 1; }
}
location_is() {
    local v
    v=$(header_value Location)
    [ "$v" = "$1" ] && return 0
    echo "Location is '$v', wanted '$1'"
    return 1
}
cookie_set() { grep -qi "^Set-Cookie: $1=[^;]" "$HDRS" || { echo "no $1 cookie set"; return 1; }; }
no_cookie_set() { grep -qi "^Set-Cookie: $1=[^;]" "$HDRS" && { echo "a $1 cookie was set"; return 1; }; return 0; }
retry_after_ok() {
    local v n
    v=$(header_value Retry-After)
    n=$(grep -ci '^Retry-After:' "$HDRS")
    [[ $v =~ ^[0-9]+$ ]] && [ "$v" -ge 1 ] && [ "$n" = 1 ] && return 0
    echo "Retry-After is '$v' ($n of them)"
    return 1
}
not_500() { [ "$STATUS" -lt 500 ] || { echo "status $STATUS"; return 1; }; }
is_page() { all header_is Content-Type "$HTML_TYPE" \; body_has '<!DOCTYPE html>' \; body_has '<main'; }
# The page's <main> with what differs between two visitors (tokens, typed values) taken out.
main_text() { tr -d '\n' <"$BODY" | sed 's/.*<main/<main/; s#</main>.*#</main>#; s/value="[^"]*"/value=""/g'; }

# ---------------------------------------------------------------- mail helpers
mail_count() { find "$MAILDIR" -name '*.eml' 2>/dev/null | wc -l; }
# mail_to ADDR: the newest message to ADDR (its file), if any.
mail_to() { grep -l -i -F "To: $1" "$MAILDIR"/*.eml 2>/dev/null | sort | tail -n 1; }
mails_to() { grep -l -i -F "To: $1" "$MAILDIR"/*.eml 2>/dev/null | wc -l; }
# link_in FILE verify|reset: the path of the link in a message.
link_in() { grep -oE "/$2/[0-9a-f]{64}" "$1" | head -n 1; }

# TOTP code (RFC 6238, SHA-1, 6 digits) of a base32 secret for a 30-second step.
totp() {
    python3 - "$1" "$2" <<'EOF'
import base64, hashlib, hmac, struct, sys
s = sys.argv[1].upper().replace(" ", "")
key = base64.b32decode(s + "=" * (-len(s) % 8))
h = hmac.new(key, struct.pack(">Q", int(sys.argv[2])), hashlib.sha1).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))
EOF
}
step_now() { echo $(($(date +%s) / 30)); }

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

throttle_reset

# ================================================================ sign-up
A=al$RUN; A_MAIL="Al.$RUN@Example.com"
B=bo$RUN; B_MAIL="bo.$RUN@example.com"

get anon /signup
check "GET /signup answers the form" all status_in 200 \; is_page \; body_has 'action="/signup"' \
    \; body_has 'name="csrf" value="' \; body_has 'autocomplete="username"' \; body_has 'autocomplete="email"' \
    \; body_has 'autocomplete="new-password"' \; body_has '<label for="f-username">'
check "GET /signup is not kept by caches" header_is Cache-Control 'no-store'
check "sign-up links to sign-in" body_has 'href="/login"'

# Forms without the right token: refused before anything happens.
post anon /signup "username=$A" "email=$A_MAIL" "password=$PASS" "password2=$PASS"
check "POST /signup without a CSRF token answers 403" status_in 403
post anon /signup "csrf=$(printf '0%.0s' {1..64})" "username=$A" "email=$A_MAIL" "password=$PASS" "password2=$PASS"
check "POST /signup with a wrong CSRF token answers 403" status_in 403
check "no account was made without a token" test "$(sql "SELECT COUNT(*) FROM users WHERE username_key = '$A'")" = 0

T=$(csrf anon)
post anon /signup "csrf=$T" "username=" "email=" "password=" "password2="
check "sign-up with empty fields: 400 and the form again" all status_in 400 \; is_page \; body_has 'action="/signup"'
check "sign-up with empty fields: a message per field" all body_has 'Choose a user name.' \
    \; body_has 'Enter your email address.' \; body_has 'Choose a password.'
check "sign-up errors are announced and tied to their fields" all body_has 'role="alert"' \
    \; body_has 'aria-invalid="true"' \; body_has 'aria-describedby="f-username-error'

LONG_NAME=$(printf 'a%.0s' {1..33})
LONG_MAIL="$(printf 'm%.0s' {1..250})@example.com"
post anon /signup "csrf=$T" "username=$LONG_NAME" "email=$LONG_MAIL" "password=$PASS" "password2=$PASS"
check "sign-up with overlong name and email: 400 with both messages" all status_in 400 \
    \; body_has 'Use 3 to 32 characters.' \; body_has 'at most 254 characters'
check "sign-up keeps what was typed (never the password)" all body_has "value=\"$LONG_NAME\"" \; body_lacks "$PASS"

post anon /signup "csrf=$T" "username=$A" "email=$A_MAIL" "password=$(head -c 300 /dev/zero | tr '\0' x)" "password2=x"
check "sign-up with an overlong password: 400" all status_in 400 \; body_has 'f-password-error'

post anon /signup "csrf=$T" "username=$A" "email=$A_MAIL" "password=password" "password2=password"
check "sign-up with a common password: 400 and why" all status_in 400 \; body_has 'most common'
post anon /signup "csrf=$T" "username=$A" "email=$A_MAIL" "password=$PASS" "password2=$PASS-typo"
check "sign-up with two different passwords: 400" all status_in 400 \; body_has 'The two passwords differ.'
post anon /signup "csrf=$T" "username=$A" "email=not-an-address" "password=$PASS" "password2=$PASS"
check "sign-up with a malformed address: 400" all status_in 400 \; body_has 'does not look like an email address'
post anon /signup "csrf=$T" "username=_$A" "email=$A_MAIL" "password=$PASS" "password2=$PASS"
check "sign-up with a name starting with '_': 400" all status_in 400 \; body_has 'Start with a letter or a digit.'

# Payloads: refused or stored as typed, always echoed escaped, never a 500.
post anon /signup "csrf=$T" "username=<script>alert(1)</script>" "email=\"><img src=x onerror=alert(1)>@x.com" \
    "password=<b>$PASS</b>" "password2=<b>$PASS</b>"
check "sign-up with HTML in every field: 400, echoed escaped" all status_in 400 \
    \; body_has 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' \; body_lacks '<script>alert(1)' \
    \; body_lacks '<img src=x' \; body_lacks "<b>$PASS"
post anon /signup "csrf=$T" "username=x' OR '1'='1" "email=a'); DROP TABLE users; --@x.com" \
    "password=' OR 1=1 -- $RUN" "password2=' OR 1=1 -- $RUN"
check "sign-up with SQL in every field: 400, no 500" all status_in 400 \; body_has "value=\"x' OR '1'='1\""
check "the users table is still there" \
    test "$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'users'")" = 1

for field in username email password; do
    post_raw anon /signup "csrf=$T&username=$A&email=a$RUN%40example.com&password=p&password2=p&$field=%FF%FE"
    check "sign-up with invalid UTF-8 in $field answers 400, not 500" status_in 400
done
post_raw anon /signup "csrf=$T&username=%zz"
check "sign-up with a malformed escape answers 400" status_in 400

# The real thing, with a place to go afterwards.
before=$(mail_count)
signup alice "$A" "$A_MAIL" "$PASS" "/album/1"
check "sign-up answers 303 to next" all status_in 303 \; location_is /album/1
check "sign-up signs in (a session cookie, HttpOnly, SameSite=Lax)" \
    all cookie_set lyre_session \; header_is Set-Cookie 'HttpOnly' \; header_is Set-Cookie 'SameSite=Lax'
check "the new account is signed in" signed_in_as alice "$A"
check "the account is stored with lowercased keys" \
    test "$(sql "SELECT CONCAT(username, '|', username_key, '|', email, '|', email_key, '|', email_verified_at IS NULL) FROM users WHERE username_key = '$A'")" \
    = "$A|$A|$A_MAIL|${A_MAIL,,}|1"
check "the password is stored as an argon2id hash" \
    test "$(sql "SELECT password_hash LIKE '\$argon2id\$%' FROM users WHERE username_key = '$A'")" = 1
check "one mail went out" test "$(mail_count)" = "$((before + 1))"
A_VERIFY_MAIL=$(mail_to "$A_MAIL")
check "the mail to the new address holds a confirmation link" test -n "$(link_in "$A_VERIFY_MAIL" verify)"
check "the link's token is stored only hashed" \
    test "$(sql "SELECT COUNT(*) FROM email_tokens WHERE token_hash = UNHEX(SHA2('$(link_in "$A_VERIFY_MAIL" verify | cut -d/ -f3)', 256))")" = 1

get alice /signup
check "GET /signup while signed in goes on to the site" status_in 303

signup bob "$B" "$B_MAIL" "$PASS"
check "a second sign-up without next answers 303 to /" all status_in 303 \; location_is /

# Taken names: said plainly.  Taken addresses: never revealed.
signup dup "${A^^}" "other.$RUN@example.com" "$PASS"
check "a taken user name (other case): 409 and a clear message" all status_in 409 \; body_has 'This user name is taken'
before_a=$(mails_to "$A_MAIL")
signup dup2 "c$RUN" "${A_MAIL^^}" "$PASS"
dup_status=$STATUS; dup_location=$(header_value Location)
check "a taken address answers exactly like a new one (303 /, signed in)" \
    all test "$dup_status" = 303 \; test "$dup_location" = / \; cookie_set lyre_session
check "the new account did not get the taken address" \
    test "$(sql "SELECT email_key IS NULL FROM users WHERE username_key = 'c$RUN'")" = 1
NOTICE=$(mail_to "$A_MAIL")
check "the address's owner is told, with a reset link and no confirmation link" \
    all test "$(mails_to "$A_MAIL")" = "$((before_a + 1))" \; grep -q 'already belongs to your account' "$NOTICE" \
    \; test -n "$(link_in "$NOTICE" reset)" \; test -z "$(link_in "$NOTICE" verify)"

# Stored as typed, shown escaped.
Q=q$RUN; Q_MAIL="o'neil&x+$RUN@example.com"
signup quote "$Q" "$Q_MAIL" "$PASS"
check "an address with a quote and an ampersand is accepted and stored as typed" \
    all status_in 303 \; test "$(sql "SELECT email FROM users WHERE username_key = '$Q'")" = "$Q_MAIL"

# next may only lead into the site.
for bad in //evil.example https://evil.example '/\evil.example' /login; do
    signup "next$RANDOM" "n$RANDOM$RUN" "n$RANDOM.$RUN@example.com" "$PASS" "$bad"
    check "sign-up with next=$bad goes to / instead" all status_in 303 \; location_is /
done

# ================================================================ email verification
VPATH=$(link_in "$A_VERIFY_MAIL" verify)
get anon "$VPATH"
check "the confirmation link confirms the address" all status_in 200 \; is_page \; body_has 'is confirmed'
check "the address is marked verified" \
    test "$(sql "SELECT email_verified_at IS NOT NULL FROM users WHERE username_key = '$A'")" = 1
get anon "$VPATH"
check "the confirmation link works once (410 and a way to a new one)" \
    all status_in 410 \; body_has 'does not work any more' \; body_has 'Sign in to get a new link'
get alice "$VPATH"
check "signed in, a spent link offers to send a new one" \
    all status_in 410 \; body_has 'action="/verify/resend"'
for path in /verify/abc "/verify/$(printf 'z%.0s' {1..64})" "/verify/$(printf '0%.0s' {1..64})" \
    "/verify/%3Cscript%3E"; do
    get anon "$path"
    check "GET $path: a clear page, not an error" all status_in 410 \; is_page
done
get anon "/verify/%FF"
check "GET /verify/%FF answers 400, not 500" status_in 400

# A fresh link for bob, expired in the database.
T=$(csrf bob)
post bob /verify/resend "csrf=$T"
check "POST /verify/resend sends a new link" all status_in 200 \; body_has 'We sent a new link to'
BLINK=$(link_in "$(mail_to "$B_MAIL")" verify)
sql "UPDATE email_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE user_id = (SELECT id FROM users WHERE username_key = '$B')"
get bob "$BLINK"
check "an expired confirmation link answers 410" all status_in 410 \; body_has 'does not work any more'
check "bob is still unverified" test "$(sql "SELECT email_verified_at IS NULL FROM users WHERE username_key = '$B'")" = 1
post bob /verify/resend
check "POST /verify/resend without a token answers 403" status_in 403
post anon /verify/resend "csrf=$(csrf anon)"
check "POST /verify/resend signed out answers 401" status_in 401
T=$(csrf alice)
post alice /verify/resend "csrf=$T"
check "POST /verify/resend for a confirmed address says so" all status_in 200 \; body_has 'is confirmed'

QLINK=$(link_in "$(mail_to "$Q_MAIL")" verify)
get quote "$QLINK"
check "a confirmed address with markup characters is shown escaped" all status_in 200 \; body_has "o'neil&amp;x+$RUN"
check "confirming signed in gives the session a new id" all cookie_set lyre_session \; signed_in_as quote "$Q"

# The account that typed a taken address asks for a link again: its owner gets the notice again.
before_a=$(mails_to "$A_MAIL")
T=$(csrf dup2)
post dup2 /verify/resend "csrf=$T"
check "a new link for a taken address: the same answer as for a free one" \
    all status_in 200 \; body_has 'We sent a new link to'
check "and the owner gets a notice, not a confirmation link" \
    all test "$(mails_to "$A_MAIL")" = "$((before_a + 1))" \; test -z "$(link_in "$(mail_to "$A_MAIL")" verify)"

# ================================================================ login and logout
throttle_reset
logout alice
check "POST /logout answers 303 to /" all status_in 303 \; location_is /
check "after logout the browser is signed out" signed_out alice

get anon "/login?next=/album/2"
check "GET /login answers the form, next kept in it" all status_in 200 \; is_page \; body_has 'action="/login"' \
    \; body_has 'name="next" value="/album/2"' \; body_has 'autocomplete="current-password"' \
    \; body_has 'href="/signup?next=%2Falbum%2F2"' \; body_has 'href="/reset"'
check "GET /login is not kept by caches" header_is Cache-Control 'no-store'
if [ -n "$(sed -n '/^oidc:/,$p' "$INST/lyre.conf" | grep -m1 -o 'name = "[^"]*"')" ]; then
    provider=$(sed -n '/^oidc:/,$p' "$INST/lyre.conf" | grep -m1 -o 'name = "[^"]*"' | cut -d'"' -f2)
    check "the login page offers each social login provider" \
        all body_has "href=\"/auth/$provider/start?next=%2Falbum%2F2\"" \; body_has 'Continue with '
fi

login alice "$A" "$PASS" /album/2
check "login by user name: 303 to next, a new session" all status_in 303 \; location_is /album/2 \; cookie_set lyre_session
check "login by user name signs in" signed_in_as alice "$A"
cookie1=$(awk '$6 == "lyre_session" { print $7 }' "$(jar alice)")
login alice2 "${A_MAIL^^}" "$PASS"
check "login by email, any case: 303 to /" all status_in 303 \; location_is /
check "login by email signs in" signed_in_as alice2 "$A"
cookie2=$(awk '$6 == "lyre_session" { print $7 }' "$(jar alice2)")
check "each login gets its own session id" test "$cookie1" != "$cookie2"
check "session ids are stored only hashed" \
    test "$(sql "SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX(SHA2('$cookie1', 256))")" = 1

# Failures: one answer, whatever failed.
login x "$A" "wrong $PASS"
wrong_status=$STATUS
main_text >"$T_TMP/wrong.html"
check "a wrong password: 401, the form and the one message" \
    all status_in 401 \; body_has 'Wrong user name or password.' \; no_cookie_set lyre_session
check "a wrong password keeps the name typed, never the password" all body_has "value=\"$A\"" \; body_lacks "wrong $PASS"
login x "nobody$RUN" "wrong $PASS"
main_text >"$T_TMP/unknown.html"
check "an unknown user: the same status as a wrong password" test "$STATUS" = "$wrong_status"
check "an unknown user: the same page as a wrong password" cmp -s "$T_TMP/wrong.html" "$T_TMP/unknown.html"
login x "nobody$RUN@example.com" "wrong $PASS"
check "an unknown address: the same status" all test "$STATUS" = "$wrong_status" \; body_has 'Wrong user name or password.'

# About the same time: an unknown user costs one argon2 run like a wrong password.
throttle_reset
for i in 1 2 3 4 5 6; do
    t=$(date +%s%N); login x "$A" "wrong $PASS $i"; echo $(( ($(date +%s%N) - t) / 1000 )) >>"$T_TMP/t-wrong"
    t=$(date +%s%N); login x "ghost$i$RUN" "wrong $PASS $i"; echo $(( ($(date +%s%N) - t) / 1000 )) >>"$T_TMP/t-unknown"
done
tw=$(median <"$T_TMP/t-wrong"); tu=$(median <"$T_TMP/t-unknown")
check "an unknown user answers about as slowly as a wrong password ($tu vs $tw µs)" \
    test $((tu * 3)) -ge "$tw" -a "$tu" -le $((tw * 3))
throttle_reset

sql "UPDATE users SET status = 'disabled' WHERE username_key = '$B'"
login x "$B" "$PASS"
main_text >"$T_TMP/disabled.html"
check "a disabled account with the right password: the same answer as a wrong one" \
    all test "$STATUS" = "$wrong_status" \; body_has 'Wrong user name or password.' \; no_cookie_set lyre_session
check "a disabled account's browser is signed out" signed_out bob
sql "UPDATE users SET status = 'active' WHERE username_key = '$B'"
login bob "$B" "$PASS"

T=$(csrf x)
post x /login "csrf=$T" "login=" "password="
check "login with empty fields: 400 and a message per field" all status_in 400 \
    \; body_has 'Enter your user name or email address.' \; body_has 'Enter your password.'
post x /login "csrf=$T" "login=$(printf 'u%.0s' {1..300})" "password=$PASS"
check "login with an overlong name: 400" all status_in 400 \; body_has 'longer than any user name'
post x /login "csrf=$T" "login=$A" "password=$(printf 'p%.0s' {1..300})"
check "login with an overlong password: 400" all status_in 400 \; body_has 'longer than any password'
post x /login "csrf=$T" "login=<script>alert(1)</script>" "password=<script>alert(2)</script>"
check "login with HTML: 401, echoed escaped, password not echoed" all status_in 401 \
    \; body_has 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' \; body_lacks '<script>alert' \; body_lacks 'alert(2)'
post x /login "csrf=$T" "login=$A' OR '1'='1" "password=' OR '1'='1"
check "login with SQL: 401 like any wrong pair" all status_in 401 \; body_has 'Wrong user name or password.'
post x /login "csrf=$T" "login=' OR 1=1 -- " "password=x"
check "login with SQL in the name: 401" status_in 401
post_raw x /login "csrf=$T&login=%FF&password=x"
check "login with invalid UTF-8 answers 400, not 500" status_in 400
post x /login "login=$A" "password=$PASS"
check "login without a CSRF token answers 403" all status_in 403 \; no_cookie_set lyre_session
post x /login "csrf=$(printf 'f%.0s' {1..64})" "login=$A" "password=$PASS"
check "login with a wrong CSRF token answers 403" all status_in 403 \; no_cookie_set lyre_session
post x /login "csrf=$(csrf bob)" "login=$A" "password=$PASS"
check "login with another visitor's CSRF token answers 403" status_in 403
throttle_reset

for bad in //evil.example 'https://evil.example/' '/\evil' ' /x' '/logout'; do
    login "n$RANDOM" "$A" "$PASS" "$bad"
    check "login with next='$bad' goes to /" all status_in 303 \; location_is /
done
login n "$A" "$PASS" "/search?q=é x"
check "login with a non-ASCII next keeps it, percent-encoded" all status_in 303 \; location_is '/search?q=%C3%A9%20x'

# Sessions: another user's cookie shows only that user; expired sessions and logout end them.
check "bob's browser shows bob" signed_in_as bob "$B"
check "bob's browser shows nothing of alice" body_lacks "$A"
get bob /account
if [ "$STATUS" = 200 ]; then
    check "bob's account page holds nothing of alice" all body_lacks "$A" \; body_lacks "${A_MAIL,,}"
fi
T_ALICE=$(csrf alice)
post bob /logout "csrf=$T_ALICE"
check "alice's CSRF token does not work with bob's session (403)" status_in 403
check "bob is still signed in" signed_in_as bob "$B"

sql "UPDATE sessions SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE user_id = (SELECT id FROM users WHERE username_key = '$A') AND token_hash = UNHEX(SHA2('$cookie1', 256))"
check "an expired session no longer signs in" signed_out alice
check "alice's other session still works" signed_in_as alice2 "$A"

cp "$(jar alice2)" "$(jar stolen)"
logout alice2
check "logout ends the session in the database" \
    test "$(sql "SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX(SHA2('$cookie2', 256))")" = 0
check "the cookie of a session that logged out no longer signs in" signed_out stolen
T=$(csrf bob)
post bob /logout
check "logout without a CSRF token answers 403" status_in 403
check "and leaves the session alone" signed_in_as bob "$B"

# ---------------------------------------------------------------- throttling
throttle_reset
free=$(grep -o 'login_free_attempts = [0-9]*' "$INST/lyre.conf" | grep -o '[0-9]*$')
free=${free:-5}
early=""
for i in $(seq 1 "$free"); do
    login t "$A" "wrong $i $PASS"
    [ "$STATUS" = 401 ] || early="$early $i:$STATUS"
done
check "the first $free failures answer 401" test -z "$early"
# Failures beyond the free ones block for 1 s, 2 s, 4 s...: wait out the first two, so the
# checks below run well within the third.
got=""
n=$free
for i in $(seq 1 12); do
    login t "$A" "wrong again $i $PASS"
    if [ "$STATUS" = 429 ]; then
        got=yes
        [ "$n" -lt $((free + 3)) ] || break
        sleep "$(header_value Retry-After)"
    else
        n=$((n + 1))
    fi
done
check "then failures are throttled: 429" all test -n "$got" \; status_in 429
check "the 429 says how long to wait, and so does Retry-After" \
    all retry_after_ok \; body_has "Wait <strong>$(header_value Retry-After) second"
login t2 "$A" "$PASS"
check "while throttled, even the right password waits" all status_in 429 \; no_cookie_set lyre_session
login t3 "other$RUN" "x$PASS"
check "another account from the same address is not held up by it" status_in 401

# The address: many people may share one, so it gets four times the free failures
# (lib/throttle.h); a different name each time keeps the accounts' counters out of it.
throttle_reset
early=""
for i in $(seq 1 $((free * 4))); do
    login t5 "many$i-$RUN" "wrong $PASS"
    [ "$STATUS" = 401 ] || early="$early $i:$STATUS"
done
check "the first $((free * 4)) failures from one address answer 401" test -z "$early"
got=""
n=$((free * 4))
for i in $(seq 1 12); do
    login t5 "more$i-$RUN" "wrong $PASS"
    if [ "$STATUS" = 429 ]; then
        got=yes
        [ "$n" -lt $((free * 4 + 3)) ] || break
        sleep "$(header_value Retry-After)"
    else
        n=$((n + 1))
    fi
done
check "then the address is throttled: 429 with Retry-After" all test -n "$got" \; status_in 429 \; retry_after_ok
login t6 "$A" "$PASS"
check "while the address is throttled, a right password from it waits too" all status_in 429 \; no_cookie_set lyre_session
throttle_reset
login t4 "$A" "$PASS"
check "once the delay is over, the right password signs in" all status_in 303 \; cookie_set lyre_session
check "a successful login clears the account's failures" \
    test "$(sql "SELECT COUNT(*) FROM auth_throttle WHERE scope = 'login-account' AND subject = '$A'")" = 0

# ---------------------------------------------------------------- sign-up limit
throttle_reset
limit=$(grep -o 'signup_per_hour = [0-9]*' "$INST/lyre.conf" | grep -o '[0-9]*$')
limit=${limit:-10}
T=$(csrf s)
post s /signup "csrf=$T" "username=" "email=" "password=" "password2="
check "a sign-up form with mistakes does not count against the limit" \
    test "$(sql "SELECT COUNT(*) FROM auth_throttle WHERE scope = 'signup-ip'")" = 0
bad=""
for i in $(seq 1 "$limit"); do
    signup "s$i" "s$i-$RUN" "s$i.$RUN@example.com" "$PASS"
    [ "$STATUS" = 303 ] || bad="$bad $i:$STATUS"
done
check "$limit sign-ups from one address within the hour go through" test -z "$bad"
signup s0 "s0-$RUN" "s0.$RUN@example.com" "$PASS"
check "the next sign-up from that address answers 429 with Retry-After" all status_in 429 \; retry_after_ok \
    \; body_has 'Too many new accounts'
check "and makes no account" test "$(sql "SELECT COUNT(*) FROM users WHERE username_key = 's0-$RUN'")" = 0
throttle_reset

# ================================================================ second factor (TOTP)
M=mf$RUN; M_MAIL="mf.$RUN@example.com"
signup mfa "$M" "$M_MAIL" "$PASS"
T=$(csrf mfa)
post mfa /account/mfa/setup "csrf=$T" "password=$PASS"
SECRET=$(grep -o 'data-secret="[A-Za-z2-7]*"' "$BODY" | head -n 1 | cut -d'"' -f2)
if [ "$STATUS" != 200 ] || [ -z "$SECRET" ]; then
    fail "TOTP enrolment through /account/mfa/setup (needed for the second-factor checks)" \
        "$LAST_URL -> $STATUS"
else
    S=$(step_now)
    post mfa /account/mfa/enable "csrf=$T" "code=$(totp "$SECRET" "$S")"
    RECOVERY=$(tr -d '\n' <"$BODY" | grep -o '<ol class="acct-codes">.*</ol>' | grep -o '<code>[^<]*</code>' \
        | sed 's/<[^>]*>//g')
    check "TOTP turned on through the account pages" \
        all status_in 200 \; test "$(sql "SELECT totp_enabled_at IS NOT NULL FROM users WHERE username_key = '$M'")" = 1
    logout mfa

    login mfa "$M" "$PASS" /album/3
    check "login with TOTP on: 303 to /login/mfa, no session yet" \
        all status_in 303 \; location_is /login/mfa \; no_cookie_set lyre_session
    check "the flow cookie is HttpOnly, SameSite=Lax, for /login only" \
        grep -qiE '^Set-Cookie: lyre_mfa=[0-9a-f]{64}; Path=/login; Max-Age=300; HttpOnly; SameSite=Lax' "$HDRS"
    check "the password alone does not sign in" signed_out mfa
    get mfa /login/mfa
    check "GET /login/mfa asks for the code" all status_in 200 \; is_page \; body_has 'action="/login/mfa"' \
        \; body_has 'autocomplete="one-time-code"' \; body_has 'inputmode="numeric"'
    T=$(page_csrf)
    post mfa /login/mfa "code=$(totp "$SECRET" $((S + 1)))"
    check "POST /login/mfa without a CSRF token answers 403" status_in 403
    wrong=$(printf '%06d' $(( (10#$(totp "$SECRET" $((S + 1))) + 500000) % 1000000 )))
    post mfa /login/mfa "csrf=$T" "code=$wrong"
    check "a wrong code: 401, asked again" all status_in 401 \; body_has 'That code is not right' \
        \; body_has 'aria-invalid="true"' \; no_cookie_set lyre_session
    post mfa /login/mfa "csrf=$T" "code=$(totp "$SECRET" "$S")"
    check "the code used to turn TOTP on is refused (reused)" all status_in 401 \; no_cookie_set lyre_session
    post mfa /login/mfa "csrf=$T" "code=<script>alert(1)</script>"
    check "a code with HTML: 401, not echoed" all status_in 401 \; body_lacks '<script>alert'
    post_raw mfa /login/mfa "csrf=$T&code=%FF"
    check "a code with invalid UTF-8: 400, not 500" status_in 400
    post mfa /login/mfa "csrf=$T" "code="
    check "an empty code: 400" status_in 400
    post mfa /login/mfa "csrf=$T" "code=$(totp "$SECRET" $((S + 1)))"
    check "the right code: 303 to next with a session" all status_in 303 \; location_is /album/3 \; cookie_set lyre_session
    check "and the second factor signs in" signed_in_as mfa "$M"
    check "the session records both factors" \
        test "$(sql "SELECT method FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username_key = '$M' ORDER BY s.id DESC LIMIT 1")" = "password+totp"
    logout mfa

    throttle_reset
    login mfa "$M" "$PASS"
    T=$(csrf mfa)
    post mfa /login/mfa "csrf=$T" "code=$(totp "$SECRET" $((S + 1)))"
    check "a code used for a login is refused the next time (reused)" all status_in 401 \; no_cookie_set lyre_session
    if [ -n "$RECOVERY" ]; then
        code1=$(echo "$RECOVERY" | head -n 1)
        post mfa /login/mfa "csrf=$T" "code=$code1"
        check "a recovery code signs in" all status_in 303 \; cookie_set lyre_session
        logout mfa
        login mfa "$M" "$PASS"
        T=$(csrf mfa)
        post mfa /login/mfa "csrf=$T" "code=$code1"
        check "a recovery code works once" all status_in 401 \; no_cookie_set lyre_session
    else
        fail "recovery codes shown when TOTP was turned on" "none found on the page"
    fi

    # Five wrong codes and the flow is gone, even for the right code.
    throttle_reset
    login mfa "$M" "$PASS"
    T=$(csrf mfa)
    for i in 1 2 3 4 5; do post mfa /login/mfa "csrf=$T" "code=$wrong"; done
    check "the fifth wrong code ends the flow: back to the login form" \
        all status_in 401 \; body_has 'Too many wrong codes' \; body_has 'action="/login"'
    throttle_reset
    post mfa /login/mfa "csrf=$T" "code=$(totp "$SECRET" $(($(step_now) + 1)))"
    check "after five wrong codes the right one no longer helps" all status_in 401 \; no_cookie_set lyre_session \
        \; body_has 'took too long'

    # An expired flow.
    login mfa "$M" "$PASS"
    sql "UPDATE auth_flows SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE purpose = 'mfa' AND user_id = (SELECT id FROM users WHERE username_key = '$M')"
    T=$(csrf mfa)
    post mfa /login/mfa "csrf=$T" "code=$(totp "$SECRET" $(($(step_now) + 1)))"
    check "an expired second-factor flow: 401 and the login form" \
        all status_in 401 \; body_has 'took too long' \; no_cookie_set lyre_session
    get anon /login/mfa
    check "GET /login/mfa without a flow shows the login form" all status_in 200 \; body_has 'action="/login"'
    throttle_reset
fi

# ================================================================ password reset
get anon /reset
check "GET /reset answers the form" all status_in 200 \; is_page \; body_has 'action="/reset"' \
    \; body_has 'autocomplete="username"'
T=$(page_csrf)
post anon /reset "csrf=$T" "login="
check "a reset request with an empty field: 400" all status_in 400 \; body_has 'Enter your user name or email address.'
post anon /reset "csrf=$T" "login=$(printf 'r%.0s' {1..300})"
check "a reset request with an overlong name: 400" status_in 400
post_raw anon /reset "csrf=$T&login=%FF"
check "a reset request with invalid UTF-8: 400, not 500" status_in 400
post anon /reset "login=$B"
check "a reset request without a CSRF token answers 403" status_in 403

throttle_reset
before_b=$(mails_to "$B_MAIL")
t=$(date +%s%N); post anon /reset "csrf=$T" "login=$B"; tk=$(( ($(date +%s%N) - t) / 1000 ))
main_text >"$T_TMP/reset-known.html"; known_status=$STATUS
check "a reset request for an account: 200, the one sentence" all status_in 200 \; body_has 'If an account exists'
check "and its link goes to the account's address" test "$(mails_to "$B_MAIL")" = "$((before_b + 1))"
before=$(mail_count)
t=$(date +%s%N); post anon /reset "csrf=$T" "login=ghost$RUN@example.com"; tu=$(( ($(date +%s%N) - t) / 1000 ))
main_text >"$T_TMP/reset-unknown.html"
check "a reset request for nobody: the same status and page" \
    all test "$STATUS" = "$known_status" \; cmp -s "$T_TMP/reset-known.html" "$T_TMP/reset-unknown.html"
check "and no mail" test "$(mail_count)" = "$before"
check "and about the same time ($tu vs $tk µs)" test $((tu * 3)) -ge "$tk"
post anon /reset "csrf=$T" "login=<script>alert(1)</script>' OR '1'='1"
check "a reset request with HTML and SQL: the same sentence, nothing echoed" \
    all status_in 200 \; body_has 'If an account exists' \; body_lacks '<script>alert'

RLINK=$(link_in "$(mail_to "$B_MAIL")" reset)
get anon "$RLINK"
check "the reset link shows the new-password form for the account" all status_in 200 \; is_page \
    \; body_has "action=\"$RLINK\"" \; body_has "$B" \; body_has 'autocomplete="new-password"'
T=$(page_csrf)
post anon "$RLINK" "password=new $PASS" "password2=new $PASS"
check "setting a password without a CSRF token answers 403" status_in 403
post anon "$RLINK" "csrf=$T" "password=password" "password2=password"
check "a common new password: 400" all status_in 400 \; body_has 'most common'
post anon "$RLINK" "csrf=$T" "password=short" "password2=short"
check "a short new password: 400" all status_in 400 \; body_has '8 characters'
post anon "$RLINK" "csrf=$T" "password=new $PASS" "password2=other $PASS"
check "two different new passwords: 400" all status_in 400 \; body_has 'The two passwords differ.'
post anon "$RLINK" "csrf=$T" "password=" "password2="
check "an empty new password: 400" all status_in 400 \; body_has 'Choose a password.'
post_raw anon "$RLINK" "csrf=$T&password=%FF&password2=%FF"
check "a new password with invalid UTF-8: 400, not 500" status_in 400
check "bob is signed in before the reset" signed_in_as bob "$B"
post anon "$RLINK" "csrf=$T" "password=new $PASS" "password2=new $PASS"
check "a good new password: 200 and done" all status_in 200 \; body_has 'Password changed' \; no_cookie_set lyre_session
check "the reset ends every session of the account" signed_out bob
check "the address is now verified (the link came to it)" \
    test "$(sql "SELECT email_verified_at IS NOT NULL FROM users WHERE username_key = '$B'")" = 1
login x "$B" "$PASS"
check "the old password no longer works" status_in 401
login bob "$B" "new $PASS"
check "the new password works" all status_in 303 \; cookie_set lyre_session
get anon "$RLINK"
check "a used reset link: 410 and a way to a new one" all status_in 410 \; body_has 'does not work any more' \
    \; body_has 'href="/reset"'
post anon "$RLINK" "csrf=$T" "password=third $PASS" "password2=third $PASS"
check "replaying a used reset link: 410, the password unchanged" all status_in 410 \
    \; test "$(sql "SELECT password_changed_at > NOW(3) - INTERVAL 1 MINUTE FROM users WHERE username_key = '$B'")" = 1
login x "$B" "third $PASS"
check "the replayed password does not sign in" status_in 401

# Two links: using one spends the other; an expired one is refused.
throttle_reset
post anon /reset "csrf=$T" "login=$B_MAIL"
L1=$(link_in "$(mail_to "$B_MAIL")" reset)
sleep 0.01
post anon /reset "csrf=$T" "login=$B"
L2=$(link_in "$(mail_to "$B_MAIL")" reset)
check "each request makes a new link" test "$L1" != "$L2"
sql "UPDATE email_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE token_hash = UNHEX(SHA2('$(echo "$L1" | cut -d/ -f3)', 256))"
get anon "$L1"
check "an expired reset link: 410" all status_in 410 \; body_has 'does not work any more'
post anon "$L1" "csrf=$T" "password=fourth $PASS" "password2=fourth $PASS"
check "an expired reset link cannot set a password" status_in 410
post anon "$L2" "csrf=$T" "password=fifth $PASS" "password2=fifth $PASS"
check "the other link still works" all status_in 200 \; body_has 'Password changed'
for path in /reset/abc "/reset/$(printf '0%.0s' {1..64})" "/reset/$(printf 'g%.0s' {1..64})"; do
    get anon "$path"
    check "GET $path: a clear page (410), not an error" all status_in 410 \; is_page
done

sql "UPDATE users SET status = 'disabled' WHERE username_key = '$Q'"
before=$(mail_count)
post anon /reset "csrf=$T" "login=$Q"
check "a disabled account: the same sentence and no mail" \
    all status_in 200 \; body_has 'If an account exists' \; test "$(mail_count)" = "$before"
sql "UPDATE users SET status = 'active' WHERE username_key = '$Q'"

# Reset requests per address are limited.
throttle_reset
rlimit=$(grep -o 'reset_per_hour = [0-9]*' "$INST/lyre.conf" | grep -o '[0-9]*$')
rlimit=${rlimit:-5}
bad=""
for i in $(seq 1 "$rlimit"); do
    post anon /reset "csrf=$T" "login=ghost$i$RUN"
    [ "$STATUS" = 200 ] || bad="$bad $i:$STATUS"
done
check "$rlimit reset requests from one address within the hour are answered" test -z "$bad"
post anon /reset "csrf=$T" "login=ghost0$RUN"
check "the next one answers 429 with Retry-After" all status_in 429 \; retry_after_ok
throttle_reset

# Mails to one address are limited whoever asks (here: from several "addresses" at once).
before_b=$(mails_to "$B_MAIL")
for i in $(seq 1 $((rlimit + 2))); do
    sql "DELETE FROM auth_throttle WHERE scope = 'reset-ip'"
    post anon /reset "csrf=$T" "login=$B"
done
check "at most $rlimit mails an hour reach one address" test "$(( $(mails_to "$B_MAIL") - before_b ))" -le "$rlimit"
check "and the answer never tells" all status_in 200 \; body_has 'If an account exists'
throttle_reset

finish

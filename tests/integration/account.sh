#!/bin/bash
# tests/integration/account.sh BASE_URL [MAIL_DIR] — the signed-in account pages of
# lyre-login through HTTP: profile, password, email, sessions, two-factor (TOTP codes
# computed here from the secret the set-up page shows), data export and deleting the
# account, each with its bad inputs (missing or wrong CSRF token, wrong password, wrong or
# reused code, someone else's session id).  Users are made by signing up over HTTP.
# MAIL_DIR (the instance's maildrop directory) adds the checks of the notices sent.
set -u
BASE=${1:-http://127.0.0.1:8081}
MAIL_DIR=${2:-${LYRE_MAIL_DIR:-}}
LABEL=${LABEL:-account}
. "$(dirname "$0")/lib.sh"

RUN=$(date +%s | tail -c 6)$$
PASS1="violet kettle 42 drums"
PASS2="amber lantern 7 sails"
HEX64='[0-9a-f]\{64\}'

# Each run comes from its own loopback address (127.0.0.0/8 is all ours): the per-address
# counters of failed sign-ins and sign-ups (lib/throttle.h) are then this run's alone, and
# neither earlier runs nor other suites can make it wait.
src_address() { echo "127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"; }
SRC=$(src_address)
fetch_as() { local url=$1; shift; fetch "$url" --interface "$SRC" "$@"; }

jar() { echo "$T_TMP/jar-$1"; }

# save_page NAME: keep the page in $BODY for the HTML validator (tests/browser/validate.mjs).
save_page() {
    [ -n "${LYRE_TEST_HTML:-}" ] || return 0
    mkdir -p "$LYRE_TEST_HTML"
    cp "$BODY" "$LYRE_TEST_HTML/$LABEL-$1.html"
}

# cookie JAR NAME: the cookie's value in a curl jar ("" when absent).
cookie() { awk -v n="$2" '$6 == n { v = $7 } END { print v }' "$1" 2>/dev/null; }

# The CSRF token of the page in $BODY (every form carries it).
page_csrf() { grep -o "name=\"csrf\" value=\"$HEX64\"" "$BODY" | head -n 1 | grep -o "$HEX64"; }

# get JAR PATH: a GET with the jar.
get() { fetch_as "$BASE$2" -b "$1" -c "$1"; }

# post JAR PATH CSRF [NAME=VALUE...]: a form POST (values url-encoded; CSRF "-" sends none).
post() {
    local j=$1 path=$2 token=$3 args=() kv
    shift 3
    [ "$token" = - ] || args+=(--data-urlencode "csrf=$token")
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    [ ${#args[@]} -gt 0 ] || args+=(-d "")
    fetch_as "$BASE$path" -b "$j" -c "$j" "${args[@]}"
}

# A fresh anonymous CSRF token in JAR (the sign-in forms' double-submit cookie).
anon_csrf() {
    fetch_as "$BASE/login" -b "$1" -c "$1"
    cookie "$1" lyre_csrf
}

# csrf_of JAR: the signed-in token, read from the account page.
csrf_of() {
    get "$1" /account
    page_csrf
}

signup() {   # signup JAR USERNAME EMAIL PASSWORD
    local t
    t=$(anon_csrf "$1")
    post "$1" /signup "$t" "username=$2" "email=$3" "password=$4" "password2=$4"
}

login() {    # login JAR LOGIN PASSWORD
    local t
    t=$(anon_csrf "$1")
    post "$1" /login "$t" "login=$2" "password=$3"
}

login_code() {   # login_code JAR CODE: the second step of a sign-in
    post "$1" /login/mfa "$(cookie "$1" lyre_csrf)" "code=$2"
}

location() { header_value Location; }
location_is() {
    local l
    l=$(location)
    [[ $l =~ $1 ]] && return 0
    echo "Location is '$l', wanted /$1/"
    return 1
}

signed_in() {    # signed_in JAR: the account page answers 200 for this jar
    fetch_as "$BASE/account" -b "$1"
    [ "$STATUS" = 200 ] && return 0
    echo "GET /account answered $STATUS"
    return 1
}
signed_out() {
    fetch_as "$BASE/account" -b "$1"
    [ "$STATUS" = 303 ] && [[ $(location) == /login* ]] && return 0
    echo "GET /account answered $STATUS (Location $(location))"
    return 1
}

# totp SECRET STEP: the RFC 6238 code (SHA-1, 6 digits) of a 30-second step.
totp() {
    python3 - "$1" "$2" <<'EOF'
import base64, hashlib, hmac, struct, sys
s = sys.argv[1].replace(" ", "").upper()
key = base64.b32decode(s + "=" * (-len(s) % 8))
mac = hmac.new(key, struct.pack(">Q", int(sys.argv[2])), hashlib.sha1).digest()
o = mac[-1] & 15
print("%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000))
EOF
}
now_step() { echo $(($(date +%s) / 30)); }

# Every form of the page in $BODY carries the CSRF field.
forms_have_csrf() {
    local forms fields
    forms=$(grep -o '<form[^>]*method="post"' "$BODY" | wc -l)
    fields=$(grep -o "name=\"csrf\" value=\"$HEX64\"" "$BODY" | wc -l)
    [ "$forms" -gt 0 ] && [ "$forms" -eq "$fields" ] && return 0
    echo "$forms POST forms, $fields CSRF fields"
    return 1
}

# newest_mail TO TEXT: the latest message to TO holds TEXT.
mail_has() {
    local f
    [ -n "$MAIL_DIR" ] || return 0
    f=$(grep -l -i "^To: .*$1" "$MAIL_DIR"/*.eml 2>/dev/null | sort | tail -n 1)
    [ -n "$f" ] && grep -q -F -- "$2" "$f" && return 0
    echo "no mail to $1 holding '$2'"
    return 1
}

A=$(jar a); A2=$(jar a2); B=$(jar b); X=$(jar anon)
ALICE="al$RUN"; BOB="bo$RUN"; CAROL="ca$RUN"
AMAIL="$ALICE@example.org"; BMAIL="$BOB@example.org"; CMAIL="$CAROL@example.org"

# ---------------------------------------------------------------- anonymous
get "$X" /account
check "GET /account anonymous: 303 to /login?next=/account" all status_in 303 \; location_is '^/login\?next=%2Faccount$'
post "$X" /account/profile - display_name=x
check "POST /account/profile anonymous: refused" status_in 401 403

# ---------------------------------------------------------------- sign up
signup "$A" "$ALICE" "$AMAIL" "$PASS1"
check "sign-up of $ALICE over HTTP (303 with a session cookie)" all status_in 303 \; header_is Set-Cookie 'lyre_session='
signup "$B" "$BOB" "$BMAIL" "$PASS1"
check "sign-up of $BOB" status_in 303

# ---------------------------------------------------------------- profile
get "$A" /account
save_page profile
check "GET /account: 200 no-store with the username" all status_in 200 \; header_is Cache-Control no-store \; body_has "$ALICE"
check "GET /account: every form carries the CSRF token" forms_have_csrf
check "GET /account: account navigation and the export link" all body_has 'aria-label="Account"' \; body_has 'href="/account/export"' \; body_has 'href="/account/delete"'
CSRF=$(page_csrf)

post "$A" /account/profile - display_name=Nobody
check "POST /account/profile without a CSRF token: 403" status_in 403
post "$A" /account/profile "$(printf '0%.0s' {1..64})" display_name=Nobody
check "POST /account/profile with a wrong CSRF token: 403" status_in 403
post "$A" /account/profile "${CSRF}00" display_name=Nobody
check "POST /account/profile with an overlong CSRF token: 403" status_in 403

post "$A" /account/profile "$CSRF" "display_name=Alice <b>Ä</b> & \"co\"" country=FR
check "POST /account/profile: 303 to /account?done=profile" all status_in 303 \; location_is '^/account\?done=profile$'
get "$A" "$(location)"
# libxml2 quotes an attribute holding '"' with apostrophes.
check "profile saved: name shown escaped, country selected, notice" all body_has "value='Alice &lt;b&gt;Ä&lt;/b&gt; &amp; \"co\"'" \; body_has '<option value="FR" selected' \; body_has 'Your profile was saved.'
check "no markup from the display name reaches the page" body_lacks '<b>Ä</b>'

long=$(printf 'é%.0s' {1..101})
post "$A" /account/profile "$CSRF" "display_name=$long" country=FR
save_page profile-error
check "display name of 101 characters: 422, marked invalid and described" all status_in 422 \; body_has 'aria-invalid="true"' \; body_has 'aria-describedby="display_name-error' \; body_has 'at most 100 characters'
check "the overlong name is kept in the field" body_has "value=\"$long\""
post "$A" /account/profile "$CSRF" "display_name=${long:1}" country=DE
check "display name of 100 two-byte characters: accepted" status_in 303
post "$A" /account/profile "$CSRF" "display_name=ok" country=XX
check "unknown country XX: 422" all status_in 422 \; body_has 'Choose a country from the list.'
post "$A" /account/profile "$CSRF" "display_name=ok" "country=FR' OR '1'='1"
check "SQL payload as country: 422" status_in 422
post "$A" /account/profile "$CSRF" "display_name=$(printf 'a\001b')"
check "control character in the display name: 422" status_in 422
fetch_as "$BASE/account/profile" -b "$A" --data-binary "csrf=$CSRF&display_name=%ff%fe"
check "invalid UTF-8 in the display name: 400" status_in 400
post "$A" /account/profile "$CSRF" display_name= country=
check "empty display name and country are allowed (not set)" status_in 303

# ---------------------------------------------------------------- password
get "$A" /account/password
save_page password
check "GET /account/password: the form with autocomplete hints" all status_in 200 \; body_has 'autocomplete="current-password"' \; body_has 'autocomplete="new-password"' \; forms_have_csrf
login "$A2" "$ALICE" "$PASS1"
check "a second device signs in" all status_in 303 \; signed_in "$A2"
post "$A" /account/password - current_password="$PASS1" new_password="$PASS2" confirm_password="$PASS2"
check "POST /account/password without CSRF: 403" status_in 403
post "$A" /account/password "$CSRF" current_password="wrong $PASS1" new_password="$PASS2" confirm_password="$PASS2"
check "wrong current password: refused (422)" all status_in 422 \; body_has 'That is not your current password.'
post "$A" /account/password "$CSRF" current_password= new_password="$PASS2" confirm_password="$PASS2"
check "empty current password: refused" all status_in 422 \; body_has 'Enter your current password.'
post "$A" /account/password "$CSRF" current_password="$PASS1" new_password="short" confirm_password="short"
check "new password of 5 characters: refused with the rule" all status_in 422 \; body_has 'at least 8 characters'
post "$A" /account/password "$CSRF" current_password="$PASS1" new_password="password123" confirm_password="password123"
check "a common new password: refused" all status_in 422 \; body_has 'most common'
post "$A" /account/password "$CSRF" current_password="$PASS1" new_password="$PASS2" confirm_password="${PASS2}x"
check "confirmation differs: refused" all status_in 422 \; body_has 'not the same'
check "no password is echoed back" body_lacks "$PASS2"
OLD_TOKEN=$(cookie "$A" lyre_session)
post "$A" /account/password "$CSRF" current_password="$PASS1" new_password="$PASS2" confirm_password="$PASS2"
check "password changed: 303 with a notice" all status_in 303 \; location_is '^/account/password\?done=password$'
NEW_TOKEN=$(cookie "$A" lyre_session)
check "the session got a new id" test -n "$NEW_TOKEN" -a "$NEW_TOKEN" != "$OLD_TOKEN"
check "this device stays signed in" signed_in "$A"
check "the other device was signed out" signed_out "$A2"
fetch_as "$BASE/account" -H "Cookie: lyre_session=$OLD_TOKEN"
check "the old session id no longer signs in" status_in 303
login "$A2" "$ALICE" "$PASS1"
check "the old password no longer signs in" signed_out "$A2"
login "$A2" "$ALICE" "$PASS2"
check "the new password signs in" all status_in 303 \; signed_in "$A2"
check "a notice of the change went to the address" mail_has "$AMAIL" "password of your account"
CSRF=$(csrf_of "$A")
check "the CSRF token changed with the session" test "$CSRF" != "" -a "$(page_csrf)" = "$CSRF"

# ---------------------------------------------------------------- email
get "$A" /account/email
save_page email
check "GET /account/email: the current address and the form" all status_in 200 \; body_has "$AMAIL" \; body_has 'autocomplete="email"' \; forms_have_csrf
NEWMAIL="new$RUN@example.net"
post "$A" /account/email "$CSRF" new_email="$NEWMAIL" password="$PASS1"
check "email change with a wrong password: refused" all status_in 422 \; body_has 'That is not your current password.' \; body_has "value=\"$NEWMAIL\""
post "$A" /account/email "$CSRF" new_email="not-an-address" password="$PASS2"
check "email change to a malformed address: refused" all status_in 422 \; body_has 'name@example.org'
post "$A" /account/email "$CSRF" new_email="$BMAIL" password="$PASS2"
check "email change to another account's address: refused" all status_in 422 \; body_has 'Another account'
post "$A" /account/email "$CSRF" new_email="<script>@x.org" password="$PASS2"
check "email change to an HTML payload: refused, escaped" all status_in 422 \; body_lacks '<script>@'
post "$A" /account/email - new_email="$NEWMAIL" password="$PASS2"
check "email change without CSRF: 403" status_in 403
post "$A" /account/email "$CSRF" new_email="$NEWMAIL" password="$PASS2"
check "email change: 303, link sent" all status_in 303 \; location_is '^/account/email\?done=email-sent$'
get "$A" "$(location)"
check "the page shows the address waiting for its link; the old one stays" all body_has "$NEWMAIL" \; body_has "$AMAIL" \; body_has 'We sent a link'
check "a verification link went to the new address" mail_has "$NEWMAIL" "/verify/"
check "a notice went to the old address" mail_has "$AMAIL" "$NEWMAIL"

# ---------------------------------------------------------------- sessions
get "$A" /account/sessions
save_page sessions
check "GET /account/sessions: this device marked, a Sign out per device" all status_in 200 \; body_has 'This device' \; forms_have_csrf
ids=$(grep -o 'action="/account/sessions/[0-9]*/end"' "$BODY" | grep -o '[0-9]\+')
check "both devices of $ALICE are listed" test "$(echo "$ids" | wc -w)" -eq 2
check "devices are described from the user agent" body_has 'curl'
get "$B" /account/sessions
BOB_SESSION=$(grep -o 'action="/account/sessions/[0-9]*/end"' "$BODY" | grep -o '[0-9]\+' | head -n 1)
post "$A" "/account/sessions/$BOB_SESSION/end" "$CSRF"
check "ending another user's session id: 404" status_in 404
check "... and that session still works" signed_in "$B"
post "$A" "/account/sessions/abc/end" "$CSRF"
check "ending session 'abc': 400" status_in 400
post "$A" "/account/sessions/99999999999/end" "$CSRF"
check "ending an unknown session: 404" status_in 404
# The other device's own id: the first (current) one on its own list.
get "$A2" /account/sessions
A2_SESSION=$(grep -o 'class="acct-session is-current".*' "$BODY" | grep -o 'action="/account/sessions/[0-9]*/end"' | head -n 1 | grep -o '[0-9]\+')
post "$A" "/account/sessions/$A2_SESSION/end" -
check "ending a session without CSRF: 403" status_in 403
check "... and it still works" signed_in "$A2"
post "$A" "/account/sessions/$A2_SESSION/end" "$CSRF"
check "signing the other device out: 303 back to the list" all status_in 303 \; location_is '^/account/sessions\?done=session-ended$'
check "the other device is signed out" signed_out "$A2"
check "this device is not" signed_in "$A"

# ---------------------------------------------------------------- export
# A play to find in the export.
get "$A" /
TRACK=$(grep -o 'href="/track/[0-9]*"' "$BODY" | head -n 1 | grep -o '[0-9]\+')
if [ -z "$TRACK" ]; then
    get "$A" "$(grep -o 'href="/album/[0-9]*"' "$BODY" | head -n 1 | sed 's/href="//; s/"$//')"
    TRACK=$(grep -o 'data-track-id="[0-9]*"' "$BODY" | head -n 1 | grep -o '[0-9]\+')
fi
fetch_as "$BASE/stream/events" -b "$A" -H "X-CSRF-Token: $CSRF" -H "Origin: $BASE" \
    -d "play_id=$(printf '%032x' "$((10#$RUN))")&track_id=$TRACK&event=start&position_ms=0"
check "a play event of $ALICE is recorded" status_in 200 204
# A playlist with that song, to find in the export too.
post "$A" /playlists "$CSRF" "name=Export mix $RUN"
PLAYLIST=$(sed -n 's/^[Ll]ocation: \/playlist\/\([0-9]*\).*/\1/p' "$HDRS" | tr -d '\r')
post "$A" "/playlist/$PLAYLIST/items" "$CSRF" "track_id=$TRACK" version=1
check "a playlist of $ALICE with one song" all test -n "$PLAYLIST" \; status_in 200 303
get "$A" /account/export
check "GET /account/export: a JSON attachment, not stored" all status_in 200 \; header_is Content-Type '^application/json' \; header_is Content-Disposition '^attachment; filename="lyre-[A-Za-z0-9._-]+-data.json"$' \; header_is Cache-Control no-store
check "the export is valid JSON" python3 -m json.tool "$BODY"
check "the export holds no password hash" body_lacks '$argon2id'
check "the export holds no session token or CSRF token" all body_lacks "$NEW_TOKEN" \; body_lacks "$CSRF"
check "the export has the profile, sessions, history, no likes, the playlist and its song" python3 - "$BODY" "$ALICE" "$TRACK" "$RUN" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["profile"]
assert p["username"] == sys.argv[2], p
assert "password_hash" not in p and "totp_secret" not in json.dumps(d), "secret keys"
assert len(d["sessions"]) >= 1 and any(s["this_device"] for s in d["sessions"]), d["sessions"]
assert all("device" in s and "ip" in s and "last_seen_at" in s for s in d["sessions"])
assert any(h["track_id"] == int(sys.argv[3]) for h in d["play_history"]), d["play_history"]
assert d["likes"] == [] and d["linked_identities"] == [] and d["followed_playlists"] == []
pl = [x for x in d["playlists"] if x["name"] == "Export mix " + sys.argv[4]]
assert len(pl) == 1 and pl[0]["public"] is False, d["playlists"]
assert [s["track_id"] for s in pl[0]["songs"]] == [int(sys.argv[3])], pl[0]["songs"]
EOF

# ---------------------------------------------------------------- two-factor
get "$A" /account/mfa
save_page mfa-off
check "GET /account/mfa: off, a set-up form asking the password" all status_in 200 \; body_has 'is off' \; body_has 'action="/account/mfa/setup"' \; forms_have_csrf
post "$A" /account/mfa/setup "$CSRF" password="$PASS1"
check "set-up with a wrong password: refused" all status_in 422 \; body_has 'That is not your current password.'
post "$A" /account/mfa/setup - password="$PASS2"
check "set-up without CSRF: 403" status_in 403
post "$A" /account/mfa/setup "$CSRF" password="$PASS2"
save_page mfa-setup
check "set-up: a QR code as inline SVG and the secret" all status_in 200 \; body_has '<svg' \; body_has 'class="acct-qr" viewBox="0 0 ' \; body_has 'data-secret="'
SECRET=$(grep -o 'data-secret="[A-Z2-7]*"' "$BODY" | head -n 1 | sed 's/.*="//; s/"//')
check "the secret is 32 base32 characters" test "${#SECRET}" -eq 32
S=$(now_step)
GOOD=$(totp "$SECRET" "$S")
BAD=$(printf '%06d' $(((10#$GOOD + 1) % 1000000)))
post "$A" /account/mfa/enable "$CSRF" code="$BAD"
save_page mfa-setup-error
check "enable with a wrong code: refused, the set-up shown again" all status_in 422 \; body_has 'That code is not right' \; body_has "data-secret=\"$SECRET\""
post "$A" /account/mfa/enable "$CSRF" code=abc
check "enable with a malformed code: refused" status_in 422
BEFORE=$(cookie "$A" lyre_session)
post "$A" /account/mfa/enable "$CSRF" code="$GOOD"
save_page mfa-codes
check "enable with the right code: on, ten recovery codes shown once" all status_in 200 \; body_has 'Save your recovery codes'
mapfile -t CODES < <(grep -o '<code>[0-9a-z]\{5\}-[0-9a-z]\{5\}</code>' "$BODY" | sed 's/<[^>]*>//g')
check "ten codes of the form xxxxx-xxxxx" test "${#CODES[@]}" -eq 10
check "the session got a new id when two-factor went on" test "$(cookie "$A" lyre_session)" != "$BEFORE"
CSRF=$(csrf_of "$A")
get "$A" /account/mfa
save_page mfa-on
check "GET /account/mfa: on, 10 codes left, forms to renew and to turn off" all body_has 'is on' \; body_has '10 recovery codes' \; body_has 'action="/account/mfa/disable"' \; forms_have_csrf
check "the secret is not shown again" body_lacks "$SECRET"
post "$A" /account/mfa/setup "$CSRF" password="$PASS2"
check "set-up while on: back to the status page" all status_in 303 \; location_is '^/account/mfa$'

# Signing in now asks for the code; a code is good once, even when two sign-ins race with
# it (the step, or the recovery code, is spent by one atomic UPDATE).
race() {   # race CODE: two flows at the second step send CODE at once; prints how many got in
    local j n=0 t
    for j in "$R1" "$R2"; do rm -f "$j"; login "$j" "$ALICE" "$PASS2"; done
    for j in "$R1" "$R2"; do
        t=$(cookie "$j" lyre_csrf)
        curl -s -o /dev/null --max-time 20 --interface "$SRC" -b "$j" -c "$j" \
            --data-urlencode "csrf=$t" --data-urlencode "code=$1" "$BASE/login/mfa" &
    done
    wait
    for j in "$R1" "$R2"; do signed_in "$j" >/dev/null && n=$((n + 1)); done
    echo "$n"
}
R1=$(jar race1); R2=$(jar race2)
L=$(jar login)
login "$L" "$ALICE" "$PASS2"
check "login with the password: asks for the second factor" all status_in 303 \; location_is '^/login/mfa'
login_code "$L" "$GOOD"
check "the code used to turn it on cannot sign in (reused)" signed_out "$L"
# The next step's code: the server takes one step either side of its clock.
NEXT=$(totp "$SECRET" $((S + 1)))
check "the next code, sent by two sign-ins at once, lets exactly one in" test "$(race "$NEXT")" -eq 1
SRC=$(src_address)   # the loser counted as a failed sign-in: a fresh allowance
L2=$(jar login2)
login "$L2" "$ALICE" "$PASS2"
login_code "$L2" "$NEXT"
check "the same code a third time: refused" signed_out "$L2"
login "$L2" "$ALICE" "$PASS2"
login_code "$L2" "${CODES[0]}"
check "a recovery code signs in" all status_in 303 \; signed_in "$L2"
L3=$(jar login3)
login "$L3" "$ALICE" "$PASS2"
login_code "$L3" "${CODES[0]}"
check "the same recovery code a second time: refused" signed_out "$L3"
SRC=$(src_address)
check "one recovery code sent by two sign-ins at once lets exactly one in" test "$(race "${CODES[3]}")" -eq 1
login "$L3" "$ALICE" "$PASS2"
login_code "$L3" "$(echo "${CODES[1]}" | tr a-z A-Z | tr -d -)"
check "a recovery code typed in capitals without the dash works" signed_in "$L3"

# New recovery codes.
post "$A" /account/mfa/recovery "$CSRF" password="$PASS1"
check "new recovery codes with a wrong password: refused" all status_in 422 \; body_has 'id="recovery-password-error"'
post "$A" /account/mfa/recovery - password="$PASS2"
check "new recovery codes without CSRF: 403" status_in 403
post "$A" /account/mfa/recovery "$CSRF" password="$PASS2"
check "new recovery codes: ten new ones" all status_in 200 \; body_has 'Save your recovery codes'
mapfile -t NEWCODES < <(grep -o '<code>[0-9a-z]\{5\}-[0-9a-z]\{5\}</code>' "$BODY" | sed 's/<[^>]*>//g')
check "ten new codes, none of the old" test "${#NEWCODES[@]}" -eq 10 -a "${NEWCODES[2]}" != "${CODES[2]}"

# Turning it off needs the password and a code.
post "$A" /account/mfa/disable "$CSRF" password="$PASS2" code=
check "turning off without a code: refused" all status_in 422 \; body_has 'id="disable-code-error"' \; body_has 'Enter the code'
post "$A" /account/mfa/disable "$CSRF" password="$PASS1" code="${NEWCODES[0]}"
check "turning off with a wrong password: refused" all status_in 422 \; body_has 'id="disable-password-error"'
post "$A" /account/mfa/disable "$CSRF" password="$PASS2" code="${CODES[2]}"
check "turning off with an old (replaced) recovery code: refused" status_in 422
post "$A" /account/mfa/disable "$CSRF" password="$PASS2" code="$NEXT"
check "turning off with a used TOTP code: refused" status_in 422
post "$A" /account/mfa/disable - password="$PASS2" code="${NEWCODES[0]}"
check "turning off without CSRF: 403" status_in 403
BEFORE=$(cookie "$A" lyre_session)
post "$A" /account/mfa/disable "$CSRF" password="$PASS2" code="${NEWCODES[0]}"
check "turning off with the password and a new recovery code: done" all status_in 303 \; location_is '^/account/mfa\?done=mfa-off$'
check "the session got a new id when two-factor went off" test "$(cookie "$A" lyre_session)" != "$BEFORE"
CSRF=$(csrf_of "$A")
get "$A" /account/mfa
check "GET /account/mfa: off again" body_has 'is off'
L4=$(jar login4)
login "$L4" "$ALICE" "$PASS2"
check "login no longer asks for a code" all status_in 303 \; signed_in "$L4"
check "notices of two-factor on and off were mailed" all mail_has "$AMAIL" "no longer asks for a code"

# ---------------------------------------------------------------- sign out everywhere
post "$A" /account/sessions/end-all -
check "sign out everywhere without CSRF: 403" status_in 403
post "$A" /account/sessions/end-all "$CSRF"
check "sign out everywhere: 303 to /login" all status_in 303 \; location_is '^/login$'
check "... this device is signed out" signed_out "$A"
check "... and every other one" all signed_out "$R1" \; signed_out "$R2" \; signed_out "$L2" \; signed_out "$L3" \; signed_out "$L4"
check "... while other users are not" signed_in "$B"

# ---------------------------------------------------------------- delete
SRC=$(src_address)   # a fresh allowance of failed sign-ins for this part
C=$(jar c)
signup "$C" "$CAROL" "$CMAIL" "$PASS1"
CSRF=$(csrf_of "$C")
post "$C" /account/mfa/setup "$CSRF" password="$PASS1"
CSECRET=$(grep -o 'data-secret="[A-Z2-7]*"' "$BODY" | head -n 1 | sed 's/.*="//; s/"//')
CS=$(now_step)
post "$C" /account/mfa/enable "$CSRF" code="$(totp "$CSECRET" "$CS")"
check "$CAROL turns two-factor on" status_in 200
CSRF=$(csrf_of "$C")
CTOKEN=$(cookie "$C" lyre_session)
get "$C" /account/delete
save_page delete
check "GET /account/delete: asks for the password and a code" all status_in 200 \; body_has 'autocomplete="current-password"' \; body_has 'autocomplete="one-time-code"' \; forms_have_csrf
post "$C" /account/delete - password="$PASS1" code="$(totp "$CSECRET" $((CS + 1)))"
check "delete without CSRF: 403" status_in 403
post "$C" /account/delete "$CSRF" password="$PASS2" code="$(totp "$CSECRET" $((CS + 1)))"
check "delete with a wrong password: refused" all status_in 422 \; body_has 'That is not your current password.'
post "$C" /account/delete "$CSRF" password="$PASS1" code=123
check "delete with the password but a bad code: refused" all status_in 422 \; body_has 'id="code-error"'
check "... the account is still there" signed_in "$C"
for i in 1 2 3 4 5; do post "$C" /account/delete "$CSRF" password="$PASS1" code=000000; done
check "wrong codes are throttled like wrong passwords (429 after five)" all status_in 429 \; body_has 'Too many wrong codes' \; header_is Retry-After '^[0-9]+$'
sleep 2
post "$C" /account/delete "$CSRF" password="$PASS1" code="$(totp "$CSECRET" $((CS + 1)))"
check "delete with the password and a code: 303 to / with the cookie cleared" all status_in 303 \; location_is '^/$' \; header_is Set-Cookie 'lyre_session=;.*Max-Age=0'
fetch_as "$BASE/account" -H "Cookie: lyre_session=$CTOKEN"
check "after delete the old cookie no longer signs in" status_in 303
fetch_as "$BASE/account/export" -H "Cookie: lyre_session=$CTOKEN"
check "... nor downloads the data" status_in 303
D=$(jar d)
login "$D" "$CAROL" "$PASS1"
check "after delete the password no longer signs in" signed_out "$D"
signup "$D" "$CAROL" "$CMAIL" "$PASS1"
check "the username and the address are free again" status_in 303

finish

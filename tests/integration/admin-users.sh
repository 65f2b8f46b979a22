#!/bin/bash
# tests/integration/admin-users.sh [LABEL] BASE_URL — `lyre-admin user` against the test
# instance: every command with its bad inputs (exit status and message), and what a change
# does to the web: a promoted user's sessions end, a disabled user's sign-in answers like a
# wrong password, a reset password replaces the old one.
# Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf) and LYRE_TEST_BUILD (tools/lyre-admin).
set -u
if [ $# -ge 2 ]; then LABEL=$1; BASE=$2; else LABEL=""; BASE=$1; fi
. "$(dirname "$0")/lib.sh"

CONF="$LYRE_TEST_INSTANCE/lyre.conf"
ADMIN="$LYRE_TEST_BUILD/tools/lyre-admin"
OUT="$T_TMP/out"
ERR="$T_TMP/err"
JAR="$T_TMP/jar"
RC=0
# Names of this run: the script can run again on the same instance.
U="t$$-user"
E="t$$-user@example.test"
# A worker trusts a session it checked for session.recheck_ms: wait longer than that.
RECHECK_MS=$(sed -n 's/^ *recheck_ms = \([0-9]*\);.*/\1/p' "$CONF" | head -n 1)
SETTLE=$(awk -v ms="${RECHECK_MS:-1000}" 'BEGIN { printf "%.1f", ms / 1000 + 0.3 }')

sql() {
    mariadb --defaults-file="$LYRE_TEST_INSTANCE/my.cnf" --user=root --default-character-set=utf8mb4 \
        -N -B lyre -e "$1"
}

# user ARGS...: run lyre-admin user; RC, $OUT, $ERR.  Standard input is the caller's.
user() {
    RC=0
    "$ADMIN" -c "$CONF" user "$@" >"$OUT" 2>"$ERR" || RC=$?
    LAST_URL="lyre-admin user $*"
    STATUS=$RC
}

rc_is() { [ "$RC" = "$1" ] && return 0; echo "exit status $RC, wanted $1; stderr: $(head -c 300 "$ERR")"; return 1; }
err_has() { grep -qF -- "$1" "$ERR" && return 0; echo "stderr lacks '$1': $(head -c 300 "$ERR")"; return 1; }
out_has() { grep -qF -- "$1" "$OUT" && return 0; echo "stdout lacks '$1': $(head -c 300 "$OUT")"; return 1; }
out_lacks() { grep -qF -- "$1" "$OUT" || return 0; echo "stdout has '$1'"; return 1; }

# Failed sign-ins of this script must not be slowed by earlier ones from 127.0.0.1.
clear_throttle() {
    sql "DELETE FROM auth_throttle WHERE subject IN ('127.0.0.1', '::1') OR subject LIKE 't$$-%'" || true
}

# sign_in LOGIN PASSWORD: POST /login with a fresh CSRF token; STATUS, $BODY, $HDRS, $JAR.
sign_in() {
    local csrf
    rm -f "$JAR"
    fetch "$BASE/login" -c "$JAR"
    csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$BODY" | head -n 1 | sed 's/.*value="//; s/"$//')
    fetch "$BASE/login" -b "$JAR" -c "$JAR" --data-urlencode "csrf=$csrf" \
        --data-urlencode "login=$1" --data-urlencode "password=$2"
}
session_cookie() { awk '$6 == "lyre_session" || $6 == "__Host-lyre_session" { print $6 "=" $7 }' "$JAR" | tail -n 1; }
# sessions_of USER: the user's rows in the sessions table.
sessions_of() { sql "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username_key = '$1'"; }
ended() { local n=$1; [ "$n" = 1 ] && echo "1 session ended" || echo "$n sessions ended"; }
signed_in() { all status_in 303 \; test -n "$(session_cookie)"; }
wrong_password() { all status_in 401 \; body_has "Wrong user name or password." \; test -z "$(session_cookie)"; }
# account_page COOKIE: GET /account with that cookie only.
account_page() { fetch "$BASE/account" -H "Cookie: $1"; }

# ---------------------------------------------------------------- usage
user --help
check "user --help: 0 and the usage on stdout" all rc_is 0 \; out_has "usage: lyre-admin user" \; out_has "reset-password"
user
check "user without a command: 2" all rc_is 2 \; err_has "usage: lyre-admin user"
user frobnicate
check "unknown user command: 2" all rc_is 2 \; err_has "unknown user command 'frobnicate'"
user add "$U"
check "add with one argument: 2" all rc_is 2 \; err_has "expected 2 arguments, got 1"
user add "$U" "$E" --frobnicate
check "add with an unknown option: 2" all rc_is 2 \; err_has "unrecognized option"
user promote "$U" admin --verified
check "promote does not take --verified: 2" all rc_is 2 \; err_has "does not take --verified"

# ---------------------------------------------------------------- add: bad input
for bad in "" ab "$(printf 'x%.0s' $(seq 33))" .dot -dash "sp ace" "caf$(printf '\xc3\xa9')" "a/b" "<b>x</b>" "x';--"; do
    user add -- "$bad" "$E"
    check "add: username '$bad' refused (2)" all rc_is 2 \; err_has "invalid username"
done
for bad in "" no-at "a@b" "two@@x.test" "two@x@x.test" "sp ace@x.test" "<x>@x.test" "x@.test" "x@test." \
    "x@a..test" "$(printf 'x%.0s' $(seq 65))@x.test" "x.@x.test" ".x@x.test" "x@-x.test" "x@x-.test" \
    "$(printf 'x@x\xff.test')"; do
    user add "$U" "$bad"
    check "add: email '$bad' refused (2)" all rc_is 2 \; err_has "invalid email address"
done
user add "$U" "$E" --role superuser
check "add: unknown role (2)" all rc_is 2 \; err_has "unknown role 'superuser'"
user list
check "nothing of the refused adds was stored" all rc_is 0 \; out_lacks "$U"

# ---------------------------------------------------------------- add: generated password
user add "$U" "$E"
GEN=$(sed -n 's/^password: //p' "$OUT")
check "add: 0, a generated 20-character password printed once" \
    all rc_is 0 \; out_has "added user $U" \; out_has "listener" \; test "${#GEN}" = 20 \; \
    eval '[[ $GEN =~ ^[A-Za-z0-9]+$ ]]'
user add "T$$-USER" "other-$E"
check "add: the same name in other case is taken (1)" all rc_is 1 \; err_has "already exists"
user add "t$$-other" "$(tr a-z A-Z <<<"$E")"
check "add: the same email in other case is taken (1)" all rc_is 1 \; err_has "already used"
clear_throttle
sign_in "$U" "$GEN"
check "the generated password signs in" signed_in

# ---------------------------------------------------------------- add: password on stdin
user add "t$$-pw" "t$$-pw@example.test" --password-stdin <<<"password"
check "add --password-stdin: a common password is refused (2)" all rc_is 2 \; err_has "password refused"
user add "t$$-pw" "t$$-pw@example.test" --password-stdin <<<"short"
check "add --password-stdin: 5 characters are refused (2)" all rc_is 2 \; err_has "password refused"
user add "t$$-pw" "t$$-pw@example.test" --password-stdin < <(head -c 300 /dev/zero | tr '\0' x)
check "add --password-stdin: 300 bytes are refused (2)" all rc_is 2 \; err_has "longer than 256 bytes"
user add "t$$-pw" "t$$-pw@example.test" --password-stdin </dev/null
check "add --password-stdin: an empty password is refused (2)" all rc_is 2 \; err_has "password refused"
PW="stdin $$ passphrase, tested"
user add "t$$-pw" "t$$-pw@example.test" --password-stdin --role artist --verified <<<"$PW"
check "add --password-stdin --role artist --verified: 0, no password printed" \
    all rc_is 0 \; out_has "artist" \; out_has "email verified" \; out_lacks "password:"
sign_in "t$$-pw@EXAMPLE.test" "$PW"
check "the password from stdin signs in (by email, any case)" signed_in

# ---------------------------------------------------------------- list
user list
check "list: a header and the new accounts" \
    all rc_is 0 \; out_has "username" \; out_has "verified" \; out_has "MFA" \; out_has "$U" \; out_has "t$$-pw"
check "list: the artist shows verified, artist, active" \
    eval "grep -E '^[0-9]+ +t$$-pw +t$$-pw@example.test +yes +artist +active +off ' '$OUT'"
user list --role artist
check "list --role artist: the artist, not the listener" all rc_is 0 \; out_has "t$$-pw" \; out_lacks "$U "
user list --role nobody
check "list --role with an unknown role (2)" all rc_is 2 \; err_has "unknown role"
user list extra
check "list with an argument (2)" rc_is 2

# ---------------------------------------------------------------- promote
clear_throttle
sign_in "$U" "$GEN"
COOKIE=$(session_cookie)
account_page "$COOKIE"
check "signed in, the account page answers 200" status_in 200
user promote "$U"
check "promote without a role (2)" all rc_is 2 \; err_has "expected 2 arguments"
user promote "$U" overlord
check "promote to an unknown role (2)" all rc_is 2 \; err_has "unknown role 'overlord'"
user promote "t$$-nobody" admin
check "promote an unknown user (1)" all rc_is 1 \; err_has "no user named 't$$-nobody'"
N=$(sessions_of "$U")
user promote "$(tr a-z A-Z <<<"$U")" artist
check "promote (name in any case): 0, its $N sessions ended" all rc_is 0 \; out_has "listener -> artist" \; \
    out_has "$(ended "$N")" \; test "$N" -ge 1
check "no session of the user is left in the database" test "$(sessions_of "$U")" = 0
sleep "$SETTLE"
account_page "$COOKIE"
check "after promote the old session no longer opens the account page" \
    all status_in 303 \; header_is Location '^/login'
sign_in "$U" "$GEN"
check "after promote the user signs in again" signed_in
user promote "$U" artist
check "promote to the role the user has: 0, nothing to do" all rc_is 0 \; out_has "already artist"
user list --role artist
check "list --role artist now shows the promoted user" out_has "$U "

# ---------------------------------------------------------------- disable / enable
COOKIE=$(session_cookie)
user disable
check "disable without a user (2)" rc_is 2
user disable "t$$-nobody"
check "disable an unknown user (1)" all rc_is 1 \; err_has "no user named"
N=$(sessions_of "$U")
user disable "$U"
check "disable: 0, its $N sessions ended" all rc_is 0 \; out_has "disabled, $(ended "$N")" \; test "$N" -ge 1
check "no session of the disabled user is left" test "$(sessions_of "$U")" = 0
sleep "$SETTLE"
account_page "$COOKIE"
check "a disabled user's old session no longer works" all status_in 303 \; header_is Location '^/login'
clear_throttle
sign_in "$U" "$GEN"
check "a disabled user's right password answers like a wrong one (401)" wrong_password
user list
check "list shows the account disabled" eval "grep -E '^[0-9]+ +$U .* disabled ' '$OUT'"
user disable "$U"
check "disable twice: 0, already disabled" all rc_is 0 \; out_has "already disabled"
user enable "t$$-nobody"
check "enable an unknown user (1)" rc_is 1
user enable "$U"
check "enable: 0" all rc_is 0 \; out_has "enabled"
clear_throttle
sign_in "$U" "$GEN"
check "enabled again, the user signs in" signed_in
user enable "$U"
check "enable twice: 0, already enabled" all rc_is 0 \; out_has "already enabled"

# ---------------------------------------------------------------- reset-password
COOKIE=$(session_cookie)
user reset-password "t$$-nobody"
check "reset-password of an unknown user (1)" all rc_is 1 \; err_has "no user named"
user reset-password "$U" --role admin
check "reset-password does not take --role (2)" all rc_is 2 \; err_has "does not take --role"
user reset-password "$U" --password-stdin <<<"letmein"
check "reset-password --password-stdin: a weak password is refused (2)" all rc_is 2 \; err_has "password refused"
user reset-password "$U" --password-stdin <<<"$U"
check "reset-password --password-stdin: the user name is refused (2)" all rc_is 2 \; err_has "password refused"
N=$(sessions_of "$U")
user reset-password "$U"
NEW=$(sed -n 's/^password: //p' "$OUT")
check "reset-password: 0, a new password printed, its $N sessions ended" \
    all rc_is 0 \; test "${#NEW}" = 20 \; test "$NEW" != "$GEN" \; out_has "$(ended "$N")" \; test "$N" -ge 1
sleep "$SETTLE"
account_page "$COOKIE"
check "after reset-password the old session no longer works" all status_in 303 \; header_is Location '^/login'
clear_throttle
sign_in "$U" "$GEN"
check "the old password no longer signs in" wrong_password
sign_in "$U" "$NEW"
check "the new password signs in" signed_in
PW2="another stdin passphrase $$"
user reset-password "t$$-pw" --password-stdin <<<"$PW2"
check "reset-password --password-stdin: 0, nothing printed" all rc_is 0 \; out_lacks "password:"
sign_in "t$$-pw" "$PW2"
check "the password from stdin signs in" signed_in

sql "DELETE FROM users WHERE username_key LIKE 't$$-%'" || fail "remove this run's accounts" "mariadb failed"
clear_throttle
finish

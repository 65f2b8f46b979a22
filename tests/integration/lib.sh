# tests/integration/lib.sh — a tiny TAP-like harness for curl tests (sourced).
#
#   fetch URL [CURL ARGS...]       request; sets STATUS, and the files $HDRS and $BODY
#   check NAME CMD...              "ok - NAME" when CMD succeeds, else "not ok - NAME"
#   fail NAME DETAIL...            "not ok - NAME" with diagnostics
#   status_in CODE...              STATUS is one of CODEs
#   body_has TEXT / body_lacks TEXT / header_is NAME REGEX
#   finish                         a count line (a comment) and the exit status
# Test names start with $LABEL (the server under test) so both servers' lines stay apart.

T_PASSED=0
T_FAILED=0
LABEL=${LABEL:-}
T_TMP=$(mktemp -d /tmp/lyre-it.XXXXXX)
HDRS="$T_TMP/headers"
BODY="$T_TMP/body"
STATUS=000
LAST_URL=""
trap 'rm -rf "$T_TMP"' EXIT

fetch() {
    LAST_URL=$1
    shift
    : >"$HDRS"
    : >"$BODY"
    STATUS=$(curl -s -g --max-time 20 -o "$BODY" -D "$HDRS" -w '%{http_code}' "$@" "$LAST_URL") || true
    [ -n "$STATUS" ] || STATUS=000
}

# raw_http BASE_URL REQUEST: send REQUEST (CRLFs included) on a fresh connection and keep
# every byte of the answer in $BODY, for what curl hides (say, a body after HEAD).
raw_http() {
    local hostport=${1#http://} line
    hostport=${hostport%%/*}
    : >"$BODY"
    exec 7<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || { STATUS=000; return 1; }
    printf '%b' "$2" >&7
    timeout 10 cat <&7 >"$BODY"
    exec 7<&-
    line=$(head -n 1 "$BODY")
    STATUS=$(echo "$line" | cut -d' ' -f2)
    LAST_URL="$1 (raw: ${2%%\\r*})"
}

# bytes_after_headers: size of what follows the blank line ending the headers in $BODY.
bytes_after_headers() {
    local total head
    total=$(wc -c <"$BODY")
    head=$(grep -boa $'^\r$' "$BODY" | head -n 1 | cut -d: -f1)
    [ -n "$head" ] || { echo "$total"; return; }
    echo $((total - head - 2))
}

_name() { printf '%s%s' "${LABEL:+$LABEL: }" "$1"; }

pass() {
    T_PASSED=$((T_PASSED + 1))
    printf 'ok - %s\n' "$(_name "$1")"
}

fail() {
    T_FAILED=$((T_FAILED + 1))
    printf 'not ok - %s\n' "$(_name "$1")"
    shift
    local d
    for d in "$@"; do printf '#   %s\n' "$d"; done
}

# check NAME CMD...: CMD's stdout (if any) becomes the diagnostic of a failure.
check() {
    local name=$1 why
    shift
    if why=$("$@" 2>&1); then
        pass "$name"
    else
        fail "$name" "$LAST_URL -> $STATUS" ${why:+"$why"}
    fi
}

status_in() {
    local c
    for c in "$@"; do [ "$STATUS" = "$c" ] && return 0; done
    echo "status $STATUS, wanted $*"
    return 1
}

body_has() {
    grep -qF -- "$1" "$BODY" && return 0
    echo "body lacks: $1"
    return 1
}

body_lacks() {
    grep -qF -- "$1" "$BODY" || return 0
    echo "body has: $1"
    return 1
}

# header_value NAME: the value of response header NAME (last one; CR stripped).
header_value() {
    grep -i "^$1:" "$HDRS" | tail -n 1 | sed 's/^[^:]*:[[:space:]]*//; s/\r$//'
}

header_is() {
    local v
    v=$(header_value "$1")
    [[ $v =~ $2 ]] && return 0
    echo "header $1 is '$v', wanted /$2/"
    return 1
}

# all CMD...; CMD...: every check of a compound condition, e.g. all status_in 200 \; body_has x
all() {
    local args=() a
    for a in "$@" ";"; do
        if [ "$a" = ";" ]; then
            [ "${#args[@]}" -eq 0 ] || "${args[@]}" || return 1
            args=()
        else
            args+=("$a")
        fi
    done
}

# order TEXT...: the texts appear in the body in this order.
order() {
    local prev=-1 t pos
    for t in "$@"; do
        pos=$(grep -boF -- "$t" "$BODY" | head -n 1 | cut -d: -f1)
        if [ -z "$pos" ]; then echo "body lacks: $t"; return 1; fi
        if [ "$pos" -le "$prev" ]; then echo "'$t' comes too early"; return 1; fi
        prev=$pos
    done
}

# result_count: how many distinct links to catalog entries the page holds.
result_count() {
    grep -oE 'href="/(artist|album|track)/[0-9]+"' "$BODY" | sort -u | wc -l
}

finish() {
    # Not in the "N passed, N failed" form: only tests/run-all.sh's last line has that.
    printf '# %sthis script: %d ok, %d not ok\n' "${LABEL:+$LABEL: }" "$T_PASSED" "$T_FAILED"
    [ "$T_FAILED" -eq 0 ]
}

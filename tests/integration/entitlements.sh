#!/bin/bash
# tests/integration/entitlements.sh [LABEL] BASE_URL — plans and what they allow, through
# HTTP: the free tier's bitrate cap on /stream and HLS, its skip limit (429 with
# Retry-After), Premium's 320 kbit/s and unlimited skips, a change of plan seen on the very
# next request (subscription rows written by SQL between two requests, as the webhook
# would), past_due within and after its grace period, cancel at period end, a Family
# member's Premium while the owner's subscription lives, the plans page's prices in the
# visitor's currency, and the admin page that edits plans and prices.
# Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf) and LYRE_TEST_BUILD (tools/lyre-admin, and
# tools/lyre-ingest when no track has a 320 kbit/s rendition yet).  lighttpd (redirect)
# and Apache (x-sendfile) both work: the rung is read from the Location or Content-Length.
set -u
if [ $# -ge 2 ]; then LABEL=$1; BASE=$2; else LABEL=${LABEL:-entitlements}; BASE=${1:-http://127.0.0.1:8081}; fi
. "$(dirname "$0")/lib.sh"

INST=${LYRE_TEST_INSTANCE:?}
CONF="$INST/lyre.conf"
BUILD=${LYRE_TEST_BUILD:?}
ADMIN="$BUILD/tools/lyre-admin"
HEX64='[0-9a-f]\{64\}'
PASS="violet kettle 42 drums"
RUN=$(date +%s | tail -c 6)$$

sql() {
    mariadb --defaults-file="$INST/my.cnf" --user=root --default-character-set=utf8mb4 -N -B lyre -e "$1"
}
SRC="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
jar() { echo "$T_TMP/jar-$1"; }
cookie() { awk -v n="$2" '$6 == n { v = $7 } END { print v }' "$1" 2>/dev/null; }
get() { fetch "$BASE$2" --interface "$SRC" -b "$1" -c "$1" "${@:3}"; }
post() {
    local j=$1 path=$2 token=$3 args=() kv
    shift 3
    [ "$token" = - ] || args+=(--data-urlencode "csrf=$token")
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    [ ${#args[@]} -gt 0 ] || args+=(-d "")
    fetch "$BASE$path" --interface "$SRC" -b "$j" -c "$j" "${args[@]}"
}
make_user() {   # make_user NAME [ROLE]
    local j t
    j=$(jar "$1")
    printf '%s\n' "$PASS" | "$ADMIN" -c "$CONF" user add "$1" "$1@example.test" --password-stdin --verified \
        --role "${2:-listener}" >/dev/null 2>"$T_TMP/admin-err" || { cat "$T_TMP/admin-err" >&2; return 1; }
    get "$j" /login
    t=$(cookie "$j" lyre_csrf)
    post "$j" /login "$t" "login=$1" "password=$PASS"
    [ "$STATUS" = 303 ]
}
csrf_of() {
    get "$1" /plans
    grep -o "data-csrf=\"$HEX64\"" "$BODY" | head -n 1 | grep -o "$HEX64"
}
uid_of() { sql "SELECT id FROM users WHERE username = '$1'"; }
plan_id() { sql "SELECT id FROM plans WHERE code = '$1'"; }

# ---------------------------------------------------------------- a track with 3 rungs
track_320() {
    sql "SELECT r.track_id FROM renditions r JOIN tracks t ON t.id = r.track_id
         WHERE t.available = 1 AND r.bitrate_kbps = 320
           AND EXISTS (SELECT 1 FROM renditions r2 WHERE r2.track_id = r.track_id AND r2.bitrate_kbps = 160)
         ORDER BY (t.title = 'Stream Test Tone') DESC, r.track_id LIMIT 1"
}
TRACK=$(track_320)
if [ -z "$TRACK" ] && command -v ffmpeg >/dev/null; then
    dir="$INST/fixtures/entitlements"
    mkdir -p "$dir"
    ffmpeg -nostdin -v error -f lavfi -i "sine=frequency=440:duration=15" -f lavfi -i "sine=frequency=550:duration=15" \
        -filter_complex "[0:a][1:a]amerge=inputs=2" -ar 44100 -metadata title="Entitlement Tone" \
        -metadata artist="Lyre Test Signals" -metadata album="Entitlement Tones" -y "$dir/tone.flac" \
        && "$BUILD/tools/lyre-ingest" -c "$CONF" --quiet "$dir" >/dev/null 2>&1
    TRACK=$(track_320)
fi
if [ -z "$TRACK" ]; then
    fail "a track with 160 and 320 kbit/s renditions exists (fixture audio ingested?)"
    finish
    exit 1
fi
echo "# track $TRACK: $(sql "SELECT GROUP_CONCAT(bitrate_kbps ORDER BY bitrate_kbps) FROM renditions WHERE track_id = $TRACK") kbit/s"

# The rung the last /stream answer handed out: by the sha in its Location (redirect), or
# by its Content-Length (X-Sendfile).
rung() {
    local loc sha len
    loc=$(header_value Location)
    sha=$(echo "$loc" | grep -o '[0-9a-f]\{64\}' | head -n 1)
    if [ -n "$sha" ]; then
        sql "SELECT bitrate_kbps FROM renditions WHERE track_id = $TRACK AND sha256 = '$sha'"
    else
        len=$(header_value Content-Length)
        sql "SELECT bitrate_kbps FROM renditions WHERE track_id = $TRACK AND bytes = '${len:-0}' LIMIT 1"
    fi
}
rung_is() {
    local got
    status_in 302 200 || return 1
    got=$(rung)
    [ "$got" = "$1" ] || { echo "rung $got kbit/s, wanted $1"; return 1; }
}
# stream JAR QUERY: GET /stream/TRACK?QUERY as that user.
stream() { get "$1" "/stream/$TRACK?$2"; }

# ---------------------------------------------------------------- users
FREE="ent${RUN}f"; PREM="ent${RUN}p"; OWNER="ent${RUN}o"; MEMBER="ent${RUN}m"; ADM="ent${RUN}a"
JPU="ent${RUN}j"; USU="ent${RUN}u"
for u in "$FREE" "$PREM" "$OWNER" "$MEMBER" "$JPU" "$USU"; do
    make_user "$u" || fail "user $u made and signed in"
done
make_user "$ADM" admin || fail "admin $ADM made and signed in"
F=$(jar "$FREE"); P=$(jar "$PREM"); O=$(jar "$OWNER"); M=$(jar "$MEMBER"); A=$(jar "$ADM")
CF=$(csrf_of "$F"); CA=$(csrf_of "$A"); CP=$(csrf_of "$P")
check "signed-in pages carry the session's CSRF token" test -n "$CF" -a -n "$CA" -a -n "$CP"
UF=$(uid_of "$FREE"); UP=$(uid_of "$PREM"); UO=$(uid_of "$OWNER"); UM=$(uid_of "$MEMBER")
PREMIUM_ID=$(plan_id premium); FAMILY_ID=$(plan_id family)
SKIPS=$(sql "SELECT COALESCE(skips_per_hour, 0) FROM plans WHERE code = 'free'")
SKIPS=${SKIPS:-6}

# subscribe USER_ID PLAN_ID STATUS [EXTRA SQL SET-LIST]: one subscription row per user,
# written as the webhook would.
subscribe() {
    sql "INSERT INTO subscriptions (user_id, plan_id, provider, provider_subscription_id, status)
         VALUES ($1, $2, 'test', 'sub_ent_${RUN}_$1', '$3')
         ON DUPLICATE KEY UPDATE plan_id = VALUES(plan_id), status = VALUES(status),
           grace_until = NULL, cancel_at_period_end = 0, current_period_end = NULL"
    [ -z "${4:-}" ] || sql "UPDATE subscriptions SET $4 WHERE provider = 'test' AND provider_subscription_id = 'sub_ent_${RUN}_$1'"
}

# ---------------------------------------------------------------- free: bitrate cap
fetch "$BASE/stream/$TRACK?br=320" --interface "$SRC"
check "anonymous: /stream?br=320 hands out the 160 kbit/s rung" rung_is 160
stream "$F" "br=320"
check "free user: /stream?br=320 hands out the 160 kbit/s rung" rung_is 160
stream "$F" ""
check "free user: /stream without br hands out the 160 kbit/s rung" rung_is 160
stream "$F" "br=96"
check "free user: /stream?br=96 still picks the 96 kbit/s rung" rung_is 96
get "$F" "/hls/$TRACK/master.m3u8"
check "free user: the HLS ladder lists 160 and not 320" \
    all status_in 200 \; body_has "160.m3u8" \; body_lacks "320.m3u8"
get "$F" "/hls/$TRACK/320.m3u8"
check "free user: the 320 kbit/s media playlist answers 403" status_in 403
get "$F" "/hls/$TRACK/160.m3u8"
check "free user: the 160 kbit/s media playlist answers 200" status_in 200

# ---------------------------------------------------------------- free: skip limit
# As the player does: the skip's play event, then the next song's /stream with skip=PLAY_ID.
skip_event() {   # skip_event JAR CSRF PLAY_ID
    post "$1" /stream/events "$2" "play_id=$3" "track_id=$TRACK" event=skip position_ms=4000 client=web
}
ok_skips=0
for i in $(seq 1 "$SKIPS"); do
    pid=$(printf '%08x%024x' "$RUN" "$i")
    skip_event "$F" "$CF" "$pid"
    [ "$STATUS" = 204 ] || fail "skip event $i recorded" "status $STATUS"
    stream "$F" "skip=$pid"
    case $STATUS in 302|200) ok_skips=$((ok_skips + 1)) ;; esac
done
check "free user: $SKIPS skips within the hour play" test "$ok_skips" = "$SKIPS"
pid=$(printf '%08x%024x' "$RUN" 99)
skip_event "$F" "$CF" "$pid"
stream "$F" "skip=$pid&br=320"
check "free user: skip $((SKIPS + 1)) within the hour answers 429 with Retry-After and a message" \
    all status_in 429 \; header_is Retry-After '^[0-9]+$' \; body_has "skips an hour"
RA=$(header_value Retry-After)
check "Retry-After is at most an hour" test "${RA:-0}" -ge 1 -a "${RA:-0}" -le 3600
get "$F" "/hls/$TRACK/master.m3u8?skip=1"
check "free user: the HLS ladder of a skip answers 429 as well" status_in 429
stream "$F" "br=320"
check "free user: a song that is not a skip still plays (160 kbit/s)" rung_is 160
stream "$F" "skip=nonsense"
check "a malformed skip mark answers 400" status_in 400

# ---------------------------------------------------------------- change of plan, next request
subscribe "$UF" "$PREMIUM_ID" active
stream "$F" "skip=1&br=320"
check "subscription row set to active: the very next skip plays, at 320 kbit/s" rung_is 320
get "$F" "/hls/$TRACK/master.m3u8"
check "premium: the HLS ladder lists 320" all status_in 200 \; body_has "320.m3u8"
sql "UPDATE subscriptions SET status = 'canceled' WHERE provider_subscription_id = 'sub_ent_${RUN}_$UF'"
stream "$F" "br=320"
check "subscription canceled: the very next request gets 160 kbit/s again" rung_is 160
stream "$F" "skip=1"
check "subscription canceled: skips are limited again (429)" status_in 429

# ---------------------------------------------------------------- premium
subscribe "$UP" "$PREMIUM_ID" active
stream "$P" "br=320"
check "premium user: /stream?br=320 hands out the 320 kbit/s rung" rung_is 320
stream "$P" ""
check "premium user: /stream without br hands out the 320 kbit/s rung" rung_is 320
n=0
for i in $(seq 1 $((SKIPS + 3))); do
    pid=$(printf '%08x%024x' "$RUN" $((200 + i)))
    skip_event "$P" "$CP" "$pid"
    stream "$P" "skip=$pid"
    case $STATUS in 302|200) n=$((n + 1)) ;; esac
done
check "premium user: $((SKIPS + 3)) skips within the hour all play" test "$n" = $((SKIPS + 3))

subscribe "$UP" "$PREMIUM_ID" past_due "grace_until = UTC_TIMESTAMP() + INTERVAL 3 DAY"
stream "$P" "br=320"
check "past_due within the grace period keeps 320 kbit/s" rung_is 320
sql "UPDATE subscriptions SET grace_until = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE provider_subscription_id = 'sub_ent_${RUN}_$UP'"
stream "$P" "br=320"
check "past_due after the grace period falls back to 160 kbit/s" rung_is 160
subscribe "$UP" "$PREMIUM_ID" canceled "cancel_at_period_end = 1, current_period_end = UTC_TIMESTAMP() + INTERVAL 10 DAY"
stream "$P" "br=320"
check "canceled at period end, period not over: still 320 kbit/s" rung_is 320
sql "UPDATE subscriptions SET current_period_end = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE provider_subscription_id = 'sub_ent_${RUN}_$UP'"
stream "$P" "br=320"
check "canceled at period end, period over: 160 kbit/s" rung_is 160
subscribe "$UP" "$PREMIUM_ID" trialing
stream "$P" "br=320"
check "trialing: 320 kbit/s" rung_is 320

# ---------------------------------------------------------------- family
subscribe "$UO" "$FAMILY_ID" active
sql "INSERT INTO family_groups (owner_id) VALUES ($UO); INSERT INTO family_members (owner_id, member_id) VALUES ($UO, $UM)"
stream "$M" "br=320"
check "family member: 320 kbit/s while the owner's Family subscription is active" rung_is 320
get "$M" /plans
check "family member: the plans page says Premium comes through a Family plan" \
    all status_in 200 \; body_has "through a Family plan"
sql "UPDATE subscriptions SET status = 'unpaid' WHERE provider_subscription_id = 'sub_ent_${RUN}_$UO'"
stream "$M" "br=320"
check "family member: 160 kbit/s once the owner's subscription is unpaid" rung_is 160
stream "$O" "br=320"
check "family owner: 160 kbit/s once unpaid" rung_is 160

# ---------------------------------------------------------------- plans page
sql "UPDATE users SET country = 'JP' WHERE username = '$JPU'; UPDATE users SET country = 'US' WHERE username = '$USU'"
get "$(jar "$JPU")" /plans
check "plans page of a JP user shows Premium at ¥980" all status_in 200 \; body_has "¥980" \; body_lacks '$11.99'
get "$(jar "$USU")" /plans
check "plans page of a US user shows Premium at \$11.99" all status_in 200 \; body_has '$11.99'
check "the free plan is marked as the US user's plan" grep -q 'plan-card is-current" id="plan-free"' "$BODY"
get "$P" /plans
check "a subscriber's plans page marks Premium as theirs" grep -q 'plan-card is-current" id="plan-premium"' "$BODY"
fetch "$BASE/plans?currency=EUR"
check "anonymous ?currency=EUR shows 10,99 €" all status_in 200 \; body_has "10,99"$'\xc2\xa0'"€"
fetch "$BASE/plans?currency=INR"
check "anonymous ?currency=INR shows ₹119.00" all status_in 200 \; body_has "₹119.00"
fetch "$BASE/plans?currency=XYZ"
check "?currency= without prices answers 400" status_in 400
fetch "$BASE/plans?currency=eu"
check "a malformed ?currency= answers 400" status_in 400
PROVIDER=$(sed -n 's/^ *provider = "\([a-z]*\)";.*/\1/p' "$CONF" | head -n 1)
get "$(jar "$USU")" /plans
if [ "${PROVIDER:-none}" = none ]; then
    check "billing.provider none: plans without checkout buttons" body_lacks 'action="/checkout/'
else
    check "checkout form: POST /checkout/premium with the csrf field and 'Get Premium'" \
        all body_has 'action="/checkout/premium"' \; body_has 'name="csrf"' \; body_has "Get Premium"
    subscribe "$UP" "$PREMIUM_ID" active
    get "$P" /plans
    check "a subscriber sees no checkout form, and a link to manage the subscription" \
        all body_lacks 'action="/checkout/' \; body_has 'href="/billing"'
fi

# ---------------------------------------------------------------- admin
get "$F" /plans/admin
check "a listener gets 403 at /plans/admin" status_in 403
post "$F" /plans/admin "$CF" "plan=$PREMIUM_ID" name=Premium max_kbps=320
check "a listener's POST /plans/admin answers 403" status_in 403
get "$A" /plans/admin
check "an admin sees every plan's form with its prices" \
    all status_in 200 \; body_has 'name="price_JPY"' \; body_has 'value="11.99"' \; body_has 'value="980"'

OLD_USD=$(sql "SELECT amount_minor FROM plan_prices WHERE plan_id = $PREMIUM_ID AND currency = 'USD' AND billing_interval = 'month'")
OLD_DESC=$(sql "SELECT description FROM plans WHERE id = $PREMIUM_ID")
premium_form() {   # premium_form [NAME=VALUE...]: the premium plan's form as it is, overridden
    local -A f=([name]=Premium [description]="$OLD_DESC" [max_kbps]=320 [skips_per_hour]= [spots_every]=
                [family_members]=0 [active]=1 [price_JPY]=980 [price_EUR]=10.99)
    local kv k args=()
    for kv in "$@"; do f[${kv%%=*}]=${kv#*=}; done
    for k in "${!f[@]}"; do args+=("$k=${f[$k]}"); done
    post "$A" /plans/admin "$CA" "plan=$PREMIUM_ID" "${args[@]}"
}
premium_form price_USD=12.49
check "an admin changes the USD price: 303 back to the admin page" \
    all status_in 303 \; header_is Location '^/plans/admin\?done=saved'
check "the new price is stored in minor units" \
    test "$(sql "SELECT amount_minor FROM plan_prices WHERE plan_id = $PREMIUM_ID AND currency = 'USD'")" = 1249
get "$(jar "$USU")" /plans
check "the plans page shows the new price on the next request" body_has '$12.49'
premium_form price_USD=abc
check "a non-numeric price re-renders the form with 422 and the message" \
    all status_in 422 \; body_has "digits with at most one decimal mark" \; body_has 'value="abc"'
premium_form price_USD=1.999
check "a price with too many decimals answers 422" status_in 422
premium_form price_USD=5 price_JPY=980.5
check "yen with decimals answers 422" all status_in 422 \; body_has "fewer decimal places"
premium_form price_USD=-3
check "a negative price answers 422" all status_in 422 \; body_has "cannot be negative"
premium_form price_USD=5 price_XYZ=3
check "a price in an unknown currency answers 422" all status_in 422 \; body_has "XYZ is not a known currency"
premium_form price_USD=5 max_kbps=fast
check "a non-numeric bitrate answers 422" status_in 422
check "refused forms changed nothing" \
    test "$(sql "SELECT amount_minor FROM plan_prices WHERE plan_id = $PREMIUM_ID AND currency = 'USD'")" = 1249
post "$A" /plans/admin - "plan=$PREMIUM_ID" name=Premium max_kbps=320 price_USD=1
check "POST /plans/admin without the CSRF token answers 403" status_in 403
post "$A" /plans/admin "$CA" plan=nope name=x max_kbps=320
check "POST /plans/admin for a malformed plan id answers 400" status_in 400
premium_form "price_USD=$(printf '%d.%02d' $((OLD_USD / 100)) $((OLD_USD % 100)))"
check "the old price is restored" \
    test "$(sql "SELECT amount_minor FROM plan_prices WHERE plan_id = $PREMIUM_ID AND currency = 'USD'")" = "$OLD_USD"

# ---------------------------------------------------------------- sponsor spots
SPOT_MP3="$T_TMP/spot.mp3"
if command -v ffmpeg >/dev/null && ffmpeg -nostdin -v error -f lavfi -i "sine=frequency=880:duration=3" \
        -ar 44100 -ac 1 -b:a 32k -y "$SPOT_MP3"; then
    get "$F" /plans/spots
    check "a listener gets 403 at /plans/spots" status_in 403
    get "$A" /plans/spots
    check "an admin sees the sponsor spots page" all status_in 200 \; body_has 'enctype="multipart/form-data"'
    printf 'not audio at all' >"$T_TMP/fake.mp3"
    fetch "$BASE/plans/spots" --interface "$SRC" -b "$A" -c "$A" -F "csrf=$CA" -F action=add \
        -F "title=Ent spot $RUN" -F "body=Hear this" -F "link=https://example.test/ent" -F "audio=@$T_TMP/fake.mp3"
    check "a spot whose file is not an MP3 is refused with 422" \
        all status_in 422 \; body_has "not an MP3 file" \; body_has "Ent spot $RUN"
    fetch "$BASE/plans/spots" --interface "$SRC" -b "$A" -c "$A" -F "csrf=$CA" -F action=add \
        -F "title=Ent spot $RUN" -F "body=Hear this" -F "link=javascript:alert(1)"
    check "a spot whose link is not http(s) is refused with 422" status_in 422
    fetch "$BASE/plans/spots" --interface "$SRC" -b "$A" -c "$A" -F "csrf=$CA" -F action=add \
        -F "title=Ent spot $RUN" -F "body=Hear this" -F "link=https://example.test/ent" -F "audio=@$SPOT_MP3"
    check "an admin adds a spot with an MP3: 303" all status_in 303 \; header_is Location '^/plans/spots\?done=added'
    SPOT_SHA=$(sha256sum "$SPOT_MP3" | cut -d' ' -f1)
    SPOT_ID=$(sql "SELECT id FROM sponsor_spots WHERE title = 'Ent spot $RUN' AND audio_sha256 = '$SPOT_SHA'")
    MEDIA=$(sed -n 's/^ *media = "\(.*\)";.*/\1/p' "$CONF" | head -n 1)
    check "the spot's MP3 is stored content-addressed as audio/aa/<sha>.mp3" \
        test -n "$SPOT_ID" -a -f "${MEDIA:-$INST/media}/audio/${SPOT_SHA:0:2}/$SPOT_SHA.mp3"
    check "its duration is kept" test "$(sql "SELECT audio_ms BETWEEN 2500 AND 3500 FROM sponsor_spots WHERE id = ${SPOT_ID:-0}")" = 1
    # Only this run's spot is active while the listener's spots are counted.
    sql "UPDATE sponsor_spots SET active = (id = ${SPOT_ID:-0})"
    SFREE="ent${RUN}s"
    make_user "$SFREE" || fail "spot listener signed in"
    S=$(jar "$SFREE"); CS=$(csrf_of "$S")
    EVERY=$(sql "SELECT spots_every FROM plans WHERE code = 'free'")
    get "$S" /plans/spot.json
    check "spot.json: nothing due before any song" all status_in 200 \; body_has '"due":false'
    for i in $(seq 1 "$EVERY"); do
        post "$S" /stream/events "$CS" "play_id=$(printf '%08x%024x' "$RUN" $((300 + i)))" "track_id=$TRACK" \
            event=complete position_ms=20000
    done
    get "$S" /plans/spot.json
    check "spot.json: a spot is due after $EVERY completed songs, with its title, link and audio" \
        all status_in 200 \; body_has '"due":true' \; body_has "\"title\":\"Ent spot $RUN\"" \
        \; body_has '"link":"https://example.test/ent"' \; body_has '"audio":"/'
    AUDIO=$(grep -o '"audio":"[^"]*"' "$BODY" | sed 's/^"audio":"//; s/"$//; s/\\u0026/\&/g; s/\\\//\//g')
    fetch "$BASE$AUDIO" -L --interface "$SRC"
    check "the spot's audio URL plays its MP3" all status_in 200 \; header_is Content-Type '^audio/mpeg'
    get "$S" /plans/spot.json
    check "spot.json: not due again right after a spot" body_has '"due":false'
    get "$P" /plans/spot.json
    check "spot.json: never due on a paid plan" all status_in 200 \; body_has '"due":false' \; body_has '"every":0'
    fetch "$BASE/plans/spot.json?played=$EVERY"
    check "spot.json: an anonymous player that counted $EVERY songs gets the spot" body_has '"due":true'
    post "$A" /plans/spots "$CA" action=disable "spot=$SPOT_ID"
    check "an admin disables the spot" all status_in 303
    fetch "$BASE/plans/spot.json?played=$EVERY"
    check "a disabled spot is never handed out" body_has '"due":false'
else
    fail "ffmpeg makes the spot's MP3"
fi

finish

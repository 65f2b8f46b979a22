#!/bin/bash
# tests/integration/billing.sh [LABEL] BASE_URL — payments through HTTP against the real
# stack: checkout against a stand-in of Stripe's API (tests/stripe/standin.mjs, started here
# on the port of billing.stripe_api_base and stopped at the end) with its error, 500-then-
# success (same Idempotency-Key) and timeout cases; signed webhooks (bodies shaped like
# Stripe's events, signed by the official stripe npm package) sent twice, out of order, with
# a wrong signature, a stale timestamp, the previous secret, and with MariaDB stopped in the
# middle (503, then the retry settles it exactly once); the billing pages (cancel at period
# end, resume, portal); family invitations with simultaneous joins; and no secret in any log.
# Needs LYRE_TEST_INSTANCE (lyre.conf with a billing section: LYRE_STRIPE_BASE in
# scripts/instance.sh), LYRE_TEST_BUILD (tools/lyre-admin), LYRE_TEST_DB_PORT, node, jq.
set -u
if [ $# -ge 2 ]; then LABEL=$1; BASE=$2; else LABEL=${LABEL:-billing}; BASE=${1:-http://127.0.0.1:8081}; fi
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
ROOT=$(cd "$HERE/../.." && pwd)
STRIPE_DIR="$ROOT/tests/stripe"
INST=${LYRE_TEST_INSTANCE:?}
DB_PORT=${LYRE_TEST_DB_PORT:?}
CONF="$INST/lyre.conf"
ADMIN="${LYRE_TEST_BUILD:?}/tools/lyre-admin"
PASS="copper lantern 77 brass"
RUN=$(date +%s | tail -c 6)$$
HEX64='[0-9a-f]\{64\}'
STANDIN_PID=""
STANDIN_LOG="$INST/stripe-standin.log"

conf_value() { sed -n "s/^ *$1 = \"\(.*\)\";.*/\1/p" "$CONF" | head -n 1; }
SK=$(conf_value stripe_secret_key)
WHSEC=$(conf_value stripe_webhook_secret)
WHSEC_OLD=$(conf_value stripe_webhook_secret_previous)
STRIPE=$(conf_value stripe_api_base)
GRACE=$(sed -n 's/^ *grace_days = \([0-9]*\);.*/\1/p' "$CONF" | head -n 1)
if [ -z "$SK" ] || [ -z "$WHSEC" ] || [ -z "$STRIPE" ]; then
    fail "the instance's lyre.conf has a billing section (set LYRE_STRIPE_BASE)"
    finish
    exit 1
fi

sql() { mariadb --defaults-file="$INST/my.cnf" --user=root --default-character-set=utf8mb4 -N -B lyre -e "$1"; }

stop_standin() {
    [ -n "$STANDIN_PID" ] || return 0
    kill "$STANDIN_PID" 2>/dev/null
    wait "$STANDIN_PID" 2>/dev/null
    STANDIN_PID=""
}
trap 'stop_standin; rm -rf "$T_TMP"' EXIT

start_standin() {
    local port=${STRIPE##*:} i
    port=${port%%/*}
    if [ ! -d "$STRIPE_DIR/node_modules/stripe" ]; then
        (cd "$STRIPE_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$T_TMP/npm.log" 2>&1 \
            || { cat "$T_TMP/npm.log"; return 1; }
    fi
    STRIPE_STANDIN_KEY="$SK" node "$STRIPE_DIR/standin.mjs" "$port" >>"$STANDIN_LOG" 2>&1 &
    STANDIN_PID=$!
    for i in $(seq 1 100); do
        curl -s -o /dev/null "$STRIPE/__requests" && return 0
        kill -0 "$STANDIN_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "the stand-in did not start:"
    tail -n 20 "$STANDIN_LOG"
    STANDIN_PID=""
    return 1
}
if ! start_standin >"$T_TMP/start.log" 2>&1; then
    fail "the Stripe stand-in starts on $STRIPE" "$(cat "$T_TMP/start.log")"
    finish
    exit 1
fi
pass "the Stripe stand-in starts on $STRIPE"

# ---------------------------------------------------------------- users
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
location() { header_value Location; }
location_is() {
    [[ $(location) =~ $1 ]] && return 0
    echo "Location is '$(location)', wanted /$1/"
    return 1
}
make_user() {
    local j t
    j=$(jar "$1")
    printf '%s\n' "$PASS" | "$ADMIN" -c "$CONF" user add "$1" "$1@example.test" --password-stdin --verified \
        >/dev/null 2>"$T_TMP/admin-err" || { cat "$T_TMP/admin-err" >&2; return 1; }
    get "$j" /login
    t=$(cookie "$j" lyre_csrf)
    post "$j" /login "$t" "login=$1" "password=$PASS"
    [ "$STATUS" = 303 ]
}
csrf_of() {
    get "$1" /billing
    grep -o "data-csrf=\"$HEX64\"" "$BODY" | head -n 1 | grep -o "$HEX64"
}
uid() { sql "SELECT id FROM users WHERE username = '$1'"; }
# save_page NAME: keep the page in $BODY for the HTML validator (tests/browser/validate.mjs).
save_page() {
    [ -n "${LYRE_TEST_HTML:-}" ] || return 0
    mkdir -p "$LYRE_TEST_HTML"
    cp "$BODY" "$LYRE_TEST_HTML/$LABEL-$1.html"
}

# ---------------------------------------------------------------- stand-in and webhooks
requests() { curl -s "$STRIPE/__requests"; }
faults() { curl -s -o /dev/null -H 'Content-Type: application/json' -d "$1" "$STRIPE/__faults"; }
# The stand-in's requests to PATH as a jq stream.
reqs_to() { requests | jq -c --arg p "$1" '[.[] | select(.path == $p)]'; }

# event NAME TYPE k=v...: an event body in $T_TMP/NAME.json
event() {
    local name=$1
    shift
    node "$STRIPE_DIR/webhook.mjs" event "$@" >"$T_TMP/$name.json"
}
# send NAME [SECRET [TIMESTAMP]]: POST it signed (SECRET "-" sends no signature)
send() {
    local name=$1 secret=${2:-$WHSEC} ts=${3:-$(date +%s)} sig
    if [ "$secret" = - ]; then
        fetch "$BASE/webhooks/stripe" -H 'Content-Type: application/json' --data-binary "@$T_TMP/$name.json"
        return
    fi
    sig=$(node "$STRIPE_DIR/webhook.mjs" sign "$secret" "$ts" "$T_TMP/$name.json")
    echo "$sig" >>"$T_TMP/signatures"
    fetch "$BASE/webhooks/stripe" -H 'Content-Type: application/json' -H "Stripe-Signature: $sig" \
        --data-binary "@$T_TMP/$name.json"
}
events_named() { sql "SELECT COUNT(*) FROM billing_events WHERE event_id = '$1'"; }
sub_field() { sql "SELECT $2 FROM subscriptions WHERE provider_subscription_id = '$1'"; }
inv_field() { sql "SELECT $2 FROM invoices WHERE provider_invoice_id = '$1'"; }

ALICE="pay$RUN"a
BOB="pay$RUN"b
A=$(jar "$ALICE")
B=$(jar "$BOB")
check "users made with lyre-admin sign in" make_user "$ALICE"
make_user "$BOB" || fail "second user signs in"
UA=$(uid "$ALICE")
UB=$(uid "$BOB")
sql "UPDATE users SET country = 'GB' WHERE id = $UA; UPDATE users SET country = 'US' WHERE id = $UB"
CA=$(csrf_of "$A")
CB=$(csrf_of "$B")
check "the billing page carries the session's CSRF token" test -n "$CA" -a -n "$CB"

# ---------------------------------------------------------------- checkout
X=$(jar anon)
get "$X" /login
post "$X" /checkout/premium "$(cookie "$X" lyre_csrf)"
check "POST /checkout/premium anonymous: 401 or sign in" status_in 401 303
post "$A" /checkout/premium -
check "POST /checkout/premium without a CSRF token: 403" status_in 403
post "$A" /checkout/nonesuch "$CA"
check "POST /checkout/{unknown plan}: 404" status_in 404
post "$A" /checkout/free "$CA"
check "POST /checkout/free: 404 (nothing to buy)" status_in 404

curl -s -o /dev/null -X POST "$STRIPE/__reset"
post "$A" /checkout/premium "$CA"
check "POST /checkout/premium: 303 to the provider's checkout page" \
    all status_in 303 \; location_is '^https://checkout\.stripe\.com/c/pay/cs_test_'
CUS_A=$(sql "SELECT customer_id FROM billing_customers WHERE user_id = $UA AND provider = 'stripe'")
check "the Stripe customer is kept (billing_customers)" test -n "$CUS_A"
CUSTOMERS=$(reqs_to /v1/customers)
check "customer created once, with the secret key, an Idempotency-Key and the user in metadata" \
    test "$(echo "$CUSTOMERS" | jq -r "length == 1 and .[0].auth == \"ok\" and (.[0].idempotency_key | length > 8)
        and .[0].params.metadata.user_id == \"$UA\" and .[0].params.email == \"$ALICE@example.test\"")" = true
S=$(reqs_to /v1/checkout/sessions | jq -c '.[0]')
check "checkout session: subscription mode, client_reference_id, metadata user and plan" \
    test "$(echo "$S" | jq -r ".params.mode == \"subscription\" and .params.client_reference_id == \"$UA\"
        and .params.metadata.user_id == \"$UA\" and .params.metadata.plan == \"premium\"
        and .params.subscription_data.metadata.user_id == \"$UA\" and .params.customer == \"$CUS_A\"
        and .content_type == \"application/x-www-form-urlencoded\" and .auth == \"ok\"")" = true
check "checkout session: the GBP price from the user's country (price_data, 1199, monthly, named)" \
    test "$(echo "$S" | jq -r '.params.line_items["0"] | .quantity == "1" and .price_data.currency == "gbp"
        and .price_data.unit_amount == "1199" and .price_data.recurring.interval == "month"
        and .price_data.product_data.name == "Premium"')" = true
check "checkout session: success and cancel URLs on this site" \
    test "$(echo "$S" | jq -r '(.params.success_url | test("/checkout/success\\?session_id=\\{CHECKOUT_SESSION_ID\\}$"))
        and (.params.cancel_url | test("/checkout/cancel$"))')" = true

post "$A" /checkout/premium "$CA"
check "a second checkout reuses the customer (no new /v1/customers call)" \
    all status_in 303 \; test "$(reqs_to /v1/customers | jq length)" = 1
K1=$(reqs_to /v1/checkout/sessions | jq -r '.[0].idempotency_key')
K2=$(reqs_to /v1/checkout/sessions | jq -r '.[1].idempotency_key')
check "each checkout is its own logical operation (its own Idempotency-Key)" test -n "$K1" -a "$K1" != "$K2"

sql "UPDATE plan_prices pp JOIN plans p ON p.id = pp.plan_id SET pp.provider_price_id = 'price_test_student_usd'
     WHERE p.code = 'student' AND pp.currency = 'USD'"
curl -s -o /dev/null -X POST "$STRIPE/__reset"
post "$B" /checkout/student "$CB"
check "a plan price with a provider price id is sent as line_items[0][price]" \
    all status_in 303 \; test "$(reqs_to /v1/checkout/sessions | jq -r '.[0].params.line_items["0"] | .price == "price_test_student_usd" and (has("price_data") | not)')" = true

faults '{"path": "/v1/checkout/sessions", "mode": "card_error", "times": 1}'
post "$A" /checkout/premium "$CA"
check "provider's card_error (402): a 502 page with Stripe's message" \
    all status_in 502 \; header_is Content-Type '^text/html' \; body_has 'Your card was declined.'
save_page billing-provider-error
faults '{"path": "/v1/checkout/sessions", "mode": "invalid_request", "times": 1}'
post "$A" /checkout/premium "$CA"
check "provider's invalid_request_error (400): a 502 page with Stripe's message" \
    all status_in 502 \; body_has 'No such price'

curl -s -o /dev/null -X POST "$STRIPE/__reset"
faults '{"path": "/v1/checkout/sessions", "mode": "500", "times": 1}'
post "$A" /checkout/premium "$CA"
SESS=$(reqs_to /v1/checkout/sessions)
check "500 then success: retried, 303 to checkout" all status_in 303 \; location_is '^https://checkout\.stripe\.com/'
check "500 then success: two requests with the same Idempotency-Key" \
    test "$(echo "$SESS" | jq -r 'length == 2 and .[0].status == 500 and .[1].status == 200
        and .[0].idempotency_key == .[1].idempotency_key')" = true

curl -s -o /dev/null -X POST "$STRIPE/__reset"
faults '{"path": "/v1/checkout/sessions", "mode": "429", "times": 1}'
post "$A" /checkout/premium "$CA"
check "429 then success: retried with the same Idempotency-Key, 303" \
    all status_in 303 \; test "$(reqs_to /v1/checkout/sessions | jq -r 'length == 2 and .[0].status == 429
        and .[0].idempotency_key == .[1].idempotency_key')" = true

CAROL="pay$RUN"c
C=$(jar "$CAROL")
make_user "$CAROL" || fail "third user signs in"
CC=$(csrf_of "$C")
UC=$(uid "$CAROL")
curl -s -o /dev/null -X POST "$STRIPE/__reset"
faults '{"path": "/v1/customers", "mode": "500", "times": 10}'
post "$C" /checkout/family "$CC"
check "customer creation failing (500 every time): 502 page, no customer kept, no session asked" \
    all status_in 502 \; test "$(sql "SELECT COUNT(*) FROM billing_customers WHERE user_id = $UC")" = 0 \
    \; test "$(reqs_to /v1/checkout/sessions | jq length)" = 0 \
    \; test "$(reqs_to /v1/customers | jq -r '([.[].idempotency_key] | unique | length) == 1')" = true
curl -s -o /dev/null -X POST "$STRIPE/__reset"
post "$C" /checkout/family "$CC"
check "the next try makes the customer and the session (family plan, USD by default)" \
    all status_in 303 \; test "$(sql "SELECT COUNT(*) FROM billing_customers WHERE user_id = $UC")" = 1 \
    \; test "$(reqs_to /v1/checkout/sessions | jq -r '.[0].params.line_items["0"].price_data | .currency == "usd" and .unit_amount == "1999"')" = true

curl -s -o /dev/null -X POST "$STRIPE/__reset"
faults '{"path": "/v1/checkout/sessions", "mode": "500", "times": 10}'
post "$A" /checkout/premium "$CA"
check "500 every time: a 502 page after bounded retries (1 + billing.stripe_retries, one key)" \
    all status_in 502 \; body_has 'not available right now' \
    \; test "$(reqs_to /v1/checkout/sessions | jq -r 'length == 3 and ([.[].idempotency_key] | unique | length) == 1')" = true

curl -s -o /dev/null -X POST "$STRIPE/__reset"
faults '{"path": "/v1/checkout/sessions", "mode": "hang", "times": 10, "ms": 15000}'
t0=$(date +%s)
post "$A" /checkout/premium "$CA"
t1=$(date +%s)
check "a provider that hangs: 502 'did not answer in time' within the bounded retries ($((t1 - t0)) s)" \
    all status_in 502 \; body_has 'did not answer in time' \; test $((t1 - t0)) -lt 15
curl -s -o /dev/null -X POST "$STRIPE/__reset"

# ---------------------------------------------------------------- webhooks: signatures
NOW=$(date +%s)
SUB_A="sub_test_${RUN}a"
event bad customer.subscription.updated "id=evt_${RUN}_bad" "sub=$SUB_A" "customer=$CUS_A" "user=$UA" created=$((NOW - 100))
send bad "whsec_not_the_right_secret"
check "webhook signed with a wrong secret: 400, not stored" all status_in 400 \; test "$(events_named "evt_${RUN}_bad")" = 0
send bad "$WHSEC" $((NOW - 400))
check "webhook with a stale timestamp (400 s old, tolerance 300): 400" all status_in 400 \; test "$(events_named "evt_${RUN}_bad")" = 0
send bad "$WHSEC" $((NOW + 400))
check "webhook with a timestamp 400 s in the future: 400" status_in 400
send bad -
check "webhook without Stripe-Signature: 400" status_in 400
fetch "$BASE/webhooks/stripe" -H 'Content-Type: application/json' -H 'Stripe-Signature: t=abc,v1=zz' \
    --data-binary "@$T_TMP/bad.json"
check "webhook with a malformed Stripe-Signature: 400" status_in 400
sig=$(node "$STRIPE_DIR/webhook.mjs" sign "$WHSEC" "$NOW" "$T_TMP/bad.json")
printf ' ' >>"$T_TMP/bad.json"
fetch "$BASE/webhooks/stripe" -H 'Content-Type: application/json' -H "Stripe-Signature: $sig" --data-binary "@$T_TMP/bad.json"
check "webhook whose body changed after signing: 400" all status_in 400 \; test "$(events_named "evt_${RUN}_bad")" = 0
printf '{"id": "evt_%s_json", "type": "invoice.paid", ' "$RUN" >"$T_TMP/broken.json"
send broken
check "signed but not JSON: 400" all status_in 400 \; test "$(events_named "evt_${RUN}_json")" = 0

# ---------------------------------------------------------------- webhooks: effects
event co checkout.session.completed "id=evt_${RUN}_co" "sub=$SUB_A" "customer=$CUS_A" "user=$UA" plan=premium created=$((NOW - 90))
send co
check "checkout.session.completed: 200, subscription row active" \
    all status_in 200 \; test "$(sub_field "$SUB_A" "CONCAT(user_id, ' ', status)")" = "$UA active"
send co
check "checkout.session.completed again: 200, one event row, one subscription" \
    all status_in 200 \; test "$(events_named "evt_${RUN}_co")" = 1 \
    \; test "$(sql "SELECT COUNT(*) FROM subscriptions WHERE provider_subscription_id = '$SUB_A'")" = 1

END1=$((NOW + 30 * 86400))
event up1 customer.subscription.updated "id=evt_${RUN}_up1" "sub=$SUB_A" "customer=$CUS_A" "user=$UA" plan=premium \
    status=active cancel=false period_end=$END1 created=$((NOW - 50))
event up0 customer.subscription.updated "id=evt_${RUN}_up0" "sub=$SUB_A" "customer=$CUS_A" "user=$UA" plan=premium \
    status=past_due cancel=true period_end=$((NOW + 86400)) created=$((NOW - 80))
send up1
check "customer.subscription.updated: status, period end, provider time" \
    all status_in 200 \; test "$(sub_field "$SUB_A" "CONCAT(status, ' ', cancel_at_period_end, ' ', UNIX_TIMESTAMP(CONVERT_TZ(current_period_end, '+00:00', @@session.time_zone)), ' ', provider_updated)")" \
    = "active 0 $END1 $((NOW - 50))"
send up0
check "an older subscription.updated after a newer one: 200, stored, state not overwritten" \
    all status_in 200 \; test "$(events_named "evt_${RUN}_up0")" = 1 \
    \; test "$(sub_field "$SUB_A" "CONCAT(status, ' ', cancel_at_period_end, ' ', provider_updated)")" = "active 0 $((NOW - 50))"
send up1
check "the newer event again: a no-op" all status_in 200 \; test "$(events_named "evt_${RUN}_up1")" = 1

event rot customer.subscription.updated "id=evt_${RUN}_rot" "sub=$SUB_A" "customer=$CUS_A" "user=$UA" plan=premium \
    status=active cancel=false period_end=$END1 created=$((NOW - 40))
send rot "$WHSEC_OLD"
check "secret rotation: an event signed with the previous secret is accepted" \
    all status_in 200 \; test "$(events_named "evt_${RUN}_rot")" = 1
get "$A" /billing
check "GET /billing: Premium, renewal date" all status_in 200 \; body_has 'Premium' \; body_has 'renews on'

IN1="in_test_${RUN}_1"
event paid1 invoice.paid "id=evt_${RUN}_paid1" "invoice=$IN1" "sub=$SUB_A" "customer=$CUS_A" amount=1199 currency=gbp created=$((NOW - 30))
send paid1
send paid1
check "invoice.paid (twice): one paid invoice row" \
    all status_in 200 \; test "$(inv_field "$IN1" "CONCAT(COUNT(*), ' ', MAX(status), ' ', MAX(amount_minor), ' ', MAX(currency), ' ', MAX(user_id))")" = "1 paid 1199 GBP $UA"

IN2="in_test_${RUN}_2"
event fail1 invoice.payment_failed "id=evt_${RUN}_fail1" "invoice=$IN2" "sub=$SUB_A" "customer=$CUS_A" amount=1199 currency=gbp created=$((NOW - 20))
send fail1
G1=$(sub_field "$SUB_A" "TIMESTAMPDIFF(HOUR, UTC_TIMESTAMP(), grace_until)")
check "invoice.payment_failed: invoice row, grace period of billing.grace_days" \
    all status_in 200 \; test "$(inv_field "$IN2" status)" = payment_failed \
    \; test "$G1" -ge $((GRACE * 24 - 1)) -a "$G1" -le $((GRACE * 24))
sql "UPDATE subscriptions SET grace_until = grace_until - INTERVAL 1 DAY WHERE provider_subscription_id = '$SUB_A'"
GU=$(sub_field "$SUB_A" grace_until)
event fail2 invoice.payment_failed "id=evt_${RUN}_fail2" "invoice=$IN2" "sub=$SUB_A" "customer=$CUS_A" amount=1199 currency=gbp created=$((NOW - 15))
send fail2
check "a second failure does not stretch the grace period" all status_in 200 \; test "$(sub_field "$SUB_A" grace_until)" = "$GU"
get "$A" /billing
check "GET /billing: the failed payment and its grace period shown" body_has 'The last payment failed'
event paid2 invoice.paid "id=evt_${RUN}_paid2" "invoice=$IN2" "sub=$SUB_A" "customer=$CUS_A" amount=1199 currency=gbp created=$((NOW - 10))
send paid2
check "invoice.paid after a failure: invoice paid, grace cleared" \
    all status_in 200 \; test "$(inv_field "$IN2" status)" = paid \; test "$(sub_field "$SUB_A" "grace_until IS NULL")" = 1
send fail1
check "an old failure redelivered: no effect" all status_in 200 \; test "$(sub_field "$SUB_A" "grace_until IS NULL")" = 1

event ref1 charge.refunded "id=evt_${RUN}_ref1" "invoice=$IN1" "customer=$CUS_A" amount=1199 refunded=500 currency=gbp created=$((NOW - 5))
send ref1
check "charge.refunded (part): partially_refunded" \
    all status_in 200 \; test "$(inv_field "$IN1" "CONCAT(status, ' ', refunded_minor)")" = "partially_refunded 500"
event ref2 charge.refunded "id=evt_${RUN}_ref2" "invoice=$IN1" "customer=$CUS_A" amount=1199 refunded=1199 currency=gbp created=$((NOW - 4))
send ref2
send ref1
check "charge.refunded (all), then the partial one again: refunded" \
    all status_in 200 \; test "$(inv_field "$IN1" "CONCAT(status, ' ', refunded_minor)")" = "refunded 1199"
get "$A" /billing
check "GET /billing: invoice history with formatted amounts" \
    all body_has 'Refunded' \; body_has '£11.99'
save_page billing

IN3="in_test_${RUN}_3"
event par invoice.paid "id=evt_${RUN}_par" "invoice=$IN3" "sub=$SUB_A" "customer=$CUS_A" amount=1199 currency=gbp created=$((NOW - 4))
sig=$(node "$STRIPE_DIR/webhook.mjs" sign "$WHSEC" "$(date +%s)" "$T_TMP/par.json")
echo "$sig" >>"$T_TMP/signatures"
PAR=()
for i in 1 2 3 4 5 6; do
    curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' -H "Stripe-Signature: $sig" \
        --data-binary "@$T_TMP/par.json" "$BASE/webhooks/stripe" >"$T_TMP/status-par.$i" &
    PAR+=($!)
done
wait "${PAR[@]}"
check "one event delivered six times at once: all 200, stored and applied once" \
    test "$(cat "$T_TMP"/status-par.* | sort | uniq -c | awk '{print $1 "x" $2}'),$(events_named "evt_${RUN}_par"),$(inv_field "$IN3" "COUNT(*)")" = "6x200,1,1"

event orphan customer.subscription.updated "id=evt_${RUN}_orphan" "sub=sub_test_${RUN}_orphan" "customer=cus_test_${RUN}_nobody" \
    status=active created=$((NOW - 4))
send orphan
check "a subscription of an unknown customer: stored and acknowledged, no row made" \
    all status_in 200 \; test "$(events_named "evt_${RUN}_orphan")" = 1 \
    \; test "$(sql "SELECT COUNT(*) FROM subscriptions WHERE provider_subscription_id = 'sub_test_${RUN}_orphan'")" = 0

event other customer.created "id=evt_${RUN}_other" created=$((NOW - 3))
send other
check "an event type without an effect: stored and acknowledged" \
    all status_in 200 \; test "$(sql "SELECT type FROM billing_events WHERE event_id = 'evt_${RUN}_other'")" = customer.created

# ---------------------------------------------------------------- billing pages
curl -s -o /dev/null -X POST "$STRIPE/__reset"
post "$A" /billing/cancel "$CA"
U=$(reqs_to "/v1/subscriptions/$SUB_A")
check "POST /billing/cancel: Stripe told (cancel_at_period_end=true, with a key), row updated, 303" \
    all status_in 303 \; location_is '^/billing\?done=cancel$' \
    \; test "$(echo "$U" | jq -r 'length == 1 and .[0].params.cancel_at_period_end == "true" and (.[0].idempotency_key | length > 8)')" = true \
    \; test "$(sub_field "$SUB_A" cancel_at_period_end)" = 1
get "$A" /billing
check "GET /billing after cancel: ends on, Resume button" all body_has 'it will not renew' \; body_has 'Resume plan'
post "$A" /billing/resume "$CA"
check "POST /billing/resume: cancel_at_period_end=false at Stripe and here" \
    all status_in 303 \; test "$(reqs_to "/v1/subscriptions/$SUB_A" | jq -r '.[1].params.cancel_at_period_end')" = false \
    \; test "$(sub_field "$SUB_A" cancel_at_period_end)" = 0
faults "{\"path\": \"/v1/subscriptions/$SUB_A\", \"mode\": \"card_error\", \"times\": 1}"
post "$A" /billing/cancel "$CA"
check "POST /billing/cancel refused by Stripe: 502 page, row unchanged" \
    all status_in 502 \; test "$(sub_field "$SUB_A" cancel_at_period_end)" = 0
post "$A" /billing/portal "$CA"
check "POST /billing/portal: 303 to the provider's portal" \
    all status_in 303 \; location_is '^https://billing\.stripe\.com/p/session/' \
    \; test "$(reqs_to /v1/billing_portal/sessions | jq -r ".[0].params.customer == \"$CUS_A\"")" = true
post "$A" /checkout/premium "$CA"
check "checkout while subscribed: back to /billing" all status_in 303 \; location_is '^/billing'
get "$A" "/checkout/success?session_id=cs_test_x"
check "GET /checkout/success: thanks, the plan named" all status_in 200 \; body_has 'Thank you' \; body_has 'Premium'
save_page billing-success
get "$A" /checkout/cancel
check "GET /checkout/cancel: nothing charged" all status_in 200 \; body_has 'Nothing was charged'
save_page billing-cancel

event del customer.subscription.deleted "id=evt_${RUN}_del" "sub=$SUB_A" "customer=$CUS_A" "user=$UA" plan=premium created=$((NOW - 1))
send del
check "customer.subscription.deleted: canceled" all status_in 200 \; test "$(sub_field "$SUB_A" status)" = canceled
get "$A" /billing
check "GET /billing after the end: the free plan" all status_in 200 \; body_has '>Free<'

# ---------------------------------------------------------------- database down
. "$ROOT/scripts/lib.sh"
SUB_B="sub_test_${RUN}b"
CUS_B="cus_test_${RUN}b"
event dbd customer.subscription.created "id=evt_${RUN}_dbd" "sub=$SUB_B" "customer=$CUS_B" "user=$UB" plan=student \
    status=active created=$((NOW - 2))
if bash "$ROOT/scripts/db-server.sh" stop "$INST" >"$T_TMP/db.out" 2>&1; then
    send dbd
    check "MariaDB stopped: the webhook answers 503 (the provider retries)" status_in 503
    if bash "$ROOT/scripts/db-server.sh" start "$INST" "$DB_PORT" >"$T_TMP/db.out" 2>&1; then
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            send dbd
            [ "$STATUS" = 200 ] && break
            sleep 0.5
        done
        check "MariaDB back: the retry settles the event" all status_in 200 \
            \; test "$(sub_field "$SUB_B" "CONCAT(user_id, ' ', status)")" = "$UB active"
        send dbd
        check "and exactly once (one event row, one subscription, redelivery a no-op)" \
            all status_in 200 \; test "$(events_named "evt_${RUN}_dbd")" = 1 \
            \; test "$(sql "SELECT COUNT(*) FROM subscriptions WHERE provider_subscription_id = '$SUB_B'")" = 1
    else
        fail "restart MariaDB" "$(cat "$T_TMP/db.out")"
    fi
else
    fail "stop MariaDB" "$(cat "$T_TMP/db.out")"
fi

event pd customer.subscription.updated "id=evt_${RUN}_pd" "sub=$SUB_B" "customer=$CUS_B" "user=$UB" plan=student \
    status=past_due created=$((NOW - 1))
send pd
event pf invoice.payment_failed "id=evt_${RUN}_pf" "invoice=in_test_${RUN}_b" "sub=$SUB_B" "customer=$CUS_B" "user=$UB" \
    amount=599 created=$((NOW - 1))
send pf
get "$B" /billing
check "past_due within the grace period: still Student" all status_in 200 \; body_has 'Student' \; body_has 'The last payment failed'
sql "UPDATE subscriptions SET grace_until = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE provider_subscription_id = '$SUB_B'"
get "$B" /billing
check "past_due after the grace period: the free plan" all status_in 200 \; body_has '>Free<'

# ---------------------------------------------------------------- family
OWNER="pay$RUN"o
O=$(jar "$OWNER")
make_user "$OWNER" || fail "the family owner signs in"
UO=$(uid "$OWNER")
CO=$(csrf_of "$O")
get "$O" /family
check "GET /family without a family plan: says so" all status_in 200 \; body_has 'not in a family plan'
post "$O" /family/invite "$CO"
check "POST /family/invite without a family plan: 403" status_in 403
SUB_F="sub_test_${RUN}f"
event fam customer.subscription.created "id=evt_${RUN}_fam" "sub=$SUB_F" "customer=cus_test_${RUN}f" "user=$UO" \
    plan=family status=active created=$((NOW - 1))
send fam
post "$O" /family/invite "$CO"
LINK=$(grep -o "/family/join/$HEX64" "$BODY" | head -n 1)
TOKEN=${LINK##*/}
check "POST /family/invite: the link is shown once" all status_in 200 \; test -n "$TOKEN"
save_page family-invite
check "only the token's SHA-256 is stored" \
    test "$(sql "SELECT COUNT(*) FROM family_invites WHERE owner_id = $UO AND HEX(token_hash) = UPPER(SHA2('$TOKEN', 256))"),$(sql "SELECT COUNT(*) FROM family_invites WHERE HEX(token_hash) = UPPER('$TOKEN')")" = "1,0"

M=()
for i in 1 2 3 4 5 6 7; do
    make_user "pay$RUN"m$i || fail "member $i signs in"
    M+=("$(jar "pay$RUN"m$i)")
done
get "${M[0]}" "$LINK"
check "GET /family/join/{token}: a confirm page naming the owner" all status_in 200 \; body_has "$OWNER" \; body_has 'Join the family plan'
save_page family-join
CM1=$(csrf_of "${M[0]}")
post "${M[0]}" "$LINK" "$CM1"
check "POST /family/join/{token}: joined" all status_in 303 \; location_is '^/family\?joined=1$'
get "${M[0]}" /billing
check "a member has the family plan's entitlement" body_has 'through a family plan'
CM2=$(csrf_of "${M[1]}")
post "${M[1]}" "$LINK" "$CM2"
check "a used link does not work twice: 404" status_in 404
get "${M[1]}" "/family/join/$(printf '%064d' 0)"
check "an unknown link: 404" status_in 404

# Four places are left (5 seats): six invitations accepted at the same moment.
LINKS=()
for i in 1 2 3 4 5 6; do
    post "$O" /family/invite "$CO"
    LINKS+=("$(grep -o "/family/join/$HEX64" "$BODY" | head -n 1)")
done
TOKENS=()
for i in 1 2 3 4 5 6; do TOKENS+=("$(csrf_of "${M[$i]}")"); done
JOINS=()
for i in 0 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{http_code}\n' --interface "$SRC" -b "${M[$((i + 1))]}" \
        --data-urlencode "csrf=${TOKENS[$i]}" "$BASE${LINKS[$i]}" >"$T_TMP/join.$i" &
    JOINS+=($!)
done
wait "${JOINS[@]}"
JOINED=$(cat "$T_TMP"/join.* | grep -c '^303$')
FULL=$(cat "$T_TMP"/join.* | grep -c '^409$')
check "six simultaneous joins for four places: four joined, two refused (409), five members" \
    test "$JOINED,$FULL,$(sql "SELECT COUNT(*) FROM family_members WHERE owner_id = $UO")" = "4,2,5"
get "$O" /family
check "GET /family (owner): five of five places" all status_in 200 \; body_has '5 of 5 places taken' \; body_has 'Your family is full'
save_page family
get "${M[0]}" /family
check "GET /family (member): the owner named, a Leave button" all status_in 200 \; body_has 'Leave the family plan'

post "${M[0]}" /family/leave "$CM1"
check "POST /family/leave: the member is out" \
    all status_in 303 \; test "$(sql "SELECT COUNT(*) FROM family_members WHERE owner_id = $UO")" = 4
VICTIM=$(sql "SELECT member_id FROM family_members WHERE owner_id = $UO LIMIT 1")
post "$O" /family/remove "$CO" "member=$VICTIM"
check "POST /family/remove: the owner removes a member" \
    all status_in 303 \; test "$(sql "SELECT COUNT(*) FROM family_members WHERE owner_id = $UO")" = 3
post "$B" /family/remove "$CB" "member=$(sql "SELECT member_id FROM family_members WHERE owner_id = $UO LIMIT 1")"
check "somebody else cannot remove the owner's members" \
    test "$(sql "SELECT COUNT(*) FROM family_members WHERE owner_id = $UO")" = 3

MEMBER=$(sql "SELECT member_id FROM family_members WHERE owner_id = $UO LIMIT 1")
MJ=""
for i in 0 1 2 3 4 5 6; do
    [ "$(uid "pay$RUN"m$((i + 1)))" = "$MEMBER" ] && MJ=${M[$i]}
done
get "$MJ" /billing
check "a member's plan is the family's" all status_in 200 \; body_has 'through a family plan'
event famdel customer.subscription.deleted "id=evt_${RUN}_famdel" "sub=$SUB_F" "customer=cus_test_${RUN}f" "user=$UO" \
    plan=family created=$NOW
send famdel
get "$MJ" /billing
check "the owner's subscription ended: the member is back on the free plan" \
    all status_in 200 \; body_has '>Free<' \; body_lacks 'through a family plan'

# ---------------------------------------------------------------- secrets never logged
stop_standin
LOGS=()
for f in "$INST"/*.log "$INST"/*.err "$INST/mysql"/*.err "$INST.log" "$STANDIN_LOG" "$INST"/apache*/*log*; do
    [ -f "$f" ] && LOGS+=("$f")
done
leaks=""
for secret in "$SK" "$WHSEC" "$WHSEC_OLD"; do
    [ -n "$secret" ] || continue
    hit=$(grep -lF -- "$secret" "${LOGS[@]}" 2>/dev/null)
    [ -z "$hit" ] || leaks="$leaks ${secret:0:8}...: $hit"
done
while read -r sig; do
    v1=${sig#*v1=}
    v1=${v1%%,*}
    [ -n "$v1" ] || continue
    hit=$(grep -lF -- "$v1" "${LOGS[@]}" 2>/dev/null)
    [ -z "$hit" ] || leaks="$leaks signature: $hit"
done <"$T_TMP/signatures"
check "no secret key, webhook secret or signature in any log (${#LOGS[@]} logs)" test -z "$leaks" -a "${#LOGS[@]}" -ge 4
[ -z "$leaks" ] || echo "#   $leaks"
finish

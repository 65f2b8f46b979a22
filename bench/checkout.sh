#!/usr/bin/env bash
# bench/checkout.sh BASE_URL INSTANCE_DIR [SECONDS] — signed Stripe webhooks per second
# against a bare static request on the same server.
#
# A running instance with a billing section in its lyre.conf (scripts/dev-instance.sh with
# LYRE_STRIPE_BASE set; nothing is sent to the stand-in: webhooks come in, not out).  A Node
# load generator (built-ins only: keep-alive http, HMAC-SHA256 as Stripe signs) keeps 16
# requests in flight for SECONDS (default 10) per run:
#   static     GET a small static file (the web server alone)
#   new        POST /webhooks/stripe, each a new signed event (customer.created): verify,
#              one transaction (INSERT billing_events), COMMIT, answer
#   duplicate  the same signed event again and again: verify, duplicate key, answer
# Prints requests/s, p99 and the ratio to static; the events it made are deleted afterwards.
# The machine has 2 cores shared by the server, MariaDB and the generator: figures are
# relative, and noisy on a busy machine.
set -euo pipefail
BASE=${1:?usage: bench/checkout.sh BASE_URL INSTANCE_DIR [SECONDS]}
INST=${2:?usage: bench/checkout.sh BASE_URL INSTANCE_DIR [SECONDS]}
SECS=${3:-10}
CONF="$INST/lyre.conf"
WHSEC=$(sed -n 's/^ *stripe_webhook_secret = "\(.*\)";.*/\1/p' "$CONF" | head -n 1)
[ -n "$WHSEC" ] || { echo "no billing.stripe_webhook_secret in $CONF" >&2; exit 2; }
STATIC=${LYRE_BENCH_STATIC:-/static/css/lyre.css}
TMP=$(mktemp -d /tmp/lyre-bench-checkout.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

cat >"$TMP/load.mjs" <<'EOF'
import http from 'node:http';
import crypto from 'node:crypto';
const [base, mode, secs, secret, staticPath] = process.argv.slice(2);
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const run = `${process.pid}${Date.now() % 100000}`;
let n = 0, ok = 0, bad = 0;
const lat = [];
function event(id) {
    return JSON.stringify({ id, object: 'event', api_version: '2024-06-20', created: Math.floor(Date.now() / 1000),
        data: { object: { id: `cus_bench_${id}`, object: 'customer', email: null, metadata: {} } },
        livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type: 'customer.created' });
}
function sign(body) {
    const t = Math.floor(Date.now() / 1000);
    const v1 = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    return `t=${t},v1=${v1}`;
}
const dupBody = event(`evt_bench_${run}_dup`);
function once() {
    return new Promise((resolve) => {
        const t0 = process.hrtime.bigint();
        let opts, body = null;
        if (mode === 'static') {
            opts = { method: 'GET', path: staticPath };
        } else {
            body = mode === 'duplicate' ? dupBody : event(`evt_bench_${run}_${n++}`);
            opts = { method: 'POST', path: '/webhooks/stripe', headers: { 'Content-Type': 'application/json',
                'Content-Length': Buffer.byteLength(body), 'Stripe-Signature': sign(body) } };
        }
        const req = http.request({ host: url.hostname, port: url.port, agent, ...opts }, (res) => {
            res.resume();
            res.on('end', () => {
                lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
                if (res.statusCode === 200) ok++; else bad++;
                resolve();
            });
        });
        req.on('error', () => { bad++; resolve(); });
        if (body) req.write(body);
        req.end();
    });
}
const end = Date.now() + Number(secs) * 1000;
async function worker() { while (Date.now() < end) await once(); }
await Promise.all(Array.from({ length: 16 }, worker));
lat.sort((a, b) => a - b);
const p99 = lat.length ? lat[Math.floor(lat.length * 0.99)] : 0;
console.log(`${mode} ${(ok / Number(secs)).toFixed(0)} ${p99.toFixed(1)} ${bad}`);
agent.destroy();
EOF

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
curl -s -o /dev/null -w '' "$BASE$STATIC" || { echo "nothing answers at $BASE" >&2; exit 2; }
declare -A RPS P99 BAD
for mode in static new duplicate; do
    read -r m rps p99 bad < <(node "$TMP/load.mjs" "$BASE" "$mode" "$SECS" "$WHSEC" "$STATIC")
    RPS[$m]=$rps; P99[$m]=$p99; BAD[$m]=$bad
done
mariadb --defaults-file="$INST/my.cnf" --user=root lyre -e \
    "DELETE FROM billing_events WHERE event_id LIKE 'evt\\_bench\\_%'" || true

printf '%-10s %10s %10s %8s %8s\n' run 'req/s' 'p99 ms' 'non-200' 'ratio'
for m in static new duplicate; do
    ratio=$(awk -v a="${RPS[$m]}" -v b="${RPS[static]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    printf '%-10s %10s %10s %8s %8s\n' "$m" "${RPS[$m]}" "${P99[$m]}" "${BAD[$m]}" "$ratio"
done
echo "# $SECS s per run, 16 in flight, load average before: $LOAD0 (2 cores shared by server, MariaDB and generator)"

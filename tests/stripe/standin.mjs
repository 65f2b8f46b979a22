// tests/stripe/standin.mjs PORT — a stand-in of the parts of Stripe's REST API that Lyre
// calls, answering with the shapes of Stripe's documented objects:
//   POST /v1/customers, /v1/checkout/sessions, /v1/billing_portal/sessions,
//   POST /v1/subscriptions/{id} (update: cancel_at_period_end).
// Like Stripe: form-encoded bodies, "Authorization: Bearer sk_..." (checked against
// $STRIPE_STANDIN_KEY when set), errors as {"error": {type, code, message, param}}, and an
// Idempotency-Key replays the first answer given for it.
// For tests (never part of Stripe):
//   POST /__faults  {"path": "/v1/checkout/sessions", "mode": M, "times": N}
//        M: card_error | invalid_request (402/400 with Stripe's error JSON), 500, 429,
//           hang (no answer for "ms", default 15000), then normal again after N requests
//   GET  /__requests  every API request so far: method, path, idempotency_key, auth
//        ("ok"/"bad", never the key itself), params (the form), status
//   POST /__reset     forget requests, faults and idempotency keys
// One line per request on stdout: method, path, status, idempotency key.  Never a header
// value or a secret.
import http from 'node:http';
import crypto from 'node:crypto';

const port = Number(process.argv[2] || 8115);
const expectedKey = process.env.STRIPE_STANDIN_KEY || '';
let requests = [];
let faults = [];
let replays = new Map();

const id = (prefix) => `${prefix}_test_${crypto.randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

function send(res, status, obj) {
    const body = JSON.stringify(obj, null, 2);
    res.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'Request-Id': id('req'),
        'Stripe-Version': '2024-06-20',
    });
    res.end(body);
}

function stripeError(type, message, extra = {}) {
    return { error: { type, message, request_log_url: 'https://dashboard.stripe.com/test/logs/req_x', ...extra } };
}

// Stripe's nested form names: metadata[user_id], line_items[0][price_data][currency]
function nest(params) {
    const out = {};
    for (const [k, v] of params) {
        const parts = k.replace(/\]/g, '').split('[');
        let o = out;
        for (let i = 0; i < parts.length - 1; i++) o = o[parts[i]] ??= {};
        o[parts[parts.length - 1]] = v;
    }
    return out;
}

function customer(p) {
    return {
        id: id('cus'), object: 'customer', address: null, balance: 0, created: now(), currency: null,
        default_source: null, delinquent: false, description: null, discount: null, email: p.email ?? null,
        invoice_prefix: crypto.randomBytes(4).toString('hex').toUpperCase(),
        invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
        livemode: false, metadata: p.metadata ?? {}, name: p.name ?? null, phone: null,
        preferred_locales: [], shipping: null, tax_exempt: 'none', test_clock: null,
    };
}

function checkoutSession(p) {
    const missing = ['mode', 'success_url'].find((k) => !p[k]);
    if (missing) return [400, stripeError('invalid_request_error', `Missing required param: ${missing}.`, { code: 'parameter_missing', param: missing })];
    const item = p.line_items?.['0'];
    if (!item || (!item.price && !item.price_data)) {
        return [400, stripeError('invalid_request_error', 'You must provide at least one recurring price in `subscription` mode when using prices.', { param: 'line_items' })];
    }
    const pd = item.price_data;
    if (pd && (!pd.currency || !pd.unit_amount || !pd.recurring?.interval || !pd.product_data?.name)) {
        return [400, stripeError('invalid_request_error', 'Missing required param: line_items[0][price_data].', { code: 'parameter_missing', param: 'line_items[0][price_data]' })];
    }
    const sid = id('cs');
    return [200, {
        id: sid, object: 'checkout.session', after_expiration: null, allow_promotion_codes: null,
        amount_subtotal: pd ? Number(pd.unit_amount) : null, amount_total: pd ? Number(pd.unit_amount) : null,
        automatic_tax: { enabled: false, liability: null, status: null }, billing_address_collection: null,
        cancel_url: p.cancel_url ?? null, client_reference_id: p.client_reference_id ?? null,
        created: now(), currency: pd ? pd.currency : null, customer: p.customer ?? null,
        customer_email: null, expires_at: now() + 86400, invoice: null, livemode: false, locale: null,
        metadata: p.metadata ?? {}, mode: p.mode, payment_intent: null, payment_method_types: ['card'],
        payment_status: 'unpaid', setup_intent: null, status: 'open', subscription: null,
        success_url: p.success_url, ui_mode: 'hosted',
        url: `https://checkout.stripe.com/c/pay/${sid}#fidkdWxOYHwnPyd1blpxYHZxWjA0`,
    }];
}

function portalSession(p) {
    if (!p.customer) return [400, stripeError('invalid_request_error', 'Missing required param: customer.', { code: 'parameter_missing', param: 'customer' })];
    const bid = id('bps');
    return [200, {
        id: bid, object: 'billing_portal.session', configuration: id('bpc'), created: now(),
        customer: p.customer, flow: null, livemode: false, locale: null, on_behalf_of: null,
        return_url: p.return_url ?? null, url: `https://billing.stripe.com/p/session/${bid}`,
    }];
}

const subscriptions = new Map();
function subscriptionUpdate(subId, p) {
    const end = now() + 30 * 86400;
    const prev = subscriptions.get(subId) ?? {
        id: subId, object: 'subscription', application: null, billing_cycle_anchor: now(),
        cancel_at: null, canceled_at: null, collection_method: 'charge_automatically', created: now(),
        currency: 'usd', current_period_start: now(), current_period_end: end, customer: id('cus'),
        items: { object: 'list', data: [{ id: id('si'), object: 'subscription_item', current_period_start: now(), current_period_end: end, quantity: 1 }], has_more: false },
        latest_invoice: null, livemode: false, metadata: {}, status: 'active',
    };
    if ('cancel_at_period_end' in p) {
        prev.cancel_at_period_end = p.cancel_at_period_end === 'true';
        prev.cancel_at = prev.cancel_at_period_end ? prev.current_period_end : null;
    }
    subscriptions.set(subId, prev);
    return [200, prev];
}

function route(method, path, p) {
    if (method !== 'POST') return [405, stripeError('invalid_request_error', `Unrecognized request URL (${method}: ${path}).`)];
    if (path === '/v1/customers') return [200, customer(p)];
    if (path === '/v1/checkout/sessions') return checkoutSession(p);
    if (path === '/v1/billing_portal/sessions') return portalSession(p);
    const m = path.match(/^\/v1\/subscriptions\/(sub_[A-Za-z0-9_]+)$/);
    if (m) return subscriptionUpdate(m[1], p);
    return [404, stripeError('invalid_request_error', `Unrecognized request URL (POST: ${path}).`)];
}

function takeFault(path) {
    const f = faults.find((x) => path.startsWith(x.path) && x.times > 0);
    if (!f) return null;
    f.times--;
    return f;
}

const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url, 'http://standin');
        const path = url.pathname;
        if (path === '/__requests') return send(res, 200, requests);
        if (path === '/__reset') { requests = []; faults = []; replays = new Map(); return send(res, 200, { ok: true }); }
        if (path === '/__faults') {
            const f = JSON.parse(raw || '{}');
            faults.push({ path: f.path || '/', mode: f.mode, times: f.times ?? 1, ms: f.ms ?? 15000 });
            return send(res, 200, { ok: true });
        }
        const key = req.headers['idempotency-key'] ?? null;
        const auth = req.headers.authorization ?? '';
        const authOk = auth.startsWith('Bearer sk_') && (!expectedKey || auth === `Bearer ${expectedKey}`);
        const params = nest(new URLSearchParams(raw));
        const rec = { method: req.method, path, idempotency_key: key, auth: authOk ? 'ok' : 'bad',
                      content_type: req.headers['content-type'] ?? null, params, status: 0, at: Date.now() };
        requests.push(rec);
        const finish = (status, obj) => {
            rec.status = status;
            console.log(`${req.method} ${path} ${status} idempotency-key=${key ?? '-'}`);
            send(res, status, obj);
        };
        if (!authOk) return finish(401, stripeError('invalid_request_error', 'Invalid API Key provided.'));
        const replay = key && replays.get(key);
        if (replay) return finish(replay[0], replay[1]);
        const fault = takeFault(path);
        if (fault) {
            switch (fault.mode) {
            case 'card_error':
                return finish(402, stripeError('card_error', 'Your card was declined.', { code: 'card_declined', decline_code: 'generic_decline' }));
            case 'invalid_request':
                return finish(400, stripeError('invalid_request_error', 'No such price: \'price_missing\'', { code: 'resource_missing', param: 'line_items[0][price]' }));
            case '500':
                return finish(500, stripeError('api_error', 'An unknown error occurred'));
            case '429':
                return finish(429, stripeError('invalid_request_error', 'Too many requests', { code: 'rate_limit' }));
            case 'hang':
                console.log(`${req.method} ${path} hanging ${fault.ms} ms`);
                setTimeout(() => { rec.status = 'hung'; res.destroy(); }, fault.ms);
                return undefined;
            default:
                break;
            }
        }
        const [status, obj] = route(req.method, path, params);
        // Stripe keeps the answer of a request that ran (2xx, 4xx) for its key.
        if (key && status < 500) replays.set(key, [status, obj]);
        return finish(status, obj);
    });
});
server.listen(port, '127.0.0.1', () => console.log('ready'));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));

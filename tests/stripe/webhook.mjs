// tests/stripe/webhook.mjs — Stripe webhook events for tests/integration/billing.sh.
//   node webhook.mjs event TYPE [key=value...]   an event JSON shaped like Stripe's
//        documented event objects (API version 2024-06-20), on stdout.  Keys: id, created,
//        user, plan, customer, sub, status, period_end, cancel (true/false), invoice,
//        amount, refunded, currency, session, price
//   node webhook.mjs sign SECRET TIMESTAMP FILE   the Stripe-Signature header for FILE's bytes,
//        made by the official package: stripe.webhooks.generateTestHeaderString
import fs from 'node:fs';
import Stripe from 'stripe';

const [cmd, ...args] = process.argv.slice(2);

if (cmd === 'sign') {
    const [secret, timestamp, file] = args;
    const stripe = new Stripe('sk_test_unused');
    const payload = fs.readFileSync(file, 'utf8');
    process.stdout.write(stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Number(timestamp) }));
    process.exit(0);
}
if (cmd !== 'event') {
    console.error('usage: webhook.mjs event TYPE [k=v...] | sign SECRET TIMESTAMP FILE');
    process.exit(2);
}

const type = args[0];
const o = Object.fromEntries(args.slice(1).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const created = Number(o.created ?? Math.floor(Date.now() / 1000));
const currency = (o.currency ?? 'usd').toLowerCase();
const amount = Number(o.amount ?? 1199);
const periodEnd = Number(o.period_end ?? created + 30 * 86400);
const periodStart = periodEnd - 30 * 86400;
const metadata = o.user ? { user_id: o.user, plan: o.plan ?? 'premium' } : {};

function price() {
    return {
        id: o.price ?? 'price_test_premium_usd', object: 'price', active: true, billing_scheme: 'per_unit',
        created: created - 1000, currency, livemode: false, lookup_key: null, metadata: {},
        product: 'prod_test_lyre', recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
        type: 'recurring', unit_amount: amount,
    };
}

function subscription() {
    const cancel = o.cancel === 'true';
    return {
        id: o.sub, object: 'subscription', application: null, billing_cycle_anchor: periodStart,
        cancel_at: cancel ? periodEnd : null, cancel_at_period_end: cancel,
        canceled_at: o.status === 'canceled' ? created : null, collection_method: 'charge_automatically',
        created: periodStart, currency, current_period_end: periodEnd, current_period_start: periodStart,
        customer: o.customer, default_payment_method: 'pm_test_card', discount: null, ended_at: null,
        items: { object: 'list', data: [{ id: 'si_test_1', object: 'subscription_item', created: periodStart,
            current_period_end: periodEnd, current_period_start: periodStart, metadata: {}, price: price(),
            quantity: 1, subscription: o.sub }], has_more: false, total_count: 1, url: `/v1/subscription_items?subscription=${o.sub}` },
        latest_invoice: o.invoice ?? null, livemode: false, metadata, status: o.status ?? 'active',
        trial_end: null, trial_start: null,
    };
}

function invoice(paid) {
    return {
        id: o.invoice, object: 'invoice', account_country: 'US', amount_due: amount,
        amount_paid: paid ? amount : 0, amount_remaining: paid ? 0 : amount, attempt_count: 1,
        attempted: true, billing_reason: 'subscription_cycle', collection_method: 'charge_automatically',
        created, currency, customer: o.customer, customer_email: 'someone@example.test',
        hosted_invoice_url: `https://invoice.stripe.com/i/acct_test/${o.invoice}`,
        invoice_pdf: `https://pay.stripe.com/invoice/acct_test/${o.invoice}/pdf`,
        lines: { object: 'list', data: [{ id: 'il_test_1', object: 'line_item', amount, currency,
            description: '1 × Premium', metadata, period: { end: periodEnd, start: periodStart },
            price: price(), quantity: 1, subscription: o.sub, type: 'subscription' }], has_more: false, total_count: 1 },
        livemode: false, metadata: {}, next_payment_attempt: paid ? null : created + 3 * 86400,
        number: 'LYRE-0001', paid, period_end: periodEnd, period_start: periodStart,
        status: paid ? 'paid' : 'open', subscription: o.sub ?? null,
        subscription_details: { metadata }, subtotal: amount, total: amount,
    };
}

function charge() {
    const refunded = Number(o.refunded ?? amount);
    return {
        id: o.charge ?? 'ch_test_1', object: 'charge', amount, amount_captured: amount, amount_refunded: refunded,
        balance_transaction: 'txn_test_1', captured: true, created, currency, customer: o.customer,
        invoice: o.invoice ?? null, livemode: false, metadata: {}, paid: true, payment_intent: 'pi_test_1',
        refunded: refunded >= amount, status: 'succeeded',
    };
}

function checkoutSession() {
    return {
        id: o.session ?? 'cs_test_1', object: 'checkout.session', amount_subtotal: amount, amount_total: amount,
        cancel_url: 'http://127.0.0.1/checkout/cancel', client_reference_id: o.user ?? null, created,
        currency, customer: o.customer, customer_details: { email: 'someone@example.test' }, livemode: false,
        metadata, mode: 'subscription', payment_status: o.payment_status ?? 'paid', status: 'complete',
        subscription: o.sub ?? null, success_url: 'http://127.0.0.1/checkout/success', url: null,
    };
}

let object;
switch (type) {
case 'checkout.session.completed': object = checkoutSession(); break;
case 'customer.subscription.created':
case 'customer.subscription.updated': object = subscription(); break;
case 'customer.subscription.deleted': object = { ...subscription(), status: 'canceled', ended_at: created }; break;
case 'invoice.paid': object = invoice(true); break;
case 'invoice.payment_failed': object = invoice(false); break;
case 'charge.refunded': object = charge(); break;
default: object = { id: 'obj_test_1', object: 'unknown' }; break;
}

const event = {
    id: o.id ?? `evt_test_${Math.random().toString(16).slice(2)}`, object: 'event', api_version: '2024-06-20',
    created, data: { object }, livemode: false, pending_webhooks: 1,
    request: { id: null, idempotency_key: null }, type,
};
process.stdout.write(JSON.stringify(event, null, 2));

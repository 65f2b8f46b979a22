/* test_payment.c — lib/payment and lib/stripe: Stripe-Signature verification
 * (vectors made by the official stripe npm package's generateTestHeaderString),
 * several v1 signatures, two active secrets, the 5-minute tolerance, malformed
 * headers; reading events of old and new API shapes; Stripe's error JSON. */
#include <string.h>

#include "arena.h"
#include "payment.h"
#include "stripe.h"
#include "suites.h"

#define T0 1700000000L
#define TOL 300L
static const char payload[] =
    "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":1700000000,\"data\":{\"object\":{}}}";
static const char sig_current[] = "20b3dda43d14589ce0911f1697ffd1bf28f8e2f7a667d631f6ed1f0648c86b92";
static const char sig_previous[] = "b90611f531e60a8415be20cee45711d0e7cfcd3bee0b9a1b7f75a981572c5c1a";
static const char *const both[] = { "whsec_lyre_unit_current", "whsec_lyre_unit_previous" };
static const char *const current_only[] = { "whsec_lyre_unit_current", "" };

static payment_verify verify(const char *header, const char *const *secrets, time_t now)
{
    return stripe_verify_signature(header, payload, strlen(payload), secrets, 2, TOL, now);
}

static const char *hdr(arena *a, const char *rest)
{
    return arena_printf(a, "t=%ld,%s", T0, rest);
}

START_TEST(test_signature_valid)
{
    arena a;
    arena_init(&a, 4096);
    ck_assert_int_eq(verify(hdr(&a, arena_printf(&a, "v1=%s", sig_current)), both, T0), PAYMENT_VERIFY_OK);
    /* Spaces after commas, a v0 (ignored), scheme order. */
    ck_assert_int_eq(verify(arena_printf(&a, "v0=%s, t=%ld, v1=%s", sig_previous, T0, sig_current), both, T0),
                     PAYMENT_VERIFY_OK);
    arena_free(&a);
}
END_TEST

START_TEST(test_signature_several_v1)
{
    arena a;
    arena_init(&a, 4096);
    const char *wrong = "0000000000000000000000000000000000000000000000000000000000000000";
    ck_assert_int_eq(verify(hdr(&a, arena_printf(&a, "v1=%s,v1=%s", wrong, sig_current)), both, T0),
                     PAYMENT_VERIFY_OK);
    ck_assert_int_eq(verify(hdr(&a, arena_printf(&a, "v1=%s,v1=%s,v1=%s", wrong, wrong, sig_current)),
                            current_only, T0), PAYMENT_VERIFY_OK);
    ck_assert_int_eq(verify(hdr(&a, arena_printf(&a, "v1=%s,v1=%s", wrong, wrong)), both, T0),
                     PAYMENT_VERIFY_MISMATCH);
    arena_free(&a);
}
END_TEST

START_TEST(test_signature_rotation)
{
    arena a;
    arena_init(&a, 4096);
    /* Signed with the previous secret: accepted while it is configured. */
    ck_assert_int_eq(verify(hdr(&a, arena_printf(&a, "v1=%s", sig_previous)), both, T0), PAYMENT_VERIFY_OK);
    ck_assert_int_eq(verify(hdr(&a, arena_printf(&a, "v1=%s", sig_previous)), current_only, T0),
                     PAYMENT_VERIFY_MISMATCH);
    /* Stripe signs with both secrets during a rotation. */
    ck_assert_int_eq(verify(hdr(&a, arena_printf(&a, "v1=%s,v1=%s", sig_current, sig_previous)), current_only, T0),
                     PAYMENT_VERIFY_OK);
    const char *none[] = { "", NULL };
    ck_assert_int_eq(verify(hdr(&a, arena_printf(&a, "v1=%s", sig_current)), none, T0), PAYMENT_VERIFY_NO_SECRET);
    arena_free(&a);
}
END_TEST

START_TEST(test_signature_tolerance)
{
    arena a;
    arena_init(&a, 4096);
    const char *h = hdr(&a, arena_printf(&a, "v1=%s", sig_current));
    ck_assert_int_eq(verify(h, both, T0 + TOL), PAYMENT_VERIFY_OK);
    ck_assert_int_eq(verify(h, both, T0 - TOL), PAYMENT_VERIFY_OK);
    ck_assert_int_eq(verify(h, both, T0 + TOL + 1), PAYMENT_VERIFY_STALE);
    ck_assert_int_eq(verify(h, both, T0 - TOL - 1), PAYMENT_VERIFY_STALE);
    /* A forged signature is a mismatch, whatever its time. */
    const char *forged = hdr(&a, "v1=1111111111111111111111111111111111111111111111111111111111111111");
    ck_assert_int_eq(verify(forged, both, T0 + 10000), PAYMENT_VERIFY_MISMATCH);
    /* The timestamp is signed: moving it breaks the signature. */
    ck_assert_int_eq(verify(arena_printf(&a, "t=%ld,v1=%s", T0 + 1, sig_current), both, T0), PAYMENT_VERIFY_MISMATCH);
    arena_free(&a);
}
END_TEST

START_TEST(test_signature_payload_changed)
{
    arena a;
    arena_init(&a, 4096);
    char copy[sizeof payload];
    memcpy(copy, payload, sizeof payload);
    copy[10] ^= 1;
    const char *h = hdr(&a, arena_printf(&a, "v1=%s", sig_current));
    ck_assert_int_eq(stripe_verify_signature(h, copy, strlen(copy), both, 2, TOL, T0), PAYMENT_VERIFY_MISMATCH);
    ck_assert_int_eq(stripe_verify_signature(h, payload, strlen(payload) - 1, both, 2, TOL, T0),
                     PAYMENT_VERIFY_MISMATCH);
    arena_free(&a);
}
END_TEST

START_TEST(test_signature_malformed)
{
    arena a;
    arena_init(&a, 4096);
    const char *v1 = arena_printf(&a, "v1=%s", sig_current);
    ck_assert_int_eq(verify(NULL, both, T0), PAYMENT_VERIFY_MALFORMED);
    ck_assert_int_eq(verify("", both, T0), PAYMENT_VERIFY_MALFORMED);
    ck_assert_int_eq(verify(",,,", both, T0), PAYMENT_VERIFY_MALFORMED);
    ck_assert_int_eq(verify(v1, both, T0), PAYMENT_VERIFY_MALFORMED);                          /* no t */
    ck_assert_int_eq(verify(arena_printf(&a, "t=%ld", T0), both, T0), PAYMENT_VERIFY_MALFORMED); /* no v1 */
    ck_assert_int_eq(verify(arena_printf(&a, "t=,%s", v1), both, T0), PAYMENT_VERIFY_MALFORMED);
    ck_assert_int_eq(verify(arena_printf(&a, "t=17e8,%s", v1), both, T0), PAYMENT_VERIFY_MALFORMED);
    ck_assert_int_eq(verify(arena_printf(&a, "t=-5,%s", v1), both, T0), PAYMENT_VERIFY_MALFORMED);
    ck_assert_int_eq(verify(arena_printf(&a, "t=99999999999999999999,%s", v1), both, T0), PAYMENT_VERIFY_MALFORMED);
    ck_assert_int_eq(verify(arena_printf(&a, "t=%ld,t=%ld,%s", T0, T0, v1), both, T0), PAYMENT_VERIFY_MALFORMED);
    /* A v1 of the wrong length is no signature at all. */
    ck_assert_int_eq(verify(arena_printf(&a, "t=%ld,v1=%.63s", T0, sig_current), both, T0), PAYMENT_VERIFY_MALFORMED);
    ck_assert_int_eq(verify(arena_printf(&a, "t=%ld,v1=%s0", T0, sig_current), both, T0), PAYMENT_VERIFY_MALFORMED);
    ck_assert_int_eq(verify(arena_printf(&a, "t=%ld,v1", T0), both, T0), PAYMENT_VERIFY_MALFORMED);
    /* Upper-case hex is not what Stripe sends. */
    char up[65];
    for (int i = 0; i < 64; i++)
        up[i] = (char)(sig_current[i] >= 'a' ? sig_current[i] - 32 : sig_current[i]);
    up[64] = '\0';
    ck_assert_int_eq(verify(arena_printf(&a, "t=%ld,v1=%s", T0, up), both, T0), PAYMENT_VERIFY_MISMATCH);
    /* Too long a header is refused before any work. */
    strbuf big = STRBUF_INIT;
    sb_addf(&big, "t=%ld,v1=%s", T0, sig_current);
    while (big.len <= STRIPE_MAX_SIGNATURE_HEADER)
        sb_adds(&big, ",v0=0000");
    ck_assert_int_eq(verify(big.buf, both, T0), PAYMENT_VERIFY_MALFORMED);
    sb_free(&big);
    arena_free(&a);
}
END_TEST

START_TEST(test_event_subscription)
{
    arena a;
    arena_init(&a, 4096);
    payment_event ev;
    /* 2024-06-20 shape: the period on the subscription. */
    const char *old =
        "{\"id\":\"evt_9\",\"object\":\"event\",\"type\":\"customer.subscription.updated\",\"created\":1700000100,"
        "\"data\":{\"object\":{\"id\":\"sub_1\",\"object\":\"subscription\",\"customer\":\"cus_1\",\"status\":\"past_due\","
        "\"cancel_at_period_end\":true,\"current_period_end\":1702592100,\"currency\":\"eur\","
        "\"metadata\":{\"user_id\":\"42\",\"plan\":\"family\"},"
        "\"items\":{\"object\":\"list\",\"data\":[{\"price\":{\"id\":\"price_9\",\"currency\":\"eur\"}}]}}}}";
    ck_assert_int_eq(stripe_parse_event(&a, old, strlen(old), &ev), PAYMENT_VERIFY_OK);
    ck_assert_int_eq(ev.kind, PAYMENT_EVENT_SUBSCRIPTION);
    ck_assert_str_eq(ev.id, "evt_9");
    ck_assert_int_eq(ev.created, 1700000100);
    ck_assert_str_eq(ev.subscription_id, "sub_1");
    ck_assert_str_eq(ev.customer_id, "cus_1");
    ck_assert_str_eq(ev.status, "past_due");
    ck_assert_int_eq(ev.cancel_at_period_end, 1);
    ck_assert_int_eq(ev.current_period_end, 1702592100);
    ck_assert_str_eq(ev.currency, "EUR");
    ck_assert_uint_eq(ev.user_id, 42);
    ck_assert_str_eq(ev.plan_code, "family");
    ck_assert_str_eq(ev.price_id, "price_9");
    /* 2025-03-31 shape: the period on the items; customer expanded; deleted. */
    const char *basil =
        "{\"id\":\"evt_10\",\"type\":\"customer.subscription.deleted\",\"created\":1700000200,"
        "\"data\":{\"object\":{\"id\":\"sub_2\",\"customer\":{\"id\":\"cus_2\"},\"status\":\"canceled\","
        "\"cancel_at_period_end\":false,\"metadata\":{},"
        "\"items\":{\"data\":[{\"current_period_end\":1702592200,\"price\":{\"id\":\"price_10\",\"currency\":\"jpy\"}}]}}}}";
    ck_assert_int_eq(stripe_parse_event(&a, basil, strlen(basil), &ev), PAYMENT_VERIFY_OK);
    ck_assert_int_eq(ev.kind, PAYMENT_EVENT_SUBSCRIPTION_DELETED);
    ck_assert_str_eq(ev.customer_id, "cus_2");
    ck_assert_int_eq(ev.current_period_end, 1702592200);
    ck_assert_str_eq(ev.currency, "JPY");
    ck_assert_uint_eq(ev.user_id, 0);
    ck_assert_ptr_null(ev.plan_code);
    arena_free(&a);
}
END_TEST

START_TEST(test_event_invoice_and_refund)
{
    arena a;
    arena_init(&a, 4096);
    payment_event ev;
    const char *inv =
        "{\"id\":\"evt_11\",\"type\":\"invoice.payment_failed\",\"created\":1700000300,"
        "\"data\":{\"object\":{\"id\":\"in_1\",\"customer\":\"cus_1\",\"currency\":\"usd\",\"amount_due\":1199,"
        "\"amount_paid\":0,\"created\":1700000290,\"hosted_invoice_url\":\"https://invoice.stripe.com/i/x\","
        "\"parent\":{\"subscription_details\":{\"subscription\":\"sub_1\",\"metadata\":{\"user_id\":\"7\"}}},"
        "\"lines\":{\"data\":[{\"period\":{\"start\":1700000000,\"end\":1702592000}}]}}}}";
    ck_assert_int_eq(stripe_parse_event(&a, inv, strlen(inv), &ev), PAYMENT_VERIFY_OK);
    ck_assert_int_eq(ev.kind, PAYMENT_EVENT_INVOICE_FAILED);
    ck_assert_str_eq(ev.invoice_id, "in_1");
    ck_assert_str_eq(ev.subscription_id, "sub_1");
    ck_assert_uint_eq(ev.user_id, 7);
    ck_assert_int_eq(ev.amount_minor, 1199);
    ck_assert_int_eq(ev.period_end, 1702592000);
    ck_assert_int_eq(ev.object_created, 1700000290);
    const char *ch =
        "{\"id\":\"evt_12\",\"type\":\"charge.refunded\",\"created\":1700000400,"
        "\"data\":{\"object\":{\"id\":\"ch_1\",\"invoice\":\"in_1\",\"customer\":\"cus_1\",\"amount\":1199,"
        "\"amount_refunded\":500,\"currency\":\"usd\"}}}";
    ck_assert_int_eq(stripe_parse_event(&a, ch, strlen(ch), &ev), PAYMENT_VERIFY_OK);
    ck_assert_int_eq(ev.kind, PAYMENT_EVENT_REFUND);
    ck_assert_int_eq(ev.refunded_minor, 500);
    ck_assert_str_eq(ev.invoice_id, "in_1");
    arena_free(&a);
}
END_TEST

START_TEST(test_event_bad)
{
    arena a;
    arena_init(&a, 4096);
    payment_event ev;
    static const char *const bad[] = {
        "", "{", "[]", "null",
        "{\"id\":\"evt_1\",\"type\":\"x\",\"data\":{\"object\":{}}}",                     /* no created */
        "{\"id\":\"evt_1\",\"created\":1,\"data\":{\"object\":{}}}",                      /* no type */
        "{\"type\":\"x\",\"created\":1,\"data\":{\"object\":{}}}",                        /* no id */
        "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":1}",                                /* no data.object */
        "{\"id\":\"evt_1\",\"id\":\"evt_2\",\"type\":\"x\",\"created\":1,\"data\":{\"object\":{}}}",
        "{\"id\":\"evt_1\",\"type\":\"customer.subscription.updated\",\"created\":1,\"data\":{\"object\":{}}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(stripe_parse_event(&a, bad[i], strlen(bad[i]), &ev) == PAYMENT_VERIFY_BAD_BODY, "case %zu", i);
    const char *other = "{\"id\":\"evt_1\",\"type\":\"customer.created\",\"created\":5,\"data\":{\"object\":{}}}";
    ck_assert_int_eq(stripe_parse_event(&a, other, strlen(other), &ev), PAYMENT_VERIFY_OK);
    ck_assert_int_eq(ev.kind, PAYMENT_EVENT_OTHER);
    arena_free(&a);
}
END_TEST

START_TEST(test_error_message)
{
    arena a;
    arena_init(&a, 4096);
    const char *type;
    const char *m = stripe_error_message(&a, 402,
        "{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\",\"message\":\"Your card was declined.\"}}", &type);
    ck_assert_str_eq(m, "The payment provider refused: Your card was declined.");
    ck_assert_str_eq(type, "card_error");
    m = stripe_error_message(&a, 400, "{\"error\":{\"type\":\"invalid_request_error\"}}", &type);
    ck_assert_ptr_nonnull(strstr(m, "invalid_request_error"));
    m = stripe_error_message(&a, 404, "<html>", &type);
    ck_assert_ptr_nonnull(strstr(m, "HTTP 404"));
    ck_assert_ptr_null(type);
    arena_free(&a);
}
END_TEST

START_TEST(test_providers)
{
    arena a;
    arena_init(&a, 4096);
    ck_assert_ptr_eq(payment_provider_named("stripe"), &stripe_provider);
    ck_assert_ptr_null(payment_provider_named("none"));
    ck_assert_ptr_null(payment_provider_named(NULL));
    ck_assert_str_eq(stripe_provider.signature_header, "Stripe-Signature");
    const char *k1 = payment_idempotency_key(&a, "checkout");
    const char *k2 = payment_idempotency_key(&a, "checkout");
    ck_assert_ptr_nonnull(k1);
    ck_assert_int_eq((int)strlen(k1), (int)strlen("lyre-checkout-") + 32);
    ck_assert_str_ne(k1, k2);
    arena_free(&a);
}
END_TEST

Suite *suite_payment(void)
{
    Suite *s = suite_create("payment");
    TCase *tc = tcase_create("stripe");
    tcase_add_test(tc, test_signature_valid);
    tcase_add_test(tc, test_signature_several_v1);
    tcase_add_test(tc, test_signature_rotation);
    tcase_add_test(tc, test_signature_tolerance);
    tcase_add_test(tc, test_signature_payload_changed);
    tcase_add_test(tc, test_signature_malformed);
    tcase_add_test(tc, test_event_subscription);
    tcase_add_test(tc, test_event_invoice_and_refund);
    tcase_add_test(tc, test_event_bad);
    tcase_add_test(tc, test_error_message);
    tcase_add_test(tc, test_providers);
    suite_add_tcase(s, tc);
    return s;
}

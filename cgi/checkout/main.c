/* main.c — cgi/lyre-checkout: plans, checkout, provider webhooks, billing and
 * family pages.  Every POST but the webhook (signed by the provider) is checked
 * for its CSRF token by lib/app. */
#include "checkout.h"

static const lyre_route routes[] = {
    { "GET",  "/plans",                  ROUTE_NONE,    page_plans },
    { "GET",  "/plans/admin",            ROUTE_ADMIN,   page_plans_admin },
    { "POST", "/plans/admin",            ROUTE_ADMIN,   post_plans_admin },
    { "GET",  "/plans/spot.json",        ROUTE_NONE,    page_spot_next },
    { "GET",  "/plans/spots",            ROUTE_ADMIN,   page_spots_admin },
    { "POST", "/plans/spots",            ROUTE_ADMIN,   post_spots_admin },
    { "POST", "/checkout/{}",            ROUTE_LOGIN,   post_checkout },
    { "GET",  "/checkout/success",       ROUTE_LOGIN,   page_checkout_success },
    { "GET",  "/checkout/cancel",        ROUTE_LOGIN,   page_checkout_cancel },
    { "POST", "/webhooks/stripe",        ROUTE_NO_CSRF, post_webhook_stripe },
    { "GET",  "/billing",                ROUTE_LOGIN,   page_billing },
    { "POST", "/billing/portal",         ROUTE_LOGIN,   post_billing_portal },
    { "POST", "/billing/cancel",         ROUTE_LOGIN,   post_billing_cancel },
    { "POST", "/billing/resume",         ROUTE_LOGIN,   post_billing_resume },
    { "GET",  "/family",                 ROUTE_LOGIN,   page_family },
    { "POST", "/family/invite",          ROUTE_LOGIN,   post_family_invite },
    { "GET",  "/family/join/{}",         ROUTE_LOGIN,   page_family_join },
    { "POST", "/family/join/{}",         ROUTE_LOGIN,   post_family_join },
    { "POST", "/family/leave",           ROUTE_LOGIN,   post_family_leave },
    { "POST", "/family/remove",          ROUTE_LOGIN,   post_family_remove },
    { NULL, NULL, 0, NULL },
};

int main(int argc, char **argv)
{
    static const lyre_app app = { "lyre-checkout", routes };
    return app_main(&app, argc, argv);
}

/* checkout.h — cgi/lyre-checkout: plans and prices, checkout with the payment
 * provider (lib/payment.h), its signed webhooks, billing pages, family plans and
 * sponsor spots.  The route table is in main.c. */
#ifndef LYRE_CHECKOUT_H
#define LYRE_CHECKOUT_H

#include "app.h"
#include "payment.h"

/* plans.c — plans and prices (currency from the user's country) */
lyre_err page_plans(lyre_req *req);              /* GET  /plans */
lyre_err page_plans_admin(lyre_req *req);        /* GET  /plans/admin (admins) */
lyre_err post_plans_admin(lyre_req *req);        /* POST /plans/admin (admins): a plan's fields and prices */
/* spots.c — sponsor spots for the free plan */
lyre_err page_spot_next(lyre_req *req);          /* GET  /plans/spot.json: the spot due now, or none */
lyre_err page_spots_admin(lyre_req *req);        /* GET  /plans/spots (admins) */
lyre_err post_spots_admin(lyre_req *req);        /* POST /plans/spots (admins): add, enable, disable */
/* checkout.c — shared by billing.c and family.c: a billing page's view (title,
 * nav section, the <billing> element to fill), the page for a provider's refusal
 * (502 with its message), and the user's customer id at provider (creating it). */
lyre_view *billing_view(lyre_req *req, const char *title, const char *section, xmlNodePtr *billing);
lyre_err billing_provider_error(lyre_req *req, const payment_result *r);
const char *billing_customer(lyre_req *req, const char *provider, db_status *st);
/* checkout.c — the provider's checkout and portal */
lyre_err post_checkout(lyre_req *req);           /* POST /checkout/{plan} -> 303 to the provider */
lyre_err page_checkout_success(lyre_req *req);   /* GET  /checkout/success */
lyre_err page_checkout_cancel(lyre_req *req);    /* GET  /checkout/cancel */
lyre_err post_billing_portal(lyre_req *req);     /* POST /billing/portal -> 303 to the provider */
/* webhook.c — provider events, signed, settled exactly once */
lyre_err post_webhook_stripe(lyre_req *req);     /* POST /webhooks/stripe */
/* billing.c — the subscriber's own pages */
lyre_err page_billing(lyre_req *req);            /* GET  /billing */
lyre_err post_billing_cancel(lyre_req *req);     /* POST /billing/cancel (at period end) */
lyre_err post_billing_resume(lyre_req *req);     /* POST /billing/resume */
/* family.c — the owner's members */
lyre_err page_family(lyre_req *req);             /* GET  /family */
lyre_err post_family_invite(lyre_req *req);      /* POST /family/invite -> a new link */
lyre_err page_family_join(lyre_req *req);        /* GET  /family/join/{token} */
lyre_err post_family_join(lyre_req *req);        /* POST /family/join/{token} */
lyre_err post_family_leave(lyre_req *req);       /* POST /family/leave */
lyre_err post_family_remove(lyre_req *req);      /* POST /family/remove (member=ID) */

#endif

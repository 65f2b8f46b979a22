/* lib/stripe.c — placeholder, written by its owner. */
typedef int lyre_placeholder_stripe;

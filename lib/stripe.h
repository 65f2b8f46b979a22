/* lib/stripe.h — placeholder, written by its owner. */
#ifndef LYRE_STRIPE_H
#define LYRE_STRIPE_H
#endif

/* lib/payment.c — placeholder, written by its owner. */
typedef int lyre_placeholder_payment;

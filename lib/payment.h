/* lib/payment.h — placeholder, written by its owner. */
#ifndef LYRE_PAYMENT_H
#define LYRE_PAYMENT_H
#endif

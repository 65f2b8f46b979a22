/* lib/money.h — placeholder, written by its owner. */
#ifndef LYRE_MONEY_H
#define LYRE_MONEY_H
#endif

/* lib/money.c — placeholder, written by its owner. */
typedef int lyre_placeholder_money;

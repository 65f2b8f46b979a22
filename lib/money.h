/* money.h — amounts of money: integer minor units of an ISO 4217 currency
 * (USD 1199 = $11.99; JPY has no minor unit: 980 = ¥980), shown in a fixed,
 * tested set of formats, and parsed from what an admin types.
 *
 * Formats (NBSP is U+00A0, so an amount never breaks across lines):
 *   USD  $11.99       $1,234.56
 *   EUR  10,99 €      1.234,56 €     (decimal comma, "." groups, NBSP before €)
 *   GBP  £11.99       £1,234.56
 *   JPY  ¥980         ¥1,580
 *   INR  ₹119.00      ₹1,19,900.00   (Indian grouping: 3 digits, then pairs)
 *   BRL  R$ 21,90     R$ 1.234,56    (NBSP after R$)
 *   any other code:   CHF 12.50      (the code, NBSP, "," groups, "." decimals)
 *
 * The exponent (digits after the decimal mark) comes from the currencies
 * table when the caller has it, else from the built-in table of the six
 * currencies above.
 */
#ifndef LYRE_MONEY_H
#define LYRE_MONEY_H

#include "arena.h"

/* Largest amount accepted anywhere, in minor units (a sanity bound far above
 * any price, and far below overflow of every type that carries it). */
#define MONEY_MAX_MINOR 999999999999ULL

/* The built-in exponent of code ("USD" 2, "JPY" 0, ...), or -1 if unknown. */
int money_exponent(const char *code);

/* 1 if code is three upper-case ASCII letters (the shape of ISO 4217). */
int money_code_valid(const char *code);

/* minor formatted for currency code with exponent digits (exponent < 0: the
 * built-in one).  NULL when code is malformed, or unknown with exponent < 0,
 * or exponent > 4. */
const char *money_format(arena *a, const char *code, int exponent, unsigned long long minor);

/* The currency of an ISO 3166-1 alpha-2 country (US USD, euro area EUR, GB
 * GBP, JP JPY, IN INR, BR BRL), or fallback when the country is NULL, empty
 * or not in the table. */
const char *money_currency_for_country(const char *country, const char *fallback);

typedef enum money_parse_err {
    MONEY_PARSE_OK = 0,
    MONEY_PARSE_EMPTY,        /* nothing typed */
    MONEY_PARSE_NEGATIVE,     /* a minus sign */
    MONEY_PARSE_SYNTAX,       /* not digits with at most one decimal mark */
    MONEY_PARSE_PRECISION,    /* more decimals than the currency has */
    MONEY_PARSE_RANGE,        /* above MONEY_MAX_MINOR */
} money_parse_err;

/* Parse a decimal amount typed by a person into minor units of a currency
 * with exponent digits (0..4): digits, then optionally one decimal mark ("."
 * or ",") and at most exponent digits; spaces around are ignored; no signs,
 * no grouping separators, no exponents.  "11.9" with exponent 2 is 1190;
 * "980" with exponent 0 is 980; "980.5" with exponent 0 is refused. */
money_parse_err money_parse(const char *text, int exponent, unsigned long long *out);

/* A sentence for the person about a parse error (static). */
const char *money_parse_message(money_parse_err err);

#endif

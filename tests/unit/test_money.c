/* test_money.c — unit tests of lib/money: the documented formats, country →
 * currency, and parsing what an admin types. */
#include "money.h"
#include "suites.h"

#define NBSP "\xc2\xa0"

static arena A;

static void setup(void) { arena_init(&A, 4096); }
static void teardown(void) { arena_free(&A); }

static const char *fmt(const char *code, unsigned long long minor)
{
    return money_format(&A, code, -1, minor);
}

START_TEST(formats_of_the_six_currencies)
{
    ck_assert_str_eq(fmt("USD", 1199), "$11.99");
    ck_assert_str_eq(fmt("USD", 5), "$0.05");
    ck_assert_str_eq(fmt("USD", 123456), "$1,234.56");
    ck_assert_str_eq(fmt("USD", 100000000), "$1,000,000.00");
    ck_assert_str_eq(fmt("EUR", 1099), "10,99" NBSP "\xe2\x82\xac");
    ck_assert_str_eq(fmt("EUR", 123456), "1.234,56" NBSP "\xe2\x82\xac");
    ck_assert_str_eq(fmt("GBP", 1199), "\xc2\xa3" "11.99");
    ck_assert_str_eq(fmt("JPY", 980), "\xc2\xa5" "980");
    ck_assert_str_eq(fmt("JPY", 1580), "\xc2\xa5" "1,580");
    ck_assert_str_eq(fmt("JPY", 0), "\xc2\xa5" "0");
    ck_assert_str_eq(fmt("BRL", 2190), "R$" NBSP "21,90");
    ck_assert_str_eq(fmt("BRL", 123456), "R$" NBSP "1.234,56");
}
END_TEST

START_TEST(indian_grouping)
{
    ck_assert_str_eq(fmt("INR", 11900), "\xe2\x82\xb9" "119.00");
    ck_assert_str_eq(fmt("INR", 119900), "\xe2\x82\xb9" "1,199.00");
    ck_assert_str_eq(fmt("INR", 11990000), "\xe2\x82\xb9" "1,19,900.00");
    ck_assert_str_eq(fmt("INR", 1234567800), "\xe2\x82\xb9" "1,23,45,678.00");
    ck_assert_str_eq(fmt("INR", 99900), "\xe2\x82\xb9" "999.00");
}
END_TEST

START_TEST(other_currencies_and_exponents)
{
    /* A currency of the table with its exponent given by the database. */
    ck_assert_str_eq(money_format(&A, "USD", 2, 1199), "$11.99");
    ck_assert_str_eq(money_format(&A, "CHF", 2, 1250), "CHF" NBSP "12.50");
    ck_assert_str_eq(money_format(&A, "KWD", 3, 1234567), "KWD" NBSP "1,234.567");
    ck_assert_str_eq(money_format(&A, "KRW", 0, 15000), "KRW" NBSP "15,000");
    ck_assert_ptr_null(money_format(&A, "CHF", -1, 1));      /* unknown without an exponent */
    ck_assert_ptr_null(money_format(&A, "usd", -1, 1));
    ck_assert_ptr_null(money_format(&A, "US", -1, 1));
    ck_assert_ptr_null(money_format(&A, NULL, 2, 1));
    ck_assert_ptr_null(money_format(&A, "USD", 5, 1));
    ck_assert_int_eq(money_exponent("JPY"), 0);
    ck_assert_int_eq(money_exponent("INR"), 2);
    ck_assert_int_eq(money_exponent("XYZ"), -1);
    ck_assert_int_eq(money_code_valid("EUR"), 1);
    ck_assert_int_eq(money_code_valid("EURO"), 0);
    ck_assert_int_eq(money_code_valid("eur"), 0);
}
END_TEST

START_TEST(country_to_currency)
{
    ck_assert_str_eq(money_currency_for_country("US", "EUR"), "USD");
    ck_assert_str_eq(money_currency_for_country("DE", "USD"), "EUR");
    ck_assert_str_eq(money_currency_for_country("fr", "USD"), "EUR");
    ck_assert_str_eq(money_currency_for_country("HR", "USD"), "EUR");
    ck_assert_str_eq(money_currency_for_country("GB", "USD"), "GBP");
    ck_assert_str_eq(money_currency_for_country("JP", "USD"), "JPY");
    ck_assert_str_eq(money_currency_for_country("IN", "USD"), "INR");
    ck_assert_str_eq(money_currency_for_country("BR", "USD"), "BRL");
    ck_assert_str_eq(money_currency_for_country("CH", "USD"), "USD");   /* fallback */
    ck_assert_str_eq(money_currency_for_country("", "GBP"), "GBP");
    ck_assert_str_eq(money_currency_for_country(NULL, "GBP"), "GBP");
    ck_assert_str_eq(money_currency_for_country("USA", "GBP"), "GBP");
}
END_TEST

START_TEST(parse_accepts)
{
    unsigned long long v = 0;
    ck_assert_int_eq(money_parse("11.99", 2, &v), MONEY_PARSE_OK); ck_assert_uint_eq(v, 1199);
    ck_assert_int_eq(money_parse("11.9", 2, &v), MONEY_PARSE_OK);  ck_assert_uint_eq(v, 1190);
    ck_assert_int_eq(money_parse("11", 2, &v), MONEY_PARSE_OK);    ck_assert_uint_eq(v, 1100);
    ck_assert_int_eq(money_parse("10,99", 2, &v), MONEY_PARSE_OK); ck_assert_uint_eq(v, 1099);
    ck_assert_int_eq(money_parse(" 0.05 ", 2, &v), MONEY_PARSE_OK); ck_assert_uint_eq(v, 5);
    ck_assert_int_eq(money_parse("980", 0, &v), MONEY_PARSE_OK);   ck_assert_uint_eq(v, 980);
    ck_assert_int_eq(money_parse("0", 0, &v), MONEY_PARSE_OK);     ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(money_parse("1.234", 3, &v), MONEY_PARSE_OK); ck_assert_uint_eq(v, 1234);
    ck_assert_int_eq(money_parse("9999999999.99", 2, &v), MONEY_PARSE_OK);
    ck_assert_uint_eq(v, MONEY_MAX_MINOR);
}
END_TEST

START_TEST(parse_refuses)
{
    unsigned long long v = 77;
    ck_assert_int_eq(money_parse("", 2, &v), MONEY_PARSE_EMPTY);
    ck_assert_int_eq(money_parse("   ", 2, &v), MONEY_PARSE_EMPTY);
    ck_assert_int_eq(money_parse("-1", 2, &v), MONEY_PARSE_NEGATIVE);
    ck_assert_int_eq(money_parse("-0.50", 2, &v), MONEY_PARSE_NEGATIVE);
    ck_assert_int_eq(money_parse("+1", 2, &v), MONEY_PARSE_SYNTAX);
    ck_assert_int_eq(money_parse("abc", 2, &v), MONEY_PARSE_SYNTAX);
    ck_assert_int_eq(money_parse("12abc", 2, &v), MONEY_PARSE_SYNTAX);
    ck_assert_int_eq(money_parse("1,234.56", 2, &v), MONEY_PARSE_SYNTAX);
    ck_assert_int_eq(money_parse(".5", 2, &v), MONEY_PARSE_SYNTAX);
    ck_assert_int_eq(money_parse("5.", 2, &v), MONEY_PARSE_SYNTAX);
    ck_assert_int_eq(money_parse("1e3", 2, &v), MONEY_PARSE_SYNTAX);
    ck_assert_int_eq(money_parse("1 000", 2, &v), MONEY_PARSE_SYNTAX);
    ck_assert_int_eq(money_parse("0x10", 2, &v), MONEY_PARSE_SYNTAX);
    ck_assert_int_eq(money_parse("11.999", 2, &v), MONEY_PARSE_PRECISION);
    ck_assert_int_eq(money_parse("980.5", 0, &v), MONEY_PARSE_PRECISION);
    ck_assert_int_eq(money_parse("980.0", 0, &v), MONEY_PARSE_PRECISION);
    ck_assert_int_eq(money_parse("10000000000", 2, &v), MONEY_PARSE_RANGE);
    ck_assert_int_eq(money_parse("1000000000000", 0, &v), MONEY_PARSE_RANGE);
    ck_assert_int_eq(money_parse("99999999999999999999999999", 0, &v), MONEY_PARSE_RANGE);
    ck_assert_int_eq(money_parse("1.5", 5, &v), MONEY_PARSE_SYNTAX);
    ck_assert_int_eq(money_parse(NULL, 2, &v), MONEY_PARSE_SYNTAX);
    ck_assert_uint_eq(v, 77);    /* untouched by every refusal */
    ck_assert_str_ne(money_parse_message(MONEY_PARSE_PRECISION), "");
}
END_TEST

Suite *suite_money(void)
{
    Suite *s = suite_create("money");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, formats_of_the_six_currencies);
    tcase_add_test(tc, indian_grouping);
    tcase_add_test(tc, other_currencies_and_exponents);
    tcase_add_test(tc, country_to_currency);
    tcase_add_test(tc, parse_accepts);
    tcase_add_test(tc, parse_refuses);
    suite_add_tcase(s, tc);
    return s;
}

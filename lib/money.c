/* money.c — formats, country → currency, and parsing of typed amounts. */
#include "money.h"

#include <stdio.h>
#include <string.h>

#include "str.h"

#define NBSP "\xc2\xa0"

static const struct currency_fmt {
    const char code[4];
    int exponent;
    const char *prefix;         /* before the number */
    const char *suffix;         /* after it */
    char group;                 /* thousands separator */
    char decimal;               /* decimal mark */
    int indian;                 /* 3 digits, then groups of 2 */
} formats[] = {
    { "USD", 2, "$", "", ',', '.', 0 },
    { "EUR", 2, "", NBSP "\xe2\x82\xac", '.', ',', 0 },
    { "GBP", 2, "\xc2\xa3", "", ',', '.', 0 },
    { "JPY", 0, "\xc2\xa5", "", ',', '.', 0 },
    { "INR", 2, "\xe2\x82\xb9", "", ',', '.', 1 },
    { "BRL", 2, "R$" NBSP, "", '.', ',', 0 },
};
#define NFORMATS (sizeof formats / sizeof formats[0])

/* The euro area (2023: 20 members) and the microstates that use the euro by
 * agreement. */
static const char *const euro_area[] = {
    "AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU",
    "LV", "MT", "NL", "PT", "SI", "SK", "AD", "MC", "SM", "VA", NULL,
};
static const struct { const char country[3]; const char code[4]; } country_currency[] = {
    { "US", "USD" }, { "GB", "GBP" }, { "JP", "JPY" }, { "IN", "INR" }, { "BR", "BRL" },
};

static const struct currency_fmt *find_format(const char *code)
{
    for (size_t i = 0; code && i < NFORMATS; i++)
        if (strcmp(formats[i].code, code) == 0)
            return &formats[i];
    return NULL;
}

int money_exponent(const char *code)
{
    const struct currency_fmt *f = find_format(code);
    return f ? f->exponent : -1;
}

int money_code_valid(const char *code)
{
    if (!code)
        return 0;
    for (int i = 0; i < 3; i++)
        if (code[i] < 'A' || code[i] > 'Z')
            return 0;
    return code[3] == '\0';
}

/* The digits of whole, grouped. */
static void add_grouped(strbuf *out, unsigned long long whole, char sep, int indian)
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%llu", whole);
    if (n <= 0 || (size_t)n >= sizeof digits)
        return;   /* cannot happen: 20 digits at most */
    for (int i = 0; i < n; i++) {
        int left = n - i;   /* digits from here to the end */
        if (i > 0 && sep) {
            /* Western: a separator before every 3 from the right.  Indian:
             * before the last 3, then before every 2 further left. */
            if (indian ? (left == 3 || (left > 3 && (left - 3) % 2 == 0)) : left % 3 == 0)
                sb_addc(out, sep);
        }
        sb_addc(out, digits[i]);
    }
}

const char *money_format(arena *a, const char *code, int exponent, unsigned long long minor)
{
    static const struct currency_fmt generic = { "", 2, NULL, "", ',', '.', 0 };
    if (!money_code_valid(code))
        return NULL;
    const struct currency_fmt *f = find_format(code);
    if (exponent < 0) {
        if (!f)
            return NULL;
        exponent = f->exponent;
    }
    if (exponent > 4)
        return NULL;
    if (!f)
        f = &generic;
    unsigned long long scale = 1;
    for (int i = 0; i < exponent; i++)
        scale *= 10;

    strbuf out = STRBUF_INIT;
    if (f->prefix)
        sb_adds(&out, f->prefix);
    else
        sb_addf(&out, "%s" NBSP, code);
    add_grouped(&out, minor / scale, f->group, f->indian);
    if (exponent > 0) {
        sb_addc(&out, f->decimal);
        sb_addf(&out, "%0*llu", exponent, minor % scale);
    }
    sb_adds(&out, f->suffix);
    const char *s = arena_strdup(a, out.buf);
    sb_free(&out);
    return s;
}

const char *money_currency_for_country(const char *country, const char *fallback)
{
    if (!country || strlen(country) != 2)
        return fallback;
    char cc[3] = { country[0], country[1], '\0' };
    for (int i = 0; i < 2; i++)
        if (cc[i] >= 'a' && cc[i] <= 'z')
            cc[i] = (char)(cc[i] - 'a' + 'A');
    for (size_t i = 0; i < sizeof country_currency / sizeof country_currency[0]; i++)
        if (strcmp(country_currency[i].country, cc) == 0)
            return country_currency[i].code;
    for (size_t i = 0; euro_area[i]; i++)
        if (strcmp(euro_area[i], cc) == 0)
            return "EUR";
    return fallback;
}

money_parse_err money_parse(const char *text, int exponent, unsigned long long *out)
{
    if (!text || exponent < 0 || exponent > 4)
        return MONEY_PARSE_SYNTAX;
    while (*text == ' ' || *text == '\t')
        text++;
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    if (len == 0)
        return MONEY_PARSE_EMPTY;
    if (text[0] == '-')
        return MONEY_PARSE_NEGATIVE;

    unsigned long long whole = 0, frac = 0;
    size_t i = 0, nwhole = 0, nfrac = 0;
    int too_big = 0;
    for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, nwhole++) {
        if (whole > MONEY_MAX_MINOR)
            too_big = 1;       /* keep scanning: a syntax error still says so */
        else
            whole = whole * 10 + (unsigned long long)(text[i] - '0');
    }
    if (nwhole == 0)
        return MONEY_PARSE_SYNTAX;
    if (i < len && (text[i] == '.' || text[i] == ',')) {
        i++;
        for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, nfrac++)
            if (nfrac < 8)
                frac = frac * 10 + (unsigned long long)(text[i] - '0');
        if (nfrac == 0)
            return MONEY_PARSE_SYNTAX;
    }
    if (i != len)
        return MONEY_PARSE_SYNTAX;
    if (nfrac > (size_t)exponent)
        return MONEY_PARSE_PRECISION;

    unsigned long long scale = 1;
    for (int k = 0; k < exponent; k++)
        scale *= 10;
    for (size_t k = nfrac; k < (size_t)exponent; k++)
        frac *= 10;
    /* whole <= MAX + 1 digit step here, scale <= 10^4: no overflow of 64 bits. */
    if (too_big || whole > MONEY_MAX_MINOR / scale)
        return MONEY_PARSE_RANGE;
    unsigned long long minor = whole * scale + frac;
    if (minor > MONEY_MAX_MINOR)
        return MONEY_PARSE_RANGE;
    *out = minor;
    return MONEY_PARSE_OK;
}

const char *money_parse_message(money_parse_err err)
{
    switch (err) {
    case MONEY_PARSE_OK: return "";
    case MONEY_PARSE_EMPTY: return "Type an amount.";
    case MONEY_PARSE_NEGATIVE: return "An amount cannot be negative.";
    case MONEY_PARSE_SYNTAX:
        return "Type the amount as digits with at most one decimal mark, such as 11.99 (no thousands separators).";
    case MONEY_PARSE_PRECISION: return "This currency has fewer decimal places than that.";
    case MONEY_PARSE_RANGE: return "That amount is too large.";
    }
    return "That amount cannot be read.";
}

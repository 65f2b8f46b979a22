/* url.h — pure functions over untrusted bytes: percent-decoding, UTF-8
 * validation, application/x-www-form-urlencoded and Cookie parsing.
 * No I/O; everything is allocated from the caller's arena. */
#ifndef LYRE_URL_H
#define LYRE_URL_H

#include <stddef.h>
#include "arena.h"

typedef struct lyre_param {
    const char *name;
    const char *value;
    size_t value_len;
} lyre_param;

typedef struct lyre_params {
    lyre_param *items;
    size_t count;
} lyre_params;

/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF)
 * and contains no NUL byte; else 0. */
int utf8_valid(const char *s, size_t len);

/* Percent-decode s[0..len) into a new NUL-terminated string.  plus_is_space
 * turns '+' into ' ' (forms and query strings).  Returns NULL on a malformed
 * escape ("%4", "%zz"), a decoded NUL, or bytes that are not valid UTF-8.
 * *out_len (if not NULL) receives the decoded length. */
char *url_decode(arena *a, const char *s, size_t len, int plus_is_space, size_t *out_len);

/* Percent-encode for a query-string value (unreserved bytes kept). */
char *url_encode(arena *a, const char *s);

/* Parse "a=1&b=2" (query string or form body) into params.  Returns 0, or -1
 * when a name or value is malformed (see url_decode).  Empty pieces are
 * skipped; a name without '=' gets the value "". At most max_params pairs. */
int params_parse_form(arena *a, const char *s, size_t len, size_t max_params, lyre_params *out);

/* Parse a Cookie header "a=1; b=2".  Malformed pairs are skipped (browsers
 * send what other sites set), values are not percent-decoded. */
void params_parse_cookies(arena *a, const char *header, size_t max_params, lyre_params *out);

/* First value of name, or NULL. */
const char *params_get(const lyre_params *p, const char *name);

#endif

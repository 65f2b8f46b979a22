/* str.c — the growable string buffer (see str.h for the contract). */
#include "str.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char sb_empty[1];

static void sb_oom(size_t want)
{
    fprintf(stderr, "lyre: out of memory (wanted %zu bytes)\n", want);
    abort();
}

void sb_init(strbuf *sb)
{
    sb->buf = sb_empty;
    sb->len = 0;
    sb->cap = 0;
}

void sb_grow(strbuf *sb, size_t extra)
{
    if (extra > SIZE_MAX - sb->len - 1)
        sb_oom(SIZE_MAX);
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(sb->cap ? sb->buf : NULL, cap);
    if (!p)
        sb_oom(cap);
    if (!sb->cap)
        p[0] = '\0';
    sb->buf = p;
    sb->cap = cap;
}

void sb_add(strbuf *sb, const void *data, size_t len)
{
    if (len == 0)
        return;
    sb_grow(sb, len);
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void sb_adds(strbuf *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

void sb_addc(strbuf *sb, char c)
{
    sb_grow(sb, 1);
    sb->buf[sb->len++] = c;
    sb->buf[sb->len] = '\0';
}

void sb_vaddf(strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    size_t room = sb->cap ? sb->cap - sb->len : 0;
    int n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, cp);
    va_end(cp);
    if (n < 0) {
        /* Only an invalid format or EOVERFLOW: keep the buffer as it was. */
        if (sb->cap)
            sb->buf[sb->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        sb_grow(sb, (size_t)n);
        va_copy(cp, ap);
        n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, cp);
        va_end(cp);
        if (n < 0) {
            sb->buf[sb->len] = '\0';
            return;
        }
    }
    sb->len += (size_t)n;
}

void sb_addf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(sb, fmt, ap);
    va_end(ap);
}

void sb_setlen(strbuf *sb, size_t len)
{
    if (len > sb->len)
        return;
    sb->len = len;
    if (sb->cap)
        sb->buf[len] = '\0';
}

void sb_reset(strbuf *sb)
{
    sb_setlen(sb, 0);
}

void sb_free(strbuf *sb)
{
    if (sb->cap)
        free(sb->buf);
    sb_init(sb);
}

char *sb_detach(strbuf *sb, size_t *len)
{
    char *s;
    if (!sb->cap) {
        s = strdup("");
        if (!s)
            sb_oom(1);
    } else {
        s = sb->buf;
    }
    if (len)
        *len = sb->len;
    sb_init(sb);
    return s;
}

int str_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

int str_copy(char *dst, size_t dstsize, const char *src)
{
    if (dstsize == 0)
        return -1;
    size_t n = strlen(src);
    if (n >= dstsize) {
        memcpy(dst, src, dstsize - 1);
        dst[dstsize - 1] = '\0';
        return -1;
    }
    memcpy(dst, src, n + 1);
    return 0;
}

/* Digits only: no sign, no spaces, no leading zeros (one canonical form per id). */
int str_to_id(const char *s, unsigned long long max, unsigned long long *out)
{
    if (!s || !*s || *s == '0' || strlen(s) > 20)
        return -1;
    unsigned long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        unsigned d = (unsigned)(*p - '0');
        if (v > (ULLONG_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

int str_to_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s || strlen(s) > 20)
        return -1;
    const char *p = s;
    if (*p == '-')
        p++;
    if (!*p)
        return -1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (errno || !end || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* str.h — the one growable string buffer of Lyre.
 *
 * Contract: a strbuf is always NUL-terminated once initialised (buf is never
 * NULL after sb_init: it points at a static "" until the first append).
 * len never counts the NUL.  Appends never fail: on out-of-memory the process
 * logs and aborts (a FastCGI worker is restarted by the web server), so
 * callers do not check return values.  A strbuf owns its memory; sb_reset
 * keeps the capacity for the next request, sb_free releases it.
 */
#ifndef LYRE_STR_H
#define LYRE_STR_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *buf;
    size_t len;
    size_t cap;   /* 0 while buf points at the shared empty string */
} strbuf;

#define STRBUF_INIT { (char *)"", 0, 0 }

void sb_init(strbuf *sb);
/* Make room for at least extra more bytes (plus the NUL). */
void sb_grow(strbuf *sb, size_t extra);
void sb_add(strbuf *sb, const void *data, size_t len);
void sb_adds(strbuf *sb, const char *s);
void sb_addc(strbuf *sb, char c);
void sb_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Shorten to len bytes (len <= sb->len). */
void sb_setlen(strbuf *sb, size_t len);
/* Empty the buffer, keeping its capacity. */
void sb_reset(strbuf *sb);
/* Release the memory; the buffer is empty and usable again. */
void sb_free(strbuf *sb);
/* Hand the malloc'd string to the caller (free() it); the buffer is emptied. */
char *sb_detach(strbuf *sb, size_t *len);

/* Small helpers over plain C strings, used everywhere in lib/. */
int str_starts_with(const char *s, const char *prefix);
int str_ends_with(const char *s, const char *suffix);
/* Bounded copy that always terminates; returns 0, or -1 if truncated. */
int str_copy(char *dst, size_t dstsize, const char *src);
/* Parse a whole decimal string as an id in 1..max; returns 0 or -1. */
int str_to_id(const char *s, unsigned long long max, unsigned long long *out);
/* Parse a whole decimal string as a long in [min,max]; returns 0 or -1. */
int str_to_long(const char *s, long min, long max, long *out);

#endif

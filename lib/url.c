/* url.c — decoding of untrusted URL, form and cookie bytes (see url.h). */
#include "url.h"

#include <string.h>

int utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1; cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2; cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3; cp = c & 0x07;
        } else {
            return 0;   /* continuation byte, overlong lead C0/C1, or > F4 */
        }
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *url_decode(arena *a, const char *s, size_t len, int plus_is_space, size_t *out_len)
{
    char *out = arena_alloc(a, len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            if (len - i < 3)
                return NULL;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
                return NULL;
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out[o++] = ' ';
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    if (!utf8_valid(out, o))
        return NULL;
    if (out_len)
        *out_len = o;
    return out;
}

char *url_encode(arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(a, n * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}

static size_t count_pieces(const char *s, size_t len, char sep)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] == sep)
            n++;
    return n;
}

int params_parse_form(arena *a, const char *s, size_t len, size_t max_params, lyre_params *out)
{
    out->items = NULL;
    out->count = 0;
    if (len == 0)
        return 0;
    size_t cap = count_pieces(s, len, '&');
    if (cap > max_params)
        cap = max_params;
    out->items = arena_calloc(a, cap, sizeof(lyre_param));
    size_t start = 0;
    while (start <= len && out->count < cap) {
        const char *piece = s + start;
        const char *amp = memchr(piece, '&', len - start);
        size_t plen = amp ? (size_t)(amp - piece) : len - start;
        if (plen > 0) {
            const char *eq = memchr(piece, '=', plen);
            size_t nlen = eq ? (size_t)(eq - piece) : plen;
            const char *name = url_decode(a, piece, nlen, 1, NULL);
            size_t vlen = 0;
            const char *value = eq ? url_decode(a, eq + 1, plen - nlen - 1, 1, &vlen) : "";
            if (!name || !value)
                return -1;
            lyre_param *p = &out->items[out->count++];
            p->name = name;
            p->value = value;
            p->value_len = vlen;
        }
        if (!amp)
            break;
        start += plen + 1;
    }
    return 0;
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

void params_parse_cookies(arena *a, const char *header, size_t max_params, lyre_params *out)
{
    out->items = NULL;
    out->count = 0;
    if (!header || !*header)
        return;
    size_t len = strlen(header);
    size_t cap = count_pieces(header, len, ';');
    if (cap > max_params)
        cap = max_params;
    out->items = arena_calloc(a, cap, sizeof(lyre_param));
    const char *p = header;
    const char *end = header + len;
    while (p < end && out->count < cap) {
        while (p < end && is_ows(*p))
            p++;
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *stop = semi ? semi : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (eq && eq > p) {
            const char *ne = eq;
            while (ne > p && is_ows(ne[-1]))
                ne--;
            const char *v = eq + 1, *ve = stop;
            while (v < ve && is_ows(*v))
                v++;
            while (ve > v && is_ows(ve[-1]))
                ve--;
            if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
                v++;
                ve--;
            }
            if (ne > p && utf8_valid(p, (size_t)(ne - p)) && utf8_valid(v, (size_t)(ve - v))) {
                lyre_param *prm = &out->items[out->count++];
                prm->name = arena_strndup(a, p, (size_t)(ne - p));
                prm->value = arena_strndup(a, v, (size_t)(ve - v));
                prm->value_len = (size_t)(ve - v);
            }
        }
        if (!semi)
            break;
        p = semi + 1;
    }
}

const char *params_get(const lyre_params *p, const char *name)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->items[i].name, name) == 0)
            return p->items[i].value;
    return NULL;
}

/* multipart.c — multipart/form-data (RFC 7578 over RFC 2046).  Strict where
 * browsers and curl are: CRLF line ends, no header folding; anything else
 * is refused whole rather than guessed at. */
#include "multipart.h"

#include <string.h>
#include <strings.h>

static int is_bchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
        return 1;
    return strchr("'()+_,-./:=? ", c) != NULL && c != '\0';
}

static int is_tspecial_or_ctl(unsigned char c)
{
    return c <= 32 || c >= 127 || strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* Bounded search: the first needle in hay[0..hlen), or NULL. */
static const char *find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    if (nlen == 0 || hlen < nlen)
        return NULL;
    const char *end = hay + (hlen - nlen) + 1;
    const char *p = hay;
    while (p < end) {
        const char *c = memchr(p, needle[0], (size_t)(end - p));
        if (!c)
            return NULL;
        if (memcmp(c, needle, nlen) == 0)
            return c;
        p = c + 1;
    }
    return NULL;
}

/* A parameter value at *s (quoted-string or token) into the arena; *s moves
 * past it.  NULL when malformed. */
static char *param_value(arena *a, const char **s, const char *end)
{
    const char *p = *s;
    if (p < end && *p == '"') {
        p++;
        char *out = arena_alloc(a, (size_t)(end - p) + 1);
        size_t n = 0;
        while (p < end && *p != '"') {
            if (*p == '\\' && p + 1 < end)
                p++;
            out[n++] = *p++;
        }
        if (p >= end)
            return NULL;     /* unterminated quote */
        out[n] = '\0';
        *s = p + 1;
        return out;
    }
    const char *start = p;
    while (p < end && !is_tspecial_or_ctl((unsigned char)*p))
        p++;
    if (p == start)
        return NULL;
    *s = p;
    return arena_strndup(a, start, (size_t)(p - start));
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* "TYPE; k=v; k=v" from s..end: 0 and each parameter reported through cb,
 * or -1.  type_out gets the type (trimmed) in the arena. */
typedef int (*param_cb)(void *ctx, const char *key, size_t klen, char *value);

static int parse_params(arena *a, const char *s, const char *end, char **type_out, param_cb cb,
                        void *ctx)
{
    const char *p = skip_ws(s, end);
    const char *t = p;
    while (p < end && *p != ';')
        p++;
    const char *te = p;
    while (te > t && (te[-1] == ' ' || te[-1] == '\t'))
        te--;
    if (te == t)
        return -1;
    *type_out = arena_strndup(a, t, (size_t)(te - t));
    while (p < end) {
        p = skip_ws(p + 1, end);     /* past ';' */
        if (p == end)
            break;                   /* a trailing ';' */
        const char *k = p;
        while (p < end && *p != '=' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t klen = (size_t)(p - k);
        p = skip_ws(p, end);
        if (klen == 0 || p >= end || *p != '=')
            return -1;
        p = skip_ws(p + 1, end);
        char *v = param_value(a, &p, end);
        if (!v)
            return -1;
        if (cb(ctx, k, klen, v) != 0)
            return -1;
        p = skip_ws(p, end);
        if (p < end && *p != ';')
            return -1;
    }
    return 0;
}

static int boundary_param(void *ctx, const char *key, size_t klen, char *value)
{
    if (klen == 8 && strncasecmp(key, "boundary", 8) == 0)
        *(char **)ctx = value;
    return 0;
}

const char *multipart_boundary(arena *a, const char *content_type)
{
    if (!content_type)
        return NULL;
    char *type = NULL, *b = NULL;
    if (parse_params(a, content_type, content_type + strlen(content_type), &type, boundary_param,
                     &b) != 0)
        return NULL;
    if (strcasecmp(type, "multipart/form-data") != 0 || !b)
        return NULL;
    size_t n = strlen(b);
    if (n == 0 || n > MULTIPART_MAX_BOUNDARY || b[n - 1] == ' ')
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!is_bchar((unsigned char)b[i]))
            return NULL;
    return b;
}

struct disposition {
    char *name;
    char *filename;
};

static int disposition_param(void *ctx, const char *key, size_t klen, char *value)
{
    struct disposition *d = ctx;
    if (klen == 4 && strncasecmp(key, "name", 4) == 0)
        d->name = value;
    else if (klen == 8 && strncasecmp(key, "filename", 8) == 0)
        d->filename = value;
    return 0;
}

/* One header line (without CRLF) of a part. */
static int part_header(arena *a, const char *line, size_t len, multipart_part *part)
{
    const char *end = line + len;
    for (const char *q = line; q < end; q++)
        if ((unsigned char)*q < 32 && *q != '\t')
            return -1;   /* NUL, bare CR or LF, controls */
    if (len == 0 || line[0] == ' ' || line[0] == '\t')
        return -1;       /* obsolete folding */
    const char *colon = memchr(line, ':', len);
    if (!colon || colon == line)
        return -1;
    size_t nlen = (size_t)(colon - line);
    const char *v = colon + 1;
    if (nlen == 19 && strncasecmp(line, "Content-Disposition", 19) == 0) {
        struct disposition d = { NULL, NULL };
        char *type = NULL;
        if (parse_params(a, v, end, &type, disposition_param, &d) != 0)
            return -1;
        if (strcasecmp(type, "form-data") != 0 || !d.name)
            return -1;
        part->name = d.name;
        part->filename = d.filename;
    } else if (nlen == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
        v = skip_ws(v, end);
        const char *ve = end;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        part->content_type = arena_strndup(a, v, (size_t)(ve - v));
    }
    return 0;
}

int multipart_parse(arena *a, const char *body, size_t len, const char *boundary,
                    multipart_form *out)
{
    memset(out, 0, sizeof *out);
    if (!body || !boundary)
        return -1;
    size_t blen = strlen(boundary);
    if (blen == 0 || blen > MULTIPART_MAX_BOUNDARY)
        return -1;
    /* "\r\n--" boundary: the delimiter between parts. */
    char delim[4 + MULTIPART_MAX_BOUNDARY];
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, blen);
    size_t dlen = 4 + blen;

    const char *end = body + len;
    const char *p;
    if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
        p = body + (dlen - 2);
    } else {
        const char *d = find(body, len, delim, dlen);   /* after a preamble */
        if (!d)
            return -1;
        p = d + dlen;
    }

    for (;;) {
        /* Just after a delimiter: "--" closes, else padding and CRLF. */
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return 0;
        p = skip_ws(p, end);
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return -1;
        p += 2;
        if (out->nparts == MULTIPART_MAX_PARTS)
            return -1;
        multipart_part *part = &out->parts[out->nparts];

        size_t nheaders = 0;
        for (;;) {
            size_t avail = (size_t)(end - p);
            size_t look = avail < MULTIPART_MAX_HEADER_LINE + 2 ? avail : MULTIPART_MAX_HEADER_LINE + 2;
            const char *crlf = find(p, look, "\r\n", 2);
            if (!crlf)
                return -1;   /* truncated or an overlong line */
            if (crlf == p) {
                p += 2;
                break;       /* the empty line: data follows */
            }
            if (++nheaders > MULTIPART_MAX_HEADERS)
                return -1;
            if (part_header(a, p, (size_t)(crlf - p), part) != 0)
                return -1;
            p = crlf + 2;
        }
        if (!part->name)
            return -1;

        const char *d = find(p, (size_t)(end - p), delim, dlen);
        if (!d)
            return -1;       /* no closing delimiter */
        part->data = p;
        part->len = (size_t)(d - p);
        out->nparts++;
        p = d + dlen;
    }
}

const multipart_part *multipart_get(const multipart_form *f, const char *name)
{
    for (size_t i = 0; i < f->nparts; i++)
        if (strcmp(f->parts[i].name, name) == 0)
            return &f->parts[i];
    return NULL;
}

const char *multipart_field(arena *a, const multipart_form *f, const char *name)
{
    const multipart_part *p = multipart_get(f, name);
    if (!p || memchr(p->data, '\0', p->len))
        return NULL;
    return arena_strndup(a, p->data, p->len);
}

int multipart_fields(arena *a, const multipart_form *f, lyre_params *out)
{
    out->items = arena_calloc(a, f->nparts ? f->nparts : 1, sizeof *out->items);
    out->count = 0;
    for (size_t i = 0; i < f->nparts; i++) {
        const multipart_part *p = &f->parts[i];
        if (p->filename)
            continue;
        if (!utf8_valid(p->data, p->len) || !utf8_valid(p->name, strlen(p->name)))
            return -1;
        lyre_param *q = &out->items[out->count++];
        q->name = p->name;
        q->value = arena_strndup(a, p->data, p->len);
        q->value_len = p->len;
    }
    return 0;
}

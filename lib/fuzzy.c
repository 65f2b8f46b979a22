/* fuzzy.c — folding and bounded edit distance (see fuzzy.h). */
#include "fuzzy.h"

#include <stdlib.h>
#include <string.h>

#include "str.h"

/* U+00C0..U+017F to ASCII: one letter, ' ' for a separator (× ÷), or a
 * digit naming an expansion in expand[]. */
static const char latin[] =
    "aaaaaa1ceeeeiiiidnooooo ouuuuy23"           /* U+00C0..U+00DF */
    "aaaaaa1ceeeeiiiidnooooo ouuuuy2y"           /* U+00E0..U+00FF */
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii44jjkkk"
    "llllllllllnnnnnnnnnoooooo55rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static const char *const expand[] = { NULL, "ae", "th", "ss", "ij", "oe" };
_Static_assert(sizeof latin == 0x180 - 0xC0 + 1, "one entry per code point");

/* Decode one UTF-8 sequence at s; returns its length (0: invalid byte). */
static size_t utf8_decode(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        c &= 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)))
        return 0;
    *cp = c;
    return n;
}

static void add_sep(strbuf *b)
{
    if (b->len > 0 && b->buf[b->len - 1] != ' ')
        sb_addc(b, ' ');
}

const char *fuzzy_fold(arena *a, const char *s)
{
    strbuf b = STRBUF_INIT;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned cp = 0;
        size_t n = utf8_decode(p, &cp);
        if (n == 0) {                       /* invalid byte: a separator */
            add_sep(&b);
            p++;
            continue;
        }
        if (cp < 0x80) {
            if (cp >= 'A' && cp <= 'Z')
                sb_addc(&b, (char)(cp + 32));
            else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
                sb_addc(&b, (char)cp);
            else
                add_sep(&b);
        } else if (cp >= 0xC0 && cp <= 0x17F) {
            char m = latin[cp - 0xC0];
            if (m == ' ')
                add_sep(&b);
            else if (m >= '1' && m <= '5')
                sb_adds(&b, expand[m - '0']);
            else
                sb_addc(&b, m);
        } else if (cp == 0xAA || cp == 0xBA) {
            sb_addc(&b, cp == 0xAA ? 'a' : 'o');
        } else if (cp >= 0x300 && cp <= 0x36F) {
            /* combining marks: "e\u0301" folds like "é" */
        } else if (cp < 0xC0 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF) {
            add_sep(&b);                    /* Latin-1 and general punctuation, spaces */
        } else {
            sb_add(&b, p, n);      /* other scripts as they are */
        }
        p += n;
    }
    size_t len = b.len;
    while (len > 0 && b.buf[len - 1] == ' ')
        len--;
    const char *out = arena_strndup(a, len ? b.buf : "", len);
    sb_free(&b);
    return out;
}

int fuzzy_distance(const char *a, const char *b, int max)
{
    size_t la = strlen(a), lb = strlen(b);
    int *row = NULL, result = max + 1;
    if (max < 0)
        return max + 1;
    if ((la > lb ? la - lb : lb - la) > (size_t)max)
        return max + 1;
    if (la == 0 || lb == 0)
        return (int)(la + lb);
    row = malloc((lb + 1) * sizeof *row);
    if (row == NULL)
        goto cleanup;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0], best;
        row[0] = (int)i;
        best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int v = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > max)                     /* every path already costs more */
            goto cleanup;
    }
    if (row[lb] <= max)
        result = row[lb];
cleanup:
    free(row);
    return result;
}

/* multipart.h — multipart/form-data bodies (RFC 7578): the fields and files
 * of a form sent with enctype="multipart/form-data" (playlist import).
 *
 * The parser never copies part data: every part points into the body, which
 * must outlive the result.  Names, file names and content types are copied
 * into the arena.  It is bounded (MULTIPART_MAX_PARTS parts, header lines of
 * at most MULTIPART_MAX_HEADER_LINE bytes, MULTIPART_MAX_HEADERS lines per
 * part) and refuses anything malformed — no boundary, a missing closing
 * delimiter, a truncated part, a part without a form-data name — as a whole:
 * a half-parsed form is never handed to a handler.
 */
#ifndef LYRE_MULTIPART_H
#define LYRE_MULTIPART_H

#include <stddef.h>
#include "arena.h"
#include "url.h"

#define MULTIPART_MAX_PARTS 32
#define MULTIPART_MAX_HEADER_LINE 1024
#define MULTIPART_MAX_HEADERS 8
#define MULTIPART_MAX_BOUNDARY 70   /* RFC 2046 */

typedef struct multipart_part {
    const char *name;            /* form field name (never NULL) */
    const char *filename;        /* NULL for a plain field; may be "" */
    const char *content_type;    /* NULL when the part has none */
    const char *data;            /* into the body; not NUL-terminated */
    size_t len;
} multipart_part;

typedef struct multipart_form {
    multipart_part parts[MULTIPART_MAX_PARTS];
    size_t nparts;
} multipart_form;

/* The boundary parameter of a Content-Type "multipart/form-data; boundary=..."
 * (quoted or not), into the arena; NULL when the type is not
 * multipart/form-data or the boundary is missing, empty, longer than 70
 * bytes or holds characters RFC 2046 does not allow. */
const char *multipart_boundary(arena *a, const char *content_type);

/* Parse body (len bytes) with boundary.  0, or -1 for malformed input
 * (nothing in out is then meaningful). */
int multipart_parse(arena *a, const char *body, size_t len, const char *boundary,
                    multipart_form *out);

/* The first part named name, or NULL. */
const multipart_part *multipart_get(const multipart_form *f, const char *name);
/* A plain field's value as a NUL-terminated string in the arena, or NULL
 * (no such field, or its value holds a NUL byte). */
const char *multipart_field(arena *a, const multipart_form *f, const char *name);

/* The plain fields (parts without a filename) as request parameters, so
 * http_form() sees them (lib/http can call this for multipart bodies: the
 * CSRF check reads the "csrf" field).  0, or -1 when a field's value is not
 * valid UTF-8 or holds NUL. */
int multipart_fields(arena *a, const multipart_form *f, lyre_params *out);

#endif

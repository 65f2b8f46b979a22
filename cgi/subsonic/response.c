/* cgi/subsonic/response.c — the response tree of a Subsonic answer, its XML,
 * JSON and JSONP forms, parameters, and the error answer. */
#include "subsonic.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

enum attr_kind { A_STR, A_NUM, A_BOOL };

typedef struct sub_attrv {
    const char *name;
    const char *value;
    enum attr_kind kind;
    int json_only;
    struct sub_attrv *next;
} sub_attrv;

enum node_kind { N_OBJ, N_ITEM, N_TEXT_ITEM, N_NUM_ITEM, N_EMPTY_LIST, N_TEXT_OBJ };

struct sub_node {
    arena *a;
    const char *name;
    enum node_kind kind;
    const char *text;
    sub_attrv *attrs, *attrs_tail;
    sub_node *children, *last, *next;
};

/* ------------------------------------------------------------ errors */

int sub_fail(sub_ctx *s, int code, const char *message)
{
    /* The first error wins: a helper's precise message is not overwritten. */
    if (s->error_message == NULL) {
        s->error_code = code;
        s->error_message = message ? message : "";
    }
    return SUB_FAILED;
}

int sub_db_fail(sub_ctx *s, db_status st)
{
    log_error("subsonic: database %s", st == DB_DOWN ? "down" : "error");
    return sub_fail(s, SUB_E_GENERIC, st == DB_DOWN ? "The database is not available; try again shortly."
                                                    : "Internal error.");
}

/* ------------------------------------------------------------ parameters */

static size_t collect(const lyre_params *p, const char *name, const char **out, size_t n, size_t max)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->items[i].name, name) == 0) {
            if (out && n < max)
                out[n] = p->items[i].value;
            n++;
        }
    return n;
}

const char *sub_param(const sub_ctx *s, const char *name)
{
    const char *v = params_get(&s->req->query, name);
    return v ? v : params_get(&s->req->form, name);
}

size_t sub_params(const sub_ctx *s, const char *name, const char ***out)
{
    size_t n = collect(&s->req->query, name, NULL, 0, 0);
    n = collect(&s->req->form, name, NULL, n, 0);
    *out = NULL;
    if (n == 0)
        return 0;
    const char **v = arena_alloc(s->req->a, n * sizeof *v);
    size_t k = collect(&s->req->query, name, v, 0, n);
    collect(&s->req->form, name, v, k, n);
    *out = v;
    return n;
}

static int missing(sub_ctx *s, const char *name)
{
    return sub_fail(s, SUB_E_MISSING, arena_printf(s->req->a, "Required parameter is missing: %s", name));
}

static int invalid(sub_ctx *s, const char *name)
{
    return sub_fail(s, SUB_E_GENERIC, arena_printf(s->req->a, "Invalid value for parameter %s", name));
}

int sub_param_str(sub_ctx *s, const char *name, const char **out)
{
    *out = sub_param(s, name);
    return *out ? 0 : missing(s, name);
}

static int parse_id(sub_ctx *s, const char *name, const char *v, unsigned long long *out)
{
    if (str_to_id(v, 4294967295ULL, out) != 0)
        return sub_fail(s, SUB_E_NOT_FOUND, arena_printf(s->req->a, "Not found: %s", name));
    return 0;
}

int sub_param_id(sub_ctx *s, const char *name, unsigned long long *out)
{
    const char *v = sub_param(s, name);
    if (!v || !*v)
        return missing(s, name);
    return parse_id(s, name, v, out);
}

int sub_param_opt_id(sub_ctx *s, const char *name, unsigned long long *out)
{
    const char *v = sub_param(s, name);
    *out = 0;
    if (!v || !*v)
        return 0;
    return parse_id(s, name, v, out);
}

int sub_param_ids(sub_ctx *s, const char *name, size_t min, unsigned long long **out, size_t *n)
{
    const char **v;
    size_t count = sub_params(s, name, &v);
    *out = NULL;
    *n = 0;
    if (count < min)
        return missing(s, name);
    if (count == 0)
        return 0;
    unsigned long long *ids = arena_alloc(s->req->a, count * sizeof *ids);
    for (size_t i = 0; i < count; i++)
        if (parse_id(s, name, v[i], &ids[i]) != 0)
            return SUB_FAILED;
    *out = ids;
    *n = count;
    return 0;
}

int sub_param_long(sub_ctx *s, const char *name, long dflt, long min, long max, long *out)
{
    const char *v = sub_param(s, name);
    *out = dflt;
    if (!v || !*v)
        return 0;
    if (str_to_long(v, min, max, out) != 0)
        return invalid(s, name);
    return 0;
}

int sub_param_long_req(sub_ctx *s, const char *name, long min, long max, long *out)
{
    const char *v = sub_param(s, name);
    if (!v || !*v)
        return missing(s, name);
    if (str_to_long(v, min, max, out) != 0)
        return invalid(s, name);
    return 0;
}

int sub_param_count(sub_ctx *s, const char *name, long dflt, long max, long *out)
{
    const char *v = sub_param(s, name);
    *out = dflt;
    if (!v || !*v)
        return 0;
    long n;
    if (str_to_long(v, 0, 2147483647L, &n) != 0)
        return invalid(s, name);
    *out = n > max ? max : n;
    return 0;
}

int sub_param_bool(sub_ctx *s, const char *name, int dflt, int *out)
{
    const char *v = sub_param(s, name);
    *out = dflt;
    if (!v || !*v)
        return 0;
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = 0;
    else
        return invalid(s, name);
    return 0;
}

/* ------------------------------------------------------------ tree */

static sub_node *new_node(sub_node *parent, const char *name, enum node_kind kind)
{
    sub_node *n = arena_calloc(parent->a, 1, sizeof *n);
    n->a = parent->a;
    n->name = name;
    n->kind = kind;
    if (parent->last)
        parent->last->next = n;
    else
        parent->children = n;
    parent->last = n;
    return n;
}

sub_node *sub_root_new(arena *a)
{
    sub_node *n = arena_calloc(a, 1, sizeof *n);
    n->a = a;
    n->name = "subsonic-response";
    return n;
}

sub_node *sub_obj(sub_node *parent, const char *name)
{
    return new_node(parent, name, N_OBJ);
}

sub_node *sub_item(sub_node *parent, const char *name)
{
    return new_node(parent, name, N_ITEM);
}

void sub_make_obj(sub_node *n)
{
    if (n)
        n->kind = N_OBJ;
}

void sub_empty_list(sub_node *parent, const char *name)
{
    new_node(parent, name, N_EMPTY_LIST);
}

void sub_item_text(sub_node *parent, const char *name, const char *text)
{
    sub_node *n = new_node(parent, name, N_TEXT_ITEM);
    n->text = arena_strdup(parent->a, text ? text : "");
}

void sub_text_elem(sub_node *parent, const char *name, const char *text)
{
    if (!text)
        return;
    sub_node *n = new_node(parent, name, N_TEXT_OBJ);
    n->text = arena_strdup(parent->a, text);
}

void sub_item_num(sub_node *parent, const char *name, long long v)
{
    sub_node *n = new_node(parent, name, N_NUM_ITEM);
    n->text = arena_printf(parent->a, "%lld", v);
}

static void add_attr(sub_node *n, const char *name, const char *value, enum attr_kind kind, int json_only)
{
    sub_attrv *at = arena_alloc(n->a, sizeof *at);
    at->name = name;
    at->value = value;
    at->kind = kind;
    at->json_only = json_only;
    at->next = NULL;
    if (n->attrs_tail)
        n->attrs_tail->next = at;
    else
        n->attrs = at;
    n->attrs_tail = at;
}

void sub_attr(sub_node *n, const char *name, const char *value)
{
    if (value)
        add_attr(n, name, arena_strdup(n->a, value), A_STR, 0);
}

void sub_attr_int(sub_node *n, const char *name, long long v)
{
    add_attr(n, name, arena_printf(n->a, "%lld", v), A_NUM, 0);
}

void sub_attr_bool(sub_node *n, const char *name, int v)
{
    add_attr(n, name, v ? "true" : "false", A_BOOL, 0);
}

static int is_number(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

void sub_attr_num(sub_node *n, const char *name, const char *digits)
{
    if (digits && is_number(digits))
        add_attr(n, name, arena_strdup(n->a, digits), A_NUM, 0);
}

void sub_attr_double(sub_node *n, const char *name, double v)
{
    if (isfinite(v))
        add_attr(n, name, arena_printf(n->a, "%.6g", v), A_NUM, 0);
}

void sub_attr_time(sub_node *n, const char *name, const char *t)
{
    /* "YYYY-MM-DD HH:MM:SS" with an optional fraction; anything else is left out. */
    if (!t || strlen(t) < 19 || t[4] != '-' || t[10] != ' ')
        return;
    char *v = arena_printf(n->a, "%sZ", t);
    v[10] = 'T';
    add_attr(n, name, v, A_STR, 0);
}

void sub_attr_json(sub_node *n, const char *name, const char *value)
{
    if (value)
        add_attr(n, name, arena_strdup(n->a, value), A_STR, 1);
}

void sub_attr_json_int(sub_node *n, const char *name, long long v)
{
    add_attr(n, name, arena_printf(n->a, "%lld", v), A_NUM, 1);
}

void sub_attr_json_bool(sub_node *n, const char *name, int v)
{
    add_attr(n, name, v ? "true" : "false", A_BOOL, 1);
}

void sub_text(sub_node *n, const char *text)
{
    n->text = arena_strdup(n->a, text ? text : "");
}

/* ------------------------------------------------------------ XML */

/* Escape for both text and attribute values.  Characters XML 1.0 cannot
 * carry (C0 controls other than tab, LF, CR) are dropped. */
static void xml_escape(strbuf *out, const char *s)
{
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        const char *rep = NULL;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\t': rep = "&#9;"; break;
        case '\n': rep = "&#10;"; break;
        case '\r': rep = "&#13;"; break;
        default:
            if (c < 0x20)
                rep = "";
        }
        if (rep) {
            sb_add(out, run, (size_t)(p - run));
            sb_adds(out, rep);
            run = p + 1;
        }
    }
    sb_adds(out, run);
}

static void xml_node(strbuf *out, const sub_node *n, int root)
{
    if (n->kind == N_EMPTY_LIST)
        return;
    sb_addc(out, '<');
    sb_adds(out, n->name);
    if (root)
        sb_adds(out, " xmlns=\"http://subsonic.org/restapi\"");
    for (const sub_attrv *at = n->attrs; at; at = at->next) {
        if (at->json_only)
            continue;
        sb_addc(out, ' ');
        sb_adds(out, at->name);
        sb_adds(out, "=\"");
        xml_escape(out, at->value);
        sb_addc(out, '"');
    }
    if (!n->children && !n->text) {
        sb_adds(out, "/>");
        return;
    }
    sb_addc(out, '>');
    if (n->text)
        xml_escape(out, n->text);
    for (const sub_node *c = n->children; c; c = c->next)
        xml_node(out, c, 0);
    sb_adds(out, "</");
    sb_adds(out, n->name);
    sb_addc(out, '>');
}

/* ------------------------------------------------------------ JSON */

static void json_string(strbuf *out, const char *s)
{
    sb_addc(out, '"');
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        char esc[8];
        const char *rep = NULL;
        if (c == '"')
            rep = "\\\"";
        else if (c == '\\')
            rep = "\\\\";
        else if (c == '\n')
            rep = "\\n";
        else if (c == '\r')
            rep = "\\r";
        else if (c == '\t')
            rep = "\\t";
        else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            rep = esc;
        } else if (c == 0xe2 && (unsigned char)p[1] == 0x80 &&
                   ((unsigned char)p[2] == 0xa8 || (unsigned char)p[2] == 0xa9)) {
            /* U+2028/2029 end a line in JavaScript (JSONP) though not in JSON. */
            rep = (unsigned char)p[2] == 0xa8 ? "\\u2028" : "\\u2029";
            sb_add(out, run, (size_t)(p - run));
            sb_adds(out, rep);
            p += 2;
            run = p + 1;
            continue;
        }
        if (rep) {
            sb_add(out, run, (size_t)(p - run));
            sb_adds(out, rep);
            run = p + 1;
        }
    }
    sb_adds(out, run);
    sb_addc(out, '"');
}

static void json_object(strbuf *out, const sub_node *n);

static void json_scalar_item(strbuf *out, const sub_node *n)
{
    if (n->kind == N_NUM_ITEM)
        sb_adds(out, n->text);
    else
        json_string(out, n->text);
}

static void json_members(strbuf *out, const sub_node *n)
{
    int first = 1;
    for (const sub_attrv *at = n->attrs; at; at = at->next) {
        if (!first)
            sb_addc(out, ',');
        first = 0;
        json_string(out, at->name);
        sb_addc(out, ':');
        if (at->kind == A_STR)
            json_string(out, at->value);
        else
            sb_adds(out, at->value);
    }
    if (n->text && n->kind == N_OBJ) {
        if (!first)
            sb_addc(out, ',');
        first = 0;
        sb_adds(out, "\"value\":");
        json_string(out, n->text);
    } else if (n->text && n->kind == N_ITEM) {
        if (!first)
            sb_addc(out, ',');
        first = 0;
        sb_adds(out, "\"value\":");
        json_string(out, n->text);
    }
    /* Children grouped by name, in order of first appearance; a group of
     * items is one array, an object stays an object. */
    const char *done[32];
    size_t ndone = 0;
    for (const sub_node *c = n->children; c; c = c->next) {
        int seen = 0;
        for (size_t i = 0; i < ndone; i++)
            if (strcmp(done[i], c->name) == 0)
                seen = 1;
        if (seen)
            continue;
        if (ndone < sizeof done / sizeof done[0])
            done[ndone++] = c->name;
        if (!first)
            sb_addc(out, ',');
        first = 0;
        json_string(out, c->name);
        sb_addc(out, ':');
        if (c->kind == N_OBJ) {
            json_object(out, c);
            continue;
        }
        if (c->kind == N_TEXT_OBJ) {
            json_string(out, c->text);
            continue;
        }
        sb_addc(out, '[');
        int firsti = 1;
        for (const sub_node *d = c; d; d = d->next) {
            if (strcmp(d->name, c->name) != 0 || d->kind == N_EMPTY_LIST)
                continue;
            if (!firsti)
                sb_addc(out, ',');
            firsti = 0;
            if (d->kind == N_TEXT_ITEM || d->kind == N_NUM_ITEM)
                json_scalar_item(out, d);
            else
                json_object(out, d);
        }
        sb_addc(out, ']');
    }
}

static void json_object(strbuf *out, const sub_node *n)
{
    sb_addc(out, '{');
    json_members(out, n);
    sb_addc(out, '}');
}

/* ------------------------------------------------------------ rendering */

void sub_render(sub_ctx *s, int failed)
{
    lyre_req *req = s->req;
    sub_node *root = s->root;
    /* The envelope's attributes come first, ahead of anything a handler set. */
    sub_attrv *handler_attrs = root->attrs, *handler_tail = root->attrs_tail;
    root->attrs = root->attrs_tail = NULL;
    sub_attr(root, "status", failed ? "failed" : "ok");
    sub_attr(root, "version", SUB_API_VERSION);
    sub_attr(root, "type", SUB_SERVER_TYPE);
    sub_attr(root, "serverVersion", PACKAGE_VERSION);
    sub_attr_bool(root, "openSubsonic", 1);
    if (handler_attrs) {
        root->attrs_tail->next = handler_attrs;
        root->attrs_tail = handler_tail;
    }
    if (failed) {
        /* The payload a failing handler began is not sent. */
        root->children = root->last = NULL;
        sub_node *e = sub_obj(root, "error");
        sub_attr_int(e, "code", s->error_code);
        sub_attr(e, "message", s->error_message ? s->error_message : "");
    }
    sb_reset(&req->body_out);
    req->status = 200;
    if (s->format == SUB_XML) {
        req->content_type = "text/xml; charset=utf-8";
        sb_adds(&req->body_out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml_node(&req->body_out, root, 1);
        sb_addc(&req->body_out, '\n');
        return;
    }
    if (s->format == SUB_JSONP) {
        req->content_type = "application/javascript; charset=utf-8";
        /* The comment keeps a callback name from being read as something else
         * (the classic JSONP content-sniffing attacks). */
        sb_adds(&req->body_out, "/**/");
        sb_adds(&req->body_out, s->callback);
        sb_addc(&req->body_out, '(');
    } else {
        req->content_type = "application/json; charset=utf-8";
    }
    sb_adds(&req->body_out, "{\"subsonic-response\":");
    json_object(&req->body_out, root);
    sb_addc(&req->body_out, '}');
    if (s->format == SUB_JSONP)
        sb_adds(&req->body_out, ");");
    sb_addc(&req->body_out, '\n');
}

/* pagecache.c — bounded LRU of rendered pages (see pagecache.h). */
#include "pagecache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct node {
    struct node *prev, *next;   /* LRU list, most recent at head */
    struct node *chain;         /* hash bucket */
    uint64_t hash;
    uint64_t version;
    size_t cost;
    char *key;
    pagecache_entry entry;
} node;

struct pagecache {
    node **buckets;
    size_t nbuckets;
    node *head, *tail;
    size_t bytes, max_bytes, count;
};

/* FNV-1a: keys are short, pages hashed once when stored. */
static uint64_t fnv1a(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

pagecache *pagecache_new(size_t max_bytes)
{
    pagecache *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->nbuckets = 1024;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    if (!c->buckets)
        abort();
    c->max_bytes = max_bytes;
    return c;
}

static void lru_unlink(pagecache *c, node *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else
        c->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        c->tail = n->prev;
    n->prev = n->next = NULL;
}

static void lru_push_front(pagecache *c, node *n)
{
    n->prev = NULL;
    n->next = c->head;
    if (c->head)
        c->head->prev = n;
    c->head = n;
    if (!c->tail)
        c->tail = n;
}

static node **bucket_of(pagecache *c, uint64_t hash)
{
    return &c->buckets[hash & (c->nbuckets - 1)];
}

static node *find(pagecache *c, const char *key, uint64_t hash)
{
    for (node *n = *bucket_of(c, hash); n; n = n->chain)
        if (n->hash == hash && strcmp(n->key, key) == 0)
            return n;
    return NULL;
}

static void drop(pagecache *c, node *n)
{
    node **pp = bucket_of(c, n->hash);
    while (*pp != n)
        pp = &(*pp)->chain;
    *pp = n->chain;
    lru_unlink(c, n);
    c->bytes -= n->cost;
    c->count--;
    free(n);   /* key, type, etag and body live in the same allocation */
}

const pagecache_entry *pagecache_get(pagecache *c, const char *key, uint64_t version)
{
    uint64_t hash = fnv1a(key, strlen(key));
    node *n = find(c, key, hash);
    if (!n)
        return NULL;
    if (n->version != version) {
        drop(c, n);
        return NULL;
    }
    lru_unlink(c, n);
    lru_push_front(c, n);
    return &n->entry;
}

void pagecache_put(pagecache *c, const char *key, uint64_t version, const char *content_type,
                   const char *body, size_t len)
{
    size_t klen = strlen(key), tlen = strlen(content_type);
    char etag[64];
    int elen = snprintf(etag, sizeof etag, "W/\"%llx-%llx\"", (unsigned long long)version,
                        (unsigned long long)fnv1a(body, len));
    if (elen < 0 || (size_t)elen >= sizeof etag)
        return;
    size_t cost = sizeof(node) + klen + 1 + tlen + 1 + (size_t)elen + 1 + len;
    if (c->max_bytes == 0 || cost > c->max_bytes / 4)
        return;
    uint64_t hash = fnv1a(key, klen);
    node *old = find(c, key, hash);
    if (old)
        drop(c, old);
    while (c->bytes + cost > c->max_bytes && c->tail)
        drop(c, c->tail);

    node *n = malloc(cost);
    if (!n)
        return;
    char *p = (char *)(n + 1);
    memset(n, 0, sizeof *n);
    n->hash = hash;
    n->version = version;
    n->cost = cost;
    n->key = p;
    memcpy(p, key, klen + 1);
    p += klen + 1;
    n->entry.content_type = p;
    memcpy(p, content_type, tlen + 1);
    p += tlen + 1;
    n->entry.etag = p;
    memcpy(p, etag, (size_t)elen + 1);
    p += elen + 1;
    n->entry.body = p;
    memcpy(p, body, len);
    n->entry.len = len;

    node **b = bucket_of(c, hash);
    n->chain = *b;
    *b = n;
    lru_push_front(c, n);
    c->bytes += cost;
    c->count++;
}

void pagecache_free(pagecache *c)
{
    if (!c)
        return;
    while (c->head)
        drop(c, c->head);
    free(c->buckets);
    free(c);
}

size_t pagecache_bytes(const pagecache *c)
{
    return c->bytes;
}

size_t pagecache_count(const pagecache *c)
{
    return c->count;
}

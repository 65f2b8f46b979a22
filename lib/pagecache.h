/* pagecache.h — rendered pages kept in a worker's memory.
 *
 * Catalog pages are the same for every visitor and change only when the
 * catalog does, so a worker keeps the bytes it rendered, keyed by the request
 * URI, tagged with the catalog version they were rendered at (the
 * catalog_state row that triggers bump on every catalog change, see
 * db/0004_catalog_version.sql).  An entry of another version is a miss.
 * Memory is bounded: least recently used entries go first.  Not thread-safe
 * (one cache per worker process).
 */
#ifndef LYRE_PAGECACHE_H
#define LYRE_PAGECACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct pagecache pagecache;

typedef struct pagecache_entry {
    const char *content_type;
    const char *body;
    size_t len;
    const char *etag;           /* W/"<version>-<hash of body>" */
} pagecache_entry;

/* A cache holding at most max_bytes of keys and pages. */
pagecache *pagecache_new(size_t max_bytes);
void pagecache_free(pagecache *c);

/* The page for key rendered at version, or NULL.  The entry stays valid until
 * the next pagecache_put or pagecache_free. */
const pagecache_entry *pagecache_get(pagecache *c, const char *key, uint64_t version);
/* Keep a copy (pages larger than a quarter of the cache are not kept). */
void pagecache_put(pagecache *c, const char *key, uint64_t version, const char *content_type,
                   const char *body, size_t len);

/* Counters for tests and logs. */
size_t pagecache_bytes(const pagecache *c);
size_t pagecache_count(const pagecache *c);

#endif

/* arena.h — per-request memory.
 *
 * Everything a request allocates comes from its arena; arena_reset() at the
 * end of the request drops all of it at once and keeps the first block, so a
 * long-lived worker's memory does not grow with the number of requests.
 * Allocation never fails (out-of-memory aborts, as in str.h).
 */
#ifndef LYRE_ARENA_H
#define LYRE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;     /* current block (newest first) */
    size_t block_size;     /* default size of a new block */
    size_t total;          /* bytes handed out since the last reset (for tests/stats) */
} arena;

void arena_init(arena *a, size_t block_size);
void *arena_alloc(arena *a, size_t size);           /* aligned for any type, uninitialised */
void *arena_calloc(arena *a, size_t n, size_t size); /* zeroed, overflow-checked */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
void *arena_memdup(arena *a, const void *p, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* How many blocks the arena holds (tests and memory statistics). */
size_t arena_block_count(const arena *a);
/* Drop everything; keep one block for the next request. */
void arena_reset(arena *a);
/* Release all memory. */
void arena_free(arena *a);

#endif

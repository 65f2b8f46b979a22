/* arena.c — bump allocator dropped at the end of each request. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    arena_block *next;
    size_t size;   /* usable bytes in data[] */
    size_t used;
    max_align_t data[];
};

#define ARENA_ALIGN (_Alignof(max_align_t))

static void arena_oom(size_t want)
{
    fprintf(stderr, "lyre: out of memory (arena wanted %zu bytes)\n", want);
    abort();
}

static arena_block *block_new(size_t size)
{
    if (size > SIZE_MAX - sizeof(arena_block))
        arena_oom(size);
    arena_block *b = malloc(sizeof(arena_block) + size);
    if (!b)
        arena_oom(size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

void arena_init(arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 16384;
    a->total = 0;
}

void *arena_alloc(arena *a, size_t size)
{
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - ARENA_ALIGN)
        arena_oom(size);
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    arena_block *b = a->head;
    if (!b || b->size - b->used < rounded) {
        /* Large requests get their own block behind the current one, so the
         * current block's free space is not wasted. */
        if (rounded > a->block_size / 4 && b) {
            arena_block *big = block_new(rounded);
            big->used = rounded;
            big->next = b->next;
            b->next = big;
            a->total += rounded;
            return big->data;
        }
        b = block_new(rounded > a->block_size ? rounded : a->block_size);
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += rounded;
    a->total += rounded;
    return p;
}

void *arena_calloc(arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        arena_oom(SIZE_MAX);
    void *p = arena_alloc(a, n * size);
    memset(p, 0, n * size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

void *arena_memdup(arena *a, const void *p, size_t n)
{
    void *q = arena_alloc(a, n);
    if (n)
        memcpy(q, p, n);
    return q;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

size_t arena_block_count(const arena *a)
{
    size_t n = 0;
    for (const arena_block *b = a->head; b; b = b->next)
        n++;
    return n;
}

void arena_reset(arena *a)
{
    arena_block *keep = NULL;
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        if (!keep && b->size == a->block_size) {
            keep = b;
        } else {
            free(b);
        }
        b = next;
    }
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = keep;
    a->total = 0;
}

void arena_free(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

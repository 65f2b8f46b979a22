/* test_arena.c — unit tests of lib/arena. */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "suites.h"

START_TEST(allocations_are_aligned_and_distinct)
{
    arena a;
    arena_init(&a, 1024);
    char *p = arena_alloc(&a, 3);
    char *q = arena_alloc(&a, 5);
    ck_assert_ptr_ne(p, q);
    ck_assert_uint_eq((uintptr_t)q % _Alignof(max_align_t), 0);
    memset(p, 1, 3);
    memset(q, 2, 5);
    ck_assert_int_eq(p[2], 1);
    int *z = arena_calloc(&a, 10, sizeof(int));
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(z[i], 0);
    arena_free(&a);
}
END_TEST

START_TEST(strings)
{
    arena a;
    arena_init(&a, 64);
    ck_assert_str_eq(arena_strdup(&a, "hello"), "hello");
    ck_assert_str_eq(arena_strndup(&a, "hello", 2), "he");
    ck_assert_str_eq(arena_printf(&a, "%s-%d", "x", 5), "x-5");
    char big[300];
    memset(big, 'b', sizeof big - 1);
    big[299] = '\0';
    ck_assert_str_eq(arena_strdup(&a, big), big);
    arena_free(&a);
}
END_TEST

START_TEST(reset_reuses_one_block)
{
    arena a;
    arena_init(&a, 4096);
    for (int round = 0; round < 1000; round++) {
        for (int i = 0; i < 100; i++)
            arena_alloc(&a, 200);
        arena_alloc(&a, 100000);   /* a large one gets its own block */
        arena_reset(&a);
        ck_assert_uint_eq(a.total, 0);
        ck_assert_uint_eq(arena_block_count(&a), 1);
    }
    arena_free(&a);
    ck_assert_ptr_null(a.head);
}
END_TEST

Suite *suite_arena(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, allocations_are_aligned_and_distinct);
    tcase_add_test(tc, strings);
    tcase_add_test(tc, reset_reuses_one_block);
    suite_add_tcase(s, tc);
    return s;
}

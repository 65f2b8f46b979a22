/* test_pagecache.c — unit tests of lib/pagecache. */
#include <stdio.h>
#include <string.h>

#include "pagecache.h"
#include "suites.h"

START_TEST(hits_only_at_the_same_version)
{
    pagecache *c = pagecache_new(1 << 20);
    ck_assert_ptr_null(pagecache_get(c, "/album/1", 1));
    pagecache_put(c, "/album/1", 1, "text/html", "<p>one</p>", 10);
    const pagecache_entry *e = pagecache_get(c, "/album/1", 1);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->len, 10);
    ck_assert_int_eq(memcmp(e->body, "<p>one</p>", 10), 0);
    ck_assert_str_eq(e->content_type, "text/html");
    ck_assert(strncmp(e->etag, "W/\"1-", 5) == 0);
    ck_assert_ptr_null(pagecache_get(c, "/album/2", 1));
    ck_assert_ptr_null(pagecache_get(c, "/album/1?x", 1));
    /* A newer catalog drops the entry. */
    ck_assert_ptr_null(pagecache_get(c, "/album/1", 2));
    ck_assert_uint_eq(pagecache_count(c), 0);
    ck_assert_uint_eq(pagecache_bytes(c), 0);
    pagecache_free(c);
}
END_TEST

START_TEST(replacing_and_etags)
{
    pagecache *c = pagecache_new(1 << 20);
    pagecache_put(c, "/", 3, "text/html", "a", 1);
    char etag_a[64];
    snprintf(etag_a, sizeof etag_a, "%s", pagecache_get(c, "/", 3)->etag);
    pagecache_put(c, "/", 3, "text/html", "b", 1);
    const pagecache_entry *e = pagecache_get(c, "/", 3);
    ck_assert_int_eq(e->body[0], 'b');
    ck_assert_str_ne(e->etag, etag_a);
    ck_assert_uint_eq(pagecache_count(c), 1);
    pagecache_free(c);
}
END_TEST

START_TEST(memory_stays_bounded_lru_first)
{
    char page[1000], key[32];
    memset(page, 'x', sizeof page);
    pagecache *c = pagecache_new(20000);
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "/album/%d", i);
        pagecache_put(c, key, 1, "text/html", page, sizeof page);
        ck_assert_uint_le(pagecache_bytes(c), 20000);
        /* Keep /album/0 in use: it must survive the churn. */
        ck_assert_ptr_nonnull(pagecache_get(c, "/album/0", 1));
    }
    ck_assert_ptr_nonnull(pagecache_get(c, "/album/999", 1));
    ck_assert_ptr_null(pagecache_get(c, "/album/500", 1));
    /* Too big for a quarter of the cache: not kept. */
    char big[6000];
    memset(big, 'y', sizeof big);
    pagecache_put(c, "/big", 1, "text/html", big, sizeof big);
    ck_assert_ptr_null(pagecache_get(c, "/big", 1));
    pagecache_free(c);

    c = pagecache_new(0);
    pagecache_put(c, "/", 1, "text/html", "a", 1);
    ck_assert_ptr_null(pagecache_get(c, "/", 1));
    pagecache_free(c);
}
END_TEST

Suite *suite_pagecache(void)
{
    Suite *s = suite_create("pagecache");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, hits_only_at_the_same_version);
    tcase_add_test(tc, replacing_and_etags);
    tcase_add_test(tc, memory_stays_bounded_lru_first);
    suite_add_tcase(s, tc);
    return s;
}

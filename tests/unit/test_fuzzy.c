/* test_fuzzy.c — folding and bounded edit distance. */
#include "suites.h"

#include "fuzzy.h"

static void check_fold(const char *in, const char *want)
{
    arena a;
    arena_init(&a, 256);
    const char *got = fuzzy_fold(&a, in);
    ck_assert_msg(strcmp(got, want) == 0, "fold(%s) = \"%s\", want \"%s\"", in, got, want);
    arena_free(&a);
}

START_TEST(fold_case_accents)
{
    check_fold("Beyonc\xc3\xa9 & The B\xc3\xa4ndits!", "beyonce the bandits");
    check_fold("BJ\xc3\x96RK", "bjork");
    check_fold("Sigur R\xc3\xb3s", "sigur ros");
    check_fold("Dvo\xc5\x99\xc3\xa1k", "dvorak");
    check_fold("\xc5\x81\xc3\xb3\xc4\x91\xc5\xba", "lodz");
    check_fold("Stra\xc3\x9f" "e \xc3\x86sop \xc5\x92uvre \xc3\x9eorn", "strasse aesop oeuvre thorn");
    check_fold("Cafe\xcc\x81", "cafe");                    /* combining acute */
    check_fold("M\xc3\xb6tley Cr\xc3\xbc" "e", "motley crue");
}
END_TEST

START_TEST(fold_separators)
{
    check_fold("  Rock 'n' Roll --  Heart  ", "rock n roll heart");
    check_fold("\xc2\xbfQui\xc3\xa9n Sabe?", "quien sabe");
    check_fold("a\xe2\x80\x94" "b\xc2\xa0" "c", "a b c");  /* em dash, no-break space */
    check_fold("", "");
    check_fold("!!!", "");
    check_fold(NULL, "");
    check_fold("AC/DC 2\xc3\x97" "3", "ac dc 2 3");
}
END_TEST

START_TEST(fold_other_scripts_and_bad_bytes)
{
    check_fold("\xe6\x9d\xb1\xe4\xba\xac Tokyo", "\xe6\x9d\xb1\xe4\xba\xac tokyo");
    check_fold("\xd0\x9c\xd1\x83\xd0\xb7\xd1\x8b\xd0\xba\xd0\xb0", "\xd0\x9c\xd1\x83\xd0\xb7\xd1\x8b\xd0\xba\xd0\xb0");
    check_fold("ab\xff" "cd", "ab cd");
    check_fold("ab\xc3", "ab");                             /* truncated sequence */
    check_fold("x\xc0\xaf" "y", "x y");                     /* overlong '/' */
    check_fold("x\xed\xa0\x80" "y", "x y");                 /* surrogate */
}
END_TEST

START_TEST(distance)
{
    ck_assert_int_eq(fuzzy_distance("beatles", "beatles", 2), 0);
    ck_assert_int_eq(fuzzy_distance("beatels", "beatles", 2), 2);
    ck_assert_int_eq(fuzzy_distance("nirvna", "nirvana", 2), 1);
    ck_assert_int_eq(fuzzy_distance("kitten", "sitting", 3), 3);
    ck_assert_int_eq(fuzzy_distance("kitten", "sitting", 2), 3);
    ck_assert_int_eq(fuzzy_distance("abc", "abcdefgh", 2), 3);
    ck_assert_int_eq(fuzzy_distance("", "ab", 2), 2);
    ck_assert_int_eq(fuzzy_distance("", "", 0), 0);
    ck_assert_int_eq(fuzzy_distance("abc", "xyz", 1), 2);
    ck_assert_int_eq(fuzzy_distance("abc", "abd", -1), 0);
    ck_assert_int_eq(fuzzy_distance("owl", "own", 1), 1);
}
END_TEST

Suite *suite_fuzzy(void)
{
    Suite *s = suite_create("fuzzy");
    TCase *tc = tcase_create("fuzzy");
    tcase_add_test(tc, fold_case_accents);
    tcase_add_test(tc, fold_separators);
    tcase_add_test(tc, fold_other_scripts_and_bad_bytes);
    tcase_add_test(tc, distance);
    suite_add_tcase(s, tc);
    return s;
}

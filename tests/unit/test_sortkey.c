/* test_sortkey.c — unit tests of lib/sortkey. */
#include "sortkey.h"
#include "suites.h"

START_TEST(sort_names_drop_articles)
{
    ck_assert_str_eq(sortkey_name("The Velvet Lanterns"), "Velvet Lanterns");
    ck_assert_str_eq(sortkey_name("the band"), "band");
    ck_assert_str_eq(sortkey_name("A Flock of Herons"), "Flock of Herons");
    ck_assert_str_eq(sortkey_name("The"), "The");
    ck_assert_str_eq(sortkey_name("The "), "The ");
    ck_assert_str_eq(sortkey_name("Theodora"), "Theodora");
    ck_assert_str_eq(sortkey_name("ABBA"), "ABBA");
}
END_TEST

START_TEST(letters_fold_accents)
{
    ck_assert_int_eq(sortkey_letter("velvet"), 'V');
    ck_assert_int_eq(sortkey_letter("\xC3\x96ldu Dr\xC3\xAD" "fa"), 'O');   /* Öldu */
    ck_assert_int_eq(sortkey_letter("\xC3\x89tude"), 'E');                  /* Étude */
    ck_assert_int_eq(sortkey_letter("\xC5\xBDivot"), 'Z');                  /* Život */
    ck_assert_int_eq(sortkey_letter("1000 Owls"), '#');
    ck_assert_int_eq(sortkey_letter("\xC3\x97"), '#');                      /* × */
    ck_assert_int_eq(sortkey_letter("\xE3\x81\x82"), '#');                  /* あ */
    ck_assert_int_eq(sortkey_letter(""), '#');
}
END_TEST

Suite *suite_sortkey(void)
{
    Suite *s = suite_create("sortkey");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sort_names_drop_articles);
    tcase_add_test(tc, letters_fold_accents);
    suite_add_tcase(s, tc);
    return s;
}

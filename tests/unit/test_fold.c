/* test_fold.c: F(), N() and the spec's white space (spec/inputs.md, "Folding text"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fold.h"

/* F(s) of a NUL-terminated s must be want, and the return its length. */
static void check_F(const char *s, const char *want)
{
    char out[256];
    size_t n = fold_F(s, strlen(s), out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void check_N(const char *s, const char *want)
{
    char out[256];
    size_t n = fold_N(s, strlen(s), out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_spec_header_names(void **state)
{
    (void)state;
    check_F("Date début contrat", "datedebutcontrat");
    check_F("DATE_DEBUT_CONTRAT", "datedebutcontrat");
    check_F("datedebutcontrat", "datedebutcontrat");
    check_F("N° contrat", "ncontrat");
    check_F("n° contrat", "ncontrat");
    check_F("Nombre de salariés", "nombredesalaries");
    check_F("code diplôme", "codediplome");
    check_F("réunion CFA/OF", "reunioncfaof");
    check_F("Opco-EP", "opcoep");
    check_F("opco des entreprises de proximité", "opcodesentreprisesdeproximite");
}

static void test_spec_letters(void **state)
{
    (void)state;
    check_F("Œuvre", "oeuvre");
    check_F("cœur", "coeur");
    check_F("Straße", "strasse");
    check_F("Þór", "thor");
    check_F("Łódź", "lodz");
    check_F("Đ", "d");
    check_F("đ", "d");
    check_F("ð", "d");
    check_F("Ð", "d");
    check_F("1ºª", "1oa");
    check_F("Æsir", "aesir");
    check_F("Ĳssel", "ijssel");
    check_F("Ça", "ca");
    check_F("Søren", "soren");
    check_F("Ÿ", "y");
    check_F("ſ", "s");
}

/* Every entry of the table, row by row (expected strings written by hand). */
static void test_whole_table(void **state)
{
    (void)state;
    check_F("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏ", "aaaaaaaeceeeeiiii");
    check_F("ÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß", "dnoooooouuuuythss");
    check_F("àáâãäåæçèéêëìíîï", "aaaaaaaeceeeeiiii");
    check_F("ðñòóôõö÷øùúûüýþÿ", "dnoooooouuuuythy");
    check_F("ĀāĂăĄąĆćĈĉĊċČčĎď", "aaaaaaccccccccdd");
    check_F("ĐđĒēĔĕĖėĘęĚěĜĝĞğ", "ddeeeeeeeeeegggg");
    check_F("ĠġĢģĤĥĦħĨĩĪīĬĭĮį", "gggghhhhiiiiiiii");
    check_F("İıĲĳĴĵĶķĸĹĺĻļĽľĿ", "iiijijjjkkklllllll");
    check_F("ŀŁłŃńŅņŇňŉŊŋŌōŎŏ", "lllnnnnnnnngngoooo");
    check_F("ŐőŒœŔŕŖŗŘřŚśŜŝŞş", "oooeoerrrrrrssssss");
    check_F("ŠšŢţŤťŦŧŨũŪūŬŭŮů", "ssttttttuuuuuuuu");
    check_F("ŰűŲųŴŵŶŷŸŹźŻżŽžſ", "uuuuwwyyyzzzzzzs");
    /* U+00A0-U+00BF: only ª and º are letters the spec folds. */
    check_F("\xC2\xA0¡¢£¤¥¦§¨©ª«¬\xC2\xAD®¯°±²³´µ¶·¸¹º»¼½¾¿", "ao");
}

static void test_non_letters_deleted(void **state)
{
    (void)state;
    check_F("3×4÷2", "342");
    check_F("m²", "m");
    check_F("5µm", "5m");
    check_F("a-b_c.d/e'f\"g h\ti\r\nj", "abcdefghij");
    check_F("!#$%&()*+,:;<=>?@[\\]^`{|}~", "");
    check_F("Ωmega", "mega");             /* Greek: outside the table */
    check_F("日本x", "x");                /* CJK */
    check_F("a😀b", "ab");                 /* 4-byte sequence */
    check_F("e\xCC\x81t\xC3\xA9", "ete"); /* decomposed é: the combining accent goes */
    check_F("\xC6\x80", "");              /* U+0180, just past Latin Extended-A */
    check_F("\xC2\x9F", "");              /* C1 control U+009F */
    check_F("", "");
}

static void test_invalid_utf8_deleted(void **state)
{
    (void)state;
    check_F("a\xFF"
            "b",
            "ab");
    check_F("\xE9t\xE9", "t"); /* Latin-1 é bytes */
    check_F("\xC3", "");       /* truncated at the end */
    check_F("\xC3z", "z");
    check_F("\x80\x80ok", "ok");       /* stray continuation bytes */
    check_F("\xC0\xAFx", "x");         /* overlong '/' */
    check_F("\xC1\xA9", "");           /* overlong form */
    check_F("\xE0\x80\xAFy", "y");     /* overlong 3-byte */
    check_F("\xE0\x83\xA9", "");       /* overlong é: not a letter */
    check_F("\xF0\x80\x83\xA9", "");   /* overlong é, 4 bytes */
    check_F("\xED\xA0\x80z", "z");     /* UTF-16 surrogate */
    check_F("\xF4\x90\x80\x80w", "w"); /* above U+10FFFF */
    check_F("\xE2\x80", "");           /* truncated 3-byte */
    check_F("\xF0\x9F\x98", "");       /* truncated 4-byte */
    check_F("\xC3\xC3\xA9", "e");      /* bad lead, then a good é */
}

static void test_length_not_nul(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(fold_F("abc", 2, out, sizeof out), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(fold_F("a\0b", 3, out, sizeof out), 2);
    assert_string_equal(out, "ab");
    /* A sequence cut by len is invalid: only its bytes inside len count. */
    assert_int_equal(fold_F("x\xC3\xA9", 2, out, sizeof out), 1);
    assert_string_equal(out, "x");
}

static void test_truncation(void **state)
{
    (void)state;
    char out[16];
    memset(out, 'Z', sizeof out);
    assert_int_equal(fold_F("Straße", strlen("Straße"), out, 4), 7);
    assert_string_equal(out, "str");
    assert_int_equal(fold_F("Straße", strlen("Straße"), out, 6), 7);
    assert_string_equal(out, "stras"); /* cut inside the "ss" of ß */
    assert_int_equal(fold_F("Straße", strlen("Straße"), out, 7), 7);
    assert_string_equal(out, "strass");
    assert_int_equal(fold_F("Straße", strlen("Straße"), out, 8), 7);
    assert_string_equal(out, "strasse");
    assert_int_equal(fold_F("Straße", strlen("Straße"), out, 1), 7);
    assert_string_equal(out, "");
    out[0] = 'Q';
    assert_int_equal(fold_F("Straße", strlen("Straße"), out, 0), 7);
    assert_int_equal(out[0], 'Q'); /* cap 0: nothing written */
    assert_int_equal(fold_F("Straße", strlen("Straße"), NULL, 0), 7);
    assert_int_equal(fold_N("Œuvre", strlen("Œuvre"), out, 3), 6);
    assert_string_equal(out, "OE");
}

static void test_N(void **state)
{
    (void)state;
    check_N("Hélène-Marie", "HELENEMARIE");
    check_N("HELENE MARIE", "HELENEMARIE");
    check_N("helene\xC2\xA0marie", "HELENEMARIE");
    check_N("Œuvre", "OEUVRE");
    check_N("Straße", "STRASSE");
    check_N("Þór", "THOR");
    check_N("æ1ĳ", "AE1IJ");
    check_N("àáâãäåæçèéêëìíîï", "AAAAAAAECEEEEIIII");
    check_N("x1y", "X1Y");
    check_N("1ºª", "1OA");
    check_N("O'Brien-Ñúñez", "OBRIENNUNEZ");
    check_N("", "");
}

/* fold_is_space on s (NUL-terminated, n = strlen) must give want and wantlen. */
static void check_space(const char *s, int want, size_t wantlen)
{
    size_t l = 99;
    assert_int_equal(fold_is_space(s, strlen(s), &l), want);
    assert_int_equal(l, wantlen);
}

static void test_is_space(void **state)
{
    (void)state;
    check_space(" x", 1, 1);
    check_space("\tx", 1, 1);
    check_space("\xC2\xA0x", 1, 2);     /* NBSP */
    check_space("\xE2\x80\xAFx", 1, 3); /* NARROW NBSP */
    check_space("\xE2\x80\x82", 0, 0);  /* EN SPACE: not spec white space */
    check_space("\xE3\x80\x80", 0, 0);  /* IDEOGRAPHIC SPACE */
    check_space("\n", 0, 0);
    check_space("\r", 0, 0);
    check_space("\v", 0, 0);
    check_space("a", 0, 0);
    check_space("\xC3\xA0", 0, 0); /* à */
    check_space("", 0, 0);

    size_t l = 99;
    assert_int_equal(fold_is_space("\xC2\xA0", 1, &l), 0); /* cut sequence */
    assert_int_equal(fold_is_space("\xE2\x80\xAF", 2, &l), 0);
    assert_int_equal(fold_is_space(" ", 1, NULL), 1);
}

/* fold_trim of s must leave exactly want. */
static void check_trim(const char *s, const char *want)
{
    size_t len = strlen(s);
    const char *p = fold_trim(s, &len);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(p, want, len);
    assert_true(p >= s && p + len <= s + strlen(s));
}

static void test_trim(void **state)
{
    (void)state;
    check_trim("  abc\t", "abc");
    check_trim("\xC2\xA0"
               "abc\xE2\x80\xAF",
               "abc");
    check_trim("abc\xC2\xA0\xC2\xA0 \t", "abc");
    check_trim("\xE2\x80\xAF \t\xC2\xA0", "");
    check_trim("a b\xC2\xA0"
               "c",
               "a b\xC2\xA0"
               "c");
    check_trim("voilà", "voilà"); /* à ends in A0 but is not NBSP */
    check_trim("  voilà  ", "voilà");
    check_trim("\n abc \r", "\n abc \r"); /* CR and LF are not spec white space */
    check_trim("\xE2\x80\x82x\xE2\x80\x82", "\xE2\x80\x82x\xE2\x80\x82");
    check_trim("", "");
    check_trim(" ", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_header_names),
        cmocka_unit_test(test_spec_letters),
        cmocka_unit_test(test_whole_table),
        cmocka_unit_test(test_non_letters_deleted),
        cmocka_unit_test(test_invalid_utf8_deleted),
        cmocka_unit_test(test_length_not_nul),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_N),
        cmocka_unit_test(test_is_space),
        cmocka_unit_test(test_trim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_utf8.c: strict UTF-8 (utf8.h) at its boundaries: the first and last code point of each
 * sequence length, the overlong forms, the surrogates, U+10FFFF and what lies above it, sequences
 * cut short, and a stream validated across chunk cuts. The byte spellings are those of RFC 3629's
 * table (and Markus Kuhn's UTF-8 decoder stress test), written out here by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "utf8.h"

/* A sequence and the code point it spells, or want 0xFFFFFFFF when it spells none. */
struct seq {
    const char *bytes;
    size_t n;
    uint32_t cp;
};

#define INVALID 0xFFFFFFFFu

static const struct seq seqs[] = {
    {"\x00", 1, 0x0},
    {"\x7F", 1, 0x7F},
    {"\xC2\x80", 2, 0x80},
    {"\xDF\xBF", 2, 0x7FF},
    {"\xE0\xA0\x80", 3, 0x800},
    {"\xED\x9F\xBF", 3, 0xD7FF},
    {"\xEE\x80\x80", 3, 0xE000},
    {"\xEF\xBF\xBD", 3, 0xFFFD},
    {"\xEF\xBF\xBF", 3, 0xFFFF},
    {"\xF0\x90\x80\x80", 4, 0x10000},
    {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF},
    {"\xC3\xA9", 2, 0xE9}, /* é */
    /* overlong forms */
    {"\xC0\x80", 2, INVALID},
    {"\xC1\xBF", 2, INVALID},
    {"\xE0\x9F\xBF", 3, INVALID},
    {"\xF0\x8F\xBF\xBF", 4, INVALID},
    /* surrogates */
    {"\xED\xA0\x80", 3, INVALID},
    {"\xED\xBF\xBF", 3, INVALID},
    /* above U+10FFFF, and lead bytes that never start a sequence */
    {"\xF4\x90\x80\x80", 4, INVALID},
    {"\xF5\x80\x80\x80", 4, INVALID},
    {"\xFF", 1, INVALID},
    /* a lone continuation byte, a bad continuation byte */
    {"\x80", 1, INVALID},
    {"\xBF", 1, INVALID},
    {"\xC3\x28", 2, INVALID},
    {"\xE2\x82\x28", 3, INVALID},
    {"\xF0\x90\x28\xBC", 4, INVALID},
    {"\xF0\x90\x80\x28", 4, INVALID},
};

static void test_decode(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        const struct seq *s = &seqs[i];
        uint32_t cp = 0x12345;
        size_t k = utf8_decode((const unsigned char *)s->bytes, s->n, &cp);
        if (s->cp == INVALID) {
            assert_int_equal(k, 0);
        } else {
            assert_int_equal(k, s->n);
            assert_int_equal(cp, s->cp);
        }
    }
}

/* Every valid sequence cut short by n is no sequence. */
static void test_decode_cut_short(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        uint32_t cp;
        if (seqs[i].cp == INVALID)
            continue;
        for (size_t n = 1; n < seqs[i].n; n++)
            assert_int_equal(utf8_decode((const unsigned char *)seqs[i].bytes, n, &cp), 0);
    }
}

static void test_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++)
        assert_int_equal(utf8_valid(seqs[i].bytes, seqs[i].n), seqs[i].cp != INVALID);
    assert_true(utf8_valid("", 0));
    assert_true(utf8_valid("Hélène-Marie Œuvre", strlen("Hélène-Marie Œuvre")));
    assert_false(utf8_valid("H\xE9l\xE8ne", 7)); /* Windows-1252 */
    assert_false(utf8_valid("ab\xC3", 3));       /* ends inside a sequence */
}

/* A text fed in two chunks, cut at every byte, is judged as when fed whole. */
static void test_check_across_chunks(void **state)
{
    (void)state;
    static const char *const texts[] = {"a\xC3\xA9z\xE2\x80\xAF\xF0\x9F\x98\x80.",
                                        "a\xC3\xA9z\xED\xA0\x80", "x\xF0\x9F\x98", "\xE0\xA0\x80"};
    static const int ok[] = {1, 0, 0, 1};
    for (size_t t = 0; t < 4; t++) {
        size_t n = strlen(texts[t]);
        for (size_t cut = 0; cut <= n; cut++) {
            utf8_check v = UTF8_CHECK_INIT;
            utf8_check_feed(&v, (const unsigned char *)texts[t], cut);
            utf8_check_feed(&v, (const unsigned char *)texts[t] + cut, n - cut);
            assert_int_equal(utf8_check_ok(&v), ok[t]);
        }
    }
}

/* The ASCII fast path reads eight bytes at a time: a bad byte at any place of a long run is seen.
 */
static void test_check_long_ascii(void **state)
{
    (void)state;
    char buf[40];
    for (size_t at = 0; at < sizeof buf; at++) {
        memset(buf, 'a', sizeof buf);
        buf[at] = (char)0x80;
        assert_false(utf8_valid(buf, sizeof buf));
    }
    memset(buf, 'a', sizeof buf);
    assert_true(utf8_valid(buf, sizeof buf));
}

static void test_chars(void **state)
{
    (void)state;
    assert_int_equal(utf8_chars(""), 0);
    assert_int_equal(utf8_chars("abc"), 3);
    assert_int_equal(utf8_chars("é"), 1);
    assert_int_equal(utf8_chars("Réunions €"), 10);
    assert_int_equal(utf8_chars("\xF0\x9F\x98\x80"), 1);
    assert_int_equal(utf8_chars("ab\xC0\x80"), -1);
    assert_int_equal(utf8_chars("ab\xED\xA0\x80"), -1);
    assert_int_equal(utf8_chars("ab\xC3"), -1);
}

static void test_prefix(void **state)
{
    (void)state;
    assert_int_equal(utf8_prefix("Réunions", 0), 0);
    assert_int_equal(utf8_prefix("Réunions", 1), 1);
    assert_int_equal(utf8_prefix("Réunions", 2), 3); /* R and the two bytes of é */
    assert_int_equal(utf8_prefix("Réunions", 8), 9);
    assert_int_equal(utf8_prefix("Réunions", 100), 9);
    assert_int_equal(utf8_prefix("\xF0\x9F\x98\x80x", 1), 4);
}

static void test_encode(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        char out[4];
        if (seqs[i].cp == INVALID)
            continue;
        assert_int_equal(utf8_encode(seqs[i].cp, out), seqs[i].n);
        assert_memory_equal(out, seqs[i].bytes, seqs[i].n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_decode_cut_short),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_check_across_chunks),
        cmocka_unit_test(test_check_long_ascii),
        cmocka_unit_test(test_chars),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_encode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

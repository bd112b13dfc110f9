/* test_csvnum.c: the numbers of the CSV reports (csvnum.h). csvnum_value must give strtod's
 * double bit for bit, csvnum_width the length printf gives for the column's format (the
 * definition the workbook's column widths follow), on hand-picked shapes and on many generated
 * values of every shape the CSV conventions allow. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvnum.h"

/* The characters v takes shown with f, by printf (thousands separators counted for counts). */
static size_t printf_width(const char *v, enum oschema_format f)
{
    char b[128];
    double x = strtod(v, NULL);
    int n;
    switch (f) {
    case OSCHEMA_PCT:
    case OSCHEMA_DECIMAL1:
        return (size_t)snprintf(b, sizeof b, "%.1f", x);
    case OSCHEMA_MONTH:
        return (size_t)snprintf(b, sizeof b, "%02.0f", x);
    case OSCHEMA_COUNT:
    case OSCHEMA_DAYS:
        n = snprintf(b, sizeof b, "%.0f", x);
        return (size_t)n + (size_t)(n - (b[0] == '-') - 1) / 3;
    default:
        return (size_t)snprintf(b, sizeof b, "%.0f", x);
    }
}

static void same_value(const char *v)
{
    double a = csvnum_value(v), b = strtod(v, NULL);
    if (memcmp(&a, &b, sizeof a)) {
        print_error("%s: csvnum_value %.17g, strtod %.17g\n", v, a, b);
        fail();
    }
}

static void test_ok(void **state)
{
    (void)state;
    assert_true(csvnum_ok("0", OSCHEMA_COUNT));
    assert_true(csvnum_ok("-12", OSCHEMA_COUNT));
    assert_true(csvnum_ok("01", OSCHEMA_MONTH));
    assert_true(csvnum_ok("2024", OSCHEMA_YEAR));
    assert_true(csvnum_ok("41.3", OSCHEMA_PCT));
    assert_true(csvnum_ok("-0.5", OSCHEMA_DECIMAL1));
    assert_true(csvnum_ok("12.5", OSCHEMA_DAYS));
    assert_true(csvnum_ok("123456789012345678901234", OSCHEMA_COUNT)); /* 24 characters */
    assert_false(csvnum_ok("1234567890123456789012345", OSCHEMA_COUNT));
    assert_false(csvnum_ok("41.3", OSCHEMA_COUNT)); /* a count has no decimals */
    assert_false(csvnum_ok("41.3", OSCHEMA_YEAR));
    assert_false(csvnum_ok("", OSCHEMA_COUNT));
    assert_false(csvnum_ok("-", OSCHEMA_COUNT));
    assert_false(csvnum_ok("s", OSCHEMA_COUNT));
    assert_false(csvnum_ok("1.", OSCHEMA_PCT));
    assert_false(csvnum_ok(".5", OSCHEMA_PCT));
    assert_false(csvnum_ok("+5", OSCHEMA_COUNT));
    assert_false(csvnum_ok("1e3", OSCHEMA_COUNT));
    assert_false(csvnum_ok("1 000", OSCHEMA_COUNT));
    assert_false(csvnum_ok("1,5", OSCHEMA_PCT));
}

static void test_value_shapes(void **state)
{
    static const char *const v[] = {
        "0", "-0", "-0.0", "7", "10", "2024", "01", "0007", "41.3", "-41.3", "0.1", "0.3", "99.95",
        "1.0000000000001", "999999999999999", "-999999999999999", "99999999999999.9",
        "12345678901234.5", "1234567890123.45", "0.00000000000001",
        /* 16 digits and more: strtod itself */
        "9007199254740993", "1234567890123456", "123456789012345.6", "0.000000000000001",
        "99999999999999999999", "123456789012345678901234"};
    (void)state;
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        same_value(v[i]);
}

static void test_width_shapes(void **state)
{
    static const struct {
        const char *v;
        enum oschema_format f;
        size_t w;
    } c[] = {{"2024", OSCHEMA_YEAR, 4},   {"01", OSCHEMA_MONTH, 2},      {"1", OSCHEMA_MONTH, 2},
             {"0", OSCHEMA_MONTH, 2},     {"00", OSCHEMA_MONTH, 2},      {"012", OSCHEMA_MONTH, 2},
             {"123", OSCHEMA_MONTH, 3},   {"999", OSCHEMA_COUNT, 3},     {"1000", OSCHEMA_COUNT, 5},
             {"-1000", OSCHEMA_COUNT, 6}, {"1234567", OSCHEMA_COUNT, 9}, {"41.3", OSCHEMA_PCT, 4},
             {"41.25", OSCHEMA_PCT, 4},   {"7", OSCHEMA_PCT, 3},         {"-0.04", OSCHEMA_PCT, 4},
             {"12.5", OSCHEMA_DAYS, 2},   {"1234.6", OSCHEMA_DAYS, 5},   {"007", OSCHEMA_COUNT, 1}};
    (void)state;
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        assert_true(csvnum_ok(c[i].v, c[i].f));
        if (csvnum_width(c[i].v, c[i].f) != c[i].w) {
            print_error("%s (format %d): width %zu, expected %zu\n", c[i].v, (int)c[i].f,
                        csvnum_width(c[i].v, c[i].f), c[i].w);
            fail();
        }
        assert_int_equal(printf_width(c[i].v, c[i].f), c[i].w);
    }
}

/* A generated number: a sign at times, 1 to 15 digits in all (a leading zero at times), and
 * for the formats with decimals, at times a "." and 1 to 4 of them. */
static void gen(uint64_t *seed, enum oschema_format f, char *b)
{
    size_t n = 0, digits, dec = 0;
#define NEXT() (*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL, *seed >> 33)
    if (NEXT() % 5 == 0)
        b[n++] = '-';
    if ((f == OSCHEMA_PCT || f == OSCHEMA_DECIMAL1 || f == OSCHEMA_DAYS) && NEXT() % 3)
        dec = 1 + NEXT() % 4;
    digits = dec + 1 + NEXT() % (15 - dec);
    for (size_t i = 0; i < digits - dec; i++)
        b[n++] = (char)('0' + (i == 0 && NEXT() % 4 ? 1 + NEXT() % 9 : NEXT() % 10));
    if (dec) {
        b[n++] = '.';
        for (size_t i = 0; i < dec; i++)
            b[n++] = (char)('0' + NEXT() % 10);
    }
    b[n] = '\0';
#undef NEXT
}

static void test_generated(void **state)
{
    uint64_t seed = 20250115;
    char v[32];
    (void)state;
    for (int f = OSCHEMA_YEAR; f < OSCHEMA_NFORMATS; f++)
        for (int i = 0; i < 200000; i++) {
            gen(&seed, (enum oschema_format)f, v);
            assert_true(csvnum_ok(v, (enum oschema_format)f));
            same_value(v);
            if (csvnum_width(v, (enum oschema_format)f) !=
                printf_width(v, (enum oschema_format)f)) {
                print_error("%s (format %d): width %zu, printf %zu\n", v, f,
                            csvnum_width(v, (enum oschema_format)f),
                            printf_width(v, (enum oschema_format)f));
                fail();
            }
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok),
        cmocka_unit_test(test_value_shapes),
        cmocka_unit_test(test_width_shapes),
        cmocka_unit_test(test_generated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

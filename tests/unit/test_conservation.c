/* test_conservation.c: the checks of the quality stage (conservation.h): rows read = accepted +
 * rejected per file, accepted contract rows = kept + replaced + excluded, and max_reject_rate
 * (spec/indicators.md "Data quality", spec/outputs.md "Exit codes"). Every expected answer was
 * worked out by hand; the arithmetic is in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>

#include "conservation.h"

static facts_input file(unsigned long read, unsigned long accepted, unsigned long rejected)
{
    facts_input f = {0};
    f.read = read;
    f.accepted = accepted;
    f.rejected = rejected;
    return f;
}

static void test_rows(void **state)
{
    (void)state;
    facts_input f;
    f = file(20, 18, 2); /* 18 + 2 = 20 */
    assert_true(conservation_rows_hold(&f));
    f = file(0, 0, 0);
    assert_true(conservation_rows_hold(&f));
    f = file(20, 17, 2); /* 19 */
    assert_false(conservation_rows_hold(&f));
    f = file(20, 18, 3); /* 21 */
    assert_false(conservation_rows_hold(&f));
    f = file(20, 21, 0); /* more accepted than read */
    assert_false(conservation_rows_hold(&f));
    /* ULONG_MAX + 2 wraps around to 1 in unsigned long: a sum that wraps must not hold */
    f = file(1, ULONG_MAX, 2);
    assert_false(conservation_rows_hold(&f));
}

static void test_versions(void **state)
{
    (void)state;
    facts_input c[2] = {file(12, 10, 2), file(8, 8, 0)}; /* 10 + 8 = 18 accepted */
    facts_merge_total mt = {0};
    unsigned long acc = 0;
    /* 13 kept + 3 replaced + 1 cancelled + 0 broken before the start + 1 other dispositif = 18 */
    mt.kept = 13, mt.replaced = 3, mt.cancelled = 1, mt.rupture_before = 0, mt.dispositif = 1;
    assert_true(conservation_versions_hold(c, 2, &mt, &acc));
    assert_int_equal(acc, 18);
    mt.kept = 14; /* 19 */
    assert_false(conservation_versions_hold(c, 2, &mt, &acc));
    mt.kept = 12; /* 17 */
    assert_false(conservation_versions_hold(c, 2, &mt, &acc));
    mt.kept = 13, mt.rupture_before = 1; /* each kind counts: 19 */
    assert_false(conservation_versions_hold(c, 2, &mt, &acc));
    /* the first file alone: 10 accepted against 18 */
    mt.rupture_before = 0;
    assert_false(conservation_versions_hold(c, 1, &mt, &acc));
    assert_int_equal(acc, 10);
    /* kept ULONG_MAX and 19 replaced wrap around to 18 in unsigned long: no */
    mt = (facts_merge_total){0};
    mt.kept = ULONG_MAX, mt.replaced = 19;
    assert_false(conservation_versions_hold(c, 2, &mt, &acc));
    /* no contract file, nothing kept */
    mt = (facts_merge_total){0};
    assert_true(conservation_versions_hold(c, 0, &mt, &acc));
    assert_int_equal(acc, 0);
    /* accepted rows that do not fit in an unsigned long */
    facts_input big[2] = {file(ULONG_MAX, ULONG_MAX, 0), file(1, 1, 0)};
    assert_false(conservation_versions_hold(big, 2, &mt, &acc));
    assert_true(acc == ULONG_MAX);
}

static void test_rate_parse(void **state)
{
    (void)state;
    conservation_rate r;
    assert_int_equal(conservation_rate_parse("0.10", &r), 0);
    assert_true(r.nano == 100000000u && r.value == 0.1);
    assert_int_equal(conservation_rate_parse("0.29", &r), 0);
    assert_true(r.nano == 290000000u);
    assert_int_equal(conservation_rate_parse("1", &r), 0);
    assert_true(r.nano == 1000000000u);
    assert_int_equal(conservation_rate_parse("0", &r), 0);
    assert_true(r.nano == 0);
    assert_int_equal(conservation_rate_parse(".5", &r), 0);
    assert_true(r.nano == 500000000u);
    assert_int_equal(conservation_rate_parse("1e-05", &r), 0); /* as %g writes 0.00001 */
    assert_true(r.nano == 10000u);
    /* 0.000065 x 10^9 = 65000; in binary floating point the product is 64999.99999999999, which
     * only rounding to the nearest integer turns back into 65000 */
    assert_int_equal(conservation_rate_parse("0.000065", &r), 0);
    assert_true(r.nano == 65000u);
    assert_int_equal(conservation_rate_parse("0.123456789", &r), 0);
    assert_true(r.nano == 123456789u);
    assert_int_equal(conservation_rate_parse("0.1234567894", &r), 0); /* ten decimals: rounded */
    assert_true(r.nano == 123456789u);
    assert_int_equal(conservation_rate_parse("1.5", &r), -1);
    assert_int_equal(conservation_rate_parse("-0.1", &r), -1);
    assert_int_equal(conservation_rate_parse("nan", &r), -1);
    assert_int_equal(conservation_rate_parse("inf", &r), -1);
    assert_int_equal(conservation_rate_parse("", &r), -1);
    assert_int_equal(conservation_rate_parse("0.1x", &r), -1);
    assert_int_equal(conservation_rate_parse("10%", &r), -1);
}

/* 1 when read rows with rejected rejects break the limit text. */
static int exceeded(const char *text, unsigned long read, unsigned long rejected)
{
    conservation_rate r;
    facts_input f = file(read, read >= rejected ? read - rejected : 0, rejected);
    assert_int_equal(conservation_rate_parse(text, &r), 0);
    return conservation_rate_exceeded(&r, &f);
}

static void test_rate(void **state)
{
    (void)state;
    /* 0.10 x 20 = 2: 2 rejects are allowed (not more than), 3 are not */
    assert_false(exceeded("0.10", 20, 2));
    assert_true(exceeded("0.10", 20, 3));
    /* 0.10 x 30 = 3 */
    assert_false(exceeded("0.10", 30, 3));
    assert_true(exceeded("0.10", 30, 4));
    /* 19 rows: never checked, even all rejected; 20 rows are */
    assert_false(exceeded("0.10", 19, 19));
    assert_true(exceeded("0.10", 20, 20));
    /* 0.29 x 100 = 29: 29 rejects meet the limit (a double product, 28.999999999999996, did not) */
    assert_false(exceeded("0.29", 100, 29));
    assert_true(exceeded("0.29", 100, 30));
    /* 0.07 x 100 = 7 (the double product is 7.000000000000001) */
    assert_false(exceeded("0.07", 100, 7));
    assert_true(exceeded("0.07", 100, 8));
    /* 0: any reject fails a file of 20 rows or more */
    assert_false(exceeded("0", 20, 0));
    assert_true(exceeded("0", 20, 1));
    /* 1: never, unless more rejects than rows (a count that conservation refuses anyway) */
    assert_false(exceeded("1", 20, 20));
    assert_true(exceeded("1", 20, 21));
    /* the largest counts: ULONG_MAX x 10^9 needs more than 64 bits */
    assert_false(exceeded("1", ULONG_MAX, ULONG_MAX));
    assert_true(exceeded("0.5", ULONG_MAX, ULONG_MAX / 2 + 1)); /* 0.5 x (2^64 - 1) = 2^63 - 0.5 */
    assert_false(exceeded("0.5", ULONG_MAX, ULONG_MAX / 2));    /* 2^63 - 1 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_rate_parse),
        cmocka_unit_test(test_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

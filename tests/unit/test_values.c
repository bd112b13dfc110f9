/* test_values.c: typed values of spec/inputs.md, months and rounding of spec/indicators.md.
 * Every expected value below was worked out by hand; the arithmetic is in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "values.h"

/* ---- helpers ----------------------------------------------------------- */

static const char *fmt(date_t d)
{
    static char buf[11];
    date_format(d, buf);
    return buf;
}

/* val_date(s) must accept s as the date want (YYYY-MM-DD). */
static void date_ok(const char *s, const char *want)
{
    date_t d = DATE_NONE;
    if (val_date(s, strlen(s), &d) != 0)
        fail_msg("val_date rejected \"%s\"", s);
    assert_string_equal(fmt(d), want);
}

static void date_bad(const char *s)
{
    date_t d = 12345;
    if (val_date(s, strlen(s), &d) != -1)
        fail_msg("val_date accepted \"%s\"", s);
    assert_int_equal(d, 12345); /* *out untouched */
}

static void name_ok(const char *name, const char *want)
{
    date_t d = DATE_NONE;
    if (val_date_in_name(name, &d) != 0)
        fail_msg("no date found in \"%s\"", name);
    assert_string_equal(fmt(d), want);
}

static void name_bad(const char *name)
{
    date_t d;
    if (val_date_in_name(name, &d) != -1)
        fail_msg("date %s found in \"%s\"", fmt(d), name);
}

static void add_months(int y, int m, int d, int n, const char *want)
{
    assert_string_equal(fmt(date_add_months(date_from_ymd(y, m, d), n)), want);
}

static int age(int by, int bm, int bd, int sy, int sm, int sd)
{
    return val_age(date_from_ymd(by, bm, bd), date_from_ymd(sy, sm, sd));
}

typedef int (*str_fn)(const char *, size_t, char *);

/* f(s) must succeed with out == want (want NULL: must fail with out ""). */
static void check_str(str_fn f, const char *s, const char *want)
{
    char out[32];
    memset(out, 'Z', sizeof out);
    int rc = f(s, strlen(s), out);
    if (want == NULL) {
        if (rc != -1)
            fail_msg("\"%s\" accepted as \"%s\"", s, out);
        assert_string_equal(out, "");
    } else {
        if (rc != 0)
            fail_msg("\"%s\" rejected", s);
        assert_string_equal(out, want);
    }
}

static void dept(const char *cp, const char *want)
{
    char out[4];
    val_postcode_dept(cp, out);
    assert_string_equal(out, want);
}

static void pct(int64_t a, int64_t b, const char *want)
{
    char buf[32];
    assert_int_equal(pct_format(a, b, buf), 0);
    assert_string_equal(buf, want);
}

static void ratio(int64_t a, int64_t b, const char *want)
{
    char buf[32];
    assert_int_equal(ratio_format(a, b, buf), 0);
    assert_string_equal(buf, want);
}

/* ---- calendar ---------------------------------------------------------- */

/* val_date_iso writes the ISO form from the parsed fields: the same date as
 * val_date, the day and month zero-padded. */
static void test_date_iso(void **state)
{
    char iso[11];
    date_t d, e;
    (void)state;
    assert_int_equal(val_date_iso("5/3/2021", 8, &d, iso), 0);
    assert_string_equal(iso, "2021-03-05");
    assert_int_equal(d, date_from_ymd(2021, 3, 5));
    assert_int_equal(val_date_iso("20240229 12:30", 14, &d, iso), 0);
    assert_string_equal(iso, "2024-02-29");
    assert_int_equal(val_date("20240229 12:30", 14, &e), 0);
    assert_int_equal(d, e);
    assert_int_equal(val_date_iso("1999-12-31T23:59:59", 19, &d, iso), 0);
    assert_string_equal(iso, "1999-12-31");
    assert_int_equal(val_date_iso("31/02/2021", 10, &d, iso), -1);
    assert_int_equal(val_date_iso("2100-01-01", 10, &d, iso), -1);
}

static void test_calendar_fixed_points(void **state)
{
    (void)state;
    assert_int_equal(date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(date_from_ymd(1969, 12, 31), -1);
    /* 1970..1999: 30 years, 7 leap years (1972..1996): 30*365+7 = 10957. */
    assert_int_equal(date_from_ymd(2000, 1, 1), 10957);
    /* + 31 (January) + 29 (February 2000 is leap) = 11017. */
    assert_int_equal(date_from_ymd(2000, 3, 1), 11017);
    /* 1970..2023: 54 years, 13 leap years (1972..2020): 19710+13 = 19723; +30. */
    assert_int_equal(date_from_ymd(2024, 1, 31), 19753);
    /* 1900..1969: 70 years, 17 leap years (1904..1968): 25550+17 = 25567. */
    assert_int_equal(date_from_ymd(1900, 1, 1), -25567);
    /* 1970..2099: 130 years, 32 leap years (1972..2096): 47450+32 = 47482; -1. */
    assert_int_equal(date_from_ymd(2099, 12, 31), 47481);

    assert_string_equal(fmt(0), "1970-01-01");
    assert_string_equal(fmt(-1), "1969-12-31");
    assert_string_equal(fmt(10957), "2000-01-01");
    assert_string_equal(fmt(11016), "2000-02-29");
    assert_string_equal(fmt(19753), "2024-01-31");
    assert_string_equal(fmt(-25567), "1900-01-01");
    assert_string_equal(fmt(47481), "2099-12-31");

    int y, m, d;
    date_to_ymd(11016, &y, &m, &d);
    assert_int_equal(y, 2000);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    assert_int_equal(date_year(19753), 2024);
    assert_int_equal(date_month(19753), 1);
    assert_int_equal(date_year(-1), 1969);
    assert_int_equal(date_month(-1), 12);

    assert_int_equal(date_is_leap(2024), 1);
    assert_int_equal(date_is_leap(2023), 0);
    assert_int_equal(date_is_leap(2000), 1);
    assert_int_equal(date_is_leap(1900), 0);
    assert_int_equal(date_is_leap(2100), 0);
    assert_int_equal(date_days_in_month(2024, 2), 29);
    assert_int_equal(date_days_in_month(2023, 2), 28);
    assert_int_equal(date_days_in_month(2000, 2), 29);
    assert_int_equal(date_days_in_month(1900, 2), 28);
    assert_int_equal(date_days_in_month(2024, 1), 31);
    assert_int_equal(date_days_in_month(2024, 4), 30);
    assert_int_equal(date_days_in_month(2024, 12), 31);
}

/* Every day of 1900-2099 against an independent day-by-day count. */
static void test_calendar_every_day(void **state)
{
    (void)state;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    date_t n = -25567;
    for (int y = 1900; y <= 2099; y++) {
        int leap = y % 4 == 0 && y != 1900; /* 2000 is leap, 2100 out of range */
        for (int m = 1; m <= 12; m++) {
            int dim = mdays[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= dim; d++, n++) {
                int yy, mm, dd;
                if (date_from_ymd(y, m, d) != n)
                    fail_msg("date_from_ymd(%d,%d,%d) != %d", y, m, d, (int)n);
                date_to_ymd(n, &yy, &mm, &dd);
                if (yy != y || mm != m || dd != d)
                    fail_msg("date_to_ymd(%d) = %d-%d-%d", (int)n, yy, mm, dd);
            }
        }
    }
    assert_int_equal(n, 47482);
}

static void test_add_months(void **state)
{
    (void)state;
    add_months(2023, 1, 31, 1, "2023-02-28");
    add_months(2024, 1, 31, 1, "2024-02-29");
    add_months(2024, 2, 29, 12, "2025-02-28");
    add_months(2024, 2, 29, 48, "2028-02-29");
    add_months(2022, 5, 31, 9, "2023-02-28");
    add_months(2023, 5, 31, 9, "2024-02-29");
    add_months(2024, 1, 31, 3, "2024-04-30");
    add_months(2024, 12, 31, 1, "2025-01-31");
    add_months(2024, 10, 31, 14, "2025-12-31");
    add_months(2024, 1, 15, 0, "2024-01-15");
    add_months(2024, 1, 15, -1, "2023-12-15");
    add_months(2024, 3, 31, -1, "2024-02-29");
    add_months(2024, 1, 31, -13, "2022-12-31");
    add_months(2024, 2, 29, -12, "2023-02-28");
    add_months(2024, 8, 31, 6, "2025-02-28");
    add_months(2000, 1, 1, -12 * 100, "1900-01-01");
    assert_int_equal(date_add_months(DATE_NONE, 3), DATE_NONE);
}

/* ---- dates ------------------------------------------------------------- */

static void test_date_forms(void **state)
{
    (void)state;
    date_ok("31/01/2024", "2024-01-31");
    date_ok("1/2/2024", "2024-02-01");
    date_ok("01/2/2024", "2024-02-01");
    date_ok("1/02/2024", "2024-02-01");
    date_ok("01-02-2024", "2024-02-01");
    date_ok("5-3-2021", "2021-03-05");
    date_ok("2024-01-31", "2024-01-31");
    date_ok("20240131", "2024-01-31");

    /* Malformed shapes. */
    date_bad("");
    date_bad("abc");
    date_bad("1/2-2024"); /* separators differ */
    date_bad("1-2/2024");
    date_bad("1.2.2024");
    date_bad("2024/01/31");
    date_bad("2024-1-31");
    date_bad("2024-01-1");
    date_bad("2024-0131");
    date_bad("001/02/2024");
    date_bad("1/002/2024");
    date_bad("1/2/202");
    date_bad("1/2/20245");
    date_bad("2024013");
    date_bad("202401310");
    date_bad("2024-01-31x");
    date_bad(" 2024-01-31"); /* s is trimmed by the caller */
    date_bad("31/01/2024 ");
    date_bad("+2024-01-31");
}

static void test_date_times(void **state)
{
    (void)state;
    date_ok("31/01/2024 10:20", "2024-01-31");
    date_ok("31/01/2024 10:20:30", "2024-01-31");
    date_ok("1-2-2024 00:00", "2024-02-01");
    date_ok("2024-01-31 23:59:59", "2024-01-31");
    date_ok("2024-01-31 00:00", "2024-01-31");
    date_ok("2024-01-31T00:00", "2024-01-31");
    date_ok("2024-01-31T12:30:45", "2024-01-31");
    date_ok("20240131 08:05", "2024-01-31");
    date_ok("20240131 08:05:09", "2024-01-31");

    date_bad("20240131T08:05"); /* T only after YYYY-MM-DD */
    date_bad("31/01/2024T10:20");
    date_bad("2024-01-31t10:20");
    date_bad("2024-01-31 24:00");
    date_bad("2024-01-31 10:60");
    date_bad("2024-01-31 10:20:60");
    date_bad("2024-01-31 1:20");
    date_bad("2024-01-31 10:2");
    date_bad("2024-01-31 10:20:3");
    date_bad("2024-01-31  10:20"); /* two spaces */
    date_bad("2024-01-31\t10:20");
    date_bad("2024-01-31 10");
    date_bad("2024-01-31 10:");
    date_bad("2024-01-31 10:20:");
    date_bad("2024-01-31 10:20:30.5"); /* no fraction */
    date_bad("2024-01-31T10:20Z");     /* no time zone */
    date_bad("2024-01-31T10:20+01:00");
    date_bad("2024-01-31 10:20:30:40");
    date_bad("2024-01-31 ");
    date_bad("2024-01-31T");
}

static void test_date_impossible(void **state)
{
    (void)state;
    date_bad("31/02/2021");
    date_bad("29/02/2023");
    date_ok("29/02/2024", "2024-02-29");
    date_ok("29/02/2000", "2000-02-29"); /* divisible by 400 */
    date_bad("29/02/1900");              /* divisible by 100 */
    date_bad("2024-04-31");
    date_ok("2024-04-30", "2024-04-30");
    date_bad("20240132");
    date_bad("00/01/2024");
    date_bad("1/0/2024");
    date_bad("1/13/2024");
    date_bad("2024-00-10");
    date_bad("2024-13-01");
    date_bad("2024-01-00");
}

static void test_date_years(void **state)
{
    (void)state;
    date_bad("31/01/24"); /* two-digit years */
    date_bad("1/2/24");
    date_bad("1-2-24");
    date_bad("31/12/1899");
    date_bad("18991231");
    date_ok("01/01/1900", "1900-01-01");
    date_ok("2099-12-31", "2099-12-31");
    date_bad("01/01/2100");
    date_bad("21000101");
    date_bad("2100-01-01");
    date_bad("0024-01-01");

    date_t d = 0;
    assert_int_equal(val_date("1/1/1900", 8, &d), 0);
    assert_int_equal(d, -25567);
}

static void test_contract_date(void **state)
{
    (void)state;
    date_t d = 7;
    assert_int_equal(val_contract_date("31/12/1999", 10, &d), -1);
    assert_int_equal(d, 7);
    assert_int_equal(val_contract_date("1999-12-31 23:59", 16, &d), -1);
    assert_int_equal(val_contract_date("19500101", 8, &d), -1);
    assert_int_equal(val_contract_date("1/1/2000", 8, &d), 0);
    assert_int_equal(d, 10957);
    assert_int_equal(val_contract_date("2024-01-31T08:00", 16, &d), 0);
    assert_int_equal(d, 19753);
    assert_int_equal(val_contract_date("31/02/2021", 10, &d), -1);
    /* val_date alone accepts 1999. */
    assert_int_equal(val_date("31/12/1999", 10, &d), 0);
    assert_int_equal(d, 10956);
}

/* The form the pipeline writes, read back: YYYY-MM-DD only, a real date, val_date's years. */
static void test_date_ymd(void **state)
{
    (void)state;
    date_t d = 7;
    assert_int_equal(val_date_ymd("2024-02-29", 10, &d), 0);
    assert_int_equal(d, 19782); /* 2024-01-01 is day 19723, then 31 + 28 days */
    assert_int_equal(val_date_ymd("1900-01-01", 10, &d), 0);
    assert_int_equal(d, -25567);
    d = 7;
    /* val_date's other spellings, a time, and impossible dates are not this form */
    assert_int_equal(val_date_ymd("29/02/2024", 10, &d), -1);
    assert_int_equal(val_date_ymd("29-02-2024", 10, &d), -1);
    assert_int_equal(val_date_ymd("20240229", 8, &d), -1);
    assert_int_equal(val_date_ymd("2024-02-29 12:00", 16, &d), -1);
    assert_int_equal(val_date_ymd("2024-02-29T12:00", 16, &d), -1);
    assert_int_equal(val_date_ymd("2023-02-29", 10, &d), -1);
    assert_int_equal(val_date_ymd("2024-2-9", 8, &d), -1);
    assert_int_equal(val_date_ymd("1899-12-31", 10, &d), -1);
    assert_int_equal(val_date_ymd("2100-01-01", 10, &d), -1);
    assert_int_equal(val_date_ymd("", 0, &d), -1);
    assert_int_equal(d, 7);
}

/* --observation-date and observation_date: YYYY-MM-DD from 2000-01-01 on, nothing else. */
static void test_observation_date(void **state)
{
    (void)state;
    date_t d = 7;
    assert_int_equal(val_observation_date("2024-12-31", &d), 0);
    assert_int_equal(d, 20088); /* 2025-01-01 is day 20089 */
    assert_int_equal(val_observation_date("2000-01-01", &d), 0);
    assert_int_equal(d, 10957);
    assert_int_equal(val_observation_date("2099-12-31", &d), 0);
    d = 7;
    assert_int_equal(val_observation_date("1999-12-31", &d), -1);
    assert_int_equal(val_observation_date("31/12/2024", &d), -1);
    assert_int_equal(val_observation_date("31-12-2024", &d), -1);
    assert_int_equal(val_observation_date("1/2/2024", &d), -1);
    assert_int_equal(val_observation_date("20241231", &d), -1);
    assert_int_equal(val_observation_date("2024-12-31 00:00", &d), -1);
    assert_int_equal(val_observation_date("2024-12-31 ", &d), -1);
    assert_int_equal(val_observation_date("2024-13-01", &d), -1);
    assert_int_equal(val_observation_date("2100-01-01", &d), -1);
    assert_int_equal(val_observation_date("", &d), -1);
    assert_int_equal(d, 7);
}

/* --years and the configuration's years: YYYY or YYYY-YYYY, 2000-2099, first <= last. */
static void test_years(void **state)
{
    (void)state;
    int a = 7, b = 7;
    assert_int_equal(val_years("2021", &a, &b), 0);
    assert_int_equal(a, 2021);
    assert_int_equal(b, 2021);
    assert_int_equal(val_years("2000-2099", &a, &b), 0);
    assert_int_equal(a, 2000);
    assert_int_equal(b, 2099);
    assert_int_equal(val_years("2022-2022", &a, &b), 0);
    assert_int_equal(a, 2022);
    a = b = 7;
    static const char *const bad[] = {"1999",       "2100",      "2022-2021", "21",    "2021-22",
                                      " 2021",      "2021 ",     "+202",      "-2021", "2021-",
                                      "2021-2022x", "2021/2022", "1999-2021", "",      "20a1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(val_years(bad[i], &a, &b), -1);
    assert_int_equal(a, 7);
    assert_int_equal(b, 7);
}

/* The whole numbers of options: digits only, up to max, overflow refused. */
static void test_count(void **state)
{
    (void)state;
    unsigned long n = 7;
    assert_int_equal(val_count("0", 5, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(val_count("5", 5, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(val_count("0012", 100, &n), 0);
    assert_int_equal(n, 12);
    assert_int_equal(val_count("18446744073709551615", ULONG_MAX, &n), 0);
    assert_true(n == ULONG_MAX);
    n = 7;
    static const char *const bad[] = {"6", "", "abc", "2x", " 3", "3 ", "-1", "+1", "1.5", "0x3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (val_count(bad[i], 5, &n) != -1)
            fail_msg("val_count('%s', 5) accepted", bad[i]);
    assert_int_equal(val_count("18446744073709551616", ULONG_MAX, &n), -1);
    assert_int_equal(val_count("99999999999999999999", ULONG_MAX, &n), -1);
    assert_int_equal(n, 7);
}

static void test_date_in_name(void **state)
{
    (void)state;
    name_ok("contrats_20240131.csv", "2024-01-31");
    name_ok("x2024-01-31.csv.gz", "2024-01-31");
    name_ok("20240131", "2024-01-31");
    name_ok("2024-01-31", "2024-01-31");
    name_ok("a20240131b.csv", "2024-01-31");
    name_ok("r2_20240131_v3.csv", "2024-01-31"); /* the 2 and 3 are not adjacent */
    name_bad("120240131.csv");                   /* digit before */
    name_bad("202401311.csv");                   /* digit after */
    name_bad("92024-01-31.csv");
    name_bad("2024-01-315.csv");
    name_bad("contrats.csv");
    name_bad("2024013.csv");
    name_bad("2024-1-31.csv");
    name_bad("");
    /* Invalid candidates are skipped, the next valid one wins. */
    name_ok("contrats_20241301_20240215.csv", "2024-02-15");
    name_ok("extract_2024-02-30_2024-03-01.csv", "2024-03-01");
    name_ok("export-18990101-20240131.csv", "2024-01-31");
    name_ok("120240131_20230615.csv", "2023-06-15");
    /* The first valid one wins. */
    name_ok("d20230101_20240101.csv", "2023-01-01");
    name_ok("2023-01-01_20240101.csv", "2023-01-01");
    /* Only the base name is searched. */
    name_bad("in/2024-01-31/contrats.csv");
    name_ok("in/2023-01-01/contrats_20240131.csv.gz", "2024-01-31");
    /* val_date rules only: a 1999 date is found (the caller applies 2000-01-01). */
    name_ok("c19991231.csv", "1999-12-31");
}

/* ---- age --------------------------------------------------------------- */

static void test_age(void **state)
{
    (void)state;
    assert_int_equal(age(2006, 5, 10, 2024, 5, 9), 17);
    assert_int_equal(age(2006, 5, 10, 2024, 5, 10), 18);
    assert_int_equal(age(2006, 5, 10, 2024, 5, 11), 18);
    assert_int_equal(age(2006, 12, 31, 2024, 1, 1), 17);
    assert_int_equal(age(2006, 1, 1, 2024, 12, 31), 18);
    /* 29 February: 2004-02-29 + 18 years = 2022-02-28 (clamped). */
    assert_int_equal(age(2004, 2, 29, 2022, 2, 27), 17);
    assert_int_equal(age(2004, 2, 29, 2022, 2, 28), 18);
    assert_int_equal(age(2004, 2, 29, 2022, 3, 1), 18);
    /* + 20 years = 2024-02-29 (leap): 2024-02-28 is still 19. */
    assert_int_equal(age(2004, 2, 29, 2024, 2, 28), 19);
    assert_int_equal(age(2004, 2, 29, 2024, 2, 29), 20);
    assert_int_equal(age(2010, 3, 1, 2024, 2, 29), 13);
    assert_int_equal(age(2010, 3, 1, 2024, 3, 1), 14);
    assert_int_equal(age(2024, 1, 1, 2024, 1, 1), 0);
    /* Birth after start: 2024-01-01 - 12 months = 2023-01-01 <= 2023-06-01. */
    assert_int_equal(age(2024, 1, 1, 2023, 6, 1), -1);
    assert_int_equal(age(2024, 6, 1, 2023, 6, 1), -1);
    assert_int_equal(age(2024, 6, 2, 2023, 6, 1), -2);
}

static void test_tranche(void **state)
{
    (void)state;
    assert_null(val_tranche_age(13));
    assert_string_equal(val_tranche_age(14), "15-17");
    assert_string_equal(val_tranche_age(15), "15-17");
    assert_string_equal(val_tranche_age(17), "15-17");
    assert_string_equal(val_tranche_age(18), "18-20");
    assert_string_equal(val_tranche_age(20), "18-20");
    assert_string_equal(val_tranche_age(21), "21-25");
    assert_string_equal(val_tranche_age(25), "21-25");
    assert_string_equal(val_tranche_age(26), "26+");
    assert_string_equal(val_tranche_age(80), "26+");
}

static void test_tranche_effectif(void **state)
{
    (void)state;
    assert_string_equal(val_tranche_effectif(-1), "ND");
    assert_string_equal(val_tranche_effectif(0), "0-4");
    assert_string_equal(val_tranche_effectif(4), "0-4");
    assert_string_equal(val_tranche_effectif(5), "5-9");
    assert_string_equal(val_tranche_effectif(9), "5-9");
    assert_string_equal(val_tranche_effectif(10), "10-49");
    assert_string_equal(val_tranche_effectif(49), "10-49");
    assert_string_equal(val_tranche_effectif(50), "50-249");
    assert_string_equal(val_tranche_effectif(249), "50-249");
    assert_string_equal(val_tranche_effectif(250), "250+");
    assert_string_equal(val_tranche_effectif(999999999), "250+");
}

/* ---- identifiers ------------------------------------------------------- */

static void test_siret_luhn(void **state)
{
    (void)state;
    /* 7 3 2 8 2 9 3 2 0 0 0 0 7 4: doubled (odd positions from the right)
     * 7->14->5, 2->4, 2->4, 3->6, 0, 0, 7->14->5 = 24; others 3+8+9+2+0+0+4 = 26;
     * 24+26 = 50, a multiple of 10: valid. */
    check_str(val_siret, "73282932000074", "73282932000074");
    check_str(val_siret, "732 829 320 00074", "73282932000074");
    check_str(val_siret, "732\t829\t320\t00074", "73282932000074");
    check_str(val_siret,
              "732\xC2\xA0"
              "829\xC2\xA0"
              "320\xC2\xA0"
              "00074",
              "73282932000074");
    check_str(val_siret,
              "732\xE2\x80\xAF"
              "829\xE2\x80\xAF"
              "320\xE2\x80\xAF"
              "00074",
              "73282932000074");
    check_str(val_siret, " 73282932000074 ", "73282932000074");
    /* Last digit 4 -> 5: total 51. */
    check_str(val_siret, "73282932000075", NULL);
    /* 5 5 2 1 0 0 5 5 4 0 0 0 1 3: doubled 5->1, 2->4, 0, 5->1, 4->8, 0, 1->2 = 16;
     * others 5+1+0+5+0+0+3 = 14; 30: valid. */
    check_str(val_siret, "55210055400013", "55210055400013");
    check_str(val_siret, "55210055400014", NULL);
    check_str(val_siret, "7328293200007", NULL);   /* 13 digits */
    check_str(val_siret, "732829320000740", NULL); /* 15 digits */
    check_str(val_siret, "7328293200007A", NULL);
    check_str(val_siret, "732-829-320-00074", NULL);
    check_str(val_siret,
              "732\xE2\x80\x82"
              "82932000074",
              NULL); /* EN SPACE is not spec white space */
    check_str(val_siret, "732\n82932000074", NULL);
    check_str(val_siret, "", NULL);
}

static void test_siret_la_poste(void **state)
{
    (void)state;
    /* 3+5+6+4+8 = 26: not a multiple of 5, invalid (although its Luhn sum,
     * 6+3+8 doubled + 5+8 = 30, would pass: the La Poste rule replaces Luhn). */
    check_str(val_siret, "35600000000048", NULL);
    /* 3+5+6+4+7 = 25: valid (Luhn: 6+3+8 + 5+7 = 29 would fail). */
    check_str(val_siret, "35600000000047", "35600000000047");
    check_str(val_siret, "356 000 000 00047", "35600000000047");
    /* 3+5+6+5+6 = 25: valid. */
    check_str(val_siret, "35600000000560", "35600000000560");
    /* 3+5+6+5 = 19: invalid. */
    check_str(val_siret, "35600000000050", NULL);
    /* Prefix 356000010 is not La Poste: Luhn. 3 5 6 0 0 0 0 1 0 0 0 0 4 7:
     * doubled 3->6, 6->3, 4->8 = 17; others 5+1+7 = 13; 30: valid. */
    check_str(val_siret, "35600001000047", "35600001000047");
    /* Digit sum 3+5+6+1+5 = 20 (La Poste rule would pass), but Luhn:
     * doubled 6+3+(5->1) = 10, others 5+1+0 = 6, 16: invalid. */
    check_str(val_siret, "35600001000050", NULL);
}

static void test_uai(void **state)
{
    (void)state;
    /* 751234 = 23 * 32662 + 8 (23*32662 = 751226); letter 8 of
     * ABCDEFGHJKLMNPRSTUVWXYZ (A=0 ... H=7, J=8) is J. */
    check_str(val_uai, "0751234J", "0751234J");
    check_str(val_uai, "0751234j", "0751234J");
    check_str(val_uai, "0751234K", NULL);
    check_str(val_uai, "0751234I", NULL);
    /* 330001 = 23 * 14347 + 20 (23*14347 = 329981); letter 20 is X
     * (P=13 R=14 S=15 T=16 U=17 V=18 W=19 X=20). */
    check_str(val_uai, "0330001X", "0330001X");
    check_str(val_uai, "0330001x", "0330001X");
    check_str(val_uai, "0330001W", NULL);
    check_str(val_uai, "0000000A", "0000000A"); /* 0 -> A */
    check_str(val_uai, "0000022Z", "0000022Z"); /* 22 -> Z */
    check_str(val_uai, "0000023A", "0000023A"); /* 23 mod 23 = 0 -> A */
    check_str(val_uai, "751234J", NULL);
    check_str(val_uai, "07512345", NULL);
    check_str(val_uai, "0751234JJ", NULL);
    check_str(val_uai, "0751 234J", NULL);
    check_str(val_uai, "", NULL);
}

static void test_postcode(void **state)
{
    (void)state;
    check_str(val_postcode, "75001", "75001");
    check_str(val_postcode, "01000", "01000");
    check_str(val_postcode, "7500", NULL); /* no padding */
    check_str(val_postcode, "750011", NULL);
    check_str(val_postcode, "7500A", NULL);
    check_str(val_postcode, "75 01", NULL);
    check_str(val_postcode, "2A000", NULL);
    check_str(val_postcode, "", NULL);

    dept("20000", "2A");
    dept("20199", "2A");
    dept("20200", "2B");
    dept("20699", "2B");
    dept("20700", "20");
    dept("97110", "971");
    dept("97600", "976");
    dept("98800", "988");
    dept("75001", "75");
    dept("01000", "01");
    dept("96000", "96");
    dept("19999", "19");
    dept("21000", "21");
}

static void test_naf_idcc_rncp_cfd(void **state)
{
    (void)state;
    check_str(val_naf, "56.10A", "5610A");
    check_str(val_naf, "5610a", "5610A");
    check_str(val_naf, "5610A", "5610A");
    check_str(val_naf, "56.10a", "5610A");
    check_str(val_naf, "5610.A", "5610A"); /* the dot may be anywhere */
    check_str(val_naf, "56..10A", NULL);
    check_str(val_naf, "56.10.A", NULL);
    check_str(val_naf, "561A", NULL);
    check_str(val_naf, "56100", NULL);
    check_str(val_naf, "5610AB", NULL);
    check_str(val_naf, "56 10A", NULL);
    check_str(val_naf, "", NULL);

    check_str(val_idcc, "1", "0001");
    check_str(val_idcc, "843", "0843");
    check_str(val_idcc, "1486", "1486");
    check_str(val_idcc, "0016", "0016");
    check_str(val_idcc, "12345", NULL);
    check_str(val_idcc, "12a", NULL);
    check_str(val_idcc, "-12", NULL);
    check_str(val_idcc, "", NULL);

    check_str(val_rncp, "34567", "RNCP34567");
    check_str(val_rncp, "rncp34567", "RNCP34567");
    check_str(val_rncp, "RNCP34567", "RNCP34567");
    check_str(val_rncp, "RNCP 34567", "RNCP34567");
    check_str(val_rncp,
              "Rncp\xC2\xA0"
              "34567",
              "RNCP34567");
    check_str(val_rncp, "1", "RNCP1");
    check_str(val_rncp, "RNCP123456", "RNCP123456");
    check_str(val_rncp, "RNCP1234567", NULL);
    check_str(val_rncp, "1234567", NULL);
    check_str(val_rncp, "RNCP", NULL);
    check_str(val_rncp, "RNCP-34567", NULL);
    check_str(val_rncp, "RN34567", NULL);
    check_str(val_rncp, "RNCP34567A", NULL);
    check_str(val_rncp, " 34567", NULL);
    check_str(val_rncp, "", NULL);

    check_str(val_cfd, "50022141", "50022141");
    check_str(val_cfd, "4002a1b1", "4002A1B1");
    check_str(val_cfd, "5002214", NULL);
    check_str(val_cfd, "500221410", NULL);
    check_str(val_cfd, "5002-214", NULL);
    check_str(val_cfd, "5002é14", NULL);
    check_str(val_cfd, "", NULL);
}

static void test_niveau(void **state)
{
    (void)state;
    assert_int_equal(val_niveau("3", 1), 3);
    assert_int_equal(val_niveau("4", 1), 4);
    assert_int_equal(val_niveau("5", 1), 5);
    assert_int_equal(val_niveau("6", 1), 6);
    assert_int_equal(val_niveau("7", 1), 7);
    assert_int_equal(val_niveau("8", 1), 8);
    assert_int_equal(val_niveau("2", 1), -1);
    assert_int_equal(val_niveau("9", 1), -1);
    assert_int_equal(val_niveau("03", 2), -1);
    assert_int_equal(val_niveau("V", 1), 3);
    assert_int_equal(val_niveau("IV", 2), 4);
    assert_int_equal(val_niveau("III", 3), 5);
    assert_int_equal(val_niveau("II", 2), 6);
    assert_int_equal(val_niveau("I", 1), 7);
    assert_int_equal(val_niveau("v", 1), 3);
    assert_int_equal(val_niveau("iv", 2), 4);
    assert_int_equal(val_niveau("iIi", 3), 5);
    assert_int_equal(val_niveau("VI", 2), -1);
    assert_int_equal(val_niveau("IIII", 4), -1);
    assert_int_equal(val_niveau("", 0), -1);

    assert_int_equal(val_niveau_from_cfd("50022141"), 3);
    assert_int_equal(val_niveau_from_cfd("40022141"), 4);
    assert_int_equal(val_niveau_from_cfd("32031213"), 5);
    assert_int_equal(val_niveau_from_cfd("25000000"), 6);
    assert_int_equal(val_niveau_from_cfd("16000000"), 7);
    assert_int_equal(val_niveau_from_cfd("80000000"), 8);
    assert_int_equal(val_niveau_from_cfd("60000000"), -1);
    assert_int_equal(val_niveau_from_cfd("A0000000"), -1);
    assert_int_equal(val_niveau_from_cfd(""), -1);
    assert_int_equal(val_niveau_from_cfd(NULL), -1);
}

static void test_uint_bool(void **state)
{
    (void)state;
    assert_int_equal(val_uint("0", 1), 0);
    assert_int_equal(val_uint("42", 2), 42);
    assert_int_equal(val_uint("007", 3), 7);
    assert_int_equal(val_uint("999999999", 9), 999999999);
    assert_int_equal(val_uint("1000000000", 10), -1);
    assert_int_equal(val_uint("", 0), -1);
    assert_int_equal(val_uint("-1", 2), -1);
    assert_int_equal(val_uint("+1", 2), -1);
    assert_int_equal(val_uint("1.5", 3), -1);
    assert_int_equal(val_uint("1 000", 5), -1);
    assert_int_equal(val_uint("12", 1), 1); /* len, not NUL, ends the value */

    assert_int_equal(val_bool("oui", 3), 1);
    assert_int_equal(val_bool("OUI", 3), 1);
    assert_int_equal(val_bool("Oui", 3), 1);
    assert_int_equal(val_bool("non", 3), 0);
    assert_int_equal(val_bool("NON", 3), 0);
    assert_int_equal(val_bool("o", 1), 1);
    assert_int_equal(val_bool("O", 1), 1);
    assert_int_equal(val_bool("n", 1), 0);
    assert_int_equal(val_bool("N", 1), 0);
    assert_int_equal(val_bool("true", 4), 1);
    assert_int_equal(val_bool("TRUE", 4), 1);
    assert_int_equal(val_bool("false", 5), 0);
    assert_int_equal(val_bool("False", 5), 0);
    assert_int_equal(val_bool("1", 1), 1);
    assert_int_equal(val_bool("0", 1), 0);
    assert_int_equal(val_bool("yes", 3), -1);
    assert_int_equal(val_bool("ou", 2), -1);
    assert_int_equal(val_bool("ouii", 4), -1);
    assert_int_equal(val_bool("2", 1), -1);
    assert_int_equal(val_bool("", 0), -1);
}

/* ---- rounding ---------------------------------------------------------- */

static void test_pct(void **state)
{
    (void)state;
    pct(124, 300, "41.3");  /* 12400/300 = 41.333... */
    pct(49, 400, "12.3");   /* 4900/400 = 12.25, half up */
    pct(247, 2000, "12.4"); /* 24700/2000 = 12.35 (not 12.3 as a double would give) */
    pct(-49, 400, "-12.3"); /* -12.25, half away from zero */
    pct(49, -400, "-12.3");
    pct(-49, -400, "12.3");
    pct(-1, 2500, "0.0"); /* -0.04: never "-0.0" */
    pct(1, 2500, "0.0");
    pct(-1, 2000, "-0.1"); /* -0.05 */
    pct(1, 2000, "0.1");
    /* Growth 2173 -> 3071: 100*898/2173 = 41.325... */
    pct(3071 - 2173, 2173, "41.3");
    pct(1, 16, "6.3"); /* 6.25 */
    pct(-1, 16, "-6.3");
    pct(3, 16, "18.8"); /* 18.75 */
    pct(1, 80, "1.3");  /* 1.25 */
    pct(1, 3, "33.3");
    pct(2, 3, "66.7");
    pct(0, 5, "0.0");
    pct(5, 5, "100.0");
    pct(3, 2, "150.0");
    pct(-2173, 2173, "-100.0");
    pct(1, 8, "12.5");
    /* 100 * (2^63 - 1) = 922337203685477580700: no overflow. */
    pct(INT64_MAX, 1, "922337203685477580700.0");
    pct(INT64_MIN, 1, "-922337203685477580800.0");
    pct(INT64_MIN, INT64_MIN, "100.0");
    pct(1, INT64_MIN, "0.0");
    pct(INT64_MAX, INT64_MAX, "100.0");

    char buf[32] = "junk";
    assert_int_equal(pct_format(1, 0, buf), -1);
    assert_string_equal(buf, "");
    assert_int_equal(pct_format(0, 0, buf), -1);
    assert_string_equal(buf, "");
}

static void test_ratio(void **state)
{
    (void)state;
    ratio(7, 2, "3.5");
    ratio(1, 3, "0.3");
    ratio(2, 3, "0.7");
    ratio(1, 20, "0.1"); /* 0.05 */
    ratio(1, 40, "0.0"); /* 0.025 */
    ratio(-1, 20, "-0.1");
    ratio(-1, 40, "0.0");
    ratio(5, 4, "1.3"); /* 1.25 */
    ratio(-5, 4, "-1.3");
    ratio(49, 40, "1.2"); /* 1.225 */
    ratio(10, 1, "10.0");
    ratio(0, 7, "0.0");
    ratio(123, 10, "12.3");
    ratio(INT64_MAX, 1, "9223372036854775807.0");

    char buf[32] = "junk";
    assert_int_equal(ratio_format(5, 0, buf), -1);
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_iso),
        cmocka_unit_test(test_calendar_fixed_points),
        cmocka_unit_test(test_calendar_every_day),
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_date_forms),
        cmocka_unit_test(test_date_times),
        cmocka_unit_test(test_date_impossible),
        cmocka_unit_test(test_date_years),
        cmocka_unit_test(test_contract_date),
        cmocka_unit_test(test_date_ymd),
        cmocka_unit_test(test_observation_date),
        cmocka_unit_test(test_years),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_date_in_name),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_tranche),
        cmocka_unit_test(test_tranche_effectif),
        cmocka_unit_test(test_siret_luhn),
        cmocka_unit_test(test_siret_la_poste),
        cmocka_unit_test(test_uai),
        cmocka_unit_test(test_postcode),
        cmocka_unit_test(test_naf_idcc_rncp_cfd),
        cmocka_unit_test(test_niveau),
        cmocka_unit_test(test_uint_bool),
        cmocka_unit_test(test_pct),
        cmocka_unit_test(test_ratio),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

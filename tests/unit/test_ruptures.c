/* test_ruptures.c: the rupture rules of spec/indicators.md, ruptures.h. Every window at its
 * boundary (the day before, the day of and the day after debut + W), month ends and leap years;
 * the follow-up exactly at 6 months; the curve's month counting at 1, 9, 12 and 36 months; the
 * median of an even count rounded half up. Every expected value is worked out by hand from the
 * calendar (the working is beside each case); the dates are built with values.h's
 * date_from_ymd. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ruptures.h"

#define D(y, m, d) date_from_ymd(y, m, d)
#define NEVER (RUP_CURVE_MONTHS + 1)

/* ---- broken ---------------------------------------------------------------------------- */

/* Broken: a date_rupture on or before D_obs. */
static void test_is_broken(void **state)
{
    (void)state;
    date_t dobs = D(2024, 6, 30);
    assert_int_equal(rup_is_broken(D(2024, 6, 29), dobs), 1);
    assert_int_equal(rup_is_broken(D(2024, 6, 30), dobs), 1);
    assert_int_equal(rup_is_broken(D(2024, 7, 1), dobs), 0);
    assert_int_equal(rup_is_broken(DATE_NONE, dobs), 0);
}

/* ---- 45 days --------------------------------------------------------------------------- */

/* The spec's example: started 1 March, broken on 14 April (+44 days) is within 45 days, on
 * 15 April (+45 days) it is not. 1 March + 30 days = 31 March, + 31 = 1 April, + 45 = 15 April. */
static void test_45_days(void **state)
{
    (void)state;
    date_t debut = D(2023, 3, 1);
    assert_int_equal(rup_window_end(debut, RUP_45_DAYS), D(2023, 4, 15));
    assert_int_equal(rup_broken_within(debut, debut, RUP_45_DAYS), 1);
    assert_int_equal(rup_broken_within(debut, D(2023, 4, 13), RUP_45_DAYS), 1);
    assert_int_equal(rup_broken_within(debut, D(2023, 4, 14), RUP_45_DAYS), 1);
    assert_int_equal(rup_broken_within(debut, D(2023, 4, 15), RUP_45_DAYS), 0);
    assert_int_equal(rup_broken_within(debut, D(2023, 4, 16), RUP_45_DAYS), 0);
    assert_int_equal(rup_broken_within(debut, DATE_NONE, RUP_45_DAYS), 0);
    /* observable for 45 days: debut + 45 days <= D_obs */
    assert_int_equal(rup_observable(debut, RUP_45_DAYS, D(2023, 4, 14)), 0);
    assert_int_equal(rup_observable(debut, RUP_45_DAYS, D(2023, 4, 15)), 1);
    assert_int_equal(rup_observable(debut, RUP_45_DAYS, D(2023, 4, 16)), 1);
}

/* Calendar days across February: 1 Feb 2024 + 29 days = 1 March (leap year), + 16 = 17 March;
 * 1 Feb 2023 + 28 = 1 March, + 17 = 18 March. */
static void test_45_days_leap(void **state)
{
    (void)state;
    assert_int_equal(rup_window_end(D(2024, 2, 1), RUP_45_DAYS), D(2024, 3, 17));
    assert_int_equal(rup_window_end(D(2023, 2, 1), RUP_45_DAYS), D(2023, 3, 18));
    assert_int_equal(rup_broken_within(D(2024, 2, 1), D(2024, 3, 16), RUP_45_DAYS), 1);
    assert_int_equal(rup_broken_within(D(2024, 2, 1), D(2024, 3, 17), RUP_45_DAYS), 0);
    assert_int_equal(rup_broken_within(D(2023, 2, 1), D(2023, 3, 17), RUP_45_DAYS), 1);
    assert_int_equal(rup_broken_within(D(2023, 2, 1), D(2023, 3, 18), RUP_45_DAYS), 0);
}

/* ---- 9 months -------------------------------------------------------------------------- */

/* The spec's example: started 31 May, + 9 months is 28 Feb, 29 Feb in a leap year. */
static void test_9_months_month_end(void **state)
{
    (void)state;
    /* 31 May 2022 + 9 months = "31 Feb 2023", clamped to 28 Feb 2023 */
    date_t debut = D(2022, 5, 31);
    assert_int_equal(rup_window_end(debut, RUP_9_MONTHS), D(2023, 2, 28));
    assert_int_equal(rup_broken_within(debut, D(2023, 2, 27), RUP_9_MONTHS), 1);
    assert_int_equal(rup_broken_within(debut, D(2023, 2, 28), RUP_9_MONTHS), 0);
    assert_int_equal(rup_broken_within(debut, D(2023, 3, 1), RUP_9_MONTHS), 0);
    assert_int_equal(rup_observable(debut, RUP_9_MONTHS, D(2023, 2, 27)), 0);
    assert_int_equal(rup_observable(debut, RUP_9_MONTHS, D(2023, 2, 28)), 1);
    assert_int_equal(rup_observable(debut, RUP_9_MONTHS, D(2023, 3, 1)), 1);

    /* 31 May 2023 + 9 months = 29 Feb 2024 (leap year) */
    debut = D(2023, 5, 31);
    assert_int_equal(rup_window_end(debut, RUP_9_MONTHS), D(2024, 2, 29));
    assert_int_equal(rup_broken_within(debut, D(2024, 2, 28), RUP_9_MONTHS), 1);
    assert_int_equal(rup_broken_within(debut, D(2024, 2, 29), RUP_9_MONTHS), 0);
    assert_int_equal(rup_broken_within(debut, D(2024, 3, 1), RUP_9_MONTHS), 0);
    assert_int_equal(rup_observable(debut, RUP_9_MONTHS, D(2024, 2, 28)), 0);
    assert_int_equal(rup_observable(debut, RUP_9_MONTHS, D(2024, 2, 29)), 1);
    assert_int_equal(rup_observable(debut, RUP_9_MONTHS, D(2024, 3, 1)), 1);
}

/* The same day number when the month has it; the year carried. */
static void test_9_months_other_days(void **state)
{
    (void)state;
    assert_int_equal(rup_window_end(D(2023, 1, 31), RUP_9_MONTHS), D(2023, 10, 31));
    assert_int_equal(rup_window_end(D(2023, 4, 30), RUP_9_MONTHS), D(2024, 1, 30));
    assert_int_equal(rup_window_end(D(2023, 6, 30), RUP_9_MONTHS), D(2024, 3, 30));
    assert_int_equal(rup_window_end(D(2022, 12, 15), RUP_9_MONTHS), D(2023, 9, 15));
    assert_int_equal(rup_broken_within(D(2022, 12, 15), D(2023, 9, 14), RUP_9_MONTHS), 1);
    assert_int_equal(rup_broken_within(D(2022, 12, 15), D(2023, 9, 15), RUP_9_MONTHS), 0);
    assert_int_equal(rup_observable(D(2022, 12, 15), RUP_9_MONTHS, D(2023, 9, 14)), 0);
    assert_int_equal(rup_observable(D(2022, 12, 15), RUP_9_MONTHS, D(2023, 9, 15)), 1);
}

/* ---- 12 months ------------------------------------------------------------------------- */

/* The spec's example: started 29 Feb 2024, + 12 months is 28 Feb 2025. */
static void test_12_months_leap_day(void **state)
{
    (void)state;
    date_t debut = D(2024, 2, 29);
    assert_int_equal(rup_window_end(debut, RUP_12_MONTHS), D(2025, 2, 28));
    assert_int_equal(rup_broken_within(debut, D(2025, 2, 27), RUP_12_MONTHS), 1);
    assert_int_equal(rup_broken_within(debut, D(2025, 2, 28), RUP_12_MONTHS), 0);
    assert_int_equal(rup_broken_within(debut, D(2025, 3, 1), RUP_12_MONTHS), 0);
    assert_int_equal(rup_observable(debut, RUP_12_MONTHS, D(2025, 2, 27)), 0);
    assert_int_equal(rup_observable(debut, RUP_12_MONTHS, D(2025, 2, 28)), 1);
    assert_int_equal(rup_observable(debut, RUP_12_MONTHS, D(2025, 3, 1)), 1);
}

/* 28 Feb 2023 + 12 months is 28 Feb 2024, not the month's end (29 Feb). */
static void test_12_months_other_days(void **state)
{
    (void)state;
    date_t debut = D(2023, 2, 28);
    assert_int_equal(rup_window_end(debut, RUP_12_MONTHS), D(2024, 2, 28));
    assert_int_equal(rup_broken_within(debut, D(2024, 2, 27), RUP_12_MONTHS), 1);
    assert_int_equal(rup_broken_within(debut, D(2024, 2, 28), RUP_12_MONTHS), 0);
    assert_int_equal(rup_broken_within(debut, D(2024, 2, 29), RUP_12_MONTHS), 0);
    assert_int_equal(rup_observable(debut, RUP_12_MONTHS, D(2024, 2, 27)), 0);
    assert_int_equal(rup_observable(debut, RUP_12_MONTHS, D(2024, 2, 28)), 1);
    assert_int_equal(rup_window_end(D(2023, 3, 31), RUP_12_MONTHS), D(2024, 3, 31));
    assert_int_equal(rup_window_end(D(2023, 12, 31), RUP_12_MONTHS), D(2024, 12, 31));
}

/* ---- follow-up ------------------------------------------------------------------------- */

/* Broken 31 Aug 2023: + 6 months = 29 Feb 2024 (leap year). A new contract on or before that
 * day follows it, whatever D_obs; without one, the follow-up is known once 29 Feb <= D_obs. */
static void test_follow_up_six_months_leap(void **state)
{
    (void)state;
    date_t r = D(2023, 8, 31);
    assert_int_equal(rup_follow_up(r, D(2024, 2, 28), D(2024, 1, 1)), RUP_FOLLOWED);
    assert_int_equal(rup_follow_up(r, D(2024, 2, 29), D(2024, 1, 1)), RUP_FOLLOWED);
    assert_int_equal(rup_follow_up(r, D(2024, 3, 1), D(2024, 3, 1)), RUP_NOT_FOLLOWED);
    assert_int_equal(rup_follow_up(r, D(2024, 3, 1), D(2024, 2, 28)), RUP_FOLLOW_UP_UNKNOWN);
    assert_int_equal(rup_follow_up(r, DATE_NONE, D(2024, 2, 28)), RUP_FOLLOW_UP_UNKNOWN);
    assert_int_equal(rup_follow_up(r, DATE_NONE, D(2024, 2, 29)), RUP_NOT_FOLLOWED);
    assert_int_equal(rup_follow_up(r, DATE_NONE, D(2024, 3, 1)), RUP_NOT_FOLLOWED);
}

/* Broken 31 Aug 2022: + 6 months = 28 Feb 2023. Broken 15 March 2023: + 6 months = 15 Sep. */
static void test_follow_up_six_months(void **state)
{
    (void)state;
    date_t r = D(2022, 8, 31), dobs = D(2024, 1, 1);
    assert_int_equal(rup_follow_up(r, D(2023, 2, 28), dobs), RUP_FOLLOWED);
    assert_int_equal(rup_follow_up(r, D(2023, 3, 1), dobs), RUP_NOT_FOLLOWED);

    r = D(2023, 3, 15);
    assert_int_equal(rup_follow_up(r, D(2023, 9, 14), D(2023, 9, 14)), RUP_FOLLOWED);
    assert_int_equal(rup_follow_up(r, D(2023, 9, 15), D(2023, 9, 14)), RUP_FOLLOWED);
    assert_int_equal(rup_follow_up(r, D(2023, 9, 16), D(2023, 9, 16)), RUP_NOT_FOLLOWED);
    assert_int_equal(rup_follow_up(r, D(2023, 9, 16), D(2023, 9, 14)), RUP_FOLLOW_UP_UNKNOWN);
    assert_int_equal(rup_follow_up(r, DATE_NONE, D(2023, 9, 14)), RUP_FOLLOW_UP_UNKNOWN);
    assert_int_equal(rup_follow_up(r, DATE_NONE, D(2023, 9, 15)), RUP_NOT_FOLLOWED);
    /* a new contract started before the rupture (and after the broken one's start) follows it */
    assert_int_equal(rup_follow_up(r, D(2023, 2, 1), D(2023, 3, 20)), RUP_FOLLOWED);
}

/* ---- the curve's months ---------------------------------------------------------------- */

/* The smallest m >= 0 with d + m months > limit. 31 Jan 2023 + 1 month = 28 Feb, + 2 = 31 Mar,
 * + 3 = 30 Apr; 31 Jan 2024 + 1 month = 29 Feb. */
static void test_months_past(void **state)
{
    (void)state;
    date_t d = D(2023, 1, 31);
    assert_int_equal(rup_months_past(d, D(2023, 1, 30)), 0);
    assert_int_equal(rup_months_past(d, D(2023, 1, 31)), 1);
    assert_int_equal(rup_months_past(d, D(2023, 2, 27)), 1);
    assert_int_equal(rup_months_past(d, D(2023, 2, 28)), 2);
    assert_int_equal(rup_months_past(d, D(2023, 3, 1)), 2);
    assert_int_equal(rup_months_past(d, D(2023, 3, 30)), 2);
    assert_int_equal(rup_months_past(d, D(2023, 3, 31)), 3);
    assert_int_equal(rup_months_past(d, D(2023, 4, 29)), 3);
    assert_int_equal(rup_months_past(d, D(2023, 4, 30)), 4);
    d = D(2024, 1, 31);
    assert_int_equal(rup_months_past(d, D(2024, 2, 28)), 1);
    assert_int_equal(rup_months_past(d, D(2024, 2, 29)), 2);
    /* across a year end */
    d = D(2023, 12, 15);
    assert_int_equal(rup_months_past(d, D(2024, 1, 14)), 1);
    assert_int_equal(rup_months_past(d, D(2024, 1, 15)), 2);
    /* the whole range of contract dates: 2000-01-01 + 1199 months = 2099-12-01 */
    assert_int_equal(rup_months_past(D(2000, 1, 1), D(2099, 12, 31)), 1200);
    assert_int_equal(rup_months_past(D(2000, 1, 1), D(2099, 11, 30)), 1199);
}

/* Observable for m months in the curve: debut + m months <= D_obs, at most 36. */
static void test_curve_observable(void **state)
{
    (void)state;
    date_t debut = D(2023, 1, 15);
    assert_int_equal(rup_curve_observable(debut, D(2022, 12, 31)), 0);
    assert_int_equal(rup_curve_observable(debut, debut), 0);
    assert_int_equal(rup_curve_observable(debut, D(2023, 2, 14)), 0);
    assert_int_equal(rup_curve_observable(debut, D(2023, 2, 15)), 1);
    assert_int_equal(rup_curve_observable(debut, D(2023, 2, 16)), 1);
    /* 15 Jan 2023 + 36 months = 15 Jan 2026 */
    assert_int_equal(rup_curve_observable(debut, D(2026, 1, 14)), 35);
    assert_int_equal(rup_curve_observable(debut, D(2026, 1, 15)), 36);
    assert_int_equal(rup_curve_observable(debut, D(2026, 1, 16)), 36);
    assert_int_equal(rup_curve_observable(debut, D(2030, 6, 1)), 36);
    /* month 9 is observables_9m's rule: 31 May 2022 + 9 months = 28 Feb 2023 */
    assert_int_equal(rup_curve_observable(D(2022, 5, 31), D(2023, 2, 27)), 8);
    assert_int_equal(rup_curve_observable(D(2022, 5, 31), D(2023, 2, 28)), 9);
    /* month 12 is observables_12m's: 29 Feb 2024 + 12 months = 28 Feb 2025 */
    assert_int_equal(rup_curve_observable(D(2024, 2, 29), D(2025, 2, 27)), 11);
    assert_int_equal(rup_curve_observable(D(2024, 2, 29), D(2025, 2, 28)), 12);
}

/* Broken within m months in the curve: rupture < debut + m months, from the first such m. */
static void test_curve_broken(void **state)
{
    (void)state;
    date_t debut = D(2023, 1, 15);
    assert_int_equal(rup_curve_broken(debut, DATE_NONE), NEVER);
    assert_int_equal(rup_curve_broken(debut, debut), 1);
    assert_int_equal(rup_curve_broken(debut, D(2023, 2, 14)), 1);
    assert_int_equal(rup_curve_broken(debut, D(2023, 2, 15)), 2);
    assert_int_equal(rup_curve_broken(debut, D(2023, 2, 16)), 2);
    /* 15 Jan 2023 + 35 months = 15 Dec 2025, + 36 = 15 Jan 2026 */
    assert_int_equal(rup_curve_broken(debut, D(2025, 12, 14)), 35);
    assert_int_equal(rup_curve_broken(debut, D(2025, 12, 15)), 36);
    assert_int_equal(rup_curve_broken(debut, D(2026, 1, 14)), 36);
    assert_int_equal(rup_curve_broken(debut, D(2026, 1, 15)), NEVER);
    assert_int_equal(rup_curve_broken(debut, D(2027, 6, 1)), NEVER);
    /* a rupture before the start (merge excludes those) counts from month 1 */
    assert_int_equal(rup_curve_broken(debut, D(2023, 1, 10)), 1);
    /* month 9 is ruptures_9m's rule: 31 May 2022 + 8 months = 31 Jan 2023, + 9 = 28 Feb 2023 */
    assert_int_equal(rup_curve_broken(D(2022, 5, 31), D(2023, 1, 30)), 8);
    assert_int_equal(rup_curve_broken(D(2022, 5, 31), D(2023, 1, 31)), 9);
    assert_int_equal(rup_curve_broken(D(2022, 5, 31), D(2023, 2, 27)), 9);
    assert_int_equal(rup_curve_broken(D(2022, 5, 31), D(2023, 2, 28)), 10);
}

/* ---- one contract ---------------------------------------------------------------------- */

/* The fields of a rup_counts, in the order of the ruptures table's columns. */
static void check_counts(const rup_counts *n, long ruptures, long r45, long obs9, long r9,
                         long obs12, long r12, long suivies, long sans)
{
    assert_int_equal(n->contrats, 1);
    assert_int_equal(n->ruptures, ruptures);
    assert_int_equal(n->r45, r45);
    assert_int_equal(n->obs9, obs9);
    assert_int_equal(n->r9, r9);
    assert_int_equal(n->obs12, obs12);
    assert_int_equal(n->r12, r12);
    assert_int_equal(n->suivies, suivies);
    assert_int_equal(n->sans, sans);
}

/* Not broken; started 1 March 2023, D_obs 30 June 2024: + 9 months = 1 Dec 2023 and + 12 =
 * 1 March 2024 are both <= D_obs; + 15 months = 1 June 2024 <= D_obs < 1 July 2024 = + 16. */
static void test_assess_not_broken(void **state)
{
    (void)state;
    rup_contract c;
    rup_assess(D(2023, 3, 1), DATE_NONE, D(2023, 9, 1), D(2024, 6, 30), &c);
    assert_int_equal(c.year, 2023);
    assert_int_equal(c.month, 3);
    check_counts(&c.n, 0, 0, 1, 0, 1, 0, 0, 0);
    assert_int_equal(c.days, 0);
    assert_int_equal(c.curve_observable, 15);
    assert_int_equal(c.curve_broken, NEVER);
}

/* Started 1 March 2023, D_obs 30 June 2024. Broken 14 April (day 44): within 45 days, 9 and 12
 * months; + 6 months = 14 Oct 2023, and the next contract starts 1 Sep 2023: followed. Within 2
 * months in the curve (1 April <= 14 April < 1 May). Broken 15 April (day 45): not within 45
 * days; no next contract and 15 Oct 2023 <= D_obs: known, not followed. */
static void test_assess_45_days(void **state)
{
    (void)state;
    rup_contract c;
    date_t debut = D(2023, 3, 1), dobs = D(2024, 6, 30);
    rup_assess(debut, D(2023, 4, 14), D(2023, 9, 1), dobs, &c);
    check_counts(&c.n, 1, 1, 1, 1, 1, 1, 1, 0);
    assert_int_equal(c.days, 44);
    assert_int_equal(c.curve_observable, 15);
    assert_int_equal(c.curve_broken, 2);

    rup_assess(debut, D(2023, 4, 15), DATE_NONE, dobs, &c);
    check_counts(&c.n, 1, 0, 1, 1, 1, 1, 0, 1);
    assert_int_equal(c.days, 45);
}

/* A rupture after D_obs is no rupture. Started 10 Jan 2024, D_obs 30 June 2024: + 5 months =
 * 10 June <= D_obs < 10 July = + 6; + 9 months (10 Oct) and + 12 are after D_obs. */
static void test_assess_rupture_after_dobs(void **state)
{
    (void)state;
    rup_contract c;
    rup_assess(D(2024, 1, 10), D(2024, 7, 1), DATE_NONE, D(2024, 6, 30), &c);
    check_counts(&c.n, 0, 0, 0, 0, 0, 0, 0, 0);
    assert_int_equal(c.days, 0);
    assert_int_equal(c.curve_observable, 5);
    assert_int_equal(c.curve_broken, NEVER);
}

/* Broken early, not yet observable for 9 months: started 10 Jan 2024, broken 1 Feb 2024 (day
 * 22: 21 days to 31 Jan, one more), D_obs 30 June 2024. Within 45 days (10 Jan + 45 = 24 Feb);
 * not counted in ruptures_9m / _12m (not observable); 1 Feb + 6 months = 1 Aug > D_obs and no
 * new contract: follow-up unknown, in neither column. Within 1 month in the curve. */
static void test_assess_not_observable(void **state)
{
    (void)state;
    rup_contract c;
    rup_assess(D(2024, 1, 10), D(2024, 2, 1), DATE_NONE, D(2024, 6, 30), &c);
    check_counts(&c.n, 1, 1, 0, 0, 0, 0, 0, 0);
    assert_int_equal(c.days, 22);
    assert_int_equal(c.curve_observable, 5);
    assert_int_equal(c.curve_broken, 1);
}

/* The 9-month boundary in a leap year: started 31 May 2023, + 9 months = 29 Feb 2024 = D_obs:
 * observable for 9 months (and 9 curve months: + 10 = 31 March > D_obs). Broken 28 Feb 2024
 * (day 273: 30 + 31 + 31 + 30 + 31 + 30 + 31 + 31 + 28) is within 9 months and in curve month 9;
 * broken 29 Feb it is not, and its curve month 10 is not observable. */
static void test_assess_9_months_leap(void **state)
{
    (void)state;
    rup_contract c;
    date_t debut = D(2023, 5, 31), dobs = D(2024, 2, 29);
    rup_assess(debut, D(2024, 2, 28), DATE_NONE, dobs, &c);
    check_counts(&c.n, 1, 0, 1, 1, 0, 0, 0, 0);
    assert_int_equal(c.days, 273);
    assert_int_equal(c.curve_observable, 9);
    assert_int_equal(c.curve_broken, 9);

    rup_assess(debut, D(2024, 2, 29), DATE_NONE, dobs, &c);
    check_counts(&c.n, 1, 0, 1, 0, 0, 0, 0, 0);
    assert_int_equal(c.days, 274);
    assert_int_equal(c.curve_broken, 10);
}

/* Between the windows: started 1 March 2023, D_obs 30 June 2024; + 9 months = 1 Dec 2023,
 * + 12 months = 1 March 2024 (both observable). Broken 15 Dec 2023 (day 289: 31 + 30 + 31 + 30
 * + 31 + 31 + 30 + 31 + 30 days to 1 Dec, 14 more): within 12 months, not 9; curve month 10
 * (1 Dec <= 15 Dec < 1 Jan); + 6 months = 15 June 2024 <= D_obs, none found: known. Broken 29 Feb
 * 2024 (day 365): within 12 months, curve month 12; broken 1 March 2024 (day 366): not within 12
 * months, curve month 13; for both + 6 months is after D_obs: the follow-up is unknown. */
static void test_assess_12_months(void **state)
{
    (void)state;
    rup_contract c;
    date_t debut = D(2023, 3, 1), dobs = D(2024, 6, 30);
    rup_assess(debut, D(2023, 12, 15), DATE_NONE, dobs, &c);
    check_counts(&c.n, 1, 0, 1, 0, 1, 1, 0, 1);
    assert_int_equal(c.days, 289);
    assert_int_equal(c.curve_broken, 10);

    rup_assess(debut, D(2024, 2, 29), DATE_NONE, dobs, &c);
    check_counts(&c.n, 1, 0, 1, 0, 1, 1, 0, 0);
    assert_int_equal(c.days, 365);
    assert_int_equal(c.curve_broken, 12);

    rup_assess(debut, D(2024, 3, 1), DATE_NONE, dobs, &c);
    check_counts(&c.n, 1, 0, 1, 0, 1, 0, 0, 0);
    assert_int_equal(c.days, 366);
    assert_int_equal(c.curve_broken, 13);
}

/* Follow-up exactly at 6 months: broken 31 Aug 2023, + 6 months = 29 Feb 2024. */
static void test_assess_follow_up(void **state)
{
    (void)state;
    rup_contract c;
    date_t debut = D(2023, 1, 2), r = D(2023, 8, 31), dobs = D(2024, 6, 30);
    rup_assess(debut, r, D(2024, 2, 29), dobs, &c);
    assert_int_equal(c.n.suivies, 1);
    assert_int_equal(c.n.sans, 0);
    rup_assess(debut, r, D(2024, 3, 1), dobs, &c);
    assert_int_equal(c.n.suivies, 0);
    assert_int_equal(c.n.sans, 1);
    /* D_obs 28 Feb 2024: the follow-up is not known yet */
    rup_assess(debut, r, D(2024, 3, 1), D(2024, 2, 28), &c);
    assert_int_equal(c.n.suivies, 0);
    assert_int_equal(c.n.sans, 0);
}

/* ---- median ---------------------------------------------------------------------------- */

static void test_median(void **state)
{
    (void)state;
    const uint64_t one[] = {7}, three[] = {3, 5, 100}, four[] = {1, 2, 3, 4},
                   four2[] = {1, 2, 4, 4};
    const uint64_t p12[] = {1, 2}, p24[] = {2, 4}, p25[] = {2, 5}, p00[] = {0, 0}, p01[] = {0, 1};
    /* the high 32 bits are the caller's group key */
    const uint64_t keyed[] = {(uint64_t)7 << 32 | 10, (uint64_t)7 << 32 | 11},
                   top[] = {(uint64_t)0xFFFFFFFF << 32 | 36500, (uint64_t)0xFFFFFFFF << 32 | 36501,
                            (uint64_t)0xFFFFFFFF << 32 | 36501};
    assert_int_equal(rup_median(one, 1), 7);
    assert_int_equal(rup_median(three, 3), 5);
    assert_int_equal(rup_median(p12, 2), 2);     /* 1.5 -> 2 */
    assert_int_equal(rup_median(p24, 2), 3);     /* 3 exactly */
    assert_int_equal(rup_median(p25, 2), 4);     /* 3.5 -> 4 */
    assert_int_equal(rup_median(p00, 2), 0);     /* 0 */
    assert_int_equal(rup_median(p01, 2), 1);     /* 0.5 -> 1 */
    assert_int_equal(rup_median(four, 4), 3);    /* (2 + 3) / 2 = 2.5 -> 3 */
    assert_int_equal(rup_median(four2, 4), 3);   /* (2 + 4) / 2 = 3 */
    assert_int_equal(rup_median(keyed, 2), 11);  /* 10.5 -> 11 */
    assert_int_equal(rup_median(top, 3), 36501); /* the middle of three */
    assert_int_equal(rup_median(top, 2), 36501); /* 36500.5 -> 36501 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_broken),
        cmocka_unit_test(test_45_days),
        cmocka_unit_test(test_45_days_leap),
        cmocka_unit_test(test_9_months_month_end),
        cmocka_unit_test(test_9_months_other_days),
        cmocka_unit_test(test_12_months_leap_day),
        cmocka_unit_test(test_12_months_other_days),
        cmocka_unit_test(test_follow_up_six_months_leap),
        cmocka_unit_test(test_follow_up_six_months),
        cmocka_unit_test(test_months_past),
        cmocka_unit_test(test_curve_observable),
        cmocka_unit_test(test_curve_broken),
        cmocka_unit_test(test_assess_not_broken),
        cmocka_unit_test(test_assess_45_days),
        cmocka_unit_test(test_assess_rupture_after_dobs),
        cmocka_unit_test(test_assess_not_observable),
        cmocka_unit_test(test_assess_9_months_leap),
        cmocka_unit_test(test_assess_12_months),
        cmocka_unit_test(test_assess_follow_up),
        cmocka_unit_test(test_median),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

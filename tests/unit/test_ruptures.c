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

/* A date written YYYYMMDD; 0 is DATE_NONE. */
static date_t date_of(long ymd)
{
    return ymd ? D((int)(ymd / 10000), (int)(ymd / 100 % 100), (int)(ymd % 100)) : DATE_NONE;
}

/* What rup_assess must give for one contract, worked out by hand in the comment above each. */
static const struct assess_case {
    long debut, rupture, next, dobs; /* YYYYMMDD, 0 for none */
    int year, month;
    /* ruptures, r45, obs9, r9, obs12, r12, suivies, sans */
    long n[8];
    int days, curve_observable, curve_broken;
} assess_cases[] = {
    /* 0. Not broken. Started 1 March 2023, D_obs 30 June 2024: + 9 months = 1 Dec 2023 and + 12
     * = 1 March 2024 are <= D_obs; + 15 months = 1 June 2024 <= D_obs < 1 July = + 16. */
    {20230301, 0, 20230901, 20240630, 2023, 3, {0, 0, 1, 0, 1, 0, 0, 0}, 0, 15, NEVER},
    /* 1. The same, broken 14 April (day 44): within 45 days, 9 and 12 months; + 6 months = 14 Oct
     * 2023 and the next contract starts 1 Sep 2023: followed. Curve month 2 (1 April <= 14 April
     * < 1 May). */
    {20230301, 20230414, 20230901, 20240630, 2023, 3, {1, 1, 1, 1, 1, 1, 1, 0}, 44, 15, 2},
    /* 2. Broken 15 April (day 45): not within 45 days; no next contract and 15 Oct 2023 <= D_obs:
     * known, not followed. */
    {20230301, 20230415, 0, 20240630, 2023, 3, {1, 0, 1, 1, 1, 1, 0, 1}, 45, 15, 2},
    /* 3. Broken on its first day: within every window and curve month 1; 1 Sep 2023 <= D_obs. */
    {20230301, 20230301, 0, 20240630, 2023, 3, {1, 1, 1, 1, 1, 1, 0, 1}, 0, 15, 1},
    /* 4. Between the windows: broken 15 Dec 2023 (day 289: 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 +
     * 30 days to 1 Dec, 14 more): within 12 months (1 March 2024), not 9 (1 Dec 2023); curve month
     * 10 (1 Dec <= 15 Dec < 1 Jan); + 6 months = 15 June 2024 <= D_obs: known. */
    {20230301, 20231215, 0, 20240630, 2023, 3, {1, 0, 1, 0, 1, 1, 0, 1}, 289, 15, 10},
    /* 5. Broken 29 Feb 2024 (day 365): within 12 months, curve month 12; 29 Aug 2024 > D_obs: the
     * follow-up is unknown. */
    {20230301, 20240229, 0, 20240630, 2023, 3, {1, 0, 1, 0, 1, 1, 0, 0}, 365, 15, 12},
    /* 6. Broken 1 March 2024 (day 366) = + 12 months: not within 12 months, curve month 13. */
    {20230301, 20240301, 0, 20240630, 2023, 3, {1, 0, 1, 0, 1, 0, 0, 0}, 366, 15, 13},
    /* 7. A rupture after D_obs is no rupture. Started 10 Jan 2024, D_obs 30 June 2024: + 5 months
     * = 10 June <= D_obs < 10 July = + 6; + 9 and + 12 months are after D_obs. */
    {20240110, 20240701, 0, 20240630, 2024, 1, {0, 0, 0, 0, 0, 0, 0, 0}, 0, 5, NEVER},
    /* 8. Broken 1 Feb 2024 (day 22: 21 days to 31 Jan, one more): within 45 days (10 Jan + 45 =
     * 24 Feb); not observable for 9 or 12 months, so in neither ruptures_9m nor _12m; 1 Aug > D_obs
     * and no new contract: follow-up unknown. Curve month 1 (< 10 Feb). */
    {20240110, 20240201, 0, 20240630, 2024, 1, {1, 1, 0, 0, 0, 0, 0, 0}, 22, 5, 1},
    /* 9. The 9-month boundary in a leap year: started 31 May 2023, + 9 months = 29 Feb 2024 =
     * D_obs: observable for 9 months (and 9 curve months: + 10 = 31 March > D_obs). Broken 28 Feb
     * 2024 (day 273: 30 + 31 + 31 + 30 + 31 + 30 + 31 + 31 + 28): within 9 months, curve month 9.
     */
    {20230531, 20240228, 0, 20240229, 2023, 5, {1, 0, 1, 1, 0, 0, 0, 0}, 273, 9, 9},
    /* 10. Broken 29 Feb 2024: not within 9 months; its curve month 10 is not observable. */
    {20230531, 20240229, 0, 20240229, 2023, 5, {1, 0, 1, 0, 0, 0, 0, 0}, 274, 9, 10},
    /* 11. Follow-up exactly at 6 months: started 2 Jan 2023, broken 31 Aug 2023 (day 241: 31 + 28
     * + 31 + 30 + 31 + 30 + 31 days to 2 Aug, 29 more), + 6 months = 29 Feb 2024, the next
     * contract starts that day: followed. + 45 days = 16 Feb 2023, + 9 months = 2 Oct 2023, + 12 =
     * 2 Jan 2024. Curve: + 17 months = 2 June 2024 <= D_obs < 2 July; broken in month 8 (2 Aug <=
     * 31 Aug < 2 Sep). */
    {20230102, 20230831, 20240229, 20240630, 2023, 1, {1, 0, 1, 1, 1, 1, 1, 0}, 241, 17, 8},
    /* 12. The next contract a day later, 1 March 2024: not followed, and known (29 Feb <= D_obs).
     */
    {20230102, 20230831, 20240301, 20240630, 2023, 1, {1, 0, 1, 1, 1, 1, 0, 1}, 241, 17, 8},
    /* 13. The same with D_obs 28 Feb 2024: not known yet (+ 13 months = 2 Feb 2024 <= D_obs). */
    {20230102, 20230831, 20240301, 20240228, 2023, 1, {1, 0, 1, 1, 1, 1, 0, 0}, 241, 13, 8},
    /* 14. Past the curve's 36 months: started 15 Jan 2020, broken 15 Jan 2023 = + 36 months (day
     * 1096: 366 + 365 + 365), not within 36 months; observable for 36 months at most. */
    {20200115, 20230115, 0, 20240630, 2020, 1, {1, 0, 1, 0, 1, 0, 0, 1}, 1096, 36, NEVER},
};

static void expect(size_t i, const char *what, long got, long want)
{
    if (got != want)
        fail_msg("assess_cases[%zu]: %s is %ld, expected %ld", i, what, got, want);
}

static void test_assess(void **state)
{
    (void)state;
    static const char *const names[8] = {"ruptures", "r45", "obs9",    "r9",
                                         "obs12",    "r12", "suivies", "sans"};
    size_t i, j;
    for (i = 0; i < sizeof assess_cases / sizeof *assess_cases; i++) {
        const struct assess_case *k = &assess_cases[i];
        rup_contract c;
        rup_assess(date_of(k->debut), date_of(k->rupture), date_of(k->next), date_of(k->dobs), &c);
        const long got[8] = {c.n.ruptures, c.n.r45, c.n.obs9,    c.n.r9,
                             c.n.obs12,    c.n.r12, c.n.suivies, c.n.sans};
        expect(i, "year", c.year, k->year);
        expect(i, "month", c.month, k->month);
        expect(i, "contrats", c.n.contrats, 1);
        for (j = 0; j < 8; j++)
            expect(i, names[j], got[j], k->n[j]);
        expect(i, "days", c.days, k->days);
        expect(i, "curve_observable", c.curve_observable, k->curve_observable);
        expect(i, "curve_broken", c.curve_broken, k->curve_broken);
    }
}

/* rup_assess splits each date once and takes the windows from the split
 * dates; the single rules above take them from whole dates. Both must agree
 * for every start day of four years (leap days and month ends included),
 * ruptures on and after the start, a next contract or none, and an
 * observation date before, inside and after every window. */
static void test_assess_agrees_with_the_rules(void **state)
{
    (void)state;
    static const int after[] = {0, 1, 27, 44, 45, 46, 180, 273, 290, 365, 366, 700, 1200};
    const date_t dobs[] = {D(2023, 6, 30), D(2024, 2, 29), D(2025, 1, 15), D(2027, 12, 31)};
    date_t debut;
    size_t a, o;
    for (debut = D(2021, 1, 1); debut < D(2025, 1, 1); debut++)
        for (o = 0; o < sizeof dobs / sizeof *dobs; o++)
            for (a = 0; a <= sizeof after / sizeof *after; a++) {
                /* a == the array's size: not broken */
                int broken_any = a < sizeof after / sizeof *after;
                date_t rupture = broken_any ? debut + after[a] : DATE_NONE;
                date_t next = a % 3 == 0 ? DATE_NONE : rupture + (a % 3 == 1 ? 100 : 200);
                int broken = broken_any && rup_is_broken(rupture, dobs[o]);
                int y, m, d, obs9 = rup_observable(debut, RUP_9_MONTHS, dobs[o]),
                             obs12 = rup_observable(debut, RUP_12_MONTHS, dobs[o]);
                enum rup_follow_up f = broken ? rup_follow_up(rupture, next, dobs[o]) : 0;
                rup_contract c;
                rup_assess(debut, rupture, broken ? next : DATE_NONE, dobs[o], &c);
                date_to_ymd(debut, &y, &m, &d);
                assert_int_equal(c.year, y);
                assert_int_equal(c.month, m);
                assert_int_equal(c.n.obs9, obs9);
                assert_int_equal(c.n.obs12, obs12);
                assert_int_equal(c.n.ruptures, broken);
                assert_int_equal(c.n.r45, broken && rup_broken_within(debut, rupture, RUP_45_DAYS));
                assert_int_equal(c.n.r9,
                                 broken && obs9 && rup_broken_within(debut, rupture, RUP_9_MONTHS));
                assert_int_equal(c.n.r12, broken && obs12 &&
                                              rup_broken_within(debut, rupture, RUP_12_MONTHS));
                assert_int_equal(c.n.suivies, broken && f == RUP_FOLLOWED);
                assert_int_equal(c.n.sans, broken && f == RUP_NOT_FOLLOWED);
                assert_int_equal(c.days, broken ? rupture - debut : 0);
                assert_int_equal(c.curve_observable, rup_curve_observable(debut, dobs[o]));
                assert_int_equal(c.curve_broken,
                                 broken ? rup_curve_broken(debut, rupture) : RUP_CURVE_MONTHS + 1);
            }
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
        cmocka_unit_test(test_assess),
        cmocka_unit_test(test_assess_agrees_with_the_rules),
        cmocka_unit_test(test_median),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

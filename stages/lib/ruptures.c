/* ruptures.c: the rupture rules of spec/indicators.md for one kept contract
 * (ruptures.h). */
#include "ruptures.h"

/* The 45-day window follows the legal period in which either party may end
 * the contract freely (counted here in calendar days); the 9-month one is
 * DARES's rupture-rate definition (spec/indicators.md). */
#define WINDOW_DAYS_45 45

/* Each rule once: the functions below and rup_assess share them. */
static int is_broken(date_t rupture, date_t dobs)
{
    return rupture != DATE_NONE && rupture <= dobs;
}

static int observable(date_t window_end, date_t dobs)
{
    return window_end <= dobs;
}

static int within(date_t rupture, date_t window_end)
{
    return rupture != DATE_NONE && rupture < window_end;
}

static enum rup_follow_up follow_up(date_t rupture, date_t next, date_t dobs)
{
    date_t end = date_add_months(rupture, RUP_FOLLOW_UP_MONTHS);
    if (next != DATE_NONE && next <= end)
        return RUP_FOLLOWED;
    return end <= dobs ? RUP_NOT_FOLLOWED : RUP_FOLLOW_UP_UNKNOWN;
}

/* rup_months_past with the years and months (1-12) of d and limit given:
 * d + (m - 1) months, m counted from d's month to limit's, lies in the
 * month before limit's, so it is never after limit; m or m + 1 is the
 * answer. */
static int months_past(date_t d, int dy, int dm, date_t limit, int ly, int lm)
{
    int m = (ly - dy) * 12 + lm - dm;
    if (m < 0)
        return 0;
    return date_add_months(d, m) > limit ? m : m + 1;
}

/* The curve's last observable month, from months_past(debut, dobs). */
static int curve_observable(int past_dobs)
{
    int m = past_dobs - 1;
    return m < 0 ? 0 : m > RUP_CURVE_MONTHS ? RUP_CURVE_MONTHS : m;
}

/* The curve's first month broken within, from months_past(debut, rupture):
 * a rupture on the start day is within 1 month. */
static int curve_broken(int past_rupture)
{
    int m = past_rupture < 1 ? 1 : past_rupture;
    return m > RUP_CURVE_MONTHS ? RUP_CURVE_MONTHS + 1 : m;
}

int rup_is_broken(date_t rupture, date_t dobs)
{
    return is_broken(rupture, dobs);
}

date_t rup_window_end(date_t debut, enum rup_window w)
{
    switch (w) {
    case RUP_45_DAYS:
        return debut + WINDOW_DAYS_45;
    case RUP_9_MONTHS:
        return date_add_months(debut, 9);
    case RUP_12_MONTHS:
    default:
        return date_add_months(debut, 12);
    }
}

int rup_observable(date_t debut, enum rup_window w, date_t dobs)
{
    return observable(rup_window_end(debut, w), dobs);
}

int rup_broken_within(date_t debut, date_t rupture, enum rup_window w)
{
    return within(rupture, rup_window_end(debut, w));
}

enum rup_follow_up rup_follow_up(date_t rupture, date_t next, date_t dobs)
{
    return follow_up(rupture, next, dobs);
}

int rup_months_past(date_t d, date_t limit)
{
    int dy, dm, dd, ly, lm, ld;
    date_to_ymd(d, &dy, &dm, &dd);
    date_to_ymd(limit, &ly, &lm, &ld);
    return months_past(d, dy, dm, limit, ly, lm);
}

int rup_curve_observable(date_t debut, date_t dobs)
{
    return curve_observable(rup_months_past(debut, dobs));
}

int rup_curve_broken(date_t debut, date_t rupture)
{
    if (rupture == DATE_NONE)
        return RUP_CURVE_MONTHS + 1;
    return curve_broken(rup_months_past(debut, rupture));
}

void rup_assess(date_t debut, date_t rupture, date_t next, date_t dobs, rup_contract *out)
{
    int d, oy, om, od, ry, rm, rd;
    date_t end9 = rup_window_end(debut, RUP_9_MONTHS), end12 = rup_window_end(debut, RUP_12_MONTHS);
    rup_counts *n = &out->n;
    enum rup_follow_up f;

    date_to_ymd(debut, &out->year, &out->month, &d);
    date_to_ymd(dobs, &oy, &om, &od);
    *n = (rup_counts){0};
    n->contrats = 1;
    n->obs9 = observable(end9, dobs);
    n->obs12 = observable(end12, dobs);
    out->days = 0;
    out->curve_observable =
        curve_observable(months_past(debut, out->year, out->month, dobs, oy, om));
    out->curve_broken = RUP_CURVE_MONTHS + 1;
    if (!is_broken(rupture, dobs))
        return;
    f = follow_up(rupture, next, dobs);
    date_to_ymd(rupture, &ry, &rm, &rd);
    n->ruptures = 1;
    n->r45 = within(rupture, rup_window_end(debut, RUP_45_DAYS));
    n->r9 = n->obs9 && within(rupture, end9);
    n->r12 = n->obs12 && within(rupture, end12);
    n->suivies = f == RUP_FOLLOWED;
    n->sans = f == RUP_NOT_FOLLOWED;
    out->days = rupture - debut;
    out->curve_broken = curve_broken(months_past(debut, out->year, out->month, rupture, ry, rm));
}

int32_t rup_median(const uint64_t *keys, size_t n)
{
    int64_t a, b;
    if (n % 2)
        return (int32_t)(uint32_t)keys[n / 2];
    a = (uint32_t)keys[n / 2 - 1];
    b = (uint32_t)keys[n / 2];
    /* durations are >= 0, so half up is (a + b + 1) / 2 */
    return (int32_t)((a + b + 1) / 2);
}

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

/* end: rupture + RUP_FOLLOW_UP_MONTHS months. */
static enum rup_follow_up follow_up(date_t end, date_t next, date_t dobs)
{
    if (next != DATE_NONE && next <= end)
        return RUP_FOLLOWED;
    return end <= dobs ? RUP_NOT_FOLLOWED : RUP_FOLLOW_UP_UNKNOWN;
}

/* The calendar parts of a date, split once (date_to_ymd). */
struct ymd {
    int y, m, d;
};

static struct ymd ymd_of(date_t dt)
{
    struct ymd r;
    date_to_ymd(dt, &r.y, &r.m, &r.d);
    return r;
}

/* a + n months (date_add_months). */
static date_t plus_months(struct ymd a, int n)
{
    return date_ymd_add_months(a.y, a.m, a.d, n);
}

/* rup_months_past with d and limit split: d + (m - 1) months, m counted
 * from d's month to limit's, lies in the month before limit's, so it is
 * never after limit; m or m + 1 is the answer. */
static int months_past(struct ymd d, date_t limit, struct ymd l)
{
    int m = (l.y - d.y) * 12 + l.m - d.m;
    if (m < 0)
        return 0;
    return plus_months(d, m) > limit ? m : m + 1;
}

/* debut + W, debut split as s. */
static date_t window_end(date_t debut, struct ymd s, enum rup_window w)
{
    switch (w) {
    case RUP_45_DAYS:
        return debut + WINDOW_DAYS_45;
    case RUP_9_MONTHS:
        return plus_months(s, 9);
    case RUP_12_MONTHS:
    default:
        return plus_months(s, 12);
    }
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
    return window_end(debut, ymd_of(debut), w);
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
    return follow_up(date_add_months(rupture, RUP_FOLLOW_UP_MONTHS), next, dobs);
}

int rup_months_past(date_t d, date_t limit)
{
    return months_past(ymd_of(d), limit, ymd_of(limit));
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

/* Each date is split once (date_to_ymd is the costly part of the rules,
 * run for every kept contract); the windows are then taken from the split
 * dates, with the same functions as above. */
void rup_assess(date_t debut, date_t rupture, date_t next, date_t dobs, rup_contract *out)
{
    struct ymd s = ymd_of(debut), o = ymd_of(dobs), r;
    date_t end9 = window_end(debut, s, RUP_9_MONTHS), end12 = window_end(debut, s, RUP_12_MONTHS);
    rup_counts *n = &out->n;
    enum rup_follow_up f;

    out->year = s.y;
    out->month = s.m;
    *n = (rup_counts){0};
    n->contrats = 1;
    n->obs9 = observable(end9, dobs);
    n->obs12 = observable(end12, dobs);
    out->days = 0;
    out->curve_observable = curve_observable(months_past(s, dobs, o));
    out->curve_broken = RUP_CURVE_MONTHS + 1;
    if (!is_broken(rupture, dobs))
        return;
    r = ymd_of(rupture);
    f = follow_up(plus_months(r, RUP_FOLLOW_UP_MONTHS), next, dobs);
    n->ruptures = 1;
    n->r45 = within(rupture, window_end(debut, s, RUP_45_DAYS));
    n->r9 = n->obs9 && within(rupture, end9);
    n->r12 = n->obs12 && within(rupture, end12);
    n->suivies = f == RUP_FOLLOWED;
    n->sans = f == RUP_NOT_FOLLOWED;
    out->days = rupture - debut;
    out->curve_broken = curve_broken(months_past(s, rupture, r));
}

void rup_counts_add(rup_counts *into, const rup_counts *x)
{
    into->contrats += x->contrats;
    into->ruptures += x->ruptures;
    into->r45 += x->r45;
    into->obs9 += x->obs9;
    into->r9 += x->r9;
    into->obs12 += x->obs12;
    into->r12 += x->r12;
    into->suivies += x->suivies;
    into->sans += x->sans;
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

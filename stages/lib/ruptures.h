/* ruptures.h: the rupture rules of spec/indicators.md for one kept
 * contract: when it is broken, the 45-day, 9-month and 12-month windows and
 * their observability ("Dates and windows"), the follow-up by the
 * apprentice's next contract and the median duration before a rupture
 * ("Ruptures"), and the months of the rupture curve ("Rupture curve").
 * Dates are values.h's days; "d + n months" is date_add_months (the same
 * day number, clamped to the month's last day). Pure functions: no
 * allocation, no I/O. */
#ifndef RUPTURES_H
#define RUPTURES_H

#include <stddef.h>
#include <stdint.h>

#include "values.h"

/* The windows W of "broken within W" and "observable for W". */
enum rup_window { RUP_45_DAYS, RUP_9_MONTHS, RUP_12_MONTHS };

/* The follow-up window after a rupture, in months. */
#define RUP_FOLLOW_UP_MONTHS 6
/* The rupture curve's months m = 1 .. RUP_CURVE_MONTHS since the start. */
#define RUP_CURVE_MONTHS 36

/* The rupture counts of one contract (each 0 or 1, contrats 1) or of a
 * group of contracts (their sums): the columns of the ruptures table. */
typedef struct rup_counts {
    long contrats, ruptures, r45, obs9, r9, obs12, r12, suivies, sans;
} rup_counts;

/* rup_counts_add: adds the counts of x into *into, column by column. */
void rup_counts_add(rup_counts *into, const rup_counts *x);

/* What one kept contract adds to the ruptures table and the curve. */
typedef struct rup_contract {
    int year, month; /* its cohort: the year and month (1-12) of its start */
    rup_counts n;
    int32_t days;         /* broken: days from the start to the rupture (>= 0 when the
                             rupture is not before the start), else 0 */
    int curve_observable; /* observable for m = 1 .. curve_observable (0 to 36) */
    int curve_broken;     /* broken within m months for every m >= curve_broken
                             (1 to 36); RUP_CURVE_MONTHS + 1 when not within 36 months */
} rup_contract;

/* rup_is_broken: 1 when a contract with this date_rupture (DATE_NONE when
 * it has none) counts as broken at the observation date dobs: the rupture
 * is on or before dobs. */
int rup_is_broken(date_t rupture, date_t dobs);

/* rup_window_end: debut + W, the first day no longer inside window w of a
 * contract started on debut (45 calendar days, or 9 or 12 months). */
date_t rup_window_end(date_t debut, enum rup_window w);

/* rup_observable: 1 when a contract started on debut is observable for w
 * at dobs: debut + W <= dobs. */
int rup_observable(date_t debut, enum rup_window w, date_t dobs);

/* rup_broken_within: 1 when a contract started on debut and broken on
 * rupture (DATE_NONE: not broken) is broken within w: rupture < debut + W.
 * The caller gives DATE_NONE for a rupture after the observation date
 * (rup_is_broken). */
int rup_broken_within(date_t debut, date_t rupture, enum rup_window w);

/* The follow-up of a broken contract. */
enum rup_follow_up {
    RUP_FOLLOW_UP_UNKNOWN, /* no new contract found, and rupture + 6 months > dobs */
    RUP_FOLLOWED,          /* a new contract by rupture + 6 months */
    RUP_NOT_FOLLOWED       /* known: rupture + 6 months <= dobs, and none found */
};

/* rup_follow_up: the follow-up of a contract broken on rupture, where next
 * is the earliest date_debut_contrat, after the broken contract's own, of
 * the apprentice's other kept contracts (of any région or OPCO), DATE_NONE
 * when there is none: followed when next <= rupture + 6 months. */
enum rup_follow_up rup_follow_up(date_t rupture, date_t next, date_t dobs);

/* rup_months_past: the smallest m >= 0 with d + m months > limit (0 when
 * limit < d). */
int rup_months_past(date_t d, date_t limit);

/* rup_curve_observable: the largest m <= RUP_CURVE_MONTHS with
 * debut + m months <= dobs, 0 when there is none: the contract is counted
 * in the curve's `observables` for m = 1 .. that m. */
int rup_curve_observable(date_t debut, date_t dobs);

/* rup_curve_broken: the smallest m >= 1 with rupture < debut + m months
 * (the contract is broken within m months for that m and every later one),
 * RUP_CURVE_MONTHS + 1 when rupture is DATE_NONE or that m is past
 * RUP_CURVE_MONTHS. */
int rup_curve_broken(date_t debut, date_t rupture);

/* rup_assess: everything one kept contract adds, at observation date dobs:
 * started on debut, broken on rupture (DATE_NONE when none; one after dobs
 * does not count), next as for rup_follow_up. The same rules as the
 * functions above, with each date converted once. */
void rup_assess(date_t debut, date_t rupture, date_t next, date_t dobs, rup_contract *out);

/* rup_median: the median duration before a rupture of n >= 1 durations in
 * days, sorted ascending, each the low 32 bits of keys[i] (the high bits
 * are the caller's and ignored): the middle one, or for an even count the
 * mean of the two middle ones rounded half up to a whole day. */
int32_t rup_median(const uint64_t *keys, size_t n);

#endif

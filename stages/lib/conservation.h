/* conservation.h: the checks on the counts of ingest and merge that the
 * quality stage makes before anything is published.
 *
 * Conservation (spec/indicators.md, "Data quality"): for every input file
 * lignes_lues = lignes_acceptees + lignes_rejetees, and over all contract
 * files lignes_acceptees = contracts kept + versions_remplacees +
 * exclus_annules + exclus_rupture_avant_debut + exclus_dispositif.
 * The reject rate (spec/outputs.md, "Exit codes"): a file of at least 20
 * data rows fails when lignes_rejetees > max_reject_rate x lignes_lues.
 *
 * Every comparison is exact: sums cannot wrap around, and the rate is
 * compared in integers. */
#ifndef CONSERVATION_H
#define CONSERVATION_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"

/* Files with fewer data rows than this are never held to max_reject_rate. */
#define CONSERVATION_RATE_MIN_ROWS 20

/* A max_reject_rate. The comparison uses billionths, exactly: in binary
 * floating point 0.29 x 100 is 28.999999999999996, so 29 rejects of 100
 * would break a limit of 0.29 that they meet. Rates with more than nine
 * decimals are rounded to nine. */
typedef struct conservation_rate {
    double value;  /* as given (for messages) */
    uint64_t nano; /* value x 10^9, rounded to the nearest integer */
} conservation_rate;

/* conservation_rate_parse: a fraction from 0 to 1 written as a decimal
 * number (strtod's syntax, the whole text; not NaN). 0, or -1 when text is
 * not one. */
int conservation_rate_parse(const char *text, conservation_rate *rate);

/* conservation_rows_hold: 1 when f's rows add up (read = accepted +
 * rejected), else 0. */
int conservation_rows_hold(const facts_input *f);

/* conservation_versions_hold: 1 when the accepted rows of the n contract
 * files equal the contracts kept plus the versions replaced and excluded
 * (merge's totals mt), else 0. *accepted gets the files' accepted rows
 * (ULONG_MAX when they do not fit), for the message. */
int conservation_versions_hold(const facts_input *contracts, size_t n, const facts_merge_total *mt,
                               unsigned long *accepted);

/* conservation_rate_exceeded: 1 when file f breaks max_reject_rate rate, else 0. */
int conservation_rate_exceeded(const conservation_rate *rate, const facts_input *f);

#endif

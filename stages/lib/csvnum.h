/* csvnum.h: the numbers of the pipeline's CSV reports (spec/outputs.md, "CSV
 * conventions": "." as decimal mark, no thousands separator) as the
 * workbook shows them: which values are numbers of a column's format, the
 * double a value is, and the characters it takes once formatted (the
 * column widths). */
#ifndef CSVNUM_H
#define CSVNUM_H

#include <stddef.h>

#include "oschema.h"

/* csvnum_ok: 1 when v is a number of format f: an optional "-", digits,
 * and for rates, means and medians (pct, decimal1, days) an optional "."
 * followed by digits; 24 characters at most. Else 0. */
int csvnum_ok(const char *v, enum oschema_format f);

/* csvnum_value: the value of v, which csvnum_ok accepted: the double
 * strtod gives, bit for bit, at a fraction of its cost for the usual
 * shapes (up to 15 digits). */
double csvnum_value(const char *v);

/* csvnum_width: the characters v, which csvnum_ok accepted, takes once
 * shown with f: "%.0f" for years, "%02.0f" for months, "%.1f" for rates
 * and decimals, "%.0f" and a thousands separator per three digits for
 * counts and days. An integer without leading zeros (and a number with
 * exactly one decimal, for rates and decimals) is measured as written. */
size_t csvnum_width(const char *v, enum oschema_format f);

#endif

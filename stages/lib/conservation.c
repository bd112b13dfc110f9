#include "conservation.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

int conservation_rate_parse(const char *text, conservation_rate *rate)
{
    char *end;
    double v = strtod(text, &end);
    /* !(v >= 0 && v <= 1) also refuses NaN, which compares false with everything */
    if (end == text || *end || !(v >= 0 && v <= 1))
        return -1;
    rate->value = v;
    /* |v - d/10^9| is at most 2^-53 for a rate d/10^9 of nine decimals, far
     * below the 0.5 that would round v x 10^9 to another integer than d */
    rate->nano = (uint64_t)llround(v * 1e9);
    return 0;
}

int conservation_rows_hold(const facts_input *f)
{
    return f->accepted <= f->read && f->read - f->accepted == f->rejected;
}

/* Subtracts x from *rest: 0, or -1 when x is larger (the sum it checks
 * would be larger than the total). */
static int take(unsigned long *rest, unsigned long x)
{
    if (x > *rest)
        return -1;
    *rest -= x;
    return 0;
}

int conservation_versions_hold(const facts_input *contracts, size_t n, const facts_merge_total *mt,
                               unsigned long *accepted)
{
    unsigned long sum = 0, rest;
    for (size_t i = 0; i < n; i++) {
        if (contracts[i].accepted > ULONG_MAX - sum) {
            *accepted = ULONG_MAX;
            return 0;
        }
        sum += contracts[i].accepted;
    }
    *accepted = rest = sum;
    if (take(&rest, mt->kept) || take(&rest, mt->replaced) || take(&rest, mt->cancelled) ||
        take(&rest, mt->rupture_before) || take(&rest, mt->dispositif))
        return 0;
    return rest == 0;
}

int conservation_rate_exceeded(const conservation_rate *rate, const facts_input *f)
{
    /* rejected > nano / 10^9 x read, in integers: both products fit in 128 bits */
    return f->read >= CONSERVATION_RATE_MIN_ROWS &&
           (unsigned __int128)f->rejected * 1000000000u > (unsigned __int128)rate->nano * f->read;
}

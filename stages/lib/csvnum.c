#include "csvnum.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int csvnum_ok(const char *v, enum oschema_format f)
{
    const char *p = v;
    if (*p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '.' && (f == OSCHEMA_PCT || f == OSCHEMA_DECIMAL1 || f == OSCHEMA_DAYS)) {
        p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return *p == '\0' && p - v <= 24;
}

/* With at most 15 digits in all, v is m / 10^k for integers m < 2^53 and
 * k <= 14, both exact doubles, and IEEE division rounds that quotient
 * correctly, as strtod rounds the decimal v: the same double. */
double csvnum_value(const char *v)
{
    static const double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6, 1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14};
    const char *p = v + (*v == '-');
    uint64_t m = 0;
    int digits = 0, k = -1;
    double x;

    for (; *p; p++) {
        if (*p == '.') {
            k = 0;
            continue;
        }
        m = m * 10 + (uint64_t)(*p - '0');
        if (++digits > 15)
            return strtod(v, NULL);
        k += k >= 0;
    }
    x = k > 0 ? (double)m / pow10[k] : (double)m;
    return *v == '-' ? -x : x;
}

size_t csvnum_width(const char *v, enum oschema_format f)
{
    char b[64];
    double x;
    int n, digits;
    const char *dot = strchr(v, '.');
    size_t len = strlen(v), ilen = dot ? (size_t)(dot - v) : len;
    /* the CSV conventions' usual shapes, measured without formatting them
     * (a tenth of the stage's time on a large run): an integer without
     * leading zeros, a percentage with exactly one decimal, a month */
    if (ilen > (size_t)(v[0] == '-') &&
        (ilen == (size_t)(v[0] == '-') + 1 || v[v[0] == '-'] != '0')) {
        digits = (int)ilen - (v[0] == '-');
        if (!dot && (f == OSCHEMA_COUNT || f == OSCHEMA_DAYS))
            return len + (size_t)(digits - 1) / 3;
        if (!dot && (f == OSCHEMA_YEAR || (f == OSCHEMA_MONTH && len >= 2)))
            return len;
        if (dot && len - ilen == 2 && (f == OSCHEMA_PCT || f == OSCHEMA_DECIMAL1))
            return len;
    }
    if (!dot && f == OSCHEMA_MONTH && v[0] != '-' && len <= 15) { /* "%02.0f" */
        size_t zeros = strspn(v, "0");
        digits = zeros == len ? 1 : (int)(len - zeros);
        return digits < 2 ? 2 : (size_t)digits;
    }
    x = strtod(v, NULL);
    switch (f) {
    case OSCHEMA_PCT:
    case OSCHEMA_DECIMAL1:
        n = snprintf(b, sizeof b, "%.1f", x);
        return (size_t)n;
    case OSCHEMA_MONTH:
        n = snprintf(b, sizeof b, "%02.0f", x);
        return (size_t)n;
    case OSCHEMA_COUNT:
    case OSCHEMA_DAYS:
        n = snprintf(b, sizeof b, "%.0f", x);
        digits = n - (b[0] == '-');
        return (size_t)(n + (digits - 1) / 3);
    default:
        n = snprintf(b, sizeof b, "%.0f", x);
        return (size_t)n;
    }
}

/* values.c: typed values of spec/inputs.md and the exact rounding of spec/indicators.md. */
#include "values.h"

#include "fold.h"

#include <string.h>

/* ---- calendar ---------------------------------------------------------- */

/* Days from civil and back: Howard Hinnant's exact algorithms
 * (http://howardhinnant.github.io/date_algorithms.html), on 400-year eras. */
date_t date_from_ymd(int y, int m, int d)
{
    long yy = (long)y - (m <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (date_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(date_t dt, int *y, int *m, int *d)
{
    long z = (long)dt + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = mm;
    *y = (int)(yoe + era * 400 + (mm <= 2));
}

int date_year(date_t dt)
{
    int y, m, d;
    date_to_ymd(dt, &y, &m, &d);
    return y;
}

int date_month(date_t dt)
{
    int y, m, d;
    date_to_ymd(dt, &y, &m, &d);
    return m;
}

/* YYYY-MM-DD and a NUL into buf (11 bytes); y below 10000. */
static void put_ymd(unsigned y, unsigned m, unsigned d, char *buf)
{
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

/* Years outside 0-9999 are written modulo 10000 (no parsed date is). */
void date_format(date_t dt, char *buf)
{
    int y, m, d;
    date_to_ymd(dt, &y, &m, &d);
    put_ymd((unsigned)(y < 0 ? -y : y) % 10000, (unsigned)m, (unsigned)d, buf);
}

int date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* m must be 1-12. */
int date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && date_is_leap(y) ? 29 : days[m - 1];
}

date_t date_ymd_add_months(int y, int m, int d, int n)
{
    long t = (long)y * 12 + (m - 1) + n;
    long ny = t >= 0 ? t / 12 : -((-t + 11) / 12);
    int nm = (int)(t - ny * 12) + 1;
    int dim = date_days_in_month((int)ny, nm);
    return date_from_ymd((int)ny, nm, d > dim ? dim : d);
}

/* DATE_NONE + n months is DATE_NONE. */
date_t date_add_months(date_t dt, int n)
{
    if (dt == DATE_NONE)
        return DATE_NONE;
    int y, m, d;
    date_to_ymd(dt, &y, &m, &d);
    return date_ymd_add_months(y, m, d, n);
}

/* ---- dates ------------------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the run of ASCII digits at s[i..len). */
static size_t digit_run(const char *s, size_t i, size_t len)
{
    size_t j = i;
    while (j < len && is_digit(s[j]))
        j++;
    return j - i;
}

/* Value of the n ASCII digits at s (n <= 9, digits checked by the caller). */
static long digits_value(const char *s, size_t n)
{
    long v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Exactly two digits at s[i], with value <= max. */
static int two_digits(const char *s, size_t i, size_t len, int max)
{
    return i + 2 <= len && is_digit(s[i]) && is_digit(s[i + 1]) && digits_value(s + i, 2) <= max;
}

/* The time suffix s[i..len) is "" or, after sep, "HH:MM" or "HH:MM:SS". */
static int time_suffix_ok(const char *s, size_t i, size_t len, int allow_t)
{
    if (i == len)
        return 1;
    if (!(s[i] == ' ' || (allow_t && s[i] == 'T')))
        return 0;
    i++;
    if (!two_digits(s, i, len, 23) || i + 2 >= len || s[i + 2] != ':' ||
        !two_digits(s, i + 3, len, 59))
        return 0;
    i += 5;
    if (i == len)
        return 1;
    return s[i] == ':' && two_digits(s, i + 1, len, 59) && i + 3 == len;
}

/* Parses a date into its fields; 0 or -1 (val_date's rules). */
static int parse_date(const char *s, size_t len, long *yy, long *mm, long *dd)
{
    long y, m, d;
    size_t i, n1 = digit_run(s, 0, len);
    int allow_t = 0;

    if (n1 == 8) { /* YYYYMMDD */
        y = digits_value(s, 4);
        m = digits_value(s + 4, 2);
        d = digits_value(s + 6, 2);
        i = 8;
    } else if (n1 == 4 && len >= 10 && s[4] == '-' && digit_run(s, 5, len) == 2 && s[7] == '-' &&
               digit_run(s, 8, len) == 2) { /* YYYY-MM-DD */
        y = digits_value(s, 4);
        m = digits_value(s + 5, 2);
        d = digits_value(s + 8, 2);
        i = 10;
        allow_t = 1;
    } else if ((n1 == 1 || n1 == 2) && n1 < len && (s[n1] == '/' || s[n1] == '-')) {
        char sep = s[n1];
        size_t n2 = digit_run(s, n1 + 1, len);
        size_t at = n1 + 1 + n2;
        if (n2 < 1 || n2 > 2 || at >= len || s[at] != sep || digit_run(s, at + 1, len) != 4)
            return -1;
        d = digits_value(s, n1);
        m = digits_value(s + n1 + 1, n2);
        y = digits_value(s + at + 1, 4);
        i = at + 5;
    } else {
        return -1;
    }
    if (!time_suffix_ok(s, i, len, allow_t))
        return -1;
    if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 || d > date_days_in_month((int)y, (int)m))
        return -1;
    *yy = y, *mm = m, *dd = d;
    return 0;
}

int val_date(const char *s, size_t len, date_t *out)
{
    long y, m, d;
    if (parse_date(s, len, &y, &m, &d))
        return -1;
    *out = date_from_ymd((int)y, (int)m, (int)d);
    return 0;
}

int val_date_iso(const char *s, size_t len, date_t *out, char *iso)
{
    long y, m, d;
    if (parse_date(s, len, &y, &m, &d))
        return -1;
    *out = date_from_ymd((int)y, (int)m, (int)d);
    put_ymd((unsigned)y, (unsigned)m, (unsigned)d, iso);
    return 0;
}

/* The first day a contract date may name (spec/inputs.md, "Dates"). */
#define FIRST_CONTRACT_YEAR 2000

int val_contract_date(const char *s, size_t len, date_t *out)
{
    date_t d;
    if (val_date(s, len, &d) != 0 || d < date_from_ymd(FIRST_CONTRACT_YEAR, 1, 1))
        return -1;
    *out = d;
    return 0;
}

int val_date_ymd(const char *s, size_t len, date_t *out)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    return val_date(s, len, out);
}

int val_observation_date(const char *s, date_t *out)
{
    date_t d;
    if (val_date_ymd(s, strlen(s), &d) || d < date_from_ymd(FIRST_CONTRACT_YEAR, 1, 1))
        return -1;
    *out = d;
    return 0;
}

/* A year 2000-2099 as the four digits at s: the year, or -1. */
static int year_at(const char *s)
{
    long y;
    if (digit_run(s, 0, 4) != 4)
        return -1;
    y = digits_value(s, 4);
    return y >= FIRST_CONTRACT_YEAR && y <= 2099 ? (int)y : -1;
}

int val_years(const char *s, int *first, int *last)
{
    size_t len = strlen(s);
    int a, b;
    if (len == 4) {
        if ((a = year_at(s)) < 0)
            return -1;
        *first = *last = a;
        return 0;
    }
    if (len != 9 || s[4] != '-' || (a = year_at(s)) < 0 || (b = year_at(s + 5)) < 0 || a > b)
        return -1;
    *first = a, *last = b;
    return 0;
}

int val_count(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (d > 9 || v > max / 10 || max - v * 10 < d)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* name may be a path: only the part after the last '/' is searched. The
 * date need only be valid under val_date (the caller applies the contract
 * date bound). */
int val_date_in_name(const char *name, date_t *out)
{
    const char *slash = strrchr(name, '/');
    const char *b = slash ? slash + 1 : name;
    size_t len = strlen(b);

    for (size_t i = 0; i < len; i++) {
        if (!is_digit(b[i]) || (i > 0 && is_digit(b[i - 1])))
            continue;
        size_t n = digit_run(b, i, len), clen;
        if (n == 8)
            clen = 8;
        else if (n == 4 && i + 10 <= len && b[i + 4] == '-' && digit_run(b, i + 5, len) == 2 &&
                 b[i + 7] == '-' && digit_run(b, i + 8, len) == 2)
            clen = 10;
        else
            continue;
        date_t d;
        if (val_date(b + i, clen, &d) == 0) {
            *out = d;
            return 0;
        }
    }
    return -1;
}

/* Both dates must be real dates (not DATE_NONE).
 * birth + 12k months lands in year(birth) + k, so k is the difference of
 * years, less one when this year's anniversary is still to come. */
int val_age(date_t birth, date_t start)
{
    int k = date_year(start) - date_year(birth);
    if (date_add_months(birth, 12 * k) > start)
        k--;
    return k;
}

/* Returns NULL for an age below 14 (such rows are rejected with AGE). */
const char *val_tranche_age(int age)
{
    if (age < 14)
        return NULL;
    if (age <= 17)
        return "15-17";
    if (age <= 20)
        return "18-20";
    if (age <= 25)
        return "21-25";
    return "26+";
}

/* The bands of the national statistics, which single out employers of
 * under 5 (spec/inputs.md, "Derived columns"). */
const char *const val_tranche_effectif_names[VAL_TRANCHES_EFFECTIF] = {"0-4",    "5-9",  "10-49",
                                                                       "50-249", "250+", "ND"};

int val_tranche_effectif_index(long staff)
{
    if (staff < 0)
        return 5;
    if (staff <= 4)
        return 0;
    if (staff <= 9)
        return 1;
    if (staff <= 49)
        return 2;
    if (staff <= 249)
        return 3;
    return 4;
}

const char *val_tranche_effectif(long staff)
{
    return val_tranche_effectif_names[val_tranche_effectif_index(staff)];
}

/* ---- identifiers ------------------------------------------------------- */

static char ascii_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* On failure out is "". */
int val_siret(const char *s, size_t len, char *out)
{
    char d[15];
    size_t n = 0, i = 0, l;

    out[0] = '\0';
    while (i < len) {
        if (fold_is_space(s + i, len - i, &l)) {
            i += l;
            continue;
        }
        if (!is_digit(s[i]) || n == 14)
            return -1;
        d[n++] = s[i++];
    }
    if (n != 14)
        return -1;
    d[14] = '\0';

    int sum = 0;
    if (memcmp(d, "356000000", 9) == 0) {
        for (size_t k = 0; k < 14; k++)
            sum += d[k] - '0';
        if (sum % 5 != 0)
            return -1;
    } else {
        /* Luhn: from the right, every second digit doubled; with 14 digits
         * those are the ones at even offsets from the left. */
        for (size_t k = 0; k < 14; k++) {
            int v = d[k] - '0';
            if (k % 2 == 0) {
                v *= 2;
                if (v > 9)
                    v -= 9;
            }
            sum += v;
        }
        if (sum % 10 != 0)
            return -1;
    }
    memcpy(out, d, 15);
    return 0;
}

/* On failure out is "". */
int val_uai(const char *s, size_t len, char *out)
{
    static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";

    out[0] = '\0';
    if (len != 8 || digit_run(s, 0, len) != 7 || !is_alpha(s[7]))
        return -1;
    char c = ascii_upper(s[7]);
    if (letters[digits_value(s, 7) % 23] != c)
        return -1;
    memcpy(out, s, 7);
    out[7] = c;
    out[8] = '\0';
    return 0;
}

/* On failure out is "". */
int val_postcode(const char *s, size_t len, char *out)
{
    out[0] = '\0';
    if (len != 5 || digit_run(s, 0, len) != 5)
        return -1;
    memcpy(out, s, 5);
    out[5] = '\0';
    return 0;
}

/* cp5 must hold 5 digits (a val_postcode result). */
void val_postcode_dept(const char *cp5, char *out)
{
    long v = digits_value(cp5, 5);
    size_t n = 2;

    if (v >= 20000 && v <= 20199) {
        memcpy(out, "2A", 3);
        return;
    }
    if (v >= 20200 && v <= 20699) {
        memcpy(out, "2B", 3);
        return;
    }
    if (cp5[0] == '9' && (cp5[1] == '7' || cp5[1] == '8'))
        n = 3;
    memcpy(out, cp5, n);
    out[n] = '\0';
}

int val_postcode_dept_index(const char *cp5)
{
    long v = digits_value(cp5, 5);
    if (v >= 20000 && v <= 20199)
        return 1000;
    if (v >= 20200 && v <= 20699)
        return 1001;
    if (cp5[0] == '9' && (cp5[1] == '7' || cp5[1] == '8'))
        return (int)(v / 100);
    return (int)(v / 1000);
}

/* One dot anywhere is removed; on failure out is "". */
int val_naf(const char *s, size_t len, char *out)
{
    char buf[5];
    size_t n = 0;
    int dots = 0;

    out[0] = '\0';
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            if (++dots > 1)
                return -1;
            continue;
        }
        if (n == 5)
            return -1;
        buf[n++] = s[i];
    }
    if (n != 5 || digit_run(buf, 0, 5) != 4 || !is_alpha(buf[4]))
        return -1;
    memcpy(out, buf, 4);
    out[4] = ascii_upper(buf[4]);
    out[5] = '\0';
    return 0;
}

/* On failure out is "". */
int val_idcc(const char *s, size_t len, char *out)
{
    out[0] = '\0';
    if (len < 1 || len > 4 || digit_run(s, 0, len) != len)
        return -1;
    memset(out, '0', 4 - len);
    memcpy(out + 4 - len, s, len);
    out[4] = '\0';
    return 0;
}

/* After the prefix, spec white space may separate it from the digits.
 * On failure out is "". */
int val_rncp(const char *s, size_t len, char *out)
{
    size_t i = 0, l;

    out[0] = '\0';
    if (len >= 4 && ascii_upper(s[0]) == 'R' && ascii_upper(s[1]) == 'N' &&
        ascii_upper(s[2]) == 'C' && ascii_upper(s[3]) == 'P') {
        i = 4;
        while (fold_is_space(s + i, len - i, &l))
            i += l;
    }
    size_t n = len - i;
    if (n < 1 || n > 6 || digit_run(s, i, len) != n)
        return -1;
    memcpy(out, "RNCP", 4);
    memcpy(out + 4, s + i, n);
    out[4 + n] = '\0';
    return 0;
}

/* On failure out is "". */
int val_cfd(const char *s, size_t len, char *out)
{
    out[0] = '\0';
    if (len != 8)
        return -1;
    for (size_t i = 0; i < 8; i++)
        if (!is_digit(s[i]) && !is_alpha(s[i]))
            return -1;
    for (size_t i = 0; i < 8; i++)
        out[i] = ascii_upper(s[i]);
    out[8] = '\0';
    return 0;
}

int val_niveau(const char *s, size_t len)
{
    static const char *const roman[] = {"V", "IV", "III", "II", "I"};

    if (len == 1 && s[0] >= '3' && s[0] <= '8')
        return s[0] - '0';
    for (int k = 0; k < 5; k++) {
        size_t rl = strlen(roman[k]), i;
        if (rl != len)
            continue;
        for (i = 0; i < len && ascii_upper(s[i]) == roman[k][i]; i++)
            ;
        if (i == len)
            return 3 + k;
    }
    return -1;
}

/* cfd may be NULL or "" (-1). */
int val_niveau_from_cfd(const char *cfd)
{
    if (cfd == NULL)
        return -1;
    switch (cfd[0]) {
    case '5':
        return 3;
    case '4':
        return 4;
    case '3':
        return 5;
    case '2':
        return 6;
    case '1':
        return 7;
    case '8':
        return 8;
    default:
        return -1;
    }
}

long val_uint(const char *s, size_t len)
{
    if (len < 1 || len > 9 || digit_run(s, 0, len) != len)
        return -1;
    return digits_value(s, len);
}

/* Case-insensitive equality of s[0..len) with the lower-case ASCII word w. */
static int word_eq(const char *s, size_t len, const char *w)
{
    size_t i = 0;
    for (; i < len && w[i]; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != w[i])
            return 0;
    }
    return i == len && w[i] == '\0';
}

int val_bool(const char *s, size_t len)
{
    static const char *const yes[] = {"oui", "o", "true", "1"};
    static const char *const no[] = {"non", "n", "false", "0"};

    for (int k = 0; k < 4; k++) {
        if (word_eq(s, len, yes[k]))
            return 1;
        if (word_eq(s, len, no[k]))
            return 0;
    }
    return -1;
}

/* ---- rounding ---------------------------------------------------------- */

__extension__ typedef unsigned __int128 u128;

/* Writes scale*a/b/10 to one decimal, rounded half away from zero, as
 * [-]I.D; "-0.0" is written "0.0". |a| and |b| are exact in uint64_t (also
 * for INT64_MIN) and |a|*scale in u128, so nothing overflows. */
static int tenths_format(int64_t a, int64_t b, unsigned scale, char *buf)
{
    if (b == 0) {
        buf[0] = '\0';
        return -1;
    }
    int neg = (a < 0) != (b < 0);
    uint64_t ua = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
    uint64_t ub = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
    u128 num = (u128)ua * scale;
    u128 q = num / ub, r = num % ub;
    if (r >= ub - r)
        q++;

    char tmp[48];
    size_t n = 0;
    if (q == 0)
        neg = 0;
    tmp[n++] = (char)('0' + (unsigned)(q % 10));
    tmp[n++] = '.';
    q /= 10;
    do {
        tmp[n++] = (char)('0' + (unsigned)(q % 10));
        q /= 10;
    } while (q > 0);
    if (neg)
        tmp[n++] = '-';
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return 0;
}

int pct_format(int64_t a, int64_t b, char *buf)
{
    return tenths_format(a, b, 1000, buf);
}

int ratio_format(int64_t a, int64_t b, char *buf)
{
    return tenths_format(a, b, 10, buf);
}

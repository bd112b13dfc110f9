/* fuzz_values.c: the value checks of spec/inputs.md (stages/lib/values.c,
 * fold.c, utf8.c) on any bytes: dates, years, SIRET, UAI, postcodes and the
 * other typed values, F() and N(), trimming, UTF-8. What each returns is
 * checked against its contract where it has one (lengths, NUL-terminated
 * outputs, ranges; the UTF-8 decoder and validator agree, and what is
 * decoded encodes back to the same bytes). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "csvin.h"
#include "fold.h"
#include "fuzz.h"
#include "utf8.h"
#include "values.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

/* out must hold a NUL within its n bytes and be n_expected long (or any length, -1). */
static void out_ok(const char *out, size_t cap, long expected)
{
    const char *z = memchr(out, 0, cap);
    if (!z || (expected >= 0 && z - out != expected))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), out[64], iso[11];
    char *folded;
    date_t d;
    size_t n, f;
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (!val_date(s, size, &d)) {
        int y, m, dd;
        date_to_ymd(d, &y, &m, &dd);
        if (y < 1900 || y > 2099 || m < 1 || m > 12 || dd < 1 || dd > date_days_in_month(y, m))
            abort();
        (void)date_add_months(d, (int)(size % 400) - 200);
    }
    if (!val_date_iso(s, size, &d, iso))
        out_ok(iso, sizeof iso, 10);
    (void)val_contract_date(s, size, &d);
    (void)val_date_in_name(s, &d);
    if (!val_date_ymd(s, size, &d) && (size != 10 || val_date(s, size, &d)))
        abort();
    if (!val_observation_date(s, &d) && d < date_from_ymd(2000, 1, 1))
        abort();
    {
        int a, b;
        if (!val_years(s, &a, &b) && (a < 2000 || b > 2099 || a > b))
            abort();
    }
    {
        /* a whole number is digits only, within its bound, and reads back the same (but for
         * leading zeros) */
        unsigned long v, max = size % 2 ? 1000000UL : ULONG_MAX;
        char back[32];
        if (!val_count(s, max, &v)) {
            size_t z = strspn(s, "0"), len = strlen(s);
            snprintf(back, sizeof back, "%lu", v);
            if (v > max || strspn(s, "0123456789") != len || strcmp(back, z == len ? "0" : s + z))
                abort();
        }
    }
    {
        size_t i = 0, k;
        uint32_t cp;
        char enc[4];
        while (i < size && (k = utf8_decode(data + i, size - i, &cp)) != 0) {
            if (utf8_encode(cp, enc) != k || memcmp(enc, data + i, k))
                abort();
            i += k;
        }
        if ((i == size) != utf8_valid(s, size))
            abort();
    }
    if (!val_siret(s, size, out))
        out_ok(out, 15, 14);
    if (!val_uai(s, size, out))
        out_ok(out, 9, 8);
    if (!val_postcode(s, size, out)) {
        char dept[4];
        out_ok(out, 6, 5);
        val_postcode_dept(out, dept);
        out_ok(dept, sizeof dept, -1);
    }
    if (!val_naf(s, size, out))
        out_ok(out, 6, 5);
    if (!val_idcc(s, size, out))
        out_ok(out, 5, 4);
    if (!val_rncp(s, size, out))
        out_ok(out, 11, -1);
    if (!val_cfd(s, size, out)) {
        out_ok(out, 9, 8);
        (void)val_niveau_from_cfd(out);
    }
    (void)val_niveau(s, size);
    (void)val_uint(s, size);
    (void)val_bool(s, size);
    if (size >= 8) {
        int32_t a, b;
        memcpy(&a, data, 4);
        memcpy(&b, data + 4, 4);
        (void)pct_format(a, b, out);
        (void)ratio_format(a, b, out);
        (void)val_age((date_t)(a % 100000), (date_t)(b % 100000));
    }
    /* F() and N(): the length they return, with and without room */
    n = fold_F(s, size, NULL, 0);
    folded = malloc(n + 1);
    if (folded) {
        f = fold_F(s, size, folded, n + 1);
        if (f != n || strlen(folded) != n)
            abort();
        f = fold_N(s, size, folded, n + 1);
        if (f != n || strlen(folded) != n)
            abort();
        free(folded);
    }
    (void)fold_F(s, size, out, 8);
    out_ok(out, 8, -1);
    n = size;
    (void)fold_trim(s, &n);
    n = size;
    (void)csvin_trim(s, &n);
    free(s);
    return 0;
}

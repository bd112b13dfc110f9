/* test_linsys.c: the exact sparse solver (linsys.h). Small systems worked out by hand (a table
 * with its totals, an odd cycle, cumulative sums, a fraction), overflow and inconsistency, and
 * random systems checked against an independent oracle: an unknown v is determined exactly when
 * column v is not in the span of the other columns, that is when removing it lowers the rank;
 * ranks are computed densely modulo the prime 2^31 - 1, and each determined value is compared
 * with the integer solution the right-hand sides were built from. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linsys.h"

/* adds one equation given as n (unknown, coefficient) pairs */
static void eq(linsys *s, int64_t rhs, size_t n, ...)
{
    uint32_t v[16];
    int64_t c[16];
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        v[i] = (uint32_t)va_arg(ap, int);
        c[i] = va_arg(ap, int64_t);
    }
    va_end(ap);
    assert_int_equal(linsys_add(s, v, c, n, rhs), 0);
}

static void solve_ok(linsys *s)
{
    char err[256] = "";
    if (linsys_solve(s, err, sizeof err))
        fail_msg("linsys_solve: %s", err);
}

static void is_value(const linsys *s, size_t v, int64_t num, int64_t den)
{
    int64_t a = 0, b = 0;
    if (!linsys_determined(s, v, &a, &b))
        fail_msg("unknown %zu is not determined (expected %lld/%lld)", v, (long long)num,
                 (long long)den);
    assert_int_equal(a, num);
    assert_int_equal(b, den);
}

#define C(x) ((int64_t)(x))

static void test_two_equations(void **state)
{
    (void)state;
    /* x + y = 5, x - y = 1: x = 3, y = 2 */
    linsys *s = linsys_new(2);
    eq(s, 5, 2, 0, C(1), 1, C(1));
    eq(s, 1, 2, 0, C(1), 1, C(-1));
    solve_ok(s);
    is_value(s, 0, 3, 1);
    is_value(s, 1, 2, 1);
    assert_int_equal(linsys_rank(s), 2);
    assert_int_equal(linsys_consistent(s), 1);
    linsys_free(s);

    /* x + y = 5 alone: neither is determined */
    s = linsys_new(2);
    eq(s, 5, 2, 0, C(1), 1, C(1));
    solve_ok(s);
    assert_int_equal(linsys_determined(s, 0, NULL, NULL), 0);
    assert_int_equal(linsys_determined(s, 1, NULL, NULL), 0);
    assert_int_equal(linsys_rank(s), 1);
    linsys_free(s);
}

static void test_table_with_totals(void **state)
{
    (void)state;
    /* a 2 x 2 table a b / c d hidden, its four margins published:
     * a + b = 7, c + d = 9, a + c = 8, b + d = 8. Rank 3 over 4 unknowns: the null vector
     * (+1, -1, -1, +1) is non-zero everywhere, so nothing is determined. */
    linsys *s = linsys_new(4);
    eq(s, 7, 2, 0, C(1), 1, C(1));
    eq(s, 9, 2, 2, C(1), 3, C(1));
    eq(s, 8, 2, 0, C(1), 2, C(1));
    eq(s, 8, 2, 1, C(1), 3, C(1));
    solve_ok(s);
    assert_int_equal(linsys_rank(s), 3);
    for (size_t v = 0; v < 4; v++)
        assert_int_equal(linsys_determined(s, v, NULL, NULL), 0);
    linsys_free(s);

    /* the same table with b published (b = 3): a = 4, d = 5, then c = 4 */
    s = linsys_new(4);
    eq(s, 7, 2, 0, C(1), 1, C(1));
    eq(s, 9, 2, 2, C(1), 3, C(1));
    eq(s, 8, 2, 0, C(1), 2, C(1));
    eq(s, 8, 2, 1, C(1), 3, C(1));
    eq(s, 3, 1, 1, C(1));
    solve_ok(s);
    is_value(s, 0, 4, 1);
    is_value(s, 1, 3, 1);
    is_value(s, 2, 4, 1);
    is_value(s, 3, 5, 1);
    linsys_free(s);
}

static void test_odd_cycle(void **state)
{
    (void)state;
    /* a + b = 2, b + c = 2, a + c = 2: every line has two unknowns, yet the sum of the three
     * equations is 2(a + b + c) = 6, so a = 3 - 2 = 1, b = 1, c = 1 */
    linsys *s = linsys_new(3);
    eq(s, 2, 2, 0, C(1), 1, C(1));
    eq(s, 2, 2, 1, C(1), 2, C(1));
    eq(s, 2, 2, 0, C(1), 2, C(1));
    solve_ok(s);
    is_value(s, 0, 1, 1);
    is_value(s, 1, 1, 1);
    is_value(s, 2, 1, 1);
    linsys_free(s);
}

static void test_cumulative_sums(void **state)
{
    (void)state;
    /* months: cumul(m) = cumul(m-1) + mois(m). Unknowns: mois(2) = x0, mois(3) = x1,
     * cumul(2) = x2 hidden; cumul(1) = 10 and cumul(3) = 17 published.
     * cumul(2) - mois(2) = 10, 17 - cumul(2) - mois(3) = 0: two equations, three unknowns,
     * nothing determined; publishing mois(3) = 4 gives cumul(2) = 13 and mois(2) = 3. */
    linsys *s = linsys_new(3);
    eq(s, 10, 2, 2, C(1), 0, C(-1));
    eq(s, -17, 2, 2, C(-1), 1, C(-1));
    solve_ok(s);
    for (size_t v = 0; v < 3; v++)
        assert_int_equal(linsys_determined(s, v, NULL, NULL), 0);
    linsys_free(s);
    s = linsys_new(3);
    eq(s, 10, 2, 2, C(1), 0, C(-1));
    eq(s, -17, 2, 2, C(-1), 1, C(-1));
    eq(s, 4, 1, 1, C(1));
    solve_ok(s);
    is_value(s, 0, 3, 1);
    is_value(s, 1, 4, 1);
    is_value(s, 2, 13, 1);
    linsys_free(s);
}

static void test_fractions_and_merging(void **state)
{
    (void)state;
    /* 2x = 3: x = 3/2; -4y = 6: y = -3/2 (the sign goes to the numerator) */
    linsys *s = linsys_new(3);
    eq(s, 3, 1, 0, C(2));
    eq(s, 6, 1, 1, C(-4));
    /* a repeated unknown is summed, a zero coefficient dropped: x + x - 2x + z = 4 -> z = 4 */
    eq(s, 4, 4, 0, C(1), 0, C(1), 0, C(-2), 2, C(1));
    solve_ok(s);
    is_value(s, 0, 3, 2);
    is_value(s, 1, -3, 2);
    is_value(s, 2, 4, 1);
    linsys_free(s);
}

static void test_inconsistent_and_errors(void **state)
{
    (void)state;
    /* x = 1 and x = 2: no solution; 0 = 5 is recorded too */
    linsys *s = linsys_new(1);
    eq(s, 1, 1, 0, C(1));
    eq(s, 2, 1, 0, C(1));
    solve_ok(s);
    assert_int_equal(linsys_consistent(s), 0);
    linsys_free(s);
    s = linsys_new(2);
    eq(s, 5, 2, 0, C(1), 0, C(-1));
    assert_int_equal(linsys_consistent(s), 0);
    /* an unknown out of range, INT64_MIN, and adding after solving are refused */
    uint32_t v = 2;
    int64_t c = 1;
    assert_int_equal(linsys_add(s, &v, &c, 1, 0), -1);
    v = 0;
    c = INT64_MIN;
    assert_int_equal(linsys_add(s, &v, &c, 1, 0), -1);
    c = 1;
    solve_ok(s);
    assert_int_equal(linsys_add(s, &v, &c, 1, 0), -1);
    linsys_free(s);
    linsys_free(NULL);
}

static void test_overflow(void **state)
{
    (void)state;
    /* 4000000007 x + 4000000009 y = 1 and 4000000009 x + 4000000007 y = 2: eliminating x
     * multiplies the coefficients (about 1.6e19 > 2^63 - 1): refused, not wrapped */
    linsys *s = linsys_new(2);
    eq(s, 1, 2, 0, C(4000000007), 1, C(4000000009));
    eq(s, 2, 2, 0, C(4000000009), 1, C(4000000007));
    char err[256] = "";
    assert_int_equal(linsys_solve(s, err, sizeof err), -1);
    assert_non_null(strstr(err, "overflow"));
    linsys_free(s);
}

static void test_parameters(void **state)
{
    (void)state;
    /* unknowns a = 0, b = 1; parameters T = 2, P = 3, Q = 4, R = 5 (published cells kept
     * symbolic): a + b = T, b = P, and P + Q = R among parameters alone. a = T - P is
     * determined; its row holds T and P. Hiding T alone would leave a + b = T with T and a
     * unknown: a undetermined, so T is free. Hiding P alone: P = R - Q still gives it, so P is
     * bound (not free), and so are Q and R. */
    linsys *s = linsys_new(6);
    for (size_t v = 2; v < 6; v++)
        assert_int_equal(linsys_param(s, v), 0);
    eq(s, 0, 3, 0, C(1), 1, C(1), 2, C(-1));
    eq(s, 0, 2, 1, C(1), 3, C(-1));
    eq(s, 0, 3, 3, C(1), 4, C(1), 5, C(-1));
    solve_ok(s);
    int64_t num = 7, den = 7;
    assert_int_equal(linsys_determined(s, 0, &num, &den), 1);
    assert_int_equal(den, 0); /* a function of parameters: no value */
    assert_int_equal(linsys_determined(s, 1, NULL, NULL), 1);
    assert_int_equal(linsys_determined(s, 2, NULL, NULL), 0); /* a parameter is not asked */
    const uint32_t *var;
    const int64_t *coef;
    int64_t rhs;
    size_t n = linsys_row(s, 0, &var, &coef, &rhs);
    assert_int_equal(n, 3);
    /* entries sorted by unknown: a, T, P with a's coefficient opposite to T's, equal to P's */
    assert_int_equal(var[0], 0);
    assert_int_equal(var[1], 2);
    assert_int_equal(var[2], 3);
    assert_int_equal(coef[0], -coef[1]);
    assert_int_equal(coef[0], coef[2]);
    assert_int_equal(rhs, 0);
    assert_int_equal(linsys_param_free(s, 2), 1);
    assert_int_equal(linsys_param_free(s, 3), 0);
    assert_int_equal(linsys_param_free(s, 4), 0);
    assert_int_equal(linsys_param_free(s, 5), 0);
    assert_int_equal(linsys_param_free(s, 0), 0); /* not a parameter */
    linsys_free(s);

    /* a 2 x 2 table hidden (a b / c d = 0..3) with its four margins as parameters (4..7):
     * nothing determined, and the margins are tied by one relation among themselves
     * (4 + 5 = 6 + 7: both add up to the grand total), so none is free */
    s = linsys_new(8);
    for (size_t v = 4; v < 8; v++)
        assert_int_equal(linsys_param(s, v), 0);
    eq(s, 0, 3, 0, C(1), 1, C(1), 4, C(-1));
    eq(s, 0, 3, 2, C(1), 3, C(1), 5, C(-1));
    eq(s, 0, 3, 0, C(1), 2, C(1), 6, C(-1));
    eq(s, 0, 3, 1, C(1), 3, C(1), 7, C(-1));
    solve_ok(s);
    for (size_t v = 0; v < 4; v++)
        assert_int_equal(linsys_determined(s, v, NULL, NULL), 0);
    for (size_t v = 4; v < 8; v++)
        assert_int_equal(linsys_param_free(s, v), 0);
    assert_int_equal(linsys_param(s, 1), -1); /* not after solving */
    linsys_free(s);
}

/* ---- random systems against the oracle ------------------------------------ */

#define P 2147483647LL

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static int64_t pmod(int64_t a)
{
    a %= P;
    return a < 0 ? a + P : a;
}

static int64_t inv(int64_t a)
{
    int64_t r = 1, e = P - 2;
    a = pmod(a);
    while (e) {
        if (e & 1)
            r = (int64_t)((__int128)r * a % P);
        a = (int64_t)((__int128)a * a % P);
        e >>= 1;
    }
    return r;
}

/* rank modulo P of the m x n matrix a (row-major), over the columns whose use[] is set (all
 * when use is NULL) leaving column skip out (-1: none) */
static size_t rank_mod(const int64_t *a, size_t m, size_t n, long skip, const int *use)
{
    int64_t *b = malloc(m * n * sizeof *b);
    size_t r = 0;
    for (size_t i = 0; i < m * n; i++)
        b[i] = pmod(a[i]);
    for (size_t c = 0; c < n && r < m; c++) {
        size_t p = r;
        if ((long)c == skip || (use && !use[c]))
            continue;
        while (p < m && b[p * n + c] == 0)
            p++;
        if (p == m)
            continue;
        for (size_t k = 0; k < n; k++) {
            int64_t t = b[p * n + k];
            b[p * n + k] = b[r * n + k];
            b[r * n + k] = t;
        }
        int64_t iv = inv(b[r * n + c]);
        for (size_t i = 0; i < m; i++) {
            if (i == r || b[i * n + c] == 0)
                continue;
            int64_t f = (int64_t)((__int128)b[i * n + c] * iv % P);
            for (size_t k = 0; k < n; k++)
                b[i * n + k] = pmod(b[i * n + k] - (int64_t)((__int128)f * b[r * n + k] % P));
        }
        r++;
    }
    free(b);
    return r;
}

static void test_random_against_oracle(void **state)
{
    (void)state;
    size_t determined = 0, total = 0, params = 0;
    for (int trial = 0; trial < 400; trial++) {
        size_t n = 1 + rnd(12), m = 1 + rnd(14);
        int64_t *a = calloc(m * n, sizeof *a), x[16];
        linsys *s = linsys_new(n);
        for (size_t j = 0; j < n; j++)
            x[j] = (int64_t)rnd(41) - 20;
        for (size_t i = 0; i < m; i++) {
            uint32_t v[16];
            int64_t c[16], rhs = 0;
            size_t k = 0;
            /* sparse rows of small coefficients, mostly +-1 as in the tables' relations */
            for (size_t j = 0; j < n; j++)
                if (rnd(3) == 0) {
                    static const int64_t pick[] = {1, -1, 1, -1, 2, -3};
                    a[i * n + j] = pick[rnd(6)];
                    v[k] = (uint32_t)j;
                    c[k++] = a[i * n + j];
                    rhs += a[i * n + j] * x[j];
                }
            assert_int_equal(linsys_add(s, v, c, k, rhs), 0);
        }
        solve_ok(s);
        size_t rk = rank_mod(a, m, n, -1, NULL);
        assert_int_equal(linsys_rank(s), rk);
        assert_int_equal(linsys_consistent(s), 1);
        for (size_t j = 0; j < n; j++) {
            int want = rank_mod(a, m, n, (long)j, NULL) < rk;
            int64_t num, den;
            int got = linsys_determined(s, j, &num, &den);
            if (got != want)
                fail_msg("trial %d, unknown %zu: determined %d, oracle %d", trial, j, got, want);
            if (got) {
                assert_int_equal(den, 1);
                assert_int_equal(num, x[j]);
                determined++;
            }
            total++;
        }
        linsys_free(s);
        /* the same equations with about a third of the unknowns made parameters: an unknown is
         * determined when its column is outside the span of the other unknowns' columns; a
         * parameter is free when its column is inside the span of the unknowns' columns */
        int use[16];
        s = linsys_new(n);
        for (size_t j = 0; j < n; j++) {
            use[j] = rnd(3) != 0;
            if (!use[j])
                assert_int_equal(linsys_param(s, j), 0);
        }
        for (size_t i = 0; i < m; i++) {
            uint32_t v[16];
            int64_t c[16];
            size_t k = 0;
            for (size_t j = 0; j < n; j++)
                if (a[i * n + j]) {
                    v[k] = (uint32_t)j;
                    c[k++] = a[i * n + j];
                }
            assert_int_equal(linsys_add(s, v, c, k, 0), 0);
        }
        solve_ok(s);
        size_t rh = rank_mod(a, m, n, -1, use);
        for (size_t j = 0; j < n; j++) {
            if (use[j]) {
                int want = rank_mod(a, m, n, (long)j, use) < rh;
                if (linsys_determined(s, j, NULL, NULL) != want)
                    fail_msg("trial %d, unknown %zu with parameters: oracle %d", trial, j, want);
            } else {
                use[j] = 1;
                int want = rank_mod(a, m, n, -1, use) == rh;
                use[j] = 0;
                if (linsys_param_free(s, j) != want)
                    fail_msg("trial %d, parameter %zu: free oracle %d", trial, j, want);
                params += want;
            }
        }
        linsys_free(s);
        free(a);
    }
    /* both outcomes occur often enough for the comparison to mean something */
    assert_true(determined > total / 10 && determined < total * 9 / 10);
    assert_true(params > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_equations),
        cmocka_unit_test(test_table_with_totals),
        cmocka_unit_test(test_odd_cycle),
        cmocka_unit_test(test_cumulative_sums),
        cmocka_unit_test(test_fractions_and_merging),
        cmocka_unit_test(test_inconsistent_and_errors),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_parameters),
        cmocka_unit_test(test_random_against_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

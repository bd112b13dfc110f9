/* test_secrecy.c: the secondary suppression engine (secrecy.h) on small tables whose hidden
 * cells were worked out by hand from the rules in secrecy.h: relations, their order, the
 * complement chosen for a line with one hidden cell (detail before total, then the cost
 * (value + 10) x (lines left + 3)), the audit and its message, the same figure hidden together,
 * months, rows that are not written, zeros, and the test hook. Threshold 5 throughout. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "secrecy.h"

static const char *const K3[] = {"annee", "region", "opco"};
static const char *const CONTRATS[] = {"contrats"};

/* one row of a table keyed (annee, region, opco) with one count */
static void row3(secrecy *s, int t, const char *y, const char *r, const char *o, int64_t v,
                 int written)
{
    const char *k[3] = {y, r, o};
    assert_int_equal(secrecy_row(s, t, k, &v, written), 0);
}

static void run_ok(secrecy *s)
{
    char err[512] = "";
    int rc = secrecy_run(s, 0, err, sizeof err);
    if (rc != 0)
        fail_msg("secrecy_run: %d %s", rc, err);
}

static const char *M(enum secrecy_mark m)
{
    return m == SECRECY_PRIMARY ? "P" : m == SECRECY_SECONDARY ? "S" : ".";
}

/* the marks of a table's first count column as a string, one letter per row */
static void marks(const secrecy *s, int t, size_t nrows, const char *want)
{
    char got[64] = "";
    for (size_t r = 0; r < nrows; r++)
        strcat(got, M(secrecy_mark(s, t, r, 0)));
    assert_string_equal(got, want);
}

/* A 2 x 2 table with its totals, rows in sort order:
 *   0 (11,A)=3  1 (11,B)=20  2 (11,T)=23
 *   3 (28,A)=30 4 (28,B)=6   5 (28,T)=36
 *   6 (T,A)=33  7 (T,B)=26   8 (T,T)=59
 * Relations in the order they are built: over regions r0 A: 0+3-6, r1 B: 1+4-7, r2 T: 2+5-8;
 * over OPCOs r3 (11): 0+1-2, r4 (28): 3+4-5, r5 (T): 6+7-8.
 * (11,A) = 3 is primary. Pass over the relations:
 *   r0 has one hidden cell: detail (28,A)=30 before the total (T,A) -> hide (28,A);
 *   r3 has one: (11,B)=20 (detail) -> hide; r4 now has one ((28,A)): (28,B) = 6 closes r4 and
 *   r1 (net -2, cost (6+10) x 1 = 16) -> hide. Every line has 0 or 2 hidden cells: the
 *   rectangle (11,A) (11,B) (28,A) (28,B) moves along (+1, -1, -1, +1) without changing any
 *   total: nothing is determined. */
static void test_rectangle(void **state)
{
    (void)state;
    secrecy *s = secrecy_new(5);
    int t = secrecy_table(s, "croissance", K3, 3, CONTRATS, 1, NULL, NULL);
    assert_int_equal(t, 0);
    row3(s, t, "2024", "11", "A", 3, 1);
    row3(s, t, "2024", "11", "B", 20, 1);
    row3(s, t, "2024", "11", "TOTAL", 23, 1);
    row3(s, t, "2024", "28", "A", 30, 1);
    row3(s, t, "2024", "28", "B", 6, 1);
    row3(s, t, "2024", "28", "TOTAL", 36, 1);
    row3(s, t, "2024", "TOTAL", "A", 33, 1);
    row3(s, t, "2024", "TOTAL", "B", 26, 1);
    row3(s, t, "2024", "TOTAL", "TOTAL", 59, 1);
    run_ok(s);
    marks(s, t, 9, "PS.SS....");
    secrecy_stats st = secrecy_table_stats(s, t);
    assert_int_equal(st.primary, 1);
    assert_int_equal(st.secondary, 3);
    assert_int_equal(st.determined, 0);
    secrecy_free(s);
}

/* The same table with the test hook: the primary cell alone is the only hidden cell of r0,
 * so the audit finds it (33 - 30 = 3) and names it. */
static void test_primary_only_audit_fails(void **state)
{
    (void)state;
    secrecy *s = secrecy_new(5);
    int t = secrecy_table(s, "croissance", K3, 3, CONTRATS, 1, NULL, NULL);
    row3(s, t, "2024", "11", "A", 3, 1);
    row3(s, t, "2024", "11", "B", 20, 1);
    row3(s, t, "2024", "11", "TOTAL", 23, 1);
    row3(s, t, "2024", "28", "A", 30, 1);
    row3(s, t, "2024", "28", "B", 6, 1);
    row3(s, t, "2024", "28", "TOTAL", 36, 1);
    row3(s, t, "2024", "TOTAL", "A", 33, 1);
    row3(s, t, "2024", "TOTAL", "B", 26, 1);
    row3(s, t, "2024", "TOTAL", "TOTAL", 59, 1);
    char err[512] = "";
    assert_int_equal(secrecy_run(s, SECRECY_PRIMARY_ONLY, err, sizeof err), 1);
    assert_non_null(strstr(err, "croissance row 2024,11,A column contrats"));
    assert_non_null(strstr(err, "(= 3)"));
    marks(s, t, 9, "P........");
    assert_int_equal(secrecy_table_stats(s, t).determined, 1);
    secrecy_free(s);
}

/* Zeros are never hidden, and the complement skips them:
 *   0 (11,A)=2  1 (11,B)=0  2 (11,C)=40 3 (11,T)=42
 *   4 (28,A)=9  5 (28,B)=0  6 (28,C)=50 7 (28,T)=59
 *   8 (T,A)=11  9 (T,B)=0  10 (T,C)=90 11 (T,T)=101
 * Relations: r0 A: 0+4-8, r1 B (all zero: dropped), r2 C: 2+6-10, r3 T: 3+7-11,
 * r4 (11): 0+1+2-3, r5 (28): 4+5+6-7, r6 (T): 8+9+10-11.
 *   r0: (28,A)=9 (detail) -> hide; r4: candidates (11,C)=40 (detail; (11,B) is zero) -> hide;
 *   r5 has (28,A) alone: (28,C)=50 (detail, closes r5 and r2: net -2) -> hide. */
static void test_zeros_never_hidden(void **state)
{
    (void)state;
    secrecy *s = secrecy_new(5);
    int t = secrecy_table(s, "croissance", K3, 3, CONTRATS, 1, NULL, NULL);
    static const char *const R[] = {"11", "28", "TOTAL"}, *const O[] = {"A", "B", "C", "TOTAL"};
    static const int64_t V[3][4] = {{2, 0, 40, 42}, {9, 0, 50, 59}, {11, 0, 90, 101}};
    for (int r = 0; r < 3; r++)
        for (int o = 0; o < 4; o++)
            row3(s, t, "2024", R[r], O[o], V[r][o], 1);
    run_ok(s);
    marks(s, t, 12, "P.S.S.S.....");
    secrecy_free(s);
}

/* The same figure in two tables is one unknown, hidden in both: croissance and ruptures share
 * contrats; ruptures also has ruptures (not shared). Only one OPCO A and the total per region:
 *   croissance/ruptures contrats: (11,A)=4 (11,T)=4 (28,A)=12 (28,T)=12 (T,A)=16 (T,T)=16
 * (11,A) = 4 is primary, hence (11,T) = 4 too, in both tables. Over regions, the A line
 * 4 + 12 = 16 and the TOTAL line 4 + 12 = 16 each have one hidden cell: (28,A) = 12 (a detail,
 * before (T,A)) and (28,T) = 12 (one TOTAL key, before the grand total) are hidden. Nothing
 * more: (11,A) = (11,T) = x, (28,A) = (28,T) = 16 - x. The ruptures column (all 10 or more)
 * stays shown. */
static void test_same_figure_across_tables(void **state)
{
    (void)state;
    static const char *const RC[] = {"contrats", "ruptures"};
    secrecy *s = secrecy_new(5);
    int c = secrecy_table(s, "croissance", K3, 3, CONTRATS, 1, NULL, NULL);
    int r = secrecy_table(s, "ruptures", K3, 3, RC, 2, NULL, NULL);
    static const char *const R[] = {"11", "28", "TOTAL"}, *const O[] = {"A", "TOTAL"};
    static const int64_t V[3] = {4, 12, 16}, RU[3] = {10, 11, 21};
    for (int i = 0; i < 3; i++)
        for (int o = 0; o < 2; o++) {
            const char *k[3] = {"2024", R[i], O[o]};
            int64_t v[2] = {V[i], RU[i]};
            row3(s, c, "2024", R[i], O[o], V[i], 1);
            assert_int_equal(secrecy_row(s, r, k, v, 1), 0);
        }
    run_ok(s);
    marks(s, c, 6, "PPSS..");
    marks(s, r, 6, "PPSS..");
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(secrecy_mark(s, r, i, 1), SECRECY_SHOWN);
    assert_int_equal(secrecy_table_stats(s, c).primary, 2);
    assert_int_equal(secrecy_table_stats(s, r).secondary, 2);
    secrecy_free(s);
}

/* contrats_annee_precedente of Y is contrats of Y-1; a year that is not written (the year
 * before --years) holds unknowns the outsider cannot see.
 * Rows (annee, region=11, opco=A), counts contrats, contrats_annee_precedente:
 *   2023 (unwritten): 3, 0     2024: 8, 3
 * contrats_annee_precedente 2024 = 3 is primary; its copy, contrats 2023, is unwritten. No
 * other relation: nothing to add, nothing determined. With 2023 written it is the same
 * unknown, hidden in both rows. */
static void test_previous_year_and_unwritten(void **state)
{
    (void)state;
    static const char *const CP[] = {"contrats", "contrats_annee_precedente"};
    for (int written = 0; written < 2; written++) {
        secrecy *s = secrecy_new(5);
        int t = secrecy_table(s, "croissance", K3, 3, CP, 2, NULL, NULL);
        const char *k23[3] = {"2023", "11", "A"}, *k24[3] = {"2024", "11", "A"};
        int64_t v23[2] = {3, 0}, v24[2] = {8, 3};
        assert_int_equal(secrecy_row(s, t, k23, v23, written), 0);
        assert_int_equal(secrecy_row(s, t, k24, v24, 1), 0);
        run_ok(s);
        assert_int_equal(secrecy_mark(s, t, 1, 1), SECRECY_PRIMARY);
        assert_int_equal(secrecy_mark(s, t, 1, 0), SECRECY_SHOWN);
        assert_int_equal(secrecy_mark(s, t, 0, 0), written ? SECRECY_PRIMARY : SECRECY_SHOWN);
        assert_int_equal(secrecy_table_stats(s, t).primary, written ? 2 : 1);
        secrecy_free(s);
    }
}

/* Months: cumul(m) = cumul(m-1) + contrats_mois(m), cumul(01) = contrats_mois(01). One group
 * (no totals), year 2024, months 01-03: contrats_mois 10, 2, 7; cumul 10, 12, 19.
 * contrats_mois 02 = 2 is primary. Relations: month 02: c02 - c01 - m02, month 03:
 * c03 - c02 - m03 (January is one unknown, m01 = c01). Month 02 has one hidden cell:
 * candidates c02 = 12 and c01 = 10 (same level; c01 leaves January's... it is in no other
 * relation: net -1 + 0, cost (10+10) x 2 = 40; c02 is in month 03 too: net -1 + 1 = 0,
 * cost (12+10) x 3 = 66) -> hide c01 (= m01, the same unknown). Nothing else has one hidden
 * cell; m02 = c02 - c01 with c01 unknown: undetermined. */
static void test_months(void **state)
{
    (void)state;
    static const char *const K4[] = {"annee", "mois", "region", "opco"};
    static const char *const MC[] = {"contrats_mois", "cumul"};
    secrecy *s = secrecy_new(5);
    int t = secrecy_table(s, "croissance_mensuelle", K4, 4, MC, 2, NULL, NULL);
    static const char *const MO[] = {"01", "02", "03"};
    static const int64_t CM[] = {10, 2, 7}, CU[] = {10, 12, 19};
    for (int m = 0; m < 3; m++) {
        const char *k[4] = {"2024", MO[m], "11", "A"};
        int64_t v[2] = {CM[m], CU[m]};
        assert_int_equal(secrecy_row(s, t, k, v, 1), 0);
    }
    run_ok(s);
    /* (row, column): (0,0) m01 and (0,1) c01 one unknown, secondary; (1,0) m02 primary */
    assert_int_equal(secrecy_mark(s, t, 0, 0), SECRECY_SECONDARY);
    assert_int_equal(secrecy_mark(s, t, 0, 1), SECRECY_SECONDARY);
    assert_int_equal(secrecy_mark(s, t, 1, 0), SECRECY_PRIMARY);
    assert_int_equal(secrecy_mark(s, t, 1, 1), SECRECY_SHOWN);
    assert_int_equal(secrecy_mark(s, t, 2, 0), SECRECY_SHOWN);
    assert_int_equal(secrecy_mark(s, t, 2, 1), SECRECY_SHOWN);
    secrecy_free(s);
}

/* A breakdown's TOTAL row is its base's grand total (one unknown), and its values add up to
 * it: ruptures_niveau 2024: X ruptures 2, Y ruptures 30, TOTAL 32; ruptures 2024 TOTAL TOTAL
 * ruptures 32. X = 2 is primary; the line X + Y = TOTAL has one hidden cell: Y (30, a detail,
 * before the TOTAL) is hidden. The grand total stays shown in both tables. */
static void test_breakdown_total_is_base_total(void **state)
{
    (void)state;
    static const char *const KB[] = {"annee", "niveau"};
    static const char *const RU[] = {"ruptures"};
    secrecy *s = secrecy_new(5);
    int r = secrecy_table(s, "ruptures", K3, 3, RU, 1, NULL, NULL);
    int b = secrecy_table(s, "ruptures_niveau", KB, 2, RU, 1, "niveau", "ruptures");
    row3(s, r, "2024", "TOTAL", "TOTAL", 32, 1);
    const char *kx[2] = {"2024", "X"}, *ky[2] = {"2024", "Y"}, *kt[2] = {"2024", "TOTAL"};
    int64_t x = 2, y = 30, tot = 32;
    assert_int_equal(secrecy_row(s, b, kx, &x, 1), 0);
    assert_int_equal(secrecy_row(s, b, ky, &y, 1), 0);
    assert_int_equal(secrecy_row(s, b, kt, &tot, 1), 0);
    run_ok(s);
    marks(s, b, 3, "PS.");
    marks(s, r, 1, ".");
    secrecy_free(s);

    /* the TOTAL row hidden as a complement hides the base's grand total with it: X = 2, no
     * other value, TOTAL = 2 (primary too): both primary, the base's 2 as well */
    s = secrecy_new(5);
    r = secrecy_table(s, "ruptures", K3, 3, RU, 1, NULL, NULL);
    b = secrecy_table(s, "ruptures_niveau", KB, 2, RU, 1, "niveau", "ruptures");
    row3(s, r, "2024", "TOTAL", "TOTAL", 2, 1);
    x = 2, tot = 2;
    assert_int_equal(secrecy_row(s, b, kx, &x, 1), 0);
    assert_int_equal(secrecy_row(s, b, kt, &tot, 1), 0);
    run_ok(s);
    marks(s, b, 2, "PP");
    marks(s, r, 1, "P");
    secrecy_free(s);
}

/* The rupture curve at 9 months repeats ruptures (Y, region, TOTAL) observables_9m and
 * ruptures_9m. courbe_ruptures (annee, region, opco, mois) 2024, 11, TOTAL, 09: observables 40,
 * ruptures 3 (primary) -> ruptures_9m of ruptures 2024,11,TOTAL = 3 is the same unknown
 * (primary there too); the curve's region line (11 + 28 = TOTAL at month 09: 3 + 9 = 12) gets
 * the complement (28, 09) = 9, which is ruptures_9m of 2024,28,TOTAL. */
static void test_curve_repeats_ruptures(void **state)
{
    (void)state;
    static const char *const KC[] = {"annee", "region", "opco", "mois"};
    static const char *const CC[] = {"observables", "ruptures"};
    static const char *const RC[] = {"observables_9m", "ruptures_9m"};
    secrecy *s = secrecy_new(5);
    int r = secrecy_table(s, "ruptures", K3, 3, RC, 2, NULL, NULL);
    int k = secrecy_table(s, "courbe_ruptures", KC, 4, CC, 2, NULL, NULL);
    static const char *const R[] = {"11", "28", "TOTAL"};
    static const int64_t OB[] = {40, 60, 100}, RU[] = {3, 9, 12};
    for (int i = 0; i < 3; i++) {
        const char *kr[3] = {"2024", R[i], "TOTAL"}, *kk[4] = {"2024", R[i], "TOTAL", "09"};
        int64_t v[2] = {OB[i], RU[i]};
        assert_int_equal(secrecy_row(s, r, kr, v, 1), 0);
        assert_int_equal(secrecy_row(s, k, kk, v, 1), 0);
    }
    run_ok(s);
    assert_int_equal(secrecy_mark(s, k, 0, 1), SECRECY_PRIMARY);
    assert_int_equal(secrecy_mark(s, r, 0, 1), SECRECY_PRIMARY);
    assert_int_equal(secrecy_mark(s, k, 1, 1), SECRECY_SECONDARY);
    assert_int_equal(secrecy_mark(s, r, 1, 1), SECRECY_SECONDARY);
    assert_int_equal(secrecy_mark(s, k, 2, 1), SECRECY_SHOWN);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(secrecy_mark(s, k, i, 0), SECRECY_SHOWN);
    secrecy_free(s);
}

/* The audit solves the relations; it does not count hidden cells per line. Test hook on (no
 * complement), one group, months 01-03: contrats_mois 1, 2, 3 and cumul 1, 3, 6, all primary
 * but cumul 03 = 6. Unknowns m01 (= c01), m02, c02, m03; month 02: c02 - m01 - m02 = 0,
 * month 03: c02 + m03 = 6. Two equations over four unknowns, each unknown free to move
 * (m01 and m02 free, c02 and m03 follow): nothing is determined, the audit passes. */
static void test_audit_is_exact(void **state)
{
    (void)state;
    static const char *const K4[] = {"annee", "mois", "region", "opco"};
    static const char *const MC[] = {"contrats_mois", "cumul"};
    secrecy *s = secrecy_new(5);
    int t = secrecy_table(s, "croissance_mensuelle", K4, 4, MC, 2, NULL, NULL);
    static const char *const MO[] = {"01", "02", "03"};
    static const int64_t CM[] = {1, 2, 3}, CU[] = {1, 3, 6};
    for (int m = 0; m < 3; m++) {
        const char *k[4] = {"2024", MO[m], "11", "A"};
        int64_t v[2] = {CM[m], CU[m]};
        assert_int_equal(secrecy_row(s, t, k, v, 1), 0);
    }
    char err[256] = "";
    assert_int_equal(secrecy_run(s, SECRECY_PRIMARY_ONLY, err, sizeof err), 0);
    assert_int_equal(secrecy_mark(s, t, 2, 1), SECRECY_SHOWN);
    assert_int_equal(secrecy_table_stats(s, t).primary, 5);
    secrecy_free(s);

    /* with contrats_mois 03 = 7 and cumul 03 = 10 published, c02 = 10 - 7 = 3 is determined
     * (m02 = 3 - m01 is not): the audit names cumul 02 and its value. */
    s = secrecy_new(5);
    t = secrecy_table(s, "croissance_mensuelle", K4, 4, MC, 2, NULL, NULL);
    static const int64_t CM2[] = {1, 2, 7}, CU2[] = {1, 3, 10};
    for (int m = 0; m < 3; m++) {
        const char *k[4] = {"2024", MO[m], "11", "A"};
        int64_t v[2] = {CM2[m], CU2[m]};
        assert_int_equal(secrecy_row(s, t, k, v, 1), 0);
    }
    assert_int_equal(secrecy_run(s, SECRECY_PRIMARY_ONLY, err, sizeof err), 1);
    assert_non_null(strstr(err, "croissance_mensuelle row 2024,02,11,A column cumul"));
    assert_non_null(strstr(err, "(= 3)"));
    secrecy_free(s);
}

/* Figures that must be equal and are not: an internal error, named. */
static void test_same_figure_differs(void **state)
{
    (void)state;
    secrecy *s = secrecy_new(5);
    int c = secrecy_table(s, "croissance", K3, 3, CONTRATS, 1, NULL, NULL);
    int r = secrecy_table(s, "ruptures", K3, 3, CONTRATS, 1, NULL, NULL);
    row3(s, c, "2024", "11", "A", 7, 1);
    row3(s, r, "2024", "11", "A", 8, 1);
    char err[512] = "";
    assert_int_equal(secrecy_run(s, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "croissance row 2024,11,A column contrats (7)"));
    assert_non_null(strstr(err, "should be the same figure"));
    secrecy_free(s);
    /* a repeated key is refused */
    s = secrecy_new(5);
    c = secrecy_table(s, "croissance", K3, 3, CONTRATS, 1, NULL, NULL);
    row3(s, c, "2024", "11", "A", 7, 1);
    const char *k[3] = {"2024", "11", "A"};
    int64_t v = 1;
    assert_int_equal(secrecy_row(s, c, k, &v, 1), -1);
    secrecy_free(s);
    secrecy_free(NULL);
}

/* A missing count (visiteurs of a group without fairs) adds nothing and is never hidden:
 * region line 11 + 28 = TOTAL for visiteurs: missing, 3, 3 -> 3 and the TOTAL's 3 primary,
 * the missing cell shown (empty): 2 hidden on the line, nothing to add. */
static void test_missing_counts(void **state)
{
    (void)state;
    static const char *const V[] = {"visiteurs"};
    secrecy *s = secrecy_new(5);
    int t = secrecy_table(s, "reunions", K3, 3, V, 1, NULL, NULL);
    row3(s, t, "2024", "11", "A", SECRECY_MISSING, 1);
    row3(s, t, "2024", "28", "A", 3, 1);
    row3(s, t, "2024", "TOTAL", "A", 3, 1);
    run_ok(s);
    marks(s, t, 3, ".PP");
    secrecy_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rectangle),
        cmocka_unit_test(test_primary_only_audit_fails),
        cmocka_unit_test(test_zeros_never_hidden),
        cmocka_unit_test(test_same_figure_across_tables),
        cmocka_unit_test(test_previous_year_and_unwritten),
        cmocka_unit_test(test_months),
        cmocka_unit_test(test_breakdown_total_is_base_total),
        cmocka_unit_test(test_curve_repeats_ruptures),
        cmocka_unit_test(test_audit_is_exact),
        cmocka_unit_test(test_same_figure_differs),
        cmocka_unit_test(test_missing_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_otable.c: report tables (otable.h) on the real schemas/output/croissance.yaml (tests run
 * from the repository root): header, formatting and statistical secrecy (spec/indicators.md,
 * "Statistical secrecy"). Files are read back with zlib. Every expected line was written by
 * hand; the percentage arithmetic is in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "otable.h"
#include "secrecy.h"
#include "testutil.h"

#define CROISSANCE "schemas/output/croissance.yaml"

/* ---- helpers ----------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_otable");
}

static otable *load_ok(void)
{
    char err[512] = "";
    otable *t = otable_load(CROISSANCE, err, sizeof err);
    if (!t)
        fail_msg("otable_load(%s) (run from the repository root): %s", CROISSANCE, err);
    return t;
}

/* One croissance row: evolution_pct = 100*(c-p)/p and realisation_pct = 100*c/objectif, as the
 * indicators stage builds them; objectif < 0 means no objective (both cells missing). */
static void row(otable *t, const char *region, const char *libelle, const char *opco, int64_t c,
                int64_t p, int64_t objectif)
{
    oval v[9];
    v[0] = ov_int(2024);
    v[1] = ov_text(region);
    v[2] = ov_text(libelle);
    v[3] = ov_text(opco);
    v[4] = ov_int(c);
    v[5] = ov_int(p);
    v[6] = ov_pct(c - p, p);
    v[7] = objectif < 0 ? ov_missing() : ov_int(objectif);
    v[8] = objectif < 0 ? ov_missing() : ov_pct(c, objectif);
    assert_int_equal(otable_row(t, v), 0);
}

static void write_rows(otable *t)
{
    /* 898*100/2173 = 41.325... -> 41.3 ; 3071*100/3000 = 102.366... -> 102.4 */
    row(t, "28", "Normandie", "AKTO", 3071, 2173, 3000);
    /* contrats 3: secret, and so is the rate computed from it */
    row(t, "28", "Normandie", "OPCO2", 3, 10, -1);
    /* contrats_annee_precedente 4: secret, and so is the rate over it */
    row(t, "28", "Normandie", "OPCO3", 10, 4, -1);
    /* 0 and 5 are not secret: -5*100/5 = -100.0 */
    row(t, "28", "Normandie", "OPCO4", 0, 5, -1);
    /* a denominator of 0: the rate is empty */
    row(t, "28", "Normandie", "OPCO5", 5, 0, -1);
    /* contrats secret and a denominator of 0: still empty, there is no rate to hide */
    row(t, "28", "Normandie", "OPCO6", 1, 0, -1);
    /* both counts secret */
    row(t, "28", "Normandie", "OPCO7", 4, 1, -1);
    /* objectif 3 is never secret itself, but the rate over it is: 0*100/10 = 0.0 */
    row(t, "28", "Normandie", "OPCO8", 10, 10, 3);
    /* half away from zero: -49*100/400 = -12.25 -> -12.3 ; objectif 0: empty rate */
    row(t, "28", "Normandie", "OPCO9", 351, 400, 0);
    /* everything computed from a secret count is secret; objectif 100 is shown */
    row(t, "28", "Normandie", "OPCOA", 3, 3, 100);
    /* 49*100/400 = 12.25 -> 12.3 ; 449*100/400 = 112.25 -> 112.3 */
    row(t, "28", "Normandie", "OPCOB", 449, 400, 400);
    /* a text with a comma is quoted; 0*100/5 = 0.0 */
    row(t, "TOTAL", "Ensemble, toutes régions", "TOTAL", 5, 5, -1);
}

#define HEADER                                                                                     \
    "annee,region,region_libelle,opco,contrats,contrats_annee_precedente,evolution_pct,objectif,"  \
    "realisation_pct\n"

/* ---- tests ------------------------------------------------------------- */

static void test_load(void **state)
{
    (void)state;
    otable *t = load_ok();
    assert_string_equal(t->name, "croissance");
    assert_string_equal(t->file, "croissance.csv.gz");
    assert_int_equal(t->ncols, 9);
    static const char *const names[9] = {"annee",         "region",   "region_libelle",
                                         "opco",          "contrats", "contrats_annee_precedente",
                                         "evolution_pct", "objectif", "realisation_pct"};
    static const int secret[9] = {0, 0, 0, 0, 1, 1, 0, 0, 0};
    static const int den[9] = {-1, -1, -1, -1, -1, -1, 5, -1, 7};
    for (size_t i = 0; i < 9; i++) {
        assert_string_equal(t->cols[i].name, names[i]);
        assert_int_equal(otable_col(t, names[i]), (int)i);
        assert_int_equal(t->cols[i].secret, secret[i]);
        assert_int_equal(t->cols[i].denominator, den[i]);
    }
    /* from: [contrats, contrats_annee_precedente] and [contrats, objectif] */
    assert_int_equal(t->cols[6].nfrom, 2);
    assert_int_equal(t->cols[6].from[0], 4);
    assert_int_equal(t->cols[6].from[1], 5);
    assert_int_equal(t->cols[8].nfrom, 2);
    assert_int_equal(t->cols[8].from[0], 4);
    assert_int_equal(t->cols[8].from[1], 7);
    assert_int_equal(t->cols[0].nfrom, 0);
    assert_int_equal(otable_col(t, "absent"), -1);
    /* keys: [annee, region, opco]; not a breakdown */
    assert_int_equal(t->nkeys, 3);
    assert_string_equal(t->keys[0], "annee");
    assert_string_equal(t->keys[2], "opco");
    assert_null(t->breakdown);
    assert_null(t->base);
    otable_free(t);
    /* a breakdown: breakdown: niveau, base: ruptures, keys: [annee, niveau] */
    char err[512] = "";
    t = otable_load("schemas/output/ruptures_niveau.yaml", err, sizeof err);
    if (!t)
        fail_msg("%s", err);
    assert_string_equal(t->breakdown, "niveau");
    assert_string_equal(t->base, "ruptures");
    assert_int_equal(t->nkeys, 2);
    assert_string_equal(t->keys[1], "niveau");
    otable_free(t);
}

static void test_secrecy_threshold_5(void **state)
{
    (void)state;
    char err[512] = "", path[300];
    otable *t = load_ok();
    assert_int_equal(otable_open(t, tu_tmpdir, 5, err, sizeof err), 0);
    write_rows(t);
    assert_int_equal(otable_close(t, err, sizeof err), 0);
    otable_free(t);

    snprintf(path, sizeof path, "%s/croissance.csv.gz", tu_tmpdir);
    char *got = tu_gunzip(path, NULL);
    static const char want[] = HEADER "2024,28,Normandie,AKTO,3071,2173,41.3,3000,102.4\n"
                                      "2024,28,Normandie,OPCO2,s,10,s,,\n"
                                      "2024,28,Normandie,OPCO3,10,s,s,,\n"
                                      "2024,28,Normandie,OPCO4,0,5,-100.0,,\n"
                                      "2024,28,Normandie,OPCO5,5,0,,,\n"
                                      "2024,28,Normandie,OPCO6,s,0,,,\n"
                                      "2024,28,Normandie,OPCO7,s,s,s,,\n"
                                      "2024,28,Normandie,OPCO8,10,10,0.0,3,s\n"
                                      "2024,28,Normandie,OPCO9,351,400,-12.3,0,\n"
                                      "2024,28,Normandie,OPCOA,s,s,s,100,s\n"
                                      "2024,28,Normandie,OPCOB,449,400,12.3,400,112.3\n"
                                      "2024,TOTAL,\"Ensemble, toutes régions\",TOTAL,5,5,0.0,,\n";
    assert_string_equal(got, want);
    free(got);
}

static void test_no_secrecy(void **state)
{
    (void)state;
    char err[512] = "", path[300];
    otable *t = load_ok();
    assert_int_equal(otable_open(t, tu_tmpdir, 0, err, sizeof err), 0);
    write_rows(t);
    assert_int_equal(otable_close(t, err, sizeof err), 0);
    otable_free(t);

    snprintf(path, sizeof path, "%s/croissance.csv.gz", tu_tmpdir);
    char *got = tu_gunzip(path, NULL);
    /* -7*100/10 = -70.0 ; 6*100/4 = 150.0 ; 3*100/1 = 300.0 ; 10*100/3 = 333.33 -> 333.3 ;
     * 0*100/3 = 0.0 and 3*100/100 = 3.0 */
    static const char want[] = HEADER "2024,28,Normandie,AKTO,3071,2173,41.3,3000,102.4\n"
                                      "2024,28,Normandie,OPCO2,3,10,-70.0,,\n"
                                      "2024,28,Normandie,OPCO3,10,4,150.0,,\n"
                                      "2024,28,Normandie,OPCO4,0,5,-100.0,,\n"
                                      "2024,28,Normandie,OPCO5,5,0,,,\n"
                                      "2024,28,Normandie,OPCO6,1,0,,,\n"
                                      "2024,28,Normandie,OPCO7,4,1,300.0,,\n"
                                      "2024,28,Normandie,OPCO8,10,10,0.0,3,333.3\n"
                                      "2024,28,Normandie,OPCO9,351,400,-12.3,0,\n"
                                      "2024,28,Normandie,OPCOA,3,3,0.0,100,3.0\n"
                                      "2024,28,Normandie,OPCOB,449,400,12.3,400,112.3\n"
                                      "2024,TOTAL,\"Ensemble, toutes régions\",TOTAL,5,5,0.0,,\n";
    assert_string_equal(got, want);
    free(got);
}

static void test_other_thresholds(void **state)
{
    (void)state;
    char err[512] = "", path[300];
    /* threshold 11: 10 is secret now, 11 is not (0 < c < 11) */
    otable *t = load_ok();
    assert_int_equal(otable_open(t, tu_tmpdir, 11, err, sizeof err), 0);
    row(t, "28", "Normandie", "X", 10, 11, -1);
    row(t, "28", "Normandie", "Y", 11, 22, -1); /* -11*100/22 = -50.0 */
    assert_int_equal(otable_close(t, err, sizeof err), 0);
    otable_free(t);
    snprintf(path, sizeof path, "%s/croissance.csv.gz", tu_tmpdir);
    char *got = tu_gunzip(path, NULL);
    assert_string_equal(got, HEADER "2024,28,Normandie,X,s,11,s,,\n"
                                    "2024,28,Normandie,Y,11,22,-50.0,,\n");
    free(got);

    /* threshold 1: nothing is below it */
    t = load_ok();
    assert_int_equal(otable_open(t, tu_tmpdir, 1, err, sizeof err), 0);
    row(t, "28", "Normandie", "X", 1, 1, 1); /* 0*100/1 = 0.0 ; 1*100/1 = 100.0 */
    assert_int_equal(otable_close(t, err, sizeof err), 0);
    otable_free(t);
    got = tu_gunzip(path, NULL);
    assert_string_equal(got, HEADER "2024,28,Normandie,X,1,1,0.0,1,100.0\n");
    free(got);
}

/* otable_load refuses what oschema_load refuses, with its file:line:column (every kind of bad
 * field is tested in test_oschema.c). */
static void test_schema_errors(void **state)
{
    (void)state;
    char p[300], err[512] = "", prefix[400];
    snprintf(p, sizeof p, "%s/bad.yaml", tu_tmpdir);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    /* line 7 is "  - {name: b, label: B, format: pct, denominator: zz}": "  - {name: b, label: B,
     * format: pct, denominator: " is 50 characters, zz at column 51 */
    fputs("table: t\n"
          "file: t.csv.gz\n"
          "title: T\n"
          "keys: []\n"
          "columns:\n"
          "  - {name: a, label: A, format: count}\n"
          "  - {name: b, label: B, format: pct, denominator: zz}\n",
          f);
    fclose(f);
    assert_null(otable_load(p, err, sizeof err));
    snprintf(prefix, sizeof prefix, "%s:7:51: unknown denominator column 'zz'", p);
    assert_string_equal(err, prefix);

    /* no file name: reported at the root */
    f = fopen(p, "wb");
    assert_non_null(f);
    fputs("table: t\ntitle: T\ncolumns:\n  - {name: a, label: A, format: text}\n", f);
    fclose(f);
    assert_null(otable_load(p, err, sizeof err));
    snprintf(prefix, sizeof prefix, "%s:1:1: missing key: file", p);
    assert_string_equal(err, prefix);
}

/* Kept rows, protected together, then written (otable_keep, otable_protect, otable_write).
 * 2024 contrats form the table of test_secrecy.c's test_rectangle:
 *   (11,A)=3 (11,B)=20 (11,T)=23 / (28,A)=30 (28,B)=6 (28,T)=36 / (T,A)=33 (T,B)=26 (T,T)=59
 * (11,A) is primary; its lines give (28,A), (11,B), then (28,B) as secondary cells (the
 * rectangle). contrats_annee_precedente is 10 per detail cell (20 per one-key total, 40 for the
 * grand total), shown, and repeats 2023's contrats, whose rows are kept but not written. The
 * evolution of a row with a hidden count is hidden: 100 x (23-20)/20 = 15.0,
 * 100 x 16/20 = 80.0, 100 x 13/20 = 65.0, 100 x 6/20 = 30.0, 100 x 19/40 = 47.5. */
static void keep_rectangle(otable *t)
{
    static const char *const R[] = {"11", "28", "TOTAL"}, *const L[] = {"Île-de-France",
                                                                        "Normandie", "Ensemble"};
    static const char *const O[] = {"A", "B", "TOTAL"};
    static const int64_t C[3][3] = {{3, 20, 23}, {30, 6, 36}, {33, 26, 59}};
    for (int y = 2023; y <= 2024; y++)
        for (int r = 0; r < 3; r++)
            for (int o = 0; o < 3; o++) {
                int64_t p = 10 * (1 + (r == 2)) * (1 + (o == 2));
                int64_t c = y == 2023 ? p : C[r][o], prev = y == 2023 ? 0 : p;
                oval v[9];
                v[0] = ov_text(y == 2023 ? "2023" : "2024");
                v[1] = ov_text(R[r]);
                v[2] = ov_text(L[r]);
                v[3] = ov_text(O[o]);
                v[4] = ov_int(c);
                v[5] = ov_int(prev);
                v[6] = ov_pct(c - prev, prev);
                v[7] = ov_missing();
                v[8] = ov_missing();
                assert_int_equal(otable_keep(t, v, y == 2024), 0);
            }
}

static void test_keep_protect_write(void **state)
{
    (void)state;
    char err[512] = "", path[300];
    otable *t = load_ok();
    assert_int_equal(t->nkeys, 3);
    assert_string_equal(t->keys[2], "opco");
    keep_rectangle(t);
    assert_int_equal(otable_protect(&t, 1, 5, 0, err, sizeof err), 0);
    assert_int_equal(t->primary, 1);
    assert_int_equal(t->secondary, 3);
    assert_int_equal(otable_write(t, tu_tmpdir, NULL, err, sizeof err), 0);
    otable_free(t);
    snprintf(path, sizeof path, "%s/croissance.csv.gz", tu_tmpdir);
    char *got = tu_gunzip(path, NULL);
    assert_string_equal(got, HEADER "2024,11,Île-de-France,A,s,10,s,,\n"
                                    "2024,11,Île-de-France,B,s,10,s,,\n"
                                    "2024,11,Île-de-France,TOTAL,23,20,15.0,,\n"
                                    "2024,28,Normandie,A,s,10,s,,\n"
                                    "2024,28,Normandie,B,s,10,s,,\n"
                                    "2024,28,Normandie,TOTAL,36,20,80.0,,\n"
                                    "2024,TOTAL,Ensemble,A,33,20,65.0,,\n"
                                    "2024,TOTAL,Ensemble,B,26,20,30.0,,\n"
                                    "2024,TOTAL,Ensemble,TOTAL,59,40,47.5,,\n");
    free(got);

    /* the test hook: the primary cell alone, and the audit finds it */
    t = load_ok();
    keep_rectangle(t);
    assert_int_equal(otable_protect(&t, 1, 5, SECRECY_PRIMARY_ONLY, err, sizeof err), 1);
    assert_non_null(strstr(err, "croissance row 2024,11,A column contrats"));
    otable_free(t);

    /* not protected (secrecy disabled): every kept written row as it is */
    t = load_ok();
    keep_rectangle(t);
    assert_int_equal(otable_write(t, tu_tmpdir, NULL, err, sizeof err), 0);
    otable_free(t);
    got = tu_gunzip(path, NULL);
    assert_non_null(strstr(got, "2024,11,Île-de-France,A,3,10,-70.0,,\n"));
    assert_null(strstr(got, "2023,"));
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),          cmocka_unit_test(test_secrecy_threshold_5),
        cmocka_unit_test(test_no_secrecy),    cmocka_unit_test(test_other_thresholds),
        cmocka_unit_test(test_schema_errors), cmocka_unit_test(test_keep_protect_write),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir);
}

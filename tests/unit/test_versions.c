/* test_versions.c: the version merge and the exclusions of spec/inputs.md ("Versions and
 * exclusions"), versions.h. versions_newer at every tie level and versions_exclusion for each
 * rule and their precedence, worked by hand; versions_add/finish on a small hand-made set of two
 * files whose per-file counts and kept runs are worked out beside the data; the same through a
 * record file (versions_read_records) and back (versions_write); a large set for the hash
 * table's growth. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "rec.h"
#include "testutil.h"
#include "versions.h"

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_versions");
}

#define D(y, m, d) date_from_ymd(y, m, d)

/* A clean version: contract K, extraction 2023-01-15, no amendment, started
 * 2023-09-01, no rupture, no exclusion, everything known. */
static versions_row base(const char *num)
{
    versions_row r;
    memset(&r, 0, sizeof r);
    r.num = num;
    r.numlen = strlen(num);
    r.extraction = D(2023, 1, 15);
    r.avenant_date = DATE_NONE;
    r.avenant_number = -1;
    r.suppression = DATE_NONE;
    r.debut = D(2023, 9, 1);
    r.rupture = DATE_NONE;
    r.dispositif = NULL;
    r.uai_known = 1;
    return r;
}

static versions *new_v(const char *disp)
{
    char err[256] = "";
    versions *v = versions_new(disp, err, sizeof err);
    if (!v)
        fail_msg("versions_new(%s): %s", disp, err);
    return v;
}

/* ---- versions_newer ------------------------------------------------------ */

/* b is read after a; 1 when b replaces a. Each tie level by hand. */
static void test_newer(void **state)
{
    (void)state;
    versions_row a = base("K"), b = base("K");

    /* 1. extraction date decides, whatever the amendment */
    b.extraction = D(2023, 1, 16);
    assert_int_equal(versions_newer(&a, &b), 1);
    b.extraction = D(2023, 1, 14);
    b.avenant_date = D(2023, 6, 1);
    b.avenant_number = 9;
    assert_int_equal(versions_newer(&a, &b), 0); /* older extract loses, even read last */
    a.extraction = D(2023, 1, 14), a.avenant_date = D(2023, 6, 1), a.avenant_number = 9;
    b.extraction = D(2023, 1, 15), b.avenant_date = DATE_NONE, b.avenant_number = -1;
    assert_int_equal(versions_newer(&a, &b), 1);

    /* 2. same extraction: the later date_effet_avenant, missing oldest */
    a = base("K"), b = base("K");
    a.avenant_date = D(2023, 3, 1), b.avenant_date = D(2023, 3, 2);
    assert_int_equal(versions_newer(&a, &b), 1);
    a.avenant_date = D(2023, 3, 2), b.avenant_date = D(2023, 3, 1);
    assert_int_equal(versions_newer(&a, &b), 0);
    a.avenant_date = D(2023, 3, 1), b.avenant_date = DATE_NONE;
    assert_int_equal(versions_newer(&a, &b), 0); /* missing is older than any date */
    a.avenant_date = DATE_NONE, b.avenant_date = D(2000, 1, 1);
    assert_int_equal(versions_newer(&a, &b), 1);
    /* the date beats the number */
    a.avenant_date = D(2023, 3, 2), a.avenant_number = 1;
    b.avenant_date = D(2023, 3, 1), b.avenant_number = 7;
    assert_int_equal(versions_newer(&a, &b), 0);
    a.avenant_date = DATE_NONE, a.avenant_number = 7;
    b.avenant_date = D(2023, 3, 1), b.avenant_number = -1;
    assert_int_equal(versions_newer(&a, &b), 1);

    /* 3. same extraction and amendment date: the highest numero_avenant, missing lowest */
    a = base("K"), b = base("K");
    a.avenant_date = b.avenant_date = D(2023, 3, 1);
    a.avenant_number = 2, b.avenant_number = 3;
    assert_int_equal(versions_newer(&a, &b), 1);
    a.avenant_number = 3, b.avenant_number = 2;
    assert_int_equal(versions_newer(&a, &b), 0); /* the higher number read first still wins */
    a.avenant_number = 0, b.avenant_number = -1;
    assert_int_equal(versions_newer(&a, &b), 0); /* missing is lower than 0 */
    a.avenant_number = -1, b.avenant_number = 0;
    assert_int_equal(versions_newer(&a, &b), 1);
    a.avenant_number = 10, b.avenant_number = 9; /* numbers, not text: 10 > 9 */
    assert_int_equal(versions_newer(&a, &b), 0);
    /* no amendment date on either side: the number still orders them */
    a.avenant_date = b.avenant_date = DATE_NONE;
    a.avenant_number = 1, b.avenant_number = 2;
    assert_int_equal(versions_newer(&a, &b), 1);
    a.avenant_number = 2, b.avenant_number = 1;
    assert_int_equal(versions_newer(&a, &b), 0);

    /* 4. a full tie: the one read last */
    a.avenant_number = b.avenant_number = 4;
    assert_int_equal(versions_newer(&a, &b), 1);
    a = base("K"), b = base("K");
    assert_int_equal(versions_newer(&a, &b), 1);
    /* what the versions differ in otherwise plays no part */
    b.cancelled = 1, b.rupture = D(2023, 8, 1), b.dispositif = "PROF", b.file = 3;
    assert_int_equal(versions_newer(&a, &b), 1);
    assert_int_equal(versions_newer(&b, &a), 1);
}

/* ---- versions_exclusion --------------------------------------------------- */

static void test_exclusion(void **state)
{
    (void)state;
    versions *appr = new_v("APPR"), *both = new_v("APPR,PROF");
    versions_row r = base("K");

    assert_int_equal(versions_exclusion(appr, &r), VX_NONE);
    /* 2. cancelled or deleted */
    r.cancelled = 1;
    assert_int_equal(versions_exclusion(appr, &r), VX_CANCELLED);
    r = base("K"), r.suppression = D(2023, 10, 1);
    assert_int_equal(versions_exclusion(appr, &r), VX_CANCELLED);
    r.suppression = D(2000, 1, 1); /* any date, even before the start */
    assert_int_equal(versions_exclusion(appr, &r), VX_CANCELLED);
    /* 3. rupture before the start, by date or by DECA's flag */
    r = base("K"), r.rupture = D(2023, 8, 31);
    assert_int_equal(versions_exclusion(appr, &r), VX_RUPTURE_BEFORE);
    r.rupture = D(2023, 9, 1); /* on the start day: not before */
    assert_int_equal(versions_exclusion(appr, &r), VX_NONE);
    r.rupture = D(2023, 9, 2);
    assert_int_equal(versions_exclusion(appr, &r), VX_NONE);
    r = base("K"), r.rupture_avant_debut = 1; /* the flag alone, no rupture date */
    assert_int_equal(versions_exclusion(appr, &r), VX_RUPTURE_BEFORE);
    r.rupture = D(2023, 12, 1); /* the flag wins over a later rupture date */
    assert_int_equal(versions_exclusion(appr, &r), VX_RUPTURE_BEFORE);
    /* 4. dispositif given and not configured; missing is apprenticeship */
    r = base("K"), r.dispositif = "PROF";
    assert_int_equal(versions_exclusion(appr, &r), VX_DISPOSITIF);
    assert_int_equal(versions_exclusion(both, &r), VX_NONE);
    r.dispositif = "APPR";
    assert_int_equal(versions_exclusion(appr, &r), VX_NONE);
    assert_int_equal(versions_exclusion(both, &r), VX_NONE);
    r.dispositif = "";
    assert_int_equal(versions_exclusion(appr, &r), VX_NONE);
    r.dispositif = NULL;
    assert_int_equal(versions_exclusion(appr, &r), VX_NONE);
    r.dispositif = "APPRX"; /* whole values only */
    assert_int_equal(versions_exclusion(both, &r), VX_DISPOSITIF);
    r.dispositif = "APP";
    assert_int_equal(versions_exclusion(both, &r), VX_DISPOSITIF);
    /* precedence: the first rule that applies, in the spec's order */
    r = base("K");
    r.cancelled = 1, r.rupture = D(2023, 1, 1), r.rupture_avant_debut = 1, r.dispositif = "PROF";
    assert_int_equal(versions_exclusion(appr, &r), VX_CANCELLED);
    r.cancelled = 0;
    assert_int_equal(versions_exclusion(appr, &r), VX_RUPTURE_BEFORE);
    r.rupture = DATE_NONE;
    assert_int_equal(versions_exclusion(appr, &r), VX_RUPTURE_BEFORE);
    r.rupture_avant_debut = 0;
    assert_int_equal(versions_exclusion(appr, &r), VX_DISPOSITIF);
    r = base("K"), r.suppression = D(2023, 10, 1), r.rupture_avant_debut = 1;
    assert_int_equal(versions_exclusion(both, &r), VX_CANCELLED);
    versions_free(appr);
    versions_free(both);
}

/* The list of dispositifs: comma-separated names; malformed lists refused. */
static void test_dispositifs_list(void **state)
{
    (void)state;
    static const char *const bad[] = {",APPR", "APPR,,PROF",
                                      "AAAAAAAAAAAAAAAA", /* 16 characters: too long */
                                      "A,B,C,D,E,F,G,H,I"};
    char err[256];
    size_t i;
    versions *v;
    versions_row r = base("K");

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        v = versions_new(bad[i], err, sizeof err);
        if (v) {
            versions_free(v);
            fail_msg("versions_new accepted '%s'", bad[i]);
        }
        assert_non_null(strstr(err, "bad list of dispositifs"));
        assert_non_null(strstr(err, bad[i]));
        assert_false(versions_dispositifs_ok(bad[i]));
    }
    assert_true(versions_dispositifs_ok("APPR"));
    assert_true(versions_dispositifs_ok("APPR,PROF"));
    assert_true(versions_dispositifs_ok("PROF,B,C,D,E,F,G,AAAAAAAAAAAAAAA"));
    /* 15 characters and 8 names are the limits */
    v = new_v("PROF,B,C,D,E,F,G,AAAAAAAAAAAAAAA");
    r.dispositif = "AAAAAAAAAAAAAAA";
    assert_int_equal(versions_exclusion(v, &r), VX_NONE);
    r.dispositif = "PROF";
    assert_int_equal(versions_exclusion(v, &r), VX_NONE);
    r.dispositif = "APPR";
    assert_int_equal(versions_exclusion(v, &r), VX_DISPOSITIF);
    versions_free(v);
    v = new_v("PROF");
    assert_int_equal(versions_exclusion(v, &r), VX_DISPOSITIF);
    r.dispositif = NULL; /* missing is apprenticeship, but nothing excludes a missing value */
    assert_int_equal(versions_exclusion(v, &r), VX_NONE);
    versions_free(v);
}

/* A contract number longer than the table holds is -2 (beyond the table), not -1 (out of
 * memory), so that merge does not report a limit as a lack of memory. */
static void test_add_beyond(void **state)
{
    (void)state;
    versions *v = new_v("APPR");
    versions_row r = base("K");
    char *num = malloc(65536);
    const char *names[] = {"a.csv"};
    assert_non_null(num);
    memset(num, '7', 65536);
    r.num = num;
    r.numlen = 65536;
    assert_int_equal(versions_add(v, &r, 1), APPERR_LIMIT);
    r.numlen = 65535;
    assert_int_equal(versions_add(v, &r, 2), 0);
    assert_int_equal(versions_files(v, names, 1), 0);
    assert_int_equal(versions_finish(v), 0);
    assert_int_equal(versions_distinct(v), 1);
    versions_free(v);
    free(num);
}

/* ---- a small set, by hand --------------------------------------------------- */

/* Two files: a.csv (file 0, extraction E0 = 2023-01-15) and b.csv (file 1,
 * extraction E1 = 2023-11-30); rows in read order (seq = index + 1). Default
 * dispositifs [APPR]. The outcome of each row, worked out by hand:
 *
 * seq file contract  what                                  outcome
 *  1   a   K1        clean                                 replaced by 6 (later extract)
 *  2   a   K2        avenant 2023-03-01 no 1               replaced by 3 (higher number)
 *  3   a   K2        avenant 2023-03-01 no 2               kept
 *  4   a   K3        clean                                 replaced by 13
 *  5   a   K13       extraction 2024-01-31 (its own)       kept (later than 20, read first)
 *  6   b   K1        clean                                 kept
 *  7   b   K4        avenant 2023-06-01 no 3               kept (higher number read first)
 *  8   b   K4        avenant 2023-06-01 no 1               replaced
 *  9   b   K5        avenant 2023-06-01 no missing         replaced (missing is lowest)
 * 10   b   K5        avenant 2023-06-01 no 0               kept
 * 11   b   K6        dispositif PROF                       excluded: dispositif
 * 12   b   K7        rupture_avant_debut, no rupture date  excluded: rupture before start
 * 13   b   K3        statut Annulé                         excluded: cancelled
 * 14   b   K8        date_suppression 2023-10-01           excluded: cancelled
 * 15   b   K9        rupture 2023-08-20 < start, PROF      excluded: rupture (before dispositif)
 * 16   b   K10       région ND, OPCO ND, UAI unknown       kept
 * 17   b   K11       dispositif APPR, UAI unknown          kept
 * 18   b   K12       avenant 2023-06-01 no 1               kept (the date beats the number)
 * 19   b   K12       avenant missing, no 5                 replaced
 * 20   b   K13       clean                                 replaced by 5
 * 21   b   K14       région ND (no amendment at all)       replaced by 22 (full tie: read last)
 * 22   b   K14       clean                                 kept
 *
 * a.csv: versions 5; replaced 1, 2, 4 = 3; kept 3, 5 = 2; no exclusion; ND 0;
 *        UAI unknown 0; latest extraction 2024-01-31.
 * b.csv: versions 17; replaced 8, 9, 19, 20, 21 = 5; cancelled 13, 14 = 2;
 *        rupture before start 12, 15 = 2; dispositif 11 = 1; kept 6, 7, 10,
 *        16, 17, 18, 22 = 7 (5 + 2 + 2 + 1 + 7 = 17); région ND 1 and OPCO
 *        ND 1 (16; 21 is replaced, so not counted); UAI unknown 2 (16, 17;
 *        15 is excluded, so not counted); latest extraction 2023-11-30.
 * 14 contracts, 22 rows, 9 kept: runs {3,1} {5,3} {10,1} {16,3} {22,1}.
 * With [APPR, PROF]: 11 is kept too (b.csv dispositif 0, kept 8) and the
 * runs are {3,1} {5,3} {10,2} {16,3} {22,1}; 15 stays excluded for its rupture. */
#define NSMALL 22
static void small_set(versions_row *r)
{
    static const char *const nums[NSMALL] = {"K1",  "K2",  "K2",  "K3",  "K13", "K1", "K4", "K4",
                                             "K5",  "K5",  "K6",  "K7",  "K3",  "K8", "K9", "K10",
                                             "K11", "K12", "K12", "K13", "K14", "K14"};
    int i;
    for (i = 0; i < NSMALL; i++) {
        r[i] = base(nums[i]);
        r[i].file = i < 5 ? 0 : 1;
        r[i].extraction = i < 5 ? D(2023, 1, 15) : D(2023, 11, 30);
    }
    r[1].avenant_date = D(2023, 3, 1), r[1].avenant_number = 1;
    r[2].avenant_date = D(2023, 3, 1), r[2].avenant_number = 2;
    r[4].extraction = D(2024, 1, 31);
    r[6].avenant_date = D(2023, 6, 1), r[6].avenant_number = 3;
    r[7].avenant_date = D(2023, 6, 1), r[7].avenant_number = 1;
    r[8].avenant_date = D(2023, 6, 1);
    r[9].avenant_date = D(2023, 6, 1), r[9].avenant_number = 0;
    r[10].dispositif = "PROF";
    r[11].rupture_avant_debut = 1;
    r[12].cancelled = 1;
    r[13].suppression = D(2023, 10, 1);
    r[14].rupture = D(2023, 8, 20), r[14].dispositif = "PROF";
    r[15].region_nd = 1, r[15].opco_nd = 1, r[15].uai_known = 0;
    r[16].dispositif = "APPR", r[16].uai_known = 0;
    r[17].avenant_date = D(2023, 6, 1), r[17].avenant_number = 1;
    r[18].avenant_number = 5;
    r[20].region_nd = 1;
}

typedef struct {
    unsigned long versions, replaced, cancelled, rupture_before, dispositif, kept;
    long uai_unknown;
    unsigned long region_nd, opco_nd;
    date_t extraction_max;
} counts;

static void counts_are(const facts_merge *f, const char *file, counts c)
{
    if (file)
        assert_string_equal(f->file, file);
    assert_int_equal(f->versions, c.versions);
    assert_int_equal(f->replaced, c.replaced);
    assert_int_equal(f->cancelled, c.cancelled);
    assert_int_equal(f->rupture_before, c.rupture_before);
    assert_int_equal(f->dispositif, c.dispositif);
    assert_int_equal(f->kept, c.kept);
    assert_int_equal(f->uai_unknown, c.uai_unknown);
    assert_int_equal(f->region_nd, c.region_nd);
    assert_int_equal(f->opco_nd, c.opco_nd);
    assert_int_equal(f->extraction_max, c.extraction_max);
}

static void runs_are(const versions *v, const versions_run *want, size_t n)
{
    size_t got_n, i;
    const versions_run *got = versions_kept(v, &got_n);
    assert_int_equal(got_n, n);
    for (i = 0; i < n; i++) {
        assert_int_equal(got[i].first, want[i].first);
        assert_int_equal(got[i].count, want[i].count);
    }
}

static const counts A_COUNTS = {5, 3, 0, 0, 0, 2, 0, 0, 0, 0};
static const counts B_COUNTS = {17, 5, 2, 2, 1, 7, 2, 1, 1, 0};

static void test_small_set(void **state)
{
    (void)state;
    static const char *const names[2] = {"contrats/a.csv", "contrats/b.csv"};
    versions_row r[NSMALL];
    versions *v = new_v("APPR");
    const facts_merge *f;
    size_t n;
    int i;
    counts a = A_COUNTS, b = B_COUNTS;
    static const versions_run runs[] = {{3, 1}, {5, 3}, {10, 1}, {16, 3}, {22, 1}};

    a.extraction_max = D(2024, 1, 31);
    b.extraction_max = D(2023, 11, 30);
    small_set(r);
    for (i = 0; i < NSMALL; i++)
        assert_int_equal(versions_add(v, &r[i], (uint32_t)i + 1), 0);
    assert_int_equal(versions_files(v, names, 2), 0);
    assert_int_equal(versions_finish(v), 0);
    assert_int_equal(versions_rows(v), 22);
    assert_int_equal(versions_distinct(v), 14);
    assert_int_equal(versions_nkept(v), 9);
    runs_are(v, runs, 5);
    f = versions_counts(v, &n);
    assert_int_equal(n, 2);
    counts_are(&f[0], "contrats/a.csv", a);
    counts_are(&f[1], "contrats/b.csv", b);
    versions_free(v);

    /* [APPR, PROF]: K6 (row 11) is kept */
    v = new_v("APPR,PROF");
    for (i = 0; i < NSMALL; i++)
        assert_int_equal(versions_add(v, &r[i], (uint32_t)i + 1), 0);
    assert_int_equal(versions_files(v, names, 2), 0);
    assert_int_equal(versions_finish(v), 0);
    {
        static const versions_run runs2[] = {{3, 1}, {5, 3}, {10, 2}, {16, 3}, {22, 1}};
        runs_are(v, runs2, 5);
    }
    assert_int_equal(versions_nkept(v), 10);
    f = versions_counts(v, &n);
    b.dispositif = 0, b.kept = 8;
    counts_are(&f[0], NULL, a);
    counts_are(&f[1], NULL, b);
    versions_free(v);
}

/* Without a cfa.csv (uai_known -1 everywhere) the UAI count is n/a (-1);
 * a declared file without rows has zero counts; a later version that is
 * excluded replaces a clean one, and the exclusion is counted in the later
 * version's file; an exclusion undone by a later version is not counted. */
static void test_files_and_cfa(void **state)
{
    (void)state;
    static const char *const names[3] = {"c/1.csv", "c/2.csv", "c/3.csv"};
    versions *v = new_v("APPR");
    versions_row r[4];
    const facts_merge *f;
    size_t n;
    counts c1 = {2, 2, 0, 0, 0, 0, -1, 0, 0, 0}, c2 = {0, 0, 0, 0, 0, 0, -1, 0, 0, DATE_NONE},
           c3 = {2, 0, 1, 0, 0, 1, -1, 0, 0, 0};
    static const versions_run runs[] = {{3, 1}};
    int i;

    /* 1: c/1.csv X clean; 2: c/1.csv Y Annulé; 3: c/3.csv Y clean (undoes the
     * cancellation); 4: c/3.csv X Annulé (cancels it). c/2.csv has no row.
     * c/1.csv: 2 versions, both replaced. c/3.csv: Y kept, X cancelled. */
    for (i = 0; i < 4; i++) {
        r[i] = base(i % 3 ? "Y" : "X");
        r[i].uai_known = -1;
        r[i].file = i < 2 ? 0 : 2;
        r[i].extraction = i < 2 ? D(2022, 1, 15) : D(2023, 1, 15);
    }
    r[1].cancelled = 1;
    r[3].cancelled = 1;
    r[3].region_nd = 1; /* excluded: not counted in region_nd */
    for (i = 0; i < 4; i++)
        assert_int_equal(versions_add(v, &r[i], (uint32_t)i + 1), 0);
    assert_int_equal(versions_files(v, names, 3), 0);
    assert_int_equal(versions_finish(v), 0);
    c1.extraction_max = D(2022, 1, 15);
    c3.extraction_max = D(2023, 1, 15);
    f = versions_counts(v, &n);
    assert_int_equal(n, 3);
    counts_are(&f[0], "c/1.csv", c1);
    counts_are(&f[1], "c/2.csv", c2);
    counts_are(&f[2], "c/3.csv", c3);
    runs_are(v, runs, 1);
    versions_free(v);

    /* nothing at all */
    v = new_v("APPR");
    assert_int_equal(versions_finish(v), 0);
    f = versions_counts(v, &n);
    assert_int_equal(n, 0);
    runs_are(v, NULL, 0);
    assert_int_equal(versions_nkept(v), 0);
    versions_free(v);
}

/* Many contracts: past the first table size (65 536 slots at 70 %) and the
 * first chunk of 65 536 winners. Contract i has versions i (all) and, for
 * every third, a later one that replaces it; every fifth contract's kept
 * version is cancelled. Counted by hand from the rule, not by the code. */
static void test_many(void **state)
{
    (void)state;
    enum { N = 150000 };
    versions *v = new_v("APPR");
    char(*nums)[12] = malloc((size_t)N * sizeof *nums);
    static const char *const names[2] = {"first", "second"};
    unsigned long seq = 0, kept = 0, replaced0 = 0, cancelled = 0;
    const facts_merge *f;
    size_t n, nruns, k;
    const versions_run *runs;
    unsigned long total = 0;
    int i;

    assert_non_null(nums);
    for (i = 0; i < N; i++) {
        versions_row r;
        snprintf(nums[i], sizeof nums[i], "C%09d", i);
        r = base(nums[i]);
        r.cancelled = i % 5 == 0 && i % 3 != 0;
        assert_int_equal(versions_add(v, &r, (uint32_t)++seq), 0);
    }
    for (i = 0; i < N; i += 3) {
        versions_row r = base(nums[i]);
        r.file = 1;
        r.extraction = D(2024, 1, 15);
        r.cancelled = i % 5 == 0;
        assert_int_equal(versions_add(v, &r, (uint32_t)++seq), 0);
        replaced0++;
    }
    for (i = 0; i < N; i++)
        cancelled += i % 5 == 0;
    kept = N - cancelled;
    assert_int_equal(versions_files(v, names, 2), 0);
    assert_int_equal(versions_finish(v), 0);
    assert_int_equal(versions_distinct(v), N);
    assert_int_equal(versions_rows(v), seq);
    assert_int_equal(versions_nkept(v), kept);
    f = versions_counts(v, &n);
    assert_int_equal(n, 2);
    assert_int_equal(f[0].versions, N);
    assert_int_equal(f[0].replaced, replaced0);
    assert_int_equal(f[1].replaced, 0);
    assert_int_equal(f[0].cancelled + f[1].cancelled, cancelled);
    assert_int_equal(f[1].cancelled, (N + 14) / 15); /* multiples of 15 */
    assert_int_equal(f[0].kept + f[1].kept, kept);
    runs = versions_kept(v, &nruns);
    for (k = 0; k < nruns; k++) {
        total += runs[k].count;
        if (k)
            assert_true(runs[k].first > runs[k - 1].first + runs[k - 1].count);
    }
    assert_int_equal(total, kept);
    /* the first rows: contract 0 replaced; 1, 2 kept; 3 replaced; 4 kept; 5 cancelled */
    assert_int_equal(runs[0].first, 2);
    assert_int_equal(runs[0].count, 2);
    assert_int_equal(runs[1].first, 5);
    assert_int_equal(runs[1].count, 1);
    versions_free(v);
    free(nums);
}

/* Contract numbers of digits only are held as numbers, others as text: the
 * two must still compare exactly as texts do. Leading zeros count ("12",
 * "012" and "0012" are three contracts), 17 digits (the longest held as a
 * number) and 18 (held as text) each match only themselves, and a number
 * never matches a text that reads the same once a character is dropped;
 * two 18-digit numbers that 57 bits would confuse stay apart.
 * Each contract is read twice, the second version from a later extract:
 * every second read replaces the first, so replaced counts the matches. */
static void test_numbers(void **state)
{
    (void)state;
    static const char *const nums[] = {"12", "012", "0012", "1", "0", "00", "12345678901234567",
                                       "123456789012345678", "0123456789012345678",
                                       "99999999999999999", "999999999999999999", "12 ", " 12",
                                       "1a", "A12", "012A", "-12", "+12",
                                       /* 10^17 and 2^58 + 10^17: one number if
                                          18 digits were packed in 57 bits */
                                       "100000000000000000", "388230376151711744"};
    enum { NN = sizeof nums / sizeof nums[0], BIG = 120000 };
    char(*big)[16] = malloc(BIG * sizeof *big);
    versions *v = new_v("APPR");
    static const char *const names[2] = {"first", "second"};
    const facts_merge *f;
    size_t n, i, round;
    uint32_t seq = 0;

    assert_non_null(big);
    /* 15-digit DECA-like numbers, enough to grow the table many times,
     * interleaved with the odd ones */
    for (i = 0; i < BIG; i++)
        snprintf(big[i], sizeof big[i], "%03zu2024%08zu", i % 977, i);
    for (round = 0; round < 2; round++) {
        for (i = 0; i < BIG + NN; i++) {
            versions_row r = base(i < BIG ? big[i] : nums[i - BIG]);
            r.file = (int)round;
            r.extraction = round ? D(2024, 1, 15) : D(2023, 1, 15);
            assert_int_equal(versions_add(v, &r, ++seq), 0);
        }
    }
    assert_int_equal(versions_files(v, names, 2), 0);
    assert_int_equal(versions_finish(v), 0);
    assert_int_equal(versions_distinct(v), BIG + NN);
    f = versions_counts(v, &n);
    assert_int_equal(n, 2);
    assert_int_equal(f[0].replaced, BIG + NN);
    assert_int_equal(f[0].kept, 0);
    assert_int_equal(f[1].replaced, 0);
    assert_int_equal(f[1].kept, BIG + NN);
    versions_free(v);
    free(big);
}

/* ---- through record files ---------------------------------------------------- */

enum {
    C_FILE,
    C_NUM,
    C_EXT,
    C_AVD,
    C_AVN,
    C_STATUT,
    C_SUPPR,
    C_DEBUT,
    C_RUPT,
    C_RAD,
    C_DISP,
    C_REGION,
    C_OPCO,
    C_UAI,
    NCOLS
};

/* Writes the small set as the contract records ingest writes (the columns
 * versions_read_records needs, plus one it does not), with `uai` as the
 * uai_connu of every row. */
static void write_small_records(const char *path, int drop_col)
{
    static const char *const files[] = {"contrats/a.csv", "contrats/b.csv"};
    static const char *const statuts[] = {"Rompu", "Corrigé", "Annulé", "Supprimé"};
    static const char *const disps[] = {"APPR", "PROF"};
    static const char *const regions[] = {"28", "ND", "53"};
    static const char *const opcos[] = {"ND", "AKTO"};
    rec_head h;
    rec_row row;
    rec_writer *w;
    versions_row r[NSMALL];
    char err[256] = "";
    int c[NCOLS], i, extra;

    memset(&h, 0, sizeof h);
    h.kind = strdup("contrats");
    c[C_FILE] = rec_head_add(&h, "fichier", REC_CODE, files, NULL, 2);
    extra = rec_head_add(&h, "sexe", REC_TEXT, NULL, NULL, 0);
    c[C_NUM] = rec_head_add(&h, "numero_contrat", REC_TEXT, NULL, NULL, 0);
    c[C_EXT] = rec_head_add(&h, "date_extraction", REC_DATE, NULL, NULL, 0);
    c[C_AVD] = rec_head_add(&h, "date_effet_avenant", REC_DATE, NULL, NULL, 0);
    c[C_AVN] = rec_head_add(&h, drop_col == C_AVN ? "noavenant" : "numero_avenant",
                            drop_col == C_AVN ? REC_TEXT : REC_INT, NULL, NULL, 0);
    c[C_STATUT] = rec_head_add(&h, "statut", REC_CODE, statuts, NULL, 4);
    c[C_SUPPR] = rec_head_add(&h, "date_suppression", REC_DATE, NULL, NULL, 0);
    c[C_DEBUT] = rec_head_add(&h, "date_debut_contrat", REC_DATE, NULL, NULL, 0);
    c[C_RUPT] = rec_head_add(&h, "date_rupture", REC_DATE, NULL, NULL, 0);
    c[C_RAD] = rec_head_add(&h, "rupture_avant_debut", REC_INT, NULL, NULL, 0);
    c[C_DISP] = rec_head_add(&h, "dispositif", REC_CODE, disps, NULL, 2);
    c[C_REGION] = rec_head_add(&h, "region", REC_CODE, regions, NULL, 3);
    c[C_OPCO] = rec_head_add(&h, "opco", REC_CODE, opcos, NULL, 2);
    c[C_UAI] = rec_head_add(&h, "uai_connu", REC_INT, NULL, NULL, 0);
    for (i = 0; i < NCOLS; i++)
        assert_true(c[i] >= 0);
    assert_int_equal(rec_row_init(&row, &h), 0);
    w = rec_create(path, &h, err, sizeof err);
    assert_non_null(w);
    small_set(r);
    for (i = 0; i < NSMALL; i++) {
        rec_row_clear(&row);
        rec_set_code(&row, c[C_FILE], (uint16_t)(r[i].file + 1));
        rec_set_text(&row, extra, "F", 1);
        rec_set_text(&row, c[C_NUM], r[i].num, r[i].numlen);
        rec_set_date(&row, c[C_EXT], r[i].extraction);
        rec_set_date(&row, c[C_AVD], r[i].avenant_date);
        if (drop_col != C_AVN && r[i].avenant_number >= 0)
            rec_set_int(&row, c[C_AVN], r[i].avenant_number);
        /* Annulé for the cancelled one; the others Rompu, Corrigé or nothing */
        rec_set_code(&row, c[C_STATUT], r[i].cancelled ? 3 : (uint16_t)(i % 3));
        rec_set_date(&row, c[C_SUPPR], r[i].suppression);
        rec_set_date(&row, c[C_DEBUT], r[i].debut);
        rec_set_date(&row, c[C_RUPT], r[i].rupture);
        /* the flag: missing for most, false (0) for some, true (1) for row 12 */
        if (r[i].rupture_avant_debut || i % 4 == 0)
            rec_set_int(&row, c[C_RAD], r[i].rupture_avant_debut);
        rec_set_code(&row, c[C_DISP],
                     !r[i].dispositif                   ? 0
                     : !strcmp(r[i].dispositif, "PROF") ? 2
                                                        : 1);
        rec_set_code(&row, c[C_REGION], r[i].region_nd ? 2 : 1 + 2 * (i % 2));
        rec_set_code(&row, c[C_OPCO], r[i].opco_nd ? 1 : 2);
        rec_set_int(&row, c[C_UAI], r[i].uai_known);
        assert_int_equal(rec_write_row(w, &row), 0);
    }
    assert_int_equal(rec_close(w, err, sizeof err), 0);
    rec_row_free(&row);
    rec_head_free(&h);
}

/* versions_read_records on the small set gives the hand-worked counts;
 * versions_write writes the runs and the counts. */
static void test_records(void **state)
{
    (void)state;
    char err[256] = "";
    const char *in = tu_path("contrats.rec"), *kept = tu_path("kept.rec"),
               *facts = tu_path("merge.tsv");
    versions *v = new_v("APPR");
    facts_merge *fm = NULL;
    size_t n = 0;
    rec_reader *r;
    counts a = A_COUNTS, b = B_COUNTS;
    static const int64_t want[5][2] = {{3, 1}, {5, 3}, {10, 1}, {16, 3}, {22, 1}};
    int i, cf, cn;

    write_small_records(in, -1);
    assert_int_equal(versions_read_records(v, in, err, sizeof err), 0);
    assert_int_equal(versions_finish(v), 0);
    assert_int_equal(versions_write(v, kept, facts, err, sizeof err), 0);
    versions_free(v);

    r = rec_open(kept, err, sizeof err);
    assert_non_null(r);
    assert_string_equal(r->h.kind, "conserves");
    cf = rec_need(r, "version_debut", REC_INT, err, sizeof err);
    cn = rec_need(r, "nombre", REC_INT, err, sizeof err);
    assert_true(cf >= 0 && cn >= 0);
    for (i = 0; i < 5; i++) {
        assert_int_equal(rec_next(r, err, sizeof err), 1);
        assert_int_equal(rec_int(r, cf), want[i][0]);
        assert_int_equal(rec_int(r, cn), want[i][1]);
    }
    assert_int_equal(rec_next(r, err, sizeof err), 0);
    rec_close_reader(r);

    assert_int_equal(facts_merge_read(facts, &fm, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    a.extraction_max = D(2024, 1, 31);
    b.extraction_max = D(2023, 11, 30);
    counts_are(&fm[0], "contrats/a.csv", a);
    counts_are(&fm[1], "contrats/b.csv", b);
    facts_merge_free(fm, n);

    /* [APPR, PROF] through the records: K6 kept */
    v = new_v("APPR,PROF");
    assert_int_equal(versions_read_records(v, in, err, sizeof err), 0);
    assert_int_equal(versions_finish(v), 0);
    assert_int_equal(versions_nkept(v), 10);
    {
        const facts_merge *f = versions_counts(v, &n);
        assert_int_equal(f[1].dispositif, 0);
        assert_int_equal(f[1].kept, 8);
    }
    versions_free(v);
}

/* A record file without a needed column (or with it of another type) is
 * refused (-1, the column named); so is a row without a file. */
static void test_records_refused(void **state)
{
    (void)state;
    char err[256] = "";
    const char *in = tu_path("bad.rec");
    versions *v = new_v("APPR");

    write_small_records(in, C_AVN);
    assert_int_equal(versions_read_records(v, in, err, sizeof err), APPERR_INTERNAL);
    tu_check_err_at(err, in, 0, 0, "no column 'numero_avenant'");
    versions_free(v);

    v = new_v("APPR");
    assert_int_equal(versions_read_records(v, tu_path("absent.rec"), err, sizeof err),
                     APPERR_INTERNAL);
    tu_check_err_at(err, tu_path("absent.rec"), 0, 0, "cannot open");
    versions_free(v);

    /* a row whose file code is 0 */
    {
        rec_head h;
        rec_row row;
        rec_writer *w;
        static const char *const files[] = {"f.csv"};
        static const char *const none[] = {"x"};
        static const char *const names[] = {"fichier",
                                            "numero_contrat",
                                            "date_extraction",
                                            "date_effet_avenant",
                                            "numero_avenant",
                                            "statut",
                                            "date_suppression",
                                            "date_debut_contrat",
                                            "date_rupture",
                                            "rupture_avant_debut",
                                            "dispositif",
                                            "region",
                                            "opco",
                                            "uai_connu"};
        static const enum rec_type types[] = {REC_CODE, REC_TEXT, REC_DATE, REC_DATE, REC_INT,
                                              REC_CODE, REC_DATE, REC_DATE, REC_DATE, REC_INT,
                                              REC_CODE, REC_CODE, REC_CODE, REC_INT};
        int i;
        memset(&h, 0, sizeof h);
        h.kind = strdup("contrats");
        for (i = 0; i < NCOLS; i++)
            assert_int_equal(rec_head_add(&h, names[i], types[i], i ? none : files, NULL,
                                          types[i] == REC_CODE ? 1 : 0),
                             i);
        assert_int_equal(rec_row_init(&row, &h), 0);
        w = rec_create(in, &h, err, sizeof err);
        assert_non_null(w);
        rec_set_code(&row, C_FILE, 1);
        rec_set_text(&row, C_NUM, "A", 1);
        rec_write_row(w, &row);
        rec_set_code(&row, C_FILE, 0);
        rec_write_row(w, &row);
        assert_int_equal(rec_close(w, err, sizeof err), 0);
        rec_row_free(&row);
        rec_head_free(&h);
        v = new_v("APPR");
        assert_int_equal(versions_read_records(v, in, err, sizeof err), APPERR_INTERNAL);
        tu_check_err_at(err, in, 0, 0, "row 2: no file");
        versions_free(v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newer),
        cmocka_unit_test(test_exclusion),
        cmocka_unit_test(test_dispositifs_list),
        cmocka_unit_test(test_add_beyond),
        cmocka_unit_test(test_small_set),
        cmocka_unit_test(test_files_and_cfa),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_records_refused),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir);
}

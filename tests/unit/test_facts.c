/* test_facts.c: the facts files stages pass on (facts.h): ingest's per-file counts, merge's
 * per-file counts and the output files' sizes, hashes and rows. Each kind is written and read
 * back, its bytes compared with TSV written out by hand; malformed files are refused with the
 * file and line; facts_merge_sum is checked against sums done by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "testutil.h"

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_facts");
}

static void file_is(const char *path, const char *want)
{
    size_t len;
    char *got = tu_slurp(path, &len);
    assert_string_equal(got, want);
    free(got);
}

#define CODES_HEAD                                                                                 \
    "COLONNES\tREQUIS\tDATE\tDATES\tSIRET\tUAI\tENUM\tCODE_POSTAL\tAGE\tENCODAGE\tOPCO\tDOUBLON\t" \
    "EVENEMENT_INCONNU"
#define INPUTS_HEAD                                                                                \
    "fichier\tencodage\tseparateur\tlignes_lues\tlignes_acceptees\tlignes_rejetees\t" CODES_HEAD   \
    "\tvaleurs_invalides\tcolonnes_ignorees\tdoublons_participations\tdate_extraction_max\n"
#define MERGE_HEAD                                                                                 \
    "fichier\tversions_acceptees\tversions_remplacees\texclus_annules\t"                           \
    "exclus_rupture_avant_debut\texclus_dispositif\tconserves\tuai_inconnus\tregion_nd\topco_nd\t" \
    "date_extraction_max\n"
#define OUTPUTS_HEAD "fichier\toctets\tsha256\tsha256_contenu\tlignes\n"
#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHA_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* ---- the code names ----------------------------------------------------- */

static void test_code_names(void **state)
{
    (void)state;
    static const char *const names[FC_NCODES] = {"COLONNES",
                                                 "REQUIS",
                                                 "DATE",
                                                 "DATES",
                                                 "SIRET",
                                                 "UAI",
                                                 "ENUM",
                                                 "CODE_POSTAL",
                                                 "AGE",
                                                 "ENCODAGE",
                                                 "OPCO",
                                                 "DOUBLON",
                                                 "EVENEMENT_INCONNU"};
    int i;
    for (i = 0; i < FC_NCODES; i++) {
        assert_string_equal(facts_code_names[i], names[i]);
        assert_int_equal(facts_code_of(names[i]), i);
    }
    assert_int_equal(facts_code_of("date"), -1); /* exact names only */
    assert_int_equal(facts_code_of(""), -1);
    assert_int_equal(facts_code_of("DATES "), -1);
}

/* ---- ingest's counts ------------------------------------------------------ */

static void test_inputs_round_trip(void **state)
{
    (void)state;
    char err[512] = "";
    const char *p = tu_path("inputs.tsv");
    facts_input in[2], *got = NULL;
    size_t n = 0;
    int k;

    memset(in, 0, sizeof in);
    in[0].file = "contrats/a\tb.csv.gz"; /* a TAB in a name is escaped */
    in[0].encoding = "Windows-1252";
    in[0].separator = ";";
    in[0].read = 120, in[0].accepted = 117, in[0].rejected = 3;
    for (k = 0; k < FC_NCODES; k++)
        in[0].codes[k] = (unsigned long)k;
    in[0].invalid = 9;
    in[0].ignored = "Commentaire|(vide)";
    in[0].dups = -1;
    in[0].extraction_max = date_from_ymd(2024, 1, 31);
    in[1].file = "participations/p.csv";
    in[1].encoding = "UTF-8";
    in[1].separator = "|";
    in[1].ignored = "";
    in[1].dups = 4;
    in[1].extraction_max = DATE_NONE;
    assert_int_equal(facts_inputs_write(p, in, 2, err, sizeof err), 0);
    file_is(p, INPUTS_HEAD
            "contrats/"
            "a\\tb.csv.gz\tWindows-1252\t;\t120\t117\t3\t0\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t"
            "12\t9\tCommentaire|(vide)\t\t2024-01-31\n"
            "participations/"
            "p.csv\tUTF-8\t|\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t\t4\t\n");

    assert_int_equal(facts_inputs_read(p, &got, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(got[0].file, "contrats/a\tb.csv.gz");
    assert_string_equal(got[0].encoding, "Windows-1252");
    assert_string_equal(got[0].separator, ";");
    assert_int_equal(got[0].read, 120);
    assert_int_equal(got[0].accepted, 117);
    assert_int_equal(got[0].rejected, 3);
    for (k = 0; k < FC_NCODES; k++)
        assert_int_equal(got[0].codes[k], k);
    assert_int_equal(got[0].invalid, 9);
    assert_string_equal(got[0].ignored, "Commentaire|(vide)");
    assert_int_equal(got[0].dups, -1);
    assert_string_equal(got[1].ignored, "");
    assert_int_equal(got[1].dups, 4);
    assert_int_equal(got[0].extraction_max, date_from_ymd(2024, 1, 31));
    assert_int_equal(got[1].extraction_max, DATE_NONE);
    facts_inputs_free(got, n);
}

/* ---- merge's counts ------------------------------------------------------- */

static void test_merge_round_trip(void **state)
{
    (void)state;
    char err[512] = "";
    const char *p = tu_path("merge.tsv");
    facts_merge m[2], *got = NULL;
    size_t n = 0;

    memset(m, 0, sizeof m);
    m[0].file = "contrats/deca_20231130.csv";
    m[0].versions = 33, m[0].replaced = 1, m[0].cancelled = 3, m[0].rupture_before = 2;
    m[0].dispositif = 6, m[0].kept = 21, m[0].uai_unknown = -1, m[0].region_nd = 4;
    m[0].opco_nd = 5, m[0].extraction_max = date_from_ymd(2023, 11, 30);
    m[1].file = "contrats/vide.csv";
    m[1].uai_unknown = 0;
    m[1].extraction_max = DATE_NONE;
    assert_int_equal(facts_merge_write(p, m, 2, err, sizeof err), 0);
    file_is(p, MERGE_HEAD "contrats/deca_20231130.csv\t33\t1\t3\t2\t6\t21\t\t4\t5\t2023-11-30\n"
                          "contrats/vide.csv\t0\t0\t0\t0\t0\t0\t0\t0\t0\t\n");
    assert_int_equal(facts_merge_read(p, &got, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(got[0].file, "contrats/deca_20231130.csv");
    assert_int_equal(got[0].versions, 33);
    assert_int_equal(got[0].replaced, 1);
    assert_int_equal(got[0].cancelled, 3);
    assert_int_equal(got[0].rupture_before, 2);
    assert_int_equal(got[0].dispositif, 6);
    assert_int_equal(got[0].kept, 21);
    assert_int_equal(got[0].uai_unknown, -1);
    assert_int_equal(got[0].region_nd, 4);
    assert_int_equal(got[0].opco_nd, 5);
    assert_int_equal(got[0].extraction_max, date_from_ymd(2023, 11, 30));
    assert_int_equal(got[1].uai_unknown, 0);
    assert_int_equal(got[1].extraction_max, DATE_NONE);
    facts_merge_free(got, n);
}

/* Reading appends: two files into one list, past the sizes where it grows
 * (8, 16, 32); columns found by name whatever their order. */
static void test_merge_append(void **state)
{
    (void)state;
    char err[512] = "";
    const char *p = tu_path("many.tsv");
    facts_merge m[20], *got = NULL;
    char names[20][16];
    size_t n = 0, i;

    memset(m, 0, sizeof m);
    for (i = 0; i < 20; i++) {
        snprintf(names[i], sizeof names[i], "f%02zu.csv", i);
        m[i].file = names[i];
        m[i].versions = i;
        m[i].kept = 100 + i;
        m[i].uai_unknown = (long)i - 1;
        m[i].extraction_max = i % 3 ? (date_t)(19000 + i) : DATE_NONE;
    }
    assert_int_equal(facts_merge_write(p, m, 20, err, sizeof err), 0);
    assert_int_equal(facts_merge_read(p, &got, &n, err, sizeof err), 0);
    assert_int_equal(n, 20);
    assert_int_equal(facts_merge_read(p, &got, &n, err, sizeof err), 0);
    assert_int_equal(n, 40);
    for (i = 0; i < 40; i++) {
        assert_string_equal(got[i].file, names[i % 20]);
        assert_int_equal(got[i].versions, i % 20);
        assert_int_equal(got[i].kept, 100 + i % 20);
        assert_int_equal(got[i].uai_unknown, (long)(i % 20) - 1);
        assert_int_equal(got[i].extraction_max, i % 20 % 3 ? (date_t)(19000 + i % 20) : DATE_NONE);
    }
    facts_merge_free(got, n);

    /* the columns in another order, an extra column: read by name */
    tu_write_str("order.tsv", "conserves\tfichier\tautre\tdate_extraction_max\topco_nd\tregion_nd\t"
                              "uai_inconnus\texclus_dispositif\texclus_rupture_avant_debut\t"
                              "exclus_annules\tversions_remplacees\tversions_acceptees\n"
                              "7\tx.csv\t?\t2020-01-31\t6\t5\t4\t3\t2\t1\t9\t8\n");
    got = NULL, n = 0;
    assert_int_equal(facts_merge_read(tu_path("order.tsv"), &got, &n, err, sizeof err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(got[0].file, "x.csv");
    assert_int_equal(got[0].kept, 7);
    assert_int_equal(got[0].versions, 8);
    assert_int_equal(got[0].replaced, 9);
    assert_int_equal(got[0].cancelled, 1);
    assert_int_equal(got[0].rupture_before, 2);
    assert_int_equal(got[0].dispositif, 3);
    assert_int_equal(got[0].uai_unknown, 4);
    assert_int_equal(got[0].region_nd, 5);
    assert_int_equal(got[0].opco_nd, 6);
    assert_int_equal(got[0].extraction_max, date_from_ymd(2020, 1, 31));
    facts_merge_free(got, n);
}

/* ---- outputs ---------------------------------------------------------------- */

static void test_outputs_round_trip(void **state)
{
    (void)state;
    char err[512] = "";
    const char *p = tu_path("outputs.tsv");
    facts_output o[2], *got = NULL;
    size_t n = 0;

    memset(o, 0, sizeof o);
    o[0].file = "croissance.csv.gz";
    o[0].bytes = 5000000000ULL; /* over 32 bits */
    strcpy(o[0].sha256, SHA_A);
    strcpy(o[0].content_sha256, SHA_B);
    o[0].rows = 1234;
    o[1].file = "bilan.xlsx";
    o[1].bytes = 0;
    strcpy(o[1].sha256, SHA_B);
    o[1].rows = -1;
    assert_int_equal(facts_outputs_write(p, o, 2, err, sizeof err), 0);
    file_is(p, OUTPUTS_HEAD "croissance.csv.gz\t5000000000\t" SHA_A "\t" SHA_B "\t1234\n"
                            "bilan.xlsx\t0\t" SHA_B "\t\t\n");
    assert_int_equal(facts_outputs_read(p, &got, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(got[0].file, "croissance.csv.gz");
    assert_true(got[0].bytes == 5000000000ULL);
    assert_string_equal(got[0].sha256, SHA_A);
    assert_string_equal(got[0].content_sha256, SHA_B);
    assert_int_equal(got[0].rows, 1234);
    assert_string_equal(got[1].file, "bilan.xlsx");
    assert_string_equal(got[1].content_sha256, "");
    assert_int_equal(got[1].rows, -1);
    facts_outputs_free(got, n);
}

/* ---- malformed files ---------------------------------------------------------- */

typedef int (*reader_fn)(const char *path, char *err, size_t errlen);
static int read_inputs(const char *path, char *err, size_t errlen)
{
    facts_input *v = NULL;
    size_t n = 0;
    int rc = facts_inputs_read(path, &v, &n, err, errlen);
    facts_inputs_free(v, n);
    return rc;
}
static int read_merge(const char *path, char *err, size_t errlen)
{
    facts_merge *v = NULL;
    size_t n = 0;
    int rc = facts_merge_read(path, &v, &n, err, errlen);
    facts_merge_free(v, n);
    return rc;
}
static int read_outputs(const char *path, char *err, size_t errlen)
{
    facts_output *v = NULL;
    size_t n = 0;
    int rc = facts_outputs_read(path, &v, &n, err, errlen);
    facts_outputs_free(v, n);
    return rc;
}

/* The file text must be refused with a message naming the file and, when
 * line > 0, "path:line: malformed value"; else holding `what`. */
static void refused(reader_fn fn, const char *text, int line, const char *what)
{
    char err[512] = "";
    const char *p = tu_write_str("bad.tsv", text);
    if (fn(p, err, sizeof err) != -1)
        fail_msg("accepted:\n%s", text);
    if (line > 0) {
        char want[512];
        snprintf(want, sizeof want, "%s:%d: malformed value", p, line);
        if (strcmp(err, want))
            fail_msg("message \"%s\", expected \"%s\"", err, want);
    } else {
        tu_check_err_at(err, p, 0, 0, what);
    }
}

#define ZEROS13 "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"
static void test_malformed(void **state)
{
    (void)state;
    char err[512] = "";
    /* a good file of each kind is accepted (so that the refusals below are
     * about the one change each makes) */
    assert_int_equal(read_inputs(tu_write_str("good.tsv", INPUTS_HEAD "f\tUTF-8\t;\t1\t1\t0" ZEROS13
                                                                      "\t0\t\t\t\n"),
                                 err, sizeof err),
                     0);
    assert_int_equal(
        read_merge(tu_write_str("good.tsv", MERGE_HEAD "f\t1\t0\t0\t0\t0\t1\t\t0\t0\t2024-01-31\n"),
                   err, sizeof err),
        0);
    assert_int_equal(
        read_outputs(tu_write_str("good.tsv", OUTPUTS_HEAD "f\t10\t" SHA_A "\t" SHA_B "\t3\n"), err,
                     sizeof err),
        0);

    /* ingest's counts */
    refused(read_inputs, INPUTS_HEAD "f\tUTF-8\t;\tx\t1\t0" ZEROS13 "\t0\t\t\t\n", 2, NULL);
    refused(read_inputs, INPUTS_HEAD "f\tUTF-8\t;\t1\t1\t-1" ZEROS13 "\t0\t\t\t\n", 2, NULL);
    refused(read_inputs, INPUTS_HEAD "f\tUTF-8\t;\t1\t\t0" ZEROS13 "\t0\t\t\t\n", 2, NULL);
    refused(read_inputs, INPUTS_HEAD "f\tUTF-8\t;\t1\t1\t0" ZEROS13 "\t1.5\t\t\t\n", 2, NULL);
    refused(read_inputs,
            INPUTS_HEAD "f\tUTF-8\t;\t1\t1\t0" ZEROS13 "\t0\t\t\t\ng\tUTF-8\t;\t1\t1\t0"
                        "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t3x\t0\t\t\t\n",
            3, NULL);
    refused(read_inputs, INPUTS_HEAD "f\tUTF-8\t;\t1\t1\t0" ZEROS13 "\t0\t\tdeux\t\n", 2, NULL);
    refused(read_inputs, INPUTS_HEAD "f\tUTF-8\t;\t1\t1\t0" ZEROS13 "\t0\t\t\t2024-02-30\n", 2,
            NULL);
    /* a missing column, a row of the wrong width */
    refused(read_inputs, "fichier\tencodage\n", 0, "no column 'separateur'");
    refused(read_inputs, INPUTS_HEAD "f\tUTF-8\n", 0, NULL);

    /* merge's counts */
    refused(read_merge, MERGE_HEAD "f\t1\t0\t0\t0\t0\tun\t\t0\t0\t\n", 2, NULL);
    refused(read_merge, MERGE_HEAD "f\t\t0\t0\t0\t0\t1\t\t0\t0\t\n", 2, NULL);
    refused(read_merge, MERGE_HEAD "f\t1\t0\t0\t0\t0\t1\t-2\t0\t0\t\n", 2, NULL);
    refused(read_merge, MERGE_HEAD "f\t1\t0\t0\t0\t0\t1\t\t\t0\t\n", 2, NULL);
    refused(read_merge, MERGE_HEAD "f\t1\t0\t0\t0\t0\t1\t\t0\t0\t2024-02-30\n", 2, NULL);
    refused(read_merge, MERGE_HEAD "f\t1\t0\t0\t0\t0\t1\t\t0\t0\thier\n", 2, NULL);
    refused(read_merge,
            "fichier\tversions_acceptees\tversions_remplacees\texclus_annules\t"
            "exclus_rupture_avant_debut\tconserves\tuai_inconnus\tregion_nd\topco_nd\t"
            "date_extraction_max\n",
            0, "no column 'exclus_dispositif'");

    /* outputs */
    refused(read_outputs, OUTPUTS_HEAD "f\t-1\t" SHA_A "\t" SHA_B "\t3\n", 2, NULL);
    refused(read_outputs, OUTPUTS_HEAD "f\t10\t" SHA_A "0\t" SHA_B "\t3\n", 2, NULL);
    refused(read_outputs, OUTPUTS_HEAD "f\t10\t\t\t3\n", 2, NULL);
    refused(read_outputs, OUTPUTS_HEAD "f\t10\t" SHA_A "\tabc\t3\n", 2, NULL);
    refused(read_outputs, OUTPUTS_HEAD "f\t10\t" SHA_A "\t" SHA_B "\ttrois\n", 2, NULL);
    refused(read_outputs, OUTPUTS_HEAD "f\t10\t" SHA_A "\t" SHA_B "\t-5\n", 2, NULL);
    refused(read_outputs, "fichier\toctets\n", 0, "no column 'sha256'");

    /* a file that does not exist */
    assert_int_equal(read_merge(tu_path("absent.tsv"), err, sizeof err), -1);
    tu_check_err_at(err, tu_path("absent.tsv"), 0, 0, NULL);
}

/* ---- the totals ---------------------------------------------------------------- */

static void test_merge_sum(void **state)
{
    (void)state;
    facts_merge m[3];
    facts_merge_total t;

    memset(m, 0, sizeof m);
    /* by hand: versions 33+5+0 = 38, replaced 1+2+0 = 3, cancelled 3+0+1 = 4,
     * rupture_before 2+1+0 = 3, dispositif 6+0+0 = 6, kept 21+2+0 = 23; the
     * latest extraction 2024-10-31 (the middle file), a file without one ignored */
    m[0].versions = 33, m[0].replaced = 1, m[0].cancelled = 3, m[0].rupture_before = 2;
    m[0].dispositif = 6, m[0].kept = 21, m[0].extraction_max = date_from_ymd(2023, 11, 30);
    m[1].versions = 5, m[1].replaced = 2, m[1].rupture_before = 1, m[1].kept = 2;
    m[1].extraction_max = date_from_ymd(2024, 10, 31);
    m[2].cancelled = 1, m[2].extraction_max = DATE_NONE;
    m[0].region_nd = m[1].opco_nd = 7; /* not part of the totals */
    facts_merge_sum(m, 3, &t);
    assert_int_equal(t.versions, 38);
    assert_int_equal(t.replaced, 3);
    assert_int_equal(t.cancelled, 4);
    assert_int_equal(t.rupture_before, 3);
    assert_int_equal(t.dispositif, 6);
    assert_int_equal(t.kept, 23);
    assert_int_equal(t.extraction_max, date_from_ymd(2024, 10, 31));
    /* a file without any date first: still the latest of the others */
    m[0].extraction_max = DATE_NONE;
    m[2].extraction_max = date_from_ymd(2022, 1, 15);
    facts_merge_sum(m, 3, &t);
    assert_int_equal(t.extraction_max, date_from_ymd(2024, 10, 31));
    /* no file, and files without dates */
    t.kept = 99;
    facts_merge_sum(m, 0, &t);
    assert_int_equal(t.kept, 0);
    assert_int_equal(t.versions, 0);
    assert_int_equal(t.extraction_max, DATE_NONE);
    m[1].extraction_max = m[2].extraction_max = DATE_NONE;
    facts_merge_sum(m, 3, &t);
    assert_int_equal(t.extraction_max, DATE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_names),         cmocka_unit_test(test_inputs_round_trip),
        cmocka_unit_test(test_merge_round_trip),   cmocka_unit_test(test_merge_append),
        cmocka_unit_test(test_outputs_round_trip), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_merge_sum),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir);
}

/* test_refdata.c: the reference tables (refdata.h, spec/inputs.md "Reference tables").
 * Run from the repository root: the shipped tables are read from "schemas".
 * The expected values come from the spec and from reading the shipped CSV files by hand:
 *   - 101 départements: 01-19, 2A, 2B, 21-95 (96 in metropolitan France) and 971-974, 976 (5);
 *     not 20, 00 or 975;
 *   - 18 régions (spec: 01-04, 06, 11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94);
 *   - departements.csv: 14 -> 28 (Calvados, Normandie), 2A -> 94 (Corse), 971 -> 01;
 *   - regions.csv: 52 Pays de la Loire, 11 Île-de-France, 28 Normandie;
 *   - opco.csv: aliases "Opco-EP", "OPCO des entreprises de proximité" of OPCO_EP, "OPCO Cohésion
 *     sociale" of UNIFORMATION; idcc_opco.csv: 1979 -> AKTO, 0016 -> OPCO_MOBILITES, no 9999.
 * Valid UAIs used for cfa.csv (letter = "ABCDEFGHJKLMNPRSTUVWXYZ"[n mod 23], computed by hand):
 *   0750001 mod 23 = 17 -> U; 0140012 mod 23 = 11 -> M; 0691234 mod 23 = 15 -> S. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refdata.h"
#include "testutil.h"

/* the index of each table in refdata.files, from the order the header's comment gives */
enum { T_DEPT, T_REG, T_OPCO, T_IDCC, T_CFA, T_NAF };

/* ---- helpers ----------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_refdata");
}

static refdata *load_ok(const char *input_dir)
{
    char err[1024] = "";
    enum apperr code = APPERR_OK;
    refdata *r = refdata_load("schemas", input_dir, &code, err, sizeof err);
    if (!r)
        fail_msg("refdata_load(schemas, %s): code %d: %s", input_dir ? input_dir : "NULL",
                 (int)code, err);
    return r;
}

/* A drop folder tu_path(name) with its referentiels/ sub-folder; returns the drop folder's path
 * (a tu_path buffer: copy it). */
static const char *drop_dir(const char *name)
{
    char sub[128];
    tu_mkdir(name);
    snprintf(sub, sizeof sub, "%s/referentiels", name);
    tu_mkdir(sub);
    return tu_path(name);
}

/* Writes the NUL-terminated s to tu_path(name)/referentiels/file; returns its path. */
static const char *drop_file(const char *name, const char *file, const char *s)
{
    char rel[128];
    snprintf(rel, sizeof rel, "%s/referentiels/%s", name, file);
    return tu_write_str(rel, s);
}

static void str_is(const char *got, const char *want, const char *what)
{
    if (!got)
        fail_msg("%s: NULL, expected \"%s\"", what, want);
    if (strcmp(got, want))
        fail_msg("%s: \"%s\", expected \"%s\"", what, got, want);
}

static const char *region_s(const refdata *r, const char *s)
{
    return ref_region(r, s, strlen(s));
}

static const char *opco_s(const refdata *r, const char *s)
{
    return ref_opco(r, s, strlen(s));
}

/* ---- shipped tables ---------------------------------------------------- */

static void test_shipped_departements(void **state)
{
    (void)state;
    refdata *r = load_ok(NULL);
    char code[8];
    int n = 0, i;
    /* every 2- and 3-digit code, and the two Corsican ones */
    for (i = 1; i <= 99; i++) {
        snprintf(code, sizeof code, "%02d", i);
        n += ref_dept_known(r, code) ? 1 : 0;
    }
    for (i = 100; i <= 999; i++) {
        snprintf(code, sizeof code, "%d", i);
        n += ref_dept_known(r, code) ? 1 : 0;
    }
    n += ref_dept_known(r, "2A") + ref_dept_known(r, "2B");
    assert_int_equal(n, 101);
    assert_true(ref_dept_known(r, "2A"));
    assert_true(ref_dept_known(r, "2B"));
    assert_true(ref_dept_known(r, "971"));
    assert_true(ref_dept_known(r, "976"));
    assert_true(ref_dept_known(r, "01"));
    assert_true(ref_dept_known(r, "95"));
    assert_false(ref_dept_known(r, "975"));
    assert_false(ref_dept_known(r, "20"));
    assert_false(ref_dept_known(r, "00"));
    assert_false(ref_dept_known(r, "96"));
    assert_false(ref_dept_known(r, ""));
    str_is(ref_dept_region(r, "14"), "28", "dept 14");
    str_is(ref_dept_region(r, "2A"), "94", "dept 2A");
    str_is(ref_dept_region(r, "2B"), "94", "dept 2B");
    str_is(ref_dept_region(r, "971"), "01", "dept 971");
    str_is(ref_dept_region(r, "976"), "06", "dept 976");
    str_is(ref_dept_region(r, "75"), "11", "dept 75");
    assert_null(ref_dept_region(r, "975"));
    assert_null(ref_dept_region(r, "20"));
    assert_null(ref_dept_region(r, "00"));
    refdata_free(r);
}

static void test_shipped_regions(void **state)
{
    (void)state;
    refdata *r = load_ok(NULL);
    static const char *const spec_codes[] = {"01", "02", "03", "04", "06", "11", "24", "27", "28",
                                             "32", "44", "52", "53", "75", "76", "84", "93", "94"};
    char code[4];
    int n = 0, i;
    /* by code: exactly the 18 of the spec, each canonical */
    for (i = 0; i <= 99; i++) {
        snprintf(code, sizeof code, "%02d", i);
        n += region_s(r, code) != NULL;
    }
    assert_int_equal(n, 18);
    for (i = 0; i < 18; i++)
        str_is(region_s(r, spec_codes[i]), spec_codes[i], spec_codes[i]);
    str_is(region_s(r, "28"), "28", "region 28");
    /* one digit is left-padded */
    str_is(region_s(r, "2"), "02", "region 2");
    str_is(region_s(r, "6"), "06", "region 6");
    assert_null(region_s(r, "5"));
    assert_null(region_s(r, "05"));
    assert_null(region_s(r, "99"));
    assert_null(region_s(r, "2A")); /* a département, not a région */
    /* by libellé, through F() */
    str_is(region_s(r, "pays de la loire"), "52", "pays de la loire");
    str_is(region_s(r, "Pays de la Loire"), "52", "Pays de la Loire");
    str_is(region_s(r, "Île-de-France"), "11", "Île-de-France");
    str_is(region_s(r, "ile de france"), "11", "ile de france");
    str_is(region_s(r, "ILE-DE-FRANCE"), "11", "ILE-DE-FRANCE");
    str_is(region_s(r, "Normandie"), "28", "Normandie");
    str_is(region_s(r, "provence alpes cote d'azur"), "93", "PACA");
    assert_null(region_s(r, "Atlantide"));
    assert_null(region_s(r, ""));
    /* the length counts: "28" followed by bytes that are not read */
    assert_non_null(ref_region(r, "28xyz", 2));
    str_is(ref_region(r, "28xyz", 2), "28", "28 of 28xyz");
    /* libellés */
    str_is(ref_region_lib(r, "ND"), "Non déterminée", "lib ND");
    str_is(ref_region_lib(r, "TOTAL"), "Ensemble", "lib TOTAL");
    str_is(ref_region_lib(r, "28"), "Normandie", "lib 28");
    str_is(ref_region_lib(r, "11"), "Île-de-France", "lib 11");
    str_is(ref_region_lib(r, "04"), "La Réunion", "lib 04");
    refdata_free(r);
}

static void test_shipped_opco(void **state)
{
    (void)state;
    refdata *r = load_ok(NULL);
    static const char *const codes[] = {"AFDAS",      "AKTO",       "ATLAS",       "CONSTRUCTYS",
                                        "OCAPIAT",    "OPCO2I",     "OPCO_EP",     "OPCO_MOBILITES",
                                        "OPCO_SANTE", "OPCOMMERCE", "UNIFORMATION"};
    size_t i;
    /* each canonical code is its own spelling */
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
        str_is(opco_s(r, codes[i]), codes[i], codes[i]);
    /* aliases and codes through F() */
    str_is(opco_s(r, "Opco-EP"), "OPCO_EP", "Opco-EP");
    str_is(opco_s(r, "OPCO EP"), "OPCO_EP", "OPCO EP");
    str_is(opco_s(r, "opco_ep"), "OPCO_EP", "opco_ep");
    str_is(opco_s(r, "opco des entreprises de proximité"), "OPCO_EP", "entreprises de proximité");
    str_is(opco_s(r, "OPCO DES ENTREPRISES DE PROXIMITE"), "OPCO_EP", "ENTREPRISES DE PROXIMITE");
    str_is(opco_s(r, "OPCO Cohésion sociale"), "UNIFORMATION", "OPCO Cohésion sociale");
    str_is(opco_s(r, "opco cohesion sociale"), "UNIFORMATION", "opco cohesion sociale");
    str_is(opco_s(r, "OPCO Mobilités"), "OPCO_MOBILITES", "OPCO Mobilités");
    str_is(opco_s(r, "akto"), "AKTO", "akto");
    assert_null(opco_s(r, "OPCO Inconnu"));
    assert_null(opco_s(r, "ND"));
    assert_null(opco_s(r, ""));
    /* IDCC -> OPCO */
    str_is(ref_idcc_opco(r, "1979"), "AKTO", "idcc 1979");
    str_is(ref_idcc_opco(r, "0016"), "OPCO_MOBILITES", "idcc 0016");
    str_is(ref_idcc_opco(r, "0843"), "OPCO_EP", "idcc 0843");
    assert_null(ref_idcc_opco(r, "9999"));
    assert_null(ref_idcc_opco(r, "0001"));
    refdata_free(r);
}

/* The libellés the workbook shows beside codes: opco.csv, departements.csv and
 * naf_sections.csv as read by hand. */
static void test_shipped_labels(void **state)
{
    (void)state;
    refdata *r = load_ok(NULL);
    str_is(ref_opco_lib(r, "OPCO_SANTE"), "OPCO Santé, opérateur de compétences de la santé",
           "OPCO_SANTE");
    assert_null(ref_opco_lib(r, "ND"));
    assert_null(ref_opco_lib(r, "OPCO EP")); /* an alias is not a code */
    str_is(ref_dept_lib(r, "14"), "Calvados", "14");
    str_is(ref_dept_lib(r, "2A"), "Corse-du-Sud", "2A");
    str_is(ref_dept_lib(r, "971"), "Guadeloupe", "971");
    assert_null(ref_dept_lib(r, "20"));
    assert_null(ref_dept_lib(r, "ND"));
    str_is(ref_naf_section_lib(r, "I"), "Hébergement et restauration", "I");
    str_is(ref_naf_section_lib(r, "F"), "Construction", "F");
    assert_null(ref_naf_section_lib(r, "Z"));
    assert_null(ref_naf_section_lib(r, "ND"));
    assert_null(ref_naf_section_lib(r, ""));
    refdata_free(r);
}

static void test_shipped_files(void **state)
{
    (void)state;
    refdata *r = load_ok(NULL);
    static const char *const names[] = {"departements", "regions", "opco",
                                        "idcc_opco",    "cfa",     "naf_sections"};
    char want[256];
    int k;
    assert_int_equal(REF_TABLES, 6);
    for (k = 0; k < REF_TABLES; k++) {
        str_is(r->files[k].name, names[k], "table name");
        assert_int_equal(r->files[k].dropped, 0);
        if (k == T_CFA) {
            assert_null(r->files[k].path); /* no shipped default */
            continue;
        }
        snprintf(want, sizeof want, "schemas/referentiels/%s.csv", names[k]);
        str_is(r->files[k].path, want, "shipped path");
    }
    /* no cfa table: every UAI passes unchecked */
    assert_int_equal(r->have_cfa, 0);
    assert_false(ref_cfa_known(r, "0750001U"));
    refdata_free(r);
    /* a drop folder without referentiels/ changes nothing */
    r = load_ok(tu_mkdir("no_referentiels"));
    assert_int_equal(r->have_cfa, 0);
    for (k = 0; k < REF_TABLES; k++)
        assert_int_equal(r->files[k].dropped, 0);
    str_is(ref_dept_region(r, "14"), "28", "dept 14");
    refdata_free(r);
}

/* ---- dropped tables ---------------------------------------------------- */

static void test_dropped_cfa(void **state)
{
    (void)state;
    char drop[256];
    const char *path;
    snprintf(drop, sizeof drop, "%s", drop_dir("drop_cfa"));
    path = drop_file("drop_cfa", "cfa.csv",
                     "uai,siret,nom,code_postal\n"
                     "0750001U,,CFA de Paris,75001\n"
                     "0140012m,,CFA de Caen,14000\n");
    char want[256];
    refdata *r;
    snprintf(want, sizeof want, "%s", path);
    r = load_ok(drop);
    assert_int_equal(r->have_cfa, 1);
    assert_true(ref_cfa_known(r, "0750001U"));
    /* the lower-case UAI of the file is upper-cased */
    assert_true(ref_cfa_known(r, "0140012M"));
    assert_false(ref_cfa_known(r, "0691234S"));
    assert_false(ref_cfa_known(r, ""));
    str_is(r->files[T_CFA].path, want, "cfa path");
    assert_int_equal(r->files[T_CFA].dropped, 1);
    /* the other tables stay the shipped ones */
    assert_int_equal(r->files[T_DEPT].dropped, 0);
    assert_int_equal(r->files[T_OPCO].dropped, 0);
    str_is(r->files[T_OPCO].path, "schemas/referentiels/opco.csv", "opco path");
    refdata_free(r);
}

static void test_dropped_cfa_gz(void **state)
{
    (void)state;
    static const char csv[] = "uai,siret,nom,code_postal\n"
                              "0691234S,,CFA de Lyon,69001\n";
    char drop[256], want[256];
    refdata *r;
    snprintf(drop, sizeof drop, "%s", drop_dir("drop_cfagz"));
    snprintf(want, sizeof want, "%s",
             tu_write_gz("drop_cfagz/referentiels/cfa.csv.gz", csv, sizeof csv - 1));
    r = load_ok(drop);
    assert_int_equal(r->have_cfa, 1);
    assert_true(ref_cfa_known(r, "0691234S"));
    assert_false(ref_cfa_known(r, "0750001U"));
    str_is(r->files[T_CFA].path, want, "cfa.csv.gz path");
    assert_int_equal(r->files[T_CFA].dropped, 1);
    refdata_free(r);
}

static void test_dropped_opco(void **state)
{
    (void)state;
    /* the shipped table (every OPCO the shipped IDCC table names) and one more OPCO */
    size_t len;
    char *shipped = tu_slurp("schemas/referentiels/opco.csv", &len);
    char *text = malloc(len + 200);
    const char *path;
    char drop[256], want[256];
    refdata *r;
    int k;
    assert_non_null(text);
    snprintf(text, len + 200, "%s%sESSAI,Opco d'essai,Opco Essai|Opco des tests unitaires\n",
             shipped, len && shipped[len - 1] != '\n' ? "\n" : "");
    snprintf(drop, sizeof drop, "%s", drop_dir("drop_opco"));
    path = drop_file("drop_opco", "opco.csv", text);
    snprintf(want, sizeof want, "%s", path);
    free(text);
    free(shipped);
    r = load_ok(drop);
    assert_int_equal(r->files[T_OPCO].dropped, 1);
    str_is(r->files[T_OPCO].path, want, "opco path");
    for (k = 0; k < REF_TABLES; k++)
        if (k != T_OPCO)
            assert_int_equal(r->files[k].dropped, 0);
    /* the dropped table is the one read */
    str_is(opco_s(r, "ESSAI"), "ESSAI", "ESSAI");
    str_is(opco_s(r, "opco essai"), "ESSAI", "opco essai");
    str_is(opco_s(r, "OPCO des tests unitaires"), "ESSAI", "tests unitaires");
    str_is(opco_s(r, "Opco-EP"), "OPCO_EP", "Opco-EP");
    str_is(ref_idcc_opco(r, "1979"), "AKTO", "idcc 1979");
    assert_int_equal(r->have_cfa, 0);
    refdata_free(r);

    /* a smaller dropped table replaces the shipped one entirely: an OPCO it lacks is unknown */
    snprintf(drop, sizeof drop, "%s", drop_dir("drop_opco_small"));
    drop_file("drop_opco_small", "opco.csv", "opco,libelle,aliases\nAKTO,Akto,Opco Akto\n");
    drop_file("drop_opco_small", "idcc_opco.csv", "idcc,opco\n1979,AKTO\n");
    r = load_ok(drop);
    str_is(opco_s(r, "opco akto"), "AKTO", "opco akto");
    assert_null(opco_s(r, "Opco-EP"));
    assert_null(ref_idcc_opco(r, "0016"));
    str_is(ref_idcc_opco(r, "1979"), "AKTO", "idcc 1979");
    assert_int_equal(r->files[T_IDCC].dropped, 1);
    refdata_free(r);
}

static void test_both_csv_and_gz(void **state)
{
    (void)state;
    static const char csv[] = "uai,siret,nom,code_postal\n0750001U,,CFA de Paris,75001\n";
    char drop[256], err[1024] = "";
    enum apperr code = APPERR_OK;
    snprintf(drop, sizeof drop, "%s", drop_dir("drop_both"));
    drop_file("drop_both", "cfa.csv", csv);
    tu_write_gz("drop_both/referentiels/cfa.csv.gz", csv, sizeof csv - 1);
    assert_null(refdata_load("schemas", drop, &code, err, sizeof err));
    assert_int_equal(code, APPERR_DATA);
    if (!strstr(err, "cfa.csv") || !strstr(err, "cfa.csv.gz"))
        fail_msg("message \"%s\" does not name both files", err);
}

static void test_bad_departement_row(void **state)
{
    (void)state;
    char drop[256], path[256], want[300], err[1024] = "";
    enum apperr code = APPERR_OK;
    snprintf(drop, sizeof drop, "%s", drop_dir("drop_baddept"));
    /* line 1 the header, line 3 the row whose région 99 is not in regions.csv */
    snprintf(path, sizeof path, "%s",
             drop_file("drop_baddept", "departements.csv",
                       "departement,libelle,region\n01,Ain,84\n14,Calvados,99\n75,Paris,11\n"));
    assert_null(refdata_load("schemas", drop, &code, err, sizeof err));
    assert_int_equal(code, APPERR_DATA);
    snprintf(want, sizeof want, "%s:3", path);
    if (strncmp(err, want, strlen(want)) || (err[strlen(want)] != ':'))
        fail_msg("message \"%s\" does not start with \"%s:\"", err, want);
    if (!strstr(err, "99"))
        fail_msg("message \"%s\" does not name the région", err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_departements), cmocka_unit_test(test_shipped_regions),
        cmocka_unit_test(test_shipped_opco),         cmocka_unit_test(test_shipped_files),
        cmocka_unit_test(test_dropped_cfa),          cmocka_unit_test(test_dropped_cfa_gz),
        cmocka_unit_test(test_dropped_opco),         cmocka_unit_test(test_both_csv_and_gz),
        cmocka_unit_test(test_bad_departement_row),  cmocka_unit_test(test_shipped_labels),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir_tree);
}

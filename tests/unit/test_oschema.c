/* test_oschema.c: output schemas (oschema.h). Good schemas (a small one written here, a shipped
 * one read from schemas/output/, tests run from the repository root, and the whole folder), then
 * one bad schema per kind of bad field, each refused with its file:line:column. Every expected
 * value and position was worked out by hand from the YAML text: a node's position is where its
 * text starts (the first character of a key, of a value, of "[" or "{", of "- " plus 2 for a
 * block item), lines and columns counted from 1. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "oschema.h"
#include "testutil.h"

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_oschema");
}

/* Writes text as tu_tmpdir/name and returns its path. */
static const char *put(const char *name, const char *text)
{
    const char *p = tu_path(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

/* Loads text, which must be refused with "PATH:line:col: " followed by a message holding want. */
static void refused(const char *text, int line, int col, const char *want)
{
    char err[1024] = "", prefix[400];
    const char *p = put("bad.yaml", text);
    errno = 0;
    oschema *s = oschema_load(p, err, sizeof err);
    if (s) {
        oschema_free(s);
        fail_msg("accepted; expected %d:%d: ...%s...", line, col, want);
    }
    assert_int_equal(errno, EINVAL);
    snprintf(prefix, sizeof prefix, "%s:%d:%d: ", p, line, col);
    if (strncmp(err, prefix, strlen(prefix)) || !strstr(err + strlen(prefix), want))
        fail_msg("message \"%s\", expected \"%s...%s...\"", err, prefix, want);
}

/* The schema every bad one below changes. Lines:
 *  1 table: t / 2 file: t.csv.gz / 3 title: "Titre" / 4 keys: [annee, region] / 5 columns:
 *  6-8 annee (year) / 9-11 region (text) / 12-15 n (count, secret) / 16-20 taux (pct over n). */
#define HEAD "table: t\nfile: t.csv.gz\ntitle: \"Titre\"\n"
#define COLS                                                                                       \
    "columns:\n"                                                                                   \
    "  - name: annee\n"                                                                            \
    "    label: \"Année\"\n"                                                                      \
    "    format: year\n"                                                                           \
    "  - name: region\n"                                                                           \
    "    label: \"Région\"\n"                                                                     \
    "    format: text\n"                                                                           \
    "  - name: n\n"                                                                                \
    "    label: \"Contrats\"\n"                                                                    \
    "    format: count\n"                                                                          \
    "    secret: true\n"                                                                           \
    "  - name: taux\n"                                                                             \
    "    label: \"Taux\"\n"                                                                        \
    "    format: pct\n"                                                                            \
    "    denominator: n\n"                                                                         \
    "    from: [n]\n"
#define GOOD HEAD "keys: [annee, region]\n" COLS

/* ---- good schemas ------------------------------------------------------ */

static void test_good_small(void **state)
{
    (void)state;
    char err[512] = "";
    oschema *s = oschema_load(put("good.yaml", GOOD), err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    assert_string_equal(s->table, "t");
    assert_string_equal(s->file, "t.csv.gz");
    assert_string_equal(s->title, "Titre");
    assert_null(s->sheet);
    assert_null(s->description);
    assert_null(s->breakdown);
    assert_null(s->base);
    assert_null(s->chart.column);
    assert_int_equal(s->nkeys, 2);
    assert_string_equal(s->keys[0], "annee");
    assert_string_equal(s->keys[1], "region");
    assert_int_equal(s->ncols, 4);
    static const char *const names[4] = {"annee", "region", "n", "taux"};
    static const enum oschema_format fmt[4] = {OSCHEMA_YEAR, OSCHEMA_TEXT, OSCHEMA_COUNT,
                                               OSCHEMA_PCT};
    static const int secret[4] = {0, 0, 1, 0}, den[4] = {-1, -1, -1, 2};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(s->cols[i].name, names[i]);
        assert_int_equal(oschema_find(s, names[i]), i);
        assert_int_equal(s->cols[i].format, fmt[i]);
        assert_int_equal(s->cols[i].secret, secret[i]);
        assert_int_equal(s->cols[i].denominator, den[i]);
        assert_int_equal(s->cols[i].labels, OSCHEMA_LABELS_NONE);
        assert_null(s->cols[i].definition);
    }
    assert_string_equal(s->cols[2].label, "Contrats");
    assert_int_equal(s->cols[3].nfrom, 1);
    assert_int_equal(s->cols[3].from[0], 2);
    assert_int_equal(oschema_find(s, "absent"), -1);
    oschema_free(s);
}

/* A folded description and definition lose their final newline; null values are absent. */
static void test_good_texts(void **state)
{
    (void)state;
    char err[512] = "";
    oschema *s = oschema_load(put("texts.yaml", "table: t\nfile: t.csv.gz\nsheet: ~\n"
                                                "title: \"Titre\"\ndescription: >\n"
                                                "  Deux\n  lignes.\n"
                                                "columns:\n  - name: a\n    label: A\n"
                                                "    format: text\n    definition: >\n"
                                                "      Une\n      définition.\n"),
                              err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    assert_null(s->sheet);
    assert_string_equal(s->description, "Deux lignes.");
    assert_string_equal(s->cols[0].definition, "Une définition.");
    assert_int_equal(s->nkeys, 0);
    oschema_free(s);
}

/* The shipped breakdown by employer size, read in its file: lines 7-12 (table, file, sheet,
 * title, breakdown: tranche_effectif, base: ruptures), the chart of lines 30-34, keys line 35,
 * and the libellés of lines 46-52. */
static void test_good_breakdown(void **state)
{
    (void)state;
    char err[512] = "";
    oschema *s = oschema_load("schemas/output/ruptures_tranche_effectif.yaml", err, sizeof err);
    if (!s)
        fail_msg("(run from the repository root) %s", err);
    assert_string_equal(s->table, "ruptures_tranche_effectif");
    assert_string_equal(s->sheet, "ruptures_tranche_effectif");
    assert_string_equal(s->breakdown, "tranche_effectif");
    assert_string_equal(s->base, "ruptures");
    assert_int_equal(s->nkeys, 2);
    assert_string_equal(s->keys[1], "tranche_effectif");
    assert_string_equal(s->chart.column, "taux_rupture_9m_pct");
    assert_int_equal(s->chart.type, OSCHEMA_CHART_COLUMN);
    assert_int_equal(s->chart.window, 9);
    assert_string_equal(s->chart.title, "Taux de rupture à 9 mois selon la taille de l'employeur");
    const oschema_col *k = &s->cols[oschema_find(s, "tranche_effectif")];
    assert_int_equal(k->labels, OSCHEMA_LABELS_MAP);
    assert_int_equal(k->nlab, 5);
    assert_string_equal(k->lab_code[0], "0-4");
    assert_string_equal(k->lab_code[4], "250+");
    assert_string_equal(oschema_label(k, "10-49"), "10 à 49 salariés");
    assert_null(oschema_label(k, "ND"));
    assert_string_equal(k->labels_heading, "Libellé de la taille");
    oschema_free(s);
}

/* labels naming a reference table; labels_heading defaults to « Libellé »; a bar chart. */
static void test_good_labels_table(void **state)
{
    (void)state;
    char err[512] = "";
    oschema *s = oschema_load(put("lab.yaml", HEAD
                                  "breakdown: departement\nbase: croissance\n"
                                  "keys: [annee, departement]\n"
                                  "chart: {column: contrats, type: bar, title: \"Barres\"}\n"
                                  "columns:\n"
                                  "  - {name: annee, label: A, format: year}\n"
                                  "  - {name: departement, label: D, format: text, labels: "
                                  "departements}\n"
                                  "  - {name: contrats, label: C, format: count, secret: false}\n"),
                              err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    assert_int_equal(s->cols[1].labels, OSCHEMA_LABELS_DEPARTEMENTS);
    assert_string_equal(s->cols[1].labels_heading, "Libellé");
    assert_null(oschema_label(&s->cols[1], "14"));
    assert_int_equal(s->cols[2].secret, 0);
    assert_string_equal(s->base, "croissance");
    assert_int_equal(s->chart.type, OSCHEMA_CHART_BAR);
    assert_int_equal(s->chart.window, 0);
    oschema_free(s);
}

/* The shipped folder: twelve schemas in byte order of their file names. */
static void test_load_dir_shipped(void **state)
{
    (void)state;
    static const char *const tables[] = {"courbe_ruptures",
                                         "croissance",
                                         "croissance_mensuelle",
                                         "qualite",
                                         "rejets",
                                         "reunions",
                                         "ruptures",
                                         "ruptures_departement",
                                         "ruptures_niveau",
                                         "ruptures_section_naf",
                                         "ruptures_tranche_age",
                                         "ruptures_tranche_effectif"};
    char err[512] = "";
    oschema **s = NULL;
    size_t n = 0;
    if (oschema_load_dir("schemas", &s, &n, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(n, 12);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(s[i]->table, tables[i]);
    assert_null(s[4]->sheet); /* rejets has no sheet */
    oschema_free_all(s, n);
}

/* A folder of our own: z.yaml after a.yaml; a hidden file and a non-YAML file are not read
 * (both would be refused); then two tables of one name, and two sheets differing in case. */
static void test_load_dir_own(void **state)
{
    (void)state;
    char err[1024] = "", dir[300], want[700];
    oschema **s = NULL;
    size_t n = 0;
    snprintf(dir, sizeof dir, "%s/d", tu_tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(mkdir(tu_path("d/output"), 0700), 0);
    put("d/output/z.yaml", "table: z\nfile: z.csv.gz\nsheet: Feuille\ntitle: Z\n"
                           "columns: [{name: a, label: A, format: text}]\n");
    put("d/output/a.yaml", "table: a\nfile: a.csv.gz\ntitle: A\n"
                           "columns: [{name: a, label: A, format: text}]\n");
    put("d/output/.hidden.yaml", "not: a schema\n");
    put("d/output/notes.txt", "not: a schema\n");
    if (oschema_load_dir(dir, &s, &n, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(n, 2);
    assert_string_equal(s[0]->table, "a");
    assert_string_equal(s[1]->table, "z");
    oschema_free_all(s, n);

    /* b.yaml comes between a.yaml and z.yaml and names table z's sheet in lower case */
    put("d/output/b.yaml", "table: b\nfile: b.csv.gz\nsheet: feuille\ntitle: B\n"
                           "columns: [{name: a, label: A, format: text}]\n");
    assert_int_equal(oschema_load_dir(dir, &s, &n, err, sizeof err), -1);
    snprintf(want, sizeof want,
             "%s/output/z.yaml:1:1: sheet Feuille is also the sheet of %s/output/b.yaml", dir, dir);
    assert_string_equal(err, want);
    assert_int_equal(errno, EINVAL);

    /* b.yaml describes table a again */
    put("d/output/b.yaml", "table: a\nfile: b.csv.gz\ntitle: B\n"
                           "columns: [{name: a, label: A, format: text}]\n");
    assert_int_equal(oschema_load_dir(dir, &s, &n, err, sizeof err), -1);
    snprintf(want, sizeof want,
             "%s/output/b.yaml:1:1: table a is also described by %s/output/a.yaml", dir, dir);
    assert_string_equal(err, want);

    /* a bad schema in the folder: its own message */
    put("d/output/b.yaml", "table: b\n");
    assert_int_equal(oschema_load_dir(dir, &s, &n, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s/output/b.yaml:1:1: missing key: file", dir);
    assert_string_equal(err, want);

    /* no output folder */
    assert_int_equal(oschema_load_dir(tu_path("none"), &s, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "none/output: cannot open the output schemas"));

    /* the group teardown removes files and empty folders of tu_tmpdir only */
    static const char *const files[] = {"a.yaml", "b.yaml", "z.yaml", ".hidden.yaml", "notes.txt"};
    char p[64];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "d/output/%s", files[i]);
        unlink(tu_path(p));
    }
    rmdir(tu_path("d/output"));
    rmdir(dir);
}

/* ---- bad schemas: every kind of bad field ---------------------------------- */

static void test_bad_document(void **state)
{
    (void)state;
    /* a list: the root node starts at 1:1 */
    refused("- a\n- b\n", 1, 1, "an output schema is a mapping");
    /* an empty document: no node, 1:1 */
    refused("# nothing\n", 1, 1, "an output schema is a mapping");
    /* line 4 "sheets: X": the key starts the line */
    refused(HEAD "sheets: X\n" COLS, 4, 1, "unknown key 'sheets' in an output schema (known:");
    /* no table: the missing key is reported at the root, 1:1 */
    refused("file: t.csv.gz\ntitle: T\n" COLS, 1, 1, "missing key: table");
    /* line 3 "title: [a]": the list starts at column 8 */
    refused("table: t\nfile: t.csv.gz\ntitle: [a]\n" COLS, 3, 8, "expected a string for key title");
    /* line 2 "file: ../t.csv.gz": the value starts at column 7 */
    refused("table: t\nfile: ../t.csv.gz\ntitle: T\n" COLS, 2, 7, "file must be a plain file name");
}

static void test_bad_sheet(void **state)
{
    (void)state;
    /* line 4 "sheet: Tableau de bord": the value at column 8 */
    refused(HEAD "sheet: Tableau de bord\n" COLS, 4, 8, "this sheet name is the report's own");
    /* 32 characters (26 letters and "123456") */
    refused(HEAD "sheet: abcdefghijklmnopqrstuvwxyz123456\n" COLS, 4, 8, "1 to 31 characters");
    refused(HEAD "sheet: \"a/b\"\n" COLS, 4, 8, "cannot hold any of");
    refused(HEAD "sheet: \"'a\"\n" COLS, 4, 8, "apostrophe");
}

static void test_bad_columns(void **state)
{
    (void)state;
    /* line 4 "columns: []": the list at column 10 */
    refused(HEAD "columns: []\n", 4, 10, "columns must be a non-empty list");
    /* no columns at all: the root, 1:1 */
    refused(HEAD, 1, 1, "columns must be a non-empty list");
    /* line 5 "  - a": the item at column 5 */
    refused(HEAD "columns:\n  - a\n", 5, 5, "a column is a mapping");
    /* line 8 "    lable: typo": the key at column 5 */
    refused(HEAD "columns:\n  - name: a\n    label: A\n    format: text\n    lable: typo\n", 8, 5,
            "unknown key 'lable' in a column (known: name, label, format,");
    /* the column of lines 5-6 has no format: reported at the item's mapping, 5:5 */
    refused(HEAD "columns:\n  - name: a\n    label: A\n", 5, 5, "missing key: format");
    /* line 7 "    format: percent": the value at column 13 */
    refused(HEAD "columns:\n  - name: a\n    label: A\n    format: percent\n", 7, 13,
            "unknown format (text, year, month, count, pct, decimal1, days): percent");
    /* the second "a" starts with the item of line 8, column 5 */
    refused(HEAD "columns:\n  - name: a\n    label: A\n    format: text\n"
                 "  - name: a\n    label: B\n    format: text\n",
            8, 5, "duplicate column: a");
}

static void test_bad_secret(void **state)
{
    (void)state;
    /* line 8 "    secret: yes": the value at column 13 */
    refused(HEAD "columns:\n  - name: n\n    label: N\n    format: count\n    secret: yes\n", 8, 13,
            "secret: true or false");
    refused(HEAD "columns:\n  - name: n\n    label: N\n    format: pct\n    secret: true\n", 8, 13,
            "secret: only on a count column");
}

static void test_bad_labels(void **state)
{
    (void)state;
#define LCOL HEAD "columns:\n  - name: c\n    label: C\n    format: text\n"
    /* line 8 "    labels: opcos": the value at column 13 */
    refused(LCOL "    labels: opcos\n", 8, 13,
            "labels: a mapping, or one of opco, regions, departements, naf_sections: opcos");
    refused(LCOL "    labels: [a]\n", 8, 13, "labels: a mapping or a reference table name");
    /* line 8 "    labels: {H: [x]}": "    labels: {H: " is 16 characters, [x] at column 17 */
    refused(LCOL "    labels: {H: [x]}\n", 8, 17, "a libellé is a UTF-8 string in labels of c");
    /* line 8 "    labels_heading: Sexe": "    labels_heading: " is 20 characters */
    refused(LCOL "    labels_heading: Sexe\n", 8, 21, "labels_heading: only beside labels");
#undef LCOL
}

static void test_bad_references(void **state)
{
    (void)state;
#define RCOLS                                                                                      \
    HEAD "columns:\n  - name: n\n    label: N\n    format: count\n"                                \
         "  - name: t\n    label: T\n    format: text\n"                                           \
         "  - name: p\n    label: P\n    format: pct\n"
    /* line 14 "    denominator: zz": "    denominator: " is 17 characters */
    refused(RCOLS "    denominator: zz\n", 14, 18, "unknown denominator column 'zz'");
    refused(RCOLS "    denominator: t\n", 14, 18, "denominator: 't' is not a count column");
    refused(RCOLS "    denominator: [n]\n", 14, 18, "denominator: a column name");
    /* line 14 "    from: n": the value at column 11 */
    refused(RCOLS "    from: n\n", 14, 11, "from: a list of column names");
    /* line 14 "    from: [n, [t]]": "    from: [n, " is 14 characters */
    refused(RCOLS "    from: [n, [t]]\n", 14, 15, "an item of from must be a column name");
    refused(RCOLS "    from: [n, q]\n", 14, 15, "unknown column 'q' in from");
#undef RCOLS
}

static void test_bad_keys(void **state)
{
    (void)state;
    /* line 4 "keys: annee": the value at column 7 */
    refused(HEAD "keys: annee\n" COLS, 4, 7, "keys: a list of column names");
    /* line 4 "keys: [annee, ...]": "keys: [annee, " is 14 characters, the second item at 15 */
    refused(HEAD "keys: [annee, [x]]\n" COLS, 4, 15, "an item of keys must be a column name");
    refused(HEAD "keys: [annee, zz]\n" COLS, 4, 15, "unknown column 'zz' in keys");
    refused(HEAD "keys: [annee, n]\n" COLS, 4, 15, "key column 'n' is a number");
    refused(HEAD "keys: [annee, annee]\n" COLS, 4, 15, "key column 'annee' listed twice");
}

static void test_bad_breakdown(void **state)
{
    (void)state;
    /* line 5 "breakdown: region": "breakdown: " is 11 characters */
    refused(HEAD "keys: [annee]\nbreakdown: region\nbase: ruptures\n" COLS, 5, 12,
            "breakdown: 'region' is not one of keys");
    /* line 5 "base: ruptures": the value at column 7 */
    refused(HEAD "keys: [annee]\nbase: ruptures\n" COLS, 5, 7, "base: only in a breakdown table");
    /* no base: reported at the root, 1:1 */
    refused(HEAD "keys: [annee, region]\nbreakdown: region\n" COLS, 1, 1,
            "a breakdown table names its base: croissance or ruptures");
    /* line 6 "base: reunions" */
    refused(HEAD "keys: [annee, region]\nbreakdown: region\nbase: reunions\n" COLS, 6, 7,
            "base: croissance or ruptures, not reunions");
}

static void test_bad_chart(void **state)
{
    (void)state;
#define BD HEAD "keys: [annee, region]\nbreakdown: region\nbase: ruptures\n"
    /* not a breakdown table: line 5 "chart: {...}", the mapping at column 8 */
    refused(HEAD "keys: [annee, region]\nchart: {column: taux, title: T}\n" COLS, 5, 8,
            "chart: a mapping, in a breakdown table only");
    /* lines 7-9 "chart:" / "  column: region" / "  title: T": the value at 8:11 */
    refused(BD "chart:\n  column: region\n  title: T\n" COLS, 8, 11,
            "chart: not a numeric column of the table: region");
    /* line 10 "  type: pie": the value at column 9 */
    refused(BD "chart:\n  column: taux\n  title: T\n  type: pie\n" COLS, 10, 9,
            "chart: type is column or bar, not pie");
    /* line 10 "  colour: red": the key at column 3 */
    refused(BD "chart:\n  column: taux\n  title: T\n  colour: red\n" COLS, 10, 3,
            "unknown key 'colour' in chart (known: column, title, type, cohort_window_months)");
    /* line 10 "  cohort_window_months: 37": "  cohort_window_months: " is 24 characters */
    refused(BD "chart:\n  column: taux\n  title: T\n  cohort_window_months: 37\n" COLS, 10, 25,
            "cohort_window_months is a whole number from 1 to 36");
    refused(BD "chart:\n  column: taux\n  title: T\n  cohort_window_months: 9m\n" COLS, 10, 25,
            "cohort_window_months is a whole number from 1 to 36");
    /* line 9 "  title: " then 201 characters: the value at column 10 */
    char text[2048];
    snprintf(text, sizeof text, BD "chart:\n  column: taux\n  title: %0201d\n" COLS, 0);
    refused(text, 9, 10, "chart: a title of at most 200 characters");
    /* 200 characters, each of two bytes (é): accepted */
    char title[401] = "";
    for (int i = 0; i < 200; i++)
        strcat(title, "é");
    snprintf(text, sizeof text, BD "chart:\n  column: taux\n  title: %s\n" COLS, title);
    char err[512] = "";
    oschema *s = oschema_load(put("ok.yaml", text), err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    oschema_free(s);
#undef BD
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_small),       cmocka_unit_test(test_good_texts),
        cmocka_unit_test(test_good_breakdown),   cmocka_unit_test(test_good_labels_table),
        cmocka_unit_test(test_load_dir_shipped), cmocka_unit_test(test_load_dir_own),
        cmocka_unit_test(test_bad_document),     cmocka_unit_test(test_bad_sheet),
        cmocka_unit_test(test_bad_columns),      cmocka_unit_test(test_bad_secret),
        cmocka_unit_test(test_bad_labels),       cmocka_unit_test(test_bad_references),
        cmocka_unit_test(test_bad_keys),         cmocka_unit_test(test_bad_breakdown),
        cmocka_unit_test(test_bad_chart),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir);
}

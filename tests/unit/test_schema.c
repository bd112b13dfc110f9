/* test_schema.c: input schemas (schema.h) on the real schemas/input/contrats.yaml (tests run
 * from the repository root) and header matching through F() (spec/inputs.md, "Header").
 * Header rows are built by hand as csvin_row structs; expected mappings follow from the
 * schema's names and aliases folded by hand (F("N° contrat") = "ncontrat", ...). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema.h"
#include "testutil.h"

#define CONTRATS "schemas/input/contrats.yaml"

/* ---- helpers ----------------------------------------------------------- */

static schema *S; /* contrats.yaml, loaded once */

static int setup(void **state)
{
    (void)state;
    char err[512] = "";
    if (tu_setup_tmpdir("ut_schema"))
        return -1;
    S = schema_load(CONTRATS, err, sizeof err);
    if (!S) {
        fprintf(stderr, "cannot load %s (run from the repository root): %s\n", CONTRATS, err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    schema_free(S);
    return tu_teardown_tmpdir(state);
}

/* A header row built by hand from n cells (copied: schema_match may trim them in place). */
typedef struct {
    csvin_row row;
    char *f[64];
    size_t len[64];
    unsigned char bad[64];
} hdr_t;

static void hdr_init(hdr_t *h, const char *const *cells, size_t n)
{
    size_t i;
    assert_true(n <= 64);
    memset(h, 0, sizeof *h);
    for (i = 0; i < n; i++) {
        h->f[i] = strdup(cells[i]);
        assert_non_null(h->f[i]);
        h->len[i] = strlen(cells[i]);
    }
    h->row.line = 1;
    h->row.n = n;
    h->row.f = h->f;
    h->row.len = h->len;
    h->row.bad = h->bad;
}

static void hdr_free(hdr_t *h)
{
    size_t i;
    for (i = 0; i < h->row.n; i++)
        free(h->f[i]);
}

static int col(const char *name)
{
    int k = schema_col_index(S, name);
    if (k < 0)
        fail_msg("no column %s in %s", name, CONTRATS);
    return k;
}

/* The required columns of contrats.yaml, spelled as a file might spell them. */
#define NBASE 12
static const char *const base_cells[NBASE] = {
    "N° contrat",         /* 0 numero_contrat: F = ncontrat, the alias "n° contrat" */
    "type contrat",       /* 1 type_contrat */
    "Date début contrat", /* 2 date_debut_contrat */
    "date fin contrat",   /* 3 date_fin_contrat */
    "Siret employeur",    /* 4 siret_employeur */
    "cp employeur",       /* 5 code_postal_employeur */
    "nom",                /* 6 nom */
    "prenom",             /* 7 prenom */
    "date de naissance",  /* 8 date_naissance */
    "genre",              /* 9 sexe */
    "UAI",                /* 10 uai_cfa */
    "Date rupture",       /* 11 date_rupture (optional) */
};
static const char *const base_cols[NBASE] = {"numero_contrat",
                                             "type_contrat",
                                             "date_debut_contrat",
                                             "date_fin_contrat",
                                             "siret_employeur",
                                             "code_postal_employeur",
                                             "nom",
                                             "prenom",
                                             "date_naissance",
                                             "sexe",
                                             "uai_cfa",
                                             "date_rupture"};

/* Matches the base header with cell `which` replaced by `cell`; returns the column it maps to
 * (-1 when ignored) and the ignored list in ign (when not NULL). */
static int match_one(size_t which, const char *cell, char *ign, size_t ignlen)
{
    const char *cells[NBASE + 1];
    hdr_t h;
    header_map m;
    int bad = -1, found;
    char err[512] = "";
    memcpy(cells, base_cells, sizeof base_cells);
    cells[which] = cell;
    hdr_init(&h, cells, NBASE);
    if (schema_match(S, &h.row, &m, &bad, err, sizeof err) != 0) {
        hdr_free(&h);
        header_map_free(&m);
        fail_msg("header with \"%s\" refused: %s", cell, err);
    }
    assert_int_equal(bad, 0);
    found = m.col_of_field[which];
    if (ign)
        snprintf(ign, ignlen, "%s", m.ignored);
    header_map_free(&m);
    hdr_free(&h);
    return found;
}

/* ---- the real schema --------------------------------------------------- */

static void test_contrats_schema(void **state)
{
    (void)state;
    assert_string_equal(S->kind, "contrats");
    assert_int_equal(S->encoding, CSVIN_AUTO); /* encoding: auto */
    assert_int_equal(S->delim, 0);             /* delimiter: auto */
    assert_int_equal(S->ncols, 29);
    assert_string_equal(S->cols[0].name, "numero_contrat");
    assert_string_equal(S->cols[24].name, "date_extraction");
    /* the columns of real DECA exports, after it (spec/inputs.md) */
    assert_string_equal(S->cols[25].name, "dispositif");
    assert_int_equal(S->cols[25].type, T_ENUM);
    assert_string_equal(schema_enum(&S->cols[25], "Professionnalisation", 20), "PROF");
    assert_string_equal(schema_enum(&S->cols[25], "appr", 4), "APPR");
    assert_string_equal(S->cols[26].name, "numero_avenant");
    assert_int_equal(S->cols[26].type, T_UINT);
    assert_string_equal(S->cols[27].name, "date_suppression");
    assert_true(S->cols[27].contract_date);
    assert_string_equal(S->cols[28].name, "rupture_avant_debut");
    assert_int_equal(S->cols[28].type, T_BOOL);
    for (int k = 25; k < 29; k++)
        assert_false(S->cols[k].required);
    const schema_col *c = &S->cols[col("numero_contrat")];
    assert_int_equal(c->type, T_CONTRACT_NUMBER);
    assert_true(c->required);
    c = &S->cols[col("nom")];
    assert_int_equal(c->type, T_TEXT);
    assert_true(c->required && c->personal && c->free_text);
    c = &S->cols[col("date_naissance")];
    assert_int_equal(c->type, T_DATE);
    assert_true(c->personal);
    assert_false(c->contract_date);
    c = &S->cols[col("date_debut_contrat")];
    assert_true(c->contract_date);
    assert_int_equal(S->cols[col("sexe")].type, T_ENUM);
    assert_int_equal(S->cols[col("siret_employeur")].type, T_SIRET);
    assert_int_equal(S->cols[col("uai_cfa")].type, T_UAI);
    assert_int_equal(S->cols[col("opco")].type, T_OPCO);
    assert_false(S->cols[col("opco")].required);
    assert_int_equal(schema_col_index(S, "siret"), -1);
    assert_int_equal(schema_col_index(S, "Date début contrat"), -1); /* canonical names only */
}

static void test_header_spellings(void **state)
{
    (void)state;
    int debut = col("date_debut_contrat"), numero = col("numero_contrat");
    /* all fold to datedebutcontrat */
    assert_int_equal(match_one(2, "Date début contrat", NULL, 0), debut);
    assert_int_equal(match_one(2, "DATE_DEBUT_CONTRAT", NULL, 0), debut);
    assert_int_equal(match_one(2, "datedebutcontrat", NULL, 0), debut);
    assert_int_equal(match_one(2, "date_debut_contrat", NULL, 0), debut);
    assert_int_equal(match_one(2, "  Date-Début-Contrat\xC2\xA0", NULL, 0), debut);
    assert_int_equal(match_one(2, "date debut execution", NULL, 0), debut); /* an alias */
    /* F("N° contrat") = F("n° contrat") = "ncontrat" */
    assert_int_equal(match_one(0, "N° contrat", NULL, 0), numero);
    assert_int_equal(match_one(0, "n° contrat", NULL, 0), numero);
    assert_int_equal(match_one(0, "NUMERO CONTRAT", NULL, 0), numero);
    assert_int_equal(match_one(0, "No_Contrat", NULL, 0), numero);
    assert_int_equal(match_one(0, "numéro contrat", NULL, 0), numero);
    assert_int_equal(match_one(9, "Sexe", NULL, 0), col("sexe"));
    assert_int_equal(match_one(10, "code UAI", NULL, 0), col("uai_cfa"));
    assert_int_equal(match_one(4, "SIRET_EMPLOYEUR", NULL, 0), col("siret_employeur"));
}

static void test_header_full_map(void **state)
{
    (void)state;
    /* the base header, plus a bare siret, an empty cell, an unknown name with spaces, a cell of
     * NBSP only and a name that folds to nothing */
    const char *cells[NBASE + 5];
    memcpy(cells, base_cells, sizeof base_cells);
    cells[NBASE + 0] = "siret";
    cells[NBASE + 1] = "";
    cells[NBASE + 2] = " colonne inconnue ";
    cells[NBASE + 3] = "\xC2\xA0";
    cells[NBASE + 4] = "???";
    hdr_t h;
    header_map m;
    int bad = -1;
    char err[512] = "";
    hdr_init(&h, cells, NBASE + 5);
    assert_int_equal(schema_match(S, &h.row, &m, &bad, err, sizeof err), 0);
    assert_int_equal(bad, 0);
    assert_int_equal(m.nfields, NBASE + 5);
    for (size_t i = 0; i < NBASE; i++) {
        int k = col(base_cols[i]);
        if (m.col_of_field[i] != k)
            fail_msg("cell \"%s\" mapped to %d, expected %s (%d)", base_cells[i], m.col_of_field[i],
                     base_cols[i], k);
        assert_int_equal(m.field_of_col[k], (int)i);
    }
    /* a bare "siret" is the training site's: not siret_employeur, ignored */
    for (size_t i = NBASE; i < NBASE + 5; i++)
        assert_int_equal(m.col_of_field[i], -1);
    assert_int_equal(m.field_of_col[col("siret_employeur")], 4);
    /* optional columns absent from the file */
    assert_int_equal(m.field_of_col[col("statut")], -1);
    assert_int_equal(m.field_of_col[col("siret_cfa")], -1);
    assert_int_equal(m.field_of_col[col("date_extraction")], -1);
    /* ignored cells in order, trimmed, empty ones as (vide) */
    assert_string_equal(m.ignored, "siret|(vide)|colonne inconnue|(vide)|???");
    header_map_free(&m);
    hdr_free(&h);

    /* nothing ignored: an empty list */
    char ign[256];
    match_one(0, "N° contrat", ign, sizeof ign);
    assert_string_equal(ign, "");
}

/* Matches the base header followed by the extra cells (any number); returns m.ignored (malloc'd).
 */
static char *ignored_list(const char *const *extra, size_t nextra)
{
    size_t n = NBASE + nextra, i;
    char **f = calloc(n, sizeof *f);
    size_t *len = calloc(n, sizeof *len);
    unsigned char *bad = calloc(n, 1);
    csvin_row row = {1, n, f, len, bad};
    header_map m;
    int b = 0;
    char err[512] = "", *out;
    assert_true(f && len && bad);
    for (i = 0; i < n; i++) {
        f[i] = strdup(i < NBASE ? base_cells[i] : extra[i - NBASE]);
        assert_non_null(f[i]);
        len[i] = strlen(f[i]);
    }
    if (schema_match(S, &row, &m, &b, err, sizeof err))
        fail_msg("schema_match: %s", err);
    out = strdup(m.ignored);
    header_map_free(&m);
    for (i = 0; i < n; i++)
        free(f[i]);
    free(f), free(len), free(bad);
    return out;
}

/* The ignored-column list becomes a field of qualite.csv.gz: hundreds of long unknown names made
 * it longer than the 65 536 bytes its reader takes. Capped (schema.h): names cut at 100 bytes on
 * a character boundary, at most 50 names and 2 000 bytes, then "|… (+K autres)". */
static void test_header_ignored_capped(void **state)
{
    (void)state;
    /* 300 names of 1 005 bytes: "uNNN-" then 500 "é" (2 bytes each) */
    static char names[300][1100];
    const char *cells[300];
    for (int i = 0; i < 300; i++) {
        int n = sprintf(names[i], "u%03d-", i);
        for (int k = 0; k < 500; k++)
            n += sprintf(names[i] + n, "\xc3\xa9");
        cells[i] = names[i];
    }
    char *ign = ignored_list(cells, 300);
    /* byte 100 of a name is the second byte of an "é": the cut is at 99 bytes (5 + 47 "é"),
     * then "…" (3 bytes): 102 bytes a name, 103 with its separator; 102 + 18 * 103 = 1 956 bytes
     * hold 19 names, a 20th would make 2 059 > 2 000: 281 names are counted, not listed */
    char first[128];
    int n = sprintf(first, "u000-");
    for (int k = 0; k < 47; k++)
        n += sprintf(first + n, "\xc3\xa9");
    strcat(first, "\xe2\x80\xa6|u001-");
    assert_int_equal(strncmp(ign, first, strlen(first)), 0);
    const char *tail = "|\xe2\x80\xa6 (+281 autres)";
    assert_int_equal(strlen(ign), 1956 + strlen(tail));
    assert_string_equal(ign + 1956, tail);
    assert_non_null(strstr(ign, "|u018-"));
    assert_null(strstr(ign, "u019-"));
    free(ign);

    /* 60 short names: 50 listed, 10 counted */
    static char shorts[60][8];
    for (int i = 0; i < 60; i++) {
        sprintf(shorts[i], "c%d", i + 1);
        cells[i] = shorts[i];
    }
    ign = ignored_list(cells, 60);
    char want[512] = "";
    for (int i = 1; i <= 50; i++)
        sprintf(want + strlen(want), "%sc%d", i > 1 ? "|" : "", i);
    strcat(want, "|\xe2\x80\xa6 (+10 autres)");
    assert_string_equal(ign, want);
    free(ign);

    /* 50 names: all listed, no marker */
    ign = ignored_list(cells, 50);
    want[strlen(want) - strlen("|\xe2\x80\xa6 (+10 autres)")] = '\0';
    assert_string_equal(ign, want);
    free(ign);

    /* one name of 65 536 bytes alone: cut, nothing counted */
    char *huge = malloc(65537);
    assert_non_null(huge);
    memset(huge, 'z', 65536);
    huge[65536] = '\0';
    cells[0] = huge;
    ign = ignored_list(cells, 1);
    assert_int_equal(strlen(ign), 103);
    assert_string_equal(ign + 100, "\xe2\x80\xa6");
    free(ign);
    free(huge);
}

static void test_header_duplicate(void **state)
{
    (void)state;
    const char *cells[NBASE + 1];
    memcpy(cells, base_cells, sizeof base_cells);
    cells[NBASE] = "DATE_DEBUT_CONTRAT"; /* cell 13 names the column of cell 3 again */
    hdr_t h;
    header_map m;
    int bad = 0;
    char err[512] = "";
    hdr_init(&h, cells, NBASE + 1);
    assert_int_equal(schema_match(S, &h.row, &m, &bad, err, sizeof err), -1);
    assert_non_null(strstr(err, "Date début contrat"));
    assert_non_null(strstr(err, "DATE_DEBUT_CONTRAT"));
    assert_non_null(strstr(err, "date_debut_contrat"));
    header_map_free(&m);
    hdr_free(&h);

    /* a name and an alias of the same column: nom and "Nom apprenti" */
    memcpy(cells, base_cells, sizeof base_cells);
    cells[NBASE] = "Nom apprenti";
    hdr_init(&h, cells, NBASE + 1);
    err[0] = '\0';
    assert_int_equal(schema_match(S, &h.row, &m, &bad, err, sizeof err), -1);
    assert_non_null(strstr(err, "'nom'"));
    assert_non_null(strstr(err, "Nom apprenti"));
    header_map_free(&m);
    hdr_free(&h);

    /* two unknown columns with the same name are only ignored */
    memcpy(cells, base_cells, sizeof base_cells);
    cells[NBASE - 1] = "siret"; /* replaces date_rupture */
    cells[NBASE] = "siret";
    hdr_init(&h, cells, NBASE + 1);
    assert_int_equal(schema_match(S, &h.row, &m, &bad, err, sizeof err), 0);
    assert_string_equal(m.ignored, "siret|siret");
    header_map_free(&m);
    hdr_free(&h);
}

static void test_header_missing_required(void **state)
{
    (void)state;
    static const char *const must[] = {"numero_contrat",
                                       "type_contrat",
                                       "date_debut_contrat",
                                       "date_fin_contrat",
                                       "siret_employeur",
                                       "nom",
                                       "prenom",
                                       "date_naissance",
                                       "code_postal_employeur",
                                       "sexe",
                                       "uai_cfa"};
    /* drop each required cell in turn: the error names that column */
    for (size_t k = 0; k < sizeof must / sizeof must[0]; k++) {
        const char *cells[NBASE];
        size_t n = 0;
        for (size_t i = 0; i < NBASE; i++)
            if (strcmp(base_cols[i], must[k]) != 0)
                cells[n++] = base_cells[i];
        assert_int_equal(n, NBASE - 1);
        hdr_t h;
        header_map m;
        int bad = 0;
        char err[512] = "", want[64];
        hdr_init(&h, cells, n);
        int rc = schema_match(S, &h.row, &m, &bad, err, sizeof err);
        header_map_free(&m);
        hdr_free(&h);
        if (rc != -1)
            fail_msg("header without %s accepted", must[k]);
        snprintf(want, sizeof want, "'%s'", must[k]);
        if (!strstr(err, want))
            fail_msg("message \"%s\" does not name %s", err, must[k]);
    }
    /* the optional date_rupture may be dropped */
    const char *cells[NBASE - 1];
    memcpy(cells, base_cells, sizeof cells);
    hdr_t h;
    header_map m;
    int bad = 0;
    char err[512] = "";
    hdr_init(&h, cells, NBASE - 1);
    assert_int_equal(schema_match(S, &h.row, &m, &bad, err, sizeof err), 0);
    assert_int_equal(m.field_of_col[col("date_rupture")], -1);
    header_map_free(&m);
    hdr_free(&h);
}

static void test_header_undefined_byte(void **state)
{
    (void)state;
    hdr_t h;
    header_map m;
    int bad = 0;
    char err[512] = "";
    hdr_init(&h, base_cells, NBASE);
    h.bad[3] = 1; /* the 4th cell held an undefined Windows-1252 byte */
    assert_int_equal(schema_match(S, &h.row, &m, &bad, err, sizeof err), -1);
    assert_int_equal(bad, 4);
    assert_true(err[0] != '\0');
    header_map_free(&m);
    hdr_free(&h);
}

static void test_enum(void **state)
{
    (void)state;
    const schema_col *sexe = &S->cols[col("sexe")];
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"Féminin", "F"}, {"FEMININ", "F"}, {"femme", "F"}, {"2", "F"},
        {"F", "F"},       {" f ", "F"},     {"homme", "H"}, {"Homme", "H"},
        {"H", "H"},       {"M", "H"},       {"1", "H"},     {"masculin", "H"},
        {"x", NULL},      {"3", NULL},      {"", NULL},     {"hommes", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = schema_enum(sexe, cases[i].in, strlen(cases[i].in));
        if (cases[i].out == NULL) {
            if (got)
                fail_msg("sexe \"%s\" gave \"%s\", expected none", cases[i].in, got);
        } else if (!got || strcmp(got, cases[i].out)) {
            fail_msg("sexe \"%s\" gave \"%s\", expected \"%s\"", cases[i].in, got ? got : "(none)",
                     cases[i].out);
        }
    }
    const schema_col *statut = &S->cols[col("statut")];
    assert_string_equal(schema_enum(statut, "annulé", strlen("annulé")), "Annulé");
    assert_string_equal(schema_enum(statut, "ANNULE", 6), "Annulé");
    assert_string_equal(schema_enum(statut, "supprime", 8), "Supprimé");
    assert_string_equal(schema_enum(statut, "rompu", 5), "Rompu");
    assert_null(schema_enum(statut, "actif", 5));
    const schema_col *type = &S->cols[col("type_contrat")];
    assert_string_equal(schema_enum(type, "11", 2), "11");
    assert_string_equal(schema_enum(type, "38", 2), "38");
    assert_null(schema_enum(type, "12", 2));
    assert_string_equal(schema_enum(type, "113", 2), "11"); /* the length counts */
}

/* ---- schema files with errors ----------------------------------------- */

/* schema_load must fail with "path:line:col: ..." holding what. */
static void load_fails(const char *path, int line, int col_, const char *what)
{
    char err[1024] = "";
    schema *s = schema_load(path, err, sizeof err);
    if (s) {
        schema_free(s);
        fail_msg("%s was accepted", path);
    }
    tu_check_err_at(err, path, line, col_, what);
}

/* Matches a header of the given cells; returns the column of cell `which`,
 * or -2 when the header is refused (message in err). */
static int match_cells(const char *const *cells, size_t n, size_t which, char *ign, char *err)
{
    hdr_t h;
    header_map m;
    int bad = 0, found = -2;
    hdr_init(&h, cells, n);
    if (schema_match(S, &h.row, &m, &bad, err, 512) == 0) {
        found = m.col_of_field[which];
        snprintf(ign, 512, "%s", m.ignored);
    }
    header_map_free(&m);
    hdr_free(&h);
    return found;
}

/* adressecodepostal is the employer's postcode only beside siretemployeur
 * (the DECA export for employers), and only when no other cell names it. */
static void test_header_conditional_alias(void **state)
{
    (void)state;
    const char *cells[NBASE];
    char ign[512], err[512];
    int cp = col("code_postal_employeur");
    memcpy(cells, base_cells, sizeof base_cells);
    /* the employers' export: siretemployeur and adressecodepostal */
    cells[4] = "siretemployeur";
    cells[5] = "adressecodepostal";
    assert_int_equal(match_cells(cells, NBASE, 5, ign, err), cp);
    assert_string_equal(ign, "");
    /* the same name in any spelling F() folds alike */
    cells[5] = "Adresse code postal";
    assert_int_equal(match_cells(cells, NBASE, 5, ign, err), cp);
    /* the training centres' export: no siretemployeur (in any spelling: every spelling of
     * siret_employeur folds to it): adressecodepostal is the apprentice's, not taken, and the
     * message names both missing columns and says why */
    cells[4] = "siret";
    cells[5] = "adressecodepostal";
    assert_int_equal(match_cells(cells, NBASE, 5, ign, err), -2);
    assert_non_null(strstr(err, "missing required columns 'siret_employeur', "
                                "'code_postal_employeur'"));
    assert_non_null(strstr(err, "beside a 'siretemployeur' column"));
    /* without the alias cell the message gives no such hint */
    cells[5] = "cp apprenti";
    assert_int_equal(match_cells(cells, NBASE, 5, ign, err), -2);
    assert_null(strstr(err, "conditional alias"));
    /* beside another cell that names the column, it is an ignored column */
    {
        const char *more[NBASE + 1];
        memcpy(more, base_cells, sizeof base_cells);
        more[4] = "siretemployeur";
        more[NBASE] = "adressecodepostal";
        assert_int_equal(match_cells(more, NBASE + 1, NBASE, ign, err), -1);
        assert_string_equal(ign, "adressecodepostal");
        assert_int_equal(match_cells(more, NBASE + 1, 5, ign, err), cp);
    }
}

static void test_schema_errors(void **state)
{
    (void)state;
    /* line 4 is "    type: texte": the value starts at column 11 */
    load_fails(tu_write_str("type.yaml", "kind: t\n"
                                         "columns:\n"
                                         "  - name: a\n"
                                         "    type: texte\n"),
               4, 11, "texte");
    /* line 5 is "    requierd: true": the key starts at column 5 */
    load_fails(tu_write_str("key.yaml", "kind: t\n"
                                        "columns:\n"
                                        "  - name: a\n"
                                        "    type: text\n"
                                        "    requierd: true\n"),
               5, 5, "requierd");
    /* an unknown top-level key at line 2, column 1 */
    load_fails(tu_write_str("top.yaml", "kind: t\n"
                                        "colums:\n"
                                        "  - name: a\n"
                                        "    type: text\n"),
               2, 1, "colums");
    /* required must be true or false: the value at line 5, column 15 */
    load_fails(tu_write_str("flag.yaml", "kind: t\n"
                                         "columns:\n"
                                         "  - name: a\n"
                                         "    type: text\n"
                                         "    required: yes please\n"),
               5, 15, "required");
    /* an enum needs values; the column starts at line 3, column 5 */
    load_fails(tu_write_str("enum.yaml", "kind: t\n"
                                         "columns:\n"
                                         "  - name: a\n"
                                         "    type: enum\n"),
               3, 5, "values");
    /* a spelling shared by two columns: F("B x") = F("bx") = "bx"; the second column at 6:5 */
    load_fails(tu_write_str("shared.yaml", "kind: t\n"
                                           "columns:\n"
                                           "  - name: a\n"
                                           "    type: text\n"
                                           "    aliases: [\"B x\"]\n"
                                           "  - name: bx\n"
                                           "    type: text\n"),
               6, 5, "bx");
    /* a YAML error keeps its position (duplicate key at line 4, column 5) */
    load_fails(tu_write_str("dup.yaml", "kind: t\n"
                                        "columns:\n"
                                        "  - name: a\n"
                                        "    name: b\n"
                                        "    type: text\n"),
               4, 5, "duplicate key");
    /* alias_when needs both of its keys (line 5, column 17) */
    load_fails(tu_write_str("when.yaml", "kind: t\n"
                                         "columns:\n"
                                         "  - name: a\n"
                                         "    type: text\n"
                                         "    alias_when: {alias: x}\n"),
               5, 17, "alias_when");
    /* lists and mappings where a string is expected passed a NULL to F() (the YAML fuzz target):
     * line 6 is "      X: [x1, {k: v}]": the mapping at column 15 */
    load_fails(tu_write_str("alias_map.yaml", "kind: t\n"
                                              "columns:\n"
                                              "  - name: a\n"
                                              "    type: enum\n"
                                              "    values:\n"
                                              "      X: [x1, {k: v}]\n"),
               6, 15, "an alias of a value must be a string");
    /* line 7 is "    missing_means: [X]": the list at column 20 */
    load_fails(tu_write_str("mm_list.yaml", "kind: t\n"
                                            "columns:\n"
                                            "  - name: a\n"
                                            "    type: enum\n"
                                            "    values:\n"
                                            "      X: [x1]\n"
                                            "    missing_means: [X]\n"),
               7, 20, "missing_means");
    /* line 5 is "    reject_code: {a: 1}": the mapping at column 18 */
    load_fails(tu_write_str("code_map.yaml", "kind: t\n"
                                             "columns:\n"
                                             "  - name: a\n"
                                             "    type: text\n"
                                             "    reject_code: {a: 1}\n"),
               5, 18, "reject_code");
    /* a missing schema file */
    char err[512] = "";
    assert_null(schema_load("/nonexistent/schema.yaml", err, sizeof err));
    assert_true(err[0] != '\0');
}

static void test_schema_fixed_encoding(void **state)
{
    (void)state;
    char err[512] = "";
    const char *p = tu_write_str("ok.yaml", "kind: ref\n"
                                            "encoding: Windows-1252\n"
                                            "delimiter: tab\n"
                                            "columns:\n"
                                            "  - name: code\n"
                                            "    type: text\n"
                                            "    required: true\n"
                                            "  - name: genre\n"
                                            "    type: enum\n"
                                            "    values:\n"
                                            "      X: [autre]\n"
                                            "      Y:\n");
    schema *s = schema_load(p, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    assert_int_equal(s->encoding, CSVIN_CP1252);
    assert_int_equal(s->delim, '\t');
    assert_int_equal(s->ncols, 2);
    assert_true(s->cols[0].required);
    assert_false(s->cols[1].required);
    assert_string_equal(schema_enum(&s->cols[1], "Autre", 5), "X");
    assert_string_equal(schema_enum(&s->cols[1], "y", 1), "Y");
    schema_free(s);

    p = tu_write_str("delim.yaml", "kind: ref\n"
                                   "delimiter: \"|\"\n"
                                   "columns:\n"
                                   "  - name: code\n"
                                   "    type: text\n");
    s = schema_load(p, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(s->delim, '|');
    assert_int_equal(s->encoding, CSVIN_AUTO);
    schema_free(s);

    /* encoding: latin1 is not one of auto, UTF-8, Windows-1252: value at line 2, column 11 */
    load_fails(tu_write_str("enc.yaml", "kind: ref\n"
                                        "encoding: latin1\n"
                                        "columns:\n"
                                        "  - name: code\n"
                                        "    type: text\n"),
               2, 11, "encoding");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contrats_schema),
        cmocka_unit_test(test_header_spellings),
        cmocka_unit_test(test_header_full_map),
        cmocka_unit_test(test_header_ignored_capped),
        cmocka_unit_test(test_header_duplicate),
        cmocka_unit_test(test_header_missing_required),
        cmocka_unit_test(test_header_undefined_byte),
        cmocka_unit_test(test_enum),
        cmocka_unit_test(test_header_conditional_alias),
        cmocka_unit_test(test_schema_errors),
        cmocka_unit_test(test_schema_fixed_encoding),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

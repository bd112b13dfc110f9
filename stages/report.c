/* report: writes DIR/bilan.xlsx, the partners' workbook of spec/outputs.md
 * ("Excel workbook"), from the gzip CSV reports found in DIR. Sheet names,
 * French labels, number formats, titles and definitions all come from the
 * output schemas (schemas/output/NAME.yaml, read through oschema.h), so
 * renaming a label or adding a breakdown needs no change here. The run's
 * manifest (--provenance) gives the Provenance sheet and the secrecy
 * threshold the Méthodologie sheet quotes.
 *
 * Every CSV is read once before the workbook exists, so that a bad input
 * leaves no file and constant_memory mode can be chosen up front: the read
 * checks it, measures it (rows, column widths, the few rows the charts and
 * the Synthèse quote) and keeps its cells ready for the sheet (numbers
 * converted, libellés looked up). Only a table longer than BIG_TABLE rows,
 * which the workbook then streams (constant_memory), is not kept but read a
 * second time as its sheet is written. A table longer than one sheet is
 * split over "Name (2)", "Name (3)", ...
 *
 * Exit codes (spec/outputs.md): exit_codes below; 65 a provenance manifest
 * that is not UTF-8 text or a bad reference table dropped in --input, 66 no
 * DIR, 70 internal (a report CSV it cannot use: the pipeline's own file;
 * libxlsxwriter refusing a call). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <xlsxwriter.h>

#include "apperr.h"
#include "csvin.h"
#include "csvnum.h"
#include "facts.h"
#include "fdio.h"
#include "grow.h"
#include "log.h"
#include "manifest.h"
#include "oschema.h"
#include "refdata.h"
#include "utf8.h"
#include "values.h"
#include "yload.h"

#define SUBJECT "Indicateurs de l'apprentissage"
#define OUT_NAME "bilan.xlsx"
#define MAX_WIDTH 60      /* spec/outputs.md: longest cell, at most 60, plus 2 */
#define BIG_TABLE 50000UL /* above this many rows, constant_memory mode */
#define HEAD_ROWS 2       /* title row and header row above the data */
#define MAX_SERIES 4      /* series of one chart (the rupture curve: four cohorts) */
#define CHART_ROWS 24     /* rows a chart takes on the Synthèse (432 px and a gap) */
#define DASH_YEARS 6      /* years (columns) of the Tableau de bord */
#define CURVE_COHORTS 4
#define PART_ROWS ((unsigned long)LXW_ROW_MAX - HEAD_ROWS) /* data rows per sheet */
#define STR_MAX 32767 /* Excel's longest cell string, in characters */
#define PATH_LEN 4096
#define NOT_PRODUCED "Tableau non produit par cette exécution."
#define TXT_SECRET "non diffusable (secret statistique)"
#define TXT_NA "non disponible"
#define NBSP "\xc2\xa0"
#define MINUS "\xe2\x88\x92"
#define SECRECY_MAX 1000000 /* the largest secrecy_threshold (stages/lib/config.c) */
/* Cells per block of a table's held cells (48 KiB): blocks from malloc's
 * heap, which the workbook's own cells reuse once the table is written
 * instead of fresh pages (see tune_malloc). */
#define CELL_BLOCK 2048

/* Excel number formats by enum oschema_format: no thousands separator for
 * years, two digits for months, one decimal for rates and means
 * (spec/outputs.md). */
static const char *const fmt_excel[OSCHEMA_NFORMATS] = {NULL,  "0",   "00",   "#,##0",
                                                        "0.0", "0.0", "#,##0"};

/* The tables whose sheets come first, in the spec's order (spec/outputs.md,
 * "Output folder"); the other tables with a sheet (breakdowns) follow, then
 * qualite. */
static const char *const core_tables[] = {"croissance", "croissance_mensuelle", "ruptures",
                                          "courbe_ruptures", "reunions"};
#define NCORE (sizeof core_tables / sizeof core_tables[0])
#define LAST_TABLE "qualite"
#define DASH_SHEET "Tableau de bord"

/* Rows kept in memory by the read: those whose column a or b is
 * TOTAL, enough for the charts, the Synthèse and the Tableau de bord and
 * small (years x régions, years x OPCOs, years x months). */
static const struct {
    const char *table, *a, *b;
} keep_rules[] = {{"croissance", "region", "opco"},
                  {"croissance_mensuelle", "region", NULL},
                  {"ruptures", "opco", NULL},
                  {"courbe_ruptures", "region", NULL},
                  {"reunions", "region", "opco"}};

static const char *const month_long[] = {"janvier",   "février", "mars",     "avril",
                                         "mai",       "juin",    "juillet",  "août",
                                         "septembre", "octobre", "novembre", "décembre"};
static const char *const month_short[] = {"janv.", "févr.", "mars",  "avr.", "mai",  "juin",
                                          "juil.", "août",  "sept.", "oct.", "nov.", "déc."};

/* One cell of a table's sheet as the read prepared it, for the writer. */
enum cell_kind { CELL_EMPTY, CELL_SECRET, CELL_NUMBER, CELL_TEXT };
struct cell {
    union {
        double num;       /* CELL_NUMBER: the CSV value converted */
        const char *text; /* CELL_TEXT: the CSV value */
    } v;
    const char *label;  /* the libellé beside it ("" none), NULL for a column without */
    unsigned char kind; /* enum cell_kind */
    unsigned char cut;  /* the text is longer than Excel's STR_MAX characters */
    unsigned char lcut; /* the same for the libellé */
};

/* Texts a table keeps (its kept rows, its text cells), in blocks that never
 * move while the table lives. */
struct textblock {
    struct textblock *next;
    size_t used, cap;
    char b[];
};

/* A column of a table's sheet: its schema and what the read measured. */
struct col {
    const oschema_col *s; /* name, label, format, definition, labels */
    size_t field;         /* index in the CSV header */
    size_t width;         /* longest cell in characters, label included */
    size_t lwidth;        /* the same for its libellés, when it has labels */
    lxw_col_t scol;       /* the column's place in the sheet (libellé columns shift it) */
};

/* A chart and the small block of data it plots, written beside the table. */
struct chart {
    uint8_t type; /* LXW_CHART_LINE, LXW_CHART_COLUMN or LXW_CHART_BAR */
    char title[300], xname[100], yname[100];
    enum oschema_format vfmt;       /* format of the plotted values */
    char head[MAX_SERIES + 1][200]; /* category label, then one name per series */
    size_t nser, n, cap, vcap;
    char **cat; /* n category labels */
    char **val; /* n * nser values; "" is a gap (secret or missing) */
    size_t width[MAX_SERIES + 1];
    long year, year0; /* the year or cohort it shows (the last one), the first one */
};

/* A table of the report: its schema (schemas/output/NAME.yaml) and its CSV. */
struct table {
    oschema *s; /* file, sheet, title, description, breakdown, chart */
    struct col *cols;
    size_t ncols;
    char *csv;           /* DIR/file */
    int present;         /* the CSV exists */
    size_t nfields;      /* fields of its header */
    unsigned long nrows; /* data rows */
    int keep, keep2;     /* columns whose TOTAL rows are kept, -1 none */
    int keep_all;        /* keep every row (a breakdown table with a chart) */
    char ***kept;        /* kept rows: ncols values each, in schema order */
    size_t nkept, capkept;
    int held; /* its cells are kept (no more than BIG_TABLE rows) */
    /* held: its rows' cells in schema order, rpb rows per block */
    struct cell **blocks;
    size_t nblocks, capblocks, rpb;
    struct textblock *texts; /* the kept rows' values and the cells' texts */
    struct chart *chart;
    lxw_col_t nscols; /* columns of its sheet */
    long synth_row;   /* where its chart goes on the Synthèse, -1 nowhere */
};

struct fmts {
    lxw_format *title, *head, *secret, *wrap, *bold, *boldwrap, *note, *num[OSCHEMA_NFORMATS];
    /* Tableau de bord: centred year headings, the grand total's row in bold */
    lxw_format *across, *subhead, *btext, *bsecret, *bnum[OSCHEMA_NFORMATS];
};

/* One paragraph of the Synthèse and the chart shown under it. */
struct synth {
    char *text;
    struct table *chart; /* the table whose chart follows, or NULL */
    int page;            /* starts a printed page */
};

struct report {
    const char *outdir, *schemas, *title, *prov, *obs, *input;
    const char *facts; /* --facts: where to write the workbook's size and SHA-256 */
    int oy, om, od;    /* observation date */
    date_t dobs;
    int year;      /* the latest complete year: 31 December <= D_obs */
    int cohort;    /* the latest cohort observable 9 months for all its contracts */
    int threshold; /* the run's secrecy_threshold (from its manifest), -1 when not known */
    int wait_prov; /* --wait-provenance: prov is written beside this stage */
    pid_t parent;  /* the driver writing it (fdio_wait_for) */
    struct table *t;
    size_t nt, nsheets; /* t[0..nsheets) have a sheet, in sheet order */
    char **prov_lines;
    size_t nprov;
    struct synth *synth; /* the Synthèse paragraphs */
    size_t nsynth;
    lxw_worksheet *synth_ws; /* the Synthèse sheet, which also shows the charts */
    lxw_row_t synth_end;     /* its last row */
    refdata *ref;            /* libellés of codes */
    char **opco_name;        /* per OPCO of ref: its name (libellé up to the first comma) */
    lxw_workbook *wb;
    struct fmts f;
    char tmp[PATH_LEN], out[PATH_LEN];
    int facts_rc; /* write_facts' outcome: 0, or APPERR_WRITE with facts_msg */
    char facts_msg[1024];
};

/* The exit codes report returns (apperr_exit checks every exit against it). */
static const int exit_codes[] = {0, 64, 65, 66, 70, 74, 78};
static const apperr_stage stage = APPERR_STAGE("report", exit_codes);

static void usage(FILE *f)
{
    fprintf(
        f, "usage: report --outdir DIR --schemas DIR --title TEXT --observation-date YYYY-MM-DD\n"
           "              [--input DIR] [--provenance FILE [--wait-provenance]]\n"
           "              [--facts OUT.tsv] [-h|--help]\n"
           "Reads the CSV reports of DIR (croissance.csv.gz, croissance_mensuelle.csv.gz,\n"
           "ruptures.csv.gz, courbe_ruptures.csv.gz, reunions.csv.gz, qualite.csv.gz and\n"
           "every other table of SCHEMAS/output/*.yaml with a sheet) and writes DIR/" OUT_NAME ":\n"
           "a Synthèse, a Tableau de bord, one sheet per table (a note when its CSV is\n"
           "absent), charts, Méthodologie (from the schemas, with the secrecy threshold\n"
           "FILE lists) and Provenance (the lines of FILE, the run's manifest). Codes are\n"
           "shown with their libellés, from the schemas and the reference tables\n"
           "(SCHEMAS/referentiels/, or INPUT/referentiels/).\n"
           "--wait-provenance: FILE is being written beside this stage (by the driver): the\n"
           "other sheets are built first, then FILE is waited for (an internal error, 70,\n"
           "when the process that started this one ends first).\n"
           "--facts writes the workbook's size and SHA-256 for the manifest.\n"
           "A provenance FILE that is not UTF-8 text is 65, no folder DIR 66, a CSV report\n"
           "it cannot use an internal error (70).\n");
    apperr_help(f, &stage);
}

/* --- small helpers ------------------------------------------------------- */

/* Writes --facts: the size and SHA-256 of the workbook r->tmp for the
 * manifest (which hashes its parts itself). Sets r->facts_rc, 0 or
 * APPERR_WRITE with r->facts_msg for the main thread to log. A thread's
 * body: it runs beside publish's fsync. */
static void *write_facts(void *arg)
{
    struct report *r = arg;
    facts_output f = {.file = OUT_NAME, .rows = -1};
    errno = 0;
    if (manifest_sha256(r->tmp, 0, f.sha256, &f.bytes))
        snprintf(r->facts_msg, sizeof r->facts_msg, "%s: cannot read the workbook back: %s",
                 OUT_NAME, strerror(errno ? errno : EIO));
    else if (!facts_outputs_write(r->facts, &f, 1, r->facts_msg, sizeof r->facts_msg))
        return NULL;
    r->facts_rc = APPERR_WRITE;
    return NULL;
}

/* A malloc'd formatted string, or NULL when out of memory. */
static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !(s = malloc((size_t)n + 1)))
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static int oom(void)
{
    log_error("out of memory");
    return APPERR_NOMEM;
}

/* Width of a cell holding the CSV value v of a column of format f. */
static size_t cell_width(const char *v, enum oschema_format f)
{
    long n;
    if (!*v)
        return 0;
    if (f != OSCHEMA_TEXT && csvnum_ok(v, f))
        return csvnum_width(v, f);
    n = utf8_chars(v);
    return n < 0 ? 0 : (size_t)n;
}

/* Lines the text s takes once wrapped at word boundaries in w characters. */
static size_t wrap_lines(const char *s, size_t w)
{
    size_t lines = 1, used = 0;
    while (*s) {
        size_t n = strcspn(s, " "), chars = (size_t)utf8_chars(s) - (size_t)utf8_chars(s + n);
        if (used && used + 1 + chars > w)
            lines++, used = 0;
        used += (used ? 1 : 0) + chars;
        s += n;
        while (*s == ' ')
            s++;
    }
    return lines;
}

/* The width a column's label asks for: a text column shows it on one line;
 * a number column lets it wrap over up to three lines, its longest word
 * whole, so that a wide table of counts and rates still prints legibly. */
static size_t head_width(const char *label, enum oschema_format f)
{
    size_t n = (size_t)utf8_chars(label), w;
    if (f == OSCHEMA_TEXT)
        return n;
    for (w = (n + 2) / 3; w < n && wrap_lines(label, w) > 3; w++)
        ;
    for (const char *p = label; *p;) {
        size_t k = strcspn(p, " "), chars = (size_t)utf8_chars(p) - (size_t)utf8_chars(p + k);
        w = chars > w ? chars : w;
        p += k;
        while (*p == ' ')
            p++;
    }
    return w;
}

static double col_width(size_t w)
{
    return (double)((w > MAX_WIDTH ? MAX_WIDTH : w) + 2);
}

static int tcol(const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i].s->name, name))
            return (int)i;
    return -1;
}

static const char *tlabel(const struct table *t, const char *name)
{
    int i = tcol(t, name);
    return i < 0 ? name : t->cols[i].s->label;
}

static struct table *find_table(const struct report *r, const char *name)
{
    for (size_t i = 0; i < r->nt; i++)
        if (!strcmp(r->t[i].s->table, name))
            return &r->t[i];
    return NULL;
}

/* The kept row of t whose columns names[i] hold vals[i], or NULL. */
static char **find_kept(const struct table *t, size_t n, const char *const *names,
                        const char *const *vals)
{
    int idx[8];
    if (!t || n > 8)
        return NULL;
    for (size_t k = 0; k < n; k++)
        if ((idx[k] = tcol(t, names[k])) < 0)
            return NULL;
    for (size_t i = 0; i < t->nkept; i++) {
        size_t k;
        for (k = 0; k < n && !strcmp(t->kept[i][idx[k]], vals[k]); k++)
            ;
        if (k == n)
            return t->kept[i];
    }
    return NULL;
}

/* The libellé of code in column k, NULL when k has no labels: from the
 * schema's mapping or the reference table; else "Ensemble" for TOTAL, "Non
 * déterminé" for ND, "" for a code without one. */
static const char *code_label(const struct report *r, const struct col *k, const char *code)
{
    const char *l = NULL;
    switch (k->s->labels) {
    case OSCHEMA_LABELS_NONE:
        return NULL;
    case OSCHEMA_LABELS_MAP:
        l = oschema_label(k->s, code);
        break;
    case OSCHEMA_LABELS_OPCO:
        for (size_t i = 0; i < r->ref->nopco && !l; i++)
            if (!strcmp(r->ref->opco_code[i], code))
                l = r->opco_name[i];
        break;
    case OSCHEMA_LABELS_REGIONS:
        l = ref_region_lib(r->ref, code); /* "Non déterminée" for ND, as region_libelle */
        break;
    case OSCHEMA_LABELS_DEPARTEMENTS:
        l = ref_dept_lib(r->ref, code);
        break;
    case OSCHEMA_LABELS_NAF_SECTIONS:
        l = ref_naf_section_lib(r->ref, code);
        break;
    }
    if (l)
        return l;
    if (!strcmp(code, "TOTAL"))
        return "Ensemble";
    if (!strcmp(code, "ND"))
        return "Non déterminé";
    return "";
}

/* The libellé of code in column k, or the code itself when there is none. */
static const char *label_or_code(const struct report *r, const struct col *k, const char *code)
{
    const char *l = code_label(r, k, code);
    return l && *l ? l : code;
}

/* The OPCOs' names: an opco.csv libellé reads "Name, what it covers"; the
 * workbook shows the name, the part before the first comma. 0 or APPERR_NOMEM. */
static int opco_names(struct report *r)
{
    if (!(r->opco_name = calloc(r->ref->nopco ? r->ref->nopco : 1, sizeof *r->opco_name)))
        return oom();
    for (size_t i = 0; i < r->ref->nopco; i++) {
        const char *l = r->ref->opco_lib[i] ? r->ref->opco_lib[i] : "";
        if (!(r->opco_name[i] = strndup(l, strcspn(l, ","))))
            return oom();
    }
    return 0;
}

/* --- schemas ------------------------------------------------------------- */

/* Where a table's sheet goes: first the core tables in the spec's order
 * (0 .. NCORE-1), then the other tables with a sheet (breakdowns, NCORE),
 * then qualite (NCORE+1); tables without a sheet come after (NCORE+2). */
static size_t sheet_rank(const oschema *s)
{
    if (!s->sheet)
        return NCORE + 2;
    if (!strcmp(s->table, LAST_TABLE))
        return NCORE + 1;
    for (size_t c = 0; c < NCORE; c++)
        if (!strcmp(s->table, core_tables[c]))
            return c;
    return NCORE;
}

/* Sets up table t of schema t->s: columns measured from their headings,
 * their places in the sheet, the rows the read keeps. 0 or APPERR_NOMEM. */
static int table_init(struct table *t)
{
    const oschema *s = t->s;
    lxw_col_t sc = 0;
    t->keep = t->keep2 = -1;
    t->synth_row = -1;
    if (!(t->cols = calloc(s->ncols, sizeof *t->cols)))
        return oom();
    t->ncols = s->ncols;
    for (size_t c = 0; c < s->ncols; c++) {
        struct col *k = &t->cols[c];
        k->s = &s->cols[c];
        k->width = head_width(k->s->label, k->s->format);
        if (k->s->labels)
            k->lwidth = (size_t)utf8_chars(k->s->labels_heading);
        k->scol = sc;
        sc = (lxw_col_t)(sc + (k->s->labels ? 2 : 1));
    }
    t->nscols = sc;
    for (size_t q = 0; q < sizeof keep_rules / sizeof *keep_rules; q++)
        if (!strcmp(s->table, keep_rules[q].table)) {
            t->keep = tcol(t, keep_rules[q].a);
            t->keep2 = keep_rules[q].b ? tcol(t, keep_rules[q].b) : -1;
        }
    t->keep_all = s->chart.column != NULL;
    return 0;
}

/* Loads every SCHEMAS/output/NAME.yaml (oschema.h) into r->t, in sheet
 * order (sheet_rank, then file names); the core tables and qualite must
 * have a sheet. 0, APPERR_NOMEM or APPERR_CONFIG (logged). */
static int load_schemas(struct report *r)
{
    char err[1024];
    oschema **s = NULL;
    size_t n = 0;

    if (oschema_load_dir(r->schemas, &s, &n, err, sizeof err)) {
        log_error("%s", err);
        return errno == ENOMEM ? oom() : APPERR_CONFIG;
    }
    if (!(r->t = calloc(n ? n : 1, sizeof *r->t))) {
        oschema_free_all(s, n);
        return oom();
    }
    for (size_t rank = 0; rank <= NCORE + 2; rank++) {
        size_t before = r->nt;
        for (size_t i = 0; i < n; i++)
            if (sheet_rank(s[i]) == rank)
                r->t[r->nt++].s = s[i];
        if (rank == NCORE + 2)
            continue;
        if (r->nt == before && rank != NCORE) {
            log_error("%s/output:1:1: no output schema with a sheet for table %s", r->schemas,
                      rank < NCORE ? core_tables[rank] : LAST_TABLE);
            free(s);
            return APPERR_CONFIG;
        }
        r->nsheets = r->nt;
    }
    free(s);
    for (size_t i = 0; i < r->nt; i++)
        if (table_init(&r->t[i]))
            return APPERR_INTERNAL;
    return 0;
}

/* --- reading the CSV reports --------------------------------------------- */

/* A report CSV that cannot be used is the pipeline's own file (quality and
 * indicators wrote it): an internal error (70), named by its file name, as
 * its path is the staging folder, which the operator neither sees nor
 * should fix. line 0: no place. */
static int own_csv_fail(const struct table *t, unsigned long line, unsigned long col,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int own_csv_fail(const struct table *t, unsigned long line, unsigned long col,
                        const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line)
        log_error("internal error: %s, written by an earlier stage of this run, cannot be used "
                  "(line %lu, column %lu): %s",
                  t->s->file, line, col ? col : 1, msg);
    else
        log_error("internal error: %s, written by an earlier stage of this run, cannot be used: %s",
                  t->s->file, msg);
    return APPERR_INTERNAL;
}

/* csvin's error on t's CSV: APPERR_READ for I/O, APPERR_NOMEM, else an
 * internal error (the file is the pipeline's own). */
static int csv_fail(const struct table *t, const csvin_err *e)
{
    if (e->err == APPERR_READ) {
        log_error("%s (in the output folder being built): %s", t->s->file, e->msg);
        return APPERR_READ;
    }
    if (e->err == APPERR_NOMEM)
        return oom();
    return own_csv_fail(t, e->line, e->col, "%s", e->msg);
}

/* Opens t's CSV and maps its header to the schema's columns: 0 with *out
 * set, or an error (apperr, logged). warn: say which header fields are ignored. */
static int table_open(struct table *t, csvin **out, int warn)
{
    csvin_err e = {0};
    csvin_row *row;
    csvin *in;
    int got;

    if (!(in = csvin_open(t->csv, CSVIN_UTF8, ',', &e)))
        return csv_fail(t, &e);
    /* the longest field the pipeline writes (a value decoded from an input) */
    csvin_set_max_field(in, CSVIN_MAX_DECODED);
    got = csvin_next(in, &row, &e);
    if (got <= 0) {
        csvin_close(in);
        if (got < 0)
            return csv_fail(t, &e);
        return own_csv_fail(t, 1, 1, "empty file: a header line is expected (%s)", t->s->path);
    }
    for (size_t c = 0; c < t->ncols; c++) {
        size_t k;
        for (k = 0; k < row->n && strcmp(row->f[k], t->cols[c].s->name); k++)
            ;
        if (k == row->n) {
            csvin_close(in);
            return own_csv_fail(t, 1, 1, "column %s of %s is missing from the header",
                                t->cols[c].s->name, t->s->path);
        }
        t->cols[c].field = k;
    }
    for (size_t k = 0; warn && k < row->n; k++)
        if (tcol(t, row->f[k]) < 0)
            log_warn("%s:1:%zu: column %s is not in %s: not shown", t->s->file, k + 1, row->f[k],
                     t->s->path);
    t->nfields = row->n;
    *out = in;
    return 0;
}

/* Checks value v of column k of a data row (at line) against the schema
 * and prepares its cell c (a text points to v), *w getting the characters
 * v takes in the sheet and *lw those of its libellé. 0, or APPERR_INTERNAL
 * (logged: the CSV is the pipeline's own). */
static int read_cell(const struct report *r, const struct table *t, const struct col *k,
                     const char *v, unsigned long line, struct cell *c, size_t *w, size_t *lw)
{
    enum oschema_format f = k->s->format;
    long n = 0;

    *c = (struct cell){.kind = CELL_EMPTY};
    if (f != OSCHEMA_TEXT && csvnum_ok(v, f)) {
        c->kind = CELL_NUMBER;
        c->v.num = csvnum_value(v);
        *w = csvnum_width(v, f);
    } else if ((n = utf8_chars(v)) < 0) {
        return own_csv_fail(t, line, k->field + 1, "invalid UTF-8 in column %s", k->s->name);
    } else if (f != OSCHEMA_TEXT && *v && strcmp(v, "s")) {
        return own_csv_fail(t, line, k->field + 1,
                            "column %s (%s) holds \"%.40s\": expected a number, \"s\" or an "
                            "empty value",
                            k->s->name, oschema_format_names[f], v);
    } else {
        c->kind = !*v ? CELL_EMPTY : f == OSCHEMA_TEXT ? CELL_TEXT : CELL_SECRET;
        if (c->kind == CELL_TEXT)
            c->v.text = v;
        c->cut = n > STR_MAX;
        *w = (size_t)n;
    }
    *lw = 0;
    if ((c->label = code_label(r, k, v))) {
        n = utf8_chars(c->label);
        *lw = (size_t)n;
        c->lcut = n > STR_MAX;
    }
    return 0;
}

/* Reads one data row into the ncols cells c (texts pointing into row), or
 * returns an error (apperr, logged). w: widen the columns to its cells. */
static int read_row(const struct report *r, struct table *t, const csvin_row *row, struct cell *c,
                    int w)
{
    if (row->n != t->nfields)
        return own_csv_fail(t, row->line, 1, "%zu fields where the header has %zu", row->n,
                            t->nfields);
    for (size_t i = 0; i < t->ncols; i++) {
        struct col *k = &t->cols[i];
        size_t cw = 0, lw = 0;
        int rc = read_cell(r, t, k, row->f[k->field], row->line, &c[i], &cw, &lw);
        if (rc)
            return rc;
        if (w && cw > k->width)
            k->width = cw;
        if (w && k->s->labels && lw > k->lwidth)
            k->lwidth = lw;
    }
    return 0;
}

/* A copy of the n bytes of s (and a NUL) that lives as long as t, or NULL
 * when out of memory. */
static char *text_copy(struct table *t, const char *s, size_t n)
{
    struct textblock *b = t->texts;
    char *p;
    if (!b || b->cap - b->used < n + 1) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;
        if (!(b = malloc(sizeof *b + cap)))
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = t->texts;
        t->texts = b;
    }
    p = b->b + b->used;
    memcpy(p, s, n);
    p[n] = '\0';
    b->used += n + 1;
    return p;
}

/* The held cells of row i of t. */
static struct cell *row_cells(const struct table *t, unsigned long i)
{
    return t->blocks[i / t->rpb] + i % t->rpb * t->ncols;
}

static void drop_cells(struct table *t)
{
    while (t->nblocks)
        free(t->blocks[--t->nblocks]);
    free(t->blocks);
    t->blocks = NULL;
    t->capblocks = 0;
}

/* Frees what the read of t kept: its cells, its kept rows and their texts. */
static void drop_read(struct table *t)
{
    drop_cells(t);
    while (t->nkept)
        free(t->kept[--t->nkept]);
    free(t->kept);
    t->kept = NULL;
    t->capkept = 0;
    while (t->texts) {
        struct textblock *b = t->texts->next;
        free(t->texts);
        t->texts = b;
    }
}

/* Keeps the data row of t whose cells are c: its values in schema order
 * (t->kept) when the charts or the Synthèse may quote it; its cells, their
 * texts copied, while t is held. 0 or APPERR_NOMEM (logged). */
static int keep_row(struct table *t, const csvin_row *row, const struct cell *c)
{
    if (t->keep_all || (t->keep >= 0 && !strcmp(row->f[t->cols[t->keep].field], "TOTAL")) ||
        (t->keep2 >= 0 && !strcmp(row->f[t->cols[t->keep2].field], "TOTAL"))) {
        char **kr;
        if (grow_to(&t->kept, &t->capkept, t->nkept + 1, sizeof *t->kept, 16) ||
            !(kr = calloc(t->ncols, sizeof *kr)))
            return oom();
        t->kept[t->nkept++] = kr;
        for (size_t i = 0; i < t->ncols; i++) {
            size_t f = t->cols[i].field;
            if (!(kr[i] = text_copy(t, row->f[f], row->len[f])))
                return oom();
        }
    }
    if (t->held) {
        struct cell *d;
        if (t->nrows % t->rpb == 0 &&
            (grow_to(&t->blocks, &t->capblocks, t->nblocks + 1, sizeof *t->blocks, 16) ||
             !(t->blocks[t->nblocks] = malloc(t->rpb * t->ncols * sizeof **t->blocks))))
            return oom();
        t->nblocks += t->nrows % t->rpb == 0;
        d = row_cells(t, t->nrows);
        for (size_t i = 0; i < t->ncols; i++) {
            size_t f = t->cols[i].field;
            d[i] = c[i];
            if (c[i].kind == CELL_TEXT && !(d[i].v.text = text_copy(t, row->f[f], row->len[f])))
                return oom();
        }
    }
    return 0;
}

/* The read of t's CSV before the workbook: checks it, counts rows, measures
 * widths, keeps the rows the charts and the Synthèse need and, up to
 * BIG_TABLE rows, every cell. 0 or an error (apperr). */
static int table_scan(struct report *r, struct table *t)
{
    struct stat st;
    csvin_err e = {0};
    csvin_row *row;
    csvin *in = NULL;
    struct cell *c;
    int rc, got;

    if (!(t->csv = xprintf("%s/%s", r->outdir, t->s->file)))
        return oom();
    if (stat(t->csv, &st) != 0) {
        if (errno == ENOENT) {
            log_info("%s absent: sheet %s gets a note", t->s->file, t->s->sheet);
            return 0;
        }
        log_error("%s (in the output folder being built): cannot read: %s", t->s->file,
                  strerror(errno));
        return APPERR_WRITE;
    }
    t->present = 1;
    t->held = 1;
    t->rpb = t->ncols < CELL_BLOCK ? CELL_BLOCK / t->ncols : 1;
    if (!(c = calloc(t->ncols, sizeof *c)))
        return oom();
    if ((rc = table_open(t, &in, 1))) {
        free(c);
        return rc;
    }
    while ((got = csvin_next(in, &row, &e)) == 1) {
        if ((rc = read_row(r, t, row, c, 1)))
            break;
        if (t->nrows == BIG_TABLE) { /* streamed by the workbook: read again then */
            drop_cells(t);
            t->held = 0;
        }
        if ((rc = keep_row(t, row, c)))
            break;
        t->nrows++;
    }
    if (!rc && got < 0)
        rc = csv_fail(t, &e);
    csvin_close(in);
    free(c);
    return rc;
}

/* The run's secrecy threshold into r->threshold, from the manifest's
 * parameters (where the driver writes it: stages/lib/manifest.c), so that
 * the Méthodologie sheet quotes it and the driver passes nothing more. It
 * stays -1, with a warning, when the file is not such a manifest. */
static void read_threshold(struct report *r)
{
    char err[1024], *end = NULL;
    ydoc *d = yload_file_max(r->prov, YLOAD_MANIFEST_MAX_BYTES, err, sizeof err);
    const ynode *v = d ? ymap_get(ymap_get(d->root, "parameters"), "secrecy_threshold") : NULL;
    long t = v && v->type == YN_SCALAR ? strtol(v->str, &end, 10) : -1;

    if (!d)
        log_warn("%s; the Méthodologie sheet quotes no secrecy threshold", err);
    else if (t < 0 || t > SECRECY_MAX || !end || end == v->str || *end)
        log_warn("%s: no parameters.secrecy_threshold (a whole number from 0 to %d): the "
                 "Méthodologie sheet quotes no secrecy threshold",
                 r->prov, SECRECY_MAX);
    else
        r->threshold = (int)t;
    ydoc_free(d);
}

/* Reads the provenance manifest, one string per line, and the secrecy
 * threshold it lists. 0 or an error (apperr). */
static int read_provenance(struct report *r)
{
    FILE *f = fopen(r->prov, "r");
    char *line = NULL;
    size_t lcap = 0, cap = 0;
    ssize_t n;
    unsigned long ln = 0;
    int rc = 0;

    if (!f) {
        log_error("%s: cannot open the provenance manifest: %s", r->prov, strerror(errno));
        return APPERR_READ;
    }
    while ((n = getline(&line, &lcap, f)) >= 0) {
        ln++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if ((size_t)n != strlen(line) || utf8_chars(line) < 0) {
            log_error("%s:%lu:1: not UTF-8 text", r->prov, ln);
            rc = APPERR_DATA;
            break;
        }
        if (grow_to(&r->prov_lines, &cap, r->nprov + 1, sizeof *r->prov_lines, 16) ||
            !(r->prov_lines[r->nprov] = strdup(line))) {
            rc = oom();
            break;
        }
        r->nprov++;
    }
    if (!rc && ferror(f)) {
        log_error("%s: read error: %s", r->prov, strerror(errno));
        rc = APPERR_WRITE;
    }
    free(line);
    fclose(f);
    if (!rc)
        read_threshold(r);
    return rc;
}

/* --- charts -------------------------------------------------------------- */

static void chart_free(struct chart *ch)
{
    if (!ch)
        return;
    for (size_t i = 0; i < ch->n; i++) {
        free(ch->cat[i]);
        for (size_t j = 0; j < ch->nser; j++)
            free(ch->val[i * ch->nser + j]);
    }
    free(ch->cat);
    free(ch->val);
    free(ch);
}

/* Appends one point; a secret or missing value becomes a gap. 0 or -1. */
static int chart_point(struct chart *ch, const char *cat, char *const *vals)
{
    if (grow_to(&ch->cat, &ch->cap, ch->n + 1, sizeof *ch->cat, 16) ||
        grow_to(&ch->val, &ch->vcap, (ch->n + 1) * ch->nser, sizeof *ch->val, 16))
        return -1;
    if (!(ch->cat[ch->n] = strdup(cat)))
        return -1;
    for (size_t j = 0; j < ch->nser; j++) {
        const char *v = csvnum_ok(vals[j], ch->vfmt) ? vals[j] : "";
        size_t w = cell_width(v, ch->vfmt);
        if (!(ch->val[ch->n * ch->nser + j] = strdup(v))) {
            for (size_t q = 0; q < j; q++)
                free(ch->val[ch->n * ch->nser + q]);
            free(ch->cat[ch->n]);
            return -1;
        }
        if (w > ch->width[j + 1])
            ch->width[j + 1] = w;
    }
    if ((size_t)utf8_chars(cat) > ch->width[0])
        ch->width[0] = (size_t)utf8_chars(cat);
    ch->n++;
    return 0;
}

static struct chart *chart_new(uint8_t type, size_t nser, enum oschema_format vfmt)
{
    struct chart *ch = calloc(1, sizeof *ch);
    if (ch)
        ch->type = type, ch->nser = nser, ch->vfmt = vfmt;
    return ch;
}

static void chart_heads(struct chart *ch)
{
    for (size_t j = 0; j <= ch->nser; j++)
        if ((size_t)utf8_chars(ch->head[j]) > ch->width[j])
            ch->width[j] = (size_t)utf8_chars(ch->head[j]);
}

/* Columns a chart needs, by name, or -1 with a warning. */
static int need_cols(const struct table *t, int *idx, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((idx[i] = tcol(t, names[i])) < 0) {
            log_warn("%s: no column %s: no chart on sheet %s", t->s->path, names[i], t->s->sheet);
            return -1;
        }
    return 0;
}

/* Drops t's chart when it has no point, with a warning. Returns 0. */
static int chart_done(struct table *t, const char *why)
{
    if (t->chart && !t->chart->n) {
        log_warn("%s: %s (%ld): no chart on sheet %s", t->s->file, why, t->chart->year,
                 t->s->sheet);
        chart_free(t->chart);
        t->chart = NULL;
    }
    return 0;
}

/* The latest cohort C whose every contract is observable for w months:
 * 31 December C + w months <= D_obs (spec/outputs.md: the rupture rate the
 * Synthèse quotes is that of the latest cohort observable for the whole
 * window). */
static int cohort_for(const struct report *r, int w)
{
    int c = r->oy;
    while (date_add_months(date_from_ymd(c, 12, 31), w) > r->dobs)
        c--;
    return c;
}

/* 1 when the kept row k of t is year y, and its columns a and b hold va
 * and vb (NULL: any value; a leading '!' : any value but the rest). */
static int row_is(const struct table *t, char **k, int cy, long y, const char *a, const char *va,
                  const char *b, const char *vb)
{
    const char *const cn[2] = {a, b}, *const want[2] = {va, vb};
    if (!csvnum_ok(k[cy], OSCHEMA_YEAR) || atol(k[cy]) != y)
        return 0;
    for (int i = 0; i < 2; i++) {
        int c;
        if (!cn[i] || !want[i])
            continue;
        c = tcol(t, cn[i]);
        if (c < 0 || (want[i][0] == '!' ? !strcmp(k[c], want[i] + 1) : strcmp(k[c], want[i])))
            return 0;
    }
    return 1;
}

/* Cumulative entries by month of the latest complete year against the year
 * before, for the grand total (region TOTAL, OPCO TOTAL). */
static int chart_monthly(const struct report *r, struct table *t)
{
    static const char *const nm[] = {"annee", "mois", "opco", "cumul", "cumul_annee_precedente"};
    int c[5];
    long y = r->year;
    struct chart *ch;

    if (need_cols(t, c, nm, 5))
        return 0;
    if (!(ch = chart_new(LXW_CHART_LINE, 2, OSCHEMA_COUNT)))
        return oom();
    t->chart = ch;
    ch->year = y;
    snprintf(ch->title, sizeof ch->title,
             "Entrées cumulées depuis janvier : %ld comparé à %ld (toutes régions, tous OPCO)", y,
             y - 1);
    snprintf(ch->xname, sizeof ch->xname, "%s", tlabel(t, "mois"));
    snprintf(ch->yname, sizeof ch->yname, "Contrats (cumul depuis janvier)");
    snprintf(ch->head[0], sizeof ch->head[0], "%s", tlabel(t, "mois"));
    snprintf(ch->head[1], sizeof ch->head[1], "%s %ld", tlabel(t, "cumul"), y);
    snprintf(ch->head[2], sizeof ch->head[2], "%s (%ld)", tlabel(t, "cumul_annee_precedente"),
             y - 1);
    chart_heads(ch);
    for (size_t i = 0; i < t->nkept; i++) {
        char **k = t->kept[i];
        char *v[2] = {k[c[3]], k[c[4]]};
        long m = atol(k[c[1]]);
        if (!row_is(t, k, c[0], y, "region", "TOTAL", "opco", "TOTAL"))
            continue;
        if (chart_point(ch, m >= 1 && m <= 12 ? month_short[m - 1] : k[c[1]], v))
            return oom();
    }
    return chart_done(t, "no row for the year or cohort shown");
}

/* The 9-month rupture rate by region (OPCO TOTAL) of the latest cohort
 * observable 9 months for all its contracts: the cohort the Synthèse quotes. */
static int chart_ruptures(const struct report *r, struct table *t)
{
    static const char *const nm[] = {"annee", "region", "taux_rupture_9m_pct"};
    int c[3], lib = tcol(t, "region_libelle");
    long y = r->cohort;
    struct chart *ch;

    if (need_cols(t, c, nm, 3))
        return 0;
    if (!(ch = chart_new(LXW_CHART_COLUMN, 1, OSCHEMA_PCT)))
        return oom();
    t->chart = ch;
    ch->year = y;
    snprintf(ch->title, sizeof ch->title, "Taux de rupture à 9 mois par région, cohorte %ld (%%)",
             y);
    snprintf(ch->xname, sizeof ch->xname, "%s", tlabel(t, "region"));
    snprintf(ch->yname, sizeof ch->yname, "%s", tlabel(t, "taux_rupture_9m_pct"));
    snprintf(ch->head[0], sizeof ch->head[0], "%s", tlabel(t, "region"));
    snprintf(ch->head[1], sizeof ch->head[1], "%s, cohorte %ld", tlabel(t, "taux_rupture_9m_pct"),
             y);
    chart_heads(ch);
    for (size_t i = 0; i < t->nkept; i++) {
        char **k = t->kept[i];
        const char *cat = lib >= 0 && *k[lib] ? k[lib] : k[c[1]];
        if (!row_is(t, k, c[0], y, "opco", "TOTAL", "region", "!TOTAL"))
            continue;
        if (chart_point(ch, cat, &k[c[2]]))
            return oom();
    }
    return chart_done(t, "no row for the year or cohort shown");
}

/* The cumulative rupture rate by month since the start, one line per cohort:
 * the four cohorts up to the one the Synthèse quotes (all régions). */
static int chart_courbe(const struct report *r, struct table *t)
{
    static const char *const nm[] = {"annee", "mois", "taux_rupture_cumule_pct"};
    char *cell[CURVE_COHORTS][37] = {{NULL}};
    long y1 = r->cohort, y0 = y1 - CURVE_COHORTS + 1, ys[CURVE_COHORTS];
    int c[3], mmax = 0;
    size_t nser = 0;
    struct chart *ch;

    if (need_cols(t, c, nm, 3))
        return 0;
    for (size_t i = 0; i < t->nkept; i++) {
        char **k = t->kept[i];
        long y = atol(k[c[0]]), m = atol(k[c[1]]);
        if (y < y0 || y > y1 || m < 1 || m > 36 || !row_is(t, k, c[0], y, "region", "TOTAL", 0, 0))
            continue;
        cell[y - y0][m] = k[c[2]];
        if (m > mmax)
            mmax = (int)m;
    }
    for (long y = y0; y <= y1; y++)
        for (int m = 1; m <= 36; m++)
            if (cell[y - y0][m]) {
                ys[nser++] = y;
                break;
            }
    if (!nser) {
        log_warn("%s: no curve for cohorts %ld to %ld: no chart on sheet %s", t->s->file, y0, y1,
                 t->s->sheet);
        return 0;
    }
    if (!(ch = chart_new(LXW_CHART_LINE, nser, OSCHEMA_PCT)))
        return oom();
    t->chart = ch;
    ch->year = ys[nser - 1];
    ch->year0 = ys[0];
    snprintf(ch->title, sizeof ch->title,
             "Taux de rupture cumulé selon l'ancienneté du contrat, cohortes %ld à %ld (toutes "
             "régions, tous OPCO, %%)",
             ys[0], ys[nser - 1]);
    snprintf(ch->xname, sizeof ch->xname, "%s", tlabel(t, "mois"));
    snprintf(ch->yname, sizeof ch->yname, "%s", tlabel(t, "taux_rupture_cumule_pct"));
    snprintf(ch->head[0], sizeof ch->head[0], "%s", tlabel(t, "mois"));
    for (size_t j = 0; j < nser; j++)
        snprintf(ch->head[j + 1], sizeof ch->head[j + 1], "Cohorte %ld", ys[j]);
    chart_heads(ch);
    for (int m = 1; m <= mmax; m++) {
        char cat[8], *v[CURVE_COHORTS];
        snprintf(cat, sizeof cat, "%d", m);
        for (size_t j = 0; j < nser; j++)
            v[j] = cell[ys[j] - y0][m] ? cell[ys[j] - y0][m] : "";
        if (chart_point(ch, cat, v))
            return oom();
    }
    return 0;
}

/* Participations and converted companies by OPCO (region TOTAL) of the
 * information meetings for companies, in the latest complete year. */
static int chart_meetings(const struct report *r, struct table *t)
{
    static const char *const nm[] = {"annee", "opco", "type_evenement", "participations",
                                     "entreprises_converties"};
    int c[5];
    long y = r->year;
    struct chart *ch;
    const char *type;

    if (need_cols(t, c, nm, 5))
        return 0;
    type = code_label(r, &t->cols[c[2]], "reunion_entreprises");
    if (!(ch = chart_new(LXW_CHART_COLUMN, 2, OSCHEMA_COUNT)))
        return oom();
    t->chart = ch;
    ch->year = y;
    snprintf(ch->title, sizeof ch->title,
             "%s en %ld : participations et entreprises ayant conclu un contrat, par OPCO",
             type && *type ? type : "reunion_entreprises", y);
    snprintf(ch->xname, sizeof ch->xname, "%s", tlabel(t, "opco"));
    snprintf(ch->yname, sizeof ch->yname, "Nombre");
    snprintf(ch->head[0], sizeof ch->head[0], "%s", tlabel(t, "opco"));
    snprintf(ch->head[1], sizeof ch->head[1], "%s %ld", tlabel(t, "participations"), y);
    snprintf(ch->head[2], sizeof ch->head[2], "%s %ld", tlabel(t, "entreprises_converties"), y);
    chart_heads(ch);
    for (size_t i = 0; i < t->nkept; i++) {
        char **k = t->kept[i];
        char *v[2] = {k[c[3]], k[c[4]]};
        if (!row_is(t, k, c[0], y, "type_evenement", "reunion_entreprises", "region", "TOTAL") ||
            !strcmp(k[c[1]], "TOTAL"))
            continue;
        if (chart_point(ch, label_or_code(r, &t->cols[c[1]], k[c[1]]), v))
            return oom();
    }
    return chart_done(t, "no row for the year or cohort shown");
}

/* A breakdown table's chart (schema key `chart`): its column by breakdown
 * value, for the latest cohort observable cohort_window_months, or the latest
 * complete year. Values follow the schema's labels, then the file's order;
 * TOTAL last, as "Ensemble". */
static int chart_breakdown(const struct report *r, struct table *t)
{
    int cy = tcol(t, "annee"), cb = t->s->breakdown ? tcol(t, t->s->breakdown) : -1,
        cv = tcol(t, t->s->chart.column);
    long y = t->s->chart.window ? cohort_for(r, t->s->chart.window) : r->year;
    size_t *ord = NULL, n = 0;
    const struct col *kb;
    struct chart *ch;

    if (cy < 0 || cb < 0 || cv < 0) {
        log_warn("%s: no annee or %s column: no chart on sheet %s", t->s->path,
                 t->s->breakdown ? t->s->breakdown : "breakdown", t->s->sheet);
        return 0;
    }
    kb = &t->cols[cb];
    if (!(ch = chart_new(t->s->chart.type == OSCHEMA_CHART_BAR ? LXW_CHART_BAR : LXW_CHART_COLUMN,
                         1, t->cols[cv].s->format)))
        return oom();
    t->chart = ch;
    ch->year = y;
    snprintf(ch->title, sizeof ch->title, "%s, %s %ld%s", t->s->chart.title,
             t->s->chart.window ? "cohorte" : "année", y,
             t->cols[cv].s->format == OSCHEMA_PCT ? " (%)" : "");
    snprintf(ch->xname, sizeof ch->xname, "%s", kb->s->label);
    snprintf(ch->yname, sizeof ch->yname, "%s", t->cols[cv].s->label);
    snprintf(ch->head[0], sizeof ch->head[0], "%s", kb->s->label);
    snprintf(ch->head[1], sizeof ch->head[1], "%s, %s %ld", t->cols[cv].s->label,
             t->s->chart.window ? "cohorte" : "année", y);
    chart_heads(ch);
    if (!(ord = malloc((t->nkept ? t->nkept : 1) * sizeof *ord)))
        return oom();
    for (size_t i = 0; i < t->nkept; i++)
        if (row_is(t, t->kept[i], cy, y, NULL, NULL, NULL, NULL))
            ord[n++] = i;
    /* a stable insertion sort on (rank in the labels mapping, file order) */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            size_t base = kb->s->nlab;
            size_t a = ord[j - 1], b = ord[j], ra = base + a, rb = base + b, tmp;
            const char *va = t->kept[a][cb], *vb = t->kept[b][cb];
            for (size_t q = 0; q < kb->s->nlab; q++) {
                if (!strcmp(kb->s->lab_code[q], va))
                    ra = q;
                if (!strcmp(kb->s->lab_code[q], vb))
                    rb = q;
            }
            if (!strcmp(va, "TOTAL"))
                ra = SIZE_MAX;
            if (!strcmp(vb, "TOTAL"))
                rb = SIZE_MAX;
            if (ra <= rb)
                break;
            tmp = ord[j - 1], ord[j - 1] = ord[j], ord[j] = tmp;
        }
    for (size_t i = 0; i < n; i++) {
        char **k = t->kept[ord[i]];
        if (chart_point(ch, label_or_code(r, kb, k[cb]), &k[cv])) {
            free(ord);
            return oom();
        }
    }
    free(ord);
    return chart_done(t, "no row for the year or cohort shown");
}

/* --- the Synthèse sentences ---------------------------------------------- */

/* French rendering of a CSV value: "3 071", "41,3 %", "+41,3 %", with the
 * secrecy marker and missing values spelled out. unit follows numbers only. */
static void fr_value(char *b, size_t n, const char *v, const char *unit, int pct, int sign)
{
    const char *p, *dot;
    size_t o = 0, ilen;
    if (!v || !*v) {
        snprintf(b, n, TXT_NA);
        return;
    }
    if (!strcmp(v, "s")) {
        snprintf(b, n, TXT_SECRET);
        return;
    }
    if (!csvnum_ok(v, OSCHEMA_PCT) || n < 64) {
        snprintf(b, n, "%s", v);
        return;
    }
    p = v;
    if (*p == '-') {
        o += (size_t)snprintf(b + o, n - o, MINUS);
        p++;
    } else if (sign && strtod(v, NULL) != 0) {
        o += (size_t)snprintf(b + o, n - o, "+");
    }
    dot = strchr(p, '.');
    ilen = dot ? (size_t)(dot - p) : strlen(p);
    for (size_t i = 0; i < ilen && o + 4 < n; i++) {
        if (i && (ilen - i) % 3 == 0)
            o += (size_t)snprintf(b + o, n - o, NBSP);
        b[o++] = p[i];
    }
    b[o] = '\0';
    if (dot)
        o += (size_t)snprintf(b + o, n - o, ",%s", dot + 1);
    if (pct)
        snprintf(b + o, n - o, NBSP "%%");
    else if (unit)
        snprintf(b + o, n - o, " %s", unit);
}

/* Appends a paragraph (s is taken over) and the chart of t under it when t
 * has one; page: it starts a printed page. */
static int add_para(struct report *r, char *s, size_t *cap, struct table *t, int page)
{
    if (!s || grow_to(&r->synth, cap, r->nsynth + 1, sizeof *r->synth, 16)) {
        free(s);
        return oom();
    }
    r->synth[r->nsynth++] = (struct synth){s, t && t->present && t->chart ? t : NULL, page};
    return 0;
}

/* A row's value by column name, or NULL. */
static const char *kv(const struct table *t, char **row, const char *name)
{
    int i = row ? tcol(t, name) : -1;
    return i < 0 ? NULL : row[i];
}

/* The kept row (annee, region, opco) = (y, TOTAL, TOTAL) of t, or NULL. */
static char **grand_total(const struct table *t, int y)
{
    static const char *const k[] = {"annee", "region", "opco"};
    char ys[16];
    const char *v[] = {ys, "TOTAL", "TOTAL"};
    snprintf(ys, sizeof ys, "%d", y);
    return t && t->present ? find_kept(t, 3, k, v) : NULL;
}

/* "non disponible (...)" for a table that is absent or lacks the row. */
static char *unavailable(const struct table *t, const char *dflt_sheet, const char *what,
                         const char *row)
{
    if (!t || !t->present)
        return xprintf("%s : non disponible (feuille %s : tableau non produit par cette "
                       "exécution).",
                       what, t ? t->s->sheet : dflt_sheet);
    return xprintf("%s : non disponible (pas de ligne %s dans la feuille %s).", what, row,
                   t->s->sheet);
}

/* The paragraph over a breakdown table's chart: the figure for the whole
 * (TOTAL), and the published values that are highest and lowest among the
 * breakdown's values (ND aside), for the chart's year or cohort. */
static int breakdown_para(struct report *r, struct table *t, size_t *cap)
{
    int cy = tcol(t, "annee"), cb = tcol(t, t->s->breakdown), cv = tcol(t, t->s->chart.column);
    const struct chart *ch = t->chart;
    char **hi = NULL, **lo = NULL, **tot = NULL;
    char a[128], b[128], c[128], period[64];
    int pct = t->cols[cv].s->format == OSCHEMA_PCT, rc;
    char *extra;

    snprintf(period, sizeof period, "%s %ld", t->s->chart.window ? "cohorte" : "année", ch->year);
    for (size_t i = 0; i < t->nkept; i++) {
        char **k = t->kept[i];
        if (!row_is(t, k, cy, ch->year, NULL, NULL, NULL, NULL))
            continue;
        if (!strcmp(k[cb], "TOTAL"))
            tot = k;
        else if (strcmp(k[cb], "ND") && *k[cv] && csvnum_ok(k[cv], t->cols[cv].s->format)) {
            if (!hi || strtod(k[cv], NULL) > strtod(hi[cv], NULL))
                hi = k;
            if (!lo || strtod(k[cv], NULL) < strtod(lo[cv], NULL))
                lo = k;
        }
    }
    fr_value(a, sizeof a, tot ? tot[cv] : NULL, NULL, pct, 0);
    if (hi && lo && hi != lo) {
        fr_value(b, sizeof b, hi[cv], NULL, pct, 0);
        fr_value(c, sizeof c, lo[cv], NULL, pct, 0);
        extra = xprintf(" ; le plus élevé : %s (%s) ; le plus faible : %s (%s)",
                        label_or_code(r, &t->cols[cb], hi[cb]), b,
                        label_or_code(r, &t->cols[cb], lo[cb]), c);
    } else {
        extra = xprintf("%s", "");
    }
    if (!extra)
        return oom();
    rc = add_para(r,
                  xprintf("%s, %s, toutes régions et tous OPCO : %s pour l'ensemble%s. Les "
                          "valeurs couvertes par le secret statistique ne sont pas comparées. "
                          "Source : feuille %s, lignes %s %ld.",
                          t->s->chart.title, period, a, extra, t->s->sheet, tlabel(t, "annee"),
                          ch->year),
                  cap, t, 1);
    free(extra);
    return rc;
}

/* One figure of the Synthèse: the table it quotes and its paragraph. */
struct figure {
    struct table *t;     /* the table quoted; NULL when no schema describes it */
    const char *sheet;   /* the table's sheet, named when t is NULL */
    const char *what;    /* what the figure is, to say it is not available */
    const char *where;   /* the row it quotes, to say the table lacks it */
    int found;           /* t has the row (or the chart) the paragraph quotes */
    char *text;          /* the paragraph when found (malloc'd), else NULL */
    char *none;          /* the paragraph when t lacks the row, NULL: the usual one */
    struct table *chart; /* the table whose chart follows the paragraph */
    int page;            /* the paragraph starts a printed page */
};

/* Adds the paragraph of figure f, one of three: the figure (with its
 * chart), the table present without the row quoted, or the table absent.
 * Takes over f->text and f->none. 0 or APPERR_NOMEM. */
static int add_figure(struct report *r, size_t *cap, struct figure *f)
{
    int present = f->t && f->t->present;
    if (present && f->found) {
        free(f->none);
        return add_para(r, f->text, cap, f->chart, f->page);
    }
    free(f->text);
    if (present && f->none)
        return add_para(r, f->none, cap, NULL, f->page);
    free(f->none);
    return add_para(r, unavailable(f->t, f->sheet, f->what, f->where), cap, NULL, f->page);
}

/* The Synthèse's opening: the dates it uses, how to read its figures. */
static int para_intro(struct report *r, size_t *cap)
{
    int coh = r->cohort;
    int rc = add_para(r,
                      xprintf("Date d'observation : %d %s %d. Année de référence : %d, la "
                              "dernière année dont le 31 décembre est antérieur ou égal à la "
                              "date d'observation. Cohorte de référence pour les ruptures : %d, "
                              "la dernière dont tous les contrats sont observables 9 mois "
                              "(débutés au plus tard le 31 décembre %d, 9 mois écoulés au 30 "
                              "septembre %d).",
                              r->od, month_long[r->om - 1], r->oy, r->year, coh, coh, coh + 1),
                      cap, NULL, 0);
    if (!rc)
        rc = add_para(r,
                      xprintf("« s » : valeur couverte par le secret statistique (effectif "
                              "compris entre 1 et le seuil moins 1 ; autre effectif masqué pour "
                              "qu'aucun de ceux-là ne puisse être recalculé par différence, dit "
                              "secret secondaire ; taux calculé sur un effectif masqué) ; une "
                              "cellule vide : valeur sans objet (dénominateur "
                              "nul ou absence de donnée). Vue d'ensemble par région et par "
                              "année : feuille %s. Définitions : feuille Méthodologie ; fichiers "
                              "et paramètres de l'exécution : feuille Provenance.",
                              DASH_SHEET),
                      cap, NULL, 0);
    return rc;
}

/* Entries of the reference year against the year before (grand total),
 * followed by the chart of their monthly cumul. */
static int para_entries(struct report *r, size_t *cap)
{
    int y = r->year;
    char a[128], b[128], c[128], what[256], where[128];
    struct table *t = find_table(r, "croissance");
    char **row = grand_total(t, y);
    struct figure f = {.t = t,
                       .sheet = "Croissance",
                       .what = what,
                       .where = where,
                       .found = row != NULL,
                       .chart = find_table(r, "croissance_mensuelle")};

    snprintf(what, sizeof what, "Entrées en apprentissage en %d", y);
    snprintf(where, sizeof where, "%d, Région TOTAL, OPCO TOTAL", y);
    if (row) {
        fr_value(a, sizeof a, kv(t, row, "contrats"), "contrats débutés", 0, 0);
        fr_value(b, sizeof b, kv(t, row, "contrats_annee_precedente"), "contrats", 0, 0);
        fr_value(c, sizeof c, kv(t, row, "evolution_pct"), NULL, 1, 1);
        f.text = xprintf("%s, toutes régions et tous OPCO : %s ; en %d : %s ; évolution : %s. Le "
                         "graphique suit le cumul des entrées depuis janvier %d, mois par mois, "
                         "face à %d. Source : feuille %s, ligne %s %d, %s TOTAL, %s TOTAL.",
                         what, a, y - 1, b, c, y, y - 1, t->s->sheet, tlabel(t, "annee"), y,
                         tlabel(t, "region"), tlabel(t, "opco"));
    }
    return add_figure(r, cap, &f);
}

/* The 9-month rupture rate of the reference cohort (grand total), followed
 * by its chart by région. */
static int para_ruptures(struct report *r, size_t *cap)
{
    int coh = r->cohort;
    char a[128], b[128], c[128], what[256], where[128];
    struct table *t = find_table(r, "ruptures");
    char **row = grand_total(t, coh);
    struct figure f = {.t = t,
                       .sheet = "Ruptures",
                       .what = what,
                       .where = where,
                       .found = row != NULL,
                       .chart = t,
                       .page = 1};

    snprintf(what, sizeof what,
             "Taux de rupture à 9 mois de la cohorte %d (dernière cohorte dont tous les contrats "
             "sont observables 9 mois)",
             coh);
    snprintf(where, sizeof where, "%d, Région TOTAL, OPCO TOTAL", coh);
    if (row) {
        fr_value(a, sizeof a, kv(t, row, "taux_rupture_9m_pct"), NULL, 1, 0);
        fr_value(b, sizeof b, kv(t, row, "ruptures_9m"), NULL, 0, 0);
        fr_value(c, sizeof c, kv(t, row, "observables_9m"), NULL, 0, 0);
        f.text = xprintf("Taux de rupture à 9 mois de la cohorte %d (contrats débutés en %d, "
                         "dernière cohorte dont tous les contrats sont observables 9 mois à la "
                         "date d'observation), toutes régions et tous OPCO : %s (ruptures dans "
                         "les 9 mois : %s ; contrats observables : %s). Le graphique donne ce "
                         "taux par région pour la même cohorte %d. Source : feuille %s, ligne %s "
                         "%d, %s TOTAL, %s TOTAL.",
                         coh, coh, a, b, c, coh, t->s->sheet, tlabel(t, "annee"), coh,
                         tlabel(t, "region"), tlabel(t, "opco"));
    }
    return add_figure(r, cap, &f);
}

/* The rupture curve of the four cohorts up to the reference one, with its
 * points at 9 months (that cohort) and 12 months (the latest cohort
 * observable 12 months), followed by its chart. */
static int para_courbe(struct report *r, size_t *cap)
{
    static const char *const k[] = {"annee", "region", "mois"};
    int coh = r->cohort, coh12 = cohort_for(r, 12);
    char a[128], b[128], what[256], where[128], y9[16], y12[16];
    const char *v9[] = {y9, "TOTAL", "09"}, *v12[] = {y12, "TOTAL", "12"};
    struct table *t = find_table(r, "courbe_ruptures");
    struct figure f = {.t = t,
                       .sheet = "Courbe des ruptures",
                       .what = what,
                       .where = where,
                       .found = t && t->chart,
                       .chart = t,
                       .page = 1};

    if (t && t->chart)
        snprintf(what, sizeof what, "Courbe des ruptures des cohortes %ld à %ld", t->chart->year0,
                 t->chart->year);
    else
        snprintf(what, sizeof what, "Courbe des ruptures des cohortes %d à %d",
                 coh - CURVE_COHORTS + 1, coh);
    snprintf(where, sizeof where, "Région TOTAL des cohortes %d à %d", coh - CURVE_COHORTS + 1,
             coh);
    if (f.found && t->present) {
        snprintf(y9, sizeof y9, "%d", coh);
        snprintf(y12, sizeof y12, "%d", coh12);
        fr_value(a, sizeof a, kv(t, find_kept(t, 3, k, v9), "taux_rupture_cumule_pct"), NULL, 1, 0);
        fr_value(b, sizeof b, kv(t, find_kept(t, 3, k, v12), "taux_rupture_cumule_pct"), NULL, 1,
                 0);
        f.text = xprintf("%s, toutes régions et tous OPCO : part des contrats rompus dans les m "
                         "premiers mois parmi les contrats observables m mois, selon m. Au 9e "
                         "mois, la cohorte %d en est à %s (le taux ci-dessus) ; au 12e mois, la "
                         "cohorte %d (la dernière dont tous les contrats sont observables 12 "
                         "mois) en est à %s. Source : feuille %s, lignes %s TOTAL.",
                         what, coh, a, coh12, b, t->s->sheet, tlabel(t, "region"));
    }
    return add_figure(r, cap, &f);
}

/* The company information meetings of the reference year and their
 * conversion rate (grand total), followed by their chart by OPCO. */
static int para_meetings(struct report *r, size_t *cap)
{
    static const char *const k[] = {"annee", "region", "opco", "type_evenement"};
    int y = r->year;
    int open = r->oy < y + 1 || (r->oy == y + 1 && !(r->om == 12 && r->od == 31));
    char a[128], b[128], c[128], d[128], e[128], what[256], ys[16];
    const char *v[] = {ys, "TOTAL", "TOTAL", "reunion_entreprises"};
    struct table *t = find_table(r, "reunions");
    const char *tl = t && tcol(t, "type_evenement") >= 0
                         ? code_label(r, &t->cols[tcol(t, "type_evenement")], "reunion_entreprises")
                         : NULL;
    char **row;
    struct figure f = {
        .t = t, .sheet = "Réunions", .what = what, .where = "", .chart = t, .page = 1};

    if (!tl || !*tl)
        tl = "Réunions d'information des entreprises";
    snprintf(ys, sizeof ys, "%d", y);
    snprintf(what, sizeof what, "%s en %d", tl, y);
    if (!t || !t->present)
        return add_figure(r, cap, &f);
    row = find_kept(t, 4, k, v);
    f.found = row != NULL;
    f.none = xprintf("%s : aucune recensée (pas de ligne %d, Région TOTAL, OPCO TOTAL, %s "
                     "reunion_entreprises dans la feuille %s).",
                     what, y, tlabel(t, "type_evenement"), t->s->sheet);
    if (row) {
        fr_value(a, sizeof a, kv(t, row, "evenements"), "réunions", 0, 0);
        fr_value(b, sizeof b, kv(t, row, "participations"), NULL, 0, 0);
        fr_value(c, sizeof c, kv(t, row, "taux_conversion_pct"), NULL, 1, 0);
        fr_value(d, sizeof d, kv(t, row, "entreprises"), NULL, 0, 0);
        fr_value(e, sizeof e, kv(t, row, "entreprises_converties"), NULL, 0, 0);
        f.text = xprintf(
            "%s, toutes régions et tous OPCO : %s ; participations : %s ; taux de conversion : "
            "%s (entreprises présentes : %s ; dont ayant conclu un contrat d'apprentissage dans "
            "les 12 mois suivant leur première réunion : %s).%s Le graphique détaille %d par "
            "OPCO. Source : feuille %s, ligne %s %d, %s TOTAL, %s TOTAL, %s reunion_entreprises "
            "(%s).",
            what, a, b, c, d, e,
            open ? " La fenêtre de 12 mois n'est pas close pour toutes les réunions à la date "
                   "d'observation : ce taux peut encore augmenter."
                 : "",
            y, t->s->sheet, tlabel(t, "annee"), y, tlabel(t, "region"), tlabel(t, "opco"),
            tlabel(t, "type_evenement"), tl);
    }
    return add_figure(r, cap, &f);
}

/* Builds the Synthèse: what it covers, then one paragraph per figure, each
 * followed by the chart of the same year or cohort: entries of the latest
 * complete year, the 9-month rupture rate of the latest cohort observable 9
 * months (and its curve), meetings and conversions of the latest complete
 * year, then each breakdown with a chart. A secret figure is spelled out as
 * such, never quoted as a number. */
static int build_synthese(struct report *r)
{
    size_t cap = 0;
    int rc = para_intro(r, &cap);
    if (!rc)
        rc = para_entries(r, &cap);
    if (!rc)
        rc = para_ruptures(r, &cap);
    if (!rc)
        rc = para_courbe(r, &cap);
    if (!rc)
        rc = para_meetings(r, &cap);
    for (size_t i = 0; i < r->nsheets && !rc; i++)
        if (r->t[i].s->chart.column && r->t[i].chart)
            rc = breakdown_para(r, &r->t[i], &cap);
    return rc;
}

/* --- writing the workbook ------------------------------------------------ */

/* The error for a libxlsxwriter error: APPERR_WRITE when files or the zip
 * container failed, APPERR_INTERNAL when a call was refused. */
static int lxw_code(lxw_error e)
{
    switch (e) {
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_PARAMETER_ERROR:
    case LXW_ERROR_ZIP_BAD_ZIP_FILE:
    case LXW_ERROR_ZIP_INTERNAL_ERROR:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE:
        return APPERR_WRITE;
    default:
        return APPERR_INTERNAL;
    }
}

/* 0 when e is LXW_NO_ERROR, else logs where and returns the error. */
static int xl(const struct report *r, lxw_error e, const char *sheet, long row, long col)
{
    if (e == LXW_NO_ERROR)
        return 0;
    if (row >= 0)
        log_error("%s: sheet %s, row %ld, column %ld: %s", r->tmp, sheet, row + 1, col + 1,
                  lxw_strerror(e));
    else
        log_error("%s: sheet %s: %s", r->tmp, sheet ? sheet : "-", lxw_strerror(e));
    return lxw_code(e);
}

/* Writes a string, cut to Excel's 32 767 characters (with a warning). */
static int put_str(const struct report *r, lxw_worksheet *ws, const char *sheet, lxw_row_t row,
                   lxw_col_t col, const char *s, lxw_format *f)
{
    char *cut;
    int rc;
    if (!*s)
        return 0;
    if (utf8_chars(s) <= STR_MAX)
        return xl(r, worksheet_write_string(ws, row, col, s, f), sheet, row, col);
    log_warn("sheet %s, row %lu, column %u: text cut to %d characters", sheet,
             (unsigned long)row + 1, (unsigned)col + 1, STR_MAX);
    if (!(cut = strndup(s, utf8_prefix(s, STR_MAX))))
        return oom();
    rc = xl(r, worksheet_write_string(ws, row, col, cut, f), sheet, row, col);
    free(cut);
    return rc;
}

/* Writes a string already known to be within Excel's 32 767 characters. */
static int put_short(const struct report *r, lxw_worksheet *ws, const char *sheet, lxw_row_t row,
                     lxw_col_t col, const char *s)
{
    return *s ? xl(r, worksheet_write_string(ws, row, col, s, NULL), sheet, row, col) : 0;
}

/* Writes the cells c of one data row of t in row R: numbers, "s" aligned
 * right, texts, each libellé beside its code; nothing for an empty value. */
static int put_row(const struct report *r, lxw_worksheet *ws, const char *sheet, lxw_row_t R,
                   const struct table *t, const struct cell *c)
{
    int rc = 0;
    for (size_t i = 0; i < t->ncols && !rc; i++, c++) {
        const struct col *k = &t->cols[i];
        switch (c->kind) {
        case CELL_NUMBER:
            rc = xl(r, worksheet_write_number(ws, R, k->scol, c->v.num, r->f.num[k->s->format]),
                    sheet, R, k->scol);
            break;
        case CELL_SECRET:
            rc = xl(r, worksheet_write_string(ws, R, k->scol, "s", r->f.secret), sheet, R, k->scol);
            break;
        case CELL_TEXT:
            rc = c->cut ? put_str(r, ws, sheet, R, k->scol, c->v.text, NULL)
                        : put_short(r, ws, sheet, R, k->scol, c->v.text);
            break;
        default:
            break;
        }
        if (!rc && c->label)
            rc = c->lcut ? put_str(r, ws, sheet, R, (lxw_col_t)(k->scol + 1), c->label, NULL)
                         : put_short(r, ws, sheet, R, (lxw_col_t)(k->scol + 1), c->label);
    }
    return rc;
}

/* Writes one CSV value in a column of format fmt: a number, "s" aligned
 * right, text, or nothing for an empty value. */
static int put_value(const struct report *r, lxw_worksheet *ws, const char *sheet, lxw_row_t row,
                     lxw_col_t col, enum oschema_format fmt, const char *v)
{
    if (!*v)
        return 0;
    if (fmt != OSCHEMA_TEXT && !strcmp(v, "s"))
        return xl(r, worksheet_write_string(ws, row, col, "s", r->f.secret), sheet, row, col);
    if (fmt == OSCHEMA_TEXT)
        return put_str(r, ws, sheet, row, col, v, NULL);
    return xl(r, worksheet_write_number(ws, row, col, strtod(v, NULL), r->f.num[fmt]), sheet, row,
              col);
}

static int make_formats(struct report *r)
{
    struct fmts *f = &r->f;
    lxw_workbook *wb = r->wb;
    if (!(f->title = workbook_add_format(wb)) || !(f->head = workbook_add_format(wb)) ||
        !(f->secret = workbook_add_format(wb)) || !(f->wrap = workbook_add_format(wb)) ||
        !(f->bold = workbook_add_format(wb)) || !(f->boldwrap = workbook_add_format(wb)) ||
        !(f->note = workbook_add_format(wb)))
        return oom();
    format_set_bold(f->title);
    format_set_font_size(f->title, 13);
    format_set_bold(f->head);
    format_set_text_wrap(f->head);
    format_set_align(f->head, LXW_ALIGN_VERTICAL_TOP);
    format_set_bottom(f->head, LXW_BORDER_THIN);
    format_set_bg_color(f->head, 0xDDE4EE);
    format_set_align(f->secret, LXW_ALIGN_RIGHT);
    format_set_text_wrap(f->wrap);
    format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(f->bold);
    format_set_align(f->bold, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(f->boldwrap);
    format_set_text_wrap(f->boldwrap);
    format_set_align(f->boldwrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_italic(f->note);
    if (!(f->across = workbook_add_format(wb)) || !(f->subhead = workbook_add_format(wb)) ||
        !(f->btext = workbook_add_format(wb)) || !(f->bsecret = workbook_add_format(wb)))
        return oom();
    format_set_bold(f->across);
    format_set_align(f->across, LXW_ALIGN_CENTER_ACROSS);
    format_set_bg_color(f->across, 0xDDE4EE);
    format_set_bold(f->subhead);
    format_set_text_wrap(f->subhead);
    format_set_align(f->subhead, LXW_ALIGN_CENTER);
    format_set_align(f->subhead, LXW_ALIGN_VERTICAL_TOP);
    format_set_bottom(f->subhead, LXW_BORDER_THIN);
    format_set_bg_color(f->subhead, 0xDDE4EE);
    format_set_bold(f->btext);
    format_set_top(f->btext, LXW_BORDER_THIN);
    format_set_bold(f->bsecret);
    format_set_align(f->bsecret, LXW_ALIGN_RIGHT);
    format_set_top(f->bsecret, LXW_BORDER_THIN);
    for (int i = 0; i < OSCHEMA_NFORMATS; i++) {
        f->num[i] = f->bnum[i] = NULL;
        if (!fmt_excel[i])
            continue;
        if (!(f->num[i] = workbook_add_format(wb)) || !(f->bnum[i] = workbook_add_format(wb)))
            return oom();
        format_set_num_format(f->num[i], fmt_excel[i]);
        format_set_num_format(f->bnum[i], fmt_excel[i]);
        if (i == OSCHEMA_YEAR ||
            i == OSCHEMA_MONTH) /* keys, not quantities: apart from the next column */
            format_set_align(f->num[i], LXW_ALIGN_CENTER);
        format_set_bold(f->bnum[i]);
        format_set_top(f->bnum[i], LXW_BORDER_THIN);
    }
    return 0;
}

/* Adds a sheet with the page set-up every sheet shares: A4 landscape, one
 * page wide, sheet name and page number in the footer. */
static int add_sheet(struct report *r, const char *name, lxw_worksheet **out)
{
    lxw_worksheet *ws = workbook_add_worksheet(r->wb, name);
    if (!ws) {
        log_error("%s: cannot add sheet %s", r->tmp, name);
        return APPERR_INTERNAL;
    }
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    *out = ws;
    return xl(r, worksheet_set_footer(ws, "&L&A&RPage &P / &N"), name, -1, 0);
}

/* Sheet name of part k (1-based) of a table: "Name", "Name (2)", ... cut so
 * that it stays within Excel's 31 characters. */
static void part_name(char *b, size_t n, const char *base, unsigned long k)
{
    char suf[32] = "";
    size_t keep;
    if (k > 1)
        snprintf(suf, sizeof suf, " (%lu)", k);
    keep = utf8_prefix(base, LXW_SHEETNAME_MAX - strlen(suf));
    snprintf(b, n, "%.*s%s", (int)keep, base, suf);
}

/* A sheet holding a title and a one-line note. */
static int write_note(struct report *r, const char *sheet, const char *title, const char *note)
{
    lxw_worksheet *ws;
    int rc = add_sheet(r, sheet, &ws);
    if (!rc)
        rc = put_str(r, ws, sheet, 0, 0, title, r->f.title);
    if (!rc)
        rc = put_str(r, ws, sheet, 1, 0, note, r->f.note);
    return rc;
}

/* The chart-data block beside the table: row R of the sheet. */
static int side_row(const struct report *r, lxw_worksheet *ws, const char *sheet,
                    const struct table *t, lxw_row_t R)
{
    const struct chart *ch = t->chart;
    lxw_col_t s0 = (lxw_col_t)(t->nscols + 1);
    int rc = 0;
    if (R == 0)
        return put_str(r, ws, sheet, 0, s0, "Données du graphique", r->f.bold);
    if (R == 1) {
        for (size_t j = 0; j <= ch->nser && !rc; j++)
            rc = put_str(r, ws, sheet, 1, (lxw_col_t)(s0 + j), ch->head[j], r->f.head);
        return rc;
    }
    if (R - HEAD_ROWS < ch->n) {
        size_t i = R - HEAD_ROWS;
        rc = put_str(r, ws, sheet, R, s0, ch->cat[i], NULL);
        for (size_t j = 0; j < ch->nser && !rc; j++)
            rc = put_value(r, ws, sheet, R, (lxw_col_t)(s0 + 1 + j), ch->vfmt,
                           ch->val[i * ch->nser + j]);
        return rc;
    }
    if (R - HEAD_ROWS == ch->n)
        return put_str(r, ws, sheet, R, s0,
                       "Cellule vide : valeur couverte par le secret statistique (s) ou "
                       "manquante, laissée en blanc dans le graphique.",
                       r->f.note);
    return 0;
}

/* Inserts t's chart (its data in sheet, beside the table) into dest at
 * (drow, dcol). */
static int insert_chart(struct report *r, lxw_worksheet *dest, lxw_row_t drow, lxw_col_t dcol,
                        const char *sheet, const struct table *t)
{
    const struct chart *ch = t->chart;
    lxw_col_t s0 = (lxw_col_t)(t->nscols + 1);
    lxw_row_t r0 = HEAD_ROWS, r1 = (lxw_row_t)(HEAD_ROWS + ch->n - 1);
    lxw_chart_options opt = {0};
    lxw_chart_font rot = {0};
    lxw_chart *c;

    if (!ch->n)
        return 0;
    if (!(c = workbook_add_chart(r->wb, ch->type)))
        return oom();
    for (size_t j = 0; j < ch->nser; j++) {
        lxw_chart_series *s = chart_add_series(c, NULL, NULL);
        if (!s)
            return oom();
        chart_series_set_categories(s, sheet, r0, s0, r1, s0);
        chart_series_set_values(s, sheet, r0, (lxw_col_t)(s0 + 1 + j), r1, (lxw_col_t)(s0 + 1 + j));
        chart_series_set_name_range(s, sheet, 1, (lxw_col_t)(s0 + 1 + j));
        if (ch->type == LXW_CHART_LINE) {
            /* markers keep a point between two gaps visible */
            chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
            chart_series_set_marker_size(s, 5);
        }
    }
    chart_title_set_name(c, ch->title);
    if (ch->type == LXW_CHART_BAR) {
        /* bars: libxlsxwriter's x axis is the horizontal one, here the values;
         * categories read from the top down, values from 0 at the bottom */
        chart_axis_set_name(c->x_axis, ch->yname);
        chart_axis_set_name(c->y_axis, ch->xname);
        chart_axis_set_num_format(c->x_axis, fmt_excel[ch->vfmt]);
        chart_axis_set_min(c->x_axis, 0);
        chart_axis_set_reverse(c->y_axis);
        chart_axis_set_crossing_max(c->y_axis);
    } else {
        chart_axis_set_name(c->x_axis, ch->xname);
        chart_axis_set_name(c->y_axis, ch->yname);
        chart_axis_set_num_format(c->y_axis, fmt_excel[ch->vfmt]);
        /* a bar or a curve of rates starts at 0: a cut axis would magnify gaps */
        chart_axis_set_min(c->y_axis, 0);
    }
    if (ch->type == LXW_CHART_LINE && ch->n > 12)
        chart_axis_set_interval_unit(c->x_axis, 3);
    if (ch->type == LXW_CHART_COLUMN && ch->n > 10) {
        rot.rotation = -45;
        chart_axis_set_num_font(c->x_axis, &rot);
    }
    chart_legend_set_position(c, ch->nser > 1 ? LXW_CHART_LEGEND_BOTTOM : LXW_CHART_LEGEND_NONE);
    chart_show_blanks_as(c, LXW_CHART_BLANKS_AS_GAP);
    /* the autofilter may hide the rows of the chart data: keep plotting them */
    chart_show_hidden_data(c);
    opt.x_scale = ch->n > 6 ? 2.0 : 1.5;
    opt.y_scale = 1.5; /* 432 px: CHART_ROWS rows on the Synthèse */
    opt.description = (char *)ch->title;
    return xl(r, worksheet_insert_chart_opt(dest, drow, dcol, c, &opt), sheet, (long)drow,
              (long)dcol);
}

/* Title row, header row, widths, panes, filter and print titles of one
 * part of a table (nin data rows). */
static int table_head(struct report *r, lxw_worksheet *ws, const char *sheet, const struct table *t,
                      unsigned long nin, unsigned long part)
{
    char title[1024];
    size_t lines = 1;
    lxw_row_t last = (lxw_row_t)(HEAD_ROWS - 1 + nin);
    int rc = 0;

    for (size_t c = 0; c < t->ncols && !rc; c++) {
        const struct col *k = &t->cols[c];
        size_t l = wrap_lines(k->s->label, k->width > MAX_WIDTH ? MAX_WIDTH : k->width);
        lines = l > lines ? l : lines;
        rc = xl(r, worksheet_set_column(ws, k->scol, k->scol, col_width(k->width), NULL), sheet, -1,
                0);
        if (!rc && k->s->labels)
            rc = xl(r,
                    worksheet_set_column(ws, (lxw_col_t)(k->scol + 1), (lxw_col_t)(k->scol + 1),
                                         col_width(k->lwidth), NULL),
                    sheet, -1, 0);
    }
    if (t->chart && part == 1)
        for (size_t j = 0; j <= t->chart->nser && !rc; j++) {
            lxw_col_t c = (lxw_col_t)(t->nscols + 1 + j);
            rc = xl(r, worksheet_set_column(ws, c, c, col_width(t->chart->width[j]), NULL), sheet,
                    -1, 0);
        }
    if (rc)
        return rc;
    if (part > 1)
        snprintf(title, sizeof title, "%s (date d'observation : %d %s %d) — suite %lu", t->s->title,
                 r->od, month_long[r->om - 1], r->oy, part);
    else
        snprintf(title, sizeof title, "%s (date d'observation : %d %s %d)", t->s->title, r->od,
                 month_long[r->om - 1], r->oy);
    rc = put_str(r, ws, sheet, 0, 0, title, r->f.title);
    if (!rc && t->chart && part == 1)
        rc = side_row(r, ws, sheet, t, 0);
    if (!rc && lines > 1) /* labels wider than their column wrap */
        rc = xl(r, worksheet_set_row(ws, 1, 15.0 * (double)lines, NULL), sheet, 1, 0);
    for (size_t c = 0; c < t->ncols && !rc; c++) {
        const struct col *k = &t->cols[c];
        rc = put_str(r, ws, sheet, 1, k->scol, k->s->label, r->f.head);
        if (!rc && k->s->labels)
            rc =
                put_str(r, ws, sheet, 1, (lxw_col_t)(k->scol + 1), k->s->labels_heading, r->f.head);
    }
    if (!rc && t->chart && part == 1)
        rc = side_row(r, ws, sheet, t, 1);
    if (rc)
        return rc;
    worksheet_freeze_panes(ws, HEAD_ROWS, 0);
    rc = xl(r, worksheet_autofilter(ws, 1, 0, last, (lxw_col_t)(t->nscols - 1)), sheet, -1, 0);
    if (!rc)
        rc = xl(r, worksheet_repeat_rows(ws, 0, 1), sheet, -1, 0);
    if (!rc)
        rc = xl(r, worksheet_print_area(ws, 0, 0, last, (lxw_col_t)(t->nscols - 1)), sheet, -1, 0);
    return rc;
}

/* Writes t's sheet(s), the chart data and chart: from its held cells, or
 * reading its CSV a second time (a table of more than BIG_TABLE rows). */
static int write_table(struct report *r, struct table *t)
{
    unsigned long nparts, done = 0;
    csvin_err e = {0};
    csvin_row *row;
    csvin *in = NULL;
    struct cell *c = NULL;
    lxw_worksheet *ws;
    char sheet[128];
    int rc = 0, got;

    if (!t->present)
        return write_note(r, t->s->sheet, t->s->title, NOT_PRODUCED);
    if (!t->held && !(c = calloc(t->ncols, sizeof *c)))
        return oom();
    if (!t->held && (rc = table_open(t, &in, 0))) {
        free(c);
        return rc;
    }
    nparts = t->nrows ? (t->nrows + PART_ROWS - 1) / PART_ROWS : 1;
    if (nparts > 1)
        log_warn("%s: %lu rows, more than one sheet holds: split over %lu sheets %s, %s (2), ...",
                 t->s->file, t->nrows, nparts, t->s->sheet, t->s->sheet);
    for (unsigned long p = 1; p <= nparts && !rc; p++) {
        unsigned long nin = t->nrows - done < PART_ROWS ? t->nrows - done : PART_ROWS;
        part_name(sheet, sizeof sheet, t->s->sheet, p);
        rc = add_sheet(r, sheet, &ws);
        if (!rc)
            rc = table_head(r, ws, sheet, t, nin, p);
        for (unsigned long k = 0; k < nin && !rc; k++) {
            lxw_row_t R = (lxw_row_t)(HEAD_ROWS + k);
            if (t->held) {
                rc = put_row(r, ws, sheet, R, t, row_cells(t, done + k));
            } else if ((got = csvin_next(in, &row, &e)) <= 0) {
                rc = got < 0 ? csv_fail(t, &e)
                             : own_csv_fail(t, 0, 0,
                                            "the file changed while it was read (fewer "
                                            "rows)");
                break;
            } else if (!(rc = read_row(r, t, row, c, 0))) {
                rc = put_row(r, ws, sheet, R, t, c);
            }
            if (!rc && t->chart && p == 1)
                rc = side_row(r, ws, sheet, t, R);
        }
        if (!rc && t->chart && p == 1) {
            for (lxw_row_t R = (lxw_row_t)(HEAD_ROWS + nin); R <= HEAD_ROWS + t->chart->n && !rc;
                 R++)
                rc = side_row(r, ws, sheet, t, R);
            if (!rc)
                rc = insert_chart(r, ws, 1, (lxw_col_t)(t->nscols + 1 + t->chart->nser + 2), sheet,
                                  t);
            /* the same chart on the Synthèse, under the paragraph that quotes its year */
            if (!rc && r->synth_ws && t->synth_row >= 0)
                rc = insert_chart(r, r->synth_ws, (lxw_row_t)t->synth_row, 0, sheet, t);
        }
        done += nin;
    }
    if (!rc && in && (got = csvin_next(in, &row, &e)) != 0)
        rc = got < 0 ? csv_fail(t, &e)
                     : own_csv_fail(t, row->line, 1,
                                    "the file changed while it was read (more "
                                    "rows)");
    if (in)
        csvin_close(in);
    free(c);
    /* written (and the Synthèse and the Tableau de bord before it, which
     * quote its kept rows): the workbook's next cells reuse that memory */
    drop_read(t);
    return rc;
}

/* Height of a row holding the wrapped text s in a column of width w: about
 * w characters of text per line (a width unit is one digit, wider than the
 * average letter), 15 points per line. */
static double wrap_height(const char *s, double w)
{
    long n = utf8_chars(s);
    long lines = n <= 0 ? 1 : (long)((double)n / w + 1);
    return 15.0 * (double)lines;
}

/* The Synthèse: its paragraphs, each followed by the rows its chart will
 * take (the chart itself is inserted with its table, whose sheet holds the
 * data), a printed page per section. */
static int write_synthese(struct report *r)
{
    const char *sheet = "Synthèse";
    lxw_row_t breaks[16], R = 2;
    size_t nb = 0;
    lxw_worksheet *ws;
    int rc = add_sheet(r, sheet, &ws);
    const double w = 100;

    if (!rc)
        rc = xl(r, worksheet_set_column(ws, 0, 0, w, NULL), sheet, -1, 0);
    if (!rc)
        rc = put_str(r, ws, sheet, 0, 0, r->title, r->f.title);
    for (size_t i = 0; i < r->nsynth && !rc; i++) {
        const struct synth *p = &r->synth[i];
        if (p->page && nb < sizeof breaks / sizeof *breaks - 1)
            breaks[nb++] = R;
        rc = xl(r, worksheet_set_row(ws, R, wrap_height(p->text, w), NULL), sheet, R, 0);
        if (!rc)
            rc = put_str(r, ws, sheet, R, 0, p->text, r->f.wrap);
        R += 2;
        if (p->chart) {
            p->chart->synth_row = R;
            R += CHART_ROWS;
        }
    }
    breaks[nb] = 0;
    if (!rc && nb)
        rc = xl(r, worksheet_set_h_pagebreaks(ws, breaks), sheet, -1, 0);
    /* column A is 100 wide; a wide chart runs over the next few columns */
    if (!rc)
        rc = xl(r, worksheet_print_area(ws, 0, 0, R, 5), sheet, -1, 0);
    r->synth_ws = ws;
    r->synth_end = R;
    return rc;
}

/* --- the Tableau de bord -------------------------------------------------- */

/* One pivot of the Tableau de bord: régions in rows, years in columns, two
 * columns of a table per year, read from its rows OPCO TOTAL (and, for
 * reunions, one event type). */
struct pivot {
    const char *table, *type, *c1, *c2, *title;
    int kind; /* 0 entries, 1 ruptures (cohorts), 2 meetings */
};

/* 1 when the figures of year y of pivot kind are provisional: the year is not
 * over, not every contract of the cohort is observable 9 months, or the
 * 12-month conversion window is still open for some meetings. */
static int provisional(const struct report *r, int kind, long y)
{
    return kind == 0 ? y > r->year : kind == 1 ? y > r->cohort : y >= r->year;
}

/* Writes one CSV cell of the Tableau de bord: a number, "s" or nothing;
 * bold on the grand total's row. */
static int dash_value(const struct report *r, lxw_worksheet *ws, lxw_row_t R, lxw_col_t C,
                      enum oschema_format fmt, const char *v, int bold)
{
    lxw_format *f = bold ? r->f.bnum[fmt] : r->f.num[fmt];
    if (!v || !*v)
        return bold ? xl(r, worksheet_write_blank(ws, R, C, f), DASH_SHEET, R, C) : 0;
    if (!strcmp(v, "s"))
        return xl(r, worksheet_write_string(ws, R, C, "s", bold ? r->f.bsecret : r->f.secret),
                  DASH_SHEET, R, C);
    return xl(r, worksheet_write_number(ws, R, C, strtod(v, NULL), f), DASH_SHEET, R, C);
}

/* The kept row of t for (y, region, OPCO TOTAL[, type]), or NULL. */
static char **pivot_row(const struct table *t, const struct pivot *p, long y, const char *reg)
{
    static const char *const k[] = {"annee", "region", "opco", "type_evenement"};
    char ys[16];
    const char *v[] = {ys, reg, "TOTAL", p->type};
    snprintf(ys, sizeof ys, "%ld", y);
    return find_kept(t, p->type ? 4 : 3, k, v);
}

/* 1 when region code a sorts before b: byte order, TOTAL last (CSV order). */
static int reg_before(const char *a, const char *b)
{
    if (!strcmp(a, "TOTAL") || !strcmp(b, "TOTAL"))
        return strcmp(b, "TOTAL") == 0 && strcmp(a, "TOTAL") != 0;
    return strcmp(a, b) < 0;
}

/* The régions of the rows pivot p shows (OPCO TOTAL[, its event type], one
 * of the years), at most 64, in CSV order (TOTAL last), into reg, with
 * their libellés (region_libelle, else the code) into lib. Their count. */
static size_t pivot_regions(const struct table *t, const struct pivot *p, const long *years,
                            size_t ny, const char **reg, const char **lib)
{
    int cy = tcol(t, "annee"), cr = tcol(t, "region"), cl = tcol(t, "region_libelle");
    size_t nreg = 0;
    for (size_t i = 0; i < t->nkept; i++) {
        char **k = t->kept[i];
        size_t j, q;
        for (q = 0;
             q < ny && !row_is(t, k, cy, years[q], "opco", "TOTAL", "type_evenement", p->type); q++)
            ;
        if (q == ny)
            continue;
        for (j = 0; j < nreg && strcmp(reg[j], k[cr]); j++)
            ;
        if (j < nreg || nreg == 64)
            continue;
        for (j = nreg; j > 0 && reg_before(k[cr], reg[j - 1]); j--)
            reg[j] = reg[j - 1], lib[j] = lib[j - 1];
        reg[j] = k[cr];
        lib[j] = cl >= 0 && *k[cl] ? k[cl] : k[cr];
        nreg++;
    }
    return nreg;
}

/* A pivot's two heading rows from *R on: the years (starred when
 * provisional), each over two columns; then the région heading and, under
 * each year, the labels of columns c1 and c2. 0 or an error (apperr). */
static int pivot_heads(struct report *r, lxw_worksheet *ws, lxw_row_t *R, const struct table *t,
                       const struct pivot *p, const long *years, size_t ny, int c1, int c2)
{
    const char *l1 = t->cols[c1].s->label, *l2 = t->cols[c2].s->label;
    size_t lines =
        wrap_lines(l1, 11) > wrap_lines(l2, 11) ? wrap_lines(l1, 11) : wrap_lines(l2, 11);
    char buf[64];
    int rc = xl(r, worksheet_write_blank(ws, *R, 0, r->f.subhead), DASH_SHEET, *R, 0);

    for (size_t q = 0; q < ny && !rc; q++) {
        lxw_col_t C = (lxw_col_t)(1 + 2 * q);
        snprintf(buf, sizeof buf, "%ld%s", years[q], provisional(r, p->kind, years[q]) ? " *" : "");
        rc = xl(r, worksheet_write_string(ws, *R, C, buf, r->f.across), DASH_SHEET, *R, C);
        if (!rc)
            rc = xl(r, worksheet_write_blank(ws, *R, (lxw_col_t)(C + 1), r->f.across), DASH_SHEET,
                    *R, C + 1);
    }
    (*R)++;
    if (!rc)
        rc = xl(r, worksheet_set_row(ws, *R, 15.0 * (double)lines, NULL), DASH_SHEET, *R, 0);
    if (!rc)
        rc = xl(r, worksheet_write_string(ws, *R, 0, tlabel(t, "region"), r->f.subhead), DASH_SHEET,
                *R, 0);
    for (size_t q = 0; q < ny && !rc; q++) {
        lxw_col_t C = (lxw_col_t)(1 + 2 * q);
        rc = xl(r, worksheet_write_string(ws, *R, C, l1, r->f.subhead), DASH_SHEET, *R, C);
        if (!rc)
            rc = xl(r, worksheet_write_string(ws, *R, C + 1, l2, r->f.subhead), DASH_SHEET, *R,
                    C + 1);
    }
    (*R)++;
    return rc;
}

/* The note under a pivot naming its provisional years and why, into note
 * (n bytes); "" when no year is provisional. */
static void pivot_note(const struct report *r, const struct pivot *p, const long *years, size_t ny,
                       char *note, size_t n)
{
    size_t len;
    *note = '\0';
    for (size_t q = 0; q < ny; q++)
        if (provisional(r, p->kind, years[q])) {
            len = strlen(note);
            snprintf(note + len, n - len, "%s%ld", len ? ", " : "* ", years[q]);
        }
    if (!*note)
        return;
    len = strlen(note);
    snprintf(note + len, n - len, "%s",
             p->kind == 0   ? " : année en cours à la date d'observation, entrées partielles."
             : p->kind == 1 ? " : tous les contrats de la cohorte ne sont pas encore "
                              "observables 9 mois ; taux provisoire, sur les seuls contrats "
                              "observables."
                            : " : la fenêtre de 12 mois après la réunion n'est pas close "
                              "pour toutes les réunions ; taux de conversion provisoire.");
}

/* Writes one pivot from row *R on: title, two heading rows, a row per région
 * (its libellé), the grand total in bold, a note on provisional years. */
static int write_pivot(struct report *r, lxw_worksheet *ws, lxw_row_t *R, const struct pivot *p,
                       const long *years, size_t ny)
{
    const struct table *t = find_table(r, p->table);
    const char *reg[64], *lib[64];
    int c1, c2;
    size_t nreg;
    char note[512];
    int rc = put_str(r, ws, DASH_SHEET, (*R)++, 0, p->title, r->f.bold);

    if (rc)
        return rc;
    if (!t || !t->present || tcol(t, "annee") < 0 || tcol(t, "region") < 0 ||
        (c1 = tcol(t, p->c1)) < 0 || (c2 = tcol(t, p->c2)) < 0) {
        rc = put_str(r, ws, DASH_SHEET, (*R)++, 0, NOT_PRODUCED, r->f.note);
        (*R)++;
        return rc;
    }
    nreg = pivot_regions(t, p, years, ny, reg, lib);
    rc = pivot_heads(r, ws, R, t, p, years, ny, c1, c2);
    for (size_t i = 0; i < nreg && !rc; i++, (*R)++) {
        int bold = !strcmp(reg[i], "TOTAL");
        rc = put_str(r, ws, DASH_SHEET, *R, 0, lib[i], bold ? r->f.btext : NULL);
        for (size_t q = 0; q < ny && !rc; q++) {
            char **k = pivot_row(t, p, years[q], reg[i]);
            lxw_col_t C = (lxw_col_t)(1 + 2 * q);
            rc = dash_value(r, ws, *R, C, t->cols[c1].s->format, k ? k[c1] : NULL, bold);
            if (!rc)
                rc = dash_value(r, ws, *R, (lxw_col_t)(C + 1), t->cols[c2].s->format,
                                k ? k[c2] : NULL, bold);
        }
    }
    pivot_note(r, p, years, ny, note, sizeof note);
    if (!rc && *note)
        rc = put_str(r, ws, DASH_SHEET, *R, 0, note, r->f.note);
    *R += 2;
    return rc;
}

/* The years of the Tableau de bord into years: the last DASH_YEARS years
 * of the OPCO TOTAL rows of the n pivots' tables, in order. *wreg grows to
 * the longest région libellé among those rows. Their count. */
static size_t dash_years(const struct report *r, const struct pivot *piv, size_t n, long *years,
                         size_t *wreg)
{
    long ymin = 99999, ymax = -1;
    size_t ny = 0;
    for (size_t i = 0; i < n; i++) {
        const struct table *t = find_table(r, piv[i].table);
        int cy = t ? tcol(t, "annee") : -1, co = t ? tcol(t, "opco") : -1, cl;
        if (!t || !t->present || cy < 0 || co < 0)
            continue;
        cl = tcol(t, "region_libelle");
        for (size_t k = 0; k < t->nkept; k++) {
            long y = atol(t->kept[k][cy]);
            if (strcmp(t->kept[k][co], "TOTAL") || !csvnum_ok(t->kept[k][cy], OSCHEMA_YEAR))
                continue;
            ymin = y < ymin ? y : ymin;
            ymax = y > ymax ? y : ymax;
            if (cl >= 0 && (size_t)utf8_chars(t->kept[k][cl]) > *wreg)
                *wreg = (size_t)utf8_chars(t->kept[k][cl]);
        }
    }
    for (long y = ymax - DASH_YEARS + 1; y <= ymax; y++)
        if (y >= ymin)
            years[ny++] = y;
    return ny;
}

/* The Tableau de bord (spec/outputs.md): what a director reads in five
 * minutes on one printed page. Three région x year pivots, every figure a
 * cell of the rows OPCO TOTAL of a table (its secrecy with it): entries and
 * their growth, the 9-month rupture rate by cohort, the company information
 * meetings and their conversion rate; the last DASH_YEARS years. */
static int write_dashboard(struct report *r)
{
    const struct pivot piv[] = {
        {"croissance", NULL, "contrats", "evolution_pct",
         "Entrées en apprentissage par région : contrats débutés dans l'année et évolution sur un "
         "an (source : feuille Croissance, lignes OPCO TOTAL)",
         0},
        {"ruptures", NULL, "observables_9m", "taux_rupture_9m_pct",
         "Taux de rupture à 9 mois par région et par cohorte d'entrée, définition de la DARES "
         "(source : feuille Ruptures, lignes OPCO TOTAL)",
         1},
        {"reunions", "reunion_entreprises", "evenements", "taux_conversion_pct", NULL, 2},
    };
    const struct table *tr = find_table(r, "reunions");
    const char *tl =
        tr && tcol(tr, "type_evenement") >= 0
            ? code_label(r, &tr->cols[tcol(tr, "type_evenement")], "reunion_entreprises")
            : NULL;
    char title[512], head[512];
    long years[DASH_YEARS];
    size_t wreg = 6, ny = dash_years(r, piv, 3, years, &wreg);
    lxw_worksheet *ws;
    lxw_row_t R = 0;
    struct pivot p3 = piv[2];
    int rc;

    snprintf(title, sizeof title,
             "%s par région : réunions et taux de conversion à 12 mois (source : feuille "
             "Réunions, lignes OPCO TOTAL)",
             tl && *tl ? tl : "Réunions d'information des entreprises");
    p3.title = title;
    rc = add_sheet(r, DASH_SHEET, &ws);
    if (rc)
        return rc;
    worksheet_fit_to_pages(ws, 1, 1);
    worksheet_set_margins(ws, 0.4, 0.4, 0.5, 0.5);
    worksheet_center_horizontally(ws);
    rc = xl(r, worksheet_set_column(ws, 0, 0, col_width(wreg), NULL), DASH_SHEET, -1, 0);
    if (!rc && ny)
        rc = xl(r, worksheet_set_column(ws, 1, (lxw_col_t)(2 * ny), 12, NULL), DASH_SHEET, -1, 0);
    snprintf(head, sizeof head, "Tableau de bord (date d'observation : %d %s %d)", r->od,
             month_long[r->om - 1], r->oy);
    if (!rc)
        rc = put_str(r, ws, DASH_SHEET, R++, 0, head, r->f.title);
    if (!rc)
        rc = put_str(r, ws, DASH_SHEET, R++, 0,
                     "Chaque chiffre est une cellule d'une feuille détaillée (lignes OPCO TOTAL), "
                     "avec son secret statistique : « s », valeur non diffusable ; cellule vide, "
                     "sans objet. Taux en %, arrondis à une décimale ; Ensemble : toutes régions.",
                     r->f.note);
    R++;
    for (size_t i = 0; i < 3 && !rc; i++)
        rc = write_pivot(r, ws, &R, i == 2 ? &p3 : &piv[i], years, ny);
    if (!rc)
        rc = xl(r, worksheet_print_area(ws, 0, 0, R, (lxw_col_t)(2 * (ny ? ny : 1))), DASH_SHEET,
                -1, 0);
    return rc;
}

/* The part of the secrecy rule that does not depend on the threshold: how
 * secondary cells are chosen and audited (spec/indicators.md). */
#define SECRECY_SECONDARY                                                                               \
    " : c'est le secret primaire. Seul dans une ligne, un tel effectif se retrouverait par "            \
    "soustraction : le total moins les autres cellules, un cumul mensuel moins celui du mois "          \
    "précédent, ou le même chiffre publié ailleurs (les contrats de Croissance et de Ruptures, "    \
    "le cumul du dernier mois et les contrats de l'année, l'année précédente de Croissance, la "    \
    "ligne TOTAL d'une ventilation et le total général, la courbe des ruptures à 9 et 12 mois). "    \
    "D'autres effectifs, jamais nuls, sont donc aussi remplacés par « s » (secret secondaire) : "    \
    "des cellules de détail plutôt que des totaux, et de petites valeurs plutôt que de grandes. "    \
    "Un même chiffre est masqué partout où il est publié. Chaque exécution vérifie ensuite, par " \
    "un calcul exact sur les relations entre cellules (totaux par région, par OPCO et des "            \
    "ventilations, cumuls mensuels, chiffres publiés deux fois, les effectifs distincts étant "       \
    "traités comme s'ils s'additionnaient), qu'aucun effectif masqué ne peut être déduit des "      \
    "cellules publiées ; sinon elle échoue et ne publie rien. Un lecteur peut refaire les "           \
    "totaux et les taux publiés et retrouver la somme de plusieurs cellules masquées, mais "          \
    "jamais la valeur d'une seule. Tout taux, moyenne ou médiane dont le dénominateur est "
#define SECRECY_END                                                                                \
    " ou qui est calculé à partir d'un effectif masqué est aussi « s » ; les lignes TOTAL "   \
    "suivent la même règle. Les graphiques laissent ces valeurs en blanc. Les tableaux de "      \
    "qualité et de rejets ne sont pas soumis au secret."

/* The "Secret statistique" rule of the Méthodologie sheet for the run's
 * threshold T (r->threshold): counts from 1 to T - 1 are hidden; 0 means
 * secrecy was off (--no-secrecy); -1, not known (no manifest): the rule is
 * stated without a figure. NULL when out of memory. */
static char *secrecy_rule(const struct report *r)
{
    int t = r->threshold;
    char range[64];
    if (t == 0)
        return xprintf("Secret statistique non appliqué : cette exécution a été produite sans "
                       "secret statistique (option --no-secrecy, ou secrecy_threshold égal à 0 ; "
                       "son manifeste indique « secrecy: disabled (internal use only) »), pour "
                       "un usage interne. Tous les effectifs sont publiés tels quels, même les "
                       "plus petits, et aucune cellule n'est remplacée par « s » ; les "
                       "descriptions des tableaux ci-dessous décrivent le secret tel qu'il "
                       "s'applique par défaut, pas à ce classeur. Ce classeur ne doit pas être "
                       "diffusé hors de l'organisme qui l'a produit.");
    if (t == 1)
        return xprintf("Le seuil de secret statistique de cette exécution est 1 (paramètre "
                       "secrecy_threshold de son manifeste) : aucun effectif n'est compris entre "
                       "1 et le seuil moins 1, aucune cellule n'est donc remplacée par « s ». Les "
                       "tableaux de qualité et de rejets ne sont pas soumis au secret.");
    if (t < 0)
        return xprintf("« s » remplace tout effectif compris entre 1 et le seuil moins 1 (seuil "
                       "non indiqué : ce classeur a été produit sans le manifeste de l'exécution, "
                       "option --provenance ; 5 par défaut)" SECRECY_SECONDARY
                       "compris entre 1 et le seuil moins 1" SECRECY_END);
    if (t == 2)
        snprintf(range, sizeof range, "égal à 1");
    else
        snprintf(range, sizeof range, "compris entre 1 et %d", t - 1);
    return xprintf("« s » remplace tout effectif %s (seuil de secret statistique de cette "
                   "exécution : %d, paramètre secrecy_threshold de son manifeste)" SECRECY_SECONDARY
                   "%s" SECRECY_END,
                   range, t, range);
}

/* The general rules at the head of the Méthodologie sheet, from row *R on:
 * what the dates, secrecy, rounding, Synthèse, Tableau de bord and
 * libellés mean. 0 or an error (apperr). */
static int write_rules(struct report *r, lxw_worksheet *ws, const char *sheet, lxw_row_t *R,
                       double wc)
{
    char date[512], *secrecy = secrecy_rule(r);
    const char *general[][2] = {
        {"Date d'observation", date},
        {"Source des définitions",
         "Les titres, descriptions et définitions ci-dessous sont ceux des schémas de sortie "
         "(schemas/output/*.yaml), qui décrivent aussi les fichiers CSV : une seule source pour "
         "les fichiers et ce classeur."},
        {"Secret statistique", secrecy},
        {"Arrondis", "Les pourcentages sont calculés sur les effectifs exacts et arrondis à une "
                     "décimale, la demi-unité étant arrondie en s'éloignant de zéro (12,25 donne "
                     "12,3). Une cellule vide signale un dénominateur nul ou une valeur absente."},
        {"Synthèse", "Les entrées et les réunions citées sont celles de l'année de référence, la "
                     "dernière année dont le 31 décembre est antérieur ou égal à la date "
                     "d'observation ; un taux de rupture cité est celui de la dernière cohorte "
                     "dont tous les contrats sont observables sur toute la fenêtre (9 mois). "
                     "Chaque graphique porte sur l'année ou la cohorte du paragraphe qui le "
                     "précède. Une valeur secrète n'est jamais citée en chiffres."},
        {DASH_SHEET, "Trois tableaux croisés, régions en lignes et années en colonnes (les six "
                     "dernières) : entrées et évolution (feuille Croissance), taux de rupture à 9 "
                     "mois par cohorte (feuille Ruptures), réunions d'information entreprises et "
                     "taux de conversion (feuille Réunions). Chaque chiffre est la cellule de la "
                     "ligne OPCO TOTAL de la feuille citée, secret statistique compris : aucun "
                     "chiffre n'y est recalculé. Une année marquée d'un astérisque est "
                     "provisoire (année en cours, cohorte pas encore observable 9 mois, fenêtre "
                     "de conversion de 12 mois non close)."},
        {"Libellés", "Les feuilles montrent à côté des codes leur libellé : nom de l'OPCO (le "
                     "libellé du référentiel des OPCO jusqu'à sa première virgule), nom du "
                     "département, secteur d'activité (section NAF), type d'événement, niveau, "
                     "tranches d'âge et de taille, d'après les schémas de sortie et les "
                     "référentiels ; « Ensemble » pour TOTAL, « Non déterminé » pour ND. Les "
                     "fichiers CSV gardent les codes."},
    };
    int rc = 0;

    if (!secrecy)
        return oom();
    snprintf(date, sizeof date,
             "%d %s %d : les contrats, ruptures et événements sont comptés tels que connus à "
             "cette date.",
             r->od, month_long[r->om - 1], r->oy);
    for (size_t i = 0; i < sizeof general / sizeof *general && !rc; i++, (*R)++) {
        rc = xl(r, worksheet_set_row(ws, *R, wrap_height(general[i][1], wc), NULL), sheet, *R, 0);
        if (!rc)
            rc = put_str(r, ws, sheet, *R, 0, general[i][0], r->f.boldwrap);
        if (!rc)
            rc = put_str(r, ws, sheet, *R, 2, general[i][1], r->f.wrap);
    }
    free(secrecy);
    return rc;
}

/* One table on the Méthodologie sheet, from row *R on: its title, file
 * (and sheet) and description, then each column's label, name and
 * definition. 0 or an error (apperr). */
static int write_definitions(struct report *r, lxw_worksheet *ws, const char *sheet, lxw_row_t *R,
                             double wc, const struct table *t)
{
    char buf[512];
    int rc = 0;
    if (t->s->sheet)
        snprintf(buf, sizeof buf, "%s (feuille %s)", t->s->file, t->s->sheet);
    else
        snprintf(buf, sizeof buf, "%s (pas de feuille)", t->s->file);
    if (t->s->description)
        rc = xl(r, worksheet_set_row(ws, *R, wrap_height(t->s->description, wc), NULL), sheet, *R,
                0);
    if (!rc)
        rc = put_str(r, ws, sheet, *R, 0, t->s->title, r->f.boldwrap);
    if (!rc)
        rc = put_str(r, ws, sheet, *R, 1, buf, r->f.wrap);
    if (!rc && t->s->description)
        rc = put_str(r, ws, sheet, *R, 2, t->s->description, r->f.wrap);
    (*R)++;
    if (!rc)
        rc = put_str(r, ws, sheet, *R, 0, "Libellé", r->f.head);
    if (!rc)
        rc = put_str(r, ws, sheet, *R, 1, "Colonne du fichier", r->f.head);
    if (!rc)
        rc = put_str(r, ws, sheet, *R, 2, "Définition", r->f.head);
    (*R)++;
    for (size_t c = 0; c < t->ncols && !rc; c++, (*R)++) {
        const oschema_col *k = t->cols[c].s;
        if (k->definition)
            rc = xl(r, worksheet_set_row(ws, *R, wrap_height(k->definition, wc), NULL), sheet, *R,
                    0);
        if (!rc)
            rc = put_str(r, ws, sheet, *R, 0, k->label, r->f.wrap);
        if (!rc)
            rc = put_str(r, ws, sheet, *R, 1, k->name, r->f.wrap);
        if (!rc && k->definition)
            rc = put_str(r, ws, sheet, *R, 2, k->definition, r->f.wrap);
    }
    return rc;
}

/* Méthodologie: general rules, then for every table its title, file,
 * description, and each column's label, name and definition. */
static int write_methodologie(struct report *r)
{
    const char *sheet = "Méthodologie";
    const double wc = 100;
    lxw_worksheet *ws;
    lxw_row_t R = 0;
    int rc = add_sheet(r, sheet, &ws);

    if (!rc)
        rc = xl(r, worksheet_set_column(ws, 0, 0, 45, NULL), sheet, -1, 0);
    if (!rc)
        rc = xl(r, worksheet_set_column(ws, 1, 1, 34, NULL), sheet, -1, 0);
    if (!rc)
        rc = xl(r, worksheet_set_column(ws, 2, 2, wc, NULL), sheet, -1, 0);
    if (!rc)
        rc = put_str(r, ws, sheet, R, 0, "Méthodologie", r->f.title);
    R += 2;
    if (!rc)
        rc = write_rules(r, ws, sheet, &R, wc);
    for (size_t i = 0; i < r->nt && !rc; i++) {
        R++;
        rc = write_definitions(r, ws, sheet, &R, wc, &r->t[i]);
    }
    return rc;
}

static int write_provenance(struct report *r)
{
    const char *sheet = "Provenance";
    lxw_worksheet *ws;
    size_t w = 0;
    int rc = add_sheet(r, sheet, &ws);

    if (!rc)
        rc = put_str(r, ws, sheet, 0, 0, "Provenance", r->f.title);
    if (rc)
        return rc;
    if (!r->prov)
        return put_str(r, ws, sheet, 1, 0,
                       "Manifeste non fourni à cette exécution (option --provenance absente).",
                       r->f.note);
    for (size_t i = 0; i < r->nprov; i++)
        if ((size_t)utf8_chars(r->prov_lines[i]) > w)
            w = (size_t)utf8_chars(r->prov_lines[i]);
    rc = xl(r, worksheet_set_column(ws, 0, 0, col_width(w), NULL), sheet, -1, 0);
    if (!rc)
        rc = put_str(r, ws, sheet, 1, 0,
                     "Manifeste de l'exécution, ligne à ligne : paramètres, fichiers d'entrée "
                     "et de sortie avec leur empreinte SHA-256.",
                     r->f.note);
    for (size_t i = 0; i < r->nprov && !rc; i++) {
        lxw_row_t R = (lxw_row_t)(3 + i);
        if (R >= LXW_ROW_MAX) {
            log_warn("%s: manifest longer than a sheet: cut at %u lines", r->prov, LXW_ROW_MAX - 3);
            break;
        }
        rc = put_str(r, ws, sheet, R, 0, r->prov_lines[i], NULL);
    }
    return rc;
}

/* libcrypto loads its SHA-256 on first use, a few milliseconds (providers,
 * configuration): a thread does that while the workbook is built, so that
 * hashing it after its close does not wait for it. A thread's body. */
static void *ready_sha256(void *arg)
{
    EVP_MD_free(EVP_MD_fetch(NULL, "SHA256", NULL));
    return arg;
}

/* fsync of the file or folder at path: 0, or -1 with errno. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, O_RDONLY | flags), e;
    if (fd < 0)
        return -1;
    if (fsync(fd)) {
        e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return close(fd);
}

/* Moves the finished workbook into place: fsync, rename, fsync the folder.
 * --facts is written meanwhile, on a thread, beside the fsync; it is
 * removed when the workbook cannot be put in place. 0 or APPERR_WRITE. */
static int publish(struct report *r)
{
    pthread_t th;
    int facts = r->facts && !pthread_create(&th, NULL, write_facts, r), rc = 0;

    if (r->facts && !facts)
        write_facts(r);
    if (sync_path(r->tmp, 0)) {
        log_error("%s: cannot sync: %s", r->tmp, strerror(errno));
        rc = APPERR_WRITE;
    }
    if (facts) /* before the rename: it reads r->tmp */
        pthread_join(th, NULL);
    if (!rc && rename(r->tmp, r->out)) {
        log_error("%s: cannot rename to %s: %s", r->tmp, r->out, strerror(errno));
        rc = APPERR_WRITE;
    }
    if (!rc && sync_path(r->outdir, O_DIRECTORY)) {
        log_error("%s: cannot sync the folder: %s", r->outdir, strerror(errno));
        rc = APPERR_WRITE;
    }
    if (rc && r->facts)
        unlink(r->facts);
    return rc;
}

/* The provenance manifest, for the last two sheets (Méthodologie quotes its
 * threshold): under --wait-provenance, once the driver has put it in place.
 * 0 or an error (apperr, logged). */
static int provenance(struct report *r)
{
    if (r->wait_prov && fdio_wait_for(r->prov, r->parent)) {
        log_error("%s: the process that was to write it ended first", r->prov);
        return APPERR_INTERNAL;
    }
    return read_provenance(r);
}

static int write_workbook(struct report *r)
{
    lxw_workbook_options o = {0};
    lxw_doc_properties p = {0};
    struct tm tm = {0};
    pthread_t th;
    int readying = 0;
    lxw_error e = LXW_NO_ERROR;
    int rc = 0;

    for (size_t i = 0; i < r->nsheets; i++)
        if (r->t[i].nrows > BIG_TABLE)
            o.constant_memory = LXW_TRUE;
    o.tmpdir = getenv("TMPDIR");
    if ((size_t)snprintf(r->tmp, sizeof r->tmp, "%s/%s.tmp", r->outdir, OUT_NAME) >=
            sizeof r->tmp ||
        (size_t)snprintf(r->out, sizeof r->out, "%s/%s", r->outdir, OUT_NAME) >= sizeof r->out) {
        log_error("%s: path too long", r->outdir);
        return APPERR_WRITE; /* met first by the CSVs beside it: cannot read (74) */
    }
    if (!(r->wb = workbook_new_opt(r->tmp, &o))) {
        log_error("%s: cannot start the workbook", r->tmp);
        return APPERR_INTERNAL;
    }
    if (r->facts)
        readying = !pthread_create(&th, NULL, ready_sha256, NULL);
    /* created = the observation date at 00:00 UTC, so that the bytes depend
     * on the inputs only (timegm: mktime would read the local time zone) */
    tm.tm_year = r->oy - 1900, tm.tm_mon = r->om - 1, tm.tm_mday = r->od;
    p.title = (char *)r->title;
    p.subject = SUBJECT;
    p.created = timegm(&tm);
    rc = xl(r, workbook_set_properties(r->wb, &p), NULL, -1, 0);
    if (!rc)
        rc = make_formats(r);
    if (!rc)
        rc = write_synthese(r);
    if (!rc)
        rc = write_dashboard(r);
    for (size_t i = 0; i < r->nsheets && !rc; i++)
        rc = write_table(r, &r->t[i]);
    if (!rc && r->prov)
        rc = provenance(r);
    if (!rc)
        rc = write_methodologie(r);
    if (!rc)
        rc = write_provenance(r);
    if (!rc)
        e = workbook_close(r->wb);
    else
        lxw_workbook_free(r->wb);
    r->wb = NULL;
    if (readying)
        pthread_join(th, NULL);
    if (rc) {
        unlink(r->tmp);
        return rc;
    }
    if (e != LXW_NO_ERROR) {
        log_error("%s: cannot write the workbook: %s", r->tmp, lxw_strerror(e));
        unlink(r->tmp);
        return lxw_code(e);
    }
    if ((rc = publish(r)))
        unlink(r->tmp);
    return rc;
}

/* --- main ---------------------------------------------------------------- */

static void report_free(struct report *r)
{
    for (size_t i = 0; i < r->nt; i++) {
        struct table *t = &r->t[i];
        drop_read(t);
        chart_free(t->chart);
        free(t->cols);
        free(t->csv);
        oschema_free(t->s);
    }
    free(r->t);
    for (size_t i = 0; i < r->nprov; i++)
        free(r->prov_lines[i]);
    free(r->prov_lines);
    for (size_t i = 0; i < r->nsynth; i++)
        free(r->synth[i].text);
    free(r->synth);
    for (size_t i = 0; r->opco_name && r->ref && i < r->ref->nopco; i++)
        free(r->opco_name[i]);
    free(r->opco_name);
    refdata_free(r->ref);
}

/* Reads the options into r and checks them: -1 to go on, else
 * its outcome (APPERR_OK after --help). */
static int parse_options(int argc, char **argv, struct report *r)
{
    static const struct option opts[] = {{"outdir", required_argument, NULL, 'o'},
                                         {"schemas", required_argument, NULL, 's'},
                                         {"title", required_argument, NULL, 't'},
                                         {"observation-date", required_argument, NULL, 'd'},
                                         {"provenance", required_argument, NULL, 'p'},
                                         {"facts", required_argument, NULL, 'f'},
                                         {"input", required_argument, NULL, 'i'},
                                         {"wait-provenance", no_argument, NULL, 'w'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int opt;

    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            r->outdir = optarg;
            break;
        case 's':
            r->schemas = optarg;
            break;
        case 't':
            r->title = optarg;
            break;
        case 'd':
            r->obs = optarg;
            break;
        case 'p':
            r->prov = optarg;
            break;
        case 'f':
            r->facts = optarg;
            break;
        case 'i':
            r->input = optarg;
            break;
        case 'w':
            r->wait_prov = 1;
            break;
        case 'h':
            usage(stdout);
            return fflush(stdout) == 0 && !ferror(stdout) ? 0 : APPERR_WRITE;
        default:
            usage(stderr);
            return APPERR_USAGE;
        }
    }
    if (!r->outdir || !r->schemas || !r->title || !r->obs || optind != argc ||
        (r->wait_prov && !r->prov)) {
        log_error("missing option or extra argument: --outdir, --schemas, --title and "
                  "--observation-date are required, --wait-provenance needs --provenance "
                  "(see report --help)");
        usage(stderr);
        return APPERR_USAGE;
    }
    if (val_observation_date(r->obs, &r->dobs)) {
        log_error("--observation-date %s: expected a date YYYY-MM-DD from 2000 on", r->obs);
        return APPERR_USAGE;
    }
    date_to_ymd(r->dobs, &r->oy, &r->om, &r->od);
    if (utf8_chars(r->title) <= 0) {
        log_error("--title: expected non-empty UTF-8 text");
        return APPERR_USAGE;
    }
    return -1;
}

/* Checks the report folder, sets the process up for libxlsxwriter, and
 * reads the reference tables the libellés come from. 0 or an error (apperr). */
static int open_report(struct report *r)
{
    struct stat st;
    char err[1024];
    enum apperr code = APPERR_OK;

    if (stat(r->outdir, &st) != 0) {
        log_error("%s: cannot open the folder of reports: %s", r->outdir, strerror(errno));
        return APPERR_NOINPUT;
    }
    if (!S_ISDIR(st.st_mode)) {
        log_error("%s: not a folder", r->outdir);
        return APPERR_NOINPUT;
    }
    /* libxlsxwriter prints numbers with printf: a decimal-comma locale would
     * corrupt the file (LIBRARIES.md) */
    if (!setlocale(LC_NUMERIC, "C")) {
        log_error("cannot set LC_NUMERIC to C");
        return APPERR_INTERNAL;
    }
    r->year = (r->om == 12 && r->od == 31) ? r->oy : r->oy - 1;
    r->cohort = cohort_for(r, 9);
    if (!(r->ref = refdata_load(r->schemas, r->input, &code, err, sizeof err))) {
        log_error("%s", err);
        return code;
    }
    return opco_names(r);
}

/* The read of every table with a sheet, one after the other. */
static int scan_tables(struct report *r)
{
    int rc = 0;
    for (size_t i = 0; i < r->nsheets && !rc; i++)
        rc = table_scan(r, &r->t[i]);
    return rc;
}

/* The chart of each table that has one, from the rows the read kept. */
static int make_charts(struct report *r)
{
    int rc = 0;
    for (size_t i = 0; i < r->nsheets && !rc; i++) {
        struct table *t = &r->t[i];
        if (!t->present)
            continue;
        if (!strcmp(t->s->table, "croissance_mensuelle"))
            rc = chart_monthly(r, t);
        else if (!strcmp(t->s->table, "ruptures"))
            rc = chart_ruptures(r, t);
        else if (!strcmp(t->s->table, "courbe_ruptures"))
            rc = chart_courbe(r, t);
        else if (!strcmp(t->s->table, "reunions"))
            rc = chart_meetings(r, t);
        else if (t->s->chart.column)
            rc = chart_breakdown(r, t);
    }
    return rc;
}

/* Fresh memory costs: each first touch of a 4 KiB page is a page fault,
 * 10 to 20 us on the virtual machine measured, and the workbook's cells
 * alone take some 30 MB. The driver has every stage's heap grow 32 MiB
 * beyond each need, on transparent huge pages (GLIBC_TUNABLES, pipeline/
 * run.c); report also takes its buffers of up to 32 MiB (zlib's, the CSV
 * reader's, minizip's) from that heap instead of pages of their own, which
 * the other stages do not gain from (it raised the peak at 1 000 000
 * contracts). Measured at 300 000 contracts, with the heap setting: the
 * stage's page faults fell from about 1 350 to about 750, its time by about
 * 8 ms (of 275). */
static void tune_malloc(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}

int main(int argc, char **argv)
{
    struct report r = {0};
    int rc;

    tune_malloc();
    r.threshold = -1;
    r.parent = getppid();
    log_init_env("report");
    if ((rc = parse_options(argc, argv, &r)) >= 0)
        return apperr_exit(&stage, rc);
    if (!(rc = open_report(&r)) && !(rc = load_schemas(&r)) && !(rc = scan_tables(&r)) &&
        !(rc = make_charts(&r)) && !(rc = build_synthese(&r)) && !(rc = write_workbook(&r)) &&
        (rc = r.facts_rc))
        log_error("%s", r.facts_msg);
    report_free(&r);
    return apperr_exit(&stage, rc);
}

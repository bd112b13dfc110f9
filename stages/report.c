/* report: writes DIR/bilan.xlsx, the partners' workbook of spec/outputs.md
 * ("Excel workbook"), from the gzip CSV reports found in DIR. Sheet names,
 * French labels, number formats, titles and definitions all come from the
 * output schemas (schemas/output/NAME.yaml), so renaming a label or adding a
 * breakdown needs no change here.
 *
 * Every CSV is read twice: a first pass checks it and measures it (rows,
 * column widths, the few rows the charts and the Synthèse quote) before the
 * workbook exists, so that a bad input leaves no file and constant_memory
 * mode can be chosen up front; a second pass writes it, rows in order.
 * A table longer than one sheet is split over "Name (2)", "Name (3)", ...
 *
 * Exit codes (spec/outputs.md): 64 usage, 65 a provenance manifest that is
 * not UTF-8 text, 66 no DIR, 70 internal (a report CSV it cannot use: the
 * pipeline's own file; libxlsxwriter refusing a call), 74 I/O, 78 bad
 * schema. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "csvin.h"
#include "facts.h"
#include "log.h"
#include "manifest.h"
#include "yload.h"

#define SUBJECT "Indicateurs de l'apprentissage"
#define OUT_NAME "bilan.xlsx"
#define MAX_WIDTH 60      /* spec/outputs.md: longest cell, at most 60, plus 2 */
#define BIG_TABLE 50000UL /* above this many rows, constant_memory mode */
#define HEAD_ROWS 2       /* title row and header row above the data */
#define MAX_CHARTS 8
#define CHART_ROWS 24 /* rows a chart takes on the Synthèse (432 px and a gap) */
#define PART_ROWS ((unsigned long)LXW_ROW_MAX - HEAD_ROWS) /* data rows per sheet */
#define STR_MAX 32767 /* Excel's longest cell string, in characters */
#define PATH_LEN 4096
#define NOT_PRODUCED "Tableau non produit par cette exécution."
#define TXT_SECRET "non diffusable (secret statistique)"
#define TXT_NA "non disponible"
#define NBSP "\xc2\xa0"
#define MINUS "\xe2\x88\x92"

enum fmt { F_TEXT, F_YEAR, F_MONTH, F_COUNT, F_PCT, F_DECIMAL1, F_DAYS, F_N };
static const char *const fmt_names[F_N] = {"text", "year",     "month", "count",
                                           "pct",  "decimal1", "days"};
/* Excel number formats: no thousands separator for years, two digits for
 * months, one decimal for rates and means (spec/outputs.md). */
static const char *const fmt_excel[F_N] = {NULL, "0", "00", "#,##0", "0.0", "0.0", "#,##0"};

/* The five tables whose sheets come first, in the spec's order. */
static const char *const core_tables[] = {"croissance", "croissance_mensuelle", "ruptures",
                                          "reunions", "qualite"};
#define NCORE (sizeof core_tables / sizeof core_tables[0])
static const char *const reserved_sheets[] = {"Synthèse", "Méthodologie", "Provenance"};

/* Rows kept in memory after the first pass: those whose `keep` column is
 * TOTAL, enough for the charts and the Synthèse and small (years x regions). */
static const struct {
    const char *table, *keep;
} keep_rules[] = {{"croissance", "region"},
                  {"croissance_mensuelle", "region"},
                  {"ruptures", "opco"},
                  {"reunions", "region"}};

static const char *const month_long[] = {"janvier",   "février", "mars",     "avril",
                                         "mai",       "juin",    "juillet",  "août",
                                         "septembre", "octobre", "novembre", "décembre"};
static const char *const month_short[] = {"janv.", "févr.", "mars",  "avr.", "mai",  "juin",
                                          "juil.", "août",  "sept.", "oct.", "nov.", "déc."};

struct col {
    const char *name, *label, *definition; /* owned by the schema's ydoc */
    enum fmt fmt;
    size_t field; /* index in the CSV header */
    size_t width; /* longest cell in characters, label included */
};

/* A chart and the small block of data it plots, written beside the table. */
struct chart {
    uint8_t type; /* LXW_CHART_LINE or LXW_CHART_COLUMN */
    char title[300], xname[100], yname[100];
    enum fmt vfmt;     /* format of the plotted values */
    char head[3][200]; /* category label, then one name per series */
    size_t nser, n, cap, vcap;
    char **cat; /* n category labels */
    char **val; /* n * nser values; "" is a gap (secret or missing) */
    size_t width[3];
};

struct table {
    char *path; /* schema file */
    ydoc *doc;
    const char *name, *file, *sheet, *title, *description;
    struct col *cols;
    size_t ncols;
    char *csv;           /* DIR/file */
    int present;         /* the CSV exists */
    size_t nfields;      /* fields of its header */
    unsigned long nrows; /* data rows */
    int keep;            /* column whose TOTAL rows are kept, -1 none */
    char ***kept;        /* kept rows: ncols values each, in schema order */
    size_t nkept, capkept;
    struct chart *chart;
};

struct fmts {
    lxw_format *title, *head, *secret, *wrap, *bold, *boldwrap, *note, *num[F_N];
};

struct report {
    const char *outdir, *schemas, *title, *prov, *obs;
    int oy, om, od; /* observation date */
    struct table *t;
    size_t nt, nsheets; /* t[0..nsheets) have a sheet, in sheet order */
    char **prov_lines;
    size_t nprov;
    char **synth;                     /* the Synthèse sentences */
    lxw_worksheet *synth_ws;          /* the Synthèse sheet, which also shows the charts */
    lxw_row_t synth_row;              /* its next free row */
    lxw_row_t breaks[MAX_CHARTS + 1]; /* page breaks before its charts, 0-terminated */
    size_t nbreaks;
    size_t nsynth;
    lxw_workbook *wb;
    struct fmts f;
    char tmp[PATH_LEN], out[PATH_LEN];
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: report --outdir DIR --schemas DIR --title TEXT --observation-date YYYY-MM-DD\n"
            "              [--provenance FILE] [--facts OUT.tsv] [-h|--help]\n"
            "Reads the CSV reports of DIR (croissance.csv.gz, croissance_mensuelle.csv.gz,\n"
            "ruptures.csv.gz, reunions.csv.gz, qualite.csv.gz and every other table of\n"
            "SCHEMAS/output/*.yaml with a sheet) and writes DIR/" OUT_NAME
            ": a Synthèse, one sheet\n"
            "per table (a note when its CSV is absent), charts, Méthodologie (from the\n"
            "schemas) and Provenance (the lines of FILE, a YAML manifest); --facts writes\n"
            "the workbook's size and SHA-256 for the manifest.\n"
            "Exit: 0 ok, 64 usage, 65 bad CSV, 66 no DIR, 70 internal, 74 I/O, 78 bad schema.\n");
}

/* --- small helpers ------------------------------------------------------- */

/* The workbook's size and SHA-256 for the manifest (its parts are hashed
 * there). 0, or 74. */
static int write_facts(const struct report *r, const char *path)
{
    char err[1024];
    facts_output f = {0};
    int rc = 0;
    if (manifest_sha256(r->out, 0, f.sha256, &f.bytes)) {
        log_error("%s: cannot read the workbook back: %s", OUT_NAME, strerror(errno));
        return EX_IOERR;
    }
    f.file = OUT_NAME;
    f.rows = -1;
    if (facts_outputs_write(path, &f, 1, err, sizeof err)) {
        log_error("%s", err);
        rc = EX_IOERR;
    }
    return rc;
}

/* Characters (code points) in s, or -1 when s is not valid UTF-8. */
static long u8len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;
    while (*p) {
        unsigned c = *p, k, cp;
        if (c < 0x80) {
            p++, n++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            k = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 3, cp = c & 0x07;
        else
            return -1;
        for (unsigned i = 1; i <= k; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return -1;
        p += k + 1, n++;
    }
    return n;
}

/* Bytes of the first max characters of the valid UTF-8 string s. */
static size_t u8cut(const char *s, size_t max)
{
    size_t i = 0, n = 0;
    while (s[i] && n < max) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        n++;
    }
    return i;
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
    return EX_SOFTWARE;
}

/* Grows *a (of elements of size sz) so that it holds at least need; 0 or -1. */
static int grow(void *a, size_t *cap, size_t need, size_t sz)
{
    void **p = a;
    size_t nc;
    void *q;
    if (need <= *cap)
        return 0;
    nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    if (!(q = realloc(*p, nc * sz)))
        return -1;
    *p = q;
    *cap = nc;
    return 0;
}

/* Removes trailing white space (folded YAML scalars end with a newline). */
static void rstrip(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

/* 1 when v is a number of format f: an integer, or a decimal for rates,
 * means and medians; "." is the decimal mark (CSV conventions). */
static int num_ok(const char *v, enum fmt f)
{
    const char *p = v;
    if (*p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '.' && (f == F_PCT || f == F_DECIMAL1 || f == F_DAYS)) {
        p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return *p == '\0' && p - v <= 24;
}

/* Characters the number v takes once shown with format f. */
static size_t num_width(const char *v, enum fmt f)
{
    char b[64];
    double x = strtod(v, NULL);
    int n, digits;
    switch (f) {
    case F_PCT:
    case F_DECIMAL1:
        n = snprintf(b, sizeof b, "%.1f", x);
        return (size_t)n;
    case F_MONTH:
        n = snprintf(b, sizeof b, "%02.0f", x);
        return (size_t)n;
    case F_COUNT:
    case F_DAYS:
        n = snprintf(b, sizeof b, "%.0f", x);
        digits = n - (b[0] == '-');
        return (size_t)(n + (digits - 1) / 3);
    default:
        n = snprintf(b, sizeof b, "%.0f", x);
        return (size_t)n;
    }
}

/* Width of a cell holding the CSV value v of a column of format f. */
static size_t cell_width(const char *v, enum fmt f)
{
    long n;
    if (!*v)
        return 0;
    if (f != F_TEXT && num_ok(v, f))
        return num_width(v, f);
    n = u8len(v);
    return n < 0 ? 0 : (size_t)n;
}

static double col_width(size_t w)
{
    return (double)((w > MAX_WIDTH ? MAX_WIDTH : w) + 2);
}

static int tcol(const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i].name, name))
            return (int)i;
    return -1;
}

static const char *tlabel(const struct table *t, const char *name)
{
    int i = tcol(t, name);
    return i < 0 ? name : t->cols[i].label;
}

static struct table *find_table(struct report *r, const char *name)
{
    for (size_t i = 0; i < r->nt; i++)
        if (!strcmp(r->t[i].name, name))
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

/* --- schemas ------------------------------------------------------------- */

static int yerr(const char *path, const ynode *n, const char *what, const char *arg)
{
    log_error("%s:%d:%d: %s%s", path, n ? n->line : 1, n ? n->col : 1, what, arg);
    return EX_CONFIG;
}

/* The string value of key in the mapping m, trailing blanks removed; NULL
 * when absent. Sets *rc to 78 (logged) when the value is not a scalar or a
 * required key is missing. */
static const char *ystr(const char *path, const ynode *m, const char *key, int required, int *rc)
{
    ynode *v = ymap_get(m, key);
    if (!v || yis_null(v)) {
        if (required && !*rc)
            *rc = yerr(path, m, "missing key: ", key);
        return NULL;
    }
    if (v->type != YN_SCALAR) {
        if (!*rc)
            *rc = yerr(path, v, "expected a string for key ", key);
        return NULL;
    }
    rstrip(v->str);
    return v->str;
}

/* NULL when s can name a sheet, else what is wrong with it. */
static const char *sheet_name_problem(const char *s)
{
    long n = u8len(s);
    if (n <= 0 || n > LXW_SHEETNAME_MAX)
        return "a sheet name has 1 to 31 characters";
    if (strpbrk(s, "[]:*?/\\"))
        return "a sheet name cannot hold any of [ ] : * ? / \\";
    if (s[0] == '\'' || s[strlen(s) - 1] == '\'')
        return "a sheet name cannot start or end with an apostrophe";
    for (size_t i = 0; i < sizeof reserved_sheets / sizeof *reserved_sheets; i++)
        if (!strcasecmp(s, reserved_sheets[i]))
            return "this sheet name is the report's own";
    return NULL;
}

/* Loads one output schema into t. 0 or 78 (logged). */
static int table_load(struct table *t, const char *path)
{
    char err[1024];
    const ynode *root, *cols, *v;
    const char *why;
    int rc = 0;

    t->keep = -1;
    if (!(t->path = strdup(path)))
        return oom();
    if (!(t->doc = yload_file(path, err, sizeof err))) {
        log_error("%s", err);
        return EX_CONFIG;
    }
    root = t->doc->root;
    if (!root || root->type != YN_MAP)
        return yerr(path, root, "an output schema is a mapping", "");
    t->name = ystr(path, root, "table", 1, &rc);
    t->file = ystr(path, root, "file", 1, &rc);
    t->sheet = ystr(path, root, "sheet", 0, &rc);
    t->title = ystr(path, root, "title", 1, &rc);
    t->description = ystr(path, root, "description", 0, &rc);
    if (rc)
        return rc;
    if (!*t->file || strchr(t->file, '/') || !strcmp(t->file, ".."))
        return yerr(path, ymap_get(root, "file"), "file must be a plain file name", "");
    if (t->sheet && (why = sheet_name_problem(t->sheet)))
        return yerr(path, ymap_get(root, "sheet"), why, "");
    cols = ymap_get(root, "columns");
    if (!cols || cols->type != YN_SEQ || cols->n == 0)
        return yerr(path, cols ? cols : root, "columns must be a non-empty list", "");
    if (cols->n > 16000)
        return yerr(path, cols, "too many columns", "");
    if (!(t->cols = calloc(cols->n, sizeof *t->cols)))
        return oom();
    t->ncols = cols->n;
    for (size_t i = 0; i < cols->n && !rc; i++) {
        const ynode *c = cols->kids[i];
        struct col *k = &t->cols[i];
        const char *f;
        if (c->type != YN_MAP)
            return yerr(path, c, "a column is a mapping", "");
        k->name = ystr(path, c, "name", 1, &rc);
        k->label = ystr(path, c, "label", 1, &rc);
        f = ystr(path, c, "format", 1, &rc);
        k->definition = ystr(path, c, "definition", 0, &rc);
        if (rc)
            return rc;
        if (u8len(k->label) < 0 || (k->definition && u8len(k->definition) < 0))
            return yerr(path, c, "invalid UTF-8 in column ", k->name);
        for (k->fmt = F_TEXT; k->fmt < F_N && strcmp(fmt_names[k->fmt], f); k->fmt++)
            ;
        if (k->fmt == F_N) {
            v = ymap_get(c, "format");
            return yerr(path, v,
                        "unknown format (text, year, month, count, pct, decimal1, days): ", f);
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(t->cols[j].name, k->name))
                return yerr(path, c, "duplicate column: ", k->name);
        k->width = (size_t)u8len(k->label);
    }
    if (u8len(t->title) < 0 || (t->description && u8len(t->description) < 0))
        return yerr(path, root, "invalid UTF-8 in title or description", "");
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every SCHEMAS/output/NAME.yaml and orders them: the five core tables,
 * the other tables with a sheet (by file name), then those without. */
static int load_schemas(struct report *r)
{
    char dir[PATH_LEN], path[PATH_LEN * 2];
    char **names = NULL;
    size_t n = 0, cap = 0, i, k = 0;
    struct table *t = NULL;
    struct dirent *de;
    DIR *d;
    int rc = 0;

    snprintf(dir, sizeof dir, "%s/output", r->schemas);
    if (!(d = opendir(dir))) {
        log_error("%s: cannot open the output schemas: %s", dir, strerror(errno));
        return EX_CONFIG;
    }
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || de->d_name[0] == '.' || strcmp(de->d_name + len - 5, ".yaml"))
            continue;
        if (grow(&names, &cap, n + 1, sizeof *names) || !(names[n] = strdup(de->d_name))) {
            rc = oom();
            break;
        }
        n++;
    }
    closedir(d);
    if (rc)
        goto done;
    qsort(names, n, sizeof *names, cmp_str);
    if (!(t = calloc(n ? n : 1, sizeof *t))) {
        rc = oom();
        goto done;
    }
    for (i = 0; i < n && !rc; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        rc = table_load(&t[i], path);
    }
    r->t = t, r->nt = n;
    if (rc)
        goto done;
    for (i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(t[i].name, t[j].name)) {
                log_error("%s:1:1: table %s is also described by %s", t[i].path, t[i].name,
                          t[j].path);
                rc = EX_CONFIG;
                goto done;
            }
            if (t[i].sheet && t[j].sheet && !strcasecmp(t[i].sheet, t[j].sheet)) {
                log_error("%s:1:1: sheet %s is also the sheet of %s", t[i].path, t[i].sheet,
                          t[j].path);
                rc = EX_CONFIG;
                goto done;
            }
        }
    /* reorder in place: a stable selection into a new array */
    {
        struct table *o = calloc(n ? n : 1, sizeof *o);
        char *used = calloc(n ? n : 1, 1);
        if (!o || !used) {
            free(o), free(used);
            rc = oom();
            goto done;
        }
        for (size_t c = 0; c < NCORE && !rc; c++) {
            for (i = 0; i < n && strcmp(t[i].name, core_tables[c]); i++)
                ;
            if (i == n || !t[i].sheet) {
                log_error("%s:1:1: no output schema with a sheet for table %s", dir,
                          core_tables[c]);
                rc = EX_CONFIG;
                break;
            }
            o[k++] = t[i], used[i] = 1;
        }
        for (i = 0; i < n; i++)
            if (!used[i] && t[i].sheet)
                o[k++] = t[i], used[i] = 1;
        r->nsheets = k;
        for (i = 0; i < n; i++)
            if (!used[i])
                o[k++] = t[i];
        free(used);
        if (rc) {
            free(o);
            goto done;
        }
        free(t);
        r->t = o;
    }
    for (i = 0; i < r->nt; i++)
        for (size_t q = 0; q < sizeof keep_rules / sizeof *keep_rules; q++)
            if (!strcmp(r->t[i].name, keep_rules[q].table))
                r->t[i].keep = tcol(&r->t[i], keep_rules[q].keep);
done:
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
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
                  t->file, line, col ? col : 1, msg);
    else
        log_error("internal error: %s, written by an earlier stage of this run, cannot be used: %s",
                  t->file, msg);
    return EX_SOFTWARE;
}

/* csvin's error on t's CSV: 74 for I/O, else an internal error. */
static int csv_fail(const struct table *t, const csvin_err *e)
{
    if (e->code == EX_IOERR) {
        log_error("%s (in the output folder being built): %s", t->file, e->msg);
        return EX_IOERR;
    }
    return own_csv_fail(t, e->line, e->col, "%s", e->msg);
}

/* Opens t's CSV and maps its header to the schema's columns: 0 with *out
 * set, or an exit code (logged). warn: say which header fields are ignored. */
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
        return own_csv_fail(t, 1, 1, "empty file: a header line is expected (%s)", t->path);
    }
    for (size_t c = 0; c < t->ncols; c++) {
        size_t k;
        for (k = 0; k < row->n && strcmp(row->f[k], t->cols[c].name); k++)
            ;
        if (k == row->n) {
            csvin_close(in);
            return own_csv_fail(t, 1, 1, "column %s of %s is missing from the header",
                                t->cols[c].name, t->path);
        }
        t->cols[c].field = k;
    }
    for (size_t k = 0; warn && k < row->n; k++)
        if (tcol(t, row->f[k]) < 0)
            log_warn("%s:1:%zu: column %s is not in %s: not shown", t->file, k + 1, row->f[k],
                     t->path);
    t->nfields = row->n;
    *out = in;
    return 0;
}

/* Checks one data row against the schema: 0 or 65 (logged). */
static int row_check(const struct table *t, const csvin_row *row)
{
    if (row->n != t->nfields)
        return own_csv_fail(t, row->line, 1, "%zu fields where the header has %zu", row->n,
                            t->nfields);
    for (size_t c = 0; c < t->ncols; c++) {
        const struct col *k = &t->cols[c];
        const char *v = row->f[k->field];
        if (u8len(v) < 0)
            return own_csv_fail(t, row->line, k->field + 1, "invalid UTF-8 in column %s", k->name);
        if (k->fmt != F_TEXT && *v && strcmp(v, "s") && !num_ok(v, k->fmt))
            return own_csv_fail(t, row->line, k->field + 1,
                                "column %s (%s) holds \"%.40s\": expected a number, \"s\" or an "
                                "empty value",
                                k->name, fmt_names[k->fmt], v);
    }
    return 0;
}

/* First pass over t's CSV: checks it, counts rows, measures widths, keeps
 * the TOTAL rows the charts and the Synthèse need. 0 or an exit code. */
static int table_scan(struct report *r, struct table *t)
{
    struct stat st;
    csvin_err e = {0};
    csvin_row *row;
    csvin *in = NULL;
    int rc, got;

    if (!(t->csv = xprintf("%s/%s", r->outdir, t->file)))
        return oom();
    if (stat(t->csv, &st) != 0) {
        if (errno == ENOENT) {
            log_info("%s absent: sheet %s gets a note", t->file, t->sheet);
            return 0;
        }
        log_error("%s (in the output folder being built): cannot read: %s", t->file,
                  strerror(errno));
        return EX_IOERR;
    }
    t->present = 1;
    if ((rc = table_open(t, &in, 1)))
        return rc;
    while ((got = csvin_next(in, &row, &e)) == 1) {
        if ((rc = row_check(t, row)))
            break;
        for (size_t c = 0; c < t->ncols; c++) {
            struct col *k = &t->cols[c];
            size_t w = cell_width(row->f[k->field], k->fmt);
            if (w > k->width)
                k->width = w;
        }
        t->nrows++;
        if (t->keep >= 0 && !strcmp(row->f[t->cols[t->keep].field], "TOTAL")) {
            char **kr;
            if (grow(&t->kept, &t->capkept, t->nkept + 1, sizeof *t->kept) ||
                !(kr = calloc(t->ncols, sizeof *kr))) {
                rc = oom();
                break;
            }
            t->kept[t->nkept++] = kr;
            for (size_t c = 0; c < t->ncols; c++)
                if (!(kr[c] = strdup(row->f[t->cols[c].field]))) {
                    rc = oom();
                    break;
                }
            if (rc)
                break;
        }
    }
    if (!rc && got < 0)
        rc = csv_fail(t, &e);
    csvin_close(in);
    return rc;
}

/* Reads the provenance manifest, one string per line. 0 or an exit code. */
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
        return EX_IOERR;
    }
    while ((n = getline(&line, &lcap, f)) >= 0) {
        ln++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if ((size_t)n != strlen(line) || u8len(line) < 0) {
            log_error("%s:%lu:1: not UTF-8 text", r->prov, ln);
            rc = EX_DATAERR;
            break;
        }
        if (grow(&r->prov_lines, &cap, r->nprov + 1, sizeof *r->prov_lines) ||
            !(r->prov_lines[r->nprov] = strdup(line))) {
            rc = oom();
            break;
        }
        r->nprov++;
    }
    if (!rc && ferror(f)) {
        log_error("%s: read error: %s", r->prov, strerror(errno));
        rc = EX_IOERR;
    }
    free(line);
    fclose(f);
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
    if (grow(&ch->cat, &ch->cap, ch->n + 1, sizeof *ch->cat) ||
        grow(&ch->val, &ch->vcap, (ch->n + 1) * ch->nser, sizeof *ch->val))
        return -1;
    if (!(ch->cat[ch->n] = strdup(cat)))
        return -1;
    for (size_t j = 0; j < ch->nser; j++) {
        const char *v = num_ok(vals[j], ch->vfmt) ? vals[j] : "";
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
    if ((size_t)u8len(cat) > ch->width[0])
        ch->width[0] = (size_t)u8len(cat);
    ch->n++;
    return 0;
}

static struct chart *chart_new(uint8_t type, size_t nser, enum fmt vfmt)
{
    struct chart *ch = calloc(1, sizeof *ch);
    if (ch)
        ch->type = type, ch->nser = nser, ch->vfmt = vfmt;
    return ch;
}

static void chart_heads(struct chart *ch)
{
    for (size_t j = 0; j <= ch->nser; j++)
        if ((size_t)u8len(ch->head[j]) > ch->width[j])
            ch->width[j] = (size_t)u8len(ch->head[j]);
}

/* Columns a chart needs, by name, or -1 with a warning. */
static int need_cols(const struct table *t, int *idx, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((idx[i] = tcol(t, names[i])) < 0) {
            log_warn("%s: no column %s: no chart on sheet %s", t->path, names[i], t->sheet);
            return -1;
        }
    return 0;
}

/* The latest year (column cy) of the kept rows whose column cf is want, or -1. */
static long latest_year(const struct table *t, int cy, int cf, const char *want)
{
    long y = -1;
    for (size_t i = 0; i < t->nkept; i++)
        if (!strcmp(t->kept[i][cf], want) && num_ok(t->kept[i][cy], F_YEAR) &&
            atol(t->kept[i][cy]) > y)
            y = atol(t->kept[i][cy]);
    return y;
}

/* Cumulative entries by month, latest year against the year before, for
 * the grand total (region TOTAL, OPCO TOTAL). */
static int chart_monthly(struct table *t)
{
    static const char *const nm[] = {"annee", "mois", "opco", "cumul", "cumul_annee_precedente"};
    int c[5];
    long y = -1;
    struct chart *ch;

    if (need_cols(t, c, nm, 5))
        return 0;
    y = latest_year(t, c[0], c[2], "TOTAL");
    if (y < 0) {
        log_warn("%s: no grand total row: no chart on sheet %s", t->file, t->sheet);
        return 0;
    }
    if (!(ch = chart_new(LXW_CHART_LINE, 2, F_COUNT)))
        return oom();
    t->chart = ch;
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
        if (strcmp(k[c[2]], "TOTAL") || atol(k[c[0]]) != y || !num_ok(k[c[0]], F_YEAR))
            continue;
        if (chart_point(ch, m >= 1 && m <= 12 ? month_short[m - 1] : k[c[1]], v))
            return oom();
    }
    return 0;
}

/* The 9-month rupture rate by region (OPCO TOTAL) of the latest cohort that
 * has contracts observable for 9 months. */
static int chart_ruptures(struct table *t)
{
    static const char *const nm[] = {"annee", "region", "observables_9m", "taux_rupture_9m_pct"};
    int c[4], lib = tcol(t, "region_libelle");
    long y = -1, yany = -1;
    struct chart *ch;

    if (need_cols(t, c, nm, 4))
        return 0;
    for (size_t i = 0; i < t->nkept; i++) {
        char **k = t->kept[i];
        const char *o = k[c[2]];
        long a = atol(k[c[0]]);
        if (!num_ok(k[c[0]], F_YEAR) || !(!strcmp(o, "s") || (num_ok(o, F_COUNT) && atol(o) > 0)))
            continue;
        if (!strcmp(k[c[1]], "TOTAL") && a > y)
            y = a;
        if (a > yany)
            yany = a;
    }
    if (y < 0)
        y = yany;
    if (y < 0) {
        log_warn("%s: no cohort observable at 9 months: no chart on sheet %s", t->file, t->sheet);
        return 0;
    }
    if (!(ch = chart_new(LXW_CHART_COLUMN, 1, F_PCT)))
        return oom();
    t->chart = ch;
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
        if (!strcmp(k[c[1]], "TOTAL") || atol(k[c[0]]) != y || !num_ok(k[c[0]], F_YEAR))
            continue;
        if (chart_point(ch, cat, &k[c[3]]))
            return oom();
    }
    return 0;
}

/* Participations and converted companies by OPCO (region TOTAL) of the
 * information meetings for companies, latest year. */
static int chart_meetings(struct table *t)
{
    static const char *const nm[] = {"annee", "opco", "type_evenement", "participations",
                                     "entreprises_converties"};
    int c[5];
    long y = -1;
    struct chart *ch;

    if (need_cols(t, c, nm, 5))
        return 0;
    y = latest_year(t, c[0], c[2], "reunion_entreprises");
    if (y < 0) {
        log_warn("%s: no reunion_entreprises row: no chart on sheet %s", t->file, t->sheet);
        return 0;
    }
    if (!(ch = chart_new(LXW_CHART_COLUMN, 2, F_COUNT)))
        return oom();
    t->chart = ch;
    snprintf(ch->title, sizeof ch->title,
             "Réunions d'information des entreprises en %ld : participations et entreprises "
             "ayant conclu un contrat, par OPCO",
             y);
    snprintf(ch->xname, sizeof ch->xname, "%s", tlabel(t, "opco"));
    snprintf(ch->yname, sizeof ch->yname, "Nombre");
    snprintf(ch->head[0], sizeof ch->head[0], "%s", tlabel(t, "opco"));
    snprintf(ch->head[1], sizeof ch->head[1], "%s %ld", tlabel(t, "participations"), y);
    snprintf(ch->head[2], sizeof ch->head[2], "%s %ld", tlabel(t, "entreprises_converties"), y);
    chart_heads(ch);
    for (size_t i = 0; i < t->nkept; i++) {
        char **k = t->kept[i];
        char *v[2] = {k[c[3]], k[c[4]]};
        if (strcmp(k[c[2]], "reunion_entreprises") || !strcmp(k[c[1]], "TOTAL") ||
            atol(k[c[0]]) != y || !num_ok(k[c[0]], F_YEAR))
            continue;
        if (chart_point(ch, k[c[1]], v))
            return oom();
    }
    return 0;
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
    if (!num_ok(v, F_PCT) || n < 64) {
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

static int add_sentence(struct report *r, char *s, size_t *cap)
{
    if (!s || grow(&r->synth, cap, r->nsynth + 1, sizeof *r->synth)) {
        free(s);
        return oom();
    }
    r->synth[r->nsynth++] = s;
    return 0;
}

/* A row's value by column name, or NULL. */
static const char *kv(const struct table *t, char **row, const char *name)
{
    int i = row ? tcol(t, name) : -1;
    return i < 0 ? NULL : row[i];
}

/* Builds the Synthèse: the reference year, entries, the 9-month rupture
 * rate of the latest fully observable cohort, meetings and conversions. */
static int build_synthese(struct report *r)
{
    /* latest complete year: 31 December Y <= D_obs */
    int y = (r->om == 12 && r->od == 31) ? r->oy : r->oy - 1;
    /* latest cohort observable for the whole 9-month window: its last
     * contract (31 December C) + 9 months = 30 September C+1 <= D_obs */
    int coh = (r->om > 9 || (r->om == 9 && r->od >= 30)) ? r->oy - 1 : r->oy - 2;
    char ys[16], cs[16], a[128], b[128], c[128], d[128], e[128];
    size_t cap = 0;
    struct table *t;
    char **row;
    int rc;

    snprintf(ys, sizeof ys, "%d", y);
    snprintf(cs, sizeof cs, "%d", coh);
    rc = add_sentence(r,
                      xprintf("Date d'observation : %d %s %d. Année de référence : %d, la "
                              "dernière année dont le 31 décembre est antérieur ou égal à la "
                              "date d'observation.",
                              r->od, month_long[r->om - 1], r->oy, y),
                      &cap);

    t = find_table(r, "croissance");
    {
        static const char *const k[] = {"annee", "region", "opco"};
        const char *v[] = {ys, "TOTAL", "TOTAL"};
        row = t && t->present ? find_kept(t, 3, k, v) : NULL;
    }
    if (rc)
        return rc;
    if (!t || !t->present)
        rc = add_sentence(r,
                          xprintf("Entrées en apprentissage en %d : non disponible (feuille %s : "
                                  "tableau non produit par cette exécution).",
                                  y, t ? t->sheet : "Croissance"),
                          &cap);
    else if (!row)
        rc = add_sentence(r,
                          xprintf("Entrées en apprentissage en %d : non disponible (pas de ligne "
                                  "%d, Région TOTAL, OPCO TOTAL dans la feuille %s).",
                                  y, y, t->sheet),
                          &cap);
    else {
        fr_value(a, sizeof a, kv(t, row, "contrats"), "contrats débutés", 0, 0);
        fr_value(b, sizeof b, kv(t, row, "contrats_annee_precedente"), "contrats", 0, 0);
        fr_value(c, sizeof c, kv(t, row, "evolution_pct"), NULL, 1, 1);
        rc = add_sentence(r,
                          xprintf("Entrées en apprentissage en %d, toutes régions et tous OPCO : "
                                  "%s ; en %d : %s ; évolution : %s. Source : feuille %s, ligne "
                                  "%s %d, %s TOTAL, %s TOTAL.",
                                  y, a, y - 1, b, c, t->sheet, tlabel(t, "annee"), y,
                                  tlabel(t, "region"), tlabel(t, "opco")),
                          &cap);
    }
    if (rc)
        return rc;

    t = find_table(r, "ruptures");
    {
        static const char *const k[] = {"annee", "region", "opco"};
        const char *v[] = {cs, "TOTAL", "TOTAL"};
        row = t && t->present ? find_kept(t, 3, k, v) : NULL;
    }
    if (!t || !t->present)
        rc = add_sentence(r,
                          xprintf("Taux de rupture à 9 mois : non disponible (feuille %s : "
                                  "tableau non produit par cette exécution).",
                                  t ? t->sheet : "Ruptures"),
                          &cap);
    else if (!row)
        rc = add_sentence(r,
                          xprintf("Taux de rupture à 9 mois de la cohorte %d (dernière cohorte "
                                  "dont tous les contrats sont observables 9 mois) : non "
                                  "disponible (pas de ligne %d, Région TOTAL, OPCO TOTAL dans la "
                                  "feuille %s).",
                                  coh, coh, t->sheet),
                          &cap);
    else {
        fr_value(a, sizeof a, kv(t, row, "taux_rupture_9m_pct"), NULL, 1, 0);
        fr_value(b, sizeof b, kv(t, row, "ruptures_9m"), NULL, 0, 0);
        fr_value(c, sizeof c, kv(t, row, "observables_9m"), NULL, 0, 0);
        rc = add_sentence(r,
                          xprintf("Taux de rupture à 9 mois de la cohorte %d (contrats débutés en "
                                  "%d, dernière cohorte dont tous les contrats sont observables "
                                  "9 mois à la date d'observation), toutes régions et tous OPCO : "
                                  "%s (ruptures dans les 9 mois : %s ; contrats observables : "
                                  "%s). Source : feuille %s, ligne %s %d, %s TOTAL, %s TOTAL.",
                                  coh, coh, a, b, c, t->sheet, tlabel(t, "annee"), coh,
                                  tlabel(t, "region"), tlabel(t, "opco")),
                          &cap);
    }
    if (rc)
        return rc;

    t = find_table(r, "reunions");
    {
        static const char *const k[] = {"annee", "region", "opco", "type_evenement"};
        const char *v[] = {ys, "TOTAL", "TOTAL", "reunion_entreprises"};
        row = t && t->present ? find_kept(t, 4, k, v) : NULL;
    }
    if (!t || !t->present)
        rc = add_sentence(r,
                          xprintf("Réunions d'information des entreprises en %d : non disponible "
                                  "(feuille %s : tableau non produit par cette exécution).",
                                  y, t ? t->sheet : "Réunions"),
                          &cap);
    else if (!row)
        rc = add_sentence(r,
                          xprintf("Réunions d'information des entreprises en %d : aucune "
                                  "recensée (pas de ligne %d, Région TOTAL, OPCO TOTAL, "
                                  "reunion_entreprises dans la feuille %s).",
                                  y, y, t->sheet),
                          &cap);
    else {
        int open = r->oy < y + 1 || (r->oy == y + 1 && !(r->om == 12 && r->od == 31));
        fr_value(a, sizeof a, kv(t, row, "evenements"), "réunions", 0, 0);
        fr_value(b, sizeof b, kv(t, row, "participations"), NULL, 0, 0);
        fr_value(c, sizeof c, kv(t, row, "taux_conversion_pct"), NULL, 1, 0);
        fr_value(d, sizeof d, kv(t, row, "entreprises"), NULL, 0, 0);
        fr_value(e, sizeof e, kv(t, row, "entreprises_converties"), NULL, 0, 0);
        rc = add_sentence(
            r,
            xprintf("Réunions d'information des entreprises en %d, toutes régions et tous OPCO : "
                    "%s ; participations : %s ; taux de conversion : %s (entreprises présentes : "
                    "%s ; dont ayant conclu un contrat d'apprentissage dans les 12 mois suivant "
                    "leur première réunion : %s).%s Source : feuille %s, ligne %s %d, %s TOTAL, "
                    "%s TOTAL, %s reunion_entreprises.",
                    y, a, b, c, d, e,
                    open ? " La fenêtre de 12 mois n'est pas close pour toutes les réunions à la "
                           "date d'observation : ce taux peut encore augmenter."
                         : "",
                    t->sheet, tlabel(t, "annee"), y, tlabel(t, "region"), tlabel(t, "opco"),
                    tlabel(t, "type_evenement")),
            &cap);
    }
    if (rc)
        return rc;
    return add_sentence(r,
                        xprintf("« s » : valeur couverte par le secret statistique (effectif "
                                "compris entre 1 et le seuil moins 1, ou taux calculé sur un tel "
                                "effectif) ; une cellule vide : valeur sans objet (dénominateur "
                                "nul ou absence de donnée). Définitions : feuille Méthodologie ; "
                                "fichiers et paramètres de l'exécution : feuille Provenance."),
                        &cap);
}

/* --- writing the workbook ------------------------------------------------ */

/* The exit code for a libxlsxwriter error: 74 when files or the zip
 * container failed, 70 when a call was refused. */
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
        return EX_IOERR;
    default:
        return EX_SOFTWARE;
    }
}

/* 0 when e is LXW_NO_ERROR, else logs where and returns the exit code. */
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
    if (u8len(s) <= STR_MAX)
        return xl(r, worksheet_write_string(ws, row, col, s, f), sheet, row, col);
    log_warn("sheet %s, row %lu, column %u: text cut to %d characters", sheet,
             (unsigned long)row + 1, (unsigned)col + 1, STR_MAX);
    if (!(cut = strndup(s, u8cut(s, STR_MAX))))
        return oom();
    rc = xl(r, worksheet_write_string(ws, row, col, cut, f), sheet, row, col);
    free(cut);
    return rc;
}

/* Writes one CSV value in a column of format fmt: a number, "s" aligned
 * right, text, or nothing for an empty value. */
static int put_value(const struct report *r, lxw_worksheet *ws, const char *sheet, lxw_row_t row,
                     lxw_col_t col, enum fmt fmt, const char *v)
{
    if (!*v)
        return 0;
    if (fmt != F_TEXT && !strcmp(v, "s"))
        return xl(r, worksheet_write_string(ws, row, col, "s", r->f.secret), sheet, row, col);
    if (fmt == F_TEXT)
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
    for (int i = 0; i < F_N; i++) {
        f->num[i] = NULL;
        if (!fmt_excel[i])
            continue;
        if (!(f->num[i] = workbook_add_format(wb)))
            return oom();
        format_set_num_format(f->num[i], fmt_excel[i]);
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
        return EX_SOFTWARE;
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
    keep = u8cut(base, LXW_SHEETNAME_MAX - strlen(suf));
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
    lxw_col_t s0 = (lxw_col_t)(t->ncols + 1);
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
    lxw_col_t s0 = (lxw_col_t)(t->ncols + 1);
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
    chart_axis_set_name(c->x_axis, ch->xname);
    chart_axis_set_name(c->y_axis, ch->yname);
    chart_axis_set_num_format(c->y_axis, fmt_excel[ch->vfmt]);
    if (ch->type == LXW_CHART_COLUMN && ch->n > 6) {
        rot.rotation = -45;
        chart_axis_set_num_font(c->x_axis, &rot);
    }
    chart_legend_set_position(c, ch->nser > 1 ? LXW_CHART_LEGEND_BOTTOM : LXW_CHART_LEGEND_NONE);
    chart_show_blanks_as(c, LXW_CHART_BLANKS_AS_GAP);
    /* the autofilter may hide the rows of the chart data: keep plotting them */
    chart_show_hidden_data(c);
    opt.x_scale = ch->n > 6 ? 2.0 : 1.5;
    opt.y_scale = 1.5;
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
    size_t maxlab = 0;
    lxw_row_t last = (lxw_row_t)(HEAD_ROWS - 1 + nin);
    int rc = 0;

    for (size_t c = 0; c < t->ncols && !rc; c++) {
        size_t l = (size_t)u8len(t->cols[c].label);
        maxlab = l > maxlab ? l : maxlab;
        rc = xl(
            r,
            worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, col_width(t->cols[c].width), NULL),
            sheet, -1, 0);
    }
    if (t->chart && part == 1)
        for (size_t j = 0; j <= t->chart->nser && !rc; j++) {
            lxw_col_t c = (lxw_col_t)(t->ncols + 1 + j);
            rc = xl(r, worksheet_set_column(ws, c, c, col_width(t->chart->width[j]), NULL), sheet,
                    -1, 0);
        }
    if (rc)
        return rc;
    if (part > 1)
        snprintf(title, sizeof title, "%s (date d'observation : %d %s %d) — suite %lu", t->title,
                 r->od, month_long[r->om - 1], r->oy, part);
    else
        snprintf(title, sizeof title, "%s (date d'observation : %d %s %d)", t->title, r->od,
                 month_long[r->om - 1], r->oy);
    rc = put_str(r, ws, sheet, 0, 0, title, r->f.title);
    if (!rc && t->chart && part == 1)
        rc = side_row(r, ws, sheet, t, 0);
    if (!rc && maxlab > MAX_WIDTH) /* a label wider than its column wraps */
        rc = xl(
            r,
            worksheet_set_row(ws, 1, 15.0 * (double)((maxlab + MAX_WIDTH - 1) / MAX_WIDTH), NULL),
            sheet, 1, 0);
    for (size_t c = 0; c < t->ncols && !rc; c++)
        rc = put_str(r, ws, sheet, 1, (lxw_col_t)c, t->cols[c].label, r->f.head);
    if (!rc && t->chart && part == 1)
        rc = side_row(r, ws, sheet, t, 1);
    if (rc)
        return rc;
    worksheet_freeze_panes(ws, HEAD_ROWS, 0);
    rc = xl(r, worksheet_autofilter(ws, 1, 0, last, (lxw_col_t)(t->ncols - 1)), sheet, -1, 0);
    if (!rc)
        rc = xl(r, worksheet_repeat_rows(ws, 0, 1), sheet, -1, 0);
    if (!rc)
        rc = xl(r, worksheet_print_area(ws, 0, 0, last, (lxw_col_t)(t->ncols - 1)), sheet, -1, 0);
    return rc;
}

/* Second pass over t's CSV: writes its sheet(s), the chart data and chart. */
static int write_table(struct report *r, struct table *t)
{
    unsigned long nparts, done = 0;
    csvin_err e = {0};
    csvin_row *row;
    csvin *in = NULL;
    lxw_worksheet *ws;
    char sheet[128];
    int rc, got;

    if (!t->present)
        return write_note(r, t->sheet, t->title, NOT_PRODUCED);
    if ((rc = table_open(t, &in, 0)))
        return rc;
    nparts = t->nrows ? (t->nrows + PART_ROWS - 1) / PART_ROWS : 1;
    if (nparts > 1)
        log_warn("%s: %lu rows, more than one sheet holds: split over %lu sheets %s, %s (2), ...",
                 t->file, t->nrows, nparts, t->sheet, t->sheet);
    for (unsigned long p = 1; p <= nparts && !rc; p++) {
        unsigned long nin = t->nrows - done < PART_ROWS ? t->nrows - done : PART_ROWS;
        part_name(sheet, sizeof sheet, t->sheet, p);
        rc = add_sheet(r, sheet, &ws);
        if (!rc)
            rc = table_head(r, ws, sheet, t, nin, p);
        for (unsigned long k = 0; k < nin && !rc; k++) {
            lxw_row_t R = (lxw_row_t)(HEAD_ROWS + k);
            got = csvin_next(in, &row, &e);
            if (got <= 0) {
                rc = got < 0 ? csv_fail(t, &e)
                             : own_csv_fail(t, 0, 0,
                                            "the file changed while it was read (fewer "
                                            "rows)");
                break;
            }
            rc = row_check(t, row);
            for (size_t c = 0; c < t->ncols && !rc; c++)
                rc = put_value(r, ws, sheet, R, (lxw_col_t)c, t->cols[c].fmt,
                               row->f[t->cols[c].field]);
            if (!rc && t->chart && p == 1)
                rc = side_row(r, ws, sheet, t, R);
        }
        if (!rc && t->chart && p == 1) {
            for (lxw_row_t R = (lxw_row_t)(HEAD_ROWS + nin); R <= HEAD_ROWS + t->chart->n && !rc;
                 R++)
                rc = side_row(r, ws, sheet, t, R);
            if (!rc)
                rc = insert_chart(r, ws, 1, (lxw_col_t)(t->ncols + 1 + t->chart->nser + 2), sheet,
                                  t);
            /* the same chart on the Synthèse, where it is read and printed */
            if (!rc && t->chart->n && r->synth_ws && r->nbreaks < MAX_CHARTS) {
                r->breaks[r->nbreaks++] = r->synth_row; /* one chart a printed page */
                rc = insert_chart(r, r->synth_ws, r->synth_row, 0, sheet, t);
                r->synth_row += CHART_ROWS;
            }
        }
        done += nin;
    }
    if (!rc && (got = csvin_next(in, &row, &e)) != 0)
        rc = got < 0 ? csv_fail(t, &e)
                     : own_csv_fail(t, row->line, 1,
                                    "the file changed while it was read (more "
                                    "rows)");
    csvin_close(in);
    return rc;
}

/* Height of a row holding the wrapped text s in a column of width w: about
 * w characters of text per line (a width unit is one digit, wider than the
 * average letter), 15 points per line. */
static double wrap_height(const char *s, double w)
{
    long n = u8len(s);
    long lines = n <= 0 ? 1 : (long)((double)n / w + 1);
    return 15.0 * (double)lines;
}

static int write_synthese(struct report *r)
{
    const char *sheet = "Synthèse";
    lxw_worksheet *ws;
    int rc = add_sheet(r, sheet, &ws);
    const double w = 100;

    if (!rc)
        rc = xl(r, worksheet_set_column(ws, 0, 0, w, NULL), sheet, -1, 0);
    if (!rc)
        rc = put_str(r, ws, sheet, 0, 0, r->title, r->f.title);
    for (size_t i = 0; i < r->nsynth && !rc; i++) {
        lxw_row_t R = (lxw_row_t)(2 + 2 * i);
        rc = xl(r, worksheet_set_row(ws, R, wrap_height(r->synth[i], w), NULL), sheet, R, 0);
        if (!rc)
            rc = put_str(r, ws, sheet, R, 0, r->synth[i], r->f.wrap);
    }
    r->synth_ws = ws;
    r->synth_row = (lxw_row_t)(2 + 2 * r->nsynth + 1);
    return rc;
}

/* The Synthèse's print area, once its charts are in: text and charts. */
static int finish_synthese(struct report *r)
{
    if (!r->synth_ws)
        return 0;
    worksheet_set_landscape(r->synth_ws);
    worksheet_fit_to_pages(r->synth_ws, 1, 0);
    r->breaks[r->nbreaks] = 0;
    if (r->nbreaks && xl(r, worksheet_set_h_pagebreaks(r->synth_ws, r->breaks), "Synthèse", -1, 0))
        return EX_SOFTWARE;
    /* column A is 100 wide; a wide chart runs over the next few columns */
    return xl(r, worksheet_print_area(r->synth_ws, 0, 0, r->synth_row, 5), "Synthèse", -1, 0);
}

/* Méthodologie: general rules, then for every table its title, file,
 * description, and each column's label, name and definition. */
static int write_methodologie(struct report *r)
{
    const char *sheet = "Méthodologie";
    const double wc = 100;
    char buf[512];
    lxw_worksheet *ws;
    lxw_row_t R = 0;
    int rc = add_sheet(r, sheet, &ws);
    const char *general[][2] = {
        {"Date d'observation", buf},
        {"Source des définitions",
         "Les titres, descriptions et définitions ci-dessous sont ceux des schémas de sortie "
         "(schemas/output/*.yaml), qui décrivent aussi les fichiers CSV : une seule source pour "
         "les fichiers et ce classeur."},
        {"Secret statistique",
         "« s » remplace tout effectif compris entre 1 et le seuil moins 1 (seuil de 5 par "
         "défaut) : c'est le secret primaire. Seul dans une ligne, un tel effectif se "
         "retrouverait par soustraction : le total moins les autres cellules, un cumul mensuel "
         "moins celui du mois précédent, ou le même chiffre publié ailleurs (les contrats de "
         "Croissance et de Ruptures, le cumul du dernier mois et les contrats de l'année, "
         "l'année précédente de Croissance, la ligne TOTAL d'une ventilation et le total "
         "général, la courbe des ruptures à 9 et 12 mois). D'autres effectifs, jamais nuls, "
         "sont donc aussi remplacés par « s » (secret secondaire) : des cellules de détail "
         "plutôt que des totaux, et de petites valeurs plutôt que de grandes. Un même chiffre "
         "est masqué partout où il est publié. Chaque exécution vérifie ensuite, par un calcul "
         "exact sur les relations entre cellules (totaux par région, par OPCO et des "
         "ventilations, cumuls mensuels, chiffres publiés deux fois, les effectifs distincts "
         "étant traités comme s'ils s'additionnaient), qu'aucun effectif masqué ne peut être "
         "déduit des cellules publiées ; sinon elle échoue et ne publie rien. Un lecteur peut "
         "refaire les totaux et les taux publiés et retrouver la somme de plusieurs cellules "
         "masquées, mais jamais la valeur d'une seule. Tout taux, moyenne ou médiane dont le "
         "dénominateur est compris entre 1 et le seuil moins 1 ou qui est calculé à partir d'un "
         "effectif masqué est aussi « s » ; les lignes TOTAL suivent la même règle. Les "
         "graphiques laissent ces valeurs en blanc. Les tableaux de qualité et de rejets ne "
         "sont pas soumis au secret."},
        {"Arrondis", "Les pourcentages sont calculés sur les effectifs exacts et arrondis à une "
                     "décimale, la demi-unité étant arrondie en s'éloignant de zéro (12,25 donne "
                     "12,3). Une cellule vide signale un dénominateur nul ou une valeur absente."},
    };

    snprintf(buf, sizeof buf,
             "%d %s %d : les contrats, ruptures et événements sont comptés tels que connus à "
             "cette date.",
             r->od, month_long[r->om - 1], r->oy);
    if (!rc)
        rc = xl(r, worksheet_set_column(ws, 0, 0, 45, NULL), sheet, -1, 0);
    if (!rc)
        rc = xl(r, worksheet_set_column(ws, 1, 1, 34, NULL), sheet, -1, 0);
    if (!rc)
        rc = xl(r, worksheet_set_column(ws, 2, 2, wc, NULL), sheet, -1, 0);
    if (!rc)
        rc = put_str(r, ws, sheet, R, 0, "Méthodologie", r->f.title);
    R += 2;
    for (size_t i = 0; i < sizeof general / sizeof *general && !rc; i++, R++) {
        rc = xl(r, worksheet_set_row(ws, R, wrap_height(general[i][1], wc), NULL), sheet, R, 0);
        if (!rc)
            rc = put_str(r, ws, sheet, R, 0, general[i][0], r->f.boldwrap);
        if (!rc)
            rc = put_str(r, ws, sheet, R, 2, general[i][1], r->f.wrap);
    }
    for (size_t i = 0; i < r->nt && !rc; i++) {
        const struct table *t = &r->t[i];
        R++;
        if (t->sheet)
            snprintf(buf, sizeof buf, "%s (feuille %s)", t->file, t->sheet);
        else
            snprintf(buf, sizeof buf, "%s (pas de feuille)", t->file);
        if (t->description)
            rc =
                xl(r, worksheet_set_row(ws, R, wrap_height(t->description, wc), NULL), sheet, R, 0);
        if (!rc)
            rc = put_str(r, ws, sheet, R, 0, t->title, r->f.boldwrap);
        if (!rc)
            rc = put_str(r, ws, sheet, R, 1, buf, r->f.wrap);
        if (!rc && t->description)
            rc = put_str(r, ws, sheet, R, 2, t->description, r->f.wrap);
        R++;
        if (!rc)
            rc = put_str(r, ws, sheet, R, 0, "Libellé", r->f.head);
        if (!rc)
            rc = put_str(r, ws, sheet, R, 1, "Colonne du fichier", r->f.head);
        if (!rc)
            rc = put_str(r, ws, sheet, R, 2, "Définition", r->f.head);
        R++;
        for (size_t c = 0; c < t->ncols && !rc; c++, R++) {
            const struct col *k = &t->cols[c];
            if (k->definition)
                rc = xl(r, worksheet_set_row(ws, R, wrap_height(k->definition, wc), NULL), sheet, R,
                        0);
            if (!rc)
                rc = put_str(r, ws, sheet, R, 0, k->label, r->f.wrap);
            if (!rc)
                rc = put_str(r, ws, sheet, R, 1, k->name, r->f.wrap);
            if (!rc && k->definition)
                rc = put_str(r, ws, sheet, R, 2, k->definition, r->f.wrap);
        }
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
        if ((size_t)u8len(r->prov_lines[i]) > w)
            w = (size_t)u8len(r->prov_lines[i]);
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

/* Moves the finished workbook into place: fsync, rename, fsync the folder. */
static int publish(struct report *r)
{
    int fd = open(r->tmp, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        log_error("%s: cannot sync: %s", r->tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        return EX_IOERR;
    }
    close(fd);
    if (rename(r->tmp, r->out) != 0) {
        log_error("%s: cannot rename to %s: %s", r->tmp, r->out, strerror(errno));
        return EX_IOERR;
    }
    fd = open(r->outdir, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || fsync(fd) != 0) {
        log_error("%s: cannot sync the folder: %s", r->outdir, strerror(errno));
        if (fd >= 0)
            close(fd);
        return EX_IOERR;
    }
    close(fd);
    return 0;
}

static int write_workbook(struct report *r)
{
    lxw_workbook_options o = {0};
    lxw_doc_properties p = {0};
    struct tm tm = {0};
    lxw_error e;
    int rc = 0;

    for (size_t i = 0; i < r->nsheets; i++)
        if (r->t[i].nrows > BIG_TABLE)
            o.constant_memory = LXW_TRUE;
    o.tmpdir = getenv("TMPDIR");
    if ((size_t)snprintf(r->tmp, sizeof r->tmp, "%s/%s.tmp", r->outdir, OUT_NAME) >=
            sizeof r->tmp ||
        (size_t)snprintf(r->out, sizeof r->out, "%s/%s", r->outdir, OUT_NAME) >= sizeof r->out) {
        log_error("%s: path too long", r->outdir);
        return EX_CANTCREAT;
    }
    if (!(r->wb = workbook_new_opt(r->tmp, &o))) {
        log_error("%s: cannot start the workbook", r->tmp);
        return EX_SOFTWARE;
    }
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
    for (size_t i = 0; i < r->nsheets && !rc; i++)
        rc = write_table(r, &r->t[i]);
    if (!rc)
        rc = finish_synthese(r);
    if (!rc)
        rc = write_methodologie(r);
    if (!rc)
        rc = write_provenance(r);
    if (rc) {
        lxw_workbook_free(r->wb);
        r->wb = NULL;
        unlink(r->tmp);
        return rc;
    }
    e = workbook_close(r->wb);
    r->wb = NULL;
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

/* Parses YYYY-MM-DD into a real calendar date from 2000 on (contracts start
 * on 2000-01-01 at the earliest; and a created time of 0, 1970-01-01, would
 * make libxlsxwriter write the current time): 0 or -1. */
static int parse_date(const char *s, int *y, int *m, int *d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return -1;
    if (s[10])
        return -1;
    *y = atoi(s), *m = atoi(s + 5), *d = atoi(s + 8);
    leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    if (*y < 2000 || *m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1] ||
        (*m == 2 && *d == 29 && !leap))
        return -1;
    return 0;
}

static void report_free(struct report *r)
{
    for (size_t i = 0; i < r->nt; i++) {
        struct table *t = &r->t[i];
        for (size_t k = 0; k < t->nkept; k++) {
            for (size_t c = 0; c < t->ncols; c++)
                free(t->kept[k][c]);
            free(t->kept[k]);
        }
        free(t->kept);
        chart_free(t->chart);
        free(t->cols);
        free(t->csv);
        free(t->path);
        ydoc_free(t->doc);
    }
    free(r->t);
    for (size_t i = 0; i < r->nprov; i++)
        free(r->prov_lines[i]);
    free(r->prov_lines);
    for (size_t i = 0; i < r->nsynth; i++)
        free(r->synth[i]);
    free(r->synth);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"outdir", required_argument, NULL, 'o'},
                                         {"schemas", required_argument, NULL, 's'},
                                         {"title", required_argument, NULL, 't'},
                                         {"observation-date", required_argument, NULL, 'd'},
                                         {"provenance", required_argument, NULL, 'p'},
                                         {"facts", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct report r = {0};
    struct stat st;
    int opt, rc = 0;
    const char *factspath = NULL;

    log_init_env("report");
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            r.outdir = optarg;
            break;
        case 's':
            r.schemas = optarg;
            break;
        case 't':
            r.title = optarg;
            break;
        case 'd':
            r.obs = optarg;
            break;
        case 'p':
            r.prov = optarg;
            break;
        case 'f':
            factspath = optarg;
            break;
        case 'h':
            usage(stdout);
            return fflush(stdout) == 0 && !ferror(stdout) ? 0 : EX_IOERR;
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    if (!r.outdir || !r.schemas || !r.title || !r.obs || optind != argc) {
        log_error("missing option or extra argument: --outdir, --schemas, --title and "
                  "--observation-date are required (see report --help)");
        usage(stderr);
        return EX_USAGE;
    }
    if (parse_date(r.obs, &r.oy, &r.om, &r.od)) {
        log_error("--observation-date %s: expected a date YYYY-MM-DD from 2000 on", r.obs);
        return EX_USAGE;
    }
    if (u8len(r.title) <= 0) {
        log_error("--title: expected non-empty UTF-8 text");
        return EX_USAGE;
    }
    if (stat(r.outdir, &st) != 0) {
        log_error("%s: cannot open the folder of reports: %s", r.outdir, strerror(errno));
        return EX_NOINPUT;
    }
    if (!S_ISDIR(st.st_mode)) {
        log_error("%s: not a folder", r.outdir);
        return EX_NOINPUT;
    }
    /* libxlsxwriter prints numbers with printf: a decimal-comma locale would
     * corrupt the file (LIBRARIES.md) */
    if (!setlocale(LC_NUMERIC, "C")) {
        log_error("cannot set LC_NUMERIC to C");
        return EX_SOFTWARE;
    }
    rc = load_schemas(&r);
    for (size_t i = 0; i < r.nsheets && !rc; i++)
        rc = table_scan(&r, &r.t[i]);
    for (size_t i = 0; i < r.nsheets && !rc; i++) {
        struct table *t = &r.t[i];
        if (!t->present)
            continue;
        if (!strcmp(t->name, "croissance_mensuelle"))
            rc = chart_monthly(t);
        else if (!strcmp(t->name, "ruptures"))
            rc = chart_ruptures(t);
        else if (!strcmp(t->name, "reunions"))
            rc = chart_meetings(t);
    }
    if (!rc)
        rc = build_synthese(&r);
    if (!rc && r.prov)
        rc = read_provenance(&r);
    if (!rc)
        rc = write_workbook(&r);
    if (!rc && factspath)
        rc = write_facts(&r, factspath);
    report_free(&r);
    return rc;
}

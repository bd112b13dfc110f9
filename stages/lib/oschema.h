/* oschema.h: output schemas (schemas/output/NAME.yaml), the one reader of
 * that folder. A schema describes one report table: its file, workbook
 * sheet, French texts, sort keys, columns with their format, secrecy flags
 * and libellés, and for a breakdown table its column, base table and chart
 * (schemas/README.md, "Output schemas"). Every key a schema may hold is
 * listed here; any other key, and any value of the wrong kind, is refused
 * with "file:line:column: message", so that a typo never passes silently.
 *
 * Who uses what: otable (the CSV files of indicators and quality) takes the
 * table, file, keys, breakdown, base and each column's secret, denominator
 * and from; report (the workbook) the sheet, texts, formats, labels and
 * chart. */
#ifndef OSCHEMA_H
#define OSCHEMA_H

#include <stddef.h>

#include "yload.h"

/* A column's number format (`format`): how the workbook shows it. */
enum oschema_format {
    OSCHEMA_TEXT,
    OSCHEMA_YEAR,
    OSCHEMA_MONTH,
    OSCHEMA_COUNT,
    OSCHEMA_PCT,
    OSCHEMA_DECIMAL1,
    OSCHEMA_DAYS,
    OSCHEMA_NFORMATS
};
/* The spelling of each format in a schema ("text", "year", ...). */
extern const char *const oschema_format_names[OSCHEMA_NFORMATS];

/* Where the libellés of a column's codes come from (`labels`): none, the
 * schema's own mapping, or a reference table. */
enum oschema_labels {
    OSCHEMA_LABELS_NONE,
    OSCHEMA_LABELS_MAP,
    OSCHEMA_LABELS_OPCO,
    OSCHEMA_LABELS_REGIONS,
    OSCHEMA_LABELS_DEPARTEMENTS,
    OSCHEMA_LABELS_NAF_SECTIONS
};

enum oschema_chart_type { OSCHEMA_CHART_COLUMN, OSCHEMA_CHART_BAR };

/* Strings point into the schema's YAML document (oschema.doc): they live
 * as long as the schema. Optional texts are NULL when absent. */
typedef struct oschema_col {
    const char *name, *label;
    const char *definition; /* NULL: none */
    enum oschema_format format;
    int secret;      /* a count subject to statistical secrecy */
    int denominator; /* index of the count a rate, mean or median is over, or -1 */
    int *from;       /* indexes of the columns the value is computed from */
    size_t nfrom;
    enum oschema_labels labels;
    const char **lab_code, **lab_text; /* OSCHEMA_LABELS_MAP: nlab pairs, in the file's order */
    size_t nlab;
    const char *labels_heading; /* with labels: the heading of their column ("Libellé") */
} oschema_col;

typedef struct oschema {
    char *path; /* the file, as given to oschema_load */
    const char *table, *file, *title;
    const char *sheet;       /* NULL: no workbook sheet (rejets) */
    const char *description; /* NULL: none */
    const char **keys;       /* the columns identifying a row, in sort order */
    size_t nkeys;
    const char *breakdown; /* a breakdown table's column (one of keys), else NULL */
    const char *base;      /* with breakdown: "croissance" or "ruptures", else NULL */
    oschema_col *cols;
    size_t ncols;
    struct {
        const char *column; /* NULL: no chart (breakdown tables only) */
        const char *title;
        enum oschema_chart_type type;
        int window; /* cohort_window_months, 0 when absent */
    } chart;
    ydoc *doc;
} oschema;

/* oschema_load: reads and checks one output schema. NULL on error with
 * "path:line:column: message" (or "path: message") in err, and errno set
 * to ENOMEM when memory ran out, to another value otherwise. */
oschema *oschema_load(const char *path, char *err, size_t errlen);
/* oschema_find: the index of column name, or -1. */
int oschema_find(const oschema *s, const char *name);
/* oschema_label: the libellé the schema's own mapping gives code, or NULL
 * (also for a column whose labels are not a mapping). */
const char *oschema_label(const oschema_col *c, const char *code);
void oschema_free(oschema *s); /* NULL is a no-op */

/* oschema_load_dir: every SCHEMAS_DIR/output/NAME.yaml (NAME not starting
 * with '.'), in byte order of the file names. Two schemas of one table, or
 * of one sheet (compared ignoring ASCII case, as Excel does), are refused.
 * 0 with *out holding *n schemas (free with oschema_free_all), or -1 with a
 * message and errno as for oschema_load. */
int oschema_load_dir(const char *schemas_dir, oschema ***out, size_t *n, char *err, size_t errlen);
void oschema_free_all(oschema **s, size_t n);

#endif

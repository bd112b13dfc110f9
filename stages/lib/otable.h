/* otable.h: writing one report table (schemas/output/NAME.yaml) as a gzip
 * CSV: the header from the schema, typed values formatted as the spec says
 * (percentages with one decimal, half away from zero), and statistical
 * secrecy applied from the schema's `secret`, `denominator` and `from`
 * flags, so that no indicator code decides secrecy on its own. */
#ifndef OTABLE_H
#define OTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "csvout.h"

enum oval_type { OV_MISSING, OV_TEXT, OV_INT, OV_PCT, OV_RATIO };

typedef struct oval {
    enum oval_type type;
    const char *text; /* OV_TEXT */
    int64_t a, b;     /* OV_INT: a; OV_PCT: 100*a/b; OV_RATIO: a/b */
} oval;

typedef struct ocol {
    char *name;
    int secret;      /* a count subject to secrecy */
    int denominator; /* column index of the denominator, -1 */
    int *from;       /* column indexes the value is computed from */
    size_t nfrom;
} ocol;

typedef struct otable {
    char *path; /* schema file */
    char *name, *file;
    ocol *cols;
    size_t ncols;
    char *breakdown; /* breakdown column, or NULL */
    char *base;      /* table whose indicators a breakdown repeats */
    csvout *out;
    int threshold; /* 0: no secrecy */
} otable;

/* otable_load: read a schema. NULL with "file:line:col: message" on error. */
otable *otable_load(const char *path, char *err, size_t errlen);
int otable_col(const otable *t, const char *name);
/* otable_open: create DIR/<file> and write the header. */
int otable_open(otable *t, const char *dir, int threshold, char *err, size_t errlen);
/* otable_row: write one row of ncols values, applying secrecy. */
int otable_row(otable *t, const oval *v);
int otable_close(otable *t, char *err, size_t errlen);
/* otable_close_stats: otable_close that reports the file's size, hashes and rows. */
int otable_close_stats(otable *t, csvout_stats *st, char *err, size_t errlen);
void otable_free(otable *t);

static inline oval ov_int(int64_t a)
{
    return (oval){OV_INT, NULL, a, 0};
}
static inline oval ov_text(const char *s)
{
    return (oval){OV_TEXT, s, 0, 0};
}
static inline oval ov_pct(int64_t a, int64_t b)
{
    return (oval){OV_PCT, NULL, a, b};
}
static inline oval ov_ratio(int64_t a, int64_t b)
{
    return (oval){OV_RATIO, NULL, a, b};
}
static inline oval ov_missing(void)
{
    return (oval){OV_MISSING, NULL, 0, 0};
}

#endif

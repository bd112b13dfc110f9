/* otable.h: writing one report table (schemas/output/NAME.yaml) as a gzip
 * CSV: the header from the schema, typed values formatted as the spec says
 * (percentages with one decimal, half away from zero), and statistical
 * secrecy applied from the schema's `secret`, `denominator` and `from`
 * flags, so that no indicator code decides secrecy on its own.
 *
 * Two ways to write. Streaming (otable_open, otable_row, otable_close)
 * applies the primary rule only, row by row: for tables whose cells are not
 * linked to others (qualite and rejets are written with threshold 0). The
 * indicator tables are kept instead (otable_keep), protected together
 * (otable_protect: primary and secondary cells, audit, secrecy.h) and then
 * written (otable_write). */
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

struct otable_arena;

typedef struct otable {
    char *path; /* schema file */
    char *name, *file;
    ocol *cols;
    size_t ncols;
    /* the columns naming a row, in sort order (the schema's `keys`), from
     * which secrecy takes its relations */
    char **keys;
    size_t nkeys;
    char *breakdown; /* breakdown column, or NULL */
    char *base;      /* table whose indicators a breakdown repeats */
    csvout *out;
    int threshold; /* 0: no secrecy */
    /* kept rows (otable_keep): nkept x ncols values, their texts in the arena */
    oval *kept;
    unsigned char *written; /* per kept row: 0 for a row only the relations use */
    unsigned char *mark;    /* nkept x ncols: enum secrecy_mark of the count cells */
    size_t nkept, capkept;
    struct otable_arena *arena;
    size_t primary, secondary, determined; /* after otable_protect: written cells */
} otable;

/* otable_load: reads an output schema through oschema.h (which checks every
 * key of it) and keeps what writing the CSV needs. NULL with
 * "file:line:col: message" on error. */
otable *otable_load(const char *path, char *err, size_t errlen);
int otable_col(const otable *t, const char *name);
/* otable_open: create DIR/<file> and write the header. */
int otable_open(otable *t, const char *dir, int threshold, char *err, size_t errlen);
/* otable_row: write one row of ncols values, applying primary secrecy. */
int otable_row(otable *t, const oval *v);
int otable_close(otable *t, char *err, size_t errlen);
/* otable_close_stats: otable_close that reports the file's size, hashes and rows. */
int otable_close_stats(otable *t, csvout_stats *st, char *err, size_t errlen);
void otable_free(otable *t);

/* otable_keep: keeps one row of ncols values in memory (texts copied), in
 * the table's sort order. written 0: a row that is not published but whose
 * figures published rows repeat (the year before --years). 0 or -1 (out of
 * memory). */
int otable_keep(otable *t, const oval *v, int written);
/* otable_protect: statistical secrecy over the kept rows of n tables at
 * once (secrecy.h), threshold > 0, flags SECRECY_PRIMARY_ONLY (a test hook)
 * or 0. Sets each table's threshold, cell marks and counts. Returns 0 when
 * the audit passes, 1 when a hidden count is determined, -1 on an internal
 * error; err says which. */
int otable_protect(otable **t, size_t n, int threshold, int flags, char *err, size_t errlen);
/* otable_write: writes DIR/<file>: the header and the written kept rows,
 * hiding what otable_protect marked (nothing without it). 0, or -1 with a
 * message. */
int otable_write(otable *t, const char *dir, csvout_stats *st, char *err, size_t errlen);

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

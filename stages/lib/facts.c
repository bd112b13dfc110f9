#include "facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "tsv.h"

const char *const facts_code_names[FC_NCODES] = {"COLONNES",
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

int facts_code_of(const char *name)
{
    int i;
    for (i = 0; i < FC_NCODES; i++)
        if (!strcmp(facts_code_names[i], name))
            return i;
    return -1;
}

/* --- writing ---------------------------------------------------------------- */

static void put_date(tsvw *w, date_t d)
{
    char b[16] = "";
    if (d != DATE_NONE)
        date_format(d, b);
    tsvw_str(w, b);
}

static void put_opt(tsvw *w, long v)
{
    if (v < 0)
        tsvw_str(w, "");
    else
        tsvw_long(w, v);
}

static int close_w(tsvw *w, char *err, size_t errlen)
{
    return tsvw_close(w, err, errlen);
}

int facts_inputs_write(const char *path, const facts_input *v, size_t n, char *err, size_t errlen)
{
    static const char *const head[] = {"fichier",     "encodage",         "separateur",
                                       "lignes_lues", "lignes_acceptees", "lignes_rejetees"};
    tsvw *w = tsvw_open(path, err, errlen);
    size_t i;
    int k;
    if (!w)
        return -1;
    for (k = 0; k < 6; k++)
        tsvw_str(w, head[k]);
    for (k = 0; k < FC_NCODES; k++)
        tsvw_str(w, facts_code_names[k]);
    tsvw_str(w, "valeurs_invalides");
    tsvw_str(w, "colonnes_ignorees");
    tsvw_str(w, "doublons_participations");
    tsvw_str(w, "date_extraction_max");
    tsvw_endrow(w);
    for (i = 0; i < n; i++) {
        const facts_input *f = &v[i];
        tsvw_str(w, f->file);
        tsvw_str(w, f->encoding);
        tsvw_str(w, f->separator);
        tsvw_long(w, (long)f->read);
        tsvw_long(w, (long)f->accepted);
        tsvw_long(w, (long)f->rejected);
        for (k = 0; k < FC_NCODES; k++)
            tsvw_long(w, (long)f->codes[k]);
        tsvw_long(w, (long)f->invalid);
        tsvw_str(w, f->ignored);
        put_opt(w, f->dups);
        put_date(w, f->extraction_max);
        tsvw_endrow(w);
    }
    return close_w(w, err, errlen);
}

static const char *const merge_head[] = {"fichier",
                                         "versions_acceptees",
                                         "versions_remplacees",
                                         "exclus_annules",
                                         "exclus_rupture_avant_debut",
                                         "exclus_dispositif",
                                         "conserves",
                                         "uai_inconnus",
                                         "region_nd",
                                         "opco_nd",
                                         "date_extraction_max"};
#define MERGE_COLS (sizeof merge_head / sizeof *merge_head)

int facts_merge_write(const char *path, const facts_merge *v, size_t n, char *err, size_t errlen)
{
    tsvw *w = tsvw_open(path, err, errlen);
    size_t i, k;
    if (!w)
        return -1;
    for (k = 0; k < MERGE_COLS; k++)
        tsvw_str(w, merge_head[k]);
    tsvw_endrow(w);
    for (i = 0; i < n; i++) {
        const facts_merge *f = &v[i];
        tsvw_str(w, f->file);
        tsvw_long(w, (long)f->versions);
        tsvw_long(w, (long)f->replaced);
        tsvw_long(w, (long)f->cancelled);
        tsvw_long(w, (long)f->rupture_before);
        tsvw_long(w, (long)f->dispositif);
        tsvw_long(w, (long)f->kept);
        put_opt(w, f->uai_unknown);
        tsvw_long(w, (long)f->region_nd);
        tsvw_long(w, (long)f->opco_nd);
        put_date(w, f->extraction_max);
        tsvw_endrow(w);
    }
    return close_w(w, err, errlen);
}

static const char *const out_head[] = {"fichier", "octets", "sha256", "sha256_contenu", "lignes"};
#define OUT_COLS (sizeof out_head / sizeof *out_head)

int facts_outputs_write(const char *path, const facts_output *v, size_t n, char *err, size_t errlen)
{
    tsvw *w = tsvw_open(path, err, errlen);
    size_t i, k;
    if (!w)
        return -1;
    for (k = 0; k < OUT_COLS; k++)
        tsvw_str(w, out_head[k]);
    tsvw_endrow(w);
    for (i = 0; i < n; i++) {
        tsvw_str(w, v[i].file);
        tsvw_long(w, (long)v[i].bytes);
        tsvw_str(w, v[i].sha256);
        tsvw_str(w, v[i].content_sha256);
        put_opt(w, (long)v[i].rows);
        tsvw_endrow(w);
    }
    return close_w(w, err, errlen);
}

static const char *const sec_head[] = {"table", "primary_cells", "secondary_cells", "audit"};
#define SEC_COLS (sizeof sec_head / sizeof *sec_head)

int facts_secrecy_write(const char *path, const facts_secrecy *v, size_t n, char *err,
                        size_t errlen)
{
    tsvw *w = tsvw_open(path, err, errlen);
    size_t i, k;
    if (!w)
        return -1;
    for (k = 0; k < SEC_COLS; k++)
        tsvw_str(w, sec_head[k]);
    tsvw_endrow(w);
    for (i = 0; i < n; i++) {
        tsvw_str(w, v[i].table);
        tsvw_long(w, (long)v[i].primary);
        tsvw_long(w, (long)v[i].secondary);
        tsvw_str(w, v[i].audit);
        tsvw_endrow(w);
    }
    return close_w(w, err, errlen);
}

/* --- reading ---------------------------------------------------------------- */

/* Parses a whole number; -1 for an empty field (n/a), -2 when malformed. */
static long long num(const char *s)
{
    char *end;
    long long v;
    if (!*s)
        return -1;
    v = strtoll(s, &end, 10);
    return *end || v < 0 ? -2 : v;
}

/* Opens path and finds the columns; -1 with a message. */
static tsvr *open_cols(const char *path, const char *const *names, size_t n, int *idx, char *err,
                       size_t errlen)
{
    tsvr *r = tsvr_open(path, err, errlen);
    if (r && tsvr_cols(r, names, idx, n, err, errlen)) {
        tsvr_close(r);
        return NULL;
    }
    return r;
}

/* Reports a malformed row and closes r. -1. */
static int bad_row(tsvr *r, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s:%lu: malformed value", r->path, r->lineno);
    tsvr_close(r);
    return -1;
}

/* What a row_fill makes of one row: ROW_BAD is a malformed value, found
 * before anything is allocated; after ROW_OOM the item is counted all the
 * same, so that the caller's facts_*_free releases what it holds. */
enum { ROW_OK, ROW_BAD, ROW_OOM };

/* Fills item (zeroed) from the current row of r, whose columns are at idx
 * in the order of the names read_rows was given. */
typedef int (*row_fill)(const tsvr *r, const int *idx, void *item);

/* The facts_*_read loop: appends one item of elem bytes to the array *v
 * (a T ** as void *) of *n items for each row of path, whose header must
 * hold the ncols columns names. 0, or -1 with a message. */
static int read_rows(const char *path, const char *const *names, size_t ncols, void *v, size_t *n,
                     size_t elem, row_fill fill, char *err, size_t errlen)
{
    int idx[TSV_MAX_FIELDS], got, rc;
    size_t cap = *n; /* the items there are, at least */
    tsvr *r = open_cols(path, names, ncols, idx, err, errlen);
    if (!r)
        return -1;
    while ((got = tsvr_next(r, err, errlen)) == 1) {
        unsigned char *items;
        if (grow_to(v, &cap, *n + 1, elem, 8))
            goto oom;
        memcpy(&items, v, sizeof items);
        memset(items + *n * elem, 0, elem);
        if ((rc = fill(r, idx, items + *n * elem)) == ROW_BAD)
            return bad_row(r, err, errlen);
        (*n)++;
        if (rc == ROW_OOM)
            goto oom;
    }
    tsvr_close(r);
    return got < 0 ? -1 : 0;
oom:
    tsvr_close(r);
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
}

/* A date column: "" is DATE_NONE; else the form put_date writes. */
static int get_date(const char *d, date_t *out)
{
    *out = DATE_NONE;
    return *d && val_date_ymd(d, strlen(d), out) ? ROW_BAD : ROW_OK;
}

#define INPUT_COLS (10 + FC_NCODES)

static int fill_input(const tsvr *r, const int *idx, void *item)
{
    facts_input *f = item;
    long long x[3 + FC_NCODES + 1];
    int k;
    for (k = 0; k < 3; k++)
        x[k] = num(r->field[idx[3 + k]]);
    for (k = 0; k < FC_NCODES; k++)
        x[3 + k] = num(r->field[idx[6 + k]]);
    x[3 + FC_NCODES] = num(r->field[idx[6 + FC_NCODES]]);
    for (k = 0; k < 4 + FC_NCODES; k++)
        if (x[k] < 0)
            return ROW_BAD;
    f->read = (unsigned long)x[0], f->accepted = (unsigned long)x[1];
    f->rejected = (unsigned long)x[2];
    for (k = 0; k < FC_NCODES; k++)
        f->codes[k] = (unsigned long)x[3 + k];
    f->invalid = (unsigned long)x[3 + FC_NCODES];
    f->dups = (long)num(r->field[idx[8 + FC_NCODES]]);
    if (f->dups < -1) /* empty is n/a (-1); anything else must be a count */
        return ROW_BAD;
    if (get_date(r->field[idx[9 + FC_NCODES]], &f->extraction_max))
        return ROW_BAD;
    f->file = strdup(r->field[idx[0]]);
    f->encoding = strdup(r->field[idx[1]]);
    f->separator = strdup(r->field[idx[2]]);
    f->ignored = strdup(r->field[idx[7 + FC_NCODES]]);
    return f->file && f->encoding && f->separator && f->ignored ? ROW_OK : ROW_OOM;
}

int facts_inputs_read(const char *path, facts_input **v, size_t *n, char *err, size_t errlen)
{
    const char *names[INPUT_COLS];
    int k;
    names[0] = "fichier", names[1] = "encodage", names[2] = "separateur";
    names[3] = "lignes_lues", names[4] = "lignes_acceptees", names[5] = "lignes_rejetees";
    for (k = 0; k < FC_NCODES; k++)
        names[6 + k] = facts_code_names[k];
    names[6 + FC_NCODES] = "valeurs_invalides";
    names[7 + FC_NCODES] = "colonnes_ignorees";
    names[8 + FC_NCODES] = "doublons_participations";
    names[9 + FC_NCODES] = "date_extraction_max";
    return read_rows(path, names, INPUT_COLS, v, n, sizeof **v, fill_input, err, errlen);
}

static int fill_merge(const tsvr *r, const int *idx, void *item)
{
    facts_merge *f = item;
    long long x[MERGE_COLS];
    size_t k;
    for (k = 1; k < MERGE_COLS - 1; k++)
        if ((x[k] = num(r->field[idx[k]])) < (k == 7 ? -1 : 0))
            return ROW_BAD;
    f->versions = (unsigned long)x[1], f->replaced = (unsigned long)x[2];
    f->cancelled = (unsigned long)x[3], f->rupture_before = (unsigned long)x[4];
    f->dispositif = (unsigned long)x[5], f->kept = (unsigned long)x[6];
    f->uai_unknown = (long)x[7];
    f->region_nd = (unsigned long)x[8], f->opco_nd = (unsigned long)x[9];
    if (get_date(r->field[idx[MERGE_COLS - 1]], &f->extraction_max))
        return ROW_BAD;
    f->file = strdup(r->field[idx[0]]);
    return f->file ? ROW_OK : ROW_OOM;
}

int facts_merge_read(const char *path, facts_merge **v, size_t *n, char *err, size_t errlen)
{
    return read_rows(path, merge_head, MERGE_COLS, v, n, sizeof **v, fill_merge, err, errlen);
}

static int fill_output(const tsvr *r, const int *idx, void *item)
{
    facts_output *f = item;
    long long bytes = num(r->field[idx[1]]), rows = num(r->field[idx[4]]);
    if (bytes < 0 || rows < -1 || r->len[idx[2]] != 64 ||
        (r->len[idx[3]] != 64 && r->len[idx[3]] != 0))
        return ROW_BAD;
    f->bytes = (unsigned long long)bytes;
    memcpy(f->sha256, r->field[idx[2]], 65);
    memcpy(f->content_sha256, r->field[idx[3]], r->len[idx[3]] + 1);
    f->rows = rows;
    f->file = strdup(r->field[idx[0]]);
    return f->file ? ROW_OK : ROW_OOM;
}

int facts_outputs_read(const char *path, facts_output **v, size_t *n, char *err, size_t errlen)
{
    return read_rows(path, out_head, OUT_COLS, v, n, sizeof **v, fill_output, err, errlen);
}

static int fill_secrecy(const tsvr *r, const int *idx, void *item)
{
    facts_secrecy *f = item;
    long long p = num(r->field[idx[1]]), q = num(r->field[idx[2]]);
    if (p < 0 || q < 0)
        return ROW_BAD;
    f->primary = (unsigned long)p;
    f->secondary = (unsigned long)q;
    f->table = strdup(r->field[idx[0]]);
    f->audit = strdup(r->field[idx[3]]);
    return f->table && f->audit ? ROW_OK : ROW_OOM;
}

int facts_secrecy_read(const char *path, facts_secrecy **v, size_t *n, char *err, size_t errlen)
{
    return read_rows(path, sec_head, SEC_COLS, v, n, sizeof **v, fill_secrecy, err, errlen);
}

void facts_secrecy_free(facts_secrecy *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(v[i].table);
        free(v[i].audit);
    }
    free(v);
}

void facts_inputs_free(facts_input *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(v[i].file);
        free(v[i].encoding);
        free(v[i].separator);
        free(v[i].ignored);
    }
    free(v);
}

void facts_merge_free(facts_merge *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(v[i].file);
    free(v);
}

void facts_outputs_free(facts_output *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(v[i].file);
    free(v);
}

void facts_merge_sum(const facts_merge *v, size_t n, facts_merge_total *t)
{
    size_t i;
    memset(t, 0, sizeof *t);
    t->extraction_max = DATE_NONE;
    for (i = 0; i < n; i++) {
        t->versions += v[i].versions;
        t->replaced += v[i].replaced;
        t->cancelled += v[i].cancelled;
        t->rupture_before += v[i].rupture_before;
        t->dispositif += v[i].dispositif;
        t->kept += v[i].kept;
        if (v[i].extraction_max != DATE_NONE &&
            (t->extraction_max == DATE_NONE || v[i].extraction_max > t->extraction_max))
            t->extraction_max = v[i].extraction_max;
    }
}

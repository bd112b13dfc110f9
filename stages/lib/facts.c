#include "facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Makes room for item n: arrays are allocated for 8 items, then doubled
 * each time n reaches a power of two. */
static int grow(void **v, size_t n, size_t elem)
{
    void *p;
    if (n & (n - 1) && n > 8)
        return 0;
    p = realloc(*v, (n < 8 ? 8 : 2 * n) * elem);
    if (!p)
        return -1;
    *v = p;
    return 0;
}

/* Reports a malformed row and closes r. -1. */
static int bad_row(tsvr *r, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s:%lu: malformed value", r->path, r->lineno);
    tsvr_close(r);
    return -1;
}

int facts_inputs_read(const char *path, facts_input **v, size_t *n, char *err, size_t errlen)
{
    const char *names[6 + FC_NCODES + 4];
    int idx[6 + FC_NCODES + 4], got, k;
    tsvr *r;
    names[0] = "fichier", names[1] = "encodage", names[2] = "separateur";
    names[3] = "lignes_lues", names[4] = "lignes_acceptees", names[5] = "lignes_rejetees";
    for (k = 0; k < FC_NCODES; k++)
        names[6 + k] = facts_code_names[k];
    names[6 + FC_NCODES] = "valeurs_invalides";
    names[7 + FC_NCODES] = "colonnes_ignorees";
    names[8 + FC_NCODES] = "doublons_participations";
    names[9 + FC_NCODES] = "date_extraction_max";
    if (!(r = open_cols(path, names, 10 + FC_NCODES, idx, err, errlen)))
        return -1;
    while ((got = tsvr_next(r, err, errlen)) == 1) {
        facts_input *f;
        long long x[3 + FC_NCODES + 1];
        if (grow((void **)v, *n, sizeof **v))
            goto oom;
        f = &(*v)[*n];
        memset(f, 0, sizeof *f);
        for (k = 0; k < 3; k++)
            x[k] = num(r->field[idx[3 + k]]);
        for (k = 0; k < FC_NCODES; k++)
            x[3 + k] = num(r->field[idx[6 + k]]);
        x[3 + FC_NCODES] = num(r->field[idx[6 + FC_NCODES]]);
        for (k = 0; k < 4 + FC_NCODES; k++)
            if (x[k] < 0)
                return bad_row(r, err, errlen);
        f->read = (unsigned long)x[0], f->accepted = (unsigned long)x[1];
        f->rejected = (unsigned long)x[2];
        for (k = 0; k < FC_NCODES; k++)
            f->codes[k] = (unsigned long)x[3 + k];
        f->invalid = (unsigned long)x[3 + FC_NCODES];
        f->dups = (long)num(r->field[idx[8 + FC_NCODES]]);
        if (f->dups < -1) /* empty is n/a (-1); anything else must be a count */
            return bad_row(r, err, errlen);
        {
            const char *d = r->field[idx[9 + FC_NCODES]];
            f->extraction_max = DATE_NONE;
            if (*d && val_date_ymd(d, strlen(d), &f->extraction_max))
                return bad_row(r, err, errlen);
        }
        f->file = strdup(r->field[idx[0]]);
        f->encoding = strdup(r->field[idx[1]]);
        f->separator = strdup(r->field[idx[2]]);
        f->ignored = strdup(r->field[idx[7 + FC_NCODES]]);
        (*n)++;
        if (!f->file || !f->encoding || !f->separator || !f->ignored)
            goto oom;
    }
    tsvr_close(r);
    return got < 0 ? -1 : 0;
oom:
    tsvr_close(r);
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
}

int facts_merge_read(const char *path, facts_merge **v, size_t *n, char *err, size_t errlen)
{
    int idx[MERGE_COLS], got;
    size_t k;
    tsvr *r = open_cols(path, merge_head, MERGE_COLS, idx, err, errlen);
    if (!r)
        return -1;
    while ((got = tsvr_next(r, err, errlen)) == 1) {
        facts_merge *f;
        long long x[MERGE_COLS];
        const char *d = r->field[idx[MERGE_COLS - 1]];
        if (grow((void **)v, *n, sizeof **v))
            goto oom;
        f = &(*v)[*n];
        memset(f, 0, sizeof *f);
        for (k = 1; k < MERGE_COLS - 1; k++)
            if ((x[k] = num(r->field[idx[k]])) < (k == 7 ? -1 : 0))
                return bad_row(r, err, errlen);
        f->versions = (unsigned long)x[1], f->replaced = (unsigned long)x[2];
        f->cancelled = (unsigned long)x[3], f->rupture_before = (unsigned long)x[4];
        f->dispositif = (unsigned long)x[5], f->kept = (unsigned long)x[6];
        f->uai_unknown = (long)x[7];
        f->region_nd = (unsigned long)x[8], f->opco_nd = (unsigned long)x[9];
        f->extraction_max = DATE_NONE;
        if (*d && val_date_ymd(d, strlen(d), &f->extraction_max))
            return bad_row(r, err, errlen);
        f->file = strdup(r->field[idx[0]]);
        (*n)++;
        if (!f->file)
            goto oom;
    }
    tsvr_close(r);
    return got < 0 ? -1 : 0;
oom:
    tsvr_close(r);
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
}

int facts_outputs_read(const char *path, facts_output **v, size_t *n, char *err, size_t errlen)
{
    int idx[OUT_COLS], got;
    tsvr *r = open_cols(path, out_head, OUT_COLS, idx, err, errlen);
    if (!r)
        return -1;
    while ((got = tsvr_next(r, err, errlen)) == 1) {
        facts_output *f;
        long long bytes = num(r->field[idx[1]]), rows = num(r->field[idx[4]]);
        if (bytes < 0 || rows < -1 || r->len[idx[2]] != 64 ||
            (r->len[idx[3]] != 64 && r->len[idx[3]] != 0))
            return bad_row(r, err, errlen);
        if (grow((void **)v, *n, sizeof **v))
            goto oom;
        f = &(*v)[*n];
        memset(f, 0, sizeof *f);
        f->bytes = (unsigned long long)bytes;
        memcpy(f->sha256, r->field[idx[2]], 65);
        memcpy(f->content_sha256, r->field[idx[3]], r->len[idx[3]] + 1);
        f->rows = rows;
        f->file = strdup(r->field[idx[0]]);
        (*n)++;
        if (!f->file)
            goto oom;
    }
    tsvr_close(r);
    return got < 0 ? -1 : 0;
oom:
    tsvr_close(r);
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
}

int facts_secrecy_read(const char *path, facts_secrecy **v, size_t *n, char *err, size_t errlen)
{
    int idx[SEC_COLS], got;
    tsvr *r = open_cols(path, sec_head, SEC_COLS, idx, err, errlen);
    if (!r)
        return -1;
    while ((got = tsvr_next(r, err, errlen)) == 1) {
        facts_secrecy *f;
        long long p = num(r->field[idx[1]]), q = num(r->field[idx[2]]);
        if (p < 0 || q < 0)
            return bad_row(r, err, errlen);
        if (grow((void **)v, *n, sizeof **v))
            goto oom;
        f = &(*v)[*n];
        memset(f, 0, sizeof *f);
        f->primary = (unsigned long)p;
        f->secondary = (unsigned long)q;
        f->table = strdup(r->field[idx[0]]);
        f->audit = strdup(r->field[idx[3]]);
        (*n)++;
        if (!f->table || !f->audit)
            goto oom;
    }
    tsvr_close(r);
    return got < 0 ? -1 : 0;
oom:
    tsvr_close(r);
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
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

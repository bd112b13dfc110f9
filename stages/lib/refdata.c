#include "refdata.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvin.h"
#include "fold.h"
#include "grow.h"
#include "schema.h"

static const char *const table_names[REF_TABLES] = {"departements", "regions", "opco",
                                                    "idcc_opco",    "cfa",     "naf_sections"};

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s", a, b, c);
    return p;
}

/* Chooses the file of one table: the dropped one, else the default. */
static int choose(ref_file *f, const char *schemas_dir, const char *input_dir, enum apperr *code,
                  char *err, size_t errlen)
{
    char *plain = NULL, *gz = NULL;
    int rc = 0;
    if (input_dir) {
        char *dir = join(input_dir, "/referentiels/", "");
        plain = dir ? join(dir, f->name, ".csv") : NULL;
        gz = dir ? join(dir, f->name, ".csv.gz") : NULL;
        free(dir);
        if (!plain || !gz)
            goto oom;
        if (exists(plain) && exists(gz)) {
            snprintf(err, errlen, "%s and %s: both given; keep one", plain, gz);
            *code = APPERR_DATA;
            rc = -1;
        } else if (exists(plain)) {
            f->path = plain, plain = NULL, f->dropped = 1;
        } else if (exists(gz)) {
            f->path = gz, gz = NULL, f->dropped = 1;
        }
    }
    if (!rc && !f->path && strcmp(f->name, "cfa")) {
        f->path = join(schemas_dir, "/referentiels/", f->name);
        if (!f->path)
            goto oom;
        char *p = join(f->path, ".csv", "");
        free(f->path);
        f->path = p;
        if (!p)
            goto oom;
    }
    free(plain);
    free(gz);
    return rc;
oom:
    free(plain);
    free(gz);
    snprintf(err, errlen, "out of memory");
    *code = APPERR_NOMEM;
    return -1;
}

/* One row of a table: 0; -1 with a message (a bad row); -2 out of memory. */
typedef int (*row_fn)(refdata *r, char **v, const char *path, unsigned long line, char *err,
                      size_t errlen);

/* Reads one table through its schema; calls fn with the values of the
 * schema's columns (trimmed, NULL when the column is absent). */
static int read_table(refdata *r, const char *schemas_dir, const ref_file *f, row_fn fn,
                      enum apperr *code, char *err, size_t errlen)
{
    char *spath = join(schemas_dir, "/input/", f->name), *sp2;
    schema *s = NULL;
    csvin *in = NULL;
    csvin_err e;
    csvin_row *row;
    header_map m = {0};
    char *vals[8];
    int rc = -1, got, bad;
    size_t k;

    sp2 = spath ? join(spath, ".yaml", "") : NULL;
    free(spath);
    if (!sp2) {
        snprintf(err, errlen, "out of memory");
        *code = APPERR_NOMEM;
        return -1;
    }
    s = schema_load(sp2, err, errlen);
    if (!s) {
        *code = APPERR_CONFIG;
        goto done;
    }
    /* a dropped table is outside data: bounded like the inputs by default */
    in = csvin_open_bounded(f->path, s->encoding, s->delim, CSVIN_DEFAULT_MAX_EXPANSION, &e);
    if (!in) {
        snprintf(err, errlen, "%s: %s", f->path, e.msg);
        *code = e.err;
        goto done;
    }
    got = csvin_next(in, &row, &e);
    if (got <= 0) {
        snprintf(err, errlen, "%s: %s", f->path, got < 0 ? e.msg : "empty file");
        *code = got < 0 ? e.err : APPERR_DATA;
        goto done;
    }
    if (schema_match(s, row, &m, &bad, err + 0, errlen)) {
        char tmp[600];
        snprintf(tmp, sizeof tmp, "%s:%lu:%d: %s", f->path, row->line, bad, err);
        snprintf(err, errlen, "%s", tmp);
        *code = APPERR_DATA;
        goto done;
    }
    while ((got = csvin_next(in, &row, &e)) == 1) {
        if (row->n != m.nfields) {
            snprintf(err, errlen, "%s:%lu: %zu fields, the header has %zu", f->path, row->line,
                     row->n, m.nfields);
            *code = APPERR_DATA;
            goto done;
        }
        for (k = 0; k < s->ncols && k < 8; k++) {
            int fi = m.field_of_col[k];
            if (fi < 0) {
                vals[k] = NULL;
            } else {
                size_t n = row->len[fi];
                vals[k] = csvin_trim(row->f[fi], &n);
            }
        }
        if ((bad = fn(r, vals, f->path, row->line, err, errlen))) {
            if (bad == -2)
                snprintf(err, errlen, "%s: out of memory", f->path);
            *code = bad == -2 ? APPERR_NOMEM : APPERR_DATA;
            goto done;
        }
    }
    if (got < 0) {
        snprintf(err, errlen, "%s:%lu:%lu: %s", f->path, e.line, e.col, e.msg);
        *code = e.err;
        goto done;
    }
    rc = 0;
done:
    header_map_free(&m);
    csvin_close(in);
    schema_free(s);
    free(sp2);
    return rc;
}

static int dept_index(const char *d)
{
    char *end;
    long v;
    if (!strcmp(d, "2A"))
        return 1000;
    if (!strcmp(d, "2B"))
        return 1001;
    if (!*d || strlen(d) > 3 || strlen(d) < 2)
        return -1;
    v = strtol(d, &end, 10);
    if (*end || v < 1 || v > 999)
        return -1;
    return (int)v;
}

static int add_region(refdata *r, char **v, const char *path, unsigned long line, char *err,
                      size_t errlen)
{
    size_t n;
    char *p;
    if (!v[0] || !v[1] || !*v[0] || strlen(v[0]) > 3) {
        snprintf(err, errlen, "%s:%lu: a région needs a code and a libellé", path, line);
        return -1;
    }
    if (grow_to(&r->reg_code, &r->capreg, r->nreg + 1, sizeof *r->reg_code, 16) ||
        grow_to(&r->reg_lib, &r->capreg_lib, r->nreg + 1, sizeof *r->reg_lib, 16) ||
        grow_to(&r->reg_folded, &r->capreg_folded, r->nreg + 1, sizeof *r->reg_folded, 16))
        return -2;
    n = fold_F(v[1], strlen(v[1]), NULL, 0);
    if (!(p = malloc(n + 1)) || !(r->reg_lib[r->nreg] = strdup(v[1]))) {
        free(p);
        return -2;
    }
    snprintf(r->reg_code[r->nreg], 4, "%s", v[0]);
    fold_F(v[1], strlen(v[1]), p, n + 1);
    r->reg_folded[r->nreg] = p;
    r->nreg++;
    return 0;
}

static int region_index(const refdata *r, const char *code)
{
    size_t i;
    for (i = 0; i < r->nreg; i++)
        if (!strcmp(r->reg_code[i], code))
            return (int)i;
    return -1;
}

static int add_dept(refdata *r, char **v, const char *path, unsigned long line, char *err,
                    size_t errlen)
{
    int i = v[0] ? dept_index(v[0]) : -1, reg = v[2] ? region_index(r, v[2]) : -1;
    if (i < 0 || reg < 0) {
        snprintf(err, errlen, "%s:%lu: invalid département '%s' or unknown région '%s'", path, line,
                 v[0] ? v[0] : "", v[2] ? v[2] : "");
        return -1;
    }
    r->dept_region[i] = (short)reg;
    free(r->dept_lib[i]);
    r->dept_lib[i] = strdup(v[1] ? v[1] : "");
    return r->dept_lib[i] ? 0 : -2;
}

static int add_spelling(refdata *r, const char *s, size_t len, int opco)
{
    size_t n = fold_F(s, len, NULL, 0);
    char *p = malloc(n + 1);
    if (!p)
        return -2;
    fold_F(s, len, p, n + 1);
    if (!*p) {
        free(p);
        return 0;
    }
    if (grow_to(&r->spell_folded, &r->capspell_folded, r->nspell + 1, sizeof *r->spell_folded,
                64) ||
        grow_to(&r->spell_opco, &r->capspell_opco, r->nspell + 1, sizeof *r->spell_opco, 64)) {
        free(p);
        return -2;
    }
    r->spell_folded[r->nspell] = p;
    r->spell_opco[r->nspell] = opco;
    r->nspell++;
    return 0;
}

static int add_opco(refdata *r, char **v, const char *path, unsigned long line, char *err,
                    size_t errlen)
{
    const char *a;
    int idx = (int)r->nopco;
    if (!v[0] || !*v[0]) {
        snprintf(err, errlen, "%s:%lu: an OPCO needs a code", path, line);
        return -1;
    }
    if (grow_to(&r->opco_code, &r->capopco_code, r->nopco + 1, sizeof *r->opco_code, 16) ||
        grow_to(&r->opco_lib, &r->capopco_lib, r->nopco + 1, sizeof *r->opco_lib, 16))
        return -2;
    r->opco_code[idx] = strdup(v[0]);
    r->opco_lib[idx] = strdup(v[1] ? v[1] : "");
    r->nopco++; /* refdata_free frees both, NULL or not */
    if (!r->opco_code[idx] || !r->opco_lib[idx] || add_spelling(r, v[0], strlen(v[0]), idx))
        return -2;
    for (a = v[2]; a && *a;) {
        const char *bar = strchr(a, '|');
        size_t n = bar ? (size_t)(bar - a) : strlen(a);
        if (add_spelling(r, a, n, idx))
            return -2;
        a = bar ? bar + 1 : a + n;
    }
    return 0;
}

static int add_idcc(refdata *r, char **v, const char *path, unsigned long line, char *err,
                    size_t errlen)
{
    const char *op = v[1] ? ref_opco(r, v[1], strlen(v[1])) : NULL;
    char *end;
    long i = v[0] ? strtol(v[0], &end, 10) : -1;
    size_t k;
    if (!v[0] || *end || i < 0 || i > 9999 || !op) {
        snprintf(err, errlen, "%s:%lu: invalid IDCC '%s' or unknown OPCO '%s'", path, line,
                 v[0] ? v[0] : "", v[1] ? v[1] : "");
        return -1;
    }
    for (k = 0; k < r->nopco; k++)
        if (!strcmp(r->opco_code[k], op))
            r->idcc_opco[i] = (short)k;
    return 0;
}

static int add_cfa(refdata *r, char **v, const char *path, unsigned long line, char *err,
                   size_t errlen)
{
    (void)path, (void)line, (void)err, (void)errlen;
    if (!v[0] || !*v[0])
        return 0;
    if (grow_to(&r->cfa_uai, &r->capcfa, r->ncfa + 1, sizeof *r->cfa_uai, 256))
        return -2;
    snprintf(r->cfa_uai[r->ncfa], 9, "%s", v[0]);
    for (char *p = r->cfa_uai[r->ncfa]; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    r->ncfa++;
    return 0;
}

static int add_naf(refdata *r, char **v, const char *path, unsigned long line, char *err,
                   size_t errlen)
{
    char *end;
    long d = v[0] ? strtol(v[0], &end, 10) : -1;
    if (!v[0] || *end || d < 0 || d > 99 || !v[1] || strlen(v[1]) != 1) {
        snprintf(err, errlen, "%s:%lu: invalid NAF division", path, line);
        return -1;
    }
    r->naf_section[d] = v[1][0];
    if (v[1][0] >= 'A' && v[1][0] <= 'Z' && v[2]) {
        char **lib = &r->naf_section_lib[v[1][0] - 'A'];
        free(*lib);
        if (!(*lib = strdup(v[2])))
            return -2;
    }
    return 0;
}

static int cmp_uai(const void *a, const void *b)
{
    return memcmp(a, b, 9);
}

refdata *refdata_load(const char *schemas_dir, const char *input_dir, enum apperr *code, char *err,
                      size_t errlen)
{
    static const row_fn fns[REF_TABLES] = {add_dept, add_region, add_opco,
                                           add_idcc, add_cfa,    add_naf};
    /* régions before départements, OPCOs before the IDCC table */
    static const int order[REF_TABLES] = {1, 0, 2, 3, 4, 5};
    refdata *r = calloc(1, sizeof *r);
    size_t i;

    if (!r) {
        snprintf(err, errlen, "out of memory");
        *code = APPERR_NOMEM;
        return NULL;
    }
    for (i = 0; i < 1002; i++)
        r->dept_region[i] = -1;
    r->dept_lib = calloc(1002, sizeof *r->dept_lib);
    for (i = 0; i < 10000; i++)
        r->idcc_opco[i] = -1;
    for (i = 0; i < REF_TABLES; i++) {
        r->files[i].name = table_names[i];
        if (choose(&r->files[i], schemas_dir, input_dir, code, err, errlen))
            goto error;
    }
    for (i = 0; i < REF_TABLES; i++) {
        int t = order[i];
        if (!r->files[t].path)
            continue;
        if (read_table(r, schemas_dir, &r->files[t], fns[t], code, err, errlen))
            goto error;
    }
    r->have_cfa = r->files[4].path != NULL;
    if (r->ncfa)
        qsort(r->cfa_uai, r->ncfa, sizeof *r->cfa_uai, cmp_uai);
    return r;
error:
    refdata_free(r);
    return NULL;
}

void refdata_free(refdata *r)
{
    size_t i;
    if (!r)
        return;
    for (i = 0; i < REF_TABLES; i++)
        free(r->files[i].path);
    for (i = 0; i < r->nreg; i++) {
        free(r->reg_lib[i]);
        free(r->reg_folded[i]);
    }
    for (i = 0; r->dept_lib && i < 1002; i++)
        free(r->dept_lib[i]);
    free(r->dept_lib);
    for (i = 0; i < 26; i++)
        free(r->naf_section_lib[i]);
    for (i = 0; i < r->nopco; i++) {
        free(r->opco_code[i]);
        free(r->opco_lib[i]);
    }
    for (i = 0; i < r->nspell; i++)
        free(r->spell_folded[i]);
    free(r->reg_code);
    free(r->reg_lib);
    free(r->reg_folded);
    free(r->opco_code);
    free(r->opco_lib);
    free(r->spell_folded);
    free(r->spell_opco);
    free(r->cfa_uai);
    free(r);
}

int ref_dept_index(const char *dept)
{
    return dept_index(dept);
}

const char *ref_dept_region(const refdata *r, const char *dept)
{
    int i = dept_index(dept);
    if (i < 0 || r->dept_region[i] < 0)
        return NULL;
    return r->reg_code[r->dept_region[i]];
}

int ref_dept_known(const refdata *r, const char *dept)
{
    int i = dept_index(dept);
    return i >= 0 && r->dept_region[i] >= 0;
}

const char *ref_region(const refdata *r, const char *s, size_t len)
{
    char buf[128];
    size_t i, n;
    if (len >= 1 && len <= 2 && s[0] >= '0' && s[0] <= '9' &&
        (len == 1 || (s[1] >= '0' && s[1] <= '9'))) {
        char code[4];
        snprintf(code, sizeof code, "%s%.*s", len == 1 ? "0" : "", (int)len, s);
        i = (size_t)region_index(r, code);
        return (int)i >= 0 ? r->reg_code[i] : NULL;
    }
    n = fold_F(s, len, buf, sizeof buf);
    if (n == 0 || n >= sizeof buf)
        return NULL;
    for (i = 0; i < r->nreg; i++)
        if (!strcmp(r->reg_folded[i], buf))
            return r->reg_code[i];
    return NULL;
}

const char *ref_region_lib(const refdata *r, const char *code)
{
    int i;
    if (!strcmp(code, "TOTAL"))
        return "Ensemble";
    i = region_index(r, code);
    return i >= 0 ? r->reg_lib[i] : "Non déterminée";
}

const char *ref_opco(const refdata *r, const char *s, size_t len)
{
    char buf[256];
    size_t i, n = fold_F(s, len, buf, sizeof buf);
    if (n == 0 || n >= sizeof buf)
        return NULL;
    for (i = 0; i < r->nspell; i++)
        if (!strcmp(r->spell_folded[i], buf))
            return r->opco_code[r->spell_opco[i]];
    return NULL;
}

const char *ref_idcc_opco(const refdata *r, const char *idcc4)
{
    char *end;
    long i = strtol(idcc4, &end, 10);
    if (*end || i < 0 || i > 9999 || r->idcc_opco[i] < 0)
        return NULL;
    return r->opco_code[r->idcc_opco[i]];
}

int ref_cfa_known(const refdata *r, const char *uai)
{
    char key[9] = {0};
    snprintf(key, sizeof key, "%s", uai);
    return r->ncfa && bsearch(key, r->cfa_uai, r->ncfa, sizeof *r->cfa_uai, cmp_uai) != NULL;
}

const char *ref_opco_lib(const refdata *r, const char *code)
{
    size_t i;
    for (i = 0; i < r->nopco; i++)
        if (!strcmp(r->opco_code[i], code))
            return r->opco_lib[i];
    return NULL;
}

const char *ref_dept_lib(const refdata *r, const char *dept)
{
    int i = dept_index(dept);
    return i < 0 || !r->dept_lib ? NULL : r->dept_lib[i];
}

const char *ref_naf_section_lib(const refdata *r, const char *section)
{
    if (!section[0] || section[1] || section[0] < 'A' || section[0] > 'Z')
        return NULL;
    return r->naf_section_lib[section[0] - 'A'];
}

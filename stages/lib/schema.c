#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "yload.h"

static const struct {
    const char *name;
    enum col_type type;
    const char *code;
} types[] = {
    {"text", T_TEXT, "REQUIS"},
    {"contract_number", T_CONTRACT_NUMBER, "REQUIS"},
    {"enum", T_ENUM, "ENUM"},
    {"date", T_DATE, "DATE"},
    {"siret", T_SIRET, "SIRET"},
    {"uai", T_UAI, "UAI"},
    {"postcode", T_POSTCODE, "CODE_POSTAL"},
    {"naf", T_NAF, "REQUIS"},
    {"idcc", T_IDCC, "REQUIS"},
    {"uint", T_UINT, "REQUIS"},
    {"bool", T_BOOL, "REQUIS"},
    {"opco", T_OPCO, "OPCO"},
    {"region", T_REGION, "ENUM"},
    {"cfd", T_CFD, "REQUIS"},
    {"rncp", T_RNCP, "REQUIS"},
    {"niveau", T_NIVEAU, "REQUIS"},
};

static char *folded_dup(const char *s)
{
    size_t n = fold_F(s, strlen(s), NULL, 0);
    char *o = malloc(n + 1);
    if (o)
        fold_F(s, strlen(s), o, n + 1);
    return o;
}

static int flag(const ynode *col, const char *key, int *out, const char *path, char *err,
                size_t errlen)
{
    const ynode *v = ymap_get(col, key);
    *out = 0;
    if (!v)
        return 0;
    if (v->type == YN_SCALAR && (!strcmp(v->str, "true") || !strcmp(v->str, "false"))) {
        *out = !strcmp(v->str, "true");
        return 0;
    }
    snprintf(err, errlen, "%s:%d:%d: '%s' must be true or false", path, v->line, v->col, key);
    return -1;
}

/* Adds F(s) to a list of folded spellings. */
static int add_folded(char ***list, size_t *n, const char *s)
{
    char **nl = realloc(*list, (*n + 1) * sizeof **list);
    if (!nl)
        return -1;
    *list = nl;
    if (!(nl[*n] = folded_dup(s)))
        return -1;
    (*n)++;
    return 0;
}

static int load_col(schema *s, schema_col *c, const ynode *y, char *err, size_t errlen)
{
    static const char *const known[] = {
        "name",   "aliases",       "type",        "required",      "personal",   "free_text",
        "values", "contract_date", "reject_code", "missing_means", "alias_when", NULL};
    const ynode *name = ymap_get(y, "name"), *type = ymap_get(y, "type");
    const ynode *aliases = ymap_get(y, "aliases"), *values = ymap_get(y, "values");
    const ynode *code = ymap_get(y, "reject_code"), *mm = ymap_get(y, "missing_means");
    const ynode *when = ymap_get(y, "alias_when");
    size_t i, k;

    if (y->type != YN_MAP) {
        snprintf(err, errlen, "%s:%d:%d: a column must be a mapping", s->path, y->line, y->col);
        return -1;
    }
    for (i = 0; i < y->n; i++) {
        const ynode *key = y->kids[2 * i];
        for (k = 0; known[k] && strcmp(known[k], key->str); k++)
            ;
        if (!known[k]) {
            snprintf(err, errlen, "%s:%d:%d: unknown column key '%s'", s->path, key->line, key->col,
                     key->str);
            return -1;
        }
    }
    if (!name || name->type != YN_SCALAR || !*name->str) {
        snprintf(err, errlen, "%s:%d:%d: a column needs a name", s->path, y->line, y->col);
        return -1;
    }
    if (!(c->name = strdup(name->str)) || add_folded(&c->folded, &c->nfolded, name->str))
        goto oom;
    if (!type || type->type != YN_SCALAR) {
        snprintf(err, errlen, "%s:%d:%d: column '%s' needs a type", s->path, y->line, y->col,
                 c->name);
        return -1;
    }
    for (k = 0; k < sizeof types / sizeof types[0] && strcmp(types[k].name, type->str); k++)
        ;
    if (k == sizeof types / sizeof types[0]) {
        snprintf(err, errlen, "%s:%d:%d: unknown type '%s'", s->path, type->line, type->col,
                 type->str);
        return -1;
    }
    c->type = types[k].type;
    if (code && code->type != YN_SCALAR) {
        snprintf(err, errlen, "%s:%d:%d: reject_code must be a single value", s->path, code->line,
                 code->col);
        return -1;
    }
    if (!(c->reject_code = strdup(code ? code->str : types[k].code)))
        goto oom;
    if (flag(y, "required", &c->required, s->path, err, errlen) ||
        flag(y, "personal", &c->personal, s->path, err, errlen) ||
        flag(y, "free_text", &c->free_text, s->path, err, errlen) ||
        flag(y, "contract_date", &c->contract_date, s->path, err, errlen))
        return -1;
    if (aliases) {
        if (aliases->type != YN_SEQ) {
            snprintf(err, errlen, "%s:%d:%d: aliases must be a list", s->path, aliases->line,
                     aliases->col);
            return -1;
        }
        for (i = 0; i < aliases->n; i++) {
            const ynode *a = aliases->kids[i];
            if (a->type != YN_SCALAR) {
                snprintf(err, errlen, "%s:%d:%d: an alias must be a string", s->path, a->line,
                         a->col);
                return -1;
            }
            if (add_folded(&c->folded, &c->nfolded, a->str))
                goto oom;
        }
    }
    if (when) {
        const ynode *a = ymap_get(when, "alias"), *h = ymap_get(when, "header_has");
        if (when->type != YN_MAP || when->n != 2 || !a || !h || a->type != YN_SCALAR ||
            h->type != YN_SCALAR) {
            snprintf(err, errlen,
                     "%s:%d:%d: alias_when must be a mapping of 'alias' and 'header_has'", s->path,
                     when->line, when->col);
            return -1;
        }
        if (!(c->when_alias = folded_dup(a->str)) || !(c->when_header = folded_dup(h->str)))
            goto oom;
    }
    if (values) {
        if (values->type != YN_MAP) {
            snprintf(err, errlen, "%s:%d:%d: values must be a mapping", s->path, values->line,
                     values->col);
            return -1;
        }
        c->values = calloc(values->n ? values->n : 1, sizeof *c->values);
        if (!c->values)
            goto oom;
        c->nvalues = values->n;
        for (i = 0; i < values->n; i++) {
            const ynode *canon = values->kids[2 * i], *al = values->kids[2 * i + 1];
            enum_val *v = &c->values[i];
            if (!(v->canon = strdup(canon->str)) || add_folded(&v->folded, &v->n, canon->str))
                goto oom;
            if (al->type == YN_SEQ) {
                for (k = 0; k < al->n; k++) {
                    if (al->kids[k]->type != YN_SCALAR) {
                        snprintf(err, errlen, "%s:%d:%d: an alias of a value must be a string",
                                 s->path, al->kids[k]->line, al->kids[k]->col);
                        return -1;
                    }
                    if (add_folded(&v->folded, &v->n, al->kids[k]->str))
                        goto oom;
                }
            } else if (!yis_null(al)) {
                snprintf(err, errlen, "%s:%d:%d: the aliases of a value must be a list", s->path,
                         al->line, al->col);
                return -1;
            }
        }
    } else if (c->type == T_ENUM) {
        snprintf(err, errlen, "%s:%d:%d: enum column '%s' needs values", s->path, y->line, y->col,
                 c->name);
        return -1;
    }
    if (mm && !yis_null(mm)) {
        if (mm->type != YN_SCALAR || !schema_enum(c, mm->str, strlen(mm->str))) {
            snprintf(err, errlen, "%s:%d:%d: missing_means '%.60s' is not one of the values",
                     s->path, mm->line, mm->col, mm->str ? mm->str : "(a list or mapping)");
            return -1;
        }
        if (!(c->missing_means = strdup(schema_enum(c, mm->str, strlen(mm->str)))))
            goto oom;
    }
    return 0;
oom:
    snprintf(err, errlen, "%s: out of memory", s->path);
    return -1;
}

schema *schema_load(const char *path, char *err, size_t errlen)
{
    ydoc *d = yload_file(path, err, errlen);
    const ynode *root, *cols, *v;
    schema *s;
    size_t i, j, k;

    if (!d)
        return NULL;
    s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto error;
    }
    root = d->root;
    if (!root || root->type != YN_MAP) {
        snprintf(err, errlen, "%s:1:1: a schema must be a mapping", path);
        goto error;
    }
    for (i = 0; i < root->n; i++) {
        const char *key = root->kids[2 * i]->str;
        if (strcmp(key, "kind") && strcmp(key, "encoding") && strcmp(key, "delimiter") &&
            strcmp(key, "columns")) {
            snprintf(err, errlen, "%s:%d:%d: unknown key '%s'", path, root->kids[2 * i]->line,
                     root->kids[2 * i]->col, key);
            goto error;
        }
    }
    v = ymap_get(root, "kind");
    s->kind = strdup(v && v->type == YN_SCALAR ? v->str : "");
    v = ymap_get(root, "encoding");
    if (v && v->type == YN_SCALAR && strcmp(v->str, "auto")) {
        if (!strcmp(v->str, "UTF-8"))
            s->encoding = CSVIN_UTF8;
        else if (!strcmp(v->str, "Windows-1252"))
            s->encoding = CSVIN_CP1252;
        else {
            snprintf(err, errlen, "%s:%d:%d: encoding must be auto, UTF-8 or Windows-1252", path,
                     v->line, v->col);
            goto error;
        }
    }
    v = ymap_get(root, "delimiter");
    if (v && v->type == YN_SCALAR && strcmp(v->str, "auto")) {
        if (!strcmp(v->str, "tab"))
            s->delim = '\t';
        else if (strlen(v->str) == 1 && strchr(";,|", v->str[0]))
            s->delim = v->str[0];
        else {
            snprintf(err, errlen, "%s:%d:%d: delimiter must be auto, ';', ',', tab or '|'", path,
                     v->line, v->col);
            goto error;
        }
    }
    cols = ymap_get(root, "columns");
    if (!cols || cols->type != YN_SEQ || cols->n == 0 || cols->n > SCHEMA_MAX_COLS) {
        snprintf(err, errlen, "%s:%d:%d: 'columns' must be a non-empty list of at most %d", path,
                 root->line, root->col, SCHEMA_MAX_COLS);
        goto error;
    }
    s->cols = calloc(cols->n, sizeof *s->cols);
    if (!s->cols)
        goto error;
    s->ncols = cols->n;
    for (i = 0; i < cols->n; i++)
        if (load_col(s, &s->cols[i], cols->kids[i], err, errlen))
            goto error;
    /* no spelling may name two columns */
    for (i = 0; i < s->ncols; i++)
        for (j = i + 1; j < s->ncols; j++)
            for (k = 0; k < s->cols[i].nfolded; k++) {
                size_t l;
                for (l = 0; l < s->cols[j].nfolded; l++)
                    if (!strcmp(s->cols[i].folded[k], s->cols[j].folded[l])) {
                        snprintf(err, errlen,
                                 "%s:%d:%d: columns '%s' and '%s' share the spelling '%s'", path,
                                 cols->kids[j]->line, cols->kids[j]->col, s->cols[i].name,
                                 s->cols[j].name, s->cols[i].folded[k]);
                        goto error;
                    }
            }
    ydoc_free(d);
    return s;
error:
    schema_free(s);
    ydoc_free(d);
    return NULL;
}

void schema_free(schema *s)
{
    size_t i, j, k;
    if (!s)
        return;
    for (i = 0; i < s->ncols; i++) {
        schema_col *c = &s->cols[i];
        for (j = 0; j < c->nfolded; j++)
            free(c->folded[j]);
        free(c->folded);
        for (j = 0; j < c->nvalues; j++) {
            for (k = 0; k < c->values[j].n; k++)
                free(c->values[j].folded[k]);
            free(c->values[j].folded);
            free(c->values[j].canon);
        }
        free(c->values);
        free(c->name);
        free(c->reject_code);
        free(c->missing_means);
        free(c->when_alias);
        free(c->when_header);
    }
    free(s->cols);
    free(s->kind);
    free(s->path);
    free(s);
}

int schema_col_index(const schema *s, const char *name)
{
    size_t i;
    for (i = 0; i < s->ncols; i++)
        if (!strcmp(s->cols[i].name, name))
            return (int)i;
    return -1;
}

const char *schema_enum(const schema_col *c, const char *value, size_t len)
{
    char buf[256];
    size_t i, k, n = fold_F(value, len, buf, sizeof buf);
    if (n >= sizeof buf)
        return NULL;
    for (i = 0; i < c->nvalues; i++)
        for (k = 0; k < c->values[i].n; k++)
            if (!strcmp(c->values[i].folded[k], buf))
                return c->values[i].canon;
    return NULL;
}

/* The list of ignored names being built (see SCHEMA_IGNORED_MAX_BYTES). */
struct ignored {
    size_t len, names, omitted;
};

/* Adds one ignored name to m->ignored within the cap, or counts it. 0 or -1
 * (out of memory). */
static int append_ignored(header_map *m, const char *name, struct ignored *ig)
{
    size_t n = strlen(name), need;
    int cut = 0;
    char *p;
    if (n > SCHEMA_IGNORED_NAME_BYTES) {
        n = SCHEMA_IGNORED_NAME_BYTES;
        while (n && ((unsigned char)name[n] & 0xC0) == 0x80)
            n--;
        cut = 1;
    }
    need = ig->len + (ig->len ? 1 : 0) + n + (cut ? 3 : 0);
    if (ig->omitted || ig->names == SCHEMA_IGNORED_MAX_NAMES || need > SCHEMA_IGNORED_MAX_BYTES) {
        ig->omitted++;
        return 0;
    }
    p = realloc(m->ignored, need + 1);
    if (!p)
        return -1;
    m->ignored = p;
    if (ig->len)
        p[ig->len++] = '|';
    memcpy(p + ig->len, name, n);
    ig->len += n;
    if (cut) {
        memcpy(p + ig->len, "\xe2\x80\xa6", 3); /* … */
        ig->len += 3;
    }
    p[ig->len] = '\0';
    ig->names++;
    return 0;
}

/* Ends the list with "|… (+K autres)" when names were left out. 0 or -1. */
static int end_ignored(header_map *m, struct ignored *ig)
{
    char tail[64];
    int n;
    char *p;
    if (!ig->omitted)
        return 0;
    n = snprintf(tail, sizeof tail, "%s\xe2\x80\xa6 (+%zu autres)", ig->len ? "|" : "",
                 ig->omitted);
    p = realloc(m->ignored, ig->len + (size_t)n + 1);
    if (!p)
        return -1;
    m->ignored = p;
    memcpy(p + ig->len, tail, (size_t)n + 1);
    ig->len += (size_t)n;
    return 0;
}

/* 1 when some header cell folds to f. */
static int header_has(const csvin_row *hdr, const char *f)
{
    char buf[512];
    size_t i;
    for (i = 0; i < hdr->n; i++) {
        fold_F(hdr->f[i], hdr->len[i], buf, sizeof buf);
        if (!strcmp(buf, f))
            return 1;
    }
    return 0;
}

/* Which conditional aliases hold for this header: a column's alias_when
 * alias names it when the header has the header_has cell and no cell that
 * names the column otherwise (spec/inputs.md: adressecodepostal is the
 * employer's postcode only in the export that has siretemployeur). */
static int conditional_aliases(const schema *s, const csvin_row *hdr, unsigned char *active)
{
    size_t k, a;
    for (k = 0; k < s->ncols; k++) {
        const schema_col *c = &s->cols[k];
        active[k] = 0;
        if (!c->when_alias || !header_has(hdr, c->when_header))
            continue;
        active[k] = 1;
        for (a = 0; a < c->nfolded && active[k]; a++)
            active[k] = !header_has(hdr, c->folded[a]);
    }
    return 0;
}

int schema_match(const schema *s, const csvin_row *hdr, header_map *m, int *bad_col, char *err,
                 size_t errlen)
{
    size_t i, k;
    struct ignored ig = {0, 0, 0};
    char buf[512];
    unsigned char active[SCHEMA_MAX_COLS];

    if (s->ncols > SCHEMA_MAX_COLS) {
        snprintf(err, errlen, "%s: more than %d columns", s->path, SCHEMA_MAX_COLS);
        return -1;
    }

    *bad_col = 0;
    memset(m, 0, sizeof *m);
    m->nfields = hdr->n;
    m->col_of_field = malloc((hdr->n ? hdr->n : 1) * sizeof *m->col_of_field);
    m->field_of_col = malloc(s->ncols * sizeof *m->field_of_col);
    m->ignored = calloc(1, 1);
    if (!m->col_of_field || !m->field_of_col || !m->ignored) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (k = 0; k < s->ncols; k++)
        m->field_of_col[k] = -1;
    if (conditional_aliases(s, hdr, active)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; i < hdr->n; i++) {
        int found = -1;
        m->col_of_field[i] = -1;
        if (hdr->bad[i]) {
            *bad_col = (int)i + 1;
            snprintf(err, errlen, "header cell %zu holds an undefined Windows-1252 byte or a NUL",
                     i + 1);
            return -1;
        }
        fold_F(hdr->f[i], hdr->len[i], buf, sizeof buf);
        for (k = 0; k < s->ncols && found < 0 && *buf; k++) {
            size_t a;
            for (a = 0; a < s->cols[k].nfolded; a++)
                if (!strcmp(s->cols[k].folded[a], buf)) {
                    found = (int)k;
                    break;
                }
            if (found < 0 && active[k] && !strcmp(s->cols[k].when_alias, buf))
                found = (int)k;
        }
        if (found < 0) {
            size_t n = hdr->len[i];
            char *name = csvin_trim(hdr->f[i], &n);
            if (append_ignored(m, n ? name : "(vide)", &ig)) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            continue;
        }
        if (m->field_of_col[found] >= 0) {
            *bad_col = (int)i + 1;
            snprintf(err, errlen, "header cells %d ('%s') and %zu ('%s') both name the column '%s'",
                     m->field_of_col[found] + 1, hdr->f[m->field_of_col[found]], i + 1, hdr->f[i],
                     s->cols[found].name);
            return -1;
        }
        m->field_of_col[found] = (int)i;
        m->col_of_field[i] = found;
    }
    if (end_ignored(m, &ig)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    {
        /* every missing required column, and why an alias_when alias was not taken */
        size_t n = 0, missing = 0;
        const char *hint = NULL;
        for (k = 0; k < s->ncols; k++)
            if (s->cols[k].required && m->field_of_col[k] < 0) {
                n += (size_t)snprintf(err + n, n < errlen ? errlen - n : 0, "%s'%s'",
                                      missing++ ? ", " : "", s->cols[k].name);
                if (s->cols[k].when_alias && header_has(hdr, s->cols[k].when_alias))
                    hint = s->cols[k].when_header;
            }
        if (missing) {
            char list[512];
            snprintf(list, sizeof list, "%s", err);
            n = (size_t)snprintf(err, errlen, "missing required column%s %s",
                                 missing > 1 ? "s" : "", list);
            if (hint && n < errlen)
                snprintf(err + n, errlen - n,
                         " (a conditional alias of this header names it only beside a '%s' "
                         "column: without it the file looks like another export, whose column "
                         "of that name means something else)",
                         hint);
            return -1;
        }
    }
    return 0;
}

void header_map_free(header_map *m)
{
    free(m->col_of_field);
    free(m->field_of_col);
    free(m->ignored);
    memset(m, 0, sizeof *m);
}

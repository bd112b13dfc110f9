#include "oschema.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grow.h"
#include "utf8.h"

#define MAX_COLS 16000     /* a workbook sheet has 16 384 columns; libellés take some */
#define SHEET_MAX_CHARS 31 /* Excel's longest sheet name */
#define CHART_TITLE_MAX 200
#define MAX_WINDOW 36 /* the rupture curve's last month */

const char *const oschema_format_names[OSCHEMA_NFORMATS] = {"text", "year",     "month", "count",
                                                            "pct",  "decimal1", "days"};

/* The reference tables a column's labels may name, by enum oschema_labels
 * (the first two have no name). */
static const char *const label_tables[] = {NULL,      NULL,           "opco",
                                           "regions", "departements", "naf_sections"};

/* The keys each mapping may hold: anything else is refused. */
static const char *const root_keys[] = {"table",       "file",    "sheet",     "title",
                                        "description", "keys",    "breakdown", "base",
                                        "chart",       "columns", NULL};
static const char *const column_keys[] = {"name",           "label",       "format", "definition",
                                          "secret",         "denominator", "from",   "labels",
                                          "labels_heading", NULL};
static const char *const chart_keys[] = {"column", "title", "type", "cohort_window_months", NULL};

/* The sheets report writes itself: no table may take their names. */
static const char *const reserved_sheets[] = {"Synthèse", "Tableau de bord", "Méthodologie",
                                              "Provenance"};

/* The tables whose indicators a breakdown table can repeat (`base`): those
 * indicators computes per breakdown value. */
static const char *const bases[] = {"croissance", "ruptures"};

/* The loader's state: where to write the first error, and whether memory
 * ran out (errno ENOMEM for the caller). */
struct ctx {
    const char *path;
    char *err;
    size_t errlen;
    int oom;
};

/* Writes "path:line:column: message" for node n (1:1 without one); -1. */
static int fail(struct ctx *c, const ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, const ynode *n, const char *fmt, ...)
{
    va_list ap;
    int k = snprintf(c->err, c->errlen, "%s:%d:%d: ", c->path, n ? n->line : 1, n ? n->col : 1);
    if (k >= 0 && (size_t)k < c->errlen) {
        va_start(ap, fmt);
        vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Records that memory ran out; -1. */
static int oom(struct ctx *c)
{
    c->oom = 1;
    snprintf(c->err, c->errlen, "%s: out of memory", c->path);
    return -1;
}

/* Refuses a key of mapping m that is not in known (what: the mapping, for
 * the message). 0 or -1. */
static int known_keys(struct ctx *c, const ynode *m, const char *const *known, const char *what)
{
    for (size_t i = 0; i < m->n; i++) {
        const ynode *k = m->kids[2 * i];
        size_t j;
        for (j = 0; known[j] && (k->type != YN_SCALAR || strcmp(k->str, known[j])); j++)
            ;
        if (!known[j]) {
            char list[256] = "";
            for (j = 0; known[j]; j++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? ", " : "",
                         known[j]);
            return fail(c, k, "unknown key '%s' in %s (known: %s)",
                        k->type == YN_SCALAR ? k->str : "?", what, list);
        }
    }
    return 0;
}

/* The string value of key in mapping m into *out, trailing white space
 * removed (folded scalars end with a newline); NULL when the key is absent
 * or null. 0, or -1 when the value is not a string, or is missing while
 * required. */
static int str_of(struct ctx *c, const ynode *m, const char *key, int required, const char **out)
{
    ynode *v = ymap_get(m, key);
    size_t n;
    *out = NULL;
    if (!v || yis_null(v))
        return required ? fail(c, m, "missing key: %s", key) : 0;
    if (v->type != YN_SCALAR)
        return fail(c, v, "expected a string for key %s", key);
    for (n = strlen(v->str); n && isspace((unsigned char)v->str[n - 1]);)
        v->str[--n] = '\0';
    if (!utf8_valid(v->str, n))
        return fail(c, v, "invalid UTF-8 in %s", key);
    *out = v->str;
    return 0;
}

/* NULL when s can name a workbook sheet, else what is wrong with it. */
static const char *sheet_problem(const char *s)
{
    size_t n = (size_t)utf8_chars(s);
    if (n == 0 || n > SHEET_MAX_CHARS)
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

/* table, file, sheet, title, description. 0 or -1. */
static int load_head(struct ctx *c, oschema *s, const ynode *root)
{
    const char *why;
    if (str_of(c, root, "table", 1, &s->table) || str_of(c, root, "file", 1, &s->file) ||
        str_of(c, root, "sheet", 0, &s->sheet) || str_of(c, root, "title", 1, &s->title) ||
        str_of(c, root, "description", 0, &s->description))
        return -1;
    if (!*s->file || strchr(s->file, '/') || !strcmp(s->file, ".") || !strcmp(s->file, ".."))
        return fail(c, ymap_get(root, "file"), "file must be a plain file name");
    if (s->sheet && (why = sheet_problem(s->sheet)))
        return fail(c, ymap_get(root, "sheet"), "%s", why);
    return 0;
}

/* A column's `labels` (a mapping code -> libellé, or a reference table's
 * name) and `labels_heading`. 0 or -1. */
static int load_labels(struct ctx *c, const ynode *m, oschema_col *k)
{
    const ynode *v = ymap_get(m, "labels"), *h = ymap_get(m, "labels_heading");
    if (!v || yis_null(v)) {
        if (h && !yis_null(h))
            return fail(c, h, "labels_heading: only beside labels");
        return 0;
    }
    if (v->type == YN_MAP) {
        k->labels = OSCHEMA_LABELS_MAP;
        k->lab_code = calloc(v->n ? v->n : 1, sizeof *k->lab_code);
        k->lab_text = calloc(v->n ? v->n : 1, sizeof *k->lab_text);
        if (!k->lab_code || !k->lab_text)
            return oom(c);
        for (size_t i = 0; i < v->n; i++) {
            const ynode *code = v->kids[2 * i], *text = v->kids[2 * i + 1];
            if (code->type != YN_SCALAR || text->type != YN_SCALAR ||
                !utf8_valid(text->str, strlen(text->str)))
                return fail(c, text, "a libellé is a UTF-8 string in labels of %s", k->name);
            k->lab_code[k->nlab] = code->str;
            k->lab_text[k->nlab++] = text->str;
        }
    } else if (v->type == YN_SCALAR) {
        for (k->labels = OSCHEMA_LABELS_OPCO;
             k->labels <= OSCHEMA_LABELS_NAF_SECTIONS && strcmp(v->str, label_tables[k->labels]);
             k->labels++)
            ;
        if (k->labels > OSCHEMA_LABELS_NAF_SECTIONS)
            return fail(c, v,
                        "labels: a mapping, or one of opco, regions, departements, naf_sections: "
                        "%s",
                        v->str);
    } else {
        return fail(c, v, "labels: a mapping or a reference table name in column %s", k->name);
    }
    if (str_of(c, m, "labels_heading", 0, &k->labels_heading))
        return -1;
    if (!k->labels_heading)
        k->labels_heading = "Libellé";
    return 0;
}

/* One column's own keys (the references to other columns come after every
 * name is known). 0 or -1. */
static int load_column(struct ctx *c, oschema *s, size_t i, const ynode *m)
{
    oschema_col *k = &s->cols[i];
    const char *f;
    const ynode *v;
    k->denominator = -1;
    if (m->type != YN_MAP)
        return fail(c, m, "a column is a mapping");
    if (known_keys(c, m, column_keys, "a column") || str_of(c, m, "name", 1, &k->name) ||
        str_of(c, m, "label", 1, &k->label) || str_of(c, m, "format", 1, &f) ||
        str_of(c, m, "definition", 0, &k->definition))
        return -1;
    for (k->format = OSCHEMA_TEXT;
         k->format < OSCHEMA_NFORMATS && strcmp(oschema_format_names[k->format], f); k->format++)
        ;
    if (k->format == OSCHEMA_NFORMATS)
        return fail(c, ymap_get(m, "format"),
                    "unknown format (text, year, month, count, pct, decimal1, days): %s", f);
    for (size_t j = 0; j < i; j++)
        if (!strcmp(s->cols[j].name, k->name))
            return fail(c, m, "duplicate column: %s", k->name);
    if ((v = ymap_get(m, "secret")) && !yis_null(v)) {
        if (v->type != YN_SCALAR || (strcmp(v->str, "true") && strcmp(v->str, "false")))
            return fail(c, v, "secret: true or false");
        k->secret = !strcmp(v->str, "true");
        if (k->secret && k->format != OSCHEMA_COUNT)
            return fail(c, v, "secret: only on a count column (format: count)");
    }
    return load_labels(c, m, k);
}

/* The columns that the value v of key `what` lists, as indexes into *idx
 * (malloc'd, *n of them); none when v is absent or null. 0, or -1 when v is
 * not a list of column names. */
static int col_list(struct ctx *c, const oschema *s, const ynode *v, const char *what, int **idx,
                    size_t *n)
{
    *n = 0;
    if (!v || yis_null(v))
        return 0;
    if (v->type != YN_SEQ)
        return fail(c, v, "%s: a list of column names", what);
    if (!(*idx = calloc(v->n ? v->n : 1, sizeof **idx)))
        return oom(c);
    for (; *n < v->n; (*n)++) {
        const ynode *x = v->kids[*n];
        if (x->type != YN_SCALAR)
            return fail(c, x, "an item of %s must be a column name", what);
        if (((*idx)[*n] = oschema_find(s, x->str)) < 0)
            return fail(c, x, "unknown column '%s' in %s", x->str, what);
    }
    return 0;
}

/* A column's `denominator` (a count column) and `from` (columns). 0 or -1. */
static int load_refs(struct ctx *c, oschema *s, oschema_col *k, const ynode *m)
{
    const ynode *dn = ymap_get(m, "denominator"), *fr = ymap_get(m, "from");
    if (dn && !yis_null(dn)) {
        if (dn->type != YN_SCALAR)
            return fail(c, dn, "denominator: a column name");
        if ((k->denominator = oschema_find(s, dn->str)) < 0)
            return fail(c, dn, "unknown denominator column '%s'", dn->str);
        if (s->cols[k->denominator].format != OSCHEMA_COUNT)
            return fail(c, dn, "denominator: '%s' is not a count column", dn->str);
    }
    return col_list(c, s, fr, "from", &k->from, &k->nfrom);
}

/* `columns`: a non-empty list of columns, then the references between them
 * (denominator, from) once every name is known. 0 or -1. */
static int load_columns(struct ctx *c, oschema *s, const ynode *root)
{
    const ynode *cols = ymap_get(root, "columns");
    if (!cols || cols->type != YN_SEQ || cols->n == 0)
        return fail(c, cols ? cols : root, "columns must be a non-empty list");
    if (cols->n > MAX_COLS)
        return fail(c, cols, "too many columns");
    if (!(s->cols = calloc(cols->n, sizeof *s->cols)))
        return oom(c);
    /* every column is counted from here (names NULL until read), so that
     * oschema_free frees what a failed load allocated */
    s->ncols = cols->n;
    for (size_t i = 0; i < cols->n; i++)
        if (load_column(c, s, i, cols->kids[i]))
            return -1;
    for (size_t i = 0; i < cols->n; i++)
        if (load_refs(c, s, &s->cols[i], cols->kids[i]))
            return -1;
    return 0;
}

/* `keys`: columns of the table, each once, that name a row (text, year or
 * month: a count identifies nothing). 0 or -1. */
static int load_keys(struct ctx *c, oschema *s, const ynode *root)
{
    const ynode *v = ymap_get(root, "keys");
    int *idx = NULL, rc = col_list(c, s, v, "keys", &idx, &s->nkeys);
    if (!rc && !(s->keys = calloc(s->nkeys ? s->nkeys : 1, sizeof *s->keys)))
        rc = oom(c);
    for (size_t i = 0; i < s->nkeys && !rc; i++) {
        const oschema_col *k = &s->cols[idx[i]];
        if (k->format != OSCHEMA_TEXT && k->format != OSCHEMA_YEAR && k->format != OSCHEMA_MONTH)
            rc = fail(c, v->kids[i],
                      "key column '%s' is a number: a key is text, a year or a month", k->name);
        for (size_t j = 0; j < i && !rc; j++)
            if (idx[j] == idx[i])
                rc = fail(c, v->kids[i], "key column '%s' listed twice", k->name);
        s->keys[i] = k->name;
    }
    free(idx);
    return rc;
}

/* `breakdown` (one of keys) and `base`, which go together. 0 or -1. */
static int load_breakdown(struct ctx *c, oschema *s, const ynode *root)
{
    size_t i;
    if (str_of(c, root, "breakdown", 0, &s->breakdown) || str_of(c, root, "base", 0, &s->base))
        return -1;
    if (!s->breakdown) {
        if (s->base)
            return fail(c, ymap_get(root, "base"), "base: only in a breakdown table");
        return 0;
    }
    for (i = 0; i < s->nkeys && strcmp(s->keys[i], s->breakdown); i++)
        ;
    if (i == s->nkeys)
        return fail(c, ymap_get(root, "breakdown"), "breakdown: '%s' is not one of keys",
                    s->breakdown);
    if (!s->base)
        return fail(c, root, "a breakdown table names its base: croissance or ruptures");
    for (i = 0; i < sizeof bases / sizeof *bases && strcmp(s->base, bases[i]); i++)
        ;
    if (i == sizeof bases / sizeof *bases)
        return fail(c, ymap_get(root, "base"), "base: croissance or ruptures, not %s", s->base);
    return 0;
}

/* A breakdown table's `chart`: column (a number column), title, type
 * (column or bar), cohort_window_months. 0 or -1. */
static int load_chart(struct ctx *c, oschema *s, const ynode *root)
{
    const ynode *m = ymap_get(root, "chart"), *w;
    const char *type;
    int col;
    if (!m || yis_null(m))
        return 0;
    if (m->type != YN_MAP || !s->breakdown)
        return fail(c, m, "chart: a mapping, in a breakdown table only");
    if (known_keys(c, m, chart_keys, "chart") || str_of(c, m, "column", 1, &s->chart.column) ||
        str_of(c, m, "title", 1, &s->chart.title) || str_of(c, m, "type", 0, &type))
        return -1;
    col = oschema_find(s, s->chart.column);
    if (col < 0 || s->cols[col].format == OSCHEMA_TEXT)
        return fail(c, ymap_get(m, "column"), "chart: not a numeric column of the table: %s",
                    s->chart.column);
    if (utf8_chars(s->chart.title) > CHART_TITLE_MAX)
        return fail(c, ymap_get(m, "title"), "chart: a title of at most 200 characters");
    if (!type || !strcmp(type, "column"))
        s->chart.type = OSCHEMA_CHART_COLUMN;
    else if (!strcmp(type, "bar"))
        s->chart.type = OSCHEMA_CHART_BAR;
    else
        return fail(c, ymap_get(m, "type"), "chart: type is column or bar, not %s", type);
    w = ymap_get(m, "cohort_window_months");
    if (w && !yis_null(w)) {
        char *end = NULL;
        long v = w->type == YN_SCALAR ? strtol(w->str, &end, 10) : -1;
        if (v < 1 || v > MAX_WINDOW || *end)
            return fail(c, w, "chart: cohort_window_months is a whole number from 1 to 36");
        s->chart.window = (int)v;
    }
    return 0;
}

oschema *oschema_load(const char *path, char *err, size_t errlen)
{
    struct ctx c = {path, err, errlen, 0};
    oschema *s = calloc(1, sizeof *s);
    int rc = -1;

    if (!s || !(s->path = strdup(path))) {
        oom(&c);
        goto done;
    }
    errno = 0;
    if (!(s->doc = yload_file(path, err, errlen))) {
        c.oom = errno == ENOMEM;
        goto done;
    }
    if (!s->doc->root || s->doc->root->type != YN_MAP)
        fail(&c, s->doc->root, "an output schema is a mapping");
    else if (!known_keys(&c, s->doc->root, root_keys, "an output schema") &&
             !load_head(&c, s, s->doc->root) && !load_columns(&c, s, s->doc->root) &&
             !load_keys(&c, s, s->doc->root) && !load_breakdown(&c, s, s->doc->root) &&
             !load_chart(&c, s, s->doc->root))
        rc = 0;
done:
    if (rc) {
        oschema_free(s);
        errno = c.oom ? ENOMEM : EINVAL;
        return NULL;
    }
    return s;
}

int oschema_find(const oschema *s, const char *name)
{
    for (size_t i = 0; i < s->ncols; i++)
        if (s->cols[i].name && !strcmp(s->cols[i].name, name))
            return (int)i;
    return -1;
}

const char *oschema_label(const oschema_col *c, const char *code)
{
    for (size_t i = 0; i < c->nlab; i++)
        if (!strcmp(c->lab_code[i], code))
            return c->lab_text[i];
    return NULL;
}

void oschema_free(oschema *s)
{
    if (!s)
        return;
    for (size_t i = 0; s->cols && i < s->ncols; i++) {
        free(s->cols[i].from);
        free(s->cols[i].lab_code);
        free(s->cols[i].lab_text);
    }
    free(s->cols);
    free(s->keys);
    free(s->path);
    ydoc_free(s->doc);
    free(s);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file names NAME.yaml of dir (not starting with '.'), sorted. 0 or -1. */
static int list_yaml(struct ctx *c, const char *dir, char ***names, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t cap = 0;
    if (!d) {
        snprintf(c->err, c->errlen, "%s: cannot open the output schemas: %s", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || de->d_name[0] == '.' || strcmp(de->d_name + len - 5, ".yaml"))
            continue;
        if (grow_to(names, &cap, *n + 1, sizeof **names, 16))
            break;
        if (!((*names)[*n] = strdup(de->d_name)))
            break;
        (*n)++;
    }
    closedir(d);
    if (de)
        return oom(c);
    qsort(*names, *n, sizeof **names, cmp_name);
    return 0;
}

int oschema_load_dir(const char *schemas_dir, oschema ***out, size_t *n, char *err, size_t errlen)
{
    struct ctx c = {schemas_dir, err, errlen, 0};
    char dir[4096], path[4352];
    char **names = NULL;
    size_t nn = 0, k = 0;
    oschema **s = NULL;
    int rc = -1;

    snprintf(dir, sizeof dir, "%s/output", schemas_dir);
    if (list_yaml(&c, dir, &names, &nn))
        goto done;
    if (!(s = calloc(nn ? nn : 1, sizeof *s))) {
        oom(&c);
        goto done;
    }
    for (k = 0; k < nn; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        if (!(s[k] = oschema_load(path, err, errlen))) {
            c.oom = errno == ENOMEM;
            goto done;
        }
        for (size_t j = 0; j < k; j++) {
            if (!strcmp(s[k]->table, s[j]->table)) {
                snprintf(err, errlen, "%s:1:1: table %s is also described by %s", s[k]->path,
                         s[k]->table, s[j]->path);
                k++;
                goto done;
            }
            if (s[k]->sheet && s[j]->sheet && !strcasecmp(s[k]->sheet, s[j]->sheet)) {
                snprintf(err, errlen, "%s:1:1: sheet %s is also the sheet of %s", s[k]->path,
                         s[k]->sheet, s[j]->path);
                k++;
                goto done;
            }
        }
    }
    rc = 0;
done:
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    if (rc) {
        oschema_free_all(s, k);
        errno = c.oom ? ENOMEM : EINVAL;
        return -1;
    }
    *out = s;
    *n = nn;
    return 0;
}

void oschema_free_all(oschema **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        oschema_free(s[i]);
    free(s);
}

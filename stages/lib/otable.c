#include "otable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "values.h"
#include "yload.h"

otable *otable_load(const char *path, char *err, size_t errlen)
{
    ydoc *d = yload_file(path, err, errlen);
    otable *t;
    const ynode *cols, *v;
    size_t i, k;

    if (!d)
        return NULL;
    t = calloc(1, sizeof *t);
    if (!t)
        goto oom;
    t->path = strdup(path);
    v = ymap_get(d->root, "table");
    t->name = strdup(v && v->type == YN_SCALAR ? v->str : "");
    v = ymap_get(d->root, "file");
    t->file = strdup(v && v->type == YN_SCALAR ? v->str : "");
    if (!t->path || !t->name || !t->file)
        goto oom;
    v = ymap_get(d->root, "breakdown");
    t->breakdown = v && v->type == YN_SCALAR ? strdup(v->str) : NULL;
    v = ymap_get(d->root, "base");
    t->base = v && v->type == YN_SCALAR ? strdup(v->str) : NULL;
    cols = ymap_get(d->root, "columns");
    if (!cols || cols->type != YN_SEQ || !cols->n || !*t->file) {
        snprintf(err, errlen, "%s:1:1: an output schema needs 'file' and a list of 'columns'",
                 path);
        goto error;
    }
    t->cols = calloc(cols->n, sizeof *t->cols);
    if (!t->cols)
        goto oom;
    t->ncols = cols->n;
    for (i = 0; i < cols->n; i++) {
        const ynode *n = ymap_get(cols->kids[i], "name"), *s = ymap_get(cols->kids[i], "secret");
        if (!n || n->type != YN_SCALAR) {
            snprintf(err, errlen, "%s:%d:%d: a column needs a name", path, cols->kids[i]->line,
                     cols->kids[i]->col);
            goto error;
        }
        t->cols[i].name = strdup(n->str);
        t->cols[i].secret = s && s->type == YN_SCALAR && !strcmp(s->str, "true");
        t->cols[i].denominator = -1;
    }
    for (i = 0; i < cols->n; i++) {
        const ynode *dn = ymap_get(cols->kids[i], "denominator"),
                    *fr = ymap_get(cols->kids[i], "from");
        if (dn && dn->type == YN_SCALAR) {
            t->cols[i].denominator = otable_col(t, dn->str);
            if (t->cols[i].denominator < 0) {
                snprintf(err, errlen, "%s:%d:%d: unknown denominator column '%s'", path, dn->line,
                         dn->col, dn->str);
                goto error;
            }
        }
        if (fr && fr->type == YN_SEQ) {
            t->cols[i].from = calloc(fr->n ? fr->n : 1, sizeof(int));
            if (!t->cols[i].from)
                goto oom;
            for (k = 0; k < fr->n; k++) {
                int c = fr->kids[k]->type == YN_SCALAR ? otable_col(t, fr->kids[k]->str) : -1;
                if (c < 0 && fr->kids[k]->type != YN_SCALAR) {
                    snprintf(err, errlen, "%s:%d:%d: an item of 'from' must be a column name", path,
                             fr->kids[k]->line, fr->kids[k]->col);
                    goto error;
                }
                if (c < 0) {
                    snprintf(err, errlen, "%s:%d:%d: unknown column '%s' in 'from'", path,
                             fr->kids[k]->line, fr->kids[k]->col, fr->kids[k]->str);
                    goto error;
                }
                t->cols[i].from[t->cols[i].nfrom++] = c;
            }
        }
    }
    ydoc_free(d);
    return t;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
error:
    otable_free(t);
    ydoc_free(d);
    return NULL;
}

int otable_col(const otable *t, const char *name)
{
    size_t i;
    for (i = 0; i < t->ncols; i++)
        if (t->cols[i].name && !strcmp(t->cols[i].name, name))
            return (int)i;
    return -1;
}

int otable_open(otable *t, const char *dir, int threshold, char *err, size_t errlen)
{
    char path[4096];
    size_t i;
    snprintf(path, sizeof path, "%s/%s", dir, t->file);
    t->threshold = threshold;
    t->out = csvout_open(path, 1, err, errlen);
    if (!t->out)
        return -1;
    for (i = 0; i < t->ncols; i++)
        csvout_str(t->out, t->cols[i].name);
    return csvout_endrow(t->out);
}

/* 1 when the count v must be hidden. */
static int hidden_count(const otable *t, int64_t v)
{
    return t->threshold > 0 && v > 0 && v < t->threshold;
}

int otable_row(otable *t, const oval *v)
{
    size_t i, k;
    char buf[64];
    int secret[256] = {0};

    for (i = 0; i < t->ncols && i < 256; i++)
        if (t->cols[i].secret && v[i].type == OV_INT)
            secret[i] = hidden_count(t, v[i].a);
    for (i = 0; i < t->ncols; i++) {
        const oval *x = &v[i];
        const ocol *c = &t->cols[i];
        int hide = secret[i];
        if (x->type == OV_PCT || x->type == OV_RATIO ||
            (c->denominator >= 0 && x->type == OV_INT)) {
            int64_t den = x->type == OV_INT ? 0 : x->b;
            if (c->denominator >= 0 && v[c->denominator].type == OV_INT)
                den = v[c->denominator].a;
            if (den == 0 && x->type != OV_INT) {
                csvout_field(t->out, "", 0);
                continue;
            }
            hide = hidden_count(t, den);
            for (k = 0; k < c->nfrom; k++)
                hide |= secret[c->from[k]];
            if (c->denominator >= 0 && secret[c->denominator])
                hide = 1;
        }
        if (hide && x->type != OV_MISSING) {
            csvout_field(t->out, "s", 1);
            continue;
        }
        switch (x->type) {
        case OV_MISSING:
            csvout_field(t->out, "", 0);
            break;
        case OV_TEXT:
            csvout_str(t->out, x->text);
            break;
        case OV_INT:
            csvout_int(t->out, x->a);
            break;
        case OV_PCT:
            pct_format(x->a, x->b, buf);
            csvout_str(t->out, buf);
            break;
        case OV_RATIO:
            ratio_format(x->a, x->b, buf);
            csvout_str(t->out, buf);
            break;
        }
    }
    return csvout_endrow(t->out);
}

int otable_close_stats(otable *t, csvout_stats *st, char *err, size_t errlen)
{
    int rc = csvout_close_stats(t->out, st, err, errlen);
    t->out = NULL;
    return rc;
}

int otable_close(otable *t, char *err, size_t errlen)
{
    return otable_close_stats(t, NULL, err, errlen);
}

void otable_free(otable *t)
{
    size_t i;
    if (!t)
        return;
    if (t->out)
        csvout_abort(t->out);
    for (i = 0; i < t->ncols; i++) {
        free(t->cols[i].name);
        free(t->cols[i].from);
    }
    free(t->cols);
    free(t->path);
    free(t->name);
    free(t->file);
    free(t->breakdown);
    free(t->base);
    free(t);
}

#include "otable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oschema.h"
#include "secrecy.h"
#include "values.h"

/* Texts of kept rows: blocks that never move, so the kept values can point
 * into them. */
struct otable_arena {
    struct otable_arena *next;
    size_t used, cap;
    char text[];
};

#define ARENA_BLOCK 65536

/* A copy of s, or NULL when s is NULL or memory ran out (*oom set). */
static char *dup_or_null(const char *s, int *oom)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *oom = 1;
    return d;
}

otable *otable_load(const char *path, char *err, size_t errlen)
{
    oschema *s = oschema_load(path, err, errlen);
    otable *t;
    int oom = 0;

    if (!s)
        return NULL;
    if (!(t = calloc(1, sizeof *t)))
        goto oom;
    t->path = dup_or_null(s->path, &oom);
    t->name = dup_or_null(s->table, &oom);
    t->file = dup_or_null(s->file, &oom);
    t->breakdown = dup_or_null(s->breakdown, &oom);
    t->base = dup_or_null(s->base, &oom);
    t->keys = calloc(s->nkeys ? s->nkeys : 1, sizeof *t->keys);
    t->cols = calloc(s->ncols, sizeof *t->cols);
    if (oom || !t->keys || !t->cols)
        goto oom;
    for (; t->nkeys < s->nkeys; t->nkeys++)
        t->keys[t->nkeys] = dup_or_null(s->keys[t->nkeys], &oom);
    for (; t->ncols < s->ncols; t->ncols++) {
        const oschema_col *c = &s->cols[t->ncols];
        ocol *o = &t->cols[t->ncols];
        o->name = dup_or_null(c->name, &oom);
        o->secret = c->secret;
        o->denominator = c->denominator;
        if (!(o->from = calloc(c->nfrom ? c->nfrom : 1, sizeof *o->from)))
            goto oom;
        if (c->nfrom)
            memcpy(o->from, c->from, c->nfrom * sizeof *o->from);
        o->nfrom = c->nfrom;
    }
    if (oom)
        goto oom;
    oschema_free(s);
    return t;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
    otable_free(t);
    oschema_free(s);
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

/* Writes one row; secret[i] is 1 for a hidden count. A rate, mean or
 * median is hidden when its denominator is a count in the primary range or
 * hidden, or a count it comes from is hidden; empty over a zero. */
static int put_row(otable *t, const oval *v, const unsigned char *secret)
{
    size_t i, k;
    char buf[64];

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

int otable_row(otable *t, const oval *v)
{
    unsigned char secret[256] = {0};
    size_t i;
    if (t->ncols > 256)
        return -1;
    for (i = 0; i < t->ncols; i++)
        if (t->cols[i].secret && v[i].type == OV_INT)
            secret[i] = (unsigned char)hidden_count(t, v[i].a);
    return put_row(t, v, secret);
}

static const char *arena_copy(otable *t, const char *s)
{
    size_t n = strlen(s) + 1;
    struct otable_arena *a = t->arena;
    char *p;
    if (!a || a->used + n > a->cap) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        struct otable_arena *b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = a;
        b->used = 0;
        b->cap = cap;
        t->arena = a = b;
    }
    p = a->text + a->used;
    memcpy(p, s, n);
    a->used += n;
    return p;
}

int otable_keep(otable *t, const oval *v, int written)
{
    size_t i;
    if (t->nkept == t->capkept) {
        size_t nc = t->capkept ? 2 * t->capkept : 256;
        oval *nk = realloc(t->kept, nc * t->ncols * sizeof *nk);
        unsigned char *nw;
        if (!nk)
            return -1;
        t->kept = nk;
        if (!(nw = realloc(t->written, nc)))
            return -1;
        t->written = nw;
        t->capkept = nc;
    }
    for (i = 0; i < t->ncols; i++) {
        oval x = v[i];
        if (x.type == OV_TEXT && !(x.text = arena_copy(t, x.text ? x.text : "")))
            return -1;
        t->kept[t->nkept * t->ncols + i] = x;
    }
    t->written[t->nkept++] = written ? 1 : 0;
    return 0;
}

/* Declares table t to the engine and adds its kept rows: keys as texts,
 * the secret columns as counts. Its number, or -1. */
static int feed(secrecy *s, const otable *t)
{
    const char **keys = calloc(t->nkeys ? t->nkeys : 1, sizeof *keys);
    const char **names = calloc(t->ncols, sizeof *names);
    int *kcol = calloc(t->nkeys ? t->nkeys : 1, sizeof *kcol);
    int64_t *counts = calloc(t->ncols, sizeof *counts);
    size_t nc = 0, r, i;
    int ti = -1;

    if (!keys || !names || !kcol || !counts)
        goto done;
    for (i = 0; i < t->nkeys; i++)
        if ((kcol[i] = otable_col(t, t->keys[i])) < 0)
            goto done;
    for (i = 0; i < t->ncols; i++)
        if (t->cols[i].secret)
            names[nc++] = t->cols[i].name;
    ti = secrecy_table(s, t->name, (const char *const *)t->keys, t->nkeys, names, nc, t->breakdown,
                       t->base);
    for (r = 0; ti >= 0 && r < t->nkept; r++) {
        const oval *v = &t->kept[r * t->ncols];
        size_t n = 0;
        for (i = 0; i < t->nkeys; i++)
            keys[i] = v[kcol[i]].type == OV_TEXT ? v[kcol[i]].text : "";
        for (i = 0; i < t->ncols; i++)
            if (t->cols[i].secret)
                counts[n++] = v[i].type == OV_INT ? v[i].a : SECRECY_MISSING;
        if (secrecy_row(s, ti, keys, counts, t->written[r]))
            ti = -1;
    }
done:
    free(keys);
    free(names);
    free(kcol);
    free(counts);
    return ti;
}

int otable_protect(otable **t, size_t n, int threshold, int flags, char *err, size_t errlen)
{
    secrecy *s = secrecy_new(threshold);
    int *ti = calloc(n ? n : 1, sizeof *ti), rc = -1;
    size_t i;

    if (!s || !ti) {
        snprintf(err, errlen, "secrecy: out of memory");
        goto done;
    }
    for (i = 0; i < n; i++) {
        if ((ti[i] = feed(s, t[i])) < 0) {
            snprintf(err, errlen, "%s: out of memory, or a key column missing or repeated",
                     t[i]->path);
            goto done;
        }
    }
    rc = secrecy_run(s, flags, err, errlen);
    if (rc < 0)
        goto done;
    for (i = 0; i < n; i++) {
        otable *x = t[i];
        secrecy_stats st = secrecy_table_stats(s, ti[i]);
        size_t r, c, k;
        free(x->mark);
        x->mark = calloc(x->nkept ? x->nkept * x->ncols : 1, 1);
        if (!x->mark) {
            snprintf(err, errlen, "secrecy: out of memory");
            rc = -1;
            goto done;
        }
        for (r = 0; r < x->nkept; r++)
            for (c = 0, k = 0; c < x->ncols; c++)
                if (x->cols[c].secret)
                    x->mark[r * x->ncols + c] = (unsigned char)secrecy_mark(s, ti[i], r, k++);
        x->threshold = threshold;
        x->primary = st.primary;
        x->secondary = st.secondary;
        x->determined = st.determined;
    }
done:
    secrecy_free(s);
    free(ti);
    return rc;
}

int otable_write(otable *t, const char *dir, csvout_stats *st, char *err, size_t errlen)
{
    unsigned char secret[256];
    size_t r, c;
    int thr = t->mark ? t->threshold : 0;

    if (t->ncols > 256) {
        snprintf(err, errlen, "%s: more than 256 columns", t->path);
        return -1;
    }
    if (otable_open(t, dir, thr, err, errlen))
        return -1;
    for (r = 0; r < t->nkept; r++) {
        if (!t->written[r])
            continue;
        for (c = 0; c < t->ncols; c++)
            secret[c] = t->mark && t->mark[r * t->ncols + c] != SECRECY_SHOWN;
        if (put_row(t, &t->kept[r * t->ncols], secret)) {
            snprintf(err, errlen, "%s: write failed", t->file);
            return -1;
        }
    }
    return otable_close_stats(t, st, err, errlen);
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
    for (i = 0; i < t->nkeys; i++)
        free(t->keys[i]);
    free(t->keys);
    free(t->kept);
    free(t->written);
    free(t->mark);
    while (t->arena) {
        struct otable_arena *n = t->arena->next;
        free(t->arena);
        t->arena = n;
    }
    free(t->cols);
    free(t->path);
    free(t->name);
    free(t->file);
    free(t->breakdown);
    free(t->base);
    free(t);
}

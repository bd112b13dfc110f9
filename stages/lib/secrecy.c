#include "secrecy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "linsys.h"
#include "strmap.h"

#define SEP '\x1f' /* between key values in a row's index key */
#define KEYBUF 2048

struct stab {
    char *name, *breakdown, *base;
    char **keys, **cols;
    size_t nkeys, ncols;
    size_t nrows, caprows;
    size_t *koff; /* nrows * nkeys offsets of the key values in text */
    char *text;
    size_t ntext, captext;
    int64_t *val; /* nrows * ncols */
    unsigned char *written;
    strmap index; /* joined key values -> row */
    size_t cell0; /* first cell's number */
    int k_annee, k_mois, k_region, k_opco, k_bd;
};

/* A class: the cells that hold the same figure (one unknown). */
enum kstate { K_ZERO, K_KNOWN, K_HIDDEN, K_UNKNOWN };

struct klass {
    int64_t value;
    uint32_t first; /* first written cell, else first cell */
    unsigned char state, primary, level, determined;
};

/* Relations over cells while they are built: sum(coef * cell) = 0. */
struct crel {
    uint32_t *cell;
    int32_t *coef;
    size_t n, cap;
    size_t *start; /* nrel + 1 */
    size_t nrel, caprel;
};

struct secrecy {
    int threshold;
    struct stab *t;
    size_t nt, capt;
    size_t ncells;
    uint32_t *uf;  /* union-find over cells */
    uint32_t *cls; /* cell -> class */
    struct klass *k;
    size_t nk;
    struct crel cr;
    /* relations over classes, CSR both ways */
    size_t nrel;
    size_t *rs;
    uint32_t *rk;
    int64_t *rc;
    size_t *ks;
    uint32_t *kr;
    uint32_t *nh, *nu; /* per relation: hidden / unpublished unknowns */
    /* per determined class: the published classes that would protect it */
    size_t *coff;
    uint32_t *cn, *cand;
    size_t ncand, capcand;
    unsigned char *mark;  /* per cell */
    secrecy_stats *stats; /* per table */
    int run;
};

/* --- tables and rows ---------------------------------------------------- */

secrecy *secrecy_new(int threshold)
{
    secrecy *s = calloc(1, sizeof *s);
    if (s)
        s->threshold = threshold;
    return s;
}

static void stab_free(struct stab *t)
{
    for (size_t i = 0; i < t->nkeys; i++)
        free(t->keys[i]);
    for (size_t i = 0; i < t->ncols; i++)
        free(t->cols[i]);
    free(t->keys);
    free(t->cols);
    free(t->name);
    free(t->breakdown);
    free(t->base);
    free(t->koff);
    free(t->text);
    free(t->val);
    free(t->written);
    strmap_free(&t->index);
}

void secrecy_free(secrecy *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nt; i++)
        stab_free(&s->t[i]);
    free(s->t);
    free(s->uf);
    free(s->cls);
    free(s->k);
    free(s->cr.cell);
    free(s->cr.coef);
    free(s->cr.start);
    free(s->rs);
    free(s->rk);
    free(s->rc);
    free(s->ks);
    free(s->kr);
    free(s->nh);
    free(s->nu);
    free(s->coff);
    free(s->cn);
    free(s->cand);
    free(s->mark);
    free(s->stats);
    free(s);
}

static char **copy_names(const char *const *v, size_t n)
{
    char **c = calloc(n ? n : 1, sizeof *c);
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(c[i] = strdup(v[i]))) {
            while (i--)
                free(c[i]);
            free(c);
            return NULL;
        }
    return c;
}

static int name_at(char *const *v, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcmp(v[i], name))
            return (int)i;
    return -1;
}

int secrecy_table(secrecy *s, const char *name, const char *const *keys, size_t nkeys,
                  const char *const *counts, size_t ncounts, const char *breakdown,
                  const char *base)
{
    struct stab *t;
    if (s->run)
        return -1;
    if (grow_to(&s->t, &s->capt, s->nt + 1, sizeof *s->t, 8))
        return -1;
    t = &s->t[s->nt];
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    t->breakdown = breakdown ? strdup(breakdown) : NULL;
    t->base = base ? strdup(base) : NULL;
    t->keys = copy_names(keys, nkeys);
    t->nkeys = t->keys ? nkeys : 0;
    t->cols = copy_names(counts, ncounts);
    t->ncols = t->cols ? ncounts : 0;
    if (!t->name || (breakdown && !t->breakdown) || (base && !t->base) || !t->keys || !t->cols) {
        stab_free(t);
        return -1;
    }
    t->k_annee = name_at(t->keys, nkeys, "annee");
    t->k_mois = name_at(t->keys, nkeys, "mois");
    t->k_region = name_at(t->keys, nkeys, "region");
    t->k_opco = name_at(t->keys, nkeys, "opco");
    t->k_bd = name_at(t->keys, nkeys, breakdown);
    return (int)s->nt++;
}

static const char *kv(const struct stab *t, size_t row, int k)
{
    return t->text + t->koff[row * t->nkeys + (size_t)k];
}

/* The joined key values of a row, key `skip` left out and key `repl` given
 * the value rv (-1: none). Its length, or 0 when it does not fit. */
static size_t kjoin(const struct stab *t, size_t row, int skip, int repl, const char *rv, char *buf)
{
    size_t n = 0;
    for (int k = 0; k < (int)t->nkeys; k++) {
        const char *v = k == repl ? rv : kv(t, row, k);
        size_t l = strlen(v);
        if (k == skip)
            continue;
        if (n + l + 1 >= KEYBUF)
            return 0;
        memcpy(buf + n, v, l);
        n += l;
        buf[n++] = SEP;
    }
    return n ? n : 1;
}

int secrecy_row(secrecy *s, int ti, const char *const *keys, const int64_t *counts, int written)
{
    struct stab *t = &s->t[ti];
    char buf[KEYBUF];
    size_t need = 0, n = 0;
    int put;

    if (s->run || ti < 0 || (size_t)ti >= s->nt || t->nrows >= UINT32_MAX / 64)
        return -1;
    if (t->nrows == t->caprows) {
        size_t nc = t->caprows ? 2 * t->caprows : 256;
        size_t *ko = realloc(t->koff, nc * (t->nkeys ? t->nkeys : 1) * sizeof *ko);
        int64_t *nv;
        unsigned char *nw;
        if (!ko)
            return -1;
        t->koff = ko;
        nv = realloc(t->val, nc * (t->ncols ? t->ncols : 1) * sizeof *nv);
        if (!nv)
            return -1;
        t->val = nv;
        nw = realloc(t->written, nc);
        if (!nw)
            return -1;
        t->written = nw;
        t->caprows = nc;
    }
    for (size_t k = 0; k < t->nkeys; k++)
        need += strlen(keys[k]) + 1;
    if (grow_to(&t->text, &t->captext, t->ntext + need, 1, 4096))
        return -1;
    for (size_t k = 0; k < t->nkeys; k++) {
        size_t l = strlen(keys[k]) + 1;
        t->koff[t->nrows * t->nkeys + k] = t->ntext;
        memcpy(t->text + t->ntext, keys[k], l);
        t->ntext += l;
    }
    for (size_t c = 0; c < t->ncols; c++)
        t->val[t->nrows * t->ncols + c] = counts[c];
    t->written[t->nrows] = written ? 1 : 0;
    n = kjoin(t, t->nrows, -1, -1, NULL, buf);
    if (!n)
        return -1;
    put = strmap_put(&t->index, buf, n, t->nrows, NULL);
    if (put <= 0)
        return -1;
    t->nrows++;
    return 0;
}

static long find_row(const struct stab *t, const char *buf, size_t n)
{
    const size_t *v = n ? strmap_get(&t->index, buf, n) : NULL;
    return v ? (long)*v : -1;
}

/* The row of table dst whose keys take the values of the named pairs; -1
 * when dst has a key the pairs do not name, or no such row. */
static long lookup(const struct stab *dst, const char *const *names, const char *const *vals,
                   size_t n)
{
    char buf[KEYBUF];
    size_t len = 0;
    for (size_t k = 0; k < dst->nkeys; k++) {
        size_t i, l;
        for (i = 0; i < n && strcmp(names[i], dst->keys[k]); i++)
            ;
        if (i == n)
            return -1;
        l = strlen(vals[i]);
        if (len + l + 1 >= KEYBUF)
            return -1;
        memcpy(buf + len, vals[i], l);
        len += l;
        buf[len++] = SEP;
    }
    return find_row(dst, buf, len ? len : 1);
}

static int table_named(const secrecy *s, const char *name)
{
    for (size_t i = 0; i < s->nt; i++)
        if (!strcmp(s->t[i].name, name))
            return (int)i;
    return -1;
}

static uint32_t cell_of(const struct stab *t, size_t row, int col)
{
    return (uint32_t)(t->cell0 + row * t->ncols + (size_t)col);
}

/* The table, row and column of a cell. */
static const struct stab *where(const secrecy *s, uint32_t cell, size_t *row, size_t *col)
{
    size_t i = 0;
    while (i + 1 < s->nt && s->t[i + 1].cell0 <= cell)
        i++;
    *row = (cell - s->t[i].cell0) / s->t[i].ncols;
    *col = (cell - s->t[i].cell0) % s->t[i].ncols;
    return &s->t[i];
}

static int64_t cell_value(const secrecy *s, uint32_t cell)
{
    size_t r, c;
    const struct stab *t = where(s, cell, &r, &c);
    return t->val[r * t->ncols + c];
}

/* "table row (k1,k2,...) column c" into buf */
static void cell_name(const secrecy *s, uint32_t cell, char *buf, size_t len)
{
    size_t r, c, n;
    const struct stab *t = where(s, cell, &r, &c);
    n = (size_t)snprintf(buf, len, "%s row ", t->name);
    for (size_t k = 0; k < t->nkeys && n < len; k++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", k ? "," : "", kv(t, r, (int)k));
    if (n < len)
        snprintf(buf + n, len - n, " column %s", t->cols[c]);
}

/* --- the same figure: union-find over cells -------------------------------- */

static uint32_t root(uint32_t *uf, uint32_t x)
{
    while (uf[x] != x) {
        uf[x] = uf[uf[x]];
        x = uf[x];
    }
    return x;
}

/* Makes two cells one unknown. They hold the same figure: when their
 * values differ, -1 with a message (an internal error), unless `only_equal`
 * (a relation that holds only when they are equal) when nothing is done. */
static int same(secrecy *s, uint32_t a, uint32_t b, int only_equal, char *err, size_t errlen)
{
    int64_t va = cell_value(s, a), vb = cell_value(s, b);
    if (va == SECRECY_MISSING || vb == SECRECY_MISSING)
        return 0;
    if (va != vb) {
        char na[256], nb[256];
        if (only_equal)
            return 0;
        cell_name(s, a, na, sizeof na);
        cell_name(s, b, nb, sizeof nb);
        snprintf(err, errlen, "%s (%lld) and %s (%lld) should be the same figure", na,
                 (long long)va, nb, (long long)vb);
        return -1;
    }
    a = root(s->uf, a);
    b = root(s->uf, b);
    if (a != b) {
        if (a < b)
            s->uf[b] = a;
        else
            s->uf[a] = b;
    }
    return 0;
}

/* The rules of "the same figure published twice" (see secrecy.h). */
static int unify(secrecy *s, char *err, size_t errlen)
{
    char buf[KEYBUF], year[16];
    int tc = table_named(s, "croissance"), tr = table_named(s, "ruptures");
    int tm = table_named(s, "croissance_mensuelle"), tk = table_named(s, "courbe_ruptures");

    /* contrats of croissance and ruptures */
    if (tc >= 0 && tr >= 0) {
        const struct stab *a = &s->t[tc], *b = &s->t[tr];
        int ca = name_at(a->cols, a->ncols, "contrats"),
            cb = name_at(b->cols, b->ncols, "contrats");
        for (size_t r = 0; ca >= 0 && cb >= 0 && r < a->nrows; r++) {
            const char *v[8];
            long o;
            for (size_t k = 0; k < a->nkeys && k < 8; k++)
                v[k] = kv(a, r, (int)k);
            o = lookup(b, (const char *const *)a->keys, v, a->nkeys < 8 ? a->nkeys : 8);
            if (o >= 0 && same(s, cell_of(a, r, ca), cell_of(b, (size_t)o, cb), 0, err, errlen))
                return -1;
        }
    }
    for (size_t ti = 0; ti < s->nt; ti++) {
        const struct stab *t = &s->t[ti];
        int cc = name_at(t->cols, t->ncols, "contrats"),
            cp = name_at(t->cols, t->ncols, "contrats_annee_precedente"),
            cu = name_at(t->cols, t->ncols, "cumul"),
            cup = name_at(t->cols, t->ncols, "cumul_annee_precedente");
        if (t->k_annee < 0)
            continue;
        /* the previous year's figure in the same table, same other keys */
        for (size_t r = 0; r < t->nrows; r++) {
            size_t n;
            long o;
            snprintf(year, sizeof year, "%d", atoi(kv(t, r, t->k_annee)) - 1);
            n = kjoin(t, r, -1, t->k_annee, year, buf);
            o = find_row(t, buf, n);
            if (o < 0)
                continue;
            if (cc >= 0 && cp >= 0 &&
                same(s, cell_of(t, r, cp), cell_of(t, (size_t)o, cc), 0, err, errlen))
                return -1;
            if (cu >= 0 && cup >= 0 && t->k_mois >= 0 &&
                same(s, cell_of(t, r, cup), cell_of(t, (size_t)o, cu), 0, err, errlen))
                return -1;
        }
        /* a breakdown's TOTAL row repeats its base's grand total */
        if (t->k_bd >= 0 && t->base && table_named(s, t->base) >= 0) {
            const struct stab *b = &s->t[table_named(s, t->base)];
            for (size_t r = 0; r < t->nrows; r++) {
                const char *names[3] = {"annee", "region", "opco"};
                const char *vals[3] = {kv(t, r, t->k_annee), "TOTAL", "TOTAL"};
                long o;
                if (strcmp(kv(t, r, t->k_bd), "TOTAL") || (o = lookup(b, names, vals, 3)) < 0)
                    continue;
                for (size_t c = 0; c < t->ncols; c++) {
                    int bc = name_at(b->cols, b->ncols, t->cols[c]);
                    if (bc >= 0 &&
                        same(s, cell_of(t, r, (int)c), cell_of(b, (size_t)o, bc), 0, err, errlen))
                        return -1;
                }
            }
        }
    }
    /* cumul of a year's last month and that year's contrats */
    if (tm >= 0 && tc >= 0) {
        const struct stab *m = &s->t[tm], *c = &s->t[tc];
        int cu = name_at(m->cols, m->ncols, "cumul"), cc = name_at(c->cols, c->ncols, "contrats");
        strmap last = STRMAP_ZERO;
        int rc = 0;
        if (cu >= 0 && cc >= 0 && m->k_annee >= 0 && m->k_mois >= 0) {
            for (size_t r = 0; r < m->nrows && !rc; r++) {
                const char *y = kv(m, r, m->k_annee);
                size_t *old, mo = (size_t)atoi(kv(m, r, m->k_mois));
                int put = strmap_put(&last, y, strlen(y), mo, &old);
                if (put < 0)
                    rc = -1;
                else if (put == 0 && *old < mo)
                    *old = mo;
            }
            for (size_t r = 0; r < m->nrows && !rc; r++) {
                const char *y = kv(m, r, m->k_annee), *v[8];
                const size_t *lm = strmap_get(&last, y, strlen(y));
                long o;
                if (!lm || (size_t)atoi(kv(m, r, m->k_mois)) != *lm)
                    continue;
                for (size_t k = 0; k < m->nkeys && k < 8; k++)
                    v[k] = kv(m, r, (int)k);
                o = lookup(c, (const char *const *)m->keys, v, m->nkeys < 8 ? m->nkeys : 8);
                if (o >= 0 && same(s, cell_of(m, r, cu), cell_of(c, (size_t)o, cc), 1, err, errlen))
                    rc = -1;
            }
        }
        strmap_free(&last);
        if (rc) {
            if (!*err)
                snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    /* the rupture curve at 9 and 12 months repeats ruptures (Y, region, TOTAL) */
    if (tk >= 0 && tr >= 0) {
        const struct stab *k = &s->t[tk], *r = &s->t[tr];
        int co = name_at(k->cols, k->ncols, "observables"),
            cr = name_at(k->cols, k->ncols, "ruptures");
        for (size_t i = 0; k->k_mois >= 0 && k->k_annee >= 0 && k->k_region >= 0 && i < k->nrows;
             i++) {
            int m = atoi(kv(k, i, k->k_mois));
            const char *names[3] = {"annee", "region", "opco"};
            const char *vals[3] = {kv(k, i, k->k_annee), kv(k, i, k->k_region),
                                   k->k_opco >= 0 ? kv(k, i, k->k_opco) : "TOTAL"};
            const char *w = m == 9 ? "9m" : "12m";
            char name[32];
            long o;
            if ((m != 9 && m != 12) || (o = lookup(r, names, vals, 3)) < 0)
                continue;
            snprintf(name, sizeof name, "observables_%s", w);
            if (co >= 0 && name_at(r->cols, r->ncols, name) >= 0 &&
                same(s, cell_of(k, i, co), cell_of(r, (size_t)o, name_at(r->cols, r->ncols, name)),
                     0, err, errlen))
                return -1;
            snprintf(name, sizeof name, "ruptures_%s", w);
            if (cr >= 0 && name_at(r->cols, r->ncols, name) >= 0 &&
                same(s, cell_of(k, i, cr), cell_of(r, (size_t)o, name_at(r->cols, r->ncols, name)),
                     0, err, errlen))
                return -1;
        }
    }
    /* January: cumul = contrats_mois */
    for (size_t ti = 0; ti < s->nt; ti++) {
        const struct stab *t = &s->t[ti];
        int cu = name_at(t->cols, t->ncols, "cumul"),
            cm = name_at(t->cols, t->ncols, "contrats_mois");
        for (size_t r = 0; cu >= 0 && cm >= 0 && t->k_mois >= 0 && r < t->nrows; r++)
            if (atoi(kv(t, r, t->k_mois)) == 1 &&
                same(s, cell_of(t, r, cu), cell_of(t, r, cm), 0, err, errlen))
                return -1;
    }
    return 0;
}

/* --- relations over cells ------------------------------------------------ */

static int crel_add(struct crel *c, uint32_t cell, int32_t coef)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 4096;
        uint32_t *a = realloc(c->cell, nc * sizeof *a);
        int32_t *b;
        if (!a)
            return -1;
        c->cell = a;
        if (!(b = realloc(c->coef, nc * sizeof *b)))
            return -1;
        c->coef = b;
        c->cap = nc;
    }
    c->cell[c->n] = cell;
    c->coef[c->n++] = coef;
    return 0;
}

/* Closes the relation begun at the last close. */
static int crel_end(struct crel *c)
{
    if (grow_to(&c->start, &c->caprel, c->nrel + 2, sizeof *c->start, 1024))
        return -1;
    if (c->nrel == 0)
        c->start[0] = 0;
    c->start[++c->nrel] = c->n;
    return 0;
}

/* Totals: the rows of t grouped by every key but k; in a group with a
 * TOTAL row and others, each count of the others adds up to the TOTAL's. */
static int sums_over(secrecy *s, const struct stab *t, int k)
{
    strmap groups = STRMAP_ZERO;
    size_t *gid = malloc((t->nrows ? t->nrows : 1) * sizeof *gid), ng = 0, *first = NULL,
           *next = NULL, *total = NULL, *nparts = NULL;
    char buf[KEYBUF];
    int rc = -1;

    if (!gid)
        goto done;
    for (size_t r = 0; r < t->nrows; r++) {
        size_t n = kjoin(t, r, k, -1, NULL, buf), *old;
        int put = n ? strmap_put(&groups, buf, n, ng, &old) : -1;
        if (put < 0)
            goto done;
        gid[r] = put ? ng++ : *old;
    }
    first = malloc((ng ? ng : 1) * sizeof *first);
    next = malloc((t->nrows ? t->nrows : 1) * sizeof *next);
    total = malloc((ng ? ng : 1) * sizeof *total);
    nparts = calloc(ng ? ng : 1, sizeof *nparts);
    if (!first || !next || !total || !nparts)
        goto done;
    for (size_t g = 0; g < ng; g++)
        first[g] = total[g] = SIZE_MAX;
    for (size_t r = t->nrows; r-- > 0;) {
        next[r] = first[gid[r]];
        first[gid[r]] = r;
        if (!strcmp(kv(t, r, k), "TOTAL"))
            total[gid[r]] = r;
        else
            nparts[gid[r]]++;
    }
    for (size_t g = 0; g < ng; g++) {
        if (total[g] == SIZE_MAX || nparts[g] == 0)
            continue;
        for (size_t c = 0; c < t->ncols; c++) {
            for (size_t r = first[g]; r != SIZE_MAX; r = next[r])
                if (crel_add(&s->cr, cell_of(t, r, (int)c), r == total[g] ? -1 : 1))
                    goto done;
            if (crel_end(&s->cr))
                goto done;
        }
    }
    rc = 0;
done:
    strmap_free(&groups);
    free(gid);
    free(first);
    free(next);
    free(total);
    free(nparts);
    return rc;
}

/* Months: cumul(m) - cumul(m-1) - contrats_mois(m) = 0 from February on
 * (January is a same-figure rule). */
static int months(secrecy *s, const struct stab *t)
{
    int cu = name_at(t->cols, t->ncols, "cumul"), cm = name_at(t->cols, t->ncols, "contrats_mois");
    char buf[KEYBUF], mo[16];
    if (cu < 0 || cm < 0 || t->k_mois < 0)
        return 0;
    for (size_t r = 0; r < t->nrows; r++) {
        int m = atoi(kv(t, r, t->k_mois));
        size_t n;
        long o;
        if (m <= 1)
            continue;
        snprintf(mo, sizeof mo, "%02d", m - 1);
        n = kjoin(t, r, -1, t->k_mois, mo, buf);
        if ((o = find_row(t, buf, n)) < 0)
            continue;
        if (crel_add(&s->cr, cell_of(t, r, cu), 1) ||
            crel_add(&s->cr, cell_of(t, (size_t)o, cu), -1) ||
            crel_add(&s->cr, cell_of(t, r, cm), -1) || crel_end(&s->cr))
            return -1;
    }
    return 0;
}

/* --- classes and their relations -------------------------------------- */

static int cmp_u32pair(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Numbers the classes (in the order of their first cell), sets their state
 * and turns the cell relations into class relations without zero classes. */
static int classes(secrecy *s)
{
    uint32_t *id = malloc((s->ncells ? s->ncells : 1) * sizeof *id), (*tmp)[2] = NULL;
    size_t maxn = 0, n;
    int rc = -1;

    s->cls = malloc((s->ncells ? s->ncells : 1) * sizeof *s->cls);
    s->k = calloc(s->ncells ? s->ncells : 1, sizeof *s->k);
    if (!id || !s->cls || !s->k)
        goto done;
    for (size_t i = 0; i < s->ncells; i++)
        id[i] = UINT32_MAX;
    for (size_t ti = 0; ti < s->nt; ti++) {
        const struct stab *t = &s->t[ti];
        for (size_t r = 0; r < t->nrows; r++)
            for (size_t c = 0; c < t->ncols; c++) {
                uint32_t cell = cell_of(t, r, (int)c), ro = root(s->uf, cell);
                struct klass *k;
                int64_t v = t->val[r * t->ncols + c];
                if (id[ro] == UINT32_MAX) {
                    id[ro] = (uint32_t)s->nk++;
                    k = &s->k[id[ro]];
                    k->value = v == SECRECY_MISSING ? 0 : v;
                    k->first = cell;
                    k->state = K_UNKNOWN;
                }
                s->cls[cell] = id[ro];
                k = &s->k[id[ro]];
                if (t->written[r] && k->state == K_UNKNOWN) {
                    int lvl = 0;
                    k->first = cell;
                    for (int key = 0; key < (int)t->nkeys; key++)
                        lvl += (key == t->k_region || key == t->k_opco || key == t->k_bd) &&
                               !strcmp(kv(t, r, key), "TOTAL");
                    k->level = (unsigned char)lvl;
                    if (k->value == 0)
                        k->state = K_ZERO;
                    else if (k->value > 0 && k->value < s->threshold) {
                        k->state = K_HIDDEN;
                        k->primary = 1;
                    } else {
                        k->state = K_KNOWN;
                    }
                }
            }
    }
    /* class relations: merge repeated classes, drop zero classes and coefficients */
    for (size_t r = 0; r < s->cr.nrel; r++)
        if (s->cr.start[r + 1] - s->cr.start[r] > maxn)
            maxn = s->cr.start[r + 1] - s->cr.start[r];
    tmp = malloc((maxn ? maxn : 1) * sizeof *tmp);
    s->rs = malloc((s->cr.nrel + 1) * sizeof *s->rs);
    s->rk = malloc((s->cr.n ? s->cr.n : 1) * sizeof *s->rk);
    s->rc = malloc((s->cr.n ? s->cr.n : 1) * sizeof *s->rc);
    if (!tmp || !s->rs || !s->rk || !s->rc)
        goto done;
    s->rs[0] = n = 0;
    for (size_t r = 0; r < s->cr.nrel; r++) {
        size_t m = 0, start = n;
        for (size_t i = s->cr.start[r]; i < s->cr.start[r + 1]; i++) {
            uint32_t k = s->cls[s->cr.cell[i]];
            if (s->k[k].state == K_ZERO)
                continue;
            tmp[m][0] = k;
            tmp[m++][1] = (uint32_t)s->cr.coef[i];
        }
        qsort(tmp, m, sizeof *tmp, cmp_u32pair);
        for (size_t i = 0; i < m; i++) {
            int64_t c = (int32_t)tmp[i][1];
            if (n > start && s->rk[n - 1] == tmp[i][0]) {
                s->rc[n - 1] += c;
                if (s->rc[n - 1] == 0)
                    n--;
            } else {
                s->rk[n] = tmp[i][0];
                s->rc[n++] = c;
            }
        }
        if (n > start)
            s->rs[++s->nrel] = n;
    }
    /* classes -> relations */
    s->ks = calloc(s->nk + 1, sizeof *s->ks);
    s->kr = malloc((n ? n : 1) * sizeof *s->kr);
    s->nh = calloc(s->nrel ? s->nrel : 1, sizeof *s->nh);
    s->nu = calloc(s->nrel ? s->nrel : 1, sizeof *s->nu);
    s->coff = calloc(s->nk ? s->nk : 1, sizeof *s->coff);
    s->cn = calloc(s->nk ? s->nk : 1, sizeof *s->cn);
    if (!s->ks || !s->kr || !s->nh || !s->nu || !s->coff || !s->cn)
        goto done;
    for (size_t i = 0; i < n; i++)
        s->ks[s->rk[i] + 1]++;
    for (size_t k = 0; k < s->nk; k++)
        s->ks[k + 1] += s->ks[k];
    {
        size_t *pos = malloc((s->nk ? s->nk : 1) * sizeof *pos);
        if (!pos)
            goto done;
        memcpy(pos, s->ks, s->nk * sizeof *pos);
        for (size_t r = 0; r < s->nrel; r++)
            for (size_t i = s->rs[r]; i < s->rs[r + 1]; i++) {
                s->kr[pos[s->rk[i]]++] = (uint32_t)r;
                s->nh[r] += s->k[s->rk[i]].state == K_HIDDEN;
                s->nu[r] += s->k[s->rk[i]].state == K_UNKNOWN;
            }
        free(pos);
    }
    rc = 0;
done:
    free(id);
    free(tmp);
    return rc;
}

/* --- choosing secondary cells -------------------------------------------- */

static void hide(secrecy *s, uint32_t k)
{
    s->k[k].state = K_HIDDEN;
    for (size_t i = s->ks[k]; i < s->ks[k + 1]; i++)
        s->nh[s->kr[i]]++;
}

/* Relations left with one hidden unknown minus those closed, if k is hidden. */
static long net(const secrecy *s, uint32_t k)
{
    long d = 0;
    for (size_t i = s->ks[k]; i < s->ks[k + 1]; i++) {
        uint32_t r = s->kr[i];
        if (s->nu[r])
            continue;
        d += s->nh[r] == 0 ? 1 : s->nh[r] == 1 ? -1 : 0;
    }
    return d;
}

/* The cost of hiding a class whose net() is n: its value plus a fixed 10
 * per cell (so that a few more small cells can beat one large one, and many
 * cells cannot), times the relations it would leave to protect, n from -2
 * (two closed, factor 1) up. Values are counts of contracts, far below
 * INT64_MAX / (n + 3). */
static int64_t cost(const struct klass *k, long n)
{
    return (k->value + 10) * ((n < -2 ? -2 : n) + 3);
}

/* 1 when candidate a (net na) is better than b: detail cells before totals
 * (fewer TOTAL keys), then the lower cost, then the first in the tables'
 * order (their sort order). */
static int better(const secrecy *s, uint32_t a, long na, uint32_t b, long nb)
{
    const struct klass *x = &s->k[a], *y = &s->k[b];
    int64_t cx, cy;
    if (x->level != y->level)
        return x->level < y->level;
    cx = cost(x, na);
    cy = cost(y, nb);
    if (cx != cy)
        return cx < cy;
    return x->first < y->first;
}

/* The best published non-zero class of relation r, or -1. */
static long best_of(const secrecy *s, size_t r, long cur, long *curnet)
{
    for (size_t i = s->rs[r]; i < s->rs[r + 1]; i++) {
        uint32_t k = s->rk[i];
        long n;
        if (s->k[k].state != K_KNOWN || (long)k == cur)
            continue;
        n = net(s, k);
        if (cur < 0 || better(s, k, n, (uint32_t)cur, *curnet)) {
            cur = (long)k;
            *curnet = n;
        }
    }
    return cur;
}

static void class_name(const secrecy *s, uint32_t k, char *buf, size_t len)
{
    cell_name(s, s->k[k].first, buf, len);
}

/* Every relation with one hidden unknown and no unpublished one gets a
 * complement, until none is left. 0, or -1 when a relation has no cell to
 * hide. */
static int singletons(secrecy *s, char *err, size_t errlen)
{
    int changed;
    do {
        changed = 0;
        for (size_t r = 0; r < s->nrel; r++) {
            long best, bn = 0;
            if (s->nu[r] || s->nh[r] != 1)
                continue;
            best = best_of(s, r, -1, &bn);
            if (best < 0) {
                char n[300];
                for (size_t i = s->rs[r]; i < s->rs[r + 1]; i++)
                    if (s->k[s->rk[i]].state == K_HIDDEN)
                        class_name(s, s->rk[i], n, sizeof n);
                snprintf(err, errlen, "no published non-zero cell left to hide beside %s", n);
                return -1;
            }
            hide(s, (uint32_t)best);
            changed = 1;
        }
    } while (changed);
    return 0;
}

/* --- the audit --------------------------------------------------------- */

/* Per component: its classes (hidden and unpublished, then the published
 * ones of its relations, as parameters) and its relations. */
struct comp {
    uint32_t *cls; /* local index -> class */
    size_t nvar, npar, cap;
};

/* The value of determined class k from its reduced row a*x + sum(c*p) = 0
 * over published parameters: -sum(c*value(p)) / a, in lowest terms. 0, or -1
 * on overflow. */
static int row_value(const secrecy *s, const uint32_t *cls, const uint32_t *var,
                     const int64_t *coef, size_t n, uint32_t self, int64_t *num, int64_t *den)
{
    int64_t sum = 0, a = 1;
    uint64_t g, x, y;
    for (size_t i = 0; i < n; i++) {
        int64_t p;
        if (var[i] == self) {
            a = coef[i];
            continue;
        }
        if (__builtin_mul_overflow(coef[i], s->k[cls[var[i]]].value, &p) ||
            __builtin_sub_overflow(sum, p, &sum))
            return -1;
    }
    if (a < 0) {
        if (sum == INT64_MIN || a == INT64_MIN)
            return -1;
        sum = -sum, a = -a;
    }
    x = sum < 0 ? (uint64_t)0 - (uint64_t)sum : (uint64_t)sum;
    y = (uint64_t)a;
    while (y) {
        uint64_t t = x % y;
        x = y;
        y = t;
    }
    g = x ? x : 1;
    *num = sum / (int64_t)g;
    *den = a / (int64_t)g;
    return 0;
}

/* Remembers, for determined class k, the published classes its reduced
 * row depends on: hiding one of them changes the row; hiding a free one
 * (CAND_FREE) alone leaves k undetermined. 0 or -1. */
#define CAND_FREE 0x80000000u
static int add_candidates(secrecy *s, uint32_t k, const linsys *ls, const uint32_t *cls,
                          const uint32_t *var, size_t n, size_t self)
{
    s->coff[k] = s->ncand;
    s->cn[k] = 0;
    for (size_t i = 0; i < n; i++) {
        if (var[i] == self)
            continue;
        if (grow_to(&s->cand, &s->capcand, s->ncand + 1, sizeof *s->cand, 1024))
            return -1;
        s->cand[s->ncand++] = cls[var[i]] | (linsys_param_free(ls, var[i]) ? CAND_FREE : 0);
        s->cn[k]++;
    }
    return 0;
}

/* Solves one component: its hidden and unpublished classes are the
 * unknowns, the published non-zero classes of its relations parameters.
 * Marks the determined hidden classes and their candidates. Returns how
 * many, or -1 with a message. */
static long solve_comp(secrecy *s, const struct comp *c, const size_t *rel, size_t nrel,
                       const uint32_t *local, uint32_t *first, int64_t *num, int64_t *den,
                       char *err, size_t errlen)
{
    linsys *ls = linsys_new(c->nvar + c->npar);
    uint32_t *vars = NULL;
    int64_t *coefs = NULL;
    size_t maxn = 0;
    long found = -1;

    if (!ls)
        goto oom;
    for (size_t j = 0; j < nrel; j++)
        if (s->rs[rel[j] + 1] - s->rs[rel[j]] > maxn)
            maxn = s->rs[rel[j] + 1] - s->rs[rel[j]];
    vars = malloc((maxn ? maxn : 1) * sizeof *vars);
    coefs = malloc((maxn ? maxn : 1) * sizeof *coefs);
    if (!vars || !coefs)
        goto oom;
    for (size_t v = c->nvar; v < c->nvar + c->npar; v++)
        if (linsys_param(ls, v))
            goto oom;
    for (size_t j = 0; j < nrel; j++) {
        size_t r = rel[j], n = 0;
        for (size_t i = s->rs[r]; i < s->rs[r + 1]; i++) {
            vars[n] = local[s->rk[i]];
            coefs[n++] = s->rc[i];
        }
        if (linsys_add(ls, vars, coefs, n, 0)) {
            snprintf(err, errlen, "audit: cannot add a relation (overflow or memory)");
            goto done;
        }
    }
    if (linsys_solve(ls, err, errlen))
        goto done;
    found = 0;
    for (uint32_t v = 0; v < c->nvar; v++) {
        uint32_t k = c->cls[v];
        const uint32_t *rv;
        const int64_t *rc;
        int64_t rhs;
        size_t n;
        if (s->k[k].state != K_HIDDEN || !(n = linsys_row(ls, v, &rv, &rc, &rhs)))
            continue;
        s->k[k].determined = 1;
        found++;
        if (add_candidates(s, k, ls, c->cls, rv, n, v))
            goto oom;
        if (k < *first) {
            *first = k;
            if (row_value(s, c->cls, rv, rc, n, v, num, den))
                *num = 0, *den = 0;
        }
    }
    goto done;
oom:
    snprintf(err, errlen, "audit: out of memory");
    found = -1;
done:
    linsys_free(ls);
    free(vars);
    free(coefs);
    return found;
}

/* The audit: solves the relations over the published cells, per connected
 * component of hidden and unpublished unknowns, and marks every hidden class
 * they determine (with the published classes that would protect it). Returns
 * how many, or -1 with a message; the first one's value goes to *num / *den
 * (0/0 when it cannot be written). */
static long audit(secrecy *s, int64_t *num, int64_t *den, char *err, size_t errlen)
{
    uint32_t *uf = malloc((s->nk ? s->nk : 1) * sizeof *uf), *local = NULL, *stamp = NULL;
    uint32_t *rcomp = NULL, first = UINT32_MAX;
    size_t *rorder = NULL, *cstart = NULL, ncomp = 0;
    struct comp *comps = NULL;
    long found = 0;

    s->ncand = 0;
    if (!uf)
        goto oom;
    for (size_t k = 0; k < s->nk; k++) {
        uf[k] = (uint32_t)k;
        s->k[k].determined = 0;
    }
    for (size_t r = 0; r < s->nrel; r++) {
        uint32_t a = UINT32_MAX;
        for (size_t i = s->rs[r]; i < s->rs[r + 1]; i++) {
            uint32_t k = s->rk[i], b;
            if (s->k[k].state != K_HIDDEN && s->k[k].state != K_UNKNOWN)
                continue;
            b = root(uf, k);
            if (a == UINT32_MAX)
                a = b;
            else if (a != b) {
                if (a < b)
                    uf[b] = a;
                else {
                    uf[a] = b;
                    a = b;
                }
            }
        }
    }
    /* components holding a hidden class, numbered in class order */
    local = malloc((s->nk ? s->nk : 1) * sizeof *local);
    stamp = malloc((s->nk ? s->nk : 1) * sizeof *stamp);
    if (!local || !stamp)
        goto oom;
    for (size_t k = 0; k < s->nk; k++)
        local[k] = stamp[k] = UINT32_MAX;
    for (size_t k = 0; k < s->nk; k++)
        if (s->k[k].state == K_HIDDEN) {
            uint32_t ro = root(uf, (uint32_t)k);
            if (stamp[ro] == UINT32_MAX)
                stamp[ro] = (uint32_t)ncomp++;
        }
    comps = calloc(ncomp ? ncomp : 1, sizeof *comps);
    cstart = calloc(ncomp + 1, sizeof *cstart);
    rorder = malloc((s->nrel ? s->nrel : 1) * sizeof *rorder);
    rcomp = malloc((s->nrel ? s->nrel : 1) * sizeof *rcomp);
    if (!comps || !cstart || !rorder || !rcomp)
        goto oom;
    for (size_t k = 0; k < s->nk; k++) {
        uint32_t ci;
        struct comp *c;
        if (s->k[k].state != K_HIDDEN && s->k[k].state != K_UNKNOWN)
            continue;
        if ((ci = stamp[root(uf, (uint32_t)k)]) == UINT32_MAX)
            continue;
        c = &comps[ci];
        if (grow_to(&c->cls, &c->cap, c->nvar + 1, sizeof *c->cls, 16))
            goto oom;
        local[k] = (uint32_t)c->nvar;
        c->cls[c->nvar++] = (uint32_t)k;
    }
    /* relations bucketed by component (a counting sort, in relation order) */
    for (size_t r = 0; r < s->nrel; r++) {
        rcomp[r] = UINT32_MAX;
        for (size_t i = s->rs[r]; i < s->rs[r + 1]; i++)
            if (local[s->rk[i]] != UINT32_MAX) {
                rcomp[r] = stamp[root(uf, s->rk[i])];
                cstart[rcomp[r] + 1]++;
                break;
            }
    }
    for (size_t c = 0; c < ncomp; c++)
        cstart[c + 1] += cstart[c];
    {
        size_t *pos = malloc((ncomp + 1) * sizeof *pos);
        if (!pos)
            goto oom;
        memcpy(pos, cstart, (ncomp + 1) * sizeof *pos);
        for (size_t r = 0; r < s->nrel; r++)
            if (rcomp[r] != UINT32_MAX)
                rorder[pos[rcomp[r]]++] = r;
        free(pos);
    }
    /* published classes of a component's relations are its parameters */
    for (size_t ci = 0; ci < ncomp; ci++) {
        struct comp *c = &comps[ci];
        long f;
        for (size_t j = cstart[ci]; j < cstart[ci + 1]; j++)
            for (size_t i = s->rs[rorder[j]]; i < s->rs[rorder[j] + 1]; i++) {
                uint32_t k = s->rk[i];
                if (s->k[k].state != K_KNOWN || stamp[k] == (uint32_t)(UINT32_MAX - 1 - ci))
                    continue;
                stamp[k] = (uint32_t)(UINT32_MAX - 1 - ci); /* seen in this component */
                if (grow_to(&c->cls, &c->cap, c->nvar + c->npar + 1, sizeof *c->cls, 16))
                    goto oom;
                local[k] = (uint32_t)(c->nvar + c->npar);
                c->cls[c->nvar + c->npar++] = k;
            }
        f = solve_comp(s, c, &rorder[cstart[ci]], cstart[ci + 1] - cstart[ci], local, &first, num,
                       den, err, errlen);
        if (f < 0)
            goto fail;
        found += f;
        free(c->cls);
        c->cls = NULL;
    }
    goto done;
oom:
    snprintf(err, errlen, "audit: out of memory");
fail:
    found = -1;
done:
    for (size_t c = 0; comps && c < ncomp; c++)
        free(comps[c].cls);
    free(comps);
    free(uf);
    free(local);
    free(stamp);
    free(rcomp);
    free(cstart);
    free(rorder);
    return found;
}

/* Hides one complement for each determined class that no complement chosen
 * in this round already serves: a published class its reduced row depends
 * on (found by the audit), detail cells first, then one whose hiding alone
 * protects it (free), then the usual costs. A class that stays determined,
 * or a complement that is itself determined, gets another complement in
 * the next round; hiding more never makes a class determined again. Returns
 * how many were hidden, or -1 with a message. */
static long repair(secrecy *s, char *err, size_t errlen)
{
    unsigned char *chosen = calloc(s->nk ? s->nk : 1, 1);
    long added = 0;

    if (!chosen) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < s->nk; k++) {
        const uint32_t *c = &s->cand[s->coff[k]];
        long best = -1, bn = 0;
        int done = 0;
        if (!s->k[k].determined)
            continue;
        int bfree = 0;
        for (uint32_t i = 0; i < s->cn[k] && !done; i++)
            done = chosen[c[i] & ~CAND_FREE];
        if (done)
            continue;
        for (uint32_t i = 0; i < s->cn[k]; i++) {
            uint32_t x = c[i] & ~CAND_FREE;
            int fr = (c[i] & CAND_FREE) != 0;
            long n;
            if (s->k[x].state != K_KNOWN)
                continue;
            n = net(s, x);
            if (best < 0 || s->k[x].level < s->k[best].level ||
                (s->k[x].level == s->k[best].level &&
                 (fr > bfree || (fr == bfree && better(s, x, n, (uint32_t)best, bn))))) {
                best = (long)x;
                bn = n;
                bfree = fr;
            }
        }
        if (best < 0) {
            char n[300];
            class_name(s, (uint32_t)k, n, sizeof n);
            snprintf(err, errlen, "no published non-zero cell left to protect %s", n);
            free(chosen);
            return -1;
        }
        hide(s, (uint32_t)best);
        chosen[best] = 1;
        added++;
    }
    free(chosen);
    return added;
}

/* --- running --------------------------------------------------------------- */

int secrecy_run(secrecy *s, int flags, char *err, size_t errlen)
{
    long det = 0;
    int64_t num = 0, den = 1;

    if (s->run)
        return -1;
    s->run = 1;
    *err = '\0';
    for (size_t i = 0; i < s->nt; i++) {
        s->t[i].cell0 = s->ncells;
        s->ncells += s->t[i].nrows * s->t[i].ncols;
    }
    if (s->ncells >= UINT32_MAX) {
        snprintf(err, errlen, "too many cells");
        return -1;
    }
    s->uf = malloc((s->ncells ? s->ncells : 1) * sizeof *s->uf);
    s->mark = calloc(s->ncells ? s->ncells : 1, 1);
    s->stats = calloc(s->nt ? s->nt : 1, sizeof *s->stats);
    if (!s->uf || !s->mark || !s->stats)
        goto oom;
    for (size_t i = 0; i < s->ncells; i++)
        s->uf[i] = (uint32_t)i;
    if (unify(s, err, errlen))
        return -1;
    for (size_t i = 0; i < s->nt; i++) {
        const struct stab *t = &s->t[i];
        if ((t->k_region >= 0 && sums_over(s, t, t->k_region)) ||
            (t->k_opco >= 0 && sums_over(s, t, t->k_opco)) ||
            (t->k_bd >= 0 && sums_over(s, t, t->k_bd)) || months(s, t))
            goto oom;
    }
    if (classes(s))
        goto oom;
    for (;;) {
        long added;
        if (!(flags & SECRECY_PRIMARY_ONLY) && singletons(s, err, errlen))
            return -1;
        det = audit(s, &num, &den, err, errlen);
        if (det <= 0 || (flags & SECRECY_PRIMARY_ONLY))
            break;
        if ((added = repair(s, err, errlen)) < 0)
            return -1;
    }
    if (det < 0)
        return -1;
    for (size_t ti = 0; ti < s->nt; ti++) {
        const struct stab *t = &s->t[ti];
        for (size_t r = 0; r < t->nrows; r++)
            for (size_t c = 0; c < t->ncols && t->written[r]; c++) {
                uint32_t cell = cell_of(t, r, (int)c);
                const struct klass *k = &s->k[s->cls[cell]];
                if (k->state != K_HIDDEN)
                    continue;
                s->mark[cell] = k->primary ? SECRECY_PRIMARY : SECRECY_SECONDARY;
                if (k->primary)
                    s->stats[ti].primary++;
                else
                    s->stats[ti].secondary++;
                s->stats[ti].determined += k->determined;
            }
    }
    if (det > 0) {
        char n[300];
        for (size_t k = 0; k < s->nk; k++)
            if (s->k[k].determined) {
                class_name(s, (uint32_t)k, n, sizeof n);
                break;
            }
        char v[48];
        if (den == 0)
            snprintf(v, sizeof v, "?");
        else if (den == 1)
            snprintf(v, sizeof v, "%lld", (long long)num);
        else
            snprintf(v, sizeof v, "%lld/%lld", (long long)num, (long long)den);
        snprintf(err, errlen,
                 "%s: the hidden count is determined by the published cells (= %s); %ld hidden "
                 "count(s) can be recomputed",
                 n, v, det);
        return 1;
    }
    return 0;
oom:
    if (!*err)
        snprintf(err, errlen, "out of memory");
    return -1;
}

enum secrecy_mark secrecy_mark(const secrecy *s, int t, size_t r, size_t c)
{
    if (!s->run || !s->mark || t < 0 || (size_t)t >= s->nt || r >= s->t[t].nrows ||
        c >= s->t[t].ncols)
        return SECRECY_SHOWN;
    return (enum secrecy_mark)s->mark[cell_of(&s->t[t], r, (int)c)];
}

secrecy_stats secrecy_table_stats(const secrecy *s, int t)
{
    secrecy_stats z = {0, 0, 0};
    if (!s->run || !s->stats || t < 0 || (size_t)t >= s->nt)
        return z;
    return s->stats[t];
}

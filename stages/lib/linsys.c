#include "linsys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* One equation: entries sorted by unknown, none zero. */
struct row {
    uint32_t n, cap;
    uint32_t *var;
    int64_t *coef;
    int64_t rhs;
    int pivot; /* 1 once it is the pivot row of an unknown */
};

/* The rows that may hold an unknown (stale entries are skipped). */
struct occ {
    uint32_t n;
    size_t cap;
    uint32_t *row;
};

struct heap_item {
    uint32_t n, row;
};

struct linsys {
    size_t nvars, nrows, caprows;
    struct row *rows;
    struct occ *occ;      /* per unknown */
    uint32_t *count;      /* per unknown: rows holding it */
    int64_t *pivot_row;   /* per unknown: its pivot row, -1 */
    unsigned char *param; /* per unknown: 1 for a parameter */
    unsigned char *bound; /* per parameter, after solving: in a row of parameters alone */
    uint32_t *stamp;      /* per row: last elimination that visited it */
    struct heap_item *heap;
    size_t nheap, capheap;
    size_t rank;
    int inconsistent, solved;
};

linsys *linsys_new(size_t nvars)
{
    linsys *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->nvars = nvars;
    s->occ = calloc(nvars ? nvars : 1, sizeof *s->occ);
    s->count = calloc(nvars ? nvars : 1, sizeof *s->count);
    s->pivot_row = malloc((nvars ? nvars : 1) * sizeof *s->pivot_row);
    s->param = calloc(nvars ? nvars : 1, 1);
    s->bound = calloc(nvars ? nvars : 1, 1);
    if (!s->occ || !s->count || !s->pivot_row || !s->param || !s->bound) {
        linsys_free(s);
        return NULL;
    }
    for (size_t i = 0; i < nvars; i++)
        s->pivot_row[i] = -1;
    return s;
}

void linsys_free(linsys *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nrows; i++) {
        free(s->rows[i].var);
        free(s->rows[i].coef);
    }
    for (size_t i = 0; s->occ && i < s->nvars; i++)
        free(s->occ[i].row);
    free(s->rows);
    free(s->occ);
    free(s->count);
    free(s->pivot_row);
    free(s->param);
    free(s->bound);
    free(s->stamp);
    free(s->heap);
    free(s);
}

int linsys_param(linsys *s, size_t v)
{
    if (s->solved || v >= s->nvars)
        return -1;
    s->param[v] = 1;
    return 0;
}

static uint64_t mag(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Divides a row by the gcd of its coefficients and right-hand side. */
static void normalize(struct row *r)
{
    uint64_t g = mag(r->rhs);
    for (uint32_t i = 0; i < r->n && g != 1; i++)
        g = gcd64(g, mag(r->coef[i]));
    if (g <= 1)
        return;
    for (uint32_t i = 0; i < r->n; i++)
        r->coef[i] /= (int64_t)g;
    r->rhs /= (int64_t)g;
}

static int occ_push(struct occ *o, uint32_t row)
{
    if (grow_to(&o->row, &o->cap, (size_t)o->n + 1, sizeof *o->row, 4))
        return -1;
    o->row[o->n++] = row;
    return 0;
}

int linsys_add(linsys *s, const uint32_t *var, const int64_t *coef, size_t n, int64_t rhs)
{
    struct row r = {0};
    uint32_t *order = NULL;
    size_t i;

    if (s->solved || n > UINT32_MAX / 2)
        return -1;
    for (i = 0; i < n; i++)
        if (var[i] >= s->nvars || coef[i] == INT64_MIN)
            return -1;
    if (rhs == INT64_MIN)
        return -1;
    if (grow_to(&s->rows, &s->caprows, s->nrows + 1, sizeof *s->rows, 64))
        return -1;
    /* sort the entries by unknown through an index (pairs kept together) */
    order = malloc((n ? n : 1) * sizeof *order);
    r.var = malloc((n ? n : 1) * sizeof *r.var);
    r.coef = malloc((n ? n : 1) * sizeof *r.coef);
    if (!order || !r.var || !r.coef)
        goto fail;
    for (i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    /* insertion sort: equations are short */
    for (i = 1; i < n; i++) {
        uint32_t k = order[i];
        size_t j = i;
        while (j > 0 && var[order[j - 1]] > var[k]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = k;
    }
    for (i = 0; i < n; i++) {
        uint32_t v = var[order[i]];
        int64_t c = coef[order[i]];
        if (r.n && r.var[r.n - 1] == v) {
            if (__builtin_add_overflow(r.coef[r.n - 1], c, &r.coef[r.n - 1]) ||
                r.coef[r.n - 1] == INT64_MIN)
                goto fail;
        } else {
            r.var[r.n] = v;
            r.coef[r.n++] = c;
        }
    }
    {
        uint32_t k = 0;
        for (i = 0; i < r.n; i++)
            if (r.coef[i]) {
                r.var[k] = r.var[i];
                r.coef[k++] = r.coef[i];
            }
        r.n = k;
        r.cap = (uint32_t)(n ? n : 1);
    }
    free(order);
    order = NULL;
    r.rhs = rhs;
    if (r.n == 0) {
        if (rhs != 0)
            s->inconsistent = 1;
        free(r.var);
        free(r.coef);
        return 0;
    }
    normalize(&r);
    for (i = 0; i < r.n; i++) {
        if (occ_push(&s->occ[r.var[i]], (uint32_t)s->nrows))
            goto fail;
        s->count[r.var[i]]++;
    }
    s->rows[s->nrows++] = r;
    return 0;
fail:
    free(order);
    free(r.var);
    free(r.coef);
    return -1;
}

/* --- a binary heap of (entries, row): the sparsest active row first ----- */

static int heap_less(struct heap_item a, struct heap_item b)
{
    return a.n < b.n || (a.n == b.n && a.row < b.row);
}

static int heap_push(linsys *s, uint32_t n, uint32_t row)
{
    size_t i;
    if (grow_to(&s->heap, &s->capheap, s->nheap + 1, sizeof *s->heap, 64))
        return -1;
    i = s->nheap++;
    s->heap[i] = (struct heap_item){n, row};
    while (i > 0 && heap_less(s->heap[i], s->heap[(i - 1) / 2])) {
        struct heap_item t = s->heap[i];
        s->heap[i] = s->heap[(i - 1) / 2];
        s->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
    return 0;
}

static struct heap_item heap_pop(linsys *s)
{
    struct heap_item top = s->heap[0];
    size_t i = 0;
    s->heap[0] = s->heap[--s->nheap];
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < s->nheap && heap_less(s->heap[l], s->heap[m]))
            m = l;
        if (l + 1 < s->nheap && heap_less(s->heap[l + 1], s->heap[m]))
            m = l + 1;
        if (m == i)
            break;
        struct heap_item t = s->heap[i];
        s->heap[i] = s->heap[m];
        s->heap[m] = t;
        i = m;
    }
    return top;
}

/* --- elimination ---------------------------------------------------------- */

/* Index of unknown v in row r, or -1. */
static long find_var(const struct row *r, uint32_t v)
{
    uint32_t lo = 0, hi = r->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->var[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n && r->var[lo] == v ? (long)lo : -1;
}

/* x*a - y*b into *out; 0, or -1 on overflow (or a result of INT64_MIN). */
static int mulsub(int64_t x, int64_t a, int64_t y, int64_t b, int64_t *out)
{
    int64_t p, q;
    if (__builtin_mul_overflow(x, a, &p) || __builtin_mul_overflow(y, b, &q) ||
        __builtin_sub_overflow(p, q, out) || *out == INT64_MIN)
        return -1;
    return 0;
}

/* Row ri = a*row - b*pivot, where the pivot row holds unknown v with
 * coefficient pa and row ri holds it with pb. Keeps the unknowns' row counts
 * and occurrence lists. 0, 1 on overflow, -1 when out of memory. */
static int eliminate(linsys *s, uint32_t ri, const struct row *p, int64_t pa, int64_t pb)
{
    struct row *r = &s->rows[ri];
    uint64_t g = gcd64(mag(pa), mag(pb));
    int64_t a = pa / (int64_t)g, b = pb / (int64_t)g;
    uint32_t cap = r->n + p->n, i = 0, j = 0, k = 0;
    uint32_t *nv = malloc(cap * sizeof *nv);
    int64_t *nc = malloc(cap * sizeof *nc);
    int64_t rhs;

    if (!nv || !nc) {
        free(nv);
        free(nc);
        return -1;
    }
    while (i < r->n || j < p->n) {
        int64_t x;
        if (j == p->n || (i < r->n && r->var[i] < p->var[j])) {
            if (__builtin_mul_overflow(r->coef[i], a, &x) || x == INT64_MIN)
                goto overflow;
            nv[k] = r->var[i++];
            nc[k++] = x;
        } else if (i == r->n || p->var[j] < r->var[i]) {
            if (__builtin_mul_overflow(p->coef[j], -b, &x) || x == INT64_MIN)
                goto overflow;
            if (occ_push(&s->occ[p->var[j]], ri))
                goto oom;
            s->count[p->var[j]]++;
            nv[k] = p->var[j++];
            nc[k++] = x;
        } else {
            if (mulsub(r->coef[i], a, p->coef[j], b, &x))
                goto overflow;
            if (x) {
                nv[k] = r->var[i];
                nc[k++] = x;
            } else {
                s->count[r->var[i]]--;
            }
            i++, j++;
        }
    }
    if (mulsub(r->rhs, a, p->rhs, b, &rhs))
        goto overflow;
    free(r->var);
    free(r->coef);
    r->var = nv;
    r->coef = nc;
    r->n = k;
    r->cap = cap;
    r->rhs = rhs;
    normalize(r);
    return 0;
overflow:
    free(nv);
    free(nc);
    return 1;
oom:
    free(nv);
    free(nc);
    return -1;
}

int linsys_solve(linsys *s, char *err, size_t errlen)
{
    size_t i;
    uint32_t pass = 0;

    if (s->solved)
        return 0;
    s->solved = 1;
    s->stamp = calloc(s->nrows ? s->nrows : 1, sizeof *s->stamp);
    if (!s->stamp)
        goto oom;
    for (i = 0; i < s->nrows; i++)
        if (heap_push(s, s->rows[i].n, (uint32_t)i))
            goto oom;
    while (s->nheap) {
        struct heap_item it = heap_pop(s);
        struct row *r = &s->rows[it.row];
        uint32_t best = 0, v;
        int64_t pa;
        struct occ o;

        if (r->pivot)
            continue;
        if (it.n != r->n)
            continue; /* stale: the row changed and was pushed again */
        if (r->n == 0) {
            if (r->rhs != 0)
                s->inconsistent = 1;
            continue;
        }
        /* an unknown before any parameter, then the sparsest column */
        for (uint32_t k = 1; k < r->n; k++) {
            uint32_t a = s->count[r->var[k]], b = s->count[r->var[best]];
            int pa_ = s->param[r->var[k]], pb_ = s->param[r->var[best]];
            int ua = mag(r->coef[k]) == 1, ub = mag(r->coef[best]) == 1;
            if (pa_ < pb_ || (pa_ == pb_ && (a < b || (a == b && ua > ub))))
                best = k;
        }
        v = r->var[best];
        pa = r->coef[best];
        r->pivot = 1;
        s->pivot_row[v] = it.row;
        s->rank++;
        pass++;
        o = s->occ[v];
        s->occ[v] = (struct occ){0, 0, NULL};
        for (uint32_t k = 0; k < o.n; k++) {
            uint32_t ri = o.row[k];
            long at;
            int rc;
            if (ri == it.row || s->stamp[ri] == pass)
                continue;
            s->stamp[ri] = pass;
            at = find_var(&s->rows[ri], v);
            if (at < 0)
                continue;
            /* the pivot row is read while row ri is rewritten: rows is not reallocated here */
            rc = eliminate(s, ri, &s->rows[it.row], pa, s->rows[ri].coef[at]);
            if (rc < 0) {
                free(o.row);
                goto oom;
            }
            if (rc > 0) {
                free(o.row);
                snprintf(err, errlen,
                         "exact elimination: a coefficient overflows 64 bits "
                         "(%zu equations, %zu unknowns)",
                         s->nrows, s->nvars);
                return -1;
            }
            if (!s->rows[ri].pivot && heap_push(s, s->rows[ri].n, ri)) {
                free(o.row);
                goto oom;
            }
        }
        free(o.row);
        if (occ_push(&s->occ[v], it.row))
            goto oom;
        s->count[v] = 1;
    }
    /* rows pivoted on a parameter hold parameters alone */
    for (i = 0; i < s->nrows; i++) {
        const struct row *r = &s->rows[i];
        if (r->pivot) {
            int alone = 1;
            for (uint32_t k = 0; k < r->n && alone; k++)
                alone = s->param[r->var[k]];
            for (uint32_t k = 0; k < r->n && alone; k++)
                s->bound[r->var[k]] = 1;
        }
    }
    return 0;
oom:
    snprintf(err, errlen, "exact elimination: out of memory (%zu equations, %zu unknowns)",
             s->nrows, s->nvars);
    return -1;
}

/* The row of determined unknown v, or NULL. */
static const struct row *det_row(const linsys *s, size_t v)
{
    const struct row *r;
    if (!s->solved || v >= s->nvars || s->param[v] || s->pivot_row[v] < 0)
        return NULL;
    r = &s->rows[s->pivot_row[v]];
    for (uint32_t k = 0; k < r->n; k++)
        if (r->var[k] != v && !s->param[r->var[k]])
            return NULL;
    return r;
}

int linsys_determined(const linsys *s, size_t v, int64_t *num, int64_t *den)
{
    const struct row *r = det_row(s, v);
    uint64_t g;
    int64_t a, b;
    if (!r)
        return 0;
    if (r->n != 1) { /* a function of parameters: no value here */
        if (num)
            *num = 0;
        if (den)
            *den = 0;
        return 1;
    }
    a = r->rhs;
    b = r->coef[0];
    g = gcd64(mag(a), mag(b));
    if (g > 1) {
        a /= (int64_t)g;
        b /= (int64_t)g;
    }
    if (b < 0) {
        a = -a;
        b = -b;
    }
    if (num)
        *num = a;
    if (den)
        *den = b;
    return 1;
}

size_t linsys_row(const linsys *s, size_t v, const uint32_t **var, const int64_t **coef,
                  int64_t *rhs)
{
    const struct row *r = det_row(s, v);
    if (!r)
        return 0;
    *var = r->var;
    *coef = r->coef;
    *rhs = r->rhs;
    return r->n;
}

int linsys_param_free(const linsys *s, size_t p)
{
    return s->solved && p < s->nvars && s->param[p] && !s->bound[p];
}

size_t linsys_rank(const linsys *s)
{
    return s->rank;
}

int linsys_consistent(const linsys *s)
{
    return !s->inconsistent;
}

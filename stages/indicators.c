/* indicators: computes the report tables of spec/indicators.md from the
 * kept contracts written by merge and the events and attendance written by
 * ingest: croissance, croissance_mensuelle, ruptures, courbe_ruptures,
 * reunions, and the breakdown tables declared in schemas/output/
 * (breakdown: COLUMN).
 * Every table is written column by column from its output schema, so the
 * schema decides the columns and their order; secrecy is applied by otable.
 * The contracts are ingest's versions filtered by merge's list of kept
 * versions. Memory: one small record per kept contract (the rupture follow-up and the
 * employers' look-back need them) plus the groups. */
#include <dirent.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "log.h"
#include "otable.h"
#include "progress.h"
#include "refdata.h"
#include "strmap.h"
#include "tsv.h"
#include "values.h"

#define Y0 2000
#define NY 100 /* years 2000-2099 */
#define MAXT 256
#define MAXB 16     /* breakdown tables */
#define MAXTYPES 16 /* event types */
#define CURVE_M 36  /* courbe_ruptures: months since the start, 1 to 36 */

struct target {
    int year;
    char opco[32], region[8]; /* "TOTAL" when not given */
    long objectif;
};

/* The rupture counts of one group (spec/indicators.md "Ruptures"). */
struct rup {
    long contrats, ruptures, r45, obs9, r9, obs12, r12, suivies, sans;
};

/* One kept contract. */
struct kc {
    date_t debut, rupture, concl; /* rupture: DATE_NONE when none on or before D_obs */
    uint64_t id_hi, id_lo;        /* apprenti_id */
    uint32_t siren;
    int16_t reg, op;
    int16_t bd[MAXB];
};

/* A set of groups: one dimension value per contract (with a TOTAL index
 * last), or the région x OPCO pairs with their totals. */
struct grouping {
    size_t ngroups;
    unsigned char *exists; /* per group: it has a kept contract */
    unsigned long *month;  /* group x year x month entries */
    struct rup *rup;       /* group x cohort year */
    uint64_t *dur;         /* broken contracts: group x year << 32 | days */
    size_t ndur, capdur;
    int32_t *median; /* group x year, INT32_MIN when none */
};

struct breakdown {
    otable *t;
    char *column;  /* kept-contract column, or section_naf */
    int base;      /* 0 croissance, 1 ruptures */
    int tsv_col;   /* column in the kept contracts, -1 for section_naf */
    strmap values; /* value -> index */
    char **names;  /* index -> value, sorted before writing */
    size_t nvals;
    size_t *order; /* sorted position -> index */
    struct grouping g;
};

struct event {
    int year;
    date_t date;
    int16_t reg, op, type;
    long visiteurs; /* -1 when missing */
};

struct part {
    uint32_t key; /* group x year of the reunions table */
    uint32_t siren;
    date_t date;
    int ent;
};

struct ctx {
    refdata *ref;
    size_t nreg, nop; /* codes including ND; the TOTAL index is nreg / nop */
    const char **reg, **op;
    struct grouping ro;
    struct kc *kc;
    size_t nkc, capkc;
    int ymin, ymax, ysel0, ysel1, obs_y, obs_m;
    date_t dobs;
    struct target targets[MAXT];
    size_t ntargets;
    struct breakdown bd[MAXB];
    size_t nbd;
    /* reunions */
    struct event *ev;
    size_t nev;
    const char *types[MAXTYPES];
    char typebuf[MAXTYPES][64];
    size_t ntypes;
    long *r_events, *r_vis, *r_part, *r_struct, *r_ent, *r_new, *r_conv;
    unsigned char *r_hasvis;
    int eymin, eymax;
    /* courbe_ruptures: per (région or TOTAL) x cohort year x m in 0..CURVE_M+1,
     * differences of observables and ruptures by m (curve_add) */
    long *cur_obs, *cur_rup;
};

/* What one output row is about, for value(). */
struct rowctx {
    int year, month; /* month 0-11, -1 for yearly tables */
    const char *region, *opco, *type, *bdname, *bdvalue;
    size_t g; /* group index in its grouping */
    const struct grouping *gr;
    size_t rg; /* reunions group x year index */
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: indicators --contracts KEPT.tsv --schemas DIR --outdir DIR\n"
            "                  --observation-date YYYY-MM-DD [--input DIR]\n"
            "                  [--events EVENTS.tsv --participations PARTS.tsv]\n"
            "                  [--years Y[-Y]] [--secrecy N] [--target YEAR:OPCO[:REGION]=N]...\n"
            "Writes croissance, croissance_mensuelle, ruptures, courbe_ruptures, reunions and\n"
            "the breakdown tables of DIR/output/*.yaml as gzip CSV into the output folder.\n");
}

static int cmp_code(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    return strcmp(x, y);
}

static long find(const char **list, size_t n, const char *code)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!strcmp(list[i], code))
            return (long)i;
    return -1;
}

static int parse_target(struct ctx *c, const char *s)
{
    struct target *t = &c->targets[c->ntargets];
    char opco[32] = "", region[8] = "";
    int y, n = 0;
    long obj;
    if (c->ntargets == MAXT)
        return -1;
    if (sscanf(s, "%d:%31[^:=]:%7[^=]=%ld%n", &y, opco, region, &obj, &n) == 4 && !s[n]) {
    } else if (sscanf(s, "%d:%31[^:=]=%ld%n", &y, opco, &obj, &n) == 3 && !s[n]) {
        strcpy(region, "TOTAL");
    } else {
        return -1;
    }
    if (obj <= 0 || y < Y0 || y >= Y0 + NY)
        return -1;
    t->year = y;
    strcpy(t->opco, opco);
    strcpy(t->region, region);
    t->objectif = obj;
    c->ntargets++;
    return 0;
}

static const struct target *target_of(const struct ctx *c, int y, const char *reg, const char *op)
{
    size_t i;
    for (i = 0; i < c->ntargets; i++)
        if (c->targets[i].year == y && !strcmp(c->targets[i].opco, op) &&
            !strcmp(c->targets[i].region, reg))
            return &c->targets[i];
    return NULL;
}

static int grouping_init(struct grouping *g, size_t ngroups)
{
    g->ngroups = ngroups;
    g->exists = calloc(ngroups, 1);
    g->month = calloc(ngroups * NY * 12, sizeof *g->month);
    g->rup = calloc(ngroups * NY, sizeof *g->rup);
    g->median = malloc(ngroups * NY * sizeof *g->median);
    return g->exists && g->month && g->rup && g->median ? 0 : -1;
}

static void grouping_free(struct grouping *g)
{
    free(g->exists);
    free(g->month);
    free(g->rup);
    free(g->dur);
    free(g->median);
}

/* Adds one contract to group gi of g. */
static int grouping_add(struct grouping *g, size_t gi, const struct kc *k, int y, int m,
                        const struct rup *r, int32_t days)
{
    struct rup *x = &g->rup[gi * NY + (size_t)(y - Y0)];
    g->exists[gi] = 1;
    g->month[(gi * NY + (size_t)(y - Y0)) * 12 + (size_t)m]++;
    x->contrats += r->contrats;
    x->ruptures += r->ruptures;
    x->r45 += r->r45;
    x->obs9 += r->obs9;
    x->r9 += r->r9;
    x->obs12 += r->obs12;
    x->r12 += r->r12;
    x->suivies += r->suivies;
    x->sans += r->sans;
    if (k->rupture != DATE_NONE) {
        if (g->ndur + 1 > g->capdur) {
            size_t nc = g->capdur ? 2 * g->capdur : 4096;
            uint64_t *nd = realloc(g->dur, nc * sizeof *nd);
            if (!nd)
                return -1;
            g->dur = nd;
            g->capdur = nc;
        }
        /* days >= 0: both dates are in 2000-2099 and the rupture is not before the start */
        g->dur[g->ndur++] = (uint64_t)(gi * NY + (size_t)(y - Y0)) << 32 | (uint32_t)days;
    }
    return 0;
}

/* Sorts n keys in place: least significant byte first, skipping the bytes
 * every key shares. tmp holds n keys. */
static void radix_sort(uint64_t *a, uint64_t *tmp, size_t n)
{
    size_t count[256], i;
    int shift;
    for (shift = 0; shift < 64; shift += 8) {
        size_t sum = 0;
        memset(count, 0, sizeof count);
        for (i = 0; i < n; i++)
            count[(a[i] >> shift) & 0xFF]++;
        if (n == 0 || count[(a[0] >> shift) & 0xFF] == n)
            continue;
        for (i = 0; i < 256; i++) {
            size_t c = count[i];
            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            tmp[count[(a[i] >> shift) & 0xFF]++] = a[i];
        memcpy(a, tmp, n * sizeof *a);
    }
}

/* Medians of the durations per group and year (spec: for an even count, the
 * mean of the two middle values rounded half up to a whole day). 0, or -1
 * when out of memory. */
static int grouping_medians(struct grouping *g)
{
    size_t i, j, n = g->ngroups * NY;
    uint64_t *tmp = malloc((g->ndur ? g->ndur : 1) * sizeof *tmp);
    if (!tmp)
        return -1;
    for (i = 0; i < n; i++)
        g->median[i] = INT32_MIN;
    radix_sort(g->dur, tmp, g->ndur);
    free(tmp);
    for (i = 0; i < g->ndur; i = j) {
        size_t cnt;
        uint32_t key = (uint32_t)(g->dur[i] >> 32);
        for (j = i; j < g->ndur && (uint32_t)(g->dur[j] >> 32) == key; j++)
            ;
        cnt = j - i;
        if (cnt % 2)
            g->median[key] = (int32_t)(uint32_t)g->dur[i + cnt / 2];
        else {
            int64_t a = (uint32_t)g->dur[i + cnt / 2 - 1], b = (uint32_t)g->dur[i + cnt / 2];
            /* durations are >= 0, so half up is (a + b + 1) / 2 */
            g->median[key] = (int32_t)((a + b + 1) / 2);
        }
    }
    return 0;
}

static unsigned long cum(const struct grouping *g, size_t gi, int y, int m)
{
    unsigned long s = 0;
    int k;
    if (y < Y0 || y >= Y0 + NY)
        return 0;
    for (k = 0; k <= m; k++)
        s += g->month[(gi * NY + (size_t)(y - Y0)) * 12 + (size_t)k];
    return s;
}

/* A kept contract by apprentice and start, for the follow-up. */
struct person {
    uint64_t id_hi, id_lo;
    date_t debut;
    uint32_t idx;
};

static int cmp_person(const void *a, const void *b)
{
    const struct person *x = a, *y = b;
    if (x->id_hi != y->id_hi)
        return x->id_hi < y->id_hi ? -1 : 1;
    if (x->id_lo != y->id_lo)
        return x->id_lo < y->id_lo ? -1 : 1;
    return x->debut < y->debut ? -1 : x->debut > y->debut;
}

/* The value of up to 16 lower-case hex digits (apprenti_id halves). */
static uint64_t hex64(const char *s, size_t n)
{
    uint64_t v = 0;
    size_t i;
    for (i = 0; i < 16 && i < n; i++) {
        unsigned c = (unsigned char)s[i];
        v = v << 4 | (c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
}

/* The value of column `name` in a row; -1 when the name is unknown. */
static int value(const struct ctx *c, const struct rowctx *r, const char *name, oval *v, char *buf)
{
    const struct grouping *g = r->gr;
    size_t gy = r->g * NY + (size_t)(r->year - Y0);
    const struct rup *x = g ? &g->rup[gy] : NULL;
    int m = r->month < 0 ? 11 : r->month;

    if (!strcmp(name, "annee")) {
        snprintf(buf, 16, "%d", r->year);
        *v = ov_text(buf);
    } else if (!strcmp(name, "mois")) {
        snprintf(buf, 16, "%02d", r->month + 1);
        *v = ov_text(buf);
    } else if (!strcmp(name, "region") && r->region) {
        *v = ov_text(r->region);
    } else if (!strcmp(name, "region_libelle") && r->region) {
        *v = ov_text(ref_region_lib(c->ref, r->region));
    } else if (!strcmp(name, "opco") && r->opco) {
        *v = ov_text(r->opco);
    } else if (!strcmp(name, "type_evenement") && r->type) {
        *v = ov_text(r->type);
    } else if (r->bdname && !strcmp(name, r->bdname)) {
        *v = ov_text(r->bdvalue);
    } else if (g && !strcmp(name, "contrats")) {
        *v = ov_int((long)cum(g, r->g, r->year, 11));
    } else if (g && !strcmp(name, "contrats_annee_precedente")) {
        *v = ov_int((long)cum(g, r->g, r->year - 1, 11));
    } else if (g && !strcmp(name, "evolution_pct")) {
        long a = (long)cum(g, r->g, r->year, 11), b = (long)cum(g, r->g, r->year - 1, 11);
        *v = ov_pct(a - b, b);
    } else if (g && (!strcmp(name, "objectif") || !strcmp(name, "realisation_pct"))) {
        const struct target *t =
            r->region && r->opco ? target_of(c, r->year, r->region, r->opco) : NULL;
        if (!t)
            *v = ov_missing();
        else if (name[0] == 'o')
            *v = ov_int(t->objectif);
        else
            *v = ov_pct((long)cum(g, r->g, r->year, 11), t->objectif);
    } else if (g && !strcmp(name, "contrats_mois")) {
        *v = ov_int((long)g->month[gy * 12 + (size_t)m]);
    } else if (g && !strcmp(name, "cumul")) {
        *v = ov_int((long)cum(g, r->g, r->year, m));
    } else if (g && !strcmp(name, "cumul_annee_precedente")) {
        *v = ov_int((long)cum(g, r->g, r->year - 1, m));
    } else if (g && !strcmp(name, "evolution_cumul_pct")) {
        long a = (long)cum(g, r->g, r->year, m), b = (long)cum(g, r->g, r->year - 1, m);
        *v = ov_pct(a - b, b);
    } else if (x && !strcmp(name, "ruptures")) {
        *v = ov_int(x->ruptures);
    } else if (x && !strcmp(name, "taux_rupture_pct")) {
        *v = ov_pct(x->ruptures, x->contrats);
    } else if (x && !strcmp(name, "ruptures_45j")) {
        *v = ov_int(x->r45);
    } else if (x && !strcmp(name, "taux_rupture_45j_pct")) {
        *v = ov_pct(x->r45, x->contrats);
    } else if (x && !strcmp(name, "observables_9m")) {
        *v = ov_int(x->obs9);
    } else if (x && !strcmp(name, "ruptures_9m")) {
        *v = ov_int(x->r9);
    } else if (x && !strcmp(name, "taux_rupture_9m_pct")) {
        *v = ov_pct(x->r9, x->obs9);
    } else if (x && !strcmp(name, "observables_12m")) {
        *v = ov_int(x->obs12);
    } else if (x && !strcmp(name, "ruptures_12m")) {
        *v = ov_int(x->r12);
    } else if (x && !strcmp(name, "taux_rupture_12m_pct")) {
        *v = ov_pct(x->r12, x->obs12);
    } else if (x && !strcmp(name, "ruptures_suivies_nouveau_contrat")) {
        *v = ov_int(x->suivies);
    } else if (x && !strcmp(name, "ruptures_sans_nouveau_contrat")) {
        *v = ov_int(x->sans);
    } else if (x && !strcmp(name, "taux_sans_nouveau_contrat_pct")) {
        *v = ov_pct(x->sans, x->contrats);
    } else if (x && !strcmp(name, "duree_mediane_avant_rupture_j")) {
        *v = g->median[gy] == INT32_MIN ? ov_missing() : ov_int(g->median[gy]);
    } else if (!g && r->type && !strcmp(name, "evenements")) {
        *v = ov_int(c->r_events[r->rg]);
    } else if (!g && r->type && !strcmp(name, "participations")) {
        *v = ov_int(c->r_part[r->rg]);
    } else if (!g && r->type && !strcmp(name, "structures")) {
        *v = ov_int(c->r_struct[r->rg]);
    } else if (!g && r->type && !strcmp(name, "participants_par_evenement")) {
        *v = ov_ratio(c->r_part[r->rg], c->r_events[r->rg]);
    } else if (!g && r->type && !strcmp(name, "visiteurs")) {
        *v = c->r_hasvis[r->rg] ? ov_int(c->r_vis[r->rg]) : ov_missing();
    } else if (!g && r->type && !strcmp(name, "entreprises")) {
        *v = ov_int(c->r_ent[r->rg]);
    } else if (!g && r->type && !strcmp(name, "entreprises_nouvelles")) {
        *v = ov_int(c->r_new[r->rg]);
    } else if (!g && r->type && !strcmp(name, "entreprises_converties")) {
        *v = ov_int(c->r_conv[r->rg]);
    } else if (!g && r->type && !strcmp(name, "taux_conversion_pct")) {
        *v = ov_pct(c->r_conv[r->rg], c->r_ent[r->rg]);
    } else {
        return -1;
    }
    return 0;
}

/* Writes one row of t from its schema's column names. */
static int emit(const struct ctx *c, otable *t, const struct rowctx *r)
{
    oval v[64];
    char bufs[64][16];
    size_t i;
    for (i = 0; i < t->ncols && i < 64; i++)
        if (value(c, r, t->cols[i].name, &v[i], bufs[i])) {
            log_error("%s: no value for column '%s' in this table", t->path, t->cols[i].name);
            return EX_CONFIG;
        }
    return otable_row(t, v) ? EX_IOERR : 0;
}

static size_t ro_index(const struct ctx *c, size_t r, size_t o)
{
    return r * (c->nop + 1) + o;
}

/* 1 when the row (region r, OPCO o, year y) exists: spec "Which rows exist". */
static int ro_row_exists(const struct ctx *c, size_t r, size_t o, int y)
{
    if (c->ro.exists[ro_index(c, r, o)])
        return 1;
    return target_of(c, y, r == c->nreg ? "TOTAL" : c->reg[r], o == c->nop ? "TOTAL" : c->op[o]) !=
           NULL;
}

static int open_table(otable *t, const char *outdir, int thr)
{
    char err[1024];
    if (otable_open(t, outdir, thr, err, sizeof err)) {
        log_error("%s", err);
        return EX_IOERR;
    }
    return 0;
}

static int close_table(otable *t)
{
    char err[1024];
    if (otable_close(t, err, sizeof err)) {
        log_error("%s", err);
        return EX_IOERR;
    }
    return 0;
}

/* croissance (monthly = 0), croissance_mensuelle (1) or ruptures (2). */
static int write_ro(const struct ctx *c, otable *t, const char *outdir, int thr, int kind)
{
    int y, m, rc;
    size_t r, o;
    if ((rc = open_table(t, outdir, thr)))
        return rc;
    for (y = c->ysel0; y <= c->ysel1; y++) {
        int mmax = kind == 1 ? (y == c->obs_y ? c->obs_m : 12) : 1;
        for (m = 0; m < mmax; m++)
            for (r = 0; r <= c->nreg; r++)
                for (o = 0; o <= c->nop; o++) {
                    struct rowctx rc_ = {0};
                    if (!ro_row_exists(c, r, o, y))
                        continue;
                    rc_.year = y;
                    rc_.month = kind == 1 ? m : -1;
                    rc_.region = r == c->nreg ? "TOTAL" : c->reg[r];
                    rc_.opco = o == c->nop ? "TOTAL" : c->op[o];
                    rc_.g = ro_index(c, r, o);
                    rc_.gr = &c->ro;
                    if ((rc = emit(c, t, &rc_)))
                        return rc;
                }
    }
    return close_table(t);
}

static const char *const *sort_names;
static int cmp_order(const void *a, const void *b)
{
    const char *x = sort_names[*(const size_t *)a], *y = sort_names[*(const size_t *)b];
    return strcmp(x, y);
}

static int write_breakdown(const struct ctx *c, struct breakdown *b, const char *outdir, int thr)
{
    int y, rc;
    size_t i;
    b->order = malloc((b->nvals + 1) * sizeof *b->order);
    if (!b->order)
        return EX_SOFTWARE;
    for (i = 0; i < b->nvals; i++)
        b->order[i] = i;
    sort_names = (const char *const *)b->names;
    qsort(b->order, b->nvals, sizeof *b->order, cmp_order);
    b->order[b->nvals] = b->nvals; /* TOTAL last */
    if ((rc = open_table(b->t, outdir, thr)))
        return rc;
    for (y = c->ysel0; y <= c->ysel1; y++)
        for (i = 0; i <= b->nvals; i++) {
            struct rowctx r = {0};
            size_t gi = b->order[i];
            if (!b->g.exists[gi])
                continue;
            r.year = y;
            r.month = -1;
            r.bdname = b->column;
            r.bdvalue = gi == b->nvals ? "TOTAL" : b->names[gi];
            r.g = gi;
            r.gr = &b->g;
            if ((rc = emit(c, b->t, &r)))
                return rc;
        }
    return close_table(b->t);
}

/* The index of a breakdown value, added when new. */
static long bd_value(struct breakdown *b, const char *s, size_t n)
{
    size_t *old;
    int put;
    if (n == 0) {
        s = "ND";
        n = 2;
    }
    put = strmap_put(&b->values, s, n, b->nvals, &old);
    if (put < 0)
        return -1;
    if (put == 0)
        return (long)*old;
    {
        char **nn = realloc(b->names, (b->nvals + 1) * sizeof *nn);
        if (!nn)
            return -1;
        b->names = nn;
        nn[b->nvals] = strndup(s, n);
        if (!nn[b->nvals])
            return -1;
    }
    return (long)b->nvals++;
}

/* Loads the output schemas: the four base tables and the breakdowns. */
static int load_tables(struct ctx *c, const char *schemas, otable **base)
{
    static const char *const names[4] = {"croissance", "croissance_mensuelle", "ruptures",
                                         "reunions"};
    char dir[4096], path[4352], err[1024];
    struct dirent **ents = NULL;
    int n, i, rc = 0;

    for (i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/output/%s.yaml", schemas, names[i]);
        base[i] = otable_load(path, err, sizeof err);
        if (!base[i]) {
            log_error("%s", err);
            return EX_CONFIG;
        }
    }
    snprintf(dir, sizeof dir, "%s/output", schemas);
    n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0) {
        log_error("%s: cannot read the output schemas", dir);
        return EX_CONFIG;
    }
    for (i = 0; i < n; i++) {
        size_t l = strlen(ents[i]->d_name);
        otable *t;
        if (!rc && l > 5 && !strcmp(ents[i]->d_name + l - 5, ".yaml")) {
            snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
            t = otable_load(path, err, sizeof err);
            if (!t) {
                log_error("%s", err);
                rc = EX_CONFIG;
            } else if (!t->breakdown) {
                otable_free(t);
            } else if (c->nbd == MAXB) {
                log_error("%s: more than %d breakdown tables", path, MAXB);
                otable_free(t);
                rc = EX_CONFIG;
            } else {
                struct breakdown *b = &c->bd[c->nbd++];
                b->t = t;
                b->column = strdup(t->breakdown);
                b->base = t->base && !strcmp(t->base, "croissance") ? 0 : 1;
                if (t->base && strcmp(t->base, "croissance") && strcmp(t->base, "ruptures")) {
                    log_error("%s: base must be croissance or ruptures", path);
                    rc = EX_CONFIG;
                }
            }
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}

/* Loads the output schema of courbe_ruptures. */
static int load_courbe(const char *schemas, otable **t)
{
    char path[4352], err[1024];
    snprintf(path, sizeof path, "%s/output/courbe_ruptures.yaml", schemas);
    if (!(*t = otable_load(path, err, sizeof err))) {
        log_error("%s", err);
        return EX_CONFIG;
    }
    return 0;
}

/* Reads merge's list of kept versions into a bitmap by row number. */
static int read_kept(const char *path, unsigned char **bits, size_t *nbits)
{
    char err[1024];
    tsvr *r = tsvr_open(path, err, sizeof err);
    int cv, got;
    if (!r) {
        log_error("%s", err);
        return EX_IOERR;
    }
    if ((cv = tsvr_need(r, "version", err, sizeof err)) < 0) {
        log_error("%s", err);
        tsvr_close(r);
        return EX_SOFTWARE;
    }
    while ((got = tsvr_next(r, err, sizeof err)) == 1) {
        unsigned long v = strtoul(r->field[cv], NULL, 10);
        if (v >= *nbits) {
            size_t nb = *nbits ? *nbits : 65536;
            unsigned char *b;
            while (nb <= v)
                nb *= 2;
            b = realloc(*bits, nb / 8);
            if (!b) {
                tsvr_close(r);
                return EX_SOFTWARE;
            }
            memset(b + *nbits / 8, 0, (nb - *nbits) / 8);
            *bits = b;
            *nbits = nb;
        }
        (*bits)[v / 8] |= (unsigned char)(1u << (v % 8));
    }
    tsvr_close(r);
    if (got < 0) {
        log_error("%s", err);
        return EX_IOERR;
    }
    return 0;
}

/* Reads the kept contracts: the versions of path whose row number is in
 * the kept list. */
static int read_contracts(struct ctx *c, const char *path, const char *keptpath)
{
    unsigned char *bits = NULL;
    size_t nbits = 0;
    unsigned long seq = 0;
    progress prog;
    char err[1024];
    tsvr *r;
    int cd, cr, co, crup, ccon, cid, csiren, cnaf = -1, got, rc = 0;
    size_t i;

    if ((rc = read_kept(keptpath, &bits, &nbits)))
        return rc;
    r = tsvr_open(path, err, sizeof err);
    if (!r) {
        log_error("%s", err);
        free(bits);
        return EX_IOERR;
    }
    if ((cd = tsvr_need(r, "date_debut_contrat", err, sizeof err)) < 0 ||
        (cr = tsvr_need(r, "region", err, sizeof err)) < 0 ||
        (co = tsvr_need(r, "opco", err, sizeof err)) < 0 ||
        (crup = tsvr_need(r, "date_rupture", err, sizeof err)) < 0 ||
        (ccon = tsvr_need(r, "date_conclusion", err, sizeof err)) < 0 ||
        (cid = tsvr_need(r, "apprenti_id", err, sizeof err)) < 0 ||
        (csiren = tsvr_need(r, "siren_employeur", err, sizeof err)) < 0) {
        log_error("%s", err);
        tsvr_close(r);
        free(bits);
        return EX_SOFTWARE;
    }
    for (i = 0; i < c->nbd; i++) {
        struct breakdown *b = &c->bd[i];
        if (!strcmp(b->column, "section_naf")) {
            b->tsv_col = -1;
            cnaf = tsvr_col(r, "naf");
        } else if ((b->tsv_col = tsvr_col(r, b->column)) < 0) {
            log_error("%s: breakdown column '%s' is not a column of the contracts", b->t->path,
                      b->column);
            tsvr_close(r);
            free(bits);
            return EX_CONFIG;
        }
    }
    c->ymin = 9999;
    c->ymax = 0;
    progress_start(&prog, "indicators", path);
    while ((got = tsvr_next(r, err, sizeof err)) == 1) {
        struct kc k;
        long ri, oi;
        int y;
        if (progress_due(&prog, ++seq))
            progress_tick(&prog, seq, tsvr_fraction(r));
        if (seq >= nbits || !(bits[seq / 8] & (1u << (seq % 8))))
            continue; /* a replaced or excluded version */
        memset(&k, 0, sizeof k);
        if (val_date(r->field[cd], r->len[cd], &k.debut)) {
            log_error("%s:%lu: bad date_debut_contrat", path, r->lineno);
            rc = EX_SOFTWARE;
            break;
        }
        k.rupture = DATE_NONE;
        if (r->len[crup] && val_date(r->field[crup], r->len[crup], &k.rupture))
            k.rupture = DATE_NONE;
        /* a rupture after the observation date is no rupture (yet) */
        if (k.rupture != DATE_NONE && k.rupture > c->dobs)
            k.rupture = DATE_NONE;
        if (!r->len[ccon] || val_date(r->field[ccon], r->len[ccon], &k.concl))
            k.concl = k.debut;
        k.id_hi = hex64(r->field[cid], r->len[cid]);
        k.id_lo = r->len[cid] > 16 ? hex64(r->field[cid] + 16, r->len[cid] - 16) : 0;
        k.siren = (uint32_t)strtoul(r->field[csiren], NULL, 10);
        ri = find(c->reg, c->nreg, r->field[cr]);
        oi = find(c->op, c->nop, r->field[co]);
        y = date_year(k.debut);
        if (ri < 0 || oi < 0 || y < Y0 || y >= Y0 + NY) {
            log_error("%s:%lu: unknown region or OPCO, or year out of range", path, r->lineno);
            rc = EX_SOFTWARE;
            break;
        }
        k.reg = (int16_t)ri;
        k.op = (int16_t)oi;
        for (i = 0; i < c->nbd; i++) {
            struct breakdown *b = &c->bd[i];
            long v;
            if (b->tsv_col >= 0) {
                v = bd_value(b, r->field[b->tsv_col], r->len[b->tsv_col]);
            } else {
                char sec[2] = {0, 0};
                if (cnaf >= 0 && r->len[cnaf] >= 2) {
                    int d = (r->field[cnaf][0] - '0') * 10 + (r->field[cnaf][1] - '0');
                    if (d >= 0 && d < 100)
                        sec[0] = c->ref->naf_section[d];
                }
                v = bd_value(b, sec, strlen(sec));
            }
            if (v < 0 || v > INT16_MAX) {
                log_error("out of memory or too many values of '%s'", b->column);
                rc = EX_SOFTWARE;
                break;
            }
            k.bd[i] = (int16_t)v;
        }
        if (rc)
            break;
        if (c->nkc == c->capkc) {
            size_t nc = c->capkc ? 2 * c->capkc : 65536;
            struct kc *nk = realloc(c->kc, nc * sizeof *nk);
            if (!nk) {
                log_error("out of memory");
                rc = EX_SOFTWARE;
                break;
            }
            c->kc = nk;
            c->capkc = nc;
        }
        c->kc[c->nkc++] = k;
        if (y < c->ymin)
            c->ymin = y;
        if (y > c->ymax)
            c->ymax = y;
    }
    progress_end(&prog);
    if (got < 0 && !rc) {
        log_error("%s", err);
        rc = EX_IOERR;
    }
    tsvr_close(r);
    free(bits);
    return rc;
}

/* --- courbe_ruptures ------------------------------------------------------ */

static size_t curve_index(size_t r, int y, int m)
{
    return (r * NY + (size_t)(y - Y0)) * (CURVE_M + 2) + (size_t)m;
}

/* The smallest m >= 0 with d + m months > limit; (dy, dm) and (ly, lm) are
 * the years and months of d and limit (the caller has them: one calendar
 * conversion less per contract). */
static int months_past(date_t d, int dy, int dm, date_t limit, int ly, int lm)
{
    int m = (ly - dy) * 12 + lm - dm;
    /* d + (m - 1) months lies in the month before limit's: never after it */
    if (m < 0)
        return 0;
    return date_add_months(d, m) > limit ? m : m + 1;
}

/* Adds one contract, started in year y and month mo (1-12), to the curve of
 * its région and of TOTAL: it is observable for m = 1 .. M (d + m months <=
 * D_obs) and broken within m months for m >= R (rupture < d + m months);
 * stored as differences so that a contract costs O(1) whatever the window
 * (spec/indicators.md, "Rupture curve"). */
static void curve_add(struct ctx *c, const struct kc *k, int y, int mo)
{
    int M = months_past(k->debut, y, mo, c->dobs, c->obs_y, c->obs_m) - 1, R = CURVE_M + 1;
    size_t g[2] = {(size_t)k->reg, c->nreg}, i;
    if (M < 1)
        return;
    if (M > CURVE_M)
        M = CURVE_M;
    if (k->rupture != DATE_NONE) {
        int ry, rm, rd;
        date_to_ymd(k->rupture, &ry, &rm, &rd);
        R = months_past(k->debut, y, mo, k->rupture, ry, rm);
        if (R < 1)
            R = 1;
    }
    for (i = 0; i < 2; i++) {
        c->cur_obs[curve_index(g[i], y, 1)]++;
        c->cur_obs[curve_index(g[i], y, M + 1)]--;
        if (R <= M) {
            c->cur_rup[curve_index(g[i], y, R)]++;
            c->cur_rup[curve_index(g[i], y, M + 1)]--;
        }
    }
}

/* courbe_ruptures: per cohort year x région (then TOTAL) x m, one row for
 * every (year, région) row of ruptures (all OPCOs) and every m with
 * observable contracts. */
static int write_courbe(const struct ctx *c, otable *t, const char *outdir, int thr)
{
    oval v[64];
    char bufs[64][16];
    size_t r, i;
    int y, m, rc;
    if ((rc = open_table(t, outdir, thr)))
        return rc;
    for (y = c->ysel0; y <= c->ysel1; y++)
        for (r = 0; r <= c->nreg; r++) {
            long obs = 0, rup = 0;
            if (!ro_row_exists(c, r, c->nop, y))
                continue;
            for (m = 1; m <= CURVE_M; m++) {
                struct rowctx rc_ = {0};
                obs += c->cur_obs[curve_index(r, y, m)];
                rup += c->cur_rup[curve_index(r, y, m)];
                if (obs <= 0)
                    break; /* observables only shrink as m grows */
                rc_.year = y;
                rc_.month = m - 1;
                rc_.region = r == c->nreg ? "TOTAL" : c->reg[r];
                rc_.opco = "TOTAL";
                for (i = 0; i < t->ncols && i < 64; i++) {
                    const char *name = t->cols[i].name;
                    if (!strcmp(name, "observables"))
                        v[i] = ov_int(obs);
                    else if (!strcmp(name, "ruptures"))
                        v[i] = ov_int(rup);
                    else if (!strcmp(name, "taux_rupture_cumule_pct"))
                        v[i] = ov_pct(rup, obs);
                    else if (value(c, &rc_, name, &v[i], bufs[i])) {
                        log_error("%s: no value for column '%s' in this table", t->path, name);
                        return EX_CONFIG;
                    }
                }
                if (otable_row(t, v))
                    return EX_IOERR;
            }
        }
    return close_table(t);
}

/* Counts every kept contract into its groups (rupture windows, follow-up). */
static int count_contracts(struct ctx *c)
{
    struct person *by = malloc((c->nkc ? c->nkc : 1) * sizeof *by);
    unsigned char *followed = calloc(c->nkc ? c->nkc : 1, 1);
    size_t i, j;
    int rc = 0;

    if (!by || !followed) {
        free(by);
        free(followed);
        return EX_SOFTWARE;
    }
    /* follow-up: the apprentice's next contract started after this one */
    for (i = 0; i < c->nkc; i++)
        by[i] = (struct person){c->kc[i].id_hi, c->kc[i].id_lo, c->kc[i].debut, (uint32_t)i};
    qsort(by, c->nkc, sizeof *by, cmp_person);
    for (i = 0; i < c->nkc; i++) {
        const struct kc *k = &c->kc[by[i].idx];
        if (k->rupture == DATE_NONE)
            continue;
        for (j = i + 1; j < c->nkc && by[j].id_hi == by[i].id_hi && by[j].id_lo == by[i].id_lo; j++)
            if (by[j].debut > k->debut) {
                followed[by[i].idx] = by[j].debut <= date_add_months(k->rupture, 6);
                break;
            }
    }
    for (i = 0; i < c->nkc && !rc; i++) {
        const struct kc *k = &c->kc[i];
        struct rup x = {1, 0, 0, 0, 0, 0, 0, 0, 0};
        int y = date_year(k->debut), m = date_month(k->debut) - 1;
        int32_t days = 0;
        size_t b;
        x.obs9 = date_add_months(k->debut, 9) <= c->dobs;
        x.obs12 = date_add_months(k->debut, 12) <= c->dobs;
        if (k->rupture != DATE_NONE) {
            x.ruptures = 1;
            x.r45 = k->rupture < k->debut + 45;
            x.r9 = x.obs9 && k->rupture < date_add_months(k->debut, 9);
            x.r12 = x.obs12 && k->rupture < date_add_months(k->debut, 12);
            x.suivies = followed[i];
            x.sans = !followed[i] && date_add_months(k->rupture, 6) <= c->dobs;
            days = k->rupture - k->debut;
        }
        if (grouping_add(&c->ro, ro_index(c, (size_t)k->reg, (size_t)k->op), k, y, m, &x, days) ||
            grouping_add(&c->ro, ro_index(c, c->nreg, (size_t)k->op), k, y, m, &x, days) ||
            grouping_add(&c->ro, ro_index(c, (size_t)k->reg, c->nop), k, y, m, &x, days) ||
            grouping_add(&c->ro, ro_index(c, c->nreg, c->nop), k, y, m, &x, days))
            rc = EX_SOFTWARE;
        for (b = 0; b < c->nbd && !rc; b++)
            if (grouping_add(&c->bd[b].g, (size_t)k->bd[b], k, y, m, &x, days) ||
                grouping_add(&c->bd[b].g, c->bd[b].nvals, k, y, m, &x, days))
                rc = EX_SOFTWARE;
        curve_add(c, k, y, m + 1);
    }
    free(by);
    free(followed);
    return rc;
}

/* --- reunions ------------------------------------------------------------ */

/* Reunion groups: région x OPCO x event type x event year, over the years
 * of the accepted events only. */
static size_t reu_size(const struct ctx *c)
{
    return (c->nreg + 1) * (c->nop + 1) * MAXTYPES * (size_t)(c->eymax - c->eymin + 1);
}

static size_t reu_index(const struct ctx *c, size_t r, size_t o, size_t t, int y)
{
    return ((r * (c->nop + 1) + o) * MAXTYPES + t) * (size_t)(c->eymax - c->eymin + 1) +
           (size_t)(y - c->eymin);
}

static int read_events(struct ctx *c, const char *path, strmap *ids)
{
    char err[1024];
    tsvr *r = tsvr_open(path, err, sizeof err);
    int cid, ct, cd, co, cr, cv, got, rc = 0;
    size_t cap = 0;
    if (!r) {
        log_error("%s", err);
        return EX_IOERR;
    }
    if ((cid = tsvr_need(r, "id_evenement", err, sizeof err)) < 0 ||
        (ct = tsvr_need(r, "type_evenement", err, sizeof err)) < 0 ||
        (cd = tsvr_need(r, "date_evenement", err, sizeof err)) < 0 ||
        (co = tsvr_need(r, "opco", err, sizeof err)) < 0 ||
        (cr = tsvr_need(r, "region", err, sizeof err)) < 0 ||
        (cv = tsvr_need(r, "visiteurs", err, sizeof err)) < 0) {
        log_error("%s", err);
        tsvr_close(r);
        return EX_SOFTWARE;
    }
    c->eymin = 9999;
    c->eymax = 0;
    while ((got = tsvr_next(r, err, sizeof err)) == 1) {
        struct event e;
        long ri = find(c->reg, c->nreg, r->field[cr]), oi = find(c->op, c->nop, r->field[co]);
        long ti = find(c->types, c->ntypes, r->field[ct]);
        if (ti < 0 && c->ntypes < MAXTYPES) {
            snprintf(c->typebuf[c->ntypes], sizeof c->typebuf[0], "%s", r->field[ct]);
            c->types[c->ntypes] = c->typebuf[c->ntypes];
            ti = (long)c->ntypes++;
        }
        if (val_date(r->field[cd], r->len[cd], &e.date) || ri < 0 || oi < 0 || ti < 0) {
            log_error("%s:%lu: bad event record", path, r->lineno);
            rc = EX_SOFTWARE;
            break;
        }
        e.year = date_year(e.date);
        e.reg = (int16_t)ri;
        e.op = (int16_t)oi;
        e.type = (int16_t)ti;
        e.visiteurs = r->len[cv] ? strtol(r->field[cv], NULL, 10) : -1;
        if (e.year < Y0 || e.year >= Y0 + NY) {
            log_error("%s:%lu: event year out of range", path, r->lineno);
            rc = EX_SOFTWARE;
            break;
        }
        if (c->nev == cap) {
            cap = cap ? 2 * cap : 1024;
            struct event *ne = realloc(c->ev, cap * sizeof *ne);
            if (!ne) {
                rc = EX_SOFTWARE;
                break;
            }
            c->ev = ne;
        }
        if (strmap_put(ids, r->field[cid], r->len[cid], c->nev, NULL) < 0) {
            rc = EX_SOFTWARE;
            break;
        }
        c->ev[c->nev++] = e;
        if (e.year < c->eymin)
            c->eymin = e.year;
        if (e.year > c->eymax)
            c->eymax = e.year;
    }
    if (got < 0 && !rc) {
        log_error("%s", err);
        rc = EX_IOERR;
    }
    tsvr_close(r);
    return rc;
}

static int cmp_part(const void *a, const void *b)
{
    const struct part *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->siren != y->siren)
        return x->siren < y->siren ? -1 : 1;
    return x->date < y->date ? -1 : x->date > y->date;
}

/* (siren, date) pairs sorted, for the employers' look-back and look-ahead. */
struct sd {
    uint32_t siren;
    date_t d;
};

static int cmp_sd(const void *a, const void *b)
{
    const struct sd *x = a, *y = b;
    if (x->siren != y->siren)
        return x->siren < y->siren ? -1 : 1;
    return x->d < y->d ? -1 : x->d > y->d;
}

/* 1 when some pair of siren has a date in [lo, hi]. */
static int any_in(const struct sd *v, size_t n, uint32_t siren, date_t lo, date_t hi)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (v[m].siren < siren || (v[m].siren == siren && v[m].d < lo))
            a = m + 1;
        else
            b = m;
    }
    return a < n && v[a].siren == siren && v[a].d <= hi;
}

static int compute_reunions(struct ctx *c, const char *evpath, const char *ppath)
{
    strmap ids = STRMAP_ZERO;
    struct part *p = NULL;
    struct sd *starts = NULL, *concl = NULL;
    size_t np = 0, cap = 0, i, j, n;
    char err[1024];
    tsvr *r = NULL;
    int rc, got, cid, csiren, ctype, ccount;

    if ((rc = read_events(c, evpath, &ids)))
        goto done;
    if (c->nev == 0)
        goto done;
    n = reu_size(c);
    c->r_events = calloc(n, sizeof *c->r_events);
    c->r_vis = calloc(n, sizeof *c->r_vis);
    c->r_part = calloc(n, sizeof *c->r_part);
    c->r_struct = calloc(n, sizeof *c->r_struct);
    c->r_ent = calloc(n, sizeof *c->r_ent);
    c->r_new = calloc(n, sizeof *c->r_new);
    c->r_conv = calloc(n, sizeof *c->r_conv);
    c->r_hasvis = calloc(n, 1);
    if (!c->r_events || !c->r_vis || !c->r_part || !c->r_struct || !c->r_ent || !c->r_new ||
        !c->r_conv || !c->r_hasvis) {
        rc = EX_SOFTWARE;
        goto done;
    }
    for (i = 0; i < c->nev; i++) {
        const struct event *e = &c->ev[i];
        size_t g[4] = {reu_index(c, (size_t)e->reg, (size_t)e->op, (size_t)e->type, e->year),
                       reu_index(c, c->nreg, (size_t)e->op, (size_t)e->type, e->year),
                       reu_index(c, (size_t)e->reg, c->nop, (size_t)e->type, e->year),
                       reu_index(c, c->nreg, c->nop, (size_t)e->type, e->year)};
        for (j = 0; j < 4; j++) {
            c->r_events[g[j]]++;
            if (e->visiteurs >= 0) {
                c->r_vis[g[j]] += e->visiteurs;
                c->r_hasvis[g[j]] = 1;
            }
        }
    }
    if (!ppath)
        goto done;
    r = tsvr_open(ppath, err, sizeof err);
    if (!r) {
        log_error("%s", err);
        rc = EX_IOERR;
        goto done;
    }
    if ((cid = tsvr_need(r, "id_evenement", err, sizeof err)) < 0 ||
        (csiren = tsvr_need(r, "siren", err, sizeof err)) < 0 ||
        (ctype = tsvr_need(r, "type_participant", err, sizeof err)) < 0 ||
        (ccount = tsvr_need(r, "compte", err, sizeof err)) < 0) {
        log_error("%s", err);
        rc = EX_SOFTWARE;
        goto done;
    }
    while ((got = tsvr_next(r, err, sizeof err)) == 1) {
        size_t *ei;
        const struct event *e;
        if (strcmp(r->field[ccount], "1"))
            continue;
        ei = strmap_get(&ids, r->field[cid], r->len[cid]);
        if (!ei) {
            log_error("%s:%lu: unknown event '%s'", ppath, r->lineno, r->field[cid]);
            rc = EX_SOFTWARE;
            goto done;
        }
        e = &c->ev[*ei];
        if (np + 4 > cap) {
            struct part *nparts;
            cap = cap ? 2 * cap : 65536;
            nparts = realloc(p, cap * sizeof *p);
            if (!nparts) {
                rc = EX_SOFTWARE;
                goto done;
            }
            p = nparts;
        }
        {
            size_t g[4] = {reu_index(c, (size_t)e->reg, (size_t)e->op, (size_t)e->type, e->year),
                           reu_index(c, c->nreg, (size_t)e->op, (size_t)e->type, e->year),
                           reu_index(c, (size_t)e->reg, c->nop, (size_t)e->type, e->year),
                           reu_index(c, c->nreg, c->nop, (size_t)e->type, e->year)};
            for (j = 0; j < 4; j++)
                p[np++] =
                    (struct part){(uint32_t)g[j], (uint32_t)strtoul(r->field[csiren], NULL, 10),
                                  e->date, !strcmp(r->field[ctype], "entreprise")};
        }
    }
    if (got < 0) {
        log_error("%s", err);
        rc = EX_IOERR;
        goto done;
    }
    /* contracts by SIREN: start dates (look-back) and conclusion dates (look-ahead) */
    starts = malloc((c->nkc ? c->nkc : 1) * sizeof *starts);
    concl = malloc((c->nkc ? c->nkc : 1) * sizeof *concl);
    if (!starts || !concl) {
        rc = EX_SOFTWARE;
        goto done;
    }
    for (i = 0; i < c->nkc; i++) {
        starts[i] = (struct sd){c->kc[i].siren, c->kc[i].debut};
        concl[i] = (struct sd){c->kc[i].siren, c->kc[i].concl};
    }
    qsort(starts, c->nkc, sizeof *starts, cmp_sd);
    qsort(concl, c->nkc, sizeof *concl, cmp_sd);
    qsort(p, np, sizeof *p, cmp_part);
    for (i = 0; i < np; i = j) {
        /* one (group, siren): its rows are sorted by date */
        date_t d = DATE_NONE;
        int ent = 0;
        for (j = i; j < np && p[j].key == p[i].key && p[j].siren == p[i].siren; j++) {
            c->r_part[p[j].key]++;
            if (p[j].ent && !ent) {
                ent = 1;
                d = p[j].date;
            }
        }
        c->r_struct[p[i].key]++;
        if (ent) {
            c->r_ent[p[i].key]++;
            c->r_new[p[i].key] +=
                !any_in(starts, c->nkc, p[i].siren, date_add_months(d, -36), d - 1);
            c->r_conv[p[i].key] += any_in(concl, c->nkc, p[i].siren, d, date_add_months(d, 12));
        }
    }
done:
    tsvr_close(r);
    strmap_free(&ids);
    free(p);
    free(starts);
    free(concl);
    return rc;
}

static int write_reunions(const struct ctx *c, otable *t, const char *outdir, int thr, int y0,
                          int y1)
{
    size_t r, o, k, ti, order[MAXTYPES];
    int y, rc;
    if ((rc = open_table(t, outdir, thr)))
        return rc;
    if (c->nev == 0)
        return close_table(t);
    for (k = 0; k < c->ntypes; k++)
        order[k] = k;
    /* event types in byte order */
    for (k = 1; k < c->ntypes; k++)
        for (ti = k; ti > 0 && strcmp(c->types[order[ti - 1]], c->types[order[ti]]) > 0; ti--) {
            size_t tmp = order[ti];
            order[ti] = order[ti - 1];
            order[ti - 1] = tmp;
        }
    for (y = y0; y <= y1; y++)
        for (r = 0; r <= c->nreg; r++)
            for (o = 0; o <= c->nop; o++)
                for (k = 0; k < c->ntypes; k++) {
                    struct rowctx rc_ = {0};
                    size_t gi = reu_index(c, r, o, order[k], y);
                    if (!c->r_events[gi])
                        continue;
                    rc_.year = y;
                    rc_.month = -1;
                    rc_.region = r == c->nreg ? "TOTAL" : c->reg[r];
                    rc_.opco = o == c->nop ? "TOTAL" : c->op[o];
                    rc_.type = c->types[order[k]];
                    rc_.rg = gi;
                    if ((rc = emit(c, t, &rc_)))
                        return rc;
                }
    return close_table(t);
}

static int parse_years(const char *years, int *a, int *b)
{
    int n = 0;
    if (sscanf(years, "%d-%d%n", a, b, &n) == 2 && !years[n] && *a <= *b)
        return 0;
    if (sscanf(years, "%d%n", a, &n) == 1 && !years[n]) {
        *b = *a;
        return 0;
    }
    return -1;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"contracts", required_argument, NULL, 'c'},
                                         {"kept", required_argument, NULL, 'k'},
                                         {"schemas", required_argument, NULL, 's'},
                                         {"outdir", required_argument, NULL, 'o'},
                                         {"observation-date", required_argument, NULL, 'd'},
                                         {"input", required_argument, NULL, 'i'},
                                         {"events", required_argument, NULL, 'e'},
                                         {"participations", required_argument, NULL, 'p'},
                                         {"years", required_argument, NULL, 'y'},
                                         {"secrecy", required_argument, NULL, 'S'},
                                         {"target", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *contracts = NULL, *kept = NULL, *schemas = NULL, *outdir = NULL, *obs = NULL,
               *input = NULL, *years = NULL, *events = NULL, *parts = NULL;
    struct ctx c;
    char err[1024];
    otable *base[4] = {NULL, NULL, NULL, NULL}, *courbe = NULL;
    int opt, rc = 0, code, thr = 5, ya = 0, yb = 9999;
    size_t i;

    memset(&c, 0, sizeof c);
    log_init_env("indicators");
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            contracts = optarg;
            break;
        case 'k':
            kept = optarg;
            break;
        case 's':
            schemas = optarg;
            break;
        case 'o':
            outdir = optarg;
            break;
        case 'd':
            obs = optarg;
            break;
        case 'i':
            input = optarg;
            break;
        case 'e':
            events = optarg;
            break;
        case 'p':
            parts = optarg;
            break;
        case 'y':
            years = optarg;
            break;
        case 'S':
            thr = atoi(optarg);
            break;
        case 't':
            if (parse_target(&c, optarg)) {
                fprintf(stderr, "indicators: bad --target '%s'\n", optarg);
                return EX_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    if (!contracts || !kept || !schemas || !outdir || !obs || optind != argc ||
        (parts && !events)) {
        usage(stderr);
        return EX_USAGE;
    }
    if (val_date(obs, strlen(obs), &c.dobs)) {
        fprintf(stderr, "indicators: bad --observation-date '%s'\n", obs);
        return EX_USAGE;
    }
    if (years && parse_years(years, &ya, &yb)) {
        fprintf(stderr, "indicators: bad --years '%s'\n", years);
        return EX_USAGE;
    }
    c.obs_y = date_year(c.dobs);
    c.obs_m = date_month(c.dobs);
    c.ref = refdata_load(schemas, input, &code, err, sizeof err);
    if (!c.ref) {
        log_error("%s", err);
        return code;
    }
    /* dimension values: every code of the tables plus ND, in byte order */
    c.nreg = c.ref->nreg + 1;
    c.nop = c.ref->nopco + 1;
    c.reg = calloc(c.nreg, sizeof *c.reg);
    c.op = calloc(c.nop, sizeof *c.op);
    if (!c.reg || !c.op || grouping_init(&c.ro, (c.nreg + 1) * (c.nop + 1))) {
        log_error("out of memory");
        rc = EX_SOFTWARE;
        goto done;
    }
    for (i = 0; i < c.ref->nreg; i++)
        c.reg[i] = c.ref->reg_code[i];
    c.reg[i] = "ND";
    for (i = 0; i < c.ref->nopco; i++)
        c.op[i] = c.ref->opco_code[i];
    c.op[i] = "ND";
    qsort(c.reg, c.nreg, sizeof *c.reg, cmp_code);
    qsort(c.op, c.nop, sizeof *c.op, cmp_code);

    if ((rc = load_tables(&c, schemas, base)) || (rc = load_courbe(schemas, &courbe)) ||
        (rc = read_contracts(&c, contracts, kept)))
        goto done;
    c.cur_obs = calloc(curve_index(c.nreg + 1, Y0, 0), sizeof *c.cur_obs);
    c.cur_rup = calloc(curve_index(c.nreg + 1, Y0, 0), sizeof *c.cur_rup);
    if (!c.cur_obs || !c.cur_rup) {
        log_error("out of memory");
        rc = EX_SOFTWARE;
        goto done;
    }
    for (i = 0; i < c.nbd; i++)
        if (grouping_init(&c.bd[i].g, c.bd[i].nvals + 1)) {
            rc = EX_SOFTWARE;
            goto done;
        }
    if ((rc = count_contracts(&c)))
        goto done;
    if (grouping_medians(&c.ro)) {
        rc = EX_SOFTWARE;
        goto done;
    }
    for (i = 0; i < c.nbd; i++)
        if (grouping_medians(&c.bd[i].g)) {
            rc = EX_SOFTWARE;
            goto done;
        }
    /* total rows exist when one of their pairs does */
    for (size_t a = 0; a < c.nreg; a++)
        for (size_t b = 0; b < c.nop; b++)
            if (c.ro.exists[ro_index(&c, a, b)]) {
                c.ro.exists[ro_index(&c, a, c.nop)] = 1;
                c.ro.exists[ro_index(&c, c.nreg, b)] = 1;
                c.ro.exists[ro_index(&c, c.nreg, c.nop)] = 1;
            }
    if (c.ymax > c.obs_y)
        c.ymax = c.obs_y;
    c.ysel0 = ya > c.ymin ? ya : c.ymin;
    c.ysel1 = yb < c.ymax ? yb : c.ymax;
    if ((rc = write_ro(&c, base[0], outdir, thr, 0)) ||
        (rc = write_ro(&c, base[1], outdir, thr, 1)) ||
        (rc = write_ro(&c, base[2], outdir, thr, 2)) ||
        (rc = write_courbe(&c, courbe, outdir, thr)))
        goto done;
    for (i = 0; i < c.nbd; i++)
        if ((rc = write_breakdown(&c, &c.bd[i], outdir, thr)))
            goto done;
    if (events) {
        int y0, y1;
        if ((rc = compute_reunions(&c, events, parts)))
            goto done;
        y0 = c.eymin > ya ? c.eymin : ya;
        y1 = c.eymax < c.obs_y ? c.eymax : c.obs_y;
        if (y1 > yb)
            y1 = yb;
        if ((rc = write_reunions(&c, base[3], outdir, thr, y0, y1)))
            goto done;
    }
    log_info("contracts=%zu events=%zu", c.nkc, c.nev);
done:
    for (i = 0; i < 4; i++)
        otable_free(base[i]);
    otable_free(courbe);
    free(c.cur_obs);
    free(c.cur_rup);
    for (i = 0; i < c.nbd; i++) {
        size_t v;
        otable_free(c.bd[i].t);
        free(c.bd[i].column);
        for (v = 0; v < c.bd[i].nvals; v++)
            free(c.bd[i].names[v]);
        free(c.bd[i].names);
        free(c.bd[i].order);
        strmap_free(&c.bd[i].values);
        grouping_free(&c.bd[i].g);
    }
    grouping_free(&c.ro);
    free(c.kc);
    free(c.ev);
    free(c.r_events);
    free(c.r_vis);
    free(c.r_part);
    free(c.r_struct);
    free(c.r_ent);
    free(c.r_new);
    free(c.r_conv);
    free(c.r_hasvis);
    free(c.reg);
    free(c.op);
    refdata_free(c.ref);
    return rc;
}

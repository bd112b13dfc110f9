/* indicators: computes the report tables of spec/indicators.md from the
 * kept contracts and the events and attendance: croissance,
 * croissance_mensuelle, ruptures, courbe_ruptures, reunions, and the breakdown tables
 * declared in schemas/output/ (breakdown: COLUMN). Every table is written
 * column by column from its output schema, so the schema decides the
 * columns and their order; secrecy is applied by otable.
 * It reads the typed records of ingest (stages/lib/rec.h), filtered by
 * merge's runs of kept versions; régions, OPCOs and breakdown values come
 * as codes with their dictionaries, so no reference table is loaded here.
 * Memory: about 30 bytes per kept contract (the rupture follow-up and the
 * employers' look-back need them) plus the groups. The rupture rules are
 * stages/lib/ruptures.h's. Exit codes: exit_codes below; 70 when the records
 * cannot be read (they are the pipeline's own), out of memory or the secrecy
 * audit fails. */
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apperr.h"
#include "config.h"
#include "log.h"
#include "facts.h"
#include "fdio.h"
#include "grow.h"
#include "otable.h"
#include "progress.h"
#include "rec.h"
#include "par.h"
#include "ruptures.h"
#include "secrecy.h"
#include "strmap.h"
#include "values.h"
#include "versions.h"

#define Y0 2000
#define NY 100 /* years 2000-2099 */
#define MAXT 256
#define MAXB 16     /* breakdown tables */
#define MAXTYPES 16 /* event types */

struct target {
    int year;
    char opco[32], region[8]; /* "TOTAL" when not given */
    long objectif;
};

/* One kept contract, stored in a byte array with a stride set at run time,
 * as small as the figures allow (memory is about this array): apprenti_id
 * (16 bytes), date_debut_contrat and date_rupture as days since 2000-01-01
 * (2 bytes each: contract dates lie in 2000-2099; KC_NONE for no rupture on
 * or before D_obs), région and OPCO indexes (1 byte each), then each
 * breakdown's value index (1 byte, or 2 when it may have over 254 values)
 * and, when there are events, the conclusion date (2 bytes) and the SIREN
 * (4). Fields are read with memcpy (no alignment assumed). */
#define KC_ID 0
#define KC_DEBUT 16
#define KC_RUPTURE 18
#define KC_REG 20
#define KC_OP 21
#define KC_BD 22
#define KC_NONE 0xFFFF
#define DATE_2000 10957 /* 2000-01-01 */

static date_t kc_date(const unsigned char *k, size_t off)
{
    uint16_t d;
    memcpy(&d, k + off, sizeof d);
    return d == KC_NONE ? DATE_NONE : DATE_2000 + d;
}

/* Stores a date of 2000-2099 (or DATE_NONE). */
static void kc_put_date(unsigned char *k, size_t off, date_t d)
{
    uint16_t v = d == DATE_NONE ? KC_NONE : (uint16_t)(d - DATE_2000);
    memcpy(k + off, &v, sizeof v);
}

static uint32_t kc_u32(const unsigned char *k, size_t off)
{
    uint32_t v;
    memcpy(&v, k + off, sizeof v);
    return v;
}

static uint16_t kc_u16(const unsigned char *k, size_t off)
{
    uint16_t v;
    memcpy(&v, k + off, sizeof v);
    return v;
}

/* A set of groups: one dimension value per contract (with a TOTAL index
 * last), or the région x OPCO pairs with their totals. Its arrays span the
 * years 2000-2099 year by year (gy_index), so that only the pages of the
 * years with contracts are ever touched. */
struct grouping {
    size_t ngroups;
    unsigned char *exists; /* per group: it has a kept contract */
    unsigned long *month;  /* year x group x month entries */
    rup_counts *rup;       /* cohort year x group */
    uint64_t *dur;         /* broken contracts: gy_index << 32 | days */
    size_t ndur, capdur;
    int32_t *median; /* year x group, INT32_MIN when none */
};

/* The entry of group gi in year y (2000-2099) in g's arrays. */
static size_t gy_index(const struct grouping *g, size_t gi, int y)
{
    return (size_t)(y - Y0) * g->ngroups + gi;
}

struct breakdown {
    otable *t;
    char *column;  /* a column of the contract records */
    size_t off;    /* its value index in a kept contract's bytes */
    int wide;      /* 2 bytes (over 254 values possible), else 1 */
    int base;      /* 0 croissance, 1 ruptures */
    int col;       /* its index in the records */
    long *by_code; /* coded column: record code -> value index, -1 not seen yet */
    strmap values; /* value -> index */
    char **names;  /* index -> value, in the order first met */
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

/* The record columns the contracts are read through. */
struct kcols {
    int debut, rupture, concl, id, siren, reg, op;
    long *reg_of, *op_of; /* record code -> dimension index */
};

/* The run's state, freed by ctx_free. */
struct ctx {
    /* the tables of schemas/output/: croissance, croissance_mensuelle,
     * ruptures and reunions; courbe_ruptures (breakdowns: bd) */
    otable *base[4], *courbe;
    /* the records read */
    rec_reader *cr; /* the contract records */
    struct kcols kcols;
    versions_run *runs; /* merge's runs of kept versions */
    size_t nruns;
    strmap ev_ids;    /* event id -> index in ev */
    size_t nreg, nop; /* codes including ND; the TOTAL index is nreg / nop */
    const char **reg, **op;
    const char **reg_lib; /* libellés of reg, same index */
    struct grouping ro;
    unsigned char *kc; /* kept contracts, stride bytes each */
    size_t nkc, capkc, stride, off_ev;
    int with_ev; /* keep conclusion dates and SIRENs (there are events) */
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
    /* the output files written, for the manifest */
    facts_output outs[MAXB + 8];
    size_t nouts;
    /* courbe_ruptures: per (région or TOTAL) x cohort year x m in 0..RUP_CURVE_MONTHS+1,
     * differences of observables and ruptures by m (curve_add) */
    long *cur_obs, *cur_rup;
};

/* What one output row is about, for value(). */
struct rowctx {
    int year, month; /* month 0-11, -1 for yearly tables */
    const char *region, *opco, *type, *bdname, *bdvalue;
    size_t g; /* group index in its grouping */
    const struct grouping *gr;
    size_t rg;       /* reunions group x year index */
    int unpublished; /* the year before --years: kept for the secrecy relations only */
};

/* The exit codes indicators returns (apperr_exit checks every exit against it). */
static const int exit_codes[] = {0, 64, 70, 74, 78};
static const apperr_stage stage = APPERR_STAGE("indicators", exit_codes);

/* Logs that memory ran short; APPERR_NOMEM (70). */
static int out_of_memory(void)
{
    log_error("out of memory");
    return APPERR_NOMEM;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: indicators --contracts CONTRATS.rec --kept KEPT.rec --schemas DIR\n"
            "                  --outdir DIR --observation-date YYYY-MM-DD\n"
            "                  [--events EVENTS.rec [--participations PARTS.rec]]\n"
            "                  [--years Y[-Y]] [--secrecy N] [--target YEAR:OPCO[:REGION]=N]...\n"
            "                  [--facts OUT.tsv] [--secrecy-summary FILE] [--wait-kept]\n"
            "                  [--rows N] [--threads N]\n"
            "Writes croissance, croissance_mensuelle, ruptures, courbe_ruptures, reunions and\n"
            "the breakdown tables of DIR/output/*.yaml as gzip CSV into the output folder, with\n"
            "statistical secrecy (threshold N, default 5, 0 for none): primary and secondary\n"
            "cells, then an audit that fails (exit 70) when a hidden count can be recomputed.\n"
            "--facts lists the files' sizes and hashes for the manifest, --secrecy-summary the\n"
            "cells hidden per table (TSV). --wait-kept: when KEPT.rec is not there yet (merge\n"
            "is at work), read every version and wait for it; --rows: how many versions there\n"
            "are (one allocation). --threads: how many threads count, sort and write (default:\n"
            "the processors online, at most 8); the outputs do not depend on it. Records that\n"
            "cannot be read are an internal error (70).\n");
    apperr_help(f, &stage);
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
    char opco[32], region[8];
    int y;
    long obj;
    if (c->ntargets == MAXT || config_target_parse(s, &y, opco, region, &obj))
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

/* Makes room for n durations at once. 0 or -1. */
static int dur_reserve(struct grouping *g, size_t n)
{
    uint64_t *d = realloc(g->dur, (n ? n : 1) * sizeof *d);
    if (!d)
        return -1;
    g->dur = d;
    g->capdur = n;
    return 0;
}

/* Adds one contract (its counts r, its duration when broken) to group gi
 * of g, entry year y and month m (0-11). 0, or -1 when out of memory. */
static int grouping_add(struct grouping *g, size_t gi, int broken, int y, int m,
                        const rup_counts *r, int32_t days)
{
    size_t gy = gy_index(g, gi, y);
    g->exists[gi] = 1;
    g->month[gy * 12 + (size_t)m]++;
    rup_counts_add(&g->rup[gy], r);
    if (broken) {
        if (grow_to(&g->dur, &g->capdur, g->ndur + 1, sizeof *g->dur, 4096))
            return -1;
        /* days >= 0: both dates are in 2000-2099 and the rupture is not before the start */
        g->dur[g->ndur++] = (uint64_t)gy << 32 | (uint32_t)days;
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

/* Medians of the durations per group and year (rup_median). 0, or -1 when
 * out of memory. */
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
        uint32_t key = (uint32_t)(g->dur[i] >> 32);
        for (j = i; j < g->ndur && (uint32_t)(g->dur[j] >> 32) == key; j++)
            ;
        g->median[key] = rup_median(g->dur + i, j - i);
    }
    /* the durations are no longer needed: their memory goes back now */
    free(g->dur);
    g->dur = NULL;
    g->ndur = g->capdur = 0;
    return 0;
}

static unsigned long cum(const struct grouping *g, size_t gi, int y, int m)
{
    unsigned long s = 0;
    int k;
    if (y < Y0 || y >= Y0 + NY)
        return 0;
    for (k = 0; k <= m; k++)
        s += g->month[gy_index(g, gi, y) * 12 + (size_t)k];
    return s;
}

/* Kept contracts by apprentice, then start: the order of
 * (apprenti_id bytes, date_debut_contrat). */
static int kc_cmp(const unsigned char *a, const unsigned char *b)
{
    int c = memcmp(a + KC_ID, b + KC_ID, 16);
    date_t x, y;
    if (c)
        return c;
    x = kc_date(a, KC_DEBUT);
    y = kc_date(b, KC_DEBUT);
    return x < y ? -1 : x > y;
}

static void kc_swap(unsigned char *a, unsigned char *b, size_t stride)
{
    unsigned char t[256];
    memcpy(t, a, stride);
    memcpy(a, b, stride);
    memcpy(b, t, stride);
}

/* Puts the n contracts of a in the order of their apprenti_id byte `byte`,
 * in place, and sets start: the contracts whose byte is b are then
 * a[start[b] .. start[b + 1]). */
static void kc_partition(unsigned char *a, size_t n, size_t stride, size_t byte, size_t start[257])
{
    size_t count[256] = {0}, next[256], i, b;
    for (i = 0; i < n; i++)
        count[a[i * stride + KC_ID + byte]]++;
    for (b = 0, i = 0; b < 256; b++) {
        start[b] = next[b] = i;
        i += count[b];
    }
    start[256] = n;
    for (b = 0; b < 256; b++)
        while (next[b] < start[b + 1]) {
            unsigned char *e = a + next[b] * stride;
            unsigned d = e[KC_ID + byte];
            if (d == b)
                next[b]++;
            else
                kc_swap(e, a + next[d]++ * stride, stride);
        }
}

/* Sorts n contracts in place by kc_cmp, their apprenti_ids being equal
 * before byte `byte`: most significant byte first (an in-place radix sort:
 * the ids are uniform, so the buckets shrink fast and no second array is
 * needed), insertion sort for small buckets. */
static void kc_sort(unsigned char *a, size_t n, size_t stride, size_t byte)
{
    size_t start[257], i, b;
    if (n < 32 || byte == 16) {
        for (i = 1; i < n; i++)
            for (b = i; b > 0 && kc_cmp(a + (b - 1) * stride, a + b * stride) > 0; b--)
                kc_swap(a + (b - 1) * stride, a + b * stride, stride);
        return;
    }
    kc_partition(a, n, stride, byte, start);
    for (b = 0; b < 256; b++)
        if (start[b + 1] - start[b] > 1)
            kc_sort(a + start[b] * stride, start[b + 1] - start[b], stride, byte + 1);
}

/* The libellé of a région code: "Ensemble" for TOTAL, "Non déterminée"
 * for ND (spec/outputs.md), else the reference table's. */
static const char *region_label(const struct ctx *c, const char *code)
{
    size_t i;
    if (!strcmp(code, "TOTAL"))
        return "Ensemble";
    for (i = 0; i < c->nreg; i++)
        if (!strcmp(c->reg[i], code) && c->reg_lib[i])
            return c->reg_lib[i];
    return "Non déterminée";
}

/* The value of column `name` in a row; -1 when the name is unknown. */
static int value(const struct ctx *c, const struct rowctx *r, const char *name, oval *v, char *buf)
{
    const struct grouping *g = r->gr;
    size_t gy = g ? gy_index(g, r->g, r->year) : 0;
    const rup_counts *x = g ? &g->rup[gy] : NULL;
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
        *v = ov_text(region_label(c, r->region));
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

/* Keeps one row of t from its schema's column names (written at the end,
 * once secrecy is applied to every table together). */
static int emit(const struct ctx *c, otable *t, const struct rowctx *r)
{
    oval v[64];
    char bufs[64][16];
    size_t i;
    for (i = 0; i < t->ncols && i < 64; i++)
        if (value(c, r, t->cols[i].name, &v[i], bufs[i])) {
            log_error("%s: no value for column '%s' in this table", t->path, t->cols[i].name);
            return APPERR_CONFIG;
        }
    if (otable_keep(t, v, !r->unpublished)) {
        log_error("out of memory");
        return APPERR_INTERNAL;
    }
    return 0;
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

/* The first year kept: the year before --years too, when there is data,
 * because published cells repeat its figures (contrats_annee_precedente,
 * cumul_annee_precedente): secrecy must see them, unpublished. */
static int first_kept_year(const struct ctx *c)
{
    return c->ysel0 > c->ymin ? c->ysel0 - 1 : c->ysel0;
}

/* Records the facts of a table's file (written with otable_write). 0 or
 * APPERR_INTERNAL. */
static int table_facts(struct ctx *c, const otable *t, const csvout_stats *st)
{
    facts_output *f = &c->outs[c->nouts];
    if (c->nouts == sizeof c->outs / sizeof *c->outs || !(f->file = strdup(t->file))) {
        log_error("out of memory, or too many tables");
        return APPERR_INTERNAL;
    }
    c->nouts++;
    f->bytes = st->bytes;
    memcpy(f->sha256, st->sha256, sizeof f->sha256);
    memcpy(f->content_sha256, st->content_sha256, sizeof f->content_sha256);
    f->rows = (long long)st->rows;
    return 0;
}

/* croissance (kind 0), croissance_mensuelle (1) or ruptures (2). */
static int keep_ro(const struct ctx *c, otable *t, int kind)
{
    int y, m, rc;
    size_t r, o;
    for (y = first_kept_year(c); y <= c->ysel1; y++) {
        int mmax = kind == 1 ? (y == c->obs_y ? c->obs_m : 12) : 1;
        for (m = 0; m < mmax; m++)
            for (r = 0; r <= c->nreg; r++)
                for (o = 0; o <= c->nop; o++) {
                    struct rowctx rc_ = {0};
                    if (!ro_row_exists(c, r, o, y))
                        continue;
                    rc_.year = y;
                    rc_.unpublished = y < c->ysel0;
                    rc_.month = kind == 1 ? m : -1;
                    rc_.region = r == c->nreg ? "TOTAL" : c->reg[r];
                    rc_.opco = o == c->nop ? "TOTAL" : c->op[o];
                    rc_.g = ro_index(c, r, o);
                    rc_.gr = &c->ro;
                    if ((rc = emit(c, t, &rc_)))
                        return rc;
                }
    }
    return 0;
}

static size_t curve_index(const struct ctx *c, size_t r, int y, int m);

static const char *const *sort_names;
static int cmp_order(const void *a, const void *b)
{
    const char *x = sort_names[*(const size_t *)a], *y = sort_names[*(const size_t *)b];
    return strcmp(x, y);
}

/* courbe_ruptures: per cohort year x région (then TOTAL) x m, one row for
 * every (year, région) row of ruptures (all OPCOs) and every m with
 * observable contracts (the rows of the year before the selection kept
 * unpublished, for secrecy, as keep_ro does). */
static int keep_courbe(const struct ctx *c, otable *t)
{
    oval v[64];
    char bufs[64][16];
    size_t r, i;
    int y, m;
    for (y = first_kept_year(c); y <= c->ysel1; y++)
        for (r = 0; r <= c->nreg; r++) {
            long obs = 0, rup = 0;
            if (!ro_row_exists(c, r, c->nop, y))
                continue;
            for (m = 1; m <= RUP_CURVE_MONTHS; m++) {
                struct rowctx rc_ = {0};
                obs += c->cur_obs[curve_index(c, r, y, m)];
                rup += c->cur_rup[curve_index(c, r, y, m)];
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
                        return APPERR_CONFIG;
                    }
                }
                if (otable_keep(t, v, y >= c->ysel0)) {
                    log_error("out of memory");
                    return APPERR_INTERNAL;
                }
            }
        }
    return 0;
}

/* The order of a breakdown's rows within a year: its values in byte order,
 * then TOTAL. 0, or an error (apperr, logged). Not on several threads at
 * once (qsort's comparison reads sort_names). */
static int order_breakdown(struct breakdown *b)
{
    size_t i;
    b->order = malloc((b->nvals + 1) * sizeof *b->order);
    if (!b->order)
        return out_of_memory();
    for (i = 0; i < b->nvals; i++)
        b->order[i] = i;
    sort_names = (const char *const *)b->names;
    qsort(b->order, b->nvals, sizeof *b->order, cmp_order);
    b->order[b->nvals] = b->nvals; /* TOTAL last */
    return 0;
}

/* Keeps the rows of a breakdown table: per year, in order_breakdown's
 * order, those with a kept contract. 0, or an error (apperr, logged). */
static int keep_breakdown(const struct ctx *c, const struct breakdown *b)
{
    int y, rc;
    size_t i;
    for (y = first_kept_year(c); y <= c->ysel1; y++)
        for (i = 0; i <= b->nvals; i++) {
            struct rowctx r = {0};
            size_t gi = b->order[i];
            if (!b->g.exists[gi])
                continue;
            r.year = y;
            r.unpublished = y < c->ysel0;
            r.month = -1;
            r.bdname = b->column;
            r.bdvalue = gi == b->nvals ? "TOTAL" : b->names[gi];
            r.g = gi;
            r.gr = &b->g;
            if ((rc = emit(c, b->t, &r)))
                return rc;
        }
    return 0;
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
            return APPERR_CONFIG;
        }
    }
    snprintf(dir, sizeof dir, "%s/output", schemas);
    n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0) {
        log_error("%s: cannot read the output schemas", dir);
        return APPERR_CONFIG;
    }
    for (i = 0; i < n; i++) {
        size_t l = strlen(ents[i]->d_name);
        otable *t;
        if (!rc && l > 5 && !strcmp(ents[i]->d_name + l - 5, ".yaml")) {
            snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
            t = otable_load(path, err, sizeof err);
            if (!t) {
                log_error("%s", err);
                rc = APPERR_CONFIG;
            } else if (!t->breakdown) {
                otable_free(t);
            } else if (c->nbd == MAXB) {
                log_error("%s: more than %d breakdown tables", path, MAXB);
                otable_free(t);
                rc = APPERR_CONFIG;
            } else {
                struct breakdown *b = &c->bd[c->nbd++];
                b->t = t;
                b->column = strdup(t->breakdown);
                b->base = t->base && !strcmp(t->base, "croissance") ? 0 : 1;
                if (t->base && strcmp(t->base, "croissance") && strcmp(t->base, "ruptures")) {
                    log_error("%s: base must be croissance or ruptures", path);
                    rc = APPERR_CONFIG;
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
        return APPERR_CONFIG;
    }
    return 0;
}

/* Reads merge's runs of kept versions. */
static int read_kept(const char *path, versions_run **runs, size_t *n, char *err, size_t errlen)
{
    rec_reader *r = rec_open(path, err, errlen);
    int cf, cn, got = -1;
    size_t cap = 0;
    if (!r)
        return -1;
    if ((cf = rec_need(r, "version_debut", REC_INT, err, errlen)) >= 0 &&
        (cn = rec_need(r, "nombre", REC_INT, err, errlen)) >= 0)
        while ((got = rec_next(r, err, errlen)) == 1) {
            int64_t f = rec_int(r, cf), k = rec_int(r, cn);
            if (f < 1 || k < 1 || f > UINT32_MAX || k > UINT32_MAX ||
                (*n && (int64_t)(*runs)[*n - 1].first + (*runs)[*n - 1].count > f)) {
                snprintf(err, errlen, "%s: row %lu: runs out of order", path, r->row);
                got = -1;
                break;
            }
            if (grow_to(runs, &cap, *n + 1, sizeof **runs, 256)) {
                snprintf(err, errlen, "out of memory");
                got = -1;
                break;
            }
            (*runs)[(*n)++] = (versions_run){(uint32_t)f, (uint32_t)k};
        }
    rec_close_reader(r);
    return got < 0 ? -1 : 0;
}

/* The value index of a breakdown for the current record (added when new).
 * -1 when out of memory; the caller checks that the index fits its bytes. */
static long bd_of_row(struct breakdown *b, const rec_reader *r)
{
    const rec_col *col = &r->h.cols[b->col];
    char buf[32];
    const char *s = buf;
    size_t n;
    long v;
    switch (col->type) {
    case REC_CODE: {
        uint16_t code = rec_code(r, b->col);
        if (b->by_code[code] >= 0)
            return b->by_code[code];
        s = code ? col->vals[code - 1] : "";
        v = bd_value(b, s, strlen(s));
        b->by_code[code] = v;
        return v;
    }
    case REC_TEXT:
        s = rec_text(r, b->col, &n);
        break;
    case REC_INT: {
        int64_t x = rec_int(r, b->col);
        n = x == REC_INT_NONE ? 0 : (size_t)snprintf(buf, sizeof buf, "%lld", (long long)x);
        break;
    }
    case REC_DATE: {
        date_t d = rec_date(r, b->col);
        n = d == DATE_NONE ? 0 : 10;
        if (n)
            date_format(d, buf);
        break;
    }
    default:
        n = 0;
    }
    return bd_value(b, s, n);
}

/* Reads the kept contracts: the versions of the records r in the kept runs;
 * every version when runs is NULL (the kept runs come later: keep_only).
 * 0; -1 with a message when the records cannot be read; -2 with a message
 * when out of memory or a breakdown has too many values. */
static int read_contracts(struct ctx *c, rec_reader *r, const struct kcols *k,
                          const versions_run *runs, size_t nruns, char *err, size_t errlen)
{
    size_t run = 0, i;
    progress prog;
    int got, rc = 0;

    c->ymin = 9999;
    c->ymax = 0;
    progress_start(&prog, "indicators", r->path);
    while ((got = rec_next(r, err, errlen)) == 1) {
        unsigned long seq = r->row;
        unsigned char *p;
        date_t debut, rupture;
        uint16_t rc_ = rec_code(r, k->reg), oc = rec_code(r, k->op);
        int y;
        if (progress_due(&prog, seq))
            progress_tick(&prog, seq, rec_fraction(r));
        while (runs && run < nruns && runs[run].first + (unsigned long)runs[run].count <= seq)
            run++;
        if (runs && (run == nruns || seq < runs[run].first))
            continue; /* a replaced or excluded version */
        debut = rec_date(r, k->debut);
        rupture = rec_date(r, k->rupture);
        y = debut == DATE_NONE ? 0 : date_year(debut);
        if (y < Y0 || y >= Y0 + NY || k->reg_of[rc_] < 0 || k->op_of[oc] < 0) {
            snprintf(err, errlen, "%s: row %lu: no start date, or no région or OPCO", r->path, seq);
            rc = -1;
            break;
        }
        /* a rupture after the observation date is no rupture (yet) */
        if (!rup_is_broken(rupture, c->dobs))
            rupture = DATE_NONE;
        if (grow_to(&c->kc, &c->capkc, c->nkc + 1, c->stride, 65536)) {
            snprintf(err, errlen, "out of memory");
            rc = -2;
            break;
        }
        p = c->kc + c->nkc * c->stride;
        memcpy(p + KC_ID, rec_id(r, k->id), 16);
        kc_put_date(p, KC_DEBUT, debut);
        kc_put_date(p, KC_RUPTURE, rupture);
        p[KC_REG] = (unsigned char)k->reg_of[rc_];
        p[KC_OP] = (unsigned char)k->op_of[oc];
        for (i = 0; i < c->nbd; i++) {
            const struct breakdown *b = &c->bd[i];
            long v = bd_of_row(&c->bd[i], r);
            uint16_t v16 = (uint16_t)v;
            if (v < 0 || v >= (b->wide ? UINT16_MAX : UINT8_MAX)) {
                snprintf(err, errlen, "out of memory or too many values of '%s'", b->column);
                rc = -2;
                break;
            }
            if (b->wide)
                memcpy(p + b->off, &v16, 2);
            else
                p[b->off] = (unsigned char)v;
        }
        if (rc)
            break;
        if (c->with_ev) {
            date_t concl = rec_date(r, k->concl);
            int64_t siren = rec_int(r, k->siren);
            uint32_t s32 = siren < 0 || siren > UINT32_MAX ? 0 : (uint32_t)siren;
            if (concl == DATE_NONE || concl < DATE_2000)
                concl = debut;
            kc_put_date(p, c->off_ev, concl);
            memcpy(p + c->off_ev + 2, &s32, sizeof s32);
        }
        c->nkc++;
        if (y < c->ymin)
            c->ymin = y;
        if (y > c->ymax)
            c->ymax = y;
    }
    progress_end(&prog);
    if (got < 0)
        rc = -1;
    return rc;
}

/* The dimensions from the contract records' dictionaries: région and OPCO
 * codes (ND included) in byte order, with TOTAL after them; the breakdown
 * columns; the columns read. 0, or -1 with a message. */
static int setup_dims(struct ctx *c, const rec_reader *r, struct kcols *k, char *err, size_t errlen)
{
    int cr, co;
    size_t i, j;
    const rec_col *rg, *op;
    if ((k->debut = rec_need(r, "date_debut_contrat", REC_DATE, err, errlen)) < 0 ||
        (k->rupture = rec_need(r, "date_rupture", REC_DATE, err, errlen)) < 0 ||
        (k->concl = rec_need(r, "date_conclusion", REC_DATE, err, errlen)) < 0 ||
        (k->id = rec_need(r, "apprenti_id", REC_ID128, err, errlen)) < 0 ||
        (k->siren = rec_need(r, "siren_employeur", REC_INT, err, errlen)) < 0 ||
        (cr = rec_need(r, "region", REC_CODE, err, errlen)) < 0 ||
        (co = rec_need(r, "opco", REC_CODE, err, errlen)) < 0)
        return -1;
    k->reg = cr;
    k->op = co;
    rg = &r->h.cols[cr];
    op = &r->h.cols[co];
    if (rg->nvals >= 255 || op->nvals >= 255) {
        snprintf(err, errlen, "%s: more than 254 régions or OPCOs", r->path);
        return -1;
    }
    c->nreg = rg->nvals;
    c->nop = op->nvals;
    c->reg = calloc(c->nreg + 1, sizeof *c->reg);
    c->reg_lib = calloc(c->nreg + 1, sizeof *c->reg_lib);
    c->op = calloc(c->nop + 1, sizeof *c->op);
    k->reg_of = malloc((c->nreg + 1) * sizeof *k->reg_of);
    k->op_of = malloc((c->nop + 1) * sizeof *k->op_of);
    if (!c->reg || !c->reg_lib || !c->op || !k->reg_of || !k->op_of ||
        grouping_init(&c->ro, (c->nreg + 1) * (c->nop + 1))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; i < c->nreg; i++)
        c->reg[i] = rg->vals[i];
    for (i = 0; i < c->nop; i++)
        c->op[i] = op->vals[i];
    qsort(c->reg, c->nreg, sizeof *c->reg, cmp_code);
    qsort(c->op, c->nop, sizeof *c->op, cmp_code);
    /* record code (1 + dictionary index; 0 missing) -> dimension index */
    k->reg_of[0] = k->op_of[0] = -1;
    for (i = 0; i < rg->nvals; i++) {
        j = (size_t)find(c->reg, c->nreg, rg->vals[i]);
        k->reg_of[i + 1] = (long)j;
        c->reg_lib[j] = rg->labels[i];
    }
    for (i = 0; i < op->nvals; i++)
        k->op_of[i + 1] = find(c->op, c->nop, op->vals[i]);
    for (i = 0; i < c->nbd; i++) {
        struct breakdown *b = &c->bd[i];
        if ((b->col = rec_head_find(&r->h, b->column)) < 0) {
            snprintf(err, errlen, "%s: breakdown column '%s' is not a column of the contracts",
                     b->t->path, b->column);
            return -1;
        }
        /* a coded column has its dictionary's values and ND at most */
        b->wide = r->h.cols[b->col].type != REC_CODE || r->h.cols[b->col].nvals + 1 >= UINT8_MAX;
        if (r->h.cols[b->col].type == REC_CODE) {
            size_t n = r->h.cols[b->col].nvals + 1;
            if (!(b->by_code = malloc(n * sizeof *b->by_code))) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            for (j = 0; j < n; j++)
                b->by_code[j] = -1;
        }
    }
    return 0;
}

/* Keeps the versions in the kept runs of the contracts read in full (the
 * i-th read is row i + 1), in place, and finds the years of the kept ones.
 * 0, or -1 when a run names a row not read. */
static int keep_only(struct ctx *c, const versions_run *runs, size_t nruns)
{
    size_t j = 0, i;
    c->ymin = 9999;
    c->ymax = 0;
    for (i = 0; i < nruns; i++) {
        size_t first = runs[i].first - 1, n = runs[i].count;
        int y;
        if (first + n > c->nkc)
            return -1;
        if (j != first)
            memmove(c->kc + j * c->stride, c->kc + first * c->stride, n * c->stride);
        for (size_t e = j; e < j + n; e++) {
            y = date_year(kc_date(c->kc + e * c->stride, KC_DEBUT));
            if (y < c->ymin)
                c->ymin = y;
            if (y > c->ymax)
                c->ymax = y;
        }
        j += n;
    }
    c->nkc = j;
    return 0;
}

/* --- courbe_ruptures ------------------------------------------------------ */

/* The curve's entry of région r (c->nreg: TOTAL), cohort year y (2000-2099)
 * and month m (0 .. RUP_CURVE_MONTHS + 1), year by year like gy_index. */
static size_t curve_index(const struct ctx *c, size_t r, int y, int m)
{
    return ((size_t)(y - Y0) * (c->nreg + 1) + r) * (RUP_CURVE_MONTHS + 2) + (size_t)m;
}

/* The size of the curve's arrays. */
static size_t curve_size(const struct ctx *c)
{
    return curve_index(c, 0, Y0 + NY, 0);
}

/* What counting adds up: the région x OPCO groups, the breakdowns' groups
 * and the curve. The sorted contracts are split into ranges of apprenti_id
 * first bytes, so that no apprentice's contracts are cut; each range is
 * sorted and counted on its own thread into its own tally, and the other
 * tallies are then added into the first, which is the ctx's own
 * (tally_add_into): counts are sums and durations are sorted before their
 * medians, so no figure depends on the split or on the number of threads. */
struct tally {
    struct grouping *ro, *bd[MAXB]; /* the first tally: the ctx's; the others: own[] */
    long *cur_obs, *cur_rup;
    struct grouping own[MAXB + 1];
    size_t lo, hi;   /* the contracts [lo, hi) of the sorted array */
    unsigned b0, b1; /* their apprenti_id first bytes: [b0, b1) */
};

struct counting {
    struct ctx *c;
    size_t start[257]; /* first id byte b: contracts [start[b], start[b + 1]) */
    struct tally t[PAR_MAX_THREADS];
    size_t nt;
};

/* Adds one contract of région reg to the curve of its région and of TOTAL:
 * observable for m = 1 .. x->curve_observable, broken within m months from
 * m = x->curve_broken on; stored as differences by m so that a contract
 * costs O(1) whatever the window (the rows sum them: keep_courbe). */
static void curve_add(const struct ctx *c, struct tally *t, const rup_contract *x, size_t reg)
{
    int M = x->curve_observable, R = x->curve_broken;
    size_t g[2] = {reg, c->nreg}, i;
    if (M < 1)
        return;
    for (i = 0; i < 2; i++) {
        t->cur_obs[curve_index(c, g[i], x->year, 1)]++;
        t->cur_obs[curve_index(c, g[i], x->year, M + 1)]--;
        if (R <= M) {
            t->cur_rup[curve_index(c, g[i], x->year, R)]++;
            t->cur_rup[curve_index(c, g[i], x->year, M + 1)]--;
        }
    }
}

/* The start of the next contract of the apprentice of contract i, the
 * contracts being sorted by apprentice and start up to end (a range's end:
 * an apprentice's contracts all lie on one side): the first start after
 * contract i's own among the apprentice's following ones (rup_follow_up's
 * `next`), DATE_NONE when there is none. */
static date_t next_start(const struct ctx *c, size_t i, size_t end)
{
    const unsigned char *k = c->kc + i * c->stride;
    date_t debut = kc_date(k, KC_DEBUT);
    size_t j;
    for (j = i + 1; j < end && !memcmp(c->kc + j * c->stride + KC_ID, k + KC_ID, 16); j++) {
        date_t d = kc_date(c->kc + j * c->stride, KC_DEBUT);
        if (d > debut)
            return d;
    }
    return DATE_NONE;
}

/* Makes room for the durations of the broken contracts of t's range, in
 * arrays of their exact size (so that adding never reallocates): four
 * groups each in région x OPCO, one per breakdown. 0 or -1. */
static int reserve_durations(const struct ctx *c, struct tally *t)
{
    size_t nbroken = 0, i;
    for (i = t->lo; i < t->hi; i++)
        nbroken += kc_date(c->kc + i * c->stride, KC_RUPTURE) != DATE_NONE;
    if (dur_reserve(t->ro, 4 * nbroken))
        return -1;
    for (i = 0; i < c->nbd; i++)
        if (dur_reserve(t->bd[i], nbroken))
            return -1;
    return 0;
}

/* Job j of counting: sorts range j by apprentice and start (so that each
 * contract's next one follows it), then counts each of its contracts into
 * tally j's groups and curve (ruptures.h decides what it adds). A
 * breakdown's TOTAL row is every kept contract: it is copied from the grand
 * total afterwards (count_all). 0, or APPERR_NOMEM (not logged: the
 * jobs run on several threads). */
static int count_range(void *arg, size_t j)
{
    struct counting *k = arg;
    const struct ctx *c = k->c;
    struct tally *t = &k->t[j];
    size_t i, b;

    for (b = t->b0; b < t->b1; b++)
        if (k->start[b + 1] - k->start[b] > 1)
            kc_sort(c->kc + k->start[b] * c->stride, k->start[b + 1] - k->start[b], c->stride, 1);
    if (reserve_durations(c, t))
        return APPERR_NOMEM;
    for (i = t->lo; i < t->hi; i++) {
        const unsigned char *e = c->kc + i * c->stride;
        date_t rupture = kc_date(e, KC_RUPTURE);
        size_t reg = e[KC_REG], op = e[KC_OP];
        rup_contract x;
        int y, m, bad;
        rup_assess(kc_date(e, KC_DEBUT), rupture,
                   rupture != DATE_NONE ? next_start(c, i, t->hi) : DATE_NONE, c->dobs, &x);
        y = x.year;
        m = x.month - 1;
        curve_add(c, t, &x, reg);
        bad = grouping_add(t->ro, ro_index(c, reg, op), x.n.ruptures, y, m, &x.n, x.days) ||
              grouping_add(t->ro, ro_index(c, c->nreg, op), x.n.ruptures, y, m, &x.n, x.days) ||
              grouping_add(t->ro, ro_index(c, reg, c->nop), x.n.ruptures, y, m, &x.n, x.days) ||
              grouping_add(t->ro, ro_index(c, c->nreg, c->nop), x.n.ruptures, y, m, &x.n, x.days);
        for (b = 0; b < c->nbd && !bad; b++)
            bad = grouping_add(t->bd[b], c->bd[b].wide ? kc_u16(e, c->bd[b].off) : e[c->bd[b].off],
                               x.n.ruptures, y, m, &x.n, x.days);
        if (bad)
            return APPERR_NOMEM;
    }
    return 0;
}

/* Adds group gi of g into group gi_into of into (a breakdown's TOTAL from
 * the grand total): its months and rupture counts of the years y0-y1. */
static void group_add_into(struct grouping *into, size_t gi_into, const struct grouping *g,
                           size_t gi, int y0, int y1)
{
    size_t m;
    int y;
    into->exists[gi_into] |= g->exists[gi];
    for (y = y0; y <= y1; y++) {
        size_t a = gy_index(into, gi_into, y), b = gy_index(g, gi, y);
        for (m = 0; m < 12; m++)
            into->month[a * 12 + m] += g->month[b * 12 + m];
        rup_counts_add(&into->rup[a], &g->rup[b]);
    }
}

/* Adds every group of g into into (of as many groups), for the years
 * y0-y1 (those of the contracts), and appends g's durations. 0 or -1 (out
 * of memory). */
static int grouping_add_into(struct grouping *into, const struct grouping *g, int y0, int y1)
{
    size_t i;
    for (i = 0; i < g->ngroups; i++)
        into->exists[i] |= g->exists[i];
    if (y0 <= y1) {
        size_t lo = gy_index(g, 0, y0), hi = gy_index(g, 0, y1 + 1);
        for (i = lo * 12; i < hi * 12; i++)
            into->month[i] += g->month[i];
        for (i = lo; i < hi; i++)
            rup_counts_add(&into->rup[i], &g->rup[i]);
    }
    if (!g->ndur)
        return 0;
    if (dur_reserve(into, into->ndur + g->ndur))
        return -1;
    memcpy(into->dur + into->ndur, g->dur, g->ndur * sizeof *g->dur);
    into->ndur += g->ndur;
    return 0;
}

/* Adds tally t (not the first) into the first, the ctx's. 0 or -1. */
static int tally_add_into(struct ctx *c, const struct tally *t)
{
    size_t i;
    if (grouping_add_into(&c->ro, t->ro, c->ymin, c->ymax))
        return -1;
    for (i = 0; i < c->nbd; i++)
        if (grouping_add_into(&c->bd[i].g, t->bd[i], c->ymin, c->ymax))
            return -1;
    if (c->ymin <= c->ymax)
        for (i = curve_index(c, 0, c->ymin, 0); i < curve_index(c, 0, c->ymax + 1, 0); i++) {
            c->cur_obs[i] += t->cur_obs[i];
            c->cur_rup[i] += t->cur_rup[i];
        }
    return 0;
}

/* Tally j of k: the ctx's groupings and curve for the first, else its own,
 * empty. 0 or -1 (out of memory). */
static int tally_init(struct counting *k, size_t j)
{
    struct ctx *c = k->c;
    struct tally *t = &k->t[j];
    size_t i;
    if (j == 0) {
        t->ro = &c->ro;
        for (i = 0; i < c->nbd; i++)
            t->bd[i] = &c->bd[i].g;
        t->cur_obs = c->cur_obs;
        t->cur_rup = c->cur_rup;
        return 0;
    }
    t->ro = &t->own[0];
    if (grouping_init(t->ro, c->ro.ngroups))
        return -1;
    for (i = 0; i < c->nbd; i++) {
        t->bd[i] = &t->own[1 + i];
        if (grouping_init(t->bd[i], c->bd[i].g.ngroups))
            return -1;
    }
    t->cur_obs = calloc(curve_size(c), sizeof *t->cur_obs);
    t->cur_rup = calloc(curve_size(c), sizeof *t->cur_rup);
    return t->cur_obs && t->cur_rup ? 0 : -1;
}

static void tally_free(const struct ctx *c, struct tally *t)
{
    size_t i;
    if (t->ro != &t->own[0])
        return; /* the ctx's own (or never set up) */
    grouping_free(t->ro);
    for (i = 0; i < c->nbd; i++)
        if (t->bd[i])
            grouping_free(t->bd[i]);
    free(t->cur_obs);
    free(t->cur_rup);
}

/* Splits the contracts into nt ranges of whole first-byte buckets, of about
 * equal size (k->start set by kc_partition). */
static void split_ranges(struct counting *k, size_t n)
{
    size_t j;
    unsigned b = 0;
    for (j = 0; j < k->nt; j++) {
        struct tally *t = &k->t[j];
        t->b0 = b;
        if (j + 1 == k->nt)
            b = 256;
        else
            while (b < 256 && k->start[b] < (j + 1) * n / k->nt)
                b++;
        t->b1 = b;
        t->lo = k->start[t->b0];
        t->hi = k->start[t->b1];
    }
}

/* Counts every kept contract (count_range) on up to `threads` threads,
 * then adds the tallies into the ctx's. 0, or APPERR_NOMEM (logged). */
static int count_contracts(struct ctx *c, int threads)
{
    struct counting *k = calloc(1, sizeof *k);
    size_t j;
    int rc = 0;

    if (!k)
        return out_of_memory();
    k->c = c;
    /* below a few thousand contracts a thread costs more than it saves */
    k->nt = c->nkc < 4096 || threads < 1 ? 1 : (size_t)threads;
    kc_partition(c->kc, c->nkc, c->stride, 0, k->start);
    split_ranges(k, c->nkc);
    for (j = 0; j < k->nt && !rc; j++)
        if (tally_init(k, j))
            rc = APPERR_NOMEM;
    if (!rc)
        rc = par_run(k->nt, (int)k->nt, count_range, k);
    for (j = 1; j < k->nt && !rc; j++)
        if (tally_add_into(c, &k->t[j]))
            rc = APPERR_NOMEM;
    for (j = 0; j < k->nt; j++)
        tally_free(c, &k->t[j]);
    free(k);
    return rc ? out_of_memory() : 0;
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

/* The dimension index of a code of the records (by its value), -1 when unknown. */
static long find_dim(const char **list, size_t n, const char *code)
{
    return find(list, n, code);
}

/* Reads the accepted events; their ids go into ids (-> event index). 0, -1
 * with a message (the records cannot be read), -2 out of memory. */
static int read_events(struct ctx *c, const char *path, strmap *ids, char *err, size_t errlen)
{
    rec_reader *r = rec_open(path, err, errlen);
    int cid, ct, cd, co, cr, cv, got = -1, rc = 0;
    size_t cap = 0;
    if (!r)
        return -1;
    if ((cid = rec_need(r, "id_evenement", REC_TEXT, err, errlen)) < 0 ||
        (ct = rec_need(r, "type_evenement", REC_CODE, err, errlen)) < 0 ||
        (cd = rec_need(r, "date_evenement", REC_DATE, err, errlen)) < 0 ||
        (co = rec_need(r, "opco", REC_CODE, err, errlen)) < 0 ||
        (cr = rec_need(r, "region", REC_CODE, err, errlen)) < 0 ||
        (cv = rec_need(r, "visiteurs", REC_INT, err, errlen)) < 0) {
        rec_close_reader(r);
        return -1;
    }
    c->eymin = 9999;
    c->eymax = 0;
    while ((got = rec_next(r, err, errlen)) == 1) {
        struct event e;
        const char *type = rec_code_str(r, ct);
        long ri = find_dim(c->reg, c->nreg, rec_code_str(r, cr)),
             oi = find_dim(c->op, c->nop, rec_code_str(r, co)),
             ti = find(c->types, c->ntypes, type);
        int64_t vis = rec_int(r, cv);
        size_t n;
        const char *id = rec_text(r, cid, &n);
        if (ti < 0 && c->ntypes < MAXTYPES && *type) {
            snprintf(c->typebuf[c->ntypes], sizeof c->typebuf[0], "%s", type);
            c->types[c->ntypes] = c->typebuf[c->ntypes];
            ti = (long)c->ntypes++;
        }
        e.date = rec_date(r, cd);
        e.year = e.date == DATE_NONE ? 0 : date_year(e.date);
        if (ri < 0 || oi < 0 || ti < 0 || e.year < Y0 || e.year >= Y0 + NY) {
            snprintf(err, errlen, "%s: row %lu: no date, région, OPCO or type", path, r->row);
            got = -1;
            break;
        }
        e.reg = (int16_t)ri;
        e.op = (int16_t)oi;
        e.type = (int16_t)ti;
        e.visiteurs = vis == REC_INT_NONE ? -1 : (long)vis;
        if (grow_to(&c->ev, &cap, c->nev + 1, sizeof *c->ev, 1024)) {
            rc = -2;
            break;
        }
        if (strmap_put(ids, id, n, c->nev, NULL) < 0) {
            rc = -2;
            break;
        }
        c->ev[c->nev++] = e;
        if (e.year < c->eymin)
            c->eymin = e.year;
        if (e.year > c->eymax)
            c->eymax = e.year;
    }
    rec_close_reader(r);
    if (rc)
        snprintf(err, errlen, "out of memory");
    return got < 0 ? -1 : rc;
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

/* The reunions groups from the events read (ids: event id -> index) and
 * the attendance records. 0, or APPERR_INTERNAL: unreadable attendance records (logged)
 * or out of memory (not logged). */
static int compute_reunions(struct ctx *c, const strmap *ids, const char *ppath)
{
    struct part *p = NULL;
    struct sd *starts = NULL, *concl = NULL;
    size_t np = 0, cap = 0, i, j, n;
    char err[1024];
    rec_reader *r = NULL;
    int rc = 0, got, cid, csiren, ctype, ccount;
    uint16_t ent_code = 0;

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
        rc = out_of_memory();
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
    r = rec_open(ppath, err, sizeof err);
    if (!r || (cid = rec_need(r, "id_evenement", REC_TEXT, err, sizeof err)) < 0 ||
        (csiren = rec_need(r, "siren", REC_INT, err, sizeof err)) < 0 ||
        (ctype = rec_need(r, "type_participant", REC_CODE, err, sizeof err)) < 0 ||
        (ccount = rec_need(r, "compte", REC_INT, err, sizeof err)) < 0) {
        log_own_file(ppath, err);
        rc = APPERR_INTERNAL;
        goto done;
    }
    ent_code = rec_code_of(&r->h.cols[ctype], "entreprise", strlen("entreprise"));
    while ((got = rec_next(r, err, sizeof err)) == 1) {
        size_t *ei, idn;
        const struct event *e;
        const char *id;
        int64_t siren = rec_int(r, csiren);
        if (rec_int(r, ccount) != 1)
            continue;
        id = rec_text(r, cid, &idn);
        ei = strmap_get(ids, id, idn);
        if (!ei || siren < 0 || siren > UINT32_MAX) {
            log_error("internal error: attendance record %lu names no event read", r->row);
            rc = APPERR_INTERNAL;
            goto done;
        }
        e = &c->ev[*ei];
        if (grow_to(&p, &cap, np + 4, sizeof *p, 65536)) {
            rc = out_of_memory();
            goto done;
        }
        {
            size_t g[4] = {reu_index(c, (size_t)e->reg, (size_t)e->op, (size_t)e->type, e->year),
                           reu_index(c, c->nreg, (size_t)e->op, (size_t)e->type, e->year),
                           reu_index(c, (size_t)e->reg, c->nop, (size_t)e->type, e->year),
                           reu_index(c, c->nreg, c->nop, (size_t)e->type, e->year)};
            for (j = 0; j < 4; j++)
                p[np++] = (struct part){(uint32_t)g[j], (uint32_t)siren, e->date,
                                        ent_code && rec_code(r, ctype) == ent_code};
        }
    }
    if (got < 0) {
        log_own_file(ppath, err);
        rc = APPERR_INTERNAL;
        goto done;
    }
    /* contracts by SIREN: start dates (look-back) and conclusion dates (look-ahead) */
    starts = malloc((c->nkc ? c->nkc : 1) * sizeof *starts);
    concl = malloc((c->nkc ? c->nkc : 1) * sizeof *concl);
    if (!starts || !concl) {
        rc = out_of_memory();
        goto done;
    }
    for (i = 0; i < c->nkc; i++) {
        const unsigned char *k = c->kc + i * c->stride;
        uint32_t siren = kc_u32(k, c->off_ev + 2);
        starts[i] = (struct sd){siren, kc_date(k, KC_DEBUT)};
        concl[i] = (struct sd){siren, kc_date(k, c->off_ev)};
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
    rec_close_reader(r);
    free(p);
    free(starts);
    free(concl);
    return rc;
}

static int keep_reunions(const struct ctx *c, otable *t, int y0, int y1)
{
    size_t r, o, k, ti, order[MAXTYPES];
    int y, rc;
    if (c->nev == 0)
        return 0;
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
    return 0;
}

/* The per-table secrecy counts for the manifest (stages/lib/facts.h). 0 or
 * APPERR_WRITE. */
static int write_secrecy_summary(otable *const *t, size_t n, int thr, const char *path)
{
    char err[1024];
    facts_secrecy v[MAXB + 8];
    size_t i;
    for (i = 0; i < n && i < sizeof v / sizeof *v; i++) {
        v[i].table = t[i]->name;
        v[i].primary = (unsigned long)t[i]->primary;
        v[i].secondary = (unsigned long)t[i]->secondary;
        v[i].audit = thr > 0 ? "passed" : "not run (secrecy disabled)";
    }
    if (facts_secrecy_write(path, v, i, err, sizeof err)) {
        log_error("%s", err);
        return APPERR_WRITE;
    }
    return 0;
}

/* The tables' files, written on several threads: one job per table. */
struct writing {
    otable **t;
    const char *outdir;
    csvout_stats st[5 + MAXB];
    char err[5 + MAXB][1024]; /* "" unless that table failed */
};

static int write_table(void *arg, size_t j)
{
    struct writing *w = arg;
    return otable_write(w->t[j], w->outdir, &w->st[j], w->err[j], sizeof w->err[j]) ? APPERR_WRITE
                                                                                    : 0;
}

/* Statistical secrecy over every indicator table at once, then the files.
 * APP_TEST_SECRECY_PRIMARY_ONLY=1 is a test hook (tests/e2e/test_secrecy.sh):
 * it skips the secondary suppression so that the audit must fail. */
static int write_tables(struct ctx *c, otable **t, size_t n, const char *outdir, int thr,
                        const char *summary, int threads)
{
    struct writing w;
    char err[1024];
    size_t i, prim = 0, sec = 0;
    int rc;

    if (thr > 0) {
        const char *hook = getenv("APP_TEST_SECRECY_PRIMARY_ONLY");
        int flags = hook && !strcmp(hook, "1") ? SECRECY_PRIMARY_ONLY : 0;
        struct timespec a, b;
        if (flags)
            log_warn("APP_TEST_SECRECY_PRIMARY_ONLY: secondary suppression skipped (test hook)");
        clock_gettime(CLOCK_MONOTONIC, &a);
        rc = otable_protect(t, n, thr, flags, err, sizeof err);
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (rc) {
            log_error("%s%s", rc > 0 ? "secrecy audit failed: " : "secrecy: ", err);
            return APPERR_INTERNAL;
        }
        for (i = 0; i < n; i++) {
            prim += t[i]->primary;
            sec += t[i]->secondary;
            log_debug("secrecy: table=%s primary=%zu secondary=%zu", t[i]->name, t[i]->primary,
                      t[i]->secondary);
        }
        log_info("secrecy: primary=%zu secondary=%zu audit=passed seconds=%.3f", prim, sec,
                 (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
    }
    w.t = t;
    w.outdir = outdir;
    memset(w.err, 0, sizeof w.err);
    if (par_run(n, threads, write_table, &w)) {
        for (i = 0; i < n && !w.err[i][0]; i++)
            ;
        log_error("%s", i < n ? w.err[i] : "a table could not be written");
        return APPERR_WRITE;
    }
    for (i = 0; i < n; i++)
        if ((rc = table_facts(c, t[i], &w.st[i])))
            return rc;
    return summary ? write_secrecy_summary(t, n, thr, summary) : 0;
}

/* --- the stage ----------------------------------------------------------- */

/* The command line, but the targets and D_obs (in the ctx). */
struct options {
    const char *contracts, *kept, *schemas, *outdir, *events, *parts, *facts, *secrecy_summary;
    int threshold;
    int ya, yb; /* --years, 0 and 9999 when not given */
    int wait_kept;
    size_t rows_hint; /* --rows, 0 when not given */
    int threads;      /* --threads, else the processors online (par.h) */
    pid_t parent;     /* the driver, while --wait-kept waits (fdio_wait_for) */
};

/* parse_options: GO_ON when the stage is to run, else its outcome (APPERR_OK
 * after --help, APPERR_USAGE with the usage shown). */
#define GO_ON (-1)

static int parse_options(int argc, char **argv, struct options *o, struct ctx *c)
{
    static const struct option opts[] = {{"contracts", required_argument, NULL, 'c'},
                                         {"kept", required_argument, NULL, 'k'},
                                         {"schemas", required_argument, NULL, 's'},
                                         {"outdir", required_argument, NULL, 'o'},
                                         {"observation-date", required_argument, NULL, 'd'},
                                         {"events", required_argument, NULL, 'e'},
                                         {"participations", required_argument, NULL, 'p'},
                                         {"years", required_argument, NULL, 'y'},
                                         {"secrecy", required_argument, NULL, 'S'},
                                         {"target", required_argument, NULL, 't'},
                                         {"facts", required_argument, NULL, 'f'},
                                         {"secrecy-summary", required_argument, NULL, 'u'},
                                         {"wait-kept", no_argument, NULL, 'W'},
                                         {"rows", required_argument, NULL, 'R'},
                                         {"threads", required_argument, NULL, 'T'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *obs = NULL, *years = NULL;
    unsigned long n;
    int opt;

    memset(o, 0, sizeof *o);
    o->parent = getppid();
    o->threshold = 5;
    o->threads = par_threads_online();
    o->yb = 9999;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            o->contracts = optarg;
            break;
        case 'k':
            o->kept = optarg;
            break;
        case 's':
            o->schemas = optarg;
            break;
        case 'o':
            o->outdir = optarg;
            break;
        case 'd':
            obs = optarg;
            break;
        case 'e':
            o->events = optarg;
            break;
        case 'p':
            o->parts = optarg;
            break;
        case 'y':
            years = optarg;
            break;
        case 'S':
            if (val_count(optarg, 1000000, &n)) {
                fprintf(stderr, "indicators: --secrecy wants a whole number from 0 to 1000000\n");
                return APPERR_USAGE;
            }
            o->threshold = (int)n;
            break;
        case 'f':
            o->facts = optarg;
            break;
        case 'W':
            o->wait_kept = 1;
            break;
        case 'R':
            if (val_count(optarg, ULONG_MAX, &n)) {
                fprintf(stderr, "indicators: bad --rows '%s'\n", optarg);
                return APPERR_USAGE;
            }
            /* a hint for the first allocation only: beyond, the arrays grow */
            o->rows_hint = n > 100000000UL ? 100000000UL : n;
            break;
        case 'T':
            if (val_count(optarg, PAR_MAX_THREADS, &n) || n < 1) {
                fprintf(stderr, "indicators: --threads wants 1 to %d\n", PAR_MAX_THREADS);
                return APPERR_USAGE;
            }
            o->threads = (int)n;
            break;
        case 't':
            if (parse_target(c, optarg)) {
                fprintf(stderr, "indicators: bad --target '%s'\n", optarg);
                return APPERR_USAGE;
            }
            break;
        case 'u':
            o->secrecy_summary = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return APPERR_USAGE;
        }
    }
    if (!o->contracts || !o->kept || !o->schemas || !o->outdir || !obs || optind != argc ||
        (o->parts && !o->events)) {
        usage(stderr);
        return APPERR_USAGE;
    }
    if (val_observation_date(obs, &c->dobs)) {
        fprintf(stderr, "indicators: bad --observation-date '%s'\n", obs);
        return APPERR_USAGE;
    }
    if (years && val_years(years, &o->ya, &o->yb)) {
        fprintf(stderr, "indicators: bad --years '%s'\n", years);
        return APPERR_USAGE;
    }
    c->obs_y = date_year(c->dobs);
    c->obs_m = date_month(c->dobs);
    return GO_ON;
}

/* Loads the output schemas: the base tables, courbe_ruptures and the
 * breakdowns. 0 or APPERR_CONFIG, logged. */
static int load_schemas(struct ctx *c, const char *schemas)
{
    int rc = load_tables(c, schemas, c->base);
    return rc ? rc : load_courbe(schemas, &c->courbe);
}

/* An intermediate file of this run cannot be read: logged, APPERR_INTERNAL. */
static int bad_records(const char *path, const char *err)
{
    log_own_file(path, err);
    return APPERR_INTERNAL;
}

/* Opens the contract records and takes the dimensions from them, reads the
 * events, and sets the bytes each kept contract takes: KC_BD, each
 * breakdown's value index, then the conclusion date and SIREN when there
 * are events. 0, or an error (apperr) with the error logged. */
static int read_dimensions(struct ctx *c, const struct options *o)
{
    char err[1024];
    size_t i;
    int e;

    if (!(c->cr = rec_open(o->contracts, err, sizeof err)) ||
        setup_dims(c, c->cr, &c->kcols, err, sizeof err))
        return bad_records(o->contracts, err);
    if (o->events && (e = read_events(c, o->events, &c->ev_ids, err, sizeof err))) {
        if (e == -1)
            return bad_records(o->events, err);
        log_error("out of memory");
        return APPERR_INTERNAL;
    }
    c->with_ev = c->nev > 0;
    c->off_ev = KC_BD;
    for (i = 0; i < c->nbd; i++) {
        c->bd[i].off = c->off_ev;
        c->off_ev += c->bd[i].wide ? 2 : 1;
    }
    c->stride = c->off_ev + (c->with_ev ? 6 : 0);
    return 0;
}

/* Reads the kept contracts: merge's runs first, then the versions they
 * name, into one allocation of the exact size (no copy of a large array).
 * With --wait-kept while merge is still at work (no KEPT.rec yet): every
 * version first (--rows of them room), the kept ones picked when merge's
 * runs arrive. 0, or an error (apperr) with the error logged. */
static int read_kept_contracts(struct ctx *c, const struct options *o)
{
    char err[1024];
    int early = o->wait_kept && access(o->kept, F_OK), rc;
    size_t i;

    if (!early && read_kept(o->kept, &c->runs, &c->nruns, err, sizeof err))
        return bad_records(o->kept, err);
    for (i = 0; i < c->nruns; i++)
        c->capkc += c->runs[i].count;
    if (early)
        c->capkc = o->rows_hint ? o->rows_hint : 65536;
    if (!(c->kc = malloc((c->capkc ? c->capkc : 1) * c->stride))) {
        log_error("out of memory for %zu contracts", c->capkc);
        return APPERR_INTERNAL;
    }
    rc = read_contracts(c, c->cr, &c->kcols, early ? NULL : c->runs, c->nruns, err, sizeof err);
    if (rc == -1)
        return bad_records(o->contracts, err);
    if (rc) {
        log_error("%s", err);
        return APPERR_INTERNAL;
    }
    if (!early)
        return 0;
    if (fdio_wait_for(o->kept, o->parent))
        return bad_records(o->kept, "the driver ended before merge's runs came");
    if (read_kept(o->kept, &c->runs, &c->nruns, err, sizeof err))
        return bad_records(o->kept, err);
    if (keep_only(c, c->runs, c->nruns))
        return bad_records(o->kept, "a run names a row the contracts do not have");
    return 0;
}

/* Counts the kept contracts into the région x OPCO groups, the breakdowns
 * and the curve, then the medians, and marks which total rows exist (those
 * with one of their pairs). 0, or APPERR_NOMEM (logged). */
/* Job j of the medians: the région x OPCO groups' (0) or breakdown j - 1's.
 * 0 or APPERR_NOMEM (not logged: the jobs run on several threads). */
static int medians_of(void *arg, size_t j)
{
    struct ctx *c = arg;
    return grouping_medians(j ? &c->bd[j - 1].g : &c->ro) ? APPERR_NOMEM : 0;
}

static int count_all(struct ctx *c, int threads)
{
    size_t i, a, b, gt = ro_index(c, c->nreg, c->nop);
    int rc, y;

    for (i = 0; i < c->nbd; i++)
        if (grouping_init(&c->bd[i].g, c->bd[i].nvals + 1))
            return out_of_memory();
    c->cur_obs = calloc(curve_size(c), sizeof *c->cur_obs);
    c->cur_rup = calloc(curve_size(c), sizeof *c->cur_rup);
    if (!c->cur_obs || !c->cur_rup) {
        log_error("out of memory");
        return APPERR_INTERNAL;
    }
    if ((rc = count_contracts(c, threads)))
        return rc;
    /* a breakdown's TOTAL row is every kept contract: the grand total's
     * counts (and, below, medians) */
    for (i = 0; i < c->nbd; i++)
        group_add_into(&c->bd[i].g, c->bd[i].nvals, &c->ro, gt, c->ymin, c->ymax);
    if (par_run(1 + c->nbd, threads, medians_of, c))
        return out_of_memory();
    for (i = 0; i < c->nbd; i++)
        for (y = Y0; y < Y0 + NY; y++)
            c->bd[i].g.median[gy_index(&c->bd[i].g, c->bd[i].nvals, y)] =
                c->ro.median[gy_index(&c->ro, gt, y)];
    for (a = 0; a < c->nreg; a++)
        for (b = 0; b < c->nop; b++)
            if (c->ro.exists[ro_index(c, a, b)]) {
                c->ro.exists[ro_index(c, a, c->nop)] = 1;
                c->ro.exists[ro_index(c, c->nreg, b)] = 1;
                c->ro.exists[gt] = 1;
            }
    return 0;
}

/* Keeps the rows of croissance, croissance_mensuelle, ruptures,
 * courbe_ruptures and the breakdowns for the years of the data, up to
 * D_obs's, that --years (ya-yb) selects. 0, or an error (apperr), logged. */
/* Job j of keep_contract_tables: one table's rows, croissance_mensuelle
 * (by far the longest) first. 0, or an error (apperr, logged). */
static int keep_table(void *arg, size_t j)
{
    const struct ctx *c = arg;
    switch (j) {
    case 0:
        return keep_ro(c, c->base[1], 1);
    case 1:
        return keep_ro(c, c->base[0], 0);
    case 2:
        return keep_ro(c, c->base[2], 2);
    case 3:
        return keep_courbe(c, c->courbe);
    default:
        return keep_breakdown(c, &c->bd[j - 4]);
    }
}

static int keep_contract_tables(struct ctx *c, int ya, int yb, int threads)
{
    size_t i;
    int rc;

    if (c->ymax > c->obs_y)
        c->ymax = c->obs_y;
    c->ysel0 = ya > c->ymin ? ya : c->ymin;
    c->ysel1 = yb < c->ymax ? yb : c->ymax;
    for (i = 0; i < c->nbd; i++)
        if ((rc = order_breakdown(&c->bd[i])))
            return rc;
    return par_run(4 + c->nbd, threads, keep_table, c);
}

/* Counts the reunions groups and keeps their rows, for the years of the
 * events, up to D_obs's, that --years selects. 0, or an error (apperr). */
static int reunions(struct ctx *c, const struct options *o)
{
    int rc = compute_reunions(c, &c->ev_ids, o->parts), y0, y1;
    if (rc)
        return rc;
    y0 = c->eymin > o->ya ? c->eymin : o->ya;
    y1 = c->eymax < c->obs_y ? c->eymax : c->obs_y;
    if (y1 > o->yb)
        y1 = o->yb;
    return keep_reunions(c, c->base[3], y0, y1);
}

/* Secrecy over every table, the files, then their facts for the manifest.
 * 0, or an error (apperr) with the error logged. */
static int write_outputs(struct ctx *c, const struct options *o)
{
    otable *all[5 + MAXB];
    char err[1024];
    size_t i, n = 0;
    int rc;

    for (i = 0; i < 4; i++)
        all[n++] = c->base[i];
    all[n++] = c->courbe;
    for (i = 0; i < c->nbd; i++)
        all[n++] = c->bd[i].t;
    if ((rc = write_tables(c, all, n, o->outdir, o->threshold, o->secrecy_summary, o->threads)))
        return rc;
    if (o->facts && facts_outputs_write(o->facts, c->outs, c->nouts, err, sizeof err)) {
        log_error("%s", err);
        return APPERR_WRITE;
    }
    return 0;
}

static void ctx_free(struct ctx *c)
{
    size_t i, v;
    for (i = 0; i < 4; i++)
        otable_free(c->base[i]);
    otable_free(c->courbe);
    free(c->cur_obs);
    free(c->cur_rup);
    for (i = 0; i < c->nbd; i++) {
        otable_free(c->bd[i].t);
        free(c->bd[i].column);
        for (v = 0; v < c->bd[i].nvals; v++)
            free(c->bd[i].names[v]);
        free(c->bd[i].names);
        free(c->bd[i].order);
        strmap_free(&c->bd[i].values);
        grouping_free(&c->bd[i].g);
        free(c->bd[i].by_code);
    }
    grouping_free(&c->ro);
    free(c->kc);
    free(c->ev);
    free(c->r_events);
    free(c->r_vis);
    free(c->r_part);
    free(c->r_struct);
    free(c->r_ent);
    free(c->r_new);
    free(c->r_conv);
    free(c->r_hasvis);
    free(c->reg);
    free(c->op);
    free(c->reg_lib);
    free(c->kcols.reg_of);
    free(c->kcols.op_of);
    free(c->runs);
    strmap_free(&c->ev_ids);
    for (i = 0; i < c->nouts; i++)
        free(c->outs[i].file);
    rec_close_reader(c->cr);
}

int main(int argc, char **argv)
{
    struct options o;
    struct ctx c;
    int rc;

    memset(&c, 0, sizeof c);
    log_init_env("indicators");
    if ((rc = parse_options(argc, argv, &o, &c)) != GO_ON)
        return apperr_exit(&stage, rc);
    rc = load_schemas(&c, o.schemas);
    if (!rc)
        rc = read_dimensions(&c, &o);
    if (!rc)
        rc = read_kept_contracts(&c, &o);
    if (!rc)
        rc = count_all(&c, o.threads);
    if (!rc)
        rc = keep_contract_tables(&c, o.ya, o.yb, o.threads);
    if (!rc && o.events)
        rc = reunions(&c, &o);
    if (!rc)
        rc = write_outputs(&c, &o);
    if (!rc)
        log_info("contracts=%zu events=%zu", c.nkc, c.nev);
    ctx_free(&c);
    return apperr_exit(&stage, rc);
}

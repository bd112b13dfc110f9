/* indicators: computes the report tables of spec/indicators.md from the
 * kept contracts written by merge: croissance and croissance_mensuelle.
 * Memory is bounded by the number of groups (régions x OPCOs x years x
 * months), never by the number of contracts. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "log.h"
#include "otable.h"
#include "refdata.h"
#include "tsv.h"
#include "values.h"

#define Y0 2000
#define NY 100 /* entry years 2000-2099 */
#define MAXT 256

struct target {
    int year;
    char opco[32], region[8]; /* "TOTAL" when not given */
    long objectif;
};

struct ctx {
    refdata *ref;
    size_t nreg, nop;       /* including ND; TOTAL is index nreg / nop */
    const char **reg, **op; /* sorted codes, ND among them, TOTAL last */
    unsigned long *cnt;     /* [reg+1][op+1][NY][12] with totals */
    unsigned char *pair;    /* [reg+1][op+1]: a kept contract exists */
    int ymin, ymax, ysel0, ysel1, obs_y, obs_m;
    struct target targets[MAXT];
    size_t ntargets;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: indicators --contracts KEPT.tsv --schemas DIR --outdir DIR\n"
               "                  --observation-date YYYY-MM-DD [--input DIR] [--years Y[-Y]]\n"
               "                  [--secrecy N] [--target YEAR:OPCO[:REGION]=N]...\n"
               "Writes croissance.csv.gz and croissance_mensuelle.csv.gz into DIR.\n");
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t idx(const struct ctx *c, size_t r, size_t o, int y, int m)
{
    return (((r * (c->nop + 1) + o) * NY) + (size_t)(y - Y0)) * 12 + (size_t)m;
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

/* 1 when the row (region r, OPCO o) exists: spec "Which rows exist". */
static int row_exists(const struct ctx *c, size_t r, size_t o, int y)
{
    if (c->pair[r * (c->nop + 1) + o])
        return 1;
    return target_of(c, y, r == c->nreg ? "TOTAL" : c->reg[r], o == c->nop ? "TOTAL" : c->op[o]) !=
           NULL;
}

static unsigned long cum(const struct ctx *c, size_t r, size_t o, int y, int m)
{
    unsigned long s = 0;
    int k;
    if (y < Y0 || y >= Y0 + NY)
        return 0;
    for (k = 0; k <= m; k++)
        s += c->cnt[idx(c, r, o, y, k)];
    return s;
}

static int write_croissance(struct ctx *c, const char *schemas, const char *outdir, int thr,
                            int monthly)
{
    char path[4096], err[1024];
    otable *t;
    oval v[16];
    int y, m, rc = 0;
    size_t r, o;

    snprintf(path, sizeof path, "%s/output/%s.yaml", schemas,
             monthly ? "croissance_mensuelle" : "croissance");
    t = otable_load(path, err, sizeof err);
    if (!t) {
        log_error("%s", err);
        return EX_CONFIG;
    }
    if (t->ncols != (monthly ? 9u : 9u)) {
        log_error("%s: expected 9 columns, found %zu", path, t->ncols);
        otable_free(t);
        return EX_CONFIG;
    }
    if (otable_open(t, outdir, thr, err, sizeof err)) {
        log_error("%s", err);
        otable_free(t);
        return EX_IOERR;
    }
    for (y = c->ysel0; y <= c->ysel1; y++) {
        int mmax = monthly ? (y == c->obs_y ? c->obs_m : 12) : 1;
        for (m = 0; m < mmax; m++)
            for (r = 0; r <= c->nreg; r++)
                for (o = 0; o <= c->nop; o++) {
                    const char *rc_ = r == c->nreg ? "TOTAL" : c->reg[r];
                    const char *oc = o == c->nop ? "TOTAL" : c->op[o];
                    char ybuf[16], mbuf[16];
                    size_t n = 0;
                    if (!row_exists(c, r, o, y))
                        continue;
                    snprintf(ybuf, sizeof ybuf, "%d", y);
                    v[n++] = ov_text(ybuf);
                    if (monthly) {
                        snprintf(mbuf, sizeof mbuf, "%02d", m + 1);
                        v[n++] = ov_text(mbuf);
                    }
                    v[n++] = ov_text(rc_);
                    v[n++] = ov_text(ref_region_lib(c->ref, rc_));
                    v[n++] = ov_text(oc);
                    if (!monthly) {
                        long cur = (long)cum(c, r, o, y, 11), prev = (long)cum(c, r, o, y - 1, 11);
                        const struct target *tg = target_of(c, y, rc_, oc);
                        v[n++] = ov_int(cur);
                        v[n++] = ov_int(prev);
                        v[n++] = ov_pct(cur - prev, prev);
                        v[n++] = tg ? ov_int(tg->objectif) : ov_missing();
                        v[n++] = tg ? ov_pct(cur, tg->objectif) : ov_missing();
                    } else {
                        long cur = (long)cum(c, r, o, y, m), prev = (long)cum(c, r, o, y - 1, m);
                        v[n++] = ov_int((long)c->cnt[idx(c, r, o, y, m)]);
                        v[n++] = ov_int(cur);
                        v[n++] = ov_int(prev);
                        v[n++] = ov_pct(cur - prev, prev);
                    }
                    if (otable_row(t, v))
                        rc = EX_IOERR;
                }
    }
    if (otable_close(t, err, sizeof err)) {
        log_error("%s", err);
        rc = EX_IOERR;
    }
    otable_free(t);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"contracts", required_argument, NULL, 'c'},
                                         {"schemas", required_argument, NULL, 's'},
                                         {"outdir", required_argument, NULL, 'o'},
                                         {"observation-date", required_argument, NULL, 'd'},
                                         {"input", required_argument, NULL, 'i'},
                                         {"years", required_argument, NULL, 'y'},
                                         {"secrecy", required_argument, NULL, 'S'},
                                         {"target", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *contracts = NULL, *schemas = NULL, *outdir = NULL, *obs = NULL, *input = NULL,
               *years = NULL;
    struct ctx c;
    char err[1024];
    tsvr *r = NULL;
    date_t dobs;
    int opt, rc = 0, code, thr = 5, got, cd, cr, co;
    size_t i;

    memset(&c, 0, sizeof c);
    log_init_env("indicators");
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            contracts = optarg;
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
    if (!contracts || !schemas || !outdir || !obs || optind != argc) {
        usage(stderr);
        return EX_USAGE;
    }
    if (val_date(obs, strlen(obs), &dobs)) {
        fprintf(stderr, "indicators: bad --observation-date '%s'\n", obs);
        return EX_USAGE;
    }
    c.obs_y = date_year(dobs);
    c.obs_m = date_month(dobs);
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
    c.cnt = calloc((c.nreg + 1) * (c.nop + 1) * NY * 12, sizeof *c.cnt);
    c.pair = calloc((c.nreg + 1) * (c.nop + 1), 1);
    if (!c.reg || !c.op || !c.cnt || !c.pair) {
        log_error("out of memory");
        rc = EX_OSERR;
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

    r = tsvr_open(contracts, err, sizeof err);
    if (!r) {
        log_error("%s", err);
        rc = EX_IOERR;
        goto done;
    }
    if ((cd = tsvr_need(r, "date_debut_contrat", err, sizeof err)) < 0 ||
        (cr = tsvr_need(r, "region", err, sizeof err)) < 0 ||
        (co = tsvr_need(r, "opco", err, sizeof err)) < 0) {
        log_error("%s", err);
        rc = EX_SOFTWARE;
        goto done;
    }
    c.ymin = 9999;
    c.ymax = 0;
    while ((got = tsvr_next(r, err, sizeof err)) == 1) {
        date_t d;
        long ri, oi;
        int y, m;
        if (val_date(r->field[cd], r->len[cd], &d)) {
            log_error("%s:%lu: bad date_debut_contrat", contracts, r->lineno);
            rc = EX_SOFTWARE;
            goto done;
        }
        y = date_year(d);
        m = date_month(d) - 1;
        ri = find(c.reg, c.nreg, r->field[cr]);
        oi = find(c.op, c.nop, r->field[co]);
        if (ri < 0 || oi < 0 || y < Y0 || y >= Y0 + NY) {
            log_error("%s:%lu: unknown region or OPCO, or year out of range", contracts, r->lineno);
            rc = EX_SOFTWARE;
            goto done;
        }
        if (y < c.ymin)
            c.ymin = y;
        if (y > c.ymax)
            c.ymax = y;
        c.pair[(size_t)ri * (c.nop + 1) + (size_t)oi] = 1;
        c.cnt[idx(&c, (size_t)ri, (size_t)oi, y, m)]++;
        c.cnt[idx(&c, c.nreg, (size_t)oi, y, m)]++;
        c.cnt[idx(&c, (size_t)ri, c.nop, y, m)]++;
        c.cnt[idx(&c, c.nreg, c.nop, y, m)]++;
    }
    if (got < 0) {
        log_error("%s", err);
        rc = EX_IOERR;
        goto done;
    }
    /* total rows exist when one of their pairs does */
    for (size_t a = 0; a < c.nreg; a++)
        for (size_t b = 0; b < c.nop; b++)
            if (c.pair[a * (c.nop + 1) + b]) {
                c.pair[a * (c.nop + 1) + c.nop] = 1;
                c.pair[c.nreg * (c.nop + 1) + b] = 1;
                c.pair[c.nreg * (c.nop + 1) + c.nop] = 1;
            }
    if (c.ymax > c.obs_y)
        c.ymax = c.obs_y;
    c.ysel0 = c.ymin;
    c.ysel1 = c.ymax;
    if (years) {
        int a, b, n = 0;
        if (sscanf(years, "%d-%d%n", &a, &b, &n) == 2 && !years[n]) {
        } else if (sscanf(years, "%d%n", &a, &n) == 1 && !years[n]) {
            b = a;
        } else {
            fprintf(stderr, "indicators: bad --years '%s'\n", years);
            rc = EX_USAGE;
            goto done;
        }
        c.ysel0 = a > c.ymin ? a : c.ymin;
        c.ysel1 = b < c.ymax ? b : c.ymax;
    }
    if ((rc = write_croissance(&c, schemas, outdir, thr, 0)) ||
        (rc = write_croissance(&c, schemas, outdir, thr, 1)))
        goto done;
done:
    tsvr_close(r);
    free(c.reg);
    free(c.op);
    free(c.cnt);
    free(c.pair);
    refdata_free(c.ref);
    return rc;
}

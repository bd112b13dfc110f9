/* ingest: the first stage. Reads the input files of one kind (contrats,
 * evenements, participations), validates and normalises every row against
 * the kind's YAML schema (spec/inputs.md), pseudonymises apprentices, and
 * writes accepted rows, rejects and per-file quality counts as TSV records
 * (stages/lib/tsv.h). Names and birth dates never leave this stage. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "csvin.h"
#include "fold.h"
#include "log.h"
#include "progress.h"
#include "pseudo.h"
#include "refdata.h"
#include "schema.h"
#include "strmap.h"
#include "tsv.h"
#include "values.h"

enum kind { K_CONTRATS, K_EVENEMENTS, K_PARTICIPATIONS };

/* Rejection codes, in the order of the quality report's columns. */
enum code {
    C_COLONNES,
    C_REQUIS,
    C_DATE,
    C_DATES,
    C_SIRET,
    C_UAI,
    C_ENUM,
    C_CODE_POSTAL,
    C_AGE,
    C_ENCODAGE,
    C_OPCO,
    C_DOUBLON,
    C_EVENEMENT_INCONNU,
    C_NCODES
};
static const char *const code_names[C_NCODES] = {"COLONNES",
                                                 "REQUIS",
                                                 "DATE",
                                                 "DATES",
                                                 "SIRET",
                                                 "UAI",
                                                 "ENUM",
                                                 "CODE_POSTAL",
                                                 "AGE",
                                                 "ENCODAGE",
                                                 "OPCO",
                                                 "DOUBLON",
                                                 "EVENEMENT_INCONNU"};

static enum code code_of(const char *name)
{
    int i;
    for (i = 0; i < C_NCODES; i++)
        if (!strcmp(code_names[i], name))
            return (enum code)i;
    return C_REQUIS;
}

struct reason {
    enum code code;
    int col; /* schema column, -1 for none */
    const char *val;
    size_t len;
};

struct fstats {
    unsigned long read, accepted, rejected, codes[C_NCODES], invalid, dups;
};

/* One normalised cell. */
struct cell {
    const char *s; /* normalised value, NULL: missing */
    size_t n;
    const char *raw; /* trimmed raw value, for rejects */
    size_t rawn;
    date_t d;
    char buf[48];
};

/* What one thread needs to check rows: scratch space and its own HMAC. */
struct scratch {
    struct cell *cells;
    struct reason *rs;
    char *rawcopy;         /* a contract number's raw value (normalised in place) */
    pseudo *ps;            /* contracts only */
    const char *ev_region; /* events: the row's région (code, postcode or ND) */
};

/* Where the rows of a file, or of a batch of its rows, go. */
struct sink {
    tsvw *out, *rej;
    struct fstats *st;
};

/* What the rows of one file share. */
struct filectx {
    const char *rel;
    const header_map *m;
    date_t name_date; /* the date in the file's name, DATE_NONE */
};

struct ingest {
    enum kind kind;
    const char *kind_name;
    const char *input_dir;
    schema *sch;
    refdata *ref;
    const unsigned char *key;
    size_t klen;
    tsvw *out, *rej;
    strmap seen;        /* events: accepted ids; participations: known event ids */
    strmap present;     /* participations: event \t siret of counted present rows */
    unsigned long dups; /* participations: present rows repeating a SIRET of their event */
    int threads;        /* checking threads besides the reading one (contracts) */
    progress prog;
    /* column indexes in the schema (-1 when the kind has no such column) */
    int c_num, c_debut, c_fin, c_rupture, c_extraction, c_naissance, c_nom, c_prenom, c_cp, c_opco,
        c_idcc, c_siret, c_cfd, c_niveau, c_id, c_type_ev, c_region, c_visiteurs, c_presence,
        c_effectif;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ingest --kind contrats|evenements|participations --schemas DIR\n"
               "              --input DIR --out FILE.tsv --rejects FILE.tsv --quality FILE.tsv\n"
               "              [--key-file FILE] [--events EVENTS.tsv] [--threads N] FILE...\n"
               "Validates and normalises the FILEs (paths relative to the input folder DIR)\n"
               "against schemas/input/KIND.yaml and writes accepted rows, rejects and quality\n"
               "counts as TSV. Exit codes: 0, 64 usage, 65 bad file, 74 I/O, 78 configuration.\n");
}

/* The missing-value literals NULL, NA, N/A and "-", in any case. */
static int is_missing_literal(const char *s, size_t n)
{
    char b[4];
    size_t i;
    if (n == 0)
        return 1;
    if (n > 4)
        return 0;
    for (i = 0; i < n; i++)
        b[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
    return (n == 4 && !memcmp(b, "NULL", 4)) || (n == 2 && !memcmp(b, "NA", 2)) ||
           (n == 3 && !memcmp(b, "N/A", 3)) || (n == 1 && b[0] == '-');
}

/* Writes u in decimal and a NUL into buf (at least 21 bytes). */
static void uint_text(char *buf, unsigned long u)
{
    char tmp[24], *p = tmp + sizeof tmp;
    *--p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    memcpy(buf, p, (size_t)(tmp + sizeof tmp - p));
}

/* Validates one value of column c. Returns 0 valid (cell filled), -1 invalid. */
static int check_value(struct ingest *g, const schema_col *c, const char *v, size_t n,
                       struct cell *out)
{
    long u;
    int k;
    out->s = out->buf;
    out->d = DATE_NONE;
    switch (c->type) {
    case T_TEXT:
        out->s = v;
        out->n = n;
        return 0;
    case T_CONTRACT_NUMBER: {
        /* upper-cased, white space removed, in place: never longer */
        char *w = (char *)v;
        size_t i, o = 0, sl;
        for (i = 0; i < n;) {
            if (fold_is_space(v + i, n - i, &sl)) {
                i += sl;
                continue;
            }
            w[o++] = (char)(v[i] >= 'a' && v[i] <= 'z' ? v[i] - 32 : v[i]);
            i++;
        }
        w[o] = '\0';
        out->s = w;
        out->n = o;
        return o ? 0 : -1;
    }
    case T_ENUM: {
        const char *canon = schema_enum(c, v, n);
        if (!canon)
            return -1;
        out->s = canon;
        out->n = strlen(canon);
        return 0;
    }
    case T_DATE:
        if (val_date_iso(v, n, &out->d, out->buf) ||
            (c->contract_date && out->d < date_from_ymd(2000, 1, 1)))
            return -1;
        out->n = 10;
        return 0;
    case T_SIRET:
        k = val_siret(v, n, out->buf);
        break;
    case T_UAI:
        k = val_uai(v, n, out->buf);
        break;
    case T_POSTCODE:
        k = val_postcode(v, n, out->buf);
        break;
    case T_NAF:
        k = val_naf(v, n, out->buf);
        break;
    case T_IDCC:
        k = val_idcc(v, n, out->buf);
        break;
    case T_CFD:
        k = val_cfd(v, n, out->buf);
        break;
    case T_RNCP:
        k = val_rncp(v, n, out->buf);
        break;
    case T_UINT:
        u = val_uint(v, n);
        if (u < 0)
            return -1;
        uint_text(out->buf, (unsigned long)u);
        k = 0;
        break;
    case T_BOOL:
        k = val_bool(v, n);
        if (k < 0)
            return -1;
        uint_text(out->buf, (unsigned long)k);
        k = 0;
        break;
    case T_NIVEAU:
        k = val_niveau(v, n);
        if (k < 0)
            return -1;
        uint_text(out->buf, (unsigned long)k);
        k = 0;
        break;
    case T_OPCO: {
        const char *o = ref_opco(g->ref, v, n);
        if (!o)
            return -1;
        out->s = o;
        out->n = strlen(o);
        return 0;
    }
    case T_REGION: {
        const char *r = ref_region(g->ref, v, n);
        if (!r)
            return -1;
        out->s = r;
        out->n = strlen(r);
        return 0;
    }
    default:
        return -1;
    }
    if (k)
        return -1;
    out->n = strlen(out->buf);
    return 0;
}

static void write_reject(struct sink *k, const char *file, unsigned long line, const char *code,
                         const char *col, const char *val, size_t len)
{
    tsvw_str(k->rej, file);
    tsvw_long(k->rej, (long)line);
    tsvw_str(k->rej, code);
    tsvw_str(k->rej, col);
    tsvw_field(k->rej, val, len);
    tsvw_endrow(k->rej);
}

static int opt_col(const schema *s, const char *name)
{
    return schema_col_index(s, name);
}

/* Writes the TSV header of the kind's records. */
static void emit_header(struct ingest *g)
{
    size_t k;
    tsvw_str(g->out, "fichier");
    tsvw_str(g->out, "ligne");
    for (k = 0; k < g->sch->ncols; k++)
        if (!g->sch->cols[k].personal)
            tsvw_str(g->out, g->sch->cols[k].name);
    if (g->kind == K_CONTRATS) {
        static const char *const derived[] = {"siren_employeur", "departement", "region",
                                              "apprenti_id",     "age_debut",   "tranche_age",
                                              "tranche_effectif"};
        for (k = 0; k < sizeof derived / sizeof *derived; k++)
            tsvw_str(g->out, derived[k]);
    } else if (g->kind == K_EVENEMENTS) {
        tsvw_str(g->out, "region");
    } else {
        tsvw_str(g->out, "siren");
        tsvw_str(g->out, "compte");
    }
    tsvw_endrow(g->out);
}

/* Derives and writes one accepted row. Returns 0, or -1 on a libcrypto
 * failure (logged). */
static int emit_row(struct ingest *g, struct scratch *sc, struct sink *snk, const char *rel,
                    const csvin_row *row, struct cell *cells)
{
    const schema *s = g->sch;
    char dept[4] = "", idbuf[40] = "", agebuf[24] = "";
    const char *region = NULL, *tranche = NULL;
    size_t k;

    if (g->kind == K_CONTRATS) {
        struct cell *op = &cells[g->c_opco], *nv = &cells[g->c_niveau];
        char msg[1024];
        size_t n = 0;
        int age;
        if (!op->s) {
            const char *o = cells[g->c_idcc].s ? ref_idcc_opco(g->ref, cells[g->c_idcc].buf) : NULL;
            op->s = o ? o : "ND";
            op->n = strlen(op->s);
        }
        if (!nv->s && cells[g->c_cfd].s) {
            int l = val_niveau_from_cfd(cells[g->c_cfd].buf);
            if (l > 0) {
                snprintf(nv->buf, sizeof nv->buf, "%d", l);
                nv->s = nv->buf;
                nv->n = strlen(nv->buf);
            }
        }
        val_postcode_dept(cells[g->c_cp].buf, dept);
        if (!ref_dept_known(g->ref, dept))
            strcpy(dept, "ND");
        region = strcmp(dept, "ND") ? ref_dept_region(g->ref, dept) : "ND";
        age = val_age(cells[g->c_naissance].d, cells[g->c_debut].d);
        uint_text(agebuf, (unsigned long)age); /* 14 to 80: never negative */
        tranche = val_tranche_age(age);
        n += fold_N(cells[g->c_nom].s, cells[g->c_nom].n, msg, sizeof msg - 12);
        msg[n++] = '|';
        n += fold_N(cells[g->c_prenom].s, cells[g->c_prenom].n, msg + n, sizeof msg - n - 12);
        if (n > sizeof msg - 13)
            n = sizeof msg - 13;
        msg[n++] = '|';
        memcpy(msg + n, cells[g->c_naissance].buf, 10); /* YYYY-MM-DD */
        n += 10;
        if (pseudo_id(sc->ps, msg, n, idbuf)) {
            log_error("libcrypto: HMAC-SHA256 failed");
            return -1;
        }
    }
    tsvw_str(snk->out, rel);
    tsvw_long(snk->out, (long)row->line);
    for (k = 0; k < s->ncols; k++)
        if (!s->cols[k].personal)
            tsvw_field(snk->out, cells[k].s ? cells[k].s : "", cells[k].s ? cells[k].n : 0);
    if (g->kind == K_CONTRATS) {
        tsvw_field(snk->out, cells[g->c_siret].buf, 9);
        tsvw_str(snk->out, dept);
        tsvw_str(snk->out, region);
        tsvw_str(snk->out, idbuf);
        tsvw_str(snk->out, agebuf);
        tsvw_str(snk->out, tranche);
        /* a missing or invalid effectif_employeur (cell unset) is ND */
        tsvw_str(snk->out, val_tranche_effectif(g->c_effectif >= 0 && cells[g->c_effectif].s
                                                    ? strtol(cells[g->c_effectif].s, NULL, 10)
                                                    : -1));
    } else if (g->kind == K_EVENEMENTS) {
        tsvw_str(snk->out, sc->ev_region);
        if (strmap_put(&g->seen, cells[g->c_id].s, cells[g->c_id].n, 1, NULL) < 0)
            return -1;
    } else {
        int counted = 0;
        if (cells[g->c_presence].s && !strcmp(cells[g->c_presence].s, "present")) {
            char key[512];
            int n = snprintf(key, sizeof key, "%.*s\t%s", (int)cells[g->c_id].n, cells[g->c_id].s,
                             cells[g->c_siret].buf);
            int r = strmap_put(&g->present, key, (size_t)n, 1, NULL);
            if (r < 0)
                return -1;
            counted = r == 1;
            g->dups += !counted;
        }
        tsvw_field(snk->out, cells[g->c_siret].buf, 9);
        tsvw_str(snk->out, counted ? "1" : "0");
    }
    tsvw_endrow(snk->out);
    return 0;
}

/* Checks one row of a file and writes it to the sink: accepted (with its
 * derived columns) or rejected with every reason. Returns 0, or -1 when
 * libcrypto fails (logged). */
static int process_row(struct ingest *g, struct scratch *sc, struct sink *snk,
                       const struct filectx *f, csvin_row *row)
{
    const schema *s = g->sch;
    const header_map *m = f->m;
    const char *rel = f->rel;
    date_t name_date = f->name_date;
    struct cell *cells = sc->cells;
    struct reason *rs = sc->rs;
    struct fstats *st = snk->st;
    size_t k;
    size_t nr = 0, invalid = 0;
    int enc_given = 0;
    if (row->n != m->nfields) {
        char v[64];
        int n = snprintf(v, sizeof v, "%zu/%zu", row->n, m->nfields);
        st->rejected++;
        st->codes[C_COLONNES]++;
        write_reject(snk, rel, row->line, "COLONNES", "", v, (size_t)n);
        return 0;
    }
    for (k = 0; k < s->ncols; k++) {
        const schema_col *c = &s->cols[k];
        int fi = m->field_of_col[k];
        size_t n;
        char *v;
        cells[k].s = NULL;
        cells[k].n = 0;
        cells[k].d = DATE_NONE;
        cells[k].raw = "";
        cells[k].rawn = 0;
        if (fi < 0) {
            /* an absent column is a missing value (presence: present) */
            if (c->missing_means) {
                cells[k].s = c->missing_means;
                cells[k].n = strlen(c->missing_means);
            }
            continue;
        }
        n = row->len[fi];
        v = csvin_trim(row->f[fi], &n);
        cells[k].raw = v;
        cells[k].rawn = n;
        if (row->bad[fi]) {
            if (!enc_given) {
                enc_given = 1;
                rs[nr++] = (struct reason){C_ENCODAGE, (int)k, v, n};
            }
            continue;
        }
        if (n == 0 || (!c->free_text && is_missing_literal(v, n))) {
            if (c->missing_means) {
                cells[k].s = c->missing_means;
                cells[k].n = strlen(c->missing_means);
            } else if (c->required && (int)k != g->c_extraction) {
                rs[nr++] = (struct reason){C_REQUIS, (int)k, v, n};
            }
            continue;
        }
        if (c->type == T_CONTRACT_NUMBER) {
            /* normalised in place: keep the raw value for the rejects */
            memcpy(sc->rawcopy, v, n); /* n <= CSVIN_MAX_FIELD */
            sc->rawcopy[n] = '\0';
            cells[k].raw = sc->rawcopy;
        }
        if (check_value(g, c, v, n, &cells[k])) {
            cells[k].s = NULL;
            if ((int)k == g->c_extraction)
                cells[k].n = 1; /* marks "given but invalid" */
            else if (c->required)
                rs[nr++] = (struct reason){code_of(c->reject_code), (int)k, v, n};
            else
                invalid++;
            continue;
        }
        if (c->personal && c->type == T_TEXT) {
            char nb[8];
            if (fold_N(v, n, nb, sizeof nb) == 0)
                rs[nr++] = (struct reason){C_REQUIS, (int)k, v, n};
        }
    }
    /* kind-specific rules */
    if (g->kind == K_CONTRATS) {
        struct cell *x = &cells[g->c_extraction];
        if (!x->s) {
            int given_bad = m->field_of_col[g->c_extraction] >= 0 && x->n == 1;
            int fx = m->field_of_col[g->c_extraction];
            if (fx >= 0 && row->bad[fx]) {
                /* ENCODAGE already given for this cell */
            } else if (name_date != DATE_NONE) {
                x->d = name_date;
                date_format(name_date, x->buf);
                x->s = x->buf;
                x->n = 10;
                invalid += given_bad;
            } else {
                int fi = m->field_of_col[g->c_extraction];
                size_t n = row->len[fi];
                char *v = csvin_trim(row->f[fi], &n);
                /* keep column order: date_extraction is the schema's last column */
                rs[nr++] = (struct reason){given_bad ? C_DATE : C_REQUIS, g->c_extraction, v, n};
            }
        }
        if (cells[g->c_debut].s && cells[g->c_fin].s) {
            if (cells[g->c_fin].d <= cells[g->c_debut].d)
                rs[nr++] =
                    (struct reason){C_DATES, g->c_fin, cells[g->c_fin].raw, cells[g->c_fin].rawn};
        }
        if (cells[g->c_rupture].s && cells[g->c_fin].s && cells[g->c_rupture].d > cells[g->c_fin].d)
            rs[nr++] = (struct reason){C_DATES, g->c_rupture, cells[g->c_rupture].raw,
                                       cells[g->c_rupture].rawn};
        if (cells[g->c_naissance].s && cells[g->c_debut].s) {
            int age = val_age(cells[g->c_naissance].d, cells[g->c_debut].d);
            if (age < 14 || age > 80)
                rs[nr++] = (struct reason){C_AGE, g->c_naissance, "", 0};
        }
    } else if (g->kind == K_EVENEMENTS) {
        int fr = m->field_of_col[g->c_region], fc = m->field_of_col[g->c_cp];
        struct cell *reg = &cells[g->c_region], *cp = &cells[g->c_cp];
        size_t nreg = fr >= 0 ? row->len[fr] : 0, ncp = fc >= 0 ? row->len[fc] : 0;
        const char *vreg = fr >= 0 ? csvin_trim(row->f[fr], &nreg) : "";
        const char *vcp = fc >= 0 ? csvin_trim(row->f[fc], &ncp) : "";
        int reg_given = nreg && !is_missing_literal(vreg, nreg) && !row->bad[fr];
        int cp_given = ncp && !is_missing_literal(vcp, ncp) && !row->bad[fc];
        if (reg->s) {
            /* a valid code wins; an invalid postcode beside it is an invalid value */
            sc->ev_region = reg->s;
        } else if (cp->s) {
            char dept[4];
            const char *r;
            val_postcode_dept(cp->buf, dept);
            r = ref_dept_known(g->ref, dept) ? ref_dept_region(g->ref, dept) : NULL;
            sc->ev_region = r ? r : "ND";
        } else if (!reg_given && !cp_given) {
            if (!(fr >= 0 && row->bad[fr]) && !(fc >= 0 && row->bad[fc]))
                rs[nr++] = (struct reason){C_REQUIS, fr >= 0 ? g->c_region : g->c_cp, "", 0};
        } else {
            if (reg_given)
                rs[nr++] = (struct reason){C_ENUM, g->c_region, vreg, nreg};
            if (cp_given)
                rs[nr++] = (struct reason){C_CODE_POSTAL, g->c_cp, vcp, ncp};
        }
        if (cells[g->c_visiteurs].s && cells[g->c_type_ev].s &&
            strcmp(cells[g->c_type_ev].s, "salon")) {
            cells[g->c_visiteurs].s = NULL;
            invalid++;
        }
    }
    if (nr == 0 && g->kind == K_EVENEMENTS) {
        if (strmap_get(&g->seen, cells[g->c_id].s, cells[g->c_id].n))
            rs[nr++] = (struct reason){C_DOUBLON, g->c_id, cells[g->c_id].raw, cells[g->c_id].rawn};
    }
    if (nr == 0 && g->kind == K_PARTICIPATIONS) {
        if (!strmap_get(&g->seen, cells[g->c_id].s, cells[g->c_id].n))
            rs[nr++] = (struct reason){C_EVENEMENT_INCONNU, g->c_id, cells[g->c_id].raw,
                                       cells[g->c_id].rawn};
    }
    if (nr) {
        int seen[C_NCODES] = {0};
        size_t i;
        st->rejected++;
        for (i = 0; i < nr; i++) {
            const schema_col *c = rs[i].col >= 0 ? &s->cols[rs[i].col] : NULL;
            int personal = c && c->personal;
            if (!seen[rs[i].code]++)
                st->codes[rs[i].code]++;
            write_reject(snk, rel, row->line, code_names[rs[i].code], c ? c->name : "",
                         personal ? "***" : rs[i].val, personal ? 3 : rs[i].len);
        }
        return 0;
    }
    st->accepted++;
    st->invalid += invalid;
    return emit_row(g, sc, snk, rel, row, cells);
}

/* --- checking the rows of a contract file on several threads ------------ */

/* Contract rows carry no state from one row to the next, so batches of them
 * are checked on every core while this thread reads; the batches are
 * written in read order, so the output is the same as with one thread. */
#define BATCH_ROWS 4096
#define NBATCH 8
#define MAXTHREADS 16

enum { B_FREE, B_FILLED, B_BUSY, B_DONE };

struct batch {
    int state, failed;
    size_t nrows, caprows;
    unsigned long *line;
    size_t *first, *nf; /* per row: its fields in the arrays below */
    char *data;         /* field bytes, each NUL-terminated */
    size_t dlen, dcap;
    size_t *off, *len;
    unsigned char *bad;
    char **f;
    size_t nfields, capfields;
    tsvw *out, *rej;
    struct fstats st;
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    struct batch b[NBATCH];
    size_t head, tail; /* next batch to write; the batch being filled */
    int stop;
    struct ingest *g;
    const struct filectx *f;
    struct scratch *sc; /* one per thread, the reading thread's last */
};

static int grow_to(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t nc;
    void *np;
    if (need <= *cap)
        return 0;
    nc = *cap ? *cap : 256;
    while (nc < need)
        nc *= 2;
    np = realloc(*p, nc * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

/* Copies one row into a batch. 0 or -1 (out of memory). */
static int batch_add(struct batch *b, const csvin_row *row)
{
    size_t i, need = 0, rc0 = b->caprows, fc0 = b->capfields;
    for (i = 0; i < row->n; i++)
        need += row->len[i] + 1;
    if (grow_to((void **)&b->data, &b->dcap, b->dlen + need, 1))
        return -1;
    rc0 = b->caprows;
    if (grow_to((void **)&b->line, &rc0, b->nrows + 1, sizeof *b->line) ||
        (rc0 = b->caprows, grow_to((void **)&b->first, &rc0, b->nrows + 1, sizeof *b->first)) ||
        (rc0 = b->caprows, grow_to((void **)&b->nf, &rc0, b->nrows + 1, sizeof *b->nf)))
        return -1;
    b->caprows = rc0;
    fc0 = b->capfields;
    if (grow_to((void **)&b->off, &fc0, b->nfields + row->n, sizeof *b->off) ||
        (fc0 = b->capfields,
         grow_to((void **)&b->len, &fc0, b->nfields + row->n, sizeof *b->len)) ||
        (fc0 = b->capfields, grow_to((void **)&b->bad, &fc0, b->nfields + row->n, 1)) ||
        (fc0 = b->capfields, grow_to((void **)&b->f, &fc0, b->nfields + row->n, sizeof *b->f)))
        return -1;
    b->capfields = fc0;
    b->line[b->nrows] = row->line;
    b->first[b->nrows] = b->nfields;
    b->nf[b->nrows] = row->n;
    for (i = 0; i < row->n; i++) {
        memcpy(b->data + b->dlen, row->f[i], row->len[i] + 1);
        b->off[b->nfields] = b->dlen;
        b->len[b->nfields] = row->len[i];
        b->bad[b->nfields] = row->bad[i];
        b->nfields++;
        b->dlen += row->len[i] + 1;
    }
    b->nrows++;
    return 0;
}

/* Checks every row of a batch into its own memory writers. */
static void batch_run(struct pool *p, struct batch *b, struct scratch *sc)
{
    struct sink snk = {b->out, b->rej, &b->st};
    size_t r, i;
    for (i = 0; i < b->nfields; i++)
        b->f[i] = b->data + b->off[i];
    for (r = 0; r < b->nrows && !b->failed; r++) {
        csvin_row row = {b->line[r], b->nf[r], b->f + b->first[r], b->len + b->first[r],
                         b->bad + b->first[r]};
        if (process_row(p->g, sc, &snk, p->f, &row))
            b->failed = 1;
    }
}

/* A checking thread: takes filled batches until told to stop. */
static void *worker(void *arg)
{
    struct pool *p = ((void **)arg)[0];
    struct scratch *sc = ((void **)arg)[1];
    pthread_mutex_lock(&p->mu);
    for (;;) {
        size_t i;
        struct batch *b = NULL;
        for (i = p->head; i < p->tail && !b; i++)
            if (p->b[i % NBATCH].state == B_FILLED)
                b = &p->b[i % NBATCH];
        if (b) {
            b->state = B_BUSY;
            pthread_mutex_unlock(&p->mu);
            batch_run(p, b, sc);
            pthread_mutex_lock(&p->mu);
            b->state = B_DONE;
            pthread_cond_broadcast(&p->done);
            continue;
        }
        if (p->stop)
            break;
        pthread_cond_wait(&p->work, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Writes the oldest batch when it is done, else checks a filled one on this
 * thread, else waits. Called with the lock held. 0, or an exit code. */
static int pool_step(struct pool *p, struct fstats *st)
{
    struct batch *h = &p->b[p->head % NBATCH];
    size_t i;
    int c;
    if (h->state == B_DONE) {
        int failed = h->failed || h->out->failed || h->rej->failed;
        pthread_mutex_unlock(&p->mu);
        tsvw_raw(p->g->out, h->out->buf, h->out->len);
        tsvw_raw(p->g->rej, h->rej->buf, h->rej->len);
        st->accepted += h->st.accepted;
        st->rejected += h->st.rejected;
        st->invalid += h->st.invalid;
        for (c = 0; c < C_NCODES; c++)
            st->codes[c] += h->st.codes[c];
        tsvw_mem_reset(h->out);
        tsvw_mem_reset(h->rej);
        memset(&h->st, 0, sizeof h->st);
        h->nrows = h->nfields = h->dlen = 0;
        h->failed = 0;
        pthread_mutex_lock(&p->mu);
        h->state = B_FREE;
        p->head++;
        if (failed) {
            log_error("out of memory or libcrypto failure while checking rows");
            return EX_SOFTWARE;
        }
        return 0;
    }
    for (i = p->head; i < p->tail; i++) {
        struct batch *b = &p->b[i % NBATCH];
        if (b->state == B_FILLED) {
            b->state = B_BUSY;
            pthread_mutex_unlock(&p->mu);
            batch_run(p, b, &p->sc[p->g->threads]);
            pthread_mutex_lock(&p->mu);
            b->state = B_DONE;
            return 0;
        }
    }
    pthread_cond_wait(&p->done, &p->mu);
    return 0;
}

/* Reads the rows of a contract file and has them checked on every core. */
static int rows_parallel(struct ingest *g, struct scratch *sc, const struct filectx *f, csvin *in,
                         struct fstats *st, csvin_err *e, int *got)
{
    struct pool p;
    pthread_t th[MAXTHREADS];
    void *args[MAXTHREADS][2];
    csvin_row *row;
    int i, started = 0, rc = 0;

    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.work, NULL);
    pthread_cond_init(&p.done, NULL);
    p.g = g;
    p.f = f;
    p.sc = sc;
    for (i = 0; i < NBATCH && !rc; i++)
        if (!(p.b[i].out = tsvw_mem()) || !(p.b[i].rej = tsvw_mem())) {
            log_error("out of memory");
            rc = EX_SOFTWARE;
        }
    for (i = 0; i < g->threads && !rc; i++) {
        args[i][0] = &p;
        args[i][1] = &sc[i];
        if (pthread_create(&th[i], NULL, worker, args[i]) != 0)
            break;
        started++;
    }
    while (!rc && (*got = csvin_next(in, &row, e)) == 1) {
        struct batch *b = &p.b[p.tail % NBATCH];
        if (progress_due(&g->prog, ++st->read))
            progress_tick(&g->prog, st->read, csvin_fraction(in));
        if (batch_add(b, row)) {
            log_error("%s:%lu: out of memory", f->rel, row->line);
            rc = EX_SOFTWARE;
            break;
        }
        if (b->nrows < BATCH_ROWS)
            continue;
        pthread_mutex_lock(&p.mu);
        b->state = B_FILLED;
        p.tail++;
        pthread_cond_broadcast(&p.work);
        while (!rc && p.b[p.tail % NBATCH].state != B_FREE)
            rc = pool_step(&p, st);
        pthread_mutex_unlock(&p.mu);
    }
    pthread_mutex_lock(&p.mu);
    if (!rc && p.b[p.tail % NBATCH].nrows) {
        p.b[p.tail % NBATCH].state = B_FILLED;
        p.tail++;
        pthread_cond_broadcast(&p.work);
    }
    while (!rc && p.head < p.tail)
        rc = pool_step(&p, st);
    p.stop = 1;
    pthread_cond_broadcast(&p.work);
    pthread_mutex_unlock(&p.mu);
    for (i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < NBATCH; i++) {
        struct batch *b = &p.b[i];
        char err[64];
        free(b->line), free(b->first), free(b->nf), free(b->data);
        free(b->off), free(b->len), free(b->bad), free(b->f);
        if (b->out)
            tsvw_close(b->out, err, sizeof err);
        if (b->rej)
            tsvw_close(b->rej, err, sizeof err);
    }
    pthread_cond_destroy(&p.work);
    pthread_cond_destroy(&p.done);
    pthread_mutex_destroy(&p.mu);
    return rc;
}

/* One thread's scratch space; NULL when out of memory. */
static int scratch_init(struct ingest *g, struct scratch *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->cells = calloc(g->sch->ncols, sizeof *sc->cells);
    sc->rs = calloc(g->sch->ncols + 4, sizeof *sc->rs);
    sc->rawcopy = malloc(CSVIN_MAX_FIELD + 1);
    if (g->kind == K_CONTRATS)
        sc->ps = pseudo_new(g->key, g->klen);
    return sc->cells && sc->rs && sc->rawcopy && (g->kind != K_CONTRATS || sc->ps) ? 0 : -1;
}

static void scratch_free(struct scratch *sc)
{
    free(sc->cells);
    free(sc->rs);
    free(sc->rawcopy);
    pseudo_free(sc->ps);
}

/* Ingests one file. Returns 0, or an exit code with the error logged. */
static int ingest_file(struct ingest *g, const char *rel, struct fstats *st, char *enc_out,
                       char *sep_out, char **ignored)
{
    char path[4096], err[1024];
    csvin *in = NULL;
    csvin_err e;
    csvin_row *row;
    header_map m = {0};
    const schema *s = g->sch;
    struct scratch sc[MAXTHREADS + 1];
    struct filectx f;
    struct sink snk = {g->out, g->rej, st};
    const char *base;
    int rc = 0, got, bad, nsc = 0, i;
    unsigned long dups0 = g->dups;

    snprintf(path, sizeof path, "%s/%s", g->input_dir, rel);
    base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    f.rel = rel;
    f.m = &m;
    f.name_date = DATE_NONE;
    progress_start(&g->prog, "ingest", rel);
    in = csvin_open(path, s->encoding, s->delim, &e);
    if (!in) {
        log_error("%s: %s", rel, e.msg);
        return e.code;
    }
    strcpy(enc_out, csvin_encoding(in) == CSVIN_CP1252 ? "Windows-1252" : "UTF-8");
    strcpy(sep_out, csvin_delim(in) == '\t' ? "tab" : (char[]){csvin_delim(in), 0});
    got = csvin_next(in, &row, &e);
    if (got <= 0) {
        if (got < 0)
            log_error("%s:%lu:%lu: %s", rel, e.line, e.col, e.msg);
        else
            log_error("%s:1:1: no header line (empty file)", rel);
        rc = got < 0 ? e.code : EX_DATAERR;
        goto done;
    }
    if (schema_match(s, row, &m, &bad, err, sizeof err)) {
        unsigned long line = row->line, col = 1;
        if (bad)
            csvin_field_pos(in, (size_t)bad - 1, &line, &col);
        log_error("%s:%lu:%lu: %s", rel, line, col, err);
        rc = EX_DATAERR;
        goto done;
    }
    *ignored = strdup(m.ignored);
    if (g->kind == K_CONTRATS) {
        if (val_date_in_name(base, &f.name_date))
            f.name_date = DATE_NONE;
        if (m.field_of_col[g->c_extraction] < 0 && f.name_date == DATE_NONE) {
            log_error("%s:%lu:1: no date_extraction column and no date (YYYYMMDD) in the file "
                      "name; add one of them",
                      rel, row->line);
            rc = EX_DATAERR;
            goto done;
        }
    }
    if (g->kind == K_EVENEMENTS && m.field_of_col[g->c_region] < 0 && m.field_of_col[g->c_cp] < 0) {
        log_error("%s:%lu:1: neither a code_region nor a code_postal column", rel, row->line);
        rc = EX_DATAERR;
        goto done;
    }
    /* one scratch per checking thread, the reading thread's last */
    for (nsc = 0; nsc <= (g->kind == K_CONTRATS ? g->threads : 0); nsc++)
        if (scratch_init(g, &sc[nsc])) {
            scratch_free(&sc[nsc]);
            log_error("out of memory or libcrypto failure");
            rc = EX_SOFTWARE;
            goto done;
        }
    if (g->kind == K_CONTRATS && g->threads > 0) {
        rc = rows_parallel(g, sc, &f, in, st, &e, &got);
    } else {
        while ((got = csvin_next(in, &row, &e)) == 1) {
            if (progress_due(&g->prog, ++st->read))
                progress_tick(&g->prog, st->read, csvin_fraction(in));
            if (process_row(g, &sc[0], &snk, &f, row)) {
                rc = EX_SOFTWARE;
                break;
            }
        }
    }
    progress_end(&g->prog);
    if (!rc && got < 0) {
        log_error("%s:%lu:%lu: %s", rel, e.line, e.col, e.msg);
        rc = e.code;
    }
    st->dups = g->dups - dups0;
done:
    for (i = 0; i < nsc; i++)
        scratch_free(&sc[i]);
    header_map_free(&m);
    csvin_close(in);
    return rc;
}

static void write_quality(tsvw *q, const char *rel, const char *enc, const char *sep,
                          const struct fstats *st, const char *ignored, int with_dups)
{
    int i;
    tsvw_str(q, rel);
    tsvw_str(q, enc);
    tsvw_str(q, sep);
    tsvw_long(q, (long)st->read);
    tsvw_long(q, (long)st->accepted);
    tsvw_long(q, (long)st->rejected);
    for (i = 0; i < C_NCODES; i++)
        tsvw_long(q, (long)st->codes[i]);
    tsvw_long(q, (long)st->invalid);
    tsvw_str(q, ignored);
    if (with_dups)
        tsvw_long(q, (long)st->dups);
    else
        tsvw_str(q, "");
    tsvw_endrow(q);
}

/* Reads the accepted event ids of an events TSV into g->seen. */
static int load_events(struct ingest *g, const char *path)
{
    char err[1024];
    tsvr *r = tsvr_open(path, err, sizeof err);
    int c, got;
    if (!r) {
        log_error("%s", err);
        return EX_IOERR;
    }
    c = tsvr_need(r, "id_evenement", err, sizeof err);
    if (c < 0) {
        log_error("%s", err);
        tsvr_close(r);
        return EX_SOFTWARE;
    }
    while ((got = tsvr_next(r, err, sizeof err)) == 1)
        if (strmap_put(&g->seen, r->field[c], r->len[c], 1, NULL) < 0) {
            got = -1;
            break;
        }
    tsvr_close(r);
    if (got < 0) {
        log_error("%s", err);
        return EX_IOERR;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"kind", required_argument, NULL, 'k'},
                                         {"schemas", required_argument, NULL, 's'},
                                         {"input", required_argument, NULL, 'i'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"rejects", required_argument, NULL, 'r'},
                                         {"quality", required_argument, NULL, 'q'},
                                         {"key-file", required_argument, NULL, 'K'},
                                         {"events", required_argument, NULL, 'e'},
                                         {"threads", required_argument, NULL, 'T'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *kind = NULL, *schemas = NULL, *out = NULL, *rejects = NULL, *quality = NULL,
               *keyfile = NULL, *events = NULL;
    struct ingest g;
    int threads;
    char err[1024], spath[4096];
    tsvw *q = NULL;
    unsigned char *key = NULL;
    int c, rc = 0, code, i;

    memset(&g, 0, sizeof g);
    log_init_env("ingest");
    {
        /* by default one checking thread per core besides the reading one */
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n < 1 ? 1 : n > MAXTHREADS + 1 ? MAXTHREADS + 1 : (int)n;
    }
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            kind = optarg;
            break;
        case 's':
            schemas = optarg;
            break;
        case 'i':
            g.input_dir = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'r':
            rejects = optarg;
            break;
        case 'q':
            quality = optarg;
            break;
        case 'K':
            keyfile = optarg;
            break;
        case 'e':
            events = optarg;
            break;
        case 'T':
            threads = atoi(optarg);
            if (threads < 1 || threads > MAXTHREADS + 1) {
                fprintf(stderr, "ingest: --threads wants 1 to %d\n", MAXTHREADS + 1);
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
    if (!kind || !schemas || !g.input_dir || !out || !rejects || !quality) {
        usage(stderr);
        return EX_USAGE;
    }
    if (!strcmp(kind, "contrats"))
        g.kind = K_CONTRATS;
    else if (!strcmp(kind, "evenements"))
        g.kind = K_EVENEMENTS;
    else if (!strcmp(kind, "participations"))
        g.kind = K_PARTICIPATIONS;
    else {
        fprintf(stderr, "ingest: unknown kind '%s'\n", kind);
        return EX_USAGE;
    }
    g.kind_name = kind;
    g.threads = threads - 1;
    snprintf(spath, sizeof spath, "%s/input/%s.yaml", schemas, kind);
    g.sch = schema_load(spath, err, sizeof err);
    if (!g.sch) {
        log_error("%s", err);
        return EX_CONFIG;
    }
    g.ref = refdata_load(schemas, g.input_dir, &code, err, sizeof err);
    if (!g.ref) {
        log_error("%s", err);
        rc = code;
        goto done;
    }
#define COL(field, name) g.field = opt_col(g.sch, name)
    COL(c_num, "numero_contrat");
    COL(c_debut, "date_debut_contrat");
    COL(c_fin, "date_fin_contrat");
    COL(c_rupture, "date_rupture");
    COL(c_extraction, "date_extraction");
    COL(c_naissance, "date_naissance");
    COL(c_nom, "nom");
    COL(c_prenom, "prenom");
    COL(c_opco, "opco");
    COL(c_idcc, "idcc");
    COL(c_cfd, "code_diplome");
    COL(c_niveau, "niveau");
    COL(c_id, "id_evenement");
    COL(c_type_ev, "type_evenement");
    COL(c_region, "code_region");
    COL(c_visiteurs, "visiteurs");
    COL(c_presence, "presence");
    COL(c_effectif, "effectif_employeur");
    g.c_cp = opt_col(g.sch, g.kind == K_CONTRATS ? "code_postal_employeur" : "code_postal");
    g.c_siret = opt_col(g.sch, g.kind == K_CONTRATS ? "siret_employeur" : "siret");
#undef COL
    {
        /* the columns this stage's own rules need must be in the schema */
        int need[8], n = 0, j;
        if (g.kind == K_CONTRATS) {
            int v[] = {g.c_num,        g.c_debut,     g.c_fin, g.c_rupture,
                       g.c_extraction, g.c_naissance, g.c_nom, g.c_prenom};
            memcpy(need, v, sizeof v);
            n = 8;
            if (g.c_cp < 0 || g.c_opco < 0 || g.c_idcc < 0 || g.c_cfd < 0 || g.c_niveau < 0 ||
                g.c_siret < 0)
                n = -1;
        } else if (g.kind == K_EVENEMENTS) {
            int v[] = {g.c_id, g.c_type_ev, g.c_region, g.c_visiteurs, g.c_cp};
            memcpy(need, v, sizeof v);
            n = 5;
        } else {
            int v[] = {g.c_id, g.c_presence, g.c_siret};
            memcpy(need, v, sizeof v);
            n = 3;
        }
        for (j = 0; j < n; j++)
            if (need[j] < 0)
                n = -1;
        if (n < 0) {
            log_error("%s: a column this stage needs is missing from the schema", spath);
            rc = EX_CONFIG;
            goto done;
        }
    }
    if (g.kind == K_CONTRATS) {
        size_t klen;
        int loose;
        if (!keyfile) {
            log_error("no pseudonymisation key: give --key-file FILE (at least %d bytes)",
                      PSEUDO_MIN_KEY);
            rc = EX_CONFIG;
            goto done;
        }
        key = pseudo_read_key(keyfile, &klen, &loose, err, sizeof err);
        if (!key) {
            log_error("%s", err);
            rc = EX_CONFIG;
            goto done;
        }
        g.key = key;
        g.klen = klen;
    }
    if (g.kind == K_PARTICIPATIONS && events && (rc = load_events(&g, events)))
        goto done;
    g.out = tsvw_open(out, err, sizeof err);
    g.rej = g.out ? tsvw_open(rejects, err, sizeof err) : NULL;
    q = g.rej ? tsvw_open(quality, err, sizeof err) : NULL;
    if (!q) {
        log_error("%s", err);
        rc = EX_CANTCREAT;
        goto done;
    }
    emit_header(&g);
    tsvw_str(g.rej, "fichier");
    tsvw_str(g.rej, "ligne");
    tsvw_str(g.rej, "code");
    tsvw_str(g.rej, "colonne");
    tsvw_str(g.rej, "valeur");
    tsvw_endrow(g.rej);
    {
        static const char *const head[] = {"fichier",     "encodage",         "separateur",
                                           "lignes_lues", "lignes_acceptees", "lignes_rejetees"};
        for (i = 0; i < 6; i++)
            tsvw_str(q, head[i]);
        for (i = 0; i < C_NCODES; i++)
            tsvw_str(q, code_names[i]);
        tsvw_str(q, "valeurs_invalides");
        tsvw_str(q, "colonnes_ignorees");
        tsvw_str(q, "doublons_participations");
        tsvw_endrow(q);
    }
    for (i = optind; i < argc; i++) {
        struct fstats st;
        char enc[16] = "", sep[8] = "", *ignored = NULL;
        memset(&st, 0, sizeof st);
        rc = ingest_file(&g, argv[i], &st, enc, sep, &ignored);
        if (rc) {
            free(ignored);
            goto done;
        }
        write_quality(q, argv[i], enc, sep, &st, ignored ? ignored : "",
                      g.kind == K_PARTICIPATIONS);
        log_info("%s: read=%lu accepted=%lu rejected=%lu", argv[i], st.read, st.accepted,
                 st.rejected);
        free(ignored);
    }
done:
    if (g.out && tsvw_close(g.out, err, sizeof err) && !rc) {
        log_error("%s", err);
        rc = EX_IOERR;
    }
    if (g.rej && tsvw_close(g.rej, err, sizeof err) && !rc) {
        log_error("%s", err);
        rc = EX_IOERR;
    }
    if (q && tsvw_close(q, err, sizeof err) && !rc) {
        log_error("%s", err);
        rc = EX_IOERR;
    }
    strmap_free(&g.seen);
    strmap_free(&g.present);
    free(key);
    refdata_free(g.ref);
    schema_free(g.sch);
    return rc;
}

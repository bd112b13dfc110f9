/* ingest: the first stage. Reads the input files of one kind (contrats,
 * evenements, participations), validates and normalises every row against
 * the kind's YAML schema (spec/inputs.md), pseudonymises apprentices,
 * resolves the reference tables once (départements, régions, OPCOs, NAF
 * sections, CFAs) and writes accepted rows as typed records
 * (stages/lib/rec.h), rejects and per-file quality counts as TSV
 * (stages/lib/tsv.h). Names and birth dates never leave this stage.
 * A row's cells are checked the same way whatever the kind (check_cells);
 * each kind's own rules, columns and derived columns have a section of
 * their own, reached through the kinds[] table. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "apperr.h"
#include "csvin.h"
#include "facts.h"
#include "fold.h"
#include "log.h"
#include "progress.h"
#include "pseudo.h"
#include "rec.h"
#include "refdata.h"
#include "schema.h"
#include "strmap.h"
#include "tsv.h"
#include "utf8.h"
#include "values.h"

/* The code of a schema's reject_code name (REQUIS when unknown: the
 * schema loader only accepts known names). */
static enum facts_code code_of(const char *name)
{
    int c = facts_code_of(name);
    return c < 0 ? FC_REQUIS : (enum facts_code)c;
}

/* Why a row is rejected: a code of the quality report, the column and the
 * value it is about. */
struct reason {
    enum facts_code code;
    int col; /* schema column, -1 for none */
    const char *val;
    size_t len;
};

struct fstats {
    unsigned long read, accepted, rejected, codes[FC_NCODES], invalid, dups;
    date_t ext_max; /* contracts: latest extraction date of the accepted rows, 0 none */
};

/* One normalised cell. */
struct cell {
    const char *s; /* normalised value, NULL: missing */
    size_t n;
    const char *raw; /* trimmed raw value, for rejects */
    size_t rawn;
    date_t d;      /* dates */
    int64_t iv;    /* integers, booleans, levels */
    uint16_t code; /* enumerations, OPCOs, régions: 1 + index in the record dictionary */
    char buf[48];
};

/* The last raw value of a column whose check is a lookup (enumerations,
 * OPCOs, régions, booleans, levels) and its outcome: such columns repeat a
 * few values, and F() folding costs more than a comparison. */
#define MEMO_LEN 24
struct memo {
    size_t n; /* raw length; 0: empty */
    char raw[MEMO_LEN];
    int ok;
    struct cell out;
};

/* What one thread needs to check rows: scratch space and its own HMAC. */
struct scratch {
    struct memo *memo; /* per schema column */
    struct cell *cells;
    struct reason *rs;
    char *rawcopy;      /* a contract number's raw value (normalised in place) */
    pseudo *ps;         /* contracts only */
    uint16_t ev_region; /* events: the row's région code (from code, postcode or ND) */
    int age;            /* contracts: age_debut, found by the AGE check */
    /* contracts: the pseudonym's message N(nom) "|" N(prenom) "|" and room
     * for the birth date; nomlen is up to and with the first "|", msglen to
     * the second */
    char *msg;
    size_t nomlen, msglen;
    rec_row row; /* the accepted row being built */
};

/* Where the rows of a file, or of a batch of its rows, go. */
struct sink {
    rec_buf *out;
    tsvw *rej;
    struct fstats *st;
};

/* What the rows of one file share. */
struct filectx {
    const char *rel;
    size_t index; /* in the command line's file list */
    const header_map *m;
    date_t name_date; /* the date in the file's name, DATE_NONE */
};

/* One row being checked: its cells (sc->cells), the reasons to reject it
 * found so far and its invalid optional cells. */
struct rowcheck {
    const struct filectx *f;
    csvin_row *row;
    struct cell *cells;
    struct reason *rs;
    size_t nr, invalid;
};

struct ingest;

/* What sets an input kind apart (contrats, evenements, participations):
 * its own columns, rules and derived columns (the kinds[] table). */
struct kind {
    const char *name;
    /* its postcode and SIRET columns' names in the schema */
    const char *postcode_col, *siret_col;
    /* its rows carry no state from one to the next: they are checked on
     * several threads, and a pass over a file can be undone to read it again
     * in another encoding */
    int stateless;
    int pseudonymised; /* its rows name apprentices (--key-file) */
    int uses_ref;      /* it derives régions or OPCOs from the reference tables */
    int reads_events;  /* its rows name events of --events */
    int counts_dups;   /* its quality rows count repeated SIRETs */
    /* 1 when the schema has every column the kind's rules need */
    int (*has_columns)(const struct ingest *g);
    /* adds its derived record columns, after the schema's: 0, or -1 when
     * out of memory */
    int (*add_columns)(struct ingest *g);
    /* checks a file's header (f->m) and name (base) against its rules (NULL:
     * none): 0, or an error (apperr) with the error logged by pass_error */
    int (*check_header)(const struct ingest *g, struct filectx *f, const char *base,
                        unsigned long line);
    /* its rules over a row whose cells are checked: more reasons, or
     * optional cells found invalid */
    void (*check_row)(struct ingest *g, struct scratch *sc, struct rowcheck *r);
    /* the derived columns of an accepted row, into sc->row: 0, or -1 on a
     * libcrypto or memory failure (logged, but for the event and
     * attendance maps) */
    int (*derive)(struct ingest *g, struct scratch *sc, struct sink *snk, struct cell *cells);
};

struct ingest {
    const struct kind *k;
    const char *input_dir;
    schema *sch;
    refdata *ref;
    unsigned char *key; /* the pseudonymisation key, NULL for a kind that needs none */
    size_t klen;
    rec_head head;        /* the records' columns */
    rec_writer *out;      /* accepted rows */
    const char *out_path; /* its path, for messages */
    tsvw *rej;            /* rejects */
    int *rcol;            /* per schema column: its record column, -1 (personal) */
    uint16_t *misscode;   /* per schema column: the code of its missing_means value */
    /* derived record columns (-1 when the kind has none) */
    int r_file, r_line, r_siren, r_dept, r_region, r_id, r_age, r_tranche, r_teff, r_section, r_uai,
        r_compte;
    uint16_t dept_code[1002];   /* département index (refdata) -> code of the record column */
    uint16_t section_code[100]; /* NAF division -> code of section_naf */
    uint16_t region_nd, opco_nd, dept_nd, section_nd;
    strmap seen;          /* events: accepted ids; participations: known event ids */
    strmap present;       /* participations: event \t siret of counted present rows */
    unsigned long dups;   /* participations: present rows repeating a SIRET of their event */
    int threads;          /* checking threads besides the reading one (contracts) */
    int rewindable;       /* the outputs are files: a pass over a file can be undone */
    int quiet;            /* a tentative pass: its errors are not logged (it is redone) */
    double max_expansion; /* csvin_open_bounded's bound on gzip inputs */
    progress prog;
    /* column indexes in the schema (-1 when the kind has no such column) */
    int c_num, c_debut, c_fin, c_rupture, c_extraction, c_naissance, c_nom, c_prenom, c_cp, c_opco,
        c_idcc, c_siret, c_cfd, c_niveau, c_id, c_type_ev, c_region, c_visiteurs, c_presence,
        c_effectif, c_naf, c_uai;
};

/* The exit codes ingest returns (apperr_exit checks every exit against it). */
static const int exit_codes[] = {0, 64, 65, 70, 73, 74, 78};
static const apperr_stage stage = APPERR_STAGE("ingest", exit_codes);

static void usage(FILE *f)
{
    fprintf(f, "usage: ingest --kind contrats|evenements|participations --schemas DIR\n"
               "              --input DIR --out FILE.rec --rejects FILE.tsv --quality FILE.tsv\n"
               "              [--key-file FILE] [--events EVENTS.rec] [--threads N]\n"
               "              [--max-expansion R] FILE...\n"
               "Validates and normalises the FILEs (paths relative to the input folder DIR)\n"
               "against schemas/input/KIND.yaml and writes accepted rows as records (read them\n"
               "with dump), rejects and per-file counts as TSV. A gzip FILE decompressing to\n"
               "more than R times its size (default 100) is a bad file (65); --events records\n"
               "that cannot be read are an internal error (70).\n");
    apperr_help(f, &stage);
}

/* log_error, but for a tentative pass over a file, which is redone when it
 * fails (so that only the final pass speaks). */
static void pass_error(const struct ingest *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void pass_error(const struct ingest *g, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    if (g->quiet)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_error("%s", msg);
}

/* A write of the records failed: logged; APPERR_WRITE (a full disk), or
 * APPERR_NOMEM when memory was short. */
static int records_failed(const struct ingest *g)
{
    int e = rec_write_errno(g->out);
    pass_error(g, "%s: cannot write: %s", g->out_path, strerror(e));
    return e == ENOMEM ? APPERR_NOMEM : APPERR_WRITE;
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

/* The record code (1 + index in the reference table's order) of an OPCO or
 * région code returned by refdata; ND is the code after the last. */
static uint16_t opco_code(const refdata *ref, const char *o)
{
    size_t i;
    for (i = 0; i < ref->nopco && ref->opco_code[i] != o; i++)
        ;
    return (uint16_t)(i + 1);
}

static uint16_t region_code(const refdata *ref, const char *r)
{
    size_t i;
    for (i = 0; i < ref->nreg && ref->reg_code[i] != r; i++)
        ;
    return (uint16_t)(i + 1);
}

static int check_lookup(struct ingest *g, const schema_col *c, const char *v, size_t n,
                        struct cell *out);

/* The longest N() of a name: the longest decoded field (N() only removes
 * characters or maps one to at most two, ß to SS, from two bytes). */
#define MSG_NAME CSVIN_MAX_DECODED

/* 2000-01-01, the first day a contract date may be (spec/inputs.md "Dates"). */
#define DATE_2000 10957

/* Validates one value of column c (the column's memo in m, NULL for none).
 * Returns 0 valid (cell filled), -1 invalid. */
static int check_value(struct ingest *g, const schema_col *c, const char *v, size_t n,
                       struct cell *out, struct memo *m)
{
    long u;
    int k;
    out->s = out->buf;
    out->d = DATE_NONE;
    switch (c->type) {
    case T_ENUM:
    case T_OPCO:
    case T_REGION:
    case T_BOOL:
    case T_NIVEAU:
        if (m && n < MEMO_LEN && m->n == n && !memcmp(m->raw, v, n)) {
            const char *raw = out->raw;
            size_t rawn = out->rawn;
            *out = m->out;
            out->raw = raw, out->rawn = rawn;
            if (out->s == m->out.buf)
                out->s = out->buf;
            return m->ok;
        }
        k = check_lookup(g, c, v, n, out);
        if (m && n < MEMO_LEN) {
            m->n = n;
            memcpy(m->raw, v, n);
            m->ok = k;
            m->out = *out;
            if (out->s == out->buf)
                m->out.s = m->out.buf;
        }
        return k;
    default:
        break;
    }
    switch (c->type) {
    case T_TEXT:
        out->s = v;
        out->n = n;
        return 0;
    case T_CONTRACT_NUMBER: {
        /* upper-cased, white space removed, in place: never longer */
        char *w = (char *)v;
        size_t i, o = 0, sl;
        for (i = 0; i < n && (unsigned char)v[i] > ' ' && (unsigned char)v[i] < 0x80; i++)
            w[i] = (char)(v[i] >= 'a' && v[i] <= 'z' ? v[i] - 32 : v[i]);
        o = i; /* the rest, from the first byte that may start white space */
        for (; i < n;) {
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
    case T_DATE:
        /* the text is only needed for the birth date (the pseudonym's message) */
        if ((c->personal ? val_date_iso(v, n, &out->d, out->buf) : val_date(v, n, &out->d)) ||
            (c->contract_date && out->d < DATE_2000))
            return -1;
        out->n = 10;
        return 0;
    case T_SIRET:
        out->n = 14;
        return val_siret(v, n, out->buf);
    case T_UAI:
        out->n = 8;
        return val_uai(v, n, out->buf);
    case T_POSTCODE:
        out->n = 5;
        return val_postcode(v, n, out->buf);
    case T_NAF:
        out->n = 5;
        return val_naf(v, n, out->buf);
    case T_IDCC:
        out->n = 4;
        return val_idcc(v, n, out->buf);
    case T_CFD:
        out->n = 8;
        return val_cfd(v, n, out->buf);
    case T_RNCP:
        k = val_rncp(v, n, out->buf);
        break;
    case T_UINT:
        u = val_uint(v, n);
        if (u < 0)
            return -1;
        out->iv = u;
        return 0;
    default:
        return -1;
    }
    if (k)
        return -1;
    out->n = strlen(out->buf);
    return 0;
}

/* The checks that look a value up (check_value remembers their outcome). */
static int check_lookup(struct ingest *g, const schema_col *c, const char *v, size_t n,
                        struct cell *out)
{
    int k;
    switch (c->type) {
    case T_ENUM: {
        const char *canon = schema_enum(c, v, n);
        size_t i;
        if (!canon)
            return -1;
        out->s = canon;
        out->n = strlen(canon);
        for (i = 0; i < c->nvalues && c->values[i].canon != canon; i++)
            ;
        out->code = (uint16_t)(i + 1);
        return 0;
    }
    case T_BOOL:
        k = val_bool(v, n);
        if (k < 0)
            return -1;
        out->iv = k;
        return 0;
    case T_NIVEAU:
        k = val_niveau(v, n);
        if (k < 0)
            return -1;
        out->iv = k;
        return 0;
    case T_OPCO: {
        const char *o = ref_opco(g->ref, v, n);
        if (!o)
            return -1;
        out->s = o;
        out->n = strlen(o);
        out->code = opco_code(g->ref, o);
        return 0;
    }
    case T_REGION: {
        const char *r = ref_region(g->ref, v, n);
        if (!r)
            return -1;
        out->s = r;
        out->n = strlen(r);
        out->code = region_code(g->ref, r);
        return 0;
    }
    default:
        return -1;
    }
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

/* The record type of a schema column. */
static enum rec_type rec_type_of(enum col_type t)
{
    switch (t) {
    case T_DATE:
        return REC_DATE;
    case T_UINT:
    case T_BOOL:
    case T_NIVEAU:
        return REC_INT;
    case T_ENUM:
    case T_OPCO:
    case T_REGION:
        return REC_CODE;
    default:
        return REC_TEXT;
    }
}

/* A record column coded by the OPCO or région codes of the reference
 * tables, ND last, with their libellés. Its index, or -1 when out of
 * memory. */
static int add_ref_column(struct ingest *g, const char *name, int opco)
{
    const refdata *r = g->ref;
    size_t n = opco ? r->nopco : r->nreg, i;
    const char **v = calloc(n + 1, sizeof *v), **l = calloc(n + 1, sizeof *l);
    int col = -1;
    if (v && l) {
        for (i = 0; i < n; i++) {
            v[i] = opco ? r->opco_code[i] : r->reg_code[i];
            l[i] = opco ? r->opco_lib[i] : r->reg_lib[i];
        }
        v[n] = "ND";
        l[n] = opco ? "Non déterminé" : "Non déterminée";
        col = rec_head_add(&g->head, name, REC_CODE, v, l, n + 1);
    }
    free(v);
    free(l);
    return col;
}

/* The departement column: the codes of departements.csv in index order,
 * ND last (g->dept_code, g->dept_nd). Its index, or -1 when out of memory. */
static int add_dept_column(struct ingest *g)
{
    const char *v[1003], *l[1003];
    char names[1002][4];
    size_t n = 0;
    int i, col;
    for (i = 1; i < 1002; i++) {
        if (g->ref->dept_region[i] < 0)
            continue;
        if (i == 1000 || i == 1001)
            strcpy(names[i], i == 1000 ? "2A" : "2B");
        else
            snprintf(names[i], sizeof names[i], i < 100 ? "%02d" : "%d", i);
        g->dept_code[i] = (uint16_t)(n + 1);
        v[n] = names[i];
        l[n] = g->ref->dept_lib[i];
        n++;
    }
    v[n] = "ND";
    l[n] = "Non déterminé";
    g->dept_nd = (uint16_t)(n + 1);
    col = rec_head_add(&g->head, "departement", REC_CODE, v, l, n + 1);
    return col;
}

/* The section_naf column: the letters of naf_sections.csv in letter order,
 * ND last (g->section_code, g->section_nd). Its index, or -1 when out of
 * memory. */
static int add_section_column(struct ingest *g)
{
    const char *v[28];
    char letters[27][2];
    size_t n = 0;
    int c, d;
    for (c = 'A'; c <= 'Z'; c++) {
        int used = 0;
        for (d = 0; d < 100; d++)
            if (g->ref->naf_section[d] == c) {
                g->section_code[d] = (uint16_t)(n + 1);
                used = 1;
            }
        if (used) {
            letters[n][0] = (char)c;
            letters[n][1] = '\0';
            v[n] = letters[n];
            n++;
        }
    }
    v[n] = "ND";
    g->section_nd = (uint16_t)(n + 1);
    for (d = 0; d < 100; d++)
        if (!g->section_code[d])
            g->section_code[d] = g->section_nd;
    return rec_head_add(&g->head, "section_naf", REC_CODE, v, NULL, n + 1);
}

/* The records' columns: fichier, ligne, every schema column but the
 * personal ones, then the kind's derived columns. 0, or -1 when out of
 * memory. */
static int build_head(struct ingest *g, char *const *files, size_t nfiles)
{
    rec_head *h = &g->head;
    size_t k, i;
    int bad = 0;

    g->r_siren = g->r_dept = g->r_region = g->r_id = g->r_age = g->r_tranche = g->r_teff =
        g->r_section = g->r_uai = g->r_compte = -1;
    h->kind = strdup(g->k->name);
    g->rcol = calloc(g->sch->ncols, sizeof *g->rcol);
    g->misscode = calloc(g->sch->ncols, sizeof *g->misscode);
    if (!h->kind || !g->rcol || !g->misscode)
        return -1;
    g->r_file = rec_head_add(h, "fichier", REC_CODE, (const char *const *)files, NULL, nfiles);
    g->r_line = rec_head_add(h, "ligne", REC_INT, NULL, NULL, 0);
    bad |= g->r_file < 0 || g->r_line < 0;
    for (k = 0; k < g->sch->ncols && !bad; k++) {
        const schema_col *c = &g->sch->cols[k];
        g->rcol[k] = -1;
        if (c->personal)
            continue;
        if (c->type == T_OPCO || c->type == T_REGION) {
            g->rcol[k] = add_ref_column(g, c->name, c->type == T_OPCO);
        } else if (c->type == T_ENUM) {
            const char **v = calloc(c->nvalues + 1, sizeof *v);
            if (!v)
                return -1;
            for (i = 0; i < c->nvalues; i++) {
                v[i] = c->values[i].canon;
                if (c->missing_means && !strcmp(c->missing_means, v[i]))
                    g->misscode[k] = (uint16_t)(i + 1);
            }
            g->rcol[k] = rec_head_add(h, c->name, REC_CODE, v, NULL, c->nvalues);
            free(v);
        } else {
            g->rcol[k] = rec_head_add(h, c->name, rec_type_of(c->type), NULL, NULL, 0);
        }
        bad |= g->rcol[k] < 0;
    }
    g->region_nd = g->ref ? (uint16_t)(g->ref->nreg + 1) : 0;
    g->opco_nd = g->ref ? (uint16_t)(g->ref->nopco + 1) : 0;
    return bad || g->k->add_columns(g) ? -1 : 0;
}

/* The first 9 digits of a SIRET as a number. */
static int64_t siren_of(const char *siret14)
{
    int64_t v = 0;
    int i;
    for (i = 0; i < 9; i++)
        v = v * 10 + (siret14[i] - '0');
    return v;
}

/* The size band of spec/inputs.md (tranche_effectif), as a code of its
 * column (a missing or invalid effectif_employeur is ND). */
static uint16_t teff_code(const struct cell *c)
{
    return (uint16_t)(val_tranche_effectif_index(c->s ? (long)c->iv : -1) + 1);
}

/* The département of a valid postcode as an index of refdata's
 * dept_region; -1 when departements.csv does not have it. */
static int dept_of_postcode(const struct ingest *g, const char *cp5)
{
    int di = val_postcode_dept_index(cp5);
    return di < 1 || di > 1001 || g->ref->dept_region[di] < 0 ? -1 : di;
}

/* 1 when every column index of cols[0..n) was found in the schema. */
static int all_found(const int *cols, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (cols[i] < 0)
            return 0;
    return 1;
}

static void add_reason(struct rowcheck *r, enum facts_code code, int col, const char *v, size_t n)
{
    r->rs[r->nr++] = (struct reason){code, col, v, n};
}

/* --- contrats ------------------------------------------------------------ */

static int contract_has_columns(const struct ingest *g)
{
    const int need[] = {g->c_num,       g->c_debut, g->c_fin,    g->c_rupture, g->c_extraction,
                        g->c_naissance, g->c_nom,   g->c_prenom, g->c_cp,      g->c_opco,
                        g->c_idcc,      g->c_cfd,   g->c_niveau, g->c_siret,   g->c_effectif,
                        g->c_naf,       g->c_uai};
    /* the pseudonym's message is built in column order: nom before prenom */
    return all_found(need, sizeof need / sizeof *need) && g->c_nom < g->c_prenom;
}

/* siren_employeur, departement and region (of the employer's postcode),
 * apprenti_id, age_debut, tranche_age, tranche_effectif, section_naf and
 * uai_connu. */
static int contract_columns(struct ingest *g)
{
    static const char *const tranches[] = {"15-17", "18-20", "21-25", "26+"};
    rec_head *h = &g->head;
    g->r_siren = rec_head_add(h, "siren_employeur", REC_INT, NULL, NULL, 0);
    g->r_dept = add_dept_column(g);
    g->r_region = add_ref_column(g, "region", 0);
    g->r_id = rec_head_add(h, "apprenti_id", REC_ID128, NULL, NULL, 0);
    g->r_age = rec_head_add(h, "age_debut", REC_INT, NULL, NULL, 0);
    g->r_tranche = rec_head_add(h, "tranche_age", REC_CODE, tranches, NULL, 4);
    g->r_teff = rec_head_add(h, "tranche_effectif", REC_CODE, val_tranche_effectif_names, NULL,
                             VAL_TRANCHES_EFFECTIF);
    g->r_section = add_section_column(g);
    g->r_uai = rec_head_add(h, "uai_connu", REC_INT, NULL, NULL, 0);
    return g->r_siren < 0 || g->r_dept < 0 || g->r_region < 0 || g->r_id < 0 || g->r_age < 0 ||
                   g->r_tranche < 0 || g->r_teff < 0 || g->r_section < 0 || g->r_uai < 0
               ? -1
               : 0;
}

/* A contract file gives its extraction date in a date_extraction column or
 * in its name (DECA exports have no such column). */
static int contract_header(const struct ingest *g, struct filectx *f, const char *base,
                           unsigned long line)
{
    if (val_date_in_name(base, &f->name_date))
        f->name_date = DATE_NONE;
    if (f->m->field_of_col[g->c_extraction] < 0 && f->name_date == DATE_NONE) {
        pass_error(g,
                   "%s:%lu:1: no date_extraction column and no date (YYYYMMDD) in the file "
                   "name; add one of them",
                   f->rel, line);
        return APPERR_DATA;
    }
    return 0;
}

/* date_extraction missing or invalid (check_cells leaves it to this rule):
 * the date in the file's name stands for it (an invalid value then counts
 * as an invalid optional cell); without one the row is rejected, REQUIS or
 * DATE, the reason put in column order among those found so far. */
static void extraction_date(const struct ingest *g, struct rowcheck *r)
{
    struct cell *x = &r->cells[g->c_extraction];
    int fx = r->f->m->field_of_col[g->c_extraction];
    int given_bad = fx >= 0 && x->n == 1; /* check_cells's mark */
    size_t n, at;
    char *v;

    if (fx >= 0 && r->row->bad[fx])
        return; /* ENCODAGE already given for this cell */
    if (r->f->name_date != DATE_NONE) {
        x->d = r->f->name_date;
        x->s = "";
        x->n = 10;
        r->invalid += given_bad;
        return;
    }
    /* no date in the name: contract_header made sure the column is there */
    n = r->row->len[fx];
    v = csvin_trim(r->row->f[fx], &n);
    for (at = r->nr; at > 0 && r->rs[at - 1].col > g->c_extraction; at--)
        ;
    memmove(r->rs + at + 1, r->rs + at, (r->nr - at) * sizeof *r->rs);
    r->rs[at] = (struct reason){given_bad ? FC_DATE : FC_REQUIS, g->c_extraction, v, n};
    r->nr++;
}

/* The contract's dates: date_fin_contrat after date_debut_contrat,
 * date_rupture not after date_fin_contrat (DATES); age_debut from 14 to 80
 * (AGE; kept in sc->age for the derived columns). */
static void check_contract(struct ingest *g, struct scratch *sc, struct rowcheck *r)
{
    struct cell *debut = &r->cells[g->c_debut], *fin = &r->cells[g->c_fin],
                *rupture = &r->cells[g->c_rupture], *naissance = &r->cells[g->c_naissance];
    if (!r->cells[g->c_extraction].s)
        extraction_date(g, r);
    if (debut->s && fin->s && fin->d <= debut->d)
        add_reason(r, FC_DATES, g->c_fin, fin->raw, fin->rawn);
    if (rupture->s && fin->s && rupture->d > fin->d)
        add_reason(r, FC_DATES, g->c_rupture, rupture->raw, rupture->rawn);
    if (naissance->s && debut->s) {
        sc->age = val_age(naissance->d, debut->d);
        if (sc->age < 14 || sc->age > 80)
            add_reason(r, FC_AGE, g->c_naissance, "", 0);
    }
}

/* The OPCO and niveau a row does not give, from other columns
 * (spec/inputs.md): the OPCO of its IDCC (idcc_opco.csv), else ND; the
 * niveau of code_diplome's first character. */
static void contract_opco_niveau(const struct ingest *g, struct cell *cells)
{
    struct cell *op = &cells[g->c_opco], *nv = &cells[g->c_niveau];
    if (!op->s) {
        const char *o = NULL;
        if (cells[g->c_idcc].s) {
            const char *b = cells[g->c_idcc].buf; /* 4 digits */
            int i = (b[0] - '0') * 1000 + (b[1] - '0') * 100 + (b[2] - '0') * 10 + (b[3] - '0');
            o = g->ref->idcc_opco[i] >= 0 ? g->ref->opco_code[g->ref->idcc_opco[i]] : NULL;
        }
        op->s = o ? o : "ND";
        op->code = o ? opco_code(g->ref, o) : g->opco_nd;
    }
    if (!nv->s && cells[g->c_cfd].s) {
        int l = val_niveau_from_cfd(cells[g->c_cfd].buf);
        if (l > 0) {
            nv->s = nv->buf;
            nv->iv = l;
        }
    }
}

/* An accepted contract: its extraction date counted for the file, the
 * missing OPCO and niveau, then contract_columns' columns; the
 * pseudonym is HMAC-SHA256(key, N(nom) "|" N(prenom) "|" YYYY-MM-DD). */
static int derive_contract(struct ingest *g, struct scratch *sc, struct sink *snk,
                           struct cell *cells)
{
    rec_row *rr = &sc->row;
    unsigned char id[16];
    int age = sc->age, di = dept_of_postcode(g, cells[g->c_cp].buf);

    if (cells[g->c_extraction].d > snk->st->ext_max)
        snk->st->ext_max = cells[g->c_extraction].d;
    contract_opco_niveau(g, cells);
    rec_set_code(rr, g->r_dept, di > 0 ? g->dept_code[di] : g->dept_nd);
    rec_set_code(rr, g->r_region, di > 0 ? (uint16_t)(g->ref->dept_region[di] + 1) : g->region_nd);
    rec_set_int(rr, g->r_age, age);
    rec_set_code(rr, g->r_tranche, (uint16_t)(age <= 17 ? 1 : age <= 20 ? 2 : age <= 25 ? 3 : 4));
    rec_set_code(rr, g->r_teff, teff_code(&cells[g->c_effectif]));
    if (cells[g->c_naf].s) {
        const char *nf = cells[g->c_naf].buf;
        rec_set_code(rr, g->r_section, g->section_code[(nf[0] - '0') * 10 + (nf[1] - '0')]);
    } else {
        rec_set_code(rr, g->r_section, g->section_nd);
    }
    if (g->ref->have_cfa)
        rec_set_int(rr, g->r_uai, ref_cfa_known(g->ref, cells[g->c_uai].buf));
    else
        rec_set_int(rr, g->r_uai, REC_INT_NONE);
    rec_set_int(rr, g->r_siren, siren_of(cells[g->c_siret].buf));
    /* the names were folded into sc->msg by check_cells */
    memcpy(sc->msg + sc->msglen, cells[g->c_naissance].buf, 10);
    if (pseudo_id_raw(sc->ps, sc->msg, sc->msglen + 10, id)) {
        log_error("libcrypto: HMAC-SHA256 failed");
        return -1;
    }
    rec_set_id(rr, g->r_id, id);
    return 0;
}

/* --- evenements ---------------------------------------------------------- */

static int event_has_columns(const struct ingest *g)
{
    const int need[] = {g->c_id, g->c_type_ev, g->c_region, g->c_visiteurs, g->c_cp};
    return all_found(need, sizeof need / sizeof *need);
}

/* region: the event's région, from code_region or code_postal. */
static int event_columns(struct ingest *g)
{
    g->r_region = add_ref_column(g, "region", 0);
    return g->r_region < 0 ? -1 : 0;
}

/* An event file has a code_region or a code_postal column. */
static int event_header(const struct ingest *g, struct filectx *f, const char *base,
                        unsigned long line)
{
    (void)base;
    if (f->m->field_of_col[g->c_region] < 0 && f->m->field_of_col[g->c_cp] < 0) {
        pass_error(g, "%s:%lu:1: neither a code_region nor a code_postal column", f->rel, line);
        return APPERR_DATA;
    }
    return 0;
}

/* The event's région into sc->ev_region: a valid code_region wins (an
 * invalid postcode beside it is an invalid optional value); else the région
 * of a valid code_postal's département (ND when departements.csv does not
 * have it). Neither given: REQUIS; only invalid ones given: ENUM and/or
 * CODE_POSTAL. */
static void event_region(struct ingest *g, struct scratch *sc, struct rowcheck *r)
{
    const csvin_row *row = r->row;
    int fr = r->f->m->field_of_col[g->c_region], fc = r->f->m->field_of_col[g->c_cp];
    struct cell *reg = &r->cells[g->c_region], *cp = &r->cells[g->c_cp];
    size_t nreg = fr >= 0 ? row->len[fr] : 0, ncp = fc >= 0 ? row->len[fc] : 0;
    const char *vreg = fr >= 0 ? csvin_trim(row->f[fr], &nreg) : "";
    const char *vcp = fc >= 0 ? csvin_trim(row->f[fc], &ncp) : "";
    int reg_given = nreg && !is_missing_literal(vreg, nreg) && !row->bad[fr];
    int cp_given = ncp && !is_missing_literal(vcp, ncp) && !row->bad[fc];

    if (reg->s) {
        sc->ev_region = reg->code;
    } else if (cp->s) {
        int di = dept_of_postcode(g, cp->buf);
        sc->ev_region = di > 0 ? (uint16_t)(g->ref->dept_region[di] + 1) : g->region_nd;
    } else if (!reg_given && !cp_given) {
        if (!(fr >= 0 && row->bad[fr]) && !(fc >= 0 && row->bad[fc]))
            add_reason(r, FC_REQUIS, fr >= 0 ? g->c_region : g->c_cp, "", 0);
    } else {
        if (reg_given)
            add_reason(r, FC_ENUM, g->c_region, vreg, nreg);
        if (cp_given)
            add_reason(r, FC_CODE_POSTAL, g->c_cp, vcp, ncp);
    }
}

/* The event's région; visiteurs only for a salon (else an invalid optional
 * value); an id already accepted is a DOUBLON (when nothing else is
 * wrong). */
static void check_event(struct ingest *g, struct scratch *sc, struct rowcheck *r)
{
    struct cell *cells = r->cells;
    event_region(g, sc, r);
    if (cells[g->c_visiteurs].s && cells[g->c_type_ev].s &&
        strcmp(cells[g->c_type_ev].s, "salon")) {
        cells[g->c_visiteurs].s = NULL;
        r->invalid++;
    }
    if (r->nr == 0 && strmap_get(&g->seen, cells[g->c_id].s, cells[g->c_id].n))
        add_reason(r, FC_DOUBLON, g->c_id, cells[g->c_id].raw, cells[g->c_id].rawn);
}

/* An accepted event: its région, and its id remembered (DOUBLON). 0, or -1
 * when out of memory (not logged). */
static int derive_event(struct ingest *g, struct scratch *sc, struct sink *snk, struct cell *cells)
{
    (void)snk;
    rec_set_code(&sc->row, g->r_region, sc->ev_region);
    return strmap_put(&g->seen, cells[g->c_id].s, cells[g->c_id].n, 1, NULL) < 0 ? -1 : 0;
}

/* --- participations ------------------------------------------------------ */

static int participation_has_columns(const struct ingest *g)
{
    const int need[] = {g->c_id, g->c_presence, g->c_siret};
    return all_found(need, sizeof need / sizeof *need);
}

/* siren, and compte: 1 for a present row counted (the first of its SIRET
 * for its event), else 0. */
static int participation_columns(struct ingest *g)
{
    g->r_siren = rec_head_add(&g->head, "siren", REC_INT, NULL, NULL, 0);
    g->r_compte = rec_head_add(&g->head, "compte", REC_INT, NULL, NULL, 0);
    return g->r_siren < 0 || g->r_compte < 0 ? -1 : 0;
}

/* An attendance row of an event not accepted is EVENEMENT_INCONNU (when
 * nothing else is wrong). */
static void check_participation(struct ingest *g, struct scratch *sc, struct rowcheck *r)
{
    const struct cell *id = &r->cells[g->c_id];
    (void)sc;
    if (r->nr == 0 && !strmap_get(&g->seen, id->s, id->n))
        add_reason(r, FC_EVENEMENT_INCONNU, g->c_id, id->raw, id->rawn);
}

/* A present row: counted once per event and SIRET, a repeat counted in
 * g->dups. 1 counted, 0 a repeat, -1 when out of memory. */
static int count_presence(struct ingest *g, const struct cell *cells)
{
    /* the whole id (up to CSVIN_MAX_DECODED bytes): a cut key would merge
     * two events whose ids share a long beginning */
    const struct cell *id = &cells[g->c_id];
    const char *siret = cells[g->c_siret].buf;
    char small[512], *key = small;
    size_t n = id->n + 1 + strlen(siret);
    int r;
    if (n >= sizeof small && !(key = malloc(n + 1)))
        return -1;
    memcpy(key, id->s, id->n);
    key[id->n] = '\t';
    strcpy(key + id->n + 1, siret);
    r = strmap_put(&g->present, key, n, 1, NULL);
    if (key != small)
        free(key);
    if (r < 0)
        return -1;
    g->dups += r != 1;
    return r == 1;
}

/* An accepted attendance row: siren and compte. 0, or -1 when out of
 * memory (not logged). */
static int derive_participation(struct ingest *g, struct scratch *sc, struct sink *snk,
                                struct cell *cells)
{
    int counted = 0;
    (void)snk;
    if (cells[g->c_presence].s && !strcmp(cells[g->c_presence].s, "present") &&
        (counted = count_presence(g, cells)) < 0)
        return -1;
    rec_set_int(&sc->row, g->r_siren, siren_of(cells[g->c_siret].buf));
    rec_set_int(&sc->row, g->r_compte, counted);
    return 0;
}

/* --- the kinds ----------------------------------------------------------- */

static const struct kind kinds[] = {
    {.name = "contrats",
     .postcode_col = "code_postal_employeur",
     .siret_col = "siret_employeur",
     .stateless = 1,
     .pseudonymised = 1,
     .uses_ref = 1,
     .has_columns = contract_has_columns,
     .add_columns = contract_columns,
     .check_header = contract_header,
     .check_row = check_contract,
     .derive = derive_contract},
    {.name = "evenements",
     .postcode_col = "code_postal",
     .siret_col = "siret",
     .uses_ref = 1,
     .has_columns = event_has_columns,
     .add_columns = event_columns,
     .check_header = event_header,
     .check_row = check_event,
     .derive = derive_event},
    {.name = "participations",
     .postcode_col = "code_postal",
     .siret_col = "siret",
     .reads_events = 1,
     .counts_dups = 1,
     .has_columns = participation_has_columns,
     .add_columns = participation_columns,
     .check_row = check_participation,
     .derive = derive_participation},
};

/* The kind of that name, NULL when there is none. */
static const struct kind *kind_of(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kinds[i].name, name))
            return &kinds[i];
    return NULL;
}

/* --- one row, whatever its kind ------------------------------------------ */

/* A row with another number of fields than the header: COLONNES. */
static void reject_ragged(struct sink *snk, const struct filectx *f, const csvin_row *row)
{
    char v[64];
    int n = snprintf(v, sizeof v, "%zu/%zu", row->n, f->m->nfields);
    snk->st->rejected++;
    snk->st->codes[FC_COLONNES]++;
    write_reject(snk, f->rel, row->line, "COLONNES", "", v, (size_t)n);
}

/* The missing_means value of schema column k (presence: present). */
static void take_missing_means(const struct ingest *g, size_t k, struct cell *cell)
{
    const char *mm = g->sch->cols[k].missing_means;
    cell->s = mm;
    cell->n = strlen(mm);
    cell->code = g->misscode[k];
}

/* N() of a name (schema column k) into the pseudonym's message N(nom) "|"
 * N(prenom) "|" (spec/inputs.md), built once per row in column order (nom
 * before prenom: contract_has_columns). Returns the length of N(): a name
 * whose N() is empty is REQUIS. */
static size_t fold_name(const struct ingest *g, struct scratch *sc, size_t k, const char *v,
                        size_t n)
{
    size_t at = (int)k == g->c_prenom ? sc->nomlen : 0, len;
    len = fold_N(v, n, sc->msg + at, MSG_NAME + 1);
    if ((int)k == g->c_nom)
        sc->nomlen = len + 1, sc->msg[len] = '|';
    else if ((int)k == g->c_prenom)
        sc->msglen = at + len + 1, sc->msg[at + len] = '|';
    return len;
}

/* Checks every cell of a row against its schema column into r->cells: an
 * absent column or a missing value takes the column's missing_means, or is
 * REQUIS for a required column; a field that is not text in the file's
 * encoding is ENCODAGE (once per row); an invalid value is the column's
 * reject code when it is required, else an invalid optional cell (set to
 * missing). date_extraction, missing or invalid, is left to the contracts'
 * rule (extraction_date), which reads check_value's failure as n = 1. */
static void check_cells(struct ingest *g, struct scratch *sc, struct rowcheck *r)
{
    /* in locals: the calls below could change them, for the compiler */
    const schema_col *cols = g->sch->cols;
    const int *field_of_col = r->f->m->field_of_col;
    csvin_row *row = r->row;
    struct cell *cells = r->cells;
    struct reason *rs = r->rs;
    size_t k, ncols = g->sch->ncols, nr = 0, invalid = 0;
    int enc_given = 0;

    for (k = 0; k < ncols; k++) {
        const schema_col *c = &cols[k];
        int fi = field_of_col[k];
        size_t n;
        char *v;
        cells[k].s = NULL;
        cells[k].n = 0;
        cells[k].d = DATE_NONE;
        cells[k].raw = "";
        cells[k].rawn = 0;
        if (fi < 0) {
            if (c->missing_means)
                take_missing_means(g, k, &cells[k]);
            continue;
        }
        n = row->len[fi];
        v = csvin_trim(row->f[fi], &n);
        cells[k].raw = v;
        cells[k].rawn = n;
        if (row->bad[fi]) {
            if (!enc_given) {
                enc_given = 1;
                rs[nr++] = (struct reason){FC_ENCODAGE, (int)k, v, n};
            }
            continue;
        }
        if (n == 0 || (!c->free_text && is_missing_literal(v, n))) {
            if (c->missing_means)
                take_missing_means(g, k, &cells[k]);
            else if (c->required && (int)k != g->c_extraction)
                rs[nr++] = (struct reason){FC_REQUIS, (int)k, v, n};
            continue;
        }
        if (c->type == T_CONTRACT_NUMBER) {
            /* normalised in place: keep the raw value for the rejects */
            memcpy(sc->rawcopy, v, n); /* n <= CSVIN_MAX_DECODED */
            sc->rawcopy[n] = '\0';
            cells[k].raw = sc->rawcopy;
        }
        if (check_value(g, c, v, n, &cells[k], &sc->memo[k])) {
            cells[k].s = NULL;
            if ((int)k == g->c_extraction)
                cells[k].n = 1; /* marks "given but invalid" */
            else if (c->required)
                rs[nr++] = (struct reason){code_of(c->reject_code), (int)k, v, n};
            else
                invalid++;
            continue;
        }
        if (c->personal && c->type == T_TEXT && fold_name(g, sc, k, v, n) == 0)
            rs[nr++] = (struct reason){FC_REQUIS, (int)k, v, n};
    }
    r->nr = nr;
    r->invalid = invalid;
}

/* Writes a rejected row's reasons to the rejects (personal values masked)
 * and counts each of its codes once. */
static void reject_row(const struct ingest *g, struct sink *snk, const struct rowcheck *r)
{
    int seen[FC_NCODES] = {0};
    size_t i;
    snk->st->rejected++;
    for (i = 0; i < r->nr; i++) {
        const struct reason *x = &r->rs[i];
        const schema_col *c = x->col >= 0 ? &g->sch->cols[x->col] : NULL;
        int personal = c && c->personal;
        if (!seen[x->code]++)
            snk->st->codes[x->code]++;
        write_reject(snk, r->f->rel, r->row->line, facts_code_names[x->code], c ? c->name : "",
                     personal ? "***" : x->val, personal ? 3 : x->len);
    }
}

/* Writes an accepted row: fichier, ligne, the kind's derived columns, then
 * the schema's (but the personal ones). 0, or -1 when libcrypto fails or
 * memory is short (logged, but for the event and attendance maps). */
static int emit_row(struct ingest *g, struct scratch *sc, struct sink *snk,
                    const struct rowcheck *r)
{
    rec_row *rr = &sc->row;
    /* in locals: the rec_set_ calls could change them, for the compiler */
    const rec_col *rcols = g->head.cols;
    const int *rcol = g->rcol;
    const struct cell *cells = r->cells;
    size_t k, ncols = g->sch->ncols;

    rec_set_code(rr, g->r_file, (uint16_t)(r->f->index + 1));
    rec_set_int(rr, g->r_line, (int64_t)r->row->line);
    if (g->k->derive(g, sc, snk, r->cells))
        return -1;
    for (k = 0; k < ncols; k++) {
        const struct cell *c = &cells[k];
        int rc = rcol[k];
        if (rc < 0)
            continue;
        switch (rcols[rc].type) {
        case REC_DATE:
            rec_set_date(rr, rc, c->s ? c->d : DATE_NONE);
            break;
        case REC_INT:
            rec_set_int(rr, rc, c->s ? c->iv : REC_INT_NONE);
            break;
        case REC_CODE:
            rec_set_code(rr, rc, c->s ? c->code : 0);
            break;
        default:
            rec_set_text(rr, rc, c->s ? c->s : "", c->s ? c->n : 0);
            break;
        }
    }
    if (rec_buf_row(snk->out, rr)) {
        log_error("out of memory");
        return -1;
    }
    return 0;
}

/* Checks one row of a file and writes it to the sink: accepted (with its
 * derived columns) or rejected with every reason: the cells, then the
 * kind's rules. 0, or -1 as emit_row. */
static int process_row(struct ingest *g, struct scratch *sc, struct sink *snk,
                       const struct filectx *f, csvin_row *row)
{
    struct rowcheck r = {f, row, sc->cells, sc->rs, 0, 0};
    if (row->n != f->m->nfields) {
        reject_ragged(snk, f, row);
        return 0;
    }
    check_cells(g, sc, &r);
    g->k->check_row(g, sc, &r);
    if (r.nr) {
        reject_row(g, snk, &r);
        return 0;
    }
    snk->st->accepted++;
    snk->st->invalid += r.invalid;
    return emit_row(g, sc, snk, &r);
}

/* --- reading and checking the rows of a contract file on several threads - */

/* Contract rows carry no state from one row to the next: the reading
 * thread cuts the file into blocks of whole records (csvin_next_block) and
 * every thread, the reading one included when it would wait, parses and
 * checks blocks; the blocks' records and rejects are written in read
 * order, so the output is the same as with one thread. */
#define BLOCK_BYTES (512u << 10)
#define RETRY_CP1252                                                                               \
    (-2) /* a tentative UTF-8 pass met a field that is not: redo as Windows-1252                   \
          */
#define NBATCH 8
#define MAXTHREADS 16

enum { B_FREE, B_FILLED, B_BUSY, B_DONE };

struct batch {
    int state;
    int failed;  /* out of memory or libcrypto */
    int bad_cut; /* the block's parser ended inside a record: an internal error */
    csvin_block blk;
    rec_buf out;
    tsvw *rej;
    struct fstats st;
    int got_err; /* a file-level error in the block, in err */
    csvin_err err;
    int not_utf8; /* a field of a tentatively UTF-8 file was not */
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    struct batch b[NBATCH];
    size_t head, tail; /* next batch to write; the batch being filled */
    int stop;
    struct ingest *g;
    const struct filectx *f;
    const csvin *in;    /* the file, whose blocks are parsed */
    struct scratch *sc; /* one per thread, the reading thread's last */
};

/* Parses and checks every row of a batch's block into its own writers. */
static void batch_run(struct pool *p, struct batch *b, struct scratch *sc)
{
    struct sink snk = {&b->out, b->rej, &b->st};
    csvin_row *row;
    csvin *r = csvin_block_open(p->in, &b->blk, &b->err);
    int got;
    if (!r) {
        b->got_err = 1;
        return;
    }
    while ((got = csvin_next(r, &row, &b->err)) == 1) {
        b->st.read++;
        if (process_row(p->g, sc, &snk, p->f, row)) {
            b->failed = 1;
            break;
        }
    }
    if (got < 0)
        b->got_err = 1;
    else if (!b->failed && !b->blk.last && !csvin_block_ended_cleanly(r))
        b->bad_cut = 1;
    b->not_utf8 = csvin_not_utf8(r);
    csvin_close(r);
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
 * thread, else waits. Called with the lock held. 0; an error (apperr); or -1
 * when the batch holds a file-level error (copied into *e). */
static int pool_step(struct pool *p, struct fstats *st, csvin_err *e)
{
    struct batch *h = &p->b[p->head % NBATCH];
    size_t i;
    int c, rc = 0;
    if (h->state == B_DONE) {
        int failed = h->failed || h->rej->failed, wrote = 0;
        pthread_mutex_unlock(&p->mu);
        if (rec_write_buf(p->g->out, &h->out))
            wrote = -1;
        tsvw_raw(p->g->rej, h->rej->buf, h->rej->len);
        st->read += h->st.read;
        st->accepted += h->st.accepted;
        st->rejected += h->st.rejected;
        st->invalid += h->st.invalid;
        if (h->st.ext_max > st->ext_max)
            st->ext_max = h->st.ext_max;
        for (c = 0; c < FC_NCODES; c++)
            st->codes[c] += h->st.codes[c];
        if (progress_due_over(&p->g->prog, st->read - h->st.read, st->read))
            progress_tick(&p->g->prog, st->read, csvin_fraction(p->in));
        if (h->not_utf8) {
            rc = RETRY_CP1252;
        } else if (wrote) {
            rc = records_failed(p->g);
        } else if (failed) {
            pass_error(p->g, "out of memory, libcrypto failure or write error while checking rows");
            rc = APPERR_INTERNAL;
        } else if (h->got_err) {
            *e = h->err;
            rc = -1;
        } else if (h->bad_cut) {
            pass_error(p->g, "internal error: a block of %s was cut inside a record", p->f->rel);
            rc = APPERR_INTERNAL;
        }
        tsvw_mem_reset(h->rej);
        memset(&h->st, 0, sizeof h->st);
        h->failed = h->bad_cut = h->got_err = h->not_utf8 = 0;
        pthread_mutex_lock(&p->mu);
        h->state = B_FREE;
        p->head++;
        return rc;
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

/* Reads the rows of a contract file (after its header) and has them parsed
 * and checked on every core. 0, an error (apperr), RETRY_CP1252, or -1 with *e
 * filled (a file-level error, at its place in read order). */
static int rows_parallel(struct ingest *g, struct scratch *sc, const struct filectx *f, csvin *in,
                         struct fstats *st, csvin_err *e)
{
    struct pool p;
    pthread_t th[MAXTHREADS];
    void *args[MAXTHREADS][2];
    int i, started = 0, rc = 0, got = 1;

    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.work, NULL);
    pthread_cond_init(&p.done, NULL);
    p.g = g;
    p.f = f;
    p.in = in;
    p.sc = sc;
    for (i = 0; i < NBATCH && !rc; i++)
        if (!(p.b[i].rej = tsvw_mem())) {
            log_error("out of memory");
            rc = APPERR_NOMEM;
        }
    for (i = 0; i < g->threads && !rc; i++) {
        args[i][0] = &p;
        args[i][1] = &sc[i];
        if (pthread_create(&th[i], NULL, worker, args[i]) != 0)
            break;
        started++;
    }
    while (!rc && got == 1) {
        struct batch *b = &p.b[p.tail % NBATCH];
        got = csvin_next_block(in, &b->blk, BLOCK_BYTES, e);
        pthread_mutex_lock(&p.mu);
        if (got == 1) {
            b->state = B_FILLED;
            p.tail++;
            pthread_cond_broadcast(&p.work);
        }
        while (!rc && p.b[p.tail % NBATCH].state != B_FREE)
            rc = pool_step(&p, st, e);
        pthread_mutex_unlock(&p.mu);
    }
    pthread_mutex_lock(&p.mu);
    while (!rc && p.head < p.tail)
        rc = pool_step(&p, st, e);
    p.stop = 1;
    pthread_cond_broadcast(&p.work);
    pthread_mutex_unlock(&p.mu);
    for (i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < NBATCH; i++) {
        struct batch *b = &p.b[i];
        char err[64];
        free(b->blk.data);
        rec_buf_free(&b->out);
        if (b->rej)
            tsvw_close(b->rej, err, sizeof err);
    }
    pthread_cond_destroy(&p.work);
    pthread_cond_destroy(&p.done);
    pthread_mutex_destroy(&p.mu);
    if (!rc && got < 0)
        rc = -1; /* the splitter's own error (read error, line too long) */
    return rc;
}

/* One thread's scratch space. 0, or -1 when out of memory or libcrypto
 * fails (scratch_free frees what was made). */
static int scratch_init(struct ingest *g, struct scratch *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->cells = calloc(g->sch->ncols, sizeof *sc->cells);
    sc->memo = calloc(g->sch->ncols, sizeof *sc->memo);
    sc->rs = calloc(g->sch->ncols + 4, sizeof *sc->rs);
    sc->rawcopy = malloc(CSVIN_MAX_DECODED + 1);
    sc->msg = malloc(2 * (MSG_NAME + 1) + 16);
    if (g->key)
        sc->ps = pseudo_new(g->key, g->klen);
    if (!sc->cells || !sc->memo || !sc->rs || !sc->rawcopy || !sc->msg || (g->key && !sc->ps))
        return -1;
    return rec_row_init(&sc->row, &g->head) ? -1 : 0;
}

static void scratch_free(struct scratch *sc)
{
    free(sc->cells);
    free(sc->memo);
    free(sc->rs);
    free(sc->rawcopy);
    free(sc->msg);
    pseudo_free(sc->ps);
    rec_row_free(&sc->row);
}

/* Reads the rows of a file (after its header) and checks them on this
 * thread, the records written by the MiB. 0; an error (apperr); RETRY_CP1252;
 * or -1 with *e filled (a file-level error, after the rows before it). */
static int rows_sequential(struct ingest *g, struct scratch *sc, const struct filectx *f, csvin *in,
                           struct fstats *st, csvin_err *e)
{
    rec_buf outbuf = {0};
    struct sink snk = {&outbuf, g->rej, st};
    csvin_row *row;
    int rc = 0, got;

    while ((got = csvin_next(in, &row, e)) == 1) {
        if (csvin_not_utf8(in)) {
            rc = RETRY_CP1252;
            break;
        }
        if (progress_due(&g->prog, ++st->read))
            progress_tick(&g->prog, st->read, csvin_fraction(in));
        if (process_row(g, sc, &snk, f, row)) {
            pass_error(g, "out of memory or libcrypto failure while checking rows");
            rc = APPERR_INTERNAL;
            break;
        }
        if (outbuf.len > (1u << 20) && rec_write_buf(g->out, &outbuf)) {
            rc = records_failed(g);
            break;
        }
    }
    if (!rc && csvin_not_utf8(in))
        rc = RETRY_CP1252;
    if (!rc && rec_write_buf(g->out, &outbuf))
        rc = records_failed(g);
    rec_buf_free(&outbuf);
    return !rc && got < 0 ? -1 : rc;
}

/* One pass over a file with the given encoding rule. Returns 0; an error
 * (apperr) with the error logged (not logged in a quiet pass); or RETRY_CP1252
 * when a CSVIN_AUTO_LAZY pass met a field that is not UTF-8. */
static int ingest_pass(struct ingest *g, const char *rel, size_t index, struct fstats *st,
                       char *enc_out, char *sep_out, char **ignored, enum csvin_encoding enc)
{
    char path[4096], err[1024];
    csvin *in = NULL;
    csvin_err e;
    csvin_row *row;
    header_map m = {0};
    const schema *s = g->sch;
    struct scratch sc[MAXTHREADS + 1];
    struct filectx f;
    const char *base;
    int rc = 0, got, bad, nsc = 0, i;
    unsigned long dups0 = g->dups;

    snprintf(path, sizeof path, "%s/%s", g->input_dir, rel);
    base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    f.rel = rel;
    f.index = index;
    f.m = &m;
    f.name_date = DATE_NONE;
    if (!utf8_valid(rel, strlen(rel))) {
        /* the name goes into the reports, the manifest and the logs, all UTF-8 */
        log_error("%s: the file name is not UTF-8 text: rename the file", rel);
        return APPERR_DATA;
    }
    progress_start(&g->prog, "ingest", rel);
    in = csvin_open_bounded(path, enc, s->delim, g->max_expansion, &e);
    if (!in) {
        pass_error(g, "%s: %s", rel, e.msg);
        return e.err;
    }
    strcpy(enc_out, csvin_encoding(in) == CSVIN_CP1252 ? "Windows-1252" : "UTF-8");
    strcpy(sep_out, csvin_delim(in) == '\t' ? "tab" : (char[]){csvin_delim(in), 0});
    got = csvin_next(in, &row, &e);
    if (got == 1 && csvin_not_utf8(in)) {
        rc = RETRY_CP1252;
        goto done;
    }
    if (got <= 0) {
        if (got < 0)
            pass_error(g, "%s:%lu:%lu: %s", rel, e.line, e.col, e.msg);
        else
            pass_error(g, "%s:1:1: no header line (empty file)", rel);
        rc = got < 0 ? e.err : APPERR_DATA;
        goto done;
    }
    if (schema_match(s, row, &m, &bad, err, sizeof err)) {
        unsigned long line = row->line, col = 1;
        if (bad)
            csvin_field_pos(in, (size_t)bad - 1, &line, &col);
        pass_error(g, "%s:%lu:%lu: %s", rel, line, col, err);
        rc = APPERR_DATA;
        goto done;
    }
    free(*ignored);
    *ignored = strdup(m.ignored);
    if (g->k->check_header && (rc = g->k->check_header(g, &f, base, row->line)))
        goto done;
    /* one scratch per checking thread, the reading thread's last */
    for (nsc = 0; nsc <= (g->k->stateless ? g->threads : 0); nsc++)
        if (scratch_init(g, &sc[nsc])) {
            scratch_free(&sc[nsc]);
            pass_error(g, "out of memory or libcrypto failure");
            rc = APPERR_INTERNAL;
            goto done;
        }
    if (g->k->stateless && g->threads > 0 && csvin_can_split(in))
        rc = rows_parallel(g, sc, &f, in, st, &e);
    else
        rc = rows_sequential(g, &sc[0], &f, in, st, &e);
    progress_end(&g->prog);
    if (rc == -1) {
        pass_error(g, "%s:%lu:%lu: %s", rel, e.line, e.col, e.msg);
        rc = e.err;
    }
    st->dups = g->dups - dups0;
done:
    for (i = 0; i < nsc; i++)
        scratch_free(&sc[i]);
    header_map_free(&m);
    csvin_close(in);
    return rc;
}

/* Ingests one file. Returns 0, or an error (apperr) with the error logged.
 * A file of a stateless kind (contracts) whose encoding is to be detected,
 * written to files (the outputs can be rewound), is first read as UTF-8
 * at once (CSVIN_AUTO_LAZY: no first pass over the whole file); when a field
 * proves it is not, what the pass wrote is dropped and the file is read as
 * Windows-1252, and when the pass fails for another reason it is redone with
 * the detection pass, so that every outcome and message is the one the
 * detection rule of spec/inputs.md gives. */
static int ingest_file(struct ingest *g, const char *rel, size_t index, struct fstats *st,
                       char *enc_out, char *sep_out, char **ignored)
{
    rec_pos mark;
    long long rejmark;
    int rc;
    if (!(g->k->stateless && g->sch->encoding == CSVIN_AUTO && g->rewindable))
        return ingest_pass(g, rel, index, st, enc_out, sep_out, ignored, g->sch->encoding);
    rec_mark(g->out, &mark);
    rejmark = tsvw_tell(g->rej);
    g->quiet = 1;
    rc = ingest_pass(g, rel, index, st, enc_out, sep_out, ignored, CSVIN_AUTO_LAZY);
    g->quiet = 0;
    if (rc == 0)
        return 0;
    if (rec_write_errno(g->out)) /* a full disk: no reading again mends it */
        return records_failed(g);
    if (rec_rewind(g->out, &mark) || tsvw_rewind(g->rej, rejmark)) {
        log_error("%s: cannot rewind the outputs to read the file again", rel);
        return APPERR_WRITE;
    }
    memset(st, 0, sizeof *st);
    log_debug("%s: read again as %s", rel, rc == RETRY_CP1252 ? "Windows-1252" : "detected");
    return ingest_pass(g, rel, index, st, enc_out, sep_out, ignored,
                       rc == RETRY_CP1252 ? CSVIN_CP1252 : CSVIN_AUTO);
}

/* The quality row of one file. 0, or -1 when out of memory. */
static int file_facts(facts_input *f, const char *rel, const char *enc, const char *sep,
                      const struct fstats *st, char *ignored, int with_dups)
{
    memset(f, 0, sizeof *f);
    f->file = strdup(rel);
    f->encoding = strdup(enc);
    f->separator = strdup(sep);
    f->ignored = ignored ? ignored : strdup("");
    f->read = st->read;
    f->accepted = st->accepted;
    f->rejected = st->rejected;
    memcpy(f->codes, st->codes, sizeof f->codes);
    f->invalid = st->invalid;
    f->dups = with_dups ? (long)st->dups : -1;
    f->extraction_max = st->ext_max > 0 ? st->ext_max : DATE_NONE;
    return f->file && f->encoding && f->separator && f->ignored ? 0 : -1;
}

/* Reads the accepted event ids of the events' records into g->seen. 0, or
 * APPERR_INTERNAL with the error logged. */
static int load_events(struct ingest *g, const char *path)
{
    char err[1024];
    rec_reader *r = rec_open(path, err, sizeof err);
    int c = -1, got = -1;
    if (r && (c = rec_need(r, "id_evenement", REC_TEXT, err, sizeof err)) >= 0)
        while ((got = rec_next(r, err, sizeof err)) == 1) {
            size_t n;
            const char *id = rec_text(r, c, &n);
            if (strmap_put(&g->seen, id, n, 1, NULL) < 0) {
                snprintf(err, sizeof err, "out of memory");
                got = -1;
                break;
            }
        }
    rec_close_reader(r);
    if (got < 0) {
        log_own_file(path, err);
        return APPERR_INTERNAL;
    }
    return 0;
}

/* --- the stage ----------------------------------------------------------- */

/* The command line. */
struct options {
    const struct kind *kind;
    const char *schemas, *input, *out, *rejects, *quality, *keyfile, *events;
    int threads; /* checking threads, the reading one included */
    double max_expansion;
    char **files; /* relative to input */
    size_t nfiles;
};

/* parse_options: GO_ON when the stage is to run, else its outcome (APPERR_OK
 * after --help, APPERR_USAGE with the usage or the error shown). */
#define GO_ON (-1)

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},     {"schemas", required_argument, NULL, 's'},
        {"input", required_argument, NULL, 'i'},    {"out", required_argument, NULL, 'o'},
        {"rejects", required_argument, NULL, 'r'},  {"quality", required_argument, NULL, 'q'},
        {"key-file", required_argument, NULL, 'K'}, {"events", required_argument, NULL, 'e'},
        {"threads", required_argument, NULL, 'T'},  {"max-expansion", required_argument, NULL, 'X'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    const char *kind = NULL;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned long n;
    char *end;
    int c;

    memset(o, 0, sizeof *o);
    o->max_expansion = CSVIN_DEFAULT_MAX_EXPANSION;
    /* by default one thread per core, the reading one included */
    o->threads = ncpu < 1 ? 1 : ncpu > MAXTHREADS + 1 ? MAXTHREADS + 1 : (int)ncpu;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            kind = optarg;
            break;
        case 's':
            o->schemas = optarg;
            break;
        case 'i':
            o->input = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'r':
            o->rejects = optarg;
            break;
        case 'q':
            o->quality = optarg;
            break;
        case 'K':
            o->keyfile = optarg;
            break;
        case 'e':
            o->events = optarg;
            break;
        case 'T':
            if (val_count(optarg, MAXTHREADS + 1, &n) || n < 1) {
                fprintf(stderr, "ingest: --threads wants 1 to %d\n", MAXTHREADS + 1);
                return APPERR_USAGE;
            }
            o->threads = (int)n;
            break;
        case 'X':
            o->max_expansion = strtod(optarg, &end);
            if (end == optarg || *end || !(o->max_expansion > 1) || o->max_expansion > 1e9) {
                fprintf(stderr, "ingest: --max-expansion wants a number above 1\n");
                return APPERR_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return APPERR_USAGE;
        }
    }
    if (!kind || !o->schemas || !o->input || !o->out || !o->rejects || !o->quality) {
        usage(stderr);
        return APPERR_USAGE;
    }
    if (!(o->kind = kind_of(kind))) {
        fprintf(stderr, "ingest: unknown kind '%s'\n", kind);
        return APPERR_USAGE;
    }
    o->files = argv + optind;
    o->nfiles = (size_t)(argc - optind);
    return GO_ON;
}

/* The schema columns the stage's own rules use (-1 when absent). */
static void find_columns(struct ingest *g)
{
#define COL(field, name) g->field = schema_col_index(g->sch, name)
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
    COL(c_naf, "naf");
    COL(c_uai, "uai_cfa");
    COL(c_cp, g->k->postcode_col);
    COL(c_siret, g->k->siret_col);
#undef COL
}

/* 1 when a column of the schema is an OPCO or a région (checked against the
 * reference tables). */
static int schema_uses_ref(const schema *s)
{
    size_t i;
    for (i = 0; i < s->ncols; i++)
        if (s->cols[i].type == T_OPCO || s->cols[i].type == T_REGION)
            return 1;
    return 0;
}

/* The pseudonymisation key into g->key. 0, or APPERR_CONFIG with the error
 * logged. */
static int read_key(struct ingest *g, const char *keyfile)
{
    char err[1024];
    int loose;
    if (!keyfile) {
        log_error("no pseudonymisation key: give --key-file FILE (at least %d bytes)",
                  PSEUDO_MIN_KEY);
        return APPERR_CONFIG;
    }
    if (!(g->key = pseudo_read_key(keyfile, &g->klen, &loose, err, sizeof err))) {
        log_error("%s", err);
        return APPERR_CONFIG;
    }
    return 0;
}

/* What the kind's rows are checked against: its schema, the reference
 * tables (resolved here once, for the kinds that use them), the
 * pseudonymisation key, the known events; then the records' columns. 0, or
 * an error (apperr) logged. */
static int setup(struct ingest *g, const struct options *o)
{
    char err[1024], spath[4096];
    enum apperr code;

    memset(g, 0, sizeof *g);
    g->k = o->kind;
    g->input_dir = o->input;
    g->threads = o->threads - 1;
    g->max_expansion = o->max_expansion;
    snprintf(spath, sizeof spath, "%s/input/%s.yaml", o->schemas, g->k->name);
    if (!(g->sch = schema_load(spath, err, sizeof err))) {
        log_error("%s", err);
        return APPERR_CONFIG;
    }
    if ((g->k->uses_ref || schema_uses_ref(g->sch)) &&
        !(g->ref = refdata_load(o->schemas, g->input_dir, &code, err, sizeof err))) {
        log_error("%s", err);
        return code;
    }
    find_columns(g);
    if (!g->k->has_columns(g)) {
        log_error("%s: a column this stage needs is missing from the schema", spath);
        return APPERR_CONFIG;
    }
    if (g->k->pseudonymised && (code = read_key(g, o->keyfile)))
        return code;
    if (g->k->reads_events && o->events && (code = load_events(g, o->events)))
        return code;
    if (build_head(g, o->files, o->nfiles)) {
        log_error("out of memory");
        return APPERR_NOMEM;
    }
    return 0;
}

/* Creates the records and the rejects (with their header). 0, or
 * APPERR_CREATE with the error logged. */
static int open_outputs(struct ingest *g, const char *out, const char *rejects)
{
    char err[1024];
    g->rewindable = strcmp(out, "-") && strcmp(rejects, "-");
    g->out_path = out;
    g->out = rec_create(out, &g->head, err, sizeof err);
    g->rej = g->out ? tsvw_open(rejects, err, sizeof err) : NULL;
    if (!g->rej) {
        log_error("%s", err);
        return APPERR_CREATE;
    }
    tsvw_str(g->rej, "fichier");
    tsvw_str(g->rej, "ligne");
    tsvw_str(g->rej, "code");
    tsvw_str(g->rej, "colonne");
    tsvw_str(g->rej, "valeur");
    tsvw_endrow(g->rej);
    return 0;
}

/* Ingests every file, in order, then writes their quality rows. 0, or an
 * error (apperr) logged. */
static int ingest_files(struct ingest *g, char *const *files, size_t nfiles, const char *quality)
{
    facts_input *qf = calloc(nfiles + 1, sizeof *qf);
    size_t nqf = 0, i;
    char err[1024];
    int rc = 0;

    if (!qf) {
        log_error("out of memory");
        return APPERR_NOMEM;
    }
    for (i = 0; i < nfiles && !rc; i++) {
        struct fstats st;
        char enc[16] = "", sep[8] = "", *ignored = NULL;
        memset(&st, 0, sizeof st);
        if ((rc = ingest_file(g, files[i], i, &st, enc, sep, &ignored))) {
            free(ignored);
            break;
        }
        log_info("%s: read=%lu accepted=%lu rejected=%lu", files[i], st.read, st.accepted,
                 st.rejected);
        if (file_facts(&qf[nqf++], files[i], enc, sep, &st, ignored, g->k->counts_dups)) {
            log_error("out of memory");
            rc = APPERR_NOMEM;
        }
    }
    if (!rc && facts_inputs_write(quality, qf, nqf, err, sizeof err)) {
        log_error("%s", err);
        rc = APPERR_WRITE;
    }
    facts_inputs_free(qf, nqf);
    return rc;
}

/* Closes the outputs: rc, or APPERR_WRITE when rc is 0 and a close fails
 * (logged). */
static int close_outputs(struct ingest *g, int rc)
{
    char err[1024];
    if (g->out && rec_close(g->out, err, sizeof err) && !rc) {
        log_error("%s", err);
        rc = APPERR_WRITE;
    }
    if (g->rej && tsvw_close(g->rej, err, sizeof err) && !rc) {
        log_error("%s", err);
        rc = APPERR_WRITE;
    }
    return rc;
}

/* A failed ingest leaves none of its output files: a record file cut at a
 * row boundary would read as whole (it has no end marker), and rejects or
 * counts of part of the files would pass for all of them. Only regular
 * files are removed: standard output ("-"), a pipe or a device (/dev/full)
 * is left alone. */
static void remove_outputs(const struct options *o)
{
    const char *paths[] = {o->out, o->rejects, o->quality};
    struct stat st;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (strcmp(paths[i], "-") && !lstat(paths[i], &st) && S_ISREG(st.st_mode))
            unlink(paths[i]);
}

static void ingest_free(struct ingest *g)
{
    strmap_free(&g->seen);
    strmap_free(&g->present);
    rec_head_free(&g->head);
    free(g->rcol);
    free(g->misscode);
    free(g->key);
    refdata_free(g->ref);
    schema_free(g->sch);
}

int main(int argc, char **argv)
{
    struct options o;
    struct ingest g;
    int rc;

    log_init_env("ingest");
    if ((rc = parse_options(argc, argv, &o)) != GO_ON)
        return apperr_exit(&stage, rc);
    rc = setup(&g, &o);
    if (!rc) {
        if (!(rc = open_outputs(&g, o.out, o.rejects)))
            rc = ingest_files(&g, o.files, o.nfiles, o.quality);
        if ((rc = close_outputs(&g, rc)))
            remove_outputs(&o);
    }
    ingest_free(&g);
    return apperr_exit(&stage, rc);
}

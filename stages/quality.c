/* quality: gathers the per-file counts of ingest and merge
 * (stages/lib/facts.h) into qualite.csv.gz and ingest's rejects into
 * rejets.csv.gz, each written from its output schema (schemas/output/), and
 * enforces the conservation checks and max_reject_rate of
 * spec/indicators.md and spec/outputs.md (stages/lib/conservation.h). The
 * reports are written even when a check fails, so that the operator can
 * read them in the staging folder; the exit code says the run failed.
 * Exit codes: exit_codes below; 65 when a check failed, 70 when the
 * pipeline's own counts or rejects cannot be read. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apperr.h"
#include "conservation.h"
#include "csvout.h"
#include "facts.h"
#include "log.h"
#include "otable.h"
#include "tsv.h"

#define MAXR 8
#define LOGGED_REJECTS 10 /* rejects logged per file over max_reject_rate */
/* qualite has at most one column per quality count (oschema refuses a
 * repeated column, load_tables an unknown one): fewer than this */
#define MAX_QCOLS 64

/* The fields of ingest's rejects records (stages/ingest.c), which are also
 * the columns rejets.yaml may list. */
enum { R_FICHIER, R_LIGNE, R_CODE, R_COLONNE, R_VALEUR, R_NFIELDS };
static const char *const reject_fields[R_NFIELDS] = {"fichier", "ligne", "code", "colonne",
                                                     "valeur"};

/* The run's options, what it read and what it wrote. */
struct quality {
    const char *schemas, *outdir, *merge, *facts;
    const char *counts[3]; /* ingest's counts of the contract, event and attendance files */
    const char *rejects[MAXR];
    size_t nrejects;
    conservation_rate rate;
    otable *qualite, *rejets;
    int rfield[R_NFIELDS]; /* per column of rejets: the reject field it shows */
    facts_input *in;       /* every file, in read order: the first ncontracts are contract files */
    size_t nin, ncontracts;
    facts_merge *m; /* merge's counts per contract file */
    size_t nm;
    unsigned char *failing; /* per file of in: over max_reject_rate */
    size_t nfail;
    facts_output outs[2]; /* what the manifest lists of qualite and rejets */
    size_t nouts;
};

/* The exit codes quality returns (apperr_exit checks every exit against it). */
static const int exit_codes[] = {0, 64, 65, 70, 74, 78};
static const apperr_stage stage = APPERR_STAGE("quality", exit_codes);

static void usage(FILE *f)
{
    fprintf(f, "usage: quality --schemas DIR --outdir DIR --merge MERGE.tsv --contrats Q.tsv\n"
               "               [--evenements Q.tsv] [--participations Q.tsv]\n"
               "               --rejects R.tsv... [--max-reject-rate F] [--facts OUT.tsv]\n"
               "Writes qualite.csv.gz and rejets.csv.gz from the counts of ingest (Q) and\n"
               "merge and the rejects (R); --facts lists their sizes and hashes for the\n"
               "manifest. A conservation check that fails, or a file of at least 20 rows\n"
               "that rejects more than F of them (default 0.10), is 65; counts of the pipeline\n"
               "that cannot be read are an internal error (70).\n");
    apperr_help(f, &stage);
}

/* Reads the options into q: -1 to go on, else its outcome (APPERR_OK for
 * --help, APPERR_USAGE). */
static int parse_options(int argc, char **argv, struct quality *q)
{
    static const struct option opts[] = {{"schemas", required_argument, NULL, 's'},
                                         {"outdir", required_argument, NULL, 'o'},
                                         {"merge", required_argument, NULL, 'm'},
                                         {"contrats", required_argument, NULL, 'c'},
                                         {"evenements", required_argument, NULL, 'e'},
                                         {"participations", required_argument, NULL, 'p'},
                                         {"rejects", required_argument, NULL, 'r'},
                                         {"max-reject-rate", required_argument, NULL, 'x'},
                                         {"facts", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int opt;
    conservation_rate_parse("0.10", &q->rate);
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 's':
            q->schemas = optarg;
            break;
        case 'o':
            q->outdir = optarg;
            break;
        case 'm':
            q->merge = optarg;
            break;
        case 'c':
        case 'e':
        case 'p':
            q->counts[opt == 'c' ? 0 : opt == 'e' ? 1 : 2] = optarg;
            break;
        case 'r':
            if (q->nrejects == MAXR) {
                usage(stderr);
                return APPERR_USAGE;
            }
            q->rejects[q->nrejects++] = optarg;
            break;
        case 'x':
            if (conservation_rate_parse(optarg, &q->rate)) {
                fprintf(stderr, "quality: --max-reject-rate wants a fraction from 0 to 1\n");
                return APPERR_USAGE;
            }
            break;
        case 'f':
            q->facts = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return APPERR_USAGE;
        }
    }
    if (!q->schemas || !q->outdir || !q->merge || !q->counts[0] || optind != argc) {
        usage(stderr);
        return APPERR_USAGE;
    }
    return -1;
}

/* The value of quality column `name` for one file: its ingest counts and,
 * for a contract file, merge's. Writes into buf (32 bytes) when numeric;
 * NULL for a name that is not a quality column. */
static const char *qvalue(const char *name, const facts_input *in, const facts_merge *m,
                          int contract, char *buf)
{
    int code = facts_code_of(name);
    long long v;
    if (!strcmp(name, "fichier"))
        return in->file;
    if (!strcmp(name, "encodage"))
        return in->encoding;
    if (!strcmp(name, "separateur"))
        return in->separator;
    if (!strcmp(name, "colonnes_ignorees"))
        return in->ignored;
    if (!strcmp(name, "lignes_lues"))
        v = (long long)in->read;
    else if (!strcmp(name, "lignes_acceptees"))
        v = (long long)in->accepted;
    else if (!strcmp(name, "lignes_rejetees"))
        v = (long long)in->rejected;
    else if (!strcmp(name, "valeurs_invalides"))
        v = (long long)in->invalid;
    else if (code >= 0)
        v = (long long)in->codes[code];
    else if (!strcmp(name, "doublons_participations"))
        v = in->dups;
    else if (!contract)
        v = -1;
    else if (!strcmp(name, "versions_remplacees"))
        v = m ? (long long)m->replaced : 0;
    else if (!strcmp(name, "exclus_annules"))
        v = m ? (long long)m->cancelled : 0;
    else if (!strcmp(name, "exclus_rupture_avant_debut"))
        v = m ? (long long)m->rupture_before : 0;
    else if (!strcmp(name, "exclus_dispositif"))
        v = m ? (long long)m->dispositif : 0;
    else if (!strcmp(name, "uai_inconnus"))
        v = m ? m->uai_unknown : -1;
    else if (!strcmp(name, "region_nd"))
        v = m ? (long long)m->region_nd : 0;
    else if (!strcmp(name, "opco_nd"))
        v = m ? (long long)m->opco_nd : 0;
    else
        return NULL;
    if (v < 0)
        return "";
    snprintf(buf, 32, "%lld", v);
    return buf;
}

/* The index of reject field name, or -1. */
static int reject_field(const char *name)
{
    for (int k = 0; k < R_NFIELDS; k++)
        if (!strcmp(reject_fields[k], name))
            return k;
    return -1;
}

/* Loads SCHEMAS/output/NAME.yaml into *t. 0 or APPERR_CONFIG (logged). */
static int load_table(const struct quality *q, const char *name, otable **t)
{
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/output/%s.yaml", q->schemas, name);
    if (!(*t = otable_load(path, err, sizeof err))) {
        log_error("%s", err);
        return APPERR_CONFIG;
    }
    return 0;
}

/* Loads qualite.yaml and rejets.yaml and checks that every column of the
 * first is a quality count and every column of the second a field of the
 * rejects (each once: oschema refuses a repeated column, so a sixth one is
 * not a field). 0 or APPERR_CONFIG (logged). */
static int load_tables(struct quality *q)
{
    facts_input probe = {0};
    char buf[32];
    int rc;
    probe.file = probe.encoding = probe.separator = probe.ignored = "";
    if ((rc = load_table(q, "qualite", &q->qualite)) || (rc = load_table(q, "rejets", &q->rejets)))
        return rc;
    if (q->qualite->ncols > MAX_QCOLS) {
        log_error("%s: more than %d columns", q->qualite->path, MAX_QCOLS);
        return APPERR_CONFIG;
    }
    for (size_t k = 0; k < q->qualite->ncols; k++)
        if (!qvalue(q->qualite->cols[k].name, &probe, NULL, 1, buf)) {
            log_error("%s: column '%s' is not a quality count", q->qualite->path,
                      q->qualite->cols[k].name);
            return APPERR_CONFIG;
        }
    for (size_t k = 0; k < q->rejets->ncols; k++)
        if (k == R_NFIELDS || (q->rfield[k] = reject_field(q->rejets->cols[k].name)) < 0) {
            log_error("%s: column '%s' is not a field of the rejects (fichier, ligne, code, "
                      "colonne, valeur)",
                      q->rejets->path, q->rejets->cols[k].name);
            return APPERR_CONFIG;
        }
    return 0;
}

/* Reads the counts of ingest, in read order, and merge's. 0 or APPERR_INTERNAL (logged). */
static int read_counts(struct quality *q)
{
    char err[1024];
    for (size_t i = 0; i < 3; i++) {
        if (q->counts[i] && facts_inputs_read(q->counts[i], &q->in, &q->nin, err, sizeof err)) {
            log_own_file(q->counts[i], err);
            return APPERR_INTERNAL;
        }
        if (i == 0)
            q->ncontracts = q->nin;
    }
    if (facts_merge_read(q->merge, &q->m, &q->nm, err, sizeof err)) {
        log_own_file(q->merge, err);
        return APPERR_INTERNAL;
    }
    if (!(q->failing = calloc(q->nin + 1, 1))) {
        log_error("out of memory");
        return APPERR_INTERNAL;
    }
    return 0;
}

/* The checks: logs every broken one and marks the files over
 * max_reject_rate. 0, or APPERR_DATA when a conservation check is broken. */
static int check_counts(struct quality *q)
{
    facts_merge_total mt;
    unsigned long accepted;
    int rc = 0;
    for (size_t i = 0; i < q->nin; i++) {
        const facts_input *f = &q->in[i];
        if (!conservation_rows_hold(f)) {
            log_error("conservation broken for %s: lignes_lues=%lu lignes_acceptees=%lu "
                      "lignes_rejetees=%lu",
                      f->file, f->read, f->accepted, f->rejected);
            rc = APPERR_DATA;
        }
        if (conservation_rate_exceeded(&q->rate, f)) {
            log_error("%s: %lu of %lu rows rejected, more than max_reject_rate=%g; fix the "
                      "file or raise max_reject_rate",
                      f->file, f->rejected, f->read, q->rate.value);
            q->failing[i] = 1;
            q->nfail++;
        }
    }
    facts_merge_sum(q->m, q->nm, &mt);
    if (!conservation_versions_hold(q->in, q->ncontracts, &mt, &accepted)) {
        log_error("conservation broken over the contract files: lignes_acceptees=%lu, kept=%lu "
                  "+ replaced or excluded=%lu",
                  accepted, mt.kept,
                  mt.replaced + mt.cancelled + mt.rupture_before + mt.dispositif);
        rc = APPERR_DATA;
    }
    return rc;
}

/* Closes table t and keeps what the manifest needs of its file. 0 or APPERR_WRITE (logged). */
static int close_table(struct quality *q, otable *t)
{
    char err[1024];
    csvout_stats st;
    facts_output *f = &q->outs[q->nouts];
    if (otable_close_stats(t, &st, err, sizeof err)) {
        log_error("%s", err);
        return APPERR_WRITE;
    }
    if (!(f->file = strdup(t->file))) {
        log_error("out of memory");
        return APPERR_WRITE;
    }
    q->nouts++;
    f->bytes = st.bytes;
    memcpy(f->sha256, st.sha256, sizeof f->sha256);
    memcpy(f->content_sha256, st.content_sha256, sizeof f->content_sha256);
    f->rows = (long long)st.rows;
    return 0;
}

/* qualite.csv.gz: one row per file, in read order. 0 or APPERR_WRITE (logged). */
static int write_qualite(struct quality *q)
{
    otable *t = q->qualite;
    char err[1024];
    if (otable_open(t, q->outdir, 0, err, sizeof err)) {
        log_error("%s", err);
        return APPERR_WRITE;
    }
    for (size_t i = 0; i < q->nin; i++) {
        oval v[MAX_QCOLS];
        char bufs[MAX_QCOLS][32];
        const facts_merge *fm = NULL;
        for (size_t k = 0; i < q->ncontracts && k < q->nm; k++)
            if (!strcmp(q->m[k].file, q->in[i].file))
                fm = &q->m[k];
        for (size_t k = 0; k < t->ncols; k++)
            v[k] = ov_text(qvalue(t->cols[k].name, &q->in[i], fm, i < q->ncontracts, bufs[k]));
        otable_row(t, v);
    }
    return close_table(q, t);
}

/* Logs the reject (its fields f) when it belongs to a file over
 * max_reject_rate that has had fewer than LOGGED_REJECTS logged. */
static void log_reject(struct quality *q, char *const *f, unsigned long *shown)
{
    for (size_t k = 0; q->nfail && k < q->nin; k++)
        if (q->failing[k] && shown[k] < LOGGED_REJECTS && !strcmp(q->in[k].file, f[R_FICHIER])) {
            shown[k]++;
            log_error("%s:%s: %s %s '%s'", f[R_FICHIER], f[R_LIGNE], f[R_CODE], f[R_COLONNE],
                      f[R_VALEUR]);
        }
}

/* Appends the rows of one rejects record (path) to rejets.csv.gz, each
 * schema column from the field of its name (q->rfield). 0 or APPERR_INTERNAL (logged). */
static int copy_rejects(struct quality *q, const char *path, unsigned long *shown)
{
    otable *t = q->rejets;
    char err[1024], *f[R_NFIELDS];
    int idx[R_NFIELDS], got;
    oval v[R_NFIELDS];
    tsvr *r = tsvr_open(path, err, sizeof err);

    if (!r || r->ncols != R_NFIELDS) {
        log_own_file(path, r ? "not 5 columns" : err);
        tsvr_close(r);
        return APPERR_INTERNAL;
    }
    if (tsvr_cols(r, reject_fields, idx, R_NFIELDS, err, sizeof err)) {
        log_own_file(path, err);
        tsvr_close(r);
        return APPERR_INTERNAL;
    }
    while ((got = tsvr_next(r, err, sizeof err)) == 1) {
        for (size_t k = 0; k < R_NFIELDS; k++)
            f[k] = r->field[idx[k]];
        for (size_t k = 0; k < t->ncols; k++)
            v[k] = ov_text(f[q->rfield[k]]);
        otable_row(t, v);
        log_reject(q, f, shown);
    }
    if (got < 0)
        log_own_file(path, err);
    tsvr_close(r);
    return got < 0 ? APPERR_INTERNAL : 0;
}

/* rejets.csv.gz: the rejects records in read order. 0, APPERR_INTERNAL or APPERR_WRITE (logged). */
static int write_rejets(struct quality *q)
{
    unsigned long *shown = calloc(q->nin + 1, sizeof *shown);
    char err[1024];
    int rc = 0;
    if (!shown) {
        log_error("out of memory");
        return APPERR_INTERNAL;
    }
    if (otable_open(q->rejets, q->outdir, 0, err, sizeof err)) {
        log_error("%s", err);
        rc = APPERR_WRITE;
    }
    for (size_t i = 0; i < q->nrejects && !rc; i++)
        rc = copy_rejects(q, q->rejects[i], shown);
    if (!rc)
        rc = close_table(q, q->rejets);
    free(shown);
    return rc;
}

/* The facts of qualite and rejets for the manifest. 0 or APPERR_WRITE (logged). */
static int write_facts(const struct quality *q)
{
    char err[1024];
    if (q->facts && facts_outputs_write(q->facts, q->outs, q->nouts, err, sizeof err)) {
        log_error("%s", err);
        return APPERR_WRITE;
    }
    return 0;
}

static void quality_free(struct quality *q)
{
    for (size_t i = 0; i < q->nouts; i++)
        free(q->outs[i].file);
    free(q->failing);
    facts_inputs_free(q->in, q->nin);
    facts_merge_free(q->m, q->nm);
    otable_free(q->qualite);
    otable_free(q->rejets);
}

int main(int argc, char **argv)
{
    struct quality q = {0};
    int rc, checks;

    log_init_env("quality");
    if ((rc = parse_options(argc, argv, &q)) >= 0)
        return apperr_exit(&stage, rc);
    if (!(rc = load_tables(&q)) && !(rc = read_counts(&q))) {
        checks = check_counts(&q);
        if (!(rc = write_qualite(&q)) && !(rc = write_rejets(&q)) && !(rc = write_facts(&q)))
            rc = checks ? checks : q.nfail ? APPERR_DATA : 0;
    }
    quality_free(&q);
    return apperr_exit(&stage, rc);
}

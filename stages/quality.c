/* quality: gathers the per-file counts of ingest and merge
 * (stages/lib/facts.h) into qualite.csv.gz, the rejects into rejets.csv.gz,
 * and enforces the two conservation checks and max_reject_rate of
 * spec/indicators.md and spec/outputs.md. Exit codes: 0, 64 usage, 65 a
 * check failed, 70 the pipeline's own counts cannot be read, 74 I/O, 78 bad
 * schema. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "csvout.h"
#include "facts.h"
#include "log.h"
#include "otable.h"
#include "tsv.h"

#define MAXR 8

static void usage(FILE *f)
{
    fprintf(f, "usage: quality --schemas DIR --outdir DIR --merge MERGE.tsv --contrats Q.tsv\n"
               "               [--evenements Q.tsv] [--participations Q.tsv]\n"
               "               --rejects R.tsv... [--max-reject-rate F] [--facts OUT.tsv]\n"
               "Writes qualite.csv.gz and rejets.csv.gz from the counts of ingest (Q) and\n"
               "merge and the rejects (R); --facts lists their sizes and hashes for the\n"
               "manifest. Exit codes: 0, 64 usage, 65 a conservation check fails or a file\n"
               "of at least 20 rows rejects more than F of them (default 0.10), 70 the\n"
               "pipeline's own counts cannot be read, 74 I/O, 78 bad schema.\n");
}

/* The value of quality column `name` for one file: its ingest counts and,
 * for a contract file, merge's. Writes into buf (32 bytes) when numeric. */
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

/* One list of output facts: the file's name and what its writer knew. */
static int add_fact(facts_output *f, const char *name, const csvout_stats *st, char *err,
                    size_t errlen)
{
    memset(f, 0, sizeof f[0]);
    if (!(f->file = strdup(name))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    f->bytes = st->bytes;
    memcpy(f->sha256, st->sha256, 65);
    memcpy(f->content_sha256, st->content_sha256, 65);
    f->rows = (long long)st->rows;
    return 0;
}

int main(int argc, char **argv)
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
    const char *schemas = NULL, *outdir = NULL, *mpath = NULL, *factspath = NULL;
    const char *qfiles[3] = {NULL, NULL, NULL}, *rfiles[MAXR];
    size_t nr = 0, nin = 0, nm = 0, ncontracts = 0, i, k, nfail = 0;
    double maxrate = 0.10;
    char err[1024], path[4096], *end;
    otable *t = NULL;
    facts_input *in = NULL;
    facts_merge *m = NULL;
    facts_merge_total mt;
    facts_output outs[2];
    size_t nouts = 0;
    csvout_stats st;
    csvout *w = NULL;
    tsvr *r = NULL;
    unsigned long acc_contracts = 0;
    unsigned char *failing = NULL;
    int opt, rc = 0, got;

    log_init_env("quality");
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 's':
            schemas = optarg;
            break;
        case 'o':
            outdir = optarg;
            break;
        case 'm':
            mpath = optarg;
            break;
        case 'c':
            qfiles[0] = optarg;
            break;
        case 'e':
            qfiles[1] = optarg;
            break;
        case 'p':
            qfiles[2] = optarg;
            break;
        case 'r':
            if (nr == MAXR) {
                usage(stderr);
                return EX_USAGE;
            }
            rfiles[nr++] = optarg;
            break;
        case 'x':
            maxrate = strtod(optarg, &end);
            if (*end || maxrate < 0 || maxrate > 1) {
                fprintf(stderr, "quality: --max-reject-rate wants a fraction from 0 to 1\n");
                return EX_USAGE;
            }
            break;
        case 'f':
            factspath = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    if (!schemas || !outdir || !mpath || !qfiles[0] || optind != argc) {
        usage(stderr);
        return EX_USAGE;
    }
    snprintf(path, sizeof path, "%s/output/qualite.yaml", schemas);
    t = otable_load(path, err, sizeof err);
    if (!t) {
        log_error("%s", err);
        return EX_CONFIG;
    }
    /* the counts of ingest, in read order, and merge's */
    for (i = 0; i < 3 && !rc; i++) {
        if (qfiles[i] && facts_inputs_read(qfiles[i], &in, &nin, err, sizeof err)) {
            log_own_file(qfiles[i], err);
            rc = EX_SOFTWARE;
        }
        if (i == 0)
            ncontracts = nin;
    }
    if (!rc && facts_merge_read(mpath, &m, &nm, err, sizeof err)) {
        log_own_file(mpath, err);
        rc = EX_SOFTWARE;
    }
    if (rc)
        goto done;
    for (k = 0; k < t->ncols; k++) {
        char buf[32];
        facts_input probe = {0};
        probe.file = probe.encoding = probe.separator = probe.ignored = "";
        if (!qvalue(t->cols[k].name, &probe, NULL, 1, buf)) {
            log_error("%s: column '%s' is not a quality count", path, t->cols[k].name);
            rc = EX_CONFIG;
            goto done;
        }
    }
    facts_merge_sum(m, nm, &mt);
    failing = calloc(nin + 1, 1);
    if (!failing) {
        log_error("out of memory");
        rc = EX_SOFTWARE;
        goto done;
    }
    /* the checks */
    for (i = 0; i < nin; i++) {
        const facts_input *f = &in[i];
        if (f->read != f->accepted + f->rejected) {
            log_error("conservation broken for %s: lignes_lues=%lu lignes_acceptees=%lu "
                      "lignes_rejetees=%lu",
                      f->file, f->read, f->accepted, f->rejected);
            rc = EX_DATAERR;
        }
        if (i < ncontracts)
            acc_contracts += f->accepted;
        if (f->read >= 20 && (double)f->rejected > maxrate * (double)f->read) {
            log_error("%s: %lu of %lu rows rejected, more than max_reject_rate=%g; fix the "
                      "file or raise max_reject_rate",
                      f->file, f->rejected, f->read, maxrate);
            failing[i] = 1;
            nfail++;
        }
    }
    if (acc_contracts != mt.kept + mt.replaced + mt.cancelled + mt.rupture_before + mt.dispositif) {
        log_error("conservation broken over the contract files: lignes_acceptees=%lu, kept=%lu "
                  "+ replaced or excluded=%lu",
                  acc_contracts, mt.kept,
                  mt.replaced + mt.cancelled + mt.rupture_before + mt.dispositif);
        rc = EX_DATAERR;
    }
    /* qualite.csv.gz */
    if (otable_open(t, outdir, 0, err, sizeof err))
        goto io_error;
    for (i = 0; i < nin; i++) {
        oval v[64];
        char bufs[64][32];
        const facts_merge *fm = NULL;
        for (k = 0; i < ncontracts && k < nm; k++)
            if (!strcmp(m[k].file, in[i].file))
                fm = &m[k];
        for (k = 0; k < t->ncols && k < 64; k++)
            v[k] = ov_text(qvalue(t->cols[k].name, &in[i], fm, i < ncontracts, bufs[k]));
        otable_row(t, v);
    }
    if (otable_close_stats(t, &st, err, sizeof err) ||
        add_fact(&outs[nouts++], t->file, &st, err, sizeof err))
        goto io_error;
    /* rejets.csv.gz, in read order; the first 10 of each failing file are logged */
    snprintf(path, sizeof path, "%s/rejets.csv.gz", outdir);
    if (!(w = csvout_open(path, 1, err, sizeof err)))
        goto io_error;
    csvout_str(w, "fichier");
    csvout_str(w, "ligne");
    csvout_str(w, "code");
    csvout_str(w, "colonne");
    csvout_str(w, "valeur");
    csvout_endrow(w);
    {
        unsigned long *shown = calloc(nin + 1, sizeof *shown);
        for (i = 0; i < nr && shown; i++) {
            if (!(r = tsvr_open(rfiles[i], err, sizeof err)) || r->ncols != 5) {
                free(shown);
                rc = EX_SOFTWARE;
                log_own_file(rfiles[i], r ? "not 5 columns" : err);
                goto done;
            }
            while ((got = tsvr_next(r, err, sizeof err)) == 1) {
                for (k = 0; k < 5; k++)
                    csvout_field(w, r->field[k], r->len[k]);
                csvout_endrow(w);
                for (k = 0; nfail && k < nin; k++)
                    if (failing[k] && shown[k] < 10 && !strcmp(in[k].file, r->field[0])) {
                        shown[k]++;
                        log_error("%s:%s: %s %s '%s'", r->field[0], r->field[1], r->field[2],
                                  r->field[3], r->field[4]);
                    }
            }
            tsvr_close(r);
            r = NULL;
            if (got < 0) {
                free(shown);
                rc = EX_SOFTWARE;
                log_own_file(rfiles[i], err);
                goto done;
            }
        }
        if (!shown) {
            log_error("out of memory");
            rc = EX_SOFTWARE;
            goto done;
        }
        free(shown);
    }
    got = csvout_close_stats(w, &st, err, sizeof err);
    w = NULL;
    if (got || add_fact(&outs[nouts++], "rejets.csv.gz", &st, err, sizeof err))
        goto io_error;
    if (factspath && facts_outputs_write(factspath, outs, nouts, err, sizeof err))
        goto io_error;
    if (nfail && !rc)
        rc = EX_DATAERR;
    goto done;
io_error:
    log_error("%s", err);
    rc = EX_IOERR;
done:
    if (w)
        csvout_abort(w);
    tsvr_close(r);
    for (i = 0; i < nouts; i++)
        free(outs[i].file);
    free(failing);
    facts_inputs_free(in, nin);
    facts_merge_free(m, nm);
    otable_free(t);
    return rc;
}

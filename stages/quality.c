/* quality: gathers the per-file counts of ingest and merge into
 * qualite.csv.gz, the rejects into rejets.csv.gz, and enforces the two
 * conservation checks and max_reject_rate of spec/indicators.md and
 * spec/outputs.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "csvout.h"
#include "log.h"
#include "otable.h"
#include "strmap.h"
#include "tsv.h"

#define MAXQ 8

static void usage(FILE *f)
{
    fprintf(f, "usage: quality --schemas DIR --outdir DIR --merge-quality MERGE.tsv\n"
               "               --summary SUMMARY.tsv --contrats Q.tsv [--evenements Q.tsv]\n"
               "               [--participations Q.tsv] --rejects R.tsv... [--max-reject-rate F]\n"
               "Writes qualite.csv.gz and rejets.csv.gz; exit 65 when a conservation check\n"
               "fails or a file of at least 20 rows rejects more than F of them (default 0.10).\n");
}

/* One file's row: values by output column name, owned copies. */
struct qrow {
    char *vals[64];
};

static long num(const char *s)
{
    return s && *s ? strtol(s, NULL, 10) : 0;
}

/* An intermediate file of this run (ingest's and merge's records) that
 * cannot be read is an internal error (70), named by its file name: its
 * path is a temporary folder, not a file the operator can fix. err is the
 * reader's message, which starts with the path. */
static int own_fail(const char *path, const char *err)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(path);
    const char *what = strncmp(err, path, n) ? err : err + n;
    while (*what == ':' || *what == ' ')
        what++;
    log_error("internal error: %s, an intermediate file of this run, cannot be read: %s%s", base,
              *what >= '0' && *what <= '9' ? "line " : "", what);
    return EX_SOFTWARE;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"schemas", required_argument, NULL, 's'},
                                         {"outdir", required_argument, NULL, 'o'},
                                         {"merge-quality", required_argument, NULL, 'm'},
                                         {"summary", required_argument, NULL, 'S'},
                                         {"contrats", required_argument, NULL, 'c'},
                                         {"evenements", required_argument, NULL, 'e'},
                                         {"participations", required_argument, NULL, 'p'},
                                         {"rejects", required_argument, NULL, 'r'},
                                         {"max-reject-rate", required_argument, NULL, 'x'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *schemas = NULL, *outdir = NULL, *mq = NULL, *summary = NULL;
    const char *qfiles[3] = {NULL, NULL, NULL}, *rfiles[MAXQ];
    size_t nr = 0, nrows = 0, i, k;
    double maxrate = 0.10;
    char err[1024], path[4096];
    otable *t = NULL;
    struct qrow *rows = NULL;
    int opt, rc = 0, got;
    long kept = -1, acc_contracts = 0, removed = 0;
    strmap merge = STRMAP_ZERO;
    tsvr *r = NULL;
    char **mvals = NULL;
    size_t nm = 0, mcols = 0;
    char *mheader[16];
    char *failing[4096];
    size_t nfail = 0;
    const char *reading = NULL; /* the intermediate file being read */

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
            mq = optarg;
            break;
        case 'S':
            summary = optarg;
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
            if (nr == MAXQ)
                return EX_USAGE;
            rfiles[nr++] = optarg;
            break;
        case 'x':
            maxrate = strtod(optarg, NULL);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    if (!schemas || !outdir || !mq || !summary || !qfiles[0] || optind != argc) {
        usage(stderr);
        return EX_USAGE;
    }
    snprintf(path, sizeof path, "%s/output/qualite.yaml", schemas);
    t = otable_load(path, err, sizeof err);
    if (!t) {
        log_error("%s", err);
        return EX_CONFIG;
    }
    if (t->ncols > 64) {
        log_error("%s: too many columns", path);
        rc = EX_CONFIG;
        goto done;
    }
    /* merge counts by file */
    r = tsvr_open(reading = mq, err, sizeof err);
    if (!r)
        goto own_error;
    mcols = r->ncols < 16 ? r->ncols : 16;
    for (k = 0; k < mcols; k++)
        mheader[k] = strdup(r->header[k]);
    while ((got = tsvr_next(r, err, sizeof err)) == 1) {
        mvals = realloc(mvals, (nm + 1) * mcols * sizeof *mvals);
        for (k = 0; k < mcols; k++)
            mvals[nm * mcols + k] = strdup(r->field[k]);
        strmap_put(&merge, r->field[0], r->len[0], nm, NULL);
        nm++;
    }
    if (got < 0)
        goto own_error;
    tsvr_close(r);
    r = tsvr_open(reading = summary, err, sizeof err);
    if (!r)
        goto own_error;
    while ((got = tsvr_next(r, err, sizeof err)) == 1)
        if (r->n >= 2 && !strcmp(r->field[0], "contrats_conserves"))
            kept = num(r->field[1]);
    if (got < 0)
        goto own_error;
    tsvr_close(r);
    r = NULL;
    /* ingest counts, in read order */
    for (i = 0; i < 3; i++) {
        if (!qfiles[i])
            continue;
        int cl, ca, cr;
        r = tsvr_open(reading = qfiles[i], err, sizeof err);
        if (!r)
            goto own_error;
        if ((cl = tsvr_need(r, "lignes_lues", err, sizeof err)) < 0 ||
            (ca = tsvr_need(r, "lignes_acceptees", err, sizeof err)) < 0 ||
            (cr = tsvr_need(r, "lignes_rejetees", err, sizeof err)) < 0)
            goto own_error;
        while ((got = tsvr_next(r, err, sizeof err)) == 1) {
            struct qrow *q;
            size_t *mi = i == 0 ? strmap_get(&merge, r->field[0], r->len[0]) : NULL;
            long read, acc, rej;
            rows = realloc(rows, (nrows + 1) * sizeof *rows);
            q = &rows[nrows];
            memset(q, 0, sizeof *q);
            for (k = 0; k < t->ncols; k++) {
                int c = tsvr_col(r, t->cols[k].name);
                const char *v = "";
                if (c >= 0) {
                    v = r->field[c];
                    if (!strcmp(t->cols[k].name, "doublons_participations") && i != 2)
                        v = "";
                } else if (i == 0) {
                    size_t m;
                    v = "0";
                    for (m = 0; m < mcols; m++)
                        if (!strcmp(mheader[m], t->cols[k].name))
                            v = mi ? mvals[*mi * mcols + m]
                                   : (strcmp(mheader[m], "uai_inconnus") ? "0" : "");
                }
                q->vals[k] = strdup(v);
            }
            read = num(r->field[cl]);
            acc = num(r->field[ca]);
            rej = num(r->field[cr]);
            if (read != acc + rej) {
                log_error("conservation broken for %s: lignes_lues=%ld lignes_acceptees=%ld "
                          "lignes_rejetees=%ld",
                          r->field[0], read, acc, rej);
                rc = EX_DATAERR;
            }
            if (i == 0) {
                acc_contracts += acc;
                if (mi) {
                    size_t m;
                    for (m = 0; m < mcols; m++)
                        if (!strcmp(mheader[m], "versions_remplacees") ||
                            !strcmp(mheader[m], "exclus_annules") ||
                            !strcmp(mheader[m], "exclus_rupture_avant_debut"))
                            removed += num(mvals[*mi * mcols + m]);
                }
            }
            if (read >= 20 && (double)rej > maxrate * (double)read && nfail < 4096) {
                log_error("%s: %ld of %ld rows rejected, more than max_reject_rate=%g; fix the "
                          "file or raise max_reject_rate",
                          r->field[0], rej, read, maxrate);
                failing[nfail++] = strdup(r->field[0]);
            }
            nrows++;
        }
        if (got < 0)
            goto own_error;
        tsvr_close(r);
        r = NULL;
    }
    if (kept < 0 || acc_contracts != kept + removed) {
        log_error("conservation broken over the contract files: lignes_acceptees=%ld, kept=%ld "
                  "+ replaced or excluded=%ld",
                  acc_contracts, kept, removed);
        rc = EX_DATAERR;
    }
    if (otable_open(t, outdir, 0, err, sizeof err))
        goto io_error;
    for (i = 0; i < nrows; i++) {
        oval v[64];
        for (k = 0; k < t->ncols; k++)
            v[k] = ov_text(rows[i].vals[k]);
        otable_row(t, v);
    }
    if (otable_close(t, err, sizeof err))
        goto io_error;
    /* rejects, in read order; the first 10 of each failing file are logged */
    {
        csvout *w;
        int shown[4096] = {0};
        snprintf(path, sizeof path, "%s/rejets.csv.gz", outdir);
        w = csvout_open(path, 1, err, sizeof err);
        if (!w)
            goto io_error;
        csvout_str(w, "fichier");
        csvout_str(w, "ligne");
        csvout_str(w, "code");
        csvout_str(w, "colonne");
        csvout_str(w, "valeur");
        csvout_endrow(w);
        for (i = 0; i < nr; i++) {
            r = tsvr_open(reading = rfiles[i], err, sizeof err);
            if (!r || (r->ncols < 5 && snprintf(err, sizeof err, "%s: %zu columns, 5 expected",
                                                rfiles[i], r->ncols))) {
                csvout_abort(w);
                goto own_error;
            }
            while ((got = tsvr_next(r, err, sizeof err)) == 1) {
                for (k = 0; k < 5; k++)
                    csvout_field(w, r->field[k], r->len[k]);
                csvout_endrow(w);
                for (k = 0; k < nfail; k++)
                    if (!strcmp(failing[k], r->field[0]) && shown[k] < 10) {
                        shown[k]++;
                        log_error("%s:%s: %s %s '%s'", r->field[0], r->field[1], r->field[2],
                                  r->field[3], r->field[4]);
                    }
            }
            tsvr_close(r);
            r = NULL;
            if (got < 0) {
                csvout_abort(w);
                goto own_error;
            }
        }
        if (csvout_close(w, NULL, NULL, err, sizeof err))
            goto io_error;
    }
    if (nfail && !rc)
        rc = EX_DATAERR;
    goto done;
io_error:
    log_error("%s", err);
    rc = EX_IOERR;
    goto done;
own_error:
    rc = own_fail(reading, err);
done:
    tsvr_close(r);
    for (i = 0; i < nrows; i++)
        for (k = 0; k < t->ncols; k++)
            free(rows[i].vals[k]);
    free(rows);
    for (i = 0; i < nm * mcols; i++)
        free(mvals[i]);
    free(mvals);
    for (k = 0; k < mcols; k++)
        free(mheader[k]);
    for (i = 0; i < nfail; i++)
        free(failing[i]);
    strmap_free(&merge);
    otable_free(t);
    return rc;
}

/* merge: the version merge and exclusions of spec/inputs.md ("Versions and
 * exclusions"). Reads the contract versions written by ingest, keeps one
 * version per numero_contrat (latest extraction date, then latest
 * date_effet_avenant, then the one read last), drops cancelled contracts and
 * ruptures before the start, and writes the kept contracts plus per-file
 * counts. Two passes over its input keep memory to one small entry per
 * distinct contract. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "log.h"
#include "refdata.h"
#include "strmap.h"
#include "tsv.h"

/* A contract's winning version so far; dates as YYYYMMDD integers. */
struct winner {
    long ext, avenant;
    unsigned long seq;
};

struct filecount {
    unsigned long remplacees, annules, rupture_avant, uai_inconnus, region_nd, opco_nd;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: merge --in CONTRATS.tsv --out KEPT.tsv --quality MERGE.tsv\n"
               "             --summary SUMMARY.tsv [--schemas DIR --input DIR]\n"
               "Merges contract versions (latest extraction, then latest amendment, then\n"
               "last read), applies the exclusions and writes the kept contracts.\n"
               "With --schemas and --input, counts UAIs missing from cfa.csv.\n");
}

static long ymd(const char *s, size_t n)
{
    long v = 0;
    size_t i;
    if (n != 10)
        return 0; /* missing: oldest */
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7)
            v = v * 10 + (s[i] - '0');
    return v;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"in", required_argument, NULL, 'i'},      {"out", required_argument, NULL, 'o'},
        {"quality", required_argument, NULL, 'q'}, {"summary", required_argument, NULL, 'S'},
        {"schemas", required_argument, NULL, 's'}, {"input", required_argument, NULL, 'I'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *in = NULL, *out = NULL, *quality = NULL, *summary = NULL, *schemas = NULL,
               *input = NULL;
    char err[1024];
    tsvr *r = NULL;
    tsvw *w = NULL, *q = NULL, *sm = NULL;
    refdata *ref = NULL;
    strmap contracts = STRMAP_ZERO, files = STRMAP_ZERO;
    struct winner *win = NULL;
    struct filecount *fc = NULL;
    char **fnames = NULL;
    size_t nwin = 0, capwin = 0, nfiles = 0, i;
    unsigned long seq = 0, kept = 0, rows = 0;
    long ext_max = 0;
    int c, got, rc = 0, code;
    int c_file, c_num, c_ext, c_av, c_statut, c_debut, c_rupt, c_uai, c_region, c_opco;

    log_init_env("merge");
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            in = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'q':
            quality = optarg;
            break;
        case 'S':
            summary = optarg;
            break;
        case 's':
            schemas = optarg;
            break;
        case 'I':
            input = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    if (!in || !out || !quality || !summary || optind != argc) {
        usage(stderr);
        return EX_USAGE;
    }
    if (schemas) {
        ref = refdata_load(schemas, input, &code, err, sizeof err);
        if (!ref) {
            log_error("%s", err);
            return code;
        }
    }
    /* pass 1: the winner of every contract */
    r = tsvr_open(in, err, sizeof err);
    if (!r)
        goto io_error;
    if ((c_file = tsvr_need(r, "fichier", err, sizeof err)) < 0 ||
        (c_num = tsvr_need(r, "numero_contrat", err, sizeof err)) < 0 ||
        (c_ext = tsvr_need(r, "date_extraction", err, sizeof err)) < 0 ||
        (c_av = tsvr_need(r, "date_effet_avenant", err, sizeof err)) < 0 ||
        (c_statut = tsvr_need(r, "statut", err, sizeof err)) < 0 ||
        (c_debut = tsvr_need(r, "date_debut_contrat", err, sizeof err)) < 0 ||
        (c_rupt = tsvr_need(r, "date_rupture", err, sizeof err)) < 0 ||
        (c_uai = tsvr_need(r, "uai_cfa", err, sizeof err)) < 0 ||
        (c_region = tsvr_need(r, "region", err, sizeof err)) < 0 ||
        (c_opco = tsvr_need(r, "opco", err, sizeof err)) < 0) {
        log_error("%s", err);
        rc = EX_SOFTWARE;
        goto done;
    }
    while ((got = tsvr_next(r, err, sizeof err)) == 1) {
        long ext = ymd(r->field[c_ext], r->len[c_ext]), av = ymd(r->field[c_av], r->len[c_av]);
        size_t *idx;
        int put = strmap_put(&contracts, r->field[c_num], r->len[c_num], nwin, &idx);
        if (put < 0)
            goto oom;
        if (ext > ext_max)
            ext_max = ext;
        if (put == 1) {
            if (nwin == capwin) {
                struct winner *nw;
                capwin = capwin ? 2 * capwin : 4096;
                nw = realloc(win, capwin * sizeof *win);
                if (!nw)
                    goto oom;
                win = nw;
            }
            win[nwin++] = (struct winner){ext, av, seq};
        } else {
            struct winner *x = &win[*idx];
            /* ties go to the version read last */
            if (ext > x->ext || (ext == x->ext && av >= x->avenant))
                *x = (struct winner){ext, av, seq};
        }
        seq++;
    }
    if (got < 0)
        goto io_error;
    tsvr_close(r);

    /* pass 2: write the kept versions, count the others per file */
    r = tsvr_open(in, err, sizeof err);
    w = r ? tsvw_open(out, err, sizeof err) : NULL;
    if (!w)
        goto io_error;
    for (i = 0; i < r->ncols; i++)
        tsvw_str(w, r->header[i]);
    tsvw_endrow(w);
    seq = 0;
    while ((got = tsvr_next(r, err, sizeof err)) == 1) {
        size_t *idx = strmap_get(&contracts, r->field[c_num], r->len[c_num]), *fi, fnew;
        struct filecount *f;
        int put = strmap_put(&files, r->field[c_file], r->len[c_file], nfiles, &fi);
        if (put < 0)
            goto oom;
        if (put == 1) {
            struct filecount *nf = realloc(fc, (nfiles + 1) * sizeof *fc);
            char **nn = realloc(fnames, (nfiles + 1) * sizeof *fnames);
            if (nf)
                fc = nf;
            if (nn)
                fnames = nn;
            if (!nf || !nn || !(fnames[nfiles] = strdup(r->field[c_file])))
                goto oom;
            memset(&fc[nfiles], 0, sizeof *fc);
            nfiles++;
            fnew = nfiles - 1;
            fi = &fnew;
        }
        f = &fc[*fi];
        rows++;
        if (!idx || win[*idx].seq != seq) {
            f->remplacees++;
        } else if (!strcmp(r->field[c_statut], "Annulé") ||
                   !strcmp(r->field[c_statut], "Supprimé")) {
            f->annules++;
        } else if (r->len[c_rupt] && ymd(r->field[c_rupt], r->len[c_rupt]) <
                                         ymd(r->field[c_debut], r->len[c_debut])) {
            f->rupture_avant++;
        } else {
            kept++;
            if (ref && ref->have_cfa && !ref_cfa_known(ref, r->field[c_uai]))
                f->uai_inconnus++;
            f->region_nd += !strcmp(r->field[c_region], "ND");
            f->opco_nd += !strcmp(r->field[c_opco], "ND");
            for (i = 0; i < r->n; i++)
                tsvw_field(w, r->field[i], r->len[i]);
            tsvw_endrow(w);
        }
        seq++;
    }
    if (got < 0)
        goto io_error;

    q = tsvw_open(quality, err, sizeof err);
    sm = q ? tsvw_open(summary, err, sizeof err) : NULL;
    if (!sm)
        goto io_error;
    {
        static const char *const head[] = {
            "fichier",      "versions_remplacees", "exclus_annules", "exclus_rupture_avant_debut",
            "uai_inconnus", "region_nd",           "opco_nd"};
        for (i = 0; i < 7; i++)
            tsvw_str(q, head[i]);
        tsvw_endrow(q);
    }
    for (i = 0; i < nfiles; i++) {
        tsvw_str(q, fnames[i]);
        tsvw_long(q, (long)fc[i].remplacees);
        tsvw_long(q, (long)fc[i].annules);
        tsvw_long(q, (long)fc[i].rupture_avant);
        if (ref && ref->have_cfa)
            tsvw_long(q, (long)fc[i].uai_inconnus);
        else
            tsvw_str(q, "");
        tsvw_long(q, (long)fc[i].region_nd);
        tsvw_long(q, (long)fc[i].opco_nd);
        tsvw_endrow(q);
    }
    {
        char d[40] = "";
        if (ext_max)
            snprintf(d, sizeof d, "%04ld-%02ld-%02ld", ext_max / 10000, ext_max / 100 % 100,
                     ext_max % 100);
        tsvw_str(sm, "cle");
        tsvw_str(sm, "valeur");
        tsvw_endrow(sm);
        tsvw_str(sm, "date_extraction_max");
        tsvw_str(sm, d);
        tsvw_endrow(sm);
        tsvw_str(sm, "versions_acceptees");
        tsvw_long(sm, (long)rows);
        tsvw_endrow(sm);
        tsvw_str(sm, "contrats_distincts");
        tsvw_long(sm, (long)nwin);
        tsvw_endrow(sm);
        tsvw_str(sm, "contrats_conserves");
        tsvw_long(sm, (long)kept);
        tsvw_endrow(sm);
    }
    log_info("versions=%lu contracts=%zu kept=%lu", rows, nwin, kept);
    goto done;
oom:
    log_error("out of memory");
    rc = EX_SOFTWARE;
    goto done;
io_error:
    log_error("%s", err);
    rc = EX_IOERR;
done:
    tsvr_close(r);
    if (w && tsvw_close(w, err, sizeof err) && !rc)
        log_error("%s", err), rc = EX_IOERR;
    if (q && tsvw_close(q, err, sizeof err) && !rc)
        log_error("%s", err), rc = EX_IOERR;
    if (sm && tsvw_close(sm, err, sizeof err) && !rc)
        log_error("%s", err), rc = EX_IOERR;
    for (i = 0; i < nfiles; i++)
        free(fnames[i]);
    free(fnames);
    free(fc);
    free(win);
    strmap_free(&contracts);
    strmap_free(&files);
    refdata_free(ref);
    return rc;
}

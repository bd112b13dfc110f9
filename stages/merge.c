/* merge: the version merge and exclusions of spec/inputs.md ("Versions and
 * exclusions"). Reads the contract versions written by ingest once, keeps
 * one version per numero_contrat (latest extraction date, then latest
 * date_effet_avenant, then the one read last), drops cancelled contracts
 * and ruptures before the start, and writes the list of kept versions (by
 * their row number in its input) plus per-file counts. It holds one small
 * entry per distinct contract; the versions themselves are not copied. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "log.h"
#include "progress.h"
#include "refdata.h"
#include "strmap.h"
#include "tsv.h"

/* A contract's winning version so far; dates as YYYYMMDD integers. */
struct winner {
    int32_t ext, avenant;
    uint32_t seq;  /* data row number in the input, from 1 */
    uint16_t file; /* index in the file table */
    uint8_t flags;
};

enum { W_CANCELLED = 1, W_RUPTURE_BEFORE = 2, W_REGION_ND = 4, W_OPCO_ND = 8, W_UAI_UNKNOWN = 16 };

struct filecount {
    char *name;
    unsigned long rows, winners, annules, rupture_avant, uai_inconnus, region_nd, opco_nd;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: merge --in CONTRATS.tsv --out KEPT.tsv --quality MERGE.tsv\n"
               "             --summary SUMMARY.tsv [--schemas DIR --input DIR]\n"
               "Merges contract versions (latest extraction, then latest amendment, then\n"
               "last read), applies the exclusions and writes the row numbers (version)\n"
               "of the kept versions. With --schemas and --input, counts UAIs missing\n"
               "from cfa.csv.\n");
}

static int32_t ymd(const char *s, size_t n)
{
    int32_t v = 0;
    size_t i;
    if (n != 10)
        return 0; /* missing: oldest */
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7)
            v = v * 10 + (s[i] - '0');
    return v;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
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
    uint32_t *kept = NULL;
    size_t nwin = 0, capwin = 0, nfiles = 0, nkept = 0, i;
    unsigned long rows = 0;
    int32_t ext_max = 0;
    int c, got, rc = 0, code;
    progress prog;
    /* the columns merge reads, in this order */
    enum { C_FILE, C_NUM, C_EXT, C_AV, C_STATUT, C_DEBUT, C_RUPT, C_UAI, C_REGION, C_OPCO, NCOLS };
    static const char *const cols[NCOLS] = {"fichier",         "numero_contrat",
                                            "date_extraction", "date_effet_avenant",
                                            "statut",          "date_debut_contrat",
                                            "date_rupture",    "uai_cfa",
                                            "region",          "opco"};
    int ci[NCOLS];

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
    r = tsvr_open(in, err, sizeof err);
    if (!r)
        goto io_error;
    if (tsvr_cols(r, cols, ci, NCOLS, err, sizeof err)) {
        log_error("%s", err);
        rc = EX_SOFTWARE;
        goto done;
    }
    progress_start(&prog, "merge", in);
    while ((got = tsvr_next(r, err, sizeof err)) == 1) {
        int32_t ext = ymd(r->field[ci[C_EXT]], r->len[ci[C_EXT]]),
                av = ymd(r->field[ci[C_AV]], r->len[ci[C_AV]]);
        size_t *idx, *fi, fnew = nfiles;
        int put;
        struct winner v;

        if (progress_due(&prog, ++rows))
            progress_tick(&prog, rows, tsvr_fraction(r));
        /* the file table: consecutive rows usually share their file */
        put = strmap_put(&files, r->field[ci[C_FILE]], r->len[ci[C_FILE]], nfiles, &fi);
        if (put < 0)
            goto oom;
        if (put == 1) {
            struct filecount *nf = realloc(fc, (nfiles + 1) * sizeof *fc);
            if (!nf)
                goto oom;
            fc = nf;
            memset(&fc[nfiles], 0, sizeof *fc);
            if (!(fc[nfiles].name = strdup(r->field[ci[C_FILE]])) || nfiles == UINT16_MAX)
                goto oom;
            nfiles++;
            fi = &fnew;
        }
        fc[*fi].rows++;
        if (ext > ext_max)
            ext_max = ext;
        v.ext = ext;
        v.avenant = av;
        v.seq = (uint32_t)rows;
        v.file = (uint16_t)*fi;
        v.flags = 0;
        if (!strcmp(r->field[ci[C_STATUT]], "Annulé") ||
            !strcmp(r->field[ci[C_STATUT]], "Supprimé"))
            v.flags |= W_CANCELLED;
        else if (r->len[ci[C_RUPT]] && ymd(r->field[ci[C_RUPT]], r->len[ci[C_RUPT]]) <
                                           ymd(r->field[ci[C_DEBUT]], r->len[ci[C_DEBUT]]))
            v.flags |= W_RUPTURE_BEFORE;
        if (!strcmp(r->field[ci[C_REGION]], "ND"))
            v.flags |= W_REGION_ND;
        if (!strcmp(r->field[ci[C_OPCO]], "ND"))
            v.flags |= W_OPCO_ND;
        if (ref && ref->have_cfa && !ref_cfa_known(ref, r->field[ci[C_UAI]]))
            v.flags |= W_UAI_UNKNOWN;

        put = strmap_put(&contracts, r->field[ci[C_NUM]], r->len[ci[C_NUM]], nwin, &idx);
        if (put < 0)
            goto oom;
        if (put == 1) {
            if (nwin == capwin) {
                struct winner *nw;
                capwin = capwin ? 2 * capwin : 4096;
                nw = realloc(win, capwin * sizeof *win);
                if (!nw)
                    goto oom;
                win = nw;
            }
            win[nwin++] = v;
        } else {
            struct winner *x = &win[*idx];
            /* ties go to the version read last */
            if (ext > x->ext || (ext == x->ext && av >= x->avenant))
                *x = v;
        }
    }
    progress_end(&prog);
    if (got < 0)
        goto io_error;

    kept = malloc((nwin ? nwin : 1) * sizeof *kept);
    if (!kept)
        goto oom;
    for (i = 0; i < nwin; i++) {
        const struct winner *x = &win[i];
        struct filecount *f = &fc[x->file];
        f->winners++;
        if (x->flags & W_CANCELLED) {
            f->annules++;
        } else if (x->flags & W_RUPTURE_BEFORE) {
            f->rupture_avant++;
        } else {
            kept[nkept++] = x->seq;
            f->uai_inconnus += (x->flags & W_UAI_UNKNOWN) != 0;
            f->region_nd += (x->flags & W_REGION_ND) != 0;
            f->opco_nd += (x->flags & W_OPCO_ND) != 0;
        }
    }
    qsort(kept, nkept, sizeof *kept, cmp_u32);

    w = tsvw_open(out, err, sizeof err);
    q = w ? tsvw_open(quality, err, sizeof err) : NULL;
    sm = q ? tsvw_open(summary, err, sizeof err) : NULL;
    if (!sm)
        goto io_error;
    tsvw_str(w, "version");
    tsvw_endrow(w);
    for (i = 0; i < nkept; i++) {
        tsvw_long(w, (long)kept[i]);
        tsvw_endrow(w);
    }
    {
        static const char *const head[] = {
            "fichier",      "versions_remplacees", "exclus_annules", "exclus_rupture_avant_debut",
            "uai_inconnus", "region_nd",           "opco_nd"};
        for (i = 0; i < 7; i++)
            tsvw_str(q, head[i]);
        tsvw_endrow(q);
    }
    for (i = 0; i < nfiles; i++) {
        tsvw_str(q, fc[i].name);
        tsvw_long(q, (long)(fc[i].rows - fc[i].winners));
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
            snprintf(d, sizeof d, "%04d-%02d-%02d", (int)(ext_max / 10000),
                     (int)(ext_max / 100 % 100), (int)(ext_max % 100));
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
        tsvw_long(sm, (long)nkept);
        tsvw_endrow(sm);
    }
    log_info("versions=%lu contracts=%zu kept=%zu", rows, nwin, nkept);
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
        free(fc[i].name);
    free(fc);
    free(win);
    free(kept);
    strmap_free(&contracts);
    strmap_free(&files);
    refdata_free(ref);
    return rc;
}

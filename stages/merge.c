/* merge: the version merge and exclusions of spec/inputs.md ("Versions and
 * exclusions"). Reads the contract versions ingest wrote once, keeps one
 * version per numero_contrat (latest extraction date, then latest
 * date_effet_avenant, then highest numero_avenant, then the one read last),
 * excludes cancelled and deleted contracts, ruptures before the start and
 * contracts of another dispositif, and writes the row numbers of the kept
 * versions plus per-file counts (stages/lib/facts.h). It holds one small
 * entry per distinct contract; the versions themselves are not copied.
 * Exit codes: exit_codes below; 70 when the records cannot be read (an
 * internal error: they are the pipeline's own) or memory is short. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apperr.h"
#include "facts.h"
#include "log.h"
#include "progress.h"
#include "rec.h"
#include "values.h"
#include "versions.h"

/* The exit codes merge returns (apperr_exit checks every exit against it). */
static const int exit_codes[] = {0, 64, 70, 74};
static const apperr_stage stage = APPERR_STAGE("merge", exit_codes);

static void usage(FILE *f)
{
    fprintf(f, "usage: merge --in CONTRATS.rec --out KEPT.rec --facts MERGE.tsv\n"
               "             [--dispositifs APPR[,PROF]] [--rows N]\n"
               "Merges contract versions (latest extraction, then latest amendment date, then\n"
               "highest amendment number, then last read), applies the exclusions (cancelled\n"
               "or deleted, rupture before the start, a dispositif not listed: APPR by\n"
               "default) and writes the row numbers of the kept versions and per-file counts.\n"
               "--rows: the number of versions in CONTRATS.rec (the table is sized once).\n"
               "Records that cannot be read are an internal error (70).\n");
    apperr_help(f, &stage);
}

/* The command line. */
struct options {
    const char *in, *out, *facts, *dispositifs;
    unsigned long rows; /* --rows, 0 when not given */
};

/* parse_options: GO_ON when the stage is to run, else its outcome (APPERR_OK
 * after --help, APPERR_USAGE with the usage shown). */
#define GO_ON (-1)

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option opts[] = {{"in", required_argument, NULL, 'i'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"facts", required_argument, NULL, 'f'},
                                         {"dispositifs", required_argument, NULL, 'd'},
                                         {"rows", required_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;

    memset(o, 0, sizeof *o);
    o->dispositifs = "APPR";
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            o->in = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'f':
            o->facts = optarg;
            break;
        case 'd':
            o->dispositifs = optarg;
            if (!versions_dispositifs_ok(optarg)) {
                fprintf(stderr, "merge: bad list of dispositifs '%s'\n", optarg);
                usage(stderr);
                return APPERR_USAGE;
            }
            break;
        case 'r':
            if (val_count(optarg, ULONG_MAX, &o->rows)) {
                fprintf(stderr, "merge: --rows: '%s' is not a number of rows\n", optarg);
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
    if (!o->in || !o->out || !o->facts || optind != argc) {
        usage(stderr);
        return APPERR_USAGE;
    }
    return GO_ON;
}

/* Logs that memory ran short; APPERR_NOMEM. */
static int out_of_memory(void)
{
    log_error("out of memory while merging the contract versions");
    return APPERR_NOMEM;
}

/* Reads every version of the records at path into v (its table sized for
 * rows versions at once, when rows is not 0) and decides the kept ones and
 * the exclusions. 0, or APPERR_NOMEM, APPERR_INTERNAL (records that cannot
 * be read) or APPERR_LIMIT (more contracts than the table holds) with the
 * error logged. */
static int merge_versions(versions *v, const char *path, unsigned long rows)
{
    char err[1024];
    if (rows && versions_expect(v, rows))
        return out_of_memory();
    switch (versions_read_records(v, path, err, sizeof err)) {
    case APPERR_OK:
        break;
    case APPERR_INTERNAL:
        log_own_file(path, err);
        return APPERR_INTERNAL;
    case APPERR_LIMIT:
        log_error("%s", err);
        return APPERR_LIMIT;
    default:
        return out_of_memory();
    }
    return versions_finish(v) ? out_of_memory() : 0;
}

int main(int argc, char **argv)
{
    struct options o;
    char err[1024];
    versions *v;
    int rc;

    log_init_env("merge");
    if ((rc = parse_options(argc, argv, &o)) != GO_ON)
        return apperr_exit(&stage, rc);
    if (!(v = versions_new(o.dispositifs, err, sizeof err)))
        return apperr_exit(&stage, out_of_memory());
    rc = merge_versions(v, o.in, o.rows);
    if (!rc && versions_write(v, o.out, o.facts, err, sizeof err)) {
        log_error("%s", err);
        rc = APPERR_WRITE;
    }
    if (!rc)
        log_info("versions=%lu contracts=%zu kept=%lu", versions_rows(v), versions_distinct(v),
                 versions_nkept(v));
    versions_free(v);
    return apperr_exit(&stage, rc);
}

/* merge: the version merge and exclusions of spec/inputs.md ("Versions and
 * exclusions"). Reads the contract versions ingest wrote once, keeps one
 * version per numero_contrat (latest extraction date, then latest
 * date_effet_avenant, then highest numero_avenant, then the one read last),
 * excludes cancelled and deleted contracts, ruptures before the start and
 * contracts of another dispositif, and writes the row numbers of the kept
 * versions plus per-file counts (stages/lib/facts.h). It holds one small
 * entry per distinct contract; the versions themselves are not copied.
 * Exit codes: 0, 64 usage, 70 the records cannot be read (an internal
 * error: they are the pipeline's own), 74 a write failed. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "facts.h"
#include "log.h"
#include "progress.h"
#include "rec.h"
#include "versions.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: merge --in CONTRATS.rec --out KEPT.rec --facts MERGE.tsv\n"
               "             [--dispositifs APPR[,PROF]] [--rows N]\n"
               "Merges contract versions (latest extraction, then latest amendment date, then\n"
               "highest amendment number, then last read), applies the exclusions (cancelled\n"
               "or deleted, rupture before the start, a dispositif not listed: APPR by\n"
               "default) and writes the row numbers of the kept versions and per-file counts.\n"
               "--rows: the number of versions in CONTRATS.rec (the table is sized once).\n"
               "Exit codes: 0, 64 usage, 70 unreadable records, 74 I/O.\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"in", required_argument, NULL, 'i'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"facts", required_argument, NULL, 'f'},
                                         {"dispositifs", required_argument, NULL, 'd'},
                                         {"rows", required_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *in = NULL, *out = NULL, *factspath = NULL, *dispositifs = "APPR";
    char err[1024], *end;
    unsigned long rows = 0;
    versions *v;
    int c, rc = 0;

    log_init_env("merge");
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            in = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'f':
            factspath = optarg;
            break;
        case 'd':
            dispositifs = optarg;
            break;
        case 'r':
            errno = 0;
            rows = strtoul(optarg, &end, 10);
            if (errno || end == optarg || *end || *optarg == '-') {
                fprintf(stderr, "merge: --rows: '%s' is not a number of rows\n", optarg);
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
    if (!in || !out || !factspath || optind != argc) {
        usage(stderr);
        return EX_USAGE;
    }
    if (!(v = versions_new(dispositifs, err, sizeof err))) {
        fprintf(stderr, "merge: %s\n", err);
        usage(stderr);
        return EX_USAGE;
    }
    if (rows && versions_expect(v, rows)) {
        log_error("out of memory while merging the contract versions");
        versions_free(v);
        return EX_SOFTWARE;
    }
    switch (versions_read_records(v, in, err, sizeof err)) {
    case 0:
        break;
    case -1:
        log_own_file(in, err);
        rc = EX_SOFTWARE;
        break;
    default:
        log_error("out of memory while merging the contract versions");
        rc = EX_SOFTWARE;
    }
    if (!rc && versions_finish(v)) {
        log_error("out of memory while merging the contract versions");
        rc = EX_SOFTWARE;
    }
    if (!rc && versions_write(v, out, factspath, err, sizeof err)) {
        log_error("%s", err);
        rc = EX_IOERR;
    }
    if (!rc)
        log_info("versions=%lu contracts=%zu kept=%lu", versions_rows(v), versions_distinct(v),
                 versions_nkept(v));
    versions_free(v);
    return rc;
}

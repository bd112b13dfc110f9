/* dump: prints a record file of the pipeline (stages/lib/rec.h: what
 * ingest, merge and the other stages pass to each other) as TSV with its
 * column names, so that a person can read any intermediate file kept by
 * `pipeline/run --keep-work DIR`. Its exit codes are exit_codes below. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apperr.h"
#include "log.h"
#include "rec.h"

/* The exit codes dump returns (apperr_exit checks every exit against it). */
static const int exit_codes[] = {0, 64, 65, 70, 74};
static const apperr_stage stage = APPERR_STAGE("dump", exit_codes);

static void usage(FILE *f)
{
    fprintf(f, "usage: dump [--header] FILE.rec\n"
               "Prints a record file as TSV: a line of column names, then one line per row\n"
               "(dates YYYY-MM-DD, codes as their values, missing values empty; \\\\, \\t, \\n\n"
               "and \\r escaped). --header prints the columns, their types and the values of\n"
               "coded columns instead. A file that is not a record file (or a damaged one) is\n"
               "bad data (65).\n");
    apperr_help(f, &stage);
}

static const char *type_name(enum rec_type t)
{
    static const char *const names[] = {"", "date", "int", "code", "text", "id128"};
    return t >= REC_DATE && t <= REC_ID128 ? names[t] : "?";
}

int main(int argc, char **argv)
{
    char err[1024];
    rec_reader *r;
    int header = 0, rc = 0;
    size_t i, k;

    log_init_env("dump"); /* apperr_exit's message names the stage */
    if (argc == 2 && !strcmp(argv[1], "--help")) {
        usage(stdout);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "--header"))
        header = 1;
    else if (argc != 2 || (argv[1][0] == '-' && argv[1][1])) {
        usage(stderr);
        return apperr_exit(&stage, APPERR_USAGE);
    }
    errno = 0;
    r = rec_open(argv[argc - 1], err, sizeof err);
    if (!r) {
        fprintf(stderr, "ERROR dump: %s\n", err);
        return apperr_exit(&stage, errno == ENOMEM ? APPERR_NOMEM
                                   : errno         ? APPERR_READ
                                                   : APPERR_DATA);
    }
    if (header) {
        printf("kind\t%s\n", r->h.kind);
        for (i = 0; i < r->h.ncols; i++) {
            const rec_col *c = &r->h.cols[i];
            printf("%s\t%s", c->name, type_name(c->type));
            for (k = 0; k < c->nvals; k++)
                printf("%s%s%s%s", k ? "|" : "\t", c->vals[k], c->labels[k] ? "=" : "",
                       c->labels[k] ? c->labels[k] : "");
            printf("\n");
        }
    } else if (rec_dump(r, stdout, err, sizeof err)) {
        fprintf(stderr, "ERROR dump: %s\n", err);
        rc = APPERR_DATA;
    }
    rec_close_reader(r);
    if (fflush(stdout) || ferror(stdout))
        rc = APPERR_WRITE;
    return apperr_exit(&stage, rc);
}

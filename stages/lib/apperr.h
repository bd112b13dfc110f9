/* apperr.h: the one error vocabulary of the pipeline (the way libxlsxwriter
 * has lxw_error and lxw_strerror). Library functions return, or store, an
 * enum apperr that says what went wrong in the library's terms; only the
 * programs (the stages and the driver) turn it into an exit code of
 * spec/outputs.md, through the one table of apperr.c. A stage declares the
 * exit codes it can return (an apperr_stage), prints them in its --help from
 * that table, and leaves through apperr_exit, which refuses a code it did not
 * declare. */
#ifndef APPERR_H
#define APPERR_H

#include <stddef.h>
#include <stdio.h>

/* The values are small (0 to APPERR_COUNT - 1) and none is an exit code, so
 * that an exit code passed where an apperr is expected is seen as a bug. */
enum apperr {
    APPERR_OK = 0,
    APPERR_USAGE,    /* a command line the program does not take (64) */
    APPERR_DATA,     /* a file's content is bad (gzip, CSV, header, record
                      * file), a conservation check or the reject rate
                      * fails, a --verify mismatch (65) */
    APPERR_NOINPUT,  /* an input folder or file that must exist does not (66) */
    APPERR_NOMEM,    /* out of memory (70) */
    APPERR_INTERNAL, /* a broken invariant, or a file the pipeline wrote
                      * itself that cannot be used (70) */
    APPERR_LIMIT,    /* beyond what a table of the pipeline holds (70) */
    APPERR_CREATE,   /* an output (folder) cannot be created, or holds files
                      * the pipeline did not write (73) */
    APPERR_READ,     /* an input cannot be opened or read (74) */
    APPERR_WRITE,    /* a write, rename, fsync or close fails, disk full (74) */
    APPERR_LOCKED,   /* another run holds the lock on the output folder (75) */
    APPERR_CONFIG,   /* a configuration or schema is unreadable or invalid,
                      * a key is missing or too short (78) */
    APPERR_COUNT
};

/* apperr_str: what e means, in a few words ("out of memory"); "unknown
 * error" for a value outside the enum. */
const char *apperr_str(enum apperr e);

/* apperr_exit_code: the exit code of spec/outputs.md for e (0 for
 * APPERR_OK); 70 for a value outside the enum. */
int apperr_exit_code(enum apperr e);

/* One row of spec/outputs.md's "Exit codes" table (but 128+n, the driver's
 * own signal codes). */
typedef struct apperr_exit_row {
    int code;
    const char *meaning; /* the spec's words, shortened to a --help line */
} apperr_exit_row;

/* apperr_exit_rows: the table, in increasing code order; *n gets its size. */
const apperr_exit_row *apperr_exit_rows(size_t *n);

/* apperr_exit_meaning: the table's meaning of code, or NULL when code is not
 * in the table. */
const char *apperr_exit_meaning(int code);

/* The exit codes a stage can return, in increasing order. */
typedef struct apperr_stage {
    const char *name; /* the stage ("ingest") */
    const int *codes;
    size_t n;
} apperr_stage;

#define APPERR_STAGE(name, codes)                                                                  \
    {                                                                                              \
        (name), (codes), sizeof(codes) / sizeof(codes)[0]                                          \
    }

/* apperr_help: the "Exit codes:" lines of a stage's --help on out, one per
 * declared code, with the table's meaning. */
void apperr_help(FILE *out, const apperr_stage *s);

/* apperr_exit: the exit code of e for stage s. A code s does not declare is
 * a programming error: it is logged and, unless NDEBUG (never defined by the
 * Makefile, so every build and every e2e run catches it), the stage aborts,
 * which the driver reports as a crash (70); with NDEBUG it returns 70. */
int apperr_exit(const apperr_stage *s, enum apperr e);

#endif

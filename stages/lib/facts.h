/* facts.h: what one stage learns and passes on to the others, so that no
 * stage re-derives it: ingest's per-file counts, merge's per-file counts,
 * the cells statistical secrecy hid per table (indicators), and each output
 * file's size, hashes and rows as its writer knew them.
 * Each is a small TSV file (stages/lib/tsv.h) written and read only here. */
#ifndef FACTS_H
#define FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "values.h"

/* Rejection codes, in the order of the quality report's columns. */
enum facts_code {
    FC_COLONNES,
    FC_REQUIS,
    FC_DATE,
    FC_DATES,
    FC_SIRET,
    FC_UAI,
    FC_ENUM,
    FC_CODE_POSTAL,
    FC_AGE,
    FC_ENCODAGE,
    FC_OPCO,
    FC_DOUBLON,
    FC_EVENEMENT_INCONNU,
    FC_NCODES
};
extern const char *const facts_code_names[FC_NCODES];
/* The code of a name, or -1. */
int facts_code_of(const char *name);

/* One input file as ingest read it (a row of the quality report). */
typedef struct facts_input {
    char *file, *encoding, *separator, *ignored;
    unsigned long read, accepted, rejected, codes[FC_NCODES], invalid;
    long dups;             /* doublons_participations; -1 for files of other kinds */
    date_t extraction_max; /* contract files: latest extraction date of the accepted rows */
} facts_input;

/* One contract file as merge saw it. */
typedef struct facts_merge {
    char *file;
    unsigned long versions, replaced, cancelled, rupture_before, dispositif, kept;
    long uai_unknown; /* -1 when there is no cfa.csv */
    unsigned long region_nd, opco_nd;
    date_t extraction_max; /* DATE_NONE when the file has no accepted row */
} facts_merge;

/* One output file, as its writer knew it. */
typedef struct facts_output {
    char *file; /* name in the output folder */
    unsigned long long bytes;
    char sha256[65], content_sha256[65]; /* content: of the uncompressed bytes; "" for a zip */
    long long rows;                      /* data rows; -1 for the workbook */
} facts_output;

/* The cells statistical secrecy hid in one table, from indicators. */
typedef struct facts_secrecy {
    char *table;
    unsigned long primary, secondary;
    char *audit; /* "passed", or why it did not run */
} facts_secrecy;

/* A list of facts of one kind, read from or written to one file. */
typedef struct facts_list {
    size_t n, cap;
    void *items;
} facts_list;

/* facts_*_write: write the list (a new file). 0, or -1 with a message. */
int facts_inputs_write(const char *path, const facts_input *v, size_t n, char *err, size_t errlen);
int facts_merge_write(const char *path, const facts_merge *v, size_t n, char *err, size_t errlen);
int facts_outputs_write(const char *path, const facts_output *v, size_t n, char *err,
                        size_t errlen);
int facts_secrecy_write(const char *path, const facts_secrecy *v, size_t n, char *err,
                        size_t errlen);

/* facts_*_read: append the file's facts to *v (growing it, *n updated).
 * 0, or -1 with a message (the file is the pipeline's own: a failure is
 * an internal error). */
int facts_inputs_read(const char *path, facts_input **v, size_t *n, char *err, size_t errlen);
int facts_merge_read(const char *path, facts_merge **v, size_t *n, char *err, size_t errlen);
int facts_outputs_read(const char *path, facts_output **v, size_t *n, char *err, size_t errlen);
int facts_secrecy_read(const char *path, facts_secrecy **v, size_t *n, char *err, size_t errlen);

void facts_inputs_free(facts_input *v, size_t n);
void facts_merge_free(facts_merge *v, size_t n);
void facts_outputs_free(facts_output *v, size_t n);
void facts_secrecy_free(facts_secrecy *v, size_t n);

/* The totals over merge's files. */
typedef struct facts_merge_total {
    unsigned long versions, replaced, cancelled, rupture_before, dispositif, kept;
    date_t extraction_max;
} facts_merge_total;
void facts_merge_sum(const facts_merge *v, size_t n, facts_merge_total *t);

#endif

/* versions.h: the version merge and the exclusions of spec/inputs.md
 * ("Versions and exclusions"), over the contract records ingest writes
 * (stages/lib/rec.h): which version of each numero_contrat is kept, which
 * kept versions are excluded and why, and the per-file counts of the
 * quality report. Memory: about 32 bytes per distinct contract (a 4-byte
 * hash slot and a 28-byte entry that holds a contract number of up to 17
 * digits; a longer or non-numeric one is copied into an arena besides); the
 * versions themselves are read once and not kept. */
#ifndef VERSIONS_H
#define VERSIONS_H

#include <stddef.h>
#include <stdint.h>

#include "apperr.h"
#include "facts.h"
#include "values.h"

#define VERSIONS_MAX_DISPOSITIFS 8
#define VERSIONS_MAX_CONTRACTS 16777214UL /* distinct contract numbers */

/* What the merge needs of one accepted version. */
typedef struct versions_row {
    const char *num; /* numero_contrat, normalised */
    size_t numlen;
    uint32_t file;                   /* index of its file */
    date_t extraction, avenant_date; /* avenant_date: DATE_NONE when missing */
    int64_t avenant_number;          /* -1 when missing */
    int cancelled;                   /* statut Annulé or Supprimé */
    date_t suppression;              /* date_suppression, DATE_NONE when missing */
    date_t debut, rupture;           /* rupture: DATE_NONE when missing */
    int rupture_avant_debut;         /* DECA's flag: 1 true, 0 false or missing */
    const char *dispositif;          /* NULL or "" when missing */
    int region_nd, opco_nd;
    int uai_known; /* 1, 0, or -1 when there is no cfa.csv */
} versions_row;

/* Why a kept version is excluded (spec order: the first that applies). */
enum versions_exclusion { VX_NONE, VX_CANCELLED, VX_RUPTURE_BEFORE, VX_DISPOSITIF };

/* versions_newer: 1 when version b replaces version a read before it
 * (latest extraction date, then latest date_effet_avenant, missing oldest,
 * then highest numero_avenant, missing lowest; a full tie goes to b, the one
 * read last). */
int versions_newer(const versions_row *a, const versions_row *b);

typedef struct versions versions;

/* versions_dispositifs_ok: 1 when list is a comma-separated list of
 * dispositifs versions_new takes (at most 8, each of 1 to 15 bytes). */
int versions_dispositifs_ok(const char *list);

/* versions_new: dispositifs is the comma-separated list of the
 * configuration's `dispositifs` (APPR, PROF). NULL with a message when the
 * list is malformed (versions_dispositifs_ok says it first) or memory is
 * short. */
versions *versions_new(const char *dispositifs, char *err, size_t errlen);
void versions_free(versions *v);

/* versions_exclusion: the exclusion of a kept version. */
enum versions_exclusion versions_exclusion(const versions *v, const versions_row *r);

/* versions_add: one accepted version, in read order (row number seq, from
 * 1). APPERR_OK; APPERR_NOMEM; APPERR_LIMIT beyond what the table holds
 * (more than VERSIONS_MAX_CONTRACTS distinct contract numbers, or a number
 * longer than 65 535 bytes). */
enum apperr versions_add(versions *v, const versions_row *r, uint32_t seq);

/* versions_files: declare the input files (their names, in index order)
 * before versions_finish. 0 or -1 (out of memory). */
int versions_files(versions *v, const char *const *names, size_t n);

/* versions_finish: decide the exclusions and count per file. 0, or -1
 * when out of memory. */
int versions_finish(versions *v);
/* A run of kept row numbers: first, first + 1, ..., first + count - 1. */
typedef struct versions_run {
    uint32_t first, count;
} versions_run;
/* The kept rows as runs, ascending; valid until versions_free. */
const versions_run *versions_kept(const versions *v, size_t *n);
unsigned long versions_nkept(const versions *v);
/* Per-file counts, in file index order; valid until versions_free. */
const facts_merge *versions_counts(const versions *v, size_t *n);
/* Distinct contracts and versions seen. */
size_t versions_distinct(const versions *v);
unsigned long versions_rows(const versions *v);

/* versions_expect: sizes the table for `rows` versions at once (the
 * number ingest counted), so that it never grows; 0, or -1 when out of
 * memory. Without it, versions_read_records sizes it from the file's size. */
int versions_expect(versions *v, unsigned long rows);

/* versions_read_records: add every version of a contract record file (and
 * declare its files). APPERR_OK; APPERR_INTERNAL with a message when it
 * cannot be read (a record file of this run); APPERR_NOMEM; APPERR_LIMIT
 * with a message beyond what the table holds (see versions_add). */
enum apperr versions_read_records(versions *v, const char *path, char *err, size_t errlen);
/* versions_write: the kept rows (record file of runs `version_debut`,
 * `nombre`) and the per-file facts. 0, or -1 with a message. */
int versions_write(const versions *v, const char *kept_path, const char *facts_path, char *err,
                   size_t errlen);

#endif

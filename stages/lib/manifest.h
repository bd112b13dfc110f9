/* manifest.h: the run's manifest.yaml (spec/outputs.md "Manifest"): the
 * software and version, every parameter, each input file with its bytes,
 * SHA-256, encoding, separator and row counts, each reference table, each
 * output with its bytes, SHA-256, SHA-256 of the uncompressed content and
 * data rows, the cells statistical secrecy hid per table and the audit's
 * result, and the conservation totals. No absolute path, host, user or
 * time goes into it. */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stddef.h>

#include "apperr.h"
#include "refdata.h"

typedef struct manifest_params {
    const char *config_name, *config_sha256;
    const char *observation_date, *observation_source;
    const char *years;     /* "" when every year */
    int secrecy_threshold; /* 0: secrecy disabled */
    double max_reject_rate;
    const char *key_fingerprint;
    char *const *targets; /* "YEAR:OPCO:REGION=N" (TOTAL when no région) */
    size_t ntargets;
    const char *schemas_dir;        /* to hash the schema files */
    double max_expansion;           /* the bound on gzip inputs; 0: not listed */
    const char *const *dispositifs; /* the contract kinds counted ("APPR", "PROF") */
    size_t ndispositifs;
} manifest_params;

#define MANIFEST_MAX_FACTS 8

/* The facts files of the run's stages (stages/lib/facts.h). */
typedef struct manifest_work {
    const char *quality[3]; /* ingest's per-file counts: contrats, evenements, participations */
    const char *merge;      /* merge's per-file counts */
    /* the output facts files, NULL-terminated; a missing file is skipped
     * (the first manifest is written before the workbook) */
    const char *outputs[MANIFEST_MAX_FACTS];
    const char *secrecy; /* indicators' per-table secrecy counts, or NULL */
    /* 1: a draft (the first manifest, for the workbook's Provenance sheet),
     * not forced to disk: only report reads it, and a crash loses the run */
    int draft;
} manifest_work;

/* The SHA-256 and size of every input file, computed once (the driver does
 * it on a thread of its own while the stages run). */
typedef struct manifest_hashes {
    size_t n;
    char (*sha)[65];
    unsigned long long *bytes;
    int failed; /* errno of the first file that could not be read, 0 */
    size_t failed_at;
} manifest_hashes;

/* manifest_hash_inputs: fills h for the n inputs (paths relative to
 * input_dir). 0, or -1 (h->failed set, or out of memory). */
int manifest_hash_inputs(manifest_hashes *h, const char *input_dir, char *const *inputs, size_t n);
void manifest_hashes_free(manifest_hashes *h);

/* manifest_sha256: hex SHA-256 of a file's bytes (gz 0) or of its gzip
 * content (gz 1) into hex (65 bytes), its size into *bytes. 0 or -1 (errno). */
int manifest_sha256(const char *path, int gz, char *hex, unsigned long long *bytes);

/*
 * manifest_write: write outdir/manifest.yaml listing the inputs (paths
 * relative to input_dir; their hashes from h, or computed when h is NULL), the
 * reference tables of ref, and the outputs the facts files of w list (sorted by
 * name; the workbook's parts are read from outdir). Returns APPERR_OK, or
 * with a message APPERR_INTERNAL when a facts file cannot be read,
 * APPERR_READ when an input, a reference table or the workbook cannot be
 * read, APPERR_WRITE when the manifest cannot be written.
 */
enum apperr manifest_write(const char *outdir, const manifest_params *p, const char *input_dir,
                           char *const *inputs, size_t ninputs, const manifest_hashes *h,
                           const manifest_work *w, const refdata *ref, char *err, size_t errlen);

typedef void (*manifest_part_fn)(void *data, const char *name, const char *sha256);
/* manifest_zip_parts: calls fn with the name and content SHA-256 of every
 * part of a zip (the workbook), in the zip's order, on the caller's thread.
 * The parts are read by MANIFEST_ZIP_THREADS threads (the caller's and
 * others, each with its own handle on the zip; the largest parts first: one
 * sheet can be most of the workbook's XML), all read before fn is called.
 * 0, or -1 when the zip or one of its parts cannot be read (a bad CRC-32
 * too; fn has then been called for the parts before that one).
 * manifest_zip_parts_threads: the same with threads readers (par_run's:
 * at most PAR_MAX_THREADS; 1: the caller's thread alone). */
#define MANIFEST_ZIP_THREADS 2
int manifest_zip_parts(const char *path, manifest_part_fn fn, void *data);
int manifest_zip_parts_threads(const char *path, int threads, manifest_part_fn fn, void *data);

typedef void (*manifest_diff_fn)(void *data, const char *field, const char *expected,
                                 const char *actual);
/*
 * manifest_compare: compares two manifests field by field, but for the
 * outputs' compressed sizes and hashes (an auditor's zlib may differ; the
 * content hashes and the workbook parts are compared). Calls fn for each
 * difference; returns their number, or -1 with a message when a manifest
 * cannot be read.
 */
int manifest_compare(const char *expected, const char *actual, manifest_diff_fn fn, void *data,
                     char *err, size_t errlen);

/* manifest_check_published: the outputs the manifest lists that sit beside
 * it are checked against it (content SHA-256, workbook parts). Returns the
 * number of differences (each passed to fn), or -1 with a message. */
int manifest_check_published(const char *mpath, manifest_diff_fn fn, void *data, char *err,
                             size_t errlen);

#endif

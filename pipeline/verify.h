/* verify.h: --verify MANIFEST (spec/outputs.md): the run is done again
 * with the parameters MANIFEST records, into a private folder, and its
 * manifest, then the outputs published beside MANIFEST, are compared with
 * MANIFEST. A parameter given on the command line wins over the manifest's,
 * and a note says so. Nothing here touches the driver's state: the caller
 * applies what verify_read_params returns and removes the private folder.
 *
 * Functions that can fail return 0 or an exit code of spec/outputs.md with a
 * message for the log in err. */
#ifndef VERIFY_H
#define VERIFY_H

#include <stddef.h>

#include "config.h"
#include "manifest.h"
#include "settings.h"

#define VERIFY_MAX_NOTES 3

/* What the rerun takes from MANIFEST's parameters: each one it records
 * that the command line does not give (a NULL string, a has_ flag at 0: not
 * taken). Every string is owned. */
typedef struct verify_params {
    char *observation_date;
    char *observation_source; /* how the manifest's run found its date */
    char *years;              /* "": every year */
    int has_secrecy, secrecy;
    int has_max_reject_rate;
    double max_reject_rate;
    int has_max_expansion; /* taken only when above 1 */
    double max_expansion;
    int has_dispositifs; /* the APPR and PROF items of the manifest's list, in its order */
    const char *dispositifs[CONFIG_MAX_DISPOSITIFS];
    size_t ndispositifs;
    int has_targets; /* "YEAR:OPCO:REGION=N" as the manifest lists them */
    char *targets[CONFIG_MAX_TARGETS];
    size_t ntargets;
    /* for the log: each option that wins over a recorded parameter */
    char *notes[VERIFY_MAX_NOTES];
    size_t nnotes;
} verify_params;

void verify_params_init(verify_params *p);
void verify_params_free(verify_params *p);

/*
 * verify_read_params: reads the parameters of manifest into p, but those
 * that given (the command line) sets. Returns 0; 66 when manifest does not
 * exist; 65 when it cannot be read or has no "parameters" mapping; 70 when
 * out of memory.
 */
int verify_read_params(const char *manifest, const settings_options *given, verify_params *p,
                       char *err, size_t errlen);

/* verify_apply: the parameters p holds replace those of s->cfg (the
 * manifest's targets replace the configured ones, resolved or not), and
 * p's observation source becomes s's. 0, or 70 when out of memory. */
int verify_apply(const verify_params *p, settings *s);

/* verify_private_folder: makes TMPDIR/apprentissage-verify.XXXXXX (tmpdir
 * NULL: /tmp), readable by its owner only, for the rerun to publish into its
 * "out" folder: *folder and *output get the two paths (the caller removes
 * folder and frees both). 0, or 73 with a message. */
int verify_private_folder(const char *tmpdir, char **folder, char **output, char *err,
                          size_t errlen);

/*
 * verify_compare: MANIFEST against the rerun's output/manifest.yaml (field
 * by field; for outputs, their content and workbook parts, not compressed
 * bytes: see manifest_compare), then the outputs published beside MANIFEST
 * against MANIFEST. Calls fn for each difference and returns their number,
 * or -1 with a message when a manifest cannot be read.
 */
int verify_compare(const char *manifest, const char *output, manifest_diff_fn fn, void *data,
                   char *err, size_t errlen);

#endif

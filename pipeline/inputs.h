/* inputs.h: the input files of a drop (spec/inputs.md): in each of the
 * folders contrats/, evenements/ and participations/ of INPUT_DIR, the
 * regular files whose name ends .csv or .csv.gz and does not start with '.',
 * in byte order of their names. Names are kept relative to INPUT_DIR
 * ("contrats/a.csv"), as the stages and the manifest use them. */
#ifndef INPUTS_H
#define INPUTS_H

#include <stddef.h>

#define INPUTS_MAX 4096 /* files in one folder, and in the three together */

/* The three kinds of input, in the order the manifest lists them. */
enum inputs_kind { INPUTS_CONTRATS, INPUTS_EVENEMENTS, INPUTS_PARTICIPATIONS, INPUTS_NKINDS };

/* Each kind's folder name, which is also its name for ingest --kind. */
extern const char *const inputs_kind_names[INPUTS_NKINDS];

typedef struct inputs {
    char **files[INPUTS_NKINDS]; /* each kind's files, owned */
    size_t n[INPUTS_NKINDS];
    char **all; /* the three lists in a row, borrowed from files (inputs_join) */
    size_t nall;
} inputs;

/* Called for each entry of a folder that is not an input: its name
 * relative to INPUT_DIR and why it is left out ("a hidden file", "not a .csv
 * or .csv.gz file"). */
typedef void (*inputs_ignored_fn)(void *data, const char *path, const char *why);

void inputs_init(inputs *in);
void inputs_free(inputs *in);

/*
 * inputs_list: lists kind's folder of input_dir into in (sorted). Returns 0;
 * 1 when the folder does not exist (no file of that kind); 74 when it cannot
 * be read, 65 when it holds more than INPUTS_MAX files, 70 when out of memory,
 * each with a message.
 */
int inputs_list(inputs *in, const char *input_dir, enum inputs_kind kind, inputs_ignored_fn ignored,
                void *data, char *err, size_t errlen);

/* inputs_join: in->all gets every listed file, contracts first. 0, or 65
 * with a message naming input_dir when there are more than INPUTS_MAX. */
int inputs_join(inputs *in, const char *input_dir, char *err, size_t errlen);

#endif

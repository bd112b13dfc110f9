#define _GNU_SOURCE /* asprintf */
#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

const char *const inputs_kind_names[INPUTS_NKINDS] = {"contrats", "evenements", "participations"};

void inputs_init(inputs *in)
{
    memset(in, 0, sizeof *in);
}

void inputs_free(inputs *in)
{
    size_t i;
    int k;
    for (k = 0; k < INPUTS_NKINDS; k++) {
        for (i = 0; i < in->n[k]; i++)
            free(in->files[k][i]);
        free(in->files[k]);
    }
    free(in->all);
    inputs_init(in);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, size_t n, const char *end)
{
    size_t m = strlen(end);
    return n > m && !strcmp(s + n - m, end);
}

/* Why the entry name of folder dir is not an input, or NULL when it is one. */
static const char *not_an_input(const char *dir, const char *name)
{
    size_t n = strlen(name);
    struct stat st;
    char *p;
    int regular;
    if (name[0] == '.')
        return "a hidden file";
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        return "not a .csv or .csv.gz file"; /* out of memory: cannot tell */
    regular = stat(p, &st) == 0 && S_ISREG(st.st_mode);
    free(p);
    if (!regular || !(ends_with(name, n, ".csv") || ends_with(name, n, ".csv.gz")))
        return "not a .csv or .csv.gz file";
    return NULL;
}

/* Appends "sub/name" to kind's list. 0, or -1 when out of memory. */
static int add_file(inputs *in, enum inputs_kind kind, const char *name)
{
    size_t n = in->n[kind];
    if (n % 64 == 0) {
        char **grown = realloc(in->files[kind], (n + 64) * sizeof *grown);
        if (!grown)
            return -1;
        in->files[kind] = grown;
    }
    if (asprintf(&in->files[kind][n], "%s/%s", inputs_kind_names[kind], name) < 0)
        return -1;
    in->n[kind] = n + 1;
    return 0;
}

int inputs_list(inputs *in, const char *input_dir, enum inputs_kind kind, inputs_ignored_fn ignored,
                void *data, char *err, size_t errlen)
{
    const char *sub = inputs_kind_names[kind];
    char *dir, *path;
    DIR *d;
    struct dirent *e;
    int rc = 0;

    if (asprintf(&dir, "%s/%s", input_dir, sub) < 0) {
        snprintf(err, errlen, "out of memory");
        return EX_SOFTWARE;
    }
    if (!(d = opendir(dir))) {
        rc = errno == ENOENT ? 1 : EX_IOERR;
        if (rc != 1)
            snprintf(err, errlen, "%s: cannot read the folder: %s", dir, strerror(errno));
        free(dir);
        return rc;
    }
    while (!rc && (e = readdir(d))) {
        const char *why;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if ((why = not_an_input(dir, e->d_name))) {
            if (asprintf(&path, "%s/%s", sub, e->d_name) >= 0) {
                ignored(data, path, why);
                free(path);
            }
        } else if (in->n[kind] == INPUTS_MAX) {
            snprintf(err, errlen, "%s: more than %d files", dir, INPUTS_MAX);
            rc = EX_DATAERR;
        } else if (add_file(in, kind, e->d_name)) {
            snprintf(err, errlen, "out of memory");
            rc = EX_SOFTWARE;
        }
    }
    closedir(d);
    free(dir);
    if (!rc && in->n[kind] > 1)
        qsort(in->files[kind], in->n[kind], sizeof *in->files[kind], cmp_str);
    return rc;
}

int inputs_join(inputs *in, const char *input_dir, char *err, size_t errlen)
{
    size_t total = 0, i;
    int k;
    for (k = 0; k < INPUTS_NKINDS; k++)
        total += in->n[k];
    if (total > INPUTS_MAX) {
        snprintf(err, errlen, "%s: more than %d input files", input_dir, INPUTS_MAX);
        return EX_DATAERR;
    }
    free(in->all);
    in->nall = 0;
    if (!(in->all = malloc((total ? total : 1) * sizeof *in->all))) {
        snprintf(err, errlen, "out of memory");
        return EX_SOFTWARE;
    }
    for (k = 0; k < INPUTS_NKINDS; k++)
        for (i = 0; i < in->n[k]; i++)
            in->all[in->nall++] = in->files[k][i];
    return 0;
}

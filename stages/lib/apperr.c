#include "apperr.h"

#include <assert.h>

#include "log.h"

/* Each error kind, its words and its exit code (spec/outputs.md "Exit
 * codes"). Out of memory is 70: the spec's 74 is for files (an input that
 * cannot be read, a write that fails, a full disk), and a stage the system
 * kills for its memory is 70 already. */
static const struct {
    const char *str;
    int code;
} kinds[APPERR_COUNT] = {
    [APPERR_OK] = {"no error", 0},
    [APPERR_USAGE] = {"usage error", 64},
    [APPERR_DATA] = {"bad data", 65},
    [APPERR_NOINPUT] = {"input missing", 66},
    [APPERR_NOMEM] = {"out of memory", 70},
    [APPERR_INTERNAL] = {"internal error", 70},
    [APPERR_LIMIT] = {"beyond the pipeline's limits", 70},
    [APPERR_CREATE] = {"cannot create an output", 73},
    [APPERR_READ] = {"cannot read an input", 74},
    [APPERR_WRITE] = {"write error", 74},
    [APPERR_LOCKED] = {"output folder locked by another run", 75},
    [APPERR_CONFIG] = {"configuration error", 78},
};

/* spec/outputs.md's table, in its order. */
static const apperr_exit_row rows[] = {
    {0, "success (rejected rows under the limit are not a failure)"},
    {64, "usage error: unknown option, missing argument"},
    {65, "data error: bad input content (gzip, CSV, header), a broken conservation\n"
         "     check, a reject rate above the limit, or a --verify mismatch"},
    {66, "input missing: no input folder, or no contract file"},
    {70, "internal error: out of memory, a broken invariant, or a file the\n"
         "     pipeline wrote that cannot be used"},
    {73, "an output folder (or its staging folder) cannot be created, or holds\n"
         "     files the pipeline did not write"},
    {74, "I/O error: an input cannot be opened or read; a write, rename or fsync\n"
         "     fails; disk full"},
    {75, "another run holds the lock on this output folder"},
    {78, "configuration error: unreadable or invalid YAML configuration or schema,\n"
         "     unknown configuration key, missing or too short key"},
};

const char *apperr_str(enum apperr e)
{
    return (unsigned)e < APPERR_COUNT ? kinds[e].str : "unknown error";
}

int apperr_exit_code(enum apperr e)
{
    return (unsigned)e < APPERR_COUNT ? kinds[e].code : 70;
}

const apperr_exit_row *apperr_exit_rows(size_t *n)
{
    *n = sizeof rows / sizeof rows[0];
    return rows;
}

const char *apperr_exit_meaning(int code)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rows[i].code == code)
            return rows[i].meaning;
    return NULL;
}

void apperr_help(FILE *out, const apperr_stage *s)
{
    const char *m;

    fprintf(out, "Exit codes:\n");
    for (size_t i = 0; i < s->n; i++) {
        m = apperr_exit_meaning(s->codes[i]);
        fprintf(out, "  %-3d%s\n", s->codes[i], m ? m : "?");
    }
}

int apperr_exit(const apperr_stage *s, enum apperr e)
{
    int code = apperr_exit_code(e);

    for (size_t i = 0; i < s->n; i++)
        if (s->codes[i] == code && (unsigned)e < APPERR_COUNT)
            return code;
    log_error("internal error: exit code %d (%s, error %d) is not one %s declares", code,
              apperr_str(e), (int)e, s->name);
    assert(!"a stage returned an exit code it does not declare");
    return 70;
}

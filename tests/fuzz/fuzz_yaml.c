/* fuzz_yaml.c: the YAML loader (stages/lib/yload.c) with the checks built
 * on it: the configuration (config.c, targets resolved against the shipped
 * reference tables), an input schema (schema.c) and an output schema
 * (oschema.c, through otable.c), each on the same bytes. Whatever they
 * are, each answers with a document or a message "path:line:col: ..." (or
 * "path: ..."). */
#include "config.h"
#include "fuzz.h"
#include "otable.h"
#include "refdata.h"
#include "schema.h"
#include "yload.h"

#ifndef FUZZ_SCHEMAS
#define FUZZ_SCHEMAS "schemas"
#endif

static refdata *ref;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[1024];
    enum apperr code;
    (void)argc, (void)argv;
    fuzz_setup("yaml");
    ref = refdata_load(FUZZ_SCHEMAS, NULL, &code, err, sizeof err);
    if (!ref) {
        fprintf(stderr, "fuzz_yaml: %s\n", err);
        exit(1);
    }
    return 0;
}

/* A refusal must name the file first. */
static void named(const char *err, const char *path)
{
    if (strncmp(err, path, strlen(path)) || err[strlen(path)] != ':')
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("c.yaml", data, size);
    char err[1024];
    ydoc *d;
    config c;
    schema *s;
    otable *t;
    int rc;

    d = yload_file(path, err, sizeof err);
    if (d)
        ydoc_free(d);
    else
        named(err, path);
    config_init(&c);
    rc = config_load(path, &c, err, sizeof err);
    if (!rc)
        rc = config_resolve_targets(&c, ref, err, sizeof err);
    if (rc && rc != APPERR_CONFIG)
        abort(); /* the other is out of memory only */
    if (rc)
        named(err, path);
    config_free(&c);
    s = schema_load(path, err, sizeof err);
    if (s)
        schema_free(s);
    else
        named(err, path);
    t = otable_load(path, err, sizeof err);
    if (t)
        otable_free(t);
    else
        named(err, path);
    return 0;
}

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "values.h"
#include "yload.h"

/* The closed list of keys, each with the one YAML kind it takes. */
static const struct {
    const char *name;
    enum ynode_type kind;
    const char *what; /* the kind in words, for messages */
} keys[] = {
    {"observation_date", YN_SCALAR, "a single value (YYYY-MM-DD)"},
    {"years", YN_SCALAR, "a single value (YYYY or YYYY-YYYY)"},
    {"secrecy_threshold", YN_SCALAR, "a single value (a whole number)"},
    {"pseudonymisation_key_file", YN_SCALAR, "a single value (a file path)"},
    {"max_reject_rate", YN_SCALAR, "a single value (a fraction)"},
    {"max_expansion", YN_SCALAR, "a single value (a number above 1)"},
    {"dispositifs", YN_SEQ, "a list of values (APPR, PROF)"},
    {"targets", YN_SEQ, "a list of mappings {year, opco, region, objectif}"},
    {"schemas_dir", YN_SCALAR, "a single value (a folder path)"},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static const char *const kind_names[] = {"a single value", "a list", "a mapping"};

static enum apperr fail(char *err, size_t errlen, enum apperr code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum apperr fail(char *err, size_t errlen, enum apperr code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return code;
}

void config_init(config *c)
{
    memset(c, 0, sizeof *c);
    c->secrecy = CONFIG_DEFAULT_SECRECY;
    c->max_reject_rate = CONFIG_DEFAULT_MAX_REJECT_RATE;
    c->max_expansion = CONFIG_DEFAULT_MAX_EXPANSION;
    c->dispositifs[0] = "APPR";
    c->ndispositifs = 1;
}

void config_free(config *c)
{
    size_t i;
    free(c->path);
    free(c->observation_date);
    free(c->years);
    free(c->key_file);
    free(c->schemas_dir);
    for (i = 0; i < c->ntargets; i++)
        free(c->targets[i]);
    for (i = 0; i < c->ntcfg; i++) {
        free(c->tcfg[i].opco);
        free(c->tcfg[i].region);
    }
    config_init(c);
}

int config_target_parse(const char *s, int *year, char opco[32], char region[8], long *objectif)
{
    const char *c1 = strchr(s, ':'), *eq = strchr(s, '='), *c2;
    char y[5];
    unsigned long n;
    size_t lo, lr;
    if (!c1 || c1 - s != 4 || !eq || eq < c1 || strchr(eq + 1, '=') ||
        val_count(eq + 1, 100000000, &n) || n < 1)
        return -1;
    memcpy(y, s, 4);
    y[4] = '\0';
    if (!config_years_ok(y) || strchr(y, '-'))
        return -1;
    c2 = memchr(c1 + 1, ':', (size_t)(eq - c1 - 1));
    lo = (size_t)((c2 ? c2 : eq) - c1 - 1);
    lr = c2 ? (size_t)(eq - c2 - 1) : 5;
    if (lo < 1 || lo > 31 || lr < 1 || lr > 7 || (c2 && memchr(c2 + 1, ':', lr)))
        return -1;
    *year = atoi(y);
    memcpy(opco, c1 + 1, lo);
    opco[lo] = '\0';
    memcpy(region, c2 ? c2 + 1 : "TOTAL", lr);
    region[lr] = '\0';
    *objectif = (long)n;
    return 0;
}

int config_years_ok(const char *s)
{
    int a, b;
    return val_years(s, &a, &b) == 0;
}

/* A plain decimal number: digits, then optionally '.' and digits (no sign,
 * exponent, hex, inf or nan, which strtod would take). 0 and *out, or -1. */
static int decimal(const char *s, double *out)
{
    size_t i = 0, digits = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (s[i] == '.') {
        i++;
        while (s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (s[i] || !digits || i > 32)
        return -1;
    *out = strtod(s, NULL);
    return 0;
}

/* dir/rel, or rel when it is absolute; NULL when out of memory. */
static char *join(const char *dir, const char *rel)
{
    char *p;
    size_t nd = strlen(dir), nr = strlen(rel);
    if (rel[0] == '/')
        return strdup(rel);
    p = malloc(nd + nr + 2);
    if (p) {
        memcpy(p, dir, nd);
        p[nd] = '/';
        memcpy(p + nd + 1, rel, nr + 1);
    }
    return p;
}

/* The folder of path ("." when it has none); NULL when out of memory. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* The dispositifs list: APPR and/or PROF through F(), kept in canonical
 * order, each once. APPERR_OK or an error. */
static enum apperr load_dispositifs(config *c, const ynode *v, char *err, size_t errlen)
{
    static const char *const codes[CONFIG_MAX_DISPOSITIFS] = {"APPR", "PROF"};
    static const char *const folded[CONFIG_MAX_DISPOSITIFS] = {"appr", "prof"};
    int want[CONFIG_MAX_DISPOSITIFS] = {0, 0};
    size_t i, k;
    if (v->n == 0)
        return fail(err, errlen, APPERR_CONFIG,
                    "%s:%d:%d: 'dispositifs' must list at least one of APPR, PROF", c->path,
                    v->line, v->col);
    for (i = 0; i < v->n; i++) {
        const ynode *d = v->kids[i];
        char f[8];
        if (d->type != YN_SCALAR)
            return fail(err, errlen, APPERR_CONFIG,
                        "%s:%d:%d: an item of 'dispositifs' must be a single value (APPR or "
                        "PROF), not %s",
                        c->path, d->line, d->col, kind_names[d->type]);
        k = CONFIG_MAX_DISPOSITIFS;
        if (fold_F(d->str, strlen(d->str), f, sizeof f) < sizeof f)
            for (k = 0; k < CONFIG_MAX_DISPOSITIFS && strcmp(f, folded[k]); k++)
                ;
        if (k == CONFIG_MAX_DISPOSITIFS)
            return fail(err, errlen, APPERR_CONFIG,
                        "%s:%d:%d: 'dispositifs': '%.60s' is neither APPR (apprentissage) nor "
                        "PROF (professionnalisation)",
                        c->path, d->line, d->col, d->str);
        want[k] = 1;
    }
    c->ndispositifs = 0;
    for (k = 0; k < CONFIG_MAX_DISPOSITIFS; k++)
        if (want[k])
            c->dispositifs[c->ndispositifs++] = codes[k];
    return 0;
}

/* One target mapping {year, opco, region (optional), objectif}. */
static enum apperr load_target(config *c, const ynode *t, char *err, size_t errlen)
{
    static const char *const tkeys[] = {"year", "opco", "region", "objectif"};
    const ynode *y, *o, *r, *ob;
    char *end;
    long obj;
    size_t j, k;

    if (t->type != YN_MAP)
        return fail(err, errlen, APPERR_CONFIG,
                    "%s:%d:%d: an item of 'targets' must be a mapping {year, opco, region, "
                    "objectif}, not %s",
                    c->path, t->line, t->col, kind_names[t->type]);
    for (j = 0; j < t->n; j++) {
        const ynode *key = t->kids[2 * j], *val = t->kids[2 * j + 1];
        for (k = 0; k < 4 && strcmp(key->str, tkeys[k]); k++)
            ;
        if (k == 4)
            return fail(err, errlen, APPERR_CONFIG, "%s:%d:%d: unknown target key '%.60s'", c->path,
                        key->line, key->col, key->str);
        if (val->type != YN_SCALAR)
            return fail(err, errlen, APPERR_CONFIG,
                        "%s:%d:%d: a target's '%s' must be a single value, not %s", c->path,
                        val->line, val->col, tkeys[k], kind_names[val->type]);
    }
    y = ymap_get(t, "year"), o = ymap_get(t, "opco"), r = ymap_get(t, "region");
    ob = ymap_get(t, "objectif");
    if (yis_null(y) || yis_null(o) || yis_null(ob))
        return fail(err, errlen, APPERR_CONFIG, "%s:%d:%d: a target needs year, opco and objectif",
                    c->path, t->line, t->col);
    obj = strtol(ob->str, &end, 10);
    if (end == ob->str || *end || obj <= 0 || ob->str[0] < '0' || ob->str[0] > '9' ||
        obj > 100000000)
        return fail(err, errlen, APPERR_CONFIG,
                    "%s:%d:%d: objectif must be a whole number above 0 (at most 100000000)",
                    c->path, ob->line, ob->col);
    if (!config_years_ok(y->str) || strchr(y->str, '-'))
        return fail(err, errlen, APPERR_CONFIG,
                    "%s:%d:%d: a target's year must be YYYY (2000-2099)", c->path, y->line, y->col);
    if (c->ntcfg == CONFIG_MAX_TARGETS)
        return fail(err, errlen, APPERR_CONFIG, "%s:%d:%d: more than %d targets", c->path, t->line,
                    t->col, CONFIG_MAX_TARGETS);
    c->tcfg[c->ntcfg] = (config_target){
        atoi(y->str), t->line, t->col, strdup(o->str), yis_null(r) ? NULL : strdup(r->str), obj};
    if (!c->tcfg[c->ntcfg].opco || (!yis_null(r) && !c->tcfg[c->ntcfg].region)) {
        free(c->tcfg[c->ntcfg].opco);
        free(c->tcfg[c->ntcfg].region);
        return fail(err, errlen, APPERR_NOMEM, "%s: out of memory", c->path);
    }
    c->ntcfg++;
    return 0;
}

/* One key's value, already known to be of the key's kind and not null. */
static enum apperr load_key(config *c, const char *dir, const char *name, const ynode *v, char *err,
                            size_t errlen)
{
    char **str = NULL;
    double f;
    size_t i;
    enum apperr rc;

    if (!strcmp(name, "observation_date")) {
        date_t d;
        if (val_observation_date(v->str, &d))
            return fail(err, errlen, APPERR_CONFIG,
                        "%s:%d:%d: observation_date must be a date YYYY-MM-DD, from 2000-01-01 on",
                        c->path, v->line, v->col);
        str = &c->observation_date;
    } else if (!strcmp(name, "years")) {
        if (!config_years_ok(v->str))
            return fail(err, errlen, APPERR_CONFIG,
                        "%s:%d:%d: years must be YYYY or YYYY-YYYY (2000-2099)", c->path, v->line,
                        v->col);
        str = &c->years;
    } else if (!strcmp(name, "secrecy_threshold")) {
        unsigned long n;
        if (val_count(v->str, 1000000, &n))
            return fail(err, errlen, APPERR_CONFIG,
                        "%s:%d:%d: secrecy_threshold must be a whole number from 0 to 1000000",
                        c->path, v->line, v->col);
        c->secrecy = (int)n;
    } else if (!strcmp(name, "max_reject_rate")) {
        if (decimal(v->str, &f) || f > 1)
            return fail(err, errlen, APPERR_CONFIG,
                        "%s:%d:%d: max_reject_rate must be a fraction from 0 to 1 (such as 0.10)",
                        c->path, v->line, v->col);
        c->max_reject_rate = f;
    } else if (!strcmp(name, "max_expansion")) {
        if (decimal(v->str, &f) || !(f > 1) || f > 1e9)
            return fail(err, errlen, APPERR_CONFIG,
                        "%s:%d:%d: max_expansion must be a number above 1 (a ratio of "
                        "decompressed to compressed size, such as 100)",
                        c->path, v->line, v->col);
        c->max_expansion = f;
    } else if (!strcmp(name, "pseudonymisation_key_file") || !strcmp(name, "schemas_dir")) {
        char **p = name[0] == 'p' ? &c->key_file : &c->schemas_dir;
        if (!*v->str)
            return fail(err, errlen, APPERR_CONFIG, "%s:%d:%d: %s must name a %s", c->path, v->line,
                        v->col, name, name[0] == 'p' ? "file" : "folder");
        free(*p);
        if (!(*p = join(dir, v->str)))
            return fail(err, errlen, APPERR_NOMEM, "%s: out of memory", c->path);
    } else if (!strcmp(name, "dispositifs")) {
        return load_dispositifs(c, v, err, errlen);
    } else if (!strcmp(name, "targets")) {
        for (i = 0; i < v->n; i++)
            if ((rc = load_target(c, v->kids[i], err, errlen)))
                return rc;
    }
    if (str) {
        free(*str);
        if (!(*str = strdup(v->str)))
            return fail(err, errlen, APPERR_NOMEM, "%s: out of memory", c->path);
    }
    return 0;
}

/* Key k's value v, checked for its kind, then for its form. */
static enum apperr set_key(config *c, const char *dir, size_t k, const ynode *v, char *err,
                           size_t errlen)
{
    if (v->type != keys[k].kind)
        return fail(err, errlen, APPERR_CONFIG, "%s:%d:%d: '%s' must be %s, not %s", c->path,
                    v->line, v->col, keys[k].name, keys[k].what, kind_names[v->type]);
    return load_key(c, dir, keys[k].name, v, err, errlen);
}

enum apperr config_set(config *c, const char *name, const ynode *v, char *err, size_t errlen)
{
    size_t k;
    for (k = 0; k < NKEYS && strcmp(keys[k].name, name); k++)
        ;
    if (k == NKEYS)
        return fail(err, errlen, APPERR_INTERNAL, "%s: no configuration key '%s'", c->path, name);
    return yis_null(v) ? APPERR_OK : set_key(c, ".", k, v, err, errlen);
}

enum apperr config_load(const char *path, config *c, char *err, size_t errlen)
{
    ydoc *d;
    const ynode *root;
    char *dir = NULL;
    size_t i, k;
    enum apperr rc = APPERR_OK;

    d = yload_file(path, err, errlen);
    if (!d)
        return APPERR_CONFIG;
    free(c->path);
    c->path = strdup(path);
    dir = folder_of(path);
    if (!c->path || !dir) {
        rc = fail(err, errlen, APPERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    root = d->root;
    if (root && root->type != YN_MAP) {
        rc = fail(err, errlen, APPERR_CONFIG,
                  "%s:%d:%d: the configuration must be a mapping of keys (README, Configuration), "
                  "not %s",
                  path, root->line, root->col, kind_names[root->type]);
        goto done;
    }
    for (i = 0; root && i < root->n && !rc; i++) {
        const ynode *key = root->kids[2 * i], *v = root->kids[2 * i + 1];
        for (k = 0; k < NKEYS && strcmp(keys[k].name, key->str); k++)
            ;
        if (k == NKEYS)
            rc = fail(err, errlen, APPERR_CONFIG,
                      "%s:%d:%d: unknown configuration key '%.60s' (see README, Configuration)",
                      path, key->line, key->col, key->str);
        else if (!yis_null(v)) /* "key:" alone keeps the default */
            rc = set_key(c, dir, k, v, err, errlen);
    }
done:
    free(dir);
    ydoc_free(d);
    return rc;
}

enum apperr config_resolve_targets(config *c, const refdata *ref, char *err, size_t errlen)
{
    size_t i, j;
    for (i = 0; i < c->ntcfg; i++) {
        const config_target *t = &c->tcfg[i];
        const char *op =
            !strcmp(t->opco, "TOTAL") ? "TOTAL" : ref_opco(ref, t->opco, strlen(t->opco));
        const char *rg = !t->region || !strcmp(t->region, "TOTAL")
                             ? "TOTAL"
                             : ref_region(ref, t->region, strlen(t->region));
        char spec[128];
        size_t key;
        if (!op || !rg)
            return fail(err, errlen, APPERR_CONFIG, "%s:%d:%d: unknown %s '%.60s' in a target",
                        c->path, t->line, t->col, op ? "région" : "OPCO", op ? t->region : t->opco);
        snprintf(spec, sizeof spec, "%d:%s:%s=%ld", t->year, op, rg, t->objectif);
        key = strcspn(spec, "=") + 1;
        for (j = 0; j < c->ntargets; j++)
            if (!strncmp(c->targets[j], spec, key))
                return fail(err, errlen, APPERR_CONFIG,
                            "%s:%d:%d: two targets for the same row (%.*s)", c->path, t->line,
                            t->col, (int)key - 1, spec);
        if (!(c->targets[c->ntargets] = strdup(spec)))
            return fail(err, errlen, APPERR_NOMEM, "%s: out of memory", c->path);
        c->ntargets++;
    }
    return 0;
}

#define _GNU_SOURCE /* asprintf */
#include "verify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "apperr.h"
#include "yload.h"

void verify_params_init(verify_params *p)
{
    memset(p, 0, sizeof *p);
}

void verify_params_free(verify_params *p)
{
    size_t i;
    free(p->observation_date);
    free(p->observation_source);
    free(p->years);
    for (i = 0; i < p->ntargets; i++)
        free(p->targets[i]);
    for (i = 0; i < p->nnotes; i++)
        free(p->notes[i]);
    verify_params_init(p);
}

/* The scalar value of key in the mapping m, or NULL. */
static const char *scalar(const ynode *m, const char *key)
{
    const ynode *v = ymap_get(m, key);
    return v && v->type == YN_SCALAR ? v->str : NULL;
}

/* The list under key in the mapping m, or NULL. */
static const ynode *list(const ynode *m, const char *key)
{
    const ynode *v = ymap_get(m, key);
    return v && v->type == YN_SEQ ? v : NULL;
}

static int note(verify_params *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds a note for the log. 0, or -1 when out of memory. */
static int note(verify_params *p, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = p->nnotes < VERIFY_MAX_NOTES ? vasprintf(&p->notes[p->nnotes], fmt, ap) : -1;
    va_end(ap);
    if (n < 0)
        return -1;
    p->nnotes++;
    return 0;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A damaged manifest: the message, and 78 (its parameters play the
 * configuration's part). */
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return EX_CONFIG;
}

/* 1 when t is a target as manifest_write records it (config_target_parse). */
static int target_ok(const ynode *t)
{
    char opco[32], region[8];
    int year;
    long objectif;
    return t->type == YN_SCALAR && !config_target_parse(t->str, &year, opco, region, &objectif);
}

/* *out becomes a copy of s, or stays NULL when s is. 0, or -1. */
static int copy(char **out, const char *s)
{
    return s && !(*out = strdup(s)) ? -1 : 0;
}

/* Checks each recorded parameter as a configuration file's value would be
 * checked (config_set), so that a damaged or edited manifest stops the rerun
 * with its file:line:column instead of running with a value no run could
 * have recorded; the checked values are left in chk. An empty `years` is
 * every year. 0, or 78 (70) with a message. */
static int check_recorded(const ynode *params, config *chk, char *err, size_t errlen)
{
    static const char *const names[] = {"observation_date", "years",         "secrecy_threshold",
                                        "max_reject_rate",  "max_expansion", "dispositifs"};
    const ynode *targets = ymap_get(params, "targets");
    size_t i;
    enum apperr e;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        const ynode *v = ymap_get(params, names[i]);
        if (v && !(i == 1 && v->type == YN_SCALAR && !*v->str) &&
            (e = config_set(chk, names[i], v, err, errlen)))
            return apperr_exit_code(e);
    }
    if (targets && targets->type != YN_SEQ)
        return fail(err, errlen, "%s:%d:%d: 'targets' must be a list", chk->path, targets->line,
                    targets->col);
    for (i = 0; targets && i < targets->n; i++)
        if (!target_ok(targets->kids[i]))
            return fail(err, errlen,
                        "%s:%d:%d: a target must read YEAR:OPCO:REGION=N (2000-2099, codes, N "
                        "from 1 to 100000000)",
                        chk->path, targets->kids[i]->line, targets->kids[i]->col);
    if (targets && targets->n > CONFIG_MAX_TARGETS)
        return fail(err, errlen, "%s:%d:%d: more than %d targets", chk->path, targets->line,
                    targets->col, CONFIG_MAX_TARGETS);
    return 0;
}

/* The observation date, the years and the secrecy threshold: the ones the
 * command line may give instead; values checked into chk. 0, or -1 when out
 * of memory. */
static int read_overridable(const ynode *params, const config *chk, const settings_options *given,
                            verify_params *p)
{
    const char *obs = scalar(params, "observation_date"), *years = scalar(params, "years");
    const char *secrecy = scalar(params, "secrecy_threshold");
    if (!given->observation_date &&
        copy(&p->observation_source, scalar(params, "observation_date_source")))
        return -1;
    if (obs && given->observation_date) {
        if (note(p, "--verify: --observation-date %s overrides the manifest's %s",
                 given->observation_date, obs))
            return -1;
    } else if (copy(&p->observation_date, obs))
        return -1;
    if (years && given->years) {
        if (note(p, "--verify: --years %s overrides the manifest's '%s'", given->years, years))
            return -1;
    } else if (copy(&p->years, years))
        return -1;
    if (secrecy && given->no_secrecy)
        return note(p, "--verify: --no-secrecy overrides the manifest's threshold %s", secrecy);
    p->has_secrecy = secrecy != NULL;
    p->secrecy = secrecy ? chk->secrecy : 0;
    return 0;
}

/* The parameters no option sets, checked into chk. 0, or -1 when out of
 * memory. */
static int read_recorded(const ynode *params, const config *chk, verify_params *p)
{
    const ynode *targets = list(params, "targets");
    size_t i;
    p->has_max_reject_rate = scalar(params, "max_reject_rate") != NULL;
    p->max_reject_rate = chk->max_reject_rate;
    p->has_max_expansion = scalar(params, "max_expansion") != NULL;
    p->max_expansion = chk->max_expansion;
    p->has_dispositifs = list(params, "dispositifs") != NULL;
    for (i = 0; p->has_dispositifs && i < chk->ndispositifs; i++)
        p->dispositifs[p->ndispositifs++] = chk->dispositifs[i];
    p->has_targets = targets != NULL;
    for (i = 0; targets && i < targets->n; i++) {
        if (!(p->targets[p->ntargets] = strdup(targets->kids[i]->str)))
            return -1;
        p->ntargets++;
    }
    return 0;
}

int verify_read_params(const char *manifest, const settings_options *given, verify_params *p,
                       char *err, size_t errlen)
{
    ydoc *m = yload_file_max(manifest, YLOAD_MANIFEST_MAX_BYTES, err, errlen);
    const ynode *params;
    config chk;
    int rc = 0;
    if (!m)
        return access(manifest, F_OK) ? EX_NOINPUT : EX_DATAERR;
    config_init(&chk);
    params = ymap_get(m->root, "parameters");
    if (!params || params->type != YN_MAP) {
        snprintf(err, errlen, "%s: not a manifest of this software (no parameters)", manifest);
        rc = EX_DATAERR;
    } else if (!(chk.path = strdup(manifest))) {
        snprintf(err, errlen, "out of memory");
        rc = EX_SOFTWARE;
    } else if ((rc = check_recorded(params, &chk, err, errlen))) {
        ;
    } else if (read_overridable(params, &chk, given, p) || read_recorded(params, &chk, p)) {
        snprintf(err, errlen, "out of memory");
        rc = EX_SOFTWARE;
    }
    config_free(&chk);
    ydoc_free(m);
    return rc;
}

/* The manifest's targets replace every configured one. 0, or -1. */
static int replace_targets(const verify_params *p, config *c)
{
    size_t i;
    for (i = 0; i < c->ntargets; i++)
        free(c->targets[i]);
    for (i = 0; i < c->ntcfg; i++) {
        free(c->tcfg[i].opco);
        free(c->tcfg[i].region);
    }
    c->ntargets = c->ntcfg = 0;
    for (i = 0; i < p->ntargets; i++) {
        if (!(c->targets[i] = strdup(p->targets[i])))
            return -1;
        c->ntargets++;
    }
    return 0;
}

/* *field becomes a copy of value, NULL when value is "" and empty_is_null. */
static int set_string(char **field, const char *value, int empty_is_null)
{
    char *v = NULL;
    if (!(empty_is_null && !*value) && !(v = strdup(value)))
        return -1;
    free(*field);
    *field = v;
    return 0;
}

int verify_apply(const verify_params *p, settings *s)
{
    config *c = &s->cfg;
    size_t i;
    if ((p->observation_source && set_string(&s->observation_source, p->observation_source, 0)) ||
        (p->observation_date && set_string(&c->observation_date, p->observation_date, 0)) ||
        (p->years && set_string(&c->years, p->years, 1)))
        return EX_SOFTWARE;
    if (p->has_secrecy)
        c->secrecy = p->secrecy;
    if (p->has_max_reject_rate)
        c->max_reject_rate = p->max_reject_rate;
    if (p->has_max_expansion)
        c->max_expansion = p->max_expansion;
    if (p->has_dispositifs) {
        for (i = 0; i < p->ndispositifs; i++)
            c->dispositifs[i] = p->dispositifs[i];
        c->ndispositifs = p->ndispositifs;
    }
    if (p->has_targets && replace_targets(p, c))
        return EX_SOFTWARE;
    return 0;
}

int verify_private_folder(const char *tmpdir, char **folder, char **output, char *err,
                          size_t errlen)
{
    char *tmpl;
    *folder = *output = NULL;
    if (asprintf(&tmpl, "%s/apprentissage-verify.XXXXXX", tmpdir ? tmpdir : "/tmp") < 0) {
        snprintf(err, errlen, "out of memory");
        return EX_SOFTWARE;
    }
    if (!mkdtemp(tmpl)) {
        snprintf(err, errlen, "%s: cannot create a private folder: %s", tmpl, strerror(errno));
        free(tmpl);
        return EX_CANTCREAT;
    }
    if (asprintf(output, "%s/out", tmpl) < 0) {
        *output = NULL;
        rmdir(tmpl);
        free(tmpl);
        snprintf(err, errlen, "out of memory");
        return EX_SOFTWARE;
    }
    *folder = tmpl;
    return 0;
}

int verify_compare(const char *manifest, const char *output, manifest_diff_fn fn, void *data,
                   char *err, size_t errlen)
{
    char *mine;
    int n, published;
    if (asprintf(&mine, "%s/manifest.yaml", output) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    n = manifest_compare(manifest, mine, fn, data, err, errlen);
    free(mine);
    if (n < 0)
        return -1;
    published = manifest_check_published(manifest, fn, data, err, errlen);
    return published < 0 ? -1 : n + published;
}

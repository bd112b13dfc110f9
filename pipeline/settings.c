#define _GNU_SOURCE /* asprintf */
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "apperr.h"
#include "manifest.h"
#include "pseudo.h"
#include "values.h"

void settings_init(settings *s)
{
    memset(s, 0, sizeof *s);
    config_init(&s->cfg);
}

/* The key's bytes wiped and freed. */
static void drop_key(settings *s)
{
    if (s->key)
        explicit_bzero(s->key, s->key_len);
    free(s->key);
    s->key = NULL;
    s->key_len = 0;
}

void settings_free(settings *s)
{
    drop_key(s);
    config_free(&s->cfg);
    free(s->observation_source);
    free(s->schemas);
    settings_init(s);
}

/* A file shipped with the software: in the source tree (the driver in
 * build/bin, or build/san/bin) or installed (PREFIX/lib/apprentissage/bin
 * and PREFIX/share/apprentissage). The first that exists; else installed,
 * relative to the current folder. NULL when out of memory. */
static char *find_shipped(const char *bindir, const char *in_tree, const char *installed)
{
    static const char *const where[3] = {"%s/../../%s", "%s/../../../%s",
                                         "%s/../../../share/apprentissage/%s"};
    char *p;
    int i;
    for (i = 0; i < 3; i++) {
        if (asprintf(&p, where[i], bindir, i < 2 ? in_tree : installed) < 0)
            return NULL;
        if (access(p, R_OK) == 0)
            return p;
        free(p);
    }
    return strdup(installed);
}

/* *field becomes a copy of value (NULL: unset). 0, or -1 when out of memory. */
static int replace(char **field, const char *value)
{
    char *copy = value ? strdup(value) : NULL;
    if (value && !copy)
        return -1;
    free(*field);
    *field = copy;
    return 0;
}

int settings_load_config(settings *s, const char *path, const char *bindir, char *err,
                         size_t errlen)
{
    char *shipped = path ? NULL : find_shipped(bindir, "pipeline/config.yaml", "config.yaml");
    int rc;
    if (!path && !shipped) {
        snprintf(err, errlen, "out of memory");
        return EX_SOFTWARE;
    }
    if (!path)
        path = shipped;
    rc = apperr_exit_code(config_load(path, &s->cfg, err, errlen));
    free(shipped);
    return rc;
}

int settings_apply_options(settings *s, const settings_options *o)
{
    config *c = &s->cfg;
    if ((o->observation_date && (replace(&c->observation_date, o->observation_date) ||
                                 replace(&s->observation_source, "option"))) ||
        (o->years && replace(&c->years, o->years)) ||
        (o->key_file && replace(&c->key_file, o->key_file)))
        return EX_SOFTWARE;
    if (o->no_secrecy)
        c->secrecy = 0;
    /* a date from the configuration file, or from a manifest that does not
     * say where its date came from */
    if (!s->observation_source && c->observation_date &&
        replace(&s->observation_source, "configuration"))
        return EX_SOFTWARE;
    return 0;
}

/* The key file read into s->key, s->key_loose set. */
static int read_key(settings *s, char *err, size_t errlen)
{
    int loose;
    drop_key(s);
    if (!s->cfg.key_file) {
        snprintf(err, errlen,
                 "no pseudonymisation key: give --key-file FILE or pseudonymisation_key_file "
                 "in the configuration (a secret of at least %d bytes)",
                 PSEUDO_MIN_KEY);
        return EX_CONFIG;
    }
    if (!(s->key = pseudo_read_key(s->cfg.key_file, &s->key_len, &loose, err, errlen)))
        return EX_CONFIG;
    s->key_loose = loose;
    return 0;
}

int settings_finish(settings *s, const char *bindir, char *err, size_t errlen)
{
    const char *obs = s->cfg.observation_date;
    date_t d;
    int rc;
    if ((rc = read_key(s, err, errlen)))
        return rc;
    s->schemas = s->cfg.schemas_dir ? strdup(s->cfg.schemas_dir)
                                    : find_shipped(bindir, "schemas", "schemas");
    if (!s->schemas) {
        snprintf(err, errlen, "out of memory");
        return EX_SOFTWARE;
    }
    if (obs && val_observation_date(obs, &d)) {
        snprintf(err, errlen, "%s: observation_date must be YYYY-MM-DD, from 2000-01-01 on",
                 s->cfg.path);
        return EX_CONFIG;
    }
    return 0;
}

int settings_digests(settings *s, char *err, size_t errlen)
{
    unsigned long long bytes;
    pseudo *ps;
    int failed;
    if (manifest_sha256(s->cfg.path, 0, s->config_sha256, &bytes)) {
        snprintf(err, errlen, "%s: cannot read the configuration", s->cfg.path);
        return EX_CONFIG;
    }
    ps = s->key ? pseudo_new(s->key, s->key_len) : NULL;
    failed = !ps || pseudo_fingerprint(ps, s->key_fingerprint);
    pseudo_free(ps);
    drop_key(s);
    if (failed) {
        snprintf(err, errlen, "libcrypto: cannot compute the key fingerprint");
        return EX_SOFTWARE;
    }
    return 0;
}

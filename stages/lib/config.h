/* config.h: the run's configuration file (README "Configuration",
 * spec/outputs.md): a closed list of keys, each of one YAML kind, loaded
 * through yload and checked before any work. Errors name file:line:column
 * and the key; the caller logs them and exits with APPERR_CONFIG's code. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

#include "apperr.h"
#include "refdata.h"
#include "yload.h"

#define CONFIG_MAX_TARGETS 256
#define CONFIG_MAX_DISPOSITIFS 2 /* APPR, PROF */

/* Defaults of the keys a configuration may leave out. */
#define CONFIG_DEFAULT_SECRECY 5
#define CONFIG_DEFAULT_MAX_REJECT_RATE 0.10
#define CONFIG_DEFAULT_MAX_EXPANSION 100.0

/* A target as written in the configuration, checked against the reference
 * tables by config_resolve_targets once they are loaded. */
typedef struct config_target {
    int year, line, col;
    char *opco, *region; /* region NULL: the OPCO's total row */
    long objectif;
} config_target;

/* Every string is owned (config_free frees them); NULL means "not given". */
typedef struct config {
    char *path;
    char *observation_date, *years, *key_file,
        *schemas_dir; /* paths made relative to path's folder */
    int secrecy;
    double max_reject_rate;
    double max_expansion; /* a gzip input may decompress to this many times its size */
    /* the contract kinds counted, canonical codes ("APPR", "PROF", in this
     * order, each once; static strings); default APPR only */
    const char *dispositifs[CONFIG_MAX_DISPOSITIFS];
    size_t ndispositifs;
    config_target tcfg[CONFIG_MAX_TARGETS];
    size_t ntcfg;
    char *targets[CONFIG_MAX_TARGETS]; /* "YEAR:OPCO:REGION=N", canonical, for the stages */
    size_t ntargets;
} config;

/* config_init: every key at its default (no path, no key file, no target). */
void config_init(config *c);
/* config_free: frees what c owns and sets it back to config_init's state. */
void config_free(config *c);

/*
 * config_load: reads and checks the configuration file path into c (which
 * config_init prepared). Returns APPERR_OK; APPERR_CONFIG with
 * "path:line:col: message" in err for an unreadable or invalid file, an
 * unknown key or a value of the wrong kind or form; APPERR_NOMEM. On error c
 * may hold part of the file: config_free it.
 */
enum apperr config_load(const char *path, config *c, char *err, size_t errlen);

/*
 * config_set: one key's value v, from another YAML file than a configuration
 * (the parameters of a manifest under --verify), checked as config_load
 * checks it and stored into c; messages name c->path (set it to that file)
 * with v's line and column. A relative path value is kept as it is. A null v
 * keeps the default. Returns APPERR_OK; APPERR_CONFIG with a message;
 * APPERR_INTERNAL for a name that is no key (a programming error);
 * APPERR_NOMEM.
 */
enum apperr config_set(config *c, const char *name, const ynode *v, char *err, size_t errlen);

/*
 * config_resolve_targets: the configured targets against the reference
 * tables (OPCO and région by code or alias, TOTAL allowed), one target per
 * row, into c->targets. Returns APPERR_OK, APPERR_CONFIG with a message
 * (unknown OPCO or région, two targets for one row), or APPERR_NOMEM.
 */
enum apperr config_resolve_targets(config *c, const refdata *ref, char *err, size_t errlen);

/* config_target_parse: one target as config_resolve_targets writes it for
 * the stages, "YEAR:OPCO:REGION=N" (or "YEAR:OPCO=N", région TOTAL): a year
 * 2000-2099, an OPCO of 1 to 31 bytes, a région of 1 to 7, N a whole number
 * from 1 to 100000000, nothing else. 0 with the parts, or -1. The one reader
 * of that form (indicators' --target, a manifest's targets under --verify). */
int config_target_parse(const char *s, int *year, char opco[32], char region[8], long *objectif);

/* config_years_ok: 1 when s is YYYY or YYYY-YYYY (first <= second), years
 * 2000-2099 (val_years); else 0. */
int config_years_ok(const char *s);

#endif

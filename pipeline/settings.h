/* settings.h: the parameters of one run and where each comes from. Three
 * layers, each over the one before: the configuration file (config.h), under
 * --verify the parameters the given manifest records (verify_apply), and the
 * command-line options. Then what the driver derives from them before the
 * first stage: the schemas folder, a checked observation date, the key read;
 * and, in a step of its own (settings_digests, which the driver runs beside
 * the stages, with the inputs' hashes), the configuration's SHA-256 and the
 * key's fingerprint for the manifest.
 *
 * Functions that can fail return 0 or an exit code of spec/outputs.md (78
 * for a configuration or key to fix, 70 when out of memory or libcrypto
 * fails) with a message for the log in err. */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <stddef.h>

#include "config.h"

/* The command-line options that set a parameter; NULL or 0: not given. */
typedef struct settings_options {
    const char *config;           /* -c; NULL: the shipped config.yaml */
    const char *observation_date; /* --observation-date (its form already checked) */
    const char *years;            /* --years (its form already checked) */
    const char *key_file;         /* --key-file, relative to the current folder */
    int no_secrecy;               /* --no-secrecy */
} settings_options;

typedef struct settings {
    config cfg;             /* the configuration, the manifest's parameters, the options */
    char config_sha256[65]; /* of the configuration file's bytes */
    /* where the observation date comes from, in the manifest's words:
     * "option", "configuration", or under --verify the given manifest's own
     * (the rerun derives the date the way the manifest did); NULL while the
     * date is to be derived from the contracts */
    char *observation_source;
    char key_fingerprint[65]; /* HMAC-SHA256(key, "fingerprint") in hex */
    int key_loose;            /* the key file is readable by others than its owner */
    unsigned char *key;       /* the key, from settings_finish to settings_digests */
    size_t key_len;
    char *schemas; /* the schemas folder: configured, or the shipped one */
} settings;

/* settings_init: the defaults of config_init, nothing derived yet. */
void settings_init(settings *s);
/* settings_free: frees what s owns; s is then as settings_init left it. */
void settings_free(settings *s);

/* settings_load_config: the configuration file path (NULL: the shipped
 * pipeline/config.yaml, found from bindir, the driver's folder) into s->cfg.
 * 0, 78 (unreadable or invalid, file:line:column) or 70. */
int settings_load_config(settings *s, const char *path, const char *bindir, char *err,
                         size_t errlen);

/* settings_apply_options: the options over s->cfg, and where the
 * observation date comes from. 0, or 70 when out of memory. */
int settings_apply_options(settings *s, const settings_options *o);

/* settings_finish: the key file read into s->key (78 when none is given, it
 * cannot be read or is shorter than PSEUDO_MIN_KEY; s->key_loose set); the
 * schemas folder (configured, or shipped, found from bindir); the
 * observation date checked (78 when not YYYY-MM-DD). */
int settings_finish(settings *s, const char *bindir, char *err, size_t errlen);

/* settings_digests: after settings_finish, the configuration file's SHA-256
 * (78 when it can no longer be read) and the key's fingerprint (70 when
 * libcrypto fails); the key is then wiped and freed. Apart from the others
 * because they are the driver's only use of libcrypto before the manifest,
 * and libcrypto's set-up on its first use costs milliseconds: the driver
 * does them off the way to the first stage. */
int settings_digests(settings *s, char *err, size_t errlen);

#endif

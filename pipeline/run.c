/* pipeline-run: the driver behind pipeline/run. Parses the command line
 * and the configuration, lists the input files, runs the stages one after
 * the other in a staging folder beside the output folder, writes the
 * manifest and publishes the new outputs at once. Exit codes: spec/outputs.md. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <limits.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "log.h"
#include "manifest.h"
#include "refdata.h"
#include "pseudo.h"
#include "values.h"
#include "yload.h"

#ifndef APP_VERSION
#define APP_VERSION "0.0.0"
#endif
#define MAXF 4096

struct filelist {
    char *name[MAXF];
    size_t n;
};

/* A target as written in the configuration, checked against the reference
 * tables once they are loaded. */
struct target_cfg {
    int year, line, col;
    char *opco, *region; /* region NULL: the OPCO's total row */
    long objectif;
};

struct config {
    char *path;
    char *observation_date, *years, *key_file, *schemas_dir;
    int secrecy;
    double max_reject_rate;
    struct target_cfg tcfg[256];
    size_t ntcfg;
    char *targets[256]; /* "YEAR:OPCO:REGION=N", canonical, for the stages */
    size_t ntargets;
};

/* 1 when s is YYYY or YYYY-YYYY (first <= second), years 2000-2099. */
static int years_ok(const char *s)
{
    int a, b, n = 0;
    if (sscanf(s, "%4d-%4d%n", &a, &b, &n) == 2 && !s[n] && strlen(s) == 9)
        return a >= 2000 && b <= 2099 && a <= b;
    n = 0;
    return sscanf(s, "%4d%n", &a, &n) == 1 && !s[n] && strlen(s) == 4 && a >= 2000 && a <= 2099;
}

static volatile sig_atomic_t got_signal;
static pid_t child;
static char staging[PATH_MAX];

static void on_signal(int sig)
{
    got_signal = sig;
    if (child > 0)
        kill(child, SIGTERM);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: pipeline/run -i INPUT_DIR -o OUTPUT_DIR [-c CONFIG.yaml]\n"
               "                    [--observation-date YYYY-MM-DD] [--years YYYY[-YYYY]]\n"
               "                    [--key-file FILE] [--no-secrecy] [--verify MANIFEST.yaml]\n"
               "                    [-q | -v]\n"
               "Turns apprenticeship-contract extracts into indicator reports (README.md).\n");
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) {
        log_error("out of memory");
        exit(EX_SOFTWARE);
    }
    return p;
}

static char *join(const char *a, const char *b)
{
    char *p;
    if (b[0] == '/')
        return xstrdup(b);
    if (asprintf(&p, "%s/%s", a, b) < 0) {
        log_error("out of memory");
        exit(EX_SOFTWARE);
    }
    return p;
}

/* Targets against the reference tables: OPCO and région by code or alias
 * (TOTAL allowed), then one target per row. 0 or 78. */
static int resolve_targets(struct config *c, const refdata *ref)
{
    size_t i, j;
    for (i = 0; i < c->ntcfg; i++) {
        struct target_cfg *t = &c->tcfg[i];
        const char *op =
            !strcmp(t->opco, "TOTAL") ? "TOTAL" : ref_opco(ref, t->opco, strlen(t->opco));
        const char *rg = !t->region || !strcmp(t->region, "TOTAL")
                             ? "TOTAL"
                             : ref_region(ref, t->region, strlen(t->region));
        char *spec;
        if (!op || !rg) {
            log_error("%s:%d:%d: unknown %s '%s' in a target", c->path, t->line, t->col,
                      op ? "région" : "OPCO", op ? t->region : t->opco);
            return EX_CONFIG;
        }
        if (asprintf(&spec, "%d:%s:%s=%ld", t->year, op, rg, t->objectif) < 0)
            exit(EX_SOFTWARE);
        for (j = 0; j < c->ntargets; j++)
            if (!strncmp(c->targets[j], spec, strcspn(spec, "=") + 1)) {
                log_error("%s:%d:%d: two targets for the same row (%.*s)", c->path, t->line, t->col,
                          (int)strcspn(spec, "="), spec);
                free(spec);
                return EX_CONFIG;
            }
        c->targets[c->ntargets++] = spec;
    }
    return 0;
}

/* What the operator should do after a failed run, by exit code. */
static const char *advice(int code)
{
    switch (code) {
    case EX_DATAERR:
        return "fix the input named above (file:line:column) or raise max_reject_rate, then rerun";
    case EX_NOINPUT:
        return "put the extracts in the input folder, then rerun";
    case EX_CANTCREAT:
        return "check the output folder named above, then rerun";
    case EX_IOERR:
        return "check disk space and permissions of the files named above, then rerun";
    case EX_CONFIG:
        return "fix the configuration or schema named above, then rerun";
    case EX_TEMPFAIL:
        return "another run is at work: wait for it";
    default:
        return "this is an internal error: keep this log and report it";
    }
}

/* A file shipped with the software: in the source tree (build/bin or
 * build/san/bin beside it) or installed (PREFIX/lib/apprentissage/bin and
 * PREFIX/share/apprentissage). */
static char *find_shipped(const char *bindir, const char *in_tree, const char *installed)
{
    char *cands[3], *found = NULL;
    int i;
    if (asprintf(&cands[0], "%s/../../%s", bindir, in_tree) < 0 ||
        asprintf(&cands[1], "%s/../../../%s", bindir, in_tree) < 0 ||
        asprintf(&cands[2], "%s/../../../share/apprentissage/%s", bindir, installed) < 0)
        exit(EX_SOFTWARE);
    for (i = 0; i < 3; i++) {
        if (!found && access(cands[i], R_OK) == 0)
            found = cands[i];
        else
            free(cands[i]);
    }
    return found ? found : xstrdup(installed);
}

/* Removes a folder tree (staging debris, the previous outputs after a swap). */
static void rm_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    if (!d) {
        unlink(path);
        return;
    }
    while ((e = readdir(d))) {
        char *p;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        p = join(path, e->d_name);
        if (e->d_type == DT_DIR)
            rm_tree(p);
        else
            unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the input files of one sub-folder (spec/inputs.md): regular files
 * ending .csv or .csv.gz, not starting with '.', in byte order. Returns 0,
 * 1 when the folder is missing, or an exit code. */
static int list_folder(const char *input, const char *sub, struct filelist *fl)
{
    char *dir = join(input, sub);
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d) {
        int missing = errno == ENOENT;
        if (!missing)
            log_error("%s: cannot read the folder: %s", dir, strerror(errno));
        free(dir);
        return missing ? 1 : EX_IOERR;
    }
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        struct stat st;
        char *p;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (e->d_name[0] == '.') {
            log_warn("%s/%s: ignored (a hidden file)", sub, e->d_name);
            continue;
        }
        p = join(dir, e->d_name);
        if (stat(p, &st) || !S_ISREG(st.st_mode) ||
            !((n > 4 && !strcmp(e->d_name + n - 4, ".csv")) ||
              (n > 7 && !strcmp(e->d_name + n - 7, ".csv.gz")))) {
            log_warn("%s/%s: ignored (not a .csv or .csv.gz file)", sub, e->d_name);
            free(p);
            continue;
        }
        free(p);
        if (fl->n == MAXF) {
            log_error("%s: more than %d files", dir, MAXF);
            closedir(d);
            free(dir);
            return EX_DATAERR;
        }
        if (asprintf(&fl->name[fl->n], "%s/%s", sub, e->d_name) < 0)
            exit(EX_SOFTWARE);
        fl->n++;
    }
    closedir(d);
    free(dir);
    qsort(fl->name, fl->n, sizeof *fl->name, cmp_str);
    return 0;
}

/* Loads and checks the configuration (closed list of keys). 0 or 78. */
static int load_config(const char *path, struct config *c)
{
    static const char *const keys[] = {
        "observation_date", "years",   "secrecy_threshold", "pseudonymisation_key_file",
        "max_reject_rate",  "targets", "schemas_dir",       NULL};
    char err[1024], *dir, *slash;
    ydoc *d = yload_file(path, err, sizeof err);
    const ynode *root, *v;
    size_t i, k;

    if (!d) {
        log_error("%s", err);
        return EX_CONFIG;
    }
    c->path = xstrdup(path);
    dir = xstrdup(path);
    slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    root = d->root;
    if (root && root->type != YN_MAP) {
        log_error("%s:%d:%d: the configuration must be a mapping", path, root->line, root->col);
        goto bad;
    }
    for (i = 0; root && i < root->n; i++) {
        const ynode *key = root->kids[2 * i];
        for (k = 0; keys[k] && strcmp(keys[k], key->str); k++)
            ;
        if (!keys[k]) {
            log_error("%s:%d:%d: unknown configuration key '%s' (see README, Configuration)", path,
                      key->line, key->col, key->str);
            goto bad;
        }
    }
#define SCALAR(name, var)                                                                          \
    if ((v = ymap_get(root, name)) && !yis_null(v)) {                                              \
        if (v->type != YN_SCALAR) {                                                                \
            log_error("%s:%d:%d: '%s' must be a single value", path, v->line, v->col, name);       \
            goto bad;                                                                              \
        }                                                                                          \
        var = xstrdup(v->str);                                                                     \
    }
    SCALAR("observation_date", c->observation_date);
    SCALAR("years", c->years);
    if (c->years && !years_ok(c->years)) {
        v = ymap_get(root, "years");
        log_error("%s:%d:%d: years must be YYYY or YYYY-YYYY (2000-2099)", path, v->line, v->col);
        goto bad;
    }
    if ((v = ymap_get(root, "pseudonymisation_key_file")) && !yis_null(v))
        c->key_file = join(dir, v->str);
    if ((v = ymap_get(root, "schemas_dir")) && !yis_null(v))
        c->schemas_dir = join(dir, v->str);
    if ((v = ymap_get(root, "secrecy_threshold")) && !yis_null(v)) {
        char *end;
        long t = strtol(v->str, &end, 10);
        if (*end || t < 0 || t > 1000000) {
            log_error("%s:%d:%d: secrecy_threshold must be a whole number >= 0", path, v->line,
                      v->col);
            goto bad;
        }
        c->secrecy = (int)t;
    }
    if ((v = ymap_get(root, "max_reject_rate")) && !yis_null(v)) {
        char *end;
        double f = strtod(v->str, &end);
        if (*end || f < 0 || f > 1) {
            log_error("%s:%d:%d: max_reject_rate must be a fraction between 0 and 1", path, v->line,
                      v->col);
            goto bad;
        }
        c->max_reject_rate = f;
    }
    if ((v = ymap_get(root, "targets")) && !yis_null(v)) {
        if (v->type != YN_SEQ) {
            log_error("%s:%d:%d: 'targets' must be a list", path, v->line, v->col);
            goto bad;
        }
        for (i = 0; i < v->n && i < 256; i++) {
            const ynode *t = v->kids[i], *y = ymap_get(t, "year"), *o = ymap_get(t, "opco"),
                        *r = ymap_get(t, "region"), *ob = ymap_get(t, "objectif");
            char *end;
            long obj;
            size_t j;
            for (j = 0; t->type == YN_MAP && j < t->n; j++) {
                const char *kk = t->kids[2 * j]->str;
                if (strcmp(kk, "year") && strcmp(kk, "opco") && strcmp(kk, "region") &&
                    strcmp(kk, "objectif")) {
                    log_error("%s:%d:%d: unknown target key '%s'", path, t->kids[2 * j]->line,
                              t->kids[2 * j]->col, kk);
                    goto bad;
                }
            }
            if (t->type != YN_MAP || !y || !o || !ob || y->type != YN_SCALAR ||
                o->type != YN_SCALAR || ob->type != YN_SCALAR) {
                log_error("%s:%d:%d: a target needs year, opco and objectif", path, t->line,
                          t->col);
                goto bad;
            }
            obj = strtol(ob->str, &end, 10);
            if (*end || obj <= 0) {
                log_error("%s:%d:%d: objectif must be a whole number above 0", path, ob->line,
                          ob->col);
                goto bad;
            }
            if (!years_ok(y->str) || strchr(y->str, '-')) {
                log_error("%s:%d:%d: a target's year must be YYYY (2000-2099)", path, y->line,
                          y->col);
                goto bad;
            }
            if (r && r->type != YN_SCALAR) {
                log_error("%s:%d:%d: a target's region must be a code or a name", path, r->line,
                          r->col);
                goto bad;
            }
            c->tcfg[c->ntcfg++] = (struct target_cfg){atoi(y->str),
                                                      t->line,
                                                      t->col,
                                                      xstrdup(o->str),
                                                      r && !yis_null(r) ? xstrdup(r->str) : NULL,
                                                      obj};
        }
    }
    free(dir);
    ydoc_free(d);
    return 0;
bad:
    free(dir);
    ydoc_free(d);
    return EX_CONFIG;
}

/* Runs one stage and maps its end to an exit code of the table. */
static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int run_stage(const char *bindir, char **argv)
{
    char *prog = join(bindir, argv[0]);
    int status, code;
    double t0 = now_seconds();
    child = fork();
    if (child < 0) {
        log_error("cannot start %s: %s", argv[0], strerror(errno));
        free(prog);
        return EX_SOFTWARE;
    }
    if (child == 0) {
        /* APP_STAGE_WRAPPER (tests only): a command the stages run under,
         * such as "valgrind --leak-check=full --error-exitcode=99 -q" */
        const char *wrap = getenv("APP_STAGE_WRAPPER");
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        if (wrap && *wrap) {
            char *w = xstrdup(wrap), *tok, *save = NULL, **full;
            size_t n = 0, nargs = 0;
            while (argv[nargs])
                nargs++;
            full = calloc(strlen(wrap) + nargs + 2, sizeof *full);
            if (!full)
                _exit(EX_SOFTWARE);
            for (tok = strtok_r(w, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
                full[n++] = tok;
            full[n++] = prog;
            for (size_t i = 1; i < nargs; i++)
                full[n++] = argv[i];
            full[n] = NULL;
            execvp(full[0], full);
        } else {
            execv(prog, argv);
        }
        fprintf(stderr, "ERROR pipeline: cannot run %s: %s\n", prog, strerror(errno));
        _exit(EX_SOFTWARE);
    }
    free(prog);
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR) {
            child = 0;
            return EX_SOFTWARE;
        }
    child = 0;
    if (got_signal)
        return 128 + got_signal;
    if (WIFSIGNALED(status)) {
        log_error("stage %s was killed by signal %d", argv[0], WTERMSIG(status));
        return EX_SOFTWARE;
    }
    code = WEXITSTATUS(status);
    log_info("stage %s%s%s exit=%d seconds=%.3f", argv[0],
             argv[1] && argv[2] && !strcmp(argv[1], "--kind") ? " " : "",
             argv[1] && argv[2] && !strcmp(argv[1], "--kind") ? argv[2] : "", code,
             now_seconds() - t0);
    if (code == 0 || code == 64 || code == 65 || code == 66 || code == 70 || code == 73 ||
        code == 74 || code == 75 || code == 78)
        return code;
    log_error("stage %s exited with code %d", argv[0], code);
    return EX_SOFTWARE;
}

static char *cleanup_dir;

/* What the run allocates for its whole life, freed at exit whatever the
 * exit path. */
static struct config c;
static struct filelist fk, fe, fp, all;
static refdata *ref;
static char *schemas, *parent, *name, *lockpath, *config_default, *verify_output;
static manifest_hashes hashes;
static pthread_t *pending_hashes; /* the hashing thread, until joined */

static void free_list(struct filelist *fl)
{
    size_t i;
    for (i = 0; i < fl->n; i++)
        free(fl->name[i]);
    fl->n = 0;
}

static void free_run(void)
{
    size_t i;
    free(c.path);
    free(c.observation_date);
    free(c.years);
    free(c.key_file);
    free(c.schemas_dir);
    for (i = 0; i < c.ntargets; i++)
        free(c.targets[i]);
    for (i = 0; i < c.ntcfg; i++) {
        free(c.tcfg[i].opco);
        free(c.tcfg[i].region);
    }
    free_list(&fk);
    free_list(&fe);
    free_list(&fp);
    all.n = 0; /* it borrows the names of the three lists */
    refdata_free(ref);
    free(schemas);
    free(parent);
    free(name);
    free(lockpath);
    free(config_default);
    free(verify_output);
    manifest_hashes_free(&hashes);
}
static char verify_source[128];

static void cleanup_at_exit(void)
{
    if (cleanup_dir)
        rm_tree(cleanup_dir);
    free(cleanup_dir);
}

static void print_diff(void *data, const char *field, const char *expected, const char *actual)
{
    (void)data;
    log_error("--verify: %s differs: manifest has '%s', this run gives '%s'", field, expected,
              actual);
}

/* --verify M: take the parameters of M (options given on the command line
 * win, and are reported) and run into a private temporary folder. */
static int verify_params(const char *mpath, struct config *c, const char *obs_opt,
                         const char *years_opt, int no_secrecy, const char **output, char **tmp)
{
    char err[1024], tmpl[PATH_MAX];
    const char *tmpdir = getenv("TMPDIR");
    ydoc *m = yload_file(mpath, err, sizeof err);
    const ynode *p, *v;
    size_t i;

    if (!m) {
        log_error("%s", err);
        return access(mpath, F_OK) ? EX_NOINPUT : EX_DATAERR;
    }
    p = ymap_get(m->root, "parameters");
    if (!p || p->type != YN_MAP) {
        log_error("%s: not a manifest of this software (no parameters)", mpath);
        ydoc_free(m);
        return EX_DATAERR;
    }
    if ((v = ymap_get(p, "observation_date_source")) && v->type == YN_SCALAR && !obs_opt)
        snprintf(verify_source, sizeof verify_source, "%s", v->str);
    if ((v = ymap_get(p, "observation_date")) && v->type == YN_SCALAR) {
        if (obs_opt)
            log_info("--verify: --observation-date %s overrides the manifest's %s", obs_opt,
                     v->str);
        else {
            free(c->observation_date);
            c->observation_date = xstrdup(v->str);
        }
    }
    if ((v = ymap_get(p, "years")) && v->type == YN_SCALAR) {
        if (years_opt)
            log_info("--verify: --years %s overrides the manifest's '%s'", years_opt, v->str);
        else {
            free(c->years);
            c->years = *v->str ? xstrdup(v->str) : NULL;
        }
    }
    if ((v = ymap_get(p, "secrecy_threshold")) && v->type == YN_SCALAR) {
        if (no_secrecy)
            log_info("--verify: --no-secrecy overrides the manifest's threshold %s", v->str);
        else
            c->secrecy = atoi(v->str);
    }
    if ((v = ymap_get(p, "max_reject_rate")) && v->type == YN_SCALAR)
        c->max_reject_rate = strtod(v->str, NULL);
    if ((v = ymap_get(p, "targets")) && v->type == YN_SEQ) {
        for (i = 0; i < c->ntargets; i++)
            free(c->targets[i]);
        c->ntargets = 0;
        /* the manifest's targets replace the configuration's */
        for (i = 0; i < c->ntcfg; i++) {
            free(c->tcfg[i].opco);
            free(c->tcfg[i].region);
        }
        c->ntcfg = 0;
        for (i = 0; i < v->n && i < 256; i++)
            c->targets[c->ntargets++] = xstrdup(v->kids[i]->str);
    }
    ydoc_free(m);
    snprintf(tmpl, sizeof tmpl, "%s/apprentissage-verify.XXXXXX", tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(tmpl)) {
        log_error("%s: cannot create a private folder: %s", tmpl, strerror(errno));
        return EX_CANTCREAT;
    }
    *tmp = xstrdup(tmpl);
    *output = verify_output = join(tmpl, "out");
    cleanup_dir = *tmp;
    atexit(cleanup_at_exit);
    return 0;
}

/* Reads date_extraction_max from merge's summary. */
static int summary_date(const char *path, char *out)
{
    FILE *f = fopen(path, "r");
    char line[256];
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "date_extraction_max\t", 20)) {
            size_t n = strcspn(line + 20, "\n");
            fclose(f);
            if (n != 10)
                return -1;
            memcpy(out, line + 20, 10);
            out[10] = '\0';
            return 0;
        }
    fclose(f);
    return -1;
}

/* 73 when OUTPUT_DIR holds a file its previous manifest does not list
 * (the manifest itself excepted). */
static int check_output_dir(const char *out)
{
    DIR *d = opendir(out);
    struct dirent *e;
    char *mpath, err[1024];
    ydoc *m = NULL;
    const ynode *outs = NULL;
    int rc = 0;
    if (!d) {
        if (errno == ENOENT)
            return 0;
        log_error("%s: cannot use it as the output folder: %s", out, strerror(errno));
        return EX_CANTCREAT;
    }
    mpath = join(out, "manifest.yaml");
    if (access(mpath, F_OK) == 0) {
        m = yload_file(mpath, err, sizeof err);
        outs = m ? ymap_get(m->root, "outputs") : NULL;
    }
    while ((e = readdir(d))) {
        size_t i;
        int listed = 0;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            (m && !strcmp(e->d_name, "manifest.yaml")))
            continue;
        for (i = 0; outs && outs->type == YN_SEQ && i < outs->n; i++) {
            const ynode *f = ymap_get(outs->kids[i], "file");
            listed |= f && f->type == YN_SCALAR && !strcmp(f->str, e->d_name);
        }
        if (!listed) {
            log_error("%s/%s: this file is not listed in the previous run's manifest; the output "
                      "folder is left alone. Move the file away or choose another -o",
                      out, e->d_name);
            rc = EX_CANTCREAT;
            break;
        }
    }
    closedir(d);
    ydoc_free(m);
    free(mpath);
    return rc;
}

/* mkdir -p of the output folder's parent. */
static int make_parents(const char *dir)
{
    char *p = xstrdup(dir), *s;
    int rc = 0;
    for (s = p + 1; *s && !rc; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) && errno != EEXIST)
                rc = -1;
            *s = '/';
        }
    if (!rc && mkdir(p, 0755) && errno != EEXIST)
        rc = -1;
    free(p);
    return rc;
}

/* The command line. */
struct options {
    const char *input, *output, *config, *obs, *years, *key, *keep, *verify;
    int no_secrecy, quiet, verbose;
};

/* A growing argument vector for a stage. */
struct args {
    char **v;
    size_t n, cap;
};

static void arg(struct args *a, const char *s)
{
    if (a->n + 2 > a->cap) {
        a->cap = a->cap ? 2 * a->cap : 64;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
        if (!a->v) {
            log_error("out of memory");
            exit(EX_SOFTWARE);
        }
    }
    a->v[a->n++] = (char *)s;
    a->v[a->n] = NULL;
}

/* What the run derives before its first stage. */
static char exe_dir[PATH_MAX], obs[16], fingerprint[65], cfg_sha[65];
static const char *obs_how = "configuration";

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option opts[] = {{"input", required_argument, NULL, 'i'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"config", required_argument, NULL, 'c'},
                                         {"observation-date", required_argument, NULL, 'd'},
                                         {"years", required_argument, NULL, 'y'},
                                         {"key-file", required_argument, NULL, 'k'},
                                         {"no-secrecy", no_argument, NULL, 'n'},
                                         {"verify", required_argument, NULL, 'V'},
                                         {"keep-work", required_argument, NULL, 'K'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"verbose", no_argument, NULL, 'v'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int opt;
    date_t d;

    while ((opt = getopt_long(argc, argv, "i:o:c:qvh", opts, NULL)) != -1) {
        switch (opt) {
        case 'i':
            o->input = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'd':
            o->obs = optarg;
            break;
        case 'y':
            o->years = optarg;
            break;
        case 'k':
            o->key = optarg;
            break;
        case 'n':
            o->no_secrecy = 1;
            break;
        case 'V':
            o->verify = optarg;
            break;
        case 'K':
            o->keep = optarg;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'v':
            o->verbose = 1;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    if (!o->input || !o->output || optind != argc || (o->quiet && o->verbose)) {
        usage(stderr);
        fprintf(stderr, "ERROR pipeline: -i INPUT_DIR and -o OUTPUT_DIR are required "
                        "(and -q and -v exclude each other)\n");
        return EX_USAGE;
    }
    if (o->obs && (val_date(o->obs, strlen(o->obs), &d) || strlen(o->obs) != 10)) {
        fprintf(stderr, "ERROR pipeline: --observation-date wants YYYY-MM-DD\n");
        return EX_USAGE;
    }
    if (o->years && !years_ok(o->years)) {
        fprintf(stderr, "ERROR pipeline: --years wants YYYY or YYYY-YYYY (2000-2099)\n");
        return EX_USAGE;
    }
    return 0;
}

/* Configuration, options over it, the manifest's parameters for --verify,
 * the key (78 when missing or short). */
static int setup_config(struct options *o, char **verify_tmp)
{
    char err[1024];
    size_t klen;
    int loose, rc;
    unsigned char *key;
    pseudo *ps;
    date_t d;

    if (!o->config)
        o->config = config_default = find_shipped(exe_dir, "pipeline/config.yaml", "config.yaml");
    if ((rc = load_config(o->config, &c)))
        return rc;
    if (manifest_sha256(o->config, 0, cfg_sha, &(unsigned long long){0})) {
        log_error("%s: cannot read the configuration", o->config);
        return EX_CONFIG;
    }
    if (o->obs) {
        free(c.observation_date);
        c.observation_date = xstrdup(o->obs);
        obs_how = "option";
    }
    if (o->years) {
        free(c.years);
        c.years = xstrdup(o->years);
    }
    if (o->no_secrecy)
        c.secrecy = 0;
    if (o->verify && (rc = verify_params(o->verify, &c, o->obs, o->years, o->no_secrecy, &o->output,
                                         verify_tmp)))
        return rc;
    if (o->key) {
        free(c.key_file);
        c.key_file = xstrdup(o->key);
    }
    if (!c.key_file) {
        log_error("no pseudonymisation key: give --key-file FILE or pseudonymisation_key_file "
                  "in the configuration (a secret of at least %d bytes)",
                  PSEUDO_MIN_KEY);
        return EX_CONFIG;
    }
    key = pseudo_read_key(c.key_file, &klen, &loose, err, sizeof err);
    if (!key) {
        log_error("%s", err);
        return EX_CONFIG;
    }
    if (loose)
        log_warn("%s: the key file is readable by others than its owner (chmod 600 it)",
                 c.key_file);
    ps = pseudo_new(key, klen);
    rc = !ps || pseudo_fingerprint(ps, fingerprint);
    pseudo_free(ps);
    free(key);
    if (rc) {
        log_error("libcrypto: cannot compute the key fingerprint");
        return EX_SOFTWARE;
    }
    schemas = c.schemas_dir ? xstrdup(c.schemas_dir) : find_shipped(exe_dir, "schemas", "schemas");
    if (c.observation_date) {
        if (val_date(c.observation_date, strlen(c.observation_date), &d) ||
            strlen(c.observation_date) != 10) {
            log_error("%s: observation_date must be YYYY-MM-DD", c.path);
            return EX_CONFIG;
        }
        snprintf(obs, sizeof obs, "%s", c.observation_date);
    }
    return 0;
}

/* The input files (66 without contracts), the reference tables and the
 * targets checked against them. */
static int list_inputs(const char *input)
{
    struct stat st;
    char err[1024];
    int rc, code;
    size_t i;

    if (stat(input, &st) || !S_ISDIR(st.st_mode)) {
        log_error("%s: no such input folder", input);
        return EX_NOINPUT;
    }
    rc = list_folder(input, "contrats", &fk);
    if (rc == 1 || (rc == 0 && fk.n == 0)) {
        log_error("%s/contrats/: no contract file (.csv or .csv.gz); put the extracts there",
                  input);
        return EX_NOINPUT;
    }
    if (rc)
        return rc;
    ref = refdata_load(schemas, input, &code, err, sizeof err);
    if (!ref) {
        log_error("%s", err);
        return code;
    }
    if ((rc = resolve_targets(&c, ref)))
        return rc;
    if ((rc = list_folder(input, "evenements", &fe)) > 1 ||
        (rc = list_folder(input, "participations", &fp)) > 1)
        return rc;
    for (i = 0; i < fk.n; i++)
        all.name[all.n++] = fk.name[i];
    for (i = 0; i < fe.n && all.n < MAXF; i++)
        all.name[all.n++] = fe.name[i];
    for (i = 0; i < fp.n && all.n < MAXF; i++)
        all.name[all.n++] = fp.name[i];
    if (fk.n + fe.n + fp.n > MAXF) {
        log_error("%s: more than %d input files", input, MAXF);
        return EX_DATAERR;
    }
    return 0;
}

/* The output folder checked (73), the lock taken (75), the debris of a
 * killed run removed, the staging folder made beside the output folder. */
static int prepare_output(const char *output, int *lockfd)
{
    char *o = xstrdup(output), *slash, prefix[512];
    size_t l = strlen(o);
    DIR *d;
    struct dirent *e;
    int rc;

    while (l > 1 && o[l - 1] == '/')
        o[--l] = '\0';
    slash = strrchr(o, '/');
    parent = slash ? (slash == o ? xstrdup("/") : strndup(o, (size_t)(slash - o))) : xstrdup(".");
    name = xstrdup(slash ? slash + 1 : o);
    free(o);
    if ((rc = check_output_dir(output)))
        return rc;
    if (make_parents(parent)) {
        log_error("%s: cannot create the folder: %s", parent, strerror(errno));
        return EX_CANTCREAT;
    }
    if (asprintf(&lockpath, "%s/.%s.lock", parent, name) < 0)
        return EX_SOFTWARE;
    *lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (*lockfd < 0) {
        log_error("%s: cannot create the lock file: %s", lockpath, strerror(errno));
        return EX_CANTCREAT;
    }
    if (flock(*lockfd, LOCK_EX | LOCK_NB)) {
        log_error("another run is writing %s (lock %s held); try again when it is done", output,
                  lockpath);
        return EX_TEMPFAIL;
    }
    d = opendir(parent);
    snprintf(prefix, sizeof prefix, ".%s.staging-", name);
    while (d && (e = readdir(d)))
        if (!strncmp(e->d_name, prefix, strlen(prefix))) {
            char *p = join(parent, e->d_name);
            rm_tree(p);
            free(p);
        }
    if (d)
        closedir(d);
    snprintf(staging, sizeof staging, "%s/.%s.staging-%ld", parent, name, (long)getpid());
    if (mkdir(staging, 0755)) {
        log_error("%s: cannot create the staging folder: %s", staging, strerror(errno));
        return EX_CANTCREAT;
    }
    return 0;
}

/* The intermediate files of one run (stages/lib/tsv.h records). */
struct work {
    char *dir, *contrats, *evenements, *participations, *rej[3], *qual[3], *kept, *mq, *sum, *prov;
};

static void work_paths(struct work *w, const char *dir)
{
    static const char *const kinds[3] = {"contrats", "evenements", "participations"};
    char buf[64];
    int k;
    w->dir = xstrdup(dir);
    w->contrats = join(dir, "contrats.tsv");
    w->evenements = join(dir, "evenements.tsv");
    w->participations = join(dir, "participations.tsv");
    for (k = 0; k < 3; k++) {
        snprintf(buf, sizeof buf, "rejets-%s.tsv", kinds[k]);
        w->rej[k] = join(dir, buf);
        snprintf(buf, sizeof buf, "qualite-%s.tsv", kinds[k]);
        w->qual[k] = join(dir, buf);
    }
    w->kept = join(dir, "contrats-conserves.tsv");
    w->mq = join(dir, "qualite-fusion.tsv");
    w->sum = join(dir, "resume-fusion.tsv");
    w->prov = join(dir, "provenance.yaml");
}

static void work_free(struct work *w)
{
    int k;
    free(w->dir), free(w->contrats), free(w->evenements), free(w->participations);
    for (k = 0; k < 3; k++)
        free(w->rej[k]), free(w->qual[k]);
    free(w->kept), free(w->mq), free(w->sum), free(w->prov);
}

/* ingest (each kind), merge, quality, indicators, manifest, report,
 * manifest again: the stages one after the other, into the staging folder. */
static int run_chain(const char *input, const struct work *w, const manifest_hashes *hashes)
{
    static const char *const kinds[3] = {"contrats", "evenements", "participations"};
    struct filelist *lists[3] = {&fk, &fe, &fp};
    char *outs[3] = {w->contrats, w->evenements, w->participations};
    char sec[16], rate[32], err[1024], *mpath;
    struct args a = {0};
    size_t i;
    int k, rc = 0;

    for (k = 0; k < 3 && !rc; k++) {
        a.n = 0;
        arg(&a, "ingest"), arg(&a, "--kind"), arg(&a, kinds[k]);
        arg(&a, "--schemas"), arg(&a, schemas), arg(&a, "--input"), arg(&a, input);
        arg(&a, "--out"), arg(&a, outs[k]), arg(&a, "--rejects"), arg(&a, w->rej[k]);
        arg(&a, "--quality"), arg(&a, w->qual[k]);
        if (k == 0)
            arg(&a, "--key-file"), arg(&a, c.key_file);
        if (k == 2)
            arg(&a, "--events"), arg(&a, w->evenements);
        for (i = 0; i < lists[k]->n; i++)
            arg(&a, lists[k]->name[i]);
        rc = run_stage(exe_dir, a.v);
    }
    if (!rc) {
        a.n = 0;
        arg(&a, "merge"), arg(&a, "--in"), arg(&a, w->contrats), arg(&a, "--out"), arg(&a, w->kept);
        arg(&a, "--quality"), arg(&a, w->mq), arg(&a, "--summary"), arg(&a, w->sum);
        arg(&a, "--schemas"), arg(&a, schemas), arg(&a, "--input"), arg(&a, input);
        rc = run_stage(exe_dir, a.v);
    }
    if (!rc && !*obs) {
        obs_how = "latest extraction date of the accepted contract rows";
        if (summary_date(w->sum, obs)) {
            log_error("no accepted contract row: no observation date can be derived; "
                      "give --observation-date");
            rc = EX_DATAERR;
        }
    }
    if (*verify_source)
        obs_how = verify_source; /* the manifest's date, found the manifest's way */
    snprintf(sec, sizeof sec, "%d", c.secrecy);
    snprintf(rate, sizeof rate, "%g", c.max_reject_rate);
    if (!rc) {
        a.n = 0;
        arg(&a, "quality"), arg(&a, "--schemas"), arg(&a, schemas), arg(&a, "--outdir");
        arg(&a, staging), arg(&a, "--merge-quality"), arg(&a, w->mq), arg(&a, "--summary");
        arg(&a, w->sum), arg(&a, "--contrats"), arg(&a, w->qual[0]), arg(&a, "--evenements");
        arg(&a, w->qual[1]), arg(&a, "--participations"), arg(&a, w->qual[2]);
        for (k = 0; k < 3; k++)
            arg(&a, "--rejects"), arg(&a, w->rej[k]);
        arg(&a, "--max-reject-rate"), arg(&a, rate);
        rc = run_stage(exe_dir, a.v);
    }
    if (!rc) {
        a.n = 0;
        arg(&a, "indicators"), arg(&a, "--contracts"), arg(&a, w->contrats), arg(&a, "--kept");
        arg(&a, w->kept), arg(&a, "--schemas"), arg(&a, schemas), arg(&a, "--input");
        arg(&a, input), arg(&a, "--outdir"), arg(&a, staging), arg(&a, "--observation-date");
        arg(&a, obs), arg(&a, "--secrecy"), arg(&a, sec);
        /* without event files the reunions table is empty, not absent */
        arg(&a, "--events"), arg(&a, w->evenements), arg(&a, "--participations");
        arg(&a, w->participations);
        if (c.years)
            arg(&a, "--years"), arg(&a, c.years);
        for (i = 0; i < c.ntargets; i++)
            arg(&a, "--target"), arg(&a, c.targets[i]);
        rc = run_stage(exe_dir, a.v);
    }
    if (!rc) {
        /* the manifest first (the workbook's Provenance sheet repeats it),
         * then again with the workbook listed */
        manifest_params mp = {strrchr(c.path, '/') ? strrchr(c.path, '/') + 1 : c.path,
                              cfg_sha,
                              obs,
                              obs_how,
                              c.years ? c.years : "",
                              c.secrecy,
                              c.max_reject_rate,
                              fingerprint,
                              c.targets,
                              c.ntargets,
                              schemas};
        manifest_work mw = {{w->qual[0], w->qual[1], w->qual[2]}, w->mq, w->sum};
        if (pending_hashes) {
            pthread_join(*pending_hashes, NULL);
            pending_hashes = NULL;
        }
        if (hashes->failed) {
            log_error("%s: cannot read: %s", all.name[hashes->failed_at], strerror(hashes->failed));
            free(a.v);
            return EX_IOERR;
        }
        mpath = join(staging, "manifest.yaml");
        rc =
            manifest_write(staging, &mp, input, all.name, all.n, hashes, &mw, ref, err, sizeof err);
        if (!rc && rename(mpath, w->prov))
            rc = EX_IOERR, snprintf(err, sizeof err, "%s: %s", w->prov, strerror(errno));
        if (!rc) {
            a.n = 0;
            arg(&a, "report"), arg(&a, "--outdir"), arg(&a, staging), arg(&a, "--schemas");
            arg(&a, schemas), arg(&a, "--title"), arg(&a, "Bilan de l'apprentissage");
            arg(&a, "--observation-date"), arg(&a, obs), arg(&a, "--provenance"), arg(&a, w->prov);
            arg(&a, "--input"), arg(&a, input); /* dropped reference tables: libellés */
            rc = run_stage(exe_dir, a.v);
            if (!rc)
                rc = manifest_write(staging, &mp, input, all.name, all.n, hashes, &mw, ref, err,
                                    sizeof err);
        } else {
            log_error("%s", err);
        }
        if (rc == EX_IOERR)
            log_error("%s", err);
        free(mpath);
    }
    free(a.v);
    return rc;
}

struct hash_job {
    manifest_hashes *h;
    const char *input;
};

static void *hash_inputs(void *arg)
{
    struct hash_job *j = arg;
    manifest_hash_inputs(j->h, j->input, all.name, all.n);
    return NULL;
}

/* Swaps the staging folder with the output folder at once; where the file
 * system cannot exchange, two renames (a moment without folder, never a
 * mix), the previous outputs put back when the second fails. */
static int publish(const char *output)
{
    struct stat st;
    char old[PATH_MAX + 8];
    if (stat(output, &st) != 0) {
        if (rename(staging, output) == 0)
            return 0;
        log_error("cannot publish into %s: %s", output, strerror(errno));
        return errno == EXDEV || errno == EACCES ? EX_CANTCREAT : EX_IOERR;
    }
    if (renameat2(AT_FDCWD, staging, AT_FDCWD, output, RENAME_EXCHANGE) == 0) {
        rm_tree(staging); /* the previous outputs */
        return 0;
    }
    snprintf(old, sizeof old, "%s.old", staging);
    if (rename(output, old)) {
        log_error("cannot publish into %s: %s", output, strerror(errno));
        return EX_IOERR;
    }
    if (rename(staging, output)) {
        log_error("cannot publish into %s: %s", output, strerror(errno));
        if (rename(old, output))
            log_error("the previous outputs are in %s: move them back to %s", old, output);
        return EX_IOERR;
    }
    rm_tree(old);
    return 0;
}

/* --verify: the rerun's manifest against the given one, and the outputs
 * beside it. 0 when everything matches, else 65. */
static int finish_verify(const char *verify, const char *output)
{
    char err[1024], *mine = join(output, "manifest.yaml");
    int n = manifest_compare(verify, mine, print_diff, NULL, err, sizeof err);
    int pub = n < 0 ? 0 : manifest_check_published(verify, print_diff, NULL, err, sizeof err);
    free(mine);
    if (n < 0 || pub < 0) {
        log_error("%s", err);
        return EX_DATAERR;
    }
    if (n + pub > 0) {
        log_error("--verify: %d difference(s) with %s (listed above)", n + pub, verify);
        return EX_DATAERR;
    }
    log_info("--verify: every input, parameter and output matches %s", verify);
    return 0;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    struct work w;
    char *verify_tmp = NULL;
    int rc, lockfd = -1;
    ssize_t n;

    atexit(free_run);
    c.secrecy = 5;
    c.max_reject_rate = 0.10;
    log_init("pipeline", LOG_INFO);
    if ((rc = parse_options(argc, argv, &o)))
        return rc;
    log_init("pipeline", o.quiet ? LOG_ERROR : o.verbose ? LOG_DEBUG : LOG_INFO);
    setenv("APP_LOG_LEVEL", o.quiet ? "error" : o.verbose ? "debug" : "warn", 1);
    n = readlink("/proc/self/exe", exe_dir, sizeof exe_dir - 1);
    if (n < 0) {
        log_error("cannot find the stage executables: %s", strerror(errno));
        return EX_SOFTWARE;
    }
    exe_dir[n] = '\0';
    *strrchr(exe_dir, '/') = '\0';

    if ((rc = setup_config(&o, &verify_tmp)) || (rc = list_inputs(o.input)) ||
        (rc = prepare_output(o.output, &lockfd)))
        return rc;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    {
        char *dir = o.keep ? xstrdup(o.keep) : join(staging, ".work");
        mkdir(dir, 0700);
        work_paths(&w, dir);
        free(dir);
    }
    {
        /* the inputs' SHA-256 for the manifest, on a thread of their own
         * while the stages run (the driver only waits for them) */
        struct hash_job job = {&hashes, o.input};
        pthread_t th;
        if (pthread_create(&th, NULL, hash_inputs, &job) == 0)
            pending_hashes = &th;
        else
            hash_inputs(&job);
        rc = run_chain(o.input, &w, &hashes);
        if (pending_hashes) /* the chain stopped before the manifest */
            pthread_join(th, NULL);
        pending_hashes = NULL;
    }
    if (!o.keep)
        rm_tree(w.dir);
    work_free(&w);
    if (got_signal) {
        rm_tree(staging);
        return 128 + got_signal;
    }
    if (rc) {
        rm_tree(staging);
        log_error("run failed (exit %d); nothing was published, %s is unchanged; %s", rc, o.output,
                  advice(rc));
        return rc;
    }
    if ((rc = publish(o.output))) {
        rm_tree(staging);
        return rc;
    }
    close(lockfd);
    if (o.verify)
        return finish_verify(o.verify, o.output);
    log_info("reports published in %s (observation date %s)", o.output, obs);
    return 0;
}

/* pipeline-run: the driver behind pipeline/run. Parses the command line
 * and the configuration, lists the input files, runs the stages one after
 * the other in a staging folder beside the output folder, writes the
 * manifest and publishes the new outputs at once. Exit codes: spec/outputs.md. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
#define MAXARGS 64

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
        if (e->d_name[0] == '.')
            continue;
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
    if (!d)
        return errno == ENOENT ? 0 : EX_CANTCREAT;
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

int main(int argc, char **argv)
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
    char *verify_tmp = NULL;
    const char *input = NULL, *output = NULL, *config = NULL, *obs_opt = NULL, *years_opt = NULL,
               *key_opt = NULL, *keep = NULL, *verify = NULL;
    int no_secrecy = 0, quiet = 0, verbose = 0, opt, rc = 0, lockfd = -1;
    char exe[PATH_MAX], bindir[PATH_MAX], *slash;
    char obs[16] = "", fingerprint[65] = "", cfg_sha[65] = "", err[1024];
    const char *obs_how = "configuration";
    ssize_t n;
    size_t i;

    atexit(free_run);
    c.secrecy = 5;
    c.max_reject_rate = 0.10;
    log_init("pipeline", LOG_INFO);
    while ((opt = getopt_long(argc, argv, "i:o:c:qvh", opts, NULL)) != -1) {
        switch (opt) {
        case 'i':
            input = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 'd':
            obs_opt = optarg;
            break;
        case 'y':
            years_opt = optarg;
            break;
        case 'k':
            key_opt = optarg;
            break;
        case 'n':
            no_secrecy = 1;
            break;
        case 'V':
            verify = optarg;
            break;
        case 'K':
            keep = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    if (!input || !output || optind != argc || (quiet && verbose)) {
        usage(stderr);
        fprintf(stderr, "ERROR pipeline: -i INPUT_DIR and -o OUTPUT_DIR are required\n");
        return EX_USAGE;
    }
    if (obs_opt) {
        date_t d;
        if (val_date(obs_opt, strlen(obs_opt), &d) || strlen(obs_opt) != 10) {
            fprintf(stderr, "ERROR pipeline: --observation-date wants YYYY-MM-DD\n");
            return EX_USAGE;
        }
    }
    log_init("pipeline", quiet ? LOG_ERROR : verbose ? LOG_DEBUG : LOG_INFO);
    setenv("APP_LOG_LEVEL", quiet ? "error" : verbose ? "debug" : "warn", 1);

    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0) {
        log_error("cannot find the stage executables: %s", strerror(errno));
        return EX_SOFTWARE;
    }
    exe[n] = '\0';
    strcpy(bindir, exe);
    *strrchr(bindir, '/') = '\0';

    /* configuration (78) */
    if (!config)
        config = config_default = find_shipped(bindir, "pipeline/config.yaml", "config.yaml");
    if ((rc = load_config(config, &c)))
        return rc;
    if (manifest_sha256(config, 0, cfg_sha, &(unsigned long long){0})) {
        log_error("%s: cannot read the configuration", config);
        return EX_CONFIG;
    }
    if (obs_opt) {
        free(c.observation_date);
        c.observation_date = xstrdup(obs_opt);
        obs_how = "option";
    }
    if (years_opt) {
        if (!years_ok(years_opt)) {
            fprintf(stderr, "ERROR pipeline: --years wants YYYY or YYYY-YYYY (2000-2099)\n");
            return EX_USAGE;
        }
        free(c.years);
        c.years = xstrdup(years_opt);
    }
    if (no_secrecy)
        c.secrecy = 0;
    if (verify &&
        (rc = verify_params(verify, &c, obs_opt, years_opt, no_secrecy, &output, &verify_tmp)))
        return rc;
    if (key_opt) {
        free(c.key_file);
        c.key_file = xstrdup(key_opt);
    }
    if (!c.key_file) {
        log_error("no pseudonymisation key: give --key-file FILE or pseudonymisation_key_file "
                  "in the configuration (a secret of at least %d bytes)",
                  PSEUDO_MIN_KEY);
        return EX_CONFIG;
    }
    {
        size_t klen;
        int loose;
        unsigned char *key = pseudo_read_key(c.key_file, &klen, &loose, err, sizeof err);
        pseudo *ps;
        if (!key) {
            log_error("%s", err);
            return EX_CONFIG;
        }
        if (loose)
            log_warn("%s: the key file is readable by others than its owner (chmod 600 it)",
                     c.key_file);
        ps = pseudo_new(key, klen);
        if (!ps || pseudo_fingerprint(ps, fingerprint)) {
            log_error("libcrypto: cannot compute the key fingerprint");
            return EX_SOFTWARE;
        }
        pseudo_free(ps);
        free(key);
    }
    schemas = c.schemas_dir ? xstrdup(c.schemas_dir) : find_shipped(bindir, "schemas", "schemas");

    if (c.observation_date) {
        date_t d;
        if (val_date(c.observation_date, strlen(c.observation_date), &d) ||
            strlen(c.observation_date) != 10) {
            log_error("%s: observation_date must be YYYY-MM-DD", c.path);
            return EX_CONFIG;
        }
        snprintf(obs, sizeof obs, "%s", c.observation_date);
    }

    /* inputs (66) */
    {
        struct stat st;
        if (stat(input, &st) || !S_ISDIR(st.st_mode)) {
            log_error("%s: no such input folder", input);
            return EX_NOINPUT;
        }
    }
    rc = list_folder(input, "contrats", &fk);
    if (rc == 1 || (rc == 0 && fk.n == 0)) {
        log_error("%s/contrats/: no contract file (.csv or .csv.gz); put the extracts there",
                  input);
        return EX_NOINPUT;
    }
    if (rc)
        return rc;
    {
        int code;
        ref = refdata_load(schemas, input, &code, err, sizeof err);
        if (!ref) {
            log_error("%s", err);
            return code;
        }
        if ((rc = resolve_targets(&c, ref)))
            return rc;
    }
    if ((rc = list_folder(input, "evenements", &fe)) > 1 ||
        (rc = list_folder(input, "participations", &fp)) > 1)
        return rc;
    rc = 0;
    for (i = 0; i < fk.n; i++)
        all.name[all.n++] = fk.name[i];
    for (i = 0; i < fe.n; i++)
        all.name[all.n++] = fe.name[i];
    for (i = 0; i < fp.n; i++)
        all.name[all.n++] = fp.name[i];

    /* output folder (73), lock (75), staging beside it */
    {
        char *o = xstrdup(output);
        size_t l = strlen(o);
        while (l > 1 && o[l - 1] == '/')
            o[--l] = '\0';
        slash = strrchr(o, '/');
        parent =
            slash ? (slash == o ? xstrdup("/") : strndup(o, (size_t)(slash - o))) : xstrdup(".");
        name = xstrdup(slash ? slash + 1 : o);
        free(o);
    }
    if ((rc = check_output_dir(output)))
        return rc;
    if (make_parents(parent)) {
        log_error("%s: cannot create the folder: %s", parent, strerror(errno));
        return EX_CANTCREAT;
    }
    if (asprintf(&lockpath, "%s/.%s.lock", parent, name) < 0)
        return EX_SOFTWARE;
    lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lockfd < 0) {
        log_error("%s: cannot create the lock file: %s", lockpath, strerror(errno));
        return EX_CANTCREAT;
    }
    if (flock(lockfd, LOCK_EX | LOCK_NB)) {
        log_error("another run is writing %s (lock %s held); try again when it is done", output,
                  lockpath);
        return EX_TEMPFAIL;
    }
    {
        /* debris of a killed run */
        DIR *d = opendir(parent);
        struct dirent *e;
        char prefix[512];
        snprintf(prefix, sizeof prefix, ".%s.staging-", name);
        while (d && (e = readdir(d)))
            if (!strncmp(e->d_name, prefix, strlen(prefix))) {
                char *p = join(parent, e->d_name);
                rm_tree(p);
                free(p);
            }
        if (d)
            closedir(d);
    }
    snprintf(staging, sizeof staging, "%s/.%s.staging-%ld", parent, name, (long)getpid());
    if (mkdir(staging, 0755)) {
        log_error("%s: cannot create the staging folder: %s", staging, strerror(errno));
        return EX_CANTCREAT;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    {
        char *work = keep ? xstrdup(keep) : join(staging, ".work");
        char *w_c, *w_e, *w_p, *r_c, *r_e, *r_p, *q_c, *q_e, *q_p, *kept, *mq, *sum;
        char *args[MAXARGS];
        char sec[16], rate[32];
        int a;
        mkdir(work, 0700);
#define W(var, file) var = join(work, file)
        W(w_c, "contrats.tsv");
        W(w_e, "evenements.tsv");
        W(w_p, "participations.tsv");
        W(r_c, "rejets-contrats.tsv");
        W(r_e, "rejets-evenements.tsv");
        W(r_p, "rejets-participations.tsv");
        W(q_c, "qualite-contrats.tsv");
        W(q_e, "qualite-evenements.tsv");
        W(q_p, "qualite-participations.tsv");
        W(kept, "contrats-conserves.tsv");
        W(mq, "qualite-fusion.tsv");
        W(sum, "resume-fusion.tsv");
#undef W
        /* ingest, one kind after the other */
        {
            struct {
                const char *kind;
                struct filelist *fl;
                char *out, *rej, *q;
            } kinds[3] = {{"contrats", &fk, w_c, r_c, q_c},
                          {"evenements", &fe, w_e, r_e, q_e},
                          {"participations", &fp, w_p, r_p, q_p}};
            for (int k = 0; k < 3 && !rc; k++) {
                a = 0;
                args[a++] = "ingest";
                args[a++] = "--kind";
                args[a++] = (char *)kinds[k].kind;
                args[a++] = "--schemas";
                args[a++] = schemas;
                args[a++] = "--input";
                args[a++] = (char *)input;
                args[a++] = "--out";
                args[a++] = kinds[k].out;
                args[a++] = "--rejects";
                args[a++] = kinds[k].rej;
                args[a++] = "--quality";
                args[a++] = kinds[k].q;
                if (k == 0) {
                    args[a++] = "--key-file";
                    args[a++] = c.key_file;
                }
                if (k == 2) {
                    args[a++] = "--events";
                    args[a++] = w_e;
                }
                args[a] = NULL;
                {
                    /* file names follow the options */
                    char **full = calloc((size_t)a + kinds[k].fl->n + 1, sizeof *full);
                    memcpy(full, args, (size_t)a * sizeof *full);
                    for (i = 0; i < kinds[k].fl->n; i++)
                        full[a + (int)i] = kinds[k].fl->name[i];
                    rc = run_stage(bindir, full);
                    free(full);
                }
            }
        }
        if (!rc) {
            char *m[] = {"merge",     "--in", w_c,         "--out", kept,      "--quality",   mq,
                         "--summary", sum,    "--schemas", schemas, "--input", (char *)input, NULL};
            rc = run_stage(bindir, m);
        }
        if (!rc && !*obs) {
            if (summary_date(sum, obs)) {
                log_error("no accepted contract row: no observation date can be derived; "
                          "give --observation-date");
                rc = EX_DATAERR;
            }
            obs_how = "latest extraction date of the accepted contract rows";
        }
        if (*verify_source)
            obs_how = verify_source; /* the manifest's date, found the manifest's way */
        snprintf(sec, sizeof sec, "%d", c.secrecy);
        snprintf(rate, sizeof rate, "%g", c.max_reject_rate);
        if (!rc) {
            char *q[] = {"quality", "--schemas",         schemas, "--outdir",
                         staging,   "--merge-quality",   mq,      "--summary",
                         sum,       "--contrats",        q_c,     "--evenements",
                         q_e,       "--participations",  q_p,     "--rejects",
                         r_c,       "--rejects",         r_e,     "--rejects",
                         r_p,       "--max-reject-rate", rate,    NULL};
            rc = run_stage(bindir, q);
        }
        if (!rc) {
            a = 0;
            args[a++] = "indicators";
            args[a++] = "--contracts";
            args[a++] = w_c;
            args[a++] = "--kept";
            args[a++] = kept;
            args[a++] = "--schemas";
            args[a++] = schemas;
            args[a++] = "--input";
            args[a++] = (char *)input;
            args[a++] = "--outdir";
            args[a++] = staging;
            args[a++] = "--observation-date";
            args[a++] = obs;
            args[a++] = "--secrecy";
            args[a++] = sec;
            /* without event files the reunions table is empty, not absent */
            args[a++] = "--events";
            args[a++] = w_e;
            args[a++] = "--participations";
            args[a++] = w_p;
            if (c.years) {
                args[a++] = "--years";
                args[a++] = c.years;
            }
            for (i = 0; i < c.ntargets && a < MAXARGS - 3; i++) {
                args[a++] = "--target";
                args[a++] = c.targets[i];
            }
            args[a] = NULL;
            rc = run_stage(bindir, args);
        }
        if (!rc) {
            /* the manifest first (the workbook's Provenance sheet repeats it),
             * then again with the workbook listed */
            char *prov = join(work, "provenance.yaml"), *mpath = join(staging, "manifest.yaml");
            char *r[] = {"report",
                         "--outdir",
                         staging,
                         "--schemas",
                         schemas,
                         "--title",
                         "Bilan de l'apprentissage",
                         "--observation-date",
                         obs,
                         "--provenance",
                         prov,
                         NULL};
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
            manifest_work mw = {{q_c, q_e, q_p}, mq, sum};
            rc = manifest_write(staging, &mp, input, all.name, all.n, &mw, ref, err, sizeof err);
            if (!rc && rename(mpath, prov))
                rc = EX_IOERR;
            if (!rc)
                rc = run_stage(bindir, r);
            if (!rc)
                rc =
                    manifest_write(staging, &mp, input, all.name, all.n, &mw, ref, err, sizeof err);
            if (rc == EX_IOERR)
                log_error("%s", err);
            free(prov);
            free(mpath);
        }
        if (!keep)
            rm_tree(work);
        free(work);
        free(w_c), free(w_e), free(w_p), free(r_c), free(r_e), free(r_p);
        free(q_c), free(q_e), free(q_p), free(kept), free(mq), free(sum);
    }
    if (got_signal) {
        rm_tree(staging);
        return 128 + got_signal;
    }
    if (rc) {
        rm_tree(staging);
        log_error("run failed (exit %d); nothing was published, %s is unchanged; %s", rc, output,
                  advice(rc));
        return rc;
    }
    /* publish: swap the staging folder with the output folder at once */
    {
        struct stat st;
        if (stat(output, &st) == 0) {
            if (renameat2(AT_FDCWD, staging, AT_FDCWD, output, RENAME_EXCHANGE) == 0) {
                rm_tree(staging);
            } else {
                char old[PATH_MAX + 8];
                snprintf(old, sizeof old, "%s.old", staging);
                if (rename(output, old) || rename(staging, output)) {
                    log_error("cannot publish into %s: %s", output, strerror(errno));
                    rm_tree(staging);
                    return EX_IOERR;
                }
                rm_tree(old);
            }
        } else if (rename(staging, output)) {
            log_error("cannot publish into %s: %s", output, strerror(errno));
            rm_tree(staging);
            return errno == EXDEV || errno == EACCES ? EX_CANTCREAT : EX_IOERR;
        }
    }
    close(lockfd);
    if (verify) {
        char *mine = join(output, "manifest.yaml");
        int n = manifest_compare(verify, mine, print_diff, NULL, err, sizeof err);
        int pub = n < 0 ? 0 : manifest_check_published(verify, print_diff, NULL, err, sizeof err);
        free(mine);
        if (pub < 0)
            n = -1;
        else if (n >= 0)
            n += pub;
        if (n < 0) {
            log_error("%s", err);
            return EX_DATAERR;
        }
        if (n > 0) {
            log_error("--verify: %d difference(s) with %s (listed above)", n, verify);
            return EX_DATAERR;
        }
        log_info("--verify: every input, parameter and output matches %s", verify);
        return 0;
    }
    log_info("reports published in %s (observation date %s)", output, obs);
    return 0;
}

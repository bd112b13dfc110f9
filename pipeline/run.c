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

#include "config.h"
#include "facts.h"
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

#define MAXJOBS 8

static volatile sig_atomic_t got_signal;
static volatile pid_t running[MAXJOBS]; /* the stages running now, 0 in free places */
static char staging[PATH_MAX];

static void on_signal(int sig)
{
    int i;
    got_signal = sig;
    for (i = 0; i < MAXJOBS; i++)
        if (running[i] > 0)
            kill(running[i], SIGTERM);
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

/* What the operator should do after a failed run, by exit code. */
static const char *advice(int code)
{
    switch (code) {
    case EX_DATAERR:
        return "fix the input named above (file:line:column) or raise the limit it names "
               "(max_reject_rate, max_expansion), then rerun";
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

/* Loads and checks the configuration (stages/lib/config.h). 0, 78 or 70. */
static int load_config(const char *path, struct config *c)
{
    char err[1024];
    int rc = config_load(path, c, err, sizeof err);
    if (rc)
        log_error("%s", err);
    return rc;
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A stage run: its arguments (argv[0] is the stage's name), its process
 * and how it ended. */
struct job {
    struct args {
        char **v;
        size_t n, cap;
    } a;
    const char *label; /* "ingest contrats", "merge", ... */
    pid_t pid;
    int state; /* 0 not started, 1 running, 2 done */
    int code;  /* its exit code mapped to the table of spec/outputs.md */
    double t0;
};

/* Starts a stage. 0, or 70 when it cannot be started. */
static int job_start(const char *bindir, struct job *j)
{
    char *prog = join(bindir, j->a.v[0]);
    pid_t pid;
    int i;
    j->t0 = now_seconds();
    pid = fork();
    if (pid < 0) {
        log_error("cannot start %s: %s", j->label, strerror(errno));
        free(prog);
        return EX_SOFTWARE;
    }
    if (pid == 0) {
        /* APP_STAGE_WRAPPER (tests only): a command the stages run under,
         * such as "valgrind --leak-check=full --error-exitcode=99 -q" */
        const char *wrap = getenv("APP_STAGE_WRAPPER");
        char **argv = j->a.v;
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
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
            for (size_t k = 1; k < nargs; k++)
                full[n++] = argv[k];
            full[n] = NULL;
            execvp(full[0], full);
        } else {
            execv(prog, argv);
        }
        fprintf(stderr, "ERROR pipeline: cannot run %s: %s\n", prog, strerror(errno));
        _exit(EX_SOFTWARE);
    }
    free(prog);
    j->pid = pid;
    j->state = 1;
    for (i = 0; i < MAXJOBS && running[i]; i++)
        ;
    if (i < MAXJOBS)
        running[i] = pid;
    return 0;
}

/* Waits for one of the running jobs to end; maps its end to an exit code
 * of the table (j->code) and returns it, or -1 when none was running. */
static struct job *job_wait(struct job *jobs, size_t n)
{
    int status, i;
    size_t k;
    pid_t pid;
    struct job *j = NULL;
    for (;;) {
        pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            return NULL;
        }
        for (k = 0; k < n && !j; k++)
            if (jobs[k].state == 1 && jobs[k].pid == pid)
                j = &jobs[k];
        if (j)
            break;
    }
    for (i = 0; i < MAXJOBS; i++)
        if (running[i] == pid)
            running[i] = 0;
    j->state = 2;
    if (got_signal) {
        j->code = 128 + got_signal;
    } else if (WIFSIGNALED(status)) {
        log_error("stage %s was killed by signal %d", j->label, WTERMSIG(status));
        j->code = EX_SOFTWARE;
    } else {
        int code = WEXITSTATUS(status);
        log_info("stage %s exit=%d seconds=%.3f", j->label, code, now_seconds() - j->t0);
        if (code == 0 || code == 64 || code == 65 || code == 66 || code == 70 || code == 73 ||
            code == 74 || code == 75 || code == 78) {
            j->code = code;
        } else {
            log_error("stage %s exited with code %d", j->label, code);
            j->code = EX_SOFTWARE;
        }
    }
    return j;
}

/* Stops every running job and waits for them (after a failure). */
static void jobs_stop(struct job *jobs, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++)
        if (jobs[k].state == 1)
            kill(jobs[k].pid, SIGTERM);
    for (k = 0; k < n; k++)
        if (jobs[k].state == 1)
            job_wait(jobs, n);
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
    config_free(&c);
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
    ydoc *m = yload_file_max(mpath, YLOAD_MANIFEST_MAX_BYTES, err, sizeof err);
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
    if ((v = ymap_get(p, "max_expansion")) && v->type == YN_SCALAR && strtod(v->str, NULL) > 1)
        c->max_expansion = strtod(v->str, NULL);
    if ((v = ymap_get(p, "dispositifs")) && v->type == YN_SEQ) {
        /* the manifest's list replaces the configuration's */
        c->ndispositifs = 0;
        for (i = 0; i < v->n && c->ndispositifs < CONFIG_MAX_DISPOSITIFS; i++)
            if (v->kids[i]->type == YN_SCALAR &&
                (!strcmp(v->kids[i]->str, "APPR") || !strcmp(v->kids[i]->str, "PROF")))
                c->dispositifs[c->ndispositifs++] =
                    !strcmp(v->kids[i]->str, "APPR") ? "APPR" : "PROF";
    }
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
        for (i = 0; i < v->n && i < CONFIG_MAX_TARGETS; i++)
            if (v->kids[i]->type == YN_SCALAR)
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
        m = yload_file_max(mpath, YLOAD_MANIFEST_MAX_BYTES, err, sizeof err);
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
static char exe_dir[PATH_MAX], obs[16], fingerprint[65], cfg_sha[65], rows_arg[24];
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
    if (o->years && !config_years_ok(o->years)) {
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
    if ((rc = config_resolve_targets(&c, ref, err, sizeof err))) {
        log_error("%s", err);
        return rc;
    }
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

/* The intermediate files of one run: typed records (stages/lib/rec.h),
 * rejects (stages/lib/tsv.h) and the facts each stage passes on
 * (stages/lib/facts.h). */
struct work {
    char *dir, *rec[3], *rej[3], *qual[3], *kept, *merge, *outs[3], *prov;
    char *secsum; /* indicators' per-table secrecy counts, for the manifest */
};

static const char *const kinds[3] = {"contrats", "evenements", "participations"};

static void work_paths(struct work *w, const char *dir)
{
    static const char *const outs[3] = {"sorties-qualite.tsv", "sorties-indicateurs.tsv",
                                        "sorties-rapport.tsv"};
    char buf[64];
    int k;
    w->dir = xstrdup(dir);
    for (k = 0; k < 3; k++) {
        snprintf(buf, sizeof buf, "%s.rec", kinds[k]);
        w->rec[k] = join(dir, buf);
        snprintf(buf, sizeof buf, "rejets-%s.tsv", kinds[k]);
        w->rej[k] = join(dir, buf);
        snprintf(buf, sizeof buf, "qualite-%s.tsv", kinds[k]);
        w->qual[k] = join(dir, buf);
        w->outs[k] = join(dir, outs[k]);
    }
    w->kept = join(dir, "conserves.rec");
    w->merge = join(dir, "fusion.tsv");
    w->prov = join(dir, "provenance.yaml");
    w->secsum = join(dir, "secret-statistique.tsv");
}

static void work_free(struct work *w)
{
    int k;
    free(w->dir);
    for (k = 0; k < 3; k++)
        free(w->rec[k]), free(w->rej[k]), free(w->qual[k]), free(w->outs[k]);
    free(w->kept), free(w->merge), free(w->prov), free(w->secsum);
}

/* The jobs of the chain, in the order of their table. */
enum { J_INGEST_C, J_INGEST_E, J_INGEST_P, J_MERGE, J_QUALITY, J_INDICATORS, J_REPORT, NJOBS };

/* The arguments of every stage but report (whose date is known later). */
static void chain_args(struct job *jobs, const char *input, const struct work *w, char *sec,
                       char *rate, char *expansion, const char *disp)
{
    struct filelist *lists[3] = {&fk, &fe, &fp};
    static const char *const labels[3] = {"ingest contrats", "ingest evenements",
                                          "ingest participations"};
    size_t i;
    int k;
    for (k = 0; k < 3; k++) {
        struct args *a = &jobs[J_INGEST_C + k].a;
        jobs[J_INGEST_C + k].label = labels[k];
        arg(a, "ingest"), arg(a, "--kind"), arg(a, kinds[k]);
        arg(a, "--schemas"), arg(a, schemas), arg(a, "--input"), arg(a, input);
        arg(a, "--out"), arg(a, w->rec[k]), arg(a, "--rejects"), arg(a, w->rej[k]);
        arg(a, "--quality"), arg(a, w->qual[k]);
        arg(a, "--max-expansion"), arg(a, expansion);
        if (k == 0)
            arg(a, "--key-file"), arg(a, c.key_file);
        if (k == 2)
            arg(a, "--events"), arg(a, w->rec[1]);
        for (i = 0; i < lists[k]->n; i++)
            arg(a, lists[k]->name[i]);
    }
    jobs[J_MERGE].label = "merge";
    arg(&jobs[J_MERGE].a, "merge"), arg(&jobs[J_MERGE].a, "--in"), arg(&jobs[J_MERGE].a, w->rec[0]);
    arg(&jobs[J_MERGE].a, "--out"), arg(&jobs[J_MERGE].a, w->kept);
    arg(&jobs[J_MERGE].a, "--facts"), arg(&jobs[J_MERGE].a, w->merge);
    arg(&jobs[J_MERGE].a, "--dispositifs"), arg(&jobs[J_MERGE].a, disp);
    arg(&jobs[J_MERGE].a, "--rows"), arg(&jobs[J_MERGE].a, rows_arg);
    {
        struct args *a = &jobs[J_QUALITY].a;
        jobs[J_QUALITY].label = "quality";
        arg(a, "quality"), arg(a, "--schemas"), arg(a, schemas), arg(a, "--outdir");
        arg(a, staging), arg(a, "--merge"), arg(a, w->merge), arg(a, "--contrats");
        arg(a, w->qual[0]), arg(a, "--evenements"), arg(a, w->qual[1]);
        arg(a, "--participations"), arg(a, w->qual[2]);
        for (k = 0; k < 3; k++)
            arg(a, "--rejects"), arg(a, w->rej[k]);
        arg(a, "--max-reject-rate"), arg(a, rate), arg(a, "--facts"), arg(a, w->outs[0]);
    }
    {
        struct args *a = &jobs[J_INDICATORS].a;
        jobs[J_INDICATORS].label = "indicators";
        arg(a, "indicators"), arg(a, "--contracts"), arg(a, w->rec[0]), arg(a, "--kept");
        arg(a, w->kept), arg(a, "--schemas"), arg(a, schemas), arg(a, "--outdir");
        arg(a, staging), arg(a, "--observation-date"), arg(a, obs), arg(a, "--secrecy");
        arg(a, sec), arg(a, "--facts"), arg(a, w->outs[1]);
        arg(a, "--secrecy-summary"), arg(a, w->secsum);
        arg(a, "--wait-kept"), arg(a, "--rows"), arg(a, rows_arg);
        /* without event files the reunions table is empty, not absent */
        arg(a, "--events"), arg(a, w->rec[1]), arg(a, "--participations"), arg(a, w->rec[2]);
        if (c.years)
            arg(a, "--years"), arg(a, c.years);
        for (i = 0; i < c.ntargets; i++)
            arg(a, "--target"), arg(a, c.targets[i]);
    }
}

/* What ingest knew of the contract files: the latest extraction date of
 * their accepted rows (into out, YYYY-MM-DD; "" when there is none) and the
 * number of those rows. 0, or -1 when its facts cannot be read. */
static int ingest_facts(const char *path, char *out, unsigned long *rows)
{
    facts_input *f = NULL;
    size_t n = 0, i;
    char err[512];
    date_t max = DATE_NONE;
    int rc = facts_inputs_read(path, &f, &n, err, sizeof err);
    *rows = 0;
    for (i = 0; i < n; i++) {
        *rows += f[i].accepted;
        if (f[i].extraction_max != DATE_NONE && (max == DATE_NONE || f[i].extraction_max > max))
            max = f[i].extraction_max;
    }
    facts_inputs_free(f, n);
    *out = '\0';
    if (max != DATE_NONE)
        date_format(max, out);
    if (rc)
        log_own_file(path, err);
    return rc;
}

/* 1 when job k can start: what it reads exists (indicators reads merge's
 * kept rows as soon as merge writes them: it starts beside merge). */
static int job_ready(const struct job *jobs, int k)
{
    int ingested =
        jobs[J_INGEST_C].state == 2 && jobs[J_INGEST_E].state == 2 && jobs[J_INGEST_P].state == 2;
    switch (k) {
    case J_INGEST_P:
        return jobs[J_INGEST_E].state == 2;
    case J_MERGE:
        return jobs[J_INGEST_C].state == 2;
    case J_INDICATORS:
        return ingested;
    case J_QUALITY:
        return ingested && jobs[J_MERGE].state == 2;
    case J_REPORT:
        return 0; /* after the first manifest: run_chain starts it */
    default:
        return 1;
    }
}

/* Runs the jobs of the chain up to the report, each as soon as it is ready
 * (ingest of the contracts beside ingest of the events, then of the
 * attendance; merge as soon as the contracts are in; indicators beside
 * merge; quality beside indicators). The observation date, when not given,
 * is found once the contracts are in (pick_obs). 0, or the exit code of the
 * first failure met (the other jobs are stopped). */
static int run_jobs(struct job *jobs, int to, int (*pick_obs)(void *), void *data)
{
    int k, rc = 0, left, picked = 0;
    for (;;) {
        for (k = 0; k < to && !rc && !got_signal; k++) {
            if (jobs[k].state != 0 || !job_ready(jobs, k))
                continue;
            /* both need the number of accepted rows (and indicators the
             * date): known once the contracts are in */
            if ((k == J_MERGE || k == J_INDICATORS) && pick_obs && !picked++ &&
                (rc = pick_obs(data)))
                break;
            rc = job_start(exe_dir, &jobs[k]);
        }
        for (k = 0, left = 0; k < NJOBS; k++)
            left += jobs[k].state == 1;
        if (!left)
            break;
        {
            struct job *j = job_wait(jobs, NJOBS);
            if (j && j->code && !rc) {
                rc = j->code;
                jobs_stop(jobs, NJOBS);
            }
            if (rc && !got_signal)
                jobs_stop(jobs, NJOBS);
        }
    }
    if (got_signal)
        return 128 + got_signal;
    return rc;
}

/* What the driver passes on once the contracts are in: the observation
 * date when neither the configuration nor the command line gives it (the
 * latest extraction date of the accepted contract rows, spec/indicators.md)
 * and the number of accepted rows (indicators' one allocation). 0, 65 when
 * no date can be derived, 70 when ingest's counts cannot be read. */
static int pick_obs(void *data)
{
    const struct work *w = data;
    char latest[16];
    unsigned long rows;
    if (ingest_facts(w->qual[0], latest, &rows))
        return EX_SOFTWARE;
    snprintf(rows_arg, sizeof rows_arg, "%lu", rows);
    if (*obs)
        return 0;
    obs_how = "latest extraction date of the accepted contract rows";
    if (!*latest) {
        log_error("no accepted contract row: no observation date can be derived; "
                  "give --observation-date");
        return EX_DATAERR;
    }
    snprintf(obs, sizeof obs, "%s", latest);
    return 0;
}

/* The stages in a staging folder: ingest, merge, quality and indicators,
 * the manifest (the workbook's Provenance sheet repeats it), report, the
 * manifest again with the workbook listed. */
static int run_chain(const char *input, const struct work *w, const manifest_hashes *hashes)
{
    struct job jobs[NJOBS];
    char sec[16], rate[32], expansion[32], err[1024], disp[64] = "";
    size_t i;
    int k, rc;

    memset(jobs, 0, sizeof jobs);
    snprintf(sec, sizeof sec, "%d", c.secrecy);
    snprintf(rate, sizeof rate, "%g", c.max_reject_rate);
    snprintf(expansion, sizeof expansion, "%.17g", c.max_expansion);
    for (i = 0; i < c.ndispositifs; i++)
        snprintf(disp + strlen(disp), sizeof disp - strlen(disp), "%s%s", i ? "," : "",
                 c.dispositifs[i]);
    chain_args(jobs, input, w, sec, rate, expansion, disp);
    rc = run_jobs(jobs, J_REPORT, pick_obs, (void *)w);
    if (*verify_source)
        obs_how = verify_source; /* the manifest's date, found the manifest's way */
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
                              schemas,
                              c.max_expansion,
                              c.dispositifs,
                              c.ndispositifs};
        manifest_work mw = {{w->qual[0], w->qual[1], w->qual[2]},
                            w->merge,
                            {w->outs[0], w->outs[1], w->outs[2], NULL},
                            w->secsum};
        char *mpath = join(staging, "manifest.yaml");
        struct args *a = &jobs[J_REPORT].a;
        if (pending_hashes) {
            pthread_join(*pending_hashes, NULL);
            pending_hashes = NULL;
        }
        if (hashes->failed) {
            log_error("%s: cannot read: %s", all.name[hashes->failed_at], strerror(hashes->failed));
            rc = EX_IOERR;
        } else if ((rc = manifest_write(staging, &mp, input, all.name, all.n, hashes, &mw, ref, err,
                                        sizeof err))) {
            log_error("%s", err);
        } else if (rename(mpath, w->prov)) {
            log_error("%s: %s", w->prov, strerror(errno));
            rc = EX_IOERR;
        } else {
            jobs[J_REPORT].label = "report";
            arg(a, "report"), arg(a, "--outdir"), arg(a, staging), arg(a, "--schemas");
            arg(a, schemas), arg(a, "--title"), arg(a, "Bilan de l'apprentissage");
            arg(a, "--observation-date"), arg(a, obs), arg(a, "--provenance"), arg(a, w->prov);
            arg(a, "--facts"), arg(a, w->outs[2]);
            arg(a, "--input"), arg(a, input); /* dropped reference tables: libellés */
            jobs[J_REPORT].state = 0;
            rc = job_start(exe_dir, &jobs[J_REPORT]);
            if (!rc)
                rc = run_jobs(jobs, 0, NULL, NULL);
            if (!rc && (rc = manifest_write(staging, &mp, input, all.name, all.n, hashes, &mw, ref,
                                            err, sizeof err)))
                log_error("%s", err);
        }
        free(mpath);
    }
    for (k = 0; k < NJOBS; k++)
        free(jobs[k].a.v);
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
    config_init(&c);
    log_init("pipeline", LOG_INFO);
    if ((rc = parse_options(argc, argv, &o)))
        return rc;
    log_init("pipeline", o.quiet ? LOG_ERROR : o.verbose ? LOG_DEBUG : LOG_INFO);
    setenv("APP_LOG_LEVEL", o.quiet ? "error" : o.verbose ? "debug" : "warn", 1);
    /* the stages' large arrays (merge's table, indicators' contracts) on
     * transparent huge pages: a tenth of their time went to page faults;
     * glibc's own tunable, left alone when the caller sets one */
    setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 0);
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

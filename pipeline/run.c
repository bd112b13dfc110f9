/* pipeline-run: the driver behind pipeline/run (README "Command line";
 * exit codes: spec/outputs.md). It reads the command line and the run's
 * settings (settings.h; under --verify the given manifest's parameters,
 * verify.h), lists the input files (inputs.h), checks and locks the output
 * folder and makes a staging folder beside it (publish.h); then it runs the
 * stages in the staging folder, each as soon as what it reads exists (the
 * chain table below), writes the manifest, runs report, writes the manifest
 * again with the workbook listed, and publishes the staging folder as the
 * output folder at once. Under --verify it publishes into a private folder
 * and compares the result with the given manifest. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "apperr.h"
#include "config.h"
#include "facts.h"
#include "inputs.h"
#include "jobs.h"
#include "log.h"
#include "manifest.h"
#include "publish.h"
#include "refdata.h"
#include "settings.h"
#include "values.h"
#include "verify.h"

/* The jobs of the chain, in the order they start when several are ready:
 * indicators before merge, as it is the longer of the two once the
 * contracts are in (the run waits for it). */
enum { J_INGEST_C, J_INGEST_E, J_INGEST_P, J_INDICATORS, J_MERGE, J_QUALITY, J_REPORT, NJOBS };
_Static_assert(NJOBS <= JOBS_MAX, "jobs.c follows JOBS_MAX stages at once");

/* ---- the command line ---------------------------------------------------- */

struct options {
    const char *input, *output; /* -i, -o */
    const char *verify;         /* --verify MANIFEST */
    const char *keep;           /* --keep-work DIR: the intermediate files kept there */
    settings_options set;       /* -c, --observation-date, --years, --key-file, --no-secrecy */
    int quiet, verbose, help;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: pipeline/run -i INPUT_DIR -o OUTPUT_DIR [-c CONFIG.yaml]\n"
               "                    [--observation-date YYYY-MM-DD] [--years YYYY[-YYYY]]\n"
               "                    [--key-file FILE] [--no-secrecy] [--verify MANIFEST.yaml]\n"
               "                    [-q | -v]\n"
               "Turns apprenticeship-contract extracts into indicator reports (README.md).\n");
}

/* The dates and years given, checked for form. 0 or 64. */
static int check_values(const struct options *o)
{
    date_t d;
    if (o->set.observation_date && val_observation_date(o->set.observation_date, &d)) {
        fprintf(stderr,
                "ERROR pipeline: --observation-date wants YYYY-MM-DD, from 2000-01-01 on\n");
        return EX_USAGE;
    }
    if (o->set.years && !config_years_ok(o->set.years)) {
        fprintf(stderr, "ERROR pipeline: --years wants YYYY or YYYY-YYYY (2000-2099)\n");
        return EX_USAGE;
    }
    return 0;
}

/* The command line into o. 0 (o->help set by -h, which stops the reading),
 * or 64 with the usage on stderr. */
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
    int c;
    while ((c = getopt_long(argc, argv, "i:o:c:qvh", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            o->input = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'c':
            o->set.config = optarg;
            break;
        case 'd':
            o->set.observation_date = optarg;
            break;
        case 'y':
            o->set.years = optarg;
            break;
        case 'k':
            o->set.key_file = optarg;
            break;
        case 'n':
            o->set.no_secrecy = 1;
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
            o->help = 1;
            return 0;
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
    return check_values(o);
}

/* ---- the run ------------------------------------------------------------- */

/* The intermediate files of one run, in its work folder: typed records
 * (stages/lib/rec.h), rejects (stages/lib/tsv.h) and the facts each stage
 * passes on (stages/lib/facts.h); each array by kind of input. */
struct work {
    char *dir, *rec[INPUTS_NKINDS], *rej[INPUTS_NKINDS], *qual[INPUTS_NKINDS];
    char *kept;    /* merge's runs of kept rows */
    char *merge;   /* merge's per-file counts */
    char *outs[3]; /* the outputs' facts: quality's, indicators', report's */
    char *prov;    /* the first manifest, for report's Provenance sheet */
    char *secsum;  /* indicators' per-table secrecy counts, for the manifest */
};

/* Everything one run holds, from the command line to the publication:
 * main owns it and passes it to each step; run_free releases it whatever
 * the exit path. */
struct run {
    struct options opt;
    char bindir[PATH_MAX]; /* the driver's folder, where the stages are */
    settings set;
    verify_params recorded; /* --verify: what the rerun takes from the manifest */
    char *private_dir;      /* --verify: the rerun's private folder, removed at the end */
    char *private_out;      /* --verify: where the rerun publishes, in private_dir */
    const char *output;     /* where this run publishes: -o, or private_out */
    inputs in;
    refdata *ref;
    publication pub;
    struct work work;
    manifest_hashes hashes; /* the inputs' SHA-256 and sizes, for the manifest */
    int digests_rc;         /* settings_digests' outcome, and its message */
    char digests_err[1024];
    pthread_t hasher; /* the thread computing both beside the stages (hash_inputs) */
    int hashing;      /* hasher is to be joined */
    int hash_started; /* hash_inputs has begun, on hasher or on this thread */
    /* the stages' parameters as text */
    char secrecy[16], reject_rate[32], expansion[32], dispositifs[64];
    char obs[16];           /* the observation date, YYYY-MM-DD; "" until known */
    const char *obs_source; /* where it comes from (settings.h); NULL until known */
    char rows[24];          /* the accepted contract rows; "" until the contracts are in */
};

/* Out of memory in the driver's own bookkeeping: no way on. A staging
 * folder left behind is removed by the next run. */
static void out_of_memory(void)
{
    log_error("out of memory");
    exit(EX_SOFTWARE);
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        out_of_memory();
    return p;
}

/* dir/name, or name when it is absolute. */
static char *join(const char *dir, const char *name)
{
    char *p;
    if (name[0] == '/')
        return xstrdup(name);
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        out_of_memory();
    return p;
}

/* The names of the intermediate files in the work folder dir. */
static void work_paths(struct work *w, const char *dir)
{
    static const char *const outs[3] = {"sorties-qualite.tsv", "sorties-indicateurs.tsv",
                                        "sorties-rapport.tsv"};
    char buf[64];
    int k;
    w->dir = xstrdup(dir);
    for (k = 0; k < INPUTS_NKINDS; k++) {
        snprintf(buf, sizeof buf, "%s.rec", inputs_kind_names[k]);
        w->rec[k] = join(dir, buf);
        snprintf(buf, sizeof buf, "rejets-%s.tsv", inputs_kind_names[k]);
        w->rej[k] = join(dir, buf);
        snprintf(buf, sizeof buf, "qualite-%s.tsv", inputs_kind_names[k]);
        w->qual[k] = join(dir, buf);
    }
    for (k = 0; k < 3; k++)
        w->outs[k] = join(dir, outs[k]);
    w->kept = join(dir, "conserves.rec");
    w->merge = join(dir, "fusion.tsv");
    w->prov = join(dir, "provenance.yaml");
    w->secsum = join(dir, "secret-statistique.tsv");
}

static void work_free(struct work *w)
{
    int k;
    free(w->dir);
    for (k = 0; k < INPUTS_NKINDS; k++)
        free(w->rec[k]), free(w->rej[k]), free(w->qual[k]);
    for (k = 0; k < 3; k++)
        free(w->outs[k]);
    free(w->kept), free(w->merge), free(w->prov), free(w->secsum);
    memset(w, 0, sizeof *w);
}

static void run_init(struct run *r)
{
    memset(r, 0, sizeof *r);
    settings_init(&r->set);
    verify_params_init(&r->recorded);
    inputs_init(&r->in);
    publish_init(&r->pub);
}

/* Frees the run; an unpublished staging folder and the private folder of
 * --verify are removed. */
static void run_free(struct run *r)
{
    if (r->hashing)
        pthread_join(r->hasher, NULL);
    work_free(&r->work);
    publish_free(&r->pub);
    if (r->private_dir)
        publish_remove_tree(r->private_dir);
    free(r->private_dir);
    free(r->private_out);
    verify_params_free(&r->recorded);
    settings_free(&r->set);
    inputs_free(&r->in);
    refdata_free(r->ref);
    manifest_hashes_free(&r->hashes);
}

/* Logs err when rc is not 0; returns rc. */
static int logged(int rc, const char *err)
{
    if (rc)
        log_error("%s", err);
    return rc;
}

/* ---- before the first stage ---------------------------------------------- */

/* The driver's log level from -q and -v, and the stages' environment: their
 * log level (APP_LOG_LEVEL) and malloc on huge pages. */
static void set_log_and_environment(const struct options *o)
{
    log_init("pipeline", o->quiet ? LOG_ERROR : o->verbose ? LOG_DEBUG : LOG_INFO);
    setenv("APP_LOG_LEVEL", o->quiet ? "error" : o->verbose ? "debug" : "warn", 1);
    /* glibc's own tunables, left alone when the caller sets some: the
     * stages' large arrays (merge's table, indicators' contracts) on
     * transparent huge pages, a tenth of their time having gone to page
     * faults; and the heap grown 32 MiB beyond each need (top_pad), so that
     * it grows and shrinks far less often (a page fault costs 10-20 us on
     * a virtual machine): 0.89 -> 0.80 s for the chain at 300 000
     * contracts, for about 7 MB more at the peak at 1 000 000 (README
     * "Benchmark"; serving blocks of up to 32 MiB from the heap too was no
     * faster and cost 14 MB) */
    setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432", 0);
}

/* The folder of the driver's executable, where the stages are. 0 or 70. */
static int find_bindir(struct run *r)
{
    ssize_t n = readlink("/proc/self/exe", r->bindir, sizeof r->bindir - 1);
    if (n < 0) {
        log_error("cannot find the stage executables: %s", strerror(errno));
        return EX_SOFTWARE;
    }
    r->bindir[n] = '\0';
    *strrchr(r->bindir, '/') = '\0';
    return 0;
}

/* --verify: the manifest's parameters over the configuration (the options
 * given win, each override logged) and the private folder the rerun
 * publishes into. 0 or an exit code with a message in err. */
static int take_manifest_params(struct run *r, char *err, size_t errlen)
{
    size_t i;
    int rc = verify_read_params(r->opt.verify, &r->opt.set, &r->recorded, err, errlen);
    for (i = 0; i < r->recorded.nnotes; i++)
        log_info("%s", r->recorded.notes[i]);
    if (!rc && (rc = verify_apply(&r->recorded, &r->set)))
        snprintf(err, errlen, "out of memory");
    if (!rc)
        rc = verify_private_folder(getenv("TMPDIR"), &r->private_dir, &r->private_out, err, errlen);
    if (!rc)
        r->output = r->private_out;
    return rc;
}

/* The stages' parameters as text, from the settings. */
static void stage_parameters(struct run *r)
{
    const config *c = &r->set.cfg;
    size_t i, n = 0;
    snprintf(r->secrecy, sizeof r->secrecy, "%d", c->secrecy);
    snprintf(r->reject_rate, sizeof r->reject_rate, "%g", c->max_reject_rate);
    snprintf(r->expansion, sizeof r->expansion, "%.17g", c->max_expansion);
    for (i = 0; i < c->ndispositifs && n < sizeof r->dispositifs; i++)
        n += (size_t)snprintf(r->dispositifs + n, sizeof r->dispositifs - n, "%s%s", i ? "," : "",
                              c->dispositifs[i]);
    if (c->observation_date)
        snprintf(r->obs, sizeof r->obs, "%s", c->observation_date);
    r->obs_source = r->set.observation_source;
}

/* The run's settings (settings.h): the configuration file, under --verify
 * the manifest's parameters, the options; the key and the schemas folder.
 * 0 or an exit code (logged). */
static int setup_settings(struct run *r)
{
    char err[1024];
    int rc = settings_load_config(&r->set, r->opt.set.config, r->bindir, err, sizeof err);
    if (!rc && r->opt.verify)
        rc = take_manifest_params(r, err, sizeof err);
    if (!rc && (rc = settings_apply_options(&r->set, &r->opt.set)))
        snprintf(err, sizeof err, "out of memory");
    if (!rc) {
        rc = settings_finish(&r->set, r->bindir, err, sizeof err);
        if (r->set.key_loose)
            log_warn("%s: the key file is readable by others than its owner (chmod 600 it)",
                     r->set.cfg.key_file);
    }
    if (!rc)
        stage_parameters(r);
    return logged(rc, err);
}

/* An entry of an input folder that is not an input: a warning. */
static void log_ignored(void *data, const char *path, const char *why)
{
    (void)data;
    log_warn("%s: ignored (%s)", path, why);
}

/* The files of one kind (inputs.h): 0, 1 without that folder, or an exit
 * code with a message in err. */
static int list_kind(struct run *r, enum inputs_kind kind, char *err, size_t errlen)
{
    return inputs_list(&r->in, r->opt.input, kind, log_ignored, NULL, err, errlen);
}

/* The input files (66 without a contract file), the reference tables, the
 * configured targets checked against them (78). 0 or an exit code (logged). */
static int list_inputs(struct run *r)
{
    const char *input = r->opt.input;
    struct stat st;
    char err[1024];
    enum apperr e;
    int rc;

    if (stat(input, &st) || !S_ISDIR(st.st_mode)) {
        log_error("%s: no such input folder", input);
        return EX_NOINPUT;
    }
    rc = list_kind(r, INPUTS_CONTRATS, err, sizeof err);
    if (rc == 1 || (rc == 0 && r->in.n[INPUTS_CONTRATS] == 0)) {
        log_error("%s/contrats/: no contract file (.csv or .csv.gz); put the extracts there",
                  input);
        return EX_NOINPUT;
    }
    if (rc)
        return logged(rc, err);
    if (!(r->ref = refdata_load(r->set.schemas, input, &e, err, sizeof err)))
        return logged(apperr_exit_code(e), err);
    if ((e = config_resolve_targets(&r->set.cfg, r->ref, err, sizeof err)))
        return logged(apperr_exit_code(e), err);
    /* without an event or attendance folder (1), no file of that kind */
    rc = list_kind(r, INPUTS_EVENEMENTS, err, sizeof err);
    if (rc <= 1)
        rc = list_kind(r, INPUTS_PARTICIPATIONS, err, sizeof err);
    if (rc <= 1)
        rc = inputs_join(&r->in, input, err, sizeof err);
    return logged(rc, err);
}

/* The output folder checked and locked, the staging folder made beside it
 * (publish.h). 0 or an exit code (logged). */
static int prepare_output(struct run *r)
{
    char err[1024];
    return logged(publish_prepare(&r->pub, r->output, err, sizeof err), err);
}

/* The work folder: --keep-work's, or one in the staging folder (removed
 * before publication). */
static void make_work_folder(struct run *r)
{
    char *dir = r->opt.keep ? xstrdup(r->opt.keep) : join(r->pub.staging, ".work");
    mkdir(dir, 0700);
    work_paths(&r->work, dir);
    free(dir);
}

/* ---- the chain ----------------------------------------------------------- */

/* What every ingest gets: its kind, the schemas, its outputs. */
static void ingest_common(const struct run *r, enum inputs_kind k, job_args *a)
{
    const struct work *w = &r->work;
    job_arg(a, "ingest");
    job_opt(a, "--kind", inputs_kind_names[k]);
    job_opt(a, "--schemas", r->set.schemas);
    job_opt(a, "--input", r->opt.input);
    job_opt(a, "--out", w->rec[k]);
    job_opt(a, "--rejects", w->rej[k]);
    job_opt(a, "--quality", w->qual[k]);
    job_opt(a, "--max-expansion", r->expansion);
}

/* The files of kind k, last on ingest's command line. */
static void input_files(const struct run *r, enum inputs_kind k, job_args *a)
{
    size_t i;
    for (i = 0; i < r->in.n[k]; i++)
        job_arg(a, r->in.files[k][i]);
}

/* The contracts: the only stage that sees names and birth dates, hence the key. */
static void ingest_contrats(const struct run *r, job_args *a)
{
    ingest_common(r, INPUTS_CONTRATS, a);
    job_opt(a, "--key-file", r->set.cfg.key_file);
    input_files(r, INPUTS_CONTRATS, a);
}

static void ingest_evenements(const struct run *r, job_args *a)
{
    ingest_common(r, INPUTS_EVENEMENTS, a);
    input_files(r, INPUTS_EVENEMENTS, a);
}

/* The attendance, checked against the events' records. */
static void ingest_participations(const struct run *r, job_args *a)
{
    ingest_common(r, INPUTS_PARTICIPATIONS, a);
    job_opt(a, "--events", r->work.rec[INPUTS_EVENEMENTS]);
    input_files(r, INPUTS_PARTICIPATIONS, a);
}

/* The version merge: the kept rows' runs and per-file counts; its table
 * sized from the accepted rows. */
static void merge(const struct run *r, job_args *a)
{
    const struct work *w = &r->work;
    job_arg(a, "merge");
    job_opt(a, "--in", w->rec[INPUTS_CONTRATS]);
    job_opt(a, "--out", w->kept);
    job_opt(a, "--facts", w->merge);
    job_opt(a, "--dispositifs", r->dispositifs);
    job_opt(a, "--rows", r->rows);
}

/* qualite.csv.gz and rejets.csv.gz from ingest's and merge's counts. */
static void quality(const struct run *r, job_args *a)
{
    const struct work *w = &r->work;
    int k;
    job_arg(a, "quality");
    job_opt(a, "--schemas", r->set.schemas);
    job_opt(a, "--outdir", r->pub.staging);
    job_opt(a, "--merge", w->merge);
    job_opt(a, "--contrats", w->qual[INPUTS_CONTRATS]);
    job_opt(a, "--evenements", w->qual[INPUTS_EVENEMENTS]);
    job_opt(a, "--participations", w->qual[INPUTS_PARTICIPATIONS]);
    for (k = 0; k < INPUTS_NKINDS; k++)
        job_opt(a, "--rejects", w->rej[k]);
    job_opt(a, "--max-reject-rate", r->reject_rate);
    job_opt(a, "--facts", w->outs[0]);
}

/* The indicator tables: started once every ingest is done, beside merge;
 * it reads every contract version and keeps those of merge's runs as they
 * come (--wait-kept). */
static void indicators(const struct run *r, job_args *a)
{
    const struct work *w = &r->work;
    size_t i;
    job_arg(a, "indicators");
    job_opt(a, "--contracts", w->rec[INPUTS_CONTRATS]);
    job_opt(a, "--kept", w->kept);
    job_opt(a, "--schemas", r->set.schemas);
    job_opt(a, "--outdir", r->pub.staging);
    job_opt(a, "--observation-date", r->obs);
    job_opt(a, "--secrecy", r->secrecy);
    job_opt(a, "--facts", w->outs[1]);
    job_opt(a, "--secrecy-summary", w->secsum);
    job_arg(a, "--wait-kept");
    job_opt(a, "--rows", r->rows);
    /* without event files the reunions table is empty, not absent */
    job_opt(a, "--events", w->rec[INPUTS_EVENEMENTS]);
    job_opt(a, "--participations", w->rec[INPUTS_PARTICIPATIONS]);
    if (r->set.cfg.years)
        job_opt(a, "--years", r->set.cfg.years);
    for (i = 0; i < r->set.cfg.ntargets; i++)
        job_opt(a, "--target", r->set.cfg.targets[i]);
}

/* The workbook, with the first manifest on its Provenance sheet. */
static void report(const struct run *r, job_args *a)
{
    const struct work *w = &r->work;
    job_arg(a, "report");
    job_opt(a, "--outdir", r->pub.staging);
    job_opt(a, "--schemas", r->set.schemas);
    job_opt(a, "--title", "Bilan de l'apprentissage");
    job_opt(a, "--observation-date", r->obs);
    job_opt(a, "--provenance", w->prov);
    job_arg(a, "--wait-provenance"); /* written beside it: provenance_beside_report */
    job_opt(a, "--facts", w->outs[2]);
    job_opt(a, "--input", r->opt.input); /* dropped reference tables: libellés */
}

#define DONE(j) (1u << (j))
#define INGESTED (DONE(J_INGEST_C) | DONE(J_INGEST_E) | DONE(J_INGEST_P))

/* The chain (README "Architecture"): each job, the jobs it waits for and
 * its command line. Events are read beside contracts, attendance after the
 * events; merge as soon as the contracts are in; indicators once every
 * ingest is done, beside merge; quality after merge; report last, while the
 * driver writes the first manifest its Provenance sheet waits for
 * (provenance_beside_report). */
static const struct stage {
    const char *label;
    unsigned after; /* DONE() of each job it waits for */
    void (*args)(const struct run *r, job_args *a);
} chain[NJOBS] = {
    [J_INGEST_C] = {"ingest contrats", 0, ingest_contrats},
    [J_INGEST_E] = {"ingest evenements", 0, ingest_evenements},
    [J_INGEST_P] = {"ingest participations", DONE(J_INGEST_E), ingest_participations},
    [J_MERGE] = {"merge", DONE(J_INGEST_C), merge},
    [J_QUALITY] = {"quality", INGESTED | DONE(J_MERGE), quality},
    [J_INDICATORS] = {"indicators", INGESTED, indicators},
    [J_REPORT] = {"report", INGESTED | DONE(J_MERGE) | DONE(J_QUALITY) | DONE(J_INDICATORS),
                  report},
};

/* 1 when every job that job k waits for is done. */
static int job_ready(const job *jobs, int k)
{
    unsigned done = 0;
    int i;
    for (i = 0; i < NJOBS; i++)
        if (jobs[i].state == JOB_DONE)
            done |= DONE(i);
    return (chain[k].after & done) == chain[k].after;
}

/* What ingest knew of the contract files: the latest extraction date of
 * their accepted rows (into out, YYYY-MM-DD; "" when there is none) and the
 * number of those rows. 0, or -1 when its facts cannot be read (logged). */
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

/* Once the contracts are in: the number of accepted rows (merge's table,
 * indicators' one allocation) and, when neither the configuration nor the
 * command line gives it, the observation date: the latest extraction date
 * of the accepted contract rows (spec/indicators.md). 0, 65 when no date
 * can be derived, 70 when ingest's counts cannot be read (logged). */
static int contracts_in(struct run *r)
{
    char latest[16];
    unsigned long rows;
    if (ingest_facts(r->work.qual[INPUTS_CONTRATS], latest, &rows))
        return EX_SOFTWARE;
    snprintf(r->rows, sizeof r->rows, "%lu", rows);
    if (*r->obs)
        return 0;
    if (!*latest) {
        log_error("no accepted contract row: no observation date can be derived; "
                  "give --observation-date");
        return EX_DATAERR;
    }
    snprintf(r->obs, sizeof r->obs, "%s", latest);
    if (!r->obs_source)
        r->obs_source = "latest extraction date of the accepted contract rows";
    return 0;
}

/* Once report runs, the intermediate files that no stage and no manifest
 * reads any more (the records, the rejects, merge's runs) are removed: the
 * 75 MB of records at 300 000 contracts took 5 ms to remove after the
 * report, on the run's last stretch; beside it, on the core it leaves free,
 * they cost nothing. Kept under --keep-work. */
static void drop_spent_work(const struct run *r)
{
    const struct work *w = &r->work;
    int k;
    if (r->opt.keep)
        return;
    for (k = 0; k < INPUTS_NKINDS; k++)
        unlink(w->rec[k]), unlink(w->rej[k]);
    unlink(w->kept);
}

static int wait_for_hashes(struct run *r);
static int write_provenance(const struct run *r);

/* Once report runs (it builds every other sheet first, then waits for its
 * Provenance manifest: --wait-provenance): the spent work files removed,
 * the inputs' hashes finished and the first manifest written, beside it. 0
 * or an exit code (logged). */
static int provenance_beside_report(struct run *r)
{
    int rc;
    drop_spent_work(r);
    if ((rc = wait_for_hashes(r)))
        return rc;
    return write_provenance(r);
}

/* Starts each waiting job whose jobs are done. Merge and
 * indicators need what contracts_in finds: it runs before the first of
 * them starts. 0 or the exit code of a failure (logged). */
static int start_ready(struct run *r, job *jobs)
{
    int k, rc;
    for (k = 0; k < NJOBS && !jobs_signal(); k++) {
        if (jobs[k].state != JOB_WAITING || !job_ready(jobs, k))
            continue;
        if ((k == J_MERGE || k == J_INDICATORS) && !*r->rows && (rc = contracts_in(r)))
            return rc;
        jobs[k].label = chain[k].label;
        chain[k].args(r, &jobs[k].a);
        if ((rc = job_start(&jobs[k], r->bindir)))
            return rc;
        if (k == J_REPORT && (rc = provenance_beside_report(r)))
            return rc;
    }
    return 0;
}

/* ---- the inputs' hashes -------------------------------------------------- */

/* What the manifest needs of libcrypto: the configuration's SHA-256, the
 * key's fingerprint (settings_digests) and the inputs' SHA-256. None is
 * needed before the first manifest, and libcrypto's set-up alone (its first
 * use) costs 2.5 ms: all are left to this, off the way to the first stage. */
static void *hash_inputs(void *arg)
{
    struct run *r = arg;
    r->digests_rc = settings_digests(&r->set, r->digests_err, sizeof r->digests_err);
    manifest_hash_inputs(&r->hashes, r->opt.input, r->in.all, r->in.nall);
    return NULL;
}

/* hash_inputs (about 45 ms of CPU for the 54 MB of 300 000 contracts) on a
 * thread of its own beside the stages (on this one when no thread can be
 * made). The thread takes no signal (jobs.h). */
static void start_hashing(struct run *r)
{
    sigset_t mask;
    r->hash_started = 1;
    jobs_block_signals(&mask);
    r->hashing = pthread_create(&r->hasher, NULL, hash_inputs, r) == 0;
    jobs_unblock_signals(&mask);
    if (!r->hashing)
        hash_inputs(r);
}

/* 1 when a core is free for the hashing: no stage waits to start but
 * report and at most one runs. While the contracts are read, ingest keeps
 * both cores busy (hashed then, they made it 30 ms longer), then merge and
 * indicators; once merge and quality are done, indicators is alone until
 * report starts, and the first manifest, written beside report, needs the
 * hashes. */
static int core_free(const job *jobs)
{
    int k;
    for (k = 0; k < J_REPORT; k++)
        if (jobs[k].state == JOB_WAITING)
            return 0;
    return jobs_running(jobs, NJOBS) <= 1;
}

/* Runs the jobs, each as soon as the jobs it waits for are done, until
 * none runs. After a failure no job starts and the running ones
 * are stopped. 0, the exit code of the first failure, or 128+n after
 * signal n. */
static int run_jobs(struct run *r, job *jobs)
{
    job *j;
    int rc = 0, sig;
    for (;;) {
        if (!rc && (rc = start_ready(r, jobs)))
            jobs_stop(jobs, NJOBS); /* report may be waiting for what failed */
        if (!jobs_running(jobs, NJOBS))
            break;
        if (!(j = jobs_wait(jobs, NJOBS))) /* running jobs but no child: cannot happen */
            return rc ? rc : EX_SOFTWARE;
        if (j->code && !rc)
            rc = j->code;
        if (rc)
            jobs_stop(jobs, NJOBS);
        else if (!r->hash_started && core_free(jobs))
            start_hashing(r);
    }
    sig = jobs_signal();
    return sig ? 128 + sig : rc;
}

/* ---- the manifest -------------------------------------------------------- */

/* Waits for hash_inputs. 0, or an exit code (logged): settings_digests'
 * (78, 70), 74 when an input could not be read. */
static int wait_for_hashes(struct run *r)
{
    if (!r->hash_started) {
        r->hash_started = 1;
        hash_inputs(r); /* no stage runs now: no thread needed */
    }
    if (r->hashing)
        pthread_join(r->hasher, NULL);
    r->hashing = 0;
    if (r->digests_rc)
        return logged(r->digests_rc, r->digests_err);
    if (r->hashes.failed) {
        log_error("%s: cannot read: %s", r->in.all[r->hashes.failed_at],
                  strerror(r->hashes.failed));
        return EX_IOERR;
    }
    return 0;
}

/* STAGING/manifest.yaml for the run so far (manifest.h): its outputs are
 * those the stages' facts files list; a draft is not forced to disk. 0 or an
 * exit code (logged). */
static int write_manifest(const struct run *r, int draft)
{
    const config *c = &r->set.cfg;
    const char *slash = strrchr(c->path, '/');
    const manifest_params mp = {slash ? slash + 1 : c->path,
                                r->set.config_sha256,
                                r->obs,
                                r->obs_source,
                                c->years ? c->years : "",
                                c->secrecy,
                                c->max_reject_rate,
                                r->set.key_fingerprint,
                                c->targets,
                                c->ntargets,
                                r->set.schemas,
                                c->max_expansion,
                                c->dispositifs,
                                c->ndispositifs};
    const struct work *w = &r->work;
    const manifest_work mw = {{w->qual[0], w->qual[1], w->qual[2]},
                              w->merge,
                              {w->outs[0], w->outs[1], w->outs[2], NULL},
                              w->secsum,
                              draft};
    char err[1024];
    return logged(
        apperr_exit_code(manifest_write(r->pub.staging, &mp, r->opt.input, r->in.all, r->in.nall,
                                        &r->hashes, &mw, r->ref, err, sizeof err)),
        err);
}

/* The first manifest, moved to the work folder for report's Provenance
 * sheet. 0 or an exit code (logged). */
static int write_provenance(const struct run *r)
{
    char *mpath;
    int rc = write_manifest(r, 1);
    if (rc)
        return rc;
    mpath = join(r->pub.staging, "manifest.yaml");
    if (rename(mpath, r->work.prov)) {
        log_error("%s: %s", r->work.prov, strerror(errno));
        rc = EX_IOERR;
    }
    free(mpath);
    return rc;
}

/* The chain in the staging folder: every stage but report, the first
 * manifest (the workbook's Provenance sheet repeats it), report, then the
 * manifest again with the workbook listed. 0 or the exit code of the first
 * failure. */
static int run_chain(struct run *r)
{
    job jobs[NJOBS];
    int rc, k;
    memset(jobs, 0, sizeof jobs);
    rc = run_jobs(r, jobs);
    if (!rc)
        rc = write_manifest(r, 0);
    for (k = 0; k < NJOBS; k++)
        job_free(&jobs[k]);
    return rc;
}

/* ---- after the chain ----------------------------------------------------- */

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

/* The staging folder becomes the output folder (publish.h). 0 or an exit
 * code (logged: one line, or two when the previous outputs are stranded). */
static int publish(struct run *r)
{
    char err[2048], *second;
    int rc = publish_commit(&r->pub, err, sizeof err);
    if (rc && (second = strchr(err, '\n'))) {
        *second++ = '\0';
        log_error("%s", err);
        log_error("%s", second);
        return rc;
    }
    return logged(rc, err);
}

static void log_difference(void *data, const char *field, const char *expected, const char *actual)
{
    (void)data;
    log_error("--verify: %s differs: manifest has '%s', this run gives '%s'", field, expected,
              actual);
}

/* --verify: the rerun and the outputs beside the given manifest against
 * it. 0 when everything matches, else 65 (each difference logged). */
static int compare_with_manifest(const struct run *r)
{
    char err[1024];
    int n = verify_compare(r->opt.verify, r->output, log_difference, NULL, err, sizeof err);
    if (n < 0)
        return logged(EX_DATAERR, err);
    if (n > 0) {
        log_error("--verify: %d difference(s) with %s (listed above)", n, r->opt.verify);
        return EX_DATAERR;
    }
    log_info("--verify: every input, parameter and output matches %s", r->opt.verify);
    return 0;
}

/* After the chain ended with rc: the work folder removed (unless
 * --keep-work); on success the outputs published and, under --verify,
 * compared. The run's exit code. */
static int conclude(struct run *r, int rc)
{
    int sig;
    if (!r->opt.keep)
        publish_remove_tree(r->work.dir);
    if ((sig = jobs_signal()))
        return 128 + sig;
    if (rc) {
        log_error("run failed (exit %d); nothing was published, %s is unchanged; %s", rc, r->output,
                  advice(rc));
        return rc;
    }
    if ((rc = publish(r)))
        return rc;
    if (r->opt.verify)
        return compare_with_manifest(r);
    log_info("reports published in %s (observation date %s)", r->output, r->obs);
    return 0;
}

/* The run, step by step. Its exit code. */
static int drive(struct run *r, int argc, char **argv)
{
    int rc;
    log_init("pipeline", LOG_INFO);
    if ((rc = parse_options(argc, argv, &r->opt)))
        return rc;
    if (r->opt.help) {
        usage(stdout);
        return 0;
    }
    r->output = r->opt.output;
    set_log_and_environment(&r->opt);
    if ((rc = find_bindir(r)) || (rc = setup_settings(r)) || (rc = list_inputs(r)) ||
        (rc = prepare_output(r)))
        return rc;
    jobs_catch_signals();
    make_work_folder(r);
    return conclude(r, run_chain(r));
}

int main(int argc, char **argv)
{
    struct run r;
    int rc;
    run_init(&r);
    rc = drive(&r, argc, argv);
    run_free(&r);
    return rc;
}

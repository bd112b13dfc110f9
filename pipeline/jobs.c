#define _GNU_SOURCE /* asprintf */
#include "jobs.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "apperr.h"
#include "grow.h"
#include "log.h"

/* The only state at file scope: what the signal handler needs, since a
 * handler can reach nothing else. It records the signal (the driver then
 * stops, drops its staging folder and exits 128+n) and passes SIGTERM on to
 * the stages running now (their pids; 0 in free places). */
static volatile sig_atomic_t got_signal;
static volatile pid_t running[JOBS_MAX];

static void on_signal(int sig)
{
    int i;
    got_signal = sig;
    for (i = 0; i < JOBS_MAX; i++)
        if (running[i] > 0)
            kill(running[i], SIGTERM);
}

void jobs_catch_signals(void)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
}

void jobs_block_signals(sigset_t *old)
{
    sigset_t caught;
    sigemptyset(&caught);
    sigaddset(&caught, SIGINT);
    sigaddset(&caught, SIGTERM);
    sigaddset(&caught, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &caught, old);
}

void jobs_unblock_signals(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

int jobs_signal(void)
{
    return got_signal;
}

void job_arg(job_args *a, const char *s)
{
    if (a->failed)
        return;
    if (grow_to(&a->v, &a->cap, a->n + 2, sizeof *a->v, 64)) {
        a->failed = 1;
        return;
    }
    a->v[a->n++] = (char *)s;
    a->v[a->n] = NULL;
}

void job_opt(job_args *a, const char *name, const char *value)
{
    job_arg(a, name);
    job_arg(a, value);
}

void job_free(job *j)
{
    free(j->a.v);
    memset(&j->a, 0, sizeof j->a);
}

/* Seconds on a monotonic clock (not the time of day), to log how long each
 * stage took. */
static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The command line that runs prog with argv (argv[0] is the stage's name):
 * argv itself, or under APP_STAGE_WRAPPER the wrapper's words, prog and
 * argv's arguments (malloc'd into *full, the words' copy into *words).
 * Returns the argument vector, or NULL when out of memory. */
static char **command_line(char *prog, char **argv, char ***full, char **words)
{
    const char *wrap = getenv("APP_STAGE_WRAPPER");
    char *tok, *save = NULL;
    size_t n = 0, nargs = 0, k;
    *full = NULL;
    *words = NULL;
    if (!wrap || !*wrap)
        return argv;
    while (argv[nargs])
        nargs++;
    *words = strdup(wrap);
    *full = calloc(strlen(wrap) + nargs + 2, sizeof **full);
    if (!*words || !*full)
        return NULL;
    for (tok = strtok_r(*words, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        (*full)[n++] = tok;
    (*full)[n++] = prog;
    for (k = 1; k < nargs; k++)
        (*full)[n++] = argv[k];
    (*full)[n] = NULL;
    return *full;
}

/* Starts the child: posix_spawn (no copy of the driver's memory, as a fork
 * made: a millisecond or more per stage), its caught signals back to their
 * default actions and its mask to old, the driver's mask before it blocked
 * them. 0 with *pid, or an errno (the program could not be run). */
static int spawn(pid_t *pid, char *prog, char **cmd, int wrapped, const sigset_t *old)
{
    posix_spawnattr_t at;
    sigset_t dfl;
    int e;
    if ((e = posix_spawnattr_init(&at)))
        return e;
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    sigaddset(&dfl, SIGHUP);
    e = posix_spawnattr_setsigdefault(&at, &dfl);
    if (!e)
        e = posix_spawnattr_setsigmask(&at, old);
    if (!e)
        e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    if (!e)
        e = wrapped ? posix_spawnp(pid, cmd[0], NULL, &at, cmd, environ)
                    : posix_spawn(pid, prog, NULL, &at, cmd, environ);
    posix_spawnattr_destroy(&at);
    return e;
}

int job_start(job *j, const char *bindir)
{
    char *prog = NULL, **cmd = NULL, **full = NULL, *words = NULL;
    sigset_t mask;
    pid_t pid = 0;
    int i, e;
    if (j->a.failed || !j->a.v || asprintf(&prog, "%s/%s", bindir, j->a.v[0]) < 0 ||
        !(cmd = command_line(prog, j->a.v, &full, &words))) {
        log_error("cannot start %s: out of memory", j->label);
        free(prog), free(full), free(words);
        return EX_SOFTWARE;
    }
    j->t0 = now_seconds();
    /* no signal handled before running[] has the new pid (the handler
     * would miss the stage) */
    jobs_block_signals(&mask);
    e = spawn(&pid, prog, cmd, full != NULL, &mask);
    if (!e) {
        for (i = 0; i < JOBS_MAX && running[i]; i++)
            ;
        if (i < JOBS_MAX)
            running[i] = pid;
    }
    jobs_unblock_signals(&mask);
    if (e) /* the program, or under APP_STAGE_WRAPPER the wrapper's */
        log_error("cannot run %s: %s", full ? full[0] : prog, strerror(e));
    free(prog), free(full), free(words);
    if (e)
        return EX_SOFTWARE;
    j->pid = pid;
    j->state = JOB_RUNNING;
    return 0;
}

/* A stage's exit code as the driver's: the codes of spec/outputs.md pass
 * on, any other is an internal error (70, logged). */
static int stage_code(const job *j, int code)
{
    if (apperr_exit_meaning(code))
        return code;
    log_error("stage %s exited with code %d", j->label, code);
    return EX_SOFTWARE;
}

/* The running job whose process is pid, or NULL. */
static job *job_of(job *jobs, size_t n, pid_t pid)
{
    size_t k;
    for (k = 0; k < n; k++)
        if (jobs[k].state == JOB_RUNNING && jobs[k].pid == pid)
            return &jobs[k];
    return NULL;
}

job *jobs_wait(job *jobs, size_t n)
{
    job *j = NULL;
    int status, i;
    pid_t pid = 0;
    while (!j) {
        pid = waitpid(-1, &status, 0);
        if (pid < 0 && errno != EINTR)
            return NULL;
        if (pid > 0)
            j = job_of(jobs, n, pid);
    }
    for (i = 0; i < JOBS_MAX; i++)
        if (running[i] == pid)
            running[i] = 0;
    j->state = JOB_DONE;
    if (got_signal) {
        j->code = 128 + got_signal;
    } else if (WIFSIGNALED(status)) {
        log_error("stage %s was killed by signal %d", j->label, WTERMSIG(status));
        j->code = EX_SOFTWARE;
    } else {
        log_info("stage %s exit=%d seconds=%.3f", j->label, WEXITSTATUS(status),
                 now_seconds() - j->t0);
        j->code = stage_code(j, WEXITSTATUS(status));
    }
    return j;
}

size_t jobs_running(const job *jobs, size_t n)
{
    size_t k, running_now = 0;
    for (k = 0; k < n; k++)
        running_now += jobs[k].state == JOB_RUNNING;
    return running_now;
}

void jobs_stop(job *jobs, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++)
        if (jobs[k].state == JOB_RUNNING)
            kill(jobs[k].pid, SIGTERM);
    while (jobs_running(jobs, n) && jobs_wait(jobs, n))
        ;
}

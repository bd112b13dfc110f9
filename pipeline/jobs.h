/* jobs.h: the stages as child processes. A job is one stage run: started
 * from the driver's folder with its command line, waited for, its end turned
 * into an exit code of spec/outputs.md, stopped after a failure. The log gets
 * "stage LABEL exit=N seconds=S" as each ends. On SIGINT, SIGTERM or SIGHUP
 * (once jobs_catch_signals is called) the running stages get SIGTERM and the
 * driver learns of the signal through jobs_signal. */
#ifndef JOBS_H
#define JOBS_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#define JOBS_MAX 8 /* jobs running at once */

/* A command line: v[0] is the stage's name (its program in the driver's
 * folder), v[n] is NULL. The strings are borrowed, not copied. */
typedef struct job_args {
    char **v;
    size_t n, cap;
    int failed; /* out of memory while adding: job_start refuses */
} job_args;

enum job_state { JOB_WAITING, JOB_RUNNING, JOB_DONE };

typedef struct job {
    job_args a;
    const char *label; /* for the log: "ingest contrats", "merge", ... */
    pid_t pid;
    enum job_state state;
    int code;  /* how it ended, as an exit code of spec/outputs.md */
    double t0; /* when it started, in seconds on the monotonic clock */
} job;

/* job_arg, job_opt: one argument; an option and its value. */
void job_arg(job_args *a, const char *s);
void job_opt(job_args *a, const char *name, const char *value);
/* job_free: frees the command line's array (not its strings). */
void job_free(job *j);

/* jobs_catch_signals: from now on SIGINT, SIGTERM and SIGHUP stop the
 * running stages (SIGTERM) and are recorded for jobs_signal. */
void jobs_catch_signals(void);
/* jobs_signal: the signal received since then, or 0. */
int jobs_signal(void);
/* jobs_block_signals, jobs_unblock_signals: SIGINT, SIGTERM and SIGHUP held
 * back on this thread (old gets the mask to restore). A thread created
 * meanwhile inherits the mask: create the driver's other threads so, and the
 * handler always runs on the thread that starts the stages. */
void jobs_block_signals(sigset_t *old);
void jobs_unblock_signals(const sigset_t *old);

/*
 * job_start: starts j's stage, bindir/v[0] with v, or under the command
 * line in APP_STAGE_WRAPPER when that is set (tests only, such as
 * "valgrind --leak-check=full --error-exitcode=99 -q"). Returns 0, or 70 when
 * it cannot be started, its program not run (logged: "cannot run PROGRAM:
 * why"; j stays waiting).
 */
int job_start(job *j, const char *bindir);

/*
 * jobs_wait: waits for one of the n jobs that run to end and records how
 * in its code: the stage's exit code when spec/outputs.md lists it, 70 for
 * any other or when it was killed, 128+n once the driver got signal n.
 * Returns that job, or NULL when no child runs.
 */
job *jobs_wait(job *jobs, size_t n);
/* jobs_running: how many of the n jobs run. */
size_t jobs_running(const job *jobs, size_t n);
/* jobs_stop: sends SIGTERM to the running jobs and waits for them. */
void jobs_stop(job *jobs, size_t n);

#endif

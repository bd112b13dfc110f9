/* par.h: independent jobs run on a few threads, for the stages whose work
 * splits into parts that share nothing they write (indicators' counting
 * ranges, medians and tables). The jobs decide what they compute; par only
 * hands them out, so a result never depends on which thread ran a job or
 * in what order the jobs ended. */
#ifndef PAR_H
#define PAR_H

#include <stddef.h>

/* A job: fn(arg, j) computes part j. 0, or a non-zero code the job chose. */
typedef int (*par_job_fn)(void *arg, size_t j);

/* The usual number of threads: the processors online, 1 to PAR_MAX_THREADS. */
#define PAR_MAX_THREADS 8
int par_threads_online(void);

/* par_run: runs fn(arg, j) for every j in 0 .. njobs - 1 on up to nthreads
 * threads, the calling one included, each job once, and returns when all
 * have ended. Once a job fails, the jobs not yet started are skipped. 0
 * when every job returned 0, else the code of the failed job of smallest
 * index. When a thread cannot be made, the jobs run on the threads there
 * are (at worst on the calling one alone). The threads block no signal of
 * their own: a caller that handles signals blocks them around the call. */
int par_run(size_t njobs, int nthreads, par_job_fn fn, void *arg);

#endif

/* par.c: independent jobs run on a few threads (par.h). */
#include "par.h"

#include <pthread.h>
#include <unistd.h>

/* The jobs of one par_run: the next to hand out and the first failure. */
struct pool {
    pthread_mutex_t mu;
    par_job_fn fn;
    void *arg;
    size_t njobs, next;
    size_t failed_at; /* njobs while none failed */
    int rc;
};

/* Takes jobs until none is left, or one has failed. */
static void *worker(void *p_)
{
    struct pool *p = p_;
    for (;;) {
        size_t j;
        int rc;
        pthread_mutex_lock(&p->mu);
        j = p->failed_at == p->njobs ? p->next++ : p->njobs;
        pthread_mutex_unlock(&p->mu);
        if (j >= p->njobs)
            return NULL;
        if ((rc = p->fn(p->arg, j)) != 0) {
            pthread_mutex_lock(&p->mu);
            if (j < p->failed_at) {
                p->failed_at = j;
                p->rc = rc;
            }
            pthread_mutex_unlock(&p->mu);
        }
    }
}

int par_threads_online(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > PAR_MAX_THREADS ? PAR_MAX_THREADS : (int)n;
}

/* The jobs in order on the calling thread, up to the first failure. */
static int run_here(size_t njobs, par_job_fn fn, void *arg)
{
    size_t j;
    int rc;
    for (j = 0; j < njobs; j++)
        if ((rc = fn(arg, j)) != 0)
            return rc;
    return 0;
}

int par_run(size_t njobs, int nthreads, par_job_fn fn, void *arg)
{
    struct pool p = {.fn = fn, .arg = arg, .njobs = njobs, .failed_at = njobs};
    pthread_t t[PAR_MAX_THREADS];
    int i, n = 0;

    if (nthreads > PAR_MAX_THREADS)
        nthreads = PAR_MAX_THREADS;
    if ((size_t)nthreads > njobs)
        nthreads = (int)njobs;
    if (nthreads <= 1 || pthread_mutex_init(&p.mu, NULL))
        return run_here(njobs, fn, arg);
    for (i = 1; i < nthreads && pthread_create(&t[n], NULL, worker, &p) == 0; i++)
        n++;
    worker(&p);
    for (i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    pthread_mutex_destroy(&p.mu);
    return p.rc;
}

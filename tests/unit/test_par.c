/* test_par.c: jobs on a few threads (par.h): every job runs exactly once whatever the number
 * of threads, the failure reported is the one of the smallest job index, and the jobs after a
 * failure are skipped on one thread. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include "par.h"

#define NJOBS 200

struct runs {
    int ran[NJOBS];  /* each job writes only its own slot: no lock needed */
    int fail[NJOBS]; /* the code job j returns */
    int slow;        /* jobs sleep a little, so that several threads take some */
};

static int job(void *arg, size_t j)
{
    struct runs *r = arg;
    if (r->slow)
        usleep(200);
    r->ran[j]++;
    return r->fail[j];
}

static void test_every_job_once(void **state)
{
    (void)state;
    static const int threads[] = {1, 2, 3, 8, 50};
    size_t t, j;
    for (t = 0; t < sizeof threads / sizeof *threads; t++) {
        struct runs r;
        memset(&r, 0, sizeof r);
        r.slow = 1;
        assert_int_equal(par_run(NJOBS, threads[t], job, &r), 0);
        for (j = 0; j < NJOBS; j++)
            assert_int_equal(r.ran[j], 1);
    }
}

static void test_no_job(void **state)
{
    (void)state;
    struct runs r;
    memset(&r, 0, sizeof r);
    assert_int_equal(par_run(0, 4, job, &r), 0);
    assert_int_equal(r.ran[0], 0);
}

/* Jobs are handed out in index order, so a failing job of smaller index
 * has always started when a later one fails: its code wins. */
static void test_smallest_failure_wins(void **state)
{
    (void)state;
    static const int threads[] = {1, 2, 4};
    size_t t;
    for (t = 0; t < sizeof threads / sizeof *threads; t++) {
        struct runs r;
        memset(&r, 0, sizeof r);
        r.fail[150] = 7;
        r.fail[40] = 74;
        r.fail[41] = 70;
        assert_int_equal(par_run(NJOBS, threads[t], job, &r), 74);
        assert_int_equal(r.ran[40], 1);
    }
}

static void test_one_thread_stops_at_failure(void **state)
{
    (void)state;
    struct runs r;
    size_t j;
    memset(&r, 0, sizeof r);
    r.fail[10] = 3;
    assert_int_equal(par_run(NJOBS, 1, job, &r), 3);
    for (j = 0; j < NJOBS; j++)
        assert_int_equal(r.ran[j], j <= 10);
}

static void test_threads_online(void **state)
{
    (void)state;
    int n = par_threads_online();
    assert_true(n >= 1 && n <= PAR_MAX_THREADS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_job_once),
        cmocka_unit_test(test_no_job),
        cmocka_unit_test(test_smallest_failure_wins),
        cmocka_unit_test(test_one_thread_stops_at_failure),
        cmocka_unit_test(test_threads_online),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_jobs.c: the stages as child processes (jobs.h): command lines, how a stage's end becomes
 * the driver's exit code (spec/outputs.md: the table's codes pass on, anything else is 70), a
 * program that cannot be run, APP_STAGE_WRAPPER, stopping the running jobs, and a signal to the
 * driver. The "stages" here are /bin/sh, /bin/sleep and /bin/echo. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jobs.h"
#include "testutil.h"

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_jobs");
}

/* Runs "/bin/sh -c script" to its end; returns the job's code. */
static int run_sh(const char *script)
{
    job j = {.label = "sh"};
    job *done;
    job_arg(&j.a, "sh");
    job_opt(&j.a, "-c", script);
    assert_int_equal(job_start(&j, "/bin"), 0);
    assert_int_equal(j.state, JOB_RUNNING);
    done = jobs_wait(&j, 1);
    assert_ptr_equal(done, &j);
    assert_int_equal(j.state, JOB_DONE);
    job_free(&j);
    return j.code;
}

static void test_exit_codes(void **state)
{
    (void)state;
    static const int passed[] = {0, 64, 65, 66, 70, 73, 74, 75, 78};
    static const int internal[] = {1, 2, 67, 71, 76, 77, 99, 127};
    char script[32];
    size_t i;
    for (i = 0; i < sizeof passed / sizeof *passed; i++) {
        snprintf(script, sizeof script, "exit %d", passed[i]);
        assert_int_equal(run_sh(script), passed[i]);
    }
    for (i = 0; i < sizeof internal / sizeof *internal; i++) {
        snprintf(script, sizeof script, "exit %d", internal[i]);
        assert_int_equal(run_sh(script), 70);
    }
    /* killed by a signal */
    assert_int_equal(run_sh("kill -KILL $$"), 70);
}

/* A stage that is not in the driver's folder, or that cannot be run: 70 at once, no child
 * left. Under APP_STAGE_WRAPPER, a wrapper that cannot be found likewise. */
static void test_missing_program(void **state)
{
    (void)state;
    job j = {.label = "none"};
    job_arg(&j.a, "no-such-stage");
    assert_int_equal(job_start(&j, tu_tmpdir), 70);
    assert_int_equal(j.state, JOB_WAITING);
    /* no job runs: nothing to wait for */
    assert_null(jobs_wait(&j, 1));
    job_free(&j);
    tu_write_str("not-executable", "#!/bin/sh\nexit 0\n");
    job_arg(&j.a, "not-executable");
    assert_int_equal(job_start(&j, tu_tmpdir), 70);
    assert_null(jobs_wait(&j, 1));
    job_free(&j);
    setenv("APP_STAGE_WRAPPER", "no-such-wrapper --flag", 1);
    job_arg(&j.a, "sh");
    assert_int_equal(job_start(&j, "/bin"), 70);
    unsetenv("APP_STAGE_WRAPPER");
    assert_null(jobs_wait(&j, 1));
    job_free(&j);
}

/* Command lines of any length keep their order and end with NULL. */
static void test_args(void **state)
{
    (void)state;
    job_args a = {0};
    char names[200][8];
    size_t i;
    for (i = 0; i < 200; i++) {
        snprintf(names[i], sizeof names[i], "a%zu", i);
        job_arg(&a, names[i]);
    }
    job_opt(&a, "--rows", "12");
    assert_int_equal(a.n, 202);
    assert_false(a.failed);
    for (i = 0; i < 200; i++)
        assert_ptr_equal(a.v[i], names[i]);
    assert_string_equal(a.v[200], "--rows");
    assert_string_equal(a.v[201], "12");
    assert_null(a.v[202]);
    free(a.v);
}

/* APP_STAGE_WRAPPER: the stage's program and arguments run under the wrapper's command line. */
static void test_wrapper(void **state)
{
    (void)state;
    job j = {.label = "echo"};
    char wrap[512], *got;
    size_t len;
    tu_write_str("wrap.sh", "out=$1; shift; printf '%s\\n' \"$@\" > \"$out\"\n");
    snprintf(wrap, sizeof wrap, "/bin/sh %s %s", tu_path("wrap.sh"), tu_path("argv"));
    setenv("APP_STAGE_WRAPPER", wrap, 1);
    job_arg(&j.a, "echo");
    job_opt(&j.a, "--kind", "contrats");
    assert_int_equal(job_start(&j, "/bin"), 0);
    unsetenv("APP_STAGE_WRAPPER");
    assert_ptr_equal(jobs_wait(&j, 1), &j);
    assert_int_equal(j.code, 0);
    job_free(&j);
    got = tu_slurp(tu_path("argv"), &len);
    assert_string_equal(got, "/bin/echo\n--kind\ncontrats\n");
    free(got);
}

/* After a failure the running jobs are stopped: each ends (killed: 70), none is left running. */
static void test_stop(void **state)
{
    (void)state;
    job jobs[3] = {{.label = "a"}, {.label = "b"}, {.label = "c"}};
    int k;
    for (k = 0; k < 2; k++) {
        job_arg(&jobs[k].a, "sleep");
        job_arg(&jobs[k].a, "30");
        assert_int_equal(job_start(&jobs[k], "/bin"), 0);
    }
    assert_int_equal(jobs_running(jobs, 3), 2);
    jobs_stop(jobs, 3);
    assert_int_equal(jobs_running(jobs, 3), 0);
    for (k = 0; k < 2; k++) {
        assert_int_equal(jobs[k].state, JOB_DONE);
        assert_int_equal(jobs[k].code, 70);
        job_free(&jobs[k]);
    }
    assert_int_equal(jobs[2].state, JOB_WAITING);
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* SIGTERM to the driver: the running stage gets it too, at once, and ends as 128+15.
 * Regression (was a bug): a signal that came while a stage was being started (between fork and
 * its exec) ran the driver's handler in the child, which then ran its whole course: here a sleep
 * of 30 s. Last: the signal stays recorded for the rest of the process. */
static void test_signal(void **state)
{
    (void)state;
    job j = {.label = "sleep"};
    double t0;
    job_arg(&j.a, "sleep");
    job_arg(&j.a, "30");
    assert_int_equal(jobs_signal(), 0);
    jobs_catch_signals();
    t0 = seconds();
    assert_int_equal(job_start(&j, "/bin"), 0);
    assert_int_equal(kill(getpid(), SIGTERM), 0);
    assert_int_equal(jobs_signal(), SIGTERM);
    assert_ptr_equal(jobs_wait(&j, 1), &j);
    assert_int_equal(j.code, 128 + SIGTERM);
    if (seconds() - t0 > 10)
        fail_msg("the stage ran on for %.1f s after the signal", seconds() - t0);
    job_free(&j);
    signal(SIGTERM, SIG_DFL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_codes), cmocka_unit_test(test_missing_program),
        cmocka_unit_test(test_args),       cmocka_unit_test(test_wrapper),
        cmocka_unit_test(test_stop),       cmocka_unit_test(test_signal),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir_tree);
}

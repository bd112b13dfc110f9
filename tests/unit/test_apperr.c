/* test_apperr.c: the one error vocabulary (apperr.h): every error kind has words and the exit
 * code spec/outputs.md's "Exit codes" table gives it, the table holds exactly the spec's codes,
 * a stage's --help lines come from it, and a stage that leaves with a code it did not declare
 * stops (abort) instead of exiting with it. The expected codes below are copied from the spec's
 * table, not from the program. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apperr.h"

/* spec/outputs.md "Exit codes": the code of each kind of failure the spec names. */
static const struct {
    enum apperr e;
    int code;
} spec[] = {
    {APPERR_OK, 0},        /* success */
    {APPERR_USAGE, 64},    /* usage error: unknown option, missing argument */
    {APPERR_DATA, 65},     /* data error: a file-level input error, conservation, ... */
    {APPERR_NOINPUT, 66},  /* input missing */
    {APPERR_NOMEM, 70},    /* internal error (README: out of memory is 70) */
    {APPERR_INTERNAL, 70}, /* internal error: ... broke an invariant */
    {APPERR_LIMIT, 70},    /* internal error: beyond what the pipeline holds */
    {APPERR_CREATE, 73},   /* the output folder cannot be created ... */
    {APPERR_READ, 74},     /* I/O error: an input cannot be opened or read */
    {APPERR_WRITE, 74},    /* I/O error: a write, rename or fsync fails; disk full */
    {APPERR_LOCKED, 75},   /* another run holds the lock */
    {APPERR_CONFIG, 78},   /* configuration error */
};

/* The codes of the spec's table but 128+n. */
static const int spec_codes[] = {0, 64, 65, 66, 70, 73, 74, 75, 78};

static void test_every_kind_has_its_spec_code(void **state)
{
    (void)state;
    int seen[APPERR_COUNT] = {0};
    assert_int_equal(sizeof spec / sizeof spec[0], APPERR_COUNT);
    for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++) {
        assert_true((unsigned)spec[i].e < APPERR_COUNT);
        seen[spec[i].e]++;
        assert_int_equal(apperr_exit_code(spec[i].e), spec[i].code);
    }
    for (int e = 0; e < APPERR_COUNT; e++)
        assert_int_equal(seen[e], 1);
}

static void test_every_kind_has_words(void **state)
{
    (void)state;
    for (int e = 0; e < APPERR_COUNT; e++) {
        const char *s = apperr_str((enum apperr)e);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        assert_string_not_equal(s, "unknown error");
        for (int f = 0; f < e; f++)
            assert_string_not_equal(s, apperr_str((enum apperr)f));
        /* its code is a row of the table */
        assert_non_null(apperr_exit_meaning(apperr_exit_code((enum apperr)e)));
    }
}

static void test_outside_the_enum(void **state)
{
    (void)state;
    /* an exit code passed as an error kind (a bug) is an internal error, never itself */
    assert_int_equal(apperr_exit_code((enum apperr)65), 70);
    assert_int_equal(apperr_exit_code((enum apperr) - 1), 70);
    assert_int_equal(apperr_exit_code(APPERR_COUNT), 70);
    assert_string_equal(apperr_str((enum apperr)74), "unknown error");
}

static void test_the_table_is_the_spec(void **state)
{
    (void)state;
    size_t n, i;
    const apperr_exit_row *r = apperr_exit_rows(&n);
    assert_int_equal(n, sizeof spec_codes / sizeof spec_codes[0]);
    for (i = 0; i < n; i++) {
        assert_int_equal(r[i].code, spec_codes[i]);
        assert_non_null(r[i].meaning);
        assert_ptr_equal(apperr_exit_meaning(r[i].code), r[i].meaning);
    }
    assert_null(apperr_exit_meaning(1));
    assert_null(apperr_exit_meaning(71));
    assert_null(apperr_exit_meaning(128 + 15));
    assert_non_null(strstr(apperr_exit_meaning(64), "usage error"));
    assert_non_null(strstr(apperr_exit_meaning(75), "lock"));
}

static void test_help_lines(void **state)
{
    (void)state;
    static const int codes[] = {0, 64, 74};
    const apperr_stage s = APPERR_STAGE("t", codes);
    char buf[2048];
    size_t len;
    FILE *f = tmpfile();
    assert_non_null(f);
    apperr_help(f, &s);
    rewind(f);
    len = fread(buf, 1, sizeof buf - 1, f);
    buf[len] = '\0';
    fclose(f);
    assert_string_equal(buf, "Exit codes:\n"
                             "  0  success (rejected rows under the limit are not a failure)\n"
                             "  64 usage error: unknown option, missing argument\n"
                             "  74 I/O error: an input cannot be opened or read; a write, "
                             "rename or fsync\n"
                             "     fails; disk full\n");
}

/* apperr_exit in a child process with stderr silenced: its exit status. */
static int child_exit(const apperr_stage *s, enum apperr e)
{
    int status;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, 2);
        _exit(apperr_exit(s, e));
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void test_stage_exit(void **state)
{
    (void)state;
    static const int codes[] = {0, 64, 65, 70, 74};
    const apperr_stage s = APPERR_STAGE("t", codes);
    int st;
    assert_int_equal(s.n, 5);
    assert_int_equal(apperr_exit(&s, APPERR_OK), 0);
    assert_int_equal(apperr_exit(&s, APPERR_DATA), 65);
    assert_int_equal(apperr_exit(&s, APPERR_NOMEM), 70);
    assert_int_equal(apperr_exit(&s, APPERR_READ), 74);
    assert_int_equal(apperr_exit(&s, APPERR_WRITE), 74);
    /* a code the stage does not declare, and an exit code given as an error kind */
    st = child_exit(&s, APPERR_CONFIG);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    st = child_exit(&s, (enum apperr)65);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind_has_its_spec_code),
        cmocka_unit_test(test_every_kind_has_words),
        cmocka_unit_test(test_outside_the_enum),
        cmocka_unit_test(test_the_table_is_the_spec),
        cmocka_unit_test(test_help_lines),
        cmocka_unit_test(test_stage_exit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_fdio.c: read(2) and write(2) with the retries of fdio.h, on pipes and files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"

static void test_read_then_end(void **state)
{
    (void)state;
    int p[2];
    char buf[16];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], "abc", 3), 3);
    close(p[1]);
    assert_int_equal(fdio_read(p[0], buf, sizeof buf), 3);
    assert_memory_equal(buf, "abc", 3);
    assert_int_equal(fdio_read(p[0], buf, sizeof buf), 0);
    close(p[0]);
}

static void test_read_error(void **state)
{
    (void)state;
    char buf[4];
    errno = 0;
    assert_int_equal(fdio_read(-1, buf, sizeof buf), -1);
    assert_int_equal(errno, EBADF);
}

/* More than a pipe holds at once: written whole while a child drains it. */
static void test_write_all_large(void **state)
{
    (void)state;
    enum { N = 1 << 20 };
    char *big = malloc(N), *back = malloc(N);
    int p[2];
    size_t done = 0, got = 0;
    pid_t pid;
    assert_non_null(big);
    assert_non_null(back);
    for (size_t i = 0; i < N; i++)
        big[i] = (char)(i * 31 + 7);
    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        _exit(fdio_write_all(p[1], big, N, &done) == 0 && done == N ? 0 : 1);
    }
    close(p[1]);
    for (ssize_t n; (n = fdio_read(p[0], back + got, N - got)) > 0;)
        got += (size_t)n;
    close(p[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(got, N);
    assert_memory_equal(back, big, N);
    free(big);
    free(back);
}

/* A write that fails says why, and how much went out before. */
static void test_write_error(void **state)
{
    (void)state;
    int p[2];
    size_t done = 99;
    signal(SIGPIPE, SIG_IGN);
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    assert_int_equal(fdio_write_all(p[1], "abc", 3, &done), EPIPE);
    assert_int_equal(done, 0);
    close(p[1]);
    assert_int_equal(fdio_write_all(-1, "abc", 3, NULL), EBADF);
    assert_int_equal(fdio_write_all(-1, "", 0, &done), 0); /* nothing to write: no call */
    assert_int_equal(done, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_then_end),
        cmocka_unit_test(test_read_error),
        cmocka_unit_test(test_write_all_large),
        cmocka_unit_test(test_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

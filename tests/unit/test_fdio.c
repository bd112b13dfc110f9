/* test_fdio.c: read(2) and write(2) with the retries of fdio.h, on pipes and files; the wait
 * for a file put in place by another process, and its end when the parent is gone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
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

/* A file renamed into place by another process while this one waits. */
static void test_wait_for_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_fdio_XXXXXX", path[64], part[64];
    pid_t pid;
    int st;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/kept", dir);
    snprintf(part, sizeof part, "%s/kept.part", dir);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const struct timespec t = {0, 30000000}; /* 30 ms */
        int fd;
        nanosleep(&t, NULL);
        fd = open(part, O_WRONLY | O_CREAT, 0600);
        _exit(fd < 0 || close(fd) || rename(part, path));
    }
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(fdio_wait_for(path, getppid()), 0);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(fdio_wait_for(path, getppid()), 0); /* already there: at once */
    unlink(path);
    rmdir(dir);
}

/* A stage whose driver ends while it waits gives up instead of waiting
 * forever: a child waits for a file nobody writes, and its parent (a
 * middle process) exits once the child has noted it as its parent; this
 * test process, a subreaper, collects the child. */
static void test_wait_ends_with_parent(void **state)
{
    (void)state;
    pid_t mid, waiter = -1;
    int st, fds[2], ready[2];
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    assert_int_equal(pipe(fds), 0);
    mid = fork();
    assert_true(mid >= 0);
    if (mid == 0) {
        pid_t w;
        char c;
        if (pipe(ready))
            _exit(1);
        w = fork();
        if (w == 0) {
            pid_t parent = getppid();
            alarm(10); /* were the wait never to end, the test fails instead of hanging */
            close(fds[0]);
            close(fds[1]);
            close(ready[0]);
            close(ready[1]); /* the middle process may go now */
            _exit(fdio_wait_for("/nonexistent/never", parent) == -1 ? 42 : 1);
        }
        close(ready[1]);
        (void)!read(ready[0], &c, 1); /* end of file once the waiter has its parent */
        (void)!write(fds[1], &w, sizeof w);
        _exit(0); /* the waiter's parent is gone */
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], &waiter, sizeof waiter), (ssize_t)sizeof waiter);
    close(fds[0]);
    assert_int_equal(waitpid(mid, &st, 0), mid);
    assert_int_equal(waitpid(waiter, &st, 0), waiter);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 42);
    prctl(PR_SET_CHILD_SUBREAPER, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_then_end),   cmocka_unit_test(test_read_error),
        cmocka_unit_test(test_write_all_large), cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_wait_for_file),   cmocka_unit_test(test_wait_ends_with_parent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

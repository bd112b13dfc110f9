/* test_log.c: log lines on stderr (log.h; spec/outputs.md: "LEVEL stage: message" with
 * key=value details, "ERROR stage: file:line:column: message" for an error with a place).
 * stderr is redirected (dup2) to a file of the temporary folder around each call and the exact
 * text read back. The first test runs before any log_init, to see the default level. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "testutil.h"

/* ---- helpers ----------------------------------------------------------- */

static int saved_fd = -1;

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_log");
}

/* Sends stderr to a fresh file of the temporary folder. */
static void capture_start(void)
{
    int fd;
    fflush(stderr);
    fd = open(tu_path("stderr.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    saved_fd = dup(2);
    assert_true(saved_fd >= 0);
    assert_int_equal(dup2(fd, 2), 2);
    close(fd);
}

/* Restores stderr; returns what was written to it meanwhile (malloc'd). */
static char *capture_end(void)
{
    size_t len;
    fflush(stderr);
    assert_int_equal(dup2(saved_fd, 2), 2);
    close(saved_fd);
    saved_fd = -1;
    return tu_slurp(tu_path("stderr.txt"), &len);
}

/* Per-test teardown: stderr back in place if a failed assertion left it redirected. */
static int restore_stderr(void **state)
{
    (void)state;
    if (saved_fd >= 0) {
        fflush(stderr);
        dup2(saved_fd, 2);
        close(saved_fd);
        saved_fd = -1;
    }
    return 0;
}

static void captured_is(char *got, const char *want)
{
    if (strcmp(got, want))
        fail_msg("stderr was \"%s\", expected \"%s\"", got, want);
    free(got);
}

/* ---- tests ------------------------------------------------------------- */

/* Before any log_init: errors and warnings are shown, details are not. */
static void test_default_level(void **state)
{
    (void)state;
    char *out;
    assert_true(log_max() >= LOG_WARN);
    assert_true(log_max() < LOG_DEBUG);
    capture_start();
    log_debug("hidden detail n=%d", 1);
    log_error("failure n=%d", 2);
    log_warn("warning n=%d", 3);
    out = capture_end();
    /* the stage name is not set yet: only the level and the message are checked */
    if (strncmp(out, "ERROR ", 6) || !strstr(out, ": failure n=2\nWARN ") ||
        strstr(out, "hidden") ||
        strcmp(out + strlen(out) - strlen(": warning n=3\n"), ": warning n=3\n"))
        fail_msg("stderr was \"%s\"", out);
    free(out);
}

static void test_lines(void **state)
{
    (void)state;
    log_init("ingest", LOG_WARN);
    assert_int_equal(log_max(), LOG_WARN);
    capture_start();
    log_error("contrats/a.csv:3:7: invalid date value=%s", "2024-13-01");
    log_warn("file ignored file=%s", "notes.txt");
    log_info("read=%d accepted=%d", 10, 9);
    log_debug("detail");
    captured_is(capture_end(), "ERROR ingest: contrats/a.csv:3:7: invalid date value=2024-13-01\n"
                               "WARN ingest: file ignored file=notes.txt\n");

    log_init("merge", LOG_DEBUG);
    assert_int_equal(log_max(), LOG_DEBUG);
    capture_start();
    log_error("e");
    log_warn("w");
    log_info("i=%d", 1);
    log_debug("d=%s", "x");
    captured_is(capture_end(),
                "ERROR merge: e\nWARN merge: w\nINFO merge: i=1\nDEBUG merge: d=x\n");

    log_init("quality", LOG_ERROR);
    capture_start();
    log_warn("w");
    log_info("i");
    log_error("only this");
    captured_is(capture_end(), "ERROR quality: only this\n");

    /* log_msg with an explicit level, and a message with UTF-8 and a percent sign */
    log_init("report", LOG_INFO);
    capture_start();
    log_msg(LOG_INFO, "Synthèse écrite taux=%.1f%%", 12.34);
    log_msg(LOG_DEBUG, "hidden");
    captured_is(capture_end(), "INFO report: Synthèse écrite taux=12.3%\n");
}

/* A message longer than the line buffer is cut, but stays one line. */
static void test_long_message(void **state)
{
    (void)state;
    char *big = malloc(10001), *out;
    assert_non_null(big);
    memset(big, 'x', 10000);
    big[10000] = '\0';
    log_init("ingest", LOG_WARN);
    capture_start();
    log_error("%s", big);
    log_warn("after");
    out = capture_end();
    free(big);
    assert_int_equal(strncmp(out, "ERROR ingest: xxx", 17), 0);
    {
        char *nl = strchr(out, '\n');
        assert_non_null(nl);
        assert_string_equal(nl + 1, "WARN ingest: after\n");
    }
    free(out);
}

static void test_env(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        enum log_level level;
    } cases[] = {
        {"error", LOG_ERROR}, {"warn", LOG_WARN}, {"info", LOG_INFO}, {"debug", LOG_DEBUG}};
    size_t i;

    /* error: a warning is not printed */
    assert_int_equal(setenv("APP_LOG_LEVEL", "error", 1), 0);
    log_init_env("indicators");
    assert_int_equal(log_max(), LOG_ERROR);
    capture_start();
    log_warn("not shown");
    log_info("not shown");
    log_error("shown n=%d", 1);
    captured_is(capture_end(), "ERROR indicators: shown n=1\n");

    /* debug: everything */
    assert_int_equal(setenv("APP_LOG_LEVEL", "debug", 1), 0);
    log_init_env("merge");
    capture_start();
    log_debug("detail k=%s", "v");
    captured_is(capture_end(), "DEBUG merge: detail k=v\n");

    /* warn: warnings, no details */
    assert_int_equal(setenv("APP_LOG_LEVEL", "warn", 1), 0);
    log_init_env("quality");
    capture_start();
    log_warn("w");
    log_info("i");
    log_debug("d");
    captured_is(capture_end(), "WARN quality: w\n");

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(setenv("APP_LOG_LEVEL", cases[i].value, 1), 0);
        log_init_env("ingest");
        if (log_max() != cases[i].level)
            fail_msg("APP_LOG_LEVEL=%s: level %d, expected %d", cases[i].value, (int)log_max(),
                     (int)cases[i].level);
    }

    /* unset: a stage shows errors and warnings, never debug details */
    assert_int_equal(unsetenv("APP_LOG_LEVEL"), 0);
    log_init_env("ingest");
    assert_true(log_max() >= LOG_WARN);
    assert_true(log_max() < LOG_DEBUG);
    capture_start();
    log_debug("d");
    log_warn("w");
    captured_is(capture_end(), "WARN ingest: w\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_default_level, restore_stderr),
        cmocka_unit_test_teardown(test_lines, restore_stderr),
        cmocka_unit_test_teardown(test_long_message, restore_stderr),
        cmocka_unit_test_teardown(test_env, restore_stderr),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir_tree);
}

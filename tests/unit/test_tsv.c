/* test_tsv.c: the TSV format of the rejects and facts files (tsv.h): escaping of backslash, TAB, LF
 * and CR, round trips, column lookup and field-count errors. Expected bytes are written by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsv.h"
#include "testutil.h"

/* ---- helpers ----------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_tsv");
}

static tsvr *open_r(const char *path)
{
    char err[512] = "";
    tsvr *r = tsvr_open(path, err, sizeof err);
    if (!r)
        fail_msg("tsvr_open(%s): %s", path, err);
    return r;
}

static void next_ok(tsvr *r)
{
    char err[512] = "";
    int rc = tsvr_next(r, err, sizeof err);
    if (rc != 1)
        fail_msg("tsvr_next returned %d: %s", rc, err);
}

static void field_is(const tsvr *r, size_t i, const char *want, size_t wantlen)
{
    assert_true(i < r->n);
    assert_int_equal(r->len[i], wantlen);
    assert_memory_equal(r->field[i], want, wantlen);
    assert_int_equal(r->field[i][wantlen], '\0');
}
#define FIELD_IS(r, i, lit) field_is(r, i, lit, sizeof(lit) - 1)

/* ---- tests ------------------------------------------------------------- */

/* The values, one per field, and how each must be written. */
static const struct {
    const char *value;
    const char *written;
} esc[] = {
    {"plain", "plain"},
    {"a\\b", "a\\\\b"},     /* backslash -> \\ */
    {"x\ty", "x\\ty"},      /* TAB -> \t */
    {"l1\nl2", "l1\\nl2"},  /* LF -> \n */
    {"c\rr", "c\\rr"},      /* CR -> \r */
    {"\\t", "\\\\t"},       /* a backslash then the letter t: not a TAB once read back */
    {"\\n\\", "\\\\n\\\\"}, /* backslash n backslash */
    {"\r\n\t\\", "\\r\\n\\t\\\\"},
    {"", ""},
    {"Hélène;\"q\"", "Hélène;\"q\""}, /* nothing else is escaped */
};
#define NESC (sizeof esc / sizeof esc[0])

static void test_escape_bytes(void **state)
{
    (void)state;
    char err[512] = "";
    const char *p = tu_path("esc.tsv");
    tsvw *w = tsvw_open(p, err, sizeof err);
    assert_non_null(w);
    size_t i;
    for (i = 0; i < NESC; i++) {
        char name[8];
        snprintf(name, sizeof name, "c%zu", i);
        tsvw_str(w, name);
    }
    tsvw_endrow(w);
    for (i = 0; i < NESC; i++)
        tsvw_str(w, esc[i].value);
    tsvw_endrow(w);
    assert_int_equal(tsvw_close(w, err, sizeof err), 0);

    /* expected bytes: header c0..c9, then the written forms joined by TAB */
    char want[1024];
    size_t n = 0;
    for (i = 0; i < NESC; i++)
        n += (size_t)snprintf(want + n, sizeof want - n, "%sc%zu", i ? "\t" : "", i);
    want[n++] = '\n';
    for (i = 0; i < NESC; i++)
        n += (size_t)snprintf(want + n, sizeof want - n, "%s%s", i ? "\t" : "", esc[i].written);
    want[n++] = '\n';
    size_t got_len;
    char *got = tu_slurp(p, &got_len);
    assert_int_equal(got_len, n);
    assert_memory_equal(got, want, n);
    free(got);
}

static void test_round_trip(void **state)
{
    (void)state;
    char err[512] = "";
    const char *p = tu_path("rt.tsv");
    tsvw *w = tsvw_open(p, err, sizeof err);
    assert_non_null(w);
    size_t i;
    for (i = 0; i < NESC; i++) {
        char name[8];
        snprintf(name, sizeof name, "c%zu", i);
        tsvw_str(w, name);
    }
    tsvw_endrow(w);
    for (int row = 0; row < 3; row++) {
        for (i = 0; i < NESC; i++)
            tsvw_str(w, esc[(i + (size_t)row) % NESC].value);
        tsvw_endrow(w);
    }
    /* a value with an embedded NUL, written by length */
    tsvw_field(w, "n\0l", 3);
    tsvw_str(w, NULL); /* NULL is empty */
    tsvw_long(w, -1234567L);
    for (i = 3; i < NESC; i++)
        tsvw_str(w, "");
    tsvw_endrow(w);
    assert_int_equal(tsvw_close(w, err, sizeof err), 0);

    tsvr *r = open_r(p);
    assert_int_equal(r->ncols, NESC);
    assert_int_equal(r->lineno, 1);
    for (int row = 0; row < 3; row++) {
        next_ok(r);
        assert_int_equal(r->n, NESC);
        assert_int_equal(r->lineno, 2 + (unsigned long)row);
        for (i = 0; i < NESC; i++) {
            const char *v = esc[(i + (size_t)row) % NESC].value;
            field_is(r, i, v, strlen(v));
        }
    }
    next_ok(r);
    field_is(r, 0, "n\0l", 3);
    FIELD_IS(r, 1, "");
    FIELD_IS(r, 2, "-1234567");
    FIELD_IS(r, NESC - 1, "");
    assert_int_equal(tsvr_next(r, err, sizeof err), 0);
    assert_int_equal(tsvr_next(r, err, sizeof err), 0);
    tsvr_close(r);
}

static void test_reading(void **state)
{
    (void)state;
    char err[512];
    /* hand-written file: escapes, an empty last field, a final line without LF */
    const char *p = TU_WRITE_STR("read.tsv", "id\tnom\tvaleur\n"
                                             "1\tDupont\\tJean\ta\\\\b\n"
                                             "2\t\t\n"
                                             "3\tx\\ny\\rz\tlast");
    tsvr *r = open_r(p);
    assert_int_equal(r->ncols, 3);
    assert_string_equal(r->header[0], "id");
    assert_string_equal(r->header[2], "valeur");
    assert_int_equal(tsvr_col(r, "id"), 0);
    assert_int_equal(tsvr_col(r, "nom"), 1);
    assert_int_equal(tsvr_col(r, "valeur"), 2);
    assert_int_equal(tsvr_col(r, "absent"), -1);
    assert_int_equal(tsvr_col(r, "Nom"), -1); /* exact names */
    assert_int_equal(tsvr_col(r, "va"), -1);
    err[0] = '\0';
    assert_int_equal(tsvr_need(r, "valeur", err, sizeof err), 2);
    assert_int_equal(tsvr_need(r, "absent", err, sizeof err), -1);
    assert_non_null(strstr(err, "absent"));

    next_ok(r);
    FIELD_IS(r, 0, "1");
    FIELD_IS(r, 1, "Dupont\tJean");
    FIELD_IS(r, 2, "a\\b");
    next_ok(r);
    assert_int_equal(r->n, 3);
    FIELD_IS(r, 0, "2");
    FIELD_IS(r, 1, "");
    FIELD_IS(r, 2, "");
    next_ok(r);
    FIELD_IS(r, 1, "x\ny\rz");
    FIELD_IS(r, 2, "last");
    assert_int_equal(r->lineno, 4);
    assert_int_equal(tsvr_next(r, err, sizeof err), 0);
    tsvr_close(r);
}

static void test_field_count_errors(void **state)
{
    (void)state;
    char err[512];
    /* line 3 has 2 fields and line 4 has 4: both are errors; an escaped TAB is not a separator */
    const char *p = TU_WRITE_STR("count.tsv", "a\tb\tc\n"
                                              "1\t2\\t3\t4\n"
                                              "1\t2\n"
                                              "1\t2\t3\t4\n");
    tsvr *r = open_r(p);
    next_ok(r);
    FIELD_IS(r, 1, "2\t3");
    err[0] = '\0';
    assert_int_equal(tsvr_next(r, err, sizeof err), -1);
    assert_true(err[0] != '\0');
    assert_non_null(strstr(err, ":3:")); /* the line number, header included */
    err[0] = '\0';
    assert_int_equal(tsvr_next(r, err, sizeof err), -1);
    assert_non_null(strstr(err, ":4:"));
    tsvr_close(r);

    /* an empty line in a 2-column file is one empty field: an error */
    p = TU_WRITE_STR("empty-line.tsv", "a\tb\n\n");
    r = open_r(p);
    assert_int_equal(tsvr_next(r, err, sizeof err), -1);
    tsvr_close(r);

    /* a line of 129 fields is more than TSV_MAX_FIELDS: an error, not an overflow */
    char big[1024];
    size_t n = (size_t)sprintf(big, "a\tb\n");
    for (int i = 0; i < 129; i++)
        n += (size_t)sprintf(big + n, "%sx", i ? "\t" : "");
    big[n++] = '\n';
    p = tu_write_file("wide.tsv", big, n);
    r = open_r(p);
    assert_int_equal(tsvr_next(r, err, sizeof err), -1);
    tsvr_close(r);
}

static void test_open_errors(void **state)
{
    (void)state;
    char err[512];
    err[0] = '\0';
    assert_null(tsvr_open(tu_path("missing.tsv"), err, sizeof err));
    assert_true(err[0] != '\0');
    const char *p = tu_write_file("zero.tsv", "", 0);
    err[0] = '\0';
    assert_null(tsvr_open(p, err, sizeof err)); /* no header line */
    assert_true(err[0] != '\0');
    err[0] = '\0';
    assert_null(tsvw_open(tu_path("no/such/dir.tsv"), err, sizeof err));
    assert_true(err[0] != '\0');

    /* a write error shows at close */
    tsvw *w = tsvw_open("/dev/full", err, sizeof err);
    assert_non_null(w);
    tsvw_str(w, "x");
    tsvw_endrow(w);
    err[0] = '\0';
    assert_int_equal(tsvw_close(w, err, sizeof err), -1);
    assert_true(err[0] != '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_bytes), cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_reading),      cmocka_unit_test(test_field_count_errors),
        cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir);
}

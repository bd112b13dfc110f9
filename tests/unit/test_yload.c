/* test_yload.c: YAML loading (yload.h): node positions, the caps libyaml lacks (duplicate keys,
 * depth, alias expansion, several documents, size) and yis_null. Positions were counted by hand
 * on the YAML text written in each test (lines and columns from 1). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "yload.h"
#include "testutil.h"

/* ---- helpers ----------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_yload");
}

/* Loading must fail with a message "path:line:col: ..." holding `what` (NULL: anything).
 * line > 0: exactly at line:col; line < 0: at some line:col; line 0: "path:" only. */
static void load_fails(const char *path, int line, int col, const char *what)
{
    char err[1024] = "";
    ydoc *d = yload_file(path, err, sizeof err);
    if (d) {
        ydoc_free(d);
        fail_msg("%s was accepted", path);
    }
    tu_check_err_at(err, path, line, col, what);
}

static void pos_is(const ynode *n, int line, int col)
{
    assert_non_null(n);
    if (n->line != line || n->col != col)
        fail_msg("node at %d:%d, expected %d:%d", n->line, n->col, line, col);
}

/* ---- tests ------------------------------------------------------------- */

static void test_positions(void **state)
{
    (void)state;
    const char *p = tu_write_str("pos.yaml", "a: 1\n"        /* line 1 */
                                             "b:\n"          /* line 2 */
                                             "  c: x\n"      /* line 3 */
                                             "  d: [1, 2]\n" /* line 4: [ at 6, 1 at 7, 2 at 10 */
                                             "e: \"q\"\n");  /* line 5 */
    ydoc *d = tu_yload(p);
    assert_string_equal(d->path, p);
    const ynode *root = d->root;
    assert_int_equal(root->type, YN_MAP);
    assert_int_equal(root->n, 3);
    pos_is(root, 1, 1);
    /* kids: key then value */
    assert_int_equal(root->kids[0]->type, YN_SCALAR);
    assert_string_equal(root->kids[0]->str, "a");
    pos_is(root->kids[0], 1, 1);
    assert_string_equal(root->kids[1]->str, "1");
    pos_is(root->kids[1], 1, 4);
    assert_true(root->kids[1]->plain);
    assert_string_equal(root->kids[2]->str, "b");
    pos_is(root->kids[2], 2, 1);

    const ynode *b = ymap_get(root, "b");
    assert_ptr_equal(b, root->kids[3]);
    assert_int_equal(b->type, YN_MAP);
    pos_is(b, 3, 3);
    assert_int_equal(b->n, 2);
    pos_is(b->kids[0], 3, 3); /* key c */
    const ynode *c = ymap_get(b, "c");
    assert_string_equal(c->str, "x");
    pos_is(c, 3, 6);
    const ynode *dd = ymap_get(b, "d");
    assert_int_equal(dd->type, YN_SEQ);
    assert_int_equal(dd->n, 2);
    pos_is(dd, 4, 6);
    assert_string_equal(dd->kids[0]->str, "1");
    pos_is(dd->kids[0], 4, 7);
    assert_string_equal(dd->kids[1]->str, "2");
    pos_is(dd->kids[1], 4, 10);

    const ynode *e = ymap_get(root, "e");
    assert_string_equal(e->str, "q");
    assert_false(e->plain);
    pos_is(e, 5, 4); /* the opening quote */

    assert_null(ymap_get(root, "zz"));
    assert_null(ymap_get(c, "x"));  /* not a map */
    assert_null(ymap_get(dd, "1")); /* a sequence */
    assert_null(ymap_get(NULL, "a"));
    ydoc_free(d);
}

static void test_empty_document(void **state)
{
    (void)state;
    ydoc *d = tu_yload(tu_write_str("empty.yaml", ""));
    assert_null(d->root);
    ydoc_free(d);
    d = tu_yload(tu_write_str("comments.yaml", "# only a comment\n\n"));
    assert_null(d->root);
    ydoc_free(d);
    /* explicit start and end markers around one document */
    d = tu_yload(tu_write_str("markers.yaml", "---\na: 1\n...\n"));
    assert_string_equal(ymap_get(d->root, "a")->str, "1");
    ydoc_free(d);
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    /* the second x is at line 3, column 1 */
    load_fails(tu_write_str("dup.yaml", "x: 1\ny: 2\nx: 3\n"), 3, 1, "duplicate key");
    /* nested: the second k is at line 3, column 3 */
    load_fails(tu_write_str("dup2.yaml", "top:\n  k: 1\n  k: [2]\n"), 3, 3, "duplicate key");
    /* flow mapping: m: {a: 1, b: 2, a: 3}: the second a is at column 17 */
    load_fails(tu_write_str("dup3.yaml", "m: {a: 1, b: 2, a: 3}\n"), 1, 17, "duplicate key");
    /* keys that differ only by quoting are the same key */
    load_fails(tu_write_str("dup4.yaml", "k: 1\n\"k\": 2\n"), 2, 1, "duplicate key");
    /* different keys are fine, and so is the same key in two mappings */
    ydoc *d = tu_yload(tu_write_str("nodup.yaml", "a: {k: 1}\nb: {k: 2}\nK: 3\n"));
    ydoc_free(d);
}

/* n nested flow sequences around a scalar: [[[...[x]...]]] */
static const char *nested(const char *name, int n)
{
    char buf[1024];
    int i, k = 0;
    for (i = 0; i < n; i++)
        buf[k++] = '[';
    buf[k++] = 'x';
    for (i = 0; i < n; i++)
        buf[k++] = ']';
    buf[k++] = '\n';
    return tu_write_file(name, buf, (size_t)k);
}

static void test_depth(void **state)
{
    (void)state;
    /* 64 levels of sequences: the scalar is 64 levels down: accepted */
    ydoc *d = tu_yload(nested("d64.yaml", 64));
    const ynode *n = d->root;
    int depth = 0;
    while (n->type == YN_SEQ) {
        assert_int_equal(n->n, 1);
        n = n->kids[0];
        depth++;
    }
    assert_int_equal(depth, 64);
    assert_string_equal(n->str, "x");
    pos_is(n, 1, 65);
    ydoc_free(d);
    /* 65 levels and more: refused, with a position */
    load_fails(nested("d65.yaml", 65), -1, 0, NULL);
    load_fails(nested("d200.yaml", 200), -1, 0, NULL);
}

static void test_alias_bomb(void **state)
{
    (void)state;
    /* billion laughs: 9 levels of 9 aliases each, 9^9 = 387 420 489 scalars once expanded */
    const char *p =
        tu_write_str("bomb.yaml", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                                  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                                  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                                  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                                  "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                                  "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                                  "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                                  "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n");
    char err[512] = "";
    assert_null(yload_file(p, err, sizeof err));
    assert_non_null(strstr(err, "200000"));
    assert_int_equal(strncmp(err, p, strlen(p)), 0);

    /* a few aliases are expanded as copies */
    ydoc *d = tu_yload(tu_write_str("alias.yaml", "base: &b [1, 2]\ncopy: *b\n"));
    const ynode *copy = ymap_get(d->root, "copy");
    assert_int_equal(copy->type, YN_SEQ);
    assert_int_equal(copy->n, 2);
    assert_string_equal(copy->kids[1]->str, "2");
    ydoc_free(d);
}

static void test_documents_and_syntax(void **state)
{
    (void)state;
    /* the second document's root (b: 2) is at line 3, column 1 */
    load_fails(tu_write_str("two.yaml", "a: 1\n---\nb: 2\n"), 3, 1, "document");
    load_fails(tu_write_str("two2.yaml", "---\n- 1\n---\n- 2\n"), 4, 1, "document");
    /* a syntax error has a position too: the flow sequence is not closed */
    load_fails(tu_write_str("syntax.yaml", "a: [1, 2\nb: 3\n"), -1, 0, NULL);
    /* a mapping key that is not a scalar */
    load_fails(tu_write_str("key.yaml", "? [1, 2]\n: x\n"), 1, 3, "scalar");
    /* a missing file */
    char err[512] = "";
    assert_null(yload_file("/nonexistent/dir/x.yaml", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/dir/x.yaml"));
}

static void test_size_cap(void **state)
{
    (void)state;
    /* 1 MiB + 1 byte of comment lines: refused before parsing, at 1:1 */
    size_t n = ((size_t)1 << 20) + 1, i;
    char *buf = malloc(n);
    assert_non_null(buf);
    for (i = 0; i < n; i++)
        buf[i] = (i % 64 == 63) ? '\n' : '#';
    load_fails(tu_write_file("big.yaml", buf, n), 1, 1, "1048576 bytes");
    /* exactly 1 MiB is allowed */
    ydoc *d = tu_yload(tu_write_file("big1.yaml", buf, n - 1));
    assert_null(d->root);
    ydoc_free(d);
    /* the manifests' own cap is larger */
    char err[512] = "";
    d = yload_file_max(tu_path("big.yaml"), YLOAD_MANIFEST_MAX_BYTES, err, sizeof err);
    assert_non_null(d);
    ydoc_free(d);
    /* a file whose size stat does not tell (a pipe, /dev/zero) is bounded while read */
    load_fails("/dev/zero", 1, 1, "1048576 bytes");
    free(buf);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* libyaml builds a document in time quadratic in its depth (100 000 levels took over a minute):
 * the depth is checked on the parser's events first, so deep files are refused at once. The
 * bound (2 s for what takes milliseconds) holds on any machine, sanitizers included. */
static void test_deep_nesting_fast(void **state)
{
    (void)state;
    /* valid YAML each time (closed flows, a block sequence), so that only the depth is wrong */
    static const char *const opens[] = {"[", "{a: ", "- "}, *const closes[] = {"]", "}", ""};
    const size_t levels = 100000;
    for (size_t o = 0; o < 3; o++) {
        size_t w = strlen(opens[o]), cw = strlen(closes[o]), i, n = 0;
        char *buf = malloc(levels * (w + cw) + 32), name[32];
        assert_non_null(buf);
        /* the block form starts on a line of its own */
        n += (size_t)sprintf(buf, o == 2 ? "targets:\n" : "targets: ");
        for (i = 0; i < levels; i++, n += w)
            memcpy(buf + n, opens[o], w);
        buf[n++] = 'x';
        for (i = 0; i < levels; i++, n += cw)
            memcpy(buf + n, closes[o], cw);
        buf[n++] = '\n';
        snprintf(name, sizeof name, "deep%zu.yaml", o);
        const char *p = tu_write_file(name, buf, n);
        double t0 = now();
        load_fails(p, -1, 0, "deeper than 64");
        double secs = now() - t0;
        if (secs > 2.0)
            fail_msg("%s: refused after %.2f s, expected well under 2 s", p, secs);
        free(buf);
    }
}

static void test_yis_null(void **state)
{
    (void)state;
    ydoc *d = tu_yload(tu_write_str("null.yaml", "tilde: ~\n"
                                                 "empty:\n"
                                                 "lower: null\n"
                                                 "title: Null\n"
                                                 "upper: NULL\n"
                                                 "mixed: nUll\n"
                                                 "quoted: \"null\"\n"
                                                 "squoted: '~'\n"
                                                 "qempty: \"\"\n"
                                                 "zero: 0\n"
                                                 "false: false\n"
                                                 "map: {a: 1}\n"
                                                 "seq: []\n"));
    const ynode *r = d->root;
    assert_true(yis_null(ymap_get(r, "tilde")));
    assert_true(yis_null(ymap_get(r, "empty")));
    assert_true(yis_null(ymap_get(r, "lower")));
    assert_true(yis_null(ymap_get(r, "title")));
    assert_true(yis_null(ymap_get(r, "upper")));
    assert_true(yis_null(ymap_get(r, "absent"))); /* a missing node */
    assert_true(yis_null(NULL));
    assert_false(yis_null(ymap_get(r, "mixed")));
    assert_false(yis_null(ymap_get(r, "quoted")));
    assert_false(yis_null(ymap_get(r, "squoted")));
    assert_false(yis_null(ymap_get(r, "qempty")));
    assert_false(yis_null(ymap_get(r, "zero")));
    assert_false(yis_null(ymap_get(r, "false")));
    assert_false(yis_null(ymap_get(r, "map")));
    assert_false(yis_null(ymap_get(r, "seq")));
    assert_false(yis_null(r));
    ydoc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions),         cmocka_unit_test(test_empty_document),
        cmocka_unit_test(test_duplicate_keys),    cmocka_unit_test(test_depth),
        cmocka_unit_test(test_alias_bomb),        cmocka_unit_test(test_documents_and_syntax),
        cmocka_unit_test(test_size_cap),          cmocka_unit_test(test_yis_null),
        cmocka_unit_test(test_deep_nesting_fast),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir);
}

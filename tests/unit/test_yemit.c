/* test_yemit.c: writing YAML (yemit.h). What is written is read back with yload.h (libyaml's
 * parser) and every value compared with what was given; the expected values are the inputs
 * themselves. /dev/full makes every write fail with ENOSPC. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "yemit.h"
#include "yload.h"

/* ---- helpers ----------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_yemit");
}

static yemit *open_ok(const char *path)
{
    char err[512] = "";
    yemit *y = yemit_open(path, err, sizeof err);
    if (!y)
        fail_msg("yemit_open(%s): %s", path, err);
    return y;
}

static void close_ok(yemit *y)
{
    char err[512] = "";
    if (yemit_close(y, err, sizeof err) != 0)
        fail_msg("yemit_close: %s", err);
}

/* A scalar whose text is want (and, when plain >= 0, whose plain flag is plain). */
static void scalar_is(const ynode *n, const char *want, int plain, const char *what)
{
    if (!n || n->type != YN_SCALAR)
        fail_msg("%s: not a scalar", what);
    if (strcmp(n->str, want))
        fail_msg("%s: \"%s\", expected \"%s\"", what, n->str, want);
    if (plain >= 0 && n->plain != plain)
        fail_msg("%s: plain %d, expected %d", what, n->plain, plain);
}

static void kv_is(const ynode *m, const char *key, const char *want, int plain)
{
    scalar_is(tu_yget(m, key), want, plain, key);
}

/* Strings that read otherwise when written plain: ": " makes a mapping, a leading "- " a list
 * item, "#" a comment, a leading space is trimmed, a line break folds. */
static const char *const tricky[] = {
    "a: b",
    "- item",
    "#not a comment",
    " leading space",
    "trailing space ",
    "line1\nline2",
    "tab\there",
    "quote\"d",
    "it's",
    "{flow}",
    "[flow]",
    "*alias",
    "&anchor",
    "!tag",
    "%directive",
    "@at",
    "`backtick",
    "key:",
    "?",
    "back\\slash",
};

/* ---- tests ------------------------------------------------------------- */

static void test_roundtrip(void **state)
{
    (void)state;
    const char *p = tu_path("doc.yaml");
    char key[16];
    size_t i, ntricky = sizeof tricky / sizeof tricky[0];
    yemit *y = open_ok(p);
    ydoc *d;
    const ynode *root, *list, *m, *nested;

    yemit_map_start(y);
    yemit_kv(y, "name", "Île-de-France");
    yemit_kv(y, "plain", "simple");
    yemit_kv(y, "colon", "a: b");
    yemit_kv(y, "yes", "yes");
    yemit_kv(y, "empty", "");
    yemit_kv(y, "multiline", "first line\nsecond line\n");
    yemit_kq(y, "date", "2024-06-30");
    yemit_kq(y, "version", "0.1.0");
    yemit_kq(y, "quoted_empty", "");
    yemit_ki(y, "count", 42);
    yemit_ki(y, "negative", -7);
    yemit_ki(y, "big", 9007199254740993LL);
    for (i = 0; i < ntricky; i++) {
        snprintf(key, sizeof key, "t%zu", i);
        yemit_kv(y, key, tricky[i]);
    }
    yemit_str(y, "list");
    yemit_seq_start(y);
    yemit_map_start(y);
    yemit_kv(y, "file", "contrats/a.csv");
    yemit_ki(y, "bytes", 3);
    yemit_str(y, "parts");
    yemit_seq_start(y);
    yemit_str(y, "[Content_Types].xml");
    yemit_qstr(y, "123");
    yemit_int(y, 0);
    yemit_seq_end(y);
    yemit_map_end(y);
    yemit_str(y, "Réunion: île");
    yemit_seq_start(y);
    yemit_seq_end(y);
    yemit_seq_end(y);
    yemit_str(y, "empty_map");
    yemit_map_start(y);
    yemit_map_end(y);
    yemit_map_end(y);
    close_ok(y);

    d = tu_yload(p);
    root = d->root;
    assert_non_null(root);
    assert_int_equal(root->type, YN_MAP);
    assert_int_equal(root->n, 12 + ntricky + 2);
    kv_is(root, "name", "Île-de-France", -1);
    kv_is(root, "plain", "simple", -1);
    kv_is(root, "colon", "a: b", -1);
    kv_is(root, "yes", "yes", -1);
    kv_is(root, "empty", "", -1);
    kv_is(root, "multiline", "first line\nsecond line\n", -1);
    /* the double-quoted ones are never plain, the integers always are */
    kv_is(root, "date", "2024-06-30", 0);
    kv_is(root, "version", "0.1.0", 0);
    kv_is(root, "quoted_empty", "", 0);
    assert_false(yis_null(tu_yget(root, "quoted_empty")));
    kv_is(root, "count", "42", 1);
    kv_is(root, "negative", "-7", 1);
    kv_is(root, "big", "9007199254740993", 1);
    for (i = 0; i < ntricky; i++) {
        snprintf(key, sizeof key, "t%zu", i);
        kv_is(root, key, tricky[i], -1);
    }
    list = tu_yget(root, "list");
    assert_int_equal(list->type, YN_SEQ);
    assert_int_equal(list->n, 3);
    m = list->kids[0];
    assert_int_equal(m->type, YN_MAP);
    assert_int_equal(m->n, 3);
    kv_is(m, "file", "contrats/a.csv", -1);
    kv_is(m, "bytes", "3", 1);
    nested = tu_yget(m, "parts");
    assert_int_equal(nested->type, YN_SEQ);
    assert_int_equal(nested->n, 3);
    scalar_is(nested->kids[0], "[Content_Types].xml", -1, "parts[0]");
    scalar_is(nested->kids[1], "123", 0, "parts[1]");
    scalar_is(nested->kids[2], "0", 1, "parts[2]");
    scalar_is(list->kids[1], "Réunion: île", -1, "list[1]");
    assert_int_equal(list->kids[2]->type, YN_SEQ);
    assert_int_equal(list->kids[2]->n, 0);
    m = tu_yget(root, "empty_map");
    assert_int_equal(m->type, YN_MAP);
    assert_int_equal(m->n, 0);
    ydoc_free(d);

    /* UTF-8 is written as is, not escaped */
    {
        size_t len;
        char *text = tu_slurp(p, &len);
        assert_non_null(strstr(text, "Île-de-France"));
        free(text);
    }
}

/* Regression (was a bug): yemit_str writes "", "null" and "~" plain, and the project's own reader
 * (yload's yis_null) then reads them as null, not as the string; "yes", "true" and "no" are written
 * plain too, which a YAML 1.1 reader (libyaml implements YAML 1.1; PyYAML reads `yes` as True)
 * reads as booleans. The contract: "A scalar; libyaml quotes it when its plain form would read
 * otherwise." (yemit_qstr covers the strings that look like numbers or dates, not these.) */
static void test_str_plain_form_reads_otherwise(void **state)
{
    (void)state;
    static const char *const values[] = {"", "null", "~", "yes", "true", "no"};
    const char *p = tu_path("plain.yaml");
    char key[16], bad[512] = "";
    size_t i, n = sizeof values / sizeof values[0];
    yemit *y = open_ok(p);
    ydoc *d;
    yemit_map_start(y);
    for (i = 0; i < n; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        yemit_kv(y, key, values[i]);
    }
    yemit_map_end(y);
    close_ok(y);
    d = tu_yload(p);
    for (i = 0; i < n; i++) {
        const ynode *v;
        snprintf(key, sizeof key, "k%zu", i);
        v = tu_yget(d->root, key);
        scalar_is(v, values[i], -1, key); /* the text itself comes back */
        if (v->plain) {
            size_t l = strlen(bad);
            snprintf(bad + l, sizeof bad - l, " \"%s\"%s", values[i],
                     yis_null(v) ? " (read as null)" : "");
        }
    }
    ydoc_free(d);
    if (bad[0])
        fail_msg("regression: written plain:%s", bad);
}

static void test_write_errors(void **state)
{
    (void)state;
    char err[512] = "";
    yemit *y;
    int i;
    /* a folder that does not exist */
    assert_null(yemit_open(tu_path("absent/doc.yaml"), err, sizeof err));
    assert_non_null(strstr(err, "absent/doc.yaml"));
    /* a full disk: the error is reported at yemit_close */
    if (access("/dev/full", W_OK) != 0)
        skip();
    y = open_ok("/dev/full");
    yemit_map_start(y);
    for (i = 0; i < 100; i++)
        yemit_ki(y, "some_key", i);
    yemit_str(y, "list");
    yemit_seq_start(y);
    yemit_str(y, "x");
    yemit_seq_end(y);
    yemit_map_end(y);
    err[0] = '\0';
    assert_int_equal(yemit_close(y, err, sizeof err), -1);
    assert_true(err[0] != '\0');
    assert_non_null(strstr(err, "/dev/full"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_str_plain_form_reads_otherwise),
        cmocka_unit_test(test_write_errors),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir_tree);
}

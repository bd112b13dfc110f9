/* test_inputs.c: the input files of a drop (inputs.h, spec/inputs.md): which entries of a
 * folder are inputs, in which order, what is said of the others, the limits, and the three
 * lists in a row. Every folder is made by the test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inputs.h"
#include "testutil.h"

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_inputs");
}

/* What the listing said it left out, "path (why)" a line. */
struct ignored {
    char text[1024];
};

static void on_ignored(void *data, const char *path, const char *why)
{
    struct ignored *ig = data;
    size_t n = strlen(ig->text);
    snprintf(ig->text + n, sizeof ig->text - n, "%s (%s)\n", path, why);
}

/* Files named in a fixed scrambled order; the list is in byte order. */
static void test_list_folder(void **state)
{
    (void)state;
    inputs in;
    struct ignored ig = {""};
    char err[1024] = "";
    tu_mkdir("drop");
    tu_mkdir("drop/contrats");
    TU_WRITE_STR("drop/contrats/b.csv", "");
    TU_WRITE_STR("drop/contrats/a.csv.gz", "");
    TU_WRITE_STR("drop/contrats/B.csv", "");
    TU_WRITE_STR("drop/contrats/a.csv", "");
    TU_WRITE_STR("drop/contrats/.hidden.csv", "");
    TU_WRITE_STR("drop/contrats/notes.txt", "");
    TU_WRITE_STR("drop/contrats/c.CSV", "");
    TU_WRITE_STR("drop/contrats/d.csv.gz.bak", "");
    TU_WRITE_STR("drop/contrats/.csv", "");
    tu_mkdir("drop/contrats/dir.csv");
    assert_int_equal(symlink(tu_path("drop/contrats/a.csv"), tu_path("drop/contrats/link.csv")), 0);
    inputs_init(&in);
    assert_int_equal(
        inputs_list(&in, tu_path("drop"), INPUTS_CONTRATS, on_ignored, &ig, err, sizeof err), 0);
    assert_int_equal(in.n[INPUTS_CONTRATS], 5);
    assert_string_equal(in.files[INPUTS_CONTRATS][0], "contrats/B.csv");
    assert_string_equal(in.files[INPUTS_CONTRATS][1], "contrats/a.csv");
    assert_string_equal(in.files[INPUTS_CONTRATS][2], "contrats/a.csv.gz");
    assert_string_equal(in.files[INPUTS_CONTRATS][3], "contrats/b.csv");
    assert_string_equal(in.files[INPUTS_CONTRATS][4], "contrats/link.csv"); /* a link to a file */
    /* the order of what is left out is the folder's: look for each */
    assert_non_null(strstr(ig.text, "contrats/.hidden.csv (a hidden file)\n"));
    assert_non_null(strstr(ig.text, "contrats/.csv (a hidden file)\n"));
    assert_non_null(strstr(ig.text, "contrats/notes.txt (not a .csv or .csv.gz file)\n"));
    assert_non_null(strstr(ig.text, "contrats/c.CSV (not a .csv or .csv.gz file)\n"));
    assert_non_null(strstr(ig.text, "contrats/d.csv.gz.bak (not a .csv or .csv.gz file)\n"));
    assert_non_null(strstr(ig.text, "contrats/dir.csv (not a .csv or .csv.gz file)\n"));
    inputs_free(&in);
}

/* A missing folder has no file (1); a file where the folder should be cannot be read (74). */
static void test_missing_or_unreadable(void **state)
{
    (void)state;
    inputs in;
    struct ignored ig = {""};
    char err[1024] = "";
    tu_mkdir("odd");
    TU_WRITE_STR("odd/evenements", "not a folder");
    inputs_init(&in);
    assert_int_equal(
        inputs_list(&in, tu_path("odd"), INPUTS_CONTRATS, on_ignored, &ig, err, sizeof err), 1);
    assert_int_equal(in.n[INPUTS_CONTRATS], 0);
    assert_int_equal(
        inputs_list(&in, tu_path("odd"), INPUTS_EVENEMENTS, on_ignored, &ig, err, sizeof err), 74);
    assert_non_null(strstr(err, tu_path("odd/evenements")));
    assert_non_null(strstr(err, "cannot read the folder"));
    inputs_free(&in);
}

/* Creates n empty files kind/f0000.csv ... under folder. */
static void make_files(const char *folder, const char *kind, int n)
{
    char name[64];
    int i;
    snprintf(name, sizeof name, "%.20s/%.20s", folder, kind);
    tu_mkdir(name);
    for (i = 0; i < n; i++) {
        snprintf(name, sizeof name, "%.20s/%.20s/f%04d.csv", folder, kind, i);
        tu_write_str(name, "");
    }
}

/* Lists the three folders of tu_path(folder); each must be read. */
static void list_three(inputs *in, const char *folder, struct ignored *ig)
{
    char err[1024] = "";
    int k;
    for (k = 0; k < INPUTS_NKINDS; k++)
        if (inputs_list(in, tu_path(folder), k, on_ignored, ig, err, sizeof err))
            fail_msg("inputs_list %s/%s: %s", folder, inputs_kind_names[k], err);
}

/* One folder of more than INPUTS_MAX files: 65; three that are more together: 65 at the join;
 * otherwise the three lists in a row, contracts first. */
static void test_limits_and_join(void **state)
{
    (void)state;
    inputs in;
    struct ignored ig = {""};
    char err[1024] = "";
    tu_mkdir("big");
    make_files("big", "contrats", INPUTS_MAX + 1);
    inputs_init(&in);
    assert_int_equal(
        inputs_list(&in, tu_path("big"), INPUTS_CONTRATS, on_ignored, &ig, err, sizeof err), 65);
    assert_non_null(strstr(err, "more than 4096 files"));
    inputs_free(&in);

    tu_mkdir("many");
    make_files("many", "contrats", INPUTS_MAX / 2);
    make_files("many", "evenements", 1);
    make_files("many", "participations", INPUTS_MAX / 2);
    inputs_init(&in);
    list_three(&in, "many", &ig);
    assert_int_equal(inputs_join(&in, tu_path("many"), err, sizeof err), 65);
    assert_non_null(strstr(err, "more than 4096 input files"));
    inputs_free(&in);

    /* within the limit */
    assert_int_equal(unlink(tu_path("many/participations/f0000.csv")), 0);
    inputs_init(&in);
    list_three(&in, "many", &ig);
    assert_int_equal(inputs_join(&in, tu_path("many"), err, sizeof err), 0);
    assert_int_equal(in.nall, INPUTS_MAX);
    assert_string_equal(in.all[0], "contrats/f0000.csv");
    assert_string_equal(in.all[INPUTS_MAX / 2], "evenements/f0000.csv");
    assert_string_equal(in.all[INPUTS_MAX / 2 + 1], "participations/f0001.csv");
    assert_string_equal(in.all[INPUTS_MAX - 1], "participations/f2047.csv");
    assert_string_equal(ig.text, "");
    inputs_free(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_folder),
        cmocka_unit_test(test_missing_or_unreadable),
        cmocka_unit_test(test_limits_and_join),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir_tree);
}

/* test_publish.c: how a run replaces OUTPUT_DIR (publish.h, spec/outputs.md "Publishing,
 * locking, determinism"): the check that OUTPUT_DIR holds only the files its manifest lists, the
 * folders made, the lock, the debris of killed runs, the staging folder, the swap, and what
 * publish_free leaves. Every folder is made by the test under its temporary folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "publish.h"
#include "testutil.h"

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_publish");
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The staging folder this process makes for output NAME in folder parent (a tu_path name). */
static const char *staging_of(const char *parent, const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/.%s.staging-%ld", tu_path(parent), name, (long)getpid());
    return p;
}

/* 1 when the lock file can be locked by another open file description (nobody holds it). */
static int lock_free(const char *lock)
{
    int fd = open(lock, O_RDWR), ok;
    assert_true(fd >= 0);
    ok = flock(fd, LOCK_EX | LOCK_NB) == 0;
    close(fd);
    return ok;
}

/* A first publication: the missing parents made, the lock taken, the staging folder made beside
 * the output folder; commit renames it into place. */
static void test_first_publication(void **state)
{
    (void)state;
    publication p;
    char err[1024] = "", out[512], lock[512], file[600];
    snprintf(out, sizeof out, "%s", tu_path("first/a/b/out"));
    snprintf(lock, sizeof lock, "%s", tu_path("first/a/b/.out.lock"));
    publish_init(&p);
    if (publish_prepare(&p, out, err, sizeof err))
        fail_msg("publish_prepare: %s", err);
    assert_string_equal(p.parent, tu_path("first/a/b"));
    assert_string_equal(p.name, "out");
    assert_string_equal(p.lock, lock);
    assert_string_equal(p.staging, staging_of("first/a/b", "out"));
    assert_true(is_dir(p.staging));
    assert_false(exists(out));
    assert_false(lock_free(lock));
    snprintf(file, sizeof file, "%s/croissance.csv.gz", p.staging);
    assert_int_equal(rename(tu_write_str("first/x", "x"), file), 0);
    assert_int_equal(publish_commit(&p, err, sizeof err), 0);
    assert_true(is_dir(out));
    assert_true(exists(tu_path("first/a/b/out/croissance.csv.gz")));
    assert_false(exists(staging_of("first/a/b", "out")));
    publish_free(&p);
    assert_true(exists(tu_path("first/a/b/out/croissance.csv.gz")));
    assert_true(lock_free(lock));
}

/* A second publication replaces the whole folder: the previous outputs are gone, none is mixed
 * in, no staging folder is left. */
static void test_replaces_previous_outputs(void **state)
{
    (void)state;
    publication p;
    char err[1024] = "", file[600];
    tu_mkdir("again");
    tu_mkdir("again/out");
    TU_WRITE_STR("again/out/manifest.yaml", "outputs:\n  - file: old.csv.gz\n");
    TU_WRITE_STR("again/out/old.csv.gz", "old");
    publish_init(&p);
    if (publish_prepare(&p, tu_path("again/out"), err, sizeof err))
        fail_msg("publish_prepare: %s", err);
    snprintf(file, sizeof file, "%s/new.csv.gz", p.staging);
    assert_int_equal(rename(tu_write_str("again/new", "new"), file), 0);
    assert_int_equal(publish_commit(&p, err, sizeof err), 0);
    publish_free(&p);
    assert_true(exists(tu_path("again/out/new.csv.gz")));
    assert_false(exists(tu_path("again/out/old.csv.gz")));
    assert_false(exists(tu_path("again/out/manifest.yaml")));
    assert_false(exists(staging_of("again", "out")));
}

/* Trailing slashes are not part of the name; a bare name has "." as its folder. */
static void test_output_names(void **state)
{
    (void)state;
    publication p;
    char err[1024] = "", out[512], here[512];
    snprintf(out, sizeof out, "%s///", tu_path("names/out"));
    publish_init(&p);
    assert_int_equal(publish_prepare(&p, out, err, sizeof err), 0);
    assert_string_equal(p.parent, tu_path("names"));
    assert_string_equal(p.name, "out");
    assert_true(is_dir(staging_of("names", "out")));
    publish_free(&p);

    assert_non_null(getcwd(here, sizeof here));
    assert_int_equal(chdir(tu_path("names")), 0);
    publish_init(&p);
    assert_int_equal(publish_prepare(&p, "bare", err, sizeof err), 0);
    assert_string_equal(p.parent, ".");
    assert_string_equal(p.name, "bare");
    assert_true(exists(".bare.lock"));
    publish_free(&p);
    assert_int_equal(chdir(here), 0);
}

/* OUTPUT_DIR holding a file its manifest does not list is left alone: 73, the file named, no
 * lock or staging folder made. */
static void test_foreign_file(void **state)
{
    (void)state;
    publication p;
    char err[1024] = "";
    tu_mkdir("foreign");
    tu_mkdir("foreign/out");
    TU_WRITE_STR("foreign/out/manifest.yaml", "outputs:\n  - file: croissance.csv.gz\n"
                                              "  - file: bilan.xlsx\n");
    TU_WRITE_STR("foreign/out/croissance.csv.gz", "x");
    TU_WRITE_STR("foreign/out/bilan.xlsx", "x");
    TU_WRITE_STR("foreign/out/notes.txt", "mine");
    publish_init(&p);
    assert_int_equal(publish_prepare(&p, tu_path("foreign/out"), err, sizeof err), 73);
    assert_non_null(strstr(err, tu_path("foreign/out/notes.txt")));
    assert_non_null(strstr(err, "not listed in the previous run's manifest"));
    assert_null(p.staging);
    assert_false(exists(tu_path("foreign/.out.lock")));
    publish_free(&p);
    assert_true(exists(tu_path("foreign/out/notes.txt")));

    /* the listed files and the manifest alone: the folder may be replaced */
    assert_int_equal(unlink(tu_path("foreign/out/notes.txt")), 0);
    publish_init(&p);
    if (publish_prepare(&p, tu_path("foreign/out"), err, sizeof err))
        fail_msg("publish_prepare: %s", err);
    publish_free(&p);

    /* without a manifest, any file is foreign; a manifest that cannot be read lists nothing,
     * not even itself */
    tu_mkdir("foreign/bare");
    TU_WRITE_STR("foreign/bare/croissance.csv.gz", "x");
    publish_init(&p);
    assert_int_equal(publish_prepare(&p, tu_path("foreign/bare"), err, sizeof err), 73);
    assert_non_null(strstr(err, "croissance.csv.gz"));
    publish_free(&p);
    tu_mkdir("foreign/broken");
    TU_WRITE_STR("foreign/broken/manifest.yaml", "outputs: [\n");
    publish_init(&p);
    assert_int_equal(publish_prepare(&p, tu_path("foreign/broken"), err, sizeof err), 73);
    assert_non_null(strstr(err, "manifest.yaml: this file is not listed"));
    publish_free(&p);

    /* an empty folder may be replaced */
    tu_mkdir("foreign/empty");
    publish_init(&p);
    assert_int_equal(publish_prepare(&p, tu_path("foreign/empty"), err, sizeof err), 0);
    publish_free(&p);
}

/* A second run while the lock is held: 75, the lock named, nothing made or removed. */
static void test_lock_held(void **state)
{
    (void)state;
    publication p;
    char err[1024] = "";
    int fd;
    tu_mkdir("locked");
    fd = open(tu_path("locked/.out.lock"), O_RDWR | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    tu_mkdir("locked/.out.staging-1");
    publish_init(&p);
    assert_int_equal(publish_prepare(&p, tu_path("locked/out"), err, sizeof err), 75);
    assert_non_null(strstr(err, "another run is writing"));
    assert_non_null(strstr(err, tu_path("locked/.out.lock")));
    assert_null(p.staging);
    publish_free(&p);
    assert_true(is_dir(tu_path("locked/.out.staging-1"))); /* the other run's */
    close(fd);
}

/* The staging folders a killed run left are removed, with what they hold; another output
 * folder's are not, nor previous outputs a failed swap set aside (.NAME.previous-PID, which
 * the error message tells the operator to move back). */
static void test_debris_removed(void **state)
{
    (void)state;
    publication p;
    char err[1024] = "";
    tu_mkdir("debris");
    tu_mkdir("debris/.out.staging-1234");
    tu_mkdir("debris/.out.staging-1234/.work");
    TU_WRITE_STR("debris/.out.staging-1234/.work/contrats.rec", "x");
    tu_mkdir("debris/.out.staging-99.old");
    tu_mkdir("debris/.out2.staging-5");
    tu_mkdir("debris/.out.previous-77");
    TU_WRITE_STR("debris/.out.previous-77/manifest.yaml", "x");
    TU_WRITE_STR("debris/.outx", "x");
    publish_init(&p);
    if (publish_prepare(&p, tu_path("debris/out"), err, sizeof err))
        fail_msg("publish_prepare: %s", err);
    assert_false(exists(tu_path("debris/.out.staging-1234")));
    assert_false(exists(tu_path("debris/.out.staging-99.old")));
    assert_true(exists(tu_path("debris/.out2.staging-5")));
    assert_true(exists(tu_path("debris/.out.previous-77/manifest.yaml")));
    assert_true(exists(tu_path("debris/.outx")));
    assert_true(is_dir(staging_of("debris", "out")));
    publish_free(&p);
}

/* Where a swap that cannot exchange the folders sets the previous outputs aside is not
 * debris: a second run's preparation leaves it and what it holds. */
static void test_aside_kept(void **state)
{
    (void)state;
    publication p, q;
    char err[1024] = "", *aside, file[4096];
    tu_mkdir("aside");
    publish_init(&p);
    if (publish_prepare(&p, tu_path("aside/out"), err, sizeof err))
        fail_msg("publish_prepare: %s", err);
    aside = publish_aside_path(&p);
    assert_non_null(aside);
    assert_non_null(strstr(aside, "/aside/.out."));
    assert_int_equal(mkdir(aside, 0755), 0);
    assert_true(snprintf(file, sizeof file, "%s/manifest.yaml", aside) < (int)sizeof file);
    {
        FILE *fp = fopen(file, "w");
        assert_non_null(fp);
        fputs("x", fp);
        fclose(fp);
    }
    publish_free(&p); /* releases the lock, removes its own staging folder */
    publish_init(&q);
    if (publish_prepare(&q, tu_path("aside/out"), err, sizeof err))
        fail_msg("publish_prepare: %s", err);
    assert_true(exists(file));
    publish_free(&q);
    free(aside);
}

/* A failed or stopped run: publish_free removes the staging folder and everything in it, and
 * releases the lock; OUTPUT_DIR is as it was. */
static void test_free_drops_unpublished(void **state)
{
    (void)state;
    publication p;
    char err[1024] = "", file[600];
    tu_mkdir("failed");
    tu_mkdir("failed/out");
    TU_WRITE_STR("failed/out/manifest.yaml", "outputs:\n  - file: old.csv.gz\n");
    TU_WRITE_STR("failed/out/old.csv.gz", "old");
    publish_init(&p);
    if (publish_prepare(&p, tu_path("failed/out"), err, sizeof err))
        fail_msg("publish_prepare: %s", err);
    snprintf(file, sizeof file, "%s/.work", p.staging);
    assert_int_equal(mkdir(file, 0700), 0);
    publish_free(&p);
    assert_false(exists(staging_of("failed", "out")));
    assert_true(exists(tu_path("failed/out/old.csv.gz")));
    assert_true(lock_free(tu_path("failed/.out.lock")));
    publish_free(&p); /* a freed publication frees again as a no-op */
}

/* Folders that cannot be used or made: 73 with the path and the reason. (As root, a folder's
 * mode does not stop mkdir: the cases here are files and a dangling link in the way.) */
static void test_cannot_create(void **state)
{
    (void)state;
    publication p;
    char err[1024] = "";
    tu_mkdir("blocked");
    TU_WRITE_STR("blocked/file", "x");
    /* OUTPUT_DIR is a file, or under one */
    publish_init(&p);
    assert_int_equal(publish_prepare(&p, tu_path("blocked/file"), err, sizeof err), 73);
    assert_non_null(strstr(err, "cannot use it as the output folder"));
    publish_free(&p);
    publish_init(&p);
    assert_int_equal(publish_prepare(&p, tu_path("blocked/file/out"), err, sizeof err), 73);
    assert_non_null(strstr(err, tu_path("blocked/file/out")));
    publish_free(&p);
    /* OUTPUT_DIR's folder is a link to nothing: the lock cannot be made in it */
    assert_int_equal(symlink(tu_path("blocked/nowhere"), tu_path("blocked/dangling")), 0);
    publish_init(&p);
    assert_int_equal(publish_prepare(&p, tu_path("blocked/dangling/out"), err, sizeof err), 73);
    assert_non_null(strstr(err, "cannot create the lock file"));
    assert_non_null(strstr(err, tu_path("blocked/dangling/.out.lock")));
    publish_free(&p);
}

/* publish_remove_tree removes sub-folders, hidden files and links, but not what a link to a
 * folder points to. */
static void test_remove_tree(void **state)
{
    (void)state;
    tu_mkdir("tree");
    tu_mkdir("tree/a");
    tu_mkdir("tree/a/b");
    TU_WRITE_STR("tree/a/b/.hidden", "x");
    TU_WRITE_STR("tree/a/f", "x");
    tu_mkdir("kept");
    TU_WRITE_STR("kept/precious", "x");
    assert_int_equal(symlink(tu_path("kept"), tu_path("tree/a/link")), 0);
    publish_remove_tree(tu_path("tree"));
    assert_false(exists(tu_path("tree")));
    assert_true(exists(tu_path("kept/precious")));
    /* a file, and a path that does not exist */
    publish_remove_tree(tu_path("kept/precious"));
    assert_false(exists(tu_path("kept/precious")));
    publish_remove_tree(tu_path("nothing"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_publication), cmocka_unit_test(test_replaces_previous_outputs),
        cmocka_unit_test(test_output_names),      cmocka_unit_test(test_foreign_file),
        cmocka_unit_test(test_lock_held),         cmocka_unit_test(test_debris_removed),
        cmocka_unit_test(test_aside_kept),        cmocka_unit_test(test_free_drops_unpublished),
        cmocka_unit_test(test_cannot_create),     cmocka_unit_test(test_remove_tree),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir_tree);
}

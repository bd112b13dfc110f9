/* test_verify.c: --verify (verify.h): what a rerun takes from a manifest's parameters and what
 * the command line overrides (with a note), how that lands on the settings, the private folder,
 * and the comparison of the rerun's manifest and of the published outputs with the manifest. The
 * manifests are written by hand here; content hashes are computed by the test with OpenSSL. */
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

#include "settings.h"
#include "testutil.h"
#include "verify.h"

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_verify");
}

#define PARAMS                                                                                     \
    "software: apprentissage-indicateurs\n"                                                        \
    "parameters:\n"                                                                                \
    "  configuration: config.yaml\n"                                                               \
    "  observation_date: \"2024-11-30\"\n"                                                         \
    "  observation_date_source: latest extraction date of the accepted contract rows\n"            \
    "  years: \"2021-2023\"\n"                                                                     \
    "  secrecy_threshold: 3\n"                                                                     \
    "  max_reject_rate: 0.2\n"                                                                     \
    "  max_expansion: 50\n"                                                                        \
    "  dispositifs:\n"                                                                             \
    "  - APPR\n"                                                                                   \
    "  - PROF\n"                                                                                   \
    "  targets:\n"                                                                                 \
    "  - \"2021:AKTO:TOTAL=5000\"\n"                                                               \
    "  - \"2022:AKTO:28=100\"\n"

/* Reads the manifest text with the options given; must succeed. */
static void read_ok(const char *text, const settings_options *given, verify_params *p)
{
    char err[1024] = "";
    const char *path = tu_write_str("m.yaml", text);
    verify_params_init(p);
    if (verify_read_params(path, given, p, err, sizeof err))
        fail_msg("verify_read_params: %s", err);
}

static void test_read_every_parameter(void **state)
{
    (void)state;
    settings_options none = {0};
    verify_params p;
    read_ok(PARAMS, &none, &p);
    assert_string_equal(p.observation_date, "2024-11-30");
    assert_string_equal(p.observation_source,
                        "latest extraction date of the accepted contract rows");
    assert_string_equal(p.years, "2021-2023");
    assert_true(p.has_secrecy);
    assert_int_equal(p.secrecy, 3);
    assert_true(p.has_max_reject_rate);
    assert_true(p.max_reject_rate == 0.2);
    assert_true(p.has_max_expansion);
    assert_true(p.max_expansion == 50);
    assert_true(p.has_dispositifs);
    assert_int_equal(p.ndispositifs, 2);
    assert_string_equal(p.dispositifs[0], "APPR");
    assert_string_equal(p.dispositifs[1], "PROF");
    assert_true(p.has_targets);
    assert_int_equal(p.ntargets, 2);
    assert_string_equal(p.targets[0], "2021:AKTO:TOTAL=5000");
    assert_string_equal(p.targets[1], "2022:AKTO:28=100");
    assert_int_equal(p.nnotes, 0);
    verify_params_free(&p);
}

/* What the manifest does not record is not taken; an empty `years` is every year; the
 * dispositifs are taken as the configuration takes them (each once, APPR before PROF). */
static void test_read_partial(void **state)
{
    (void)state;
    settings_options none = {0};
    verify_params p;
    read_ok("parameters:\n  years: \"\"\n  dispositifs: [PROF, appr, PROF]\n", &none, &p);
    assert_null(p.observation_date);
    assert_null(p.observation_source);
    assert_string_equal(p.years, "");
    assert_false(p.has_secrecy);
    assert_false(p.has_max_reject_rate);
    assert_false(p.has_max_expansion);
    assert_false(p.has_targets);
    assert_true(p.has_dispositifs);
    assert_int_equal(p.ndispositifs, 2);
    assert_string_equal(p.dispositifs[0], "APPR");
    assert_string_equal(p.dispositifs[1], "PROF");
    verify_params_free(&p);
}

/* A damaged or edited manifest: every recorded parameter is checked as a configuration's value
 * would be, and a value no run could have recorded stops the rerun with 78 and the manifest's
 * line and column (it used to run with atoi()'s 0, strtod()'s 0 or a skipped item). */
static void test_damaged_parameters(void **state)
{
    static const struct {
        const char *line, *where;
    } cases[] = {
        {"  secrecy_threshold: abc\n", "m.yaml:2:22: secrecy_threshold"},
        {"  secrecy_threshold: 2.5\n", "m.yaml:2:22: secrecy_threshold"},
        {"  observation_date: \"2024-13-45\"\n", "m.yaml:2:21: observation_date"},
        {"  years: \"20x\"\n", "m.yaml:2:10: years"},
        {"  max_reject_rate: -3\n", "m.yaml:2:20: max_reject_rate"},
        {"  max_expansion: 1\n", "m.yaml:2:18: max_expansion"},
        {"  max_expansion: x\n", "m.yaml:2:18: max_expansion"},
        {"  dispositifs: [X]\n", "m.yaml:2:17: 'dispositifs'"},
        {"  dispositifs: [[APPR]]\n", "m.yaml:2:17: an item of 'dispositifs'"},
        {"  dispositifs: APPR\n", "m.yaml:2:16: 'dispositifs' must be"},
        {"  targets: [\"2024:AKTO:84=oops\"]\n", "m.yaml:2:13: a target must read"},
        {"  targets: [\"2024:AKTO:84:9=5\"]\n", "m.yaml:2:13: a target must read"},
        {"  targets: [\"1999:AKTO:84=5\"]\n", "m.yaml:2:13: a target must read"},
        {"  targets: [\"2024:AKTO:84=0\"]\n", "m.yaml:2:13: a target must read"},
        {"  targets: [\"2024::84=5\"]\n", "m.yaml:2:13: a target must read"},
        {"  targets: [[2024]]\n", "m.yaml:2:13: a target must read"},
        {"  targets: 3\n", "m.yaml:2:12: 'targets' must be a list"},
    };
    (void)state;
    settings_options none = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        verify_params p;
        char err[1024] = "", text[256];
        snprintf(text, sizeof text, "parameters:\n%s", cases[i].line);
        verify_params_init(&p);
        if (verify_read_params(tu_write_str("m.yaml", text), &none, &p, err, sizeof err) != 78)
            fail_msg("%s: not refused with 78 (%s)", cases[i].line, err);
        if (!strstr(err, cases[i].where))
            fail_msg("%s: the message '%s' lacks '%s'", cases[i].line, err, cases[i].where);
        verify_params_free(&p);
    }
}

/* An option given wins over the manifest's parameter, which is not taken; a note says so. */
static void test_options_win(void **state)
{
    (void)state;
    settings_options given = {.observation_date = "2023-12-31", .years = "2022", .no_secrecy = 1};
    verify_params p;
    read_ok(PARAMS, &given, &p);
    assert_null(p.observation_date);
    assert_null(p.observation_source); /* the option's date is found the option's way */
    assert_null(p.years);
    assert_false(p.has_secrecy);
    assert_true(p.has_max_reject_rate); /* no option sets it */
    assert_int_equal(p.nnotes, 3);
    assert_string_equal(p.notes[0], "--verify: --observation-date 2023-12-31 overrides the "
                                    "manifest's 2024-11-30");
    assert_string_equal(p.notes[1], "--verify: --years 2022 overrides the manifest's '2021-2023'");
    assert_string_equal(p.notes[2], "--verify: --no-secrecy overrides the manifest's threshold 3");
    verify_params_free(&p);
    /* an option where the manifest records nothing: no note */
    read_ok("parameters:\n  max_reject_rate: 0.1\n", &given, &p);
    assert_int_equal(p.nnotes, 0);
    verify_params_free(&p);
}

static void test_read_errors(void **state)
{
    (void)state;
    settings_options none = {0};
    verify_params p;
    char err[1024] = "";
    verify_params_init(&p);
    assert_int_equal(verify_read_params(tu_path("absent.yaml"), &none, &p, err, sizeof err), 66);
    assert_non_null(strstr(err, "absent.yaml"));
    err[0] = '\0';
    assert_int_equal(
        verify_read_params(tu_write_str("bad.yaml", "parameters: [\n"), &none, &p, err, sizeof err),
        65);
    assert_non_null(strstr(err, "bad.yaml"));
    assert_int_equal(verify_read_params(tu_write_str("other.yaml", "parameters: 3\n"), &none, &p,
                                        err, sizeof err),
                     65);
    assert_non_null(strstr(err, "other.yaml: not a manifest of this software"));
    verify_params_free(&p);
}

/* The manifest's parameters replace the configuration's, targets included (those of the
 * configuration file, resolved or not); its date's source becomes the run's. */
static void test_apply(void **state)
{
    (void)state;
    settings_options none = {0};
    verify_params p;
    settings s;
    char err[1024] = "";
    const char *cfg = tu_write_str("cfg.yaml", "observation_date: 2020-01-31\nyears: 2020\n"
                                               "secrecy_threshold: 11\ntargets:\n"
                                               "  - {year: 2022, opco: AKTO, objectif: 10}\n");
    settings_init(&s);
    if (settings_load_config(&s, cfg, "/nowhere", err, sizeof err))
        fail_msg("settings_load_config: %s", err);
    assert_int_equal(s.cfg.ntcfg, 1);
    read_ok(PARAMS, &none, &p);
    assert_int_equal(verify_apply(&p, &s), 0);
    assert_string_equal(s.cfg.observation_date, "2024-11-30");
    assert_string_equal(s.observation_source,
                        "latest extraction date of the accepted contract rows");
    assert_string_equal(s.cfg.years, "2021-2023");
    assert_int_equal(s.cfg.secrecy, 3);
    assert_true(s.cfg.max_reject_rate == 0.2);
    assert_true(s.cfg.max_expansion == 50);
    assert_int_equal(s.cfg.ndispositifs, 2);
    assert_string_equal(s.cfg.dispositifs[1], "PROF");
    assert_int_equal(s.cfg.ntcfg, 0);
    assert_int_equal(s.cfg.ntargets, 2);
    assert_string_equal(s.cfg.targets[1], "2022:AKTO:28=100");
    verify_params_free(&p);

    /* years "" is every year; what the manifest lacks stays the configuration's */
    read_ok("parameters:\n  years: \"\"\n", &none, &p);
    assert_int_equal(verify_apply(&p, &s), 0);
    assert_null(s.cfg.years);
    assert_int_equal(s.cfg.secrecy, 3);
    assert_string_equal(s.cfg.observation_date, "2024-11-30");
    verify_params_free(&p);
    settings_free(&s);
}

/* The private folder: in TMPDIR, named for the software, the owner's only; its "out". */
static void test_private_folder(void **state)
{
    (void)state;
    char *folder, *output, err[1024] = "", want[300];
    struct stat st;
    assert_int_equal(verify_private_folder(tu_tmpdir, &folder, &output, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/apprentissage-verify.", tu_tmpdir);
    assert_memory_equal(folder, want, strlen(want));
    assert_int_equal(strlen(folder), strlen(want) + 6);
    assert_int_equal(stat(folder, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(want, sizeof want, "%s/out", folder);
    assert_string_equal(output, want);
    assert_int_equal(access(output, F_OK), -1); /* the rerun's publication makes it */
    assert_int_equal(rmdir(folder), 0);
    free(folder);
    free(output);
    /* TMPDIR that does not exist */
    assert_int_equal(verify_private_folder(tu_path("none"), &folder, &output, err, sizeof err), 73);
    assert_non_null(strstr(err, "cannot create a private folder"));
    assert_null(folder);
    assert_null(output);
}

struct diffs {
    int n;
    char field[8][200];
};

static void on_diff(void *data, const char *field, const char *expected, const char *actual)
{
    struct diffs *d = data;
    (void)expected, (void)actual;
    if (d->n < 8)
        snprintf(d->field[d->n], sizeof d->field[0], "%s", field);
    d->n++;
}

#define TABLE "annee,contrats\n2024,12\n"
#define OTHER "annee,contrats\n2024,13\n"

/* A manifest listing one output with the given content hash. */
static void write_manifest(const char *name, const char *date, const char *content_sha)
{
    char text[1024];
    snprintf(text, sizeof text,
             "parameters:\n  observation_date: \"%s\"\noutputs:\n"
             "  - file: croissance.csv.gz\n    bytes: 40\n    sha256: 00\n"
             "    content_sha256: %s\n    rows: 1\n",
             date, content_sha);
    tu_write_str(name, text);
}

/* The rerun's manifest, then the outputs published beside the given manifest. */
static void test_compare(void **state)
{
    (void)state;
    char sha[65], other[65], err[1024] = "";
    struct diffs d;
    tu_sha256_hex(TABLE, sizeof TABLE - 1, sha);
    tu_sha256_hex(OTHER, sizeof OTHER - 1, other);
    tu_mkdir("pub");
    tu_mkdir("rerun");
    write_manifest("pub/manifest.yaml", "2024-11-30", sha);
    tu_write_gz("pub/croissance.csv.gz", TABLE, sizeof TABLE - 1);
    write_manifest("rerun/manifest.yaml", "2024-11-30", sha);
    memset(&d, 0, sizeof d);
    assert_int_equal(verify_compare(tu_path("pub/manifest.yaml"), tu_path("rerun"), on_diff, &d,
                                    err, sizeof err),
                     0);
    assert_int_equal(d.n, 0);

    /* the rerun differs in a parameter and the published table was changed */
    write_manifest("rerun/manifest.yaml", "2024-10-31", sha);
    tu_write_gz("pub/croissance.csv.gz", OTHER, sizeof OTHER - 1);
    memset(&d, 0, sizeof d);
    assert_int_equal(verify_compare(tu_path("pub/manifest.yaml"), tu_path("rerun"), on_diff, &d,
                                    err, sizeof err),
                     2);
    assert_int_equal(d.n, 2);
    assert_string_equal(d.field[0], "parameters.observation_date");
    assert_string_equal(d.field[1], "published croissance.csv.gz content");

    /* the rerun's outputs differ: its content hash */
    tu_write_gz("pub/croissance.csv.gz", TABLE, sizeof TABLE - 1);
    write_manifest("rerun/manifest.yaml", "2024-11-30", other);
    memset(&d, 0, sizeof d);
    assert_int_equal(verify_compare(tu_path("pub/manifest.yaml"), tu_path("rerun"), on_diff, &d,
                                    err, sizeof err),
                     1);
    assert_string_equal(d.field[0], "outputs[croissance.csv.gz].content_sha256");

    /* no manifest in the rerun's folder */
    err[0] = '\0';
    assert_int_equal(verify_compare(tu_path("pub/manifest.yaml"), tu_path("pub/none"), on_diff, &d,
                                    err, sizeof err),
                     -1);
    assert_true(err[0] != '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_every_parameter), cmocka_unit_test(test_read_partial),
        cmocka_unit_test(test_damaged_parameters),   cmocka_unit_test(test_options_win),
        cmocka_unit_test(test_read_errors),          cmocka_unit_test(test_apply),
        cmocka_unit_test(test_private_folder),       cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir_tree);
}

/* test_config.c: the configuration file (config.h): the closed list of keys, one YAML kind per
 * key (a list or a mapping where a value is expected used to crash the driver), each key's form
 * and default, dispositifs, relative paths, targets and their resolution against the reference
 * tables. Positions were counted by hand on the YAML written in each test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "testutil.h"

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_config");
}

/* Loads the YAML text; must succeed. Free with config_free. */
static void load_ok(const char *yaml, config *c)
{
    char err[1024] = "";
    const char *p = tu_write_str("ok.yaml", yaml);
    config_init(c);
    enum apperr rc = config_load(p, c, err, sizeof err);
    if (rc)
        fail_msg("config_load refused (%s) \"%s\": %s", apperr_str(rc), yaml, err);
}

/* Loads the YAML text; must fail with APPERR_CONFIG and "path:line:col: " before a message holding
 * each of what1 and what2 (NULL: anything). */
static void load_fails(const char *yaml, int line, int col, const char *what1, const char *what2)
{
    char err[1024] = "";
    config c;
    const char *p = tu_write_str("bad.yaml", yaml);
    config_init(&c);
    enum apperr rc = config_load(p, &c, err, sizeof err);
    config_free(&c);
    if (rc != APPERR_CONFIG)
        fail_msg("config_load gave %s on \"%s\" (expected a configuration error): %s",
                 apperr_str(rc), yaml, err);
    tu_check_err_at(err, p, line, col, what1);
    if (what2 && !strstr(err, what2))
        fail_msg("message \"%s\" does not say \"%s\"", err, what2);
}

static void test_defaults(void **state)
{
    (void)state;
    config c;
    load_ok("# nothing set\n", &c);
    assert_int_equal(c.secrecy, 5);
    assert_true(c.max_reject_rate == 0.10);
    assert_true(c.max_expansion == 100.0);
    assert_int_equal(c.ndispositifs, 1);
    assert_string_equal(c.dispositifs[0], "APPR");
    assert_null(c.observation_date);
    assert_null(c.years);
    assert_null(c.key_file);
    assert_null(c.schemas_dir);
    assert_int_equal(c.ntcfg, 0);
    config_free(&c);
    /* a key given with no value keeps its default */
    load_ok("secrecy_threshold:\nmax_expansion: ~\ndispositifs:\ntargets: null\n", &c);
    assert_int_equal(c.secrecy, 5);
    assert_true(c.max_expansion == 100.0);
    assert_int_equal(c.ndispositifs, 1);
    config_free(&c);
}

static void test_every_key(void **state)
{
    (void)state;
    config c;
    load_ok("observation_date: 2024-12-31\n"
            "years: 2021-2023\n"
            "secrecy_threshold: 11\n"
            "pseudonymisation_key_file: keys/k.key\n"
            "max_reject_rate: 0.25\n"
            "max_expansion: 250.5\n"
            "dispositifs: [APPR, PROF]\n"
            "targets:\n"
            "  - {year: 2022, opco: AKTO, region: '28', objectif: 3000}\n"
            "schemas_dir: /opt/schemas\n",
            &c);
    assert_string_equal(c.observation_date, "2024-12-31");
    assert_string_equal(c.years, "2021-2023");
    assert_int_equal(c.secrecy, 11);
    /* relative to the configuration file's folder; an absolute path as it is */
    char want[512];
    snprintf(want, sizeof want, "%s/keys/k.key", tu_tmpdir);
    assert_string_equal(c.key_file, want);
    assert_string_equal(c.schemas_dir, "/opt/schemas");
    assert_true(c.max_reject_rate == 0.25);
    assert_true(c.max_expansion == 250.5);
    assert_int_equal(c.ndispositifs, 2);
    assert_int_equal(c.ntcfg, 1);
    assert_int_equal(c.tcfg[0].year, 2022);
    assert_string_equal(c.tcfg[0].opco, "AKTO");
    assert_string_equal(c.tcfg[0].region, "28");
    assert_int_equal(c.tcfg[0].objectif, 3000);
    assert_int_equal(c.tcfg[0].line, 9);
    assert_int_equal(c.tcfg[0].col, 5);
    config_free(&c);
}

/* The driver crashed (exit 139) on these: strtol, strtod and the path join got a NULL string. */
static void test_list_valued_keys_crashed(void **state)
{
    (void)state;
    load_fails("secrecy_threshold:\n  - x\n", 2, 3, "'secrecy_threshold'", "not a list");
    load_fails("max_reject_rate:\n  - 0.1\n", 2, 3, "'max_reject_rate'", "not a list");
    load_fails("pseudonymisation_key_file:\n  - k.key\n", 2, 3, "'pseudonymisation_key_file'",
               "not a list");
    load_fails("schemas_dir:\n  - schemas\n", 2, 3, "'schemas_dir'", "not a list");
}

/* Every key with every kind but its own: 78, at the value, naming the key. */
static void test_each_key_wrong_kind(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        int list;
    } keys[] = {{"observation_date", 0},  {"years", 0},
                {"secrecy_threshold", 0}, {"pseudonymisation_key_file", 0},
                {"max_reject_rate", 0},   {"max_expansion", 0},
                {"dispositifs", 1},       {"targets", 1},
                {"schemas_dir", 0}};
    /* the value starts at line 2, column 3 in the block forms, at 1:(key length + 3) in flow */
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char yaml[256], quoted[64];
        const char *k = keys[i].key;
        int flowcol = (int)strlen(k) + 3;
        snprintf(quoted, sizeof quoted, "'%s'", k);
        snprintf(yaml, sizeof yaml, "%s:\n  a: 1\n", k);
        load_fails(yaml, 2, 3, quoted, "not a mapping");
        snprintf(yaml, sizeof yaml, "%s: {a: 1}\n", k);
        load_fails(yaml, 1, flowcol, quoted, "not a mapping");
        if (keys[i].list) {
            snprintf(yaml, sizeof yaml, "%s: APPR\n", k);
            load_fails(yaml, 1, flowcol, quoted, "not a single value");
        } else {
            snprintf(yaml, sizeof yaml, "%s:\n  - x\n", k);
            load_fails(yaml, 2, 3, quoted, "not a list");
            snprintf(yaml, sizeof yaml, "%s: [1, 2]\n", k);
            load_fails(yaml, 1, flowcol, quoted, "not a list");
        }
    }
}

static void test_unknown_and_root(void **state)
{
    (void)state;
    load_fails("years: 2021\nmax_expansions: 10\n", 2, 1, "unknown configuration key",
               "max_expansions");
    load_fails("- years\n", 1, 1, "must be a mapping", NULL);
    load_fails("just text\n", 1, 1, "must be a mapping", NULL);
    /* an item of a list of the wrong kind */
    load_fails("targets:\n  - 2022\n", 2, 5, "an item of 'targets'", NULL);
    load_fails("targets:\n  - {year: [2022], opco: AKTO, objectif: 1}\n", 2, 12, "'year'",
               "not a list");
    load_fails("targets:\n  - {year: 2022, opco: AKTO, objectif: 1, month: 3}\n", 2, 43,
               "unknown target key 'month'", NULL);
    load_fails("targets:\n  - {year: 2022, opco: AKTO}\n", 2, 5, "needs year, opco and objectif",
               NULL);
    load_fails("dispositifs:\n  - [APPR]\n", 2, 5, "an item of 'dispositifs'", NULL);
    load_fails("dispositifs:\n  - {a: APPR}\n", 2, 5, "an item of 'dispositifs'", NULL);
}

static void test_values(void **state)
{
    (void)state;
    config c;
    load_fails("observation_date: 2024-02-30\n", 1, 19, "observation_date", NULL);
    load_fails("observation_date: 31/12/2024\n", 1, 19, "observation_date", NULL);
    load_fails("years: 2023-2021\n", 1, 8, "years", NULL);
    load_fails("secrecy_threshold: -1\n", 1, 20, "secrecy_threshold", NULL);
    load_fails("secrecy_threshold: 2.5\n", 1, 20, "secrecy_threshold", NULL);
    load_fails("secrecy_threshold: ''\n", 1, 20, "secrecy_threshold", NULL);
    /* strtod takes these; the configuration does not */
    load_fails("max_reject_rate: nan\n", 1, 18, "max_reject_rate", NULL);
    load_fails("max_reject_rate: 0x1p-3\n", 1, 18, "max_reject_rate", NULL);
    load_fails("max_reject_rate: 1.5\n", 1, 18, "max_reject_rate", NULL);
    load_fails("max_expansion: 1\n", 1, 16, "max_expansion", "above 1");
    load_fails("max_expansion: 0.5\n", 1, 16, "max_expansion", NULL);
    load_fails("max_expansion: inf\n", 1, 16, "max_expansion", NULL);
    load_fails("max_expansion: 1e3\n", 1, 16, "max_expansion", NULL);
    load_fails("pseudonymisation_key_file: ''\n", 1, 28, "pseudonymisation_key_file", NULL);
    load_ok("max_expansion: 1.01\nmax_reject_rate: 1\nsecrecy_threshold: 0\n", &c);
    assert_true(c.max_expansion == 1.01);
    assert_true(c.max_reject_rate == 1.0);
    assert_int_equal(c.secrecy, 0);
    config_free(&c);
}

static void test_dispositifs(void **state)
{
    (void)state;
    config c;
    /* compared through F(); kept in canonical order, once each */
    load_ok("dispositifs: [' prof', Appr, APPR]\n", &c);
    assert_int_equal(c.ndispositifs, 2);
    assert_string_equal(c.dispositifs[0], "APPR");
    assert_string_equal(c.dispositifs[1], "PROF");
    config_free(&c);
    load_ok("dispositifs:\n  - P.R.O.F.\n", &c);
    assert_int_equal(c.ndispositifs, 1);
    assert_string_equal(c.dispositifs[0], "PROF");
    config_free(&c);
    load_fails("dispositifs: [APPR, CDI]\n", 1, 21, "'CDI'", "neither APPR");
    load_fails("dispositifs: [apprentissage]\n", 1, 15, "neither APPR", NULL);
    load_fails("dispositifs: []\n", 1, 14, "at least one", NULL);
}

static void test_targets_bounded(void **state)
{
    (void)state;
    /* 257 targets: the 257th is refused at its place (it used to be dropped silently) */
    size_t cap = 300 * 64, n = 0;
    char *yaml = malloc(cap);
    assert_non_null(yaml);
    n += (size_t)snprintf(yaml, cap, "targets:\n");
    for (int i = 0; i < 257; i++)
        n += (size_t)snprintf(yaml + n, cap - n, "  - {year: 2022, opco: O%d, objectif: 1}\n", i);
    load_fails(yaml, 258, 5, "more than 256 targets", NULL);
    free(yaml);
}

static void test_resolve_targets(void **state)
{
    (void)state;
    char err[1024] = "";
    enum apperr code = APPERR_OK;
    refdata *ref = refdata_load("schemas", NULL, &code, err, sizeof err);
    config c;
    if (!ref)
        fail_msg("refdata_load: %s", err);
    load_ok("targets:\n"
            "  - {year: 2022, opco: Opco-EP, region: Normandie, objectif: 10}\n"
            "  - {year: 2022, opco: TOTAL, objectif: 20}\n",
            &c);
    assert_int_equal(config_resolve_targets(&c, ref, err, sizeof err), 0);
    assert_int_equal(c.ntargets, 2);
    assert_string_equal(c.targets[0], "2022:OPCO_EP:28=10");
    assert_string_equal(c.targets[1], "2022:TOTAL:TOTAL=20");
    config_free(&c);
    load_ok("targets:\n  - {year: 2022, opco: NOPE, objectif: 10}\n", &c);
    assert_int_equal(config_resolve_targets(&c, ref, err, sizeof err), APPERR_CONFIG);
    tu_check_err_at(err, c.path, 2, 5, "unknown OPCO 'NOPE'");
    config_free(&c);
    load_ok("targets:\n  - {year: 2022, opco: AKTO, objectif: 10}\n"
            "  - {year: 2022, opco: akto, region: TOTAL, objectif: 11}\n",
            &c);
    assert_int_equal(config_resolve_targets(&c, ref, err, sizeof err), APPERR_CONFIG);
    tu_check_err_at(err, c.path, 3, 5, "two targets for the same row");
    config_free(&c);
    refdata_free(ref);
}

static void test_years_ok(void **state)
{
    (void)state;
    assert_true(config_years_ok("2021"));
    assert_true(config_years_ok("2020-2022"));
    assert_true(config_years_ok("2022-2022"));
    assert_false(config_years_ok("1999"));
    assert_false(config_years_ok("2100"));
    assert_false(config_years_ok("2022-2021"));
    assert_false(config_years_ok("21"));
    assert_false(config_years_ok("2021-22"));
    assert_false(config_years_ok(" 2021"));
}

/* The one reader of the targets' form the stages receive: both spellings, each bound, and what
 * sscanf used to let through (signs, spaces, a trailing byte, an empty part). */
static void test_target_parse(void **state)
{
    (void)state;
    char opco[32], region[8];
    int y = 0;
    long n = 0;
    assert_int_equal(config_target_parse("2024:AKTO:28=100", &y, opco, region, &n), 0);
    assert_int_equal(y, 2024);
    assert_string_equal(opco, "AKTO");
    assert_string_equal(region, "28");
    assert_int_equal(n, 100);
    assert_int_equal(config_target_parse("2000:OPCO_EP=100000000", &y, opco, region, &n), 0);
    assert_int_equal(y, 2000);
    assert_string_equal(opco, "OPCO_EP");
    assert_string_equal(region, "TOTAL");
    assert_int_equal(n, 100000000);
    assert_int_equal(
        config_target_parse("2099:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:TOTALXX=1", &y, opco, region, &n),
        0);
    static const char *const bad[] = {"2024:AKTO:28=0",
                                      "2024:AKTO:28=100000001",
                                      "2024:AKTO:28=+5",
                                      "2024:AKTO:28= 5",
                                      "2024:AKTO:28=5x",
                                      "2024:AKTO:28=",
                                      "1999:AKTO=5",
                                      "2100:AKTO=5",
                                      "24:AKTO=5",
                                      " 2024:AKTO=5",
                                      "2024::28=5",
                                      "2024:AKTO:=5",
                                      "2024:AKTO:28:9=5",
                                      "2024:AKTO=5=6",
                                      "2024-2025:AKTO=5",
                                      "2024=5",
                                      "2024:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=1",
                                      "2024:AKTO:TOTALXXX=1",
                                      ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (!config_target_parse(bad[i], &y, opco, region, &n))
            fail_msg("config_target_parse accepted '%s'", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_list_valued_keys_crashed),
        cmocka_unit_test(test_each_key_wrong_kind),
        cmocka_unit_test(test_unknown_and_root),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_dispositifs),
        cmocka_unit_test(test_targets_bounded),
        cmocka_unit_test(test_resolve_targets),
        cmocka_unit_test(test_years_ok),
        cmocka_unit_test(test_target_parse),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir);
}

/* test_settings.c: the parameters of a run (settings.h): the configuration file, shipped or
 * given, and (settings_digests) its SHA-256; the options over it and where the observation date
 * comes from; the key, its mode and (settings_digests) its fingerprint; the schemas folder; the
 * observation date's form. The key's fingerprint was computed independently with the openssl
 * command line:
 *   printf '%s' 'fingerprint' | openssl dgst -sha256 -hmac 'unit-test-key-0123456789'
 *     = f7bd1a4be0628cfd2b7aa1950e8df5fdcf1bd02a904378d490ed8ff8d20a523a
 * The configuration's SHA-256 is computed here with OpenSSL over the bytes written. */
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

#define FINGERPRINT "f7bd1a4be0628cfd2b7aa1950e8df5fdcf1bd02a904378d490ed8ff8d20a523a"

static int setup(void **state)
{
    (void)state;
    if (tu_setup_tmpdir("ut_settings"))
        return -1;
    /* a source tree (build/bin beside pipeline/ and schemas/) and an installed tree */
    tu_mkdir("tree");
    tu_mkdir("tree/build");
    tu_mkdir("tree/build/bin");
    tu_mkdir("tree/pipeline");
    tu_mkdir("tree/schemas");
    tu_write_str("tree/pipeline/config.yaml", "secrecy_threshold: 7\n");
    tu_mkdir("usr");
    tu_mkdir("usr/lib");
    tu_mkdir("usr/lib/apprentissage");
    tu_mkdir("usr/lib/apprentissage/bin");
    tu_mkdir("usr/share");
    tu_mkdir("usr/share/apprentissage");
    tu_mkdir("usr/share/apprentissage/schemas");
    tu_write_str("usr/share/apprentissage/config.yaml", "secrecy_threshold: 9\n");
    tu_write_str("key", "unit-test-key-0123456789");
    chmod(tu_path("key"), 0600);
    return 0;
}

/* Loads the configuration text (written to name); must succeed. */
static void load_ok(settings *s, const char *name, const char *yaml)
{
    char err[1024] = "";
    settings_init(s);
    if (settings_load_config(s, tu_write_str(name, yaml), "/nowhere", err, sizeof err))
        fail_msg("settings_load_config: %s", err);
}

static void test_load_given(void **state)
{
    (void)state;
    static const char yaml[] = "observation_date: 2024-06-30\nsecrecy_threshold: 4\n";
    settings s;
    load_ok(&s, "given.yaml", yaml);
    assert_string_equal(s.cfg.path, tu_path("given.yaml"));
    assert_int_equal(s.cfg.secrecy, 4);
    settings_free(&s);
}

/* Without -c: the configuration shipped in the source tree, or the installed one. */
static void test_load_shipped(void **state)
{
    (void)state;
    settings s;
    char err[1024] = "", want[512];
    settings_init(&s);
    assert_int_equal(settings_load_config(&s, NULL, tu_path("tree/build/bin"), err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/../../pipeline/config.yaml", tu_path("tree/build/bin"));
    assert_string_equal(s.cfg.path, want);
    assert_int_equal(s.cfg.secrecy, 7);
    settings_free(&s);
    assert_int_equal(
        settings_load_config(&s, NULL, tu_path("usr/lib/apprentissage/bin"), err, sizeof err), 0);
    assert_int_equal(s.cfg.secrecy, 9);
    settings_free(&s);
    /* nothing shipped: config.yaml in the current folder, here none */
    assert_int_equal(settings_load_config(&s, NULL, tu_path("usr"), err, sizeof err), 78);
    assert_non_null(strstr(err, "config.yaml"));
    settings_free(&s);
}

static void test_load_errors(void **state)
{
    (void)state;
    settings s;
    char err[1024] = "";
    settings_init(&s);
    assert_int_equal(settings_load_config(&s, tu_path("absent.yaml"), "/", err, sizeof err), 78);
    assert_non_null(strstr(err, "absent.yaml"));
    settings_free(&s);
    assert_int_equal(
        settings_load_config(&s, tu_write_str("bad.yaml", "foo: 1\n"), "/", err, sizeof err), 78);
    tu_check_err_at(err, tu_path("bad.yaml"), 1, 1, "unknown configuration key 'foo'");
    settings_free(&s);
}

/* Options win over the configuration; the date's source says which gave it. */
static void test_options(void **state)
{
    (void)state;
    settings s;
    settings_options o = {.observation_date = "2023-12-31",
                          .years = "2022",
                          .key_file = "other.key",
                          .no_secrecy = 1};
    settings_options none = {0};
    load_ok(&s, "opt.yaml",
            "observation_date: 2024-06-30\nyears: 2021\npseudonymisation_key_file: k\n");
    assert_int_equal(settings_apply_options(&s, &o), 0);
    assert_string_equal(s.cfg.observation_date, "2023-12-31");
    assert_string_equal(s.observation_source, "option");
    assert_string_equal(s.cfg.years, "2022");
    assert_string_equal(s.cfg.key_file, "other.key"); /* as given: relative to the current folder */
    assert_int_equal(s.cfg.secrecy, 0);
    settings_free(&s);

    load_ok(&s, "opt.yaml", "observation_date: 2024-06-30\nyears: 2021\n");
    assert_int_equal(settings_apply_options(&s, &none), 0);
    assert_string_equal(s.cfg.observation_date, "2024-06-30");
    assert_string_equal(s.observation_source, "configuration");
    assert_string_equal(s.cfg.years, "2021");
    assert_int_equal(s.cfg.secrecy, 5);
    settings_free(&s);

    /* no date anywhere: it is to be derived, its source not known yet */
    load_ok(&s, "opt.yaml", "years: 2021\n");
    assert_int_equal(settings_apply_options(&s, &none), 0);
    assert_null(s.cfg.observation_date);
    assert_null(s.observation_source);
    settings_free(&s);
}

/* The key read and its fingerprint; the schemas folder; the date checked. */
static void test_finish(void **state)
{
    (void)state;
    settings s;
    settings_options o = {.key_file = tu_path("key")};
    char err[1024] = "", want[512];
    load_ok(&s, "fin.yaml", "schemas_dir: my-schemas\n");
    assert_int_equal(settings_apply_options(&s, &o), 0);
    if (settings_finish(&s, tu_path("tree/build/bin"), err, sizeof err))
        fail_msg("settings_finish: %s", err);
    assert_false(s.key_loose);
    assert_string_equal(s.schemas, tu_path("my-schemas")); /* relative to the configuration */
    settings_free(&s);

    /* the shipped schemas; a key others may read */
    chmod(tu_path("key"), 0644);
    load_ok(&s, "fin.yaml", "observation_date: 2024-06-30\n");
    assert_int_equal(settings_apply_options(&s, &o), 0);
    assert_int_equal(settings_finish(&s, tu_path("tree/build/bin"), err, sizeof err), 0);
    assert_true(s.key_loose);
    snprintf(want, sizeof want, "%s/../../schemas", tu_path("tree/build/bin"));
    assert_string_equal(s.schemas, want);
    settings_free(&s);
    chmod(tu_path("key"), 0600);
}

static void test_finish_errors(void **state)
{
    (void)state;
    settings s;
    settings_options none = {0}, o = {.key_file = tu_path("key")};
    settings_options short_key = {.key_file = tu_write_str("short.key", "short")};
    char err[1024] = "";
    /* no key */
    load_ok(&s, "e.yaml", "secrecy_threshold: 5\n");
    assert_int_equal(settings_apply_options(&s, &none), 0);
    assert_int_equal(settings_finish(&s, "/", err, sizeof err), 78);
    assert_non_null(strstr(err, "no pseudonymisation key: give --key-file FILE"));
    settings_free(&s);
    /* a key shorter than PSEUDO_MIN_KEY; a key file that does not exist */
    load_ok(&s, "e.yaml", "secrecy_threshold: 5\n");
    assert_int_equal(settings_apply_options(&s, &short_key), 0);
    assert_int_equal(settings_finish(&s, "/", err, sizeof err), 78);
    assert_non_null(strstr(err, "short.key"));
    settings_free(&s);
    load_ok(&s, "e.yaml", "pseudonymisation_key_file: nokey\n");
    assert_int_equal(settings_apply_options(&s, &none), 0);
    assert_int_equal(settings_finish(&s, "/", err, sizeof err), 78);
    assert_non_null(strstr(err, tu_path("nokey")));
    settings_free(&s);
    /* an observation date of the wrong form (from a manifest: the file's own are checked when
     * loaded) names the configuration */
    load_ok(&s, "e.yaml", "secrecy_threshold: 5\n");
    s.cfg.observation_date = strdup("2024-13-01");
    assert_int_equal(settings_apply_options(&s, &o), 0);
    assert_int_equal(settings_finish(&s, "/", err, sizeof err), 78);
    assert_non_null(strstr(err, "e.yaml: observation_date must be YYYY-MM-DD"));
    settings_free(&s);
}

/* The configuration's SHA-256 and the key's fingerprint, once the rest is set; the key is
 * then dropped. A configuration gone meanwhile is a configuration error naming it. */
static void test_digests(void **state)
{
    (void)state;
    static const char yaml[] = "observation_date: 2024-06-30\nsecrecy_threshold: 4\n";
    settings s;
    settings_options o = {.key_file = tu_path("key")};
    char err[1024] = "", sha[65];
    load_ok(&s, "dig.yaml", yaml);
    assert_int_equal(settings_apply_options(&s, &o), 0);
    assert_int_equal(settings_finish(&s, tu_path("tree/build/bin"), err, sizeof err), 0);
    assert_non_null(s.key);
    assert_string_equal(s.key_fingerprint, ""); /* not before settings_digests */
    if (settings_digests(&s, err, sizeof err))
        fail_msg("settings_digests: %s", err);
    tu_sha256_hex(yaml, sizeof yaml - 1, sha);
    assert_string_equal(s.config_sha256, sha);
    assert_string_equal(s.key_fingerprint, FINGERPRINT);
    assert_null(s.key);
    settings_free(&s);

    load_ok(&s, "gone.yaml", yaml);
    assert_int_equal(settings_apply_options(&s, &o), 0);
    assert_int_equal(settings_finish(&s, "/", err, sizeof err), 0);
    assert_int_equal(unlink(tu_path("gone.yaml")), 0);
    assert_int_equal(settings_digests(&s, err, sizeof err), 78);
    assert_non_null(strstr(err, "gone.yaml: cannot read the configuration"));
    settings_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_given),  cmocka_unit_test(test_load_shipped),
        cmocka_unit_test(test_load_errors), cmocka_unit_test(test_options),
        cmocka_unit_test(test_finish),      cmocka_unit_test(test_finish_errors),
        cmocka_unit_test(test_digests),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir_tree);
}

/* test_pseudo.c: the apprentice pseudonym (pseudo.h, spec/inputs.md "apprenti_id").
 * Every expected digest was computed once, independently, with the openssl command line:
 *   printf '%s' 'BRAVOLIN|HELENEMARIE|2003-05-04' | openssl dgst -sha256 -hmac
 * 'unit-test-key-0123456789' = ac2e8411b10efa31a80a67462c1c66143f263ac2fe727ea4f09af4a22c938bde
 *   printf '%s' 'DUPONT|JEAN|1999-12-31' | openssl dgst -sha256 -hmac 'unit-test-key-0123456789'
 *     = a87857cbb15b78309206c830d9c083808ad59301cc8ae8c2f2892aaf5999e7f5
 *   printf '%s' 'fingerprint' | openssl dgst -sha256 -hmac 'unit-test-key-0123456789'
 *     = f7bd1a4be0628cfd2b7aa1950e8df5fdcf1bd02a904378d490ed8ff8d20a523a
 *   printf '%s' 'BRAVOLIN|HELENEMARIE|2003-05-04' | openssl dgst -sha256 -hmac
 * 'unit-test-key-01234567' = 2ed706fff33ae8707d2a81aaefa6569c7aca07c39128eb8d877503f65b382f91
 *   printf '%s' 'X|Y|2000-01-01' | openssl dgst -sha256 -hmac '0123456789abcdef'
 *     = 9f19e3c93e31a34c0102140a4961c7f6943d3e3f82a5a0797fcb74da24d9ca32
 *   the key "unit-test-key-0123456789\n" (25 bytes, hex 756e...390a):
 *   printf '%s' 'BRAVOLIN|HELENEMARIE|2003-05-04' | openssl dgst -sha256 -mac HMAC \
 *       -macopt hexkey:756e69742d746573742d6b65792d303132333435363738390a
 *     = e288fc50379b584e9935aaa4f8ff629435bd5eb0a6fa3cca094e7a5ca126325c
 * The pseudonym is the first 16 bytes: the first 32 hex digits. */
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

#include "pseudo.h"
#include "testutil.h"

#define KEY24 "unit-test-key-0123456789"
#define MSG "BRAVOLIN|HELENEMARIE|2003-05-04"

/* ---- helpers ----------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_pseudo");
}

/* Writes a key file with the given mode. */
static const char *key_file(const char *name, const char *data, size_t len, mode_t mode)
{
    const char *p = tu_write_file(name, data, len);
    assert_int_equal(chmod(p, mode), 0);
    return p;
}
#define KEY_FILE(name, lit, mode) key_file(name, lit, sizeof(lit) - 1, mode)

static void id_is(const unsigned char *key, size_t keylen, const char *msg, const char *want)
{
    pseudo *p = pseudo_new(key, keylen);
    char out[33];
    assert_non_null(p);
    memset(out, 'Z', sizeof out);
    assert_int_equal(pseudo_id(p, msg, strlen(msg), out), 0);
    pseudo_free(p);
    assert_int_equal(out[32], '\0');
    assert_string_equal(out, want);
}

/* Reads a key file that must be accepted with exactly want[0..wantlen). */
static unsigned char *read_ok(const char *path, const char *want, size_t wantlen, int *loose)
{
    char err[512] = "";
    size_t len = 0;
    unsigned char *k = pseudo_read_key(path, &len, loose, err, sizeof err);
    if (!k)
        fail_msg("%s refused: %s", path, err);
    assert_int_equal(len, wantlen);
    assert_memory_equal(k, want, wantlen);
    return k;
}

/* ---- tests ------------------------------------------------------------- */

static void test_known_pseudonyms(void **state)
{
    (void)state;
    const unsigned char *k = (const unsigned char *)KEY24;
    id_is(k, 24, MSG, "ac2e8411b10efa31a80a67462c1c6614");
    id_is(k, 24, "DUPONT|JEAN|1999-12-31", "a87857cbb15b78309206c830d9c08380");
    id_is((const unsigned char *)"unit-test-key-01234567", 22, MSG,
          "2ed706fff33ae8707d2a81aaefa6569c");
    id_is((const unsigned char *)"0123456789abcdef", 16, "X|Y|2000-01-01",
          "9f19e3c93e31a34c0102140a4961c7f6");
}

static void test_reuse_and_fingerprint(void **state)
{
    (void)state;
    pseudo *p = pseudo_new((const unsigned char *)KEY24, 24);
    char a[33], b[33], fp[65];
    assert_non_null(p);
    /* the same context gives the same answers, in any order */
    assert_int_equal(pseudo_id(p, MSG, strlen(MSG), a), 0);
    assert_int_equal(pseudo_id(p, "DUPONT|JEAN|1999-12-31", 22, b), 0);
    assert_string_equal(a, "ac2e8411b10efa31a80a67462c1c6614");
    assert_string_equal(b, "a87857cbb15b78309206c830d9c08380");
    assert_int_equal(pseudo_fingerprint(p, fp), 0);
    assert_string_equal(fp, "f7bd1a4be0628cfd2b7aa1950e8df5fdcf1bd02a904378d490ed8ff8d20a523a");
    assert_int_equal(pseudo_id(p, MSG, strlen(MSG), a), 0);
    assert_string_equal(a, "ac2e8411b10efa31a80a67462c1c6614");
    /* the length counts: MSG with a tail that is not hashed */
    assert_int_equal(pseudo_id(p, MSG "|extra", strlen(MSG), b), 0);
    assert_string_equal(b, a);
    pseudo_free(p);
}

static void test_key_file_line_end(void **state)
{
    (void)state;
    int loose = -1;
    unsigned char *k;
    /* one trailing LF, or CRLF, is not part of the key; no line end at all is fine */
    k = read_ok(KEY_FILE("lf.key", KEY24 "\n", 0600), KEY24, 24, &loose);
    id_is(k, 24, MSG, "ac2e8411b10efa31a80a67462c1c6614");
    free(k);
    k = read_ok(KEY_FILE("crlf.key", KEY24 "\r\n", 0600), KEY24, 24, &loose);
    id_is(k, 24, MSG, "ac2e8411b10efa31a80a67462c1c6614");
    free(k);
    k = read_ok(KEY_FILE("none.key", KEY24, 0600), KEY24, 24, &loose);
    free(k);
    /* only one: of two LFs the first stays, and the pseudonyms change with it */
    k = read_ok(KEY_FILE("lflf.key", KEY24 "\n\n", 0600), KEY24 "\n", 25, &loose);
    id_is(k, 25, MSG, "e288fc50379b584e9935aaa4f8ff6294");
    free(k);
    /* a CR alone is not a line end: it stays */
    k = read_ok(KEY_FILE("cr.key", KEY24 "\r", 0600), KEY24 "\r", 25, &loose);
    free(k);
    /* a LF inside the key stays */
    k = read_ok(KEY_FILE("mid.key", "unit-test\nkey-0123456789\n", 0600),
                "unit-test\nkey-0123456789", 24, &loose);
    free(k);
    /* binary bytes, NUL included, are key bytes */
    k = read_ok(key_file("bin.key", "\0\1\2\3\4\5\6\7\x08\x09\x0A\x0B\x0C\x0D\x0E\xFF\n", 17, 0600),
                "\0\1\2\3\4\5\6\7\x08\x09\x0A\x0B\x0C\x0D\x0E\xFF", 16, &loose);
    free(k);
}

static void test_key_too_short(void **state)
{
    (void)state;
    char err[512];
    size_t len = 0;
    int loose = 0;
    /* 15 bytes once the LF is removed: refused */
    err[0] = '\0';
    assert_null(pseudo_read_key(KEY_FILE("k15.key", "0123456789abcde\n", 0600), &len, &loose, err,
                                sizeof err));
    assert_true(err[0] != '\0');
    /* 15 bytes once the CRLF is removed: refused (the CR does not count) */
    err[0] = '\0';
    assert_null(pseudo_read_key(KEY_FILE("k15crlf.key", "0123456789abcde\r\n", 0600), &len, &loose,
                                err, sizeof err));
    assert_true(err[0] != '\0');
    /* empty, and a lone LF */
    assert_null(pseudo_read_key(KEY_FILE("k0.key", "", 0600), &len, &loose, err, sizeof err));
    assert_null(pseudo_read_key(KEY_FILE("klf.key", "\n", 0600), &len, &loose, err, sizeof err));
    /* exactly 16: accepted */
    unsigned char *k =
        read_ok(KEY_FILE("k16.key", "0123456789abcdef\r\n", 0600), "0123456789abcdef", 16, &loose);
    id_is(k, 16, "X|Y|2000-01-01", "9f19e3c93e31a34c0102140a4961c7f6");
    free(k);
    /* a missing file */
    err[0] = '\0';
    char p[300];
    snprintf(p, sizeof p, "%s/absent.key", tu_tmpdir);
    assert_null(pseudo_read_key(p, &len, &loose, err, sizeof err));
    assert_true(err[0] != '\0');
}

/* "loose" when others than the owner can read the file: a group or other read bit. */
static void test_permissions(void **state)
{
    (void)state;
    static const struct {
        mode_t mode;
        int loose;
    } cases[] = {
        {0600, 0}, {0400, 0}, {0700, 0}, {0644, 1}, {0640, 1},
        {0604, 1}, {0660, 1}, {0606, 1}, {0444, 1}, {0440, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int loose = -1;
        unsigned char *k =
            read_ok(KEY_FILE("perm.key", KEY24 "\n", cases[i].mode), KEY24, 24, &loose);
        free(k);
        if (loose != cases[i].loose)
            fail_msg("mode %04o: loose %d, expected %d", (unsigned)cases[i].mode, loose,
                     cases[i].loose);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_pseudonyms),  cmocka_unit_test(test_reuse_and_fingerprint),
        cmocka_unit_test(test_key_file_line_end), cmocka_unit_test(test_key_too_short),
        cmocka_unit_test(test_permissions),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir);
}

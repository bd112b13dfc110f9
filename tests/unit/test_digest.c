/* test_digest.c: digests as lower-case hex (digest.h). The expected SHA-256s are the
 * FIPS 180-2 test vectors ("abc" and the empty message), not values computed here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "digest.h"

static void test_hex_bytes(void **state)
{
    (void)state;
    static const unsigned char md[] = {0x00, 0x01, 0x0f, 0x10, 0x9a, 0xa9, 0xf0, 0xff};
    char out[2 * sizeof md + 1];
    memset(out, 'x', sizeof out);
    digest_hex(md, sizeof md, out);
    assert_string_equal(out, "00010f109aa9f0ff");
}

static void test_hex_empty(void **state)
{
    (void)state;
    char out[1] = {'x'};
    digest_hex((const unsigned char *)"", 0, out);
    assert_string_equal(out, "");
}

/* Hashes msg with SHA-256 and finishes with digest_final_hex. */
static void check_sha256(const char *msg, const char *want)
{
    char out[DIGEST_SHA256_HEX];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_non_null(ctx);
    assert_true(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL));
    assert_true(EVP_DigestUpdate(ctx, msg, strlen(msg)));
    assert_int_equal(digest_final_hex(ctx, out), 0);
    EVP_MD_CTX_free(ctx);
    assert_string_equal(out, want);
}

static void test_final_sha256(void **state)
{
    (void)state;
    check_sha256("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_sha256("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* A context never initialised cannot be finished: "" and -1, no garbage. */
static void test_final_fails(void **state)
{
    (void)state;
    char out[DIGEST_SHA256_HEX];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_non_null(ctx);
    memset(out, 'x', sizeof out);
    assert_int_equal(digest_final_hex(ctx, out), -1);
    assert_string_equal(out, "");
    EVP_MD_CTX_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex_bytes),
        cmocka_unit_test(test_hex_empty),
        cmocka_unit_test(test_final_sha256),
        cmocka_unit_test(test_final_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

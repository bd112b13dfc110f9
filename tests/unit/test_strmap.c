/* test_strmap.c: the byte-string hash map (strmap.h): insertion, lookup, duplicates, growth
 * through many rehashes, binary keys with embedded NUL bytes, keys copied into the map. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "strmap.h"

static void test_put_get(void **state)
{
    (void)state;
    strmap m = STRMAP_ZERO;
    assert_null(strmap_get(&m, "a", 1)); /* empty map */
    assert_int_equal(strmap_put(&m, "alpha", 5, 10, NULL), 1);
    assert_int_equal(strmap_put(&m, "beta", 4, 20, NULL), 1);
    assert_int_equal(m.n, 2);
    size_t *v = strmap_get(&m, "alpha", 5);
    assert_non_null(v);
    assert_int_equal(*v, 10);
    v = strmap_get(&m, "beta", 4);
    assert_non_null(v);
    assert_int_equal(*v, 20);
    assert_null(strmap_get(&m, "gamma", 5));
    assert_null(strmap_get(&m, "alph", 4)); /* a prefix is another key */
    assert_null(strmap_get(&m, "alphaX", 5 + 1));
    assert_non_null(strmap_get(&m, "alphaX", 5)); /* the length counts, not the NUL */
    /* the value pointer is writable */
    *strmap_get(&m, "beta", 4) = 21;
    assert_int_equal(*strmap_get(&m, "beta", 4), 21);
    strmap_free(&m);
    assert_int_equal(m.n, 0);
    assert_null(strmap_get(&m, "alpha", 5)); /* a freed map is empty again */
    /* and can be used again */
    assert_int_equal(strmap_put(&m, "x", 1, 1, NULL), 1);
    assert_int_equal(*strmap_get(&m, "x", 1), 1);
    strmap_free(&m);
}

static void test_duplicate(void **state)
{
    (void)state;
    strmap m = STRMAP_ZERO;
    size_t *old = NULL;
    assert_int_equal(strmap_put(&m, "key", 3, 7, &old), 1);
    assert_int_equal(strmap_put(&m, "key", 3, 99, &old), 0);
    assert_non_null(old);
    assert_int_equal(*old, 7); /* the old value stays */
    assert_ptr_equal(old, strmap_get(&m, "key", 3));
    *old = 8; /* writable through old */
    assert_int_equal(*strmap_get(&m, "key", 3), 8);
    assert_int_equal(strmap_put(&m, "key", 3, 1, NULL), 0); /* old may be NULL */
    assert_int_equal(*strmap_get(&m, "key", 3), 8);
    assert_int_equal(m.n, 1);
    strmap_free(&m);
}

static void test_keys_copied(void **state)
{
    (void)state;
    strmap m = STRMAP_ZERO;
    char buf[16];
    strcpy(buf, "temp");
    assert_int_equal(strmap_put(&m, buf, 4, 5, NULL), 1);
    strcpy(buf, "zzzz"); /* the caller's buffer changes: the map kept its own copy */
    assert_null(strmap_get(&m, "zzzz", 4));
    assert_non_null(strmap_get(&m, "temp", 4));
    assert_int_equal(*strmap_get(&m, "temp", 4), 5);
    strmap_free(&m);
}

static void test_binary_keys(void **state)
{
    (void)state;
    strmap m = STRMAP_ZERO;
    /* "a", "a\0", "a\0b", "a\0c", "\0", "" and "\0\0" are seven different keys */
    assert_int_equal(strmap_put(&m, "a", 1, 1, NULL), 1);
    assert_int_equal(strmap_put(&m, "a\0", 2, 2, NULL), 1);
    assert_int_equal(strmap_put(&m, "a\0b", 3, 3, NULL), 1);
    assert_int_equal(strmap_put(&m, "a\0c", 3, 4, NULL), 1);
    assert_int_equal(strmap_put(&m, "\0", 1, 5, NULL), 1);
    assert_int_equal(strmap_put(&m, "", 0, 6, NULL), 1);
    assert_int_equal(strmap_put(&m, "\0\0", 2, 7, NULL), 1);
    assert_int_equal(m.n, 7);
    assert_int_equal(*strmap_get(&m, "a", 1), 1);
    assert_int_equal(*strmap_get(&m, "a\0", 2), 2);
    assert_int_equal(*strmap_get(&m, "a\0b", 3), 3);
    assert_int_equal(*strmap_get(&m, "a\0c", 3), 4);
    assert_int_equal(*strmap_get(&m, "\0", 1), 5);
    assert_int_equal(*strmap_get(&m, "", 0), 6);
    assert_int_equal(*strmap_get(&m, "\0\0", 2), 7);
    assert_null(strmap_get(&m, "a\0d", 3));
    assert_null(strmap_get(&m, "\0\0\0", 3));
    /* a duplicate binary key */
    size_t *old = NULL;
    assert_int_equal(strmap_put(&m, "a\0b", 3, 30, &old), 0);
    assert_int_equal(*old, 3);
    /* bytes above 0x7F */
    assert_int_equal(strmap_put(&m, "\xFF\x80", 2, 8, NULL), 1);
    assert_int_equal(*strmap_get(&m, "\xFF\x80", 2), 8);
    assert_null(strmap_get(&m, "\xFF\x81", 2));
    strmap_free(&m);
}

/* 100 000 keys: the table starts at 1 024 slots and doubles many times. */
static void test_many_keys(void **state)
{
    (void)state;
    strmap m = STRMAP_ZERO;
    char key[32];
    size_t i, *old;
    for (i = 0; i < 100000; i++) {
        int n = snprintf(key, sizeof key, "contrat-%zu", i);
        assert_int_equal(strmap_put(&m, key, (size_t)n, i * 3, NULL), 1);
    }
    assert_int_equal(m.n, 100000);
    assert_true(m.cap >= 100000);
    assert_int_equal(m.cap & (m.cap - 1), 0); /* a power of two */
    for (i = 0; i < 100000; i++) {
        int n = snprintf(key, sizeof key, "contrat-%zu", i);
        size_t *v = strmap_get(&m, key, (size_t)n);
        if (!v || *v != i * 3)
            fail_msg("key %s lost after rehash", key);
    }
    /* absent keys, and every key again as a duplicate */
    for (i = 100000; i < 101000; i++) {
        int n = snprintf(key, sizeof key, "contrat-%zu", i);
        assert_null(strmap_get(&m, key, (size_t)n));
    }
    for (i = 0; i < 100000; i += 997) {
        int n = snprintf(key, sizeof key, "contrat-%zu", i);
        old = NULL;
        assert_int_equal(strmap_put(&m, key, (size_t)n, 0, &old), 0);
        assert_int_equal(*old, i * 3);
    }
    assert_int_equal(m.n, 100000);
    strmap_free(&m);

    /* long keys fill several 1 MiB arena chunks; one key larger than a chunk */
    static char big[3 << 20];
    memset(big, 'k', sizeof big);
    for (i = 0; i < 40; i++) {
        big[0] = (char)('A' + i);
        assert_int_equal(strmap_put(&m, big, 100000, i, NULL), 1);
    }
    assert_int_equal(strmap_put(&m, big, sizeof big, 1000, NULL), 1);
    for (i = 0; i < 40; i++) {
        big[0] = (char)('A' + i);
        assert_int_equal(*strmap_get(&m, big, 100000), i);
    }
    big[0] = (char)('A' + 39);
    assert_int_equal(*strmap_get(&m, big, sizeof big), 1000);
    strmap_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get),     cmocka_unit_test(test_duplicate),
        cmocka_unit_test(test_keys_copied), cmocka_unit_test(test_binary_keys),
        cmocka_unit_test(test_many_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_grow.c: arrays grown by doubling (grow.h): the capacities it picks (the caller's first,
 * then doubling), the items it keeps, and the sizes it refuses without touching the array. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "grow.h"

static void test_from_empty(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    assert_int_equal(grow_to(&v, &cap, 1, sizeof *v, 16), 0);
    assert_non_null(v);
    assert_int_equal(cap, 16);
    assert_int_equal(grow_to(&v, &cap, 0, sizeof *v, 16), 0);
    assert_int_equal(cap, 16);
    free(v);
    v = NULL, cap = 0;
    assert_int_equal(grow_to(&v, &cap, 100, sizeof *v, 16), 0);
    assert_int_equal(cap, 128); /* 16 doubled until it holds 100 */
    free(v);
    v = NULL, cap = 0;
    assert_int_equal(grow_to(&v, &cap, 1, sizeof *v, 4096), 0);
    assert_int_equal(cap, 4096); /* the caller's first size */
    free(v);
    v = NULL, cap = 0;
    assert_int_equal(grow_to(&v, &cap, 3, sizeof *v, 0), 0);
    assert_int_equal(cap, 4); /* no first size: 1, doubled */
    free(v);
}

/* Appending one item at a time keeps every item, and reallocates only at 16, 32, 64... */
static void test_append_keeps_items(void **state)
{
    (void)state;
    long *v = NULL;
    size_t cap = 0, grew = 0;
    for (size_t i = 0; i < 1000; i++) {
        size_t before = cap;
        assert_int_equal(grow_to(&v, &cap, i + 1, sizeof *v, 16), 0);
        if (cap != before) {
            grew++;
            assert_int_equal(cap, before ? 2 * before : 16);
        }
        assert_true(cap >= i + 1);
        v[i] = (long)(i * 7);
    }
    assert_int_equal(grew, 7); /* 16 32 64 128 256 512 1024 */
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(v[i], (long)(i * 7));
    free(v);
}

/* A capacity given by the caller (not one of grow's) is doubled from there. */
static void test_from_caller_capacity(void **state)
{
    (void)state;
    char *v = malloc(3);
    size_t cap = 3;
    assert_non_null(v);
    v[0] = 'a', v[1] = 'b', v[2] = 'c';
    assert_int_equal(grow_to(&v, &cap, 4, 1, 16), 0);
    assert_int_equal(cap, 6);
    assert_memory_equal(v, "abc", 3);
    assert_int_equal(grow_to(&v, &cap, 25, 1, 16), 0);
    assert_int_equal(cap, 48);
    free(v);
}

/* A size that does not fit a size_t is refused; the array and its capacity are as they were. */
static void test_overflow(void **state)
{
    (void)state;
    double *v = NULL;
    size_t cap = 0;
    assert_int_equal(grow_to(&v, &cap, 10, sizeof *v, 16), 0);
    double *kept = v;
    assert_int_equal(grow_to(&v, &cap, SIZE_MAX / 4, sizeof *v, 16), -1);
    assert_ptr_equal(v, kept);
    assert_int_equal(cap, 16);
    assert_int_equal(grow_to(&v, &cap, SIZE_MAX, 1, 16), -1);
    assert_ptr_equal(v, kept);
    assert_int_equal(cap, 16);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_empty),
        cmocka_unit_test(test_append_keeps_items),
        cmocka_unit_test(test_from_caller_capacity),
        cmocka_unit_test(test_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

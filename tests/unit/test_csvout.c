/* test_csvout.c: deterministic gzip CSV output (spec/outputs.md, "CSV conventions" and "gzip").
 * Files are written into a mkdtemp() folder and read back with zlib's inflate; the content
 * SHA-256 is checked against OpenSSL's EVP over the decompressed bytes and, for the main
 * content, against a digest computed by hand with sha256sum. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "csvout.h"
#include "testutil.h"

/* ---- helpers ----------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_csvout");
}

static csvout *open_ok(const char *path, int gz)
{
    char err[512] = "";
    csvout *w = csvout_open(path, gz, err, sizeof err);
    if (!w)
        fail_msg("csvout_open(%s): %s", path, err);
    return w;
}

static void close_ok(csvout *w, uint64_t *rows, char *sha)
{
    char err[512] = "";
    if (csvout_close(w, rows, sha, err, sizeof err) != 0)
        fail_msg("csvout_close: %s", err);
}

/* The reference content: every quoting case of RFC 4180 "only where needed". Written out by
 * hand; its SHA-256 was computed once with
 *   printf 'a,b,c\nplain,"with,comma","with ""quote"""\n"line\nbreak","cr\rhere",\n-42,0,\n'\
 *          'semi;colon,tab\there, sp \n' | sha256sum
 * (98 bytes). */
static const char expected[] = "a,b,c\n"
                               "plain,\"with,comma\",\"with \"\"quote\"\"\"\n"
                               "\"line\nbreak\",\"cr\rhere\",\n"
                               "-42,0,\n"
                               "semi;colon,tab\there, sp \n";
#define EXPECTED_SHA "d90bd2a605393058d0e6e9acb7acede37c5c69abcc5ae990b0f8e86f07505a8b"

static void write_reference(csvout *w)
{
    assert_int_equal(csvout_str(w, "a"), 0);
    assert_int_equal(csvout_str(w, "b"), 0);
    assert_int_equal(csvout_str(w, "c"), 0);
    assert_int_equal(csvout_endrow(w), 0);
    assert_int_equal(csvout_str(w, "plain"), 0);
    assert_int_equal(csvout_str(w, "with,comma"), 0);
    assert_int_equal(csvout_str(w, "with \"quote\""), 0);
    assert_int_equal(csvout_endrow(w), 0);
    assert_int_equal(csvout_str(w, "line\nbreak"), 0);
    assert_int_equal(csvout_field(w, "cr\rhere", 7), 0);
    assert_int_equal(csvout_field(w, "", 0), 0);
    assert_int_equal(csvout_endrow(w), 0);
    assert_int_equal(csvout_int(w, -42), 0);
    assert_int_equal(csvout_int(w, 0), 0);
    assert_int_equal(csvout_str(w, NULL), 0); /* NULL is empty */
    assert_int_equal(csvout_endrow(w), 0);
    /* ';', TAB and spaces need no quotes */
    assert_int_equal(csvout_str(w, "semi;colon"), 0);
    assert_int_equal(csvout_str(w, "tab\there"), 0);
    assert_int_equal(csvout_field(w, " sp ,ignored", 4), 0); /* n counts, not the NUL */
    assert_int_equal(csvout_endrow(w), 0);
}

/* ---- tests ------------------------------------------------------------- */

static void test_gzip_content(void **state)
{
    (void)state;
    const char *p = tu_path("ref.csv.gz");
    csvout *w = open_ok(p, 1);
    write_reference(w);
    uint64_t rows = 999;
    char sha[65] = "";
    close_ok(w, &rows, sha);

    size_t n;
    unsigned char *content = tu_gunzip(p, &n);
    assert_int_equal(n, sizeof expected - 1);
    assert_int_equal(n, 98);
    assert_memory_equal(content, expected, n);
    assert_int_equal(rows, 4); /* 5 rows written, the header is not counted */
    assert_string_equal(sha, EXPECTED_SHA);
    char mine[65];
    tu_sha256_hex(content, n, mine);
    assert_string_equal(sha, mine);
    free(content);
}

static void test_quoting_cases(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"x", "x"},
        {",", "\",\""},
        {"\"", "\"\"\"\""},
        {"\"\"", "\"\"\"\"\"\""},
        {"a\"b", "\"a\"\"b\""},
        {"\r", "\"\r\""},
        {"\n", "\"\n\""},
        {"\r\n", "\"\r\n\""},
        {"Hélène", "Hélène"},
        {" lead", " lead"},
        {"trail ", "trail "},
        {"a;b|c\td", "a;b|c\td"},
        {"1.5", "1.5"},
        {"'single'", "'single'"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *p = tu_path("q.csv.gz");
        csvout *w = open_ok(p, 1);
        assert_int_equal(csvout_str(w, "h"), 0);
        assert_int_equal(csvout_endrow(w), 0);
        assert_int_equal(csvout_str(w, cases[i].in), 0);
        assert_int_equal(csvout_str(w, "z"), 0);
        assert_int_equal(csvout_endrow(w), 0);
        uint64_t rows = 0;
        close_ok(w, &rows, NULL);
        assert_int_equal(rows, 1);

        char want[64];
        snprintf(want, sizeof want, "h\n%s,z\n", cases[i].out);
        size_t n;
        unsigned char *got = tu_gunzip(p, &n);
        if (n != strlen(want) || memcmp(got, want, n) != 0)
            fail_msg("field \"%s\" written as \"%.*s\"", cases[i].in, (int)n, (const char *)got);
        free(got);
    }
}

static void test_int_values(void **state)
{
    (void)state;
    const char *p = tu_path("int.csv.gz");
    csvout *w = open_ok(p, 1);
    assert_int_equal(csvout_int(w, INT64_MAX), 0);
    assert_int_equal(csvout_int(w, INT64_MIN), 0);
    assert_int_equal(csvout_int(w, 1234567), 0);
    assert_int_equal(csvout_endrow(w), 0);
    uint64_t rows = 7;
    close_ok(w, &rows, NULL);
    assert_int_equal(rows, 0); /* a header alone: no data row */
    size_t n;
    unsigned char *got = tu_gunzip(p, &n);
    static const char want[] = "9223372036854775807,-9223372036854775808,1234567\n";
    assert_int_equal(n, sizeof want - 1);
    assert_memory_equal(got, want, n);
    free(got);
}

static void test_gzip_header(void **state)
{
    (void)state;
    const char *p = tu_path("hdr.csv.gz");
    csvout *w = open_ok(p, 1);
    write_reference(w);
    close_ok(w, NULL, NULL);
    size_t n;
    unsigned char *raw = tu_slurp(p, &n);
    assert_true(n > 18);            /* 10-byte header + data + 8-byte trailer */
    assert_int_equal(raw[0], 0x1F); /* magic */
    assert_int_equal(raw[1], 0x8B);
    assert_int_equal(raw[2], 0x08); /* deflate */
    assert_int_equal(raw[3], 0x00); /* flags: no FNAME, no FCOMMENT, no FEXTRA, no FHCRC */
    assert_int_equal(raw[4], 0x00); /* MTIME = 0 */
    assert_int_equal(raw[5], 0x00);
    assert_int_equal(raw[6], 0x00);
    assert_int_equal(raw[7], 0x00);
    /* trailer: ISIZE (last 4 bytes, little-endian) is the content length, 98 */
    assert_int_equal(raw[n - 4], 98);
    assert_int_equal(raw[n - 3], 0);
    assert_int_equal(raw[n - 2], 0);
    assert_int_equal(raw[n - 1], 0);
    /* CRC-32 of the content, computed here with zlib's crc32() */
    uLong crc = crc32(0L, (const Bytef *)expected, (uInt)(sizeof expected - 1));
    uLong got = (uLong)raw[n - 8] | (uLong)raw[n - 7] << 8 | (uLong)raw[n - 6] << 16 |
                (uLong)raw[n - 5] << 24;
    assert_int_equal(got, crc);
    free(raw);
    free(tu_gunzip(p, &n)); /* one member, nothing after it */
}

static void test_deterministic(void **state)
{
    (void)state;
    const char *a = tu_path("det-a.csv.gz"), *b = tu_path("det-b.csv.gz");
    csvout *w = open_ok(a, 1);
    write_reference(w);
    close_ok(w, NULL, NULL);
    sleep(1); /* a writer that stored the time would now differ */
    w = open_ok(b, 1);
    write_reference(w);
    close_ok(w, NULL, NULL);
    size_t na, nb;
    unsigned char *ra = tu_slurp(a, &na), *rb = tu_slurp(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ra, rb, na);
    free(ra);
    free(rb);
}

/* More than the writer's 64 KiB buffer: 20 000 rows of 15 to 21 bytes (over 300 000 bytes). */
static void test_large(void **state)
{
    (void)state;
    const char *p = tu_path("large.csv.gz");
    size_t cap = 400000, n = 0, i;
    char *want = malloc(cap);
    assert_non_null(want);
    csvout *w = open_ok(p, 1);
    assert_int_equal(csvout_str(w, "id"), 0);
    assert_int_equal(csvout_str(w, "v"), 0);
    assert_int_equal(csvout_endrow(w), 0);
    n += (size_t)sprintf(want + n, "id,v\n");
    for (i = 0; i < 20000; i++) {
        char v[16];
        snprintf(v, sizeof v, "r%05zu,x", i); /* 8 characters, holds a comma: quoted */
        assert_int_equal(csvout_int(w, (int64_t)i * 7), 0);
        assert_int_equal(csvout_str(w, v), 0);
        assert_int_equal(csvout_endrow(w), 0);
        n += (size_t)sprintf(want + n, "%zu,\"r%05zu,x\"\n", i * 7, i);
    }
    uint64_t rows = 0;
    char sha[65];
    close_ok(w, &rows, sha);
    assert_int_equal(rows, 20000);
    size_t gn;
    unsigned char *got = tu_gunzip(p, &gn);
    assert_int_equal(gn, n);
    assert_memory_equal(got, want, n);
    char mine[65];
    tu_sha256_hex(want, n, mine);
    assert_string_equal(sha, mine);
    free(got);
    free(want);
}

static void test_plain(void **state)
{
    (void)state;
    const char *p = tu_path("plain.csv");
    csvout *w = open_ok(p, 0);
    write_reference(w);
    /* raw bytes go out as they are */
    assert_int_equal(csvout_raw(w, "x,\"y\"\n", 6), 0);
    uint64_t rows = 0;
    char sha[65];
    close_ok(w, &rows, sha);
    assert_int_equal(rows, 4);
    size_t n;
    unsigned char *raw = tu_slurp(p, &n);
    assert_int_equal(n, sizeof expected - 1 + 6);
    assert_memory_equal(raw, expected, sizeof expected - 1);
    assert_memory_equal(raw + sizeof expected - 1, "x,\"y\"\n", 6);
    char mine[65];
    tu_sha256_hex(raw, n, mine);
    assert_string_equal(sha, mine);
    free(raw);
}

static void test_empty(void **state)
{
    (void)state;
    /* nothing written: a valid empty gzip, the SHA-256 of no bytes (sha256sum of /dev/null) */
    const char *p = tu_path("empty.csv.gz");
    csvout *w = open_ok(p, 1);
    uint64_t rows = 5;
    char sha[65];
    close_ok(w, &rows, sha);
    assert_int_equal(rows, 0);
    assert_string_equal(sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    size_t n;
    unsigned char *got = tu_gunzip(p, &n);
    assert_int_equal(n, 0);
    free(got);

    /* the file is truncated when it existed */
    p = tu_path("trunc.csv");
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs("old content that must go away\n", f);
    fclose(f);
    w = open_ok(p, 0);
    assert_int_equal(csvout_str(w, "h"), 0);
    assert_int_equal(csvout_endrow(w), 0);
    close_ok(w, NULL, NULL);
    unsigned char *raw = tu_slurp(p, &n);
    assert_int_equal(n, 2);
    assert_memory_equal(raw, "h\n", 2);
    free(raw);
}

static void test_write_errors(void **state)
{
    (void)state;
    char err[512];
    /* a folder that does not exist */
    err[0] = '\0';
    assert_null(csvout_open(tu_path("no/such/dir.csv.gz"), 1, err, sizeof err));
    assert_true(err[0] != '\0');

    /* /dev/full accepts the open and fails when the data reaches it: at close at the latest */
    for (int gz = 0; gz < 2; gz++) {
        csvout *w = csvout_open("/dev/full", gz, err, sizeof err);
        assert_non_null(w);
        int rc = 0;
        rc |= csvout_str(w, "a");
        rc |= csvout_endrow(w);
        rc |= csvout_str(w, "1");
        rc |= csvout_endrow(w);
        (void)rc; /* buffered: the error may only show at close */
        err[0] = '\0';
        uint64_t rows = 0;
        assert_int_equal(csvout_close(w, &rows, NULL, err, sizeof err), -1);
        assert_true(err[0] != '\0');
    }
}

/* Regression (was a bug in csvout.c, csvout_close()): csvout.h says a failed close returns -1 "with
 * a message (errno kept)", but the function ends with `if (rc) errno = EIO;`, so the cause is lost.
 * Input: a writer on /dev/full (every write fails with ENOSPC), one row, then csvout_close: the
 * message says "No space left on device" (taken from the saved error) but errno is EIO, not ENOSPC.
 */
static void test_close_errno_kept(void **state)
{
    (void)state;
    char err[512] = "";
    for (int gz = 0; gz < 2; gz++) {
        csvout *w = csvout_open("/dev/full", gz, err, sizeof err);
        assert_non_null(w);
        csvout_str(w, "a");
        csvout_endrow(w);
        errno = 0;
        assert_int_equal(csvout_close(w, NULL, NULL, err, sizeof err), -1);
        int saved = errno;
        assert_non_null(strstr(err, strerror(ENOSPC)));
        if (saved != ENOSPC)
            fail_msg("gz=%d: errno after a failed close is %d (%s), expected ENOSPC", gz, saved,
                     strerror(saved));
    }
}

/* csvout_open keeps errno: a folder that does not exist gives ENOENT */
static void test_open_errno_kept(void **state)
{
    (void)state;
    char err[512] = "";
    errno = 0;
    assert_null(csvout_open(tu_path("no/such/dir.csv.gz"), 1, err, sizeof err));
    assert_int_equal(errno, ENOENT);
    assert_non_null(strstr(err, strerror(ENOENT)));
}

static void test_abort(void **state)
{
    (void)state;
    /* abandoning a writer frees it (the sanitizer checks for leaks); the caller removes the file */
    const char *p = tu_path("abort.csv.gz");
    csvout *w = open_ok(p, 1);
    write_reference(w);
    csvout_abort(w);
    assert_int_equal(unlink(p), 0);
    w = open_ok(p, 0);
    write_reference(w);
    csvout_abort(w);
    assert_int_equal(unlink(p), 0);
    csvout_abort(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip_content),    cmocka_unit_test(test_quoting_cases),
        cmocka_unit_test(test_int_values),      cmocka_unit_test(test_gzip_header),
        cmocka_unit_test(test_deterministic),   cmocka_unit_test(test_large),
        cmocka_unit_test(test_plain),           cmocka_unit_test(test_empty),
        cmocka_unit_test(test_write_errors),    cmocka_unit_test(test_abort),
        cmocka_unit_test(test_open_errno_kept), cmocka_unit_test(test_close_errno_kept),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir);
}

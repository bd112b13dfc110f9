/* test_rec.c: the typed record files between stages (rec.h). The expected bytes of a file are
 * assembled here by hand from the layout rec.h documents (not by the writer under test), and the
 * expected TSV of rec_dump is written out by hand. Also: missing values, texts up to the 65 535
 * cap, a reader fed one small message at a time (a pipe), every truncation of a file and
 * malformed headers and rows refused with a message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rec.h"
#include "testutil.h"

/* ---- hand-assembled bytes ---------------------------------------------- */

typedef struct {
    unsigned char *p;
    size_t n, cap;
} bytes;

static void b_put(bytes *b, const void *s, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}
static void b_u8(bytes *b, unsigned v)
{
    unsigned char c = (unsigned char)v;
    b_put(b, &c, 1);
}
static void b_u16(bytes *b, unsigned v)
{
    uint16_t x = (uint16_t)v;
    b_put(b, &x, 2);
}
static void b_u32(bytes *b, uint32_t v)
{
    b_put(b, &v, 4);
}
static void b_i32(bytes *b, int32_t v)
{
    b_put(b, &v, 4);
}
static void b_i64(bytes *b, int64_t v)
{
    b_put(b, &v, 8);
}
static void b_str16(bytes *b, const char *s)
{
    b_u16(b, (unsigned)strlen(s));
    b_put(b, s, strlen(s));
}
/* magic, version, kind, column count */
static void b_head(bytes *b, uint32_t version, const char *kind, uint32_t ncols)
{
    b_put(b, "APPREC\n", 8); /* the 7 letters and their NUL */
    b_u32(b, version);
    b_u32(b, (uint32_t)strlen(kind));
    b_put(b, kind, strlen(kind));
    b_u32(b, ncols);
}
/* a column of a type without a dictionary */
static void b_col(bytes *b, unsigned type, const char *name)
{
    b_u8(b, type);
    b_str16(b, name);
}

/* ---- helpers ----------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    return tu_setup_tmpdir("ut_rec");
}

static rec_reader *open_ok(const char *path)
{
    char err[512] = "";
    rec_reader *r = rec_open(path, err, sizeof err);
    if (!r)
        fail_msg("rec_open(%s): %s", path, err);
    return r;
}

static void next_ok(rec_reader *r)
{
    char err[512] = "";
    int rc = rec_next(r, err, sizeof err);
    if (rc != 1)
        fail_msg("rec_next returned %d: %s", rc, err);
}

static void next_end(rec_reader *r)
{
    char err[512] = "";
    int rc = rec_next(r, err, sizeof err);
    if (rc != 0)
        fail_msg("rec_next returned %d, expected the end: %s", rc, err);
}

/* rec_open must refuse the file with "path: not a record file ..." */
static void open_refused(const char *path)
{
    char err[512] = "";
    rec_reader *r = rec_open(path, err, sizeof err);
    if (r) {
        rec_close_reader(r);
        fail_msg("rec_open(%s) accepted a malformed header", path);
    }
    tu_check_err_at(err, path, 0, 0, "not a record file of format version 2");
}

static void text_is(const rec_reader *r, int col, const char *want, size_t wantlen)
{
    size_t n;
    const char *s = rec_text(r, col, &n);
    assert_int_equal(n, wantlen);
    assert_memory_equal(s, want, wantlen);
}
#define TEXT_IS(r, col, lit) text_is(r, col, lit, sizeof(lit) - 1)

/* The header used by several tests: every type, two dictionaries (one with a
 * missing label), two texts, in an order that puts fixed parts of every
 * width side by side. */
enum { C_D, C_N, C_REG, C_T1, C_ID, C_T2, C_EMPTY, NC };
static const char *const reg_vals[] = {"28", "53", "ND"};
static const char *const reg_labels[] = {"Normandie", "Bretagne", NULL};
static void make_head(rec_head *h)
{
    memset(h, 0, sizeof *h);
    h->kind = strdup("essai");
    assert_non_null(h->kind);
    assert_int_equal(rec_head_add(h, "d", REC_DATE, NULL, NULL, 0), C_D);
    assert_int_equal(rec_head_add(h, "n", REC_INT, NULL, NULL, 0), C_N);
    assert_int_equal(rec_head_add(h, "region", REC_CODE, reg_vals, reg_labels, 3), C_REG);
    assert_int_equal(rec_head_add(h, "t1", REC_TEXT, NULL, NULL, 0), C_T1);
    assert_int_equal(rec_head_add(h, "id", REC_ID128, NULL, NULL, 0), C_ID);
    assert_int_equal(rec_head_add(h, "t2", REC_TEXT, NULL, NULL, 0), C_T2);
    assert_int_equal(rec_head_add(h, "vide", REC_CODE, NULL, NULL, 0), C_EMPTY);
}
/* The same header as bytes, by hand from rec.h's layout. */
static void head_bytes(bytes *b)
{
    b_head(b, REC_VERSION, "essai", NC);
    b_col(b, REC_DATE, "d");
    b_col(b, REC_INT, "n");
    b_col(b, REC_CODE, "region");
    b_u32(b, 3);
    b_str16(b, "28"), b_str16(b, "Normandie");
    b_str16(b, "53"), b_str16(b, "Bretagne");
    b_str16(b, "ND"), b_str16(b, ""); /* no label: written empty */
    b_col(b, REC_TEXT, "t1");
    b_col(b, REC_ID128, "id");
    b_col(b, REC_TEXT, "t2");
    b_col(b, REC_CODE, "vide");
    b_u32(b, 0);
}
/* fixed part: d 4 + n 8 + region 2 + t1 2 + id 16 + t2 2 + vide 2 = 36 bytes */
#define FIXED 36
static const unsigned char ID1[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                      0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};

/* A row as bytes: the fixed part in column order, then the texts. */
static void row_bytes(bytes *b, int32_t d, int64_t n, unsigned reg, const char *t1, size_t l1,
                      const unsigned char *id, const char *t2, size_t l2, unsigned vide)
{
    static const unsigned char zero[16];
    b_u32(b, (uint32_t)(FIXED + l1 + l2));
    b_i32(b, d);
    b_i64(b, n);
    b_u16(b, reg);
    b_u16(b, (unsigned)l1);
    b_put(b, id ? id : zero, 16);
    b_u16(b, (unsigned)l2);
    b_u16(b, vide);
    b_put(b, t1, l1);
    b_put(b, t2, l2);
}

/* The end marker: 0xFFFFFFFF in place of a row's length, then the number of
 * rows as a u64. */
static void end_bytes(bytes *b, uint64_t rows)
{
    b_u32(b, 0xFFFFFFFFu);
    b_put(b, &rows, 8);
}

/* ---- tests ------------------------------------------------------------- */

/* The writer's bytes are the documented layout, and the reader gives back the
 * header (types, offsets, dictionaries, labels) and every value. */
static void test_round_trip_bytes(void **state)
{
    (void)state;
    char err[512] = "";
    rec_head h;
    rec_row row;
    bytes want = {0};
    const char *p = tu_path("rt.rec");
    rec_writer *w;
    rec_reader *r;
    size_t len;
    unsigned char *got;
    date_t d1 = date_from_ymd(2024, 2, 29);

    make_head(&h);
    assert_int_equal(h.fixed, FIXED);
    assert_int_equal(h.ntext, 2);
    assert_int_equal(rec_row_init(&row, &h), 0);
    w = rec_create(p, &h, err, sizeof err);
    assert_non_null(w);
    rec_set_date(&row, C_D, d1);
    rec_set_int(&row, C_N, -42);
    rec_set_code(&row, C_REG, rec_code_of(&h.cols[C_REG], "53", 2));
    rec_set_text(&row, C_T1, "Hélène", strlen("Hélène"));
    rec_set_id(&row, C_ID, ID1);
    rec_set_text(&row, C_T2, "a\tb", 3);
    assert_int_equal(rec_write_row(w, &row), 0);
    rec_row_clear(&row);
    rec_set_int(&row, C_N, INT64_MAX);
    rec_set_code(&row, C_REG, 3);
    assert_int_equal(rec_write_row(w, &row), 0);
    assert_int_equal(rec_writer_rows(w), 2);
    assert_int_equal(rec_close(w, err, sizeof err), 0);

    head_bytes(&want);
    row_bytes(&want, d1, -42, 2, "Hélène", strlen("Hélène"), ID1, "a\tb", 3, 0);
    row_bytes(&want, DATE_NONE, INT64_MAX, 3, "", 0, NULL, "", 0, 0);
    end_bytes(&want, 2);
    got = tu_slurp(p, &len);
    assert_int_equal(len, want.n);
    assert_memory_equal(got, want.p, want.n);
    free(got);

    r = open_ok(p);
    assert_string_equal(r->h.kind, "essai");
    assert_int_equal(r->h.ncols, NC);
    assert_int_equal(r->h.fixed, FIXED);
    assert_int_equal(r->h.ntext, 2);
    {
        static const struct {
            const char *name;
            enum rec_type type;
            size_t off;
            int text_index;
        } cols[NC] = {{"d", REC_DATE, 0, -1},       {"n", REC_INT, 4, -1},
                      {"region", REC_CODE, 12, -1}, {"t1", REC_TEXT, 14, 0},
                      {"id", REC_ID128, 16, -1},    {"t2", REC_TEXT, 32, 1},
                      {"vide", REC_CODE, 34, -1}};
        size_t i;
        for (i = 0; i < NC; i++) {
            assert_string_equal(r->h.cols[i].name, cols[i].name);
            assert_int_equal(r->h.cols[i].type, cols[i].type);
            assert_int_equal(r->h.cols[i].off, cols[i].off);
            assert_int_equal(r->h.cols[i].text_index, cols[i].text_index);
        }
    }
    assert_int_equal(r->h.cols[C_REG].nvals, 3);
    assert_string_equal(r->h.cols[C_REG].vals[0], "28");
    assert_string_equal(r->h.cols[C_REG].vals[2], "ND");
    assert_string_equal(r->h.cols[C_REG].labels[0], "Normandie");
    assert_string_equal(r->h.cols[C_REG].labels[1], "Bretagne");
    assert_null(r->h.cols[C_REG].labels[2]); /* no label, not an empty one */
    assert_int_equal(r->h.cols[C_EMPTY].nvals, 0);

    next_ok(r);
    assert_int_equal(rec_date(r, C_D), d1);
    assert_int_equal(rec_int(r, C_N), -42);
    assert_int_equal(rec_code(r, C_REG), 2);
    assert_string_equal(rec_code_str(r, C_REG), "53");
    TEXT_IS(r, C_T1, "Hélène");
    assert_memory_equal(rec_id(r, C_ID), ID1, 16);
    TEXT_IS(r, C_T2, "a\tb");
    assert_string_equal(rec_code_str(r, C_EMPTY), "");
    next_ok(r);
    assert_int_equal(rec_date(r, C_D), DATE_NONE);
    assert_int_equal(rec_int(r, C_N), INT64_MAX);
    assert_string_equal(rec_code_str(r, C_REG), "ND");
    TEXT_IS(r, C_T1, "");
    next_end(r);
    assert_int_equal(r->row, 2);
    assert_true(rec_fraction(r) == 1.0);
    rec_close_reader(r);
    rec_row_free(&row);
    rec_head_free(&h);
    free(want.p);
}

/* Every column missing: DATE_NONE, INT64_MIN, code 0, an all-zero id and an
 * empty text, and they read back as missing. */
static void test_missing_values(void **state)
{
    (void)state;
    char err[512] = "";
    rec_head h;
    rec_row row;
    const char *p = tu_path("missing.rec");
    rec_writer *w;
    rec_reader *r;
    static const unsigned char zero[16];

    make_head(&h);
    assert_int_equal(rec_row_init(&row, &h), 0);
    /* set everything, then clear: clear must reset each column */
    rec_set_date(&row, C_D, 5);
    rec_set_int(&row, C_N, 5);
    rec_set_code(&row, C_REG, 1);
    rec_set_text(&row, C_T1, "x", 1);
    rec_set_id(&row, C_ID, ID1);
    rec_set_text(&row, C_T2, "y", 1);
    rec_row_clear(&row);
    w = rec_create(p, &h, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(rec_write_row(w, &row), 0);
    assert_int_equal(rec_close(w, err, sizeof err), 0);
    r = open_ok(p);
    next_ok(r);
    assert_int_equal(r->curlen, FIXED);
    assert_int_equal(rec_date(r, C_D), DATE_NONE);
    assert_true(rec_int(r, C_N) == REC_INT_NONE);
    assert_true(REC_INT_NONE == INT64_MIN);
    assert_int_equal(rec_code(r, C_REG), 0);
    assert_string_equal(rec_code_str(r, C_REG), "");
    assert_memory_equal(rec_id(r, C_ID), zero, 16);
    TEXT_IS(r, C_T1, "");
    TEXT_IS(r, C_T2, "");
    next_end(r);
    rec_close_reader(r);
    rec_row_free(&row);
    rec_head_free(&h);
}

/* A text of exactly 65 535 bytes is kept whole; a longer one is cut to
 * 65 535; the other text of the row is unaffected. */
static void test_text_cap(void **state)
{
    (void)state;
    char err[512] = "";
    rec_head h;
    rec_row row;
    const char *p = tu_path("cap.rec");
    rec_writer *w;
    rec_reader *r;
    size_t big = 70000, i, n;
    char *s = malloc(big);
    const char *t;

    assert_non_null(s);
    for (i = 0; i < big; i++)
        s[i] = (char)('a' + i % 26);
    make_head(&h);
    assert_int_equal(rec_row_init(&row, &h), 0);
    w = rec_create(p, &h, err, sizeof err);
    assert_non_null(w);
    rec_set_text(&row, C_T1, s, 65535);
    rec_set_text(&row, C_T2, "fin", 3);
    assert_int_equal(rec_write_row(w, &row), 0);
    rec_set_text(&row, C_T1, s, 65536);
    rec_set_text(&row, C_T2, s + 1, big - 1);
    assert_int_equal(rec_write_row(w, &row), 0);
    rec_set_text(&row, C_T1, s, 65534);
    rec_set_text(&row, C_T2, "", 0);
    assert_int_equal(rec_write_row(w, &row), 0);
    assert_int_equal(rec_close(w, err, sizeof err), 0);

    r = open_ok(p);
    next_ok(r);
    text_is(r, C_T1, s, 65535);
    TEXT_IS(r, C_T2, "fin");
    next_ok(r);
    text_is(r, C_T1, s, 65535);
    t = rec_text(r, C_T2, &n);
    assert_int_equal(n, 65535);
    assert_memory_equal(t, s + 1, 65535);
    assert_int_equal(r->curlen, FIXED + 2 * 65535);
    next_ok(r);
    text_is(r, C_T1, s, 65534);
    next_end(r);
    rec_close_reader(r);
    rec_row_free(&row);
    rec_head_free(&h);
    free(s);
}

/* The bytes of a small file of three rows (header of make_head). */
static void small_file(bytes *b, size_t *row_end)
{
    head_bytes(b);
    row_end[0] = b->n;
    row_bytes(b, 19000, 1, 1, "un", 2, ID1, "", 0, 0);
    row_end[1] = b->n;
    row_bytes(b, 19001, 2, 2, "", 0, NULL, "deux", 4, 0);
    row_end[2] = b->n;
    row_bytes(b, DATE_NONE, REC_INT_NONE, 0, "trois", 5, NULL, "3", 1, 0);
    row_end[3] = b->n;
    end_bytes(b, 3);
}

static void check_small_rows(rec_reader *r)
{
    next_ok(r);
    assert_int_equal(rec_date(r, C_D), 19000);
    TEXT_IS(r, C_T1, "un");
    assert_memory_equal(rec_id(r, C_ID), ID1, 16);
    next_ok(r);
    assert_int_equal(rec_int(r, C_N), 2);
    assert_string_equal(rec_code_str(r, C_REG), "53");
    TEXT_IS(r, C_T2, "deux");
    next_ok(r);
    assert_true(rec_int(r, C_N) == REC_INT_NONE);
    TEXT_IS(r, C_T1, "trois");
    TEXT_IS(r, C_T2, "3");
}

/* Runs a child that sends data[0..n) as messages of 1, 2, ..., 7 bytes on a
 * SOCK_SEQPACKET socket (each read() of the reader returns one message, so
 * it sees the file in small pieces, as from a slow pipe), with the socket as
 * the test's stdin. Returns the child's pid; *saved is the old stdin. */
static pid_t feed_stdin(const unsigned char *data, size_t n, int *saved)
{
    int sv[2];
    pid_t pid;
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        size_t off = 0, k = 1;
        close(sv[0]);
        while (off < n) {
            size_t m = n - off < k ? n - off : k;
            if (write(sv[1], data + off, m) != (ssize_t)m)
                _exit(1);
            off += m;
            k = k % 7 + 1;
        }
        close(sv[1]);
        _exit(0);
    }
    close(sv[1]);
    *saved = dup(0);
    assert_true(*saved >= 0);
    assert_int_equal(dup2(sv[0], 0), 0);
    close(sv[0]);
    return pid;
}

static void restore_stdin(pid_t pid, int saved)
{
    int st = 0;
    assert_int_equal(dup2(saved, 0), 0);
    close(saved);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* "-" reads stdin; a stream that arrives a few bytes at a time gives the
 * same rows, and a stream cut inside a row is refused. */
static void test_small_reads(void **state)
{
    (void)state;
    bytes b = {0};
    size_t ends[4];
    int saved;
    pid_t pid;
    rec_reader *r;
    char err[512] = "";

    small_file(&b, ends);
    pid = feed_stdin(b.p, b.n, &saved);
    r = open_ok("-");
    assert_true(rec_fraction(r) < 0); /* a stream: no size */
    check_small_rows(r);
    next_end(r);
    rec_close_reader(r);
    restore_stdin(pid, saved);

    pid = feed_stdin(b.p, ends[3] - 3, &saved);
    r = open_ok("-");
    next_ok(r);
    next_ok(r);
    assert_int_equal(rec_next(r, err, sizeof err), -1);
    tu_check_err_at(err, "-", 0, 0, "row 3: truncated or malformed record");
    rec_close_reader(r);
    restore_stdin(pid, saved);
    free(b.p);
}

/* A file cut after any byte: inside the header it is not a record file;
 * inside a row, that row is truncated; at a row's end, the file ends without
 * its end marker (it used to read as whole); inside the marker, the marker
 * is truncated. Only the whole file reads to a clean end. */
static void test_truncated_everywhere(void **state)
{
    (void)state;
    bytes b = {0};
    size_t ends[4], cut;
    const char *p = tu_path("cut.rec");

    small_file(&b, ends);
    {
        /* the whole file first: three rows */
        rec_reader *r = open_ok(tu_write_file("cut.rec", b.p, b.n));
        check_small_rows(r);
        next_end(r);
        rec_close_reader(r);
    }
    for (cut = 0; cut < b.n; cut++) {
        rec_reader *r;
        char err[512] = "";
        int k, rc = 1;
        tu_write_file("cut.rec", b.p, cut);
        if (cut < ends[0]) {
            open_refused(p);
            continue;
        }
        r = open_ok(p);
        for (k = 0; k < 4 && (rc = rec_next(r, err, sizeof err)) == 1; k++) {
        }
        if (rc != -1)
            fail_msg("cut at %zu: rc %d after %d rows", cut, rc, k);
        if (cut == ends[0] || cut == ends[1] || cut == ends[2] || cut == ends[3]) {
            char want[96];
            snprintf(want, sizeof want, "ends after row %d without its end marker", k);
            tu_check_err_at(err, p, 0, 0, want);
            assert_int_equal(ends[k], cut);
        } else {
            char want[64];
            snprintf(want, sizeof want, "row %d: truncated or malformed record", k + 1);
            tu_check_err_at(err, p, 0, 0, want);
            assert_true(cut > ends[k] && (k == 3 || cut < ends[k + 1]));
        }
        rec_close_reader(r);
    }
    free(b.p);
}

/* The end marker must count the rows read and end the file; after it,
 * rec_next keeps returning the end. */
static void test_end_marker(void **state)
{
    (void)state;
    const char *p = tu_path("end.rec");
    static const struct {
        uint64_t rows;
        const char *after, *want;
    } cases[] = {
        {2, "", "the end marker says 2 rows where 1 were read"},
        {0, "", "the end marker says 0 rows where 1 were read"},
        {1, "x", "the end marker says 1 rows where 1 were read, and bytes follow it"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bytes b = {0};
        rec_reader *r;
        char err[512] = "";
        head_bytes(&b);
        row_bytes(&b, 1, 1, 1, "ok", 2, NULL, "", 0, 0);
        end_bytes(&b, cases[i].rows);
        b_put(&b, cases[i].after, strlen(cases[i].after));
        r = open_ok(tu_write_file("end.rec", b.p, b.n));
        next_ok(r);
        assert_int_equal(rec_next(r, err, sizeof err), -1);
        tu_check_err_at(err, p, 0, 0, cases[i].want);
        rec_close_reader(r);
        free(b.p);
    }
    {
        bytes b = {0};
        rec_reader *r;
        head_bytes(&b);
        end_bytes(&b, 0); /* no row: a whole, empty file */
        r = open_ok(tu_write_file("end.rec", b.p, b.n));
        next_end(r);
        next_end(r);
        rec_close_reader(r);
        free(b.p);
    }
}

/* Headers that are not this format are refused with a message. */
static void test_malformed_headers(void **state)
{
    (void)state;
    const char *p = tu_path("badhead.rec");
    bytes b = {0};

    /* bad magic */
    b_head(&b, REC_VERSION, "essai", 1);
    b.p[0] = 'X';
    b_col(&b, REC_INT, "n");
    tu_write_file("badhead.rec", b.p, b.n);
    open_refused(p);
    /* another format version: 1, the format before the end marker */
    b.n = 0, b_head(&b, 1, "essai", 1), b_col(&b, REC_INT, "n");
    tu_write_file("badhead.rec", b.p, b.n);
    open_refused(p);
    /* a kind of 257 bytes (the limit is 256) */
    {
        char kind[258];
        memset(kind, 'k', 257);
        kind[257] = '\0';
        b.n = 0, b_head(&b, REC_VERSION, kind, 1), b_col(&b, REC_INT, "n");
        tu_write_file("badhead.rec", b.p, b.n);
        open_refused(p);
        kind[256] = '\0'; /* 256 bytes is fine */
        b.n = 0, b_head(&b, REC_VERSION, kind, 1), b_col(&b, REC_INT, "n");
        rec_close_reader(open_ok(tu_write_file("badhead.rec", b.p, b.n)));
    }
    /* more columns than REC_MAX_COLS */
    {
        int i;
        b.n = 0, b_head(&b, REC_VERSION, "essai", REC_MAX_COLS + 1);
        for (i = 0; i <= REC_MAX_COLS; i++)
            b_col(&b, REC_INT, "n");
        tu_write_file("badhead.rec", b.p, b.n);
        open_refused(p);
    }
    /* unknown type bytes */
    b.n = 0, b_head(&b, REC_VERSION, "essai", 1), b_col(&b, 0, "n");
    tu_write_file("badhead.rec", b.p, b.n);
    open_refused(p);
    b.n = 0, b_head(&b, REC_VERSION, "essai", 1), b_col(&b, 6, "n");
    tu_write_file("badhead.rec", b.p, b.n);
    open_refused(p);
    /* a dictionary of 65 535 values (codes are 1 + index in a u16) */
    b.n = 0, b_head(&b, REC_VERSION, "essai", 1), b_col(&b, REC_CODE, "c"), b_u32(&b, 65535);
    tu_write_file("badhead.rec", b.p, b.n);
    open_refused(p);
    /* a dictionary shorter than its count */
    b.n = 0, b_head(&b, REC_VERSION, "essai", 1), b_col(&b, REC_CODE, "c"), b_u32(&b, 2);
    b_str16(&b, "a"), b_str16(&b, "");
    tu_write_file("badhead.rec", b.p, b.n);
    open_refused(p);
    /* a column name longer than the rest of the file */
    b.n = 0, b_head(&b, REC_VERSION, "essai", 1), b_u8(&b, REC_INT), b_u16(&b, 40),
    b_put(&b, "n", 1);
    tu_write_file("badhead.rec", b.p, b.n);
    open_refused(p);
    /* an empty file */
    tu_write_file("badhead.rec", "", 0);
    open_refused(p);
    free(b.p);
}

/* Rows whose length does not fit their columns, or that hold a code outside
 * the dictionary, are refused with the row's number; a stale errno from
 * before the call must not leak into the message. */
static void test_malformed_rows(void **state)
{
    (void)state;
    const char *p = tu_path("badrow.rec");
    static const struct {
        const char *what;
        uint32_t len_delta; /* added to the correct length */
        unsigned reg;
        size_t l1; /* declared length of t1 (2 bytes are written) */
    } cases[] = {
        {"declared length one short of the texts", (uint32_t)-1, 1, 2},
        {"declared length one past the texts", 1, 1, 2},
        {"text length past the row", 0, 1, 3},
        {"code 4 in a dictionary of 3", 0, 4, 2},
        {"length below the fixed part", (uint32_t) - (FIXED + 1), 1, 2},
    };
    static const unsigned char filler[72];
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bytes b = {0};
        rec_reader *r;
        char err[512] = "";
        int rc;
        head_bytes(&b);
        row_bytes(&b, 1, 1, 1, "ok", 2, NULL, "", 0, 0);
        {
            /* the bad row: correct bytes, then patch its length, code and t1 length */
            size_t at = b.n;
            uint32_t len;
            uint16_t l1 = (uint16_t)cases[i].l1, reg = (uint16_t)cases[i].reg;
            row_bytes(&b, 2, 2, 1, "ab", 2, NULL, "", 0, 0);
            memcpy(&len, b.p + at, 4);
            len += cases[i].len_delta;
            memcpy(b.p + at, &len, 4);
            memcpy(b.p + at + 4 + 12, &reg, 2);
            memcpy(b.p + at + 4 + 14, &l1, 2);
            /* enough bytes after it that the declared length can be read */
            b_put(&b, filler, sizeof filler);
        }
        tu_write_file("badrow.rec", b.p, b.n);
        r = open_ok(p);
        next_ok(r);
        errno = ENOENT;
        rc = rec_next(r, err, sizeof err);
        if (rc != -1)
            fail_msg("%s: rec_next returned %d", cases[i].what, rc);
        tu_check_err_at(err, p, 0, 0, "row 2: truncated or malformed record");
        rec_close_reader(r);
        free(b.p);
    }
    {
        /* a declared length over the 64 MiB limit is refused before reading it */
        bytes b = {0};
        rec_reader *r;
        char err[512] = "";
        head_bytes(&b);
        b_u32(&b, (64u << 20) + 1);
        b_put(&b, "abcdefgh", 8);
        r = open_ok(tu_write_file("badrow.rec", b.p, b.n));
        errno = 0;
        assert_int_equal(rec_next(r, err, sizeof err), -1);
        tu_check_err_at(err, p, 0, 0, "row 1: truncated or malformed record");
        rec_close_reader(r);
        free(b.p);
    }
}

/* Files that cannot be opened, created or written say so. */
static void test_io_errors(void **state)
{
    (void)state;
    char err[512] = "";
    rec_head h;
    rec_row row;
    rec_writer *w;
    const char *nowhere = tu_path("no/such/folder/x.rec");

    assert_null(rec_open(tu_path("absent.rec"), err, sizeof err));
    tu_check_err_at(err, tu_path("absent.rec"), 0, 0, "cannot open");
    make_head(&h);
    assert_null(rec_create(nowhere, &h, err, sizeof err));
    tu_check_err_at(err, nowhere, 0, 0, "cannot create");
    if (access("/dev/full", W_OK) == 0) {
        /* every write fails (ENOSPC): rec_close reports it */
        assert_int_equal(rec_row_init(&row, &h), 0);
        w = rec_create("/dev/full", &h, err, sizeof err);
        assert_non_null(w);
        assert_int_equal(rec_write_row(w, &row), 0); /* buffered */
        assert_int_equal(rec_close(w, err, sizeof err), -1);
        tu_check_err_at(err, "/dev/full", 0, 0, "cannot write");
        rec_row_free(&row);
    }
    assert_int_equal(rec_close(NULL, err, sizeof err), 0);
    rec_close_reader(NULL);
    rec_head_free(&h);
}

/* rec_dump prints the column names and every value as TSV: dates as
 * YYYY-MM-DD, missing values empty, codes as their value (not the label),
 * ids as 32 hex digits, and backslash, TAB, LF, CR escaped. */
static void test_dump(void **state)
{
    (void)state;
    char err[512] = "";
    rec_head h;
    rec_row row;
    const char *p = tu_path("dump.rec"), *out = tu_path("dump.tsv");
    rec_writer *w;
    rec_reader *r;
    FILE *f;
    size_t len;
    char *got;
    static const char want[] =
        "d\tn\tregion\tt1\tid\tt2\tvide\n"
        "2024-02-29\t-"
        "42\t53\tH\xc3\xa9l\xc3\xa8ne\t0123456789abcdeffedcba9876543210\ta\\tb\\\\c\\nd\\re\t\n"
        "\t\t\t\t\t\t\n"
        "1970-01-01\t0\tND\t\\\\t\t\t\\n\t\n";

    make_head(&h);
    assert_int_equal(rec_row_init(&row, &h), 0);
    w = rec_create(p, &h, err, sizeof err);
    assert_non_null(w);
    rec_set_date(&row, C_D, date_from_ymd(2024, 2, 29));
    rec_set_int(&row, C_N, -42);
    rec_set_code(&row, C_REG, 2);
    rec_set_text(&row, C_T1, "Hélène", strlen("Hélène"));
    rec_set_id(&row, C_ID, ID1);
    rec_set_text(&row, C_T2, "a\tb\\c\nd\re", 9);
    rec_write_row(w, &row);
    rec_row_clear(&row);
    rec_write_row(w, &row);
    rec_set_date(&row, C_D, 0);
    rec_set_int(&row, C_N, 0);
    rec_set_code(&row, C_REG, 3);
    rec_set_text(&row, C_T1, "\\t", 2);
    rec_set_text(&row, C_T2, "\n", 1);
    rec_write_row(w, &row);
    assert_int_equal(rec_close(w, err, sizeof err), 0);

    r = open_ok(p);
    f = fopen(out, "w");
    assert_non_null(f);
    assert_int_equal(rec_dump(r, f, err, sizeof err), 0);
    assert_int_equal(fclose(f), 0);
    rec_close_reader(r);
    got = tu_slurp(out, &len);
    assert_string_equal(got, want);
    free(got);

    /* a truncated file: the rows before it, then an error */
    {
        size_t n;
        unsigned char *all = tu_slurp(p, &n);
        tu_write_file("dump.rec", all, n - 13); /* the end marker, and a byte of row 3 */
        free(all);
    }
    r = open_ok(p);
    f = fopen(out, "w");
    assert_non_null(f);
    assert_int_equal(rec_dump(r, f, err, sizeof err), -1);
    tu_check_err_at(err, p, 0, 0, "row 3: truncated or malformed record");
    fclose(f);
    rec_close_reader(r);
    rec_row_free(&row);
    rec_head_free(&h);
}

/* The header helpers: find, code lookup by exact value, rec_need, limits. */
static void test_head_helpers(void **state)
{
    (void)state;
    char err[512] = "";
    rec_head h, full;
    rec_writer *w;
    rec_reader *r;
    const char *p = tu_path("helpers.rec");
    int i;

    make_head(&h);
    assert_int_equal(rec_head_find(&h, "region"), C_REG);
    assert_int_equal(rec_head_find(&h, "t2"), C_T2);
    assert_int_equal(rec_head_find(&h, "regio"), -1);
    assert_int_equal(rec_code_of(&h.cols[C_REG], "28", 2), 1);
    assert_int_equal(rec_code_of(&h.cols[C_REG], "ND", 2), 3);
    assert_int_equal(rec_code_of(&h.cols[C_REG], "2", 1), 0);         /* a prefix is not a value */
    assert_int_equal(rec_code_of(&h.cols[C_REG], "280", 2), 1);       /* n bytes of s */
    assert_int_equal(rec_code_of(&h.cols[C_REG], "Normandie", 9), 0); /* labels are not values */
    assert_int_equal(rec_code_of(&h.cols[C_EMPTY], "", 0), 0);
    w = rec_create(p, &h, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(rec_close(w, err, sizeof err), 0);
    r = open_ok(p);
    assert_int_equal(rec_need(r, "t1", REC_TEXT, err, sizeof err), C_T1);
    assert_int_equal(rec_need(r, "t1", REC_INT, err, sizeof err), -1);
    tu_check_err_at(err, p, 0, 0, "no column 't1' of the expected type");
    assert_int_equal(rec_need(r, "absente", REC_INT, err, sizeof err), -1);
    tu_check_err_at(err, p, 0, 0, "'absente'");
    next_end(r); /* a header and no row */
    rec_close_reader(r);
    rec_head_free(&h);

    memset(&full, 0, sizeof full);
    for (i = 0; i < REC_MAX_COLS; i++)
        assert_int_equal(rec_head_add(&full, "c", REC_INT, NULL, NULL, 0), i);
    assert_int_equal(rec_head_add(&full, "c", REC_INT, NULL, NULL, 0), -1);
    rec_head_free(&full);
    memset(&full, 0, sizeof full);
    assert_int_equal(rec_head_add(&full, "c", (enum rec_type)9, NULL, NULL, 0), -1);
    {
        /* 65 534 values is the most a u16 code can address (code = 1 + index) */
        static char vbuf[65535][6];
        const char **vals = malloc(65535 * sizeof *vals);
        assert_non_null(vals);
        for (i = 0; i < 65535; i++) {
            snprintf(vbuf[i], sizeof vbuf[i], "%d", i);
            vals[i] = vbuf[i];
        }
        assert_int_equal(rec_head_add(&full, "big", REC_CODE, vals, NULL, 65535), -1);
        rec_head_free(&full);
        memset(&full, 0, sizeof full);
        assert_int_equal(rec_head_add(&full, "big", REC_CODE, vals, NULL, 65534), 0);
        assert_int_equal(rec_code_of(&full.cols[0], "65533", 5), 65534);
        free(vals);
    }
    rec_head_free(&full);
}

/* Rows gathered in buffers (as ingest's threads do) and single rows, mixed,
 * more than the writer's 1 MiB buffer in one go: every row in order. */
static void test_buffers(void **state)
{
    (void)state;
    char err[512] = "";
    rec_head h;
    rec_row row;
    rec_buf b = {0};
    rec_writer *w;
    rec_reader *r;
    const char *p = tu_path("buf.rec");
    static char text[300];
    int i, n = 0;

    memset(text, 'z', sizeof text);
    make_head(&h);
    assert_int_equal(rec_row_init(&row, &h), 0);
    w = rec_create(p, &h, err, sizeof err);
    assert_non_null(w);
    /* 8000 rows of 40 to 339 bytes (1.5 MB) in one buffer, then one row, then
     * a small buffer */
    for (i = 0; i < 8000; i++, n++) {
        rec_set_int(&row, C_N, n);
        rec_set_text(&row, C_T1, text, (size_t)(n % 300));
        assert_int_equal(rec_buf_row(&b, &row), 0);
    }
    assert_int_equal(b.rows, 8000);
    assert_int_equal(rec_write_buf(w, &b), 0);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.rows, 0);
    rec_set_int(&row, C_N, n++);
    rec_set_text(&row, C_T1, "", 0);
    assert_int_equal(rec_write_row(w, &row), 0);
    for (i = 0; i < 10; i++, n++) {
        rec_set_int(&row, C_N, n);
        rec_set_text(&row, C_T1, text, (size_t)(n % 300));
        assert_int_equal(rec_buf_row(&b, &row), 0);
    }
    assert_int_equal(rec_write_buf(w, &b), 0);
    assert_int_equal(rec_writer_rows(w), 8011);
    assert_int_equal(rec_close(w, err, sizeof err), 0);

    r = open_ok(p);
    for (i = 0; i < n; i++) {
        size_t len;
        next_ok(r);
        assert_int_equal(rec_int(r, C_N), i);
        rec_text(r, C_T1, &len);
        assert_int_equal(len, i == 8000 ? 0 : (size_t)(i % 300));
    }
    next_end(r);
    rec_close_reader(r);
    rec_buf_free(&b);
    rec_row_free(&row);
    rec_head_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_bytes),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_text_cap),
        cmocka_unit_test(test_small_reads),
        cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_end_marker),
        cmocka_unit_test(test_malformed_headers),
        cmocka_unit_test(test_malformed_rows),
        cmocka_unit_test(test_io_errors),
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_head_helpers),
        cmocka_unit_test(test_buffers),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir);
}

#include "csvin.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fdio.h"
#include "fold.h"
#include "grow.h"
#include "utf8.h"

/* The fuzz build (make fuzz) makes it small: fewer large allocations, and
 * lines across chunk boundaries met more often. */
#ifndef CSVIN_READ_CHUNK
#define CSVIN_READ_CHUNK (1 << 18)
#endif
#define READ_CHUNK CSVIN_READ_CHUNK
#define MAX_LINE (16UL << 20)
#define MAX_HEADER (1UL << 20)

/* Windows-1252 bytes 0x80-0x9F as code points; 0 marks the five undefined ones. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

struct pending {
    unsigned long line;
    size_t first, n;
};

/* A field over max_field, met in libcsv's callback: the error is placed
 * (line, column) by the caller, which knows where the field starts. */
#define FAILED_LONG_FIELD 2

struct csvin {
    char *path;
    gzFile gz;
    enum csvin_encoding enc;
    char delim;
    struct csv_parser p;
    int parser_ok;
    unsigned long long bytes;
    long long size;              /* the file's size on disk, -1 unknown */
    double max_expansion;        /* 0: no bound */
    size_t max_field;            /* longest field, in the file's bytes */
    unsigned long long inflated; /* bytes given by gzread in this pass */
    int spool;                   /* a pipe's copy in TMPDIR, -1 for a regular file */
    /* line buffer over the decompressed stream */
    unsigned char *buf;
    size_t cap, start, end;
    int eof, started, finished;
    int validated;      /* the whole file was checked as UTF-8 in the first pass */
    int tentative;      /* CSVIN_AUTO_LAZY: UTF-8 until a field proves otherwise */
    int not_utf8;       /* a tentative reader met a field that is not UTF-8 */
    unsigned long line; /* number of the next physical line */
    /* the record being parsed */
    int in_record;
    unsigned long rec_line;
    unsigned char *raw;
    size_t rawlen, rawcap;
    /* decoded fields of the pending rows */
    char *arena;
    size_t alen, acap;
    size_t *off, *flen;
    unsigned char *fbad;
    size_t nf, fcap;
    struct pending *q;
    size_t qn, qhead, qcap;
    size_t row_first; /* first field of the record in progress */
    /* the row handed out */
    csvin_row row;
    char **rf;
    size_t rfcap;
    csvin_err *e;
    int failed; /* a callback failed: 1 (e filled), or FAILED_LONG_FIELD */
    /* splitting into blocks (csvin_next_block): libcsv's state mirrored */
    int sk_state, sk_quoted;
    size_t sk_spaces, sk_pos;
    int split_failed;    /* the error found after the last block handed out */
    csvin_err split_err; /* that error */
    int borrowed;        /* buf belongs to a block (csvin_block_open) */
    int nonul;           /* a block without NUL byte: fields need no NUL check */
};

static void set_err(csvin_err *e, enum apperr err, unsigned long line, unsigned long col,
                    const char *fmt, ...)
{
    va_list ap;
    e->err = err;
    e->line = line;
    e->col = col;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

/* Copies a pipe or a device (read once only) into an unlinked file of
 * TMPDIR, so that the two passes can read it. Returns that file's
 * descriptor, or -1 with e filled. */
static int spool(int in, csvin_err *e)
{
    char tmpl[4096], buf[1 << 16];
    const char *dir = getenv("TMPDIR");
    int out;
    ssize_t n;
    snprintf(tmpl, sizeof tmpl, "%s/csvin-spool.XXXXXX", dir && *dir ? dir : "/tmp");
    out = mkstemp(tmpl);
    if (out < 0) {
        set_err(e, APPERR_READ, 0, 0, "cannot spool the pipe to %s: %s", tmpl, strerror(errno));
        return -1;
    }
    unlink(tmpl);
    while ((n = fdio_read(in, buf, sizeof buf)) != 0) {
        /* errno is the write's error, or the read's */
        if (n < 0 || (errno = fdio_write_all(out, buf, (size_t)n, NULL)) != 0) {
            set_err(e, APPERR_READ, 0, 0, "cannot spool the pipe: %s", strerror(errno));
            close(out);
            return -1;
        }
    }
    return out;
}

/* Opens the decompressing reader; 0, or -1 with e filled (APPERR_READ,
 * APPERR_NOMEM). */
static int open_stream(csvin *r, csvin_err *e)
{
    struct stat st;
    int fd;
    if (r->spool >= 0) {
        fd = dup(r->spool);
        if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0) {
            set_err(e, APPERR_READ, 0, 0, "cannot reread the spooled pipe: %s", strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
    } else {
        fd = open(r->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            set_err(e, APPERR_READ, 0, 0, "cannot open: %s", strerror(errno));
            return -1;
        }
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            set_err(e, APPERR_READ, 0, 0, "cannot read: it is a folder");
            close(fd);
            return -1;
        }
        if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
            r->spool = spool(fd, e);
            close(fd);
            if (r->spool < 0)
                return -1;
            return open_stream(r, e);
        }
    }
    r->size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    r->inflated = 0;
    r->gz = gzdopen(fd, "rb");
    if (!r->gz) {
        close(fd);
        set_err(e, APPERR_NOMEM, 0, 0, "cannot read: out of memory");
        return -1;
    }
    gzbuffer(r->gz, READ_CHUNK);
    return 0;
}

/* gzerror prefixes its message with "<fd:N>: ". */
static const char *strip_fd(const char *msg)
{
    const char *p = strstr(msg, ">: ");
    return p ? p + 3 : msg;
}

/* gzread with the spec's error classes: APPERR_READ for I/O, APPERR_DATA for
 * a corrupt gzip. */
static long read_some(csvin *r, void *buf, size_t n, csvin_err *e)
{
    int got = gzread(r->gz, buf, (unsigned)n);
    if (got < 0) {
        int zerr;
        const char *msg = gzerror(r->gz, &zerr);
        if (zerr == Z_ERRNO)
            set_err(e, APPERR_READ, 0, 0, "read error: %s", strerror(errno));
        else
            set_err(e, APPERR_DATA, 0, 0, "corrupt gzip data (%s)", strip_fd(msg));
        return -1;
    }
    if (got == 0) {
        int zerr;
        const char *msg = gzerror(r->gz, &zerr);
        if (zerr != Z_OK) {
            set_err(e, APPERR_DATA, 0, 0, "corrupt gzip data (%s)", strip_fd(msg));
            return -1;
        }
    }
    /* checked as the data comes, so that a bomb stops after max_expansion
     * times the file's size, not at its end */
    r->inflated += (unsigned long long)got;
    if (r->max_expansion > 0 && r->size > 0 && !gzdirect(r->gz) &&
        (double)r->inflated > r->max_expansion * (double)r->size) {
        set_err(e, APPERR_DATA, 0, 0,
                "gzip data expands to more than %g times the file's %lld bytes (max_expansion): "
                "a decompression bomb, or a file to check; raise max_expansion in the "
                "configuration if it is genuine",
                r->max_expansion, r->size);
        return -1;
    }
    return got;
}

static int is_ws_ascii(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Length of spec white space at s (0 when none), for the file's encoding. */
static size_t ws_len(enum csvin_encoding enc, const unsigned char *s, size_t n)
{
    if (n && is_ws_ascii(s[0]))
        return 1;
    if (enc == CSVIN_CP1252)
        return n && s[0] == 0xA0;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0xAF)
        return 3;
    return 0;
}

static int blank_line(enum csvin_encoding enc, const unsigned char *s, size_t n)
{
    size_t i = 0, k;
    while (i < n && s[i] != '\n') {
        k = ws_len(enc, s + i, n - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* Quote state of the header line while its delimiter is unknown: a quote
 * opens a quoted field only at a field's start (after one of the four
 * candidate delimiters, or spaces); inside an unquoted field it is an
 * ordinary character (spec/inputs.md "Malformed quoting"). */
enum qstate { Q_START, Q_UNQUOTED, Q_IN, Q_CLOSED };

static int is_cand(unsigned char c)
{
    return c == ';' || c == ',' || c == '\t' || c == '|';
}

static enum qstate quote_step(enum qstate q, unsigned char c)
{
    switch (q) {
    case Q_START:
        return c == '"' ? Q_IN : is_cand(c) || c == ' ' ? Q_START : Q_UNQUOTED;
    case Q_UNQUOTED:
        return is_cand(c) ? Q_START : Q_UNQUOTED;
    case Q_IN:
        return c == '"' ? Q_CLOSED : Q_IN;
    case Q_CLOSED:
        return c == '"' ? Q_IN : is_cand(c) ? Q_START : Q_UNQUOTED;
    }
    return q;
}

/* First pass: validate UTF-8 over the whole stream (when asked) and find
 * the header line to count delimiters in. */
static int detect(csvin *r, int want_enc, int want_delim, csvin_err *e)
{
    unsigned char *chunk = NULL, *hdr = NULL;
    size_t hlen = 0, hcap = 0;
    utf8_check v = UTF8_CHECK_INIT;
    int hdr_state = 0; /* 0 skipping blank lines, 1 in header, 2 done */
    enum qstate qs = Q_START;
    int first = 1;
    int rc = -1;

    chunk = malloc(READ_CHUNK);
    if (!chunk) {
        set_err(e, APPERR_NOMEM, 0, 0, "out of memory");
        return -1;
    }
    for (;;) {
        long got = read_some(r, chunk, READ_CHUNK, e);
        size_t i = 0;
        if (got < 0)
            goto done;
        if (got == 0)
            break;
        if (want_enc)
            utf8_check_feed(&v, chunk, (size_t)got);
        if (first) {
            first = 0;
            if (got >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF)
                i = 3;
        }
        for (; i < (size_t)got && want_delim && hdr_state < 2; i++) {
            unsigned char c = chunk[i];
            if (hdr_state == 0) {
                /* blank lines before the header hold only white space bytes */
                if (c == '\n') {
                    hlen = 0;
                    continue;
                }
                if (grow_to(&hdr, &hcap, hlen + 1, 1, 64))
                    goto oom;
                hdr[hlen++] = c;
                if (c == ' ' || c == '\t' || c == '\r' || c == 0xA0 || c == 0xC2 || c == 0xE2 ||
                    c == 0x80 || c == 0xAF)
                    continue;
                hdr_state = 1;
                qs = Q_START;
                for (size_t k = 0; k < hlen; k++)
                    qs = quote_step(qs, hdr[k]);
                continue;
            }
            if (c == '\n' && qs != Q_IN) {
                hdr_state = 2;
                break;
            }
            qs = quote_step(qs, c);
            if (hlen >= MAX_HEADER) {
                hdr_state = 2;
                break;
            }
            if (grow_to(&hdr, &hcap, hlen + 1, 1, 64))
                goto oom;
            hdr[hlen++] = c;
        }
        if ((!want_enc || v.bad) && (!want_delim || hdr_state == 2))
            break;
    }
    if (want_enc)
        r->enc = utf8_check_ok(&v) ? CSVIN_UTF8 : CSVIN_CP1252;
    if (want_delim) {
        static const char cands[4] = {';', ',', '\t', '|'};
        size_t cnt[4] = {0, 0, 0, 0}, i;
        int k, best = 0;
        qs = Q_START;
        for (i = 0; i < hlen; i++) {
            if (qs != Q_IN)
                for (k = 0; k < 4; k++)
                    cnt[k] += hdr[i] == (unsigned char)cands[k];
            qs = quote_step(qs, hdr[i]);
        }
        for (k = 1; k < 4; k++)
            if (cnt[k] > cnt[best])
                best = k;
        r->delim = cands[best];
    }
    rc = 0;
    goto done;
oom:
    set_err(e, APPERR_NOMEM, 0, 0, "out of memory");
done:
    free(chunk);
    free(hdr);
    return rc;
}

static void cb_field(void *s, size_t len, void *data);
static void cb_row(int c, void *data);

static int is_space_tabdelim(unsigned char c)
{
    return c == ' ';
}

/* Sets libcsv up for r->delim. 0, or -1 when out of memory. */
static int start_parser(csvin *r)
{
    if (csv_init(&r->p, 0) != 0)
        return -1;
    r->parser_ok = 1;
    csv_set_delim(&r->p, (unsigned char)r->delim);
    /* libcsv's built-in test (space or tab) is inlined; a tab delimiter
     * needs a function that leaves tabs alone */
    if (r->delim == '\t')
        csv_set_space_func(&r->p, is_space_tabdelim);
    return 0;
}

csvin *csvin_open(const char *path, enum csvin_encoding enc, char delim, csvin_err *e)
{
    return csvin_open_bounded(path, enc, delim, 0, e);
}

csvin *csvin_open_bounded(const char *path, enum csvin_encoding enc, char delim,
                          double max_expansion, csvin_err *e)
{
    csvin *r = calloc(1, sizeof *r);

    memset(e, 0, sizeof *e);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        set_err(e, APPERR_NOMEM, 0, 0, "out of memory");
        return NULL;
    }
    r->enc = enc;
    r->delim = delim;
    r->spool = -1;
    r->max_expansion = max_expansion;
    r->max_field = CSVIN_MAX_FIELD;
    if (enc == CSVIN_AUTO_LAZY) {
        /* no first pass over the whole file: the fields are checked as they
         * are parsed, and the caller reads the file again as Windows-1252
         * when one is not UTF-8 (csvin_not_utf8) */
        r->tentative = 1;
        r->enc = enc = CSVIN_UTF8;
    }
    if (open_stream(r, e))
        goto error;
    if (r->tentative && !gzdirect(r->gz)) {
        /* a gzip file: the first pass only inflates, and stops a
         * decompression bomb much sooner than parsing would */
        r->tentative = 0;
        r->enc = enc = CSVIN_AUTO;
    }
    if (enc == CSVIN_AUTO || !delim) {
        if (detect(r, enc == CSVIN_AUTO, !delim, e))
            goto error;
        r->validated = enc == CSVIN_AUTO && r->enc == CSVIN_UTF8;
        gzclose(r->gz);
        r->gz = NULL;
        if (open_stream(r, e))
            goto error;
    }
    if (start_parser(r)) {
        set_err(e, APPERR_NOMEM, 0, 0, "out of memory");
        goto error;
    }
    r->line = 1;
    return r;
error:
    csvin_close(r);
    return NULL;
}

void csvin_set_max_field(csvin *r, size_t max)
{
    r->max_field = max;
}

enum csvin_encoding csvin_encoding(const csvin *r)
{
    return r->enc;
}

char csvin_delim(const csvin *r)
{
    return r->delim;
}

double csvin_fraction(const csvin *r)
{
    if (r->size <= 0 || !r->gz)
        return -1;
    return (double)gzoffset(r->gz) / (double)r->size;
}

unsigned long long csvin_bytes(const csvin *r)
{
    return r->bytes;
}

/* Grows off, flen and fbad together to hold one more field. */
static int grow_fields(csvin *r)
{
    size_t nc;
    void *a, *b, *c;
    if (r->nf + 1 <= r->fcap)
        return 0;
    nc = r->fcap ? 2 * r->fcap : 256;
    a = realloc(r->off, nc * sizeof *r->off);
    if (!a)
        return -1;
    r->off = a;
    b = realloc(r->flen, nc * sizeof *r->flen);
    if (!b)
        return -1;
    r->flen = b;
    c = realloc(r->fbad, nc);
    if (!c)
        return -1;
    r->fbad = c;
    r->fcap = nc;
    return 0;
}

static void cb_field(void *s, size_t len, void *data)
{
    csvin *r = data;
    const unsigned char *in = s;
    char *o;
    size_t i;
    unsigned char bad = 0;

    if (r->failed)
        return;
    if (!r->in_record) {
        r->in_record = 1;
        r->rec_line = r->line;
    }
    if (len > r->max_field) {
        r->failed = FAILED_LONG_FIELD; /* placed by the caller */
        return;
    }
    if (grow_to(&r->arena, &r->acap, r->alen + 3 * len + 1, 1, 64) || grow_fields(r)) {
        r->failed = 1;
        set_err(r->e, APPERR_NOMEM, 0, 0, "out of memory");
        return;
    }
    o = r->arena + r->alen;
    if (r->enc == CSVIN_CP1252) {
        char *p = o;
        for (i = 0; i < len; i++) {
            unsigned char c = in[i];
            if (c == 0) {
                p += utf8_encode(0xFFFD, p);
                bad = 1;
            } else if (c < 0x80) {
                *p++ = (char)c;
            } else if (c < 0xA0) {
                uint16_t cp = cp1252_high[c - 0x80];
                if (!cp) {
                    cp = 0xFFFD;
                    bad = 1;
                }
                p += utf8_encode(cp, p);
            } else {
                p += utf8_encode(c, p);
            }
        }
        len = (size_t)(p - o);
    } else if (!r->validated && !utf8_valid((const char *)in, len)) {
        r->not_utf8 = r->tentative;
        /* the schema fixed UTF-8 but the bytes are not: each invalid byte
         * is one U+FFFD and makes the cell ENCODAGE */
        char *p = o;
        for (i = 0; i < len;) {
            uint32_t cp;
            size_t k = utf8_decode(in + i, len - i, &cp);
            if (k == 0 || in[i] == 0) {
                p += utf8_encode(0xFFFD, p);
                bad = 1;
                i++;
            } else {
                memcpy(p, in + i, k);
                p += k;
                i += k;
            }
        }
        len = (size_t)(p - o);
    } else {
        char *p = o;
        const unsigned char *z = r->nonul ? NULL : memchr(in, 0, len);
        if (!z) {
            memcpy(o, in, len);
        } else {
            for (i = 0; i < len; i++) {
                if (in[i] == 0) {
                    p += utf8_encode(0xFFFD, p);
                    bad = 1;
                } else {
                    *p++ = (char)in[i];
                }
            }
            len = (size_t)(p - o);
        }
    }
    o[len] = '\0';
    r->off[r->nf] = r->alen;
    r->flen[r->nf] = len;
    r->fbad[r->nf] = bad;
    r->nf++;
    r->alen += len + 1;
}

static void cb_row(int c, void *data)
{
    csvin *r = data;
    (void)c;
    if (r->failed)
        return;
    if (!r->in_record) { /* an empty record: should not happen, blank lines are skipped */
        r->rec_line = r->line;
    }
    if (grow_to(&r->q, &r->qcap, r->qn + 1, sizeof *r->q, 64)) {
        r->failed = 1;
        set_err(r->e, APPERR_NOMEM, 0, 0, "out of memory");
        return;
    }
    r->q[r->qn].line = r->rec_line;
    r->q[r->qn].first = r->row_first;
    r->q[r->qn].n = r->nf - r->row_first;
    r->qn++;
    r->row_first = r->nf;
    r->in_record = 0;
}

/* Character column of byte offset k in a line, for the file's encoding. */
static unsigned long char_col(csvin *r, const unsigned char *s, size_t k)
{
    unsigned long col = 1;
    size_t i;
    for (i = 0; i < k; i++)
        if (r->enc == CSVIN_CP1252 || (s[i] & 0xC0) != 0x80)
            col++;
    return col;
}

/* Where field number k (0-based) of the current record starts, found by
 * rescanning its raw bytes (error path only). */
static void field_start(csvin *r, size_t k, unsigned long *line, unsigned long *col)
{
    size_t i = 0, f = 0, linestart = 0;
    unsigned long ln = r->rec_line;
    int inq = 0, at_start = 1;
    const unsigned char *s = r->raw;
    unsigned char d = (unsigned char)r->delim;

    *line = ln;
    *col = 1;
    for (i = 0; i < r->rawlen; i++) {
        unsigned char c = s[i];
        if (at_start) {
            if (c == ' ' || (c == '\t' && d != '\t'))
                continue;
            if (f == k) {
                *line = ln;
                *col = char_col(r, s + linestart, i - linestart);
                return;
            }
            at_start = 0;
            if (c == '"') {
                inq = 1;
                continue;
            }
        }
        if (c == '"' && inq) {
            if (i + 1 < r->rawlen && s[i + 1] == '"')
                i++;
            else
                inq = 0;
            continue;
        }
        if (c == '\n') {
            ln++;
            linestart = i + 1;
            if (!inq) {
                f++;
                at_start = 1;
            }
            continue;
        }
        if (c == d && !inq) {
            f++;
            at_start = 1;
        }
    }
    *line = ln;
    *col = char_col(r, s + linestart, r->rawlen - linestart);
}

static int raw_append(csvin *r, const unsigned char *s, size_t n)
{
    if (grow_to(&r->raw, &r->rawcap, r->rawlen + n, 1, 64))
        return -1;
    memcpy(r->raw + r->rawlen, s, n);
    r->rawlen += n;
    return 0;
}

/* Makes sure buf[start..end) holds a whole line (or the rest of the file). */
static int fill_line(csvin *r, size_t *linelen, csvin_err *e)
{
    for (;;) {
        unsigned char *nl =
            r->end > r->start ? memchr(r->buf + r->start, '\n', r->end - r->start) : NULL;
        long got;
        if (nl) {
            *linelen = (size_t)(nl - (r->buf + r->start)) + 1;
            return 1;
        }
        if (r->eof) {
            *linelen = r->end - r->start;
            return *linelen > 0;
        }
        if (r->start > 0) {
            memmove(r->buf, r->buf + r->start, r->end - r->start);
            r->end -= r->start;
            r->start = 0;
        }
        if (r->end - r->start >= MAX_LINE) {
            set_err(e, APPERR_DATA, r->line, 1, "line longer than %lu bytes", MAX_LINE);
            return -1;
        }
        if (grow_to(&r->buf, &r->cap, r->end + READ_CHUNK, 1, 64)) {
            set_err(e, APPERR_NOMEM, 0, 0, "out of memory");
            return -1;
        }
        got = read_some(r, r->buf + r->end, r->cap - r->end, e);
        if (got < 0)
            return -1;
        if (got == 0)
            r->eof = 1;
        r->end += (size_t)got;
        r->bytes += (unsigned long long)got;
    }
}

static int fail_long_field(csvin *r, csvin_err *e)
{
    unsigned long l, c;
    size_t k = r->nf - r->row_first;
    field_start(r, k, &l, &c);
    set_err(e, APPERR_DATA, l, c, "field longer than %zu bytes", r->max_field);
    return -1;
}

static void hand_out(csvin *r, csvin_row **row)
{
    struct pending *p = &r->q[r->qhead++];
    size_t i;
    grow_to(&r->rf, &r->rfcap, p->n + 1, sizeof *r->rf, 64);
    for (i = 0; i < p->n; i++)
        r->rf[i] = r->arena + r->off[p->first + i];
    r->row.line = p->line;
    r->row.n = p->n;
    r->row.f = r->rf;
    r->row.len = r->flen + p->first;
    r->row.bad = r->fbad + p->first;
    *row = &r->row;
}

int csvin_next(csvin *r, csvin_row **row, csvin_err *e)
{
    r->e = e;
    if (r->qhead < r->qn) {
        hand_out(r, row);
        return 1;
    }
    /* every pending row was handed out: the arena can be reused, keeping
     * the fields of the record in progress */
    if (r->qn) {
        size_t keep = r->nf - r->row_first, base = keep ? r->off[r->row_first] : r->alen;
        memmove(r->arena, r->arena + base, r->alen - base);
        r->alen -= base;
        memmove(r->off, r->off + r->row_first, keep * sizeof *r->off);
        memmove(r->flen, r->flen + r->row_first, keep * sizeof *r->flen);
        memmove(r->fbad, r->fbad + r->row_first, keep);
        for (size_t i = 0; i < keep; i++)
            r->off[i] -= base;
        r->nf = keep;
        r->row_first = 0;
        r->qn = r->qhead = 0;
    }
    while (!r->finished) {
        size_t len;
        int got = fill_line(r, &len, e);
        const unsigned char *s;
        if (got < 0)
            return -1;
        if (got == 0) {
            r->finished = 1;
            /* libcsv reports an open quote at the end only in strict mode,
             * which would also refuse stray quotes: look at its state */
            if (r->p.quoted && r->p.pstate == 2 /* FIELD_BEGUN */) {
                unsigned long l, c;
                field_start(r, r->nf - r->row_first, &l, &c);
                set_err(e, APPERR_DATA, l, c, "unterminated quoted field");
                return -1;
            }
            csv_fini(&r->p, cb_field, cb_row, r);
            if (r->failed)
                return r->failed == FAILED_LONG_FIELD ? fail_long_field(r, e) : -1;
            break;
        }
        s = r->buf + r->start;
        if (!r->started) {
            r->started = 1;
            if (r->enc == CSVIN_UTF8 && len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
                s += 3;
                len -= 3;
                r->start += 3;
            }
        }
        if (!r->in_record && blank_line(r->enc, s, len)) {
            r->start += len;
            r->line++;
            continue;
        }
        if (!r->in_record) {
            r->in_record = 1;
            r->rec_line = r->line;
            r->rawlen = 0;
        }
        if (raw_append(r, s, len)) {
            set_err(e, APPERR_NOMEM, 0, 0, "out of memory");
            return -1;
        }
        if (csv_parse(&r->p, s, len, cb_field, cb_row, r) != len && !r->failed) {
            set_err(e, APPERR_NOMEM, r->line, 1, "CSV parser: %s", csv_strerror(csv_error(&r->p)));
            return -1;
        }
        r->start += len;
        if (r->failed)
            return r->failed == FAILED_LONG_FIELD ? fail_long_field(r, e) : -1;
        if (r->in_record && r->p.entry_pos > r->max_field)
            return fail_long_field(r, e);
        if (len && s[len - 1] == '\n')
            r->line++;
        if (r->qn)
            break;
    }
    if (r->qhead < r->qn) {
        hand_out(r, row);
        return 1;
    }
    return 0;
}

void csvin_close(csvin *r)
{
    if (!r)
        return;
    if (r->gz)
        gzclose(r->gz);
    if (r->spool >= 0)
        close(r->spool);
    if (r->parser_ok)
        csv_free(&r->p);
    if (!r->borrowed)
        free(r->buf);
    free(r->raw);
    free(r->arena);
    free(r->off);
    free(r->flen);
    free(r->fbad);
    free(r->q);
    free(r->rf);
    free(r->path);
    free(r);
}

/* --- blocks of whole records, parsed on other threads --------------------- */

/* libcsv's parser states (csv.h keeps them private). */
enum { SK_ROW_NOT_BEGUN, SK_FIELD_NOT_BEGUN, SK_FIELD_BEGUN, SK_FIELD_MIGHT_HAVE_ENDED };

/* Runs libcsv's state machine over s[0..n) without building fields, so
 * that the splitter knows where records end exactly as the parser will
 * (a quote opens a quoted field only at a field's start, "" inside one is a
 * quote, a CR or LF outside one ends the record). sk_pos mirrors the
 * parser's entry_pos (the length of the field in progress). */
static void skim(csvin *r, const unsigned char *s, size_t n)
{
    int st = r->sk_state, quoted = r->sk_quoted;
    size_t spaces = r->sk_spaces, pos = r->sk_pos, i;
    unsigned char d = (unsigned char)r->delim;
    for (i = 0; i < n; i++) {
        unsigned char c = s[i];
        int space = d == '\t' ? c == ' ' : c == ' ' || c == '\t';
        int term = c == '\r' || c == '\n';
        switch (st) {
        case SK_ROW_NOT_BEGUN:
        case SK_FIELD_NOT_BEGUN:
            if (space && c != d)
                continue;
            if (term) {
                if (st == SK_FIELD_NOT_BEGUN)
                    st = SK_ROW_NOT_BEGUN, pos = 0, quoted = 0, spaces = 0;
            } else if (c == d) {
                st = SK_FIELD_NOT_BEGUN, pos = 0, quoted = 0, spaces = 0;
            } else if (c == '"') {
                st = SK_FIELD_BEGUN, quoted = 1;
            } else {
                st = SK_FIELD_BEGUN, quoted = 0, pos++;
            }
            break;
        case SK_FIELD_BEGUN:
            if (c == '"') {
                pos++;
                if (quoted)
                    st = SK_FIELD_MIGHT_HAVE_ENDED;
                else
                    spaces = 0;
            } else if (c == d) {
                if (quoted)
                    pos++;
                else
                    st = SK_FIELD_NOT_BEGUN, pos = 0, quoted = 0, spaces = 0;
            } else if (term) {
                if (quoted)
                    pos++;
                else
                    st = SK_ROW_NOT_BEGUN, pos = 0, quoted = 0, spaces = 0;
            } else if (!quoted && space) {
                pos++, spaces++;
            } else {
                pos++, spaces = 0;
            }
            break;
        default: /* SK_FIELD_MIGHT_HAVE_ENDED */
            if (c == d) {
                st = SK_FIELD_NOT_BEGUN, pos = 0, quoted = 0, spaces = 0;
            } else if (term) {
                st = SK_ROW_NOT_BEGUN, pos = 0, quoted = 0, spaces = 0;
            } else if (space) {
                pos++, spaces++;
            } else if (c == '"') {
                if (spaces)
                    spaces = 0, pos++;
                else
                    st = SK_FIELD_BEGUN;
            } else {
                st = SK_FIELD_BEGUN, spaces = 0, pos++;
            }
        }
    }
    r->sk_state = st, r->sk_quoted = quoted, r->sk_spaces = spaces, r->sk_pos = pos;
}

int csvin_can_split(const csvin *r)
{
    return r->qhead == r->qn && !r->in_record && !r->finished;
}

static int block_put(csvin_block *b, const unsigned char *s, size_t n)
{
    if (grow_to(&b->data, &b->cap, b->len + n + 1, 1, 64))
        return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

int csvin_next_block(csvin *r, csvin_block *b, size_t target, csvin_err *e)
{
    b->len = 0;
    b->line = r->line;
    b->last = 0;
    if (r->split_failed) {
        *e = r->split_err;
        r->split_failed = 0;
        r->finished = 1;
        return -1;
    }
    if (r->finished)
        return 0;
    if (r->qhead < r->qn || r->in_record) {
        set_err(e, APPERR_INTERNAL, 0, 0, "internal error: a record is in progress");
        return -1;
    }
    for (;;) {
        size_t len;
        const unsigned char *s;
        int got = fill_line(r, &len, e);
        if (got < 0) {
            if (!b->len)
                return -1;
            /* the rows before the error first */
            r->split_err = *e;
            r->split_failed = 1;
            b->last = 1;
            return 1;
        }
        if (got == 0) {
            r->finished = 1;
            b->last = 1;
            return b->len ? 1 : 0;
        }
        s = r->buf + r->start;
        if (block_put(b, s, len)) {
            set_err(e, APPERR_NOMEM, 0, 0, "out of memory");
            return -1;
        }
        /* a blank line between records is skipped by the parser: no state change */
        if (r->sk_state != SK_ROW_NOT_BEGUN || !blank_line(r->enc, s, len)) {
            if (r->sk_state != SK_ROW_NOT_BEGUN || memchr(s, '"', len))
                skim(r, s, len);
            else if (len && s[len - 1] != '\n')
                r->sk_state = SK_FIELD_BEGUN; /* the last line, without its end */
        }
        r->start += len;
        if (len && s[len - 1] == '\n')
            r->line++;
        if (r->sk_state != SK_ROW_NOT_BEGUN && r->sk_pos > r->max_field) {
            /* the parser stops on this line (a field too long): the block ends here */
            r->finished = 1;
            b->last = 1;
            return 1;
        }
        if (r->sk_state == SK_ROW_NOT_BEGUN && b->len >= target)
            return 1;
    }
}

csvin *csvin_block_open(const csvin *parent, const csvin_block *b, csvin_err *e)
{
    csvin *r = calloc(1, sizeof *r);
    memset(e, 0, sizeof *e);
    if (!r || !(r->path = strdup(parent->path))) {
        free(r);
        set_err(e, APPERR_NOMEM, 0, 0, "out of memory");
        return NULL;
    }
    r->enc = parent->enc;
    r->delim = parent->delim;
    r->validated = parent->validated;
    r->tentative = parent->tentative;
    r->max_field = parent->max_field;
    r->nonul = !memchr(b->data, 0, b->len);
    if (r->tentative && r->enc == CSVIN_UTF8) {
        /* the whole block at once rather than field by field: its bytes
         * are those of its records, and a block never cuts a character */
        utf8_check v = UTF8_CHECK_INIT;
        utf8_check_feed(&v, b->data, b->len);
        if (!utf8_check_ok(&v))
            r->not_utf8 = 1;
        else
            r->validated = 1;
    }
    r->spool = -1;
    r->size = -1;
    r->buf = b->data;
    r->borrowed = 1;
    r->cap = r->end = b->len;
    r->eof = 1;
    r->started = 1;
    r->line = b->line;
    if (start_parser(r)) {
        csvin_close(r);
        set_err(e, APPERR_NOMEM, 0, 0, "out of memory");
        return NULL;
    }
    return r;
}

int csvin_not_utf8(const csvin *r)
{
    return r->not_utf8;
}

int csvin_block_ended_cleanly(const csvin *r)
{
    return !r->in_record && r->p.pstate == SK_ROW_NOT_BEGUN;
}

/* csvin_trim's slow path, out of line so that the fast one needs no stack
 * frame (the ingest calls it for every field). */
static __attribute__((noinline)) char *trim_slow(char *s, size_t *n)
{
    size_t len = *n;
    s += fold_trim(s, &len) - s;
    s[len] = '\0';
    *n = len;
    return s;
}

char *csvin_trim(char *s, size_t *n)
{
    size_t len = *n;
    if (len) {
        /* most values: neither end can start or end white space */
        unsigned char a = (unsigned char)s[0], z = (unsigned char)s[len - 1];
        if (a != ' ' && a != '\t' && a != 0xC2 && a != 0xE2 && z != ' ' && z != '\t' && z != 0xA0 &&
            z != 0xAF) {
            s[len] = '\0';
            return s;
        }
    }
    return trim_slow(s, n);
}

void csvin_field_pos(csvin *r, size_t k, unsigned long *line, unsigned long *col)
{
    field_start(r, k, line, col);
}

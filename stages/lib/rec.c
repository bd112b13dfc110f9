#include "rec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "fdio.h"
#include "grow.h"

#define MAGIC "APPREC\n"
#define MAGIC_LEN 8
#define BUFSZ (1 << 20)
#define MAX_ROW (64u << 20)  /* no row the stages write comes near this */
#define END_MARK 0xFFFFFFFFu /* in place of a row's length: the end marker */

static size_t type_width(enum rec_type t)
{
    switch (t) {
    case REC_DATE:
        return 4;
    case REC_INT:
        return 8;
    case REC_CODE:
    case REC_TEXT:
        return 2;
    case REC_ID128:
        return 16;
    }
    return 0;
}

int rec_head_add(rec_head *h, const char *name, enum rec_type type, const char *const *vals,
                 const char *const *labels, size_t nvals)
{
    rec_col *c;
    size_t i;
    if (h->ncols == REC_MAX_COLS || !type_width(type) || nvals >= UINT16_MAX)
        return -1;
    c = &h->cols[h->ncols];
    memset(c, 0, sizeof *c);
    c->type = type;
    c->off = h->fixed;
    c->text_index = type == REC_TEXT ? (int)h->ntext : -1;
    if (!(c->name = strdup(name)))
        return -1;
    if (nvals) {
        c->vals = calloc(nvals, sizeof *c->vals);
        c->labels = calloc(nvals, sizeof *c->labels);
        if (!c->vals || !c->labels)
            goto oom;
        c->nvals = nvals;
        for (i = 0; i < nvals; i++) {
            if (!(c->vals[i] = strdup(vals[i])))
                goto oom;
            if (labels && labels[i] && !(c->labels[i] = strdup(labels[i])))
                goto oom;
        }
    }
    h->fixed += type_width(type);
    h->ntext += type == REC_TEXT;
    return (int)h->ncols++;
oom:
    h->ncols++;
    return -1;
}

int rec_head_find(const rec_head *h, const char *name)
{
    size_t i;
    for (i = 0; i < h->ncols; i++)
        if (!strcmp(h->cols[i].name, name))
            return (int)i;
    return -1;
}

uint16_t rec_code_of(const rec_col *c, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < c->nvals; i++)
        if (strlen(c->vals[i]) == n && !memcmp(c->vals[i], s, n))
            return (uint16_t)(i + 1);
    return 0;
}

void rec_head_free(rec_head *h)
{
    size_t i, k;
    for (i = 0; i < h->ncols; i++) {
        rec_col *c = &h->cols[i];
        for (k = 0; k < c->nvals; k++) {
            free(c->vals ? c->vals[k] : NULL);
            free(c->labels ? c->labels[k] : NULL);
        }
        free(c->vals);
        free(c->labels);
        free(c->name);
    }
    free(h->kind);
    memset(h, 0, sizeof *h);
}

/* --- rows ------------------------------------------------------------------ */

int rec_row_init(rec_row *r, const rec_head *h)
{
    r->h = h;
    r->fixed = malloc(h->fixed ? h->fixed : 1);
    r->text = calloc(h->ntext + 1, sizeof *r->text);
    r->tlen = calloc(h->ntext + 1, sizeof *r->tlen);
    if (!r->fixed || !r->text || !r->tlen) {
        rec_row_free(r);
        return -1;
    }
    rec_row_clear(r);
    return 0;
}

void rec_row_free(rec_row *r)
{
    free(r->fixed);
    free(r->text);
    free(r->tlen);
    r->fixed = NULL;
    r->text = NULL;
    r->tlen = NULL;
}

void rec_row_clear(rec_row *r)
{
    size_t i;
    for (i = 0; i < r->h->ncols; i++) {
        const rec_col *c = &r->h->cols[i];
        if (c->type == REC_DATE)
            rec_set_date(r, (int)i, DATE_NONE);
        else if (c->type == REC_INT)
            rec_set_int(r, (int)i, REC_INT_NONE);
        else if (c->type == REC_TEXT)
            rec_set_text(r, (int)i, "", 0);
        else
            memset(r->fixed + c->off, 0, type_width(c->type));
    }
}

void rec_set_date(rec_row *r, int col, date_t d)
{
    int32_t v = d;
    memcpy(r->fixed + r->h->cols[col].off, &v, 4);
}

void rec_set_int(rec_row *r, int col, int64_t v)
{
    memcpy(r->fixed + r->h->cols[col].off, &v, 8);
}

void rec_set_code(rec_row *r, int col, uint16_t code)
{
    memcpy(r->fixed + r->h->cols[col].off, &code, 2);
}

void rec_set_id(rec_row *r, int col, const unsigned char id[16])
{
    memcpy(r->fixed + r->h->cols[col].off, id, 16);
}

void rec_set_text(rec_row *r, int col, const char *s, size_t n)
{
    const rec_col *c = &r->h->cols[col];
    uint16_t l = (uint16_t)(n > REC_MAX_TEXT ? REC_MAX_TEXT : n);
    r->text[c->text_index] = s;
    r->tlen[c->text_index] = l;
    memcpy(r->fixed + c->off, &l, 2);
}

static size_t row_size(const rec_row *r)
{
    size_t n = r->h->fixed, i;
    for (i = 0; i < r->h->ntext; i++)
        n += r->tlen[i];
    return n;
}

/* Writes the row (length, fixed part, texts) at p. */
static void row_put(const rec_row *r, unsigned char *p, size_t n)
{
    uint32_t len = (uint32_t)n;
    size_t i;
    memcpy(p, &len, 4);
    p += 4;
    memcpy(p, r->fixed, r->h->fixed);
    p += r->h->fixed;
    for (i = 0; i < r->h->ntext; i++) {
        memcpy(p, r->text[i], r->tlen[i]);
        p += r->tlen[i];
    }
}

int rec_buf_row(rec_buf *b, const rec_row *r)
{
    size_t n = row_size(r);
    if (grow_to(&b->p, &b->cap, b->len + n + 4, 1, 1 << 16))
        return -1;
    row_put(r, b->p + b->len, n);
    b->len += n + 4;
    b->rows++;
    return 0;
}

void rec_buf_free(rec_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* --- writer ---------------------------------------------------------------- */

struct rec_writer {
    int fd;
    char *path;
    rec_buf b;
    unsigned long rows;
    long long flushed; /* bytes written to fd */
    int failed;        /* errno of the first failed write */
};

static void put_bytes(rec_buf *b, const void *s, size_t n, int *oom)
{
    if (n == 0)
        return;
    if (grow_to(&b->p, &b->cap, b->len + n, 1, 1 << 16)) {
        *oom = 1;
        return;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void put_u32(rec_buf *b, uint32_t v, int *oom)
{
    put_bytes(b, &v, 4, oom);
}

static void put_str16(rec_buf *b, const char *s, int *oom)
{
    size_t n = s ? strlen(s) : 0;
    uint16_t l = (uint16_t)(n > REC_MAX_TEXT ? REC_MAX_TEXT : n);
    put_bytes(b, &l, 2, oom);
    put_bytes(b, s ? s : "", l, oom);
}

static void flush(rec_writer *w)
{
    size_t done = 0;
    if (!w->failed)
        w->failed = fdio_write_all(w->fd, w->b.p, w->b.len, &done);
    w->flushed += (long long)done;
    w->b.len = 0;
}

rec_writer *rec_create(const char *path, const rec_head *h, char *err, size_t errlen)
{
    rec_writer *w = calloc(1, sizeof *w);
    int oom = 0;
    size_t i, k;
    if (!w || !(w->path = strdup(path))) {
        free(w);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    w->fd = strcmp(path, "-") ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
    if (w->fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        free(w->path);
        free(w);
        return NULL;
    }
    put_bytes(&w->b, MAGIC, MAGIC_LEN, &oom);
    put_u32(&w->b, REC_VERSION, &oom);
    put_u32(&w->b, (uint32_t)strlen(h->kind ? h->kind : ""), &oom);
    put_bytes(&w->b, h->kind ? h->kind : "", strlen(h->kind ? h->kind : ""), &oom);
    put_u32(&w->b, (uint32_t)h->ncols, &oom);
    for (i = 0; i < h->ncols; i++) {
        const rec_col *c = &h->cols[i];
        unsigned char t = (unsigned char)c->type;
        put_bytes(&w->b, &t, 1, &oom);
        put_str16(&w->b, c->name, &oom);
        if (c->type == REC_CODE) {
            put_u32(&w->b, (uint32_t)c->nvals, &oom);
            for (k = 0; k < c->nvals; k++) {
                put_str16(&w->b, c->vals[k], &oom);
                put_str16(&w->b, c->labels[k], &oom);
            }
        }
    }
    if (oom) {
        snprintf(err, errlen, "%s: out of memory", path);
        rec_close(w, NULL, 0);
        return NULL;
    }
    return w;
}

int rec_write_errno(const rec_writer *w)
{
    return w->failed;
}

int rec_write_buf(rec_writer *w, rec_buf *b)
{
    int oom = 0;
    if (w->b.len + b->len > BUFSZ)
        flush(w);
    if (b->len > BUFSZ) {
        rec_buf keep = w->b;
        w->b = *b;
        flush(w);
        *b = w->b;
        w->b = keep;
    } else {
        put_bytes(&w->b, b->p, b->len, &oom);
    }
    w->rows += b->rows;
    b->len = 0;
    b->rows = 0;
    if (oom && !w->failed)
        w->failed = ENOMEM;
    return w->failed ? -1 : 0;
}

int rec_write_row(rec_writer *w, const rec_row *r)
{
    if (w->b.len > BUFSZ)
        flush(w);
    if (rec_buf_row(&w->b, r) && !w->failed)
        w->failed = ENOMEM;
    w->b.rows = 0;
    w->rows++;
    return w->failed ? -1 : 0;
}

unsigned long rec_writer_rows(const rec_writer *w)
{
    return w->rows;
}

void rec_mark(const rec_writer *w, rec_pos *p)
{
    p->bytes = w->flushed + (long long)w->b.len;
    p->rows = w->rows;
}

int rec_rewind(rec_writer *w, const rec_pos *p)
{
    flush(w);
    if (w->failed || w->fd <= 1 || ftruncate(w->fd, p->bytes) ||
        lseek(w->fd, p->bytes, SEEK_SET) < 0)
        return -1;
    w->flushed = p->bytes;
    w->rows = p->rows;
    return 0;
}

int rec_close(rec_writer *w, char *err, size_t errlen)
{
    int rc = 0, oom = 0;
    uint64_t rows;
    if (!w)
        return 0;
    rows = w->rows;
    put_u32(&w->b, END_MARK, &oom);
    put_bytes(&w->b, &rows, 8, &oom);
    if (oom && !w->failed)
        w->failed = ENOMEM;
    flush(w);
    if (w->fd > 1 && close(w->fd) && !w->failed)
        w->failed = errno;
    if (w->failed) {
        if (err)
            snprintf(err, errlen, "%s: cannot write: %s", w->path, strerror(w->failed));
        rc = -1;
    }
    rec_buf_free(&w->b);
    free(w->path);
    free(w);
    return rc;
}

/* --- reader ---------------------------------------------------------------- */

/* Makes n bytes available at r->buf + r->pos. 1, 0 at a clean end (no byte
 * left), -1 on a read error (errno) or a truncated file (errno 0). */
static int need(rec_reader *r, size_t n)
{
    while (r->end - r->pos < n) {
        ssize_t got;
        if (r->eof) {
            errno = 0;
            return r->end == r->pos ? 0 : -1;
        }
        if (r->pos && r->pos == r->end)
            r->pos = r->end = 0;
        if (r->pos + n > r->cap) {
            memmove(r->buf, r->buf + r->pos, r->end - r->pos);
            r->end -= r->pos;
            r->pos = 0;
        }
        if (grow_to(&r->buf, &r->cap, n, 1, BUFSZ)) {
            errno = ENOMEM;
            return -1;
        }
        if ((got = fdio_read(r->fd, r->buf + r->end, r->cap - r->end)) < 0)
            return -1;
        if (got == 0)
            r->eof = 1;
        r->end += (size_t)got;
        r->consumed += got;
    }
    return 1;
}

static int get_u32(rec_reader *r, uint32_t *v)
{
    if (need(r, 4) != 1)
        return -1;
    memcpy(v, r->buf + r->pos, 4);
    r->pos += 4;
    return 0;
}

/* A u16-prefixed string, NUL-terminated copy in *s. */
static int get_str16(rec_reader *r, char **s)
{
    uint16_t n;
    if (need(r, 2) != 1)
        return -1;
    memcpy(&n, r->buf + r->pos, 2);
    r->pos += 2;
    if (need(r, n) != 1 || !(*s = malloc((size_t)n + 1)))
        return -1;
    memcpy(*s, r->buf + r->pos, n);
    (*s)[n] = '\0';
    r->pos += n;
    return 0;
}

static int read_head(rec_reader *r)
{
    uint32_t version, klen, ncols, i, k = 0;
    if (need(r, MAGIC_LEN) != 1 || memcmp(r->buf, MAGIC, MAGIC_LEN))
        return -1;
    r->pos = MAGIC_LEN;
    if (get_u32(r, &version) || version != REC_VERSION || get_u32(r, &klen) || klen > 256 ||
        need(r, klen) != 1 || !(r->h.kind = strndup((char *)r->buf + r->pos, klen)))
        return -1;
    r->pos += klen;
    if (get_u32(r, &ncols) || ncols > REC_MAX_COLS)
        return -1;
    for (i = 0; i < ncols; i++) {
        unsigned char t;
        char *name = NULL;
        uint32_t nvals = 0;
        char **vals = NULL, **labels = NULL;
        int col;
        k = 0;
        if (need(r, 1) != 1)
            return -1;
        t = r->buf[r->pos++];
        if (!type_width((enum rec_type)t) || get_str16(r, &name))
            return free(name), -1;
        if (t == REC_CODE) {
            if (get_u32(r, &nvals) || nvals >= UINT16_MAX ||
                !(vals = calloc(nvals + 1, sizeof *vals)) ||
                !(labels = calloc(nvals + 1, sizeof *labels))) {
                free(name), free(vals), free(labels);
                return -1;
            }
            for (k = 0; k < nvals; k++)
                if (get_str16(r, &vals[k]) || get_str16(r, &labels[k]))
                    break;
        }
        col = k == nvals ? rec_head_add(&r->h, name, (enum rec_type)t, (const char *const *)vals,
                                        (const char *const *)labels, nvals)
                         : -1;
        for (k = 0; k < nvals; k++)
            free(vals[k]), free(labels[k]);
        free(vals), free(labels), free(name);
        if (col < 0)
            return -1;
        if (t == REC_CODE)
            for (k = 0; k < nvals; k++)
                if (!*r->h.cols[col].labels[k]) {
                    free(r->h.cols[col].labels[k]);
                    r->h.cols[col].labels[k] = NULL;
                }
    }
    return 0;
}

rec_reader *rec_open(const char *path, char *err, size_t errlen)
{
    rec_reader *r = calloc(1, sizeof *r);
    struct stat st;
    if (!r || !(r->path = strdup(path)) || !(r->buf = malloc(BUFSZ))) {
        if (r)
            free(r->path);
        free(r);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    r->cap = BUFSZ;
    r->fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
    if (r->fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        r->fd = -1;
        rec_close_reader(r);
        return NULL;
    }
    r->size = fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    errno = 0;
    if (read_head(r)) {
        snprintf(err, errlen, "%s: not a record file of format version %d%s%s", path, REC_VERSION,
                 errno ? ": " : "", errno ? strerror(errno) : "");
        rec_close_reader(r);
        return NULL;
    }
    r->toff = calloc(r->h.ntext + 1, sizeof *r->toff);
    if (!r->toff) {
        snprintf(err, errlen, "%s: out of memory", path);
        rec_close_reader(r);
        return NULL;
    }
    return r;
}

int rec_next(rec_reader *r, char *err, size_t errlen)
{
    uint32_t len;
    size_t i, off;
    int got;
    errno = 0; /* a malformed row is not an I/O error: no stale errno in its message */
    if (r->ended)
        return 0;
    got = need(r, 4);
    if (got == 0) {
        snprintf(err, errlen,
                 "%s: ends after row %lu without its end marker (cut short, or its "
                 "writer did not finish)",
                 r->path, r->row);
        return -1;
    }
    if (got < 0)
        goto bad;
    memcpy(&len, r->buf + r->pos, 4);
    if (len == END_MARK) {
        uint64_t rows;
        if (need(r, 12) != 1)
            goto bad;
        memcpy(&rows, r->buf + r->pos + 4, 8);
        r->pos += 12;
        if (rows != r->row || need(r, 1) != 0) {
            snprintf(err, errlen, "%s: the end marker says %llu rows where %lu were read%s",
                     r->path, (unsigned long long)rows, r->row,
                     rows == r->row ? ", and bytes follow it" : "");
            return -1;
        }
        r->ended = 1;
        return 0;
    }
    if (len < r->h.fixed || len > MAX_ROW || need(r, 4 + (size_t)len) != 1)
        goto bad;
    r->cur = r->buf + r->pos + 4;
    r->curlen = len;
    r->pos += 4 + (size_t)len;
    off = r->h.fixed;
    for (i = 0; i < r->h.ncols; i++) {
        const rec_col *c = &r->h.cols[i];
        uint16_t n;
        if (c->type == REC_TEXT) {
            memcpy(&n, r->cur + c->off, 2);
            r->toff[c->text_index] = off;
            off += n;
        } else if (c->type == REC_CODE) {
            memcpy(&n, r->cur + c->off, 2);
            if (n > c->nvals)
                goto bad;
        }
    }
    if (off != len)
        goto bad;
    r->row++;
    return 1;
bad:
    snprintf(err, errlen, "%s: row %lu: %s", r->path, r->row + 1,
             errno ? strerror(errno) : "truncated or malformed record");
    return -1;
}

int rec_need(const rec_reader *r, const char *name, enum rec_type type, char *err, size_t errlen)
{
    int c = rec_head_find(&r->h, name);
    if (c < 0 || r->h.cols[c].type != type) {
        snprintf(err, errlen, "%s: no column '%s' of the expected type", r->path, name);
        return -1;
    }
    return c;
}

double rec_fraction(const rec_reader *r)
{
    return r->size > 0 ? (double)r->consumed / (double)r->size : -1;
}

void rec_close_reader(rec_reader *r)
{
    if (!r)
        return;
    if (r->fd > 0)
        close(r->fd);
    rec_head_free(&r->h);
    free(r->toff);
    free(r->buf);
    free(r->path);
    free(r);
}

const char *rec_code_str(const rec_reader *r, int col)
{
    uint16_t v = rec_code(r, col);
    return v ? r->h.cols[col].vals[v - 1] : "";
}

/* --- dump ------------------------------------------------------------------ */

static void put_escaped(FILE *f, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
            fputc('\\', f);
            fputc(c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\', f);
        } else {
            fputc(c, f);
        }
    }
}

int rec_dump(rec_reader *r, void *out_file, char *err, size_t errlen)
{
    FILE *f = out_file;
    size_t i;
    int got;
    for (i = 0; i < r->h.ncols; i++) {
        if (i)
            fputc('\t', f);
        put_escaped(f, r->h.cols[i].name, strlen(r->h.cols[i].name));
    }
    fputc('\n', f);
    while ((got = rec_next(r, err, errlen)) == 1) {
        for (i = 0; i < r->h.ncols; i++) {
            const rec_col *c = &r->h.cols[i];
            if (i)
                fputc('\t', f);
            switch (c->type) {
            case REC_DATE: {
                date_t d = rec_date(r, (int)i);
                char b[16];
                if (d != DATE_NONE) {
                    date_format(d, b);
                    fputs(b, f);
                }
                break;
            }
            case REC_INT: {
                int64_t v = rec_int(r, (int)i);
                if (v != REC_INT_NONE)
                    fprintf(f, "%lld", (long long)v);
                break;
            }
            case REC_CODE: {
                const char *s = rec_code_str(r, (int)i);
                put_escaped(f, s, strlen(s));
                break;
            }
            case REC_TEXT: {
                size_t n;
                const char *s = rec_text(r, (int)i, &n);
                put_escaped(f, s, n);
                break;
            }
            case REC_ID128: {
                const unsigned char *id = rec_id(r, (int)i);
                char hex[33];
                size_t k, zero = 1;
                for (k = 0; k < 16; k++)
                    zero &= id[k] == 0;
                if (!zero) {
                    digest_hex(id, 16, hex);
                    fputs(hex, f);
                }
                break;
            }
            }
        }
        fputc('\n', f);
    }
    if (got < 0)
        return -1;
    if (fflush(f) || ferror(f)) {
        snprintf(err, errlen, "cannot write: %s", strerror(errno));
        return -1;
    }
    return 0;
}

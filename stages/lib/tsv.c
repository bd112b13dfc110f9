#include "tsv.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "fdio.h"
#include "grow.h"

/* The fuzz build (make fuzz) makes it small, like csvin's chunk. */
#ifndef TSV_BUFSZ
#define TSV_BUFSZ (1 << 20)
#endif

/* Splits a line in place into fields and unescapes them. */
static int split(tsvr *r, char *line, ssize_t len)
{
    char *p = line, *end = line + len, *out;
    if (len > 0 && end[-1] == '\n')
        end--;
    r->n = 0;
    for (;;) {
        char *start = p;
        if (r->n == TSV_MAX_FIELDS)
            return -1;
        out = p;
        while (p < end && *p != '\t') {
            if (*p == '\\' && p + 1 < end) {
                char c = p[1];
                *out++ = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
                p += 2;
            } else {
                *out++ = *p++;
            }
        }
        r->field[r->n] = start;
        r->len[r->n] = (size_t)(out - start);
        r->n++;
        if (p >= end) {
            *out = '\0';
            break;
        }
        *out = '\0';
        p++;
    }
    return 0;
}

/* The next line of the file in r->buf (LF excluded from len but present
 * when not at the end): 1, 0 at end of file, -1 on a read error. */
static int read_line(tsvr *r, char **line, ssize_t *len)
{
    for (;;) {
        char *nl = r->end > r->pos ? memchr(r->buf + r->pos, '\n', r->end - r->pos) : NULL;
        ssize_t got;
        if (nl) {
            *line = r->buf + r->pos;
            *len = nl - *line + 1;
            r->pos += (size_t)*len;
            return 1;
        }
        if (r->eof) {
            if (r->end == r->pos)
                return 0;
            *line = r->buf + r->pos;
            *len = (ssize_t)(r->end - r->pos);
            r->pos = r->end;
            return 1;
        }
        if (r->pos) {
            memmove(r->buf, r->buf + r->pos, r->end - r->pos);
            r->end -= r->pos;
            r->pos = 0;
        }
        /* room for one byte more and the NUL */
        if (grow_to(&r->buf, &r->cap, r->end + 2, 1, TSV_BUFSZ)) {
            errno = ENOMEM;
            return -1;
        }
        if ((got = fdio_read(r->fd, r->buf + r->end, r->cap - r->end - 1)) < 0)
            return -1;
        if (got == 0)
            r->eof = 1;
        r->end += (size_t)got;
        r->consumed += got;
    }
}

tsvr *tsvr_open(const char *path, char *err, size_t errlen)
{
    tsvr *r = calloc(1, sizeof *r);
    char *line;
    ssize_t len;
    size_t i;

    if (!r || !(r->path = strdup(path))) {
        free(r);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    r->fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
    if (r->fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        free(r->path);
        free(r);
        return NULL;
    }
    {
        struct stat st;
        r->size = fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    }
    if (read_line(r, &line, &len) != 1 || split(r, line, len)) {
        snprintf(err, errlen, "%s: no header line", path);
        tsvr_close(r);
        return NULL;
    }
    r->lineno = 1;
    r->ncols = r->n;
    for (i = 0; i < r->n; i++)
        r->header[i] = strdup(r->field[i]);
    return r;
}

int tsvr_next(tsvr *r, char *err, size_t errlen)
{
    char *line;
    ssize_t len;
    int got = read_line(r, &line, &len);
    if (got <= 0) {
        if (got < 0) {
            snprintf(err, errlen, "%s: read error: %s", r->path, strerror(errno));
            return -1;
        }
        return 0;
    }
    r->lineno++;
    if (split(r, line, len) || r->n != r->ncols) {
        snprintf(err, errlen, "%s:%lu: %zu fields, the header has %zu", r->path, r->lineno, r->n,
                 r->ncols);
        return -1;
    }
    return 1;
}

double tsvr_fraction(const tsvr *r)
{
    return r->size > 0 ? (double)r->consumed / (double)r->size : -1;
}

int tsvr_col(const tsvr *r, const char *name)
{
    size_t i;
    for (i = 0; i < r->ncols; i++)
        if (r->header[i] && !strcmp(r->header[i], name))
            return (int)i;
    return -1;
}

int tsvr_cols(const tsvr *r, const char *const *names, int *idx, size_t n, char *err, size_t errlen)
{
    size_t i;
    for (i = 0; i < n; i++)
        if ((idx[i] = tsvr_need(r, names[i], err, errlen)) < 0)
            return -1;
    return 0;
}

int tsvr_need(const tsvr *r, const char *name, char *err, size_t errlen)
{
    int c = tsvr_col(r, name);
    if (c < 0)
        snprintf(err, errlen, "%s: no column '%s'", r->path, name);
    return c;
}

void tsvr_close(tsvr *r)
{
    size_t i;
    if (!r)
        return;
    if (r->fd > 0)
        close(r->fd);
    for (i = 0; i < r->ncols; i++)
        free(r->header[i]);
    free(r->buf);
    free(r->path);
    free(r);
}

tsvw *tsvw_open(const char *path, char *err, size_t errlen)
{
    tsvw *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path)) || !(w->buf = malloc(TSV_BUFSZ))) {
        if (w)
            free(w->path);
        free(w);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    w->cap = TSV_BUFSZ;
    w->fd = strcmp(path, "-") ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
    if (w->fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        free(w->buf);
        free(w->path);
        free(w);
        return NULL;
    }
    return w;
}

tsvw *tsvw_mem(void)
{
    tsvw *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup("(memory)")) || !(w->buf = malloc(TSV_BUFSZ))) {
        if (w)
            free(w->path);
        free(w);
        return NULL;
    }
    w->fd = -1;
    w->cap = TSV_BUFSZ;
    return w;
}

void tsvw_mem_reset(tsvw *w)
{
    w->len = 0;
    w->fields = 0;
}

/* Writes the buffer out (a file) or makes room (memory); a failure is
 * remembered for tsvw_close. */
static void flush_buf(tsvw *w)
{
    size_t off = 0;
    if (w->fd < 0) {
        if (w->failed || grow_to(&w->buf, &w->cap, w->cap + 1, 1, TSV_BUFSZ)) {
            w->failed = ENOMEM;
            w->len = 0;
        }
        return;
    }
    if (!w->failed)
        w->failed = fdio_write_all(w->fd, w->buf, w->len, &off);
    w->flushed += (long long)off;
    w->len = 0;
}

static void put(tsvw *w, const char *s, size_t n)
{
    while (n) {
        size_t room = w->cap - w->len, k = n < room ? n : room;
        memcpy(w->buf + w->len, s, k);
        w->len += k;
        s += k;
        n -= k;
        if (w->len == w->cap)
            flush_buf(w);
    }
}

void tsvw_raw(tsvw *w, const char *s, size_t n)
{
    put(w, s, n);
}

void tsvw_field(tsvw *w, const char *s, size_t n)
{
    size_t i, start = 0;
    if (w->fd >= 0 && w->len + n + 2 > w->cap)
        flush_buf(w);
    if (w->fields++)
        put(w, "\t", 1);
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
            char esc[2] = {'\\', c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\'};
            put(w, s + start, i - start);
            put(w, esc, 2);
            start = i + 1;
        }
    }
    put(w, s + start, n - start);
}

void tsvw_str(tsvw *w, const char *s)
{
    tsvw_field(w, s ? s : "", s ? strlen(s) : 0);
}

void tsvw_long(tsvw *w, long v)
{
    char buf[24], *p = buf + sizeof buf;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    tsvw_field(w, p, (size_t)(buf + sizeof buf - p));
}

void tsvw_endrow(tsvw *w)
{
    put(w, "\n", 1);
    w->fields = 0;
}

long long tsvw_tell(const tsvw *w)
{
    return w->flushed + (long long)w->len;
}

int tsvw_rewind(tsvw *w, long long pos)
{
    if (w->fd < 0) {
        if (pos > (long long)w->len)
            return -1;
        w->len = (size_t)pos;
        return 0;
    }
    flush_buf(w);
    if (w->failed || w->fd == 1 || ftruncate(w->fd, pos) || lseek(w->fd, pos, SEEK_SET) < 0)
        return -1;
    w->flushed = pos;
    w->fields = 0;
    return 0;
}

int tsvw_close(tsvw *w, char *err, size_t errlen)
{
    int rc = 0;
    if (w->fd >= 0) {
        flush_buf(w);
        if (w->fd != 1 && close(w->fd) && !w->failed)
            w->failed = errno;
    }
    if (w->failed) {
        snprintf(err, errlen, "%s: write failed: %s", w->path, strerror(w->failed));
        rc = -1;
    }
    free(w->buf);
    free(w->path);
    free(w);
    return rc;
}

#include "tsv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TSV_BUFSZ (1 << 20)

/* Splits r->line in place into fields and unescapes them. */
static int split(tsvr *r, ssize_t len)
{
    char *p = r->line, *end = r->line + len, *out;
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

tsvr *tsvr_open(const char *path, char *err, size_t errlen)
{
    tsvr *r = calloc(1, sizeof *r);
    ssize_t len;
    size_t i;

    if (!r || !(r->path = strdup(path))) {
        free(r);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    r->f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!r->f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        free(r->path);
        free(r);
        return NULL;
    }
    setvbuf(r->f, NULL, _IOFBF, TSV_BUFSZ);
    len = getline(&r->line, &r->cap, r->f);
    if (len <= 0 || split(r, len)) {
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
    ssize_t len = getline(&r->line, &r->cap, r->f);
    if (len < 0) {
        if (ferror(r->f)) {
            snprintf(err, errlen, "%s: read error: %s", r->path, strerror(errno));
            return -1;
        }
        return 0;
    }
    r->lineno++;
    if (split(r, len) || r->n != r->ncols) {
        snprintf(err, errlen, "%s:%lu: %zu fields, the header has %zu", r->path, r->lineno, r->n,
                 r->ncols);
        return -1;
    }
    return 1;
}

int tsvr_col(const tsvr *r, const char *name)
{
    size_t i;
    for (i = 0; i < r->ncols; i++)
        if (r->header[i] && !strcmp(r->header[i], name))
            return (int)i;
    return -1;
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
    if (r->f && r->f != stdin)
        fclose(r->f);
    for (i = 0; i < r->ncols; i++)
        free(r->header[i]);
    free(r->line);
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
    w->f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
    if (!w->f) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        free(w->buf);
        free(w->path);
        free(w);
        return NULL;
    }
    if (w->f != stdout)
        setvbuf(w->f, w->buf, _IOFBF, TSV_BUFSZ);
    return w;
}

void tsvw_field(tsvw *w, const char *s, size_t n)
{
    size_t i, start = 0;
    if (w->fields++)
        putc('\t', w->f);
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
            fwrite(s + start, 1, i - start, w->f);
            putc('\\', w->f);
            putc(c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\', w->f);
            start = i + 1;
        }
    }
    fwrite(s + start, 1, n - start, w->f);
}

void tsvw_str(tsvw *w, const char *s)
{
    tsvw_field(w, s ? s : "", s ? strlen(s) : 0);
}

void tsvw_long(tsvw *w, long v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld", v);
    tsvw_field(w, buf, (size_t)n);
}

void tsvw_endrow(tsvw *w)
{
    putc('\n', w->f);
    w->fields = 0;
}

int tsvw_close(tsvw *w, char *err, size_t errlen)
{
    int rc = 0;
    if (fflush(w->f) || ferror(w->f))
        rc = -1;
    if (w->f != stdout) {
        if (fclose(w->f))
            rc = -1;
    }
    if (rc)
        snprintf(err, errlen, "%s: write failed: %s", w->path, strerror(errno ? errno : EIO));
    free(w->buf);
    free(w->path);
    free(w);
    return rc;
}

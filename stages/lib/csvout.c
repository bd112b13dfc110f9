#include "csvout.h"

#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "digest.h"

#define OUTBUF (1 << 16)

struct csvout {
    FILE *f;
    const char *path;
    int gz;
    z_stream zs;
    EVP_MD_CTX *md, *fmd; /* the content's digest, the file's */
    unsigned long long bytes;
    unsigned char in[OUTBUF];
    size_t inlen;
    unsigned char out[OUTBUF];
    int fields; /* fields in the current row */
    uint64_t rows;
    int failed;
};

static int flush_in(csvout *w, int finish)
{
    if (w->failed)
        return -1;
    if (w->inlen)
        EVP_DigestUpdate(w->md, w->in, w->inlen);
    if (!w->gz) {
        if (w->inlen && fwrite(w->in, 1, w->inlen, w->f) != w->inlen)
            goto io_error;
        EVP_DigestUpdate(w->fmd, w->in, w->inlen);
        w->bytes += w->inlen;
        w->inlen = 0;
        return 0;
    }
    w->zs.next_in = w->in;
    w->zs.avail_in = (uInt)w->inlen;
    for (;;) {
        int rc;
        size_t have;
        w->zs.next_out = w->out;
        w->zs.avail_out = OUTBUF;
        rc = deflate(&w->zs, finish ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_STREAM_ERROR) {
            errno = EIO;
            goto io_error;
        }
        have = OUTBUF - w->zs.avail_out;
        if (have && fwrite(w->out, 1, have, w->f) != have)
            goto io_error;
        EVP_DigestUpdate(w->fmd, w->out, have);
        w->bytes += have;
        if (finish ? rc == Z_STREAM_END : w->zs.avail_out != 0)
            break;
    }
    w->inlen = 0;
    return 0;
io_error:
    w->failed = errno ? errno : EIO;
    return -1;
}

csvout *csvout_open(const char *path, int gz, char *err, size_t errlen)
{
    csvout *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    w->path = path;
    w->gz = gz;
    w->md = EVP_MD_CTX_new();
    w->fmd = EVP_MD_CTX_new();
    if (!w->md || !EVP_DigestInit_ex(w->md, EVP_sha256(), NULL) || !w->fmd ||
        !EVP_DigestInit_ex(w->fmd, EVP_sha256(), NULL)) {
        snprintf(err, errlen, "%s: cannot initialise SHA-256", path);
        goto error;
    }
    if (gz && deflateInit2(&w->zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        snprintf(err, errlen, "%s: cannot initialise zlib", path);
        w->gz = 0;
        goto error;
    }
    w->f = fopen(path, "wb");
    if (!w->f) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        goto error;
    }
    return w;
error:
    if (w->gz)
        deflateEnd(&w->zs);
    EVP_MD_CTX_free(w->md);
    EVP_MD_CTX_free(w->fmd);
    free(w);
    return NULL;
}

static int put(csvout *w, const void *s, size_t n)
{
    const unsigned char *p = s;
    while (n) {
        size_t room = OUTBUF - w->inlen, k = n < room ? n : room;
        memcpy(w->in + w->inlen, p, k);
        w->inlen += k;
        p += k;
        n -= k;
        if (w->inlen == OUTBUF && flush_in(w, 0))
            return -1;
    }
    return w->failed ? -1 : 0;
}

int csvout_raw(csvout *w, const void *buf, size_t n)
{
    return put(w, buf, n);
}

int csvout_field(csvout *w, const char *s, size_t n)
{
    size_t i, start;
    int quote = 0;

    if (w->fields++ && put(w, ",", 1))
        return -1;
    for (i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
            quote = 1;
            break;
        }
    if (!quote)
        return put(w, s, n);
    if (put(w, "\"", 1))
        return -1;
    for (i = start = 0; i < n; i++)
        if (s[i] == '"') {
            if (put(w, s + start, i + 1 - start))
                return -1;
            start = i; /* the quote is written again: "" */
        }
    if (put(w, s + start, n - start))
        return -1;
    return put(w, "\"", 1);
}

int csvout_str(csvout *w, const char *s)
{
    return csvout_field(w, s ? s : "", s ? strlen(s) : 0);
}

int csvout_int(csvout *w, int64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%" PRId64, v);
    return csvout_field(w, buf, (size_t)n);
}

int csvout_endrow(csvout *w)
{
    w->fields = 0;
    w->rows++;
    return put(w, "\n", 1);
}

int csvout_close_stats(csvout *w, csvout_stats *st, char *err, size_t errlen)
{
    int rc = 0, saved;
    csvout_stats tmp;

    if (!st)
        st = &tmp;
    if (flush_in(w, 1))
        rc = -1;
    if (digest_final_hex(w->md, st->content_sha256) | digest_final_hex(w->fmd, st->sha256))
        rc = -1;
    st->rows = w->rows ? w->rows - 1 : 0;
    st->bytes = w->bytes;
    if (rc == 0 && (fflush(w->f) || fsync(fileno(w->f))))
        rc = -1, w->failed = errno;
    if (fclose(w->f) && rc == 0)
        rc = -1, w->failed = errno;
    if (rc)
        snprintf(err, errlen, "%s: write failed: %s", w->path,
                 strerror(w->failed ? w->failed : EIO));
    saved = w->failed;
    if (w->gz)
        deflateEnd(&w->zs);
    EVP_MD_CTX_free(w->md);
    EVP_MD_CTX_free(w->fmd);
    free(w);
    if (rc)
        errno = saved ? saved : EIO;
    return rc;
}

int csvout_close(csvout *w, uint64_t *rows, char *content_sha256, char *err, size_t errlen)
{
    csvout_stats st;
    int rc = csvout_close_stats(w, &st, err, errlen);
    if (rows)
        *rows = st.rows;
    if (content_sha256)
        memcpy(content_sha256, st.content_sha256, 65);
    return rc;
}

void csvout_abort(csvout *w)
{
    if (!w)
        return;
    fclose(w->f);
    if (w->gz)
        deflateEnd(&w->zs);
    EVP_MD_CTX_free(w->fmd);
    EVP_MD_CTX_free(w->md);
    free(w);
}

/* testutil.h: helpers shared by the cmocka unit tests (tests/unit/test_*.c): a temporary folder
 * per test binary, paths inside it, writing and reading whole files, reading a gzip file back.
 * Everything is static: each test binary is built from one .c file and includes this header
 * once. Failures are reported with cmocka's assertions, so call these from tests (or fixtures). */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <openssl/evp.h>

#include "yload.h"

/* The temporary folder of this test binary, set by tu_setup_tmpdir(). */
static char tu_tmpdir[64];

/* Creates /tmp/<prefix>_XXXXXX with mkdtemp into tu_tmpdir; 0, or -1 on failure. */
static inline int tu_setup_tmpdir(const char *prefix)
{
    if (snprintf(tu_tmpdir, sizeof tu_tmpdir, "/tmp/%s_XXXXXX", prefix) >= (int)sizeof tu_tmpdir)
        return -1;
    return mkdtemp(tu_tmpdir) ? 0 : -1;
}

/* cmocka group teardown: removes tu_tmpdir, its files and its empty sub-folders; 0 or -1. */
static inline int tu_teardown_tmpdir(void **state)
{
    (void)state;
    DIR *d = opendir(tu_tmpdir);
    struct dirent *e;
    char p[512];
    if (!d)
        return -1;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", tu_tmpdir, e->d_name);
        if (unlink(p))
            rmdir(p);
    }
    closedir(d);
    return rmdir(tu_tmpdir);
}

/* "tu_tmpdir/name" in one of eight rotating static buffers (valid for the next seven calls). */
static inline const char *tu_path(const char *name)
{
    static char bufs[8][256];
    static int k;
    char *b = bufs[k++ & 7];
    snprintf(b, 256, "%s/%s", tu_tmpdir, name);
    return b;
}

/* Appends n bytes to a growing NUL-terminated string *out of length *len. */
static inline void tu_append(char **out, size_t *len, const void *s, size_t n)
{
    char *p = realloc(*out, *len + n + 1);
    assert_non_null(p);
    memcpy(p + *len, s, n);
    *len += n;
    p[*len] = '\0';
    *out = p;
}

/* Appends formatted text the same way. */
static inline void tu_appendf(char **out, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void tu_appendf(char **out, size_t *len, const char *fmt, ...)
{
    char b[1024];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    tu_append(out, len, b, n < 0 ? 0 : (size_t)n >= sizeof b ? sizeof b - 1 : (size_t)n);
}

/* Writes data[0..len) to tu_path(name), replacing it; returns that path. */
static inline const char *tu_write_file(const char *name, const void *data, size_t len)
{
    const char *p = tu_path(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return p;
}

/* Writes the NUL-terminated s without its NUL; returns the path. */
static inline const char *tu_write_str(const char *name, const char *s)
{
    return tu_write_file(name, s, strlen(s));
}

/* Writes a string literal without its NUL (embedded NUL bytes kept); returns the path. */
#define TU_WRITE_STR(name, lit) tu_write_file(name, lit, sizeof(lit) - 1)

/* The whole file at path, malloc'd with a NUL after it; *len gets its size (NUL not counted). */
static inline void *tu_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *b;
    long n;
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* The inflated content of the gzip file at path, which must be exactly one member with nothing
 * after it; malloc'd with a NUL after it; *outlen (if not NULL) gets its size. */
static inline void *tu_gunzip(const char *path, size_t *outlen)
{
    size_t inlen, cap = 1 << 16, n = 0;
    unsigned char *in = tu_slurp(path, &inlen), *out = malloc(cap);
    z_stream zs;
    int rc;
    assert_non_null(out);
    memset(&zs, 0, sizeof zs);
    assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = in;
    zs.avail_in = (uInt)inlen;
    do {
        if (n == cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        zs.next_out = out + n;
        zs.avail_out = (uInt)(cap - n);
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END)
            fail_msg("%s: inflate error %d", path, rc);
        n = cap - zs.avail_out;
    } while (rc != Z_STREAM_END);
    /* a single member: the first member ends exactly at the end of the file */
    assert_int_equal(zs.avail_in, 0);
    inflateEnd(&zs);
    free(in);
    if (n == cap) {
        out = realloc(out, cap + 1);
        assert_non_null(out);
    }
    out[n] = '\0';
    if (outlen)
        *outlen = n;
    return out;
}

/* err must start with "path:line:col: " (line > 0), with "path:L:C: " for some L, C >= 1
 * (line < 0) or with "path:" (line 0), and must hold what (NULL: anything); else the test fails. */
static inline void tu_check_err_at(const char *err, const char *path, int line, int col,
                                   const char *what)
{
    char prefix[512];
    if (line > 0)
        snprintf(prefix, sizeof prefix, "%s:%d:%d: ", path, line, col);
    else
        snprintf(prefix, sizeof prefix, "%s:", path);
    if (strncmp(err, prefix, strlen(prefix)) != 0)
        fail_msg("message \"%s\" does not start with \"%s\"", err, prefix);
    if (line < 0) {
        int l = 0, c = 0;
        if (sscanf(err + strlen(prefix), "%d:%d: ", &l, &c) != 2 || l < 1 || c < 1)
            fail_msg("message \"%s\" has no line:col", err);
    }
    if (what && !strstr(err, what))
        fail_msg("message \"%s\" does not say \"%s\"", err, what);
}

/* Creates the folder tu_path(name) (an existing one is fine); returns its path. */
static inline const char *tu_mkdir(const char *name)
{
    const char *p = tu_path(name);
    if (mkdir(p, 0700) && errno != EEXIST)
        fail_msg("mkdir %s: %s", p, strerror(errno));
    return p;
}

/* Removes path and, for a folder, everything under it (symbolic links are not followed);
 * 0, or -1 when something could not be removed. */
static inline int tu_rm_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char p[1024];
    int rc = 0;
    if (lstat(path, &st))
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) ? -1 : 0;
    if (!(d = opendir(path)))
        return -1;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (snprintf(p, sizeof p, "%s/%s", path, e->d_name) >= (int)sizeof p || tu_rm_tree(p))
            rc = -1;
    }
    closedir(d);
    return rmdir(path) || rc ? -1 : 0;
}

/* cmocka group teardown: removes tu_tmpdir and everything under it, sub-folders included. */
static inline int tu_teardown_tmpdir_tree(void **state)
{
    (void)state;
    return tu_rm_tree(tu_tmpdir);
}

/* Writes data[0..len) gzip-compressed (one member, written here with zlib's deflate) to
 * tu_path(name), replacing it; returns that path. */
static inline const char *tu_write_gz(const char *name, const void *data, size_t len)
{
    const char *p = tu_path(name);
    size_t cap = len + len / 100 + 1024;
    unsigned char *out = malloc(cap);
    z_stream zs;
    FILE *f;
    assert_non_null(out);
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(out, 1, zs.total_out, f), zs.total_out);
    assert_int_equal(fclose(f), 0);
    deflateEnd(&zs);
    free(out);
    return p;
}

/* Lower-case hex SHA-256 of buf into out (65 bytes), computed with OpenSSL's
 * EVP, independently of the code under test. */
static inline void tu_sha256_hex(const void *buf, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0, i;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    assert_non_null(c);
    assert_true(EVP_DigestInit_ex(c, EVP_sha256(), NULL));
    assert_true(EVP_DigestUpdate(c, buf, len));
    assert_true(EVP_DigestFinal_ex(c, md, &mdlen));
    EVP_MD_CTX_free(c);
    assert_int_equal(mdlen, 32);
    for (i = 0; i < mdlen; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
}

/* A YAML file loaded with yload; fails the test (showing the file) when it
 * cannot be. Free with ydoc_free. */
static inline ydoc *tu_yload(const char *path)
{
    char err[512] = "";
    ydoc *d = yload_file(path, err, sizeof err);
    if (!d) {
        size_t len;
        char *text = tu_slurp(path, &len);
        fail_msg("yload_file(%s): %s\n%s", path, err, text ? text : "");
    }
    return d;
}

/* The value of key in a mapping; fails the test when it is absent. */
static inline const ynode *tu_yget(const ynode *m, const char *key)
{
    const ynode *v = ymap_get(m, key);
    if (!v)
        fail_msg("no key \"%s\"", key);
    return v;
}

#endif

#include "pseudo.h"

#include <errno.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "digest.h"
#include "grow.h"

struct pseudo {
    EVP_MAC *mac;
    EVP_MAC_CTX *ctx;
};

unsigned char *pseudo_read_key(const char *path, size_t *len, int *loose, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    struct stat st;

    *loose = 0;
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the key file: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) == 0)
        *loose = (st.st_mode & 077) != 0;
    for (;;) {
        size_t got;
        if (n == cap) {
            if (cap >= (1 << 20)) {
                snprintf(err, errlen, "%s: key file larger than 1 MiB", path);
                goto error;
            }
            if (grow_to(&buf, &cap, n + 1, 1, 256)) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto error;
            }
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: cannot read the key file", path);
        goto error;
    }
    fclose(f);
    if (n && buf[n - 1] == '\n') {
        n--;
        if (n && buf[n - 1] == '\r')
            n--;
    }
    if (n < PSEUDO_MIN_KEY) {
        snprintf(err, errlen, "%s: the key is %zu bytes long, at least %d are needed", path, n,
                 PSEUDO_MIN_KEY);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
error:
    fclose(f);
    free(buf);
    return NULL;
}

pseudo *pseudo_new(const unsigned char *key, size_t len)
{
    pseudo *p = calloc(1, sizeof *p);
    OSSL_PARAM params[2];
    char digest[] = "SHA256";

    if (!p)
        return NULL;
    p->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    p->ctx = p->mac ? EVP_MAC_CTX_new(p->mac) : NULL;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (!p->ctx || !EVP_MAC_init(p->ctx, key, len, params)) {
        pseudo_free(p);
        return NULL;
    }
    return p;
}

static int mac(pseudo *p, const char *msg, size_t len, unsigned char *md)
{
    size_t mdlen = 0;
    /* a NULL key keeps the one given to pseudo_new */
    if (!EVP_MAC_init(p->ctx, NULL, 0, NULL) ||
        !EVP_MAC_update(p->ctx, (const unsigned char *)msg, len) ||
        !EVP_MAC_final(p->ctx, md, &mdlen, 32) || mdlen != 32)
        return -1;
    return 0;
}

int pseudo_id_raw(pseudo *p, const char *msg, size_t len, unsigned char *out)
{
    unsigned char md[32];
    if (mac(p, msg, len, md))
        return -1;
    memcpy(out, md, 16);
    return 0;
}

int pseudo_id(pseudo *p, const char *msg, size_t len, char *out)
{
    unsigned char md[16];
    if (pseudo_id_raw(p, msg, len, md))
        return -1;
    digest_hex(md, 16, out);
    return 0;
}

int pseudo_fingerprint(pseudo *p, char *out)
{
    unsigned char md[32];
    if (mac(p, "fingerprint", 11, md))
        return -1;
    digest_hex(md, 32, out);
    return 0;
}

void pseudo_free(pseudo *p)
{
    if (!p)
        return;
    EVP_MAC_CTX_free(p->ctx);
    EVP_MAC_free(p->mac);
    free(p);
}

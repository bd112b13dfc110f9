/* digest.c: digests as lower-case hex. */
#include "digest.h"

void digest_hex(const unsigned char *md, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[2 * n] = '\0';
}

int digest_final_hex(EVP_MD_CTX *ctx, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_DigestFinal_ex(ctx, md, &n)) {
        out[0] = '\0';
        return -1;
    }
    digest_hex(md, n, out);
    return 0;
}

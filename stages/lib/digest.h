/* digest.h: digests written as text: the lower-case hex of spec/outputs.md
 * (manifest SHA-256s) and spec/inputs.md (pseudonyms), one spelling for
 * every hash the pipeline prints. */
#ifndef DIGEST_H
#define DIGEST_H

#include <stddef.h>

#include <openssl/evp.h>

/* SHA-256 in hex and its NUL. */
#define DIGEST_SHA256_HEX 65

/* digest_hex: the n bytes at md as 2n lower-case hex digits and a NUL into
 * out (2n + 1 bytes). */
void digest_hex(const unsigned char *md, size_t n, char *out);

/* digest_final_hex: finishes ctx (EVP_DigestFinal_ex) and writes the digest
 * in hex into out (2 * EVP_MAX_MD_SIZE + 1 bytes; 65 for SHA-256). 0, or -1
 * when libcrypto fails (out is then ""). Inline, so that digest.o itself
 * calls no libcrypto: a stage that only needs digest_hex (the record dump,
 * linked into every stage through rec.o) does not load libcrypto at start. */
static inline int digest_final_hex(EVP_MD_CTX *ctx, char *out)
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

#endif

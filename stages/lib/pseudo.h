/* pseudo.h: the apprentice pseudonym of spec/inputs.md: lower-case hex of
 * the first 16 bytes of HMAC-SHA256(key, N(nom) "|" N(prenom) "|" birth
 * date as YYYY-MM-DD), through OpenSSL's libcrypto. */
#ifndef PSEUDO_H
#define PSEUDO_H

#include <stddef.h>

#define PSEUDO_MIN_KEY 16

typedef struct pseudo pseudo;

/* pseudo_read_key: read a key file: its bytes less one trailing LF or CRLF.
 * Returns the malloc'ed key and its length, or NULL with a message (the
 * caller exits 78). *loose is set when others than the owner can read it. */
unsigned char *pseudo_read_key(const char *path, size_t *len, int *loose, char *err, size_t errlen);
pseudo *pseudo_new(const unsigned char *key, size_t len);
/* pseudo_id: out gets 32 hex digits and a NUL. 0, or -1 on a libcrypto error. */
int pseudo_id(pseudo *p, const char *msg, size_t len, char *out);
/* pseudo_id_raw: the same 16 bytes, not in hex. */
int pseudo_id_raw(pseudo *p, const char *msg, size_t len, unsigned char *out);
/* pseudo_fingerprint: HMAC-SHA256(key, "fingerprint") in hex (65 bytes). */
int pseudo_fingerprint(pseudo *p, char *out);
void pseudo_free(pseudo *p);

#endif

/* strmap.h: an open-addressing hash map from byte-string keys to size_t
 * values (a word-at-a-time multiply and xor-shift hash). Keys are copied into the map's own arena.
 */
#ifndef STRMAP_H
#define STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct strmap {
    struct strmap_slot *slots;
    size_t cap, n;
    char **chunks; /* key arena */
    size_t nchunks, used, chunk_cap;
} strmap;

#define STRMAP_ZERO                                                                                \
    {                                                                                              \
        0                                                                                          \
    }

/* strmap_put: insert key -> val when absent. Returns 1 when inserted, 0 when
 * the key was there (*old, when not NULL, points to its value, writable),
 * -1 when out of memory. */
int strmap_put(strmap *m, const char *key, size_t len, size_t val, size_t **old);
/* strmap_get: pointer to the value of key, or NULL. */
size_t *strmap_get(const strmap *m, const char *key, size_t len);
void strmap_free(strmap *m);
/* strmap_hash: the map's hash of a byte string (eight bytes at a time, multiply and
 * xor-shift). */
uint64_t strmap_hash(const char *s, size_t n);

#endif

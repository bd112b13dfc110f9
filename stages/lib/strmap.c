#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct strmap_slot {
    const char *key; /* NULL: empty */
    size_t len;
    uint64_t hash;
    size_t val;
};

#define CHUNK (1 << 20)

uint64_t strmap_hash(const char *s, size_t n)
{
    /* eight bytes at a time, each word mixed by a multiply and a shift
     * (the keys are short: contract numbers, event ids, values) */
    const uint64_t m = 0x9E3779B97F4A7C15ULL;
    uint64_t h = 0xCBF29CE484222325ULL ^ (uint64_t)n * m, w;
    while (n >= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * m;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    if (n) {
        w = 0;
        memcpy(&w, s, n);
        h = (h ^ w) * m;
        h ^= h >> 29;
    }
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 31);
}

static int rehash(strmap *m)
{
    size_t nc = m->cap ? 2 * m->cap : 1024, i;
    struct strmap_slot *ns = calloc(nc, sizeof *ns);
    if (!ns)
        return -1;
    for (i = 0; i < m->cap; i++) {
        struct strmap_slot *s = &m->slots[i];
        size_t j;
        if (!s->key)
            continue;
        for (j = s->hash & (nc - 1); ns[j].key; j = (j + 1) & (nc - 1))
            ;
        ns[j] = *s;
    }
    free(m->slots);
    m->slots = ns;
    m->cap = nc;
    return 0;
}

static const char *copy_key(strmap *m, const char *key, size_t len)
{
    char *p;
    if (!m->nchunks || m->used + len + 1 > m->chunk_cap) {
        size_t sz = len + 1 > CHUNK ? len + 1 : CHUNK;
        char **nc = realloc(m->chunks, (m->nchunks + 1) * sizeof *nc);
        if (!nc)
            return NULL;
        m->chunks = nc;
        if (!(nc[m->nchunks] = malloc(sz)))
            return NULL;
        m->nchunks++;
        m->used = 0;
        m->chunk_cap = sz;
    }
    p = m->chunks[m->nchunks - 1] + m->used;
    memcpy(p, key, len);
    p[len] = '\0';
    m->used += len + 1;
    return p;
}

int strmap_put(strmap *m, const char *key, size_t len, size_t val, size_t **old)
{
    uint64_t h = strmap_hash(key, len);
    size_t j;
    if ((m->n + 1) * 4 > m->cap * 3 && rehash(m))
        return -1;
    for (j = h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
        struct strmap_slot *s = &m->slots[j];
        if (s->hash == h && s->len == len && !memcmp(s->key, key, len)) {
            if (old)
                *old = &s->val;
            return 0;
        }
    }
    if (!(m->slots[j].key = copy_key(m, key, len)))
        return -1;
    m->slots[j].len = len;
    m->slots[j].hash = h;
    m->slots[j].val = val;
    m->n++;
    return 1;
}

size_t *strmap_get(const strmap *m, const char *key, size_t len)
{
    uint64_t h;
    size_t j;
    if (!m->cap)
        return NULL;
    h = strmap_hash(key, len);
    for (j = h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
        struct strmap_slot *s = &m->slots[j];
        if (s->hash == h && s->len == len && !memcmp(s->key, key, len))
            return &s->val;
    }
    return NULL;
}

void strmap_free(strmap *m)
{
    size_t i;
    for (i = 0; i < m->nchunks; i++)
        free(m->chunks[i]);
    free(m->chunks);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* utf8.c: strict UTF-8 decoding and validation. */
#include "utf8.h"

#include <string.h>

/* The allowed range of the first continuation byte after lead byte c (the
 * other continuation bytes are 80-BF): E0 and F0 exclude the overlong
 * forms, ED the surrogates, F4 what lies above U+10FFFF. Returns the
 * continuation bytes c wants, 0 when c cannot start a sequence. */
static int lead(unsigned c, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        return 1;
    if (c >= 0xE0 && c <= 0xEF) {
        if (c == 0xE0)
            *lo = 0xA0;
        else if (c == 0xED)
            *hi = 0x9F;
        return 2;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (c == 0xF0)
            *lo = 0x90;
        else if (c == 0xF4)
            *hi = 0x8F;
        return 3;
    }
    return 0;
}

size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char lo, hi;
    int k;
    uint32_t v;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    k = lead(p[0], &lo, &hi);
    if (k == 0 || n < (size_t)k + 1 || p[1] < lo || p[1] > hi)
        return 0;
    v = p[0] & (0x3F >> k);
    for (int i = 1; i <= k; i++) {
        if (i > 1 && (p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    *cp = v;
    return (size_t)k + 1;
}

void utf8_check_feed(utf8_check *v, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !v->bad) {
        unsigned char c = s[i];
        if (v->need) {
            if (c < v->lo || c > v->hi) {
                v->bad = 1;
                return;
            }
            v->lo = 0x80;
            v->hi = 0xBF;
            v->need--;
            i++;
            continue;
        }
        if (c < 0x80) {
            /* ASCII fast path, eight bytes at a time */
            while (i + 8 <= n) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ULL)
                    break;
                i += 8;
            }
            while (i < n && s[i] < 0x80)
                i++;
            continue;
        }
        if (!(v->need = lead(c, &v->lo, &v->hi))) {
            v->bad = 1;
            return;
        }
        i++;
    }
}

/* One pass, ASCII first (the report measures every cell it writes). n = 4
 * is safe on a NUL-terminated string: utf8_decode reads a sequence's bytes
 * in order and stops at the first that is no continuation byte, as NUL. */
long utf8_chars(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    long count = 0;
    uint32_t cp;

    for (;;) {
        while (*p && *p < 0x80)
            p++, count++;
        if (!*p)
            return count;
        size_t k = utf8_decode(p, 4, &cp);
        if (!k)
            return -1;
        p += k;
        count++;
    }
}

size_t utf8_prefix(const char *s, size_t max)
{
    size_t i = 0, n = 0;
    while (s[i] && n < max) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        n++;
    }
    return i;
}

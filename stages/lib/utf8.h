/* utf8.h: strict UTF-8 (RFC 3629: no overlong form, no surrogate, nothing
 * above U+10FFFF), the one reading of it for every module: decoding one
 * character, validating a stream chunk by chunk, counting and cutting
 * characters, encoding a code point. */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

/* utf8_decode: the well-formed sequence at p (n >= 1 bytes available): its
 * length (1-4) and *cp, or 0 when p does not start one (a lone
 * continuation byte, an overlong form, a surrogate, a sequence cut short by
 * n). NUL is a character like any other here. */
size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* A validation carried across chunks: a sequence may straddle two. */
typedef struct utf8_check {
    int need;             /* continuation bytes still expected */
    unsigned char lo, hi; /* allowed range of the next continuation byte */
    int bad;              /* an invalid byte was seen: sticky */
} utf8_check;
#define UTF8_CHECK_INIT                                                                            \
    {                                                                                              \
        0, 0x80, 0xBF, 0                                                                           \
    }

/* utf8_check_feed: validates the next n bytes of the stream (returns at
 * once once v->bad is set). */
void utf8_check_feed(utf8_check *v, const unsigned char *s, size_t n);
/* utf8_check_ok: 1 when everything fed is valid and no sequence is open. */
static inline int utf8_check_ok(const utf8_check *v)
{
    return !v->bad && !v->need;
}

/* utf8_valid: 1 when s[0..n) is valid UTF-8 (NUL bytes included), else 0.
 * Inline up to the first byte above 0x7F: the CSV reader checks every
 * field, and most are ASCII. */
static inline int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n && p[i] < 0x80)
        i++;
    if (i == n)
        return 1;
    utf8_check v = UTF8_CHECK_INIT;
    utf8_check_feed(&v, p + i, n - i);
    return utf8_check_ok(&v);
}

/* utf8_chars: the characters (code points) of the NUL-terminated s, or -1
 * when s is not valid UTF-8. */
long utf8_chars(const char *s);

/* utf8_prefix: the bytes of the first max characters of the valid UTF-8,
 * NUL-terminated s (all of s when it is shorter): a cut there never splits
 * a character. */
size_t utf8_prefix(const char *s, size_t max);

/* utf8_encode: writes cp (at most U+10FFFF, no surrogate) into out (4 bytes
 * of room) and returns the bytes written. Inline: the Windows-1252 reader
 * calls it for every byte above 0x7F. */
static inline size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

#endif

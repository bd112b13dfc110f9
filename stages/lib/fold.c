/* fold.c: F() and N() of spec/inputs.md ("Folding text"), and the spec's white space. */
#include "fold.h"

#include <stdint.h>

#include "utf8.h"

/*
 * The committed folding table, indexed by code point - FOLD_FIRST, for
 * U+00A0..U+017F (the non-ASCII part of Latin-1 Supplement, and Latin
 * Extended-A). Each entry is the ASCII spelling of that letter, already
 * lower-cased since F() lower-cases next; "" deletes the character.
 * Non-letters (NBSP, punctuation, symbols, ×, ÷, superscript digits) and
 * the micro sign µ are deleted; the ordinal indicators ª and º are the
 * only letters below U+00C0 that the spec folds.
 * Choices beyond the spec's examples: ĸ (kra) → k, ŉ → n, Ŋ ŋ (eng) → ng,
 * ſ (long s) → s, ı (dotless i) and İ → i.
 */
#define FOLD_FIRST 0x00A0u
#define FOLD_LAST 0x017Fu

/* clang-format off */
static const char fold_table[FOLD_LAST - FOLD_FIRST + 1][3] = {
    /* U+00A0  NBSP ¡ ¢ £ ¤ ¥ ¦ § */  "",  "",  "",  "",  "",  "",  "",  "",
    /* U+00A8  ¨ © ª « ¬ SHY ® ¯  */  "",  "",  "a", "",  "",  "",  "",  "",
    /* U+00B0  ° ± ² ³ ´ µ ¶ ·    */  "",  "",  "",  "",  "",  "",  "",  "",
    /* U+00B8  ¸ ¹ º » ¼ ½ ¾ ¿    */  "",  "",  "o", "",  "",  "",  "",  "",
    /* U+00C0  À Á Â Ã Ä Å Æ Ç    */  "a", "a", "a", "a", "a", "a", "ae", "c",
    /* U+00C8  È É Ê Ë Ì Í Î Ï    */  "e", "e", "e", "e", "i", "i", "i", "i",
    /* U+00D0  Ð Ñ Ò Ó Ô Õ Ö ×    */  "d", "n", "o", "o", "o", "o", "o", "",
    /* U+00D8  Ø Ù Ú Û Ü Ý Þ ß    */  "o", "u", "u", "u", "u", "y", "th", "ss",
    /* U+00E0  à á â ã ä å æ ç    */  "a", "a", "a", "a", "a", "a", "ae", "c",
    /* U+00E8  è é ê ë ì í î ï    */  "e", "e", "e", "e", "i", "i", "i", "i",
    /* U+00F0  ð ñ ò ó ô õ ö ÷    */  "d", "n", "o", "o", "o", "o", "o", "",
    /* U+00F8  ø ù ú û ü ý þ ÿ    */  "o", "u", "u", "u", "u", "y", "th", "y",
    /* U+0100  Ā ā Ă ă Ą ą Ć ć    */  "a", "a", "a", "a", "a", "a", "c", "c",
    /* U+0108  Ĉ ĉ Ċ ċ Č č Ď ď    */  "c", "c", "c", "c", "c", "c", "d", "d",
    /* U+0110  Đ đ Ē ē Ĕ ĕ Ė ė    */  "d", "d", "e", "e", "e", "e", "e", "e",
    /* U+0118  Ę ę Ě ě Ĝ ĝ Ğ ğ    */  "e", "e", "e", "e", "g", "g", "g", "g",
    /* U+0120  Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ    */  "g", "g", "g", "g", "h", "h", "h", "h",
    /* U+0128  Ĩ ĩ Ī ī Ĭ ĭ Į į    */  "i", "i", "i", "i", "i", "i", "i", "i",
    /* U+0130  İ ı Ĳ ĳ Ĵ ĵ Ķ ķ    */  "i", "i", "ij", "ij", "j", "j", "k", "k",
    /* U+0138  ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ    */  "k", "l", "l", "l", "l", "l", "l", "l",
    /* U+0140  ŀ Ł ł Ń ń Ņ ņ Ň    */  "l", "l", "l", "n", "n", "n", "n", "n",
    /* U+0148  ň ŉ Ŋ ŋ Ō ō Ŏ ŏ    */  "n", "n", "ng", "ng", "o", "o", "o", "o",
    /* U+0150  Ő ő Œ œ Ŕ ŕ Ŗ ŗ    */  "o", "o", "oe", "oe", "r", "r", "r", "r",
    /* U+0158  Ř ř Ś ś Ŝ ŝ Ş ş    */  "r", "r", "s", "s", "s", "s", "s", "s",
    /* U+0160  Š š Ţ ţ Ť ť Ŧ ŧ    */  "s", "s", "t", "t", "t", "t", "t", "t",
    /* U+0168  Ũ ũ Ū ū Ŭ ŭ Ů ů    */  "u", "u", "u", "u", "u", "u", "u", "u",
    /* U+0170  Ű ű Ų ų Ŵ ŵ Ŷ ŷ    */  "u", "u", "u", "u", "w", "w", "y", "y",
    /* U+0178  Ÿ Ź ź Ż ż Ž ž ſ    */  "y", "z", "z", "z", "z", "z", "z", "s",
};
/* clang-format on */

/* F() of one ASCII byte, upper-cased when upper: the character, or 0 to delete it. */
static inline char fold_ascii(unsigned c, int upper)
{
    if (c - '0' < 10u)
        return (char)c;
    if (c - 'a' < 26u)
        return (char)(upper ? c - 32 : c);
    if (c - 'A' < 26u)
        return (char)(upper ? c : c + 32);
    return 0;
}

/* Shared body of fold_F and fold_N (upper != 0), with their contract. */
static size_t fold_run(const char *s, size_t len, char *out, size_t cap, int upper)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    size_t n = 0;

    while (p < end) {
        if (*p < 0x80) {
            char o = fold_ascii(*p++, upper);
            if (o) {
                if (n + 1 < cap)
                    out[n] = o;
                n++;
            }
            continue;
        }
        uint32_t cp;
        size_t sl = utf8_decode(p, (size_t)(end - p), &cp);
        if (sl == 0) {
            p++;
            continue;
        }
        p += sl;
        if (cp < FOLD_FIRST || cp > FOLD_LAST)
            continue;
        for (const char *m = fold_table[cp - FOLD_FIRST]; *m; m++) {
            if (n + 1 < cap)
                out[n] = upper ? (char)(*m - 32) : *m;
            n++;
        }
    }
    if (cap > 0)
        out[n < cap ? n : cap - 1] = '\0';
    return n;
}

size_t fold_F(const char *s, size_t len, char *out, size_t cap)
{
    return fold_run(s, len, out, cap, 0);
}

size_t fold_N(const char *s, size_t len, char *out, size_t cap)
{
    return fold_run(s, len, out, cap, 1);
}

int fold_is_space(const char *s, size_t n, size_t *seqlen)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t l = 0;

    if (n >= 1 && (p[0] == 0x20 || p[0] == 0x09))
        l = 1;
    else if (n >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
        l = 2;
    else if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xAF)
        l = 3;
    if (seqlen)
        *seqlen = l;
    return l != 0;
}

/* Byte length of the spec white space ending s[0..n), 0 when there is none.
 * C2 and E2 are lead bytes, never continuation bytes, so a match here is the
 * same character a forward decoder would see. */
static size_t space_before(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[n - 1] == 0x20 || s[n - 1] == 0x09))
        return 1;
    if (n >= 2 && s[n - 2] == 0xC2 && s[n - 1] == 0xA0)
        return 2;
    if (n >= 3 && s[n - 3] == 0xE2 && s[n - 2] == 0x80 && s[n - 1] == 0xAF)
        return 3;
    return 0;
}

const char *fold_trim(const char *s, size_t *len)
{
    size_t n = *len, l;

    while (fold_is_space(s, n, &l)) {
        s += l;
        n -= l;
    }
    while ((l = space_before((const unsigned char *)s, n)) != 0)
        n -= l;
    *len = n;
    return s;
}

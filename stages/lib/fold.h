/* fold.h: the one text-folding function F() of spec/inputs.md, and N(). */
#ifndef FOLD_H
#define FOLD_H

#include <stddef.h>

/*
 * fold_F: write F(s) of the UTF-8 text s[0..len) into out (capacity cap,
 * always NUL-terminated when cap > 0). Letters of Latin-1 Supplement and
 * Latin Extended-A map to ASCII through a committed table (é→e, œ→oe, ß→ss,
 * þ→th, º→o, ª→a ...), then lower-case; every character outside a-z 0-9 is
 * deleted. Invalid UTF-8 bytes are deleted. Returns the length F(s) would
 * have (like snprintf): the output is truncated when that is >= cap.
 */
size_t fold_F(const char *s, size_t len, char *out, size_t cap);

/* fold_N: N(s) = F(s) upper-cased, same contract as fold_F. */
size_t fold_N(const char *s, size_t len, char *out, size_t cap);

/* fold_is_space: 1 when the UTF-8 sequence at s (n bytes available) is one
 * of the spec's white-space characters U+0020 U+0009 U+00A0 U+202F; stores its
 * byte length in *seqlen. */
int fold_is_space(const char *s, size_t n, size_t *seqlen);

/* fold_trim: trim spec white space at both ends of s[0..*len); returns the
 * new start and updates *len. */
const char *fold_trim(const char *s, size_t *len);

#endif

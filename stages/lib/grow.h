/* grow.h: room in a malloc'ed array that is appended to, by doubling its
 * capacity (amortised constant time per item), for every module that
 * collects items whose number it does not know in advance. */
#ifndef GROW_H
#define GROW_H

#include <stddef.h>

/* grow_to_slow: grow_to once the room is short; not for direct use. */
int grow_to_slow(void *array, size_t *cap, size_t need, size_t elem, size_t first);

/*
 * grow_to: makes *array (a T ** passed as void *, T of size elem) hold at
 * least need items. When *cap is short it reallocates: to first items (the
 * caller's guess of a usual size; at least 1) when *cap is 0, else to twice
 * *cap, doubled again until need fits; *cap is updated and the items
 * already there are kept. 0, or -1 when out of memory (or when the size
 * would overflow), with *array and *cap unchanged. Inline: the CSV reader
 * calls it for every field, and almost always has room.
 */
static inline int grow_to(void *array, size_t *cap, size_t need, size_t elem, size_t first)
{
    return need <= *cap ? 0 : grow_to_slow(array, cap, need, elem, first);
}

#endif

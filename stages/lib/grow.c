/* grow.c: arrays grown by doubling. */
#include "grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* array is read and written with memcpy: it points to a T *, not to a
 * void *, and the two need not be accessed through one another's type. */
int grow_to_slow(void *array, size_t *cap, size_t need, size_t elem, size_t first)
{
    size_t nc = *cap ? 2 * *cap : first ? first : 1, bytes;
    void *p;

    if (*cap > SIZE_MAX / 2)
        goto too_big;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            goto too_big;
        nc *= 2;
    }
    if (elem && nc > SIZE_MAX / elem)
        goto too_big;
    bytes = nc * elem;
    memcpy(&p, array, sizeof p);
    if (!(p = realloc(p, bytes ? bytes : 1)))
        return -1;
    memcpy(array, &p, sizeof p);
    *cap = nc;
    return 0;
too_big:
    errno = ENOMEM;
    return -1;
}

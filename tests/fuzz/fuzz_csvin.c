/* fuzz_csvin.c: the CSV reader (stages/lib/csvin.c) on any bytes. The first
 * byte chooses how: bits 0-1 the encoding (detect, UTF-8, Windows-1252),
 * bits 2-4 the delimiter (detect, ';', ',', tab, '|'), bit 5 gzip the rest
 * first (so that the fuzzer reaches the decompressing paths and the
 * expansion bound), bit 6 a small max_expansion (2). Every row and the
 * position of every field of a row are read, fields trimmed. */
#include <zlib.h>

#include "csvin.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_setup("csvin");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[8] = {0, ';', ',', '\t', '|', 0, 0, 0};
    enum csvin_encoding enc;
    const char *path;
    csvin_err e;
    csvin_row *row;
    csvin *r;
    unsigned long rows = 0;
    uint8_t mode;

    if (size < 1)
        return 0;
    mode = data[0];
    data++, size--;
    enc = (enum csvin_encoding)((mode & 3) % 3);
    if (mode & 0x20) {
        uLongf n = compressBound((uLong)size) + 32;
        unsigned char *gz = malloc(n);
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        if (!gz || deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            free(gz);
            return 0;
        }
        zs.next_in = (unsigned char *)(uintptr_t)data;
        zs.avail_in = (uInt)size;
        zs.next_out = gz;
        zs.avail_out = (uInt)n;
        deflate(&zs, Z_FINISH);
        path = fuzz_write("in.csv.gz", gz, zs.total_out);
        deflateEnd(&zs);
        free(gz);
    } else {
        path = fuzz_write("in.csv", data, size);
    }
    r = csvin_open_bounded(path, enc, delims[(mode >> 2) & 7], mode & 0x40 ? 2 : 0, &e);
    if (!r)
        return 0;
    while (csvin_next(r, &row, &e) == 1 && rows++ < 100000) {
        for (size_t k = 0; k < row->n; k++) {
            unsigned long line, col;
            size_t n = row->len[k];
            csvin_field_pos(r, k, &line, &col);
            /* a field starts at or after its record; NUL bytes come out as
             * U+FFFD, so a field's length is that of its text */
            if (line < row->line || col < 1 || strlen(row->f[k]) != n)
                abort();
            csvin_trim(row->f[k], &n);
        }
    }
    (void)csvin_fraction(r);
    (void)csvin_bytes(r);
    csvin_close(r);
    return 0;
}

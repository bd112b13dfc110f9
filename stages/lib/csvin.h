/* csvin.h: reading one input CSV file as spec/inputs.md describes it:
 * plain or gzip (also multi-member, detected by its first bytes), UTF-8
 * with or without BOM or Windows-1252 by the detection rule, one of four
 * delimiters (detected from the header line), RFC 4180 quoting through
 * libcsv, physical line numbers, blank lines skipped, fields limited to
 * 65 536 bytes. Fields come out in UTF-8. */
#ifndef CSVIN_H
#define CSVIN_H

#include <stddef.h>

#include "apperr.h"

#define CSVIN_MAX_FIELD 65536
/* The longest field csvin hands out, in bytes: each input byte becomes at
 * most 3 UTF-8 bytes (a Windows-1252 letter, U+FFFD for an undefined or
 * invalid byte), so what the pipeline writes from a field is at most this. */
#define CSVIN_MAX_DECODED (3 * CSVIN_MAX_FIELD)
/* spec/inputs.md "Size": the default of the configuration's max_expansion */
#define CSVIN_DEFAULT_MAX_EXPANSION 100.0

/* CSVIN_AUTO detects the encoding in a first pass over the whole file;
 * CSVIN_AUTO_LAZY reads the file as UTF-8 at once and checks each field as it
 * is parsed: when csvin_not_utf8 says a field was not, the file is
 * Windows-1252 and its rows must be read again with CSVIN_CP1252 (the same
 * outcome as the first pass, without reading the file twice when it is
 * UTF-8: every byte above 0x7F of a file lies in some field). A gzip file
 * always gets the first pass: inflating alone stops a decompression bomb
 * (max_expansion) much sooner than parsing it would. */
enum csvin_encoding { CSVIN_AUTO = 0, CSVIN_UTF8 = 1, CSVIN_CP1252 = 2, CSVIN_AUTO_LAZY = 3 };

/* A file-level error: what went wrong (APPERR_DATA for the file's content,
 * APPERR_READ when it cannot be opened or read, APPERR_NOMEM), the place
 * (line and column 1-based, 0 when there is none) and a message. */
typedef struct csvin_err {
    enum apperr err;
    unsigned long line, col;
    char msg[512];
} csvin_err;

/* One record. Strings are NUL-terminated UTF-8, valid until the next call.
 * bad[i] is 1 when field i held an undefined Windows-1252 byte (0x81 0x8D
 * 0x8F 0x90 0x9D) or a NUL byte; such bytes are given as U+FFFD. */
typedef struct csvin_row {
    unsigned long line; /* physical line where the record starts */
    size_t n;
    char **f;
    size_t *len;
    unsigned char *bad;
} csvin_row;

typedef struct csvin csvin;

/*
 * csvin_open: open path and detect its encoding and delimiter (a first pass
 * over the whole decompressed file when the encoding is CSVIN_AUTO).
 * delim 0 means detect. Returns NULL and fills e on failure.
 */
csvin *csvin_open(const char *path, enum csvin_encoding enc, char delim, csvin_err *e);
/*
 * csvin_open_bounded: csvin_open where a gzip file whose decompressed size
 * exceeds max_expansion times its size on disk is a file-level error (APPERR_DATA,
 * no place), met while decompressing, in the first pass already (a
 * decompression bomb stops after that many bytes, not at its end).
 * max_expansion 0: no bound (csvin_open). Plain files are never bounded.
 */
csvin *csvin_open_bounded(const char *path, enum csvin_encoding enc, char delim,
                          double max_expansion, csvin_err *e);
enum csvin_encoding csvin_encoding(const csvin *r);
char csvin_delim(const csvin *r);
/* csvin_set_max_field: the longest field accepted, in the file's bytes
 * (CSVIN_MAX_FIELD unless set): a reader of the pipeline's own CSVs sets
 * CSVIN_MAX_DECODED, the longest field the pipeline can write. */
void csvin_set_max_field(csvin *r, size_t max);
/* csvin_bytes: the decompressed bytes the parsing pass has read so far. */
unsigned long long csvin_bytes(const csvin *r);

/* Fraction of the (compressed) file read so far, 0 to 1, or -1 when unknown. */
double csvin_fraction(const csvin *r);

/* csvin_next: the next record (the first one is the header). Returns 1
 * with *row set, 0 at end of file, -1 on a file-level error (e filled). */
int csvin_next(csvin *r, csvin_row **row, csvin_err *e);
/* csvin_field_pos: line and character column where field k (0-based) of
 * the record csvin_next returned last starts (for messages about it). */
void csvin_field_pos(csvin *r, size_t k, unsigned long *line, unsigned long *col);
void csvin_close(csvin *r);

/*
 * Blocks: the rows of a file parsed on several threads. One thread cuts the
 * decompressed file into blocks of whole records (csvin_next_block, after
 * the header was read with csvin_next); each block is parsed on its own
 * (csvin_block_open, then csvin_next as for a file), with the same physical
 * line numbers, white-space, blank-line, encoding and length rules, so that
 * the rows and errors are those a single reader would find, in order.
 */
typedef struct csvin_block {
    unsigned char *data; /* its bytes (owned by the block: free(data)) */
    size_t len, cap;
    unsigned long line; /* physical line number of its first byte */
    int last;           /* nothing follows it (end of file, or an error) */
} csvin_block;

/* 1 when the reader is between records and can be split from here. */
int csvin_can_split(const csvin *r);
/* csvin_next_block: the next block of whole records of about target
 * bytes. 1, 0 at end of file, -1 on a file-level error (e filled), which
 * comes after the block holding the rows before it. */
int csvin_next_block(csvin *r, csvin_block *b, size_t target, csvin_err *e);
/* csvin_block_open: a reader of one block's rows (the block must outlive
 * it). NULL with e filled when out of memory. */
csvin *csvin_block_open(const csvin *parent, const csvin_block *b, csvin_err *e);
/* 1 when a CSVIN_AUTO_LAZY reader (or a reader of one of its blocks) met a
 * field that is not UTF-8: read the file again as CSVIN_CP1252. */
int csvin_not_utf8(const csvin *r);
/* 1 when a block's reader, at its end, was between records (always, unless
 * the splitter and the parser disagree: an internal error). */
int csvin_block_ended_cleanly(const csvin *r);

/* Spec white space at both ends of s[0..*n) removed in place (returns s moved). */
char *csvin_trim(char *s, size_t *n);

#endif

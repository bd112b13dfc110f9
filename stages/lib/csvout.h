/* csvout.h: deterministic gzip CSV output (spec/outputs.md "CSV
 * conventions" and "gzip"): UTF-8, ',' separator, LF, RFC 4180 quoting only
 * where needed; a single gzip member, no file name, mtime 0. The writer also
 * counts data rows and hashes the uncompressed content for the manifest. */
#ifndef CSVOUT_H
#define CSVOUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct csvout csvout;

/* csvout_open: create path (truncating). gzip when gz is 1, plain otherwise.
 * Returns NULL with a message in err on failure (errno kept). */
csvout *csvout_open(const char *path, int gz, char *err, size_t errlen);
/* Append one field to the current row (quoted when it holds ',', '"', CR or LF). */
int csvout_field(csvout *w, const char *s, size_t n);
int csvout_str(csvout *w, const char *s); /* NUL-terminated; NULL is empty */
int csvout_int(csvout *w, int64_t v);
/* End the current row with LF. The first row written is the header: it is
 * not counted in csvout_rows. */
int csvout_endrow(csvout *w);
/* Write raw bytes as they are (already formatted CSV). */
int csvout_raw(csvout *w, const void *buf, size_t n);
/* Flush, fsync and close. Returns 0, or -1 with a message (errno kept).
 * Frees w in both cases. Stats, when not NULL, get the data-row count and
 * the lower-case hex SHA-256 of the uncompressed content (65 bytes). */
int csvout_close(csvout *w, uint64_t *rows, char *content_sha256, char *err, size_t errlen);
/* What the writer knows of the file it wrote, for the manifest. */
typedef struct csvout_stats {
    uint64_t rows;                       /* data rows (the header excluded) */
    unsigned long long bytes;            /* of the file */
    char sha256[65], content_sha256[65]; /* of the file, of its uncompressed content */
} csvout_stats;
/* csvout_close_stats: csvout_close that reports everything (st may be NULL). */
int csvout_close_stats(csvout *w, csvout_stats *st, char *err, size_t errlen);
/* Abandon: close and free without flushing (the caller removes the file). */
void csvout_abort(csvout *w);

#endif

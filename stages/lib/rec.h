/* rec.h: the typed records that flow between stages. A record file is a
 * header (magic, format version, the kind of rows, the column list with each
 * column's type and, for coded columns, the dictionary of their values and
 * labels), then rows. Values are stored as the stages use them: dates as day
 * numbers, codes as small integers resolved once against the reference
 * tables and the schemas, so no later stage parses text or loads a table to
 * read them. `dump` (stages/dump.c) prints any record file as TSV with its
 * column names.
 *
 * Layout (host byte order: the files live and die within one run on one
 * machine):
 *   "APPREC\n" NUL, u32 version, u32 kind length, kind, u32 ncols, then per
 *   column: u8 type, u16 name length, name, and for REC_CODE a u32 count of
 *   values and per value u16 length, bytes, u16 label length, label bytes.
 *   Each row: u32 length of what follows, then the fixed part (per column in
 *   order: DATE 4 bytes, INT 8, CODE 2, ID128 16, TEXT a u16 length), then
 *   the TEXT values' bytes in column order. Last, the end marker: u32
 *   0xFFFFFFFF, then u64 the number of rows; nothing after it. A file without
 *   it (a writer that did not finish, a copy cut short at a row's end) is
 *   refused, not read as whole.
 * Missing values: DATE_NONE, INT64_MIN, code 0 (codes are 1 + the index in
 * the dictionary), an all-zero ID128, an empty TEXT. */
#ifndef REC_H
#define REC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "values.h"

#define REC_VERSION 2
#define REC_MAX_COLS 128
#define REC_MAX_TEXT 65535     /* a TEXT value longer than this is cut */
#define REC_INT_NONE INT64_MIN /* a missing INT */

enum rec_type { REC_DATE = 1, REC_INT = 2, REC_CODE = 3, REC_TEXT = 4, REC_ID128 = 5 };

/* One column: its name, type and, for REC_CODE, its dictionary. */
typedef struct rec_col {
    char *name;
    enum rec_type type;
    size_t nvals;
    char **vals, **labels; /* label NULL when none */
    size_t off;            /* offset of its fixed part in a row */
    int text_index;        /* REC_TEXT: rank among the text columns, else -1 */
} rec_col;

/* The column list of a file (the header). */
typedef struct rec_head {
    char *kind;
    rec_col cols[REC_MAX_COLS];
    size_t ncols, fixed; /* columns, bytes of a row's fixed part */
    size_t ntext;
} rec_head;

/* rec_head_add: append a column; vals/labels (nvals each, labels may be
 * NULL) are copied. The column's index, or -1 when out of memory or full. */
int rec_head_add(rec_head *h, const char *name, enum rec_type type, const char *const *vals,
                 const char *const *labels, size_t nvals);
/* rec_head_find: index of a column, or -1. */
int rec_head_find(const rec_head *h, const char *name);
/* rec_code_of: the code (1 + index) of value s in a coded column, 0 when absent. */
uint16_t rec_code_of(const rec_col *c, const char *s, size_t n);
void rec_head_free(rec_head *h);

/* --- building rows --------------------------------------------------------- */

/* A row being built: set each column, then append it to a buffer. */
typedef struct rec_row {
    const rec_head *h;
    unsigned char *fixed;
    const char **text;
    size_t *tlen;
} rec_row;

int rec_row_init(rec_row *r, const rec_head *h); /* 0 or -1 (out of memory) */
void rec_row_free(rec_row *r);
void rec_row_clear(rec_row *r); /* every column missing */
void rec_set_date(rec_row *r, int col, date_t d);
void rec_set_int(rec_row *r, int col, int64_t v);
void rec_set_code(rec_row *r, int col, uint16_t code);
void rec_set_id(rec_row *r, int col, const unsigned char id[16]);
/* The text must stay valid until the row is appended. */
void rec_set_text(rec_row *r, int col, const char *s, size_t n);

/* A growing byte buffer of rows (one per batch of ingest's parallel reading). */
typedef struct rec_buf {
    unsigned char *p;
    size_t len, cap;
    unsigned long rows;
} rec_buf;

/* rec_buf_row: append the row. 0, or -1 when out of memory. */
int rec_buf_row(rec_buf *b, const rec_row *r);
void rec_buf_free(rec_buf *b);

/* --- writing files --------------------------------------------------------- */

typedef struct rec_writer rec_writer;

/* rec_create: create path ("-" for stdout) and write the header. NULL with
 * a message on failure. */
rec_writer *rec_create(const char *path, const rec_head *h, char *err, size_t errlen);
/* rec_write_buf: append the rows of a buffer (then empties it). 0, or -1
 * once a write has failed (rec_write_errno says why). */
int rec_write_buf(rec_writer *w, rec_buf *b);
/* rec_write_errno: the errno of the first failed write (ENOMEM when memory
 * was short), 0 while none has failed. */
int rec_write_errno(const rec_writer *w);
int rec_write_row(rec_writer *w, const rec_row *r);
unsigned long rec_writer_rows(const rec_writer *w);
/* A place in a file being written, to come back to. */
typedef struct rec_pos {
    long long bytes;
    unsigned long rows;
} rec_pos;
void rec_mark(const rec_writer *w, rec_pos *p);
/* rec_rewind: drop what was written after p. 0, or -1 (a pipe, or a write
 * that failed). */
int rec_rewind(rec_writer *w, const rec_pos *p);
/* rec_close: flush and close; -1 with a message when a write failed. Frees w. */
int rec_close(rec_writer *w, char *err, size_t errlen);

/* --- reading files --------------------------------------------------------- */

typedef struct rec_reader {
    rec_head h;
    int fd;
    char *path;
    unsigned char *buf;
    size_t cap, pos, end;
    int eof;
    long long size, consumed;
    unsigned long row; /* rows read */
    int ended;         /* the end marker was read */
    const unsigned char *cur;
    size_t curlen;
    size_t *toff; /* per text column: offset of its bytes in the current row */
} rec_reader;

/* rec_open: open path ("-" for stdin) and read its header. NULL with a
 * message ("path: ...") when the file cannot be read or is not a record file
 * of this version. */
rec_reader *rec_open(const char *path, char *err, size_t errlen);
/* rec_next: the next row. 1; 0 at the end marker; -1 with a message on a
 * read error, a truncated or malformed row, a file that ends without its end
 * marker, or a marker whose row count is not the rows read. */
int rec_next(rec_reader *r, char *err, size_t errlen);
/* rec_need: index of a column of the given type; -1 with a message. */
int rec_need(const rec_reader *r, const char *name, enum rec_type type, char *err, size_t errlen);
double rec_fraction(const rec_reader *r);
void rec_close_reader(rec_reader *r);

/* Values of the current row. */
static inline date_t rec_date(const rec_reader *r, int col)
{
    int32_t v;
    memcpy(&v, r->cur + r->h.cols[col].off, 4);
    return v;
}
static inline int64_t rec_int(const rec_reader *r, int col)
{
    int64_t v;
    memcpy(&v, r->cur + r->h.cols[col].off, 8);
    return v;
}
static inline uint16_t rec_code(const rec_reader *r, int col)
{
    uint16_t v;
    memcpy(&v, r->cur + r->h.cols[col].off, 2);
    return v;
}
static inline const unsigned char *rec_id(const rec_reader *r, int col)
{
    return r->cur + r->h.cols[col].off;
}
/* The text of a TEXT column (not NUL-terminated) and its length. */
static inline const char *rec_text(const rec_reader *r, int col, size_t *len)
{
    uint16_t n;
    memcpy(&n, r->cur + r->h.cols[col].off, 2);
    *len = n;
    return (const char *)r->cur + r->toff[r->h.cols[col].text_index];
}
/* The value of a coded column as text ("" when missing). */
const char *rec_code_str(const rec_reader *r, int col);

/* rec_dump: print the file as TSV (header line of column names, values
 * escaped as stages/lib/tsv.h does) on out. 0, or -1 with a message. */
int rec_dump(rec_reader *r, void *out_file, char *err, size_t errlen);

#endif

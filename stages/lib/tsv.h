/* tsv.h: the text format of ingest's rejects and of the facts files that
 * stages pass on (facts.h); the records themselves are rec.h's. Text a person
 * can read with less, cut or column: UTF-8, one row per LF-terminated line,
 * fields separated by TAB, a header line of column names first. In values
 * a backslash is written \\, a TAB \t, a LF \n and a CR \r; an empty field
 * is a missing value. */
#ifndef TSV_H
#define TSV_H

#include <stddef.h>
#include <stdio.h>

#define TSV_MAX_FIELDS 128

typedef struct tsvr {
    int fd;
    char *path;
    char *buf; /* lines are split in place in this buffer */
    size_t cap, pos, end;
    int eof;
    long long size, consumed; /* file size (-1 unknown) and bytes read */
    unsigned long lineno;     /* lines read, header included */
    size_t n;                 /* fields of the current row */
    char *field[TSV_MAX_FIELDS];
    size_t len[TSV_MAX_FIELDS];
    size_t ncols;                 /* header fields */
    char *header[TSV_MAX_FIELDS]; /* owned copies */
} tsvr;

/* tsvr_open: open path ("-" for stdin) and read its header. NULL with a
 * message in err on failure. */
tsvr *tsvr_open(const char *path, char *err, size_t errlen);
/* tsvr_next: read the next row into r->field/r->len (valid until the next
 * call). Returns 1, 0 at end of file, -1 on a read error or a row whose field
 * count differs from the header's (message in err). */
int tsvr_next(tsvr *r, char *err, size_t errlen);
/* tsvr_col: index of a header column, or -1. */
int tsvr_col(const tsvr *r, const char *name);
/* Fraction of the file read so far, or -1 when its size is unknown (a pipe). */
double tsvr_fraction(const tsvr *r);
/* tsvr_cols: the indexes of n header columns into idx; 0, or -1 with the
 * first missing one named in err. */
int tsvr_cols(const tsvr *r, const char *const *names, int *idx, size_t n, char *err,
              size_t errlen);
/* tsvr_need: like tsvr_col but fills err when missing. */
int tsvr_need(const tsvr *r, const char *name, char *err, size_t errlen);
void tsvr_close(tsvr *r);

typedef struct tsvw {
    int fd; /* -1: memory */
    char *path;
    int fields;
    char *buf;
    size_t len, cap;
    int failed;        /* errno of the first failed write */
    long long flushed; /* bytes written to fd */
} tsvw;

tsvw *tsvw_open(const char *path, char *err, size_t errlen); /* "-" for stdout */
/* tsvw_mem: a writer into memory (the same escaping), NULL when out of
 * memory. Its text is buf[0..len); tsvw_mem_reset empties it. Close it with
 * tsvw_close. */
tsvw *tsvw_mem(void);
void tsvw_mem_reset(tsvw *w);
/* tsvw_raw: appends text already in this format (a memory writer's). */
void tsvw_raw(tsvw *w, const char *s, size_t n);
void tsvw_field(tsvw *w, const char *s, size_t n);
void tsvw_str(tsvw *w, const char *s); /* NULL is empty */
void tsvw_long(tsvw *w, long v);
void tsvw_endrow(tsvw *w);
/* tsvw_tell: bytes written so far; tsvw_rewind: drop what came after pos
 * (0, or -1 on a pipe or after a failed write). */
long long tsvw_tell(const tsvw *w);
int tsvw_rewind(tsvw *w, long long pos);
/* tsvw_close: flush and close; -1 with a message when any write failed. */
int tsvw_close(tsvw *w, char *err, size_t errlen);

#endif

/* yemit.h: writing YAML (the manifest) through libyaml's emitter, with a
 * sticky error so a caller checks once, at yemit_close. */
#ifndef YEMIT_H
#define YEMIT_H

#include <stddef.h>

typedef struct yemit yemit;

/* yemit_open: create path and start a document. NULL with a message on error. */
yemit *yemit_open(const char *path, char *err, size_t errlen);
void yemit_map_start(yemit *y);
void yemit_map_end(yemit *y);
void yemit_seq_start(yemit *y);
void yemit_seq_end(yemit *y);
/* A scalar; libyaml quotes it when its plain form would read otherwise. */
void yemit_str(yemit *y, const char *s);
/* A scalar always double-quoted (strings that look like numbers or dates). */
void yemit_qstr(yemit *y, const char *s);
void yemit_int(yemit *y, long long v);
/* key: value pairs inside a mapping. */
void yemit_kv(yemit *y, const char *key, const char *value);
void yemit_kq(yemit *y, const char *key, const char *value);
void yemit_ki(yemit *y, const char *key, long long value);
/* yemit_close: end the document, flush, fsync, close. 0, or -1 with a
 * message (every earlier error is reported here). Frees y. */
int yemit_close(yemit *y, char *err, size_t errlen);
/* yemit_no_sync: yemit_close will not fsync: for an intermediate file that
 * need not outlive a crash (an fsync costs a millisecond or more, and makes
 * the file's later removal wait on the journal as long). */
void yemit_no_sync(yemit *y);

#endif

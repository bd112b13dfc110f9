/* yload.h: YAML files (configuration, schemas) loaded into a small tree
 * through libyaml, with file:line:column on every node, and the caps
 * libyaml 0.2.5 lacks (size, depth, alias expansion, duplicate keys). */
#ifndef YLOAD_H
#define YLOAD_H

#include <stddef.h>

enum ynode_type { YN_SCALAR, YN_SEQ, YN_MAP };

typedef struct ynode {
    enum ynode_type type;
    int line, col;       /* 1-based position of the node's start */
    char *str;           /* YN_SCALAR: the value, NUL-terminated */
    int plain;           /* YN_SCALAR: 1 when unquoted (so "~" and "null" are null) */
    size_t n;            /* YN_SEQ: items; YN_MAP: pairs */
    struct ynode **kids; /* YN_SEQ: n items; YN_MAP: 2n nodes, key then value */
} ynode;

typedef struct ydoc {
    char *path;  /* as given to yload_file */
    ynode *root; /* NULL for an empty document */
} ydoc;

/* The size caps: a configuration or schema (spec/outputs.md: 1 MiB), and a
 * manifest, which lists up to a few thousand input files. */
#define YLOAD_MAX_BYTES ((size_t)1 << 20)
#define YLOAD_MANIFEST_MAX_BYTES ((size_t)16 << 20)

/*
 * yload_file: parse one YAML document of at most YLOAD_MAX_BYTES. Returns
 * NULL on error with a message "path:line:col: what" in err (errlen bytes).
 * A larger file is refused before it is parsed, nesting deeper than 64 in a
 * first pass over the parser's events before any document is built (so
 * both are refused in milliseconds); more than 200000 nodes after alias
 * expansion, several documents and duplicate mapping keys are errors too.
 * Free with ydoc_free.
 */
ydoc *yload_file(const char *path, char *err, size_t errlen);
/* yload_file_max: yload_file with another size cap (manifests). */
ydoc *yload_file_max(const char *path, size_t max_bytes, char *err, size_t errlen);
void ydoc_free(ydoc *d);

/* ymap_get: the value of key in a mapping, or NULL (also when m is not a map). */
ynode *ymap_get(const ynode *m, const char *key);
/* yis_null: node missing, or a plain scalar "", "~", "null", "Null", "NULL". */
int yis_null(const ynode *n);

#endif

#include "yload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define YLOAD_MAX_BYTES (4L << 20)
#define YLOAD_MAX_DEPTH 64
#define YLOAD_MAX_NODES 200000

struct conv {
    yaml_document_t *doc;
    const char *path;
    size_t nodes;
    char *err;
    size_t errlen;
};

static void node_free(ynode *n)
{
    size_t i, k;
    if (!n)
        return;
    k = n->type == YN_MAP ? 2 * n->n : n->n;
    for (i = 0; i < k; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->str);
    free(n);
}

/* Copies libyaml's node graph into an owned tree, expanding aliases under
 * the node budget. Returns NULL with c->err set on error. */
static ynode *convert(struct conv *c, yaml_node_t *src, int depth)
{
    ynode *n;
    size_t i;

    if (depth > YLOAD_MAX_DEPTH) {
        snprintf(c->err, c->errlen, "%s:%lu:%lu: nesting deeper than %d levels", c->path,
                 (unsigned long)src->start_mark.line + 1, (unsigned long)src->start_mark.column + 1,
                 YLOAD_MAX_DEPTH);
        return NULL;
    }
    if (++c->nodes > YLOAD_MAX_NODES) {
        snprintf(c->err, c->errlen, "%s:%lu:%lu: more than %d nodes (alias expansion?)", c->path,
                 (unsigned long)src->start_mark.line + 1, (unsigned long)src->start_mark.column + 1,
                 YLOAD_MAX_NODES);
        return NULL;
    }
    n = calloc(1, sizeof *n);
    if (!n)
        goto mem_error;
    n->line = (int)src->start_mark.line + 1;
    n->col = (int)src->start_mark.column + 1;
    switch (src->type) {
    case YAML_SCALAR_NODE:
        n->type = YN_SCALAR;
        n->str = malloc(src->data.scalar.length + 1);
        if (!n->str)
            goto mem_error;
        memcpy(n->str, src->data.scalar.value, src->data.scalar.length);
        n->str[src->data.scalar.length] = '\0';
        n->plain = src->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        break;
    case YAML_SEQUENCE_NODE: {
        yaml_node_item_t *it;
        n->type = YN_SEQ;
        n->n = (size_t)(src->data.sequence.items.top - src->data.sequence.items.start);
        n->kids = calloc(n->n ? n->n : 1, sizeof *n->kids);
        if (!n->kids)
            goto mem_error;
        for (i = 0, it = src->data.sequence.items.start; i < n->n; i++, it++) {
            n->kids[i] = convert(c, yaml_document_get_node(c->doc, *it), depth + 1);
            if (!n->kids[i])
                goto error;
        }
        break;
    }
    case YAML_MAPPING_NODE: {
        yaml_node_pair_t *p;
        n->type = YN_MAP;
        n->n = (size_t)(src->data.mapping.pairs.top - src->data.mapping.pairs.start);
        n->kids = calloc(n->n ? 2 * n->n : 1, sizeof *n->kids);
        if (!n->kids)
            goto mem_error;
        for (i = 0, p = src->data.mapping.pairs.start; i < n->n; i++, p++) {
            size_t j;
            ynode *k = convert(c, yaml_document_get_node(c->doc, p->key), depth + 1);
            n->kids[2 * i] = k;
            if (!k)
                goto error;
            if (k->type != YN_SCALAR) {
                snprintf(c->err, c->errlen, "%s:%d:%d: a mapping key must be a scalar", c->path,
                         k->line, k->col);
                goto error;
            }
            for (j = 0; j < i; j++) {
                if (!strcmp(n->kids[2 * j]->str, k->str)) {
                    snprintf(c->err, c->errlen, "%s:%d:%d: duplicate key '%s' (first at line %d)",
                             c->path, k->line, k->col, k->str, n->kids[2 * j]->line);
                    goto error;
                }
            }
            n->kids[2 * i + 1] = convert(c, yaml_document_get_node(c->doc, p->value), depth + 1);
            if (!n->kids[2 * i + 1])
                goto error;
        }
        break;
    }
    default:
        snprintf(c->err, c->errlen, "%s:%d:%d: empty node", c->path, n->line, n->col);
        goto error;
    }
    return n;

mem_error:
    snprintf(c->err, c->errlen, "%s: out of memory", c->path);
error:
    node_free(n);
    return NULL;
}

ydoc *yload_file(const char *path, char *err, size_t errlen)
{
    FILE *f = NULL;
    struct stat st;
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    int parser_ok = 0, doc_ok = 0;
    ydoc *d = NULL;
    struct conv c;

    f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) == 0 && st.st_size > YLOAD_MAX_BYTES) {
        snprintf(err, errlen, "%s: larger than %ld bytes", path, YLOAD_MAX_BYTES);
        goto error;
    }
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "%s: cannot initialise the YAML parser", path);
        goto error;
    }
    parser_ok = 1;
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(err, errlen, "%s:%lu:%lu: %s%s%s", path,
                 (unsigned long)parser.problem_mark.line + 1,
                 (unsigned long)parser.problem_mark.column + 1,
                 parser.problem ? parser.problem : "invalid YAML", parser.context ? " " : "",
                 parser.context ? parser.context : "");
        goto error;
    }
    doc_ok = 1;
    d = calloc(1, sizeof *d);
    if (!d || !(d->path = strdup(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto error;
    }
    if (yaml_document_get_root_node(&doc)) {
        c.doc = &doc;
        c.path = path;
        c.nodes = 0;
        c.err = err;
        c.errlen = errlen;
        d->root = convert(&c, yaml_document_get_root_node(&doc), 0);
        if (!d->root)
            goto error;
    }
    if (!yaml_parser_load(&parser, &extra)) {
        snprintf(err, errlen, "%s:%lu:%lu: %s", path, (unsigned long)parser.problem_mark.line + 1,
                 (unsigned long)parser.problem_mark.column + 1,
                 parser.problem ? parser.problem : "invalid YAML");
        goto error;
    }
    if (yaml_document_get_root_node(&extra)) {
        yaml_node_t *r = yaml_document_get_root_node(&extra);
        snprintf(err, errlen, "%s:%lu:%lu: only one YAML document is allowed", path,
                 (unsigned long)r->start_mark.line + 1, (unsigned long)r->start_mark.column + 1);
        yaml_document_delete(&extra);
        goto error;
    }
    yaml_document_delete(&extra);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return d;

error:
    ydoc_free(d);
    if (doc_ok)
        yaml_document_delete(&doc);
    if (parser_ok)
        yaml_parser_delete(&parser);
    fclose(f);
    return NULL;
}

void ydoc_free(ydoc *d)
{
    if (!d)
        return;
    node_free(d->root);
    free(d->path);
    free(d);
}

ynode *ymap_get(const ynode *m, const char *key)
{
    size_t i;
    if (!m || m->type != YN_MAP)
        return NULL;
    for (i = 0; i < m->n; i++)
        if (!strcmp(m->kids[2 * i]->str, key))
            return m->kids[2 * i + 1];
    return NULL;
}

int yis_null(const ynode *n)
{
    if (!n)
        return 1;
    if (n->type != YN_SCALAR || !n->plain)
        return 0;
    return !strcmp(n->str, "") || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
           !strcmp(n->str, "Null") || !strcmp(n->str, "NULL");
}

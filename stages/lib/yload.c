#include "yload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

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

/* Reads the whole file (any kind: a pipe too) into a buffer, refusing more
 * than max bytes before reading further. Returns the buffer (free it) and
 * its length, or NULL with err set. */
static unsigned char *slurp(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    unsigned char *buf = NULL;
    size_t n = 0, cap;

    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st))
        st.st_mode = 0, st.st_size = 0;
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: cannot read: it is a folder", path);
        goto error;
    }
    if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max)
        goto too_big;
    cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
    for (;;) {
        size_t got;
        if (n == cap) {
            unsigned char *nb;
            cap = 2 * cap > max + 1 ? max + 1 : 2 * cap;
            if (!(nb = realloc(buf, cap)))
                goto oom;
            buf = nb;
        } else if (!buf && !(buf = malloc(cap))) {
            goto oom;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max)
            goto too_big;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        goto error;
    }
    fclose(f);
    *len = n;
    return buf;
too_big:
    snprintf(err, errlen, "%s:1:1: larger than %zu bytes: not a file this software reads", path,
             max);
    goto error;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
error:
    free(buf);
    fclose(f);
    return NULL;
}

/* The parser's own message, at file:line:column. */
static void parse_error(const yaml_parser_t *parser, const char *path, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s:%lu:%lu: %s%s%s", path, (unsigned long)parser->problem_mark.line + 1,
             (unsigned long)parser->problem_mark.column + 1,
             parser->problem ? parser->problem : "invalid YAML", parser->context ? " " : "",
             parser->context ? parser->context : "");
}

/* A first pass over libyaml's events, before any document is built (its
 * building is quadratic in the nesting depth): nesting deeper than the cap
 * is refused at the first event past it. 0, or -1 with err set (also for a
 * syntax error met on the way). */
static int depth_check(const char *path, const unsigned char *buf, size_t len, char *err,
                       size_t errlen)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    int depth = 0, rc = 0, done = 0;

    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "%s: cannot initialise the YAML parser", path);
        return -1;
    }
    yaml_parser_set_input_string(&parser, buf, len);
    while (!done && !rc) {
        if (!yaml_parser_parse(&parser, &ev)) {
            parse_error(&parser, path, err, errlen);
            rc = -1;
            break;
        }
        switch (ev.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > YLOAD_MAX_DEPTH) {
                snprintf(err, errlen, "%s:%lu:%lu: nesting deeper than %d levels", path,
                         (unsigned long)ev.start_mark.line + 1,
                         (unsigned long)ev.start_mark.column + 1, YLOAD_MAX_DEPTH);
                rc = -1;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return rc;
}

ydoc *yload_file(const char *path, char *err, size_t errlen)
{
    return yload_file_max(path, YLOAD_MAX_BYTES, err, errlen);
}

ydoc *yload_file_max(const char *path, size_t max_bytes, char *err, size_t errlen)
{
    unsigned char *buf;
    size_t len;
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    int parser_ok = 0, doc_ok = 0;
    ydoc *d = NULL;
    struct conv c;

    buf = slurp(path, max_bytes, &len, err, errlen);
    if (!buf)
        return NULL;
    if (depth_check(path, buf, len, err, errlen))
        goto error;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "%s: cannot initialise the YAML parser", path);
        goto error;
    }
    parser_ok = 1;
    yaml_parser_set_input_string(&parser, buf, len);
    if (!yaml_parser_load(&parser, &doc)) {
        parse_error(&parser, path, err, errlen);
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
    free(buf);
    return d;

error:
    ydoc_free(d);
    if (doc_ok)
        yaml_document_delete(&doc);
    if (parser_ok)
        yaml_parser_delete(&parser);
    free(buf);
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

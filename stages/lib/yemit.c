#include "yemit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

struct yemit {
    yaml_emitter_t em;
    FILE *f;
    char *path;
    int failed;
    int no_sync; /* yemit_no_sync */
};

static void emit(yemit *y, yaml_event_t *ev)
{
    if (y->failed)
        return;
    if (!yaml_emitter_emit(&y->em, ev))
        y->failed = 1;
}

yemit *yemit_open(const char *path, char *err, size_t errlen)
{
    yemit *y = calloc(1, sizeof *y);
    yaml_event_t ev;
    if (!y || !(y->path = strdup(path))) {
        free(y);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    y->f = fopen(path, "wb");
    if (!y->f) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        free(y->path);
        free(y);
        return NULL;
    }
    yaml_emitter_initialize(&y->em);
    yaml_emitter_set_output_file(&y->em, y->f);
    yaml_emitter_set_unicode(&y->em, 1);
    yaml_emitter_set_width(&y->em, 1000);
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    emit(y, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    emit(y, &ev);
    return y;
}

void yemit_map_start(yemit *y)
{
    yaml_event_t ev;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    emit(y, &ev);
}

void yemit_map_end(yemit *y)
{
    yaml_event_t ev;
    yaml_mapping_end_event_initialize(&ev);
    emit(y, &ev);
}

void yemit_seq_start(yemit *y)
{
    yaml_event_t ev;
    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
    emit(y, &ev);
}

void yemit_seq_end(yemit *y)
{
    yaml_event_t ev;
    yaml_sequence_end_event_initialize(&ev);
    emit(y, &ev);
}

static void scalar(yemit *y, const char *s, yaml_scalar_style_t style)
{
    yaml_event_t ev;
    if (y->failed)
        return;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
                                      style)) {
        y->failed = 1;
        return;
    }
    emit(y, &ev);
}

/* 1 when a plain s would read as something else than this string: empty,
 * a null, or a YAML 1.1 boolean (PyYAML reads yes/no/on/off so). */
static int needs_quotes(const char *s)
{
    static const char *const words[] = {"null", "~",   "yes", "no", "true", "false",
                                        "on",   "off", "y",   "n",  NULL};
    size_t i;
    if (!*s)
        return 1;
    for (i = 0; words[i]; i++)
        if (!strcasecmp(s, words[i]))
            return 1;
    return 0;
}

void yemit_str(yemit *y, const char *s)
{
    s = s ? s : "";
    scalar(y, s, needs_quotes(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
}

void yemit_qstr(yemit *y, const char *s)
{
    scalar(y, s ? s : "", YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

void yemit_int(yemit *y, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    scalar(y, buf, YAML_PLAIN_SCALAR_STYLE);
}

void yemit_kv(yemit *y, const char *key, const char *value)
{
    yemit_str(y, key);
    yemit_str(y, value);
}

void yemit_kq(yemit *y, const char *key, const char *value)
{
    yemit_str(y, key);
    yemit_qstr(y, value);
}

void yemit_ki(yemit *y, const char *key, long long value)
{
    yemit_str(y, key);
    yemit_int(y, value);
}

void yemit_no_sync(yemit *y)
{
    y->no_sync = 1;
}

int yemit_close(yemit *y, char *err, size_t errlen)
{
    yaml_event_t ev;
    int rc = 0;
    yaml_document_end_event_initialize(&ev, 1);
    emit(y, &ev);
    yaml_stream_end_event_initialize(&ev);
    emit(y, &ev);
    if (!y->failed && !yaml_emitter_flush(&y->em))
        y->failed = 1;
    if (y->failed) {
        snprintf(err, errlen, "%s: cannot write YAML: %s", y->path,
                 y->em.problem ? y->em.problem : strerror(errno ? errno : EIO));
        rc = -1;
    }
    yaml_emitter_delete(&y->em);
    if (fflush(y->f) || (!y->no_sync && fsync(fileno(y->f)))) {
        if (!rc)
            snprintf(err, errlen, "%s: write failed: %s", y->path, strerror(errno));
        rc = -1;
    }
    if (fclose(y->f) && !rc) {
        snprintf(err, errlen, "%s: write failed: %s", y->path, strerror(errno));
        rc = -1;
    }
    free(y->path);
    free(y);
    return rc;
}

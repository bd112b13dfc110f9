#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *log_stage = "pipeline";
static enum log_level log_level_max = LOG_INFO;

static const char *const level_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

void log_init(const char *stage, enum log_level max)
{
    log_stage = stage;
    log_level_max = max;
}

void log_init_env(const char *stage)
{
    const char *v = getenv("APP_LOG_LEVEL");
    enum log_level lvl = LOG_INFO;
    if (v) {
        if (!strcmp(v, "error"))
            lvl = LOG_ERROR;
        else if (!strcmp(v, "warn"))
            lvl = LOG_WARN;
        else if (!strcmp(v, "debug"))
            lvl = LOG_DEBUG;
        else if (!strcmp(v, "off"))
            lvl = LOG_OFF;
    }
    log_init(stage, lvl);
}

enum log_level log_max(void)
{
    return log_level_max;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    int n;

    if (lvl > log_level_max)
        return;
    n = snprintf(line, sizeof line, "%s %s: ", level_names[lvl], log_stage);
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    /* one write per line so that concurrent stages do not interleave */
    fprintf(stderr, "%s\n", line);
}

void log_own_file(const char *path, const char *err)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(path);
    /* the message names the file by its base name, not by the staging or
     * temporary path it has in this run */
    const char *what = strncmp(err, path, n) ? err : err + n;
    while (*what == ':' || *what == ' ')
        what++;
    log_error("internal error: %s, an intermediate file of this run, cannot be read: %s%s", base,
              *what >= '0' && *what <= '9' ? "line " : "", what);
}

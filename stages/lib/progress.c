#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* PROGRESS_INTERVAL, or the test hook's APP_PROGRESS_INTERVAL (seconds >= 0). */
static double interval(void)
{
    const char *v = getenv("APP_PROGRESS_INTERVAL");
    char *end;
    double s;
    if (!v || !*v)
        return PROGRESS_INTERVAL;
    s = strtod(v, &end);
    return *end || !(s >= 0) ? PROGRESS_INTERVAL : s;
}

void progress_start(progress *p, const char *stage, const char *what)
{
    p->stage = stage;
    /* an intermediate file by its name, an input by its path in the drop */
    p->what = what && what[0] == '/' && strrchr(what, '/') ? strrchr(what, '/') + 1 : what;
    p->on = stage && isatty(2) && log_max() >= LOG_WARN;
    p->log = stage && log_max() >= LOG_DEBUG;
    p->t0 = p->logged = now();
    p->interval = p->log ? interval() : PROGRESS_INTERVAL;
    p->shown = 0;
}

/* "N rows, R rows/s[, P%]" into buf. */
static void figures(char *buf, size_t len, unsigned long rows, double secs, double frac)
{
    double rate = secs > 0 ? (double)rows / secs : 0.0;
    if (frac >= 0)
        snprintf(buf, len, "%lu rows, %.0f rows/s, %.0f%%", rows, rate, 100 * frac);
    else
        snprintf(buf, len, "%lu rows, %.0f rows/s", rows, rate);
}

void progress_tick(progress *p, unsigned long rows, double frac)
{
    double t;
    char buf[128];
    if (!p->on && !p->log)
        return;
    t = now();
    if (p->log && t - p->logged >= p->interval) {
        if (p->shown) /* leave the terminal line before a log line */
            fputc('\n', stderr);
        p->shown = 0;
        p->logged = t;
        figures(buf, sizeof buf, rows, t - p->t0, frac);
        log_info("%s: %s", p->what, buf);
    }
    /* a line each time rows passes a multiple of 65 536 (callers that count
     * in batches pass several rows at once) */
    if (p->on && rows >> 16 != p->shown >> 16) {
        figures(buf, sizeof buf, rows, t - p->t0, frac);
        fprintf(stderr, "\r%s: %s: %s", p->stage, p->what, buf);
        p->shown = rows;
    }
}

void progress_end(progress *p)
{
    if (p->on && p->shown)
        fputc('\n', stderr);
    p->shown = 0;
}

#include "progress.h"

#include <stdio.h>
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

void progress_start(progress *p, const char *stage, const char *what)
{
    p->stage = stage;
    /* an intermediate file by its name, an input by its path in the drop */
    p->what = what && what[0] == '/' && strrchr(what, '/') ? strrchr(what, '/') + 1 : what;
    p->on = stage && isatty(2) && log_max() >= LOG_WARN;
    p->t0 = now();
    p->shown = 0;
}

void progress_tick(progress *p, unsigned long rows, double frac)
{
    double secs;
    if (!p->on)
        return;
    secs = now() - p->t0;
    if (frac >= 0)
        fprintf(stderr, "\r%s: %s: %lu rows, %.0f rows/s, %.0f%%", p->stage, p->what, rows,
                secs > 0 ? (double)rows / secs : 0.0, 100 * frac);
    else
        fprintf(stderr, "\r%s: %s: %lu rows, %.0f rows/s", p->stage, p->what, rows,
                secs > 0 ? (double)rows / secs : 0.0);
    p->shown = rows;
}

void progress_end(progress *p)
{
    if (p->on && p->shown)
        fputc('\n', stderr);
    p->shown = 0;
}

/* progress.h: the progress of spec/outputs.md: rows done, rows per second
 * and, where the input size is known, percent. On stderr as a line redrawn
 * in place when stderr is a terminal (and the log level is not quiet); and,
 * at -v (log level debug), whether stderr is a terminal or not, as an INFO
 * log line every 10 seconds, the first after 10 seconds, so that a night's
 * log shows where a slow run stood.
 *
 * Test hook: APP_PROGRESS_INTERVAL=SECONDS replaces the 10 seconds (tests
 * use 0, so that they need not wait). */
#ifndef PROGRESS_H
#define PROGRESS_H

#define PROGRESS_INTERVAL 10.0

typedef struct progress {
    const char *stage, *what;
    int on;              /* the terminal line */
    int log;             /* the INFO lines (-v) */
    double t0, logged;   /* start, time of the last INFO line */
    double interval;     /* seconds between INFO lines */
    unsigned long shown; /* rows at the last terminal line */
} progress;

/* progress_start: what names the input (a file); NULL stage disables. */
void progress_start(progress *p, const char *stage, const char *what);
/* progress_due: 1 when progress_tick has something to do at this row
 * count (every 65 536 rows on a terminal, every 4 096 at -v to look at the
 * clock): only then compute the fraction for progress_tick. */
static inline int progress_due(const progress *p, unsigned long rows)
{
    return (p->on && !(rows & 0xFFFF)) || (p->log && !(rows & 0xFFF));
}
/* progress_due_over: the same when rows went from `from` to `to` at once. */
static inline int progress_due_over(const progress *p, unsigned long from, unsigned long to)
{
    return (p->on && (from >> 16) != (to >> 16)) || (p->log && (from >> 12) != (to >> 12));
}
/* progress_tick: prints what is due. frac is the fraction of the input
 * read (0 to 1), or -1 when unknown. */
void progress_tick(progress *p, unsigned long rows, double frac);
/* progress_end: ends the terminal line (when one was printed). */
void progress_end(progress *p);

#endif

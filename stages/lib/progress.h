/* progress.h: the progress line of spec/outputs.md: rows done, rows per
 * second and, where the input size is known, percent; shown on stderr only
 * when it is a terminal (and the log level is not quiet). */
#ifndef PROGRESS_H
#define PROGRESS_H

typedef struct progress {
    const char *stage, *what;
    int on;
    double t0;
    unsigned long shown; /* rows at the last line */
} progress;

/* progress_start: what names the input (a file); NULL stage disables. */
void progress_start(progress *p, const char *stage, const char *what);
/* progress_due: 1 when a line is due for this row count (every 65 536
 * rows, on a terminal): only then compute the fraction for progress_tick. */
static inline int progress_due(const progress *p, unsigned long rows)
{
    return p->on && !(rows & 0xFFFF);
}
/* progress_due_over: the same when rows went from `from` to `to` at once. */
static inline int progress_due_over(const progress *p, unsigned long from, unsigned long to)
{
    return p->on && (from >> 16) != (to >> 16);
}
/* progress_tick: prints a line. frac is the fraction of the input read (0
 * to 1), or -1 when unknown. */
void progress_tick(progress *p, unsigned long rows, double frac);
/* progress_end: ends the line (when one was printed). */
void progress_end(progress *p);

#endif

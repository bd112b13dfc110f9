/* log.h: log lines on stderr, "LEVEL stage: message key=value...". */
#ifndef LOG_H
#define LOG_H

enum log_level { LOG_OFF = -1, LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Sets the stage name printed on every line and the most verbose level shown
 * (LOG_INFO unless set; the driver passes -q/-v to the stages as
 * APP_LOG_LEVEL, "warn" by default). */
void log_init(const char *stage, enum log_level max);
/* Reads APP_LOG_LEVEL (error, warn, info, debug; off, for the fuzz targets
 * (tests/fuzz), shows nothing; anything else is info). */
void log_init_env(const char *stage);
enum log_level log_max(void);

void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* log_own_file: an intermediate file of the run (path) cannot be read
 * (err, which may start with the path): logged as an internal error naming
 * the file by its base name, never as a file for the operator to fix. */
void log_own_file(const char *path, const char *err);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif

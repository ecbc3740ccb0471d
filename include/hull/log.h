/* Logging for the CLI and the runtime: logrus' text or JSON lines, as runc
 * writes them and containerd reads them. */
#ifndef HULL_LOG_H
#define HULL_LOG_H

#include <stdbool.h>
#include <hull/error.h>

typedef enum { HULL_LOG_ERROR, HULL_LOG_WARNING, HULL_LOG_INFO, HULL_LOG_DEBUG } hull_log_level;

/* file: NULL = stderr only. format_json: JSON lines. debug: emit debug level. */
int hull_log_init (const char *file, bool format_json, bool debug, hull_error *err);

void hull_log (hull_log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#define hull_debug(...) hull_log (HULL_LOG_DEBUG, __VA_ARGS__)
#define hull_warn(...) hull_log (HULL_LOG_WARNING, __VA_ARGS__)

/* Reports a fatal error as runc: an error log line (on stderr without
 * --log), and with --log FILE the bare message on stderr as well. */
void hull_log_error (const hull_error *err);

/* The fd of the log file (or -1), so a child can keep logging there. */
int hull_log_fd (void);

#endif

/* log.h — one line per event on stderr (the web server's error log).
 *
 * Line format:
 *   2026-11-25T09:00:00Z lyre-catalog[1234] ERROR req=3f2a... db.c:120 db_query: message
 * The message is formatted, then every byte that is not printable ASCII or
 * valid UTF-8 text (and every control character, CR and LF included) is
 * escaped as \xNN, so untrusted input can never forge a second line.
 */
#ifndef LYRE_LOG_H
#define LYRE_LOG_H

#include <stdarg.h>
#include <stdio.h>

enum log_level { LOG_LEVEL_ERROR = 0, LOG_LEVEL_WARN = 1, LOG_LEVEL_INFO = 2, LOG_LEVEL_DEBUG = 3 };

void log_init(const char *program);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parse "error", "warn", "info", "debug"; returns 0 or -1. */
int log_level_from_name(const char *name, enum log_level *out);
/* The current request id ("-" outside a request); copied. */
void log_set_request_id(const char *id);
const char *log_request_id(void);
/* Where lines go (stderr by default); tests point it at a memstream. */
void log_set_stream(FILE *f);

void log_write(enum log_level level, const char *file, const char *func, int line,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define log_error(...) log_write(LOG_LEVEL_ERROR, __FILE__, __func__, __LINE__, __VA_ARGS__)
#define log_warn(...)  log_write(LOG_LEVEL_WARN,  __FILE__, __func__, __LINE__, __VA_ARGS__)
#define log_info(...)  log_write(LOG_LEVEL_INFO,  __FILE__, __func__, __LINE__, __VA_ARGS__)
#define log_debug(...) do { if (log_get_level() >= LOG_LEVEL_DEBUG) \
    log_write(LOG_LEVEL_DEBUG, __FILE__, __func__, __LINE__, __VA_ARGS__); } while (0)

#endif

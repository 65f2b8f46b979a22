/* log.c — one escaped line per event, written with a single fwrite so the
 * lines of concurrent worker processes sharing stderr never interleave. */
#include "log.h"

#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "str.h"

/* Longer messages are cut here and marked, so one bad caller cannot flood
 * the web server's log with a single line. */
#define LOG_MESSAGE_MAX 8192
#define LOG_NAME_MAX 64

static char log_program[LOG_NAME_MAX] = "lyre";
static char log_request[LOG_NAME_MAX] = "-";
static enum log_level log_level_current = LOG_LEVEL_INFO;
static FILE *log_stream;

static const char *const level_names[] = { "ERROR", "WARN", "INFO", "DEBUG" };
static const char *const level_keys[] = { "error", "warn", "info", "debug" };

void log_init(const char *program)
{
    const char *base;
    if (!program || !program[0])
        return;
    base = strrchr(program, '/');
    base = base && base[1] ? base + 1 : program;
    (void)str_copy(log_program, sizeof log_program, base);   /* long names are cut */
}

void log_set_level(enum log_level level)
{
    if ((int)level >= (int)LOG_LEVEL_ERROR && (int)level <= (int)LOG_LEVEL_DEBUG)
        log_level_current = level;
}

enum log_level log_get_level(void)
{
    return log_level_current;
}

int log_level_from_name(const char *name, enum log_level *out)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof level_keys / sizeof level_keys[0]; i++) {
        if (strcmp(name, level_keys[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

void log_set_request_id(const char *id)
{
    if (!id || !id[0])
        id = "-";
    (void)str_copy(log_request, sizeof log_request, id);     /* long ids are cut */
}

const char *log_request_id(void)
{
    return log_request;
}

void log_set_stream(FILE *f)
{
    log_stream = f;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid.
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    uint32_t cp;
    size_t len;

    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        cp = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        cp = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    /* C1 controls (U+0080..U+009F) can drive terminals too (CSI is U+009B). */
    if (cp <= 0x9F)
        return 0;
    return len;
}

/* Appends s with every control byte, backslash and byte outside valid UTF-8
 * as \xNN; the backslash is escaped so a logged "\x0a" cannot pass for an
 * escaped newline. */
static void add_escaped(strbuf *sb, const char *text, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        size_t seq;
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            sb_addc(sb, (char)c);
            i++;
        } else if (c >= 0x80 && (seq = utf8_sequence(s + i, n - i)) > 0) {
            sb_add(sb, s + i, seq);
            i += seq;
        } else {
            char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 0x0F] };
            sb_add(sb, esc, sizeof esc);
            i++;
        }
    }
}

static const char *basename_of(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : (path ? path : "?");
}

void log_write(enum log_level level, const char *file, const char *func, int line,
               const char *fmt, ...)
{
    char message[LOG_MESSAGE_MAX];
    char stamp[32];
    strbuf out = STRBUF_INIT;
    struct tm tm;
    time_t now;
    va_list ap;
    int n;
    size_t message_len;
    FILE *stream = log_stream ? log_stream : stderr;

    if ((int)level > (int)log_level_current || (int)level < (int)LOG_LEVEL_ERROR)
        return;

    va_start(ap, fmt);
    n = vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (n < 0) {
        (void)str_copy(message, sizeof message, "(unformattable log message)");
        n = (int)strlen(message);
    }
    message_len = (size_t)n < sizeof message ? (size_t)n : sizeof message - 1;

    now = time(NULL);
    if (!gmtime_r(&now, &tm) || strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        (void)str_copy(stamp, sizeof stamp, "0000-00-00T00:00:00Z");

    sb_adds(&out, stamp);
    sb_addc(&out, ' ');
    add_escaped(&out, log_program, strlen(log_program));
    sb_addf(&out, "[%ld] %s req=", (long)getpid(), level_names[level]);
    add_escaped(&out, log_request, strlen(log_request));
    sb_addc(&out, ' ');
    add_escaped(&out, basename_of(file), strlen(basename_of(file)));
    sb_addf(&out, ":%d ", line);
    add_escaped(&out, func ? func : "?", strlen(func ? func : "?"));
    sb_adds(&out, ": ");
    add_escaped(&out, message, message_len);
    if ((size_t)n >= sizeof message)
        sb_addf(&out, " [truncated, %d bytes]", n);
    sb_addc(&out, '\n');

    /* Nothing sensible to do if the log itself cannot be written. */
    if (fwrite(out.buf, 1, out.len, stream) == out.len)
        (void)fflush(stream);
    sb_free(&out);
}

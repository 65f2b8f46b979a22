/* progress.c — on a terminal, one bar redrawn in place (done/total,
 * failures, tracks per minute, ETA); otherwise one plain line per file.
 * Messages about single files interrupt the bar and it is drawn again. */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ingest.h"

#define BAR_MIN 10
#define BAR_MAX 40

double progress_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Bytes of the valid UTF-8 sequence at p that is safe on a terminal (not a
 * C0/C1 control), or 0. */
static size_t safe_utf8(const unsigned char *p)
{
    size_t len;
    unsigned cp;

    if (p[0] >= 0x20 && p[0] < 0x7f)
        return 1;
    if (p[0] < 0xC2 || p[0] > 0xF4)
        return 0;
    len = p[0] <= 0xDF ? 2 : p[0] <= 0xEF ? 3 : 4;
    cp = p[0] & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if (cp < 0xA0 || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))
        || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

void progress_add_path(strbuf *out, const char *path)
{
    const unsigned char *p = (const unsigned char *)path;
    while (*p) {
        size_t n = safe_utf8(p);
        if (n == 0) {
            sb_addf(out, "\\x%02x", *p);
            p++;
        } else {
            sb_add(out, p, n);
            p += n;
        }
    }
}

void progress_init(progress *p, int quiet)
{
    struct winsize ws;
    memset(p, 0, sizeof *p);
    (void)pthread_mutex_init(&p->lock, NULL);
    p->quiet = quiet;
    p->tty = !quiet && isatty(2);
    p->width = 80;
    if (p->tty && ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        p->width = ws.ws_col;
    p->started = progress_now();
}

void progress_start(progress *p, size_t total)
{
    (void)pthread_mutex_lock(&p->lock);
    p->total = total;
    p->started = progress_now();
    (void)pthread_mutex_unlock(&p->lock);
}

static void clear_bar(progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        p->drawn = 0;
    }
}

static void draw_locked(progress *p)
{
    strbuf line = STRBUF_INIT;
    double elapsed = progress_now() - p->started;
    double per_min = elapsed > 0.5 ? (double)p->done * 60.0 / elapsed : 0.0;
    int bar = p->width - 60;
    size_t filled;

    if (!p->tty || p->total == 0)
        return;
    if (bar > BAR_MAX)
        bar = BAR_MAX;
    if (bar < BAR_MIN)
        bar = BAR_MIN;
    filled = (size_t)bar * p->done / p->total;
    sb_addc(&line, '[');
    for (size_t i = 0; i < (size_t)bar; i++)
        sb_addc(&line, i < filled ? '#' : '.');
    sb_addf(&line, "] %zu/%zu", p->done, p->total);
    if (p->failed > 0)
        sb_addf(&line, "  %zu failed", p->failed);
    sb_addf(&line, "  %.1f tracks/min", per_min);
    if (p->done > 0 && p->done < p->total) {
        long eta = (long)((double)(p->total - p->done) * elapsed / (double)p->done + 0.5);
        sb_addf(&line, "  ETA %ld:%02ld", eta / 60, eta % 60);
    }
    fprintf(stderr, "\r%s\033[K", line.buf);
    fflush(stderr);
    p->drawn = 1;
    sb_free(&line);
}

void progress_draw(progress *p)
{
    (void)pthread_mutex_lock(&p->lock);
    draw_locked(p);
    (void)pthread_mutex_unlock(&p->lock);
}

void progress_ingested(progress *p, const char *path, size_t renditions, double audio_seconds)
{
    (void)pthread_mutex_lock(&p->lock);
    p->done++;
    p->audio_seconds += audio_seconds;
    if (p->tty) {
        draw_locked(p);
    } else if (!p->quiet) {
        strbuf line = STRBUF_INIT;
        sb_adds(&line, "ingested ");
        progress_add_path(&line, path);
        sb_addf(&line, " (%zu rendition%s)\n", renditions, renditions == 1 ? "" : "s");
        fputs(line.buf, stdout);
        fflush(stdout);
        sb_free(&line);
    }
    (void)pthread_mutex_unlock(&p->lock);
}

void progress_moved(progress *p, const char *path)
{
    (void)pthread_mutex_lock(&p->lock);
    p->done++;
    if (p->tty) {
        draw_locked(p);
    } else if (!p->quiet) {
        strbuf line = STRBUF_INIT;
        sb_adds(&line, "moved ");
        progress_add_path(&line, path);
        sb_adds(&line, " (same content as a vanished file: its track follows)\n");
        fputs(line.buf, stdout);
        fflush(stdout);
        sb_free(&line);
    }
    (void)pthread_mutex_unlock(&p->lock);
}

static void message_locked(progress *p, const char *path, const char *text)
{
    strbuf line = STRBUF_INIT;
    clear_bar(p);
    progress_add_path(&line, path);
    sb_adds(&line, ": ");
    sb_adds(&line, text);
    sb_addc(&line, '\n');
    fflush(stdout);
    fputs(line.buf, stderr);
    fflush(stderr);
    sb_free(&line);
    draw_locked(p);
}

void progress_failed(progress *p, const char *path, const char *reason)
{
    (void)pthread_mutex_lock(&p->lock);
    p->done++;
    p->failed++;
    message_locked(p, path, reason);
    (void)pthread_mutex_unlock(&p->lock);
}

void progress_note(progress *p, const char *path, const char *note)
{
    (void)pthread_mutex_lock(&p->lock);
    message_locked(p, path, note);
    (void)pthread_mutex_unlock(&p->lock);
}

void progress_end(progress *p)
{
    (void)pthread_mutex_lock(&p->lock);
    if (p->tty && p->total > 0) {
        draw_locked(p);
        fputc('\n', stderr);
        p->drawn = 0;
    }
    (void)pthread_mutex_unlock(&p->lock);
}

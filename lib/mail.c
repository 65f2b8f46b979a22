/* mail.c — one plain-text UTF-8 message handed to mail.sendmail.
 *
 * Runs inside FastCGI workers: the command gets the message on a pipe,
 * its stdout goes to our stderr (the error log), no other descriptor of
 * ours leaks into it, a command that hangs is killed after MAIL_TIMEOUT
 * seconds, and it is always reaped (no zombies).  SIGPIPE is ignored by
 * lib/app, so a command that exits early shows up as EPIPE.
 */
#include "mail.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "log.h"
#include "str.h"
#include "url.h"

#define MAIL_TIMEOUT 30
#define MAX_HEADER_BYTES 900     /* under RFC 5322's 998-byte line limit */
#define B_CHUNK 39               /* bytes per encoded-word: "Subject: " + 64 chars < 76 */

static int is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

/* A header value: valid UTF-8, no control characters (CR and LF above all). */
static int header_ok(const char *what, const char *s)
{
    size_t len;

    if (!s || !*s) {
        log_error("mail: %s is empty", what);
        return 0;
    }
    len = strlen(s);
    if (len > MAX_HEADER_BYTES || !utf8_valid(s, len)) {
        log_error("mail: %s is too long or not UTF-8", what);
        return 0;
    }
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            log_error("mail: %s contains a control character (CR/LF injection?)", what);
            return 0;
        }
    }
    return 1;
}

/* One bare address: local@domain, nothing that would add a recipient or a
 * display name (sendmail -t reads the recipients from To:). */
static int address_ok(const char *to)
{
    const char *at;

    if (!header_ok("recipient", to))
        return 0;
    at = strchr(to, '@');
    if (!at || at == to || at[1] == '\0' || strchr(at + 1, '@') || strpbrk(to, " \t,;:<>()[]\"\\")) {
        log_error("mail: the recipient is not one plain address");
        return 0;
    }
    return 1;
}

static void add_base64(strbuf *sb, const unsigned char *p, size_t n)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        sb_addc(sb, b64[(v >> 18) & 63]);
        sb_addc(sb, b64[(v >> 12) & 63]);
        sb_addc(sb, i + 1 < n ? b64[(v >> 6) & 63] : '=');
        sb_addc(sb, i + 2 < n ? b64[v & 63] : '=');
    }
}

/* RFC 2047 B encoding in encoded-words of at most B_CHUNK bytes, each cut
 * at a character boundary, folded onto continuation lines. */
static void add_encoded_words(strbuf *sb, const char *s)
{
    size_t len = strlen(s), pos = 0;

    while (pos < len) {
        size_t n = len - pos < B_CHUNK ? len - pos : B_CHUNK;
        while (pos + n < len && ((unsigned char)s[pos + n] & 0xC0) == 0x80)
            n--;
        if (pos > 0)
            sb_adds(sb, "\n ");
        sb_adds(sb, "=?UTF-8?B?");
        add_base64(sb, (const unsigned char *)s + pos, n);
        sb_adds(sb, "?=");
        pos += n;
    }
}

static void add_text(strbuf *sb, const char *s)
{
    if (is_ascii(s))
        sb_adds(sb, s);
    else
        add_encoded_words(sb, s);
}

/* From: as configured; a non-ASCII display name ("Lyrë <x@y>") is encoded. */
static void add_from(strbuf *sb, const char *from)
{
    const char *lt = strrchr(from, '<');

    if (is_ascii(from) || !lt || lt == from || !is_ascii(lt)) {
        sb_adds(sb, from);
        return;
    }
    {
        size_t n = (size_t)(lt - from);
        char *name = strndup(from, n);
        if (!name) {
            sb_adds(sb, from);
            return;
        }
        while (n > 0 && name[n - 1] == ' ')
            name[--n] = '\0';
        add_encoded_words(sb, name);
        sb_addc(sb, ' ');
        sb_adds(sb, lt);
        free(name);
    }
}

static void add_date(strbuf *sb, time_t now)
{
    static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;

    if (!gmtime_r(&now, &tm))
        memset(&tm, 0, sizeof tm);
    sb_addf(sb, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\n", days[tm.tm_wday % 7], tm.tm_mday,
            months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* "<random@domain of From>" */
static int add_message_id(strbuf *sb, const char *from)
{
    unsigned char rnd[16];
    char hex[2 * sizeof rnd + 1];
    const char *at = strrchr(from, '@');
    size_t dlen = 0;

    if (crypto_random(rnd, sizeof rnd) != 0)
        return -1;
    hex_encode(rnd, sizeof rnd, hex);
    if (at)
        dlen = strcspn(at + 1, "> \t");
    if (dlen > 0)
        sb_addf(sb, "Message-ID: <%s@%.*s>\n", hex, (int)dlen, at + 1);
    else
        sb_addf(sb, "Message-ID: <%s@localhost>\n", hex);
    return 0;
}

/* The body with CRLF and lone CR made LF (sendmail wants local line ends). */
static void add_body(strbuf *sb, const char *body)
{
    for (const char *p = body; *p; p++) {
        if (*p == '\r') {
            sb_addc(sb, '\n');
            if (p[1] == '\n')
                p++;
        } else {
            sb_addc(sb, *p);
        }
    }
    if (sb->len == 0 || sb->buf[sb->len - 1] != '\n')
        sb_addc(sb, '\n');
}

static int build_message(strbuf *sb, const lyre_config *cfg, const char *to, const char *subject,
                         const char *body)
{
    if (!address_ok(to) || !header_ok("subject", subject) || !header_ok("mail.from", cfg->mail_from))
        return -1;
    if (!body || !utf8_valid(body, strlen(body))) {
        log_error("mail: the body is not UTF-8 text");
        return -1;
    }
    sb_addf(sb, "To: %s\nFrom: ", to);
    add_from(sb, cfg->mail_from);
    sb_adds(sb, "\nSubject: ");
    add_text(sb, subject);
    sb_addc(sb, '\n');
    add_date(sb, time(NULL));
    if (add_message_id(sb, cfg->mail_from) != 0) {
        log_error("mail: no random bytes for a Message-ID");
        return -1;
    }
    sb_adds(sb, "MIME-Version: 1.0\n"
                "Content-Type: text/plain; charset=utf-8\n"
                "Content-Transfer-Encoding: 8bit\n\n");
    add_body(sb, body);
    return 0;
}

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In the child: stdin from the pipe, stdout to stderr, nothing else open. */
static void exec_command(int in_fd, const char *cmd)
{
    struct sigaction sa;
    sigset_t none;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGPIPE, &sa, NULL);
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    (void)setpgid(0, 0);
    /* dup2 onto itself would keep O_CLOEXEC (a tool started with stdin closed). */
    if (in_fd == STDIN_FILENO ? fcntl(in_fd, F_SETFD, 0) < 0 : dup2(in_fd, STDIN_FILENO) < 0)
        _exit(127);
    if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
        _exit(127);
    if (close_range(3, ~0U, 0) != 0) {
        long max = sysconf(_SC_OPEN_MAX);
        for (long fd = 3; fd < (max > 0 ? max : 1024); fd++)
            (void)close((int)fd);
    }
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
}

/* Write all of msg to fd (non-blocking) before the deadline. 0 or -1. */
static int write_all(int fd, const char *msg, size_t len, double deadline)
{
    size_t done = 0;

    while (done < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT, .revents = 0 };
        double left = deadline - now_mono();
        ssize_t n;
        int r;

        if (left <= 0) {
            log_error("mail: the command did not read the message within %d s", MAIL_TIMEOUT);
            return -1;
        }
        r = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            log_error("mail: poll: %s", strerror(errno));
            return -1;
        }
        if (r == 0)
            continue;
        n = write(fd, msg + done, len - done);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0) {
            log_error("mail: writing to the command: %s", strerror(errno));
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

/* write_all with SIGPIPE blocked, and a SIGPIPE it raised discarded, so a
 * command that exits early cannot kill a process that does not ignore
 * SIGPIPE (the tools; lib/app ignores it in the web programs). */
static int write_quietly(int fd, const char *msg, size_t len, double deadline)
{
    sigset_t pipe_set, old, pending;
    int rc, was_pending;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    if (sigpending(&pending) != 0)
        sigemptyset(&pending);
    was_pending = sigismember(&pending, SIGPIPE) == 1;
    if (sigprocmask(SIG_BLOCK, &pipe_set, &old) != 0)
        return write_all(fd, msg, len, deadline);
    rc = write_all(fd, msg, len, deadline);
    if (!was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
        struct timespec zero = { 0, 0 };
        (void)sigtimedwait(&pipe_set, NULL, &zero);
    }
    (void)sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* Reap pid; kill its process group if it outlives the deadline.
 * The exit status, or -1. */
static int reap(pid_t pid, double deadline)
{
    int status = 0, killed = 0;

    for (;;) {
        pid_t r = waitpid(pid, &status, killed ? 0 : WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            log_error("mail: waitpid: %s", strerror(errno));
            return -1;
        }
        if (now_mono() >= deadline) {
            log_error("mail: the command did not finish in time; killed");
            (void)kill(-pid, SIGKILL);
            (void)kill(pid, SIGKILL);
            killed = 1;
            continue;
        }
        {
            struct timespec ts = { 0, 10 * 1000 * 1000 };
            (void)nanosleep(&ts, NULL);
        }
    }
    if (killed)
        return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    log_error("mail: the command died of signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return -1;
}

int mail_send(const lyre_config *cfg, const char *to, const char *subject, const char *body)
{
    strbuf msg = STRBUF_INIT;
    int fds[2] = { -1, -1 };
    pid_t pid = -1;
    double deadline;
    int rc = -1, wrote, status;

    if (!cfg->sendmail_command || !*cfg->sendmail_command) {
        log_error("mail: mail.sendmail is not set");
        goto cleanup;
    }
    if (build_message(&msg, cfg, to, subject, body) != 0)
        goto cleanup;
    if (pipe2(fds, O_CLOEXEC) != 0) {
        log_error("mail: pipe: %s", strerror(errno));
        goto cleanup;
    }
    pid = fork();
    if (pid < 0) {
        log_error("mail: fork: %s", strerror(errno));
        goto cleanup;
    }
    if (pid == 0)
        exec_command(fds[0], cfg->sendmail_command);
    close(fds[0]);
    fds[0] = -1;
    deadline = now_mono() + MAIL_TIMEOUT;
    if (fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0) {
        log_error("mail: fcntl: %s", strerror(errno));
        wrote = -1;
    } else {
        wrote = write_quietly(fds[1], msg.buf, msg.len, deadline);
    }
    /* Closing is the end of the message for the command. */
    close(fds[1]);
    fds[1] = -1;
    /* After a failed write, a moment to exit before it is killed. */
    status = reap(pid, wrote == 0 ? deadline : now_mono() + 1.0);
    pid = -1;
    if (status != 0) {
        if (status > 0)
            log_error("mail: %s exited with status %d", cfg->sendmail_command, status);
        goto cleanup;
    }
    if (wrote != 0)
        goto cleanup;
    rc = 0;

cleanup:
    if (fds[0] >= 0)
        close(fds[0]);
    if (fds[1] >= 0)
        close(fds[1]);
    sb_free(&msg);
    return rc;
}

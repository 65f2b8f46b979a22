/* handoff.c — hand the bytes of a media-store file to the web server: a
 * signed /media/ URL (lighttpd checks it in etc/stream.lua) or X-Sendfile
 * (Apache), by stream.mode.  See handoff.h. */
#include "handoff.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "crypto.h"
#include "log.h"
#include "str.h"

/* Signed URLs made within this many seconds of each other are equal, so a
 * browser's cache can answer a replay. */
#define EXPIRY_ROUNDING 300
#define SECRET_MIN_BYTES 32

int handoff_is_sha256(const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return 0;
    return n == 64;
}

const char *handoff_audio_url_path(arena *a, const char *sha256)
{
    if (!handoff_is_sha256(sha256))
        return NULL;
    return arena_printf(a, "/media/audio/%.2s/%s.mp3", sha256, sha256);
}

const char *handoff_audio_file(arena *a, const lyre_config *cfg, const char *sha256, const char *ext)
{
    if (!handoff_is_sha256(sha256))
        return NULL;
    return arena_printf(a, "%s/audio/%.2s/%s.%s", cfg->media_dir, sha256, sha256, ext);
}

/* ------------------------------------------------------------ the secret */

/* Read once, again when the file changes (a new key, or SIGHUP naming
 * another file). */
static struct {
    char path[4096];
    dev_t dev;
    ino_t ino;
    struct timespec mtime;
    char key[1024];
    size_t len;
} secret;

static int load_secret(const char *path)
{
    struct stat sb;
    FILE *f = NULL;
    int rc = -1;
    if (stat(path, &sb) != 0) {
        log_error("stream.secret_file %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (secret.len && strcmp(secret.path, path) == 0 && secret.dev == sb.st_dev && secret.ino == sb.st_ino &&
        secret.mtime.tv_sec == sb.st_mtim.tv_sec && secret.mtime.tv_nsec == sb.st_mtim.tv_nsec)
        return 0;
    secret.len = 0;
    f = fopen(path, "rb");
    if (!f) {
        log_error("stream.secret_file %s: %s", path, strerror(errno));
        goto cleanup;
    }
    size_t n = fread(secret.key, 1, sizeof secret.key - 1, f);
    if (ferror(f)) {
        log_error("stream.secret_file %s: read error", path);
        goto cleanup;
    }
    /* Trailing whitespace is not part of the key (stream.lua trims alike). */
    while (n > 0 && (secret.key[n - 1] == '\n' || secret.key[n - 1] == '\r' ||
                     secret.key[n - 1] == ' ' || secret.key[n - 1] == '\t'))
        n--;
    if (n < SECRET_MIN_BYTES) {
        log_error("stream.secret_file %s: the key must be at least %d characters", path, SECRET_MIN_BYTES);
        goto cleanup;
    }
    if (str_copy(secret.path, sizeof secret.path, path) != 0) {
        log_error("stream.secret_file: path too long");
        goto cleanup;
    }
    secret.key[n] = '\0';
    secret.len = n;
    secret.dev = sb.st_dev;
    secret.ino = sb.st_ino;
    secret.mtime = sb.st_mtim;
    rc = 0;
cleanup:
    if (f)
        fclose(f);
    return rc;
}

const char *handoff_sign(lyre_req *req, const char *url_path, long long valid_for)
{
    if (load_secret(req->cfg->stream_secret_file) != 0)
        return NULL;
    long long expires = (long long)time(NULL) + valid_for;
    expires += EXPIRY_ROUNDING - expires % EXPIRY_ROUNDING;
    const char *data = arena_printf(req->a, "%s|%lld", url_path, expires);
    uint8_t mac[CRYPTO_SHA256_LEN];
    char hex[2 * CRYPTO_SHA256_LEN + 1];
    if (crypto_hmac_sha256(secret.key, secret.len, data, strlen(data), mac) != 0) {
        log_error("HMAC failed");
        return NULL;
    }
    hex_encode(mac, sizeof mac, hex);
    return arena_printf(req->a, "%s?e=%lld&s=%s", url_path, expires, hex);
}

lyre_err handoff_audio(lyre_req *req, const char *sha256)
{
    if (strcmp(req->cfg->stream_mode, "x-sendfile") == 0) {
        const char *file = handoff_audio_file(req->a, req->cfg, sha256, "mp3");
        if (!file || http_set_header(req, "X-Sendfile", file) != 0)
            return LYRE_ERR_INTERNAL;
        req->content_type = "audio/mpeg";
        /* The web server answers Range requests for this file itself. */
        http_set_header(req, "Accept-Ranges", "bytes");
        http_set_header(req, "Cache-Control", "private, max-age=3600");
        return LYRE_OK;
    }
    const char *path = handoff_audio_url_path(req->a, sha256);
    const char *url = path ? handoff_sign(req, path, req->cfg->stream_url_ttl) : NULL;
    if (!url || http_redirect(req, 302, url) != 0)
        return LYRE_ERR_INTERNAL;
    http_set_header(req, "Cache-Control", "no-store");
    return LYRE_OK;
}

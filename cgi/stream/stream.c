/* stream.c — GET /stream/{id}: authorise one play and hand the bytes to the
 * web server.  With stream.mode "redirect" the answer is a 302 to a signed
 * /media/ URL, and every Range request after it is checked and served by the
 * web server alone; with "x-sendfile" each request comes here and the web
 * server sends the file named in X-Sendfile. */
#include "stream.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "crypto.h"
#include "log.h"

/* Signed URLs made within this many seconds of each other are equal, so a
 * browser's cache can answer a replay. */
#define EXPIRY_ROUNDING 300
#define SECRET_MIN_BYTES 32

int stream_max_kbps(const lyre_req *req)
{
    (void)req;
    return 0;
}

static int is_sha256_hex(const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return 0;
    return n == 64;
}

lyre_err stream_renditions(lyre_req *req, unsigned long long track_id, rendition **out, size_t *n)
{
    db_result r;
    if (!req->cfg->stream_public && !req->auth) {
        req->error_detail = "Sign in to listen.";
        return LYRE_ERR_UNAUTHORIZED;
    }
    db_status st = db_query(req->db, req->a, &r,
        "SELECT t.available, r.bitrate_kbps, r.sha256, r.bytes, r.duration_ms, r.peak_bandwidth "
        "FROM tracks t LEFT JOIN renditions r ON r.track_id = t.id "
        "WHERE t.id = ? ORDER BY r.bitrate_kbps", "u", track_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows == 0 || db_cell_ll(&r, 0, 0, 0) == 0) {
        req->error_detail = r.nrows == 0 ? arena_printf(req->a, "No track has the id %llu.", track_id)
                                         : "This track is no longer available.";
        return LYRE_ERR_NOT_FOUND;
    }
    if (!db_cell(&r, 0, 1)) {
        req->error_detail = "This track has no audio yet.";
        return LYRE_ERR_NOT_FOUND;
    }
    rendition *list = arena_calloc(req->a, r.nrows, sizeof *list);
    size_t count = 0;
    int cap = stream_max_kbps(req);
    for (size_t i = 0; i < r.nrows; i++) {
        rendition *x = &list[count];
        x->kbps = (int)db_cell_ll(&r, i, 1, 0);
        x->sha256 = db_cell(&r, i, 2);
        x->bytes = (unsigned long long)db_cell_ll(&r, i, 3, 0);
        x->duration_ms = (unsigned long long)db_cell_ll(&r, i, 4, 0);
        x->peak_bandwidth = (unsigned long long)db_cell_ll(&r, i, 5, 0);
        if (!is_sha256_hex(x->sha256)) {
            log_error("track %llu: rendition %d kbps has a malformed sha256", track_id, x->kbps);
            continue;
        }
        /* The lowest rung stays even above the cap: a plan never silences a track. */
        if (cap > 0 && x->kbps > cap && count > 0)
            continue;
        count++;
    }
    if (count == 0)
        return LYRE_ERR_INTERNAL;
    *out = list;
    *n = count;
    return LYRE_OK;
}

const char *stream_media_url_path(lyre_req *req, const rendition *r)
{
    return arena_printf(req->a, "/media/audio/%.2s/%s.mp3", r->sha256, r->sha256);
}

const char *stream_media_file(lyre_req *req, const rendition *r, const char *ext)
{
    return arena_printf(req->a, "%s/audio/%.2s/%s.%s", req->cfg->media_dir, r->sha256, r->sha256, ext);
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

const char *stream_sign(lyre_req *req, const char *url_path, long long valid_for)
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

/* ------------------------------------------------------------ /stream/{id} */

static lyre_err answer_sendfile(lyre_req *req, const rendition *r)
{
    const char *file = stream_media_file(req, r, "mp3");
    if (http_set_header(req, "X-Sendfile", file) != 0)
        return LYRE_ERR_INTERNAL;
    req->content_type = "audio/mpeg";
    /* The web server answers Range requests for this file itself. */
    http_set_header(req, "Accept-Ranges", "bytes");
    http_set_header(req, "Cache-Control", "private, max-age=3600");
    return LYRE_OK;
}

lyre_err page_stream(lyre_req *req)
{
    unsigned long long id;
    long br = 0;
    rendition *list;
    size_t n;

    if (req->route_nargs > 0 && strcmp(req->route_args[0], "events") == 0) {
        http_set_header(req, "Allow", "POST");
        return LYRE_ERR_METHOD;
    }
    /* "/stream/7.mp3" too: some clients (ffmpeg's HLS reader) want to see
     * the kind of file in its name. */
    if (req->route_nargs > 0 && str_ends_with(req->route_args[0], ".mp3"))
        req->route_args[0] = arena_strndup(req->a, req->route_args[0], strlen(req->route_args[0]) - 4);
    lyre_err err = app_arg_id(req, 0, &id);
    if (err != LYRE_OK)
        return err;
    const char *br_text = http_query(req, "br");
    if (br_text && str_to_long(br_text, 8, 10000, &br) != 0) {
        req->error_detail = "The bitrate (br) must be a whole number of kbit/s.";
        return LYRE_ERR_BAD_REQUEST;
    }
    err = stream_renditions(req, id, &list, &n);
    if (err != LYRE_OK)
        return err;
    /* The highest rung within br, else the lowest there is. */
    const rendition *pick = &list[0];
    for (size_t i = 1; i < n; i++)
        if (br == 0 || list[i].kbps <= br)
            pick = &list[i];
    if (strcmp(req->cfg->stream_mode, "x-sendfile") == 0)
        return answer_sendfile(req, pick);

    const char *url = stream_sign(req, stream_media_url_path(req, pick), req->cfg->stream_url_ttl);
    if (!url || http_redirect(req, 302, url) != 0)
        return LYRE_ERR_INTERNAL;
    http_set_header(req, "Cache-Control", "no-store");
    return LYRE_OK;
}

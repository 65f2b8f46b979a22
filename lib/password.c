/* password.c — argon2id hashes (libargon2) and the NIST SP 800-63B rules.
 *
 * Per-process state (a FastCGI worker is single-threaded): the common
 * password list, loaded on first use, and the dummy hash behind
 * password_waste_time, remade when the argon2 parameters change.
 */
#include "password.h"

#include <argon2.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "url.h"

#define SALT_BYTES 16
#define HASH_BYTES 32

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        char ca = ascii_lower(*a), cb = ascii_lower(*b);
        if (ca != cb || ca == '\0')
            return (unsigned char)ca - (unsigned char)cb;
    }
}

/* The parameters of cfg as argon2 wants them; the config bounds make them valid. */
static void cfg_params(const lyre_config *cfg, uint32_t *t, uint32_t *m, uint32_t *p)
{
    *t = (uint32_t)cfg->argon2_time_cost;
    *m = (uint32_t)cfg->argon2_memory_kib;
    *p = (uint32_t)cfg->argon2_parallelism;
    /* argon2 needs at least 8 KiB per lane. */
    if (*m < 8 * *p)
        *m = 8 * *p;
}

static char *hash_with(uint32_t t, uint32_t m, uint32_t p, const char *password, char *out, size_t out_size)
{
    unsigned char salt[SALT_BYTES];
    int rc;

    if (crypto_random(salt, sizeof salt) != 0) {
        log_error("no random bytes for a salt");
        return NULL;
    }
    rc = argon2id_hash_encoded(t, m, p, password, strlen(password), salt, sizeof salt, HASH_BYTES, out,
                               out_size);
    if (rc != ARGON2_OK) {
        log_error("argon2id (t=%u, m=%u, p=%u): %s", (unsigned)t, (unsigned)m, (unsigned)p,
                  argon2_error_message(rc));
        return NULL;
    }
    return out;
}

const char *password_hash(const lyre_config *cfg, arena *a, const char *password)
{
    uint32_t t, m, p;
    size_t len;
    char *out;

    if (!password)
        return NULL;
    cfg_params(cfg, &t, &m, &p);
    len = argon2_encodedlen(t, m, p, SALT_BYTES, HASH_BYTES, Argon2_id);
    out = arena_alloc(a, len);
    return hash_with(t, m, p, password, out, len);
}

int password_verify(const char *encoded, const char *password)
{
    int rc;

    if (!encoded || !password || !str_starts_with(encoded, "$argon2id$"))
        return 0;
    rc = argon2id_verify(encoded, password, strlen(password));
    if (rc == ARGON2_OK)
        return 1;
    if (rc != ARGON2_VERIFY_MISMATCH)
        log_warn("stored password hash not usable: %s", argon2_error_message(rc));
    return 0;
}

/* "$argon2id$v=19$m=M,t=T,p=P$..." -> 0, else -1. */
static int parse_params(const char *encoded, unsigned long *v, unsigned long *m, unsigned long *t,
                        unsigned long *p)
{
    int end = 0;

    if (!encoded || !str_starts_with(encoded, "$argon2id$"))
        return -1;
    if (sscanf(encoded + 10, "v=%lu$m=%lu,t=%lu,p=%lu$%n", v, m, t, p, &end) != 4 || end == 0)
        return -1;
    return 0;
}

int password_needs_rehash(const lyre_config *cfg, const char *encoded)
{
    unsigned long v, m, t, p;
    uint32_t ct, cm, cp;

    if (parse_params(encoded, &v, &m, &t, &p) != 0)
        return 1;
    cfg_params(cfg, &ct, &cm, &cp);
    return v != ARGON2_VERSION_NUMBER || t != ct || m != cm || p != cp;
}

/* The dummy hash of password_waste_time and the parameters it was made with. */
static struct {
    char *encoded;
    uint32_t t, m, p;
} dummy;

void password_waste_time(const lyre_config *cfg, const char *password)
{
    uint32_t t, m, p;

    cfg_params(cfg, &t, &m, &p);
    if (!dummy.encoded || dummy.t != t || dummy.m != m || dummy.p != p) {
        size_t len = argon2_encodedlen(t, m, p, SALT_BYTES, HASH_BYTES, Argon2_id);
        char *buf = malloc(len);
        if (!buf || !hash_with(t, m, p, "lyre-no-such-user", buf, len)) {
            free(buf);
            return;
        }
        free(dummy.encoded);
        dummy.encoded = buf;
        dummy.t = t;
        dummy.m = m;
        dummy.p = p;
    }
    (void)argon2id_verify(dummy.encoded, password ? password : "", password ? strlen(password) : 0);
}

/* ------------------------------------------------------------------ common passwords */

static struct {
    char *path;     /* the file the list below came from (NULL: nothing tried yet) */
    char *text;     /* the file's bytes, lines cut at their '\n' */
    char **words;   /* sorted, lowercase */
    size_t n;
} common;

static int cmp_words(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void common_drop(void)
{
    free(common.path);
    free(common.text);
    free(common.words);
    memset(&common, 0, sizeof common);
}

/* Read path into common.  A missing or unreadable file leaves the list
 * empty (logged once per path): the length rules still apply. */
static void common_load(const char *path)
{
    FILE *f = NULL;
    strbuf sb = STRBUF_INIT;
    char chunk[8192];
    size_t got, cap = 0;
    char *line, *next;

    common_drop();
    common.path = strdup(path);
    if (!common.path)
        goto cleanup;
    f = fopen(path, "r");
    if (!f) {
        log_error("common passwords list %s: %s; only the length rules apply", path, strerror(errno));
        goto cleanup;
    }
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_add(&sb, chunk, got);
    if (ferror(f)) {
        log_error("common passwords list %s: read error; only the length rules apply", path);
        goto cleanup;
    }
    common.text = sb_detach(&sb, NULL);
    for (line = common.text; line && *line; line = next) {
        size_t len;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        len = strlen(line);
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        for (size_t i = 0; i < len; i++)
            line[i] = ascii_lower(line[i]);
        if (common.n == cap) {
            size_t ncap = cap ? 2 * cap : 1024;
            char **w = realloc(common.words, ncap * sizeof *w);
            if (!w) {
                log_error("common passwords list %s: out of memory", path);
                free(common.words);
                common.words = NULL;
                common.n = 0;
                goto cleanup;
            }
            common.words = w;
            cap = ncap;
        }
        common.words[common.n++] = line;
    }
    if (common.n > 0)
        qsort(common.words, common.n, sizeof *common.words, cmp_words);
    log_debug("common passwords list %s: %zu entries", path, common.n);

cleanup:
    if (f)
        fclose(f);
    sb_free(&sb);
}

static int is_common(const lyre_config *cfg, const char *password)
{
    char lower[PASSWORD_MAX_BYTES + 1];
    const char *key = lower;
    const char *path = cfg->common_passwords_file;

    if (!path || !*path)
        return 0;
    if (!common.path || strcmp(common.path, path) != 0)
        common_load(path);
    if (common.n == 0)
        return 0;
    if (str_copy(lower, sizeof lower, password) != 0)
        return 0;
    for (char *c = lower; *c; c++)
        *c = ascii_lower(*c);
    return bsearch(&key, common.words, common.n, sizeof *common.words, cmp_words) != NULL;
}

/* ------------------------------------------------------------------ policy */

static size_t code_points(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* 1 if password equals the local part of email ("alice" for "alice@example.com"). */
static int is_local_part(const char *password, const char *email)
{
    const char *at = strrchr(email, '@');
    size_t n = at ? (size_t)(at - email) : strlen(email);

    if (n == 0 || strlen(password) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (ascii_lower(password[i]) != ascii_lower(email[i]))
            return 0;
    return 1;
}

const char *password_problem(const lyre_config *cfg, const char *password, const char *username,
                             const char *email)
{
    size_t len;

    if (!password)
        password = "";
    len = strlen(password);
    if (len > PASSWORD_MAX_BYTES)
        return "The password is too long: use at most 256 bytes.";
    if (!utf8_valid(password, len))
        return "The password contains bytes that are not valid UTF-8 text.";
    if (code_points(password) < PASSWORD_MIN_CHARS)
        return "Use at least 8 characters.";
    if (username && *username && ascii_casecmp(password, username) == 0)
        return "The password must not be your user name.";
    if (email && *email && (ascii_casecmp(password, email) == 0 || is_local_part(password, email)))
        return "The password must not be your email address.";
    if (is_common(cfg, password))
        return "This password is one of the most common ones; choose another.";
    return NULL;
}

/* oidc.c — discovery, authorization URLs, code exchange and ID token checks.
 * The cache is per process and not locked: FastCGI workers are single-threaded. */
#include "oidc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "fetch.h"
#include "jose.h"
#include "log.h"
#include "str.h"
#include "url.h"

#define OIDC_CACHE_SECONDS 3600
#define OIDC_MAX_CLAIM_BYTES 255
#define OIDC_MAX_EMAIL_BYTES 254
#define OIDC_MAX_NAME_BYTES 400

typedef struct provider_meta {
    char *issuer;
    char *authorization_endpoint;
    char *token_endpoint;
    char *jwks_uri;
    time_t discovered_at;
    jose_jwks *keys;
    time_t keys_at;
    struct provider_meta *next;
} provider_meta;

static provider_meta *cache;

static void meta_free(provider_meta *m)
{
    free(m->issuer);
    free(m->authorization_endpoint);
    free(m->token_endpoint);
    free(m->jwks_uri);
    jose_jwks_free(m->keys);
    free(m);
}

void oidc_cache_clear(void)
{
    while (cache) {
        provider_meta *next = cache->next;
        meta_free(cache);
        cache = next;
    }
}

/* An endpoint we may call: absolute http(s), and https whenever the issuer is. */
static int endpoint_ok(const char *url, const char *issuer)
{
    if (!url || strlen(url) > 2000 || strpbrk(url, " \r\n\t"))
        return 0;
    if (str_starts_with(issuer, "https://"))
        return str_starts_with(url, "https://");
    return str_starts_with(url, "https://") || str_starts_with(url, "http://");
}

static int replace(char **slot, const char *value)
{
    char *copy = strdup(value);
    if (!copy)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

static provider_meta *cache_entry(const char *issuer)
{
    for (provider_meta *m = cache; m; m = m->next)
        if (strcmp(m->issuer, issuer) == 0)
            return m;
    provider_meta *m = calloc(1, sizeof *m);
    if (!m || !(m->issuer = strdup(issuer))) {
        free(m);
        return NULL;
    }
    m->next = cache;
    cache = m;
    return m;
}

/* The issuer's metadata, fetched when older than the cache allows.  A stale
 * copy is used when the provider cannot be reached now. */
static provider_meta *discover(arena *a, const char *issuer, const char **why)
{
    provider_meta *m = cache_entry(issuer);
    fetch_response resp;
    json_t *doc = NULL;
    time_t now = time(NULL);
    if (!m) {
        *why = "out of memory";
        return NULL;
    }
    if (m->discovered_at && now - m->discovered_at < OIDC_CACHE_SECONDS)
        return m;

    size_t ilen = strlen(issuer);
    const char *url = arena_printf(a, "%.*s/.well-known/openid-configuration",
                                   (int)(ilen && issuer[ilen - 1] == '/' ? ilen - 1 : ilen), issuer);
    static const char *const accept[] = { "Accept: application/json", NULL };
    fetch_opts o = { .retries = 1 };
    if (fetch_get(a, url, accept, &o, &resp) != FETCH_OK) {
        *why = arena_printf(a, "discovery: %s", resp.error);
        goto failed;
    }
    if (resp.status != 200) {
        *why = arena_printf(a, "discovery: HTTP status %ld", resp.status);
        goto failed;
    }
    doc = json_loadb(resp.body, resp.body_len, JSON_REJECT_DUPLICATES, NULL);
    const char *iss = json_string_value(json_object_get(doc, "issuer"));
    const char *authz = json_string_value(json_object_get(doc, "authorization_endpoint"));
    const char *token = json_string_value(json_object_get(doc, "token_endpoint"));
    const char *jwks = json_string_value(json_object_get(doc, "jwks_uri"));
    if (!json_is_object(doc)) {
        *why = "discovery: not a JSON object";
        goto failed;
    }
    /* OpenID Connect Discovery 1.0, 4.3: the issuer must be exactly ours. */
    if (!iss || strcmp(iss, issuer) != 0) {
        *why = "discovery: the document names another issuer";
        goto failed;
    }
    if (!endpoint_ok(authz, issuer) || !endpoint_ok(token, issuer) || !endpoint_ok(jwks, issuer)) {
        *why = "discovery: missing or unusable endpoints";
        goto failed;
    }
    if (replace(&m->authorization_endpoint, authz) != 0 || replace(&m->token_endpoint, token) != 0) {
        *why = "out of memory";
        goto failed;
    }
    if (!m->jwks_uri || strcmp(m->jwks_uri, jwks) != 0) {
        if (replace(&m->jwks_uri, jwks) != 0) {
            *why = "out of memory";
            goto failed;
        }
        jose_jwks_free(m->keys);
        m->keys = NULL;
        m->keys_at = 0;
    }
    m->discovered_at = now;
    json_decref(doc);
    return m;

failed:
    json_decref(doc);
    if (m->discovered_at && m->token_endpoint && m->jwks_uri) {
        log_warn("%s: %s; using the copy from %lld s ago", issuer, *why,
                 (long long)(now - m->discovered_at));
        return m;
    }
    return NULL;
}

/* Fetch the provider's key set (again).  0 or -1 with *why. */
static int fetch_keys(arena *a, provider_meta *m, const char **why)
{
    fetch_response resp;
    static const char *const accept[] = { "Accept: application/json, application/jwk-set+json", NULL };
    fetch_opts o = { .retries = 1 };
    if (fetch_get(a, m->jwks_uri, accept, &o, &resp) != FETCH_OK) {
        *why = arena_printf(a, "key set: %s", resp.error);
        return -1;
    }
    if (resp.status != 200) {
        *why = arena_printf(a, "key set: HTTP status %ld", resp.status);
        return -1;
    }
    const char *problem = NULL;
    jose_jwks *keys = jose_jwks_parse(resp.body, resp.body_len, &problem);
    if (!keys) {
        *why = arena_printf(a, "key set: %s", problem);
        return -1;
    }
    jose_jwks_free(m->keys);
    m->keys = keys;
    m->keys_at = time(NULL);
    return 0;
}

const char *oidc_pkce_verifier(arena *a)
{
    unsigned char raw[32];
    if (crypto_random(raw, sizeof raw) != 0)
        return NULL;
    return b64url_encode(a, raw, sizeof raw);
}

const char *oidc_pkce_challenge(arena *a, const char *verifier)
{
    uint8_t digest[CRYPTO_SHA256_LEN];
    if (!verifier || crypto_sha256(verifier, strlen(verifier), digest) != 0)
        return NULL;
    return b64url_encode(a, digest, sizeof digest);
}

const char *oidc_redirect_uri(arena *a, const lyre_config *cfg, const lyre_oidc_provider *p)
{
    return arena_printf(a, "%s/auth/%s/callback", cfg->base_url, p->name);
}

oidc_status oidc_authorize_url(arena *a, const lyre_config *cfg, const lyre_oidc_provider *p,
                               const char *state, const char *nonce, const char *verifier,
                               const char **url, const char **why)
{
    const char *challenge = oidc_pkce_challenge(a, verifier);
    provider_meta *m = discover(a, p->issuer, why);
    const char *scopes = p->scopes && *p->scopes ? p->scopes : "openid email profile";
    strbuf q = STRBUF_INIT;
    if (!m)
        return OIDC_ERR_PROVIDER;
    if (!challenge) {
        *why = "cannot make the PKCE challenge";
        return OIDC_ERR_PROVIDER;
    }
    fetch_form_add(&q, "response_type", "code");
    fetch_form_add(&q, "client_id", p->client_id);
    fetch_form_add(&q, "redirect_uri", oidc_redirect_uri(a, cfg, p));
    /* Without "openid" it would be plain OAuth 2: no ID token. */
    fetch_form_add(&q, "scope", strstr(scopes, "openid") ? scopes : arena_printf(a, "openid %s", scopes));
    fetch_form_add(&q, "state", state);
    fetch_form_add(&q, "nonce", nonce);
    fetch_form_add(&q, "code_challenge", challenge);
    fetch_form_add(&q, "code_challenge_method", "S256");
    *url = arena_printf(a, "%s%c%s", m->authorization_endpoint,
                        strchr(m->authorization_endpoint, '?') ? '&' : '?', q.buf);
    sb_free(&q);
    return OIDC_OK;
}

/* A string claim that is short, valid UTF-8 and free of control characters; else NULL. */
static const char *clean_string(arena *a, json_t *claims, const char *name, size_t max)
{
    json_t *v = json_object_get(claims, name);
    const char *s = json_string_value(v);
    if (!s)
        return NULL;
    size_t len = json_string_length(v);
    if (len == 0 || len > max || strlen(s) != len || !utf8_valid(s, len))
        return NULL;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return NULL;
    return arena_strndup(a, s, len);
}

static int aud_has(json_t *aud, const char *client_id, size_t *count)
{
    *count = 0;
    if (json_is_string(aud)) {
        *count = 1;
        return strcmp(json_string_value(aud), client_id) == 0;
    }
    if (!json_is_array(aud))
        return 0;
    int found = 0;
    *count = json_array_size(aud);
    for (size_t i = 0; i < *count; i++) {
        const char *s = json_string_value(json_array_get(aud, i));
        if (s && strcmp(s, client_id) == 0)
            found = 1;
    }
    return found;
}

oidc_status oidc_check_claims(arena *a, json_t *claims, const char *issuer, const char *client_id,
                              const char *nonce, long long now, oidc_identity *id,
                              const char **why)
{
    size_t naud = 0;
    memset(id, 0, sizeof *id);
    const char *iss = json_string_value(json_object_get(claims, "iss"));
    if (!iss || strcmp(iss, issuer) != 0) {
        *why = "ID token: iss is not the issuer";
        return OIDC_ERR_TOKEN;
    }
    if (!aud_has(json_object_get(claims, "aud"), client_id, &naud)) {
        *why = "ID token: not meant for our client_id (aud)";
        return OIDC_ERR_TOKEN;
    }
    json_t *azp = json_object_get(claims, "azp");
    if ((naud > 1 || azp) && (!json_is_string(azp) || strcmp(json_string_value(azp), client_id) != 0)) {
        *why = "ID token: azp is not our client_id";
        return OIDC_ERR_TOKEN;
    }
    json_t *exp = json_object_get(claims, "exp"), *iat = json_object_get(claims, "iat");
    if (!json_is_number(exp) || json_number_value(exp) + OIDC_CLOCK_SKEW <= (double)now) {
        *why = "ID token: expired (exp)";
        return OIDC_ERR_TOKEN;
    }
    if (!json_is_number(iat) || json_number_value(iat) > (double)(now + OIDC_CLOCK_SKEW)) {
        *why = "ID token: issued in the future (iat)";
        return OIDC_ERR_TOKEN;
    }
    const char *got_nonce = json_string_value(json_object_get(claims, "nonce"));
    if (!nonce || !got_nonce || !crypto_equal_str(got_nonce, nonce)) {
        *why = "ID token: nonce does not match this sign-in";
        return OIDC_ERR_TOKEN;
    }
    id->subject = clean_string(a, claims, "sub", OIDC_MAX_CLAIM_BYTES);
    if (!id->subject) {
        *why = "ID token: sub missing or unusable";
        return OIDC_ERR_TOKEN;
    }
    id->issuer = arena_strdup(a, issuer);
    id->email = clean_string(a, claims, "email", OIDC_MAX_EMAIL_BYTES);
    if (id->email && (!strchr(id->email, '@') || strchr(id->email, ' ')))
        id->email = NULL;
    /* Some providers send the string "true". */
    json_t *verified = json_object_get(claims, "email_verified");
    const char *vs = json_string_value(verified);
    id->email_verified = id->email && (json_is_true(verified) || (vs && strcmp(vs, "true") == 0));
    id->name = clean_string(a, claims, "name", OIDC_MAX_NAME_BYTES);
    id->preferred_username = clean_string(a, claims, "preferred_username", OIDC_MAX_CLAIM_BYTES);
    return OIDC_OK;
}

/* Verify the ID token's signature with the provider's keys, fetching them
 * when missing or old, and again once when they do not fit the token.  The
 * token comes from the token endpoint, not the browser, so nobody can make
 * us fetch keys at will. */
static oidc_status verify_id_token(arena *a, provider_meta *m, const char *token, json_t **claims,
                                   const char **why)
{
    time_t now = time(NULL);
    int refetched = 0;
    if (!m->keys || now - m->keys_at >= OIDC_CACHE_SECONDS) {
        if (fetch_keys(a, m, why) != 0 && !m->keys)
            return OIDC_ERR_PROVIDER;
        refetched = 1;
    }
    jose_status st = jose_verify(m->keys, token, claims, NULL);
    /* A key id we do not know, or (a provider that re-used a key id for a
     * new key) one that does not verify: the set may have changed since. */
    if ((st == JOSE_ERR_NO_KEY || st == JOSE_ERR_SIGNATURE) && !refetched) {
        if (fetch_keys(a, m, why) != 0)
            return OIDC_ERR_PROVIDER;
        st = jose_verify(m->keys, token, claims, NULL);
    }
    if (st != JOSE_OK) {
        *why = arena_printf(a, "ID token: %s", jose_status_text(st));
        return OIDC_ERR_TOKEN;
    }
    return OIDC_OK;
}

/* The provider's error code when it is a plain token ("invalid_grant"). */
static const char *error_code(arena *a, json_t *doc)
{
    const char *e = json_string_value(json_object_get(doc, "error"));
    if (!e || !*e || strlen(e) > 64 || strspn(e, "abcdefghijklmnopqrstuvwxyz_") != strlen(e))
        return "no error code";
    return arena_strdup(a, e);
}

oidc_status oidc_exchange_code(arena *a, const lyre_config *cfg, const lyre_oidc_provider *p,
                               const char *code, const char *verifier, const char *nonce,
                               oidc_identity *id, const char **why)
{
    oidc_status st = OIDC_ERR_PROVIDER;
    strbuf body = STRBUF_INIT;
    json_t *doc = NULL, *claims = NULL;
    fetch_response resp;
    memset(id, 0, sizeof *id);
    provider_meta *m = discover(a, p->issuer, why);
    if (!m)
        goto cleanup;
    fetch_form_add(&body, "grant_type", "authorization_code");
    fetch_form_add(&body, "code", code);
    fetch_form_add(&body, "redirect_uri", oidc_redirect_uri(a, cfg, p));
    fetch_form_add(&body, "code_verifier", verifier);
    const char *headers[] = {
        fetch_basic_auth_header(a, p->client_id, p->client_secret ? p->client_secret : ""),
        "Accept: application/json",
        NULL,
    };
    /* A code is single-use: never retried. */
    if (fetch_post(a, m->token_endpoint, headers, "application/x-www-form-urlencoded", body.buf,
                   body.len, NULL, &resp) != FETCH_OK) {
        *why = arena_printf(a, "token endpoint: %s", resp.error);
        goto cleanup;
    }
    doc = json_loadb(resp.body, resp.body_len, 0, NULL);
    if (resp.status == 400 || resp.status == 401) {
        *why = arena_printf(a, "token endpoint refused the code (HTTP %ld, %s)", resp.status,
                            error_code(a, doc));
        st = OIDC_ERR_REFUSED;
        goto cleanup;
    }
    const char *id_token = json_string_value(json_object_get(doc, "id_token"));
    if (resp.status != 200 || !id_token) {
        *why = arena_printf(a, "token endpoint: HTTP status %ld%s", resp.status,
                            resp.status == 200 ? " without an id_token" : "");
        goto cleanup;
    }
    st = verify_id_token(a, m, id_token, &claims, why);
    if (st != OIDC_OK)
        goto cleanup;
    st = oidc_check_claims(a, claims, p->issuer, p->client_id, nonce, (long long)time(NULL), id, why);
cleanup:
    json_decref(doc);
    json_decref(claims);
    sb_free(&body);
    return st;
}

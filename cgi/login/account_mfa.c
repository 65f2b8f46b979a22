/* account_mfa.c — two-factor authentication: the status page (GET
 * /account/mfa), enrolment (POST /account/mfa/setup then /enable), turning
 * it off (/disable), a new set of recovery codes (/recovery), and the code
 * check the login flow shares (mfa_check_code).
 *
 * The TOTP secret is stored sealed (lib/seal.h) with the associated data
 * "totp:<user id>", so a blob copied to another row does not open.  It is
 * written at set-up with totp_enabled_at still NULL and counts only once a
 * code made from it was typed back.  Recovery codes are stored as SHA-256
 * of their canonical form "xxxxx-xxxxx".
 */
#include "account.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "log.h"
#include "seal.h"
#include "totp.h"

#define RECOVERY_CODES 10
#define RECOVERY_LEN 11     /* "xxxxx-xxxxx" */

/* Crockford's base32, lowercase: no i, l, o or u to misread. */
static const char recovery_alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

static const char *totp_ad(lyre_req *req, unsigned long long user_id)
{
    return arena_printf(req->a, "totp:%llu", user_id);
}

/* The canonical "xxxxx-xxxxx" of a typed recovery code (case, spaces, dash
 * and the letters Crockford reads as digits forgiven), or -1. */
static int recovery_canonical(const char *typed, char out[RECOVERY_LEN + 1])
{
    size_t n = 0;
    for (const char *p = typed; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '-')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c == 'o')
            c = '0';
        else if (c == 'i' || c == 'l')
            c = '1';
        if (!strchr(recovery_alphabet, c) || n >= 10)
            return -1;
        out[n < 5 ? n : n + 1] = c;
        n++;
    }
    if (n != 10)
        return -1;
    out[5] = '-';
    out[RECOVERY_LEN] = '\0';
    return 0;
}

/* Six digits, spaces allowed between them ("123 456"), into out; or -1. */
static int totp_digits(const char *typed, char out[7])
{
    size_t n = 0;
    for (const char *p = typed; *p; p++) {
        if (*p == ' ')
            continue;
        if (*p < '0' || *p > '9' || n >= 6)
            return -1;
        out[n++] = *p;
    }
    out[n] = '\0';
    return n == 6 ? 0 : -1;
}

/* The user's TOTP secret, opened.  1 found, 0 none (or it does not open:
 * logged), -1 database down.  enabled: 1 only an active one, 0 only one
 * waiting for its first code. */
static int load_secret(lyre_req *req, unsigned long long user_id, int enabled, unsigned char **secret,
                       size_t *len, unsigned long long *last_step)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        enabled ? "SELECT totp_secret, totp_last_step FROM users WHERE id = ? AND status = 'active' "
                  "AND totp_enabled_at IS NOT NULL AND totp_secret IS NOT NULL"
                : "SELECT totp_secret, totp_last_step FROM users WHERE id = ? AND status = 'active' "
                  "AND totp_enabled_at IS NULL AND totp_secret IS NOT NULL", "u", user_id);
    if (st != DB_OK)
        return -1;
    if (r.nrows != 1)
        return 0;
    if (unseal(req->cfg, req->a, (const unsigned char *)db_cell(&r, 0, 0), r.lengths[0],
               totp_ad(req, user_id), secret, len) != 0) {
        log_error("the TOTP secret of user %llu does not open (was auth.key_file changed?)", user_id);
        return 0;
    }
    if (last_step)
        *last_step = (unsigned long long)db_cell_ll(&r, 0, 1, 0);
    return 1;
}

int mfa_check_code(lyre_req *req, unsigned long long user_id, const char *code)
{
    char digits[7], canonical[RECOVERY_LEN + 1];
    if (!code)
        return 0;
    if (totp_digits(code, digits) == 0) {
        unsigned char *secret;
        size_t len;
        unsigned long long last = 0;
        int found = load_secret(req, user_id, 1, &secret, &len, &last);
        if (found <= 0)
            return found;
        uint64_t step = totp_check(secret, len, digits, time(NULL), last);
        if (step == 0)
            return 0;
        /* Two requests with the same code: only the one that moves the step
         * forward wins. */
        unsigned long long affected = 0;
        db_status st = db_exec(req->db, &affected, NULL,
            "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", "uuu",
            (unsigned long long)step, user_id, (unsigned long long)step);
        if (st != DB_OK)
            return -1;
        return affected == 1;
    }
    if (recovery_canonical(code, canonical) == 0) {
        uint8_t hash[CRYPTO_SHA256_LEN];
        if (crypto_sha256(canonical, RECOVERY_LEN, hash) != 0)
            return -1;
        unsigned long long affected = 0;
        db_status st = db_exec(req->db, &affected, NULL,
            "UPDATE recovery_codes SET used_at = NOW(3) WHERE user_id = ? AND code_hash = ? "
            "AND used_at IS NULL", "ub", user_id, hash, sizeof hash);
        if (st != DB_OK)
            return -1;
        if (affected == 1)
            log_info("user %llu used a recovery code", user_id);
        return affected == 1;
    }
    return 0;
}

/* ------------------------------------------------------------ pages */

static lyre_err mfa_page(lyre_req *req, const account_user *u, xmlNodePtr *acct, lyre_view **out)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", "u",
        req->auth->user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    *out = account_view(req, u, "mfa", "Two-factor authentication", acct);
    xmlNodePtr mfa = view_elem(*acct, "mfa");
    view_attr(mfa, "state", u->totp_enabled ? "on" : "off");
    if (u->totp_enabled) {
        view_text(mfa, "since", u->totp_enabled_at);
        view_int(mfa, "codes-left", db_cell_ll(&r, 0, 0, 0));
    }
    return LYRE_OK;
}

lyre_err page_account_mfa(lyre_req *req)
{
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    xmlNodePtr acct;
    lyre_view *v;
    err = mfa_page(req, &u, &acct, &v);
    return err != LYRE_OK ? err : account_render(req, v, 200);
}

/* The enrolment step: QR code, the secret to type, the code field. */
static lyre_err setup_page(lyre_req *req, const account_user *u, const unsigned char *secret, size_t len,
                           const char *code_error)
{
    const char *b32 = totp_secret_base32(req->a, secret, len);
    const char *uri = totp_uri(req->a, req->cfg->site_name, u->username, secret, len);
    int size = 0;
    const char *qr = uri ? totp_qr_svg_path(req->a, uri, &size) : NULL;
    if (!b32 || !uri || !qr)
        return LYRE_ERR_INTERNAL;
    xmlNodePtr acct;
    lyre_view *v = account_view(req, u, "mfa-setup", "Set up two-factor authentication", &acct);
    xmlNodePtr setup = view_elem(acct, "setup");
    view_attr_int(view_text(setup, "qr", qr), "size", size);
    view_text(setup, "uri", uri);
    /* Groups of four are easier to type; apps ignore the spaces. */
    strbuf grouped = STRBUF_INIT;
    for (size_t i = 0; b32[i]; i++) {
        if (i && i % 4 == 0)
            sb_addc(&grouped, ' ');
        sb_addc(&grouped, b32[i]);
    }
    view_attr(view_text(setup, "secret", grouped.buf), "plain", b32);
    sb_free(&grouped);
    if (code_error)
        account_error(acct, "code", code_error);
    return account_render(req, v, code_error ? 422 : 200);
}

/* Codes are shown once: on this page, never again. */
static lyre_err codes_page(lyre_req *req, const account_user *u, char codes[][RECOVERY_LEN + 1],
                           const char *why)
{
    xmlNodePtr acct;
    lyre_view *v = account_view(req, u, "mfa-codes", "Your recovery codes", &acct);
    xmlNodePtr list = view_elem(acct, "codes");
    view_attr(list, "why", why);
    for (int i = 0; i < RECOVERY_CODES; i++)
        view_text(list, "code", codes[i]);
    return account_render(req, v, 200);
}

/* Make RECOVERY_CODES new codes and store their hashes in place of the old
 * ones, inside the caller's transaction.  LYRE_OK or an error. */
static lyre_err new_recovery_codes(lyre_req *req, unsigned long long user_id,
                                   char codes[][RECOVERY_LEN + 1])
{
    db_status st = db_exec(req->db, NULL, NULL, "DELETE FROM recovery_codes WHERE user_id = ?", "u", user_id);
    for (int i = 0; i < RECOVERY_CODES && st == DB_OK; i++) {
        unsigned char raw[10];
        uint8_t hash[CRYPTO_SHA256_LEN];
        if (crypto_random(raw, sizeof raw) != 0)
            return LYRE_ERR_INTERNAL;
        for (int k = 0, o = 0; k < 10; k++, o++) {
            if (k == 5)
                codes[i][o++] = '-';
            codes[i][o] = recovery_alphabet[raw[k] & 31];   /* 256 = 8 * 32: unbiased */
        }
        codes[i][RECOVERY_LEN] = '\0';
        if (crypto_sha256(codes[i], RECOVERY_LEN, hash) != 0)
            return LYRE_ERR_INTERNAL;
        /* Two equal codes in one set (2^-50 a pair) would hit the unique key:
         * make that one again. */
        st = db_exec(req->db, NULL, NULL,
            "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", "ub", user_id, hash, sizeof hash);
        if (st == DB_DUPLICATE) {
            st = DB_OK;
            i--;
        }
    }
    return st == DB_OK ? LYRE_OK : db_status_to_err(st);
}

/* Re-render the status page with a mistake of the field named id. */
static lyre_err mfa_page_error(lyre_req *req, const account_user *u, const char *id, const char *message,
                               int status)
{
    xmlNodePtr acct;
    lyre_view *v;
    lyre_err err = mfa_page(req, u, &acct, &v);
    if (err != LYRE_OK)
        return err;
    account_error(acct, id, message);
    return account_render(req, v, status);
}

lyre_err post_account_mfa_setup(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    if (u.totp_enabled)
        return account_redirect(req, "/account/mfa");
    /* Re-authentication: someone holding a stolen session must not be able
     * to lock the owner out behind a second factor only they have. */
    const char *problem = NULL;
    int ok = account_reauth(req, &u, account_form(req, "password"), &problem);
    if (ok < 0)
        return LYRE_ERR_DB_DOWN;
    if (!ok)
        return mfa_page_error(req, &u, "setup-password", problem, req->status);

    unsigned char secret[TOTP_SECRET_BYTES];
    unsigned char *sealed;
    size_t sealed_len;
    if (totp_new_secret(secret) != 0 ||
        seal(req->cfg, req->a, secret, sizeof secret, totp_ad(req, uid), &sealed, &sealed_len) != 0)
        return LYRE_ERR_INTERNAL;
    db_status st = db_exec(req->db, NULL, NULL,
        "UPDATE users SET totp_secret = ?, totp_last_step = 0 WHERE id = ? AND totp_enabled_at IS NULL",
        "bu", sealed, sealed_len, uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    return setup_page(req, &u, secret, sizeof secret, NULL);
}

lyre_err post_account_mfa_enable(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    if (u.totp_enabled)
        return account_redirect(req, "/account/mfa");
    unsigned char *secret;
    size_t len;
    int found = load_secret(req, uid, 0, &secret, &len, NULL);
    if (found < 0)
        return LYRE_ERR_DB_DOWN;
    if (found == 0)
        return account_redirect(req, "/account/mfa?done=mfa-pending");
    char digits[7];
    uint64_t step = totp_digits(account_form(req, "code"), digits) == 0
                    ? totp_check(secret, len, digits, time(NULL), 0) : 0;
    if (step == 0)
        return setup_page(req, &u, secret, len,
                          "That code is not right. Type the six digits your app shows now.");

    /* The secret read above must still be the one in the row (another tab
     * may have started the set-up again meanwhile). */
    unsigned char *sealed;
    size_t sealed_len;
    char codes[RECOVERY_CODES][RECOVERY_LEN + 1];
    unsigned long long affected = 0;
    db_result cur;
    db_status st = db_begin(req->db);
    if (st == DB_OK)
        st = db_query(req->db, req->a, &cur, "SELECT totp_secret FROM users WHERE id = ? FOR UPDATE", "u", uid);
    if (st != DB_OK)
        return db_status_to_err(st);
    sealed = cur.nrows == 1 ? (unsigned char *)db_cell(&cur, 0, 0) : NULL;
    sealed_len = sealed ? cur.lengths[0] : 0;
    unsigned char *now_secret;
    size_t now_len;
    if (sealed_len == 0 ||
        unseal(req->cfg, req->a, sealed, sealed_len, totp_ad(req, uid), &now_secret, &now_len) != 0 ||
        now_len != len || !crypto_equal(now_secret, secret, len)) {
        db_rollback(req->db);
        return account_redirect(req, "/account/mfa?done=mfa-pending");
    }
    st = db_exec(req->db, &affected, NULL,
        "UPDATE users SET totp_enabled_at = NOW(3), totp_last_step = ? WHERE id = ? "
        "AND totp_enabled_at IS NULL", "uu", (unsigned long long)step, uid);
    if (st == DB_OK && affected != 1) {
        db_rollback(req->db);
        return account_redirect(req, "/account/mfa");
    }
    err = st == DB_OK ? new_recovery_codes(req, uid, codes) : db_status_to_err(st);
    if (err == LYRE_OK && db_commit(req->db) != DB_OK)
        err = LYRE_ERR_DB_DOWN;
    if (err != LYRE_OK) {
        db_rollback(req->db);
        return err;
    }
    err = session_rotate(req);
    if (err != LYRE_OK)
        return err;
    log_info("user %llu turned two-factor authentication on", uid);
    account_notify(req, u.email, "Two-factor authentication is on",
        arena_printf(req->a, "Signing in to your account %s now asks for a code from your "
                     "authenticator app as well as the password.", u.username), 1);
    u.totp_enabled = 1;
    return codes_page(req, &u, codes, "enabled");
}

lyre_err post_account_mfa_disable(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    if (!u.totp_enabled)
        return account_redirect(req, "/account/mfa");
    const char *problem = NULL;
    int ok = account_reauth(req, &u, account_form(req, "password"), &problem);
    if (ok < 0)
        return LYRE_ERR_DB_DOWN;
    if (!ok)
        return mfa_page_error(req, &u, "disable-password", problem, req->status);
    /* The code is spent only once the password was right. */
    ok = account_second_factor(req, account_form(req, "code"), &problem);
    if (ok < 0)
        return LYRE_ERR_DB_DOWN;
    if (!ok)
        return mfa_page_error(req, &u, "disable-code", problem, req->status);

    db_status st = db_begin(req->db);
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL,
            "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = 0 WHERE id = ?",
            "u", uid);
    if (st == DB_OK)
        st = db_exec(req->db, NULL, NULL, "DELETE FROM recovery_codes WHERE user_id = ?", "u", uid);
    if (st == DB_OK)
        st = db_commit(req->db);
    if (st != DB_OK) {
        db_rollback(req->db);
        return db_status_to_err(st);
    }
    err = session_rotate(req);
    if (err != LYRE_OK)
        return err;
    log_info("user %llu turned two-factor authentication off", uid);
    account_notify(req, u.email, "Two-factor authentication is off",
        arena_printf(req->a, "Signing in to your account %s no longer asks for a code from an "
                     "authenticator app.", u.username), 1);
    return account_redirect(req, "/account/mfa?done=mfa-off");
}

lyre_err post_account_mfa_recovery(lyre_req *req)
{
    unsigned long long uid = req->auth->user_id;
    account_user u;
    lyre_err err = account_user_load(req, &u);
    if (err != LYRE_OK)
        return err;
    if (!u.totp_enabled)
        return account_redirect(req, "/account/mfa");
    const char *problem = NULL;
    int ok = account_reauth(req, &u, account_form(req, "password"), &problem);
    if (ok < 0)
        return LYRE_ERR_DB_DOWN;
    if (!ok)
        return mfa_page_error(req, &u, "recovery-password", problem, req->status);
    char codes[RECOVERY_CODES][RECOVERY_LEN + 1];
    db_status st = db_begin(req->db);
    if (st != DB_OK)
        return db_status_to_err(st);
    err = new_recovery_codes(req, uid, codes);
    if (err == LYRE_OK && db_commit(req->db) != DB_OK)
        err = LYRE_ERR_DB_DOWN;
    if (err != LYRE_OK) {
        db_rollback(req->db);
        return err;
    }
    log_info("user %llu made new recovery codes", uid);
    account_notify(req, u.email, "New recovery codes",
        arena_printf(req->a, "A new set of recovery codes was made for your account %s; the old "
                     "codes no longer work.", u.username), 1);
    return codes_page(req, &u, codes, "renewed");
}

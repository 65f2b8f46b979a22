/* email_token.c — the one path for links sent by mail: confirm an address
 * (/verify/TOKEN) and reset a password (/reset/TOKEN).
 *
 * A token is 32 random bytes, hex in the link; email_tokens keeps only the
 * SHA-256 of that hex text, lives 30 minutes and is spent by one use.
 * Every mail is counted against its address ("reset-account", lowercased
 * address, auth.reset_per_hour): whoever asks, a mailbox gets at most that
 * many of our mails an hour.  Callers that anonymous visitors reach count
 * their address too ("reset-ip"). */
#include "signin.h"

#include <string.h>

#include "crypto.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "throttle.h"

#define TOKEN_MINUTES 30

int email_token_wellformed(const char *token)
{
    uint8_t raw[32];
    return token && strlen(token) == 64 && hex_decode(token, 32, raw) == 0;
}

static int token_hash(const char *token, uint8_t out[CRYPTO_SHA256_LEN])
{
    if (!email_token_wellformed(token))
        return -1;
    return crypto_sha256(token, 64, out);
}

static int purpose_known(const char *purpose)
{
    return purpose && (strcmp(purpose, "verify") == 0 || strcmp(purpose, "reset") == 0);
}

/* A new token for user_id and its link (arena), after the address's quota. */
static lyre_err token_create(lyre_req *req, unsigned long long user_id, const char *purpose, const char *email,
                             const char **link)
{
    uint8_t hash[CRYPTO_SHA256_LEN];
    long wait = throttle_rate(req, "reset-account", signin_lower(req->a, email), req->cfg->reset_per_hour);
    if (wait < 0)
        return LYRE_ERR_DB_DOWN;
    if (wait > 0) {
        req->retry_after = wait;
        return LYRE_ERR_TOO_MANY;
    }
    const char *token = crypto_token_hex(req->a, 32);
    if (!token || token_hash(token, hash) != 0)
        return LYRE_ERR_INTERNAL;
    /* Spent and expired tokens are swept by whoever makes a new one. */
    db_exec(req->db, NULL, NULL, "DELETE FROM email_tokens WHERE expires_at < NOW(3) - INTERVAL 1 DAY LIMIT 100", "");
    db_status st = db_exec(req->db, NULL, NULL,
        "INSERT INTO email_tokens (user_id, purpose, token_hash, email, expires_at) "
        "VALUES (?, ?, ?, ?, NOW(3) + INTERVAL ? MINUTE)",
        "usbsi", user_id, purpose, hash, sizeof hash, email, (long long)TOKEN_MINUTES);
    if (st != DB_OK)
        return db_status_to_err(st);
    *link = arena_printf(req->a, "%s/%s/%s", req->cfg->base_url, purpose, token);
    return LYRE_OK;
}

static lyre_err username_of(lyre_req *req, unsigned long long user_id, const char **username)
{
    db_result r;
    db_status st = db_query(req->db, req->a, &r, "SELECT username FROM users WHERE id = ?", "u", user_id);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows != 1)
        return LYRE_ERR_NOT_FOUND;
    *username = db_cell(&r, 0, 0);
    return LYRE_OK;
}

static lyre_err mail_out(lyre_req *req, const char *email, const char *subject, const char *body)
{
    if (mail_send(req->cfg, email, subject, body) != 0)
        return LYRE_ERR_INTERNAL;
    return LYRE_OK;
}

lyre_err email_token_send(lyre_req *req, unsigned long long user_id, const char *purpose, const char *email)
{
    const char *site = req->cfg->site_name;
    const char *username = NULL, *link = NULL;
    if (!purpose_known(purpose) || !email || !*email)
        return LYRE_ERR_INTERNAL;
    lyre_err err = username_of(req, user_id, &username);
    if (err == LYRE_OK)
        err = token_create(req, user_id, purpose, email, &link);
    if (err != LYRE_OK)
        return err;
    if (strcmp(purpose, "verify") == 0)
        return mail_out(req, email, arena_printf(req->a, "Confirm your email address for %s", site),
            arena_printf(req->a,
                "Hello %s,\n\n"
                "please confirm that this is your email address by opening this link:\n\n"
                "  %s\n\n"
                "The link works once, for the next %d minutes. Once confirmed, you can use this\n"
                "address to sign in and to reset your password if you ever forget it.\n\n"
                "If you did not create an account on %s, someone typed your address by mistake:\n"
                "you can ignore this mail, nothing happens without the link.\n\n"
                "-- \n%s\n%s\n",
                username, link, TOKEN_MINUTES, site, site, req->cfg->base_url));
    return mail_out(req, email, arena_printf(req->a, "Reset your %s password", site),
        arena_printf(req->a,
            "Hello %s,\n\n"
            "someone (we hope you) asked to reset the password of your account. Choose a new\n"
            "password here:\n\n"
            "  %s\n\n"
            "The link works once, for the next %d minutes. Setting a new password signs you\n"
            "out everywhere.\n\n"
            "If you did not ask for this, ignore this mail: your password stays as it is.\n\n"
            "-- \n%s\n%s\n",
            username, link, TOKEN_MINUTES, site, req->cfg->base_url));
}

lyre_err email_token_notice(lyre_req *req, unsigned long long owner_id, const char *email)
{
    const char *site = req->cfg->site_name;
    const char *username = NULL, *link = NULL;
    lyre_err err = username_of(req, owner_id, &username);
    if (err == LYRE_OK)
        err = token_create(req, owner_id, "reset", email, &link);
    if (err != LYRE_OK)
        return err;
    return mail_out(req, email, arena_printf(req->a, "Someone tried to sign up on %s with your address", site),
        arena_printf(req->a,
            "Hello %s,\n\n"
            "someone just created an account on %s with this email address. The address\n"
            "already belongs to your account \"%s\", so the new account did not get it: it\n"
            "cannot sign in or reset a password with this address.\n\n"
            "If that was you, you already have an account. Forgot its password? Choose a new\n"
            "one here (the link works once, for the next %d minutes):\n\n"
            "  %s\n\n"
            "If it was not you, you can ignore this mail: nothing changed on your account.\n\n"
            "-- \n%s\n%s\n",
            username, site, username, TOKEN_MINUTES, link, site, req->cfg->base_url));
}

lyre_err email_token_peek(lyre_req *req, const char *purpose, const char *token,
                          unsigned long long *user_id, const char **email)
{
    uint8_t hash[CRYPTO_SHA256_LEN];
    db_result r;
    if (!purpose_known(purpose) || token_hash(token, hash) != 0)
        return LYRE_ERR_NOT_FOUND;
    db_status st = db_query(req->db, req->a, &r,
        "SELECT user_id, email FROM email_tokens "
        "WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > NOW(3)",
        "bs", hash, sizeof hash, purpose);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows != 1)
        return LYRE_ERR_NOT_FOUND;
    *user_id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    *email = db_cell(&r, 0, 1);
    return LYRE_OK;
}

lyre_err email_token_use(lyre_req *req, const char *purpose, const char *token,
                         unsigned long long *user_id, const char **email)
{
    uint8_t hash[CRYPTO_SHA256_LEN];
    unsigned long long spent = 0;
    if (!purpose_known(purpose) || token_hash(token, hash) != 0)
        return LYRE_ERR_NOT_FOUND;
    /* The UPDATE is the lock: of two uses racing, one changes the row. */
    db_status st = db_exec(req->db, &spent, NULL,
        "UPDATE email_tokens SET used_at = NOW(3) "
        "WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > NOW(3)",
        "bs", hash, sizeof hash, purpose);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (spent != 1)
        return LYRE_ERR_NOT_FOUND;
    db_result r;
    st = db_query(req->db, req->a, &r, "SELECT user_id, email FROM email_tokens WHERE token_hash = ?", "b", hash,
                  sizeof hash);
    if (st != DB_OK)
        return db_status_to_err(st);
    if (r.nrows != 1)
        return LYRE_ERR_NOT_FOUND;
    *user_id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    *email = db_cell(&r, 0, 1);
    return LYRE_OK;
}

-- 0006_accounts.sql — accounts, sessions, second factors, one-time tokens,
-- social identities and the counters behind login throttling.
-- Secrets are never stored as given: session ids, reset/verification tokens,
-- recovery codes and flow tokens are SHA-256 hashes (BINARY(32)); passwords
-- are argon2id strings; TOTP secrets are sealed with AES-256-GCM under
-- auth.key_file (lib/seal.h).

-- username_key is the lowercased username, email_key the lowercased email:
-- uniqueness and login lookups are case-insensitive whatever the collation.
CREATE TABLE IF NOT EXISTS users (
    id                INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username          VARCHAR(32) NOT NULL,
    username_key      VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    email             VARCHAR(254) NULL,
    email_key         VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    email_verified_at DATETIME(3) NULL,
    display_name      VARCHAR(100) NOT NULL DEFAULT '',
    password_hash     VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
    role              ENUM('listener','artist','admin') NOT NULL DEFAULT 'listener',
    status            ENUM('active','disabled') NOT NULL DEFAULT 'active',
    country           CHAR(2) CHARACTER SET ascii NULL,
    totp_secret       VARBINARY(128) NULL,
    totp_enabled_at   DATETIME(3) NULL,
    totp_last_step    BIGINT UNSIGNED NOT NULL DEFAULT 0,
    created_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    password_changed_at DATETIME(3) NULL,
    UNIQUE KEY uq_users_username (username_key),
    UNIQUE KEY uq_users_email (email_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per signed-in browser.  token_hash = SHA-256 of the cookie value;
-- csrf_token is sent back in forms and the X-CSRF-Token header.
CREATE TABLE IF NOT EXISTS sessions (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id       INT UNSIGNED NOT NULL,
    token_hash    BINARY(32) NOT NULL,
    csrf_token    CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    last_seen_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    expires_at    DATETIME(3) NOT NULL,
    user_agent    VARCHAR(255) NOT NULL DEFAULT '',
    ip            VARCHAR(45) CHARACTER SET ascii NOT NULL DEFAULT '',
    method        VARCHAR(32) NOT NULL DEFAULT 'password',
    UNIQUE KEY uq_sessions_token (token_hash),
    KEY ix_sessions_user (user_id, last_seen_at),
    CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS recovery_codes (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     INT UNSIGNED NOT NULL,
    code_hash   BINARY(32) NOT NULL,
    used_at     DATETIME(3) NULL,
    UNIQUE KEY uq_recovery_code (user_id, code_hash),
    CONSTRAINT fk_recovery_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Links sent by mail: email verification (also of a changed address, held in
-- new_email until confirmed) and password reset.  Single use (used_at).
CREATE TABLE IF NOT EXISTS email_tokens (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     INT UNSIGNED NOT NULL,
    purpose     ENUM('verify','reset') NOT NULL,
    token_hash  BINARY(32) NOT NULL,
    email       VARCHAR(254) NOT NULL,
    created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    expires_at  DATETIME(3) NOT NULL,
    used_at     DATETIME(3) NULL,
    UNIQUE KEY uq_email_tokens_hash (token_hash),
    KEY ix_email_tokens_user (user_id, purpose),
    CONSTRAINT fk_email_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Short-lived server-side state of a multi-step flow (password accepted,
-- second factor pending; OIDC state/nonce/verifier; an account link waiting
-- for confirmation), found by the hash of a random token (lib/authflow.h).
CREATE TABLE IF NOT EXISTS auth_flows (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    token_hash  BINARY(32) NOT NULL,
    purpose     VARCHAR(16) CHARACTER SET ascii NOT NULL,
    user_id     INT UNSIGNED NULL,
    data        TEXT NOT NULL,
    attempts    SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    expires_at  DATETIME(3) NOT NULL,
    UNIQUE KEY uq_auth_flows_token (token_hash),
    KEY ix_auth_flows_expires (expires_at),
    CONSTRAINT fk_auth_flows_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A social login: the provider's issuer and subject name one person.
CREATE TABLE IF NOT EXISTS user_identities (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     INT UNSIGNED NOT NULL,
    provider    VARCHAR(32) CHARACTER SET ascii NOT NULL,
    issuer      VARCHAR(255) NOT NULL,
    subject     VARCHAR(255) NOT NULL,
    email       VARCHAR(254) NULL,
    created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_identity (issuer(150), subject(150)),
    KEY ix_identity_user (user_id),
    CONSTRAINT fk_identity_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Counters behind throttling (lib/throttle.h): one row per (scope, subject),
-- e.g. ('login-account', 'alice'), ('login-ip', '192.0.2.7'),
-- ('signup-ip', ...), ('reset-account', ...).
CREATE TABLE IF NOT EXISTS auth_throttle (
    scope         VARCHAR(16) CHARACTER SET ascii NOT NULL,
    subject       VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    failures      INT UNSIGNED NOT NULL DEFAULT 0,
    window_start  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    blocked_until DATETIME(3) NULL,
    PRIMARY KEY (scope, subject)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Anonymous play events stay anonymous; an account's events go with it.
ALTER TABLE play_events ADD CONSTRAINT fk_play_events_user
    FOREIGN KEY IF NOT EXISTS (user_id) REFERENCES users (id) ON DELETE CASCADE;

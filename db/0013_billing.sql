-- 0013_billing.sql — plans, prices, subscriptions settled by provider webhooks, family
-- memberships, invoices and sponsor spots.  Money is integer minor units of an ISO 4217
-- currency (JPY has none: 1200 = ¥1,200; USD 999 = $9.99); currencies.exponent says how
-- many digits are minor.  No card data is ever stored: the user pays on the provider's page.

CREATE TABLE IF NOT EXISTS currencies (
    code          CHAR(3) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    exponent      TINYINT UNSIGNED NOT NULL,
    name          VARCHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO currencies (code, exponent, name) VALUES
    ('USD', 2, 'US dollar'), ('EUR', 2, 'Euro'), ('GBP', 2, 'Pound sterling'),
    ('JPY', 0, 'Japanese yen'), ('INR', 2, 'Indian rupee'), ('BRL', 2, 'Brazilian real');

-- code is stable (free, premium, family, student): entitlements key on it.
CREATE TABLE IF NOT EXISTS plans (
    id            SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code          VARCHAR(32) CHARACTER SET ascii NOT NULL,
    name          VARCHAR(64) NOT NULL,
    description   VARCHAR(500) NOT NULL DEFAULT '',
    max_kbps      SMALLINT UNSIGNED NOT NULL,
    skips_per_hour SMALLINT UNSIGNED NULL,        -- NULL = unlimited
    spots_every   TINYINT UNSIGNED NULL,          -- a sponsor spot after every N tracks; NULL = none
    family_members TINYINT UNSIGNED NOT NULL DEFAULT 0,  -- members besides the owner
    active        TINYINT(1) NOT NULL DEFAULT 1,
    sort_order    SMALLINT NOT NULL DEFAULT 0,
    UNIQUE KEY uq_plans_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO plans (code, name, description, max_kbps, skips_per_hour, spots_every, family_members, sort_order) VALUES
    ('free',    'Free',    'Listen for free, with sponsor spots.', 160, 6, 4, 0, 0),
    ('premium', 'Premium', 'Best quality, unlimited skips, no spots.', 320, NULL, NULL, 0, 1),
    ('family',  'Family',  'Premium for you and up to 5 people at home.', 320, NULL, NULL, 5, 2),
    ('student', 'Student', 'Premium at a student price.', 320, NULL, NULL, 0, 3);

-- A plan's price per currency and interval.  provider_price_id: the provider's price object
-- (Stripe price_...) when one exists; otherwise checkout sends price_data.
CREATE TABLE IF NOT EXISTS plan_prices (
    id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    plan_id       SMALLINT UNSIGNED NOT NULL,
    currency      CHAR(3) CHARACTER SET ascii NOT NULL,
    amount_minor  BIGINT UNSIGNED NOT NULL,
    billing_interval ENUM('month','year') NOT NULL DEFAULT 'month',
    provider_price_id VARCHAR(255) CHARACTER SET ascii NULL,
    UNIQUE KEY uq_plan_prices (plan_id, currency, billing_interval),
    CONSTRAINT fk_plan_prices_plan FOREIGN KEY (plan_id) REFERENCES plans (id) ON DELETE CASCADE,
    CONSTRAINT fk_plan_prices_currency FOREIGN KEY (currency) REFERENCES currencies (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO plan_prices (plan_id, currency, amount_minor)
SELECT p.id, v.currency, v.amount FROM plans p JOIN (
    SELECT 'premium' AS code, 'USD' AS currency, 1199 AS amount UNION ALL
    SELECT 'premium', 'EUR', 1099 UNION ALL SELECT 'premium', 'GBP', 1199 UNION ALL
    SELECT 'premium', 'JPY', 980  UNION ALL SELECT 'premium', 'INR', 11900 UNION ALL
    SELECT 'premium', 'BRL', 2190 UNION ALL
    SELECT 'family',  'USD', 1999 UNION ALL SELECT 'family', 'EUR', 1799 UNION ALL
    SELECT 'family',  'GBP', 1999 UNION ALL SELECT 'family', 'JPY', 1580 UNION ALL
    SELECT 'family',  'INR', 17900 UNION ALL SELECT 'family', 'BRL', 3490 UNION ALL
    SELECT 'student', 'USD', 599 UNION ALL SELECT 'student', 'EUR', 549 UNION ALL
    SELECT 'student', 'GBP', 599 UNION ALL SELECT 'student', 'JPY', 480 UNION ALL
    SELECT 'student', 'INR', 5900 UNION ALL SELECT 'student', 'BRL', 1190
) v ON v.code = p.code;

-- The user's customer record at a provider (Stripe cus_...).
CREATE TABLE IF NOT EXISTS billing_customers (
    user_id       INT UNSIGNED NOT NULL,
    provider      VARCHAR(16) CHARACTER SET ascii NOT NULL,
    customer_id   VARCHAR(255) CHARACTER SET ascii NOT NULL,
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id, provider),
    UNIQUE KEY uq_billing_customer (provider, customer_id),
    CONSTRAINT fk_billing_customers_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per provider subscription.  provider_updated is the provider's own timestamp of
-- the state written here (event.created): an older event never overwrites a newer state.
-- status follows Stripe's vocabulary; grace_until: after invoice.payment_failed the plan
-- stays until then, after which entitlements fall back to free.
CREATE TABLE IF NOT EXISTS subscriptions (
    id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id       INT UNSIGNED NOT NULL,
    plan_id       SMALLINT UNSIGNED NOT NULL,
    provider      VARCHAR(16) CHARACTER SET ascii NOT NULL,
    provider_subscription_id VARCHAR(255) CHARACTER SET ascii NOT NULL,
    status        ENUM('incomplete','incomplete_expired','trialing','active','past_due','canceled','unpaid','paused') NOT NULL,
    currency      CHAR(3) CHARACTER SET ascii NULL,
    current_period_end DATETIME NULL,
    cancel_at_period_end TINYINT(1) NOT NULL DEFAULT 0,
    grace_until   DATETIME NULL,
    provider_updated BIGINT NOT NULL DEFAULT 0,
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_subscriptions_provider (provider, provider_subscription_id),
    KEY ix_subscriptions_user (user_id, status),
    CONSTRAINT fk_subscriptions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_subscriptions_plan FOREIGN KEY (plan_id) REFERENCES plans (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every provider event, once: the primary key makes a redelivery a no-op, and the row is
-- written in the same transaction as the event's effect.
CREATE TABLE IF NOT EXISTS billing_events (
    provider      VARCHAR(16) CHARACTER SET ascii NOT NULL,
    event_id      VARCHAR(255) CHARACTER SET ascii NOT NULL,
    type          VARCHAR(100) CHARACTER SET ascii NOT NULL,
    created       BIGINT NOT NULL,
    payload       MEDIUMTEXT NOT NULL,
    received_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (provider, event_id),
    KEY ix_billing_events_type (type, created)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS invoices (
    id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id       INT UNSIGNED NOT NULL,
    provider      VARCHAR(16) CHARACTER SET ascii NOT NULL,
    provider_invoice_id VARCHAR(255) CHARACTER SET ascii NOT NULL,
    provider_subscription_id VARCHAR(255) CHARACTER SET ascii NULL,
    status        ENUM('paid','payment_failed','refunded','partially_refunded') NOT NULL,
    currency      CHAR(3) CHARACTER SET ascii NOT NULL,
    amount_minor  BIGINT UNSIGNED NOT NULL,
    refunded_minor BIGINT UNSIGNED NOT NULL DEFAULT 0,
    hosted_url    VARCHAR(1000) NULL,
    period_start  DATETIME NULL,
    period_end    DATETIME NULL,
    created_at    DATETIME NOT NULL,
    UNIQUE KEY uq_invoices_provider (provider, provider_invoice_id),
    KEY ix_invoices_user (user_id, created_at),
    CONSTRAINT fk_invoices_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Family: members of an owner's plan.  The limit is enforced by locking the owner's row
-- (SELECT ... FOR UPDATE on family_groups) before counting, so two invitations accepted at
-- the same moment cannot both take the last seat.
CREATE TABLE IF NOT EXISTS family_groups (
    owner_id      INT UNSIGNED NOT NULL PRIMARY KEY,
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    CONSTRAINT fk_family_groups_owner FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS family_members (
    owner_id      INT UNSIGNED NOT NULL,
    member_id     INT UNSIGNED NOT NULL,
    joined_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (owner_id, member_id),
    UNIQUE KEY uq_family_member (member_id),
    CONSTRAINT fk_family_members_owner FOREIGN KEY (owner_id) REFERENCES family_groups (owner_id) ON DELETE CASCADE,
    CONSTRAINT fk_family_members_member FOREIGN KEY (member_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Invitation links: the token is given once; only its SHA-256 is kept.
CREATE TABLE IF NOT EXISTS family_invites (
    id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    owner_id      INT UNSIGNED NOT NULL,
    token_hash    BINARY(32) NOT NULL,
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    expires_at    DATETIME(3) NOT NULL,
    used_by       INT UNSIGNED NULL,
    used_at       DATETIME(3) NULL,
    UNIQUE KEY uq_family_invites_token (token_hash),
    KEY ix_family_invites_owner (owner_id),
    CONSTRAINT fk_family_invites_owner FOREIGN KEY (owner_id) REFERENCES family_groups (owner_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Sponsor spots, managed by admins: an audio file in the media store (a rendition hash, as
-- track renditions are named) and/or an image, with a line of text and a link.
CREATE TABLE IF NOT EXISTS sponsor_spots (
    id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    title         VARCHAR(200) NOT NULL,
    body          VARCHAR(500) NOT NULL DEFAULT '',
    link_url      VARCHAR(1000) NULL,
    audio_sha256  CHAR(64) CHARACTER SET ascii NULL,
    audio_ms      INT UNSIGNED NULL,
    image_sha256  CHAR(64) CHARACTER SET ascii NULL,
    active        TINYINT(1) NOT NULL DEFAULT 1,
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 0016_spots.sql — sponsor spots shown to free listeners (cgi/checkout/spots.c).  One row per
-- spot handed to a listener: the next spot is due after plans.spots_every completed tracks
-- counted from play_events since the listener's last impression, and the spot chosen is the
-- active one this listener heard least recently.  (play_events cannot hold these: its
-- track_id references tracks.)
CREATE TABLE IF NOT EXISTS spot_impressions (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id       INT UNSIGNED NOT NULL,
    spot_id       INT UNSIGNED NOT NULL,
    shown_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY ix_spot_impressions_user (user_id, shown_at),
    KEY ix_spot_impressions_spot (spot_id, shown_at),
    CONSTRAINT fk_spot_impressions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_spot_impressions_spot FOREIGN KEY (spot_id) REFERENCES sponsor_spots (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

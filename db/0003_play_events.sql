-- 0003_play_events.sql — what the players report: one row per event of a
-- play (start, the 30-second mark, complete, skip).  Append-only: history,
-- statistics and recommendations are derived from it.
-- play_id is made by the player for one play of one track (32 hex chars);
-- UNIQUE (play_id, event) makes a resent event a no-op.
-- user_id gets its foreign key when accounts exist.  The key to tracks has
-- no cascade on purpose: a played track is marked unavailable, never deleted.

CREATE TABLE IF NOT EXISTS play_events (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    play_id      CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id      INT UNSIGNED NULL,
    track_id     INT UNSIGNED NOT NULL,
    event        ENUM('start','30s','complete','skip') NOT NULL,
    position_ms  INT UNSIGNED NOT NULL,
    bitrate_kbps SMALLINT UNSIGNED NULL,
    client       VARCHAR(32) NOT NULL DEFAULT 'web',
    created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_play_events_play (play_id, event),
    KEY ix_play_events_track (track_id, created_at),
    KEY ix_play_events_user (user_id, created_at),
    CONSTRAINT fk_play_events_track FOREIGN KEY (track_id) REFERENCES tracks (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 0015_subsonic_library.sql — what the Subsonic API keeps for a listener beyond the
-- library of 0008 (stars are the web's likes, follows and saved albums; playlists are
-- the web's playlists): ratings, the play queue shared by every device, and who is
-- playing what right now.

-- A rating of 1 to 5 stars by one user of a track, an album or an artist (setRating;
-- rating 0 deletes the row).  Shown as userRating, averaged as averageRating.
CREATE TABLE IF NOT EXISTS ratings (
    user_id     INT UNSIGNED NOT NULL,
    item_kind   ENUM('track','album','artist') NOT NULL,
    item_id     INT UNSIGNED NOT NULL,
    rating      TINYINT UNSIGNED NOT NULL,
    updated_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id, item_kind, item_id),
    KEY ix_ratings_item (item_kind, item_id),
    CONSTRAINT ck_ratings_range CHECK (rating BETWEEN 1 AND 5),
    CONSTRAINT fk_ratings_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The one play queue of a user, whichever device saved it last: an app (savePlayQueue)
-- or the web player.  current_index is the position in play_queue_items of the song
-- playing (NULL: none); current_track_id repeats its track so a reader needs no join;
-- position_ms is how far into it.  changed_by names the client that saved it ("web" for
-- the web player, else the Subsonic c parameter).  version grows with every save, so a
-- device can tell whether the queue moved on since it last read it.
CREATE TABLE IF NOT EXISTS play_queues (
    user_id          INT UNSIGNED NOT NULL PRIMARY KEY,
    current_index    INT UNSIGNED NULL,
    current_track_id INT UNSIGNED NULL,
    position_ms      BIGINT UNSIGNED NOT NULL DEFAULT 0,
    changed_by       VARCHAR(64) NOT NULL DEFAULT '',
    version          INT UNSIGNED NOT NULL DEFAULT 1,
    updated_at       DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    CONSTRAINT fk_play_queues_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The songs of the queue in order, position 0..n-1.  A save replaces them all.
CREATE TABLE IF NOT EXISTS play_queue_items (
    user_id      INT UNSIGNED NOT NULL,
    position     INT UNSIGNED NOT NULL,
    track_id     INT UNSIGNED NOT NULL,
    PRIMARY KEY (user_id, position),
    KEY ix_play_queue_items_track (track_id),
    CONSTRAINT fk_play_queue_items_queue FOREIGN KEY (user_id) REFERENCES play_queues (user_id) ON DELETE CASCADE,
    CONSTRAINT fk_play_queue_items_track FOREIGN KEY (track_id) REFERENCES tracks (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- "Now playing" (scrobble with submission=false): one row per user and client, kept
-- while the song could still be playing; getNowPlaying lists the fresh ones.  id is the
-- playerId the API shows (an int in the schema).
CREATE TABLE IF NOT EXISTS now_playing (
    id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id      INT UNSIGNED NOT NULL,
    client       VARCHAR(64) NOT NULL,
    track_id     INT UNSIGNED NOT NULL,
    started_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_now_playing_client (user_id, client),
    KEY ix_now_playing_started (started_at),
    CONSTRAINT fk_now_playing_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_now_playing_track FOREIGN KEY (track_id) REFERENCES tracks (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

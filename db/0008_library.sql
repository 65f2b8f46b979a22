-- 0008_library.sql — what a listener keeps: liked songs, saved albums,
-- followed artists, playlists (collaborative, shared, followed), and whether
-- their listening history is recorded.

CREATE TABLE IF NOT EXISTS track_likes (
    user_id     INT UNSIGNED NOT NULL,
    track_id    INT UNSIGNED NOT NULL,
    created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id, track_id),
    KEY ix_track_likes_user_time (user_id, created_at),
    KEY ix_track_likes_track (track_id),
    CONSTRAINT fk_track_likes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_track_likes_track FOREIGN KEY (track_id) REFERENCES tracks (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS album_likes (
    user_id     INT UNSIGNED NOT NULL,
    album_id    INT UNSIGNED NOT NULL,
    created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id, album_id),
    KEY ix_album_likes_user_time (user_id, created_at),
    KEY ix_album_likes_album (album_id),
    CONSTRAINT fk_album_likes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_album_likes_album FOREIGN KEY (album_id) REFERENCES albums (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS artist_follows (
    user_id     INT UNSIGNED NOT NULL,
    artist_id   INT UNSIGNED NOT NULL,
    created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id, artist_id),
    KEY ix_artist_follows_user_time (user_id, created_at),
    KEY ix_artist_follows_artist (artist_id),
    CONSTRAINT fk_artist_follows_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_artist_follows_artist FOREIGN KEY (artist_id) REFERENCES artists (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- While history_paused is 1, play events are kept without the user (they
-- still count for popularity, never for this person's history).
ALTER TABLE users ADD COLUMN IF NOT EXISTS history_paused TINYINT(1) NOT NULL DEFAULT 0;

-- A playlist.  version grows with every change of its items or details:
-- an edit names the version it was made on and is refused (409) when the
-- playlist moved on meanwhile.  share_token (32 hex) opens it read-only
-- without an account.  cover_sha256: an uploaded cover in the media store;
-- NULL means a mosaic of up to four album covers of its first tracks.
CREATE TABLE IF NOT EXISTS playlists (
    id               INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    owner_id         INT UNSIGNED NOT NULL,
    name             VARCHAR(100) NOT NULL,
    description      VARCHAR(300) NOT NULL DEFAULT '',
    is_public        TINYINT(1) NOT NULL DEFAULT 0,
    is_collaborative TINYINT(1) NOT NULL DEFAULT 0,
    share_token      CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    cover_sha256     CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    version          INT UNSIGNED NOT NULL DEFAULT 1,
    track_count      INT UNSIGNED NOT NULL DEFAULT 0,
    duration_ms      BIGINT UNSIGNED NOT NULL DEFAULT 0,
    created_at       DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at       DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_playlists_share (share_token),
    KEY ix_playlists_owner (owner_id, updated_at),
    KEY ix_playlists_public (is_public, updated_at),
    FULLTEXT KEY ft_playlists_name (name, description),
    CONSTRAINT fk_playlists_owner FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Items in order: position 0..track_count-1, never two alike.
CREATE TABLE IF NOT EXISTS playlist_items (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    playlist_id  INT UNSIGNED NOT NULL,
    position     INT UNSIGNED NOT NULL,
    track_id     INT UNSIGNED NOT NULL,
    added_by     INT UNSIGNED NULL,
    added_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_playlist_position (playlist_id, position),
    KEY ix_playlist_items_track (track_id),
    CONSTRAINT fk_playlist_items_playlist FOREIGN KEY (playlist_id) REFERENCES playlists (id) ON DELETE CASCADE,
    CONSTRAINT fk_playlist_items_track FOREIGN KEY (track_id) REFERENCES tracks (id),
    CONSTRAINT fk_playlist_items_user FOREIGN KEY (added_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS playlist_collaborators (
    playlist_id  INT UNSIGNED NOT NULL,
    user_id      INT UNSIGNED NOT NULL,
    invited_by   INT UNSIGNED NULL,
    created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (playlist_id, user_id),
    KEY ix_collaborators_user (user_id),
    CONSTRAINT fk_collab_playlist FOREIGN KEY (playlist_id) REFERENCES playlists (id) ON DELETE CASCADE,
    CONSTRAINT fk_collab_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_collab_inviter FOREIGN KEY (invited_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who changed what: every edit of a playlist, one row.
CREATE TABLE IF NOT EXISTS playlist_edits (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    playlist_id  INT UNSIGNED NOT NULL,
    user_id      INT UNSIGNED NULL,
    action       VARCHAR(16) CHARACTER SET ascii NOT NULL,
    track_id     INT UNSIGNED NULL,
    detail       VARCHAR(255) NOT NULL DEFAULT '',
    version      INT UNSIGNED NOT NULL,
    created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY ix_playlist_edits (playlist_id, id),
    CONSTRAINT fk_edits_playlist FOREIGN KEY (playlist_id) REFERENCES playlists (id) ON DELETE CASCADE,
    CONSTRAINT fk_edits_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS playlist_follows (
    user_id      INT UNSIGNED NOT NULL,
    playlist_id  INT UNSIGNED NOT NULL,
    created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id, playlist_id),
    KEY ix_playlist_follows_playlist (playlist_id),
    CONSTRAINT fk_pfollow_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_pfollow_playlist FOREIGN KEY (playlist_id) REFERENCES playlists (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

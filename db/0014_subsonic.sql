-- 0014_subsonic.sql — what phone and desktop apps sign in with (the Subsonic
-- API, cgi/subsonic): app passwords and API keys, made, listed and revoked
-- one by one on /account/apps.  The login password is never used by apps.
--
-- kind 'password': an app password.  The Subsonic token scheme sends
-- md5(password + salt), so the server must be able to read the password
-- back: secret holds it sealed with AES-256-GCM under auth.key_file
-- (lib/seal.h, associated data "apppass:<user id>").  key_sha256 is NULL.
-- kind 'apikey': an OpenSubsonic API key.  It is only ever compared, so
-- only its SHA-256 is kept (key_sha256, unique: the key alone names its
-- user); secret is NULL.
-- last_used_at / last_client (the c parameter) show on the account page;
-- they are written at most once a minute per row.
CREATE TABLE IF NOT EXISTS app_passwords (
    id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id       INT UNSIGNED NOT NULL,
    kind          ENUM('password','apikey') NOT NULL,
    name          VARCHAR(64) NOT NULL,
    secret        VARBINARY(128) NULL,
    key_sha256    CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    last_used_at  DATETIME(3) NULL,
    last_client   VARCHAR(64) NULL,
    UNIQUE KEY uq_app_passwords_key (key_sha256),
    KEY ix_app_passwords_user (user_id, kind),
    CONSTRAINT fk_app_passwords_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The Subsonic lists page through albums by title and by year
-- (getAlbumList2 alphabeticalByName, byYear), and offline sync pages
-- through every available track by id (search3 with an empty query):
-- small secondary indexes keep OFFSET scans off the wide rows.
CREATE INDEX IF NOT EXISTS ix_albums_title ON albums (title, id);
CREATE INDEX IF NOT EXISTS ix_albums_year ON albums (year, id);
CREATE INDEX IF NOT EXISTS ix_tracks_available ON tracks (available, id);

-- Each listener's albums by plays and by last play, for getAlbumList2
-- "frequent" and "recent" (apps show them on their home screens): read by
-- one index range instead of grouping every play event of the user through
-- a million-row tracks table.  Kept by triggers on play_events, whoever
-- writes them (web player, scrobble): a 'start' counts a play, any event
-- moves last_played.  Clearing the history (user_id set to NULL) forgets
-- the user's rows.
CREATE TABLE IF NOT EXISTS user_album_plays (
    user_id      INT UNSIGNED NOT NULL,
    album_id     INT UNSIGNED NOT NULL,
    plays        INT UNSIGNED NOT NULL DEFAULT 0,
    last_played  DATETIME(3) NOT NULL,
    PRIMARY KEY (user_id, album_id),
    KEY ix_user_album_plays_plays (user_id, plays, album_id),
    KEY ix_user_album_plays_last (user_id, last_played, album_id),
    CONSTRAINT fk_user_album_plays_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_user_album_plays_album FOREIGN KEY (album_id) REFERENCES albums (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO user_album_plays (user_id, album_id, plays, last_played)
    SELECT pe.user_id, t.album_id, SUM(pe.event = 'start'), MAX(pe.created_at)
    FROM play_events pe JOIN tracks t ON t.id = pe.track_id
    WHERE pe.user_id IS NOT NULL GROUP BY pe.user_id, t.album_id
    ON DUPLICATE KEY UPDATE plays = VALUES(plays), last_played = VALUES(last_played);
CREATE TRIGGER IF NOT EXISTS play_events_ai_album_plays AFTER INSERT ON play_events FOR EACH ROW
    INSERT INTO user_album_plays (user_id, album_id, plays, last_played)
    SELECT NEW.user_id, t.album_id, NEW.event = 'start', NEW.created_at
    FROM tracks t WHERE t.id = NEW.track_id AND NEW.user_id IS NOT NULL
    ON DUPLICATE KEY UPDATE plays = plays + VALUES(plays), last_played = GREATEST(last_played, VALUES(last_played));
CREATE TRIGGER IF NOT EXISTS play_events_au_album_plays AFTER UPDATE ON play_events FOR EACH ROW
    DELETE FROM user_album_plays WHERE user_id = OLD.user_id AND OLD.user_id IS NOT NULL AND NEW.user_id IS NULL;

-- getGenres counts available songs per genre from this index alone.
CREATE INDEX IF NOT EXISTS ix_tracks_genre_available ON tracks (genre_id, available);

-- 0001_init.sql — the catalog: artists, albums, tracks, who plays on what.
-- Applied by `lyre-admin migrate`, one statement at a time: every statement
-- ends with ";" at the end of a line.  utf8mb4 and InnoDB everywhere.
-- IF NOT EXISTS: MariaDB commits each CREATE by itself, so a run that
-- failed halfway is finished by running migrate again.

CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INT UNSIGNED NOT NULL PRIMARY KEY,
    name        VARCHAR(190) NOT NULL,
    applied_at  DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- sort_letter is 'A'..'Z' or '#', computed by the inserting code from
-- sort_name ("The Beatles" -> sort_name "Beatles", letter 'B').
CREATE TABLE IF NOT EXISTS artists (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    sort_name   VARCHAR(255) NOT NULL,
    sort_letter CHAR(1) NOT NULL,
    mbid        CHAR(36) NULL,
    created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_artists_mbid (mbid),
    KEY ix_artists_letter (sort_letter, sort_name, id),
    KEY ix_artists_sort (sort_name, id),
    FULLTEXT KEY ft_artists_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS genres (
    id          SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(100) NOT NULL,
    UNIQUE KEY uq_genres_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Cover art lives in the media store under its sha256; this row describes it.
CREATE TABLE IF NOT EXISTS artwork (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sha256      CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    mime        VARCHAR(40) NOT NULL,
    width       SMALLINT UNSIGNED NULL,
    height      SMALLINT UNSIGNED NULL,
    bytes       INT UNSIGNED NOT NULL,
    created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_artwork_sha256 (sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS albums (
    id              INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    title           VARCHAR(255) NOT NULL,
    album_artist_id INT UNSIGNED NOT NULL,
    year            SMALLINT UNSIGNED NULL,
    genre_id        SMALLINT UNSIGNED NULL,
    artwork_id      INT UNSIGNED NULL,
    is_compilation  TINYINT(1) NOT NULL DEFAULT 0,
    mbid            CHAR(36) NULL,
    created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_albums_mbid (mbid),
    KEY ix_albums_artist_year (album_artist_id, year),
    KEY ix_albums_created (created_at, id),
    KEY ix_albums_genre (genre_id),
    KEY ix_albums_artwork (artwork_id),
    FULLTEXT KEY ft_albums_title (title),
    CONSTRAINT fk_albums_artist FOREIGN KEY (album_artist_id) REFERENCES artists (id),
    CONSTRAINT fk_albums_genre FOREIGN KEY (genre_id) REFERENCES genres (id),
    CONSTRAINT fk_albums_artwork FOREIGN KEY (artwork_id) REFERENCES artwork (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tracks (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    album_id    INT UNSIGNED NOT NULL,
    title       VARCHAR(255) NOT NULL,
    disc_no     SMALLINT UNSIGNED NOT NULL DEFAULT 1,
    track_no    SMALLINT UNSIGNED NULL,
    duration_ms INT UNSIGNED NOT NULL DEFAULT 0,
    genre_id    SMALLINT UNSIGNED NULL,
    mbid        CHAR(36) NULL,
    available   TINYINT(1) NOT NULL DEFAULT 1,
    created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY ix_tracks_album (album_id, disc_no, track_no),
    KEY ix_tracks_genre (genre_id),
    FULLTEXT KEY ft_tracks_title (title),
    CONSTRAINT fk_tracks_album FOREIGN KEY (album_id) REFERENCES albums (id) ON DELETE CASCADE,
    CONSTRAINT fk_tracks_genre FOREIGN KEY (genre_id) REFERENCES genres (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- position orders the credits of one role ("A feat. B, C").
CREATE TABLE IF NOT EXISTS track_artists (
    track_id    INT UNSIGNED NOT NULL,
    artist_id   INT UNSIGNED NOT NULL,
    role        ENUM('main','featured','composer','remixer') NOT NULL DEFAULT 'main',
    position    TINYINT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (track_id, artist_id, role),
    KEY ix_track_artists_artist (artist_id, track_id),
    CONSTRAINT fk_track_artists_track FOREIGN KEY (track_id) REFERENCES tracks (id) ON DELETE CASCADE,
    CONSTRAINT fk_track_artists_artist FOREIGN KEY (artist_id) REFERENCES artists (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 0012_recommend.sql — collaborative-filtering models and the feedback they need.
-- tools/lyre-train writes a model as a new rec_models row in state 'building', fills its
-- neighbour rows, marks it 'ready' and points rec_current at it in one transaction: the
-- programs that serve read rec_current first, so they never see a half-written model.
-- Old models are deleted by the next training run once they are no longer current.

CREATE TABLE IF NOT EXISTS rec_models (
    id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    algorithm     VARCHAR(32) CHARACTER SET ascii NOT NULL,
    params        VARCHAR(255) NOT NULL DEFAULT '',
    events_used   BIGINT UNSIGNED NOT NULL DEFAULT 0,
    users_used    INT UNSIGNED NOT NULL DEFAULT 0,
    items_used    INT UNSIGNED NOT NULL DEFAULT 0,
    state         ENUM('building','ready','retired') NOT NULL DEFAULT 'building',
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    finished_at   DATETIME(3) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Exactly one row (one = 1): the model pages and the API read now.
CREATE TABLE IF NOT EXISTS rec_current (
    one           TINYINT UNSIGNED NOT NULL PRIMARY KEY DEFAULT 1,
    model_id      INT UNSIGNED NOT NULL,
    switched_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    CONSTRAINT ck_rec_current_one CHECK (one = 1),
    CONSTRAINT fk_rec_current_model FOREIGN KEY (model_id) REFERENCES rec_models (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Top-K neighbours of each track and artist, rank 1 = most similar.
CREATE TABLE IF NOT EXISTS rec_track_neighbors (
    model_id      INT UNSIGNED NOT NULL,
    track_id      INT UNSIGNED NOT NULL,
    rank          SMALLINT UNSIGNED NOT NULL,
    neighbor_id   INT UNSIGNED NOT NULL,
    score         FLOAT NOT NULL,
    PRIMARY KEY (model_id, track_id, rank)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS rec_artist_neighbors (
    model_id      INT UNSIGNED NOT NULL,
    artist_id     INT UNSIGNED NOT NULL,
    rank          SMALLINT UNSIGNED NOT NULL,
    neighbor_id   INT UNSIGNED NOT NULL,
    score         FLOAT NOT NULL,
    PRIMARY KEY (model_id, artist_id, rank)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- "Don't play this": never recommended, never queued by radio or mixes; training counts it
-- as negative feedback.
CREATE TABLE IF NOT EXISTS track_dislikes (
    user_id       INT UNSIGNED NOT NULL,
    track_id      INT UNSIGNED NOT NULL,
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id, track_id),
    CONSTRAINT fk_track_dislikes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_track_dislikes_track FOREIGN KEY (track_id) REFERENCES tracks (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS artist_dislikes (
    user_id       INT UNSIGNED NOT NULL,
    artist_id     INT UNSIGNED NOT NULL,
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id, artist_id),
    CONSTRAINT fk_artist_dislikes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_artist_dislikes_artist FOREIGN KEY (artist_id) REFERENCES artists (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Cold start: the genres and artists a new listener picked on their first visit.
CREATE TABLE IF NOT EXISTS user_taste_genres (
    user_id       INT UNSIGNED NOT NULL,
    genre_id      SMALLINT UNSIGNED NOT NULL,
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id, genre_id),
    CONSTRAINT fk_taste_genres_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_taste_genres_genre FOREIGN KEY (genre_id) REFERENCES genres (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS user_taste_artists (
    user_id       INT UNSIGNED NOT NULL,
    artist_id     INT UNSIGNED NOT NULL,
    created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id, artist_id),
    CONSTRAINT fk_taste_artists_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_taste_artists_artist FOREIGN KEY (artist_id) REFERENCES artists (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- users.onboarded_at: set when the cold-start picker was answered or skipped.
ALTER TABLE users ADD COLUMN IF NOT EXISTS onboarded_at DATETIME(3) NULL;

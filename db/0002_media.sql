-- 0002_media.sql — what lyre-ingest makes of the music: the MP3 renditions in
-- the media store, the source files they came from, and what the sources
-- say about each track.  Re-runnable (IF NOT EXISTS), as 0001.

-- One MP3 file of the ladder (media store: audio/aa/<sha256>.mp3, its frame
-- index beside it as .idx).  peak_bandwidth is the HLS BANDWIDTH, bits/s.
CREATE TABLE IF NOT EXISTS renditions (
    id              INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    track_id        INT UNSIGNED NOT NULL,
    bitrate_kbps    SMALLINT UNSIGNED NOT NULL,
    sample_rate     MEDIUMINT UNSIGNED NOT NULL,
    channels        TINYINT UNSIGNED NOT NULL,
    sha256          CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bytes           BIGINT UNSIGNED NOT NULL,
    duration_ms     INT UNSIGNED NOT NULL,
    peak_bandwidth  INT UNSIGNED NOT NULL,
    created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_renditions_track_bitrate (track_id, bitrate_kbps),
    KEY ix_renditions_sha256 (sha256),
    CONSTRAINT fk_renditions_track FOREIGN KEY (track_id) REFERENCES tracks (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The source's facts.  ReplayGain in dB and linear peak; source_* describe
-- the file as found (codec "vorbis", "flac", "mp3"...; measured bitrate).
ALTER TABLE tracks
    ADD COLUMN IF NOT EXISTS replaygain_track_gain DECIMAL(5,2) NULL,
    ADD COLUMN IF NOT EXISTS replaygain_track_peak DECIMAL(9,6) NULL,
    ADD COLUMN IF NOT EXISTS replaygain_album_gain DECIMAL(5,2) NULL,
    ADD COLUMN IF NOT EXISTS replaygain_album_peak DECIMAL(9,6) NULL,
    ADD COLUMN IF NOT EXISTS source_format VARCHAR(16) CHARACTER SET ascii NULL,
    ADD COLUMN IF NOT EXISTS source_bitrate_kbps SMALLINT UNSIGNED NULL,
    ADD COLUMN IF NOT EXISTS source_sample_rate MEDIUMINT UNSIGNED NULL,
    ADD COLUMN IF NOT EXISTS source_channels TINYINT UNSIGNED NULL,
    ADD COLUMN IF NOT EXISTS artwork_id INT UNSIGNED NULL,
    ADD COLUMN IF NOT EXISTS updated_at DATETIME(3) NULL;

ALTER TABLE tracks
    ADD CONSTRAINT fk_tracks_artwork FOREIGN KEY IF NOT EXISTS (artwork_id) REFERENCES artwork (id);

-- Ingest finds artists by name when they have no MusicBrainz id.
CREATE INDEX IF NOT EXISTS ix_artists_name ON artists (name);

-- One row per audio file ever scanned.  path is the file's absolute path as
-- bytes (file names need not be UTF-8); path_sha256 (hex) makes it unique.
-- size and mtime_ns decide whether a re-run must look at the file again.
-- status: ok (its track is ingested), failed (error says why; retried
-- when the file changes), vanished (gone from disk: its track is kept,
-- unavailable, with its history).
CREATE TABLE IF NOT EXISTS media_sources (
    id              INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    path            VARBINARY(4096) NOT NULL,
    path_sha256     CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    size            BIGINT UNSIGNED NOT NULL,
    mtime_ns        BIGINT NOT NULL,
    content_sha256  CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    track_id        INT UNSIGNED NULL,
    status          ENUM('ok','failed','vanished') NOT NULL,
    error           VARCHAR(1000) NULL,
    first_seen_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    ingested_at     DATETIME(3) NULL,
    updated_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_media_sources_path (path_sha256),
    KEY ix_media_sources_track (track_id),
    KEY ix_media_sources_content (content_sha256),
    CONSTRAINT fk_media_sources_track FOREIGN KEY (track_id) REFERENCES tracks (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

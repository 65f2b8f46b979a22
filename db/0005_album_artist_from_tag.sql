-- 0005_album_artist_from_tag.sql — whether an album's artist came from an album-artist
-- tag (1) or was taken from its first track's artist because no file said (0).
-- lyre-ingest uses it to keep the tracks of one folder's album together when only some
-- of its files carry an album-artist tag (tools/ingest/upsert.c, folder albums).
ALTER TABLE albums ADD COLUMN IF NOT EXISTS album_artist_from_tag TINYINT(1) NOT NULL DEFAULT 1;

-- 0010_track_mbid_index.sql — playlist import matches entries by MusicBrainz
-- recording id: an index instead of a scan of every track.
CREATE INDEX IF NOT EXISTS ix_tracks_mbid ON tracks (mbid);

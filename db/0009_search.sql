-- 0009_search.sql — the search index: built from the catalog by
-- `lyre-admin search-index` (after ingest and demo), read by /search and
-- /search/suggest.  Words are folded by lib/fuzzy.h (lower case, no accents),
-- so "Beyoncé", "BEYONCE" and "beyonce" are one word.
--
-- search_words: every folded word of artist names, album titles, track
--   titles and public playlist names, with how many names hold it.
--   utf8mb4_bin: words are folded already, and a binary order makes a prefix
--   an index range (suggestions).
-- search_trigrams: byte trigrams of " word " (padded), so a misspelt word
--   finds candidates that share trigrams, then verified by edit distance.
-- search_postings: which names hold which word.  kind: 1 artist, 2 album,
--   3 track, 4 public playlist.  nwords: words in the name (fewer = closer
--   match); unpop = -popularity, so the primary key lists the best items of
--   a word first and a search reads a few index rows, never every match
--   (MariaDB FULLTEXT needs 0.4 s for a word in 400k of 1M titles).
-- track_plays: distinct plays per track from play_events (popularity).
-- The index tables have no foreign keys: search-index builds new copies and
-- swaps them in with one RENAME TABLE, so a search never sees half an index.

CREATE TABLE IF NOT EXISTS search_words (
    id    INT UNSIGNED NOT NULL PRIMARY KEY,
    word  VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    freq  INT UNSIGNED NOT NULL DEFAULT 0,
    UNIQUE KEY uq_search_words_word (word)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS search_trigrams (
    trigram  VARBINARY(12) NOT NULL,
    word_id  INT UNSIGNED NOT NULL,
    PRIMARY KEY (trigram, word_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS search_postings (
    word_id  INT UNSIGNED NOT NULL,
    kind     TINYINT UNSIGNED NOT NULL,
    nwords   TINYINT UNSIGNED NOT NULL,
    unpop    INT NOT NULL,
    item_id  INT UNSIGNED NOT NULL,
    PRIMARY KEY (word_id, kind, nwords, unpop, item_id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS track_plays (
    track_id  INT UNSIGNED NOT NULL PRIMARY KEY,
    plays     INT UNSIGNED NOT NULL
) ENGINE=InnoDB;

-- Search pages are cached by catalog version (db/0004): a playlist that
-- becomes public or private, is renamed while public, or goes away while
-- public changes what they show.  (`lyre-admin search-index` bumps the
-- version itself when it swaps a new index in.)
CREATE TRIGGER IF NOT EXISTS playlists_ai_search AFTER INSERT ON playlists FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1 AND NEW.is_public = 1;
CREATE TRIGGER IF NOT EXISTS playlists_au_search AFTER UPDATE ON playlists FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1 AND (OLD.is_public <> NEW.is_public OR (NEW.is_public = 1 AND OLD.name <> NEW.name));
CREATE TRIGGER IF NOT EXISTS playlists_ad_search AFTER DELETE ON playlists FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1 AND OLD.is_public = 1;

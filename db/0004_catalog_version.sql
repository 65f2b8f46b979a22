-- 0004_catalog_version.sql — one number that changes whenever the catalog does.
-- Workers keep rendered catalog pages in memory (lib/pagecache.h) tagged with
-- this version and reread it every cache.revalidate_ms; triggers bump it on
-- every change to a table the pages show, whoever makes the change (ingest,
-- lyre-admin, an administrator's SQL), so no writer can forget to.
CREATE TABLE IF NOT EXISTS catalog_state (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  version BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO catalog_state (id, version) VALUES (1, 1);
CREATE TRIGGER IF NOT EXISTS artists_ai_version AFTER INSERT ON artists FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS artists_au_version AFTER UPDATE ON artists FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS artists_ad_version AFTER DELETE ON artists FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS albums_ai_version AFTER INSERT ON albums FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS albums_au_version AFTER UPDATE ON albums FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS albums_ad_version AFTER DELETE ON albums FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS tracks_ai_version AFTER INSERT ON tracks FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS tracks_au_version AFTER UPDATE ON tracks FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS tracks_ad_version AFTER DELETE ON tracks FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS track_artists_ai_version AFTER INSERT ON track_artists FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS track_artists_au_version AFTER UPDATE ON track_artists FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS track_artists_ad_version AFTER DELETE ON track_artists FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS genres_ai_version AFTER INSERT ON genres FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS genres_au_version AFTER UPDATE ON genres FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS genres_ad_version AFTER DELETE ON genres FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS artwork_ai_version AFTER INSERT ON artwork FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS artwork_au_version AFTER UPDATE ON artwork FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS artwork_ad_version AFTER DELETE ON artwork FOR EACH ROW UPDATE catalog_state SET version = version + 1 WHERE id = 1;

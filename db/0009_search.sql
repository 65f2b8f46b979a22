-- 0009_search.sql — search support (written by the search work).
SELECT 1;

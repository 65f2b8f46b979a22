-- 0014_subsonic.sql — placeholder, written by its owner.
DO 0;

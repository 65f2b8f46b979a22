-- 0015_subsonic_library.sql — placeholder, written by its owner.
DO 0;

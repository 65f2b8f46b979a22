/* tools/ingest/track.c: not written yet */

/* tools/ingest/progress.c: not written yet */

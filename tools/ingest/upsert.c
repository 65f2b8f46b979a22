/* tools/ingest/upsert.c: not written yet */

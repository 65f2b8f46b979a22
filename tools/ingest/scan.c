/* tools/ingest/scan.c: not written yet */

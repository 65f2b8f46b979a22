/* lib/media_store.c: not written yet */

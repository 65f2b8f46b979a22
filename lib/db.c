/* lib/db.c: not written yet */

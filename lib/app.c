/* lib/app.c: not written yet */

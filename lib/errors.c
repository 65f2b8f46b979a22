/* lib/errors.c: not written yet */

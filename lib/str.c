/* lib/str.c: not written yet */

/* lib/encode.c: not written yet */

/* lib/config.c: not written yet */

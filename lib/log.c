/* lib/log.c: not written yet */

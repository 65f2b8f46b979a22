/* lib/crypto.c: not written yet */

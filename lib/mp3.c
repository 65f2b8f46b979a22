/* lib/mp3.c: not written yet */

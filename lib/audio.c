/* lib/audio.c: not written yet */

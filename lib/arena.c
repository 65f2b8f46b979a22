/* lib/arena.c: not written yet */

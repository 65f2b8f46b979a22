/* lib/artwork.c: not written yet */

/* cgi/catalog/track.c: not written yet */

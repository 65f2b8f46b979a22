/* cgi/catalog/artists.c: not written yet */

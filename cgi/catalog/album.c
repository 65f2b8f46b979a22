/* cgi/catalog/album.c: not written yet */

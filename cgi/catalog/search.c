/* cgi/catalog/search.c: not written yet */

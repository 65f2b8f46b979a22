/* cgi/catalog/home.c: not written yet */

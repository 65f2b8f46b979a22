/* lib/http.c: not written yet */

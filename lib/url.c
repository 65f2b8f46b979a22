/* lib/url.c: not written yet */

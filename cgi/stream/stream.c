/* cgi/stream/stream.c: not written yet */

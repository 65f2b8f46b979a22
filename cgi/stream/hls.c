/* cgi/stream/hls.c: not written yet */

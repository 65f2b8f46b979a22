/* cgi/stream/events.c: not written yet */

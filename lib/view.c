/* lib/view.c: not written yet */

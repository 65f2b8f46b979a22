/* tools/admin/demo.c: not written yet */

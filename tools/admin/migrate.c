/* tools/admin/migrate.c: not written yet */

/* check_db.c — not written yet. */
int main(void) { return 77; }

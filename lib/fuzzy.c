/* fuzzy.c — placeholder. */
#include "fuzzy.h"
const char *fuzzy_fold(arena *a, const char *s) { return arena_strdup(a, s ? s : ""); }
int fuzzy_distance(const char *a, const char *b, int max) { (void)a; (void)b; return max + 1; }

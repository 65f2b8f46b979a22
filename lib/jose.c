/* jose.c — placeholder. */
#include "jose.h"
int lyre_jose_placeholder_(void);
int lyre_jose_placeholder_(void) { return 0; }

/* fetch.c — placeholder. */
#include "fetch.h"
int lyre_fetch_placeholder_(void);
int lyre_fetch_placeholder_(void) { return 0; }

/* assets.c — placeholder. */
#include "assets.h"
int lyre_assets_placeholder_(void);
int lyre_assets_placeholder_(void) { return 0; }

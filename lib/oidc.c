/* oidc.c — placeholder. */
#include "oidc.h"
int lyre_oidc_placeholder_(void);
int lyre_oidc_placeholder_(void) { return 0; }

/* multipart.c — placeholder. */
#include "multipart.h"
int lyre_multipart_placeholder_(void);
int lyre_multipart_placeholder_(void) { return 0; }

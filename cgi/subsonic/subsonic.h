/* cgi/subsonic/subsonic.h (DRAFT) — placeholder, written by its owner. */
#ifndef LYRE_SUBSONIC_H
#define LYRE_SUBSONIC_H
#include "app.h"
#endif

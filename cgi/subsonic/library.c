/* cgi/subsonic/library.c — placeholder, written by its owner. */
#include "subsonic.h"
typedef int lyre_placeholder_library;

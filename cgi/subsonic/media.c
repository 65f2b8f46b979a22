/* cgi/subsonic/media.c — placeholder, written by its owner. */
#include "subsonic.h"
typedef int lyre_placeholder_media;

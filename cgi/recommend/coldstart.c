/* cgi/recommend/coldstart.c — placeholder, written by its owner. */
#include "recommend.h"
typedef int lyre_placeholder_coldstart;

/* cgi/recommend/mixes.c — placeholder, written by its owner. */
#include "recommend.h"
typedef int lyre_placeholder_mixes;

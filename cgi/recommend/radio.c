/* cgi/recommend/radio.c — placeholder, written by its owner. */
#include "recommend.h"
typedef int lyre_placeholder_radio;

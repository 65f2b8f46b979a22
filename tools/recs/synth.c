/* tools/recs/synth.c — placeholder, written by its owner. */
#include "recs.h"
typedef int lyre_placeholder_synth;

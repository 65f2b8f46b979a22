/* tools/recs/matrix.c — placeholder, written by its owner. */
#include "recs.h"
typedef int lyre_placeholder_matrix;

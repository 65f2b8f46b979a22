/* tools/recs/recs.h — placeholder, written by its owner. */
#ifndef LYRE_RECS_H
#define LYRE_RECS_H
#endif

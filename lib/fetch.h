/* fetch.h — placeholder. */
#ifndef LYRE_FETCH_H
#define LYRE_FETCH_H
#endif

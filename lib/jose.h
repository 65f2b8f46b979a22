/* jose.h — placeholder. */
#ifndef LYRE_JOSE_H
#define LYRE_JOSE_H
#endif

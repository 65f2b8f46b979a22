/* assets.h — placeholder (content-hashed asset URLs). */
#ifndef LYRE_ASSETS_H
#define LYRE_ASSETS_H
#endif

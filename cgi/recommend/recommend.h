/* cgi/recommend/recommend.h — placeholder, written by its owner. */
#ifndef LYRE_RECOMMEND_H
#define LYRE_RECOMMEND_H
#include "app.h"
#endif

/* fuzzy.h — text the way search compares it: folded (lower case, accents
 * and marks removed, punctuation to spaces) and near matches (bounded edit
 * distance, trigrams).  Used by search, suggestions and playlist import. */
#ifndef LYRE_FUZZY_H
#define LYRE_FUZZY_H

#include <stddef.h>
#include "arena.h"

/* "Beyoncé & The Bändits!" -> "beyonce the bandits": lower case, Latin
 * accents and combining marks removed, anything not a letter or digit
 * becomes one space, trimmed (arena).  Non-Latin letters are kept as they are. */
const char *fuzzy_fold(arena *a, const char *s);

/* Levenshtein distance of two folded strings (bytes), or max + 1 as soon as
 * it is known to exceed max. */
int fuzzy_distance(const char *a, const char *b, int max);

#endif

/* sortkey.h — how artists sort and file under A–Z (browse pages).
 * Shared by everything that writes artists: lyre-admin demo, lyre-ingest. */
#ifndef LYRE_SORTKEY_H
#define LYRE_SORTKEY_H

/* "The Velvet Lanterns" -> "Velvet Lanterns"; "A Flock of Herons" -> "Flock
 * of Herons"; anything else unchanged.  Returns a pointer into name. */
const char *sortkey_name(const char *name);
/* 'A'..'Z' for a sort name starting with a Latin letter (accents folded:
 * "Öldu" -> 'O'), else '#'. */
char sortkey_letter(const char *sort_name);

#endif

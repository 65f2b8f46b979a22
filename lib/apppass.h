/* lib/apppass.h — placeholder, written by its owner. */
#ifndef LYRE_APPPASS_H
#define LYRE_APPPASS_H
#endif

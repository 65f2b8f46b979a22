/* multipart.h — placeholder (playlist import writes it). */
#ifndef LYRE_MULTIPART_H
#define LYRE_MULTIPART_H
#endif

/* oidc.h — placeholder. */
#ifndef LYRE_OIDC_H
#define LYRE_OIDC_H
#endif

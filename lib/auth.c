/* auth.c — role names. */
#include "auth.h"

#include <string.h>

static const char *const role_names[] = { "listener", "artist", "admin" };

const char *role_name(enum user_role role)
{
    return (unsigned)role < sizeof role_names / sizeof role_names[0] ? role_names[role] : "listener";
}

int role_from_name(const char *name, enum user_role *role)
{
    for (unsigned i = 0; name && i < sizeof role_names / sizeof role_names[0]; i++) {
        if (strcmp(name, role_names[i]) == 0) {
            *role = (enum user_role)i;
            return 0;
        }
    }
    return -1;
}

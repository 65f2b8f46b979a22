/* cgi/subsonic/main.c — placeholder, written by its owner. */
#include "subsonic.h"

static const lyre_route routes[] = {
    { NULL, NULL, 0, NULL },
};

int main(int argc, char **argv)
{
    static const lyre_app app = { "lyre-subsonic", routes };
    return app_main(&app, argc, argv);
}

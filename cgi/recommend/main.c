/* cgi/recommend/main.c — placeholder, written by its owner. */
#include "recommend.h"

static const lyre_route routes[] = {
    { NULL, NULL, 0, NULL },
};

int main(int argc, char **argv)
{
    static const lyre_app app = { "lyre-recommend", routes };
    return app_main(&app, argc, argv);
}

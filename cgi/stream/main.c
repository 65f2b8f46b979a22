/* main.c — cgi/lyre-stream: the /stream and /hls URLs.  One row per URL. */
#include "stream.h"

static const lyre_route routes[] = {
    { "POST", "/stream/events",   ROUTE_NONE, post_events },
    { "GET",  "/stream/{}",       ROUTE_NONE, page_stream },
    { "GET",  "/hls/{}/{}",       ROUTE_NONE, page_hls },
    { NULL, NULL, 0, NULL },
};

/* Only error pages are HTML here. */
int main(int argc, char **argv)
{
    static const lyre_app app = { "lyre-stream", routes };
    return app_main(&app, argc, argv);
}

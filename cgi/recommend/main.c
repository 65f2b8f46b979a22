/* main.c — cgi/lyre-recommend: Home ("Made for you"), mixes, radio, the
 * cold-start picker and "don't play this".  None of these pages is cached
 * for everybody: each depends on the visitor (anonymous ones get popular
 * and trending, kept per worker for a minute in mixes.c). */
#include "recommend.h"

static const lyre_route routes[] = {
    { "GET",  "/home",                ROUTE_NONE,  page_foryou },
    { "GET",  "/mix/{}",              ROUTE_NONE,  page_mix },
    { "GET",  "/radio/{}/{}",         ROUTE_NONE,  page_radio },
    { "GET",  "/welcome",             ROUTE_LOGIN, page_welcome },
    { "POST", "/welcome",             ROUTE_LOGIN, post_welcome },
    { "POST", "/recommend/dislike",   ROUTE_LOGIN, post_dislike },
    { "POST", "/recommend/undislike", ROUTE_LOGIN, post_undislike },
    { NULL, NULL, 0, NULL },
};

int main(int argc, char **argv)
{
    static const lyre_app app = { "lyre-recommend", routes };
    return app_main(&app, argc, argv);
}

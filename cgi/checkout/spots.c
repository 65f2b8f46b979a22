/* cgi/checkout/spots.c — placeholder, written by its owner. */
#include "checkout.h"

lyre_err page_spot_next(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_spots_admin(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_spots_admin(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

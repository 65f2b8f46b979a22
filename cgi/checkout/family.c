/* cgi/checkout/family.c — placeholder, written by its owner. */
#include "checkout.h"

lyre_err page_family(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_family_invite(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_family_join(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_family_join(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_family_leave(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_family_remove(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

/* cgi/checkout/plans.c — placeholder, written by its owner. */
#include "checkout.h"

lyre_err page_plans(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_plans_admin(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_plans_admin(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

/* cgi/checkout/checkout.c — placeholder, written by its owner. */
#include "checkout.h"

lyre_err post_checkout(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_checkout_success(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_checkout_cancel(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_billing_portal(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

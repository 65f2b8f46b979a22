/* cgi/checkout/billing.c — placeholder, written by its owner. */
#include "checkout.h"

lyre_err page_billing(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_billing_cancel(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_billing_resume(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

/* cgi/checkout/webhook.c — placeholder, written by its owner. */
#include "checkout.h"

lyre_err post_webhook_stripe(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

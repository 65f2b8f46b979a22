/* reset.c — placeholder until its flow is written. */
#include "login.h"

lyre_err page_reset_request(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_reset_request(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_reset(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_reset(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

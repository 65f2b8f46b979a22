/* oidc_login.c — placeholder until its flow is written. */
#include "login.h"

lyre_err page_oidc_start(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_oidc_callback(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_oidc_link(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_oidc_link(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

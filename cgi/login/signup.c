/* signup.c — placeholder until its flow is written. */
#include "login.h"

lyre_err page_signup(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_signup(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

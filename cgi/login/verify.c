/* verify.c — placeholder until its flow is written. */
#include "login.h"

lyre_err page_verify(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_verify_resend(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

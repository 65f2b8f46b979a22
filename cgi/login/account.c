/* account.c — placeholder until its flow is written. */
#include "login.h"

lyre_err page_account(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_account_profile(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_account_export(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_account_delete(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_account_delete(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

/* account_mfa.c — placeholder until its flow is written. */
#include "login.h"

lyre_err page_account_mfa(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_account_mfa_setup(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_account_mfa_enable(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_account_mfa_disable(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_account_mfa_recovery(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}


int mfa_check_code(lyre_req *req, unsigned long long user_id, const char *code)
{
    (void)req; (void)user_id; (void)code;
    return 0;
}

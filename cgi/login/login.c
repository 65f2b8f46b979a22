/* login.c — placeholder until its flow is written. */
#include "login.h"

lyre_err page_login(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_login(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_login_mfa(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_login_mfa(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_logout(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}


lyre_err login_complete(lyre_req *req, unsigned long long user_id, const char *method, const char *next)
{
    (void)req; (void)user_id; (void)method; (void)next;
    return LYRE_ERR_NOT_FOUND;
}

const char *login_next(lyre_req *req, const char *next)
{
    (void)req; (void)next;
    return "/";
}

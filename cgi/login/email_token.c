/* email_token.c — placeholder until its flow is written. */
#include "login.h"


lyre_err email_token_send(lyre_req *req, unsigned long long user_id, const char *purpose, const char *email)
{
    (void)req; (void)user_id; (void)purpose; (void)email;
    return LYRE_ERR_INTERNAL;
}

lyre_err email_token_use(lyre_req *req, const char *purpose, const char *token,
                         unsigned long long *user_id, const char **email)
{
    (void)req; (void)purpose; (void)token; (void)user_id; (void)email;
    return LYRE_ERR_NOT_FOUND;
}

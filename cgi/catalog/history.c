/* history.c — placeholder until written. */
#include "catalog.h"

lyre_err page_library_history(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_history_pause(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_history_resume(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_history_clear(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

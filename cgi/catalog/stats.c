/* stats.c — placeholder until written. */
#include "catalog.h"

lyre_err page_stats(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_stats_year(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

/* suggest.c — placeholder until written. */
#include "catalog.h"

lyre_err page_search_suggest(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

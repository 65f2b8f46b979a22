/* items.c — placeholder until written. */
#include "playlists.h"

lyre_err post_playlist_add(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_playlist_remove(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_playlist_move(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

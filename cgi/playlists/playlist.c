/* playlist.c — placeholder until written. */
#include "playlists.h"

lyre_err post_playlist_create(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_playlists_mine(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_playlist(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_playlist_edit(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_playlist_delete(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_playlist_shared(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

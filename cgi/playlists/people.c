/* people.c — placeholder until written. */
#include "playlists.h"

lyre_err post_playlist_invite(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_playlist_uninvite(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_playlist_follow(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_playlist_unfollow(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

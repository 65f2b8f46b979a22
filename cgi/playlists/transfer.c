/* transfer.c — placeholder until written. */
#include "playlists.h"

lyre_err page_playlist_import(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err post_playlist_import(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_playlist_export_m3u(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

lyre_err page_playlist_export_xspf(lyre_req *req)
{
    (void)req;
    return LYRE_ERR_NOT_FOUND;
}

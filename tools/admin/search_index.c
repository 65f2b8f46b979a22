/* search_index.c — placeholder. */
#include "admin.h"

int admin_search_index(admin_ctx *ctx, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    admin_msg(ctx, "search-index: not yet");
    return ADMIN_FAIL;
}

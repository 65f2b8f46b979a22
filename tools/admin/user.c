/* user.c — placeholder. */
#include "admin.h"

int admin_user(admin_ctx *ctx, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    admin_msg(ctx, "user: not yet");
    return ADMIN_FAIL;
}

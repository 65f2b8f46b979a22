/* lyre-admin — the operator's tool: schema migrations, demo catalog, status.
 *
 *   lyre-admin [-c lyre.conf] COMMAND [ARGS]
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "log.h"

typedef struct admin_command {
    const char *name;
    int (*run)(admin_ctx *ctx, int argc, char **argv);
    const char *args;
    const char *help;
} admin_command;

static const admin_command commands[] = {
    { "migrate", admin_migrate, "[--dir DIR] [--status]",
      "apply pending db/NNNN_name.sql migrations (or list them)" },
    { "demo", admin_demo, "[--artists N] [--albums N] [--tracks N] [--seed S] [--if-empty]",
      "generate a deterministic demo catalog" },
    { "status", admin_status, "", "connection, schema version and row counts" },
    { "user", admin_user, "add|promote|disable|enable|reset-password|list ...",
      "manage accounts (lyre-admin user --help)" },
    { "search-index", admin_search_index, "[--rebuild]",
      "bring the typo-tolerant search index up to date with the catalog" },
};

static void usage(FILE *f, const char *prog)
{
    fprintf(f, "usage: %s [-c lyre.conf] COMMAND [ARGS]\n\ncommands:\n", prog);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %s%s%s\n      %s\n", commands[i].name, commands[i].args[0] ? " " : "", commands[i].args,
                commands[i].help);
    fprintf(f, "\nThe configuration is -c FILE, else $LYRE_CONF, else %s.\n"
               "Exit status: 0 ok, 1 failure, 2 usage or configuration error, 3 schema newer than this program.\n",
            config_default_path());
}

void admin_msg(const admin_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", ctx->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int admin_connect(const admin_ctx *ctx)
{
    if (db_connect(ctx->db) == DB_OK)
        return ADMIN_OK;
    admin_msg(ctx, "cannot connect to database %s: %s", ctx->cfg->db_name, db_last_error(ctx->db));
    return ADMIN_FAIL;
}

int main(int argc, char **argv)
{
    const char *prog = "lyre-admin";
    const char *conf_path = NULL;
    const admin_command *cmd = NULL;
    lyre_config cfg;
    strbuf err = STRBUF_INIT;
    admin_ctx ctx = { prog, &cfg, NULL };
    int status = ADMIN_USAGE;
    int have_cfg = 0;
    int opt;
    char cmd_name[64];

    log_init(prog);
    /* '+': options after the command belong to the command. */
    while ((opt = getopt(argc, argv, "+c:h")) != -1) {
        switch (opt) {
        case 'c':
            conf_path = optarg;
            break;
        case 'h':
            usage(stdout, prog);
            return ADMIN_OK;
        default:
            usage(stderr, prog);
            return ADMIN_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr, prog);
        return ADMIN_USAGE;
    }
    if (strcmp(argv[optind], "help") == 0) {
        usage(stdout, prog);
        return ADMIN_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[optind], commands[i].name) == 0)
            cmd = &commands[i];
    if (cmd == NULL) {
        admin_msg(&ctx, "unknown command: %s", argv[optind]);
        usage(stderr, prog);
        return ADMIN_USAGE;
    }

    if (conf_path == NULL)
        conf_path = config_default_path();
    have_cfg = 1;
    /* "lyre-admin user --help" answers without a lyre.conf. */
    for (int i = optind + 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            config_defaults(&cfg);
            snprintf(cmd_name, sizeof cmd_name, "%s %s", prog, cmd->name);
            argv[optind] = cmd_name;
            status = cmd->run(&ctx, argc - optind, argv + optind);
            goto cleanup;
        }
    }
    if (config_load(&cfg, conf_path, &err) != 0) {
        fprintf(stderr, "%s\n", err.buf);
        status = ADMIN_USAGE;
        goto cleanup;
    }
    log_set_level((enum log_level)cfg.log_level);
    /* Migrations and bulk loads may run long; pages keep their short timeout. */
    if (cfg.db_read_timeout < 3600)
        cfg.db_read_timeout = 3600;
    ctx.db = db_new(&cfg);
    if (ctx.db == NULL) {
        status = ADMIN_FAIL;
        goto cleanup;
    }
    /* getopt names the program by argv[0]: "lyre-admin migrate: unrecognized option". */
    snprintf(cmd_name, sizeof cmd_name, "%s %s", prog, cmd->name);
    argv[optind] = cmd_name;
    status = cmd->run(&ctx, argc - optind, argv + optind);
cleanup:
    db_free(ctx.db);
    if (have_cfg)
        config_free(&cfg);
    sb_free(&err);
    return status;
}

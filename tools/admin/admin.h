/* admin.h — lyre-admin: the commands and what they share. */
#ifndef LYRE_ADMIN_H
#define LYRE_ADMIN_H

#include "db.h"

/* Exit statuses of every command. */
enum {
    ADMIN_OK = 0,
    ADMIN_FAIL = 1,     /* the command ran and failed */
    ADMIN_USAGE = 2,    /* bad arguments or configuration */
    ADMIN_NEWER = 3,    /* the database schema is newer than this program knows */
};

typedef struct admin_ctx {
    const char *prog;          /* "lyre-admin", for messages */
    lyre_config *cfg;
    lyre_db *db;
} admin_ctx;

/* "PROG: message" on stderr. */
void admin_msg(const admin_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Connect or say why not; ADMIN_OK or ADMIN_FAIL. */
int admin_connect(const admin_ctx *ctx);

/* Commands: argv[0] is the command name; they return an exit status. */
int admin_migrate(admin_ctx *ctx, int argc, char **argv);
int admin_status(admin_ctx *ctx, int argc, char **argv);
int admin_demo(admin_ctx *ctx, int argc, char **argv);
int admin_user(admin_ctx *ctx, int argc, char **argv);
int admin_search_index(admin_ctx *ctx, int argc, char **argv); /* search_index.c */   /* user.c: add|promote|disable|enable|reset-password|list */

/* The newest schema version recorded in the database: 0 = none (or no
 * schema_migrations table), -1 = error (said). */
long long admin_schema_version(const admin_ctx *ctx);

#endif

/* user.c — `lyre-admin user`: accounts from the command line.
 *
 *   user add USERNAME EMAIL [--role ROLE] [--password-stdin] [--verified]
 *   user promote USERNAME ROLE
 *   user disable USERNAME | user enable USERNAME
 *   user reset-password USERNAME [--password-stdin]
 *   user list [--role ROLE]
 *
 * Passwords never come from the command line (other users see it in ps):
 * either one line on stdin, or a generated one printed once.  Every change
 * of privilege (role, password, disabling) deletes the user's sessions; the
 * web workers notice within session.recheck_ms.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "admin.h"
#include "auth.h"
#include "crypto.h"
#include "password.h"
#include "url.h"

/* The first migration that has the users table. */
#define ACCOUNTS_SCHEMA 6
#define GENERATED_PASSWORD_CHARS 20

static const char usage_text[] =
    "usage: lyre-admin user COMMAND ...\n"
    "\n"
    "  add USERNAME EMAIL [--role listener|artist|admin] [--password-stdin] [--verified]\n"
    "      create an account (role listener unless given; --verified marks the email\n"
    "      as confirmed).  Without --password-stdin a random password is generated and\n"
    "      printed once.\n"
    "  promote USERNAME ROLE\n"
    "      give the account another role (also lower); its sessions end\n"
    "  disable USERNAME\n"
    "      refuse every sign-in of the account; its sessions end\n"
    "  enable USERNAME\n"
    "      allow sign-ins again\n"
    "  reset-password USERNAME [--password-stdin]\n"
    "      set a new password (generated and printed unless given); its sessions end\n"
    "  list [--role ROLE]\n"
    "      every account: id, username, email, verified, role, status, MFA, created\n"
    "\n"
    "--password-stdin reads one line (up to 256 bytes) from standard input.\n"
    "Usernames: 3-32 letters, digits, '.', '_' or '-', starting with a letter or digit;\n"
    "they and emails are unique whatever their case.\n"
    "Exit status: 0 ok, 1 failure (unknown user, name or email taken, database),\n"
    "2 bad arguments (usage, role, username, email, password rules).\n";

typedef struct user_opts {
    const char *role_name;
    int password_stdin;
    int verified;
} user_opts;

/* ------------------------------------------------------------ checks */

static char *ascii_lower(arena *a, const char *s)
{
    char *out = arena_strdup(a, s);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

static int parse_role(const admin_ctx *ctx, const char *name, enum user_role *role)
{
    if (role_from_name(name, role) == 0)
        return 0;
    admin_msg(ctx, "unknown role '%s' (listener, artist or admin)", name);
    return -1;
}

/* ------------------------------------------------------------ passwords */

/* 20 characters of [A-Za-z0-9] (119 bits), by rejection so each is uniform. */
static char *generate_password(arena *a)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char *out = arena_alloc(a, GENERATED_PASSWORD_CHARS + 1);
    size_t n = 0;
    unsigned char buf[64];
    while (n < GENERATED_PASSWORD_CHARS) {
        if (crypto_random(buf, sizeof buf) != 0)
            return NULL;
        for (size_t i = 0; i < sizeof buf && n < GENERATED_PASSWORD_CHARS; i++)
            if (buf[i] < 248)   /* 248 = 4 * 62 */
                out[n++] = alphabet[buf[i] % 62];
    }
    out[n] = '\0';
    return out;
}

/* One line from stdin without its line end (echo off on a terminal); NULL
 * (said) when unreadable, too long or holding a NUL byte. */
static char *read_password(const admin_ctx *ctx, arena *a)
{
    char *line = arena_alloc(a, PASSWORD_MAX_BYTES + 3);
    struct termios saved, quiet;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    size_t n = 0;
    int c = 0;

    if (tty) {
        fprintf(stderr, "Password: ");
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
            tty = 0;
    }
    while (n < PASSWORD_MAX_BYTES + 2 && (c = getchar()) != EOF && c != '\n')
        line[n++] = (char)c;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    if (n > 0 && line[n - 1] == '\r')
        n--;
    line[n] = '\0';
    if (n > PASSWORD_MAX_BYTES) {
        admin_msg(ctx, "the password is longer than %d bytes", PASSWORD_MAX_BYTES);
        return NULL;
    }
    if (strlen(line) != n) {
        admin_msg(ctx, "the password holds a NUL byte");
        return NULL;
    }
    if (n == 0 && c == EOF && ferror(stdin)) {
        admin_msg(ctx, "cannot read the password from standard input");
        return NULL;
    }
    return line;
}

/* The password to set: read (and checked against the rules) or generated.
 * *generated tells which.  NULL (said) with *status set on failure. */
static const char *new_password(const admin_ctx *ctx, arena *a, const user_opts *o, const char *username,
                                const char *email, int *generated, int *status)
{
    const char *pw, *problem;
    *generated = !o->password_stdin;
    if (*generated) {
        pw = generate_password(a);
        if (pw == NULL) {
            admin_msg(ctx, "cannot generate a password: no random bytes");
            *status = ADMIN_FAIL;
        }
        return pw;
    }
    pw = read_password(ctx, a);
    if (pw == NULL) {
        *status = ADMIN_USAGE;
        return NULL;
    }
    problem = password_problem(ctx->cfg, pw, username, email);
    if (problem != NULL) {
        admin_msg(ctx, "password refused: %s", problem);
        *status = ADMIN_USAGE;
        return NULL;
    }
    return pw;
}

static const char *hash_password(const admin_ctx *ctx, arena *a, const char *pw)
{
    const char *hash = password_hash(ctx->cfg, a, pw);
    if (hash == NULL)
        admin_msg(ctx, "cannot hash the password (see the log above)");
    return hash;
}

/* ------------------------------------------------------------ database */

static int connect_accounts(const admin_ctx *ctx)
{
    long long version;
    if (admin_connect(ctx) != ADMIN_OK)
        return ADMIN_FAIL;
    version = admin_schema_version(ctx);
    if (version < 0)
        return ADMIN_FAIL;
    if (version < ACCOUNTS_SCHEMA) {
        admin_msg(ctx, "database %s has no accounts yet (schema version %lld): run lyre-admin migrate first",
                  ctx->cfg->db_name, version);
        return ADMIN_FAIL;
    }
    return ADMIN_OK;
}

typedef struct user_row {
    unsigned long long id;
    const char *username;
    const char *email;
    const char *role;
    const char *status;
} user_row;

/* ADMIN_OK with *u filled, ADMIN_FAIL (said) when unknown or on error. */
static int find_user(const admin_ctx *ctx, arena *a, const char *username, user_row *u)
{
    db_result r;
    if (db_query(ctx->db, a, &r,
                 "SELECT id, username, COALESCE(email, ''), role, status FROM users WHERE username_key = ?", "s",
                 ascii_lower(a, username)) != DB_OK) {
        admin_msg(ctx, "cannot read users: %s", db_last_error(ctx->db));
        return ADMIN_FAIL;
    }
    if (r.nrows == 0) {
        admin_msg(ctx, "no user named '%s'", username);
        return ADMIN_FAIL;
    }
    u->id = (unsigned long long)db_cell_ll(&r, 0, 0, 0);
    u->username = db_cell(&r, 0, 1);
    u->email = db_cell(&r, 0, 2);
    u->role = db_cell(&r, 0, 3);
    u->status = db_cell(&r, 0, 4);
    return ADMIN_OK;
}

/* Run update (one user row, types "..u" ending with the id) and delete the
 * user's sessions and pending sign-in steps, in one transaction. */
static int update_and_end_sessions(const admin_ctx *ctx, unsigned long long user_id, const char *sql,
                                   const char *arg, unsigned long long *sessions_ended)
{
    db_status st;
    if (db_begin(ctx->db) != DB_OK)
        goto fail;
    st = arg != NULL ? db_exec(ctx->db, NULL, NULL, sql, "su", arg, user_id)
                     : db_exec(ctx->db, NULL, NULL, sql, "u", user_id);
    if (st != DB_OK
        || db_exec(ctx->db, sessions_ended, NULL, "DELETE FROM sessions WHERE user_id = ?", "u", user_id) != DB_OK
        || db_exec(ctx->db, NULL, NULL, "DELETE FROM auth_flows WHERE user_id = ?", "u", user_id) != DB_OK
        || db_commit(ctx->db) != DB_OK)
        goto fail;
    return ADMIN_OK;
fail:
    admin_msg(ctx, "cannot update the account: %s", db_last_error(ctx->db));
    db_rollback(ctx->db);
    return ADMIN_FAIL;
}

/* ------------------------------------------------------------ arguments */

/* Options of a subcommand, then exactly nargs operands.  ADMIN_OK, ADMIN_USAGE
 * (said), or -1 for --help (printed). */
static int parse_args(const admin_ctx *ctx, int argc, char **argv, const char *allowed, int nargs, user_opts *o)
{
    static const struct option longopts[] = {
        { "role", required_argument, NULL, 'r' },
        { "password-stdin", no_argument, NULL, 'p' },
        { "verified", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    /* "lyre-admin user add" -> "user add" after admin_msg's "lyre-admin: ". */
    const char *label = strchr(argv[0], ' ') ? strchr(argv[0], ' ') + 1 : argv[0];
    memset(o, 0, sizeof *o);
    optind = 0;   /* glibc: start afresh (main's getopt ran before) */
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage_text, stdout);
            return -1;
        }
        if (opt == '?' || strchr(allowed, opt) == NULL) {
            if (opt != '?')
                admin_msg(ctx, "%s does not take --%s", label,
                          opt == 'r' ? "role" : opt == 'p' ? "password-stdin" : "verified");
            return ADMIN_USAGE;
        }
        if (opt == 'r')
            o->role_name = optarg;
        else if (opt == 'p')
            o->password_stdin = 1;
        else
            o->verified = 1;
    }
    if (argc - optind != nargs) {
        admin_msg(ctx, "%s: expected %d argument%s, got %d (lyre-admin user --help)", label, nargs,
                  nargs == 1 ? "" : "s", argc - optind);
        return ADMIN_USAGE;
    }
    return ADMIN_OK;
}

static int check_username_arg(const admin_ctx *ctx, const char *username)
{
    if (auth_username_problem(username) == NULL)
        return 0;
    admin_msg(ctx, "invalid username '%s': 3-32 letters, digits, '.', '_' or '-', starting with a letter or digit",
              username);
    return -1;
}

/* ------------------------------------------------------------ commands */

static int cmd_add(admin_ctx *ctx, arena *a, int argc, char **argv)
{
    user_opts o;
    enum user_role role = ROLE_LISTENER;
    const char *username, *email, *pw, *hash;
    int generated = 0, status;
    unsigned long long id = 0;
    db_result r;
    db_status st;

    status = parse_args(ctx, argc, argv, "rpv", 2, &o);
    if (status != ADMIN_OK)
        return status < 0 ? ADMIN_OK : status;
    username = argv[optind];
    email = argv[optind + 1];
    if (check_username_arg(ctx, username) != 0)
        return ADMIN_USAGE;
    if (!auth_email_valid(email)) {
        admin_msg(ctx, "invalid email address '%s'", email);
        return ADMIN_USAGE;
    }
    if (o.role_name != NULL && parse_role(ctx, o.role_name, &role) != 0)
        return ADMIN_USAGE;
    if (connect_accounts(ctx) != ADMIN_OK)
        return ADMIN_FAIL;
    /* Say which one is taken before asking for a password. */
    if (db_query(ctx->db, a, &r,
                 "SELECT username_key = ?, email_key = ? FROM users WHERE username_key = ? OR email_key = ?", "ssss",
                 ascii_lower(a, username), ascii_lower(a, email), ascii_lower(a, username),
                 ascii_lower(a, email)) != DB_OK) {
        admin_msg(ctx, "cannot read users: %s", db_last_error(ctx->db));
        return ADMIN_FAIL;
    }
    for (size_t i = 0; i < r.nrows; i++) {
        if (db_cell_ll(&r, i, 0, 0) == 1) {
            admin_msg(ctx, "a user named '%s' already exists", username);
            return ADMIN_FAIL;
        }
        if (db_cell_ll(&r, i, 1, 0) == 1) {
            admin_msg(ctx, "the email '%s' is already used by another account", email);
            return ADMIN_FAIL;
        }
    }
    status = ADMIN_FAIL;
    pw = new_password(ctx, a, &o, username, email, &generated, &status);
    if (pw == NULL)
        return status;
    hash = hash_password(ctx, a, pw);
    if (hash == NULL)
        return ADMIN_FAIL;
    st = db_exec(ctx->db, NULL, &id,
                 "INSERT INTO users (username, username_key, email, email_key, email_verified_at, password_hash,"
                 " role, password_changed_at) VALUES (?, ?, ?, ?, IF(? = 1, NOW(3), NULL), ?, ?, NOW(3))",
                 "ssssiss", username, ascii_lower(a, username), email, ascii_lower(a, email),
                 (long long)o.verified, hash, role_name(role));
    if (st == DB_DUPLICATE) {
        admin_msg(ctx, "the username '%s' or the email '%s' was taken meanwhile", username, email);
        return ADMIN_FAIL;
    }
    if (st != DB_OK) {
        admin_msg(ctx, "cannot add the user: %s", db_last_error(ctx->db));
        return ADMIN_FAIL;
    }
    printf("added user %s (id %llu, %s, email %s)\n", username, id, role_name(role),
           o.verified ? "verified" : "not verified");
    if (generated)
        printf("password: %s\n", pw);
    return ADMIN_OK;
}

static int cmd_promote(admin_ctx *ctx, arena *a, int argc, char **argv)
{
    user_opts o;
    user_row u;
    enum user_role role;
    unsigned long long ended = 0;
    int status = parse_args(ctx, argc, argv, "", 2, &o);
    if (status != ADMIN_OK)
        return status < 0 ? ADMIN_OK : status;
    if (parse_role(ctx, argv[optind + 1], &role) != 0)
        return ADMIN_USAGE;
    if (connect_accounts(ctx) != ADMIN_OK || find_user(ctx, a, argv[optind], &u) != ADMIN_OK)
        return ADMIN_FAIL;
    if (strcmp(u.role, role_name(role)) == 0) {
        printf("%s is already %s\n", u.username, u.role);
        return ADMIN_OK;
    }
    if (update_and_end_sessions(ctx, u.id, "UPDATE users SET role = ? WHERE id = ?", role_name(role), &ended)
        != ADMIN_OK)
        return ADMIN_FAIL;
    printf("%s: role %s -> %s, %llu session%s ended\n", u.username, u.role, role_name(role), ended,
           ended == 1 ? "" : "s");
    return ADMIN_OK;
}

static int cmd_set_status(admin_ctx *ctx, arena *a, int argc, char **argv, const char *new_status)
{
    user_opts o;
    user_row u;
    unsigned long long ended = 0;
    int status = parse_args(ctx, argc, argv, "", 1, &o);
    if (status != ADMIN_OK)
        return status < 0 ? ADMIN_OK : status;
    if (connect_accounts(ctx) != ADMIN_OK || find_user(ctx, a, argv[optind], &u) != ADMIN_OK)
        return ADMIN_FAIL;
    if (strcmp(u.status, new_status) == 0) {
        printf("%s is already %s\n", u.username, strcmp(new_status, "active") == 0 ? "enabled" : "disabled");
        return ADMIN_OK;
    }
    if (strcmp(new_status, "disabled") == 0) {
        if (update_and_end_sessions(ctx, u.id, "UPDATE users SET status = ? WHERE id = ?", new_status, &ended)
            != ADMIN_OK)
            return ADMIN_FAIL;
        printf("%s: disabled, %llu session%s ended\n", u.username, ended, ended == 1 ? "" : "s");
        return ADMIN_OK;
    }
    if (db_exec(ctx->db, NULL, NULL, "UPDATE users SET status = ? WHERE id = ?", "su", new_status, u.id) != DB_OK) {
        admin_msg(ctx, "cannot update the account: %s", db_last_error(ctx->db));
        return ADMIN_FAIL;
    }
    printf("%s: enabled\n", u.username);
    return ADMIN_OK;
}

static int cmd_reset_password(admin_ctx *ctx, arena *a, int argc, char **argv)
{
    user_opts o;
    user_row u;
    const char *pw, *hash;
    int generated = 0;
    unsigned long long ended = 0;
    int status = parse_args(ctx, argc, argv, "p", 1, &o);
    if (status != ADMIN_OK)
        return status < 0 ? ADMIN_OK : status;
    if (connect_accounts(ctx) != ADMIN_OK || find_user(ctx, a, argv[optind], &u) != ADMIN_OK)
        return ADMIN_FAIL;
    status = ADMIN_FAIL;
    pw = new_password(ctx, a, &o, u.username, u.email[0] ? u.email : NULL, &generated, &status);
    if (pw == NULL)
        return status;
    hash = hash_password(ctx, a, pw);
    if (hash == NULL)
        return ADMIN_FAIL;
    if (update_and_end_sessions(ctx, u.id, "UPDATE users SET password_hash = ?, password_changed_at = NOW(3)"
                                           " WHERE id = ?", hash, &ended) != ADMIN_OK)
        return ADMIN_FAIL;
    printf("%s: password changed, %llu session%s ended\n", u.username, ended, ended == 1 ? "" : "s");
    if (generated)
        printf("password: %s\n", pw);
    return ADMIN_OK;
}

/* A cell for the terminal: control characters become '?' (names and
 * emails come from the web too). */
static const char *printable(arena *a, const char *s)
{
    char *out = arena_strdup(a, s ? s : "");
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return out;
}

static int cmd_list(admin_ctx *ctx, arena *a, int argc, char **argv)
{
    enum { NCOLS = 8 };
    static const char *const heads[NCOLS] = { "id", "username", "email", "verified", "role", "status", "MFA",
                                              "created" };
    user_opts o;
    enum user_role role;
    db_result r;
    db_status st;
    int width[NCOLS];
    static const char cols[] =
        "SELECT id, username, COALESCE(email, ''), IF(email_verified_at IS NULL, 'no', 'yes'), role, status,"
        " IF(totp_enabled_at IS NULL, 'off', 'on'), DATE_FORMAT(created_at, '%Y-%m-%d %H:%i') FROM users";
    int status = parse_args(ctx, argc, argv, "r", 0, &o);
    if (status != ADMIN_OK)
        return status < 0 ? ADMIN_OK : status;
    if (o.role_name != NULL && parse_role(ctx, o.role_name, &role) != 0)
        return ADMIN_USAGE;
    if (connect_accounts(ctx) != ADMIN_OK)
        return ADMIN_FAIL;
    if (o.role_name != NULL)
        st = db_query(ctx->db, a, &r, arena_printf(a, "%s WHERE role = ? ORDER BY id", cols), "s", role_name(role));
    else
        st = db_query(ctx->db, a, &r, arena_printf(a, "%s ORDER BY id", cols), "");
    if (st != DB_OK) {
        admin_msg(ctx, "cannot read users: %s", db_last_error(ctx->db));
        return ADMIN_FAIL;
    }
    for (int c = 0; c < NCOLS; c++)
        width[c] = (int)strlen(heads[c]);
    for (size_t i = 0; i < r.nrows; i++)
        for (int c = 0; c < NCOLS; c++) {
            int len = (int)strlen(db_cell(&r, i, (size_t)c) ? db_cell(&r, i, (size_t)c) : "");
            if (len > width[c])
                width[c] = len;
        }
    for (int c = 0; c < NCOLS; c++)
        printf("%-*s%s", c == NCOLS - 1 ? 0 : width[c], heads[c], c == NCOLS - 1 ? "\n" : "  ");
    for (size_t i = 0; i < r.nrows; i++)
        for (int c = 0; c < NCOLS; c++)
            printf("%-*s%s", c == NCOLS - 1 ? 0 : width[c], printable(a, db_cell(&r, i, (size_t)c)),
                   c == NCOLS - 1 ? "\n" : "  ");
    if (r.nrows == 0)
        fprintf(stderr, "%s: no %s%saccounts\n", ctx->prog, o.role_name ? role_name(role) : "",
                o.role_name ? " " : "");
    return ADMIN_OK;
}

int admin_user(admin_ctx *ctx, int argc, char **argv)
{
    arena a;
    int status = ADMIN_USAGE;
    char name[64];
    const char *sub;

    if (argc < 2) {
        fputs(usage_text, stderr);
        return ADMIN_USAGE;
    }
    sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        fputs(usage_text, stdout);
        return ADMIN_OK;
    }
    /* getopt's messages name argv[0]: "lyre-admin user add: unrecognized option". */
    snprintf(name, sizeof name, "%s %.20s", argv[0], sub);
    argv[1] = name;
    arena_init(&a, 4096);
    if (strcmp(sub, "add") == 0)
        status = cmd_add(ctx, &a, argc - 1, argv + 1);
    else if (strcmp(sub, "promote") == 0)
        status = cmd_promote(ctx, &a, argc - 1, argv + 1);
    else if (strcmp(sub, "disable") == 0)
        status = cmd_set_status(ctx, &a, argc - 1, argv + 1, "disabled");
    else if (strcmp(sub, "enable") == 0)
        status = cmd_set_status(ctx, &a, argc - 1, argv + 1, "active");
    else if (strcmp(sub, "reset-password") == 0)
        status = cmd_reset_password(ctx, &a, argc - 1, argv + 1);
    else if (strcmp(sub, "list") == 0)
        status = cmd_list(ctx, &a, argc - 1, argv + 1);
    else {
        admin_msg(ctx, "unknown user command '%s' (add, promote, disable, enable, reset-password, list)", sub);
        fputs(usage_text, stderr);
    }
    fflush(stdout);
    arena_free(&a);
    return status;
}

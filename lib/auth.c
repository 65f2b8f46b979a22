/* auth.c — role names. */
#include "auth.h"

#include <string.h>

#include "url.h"

static const char *const role_names[] = { "listener", "artist", "admin" };

const char *role_name(enum user_role role)
{
    return (unsigned)role < sizeof role_names / sizeof role_names[0] ? role_names[role] : "listener";
}

int role_from_name(const char *name, enum user_role *role)
{
    for (unsigned i = 0; name && i < sizeof role_names / sizeof role_names[0]; i++) {
        if (strcmp(name, role_names[i]) == 0) {
            *role = (enum user_role)i;
            return 0;
        }
    }
    return -1;
}

static int is_alnum_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

const char *auth_username_problem(const char *u)
{
    size_t n = strlen(u);
    if (n == 0)
        return "Choose a user name.";
    if (n < AUTH_USERNAME_MIN || n > AUTH_USERNAME_MAX)
        return "Use 3 to 32 characters.";
    if (!is_alnum_ascii(u[0]))
        return "Start with a letter or a digit.";
    for (const char *p = u; *p; p++)
        if (!is_alnum_ascii(*p) && *p != '.' && *p != '_' && *p != '-')
            return "Use only letters (a–z), digits, dots, hyphens and underscores.";
    return NULL;
}

static int is_ascii_label_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

int auth_email_valid(const char *s)
{
    size_t len = strlen(s);
    if (!utf8_valid(s, len))
        return 0;
    const char *at = strrchr(s, '@');
    if (len < 3 || len > 254 || !at || at == s || at - s > 64 || strchr(s, '@') != at)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p == 0x7f || strchr("\"(),:;<>[\\]", *p))
            return 0;
    if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
        return 0;
    const char *d = at + 1;
    if (!*d || !strchr(d, '.'))
        return 0;
    size_t label = 0;
    int ascii_label = 1;
    for (const char *p = d;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '.' || c == '\0') {
            if (label == 0 || label > 63 || (ascii_label && (p[-1] == '-' || p[-(long)label] == '-')))
                return 0;
            if (c == '\0')
                break;
            label = 0;
            ascii_label = 1;
            continue;
        }
        if (c >= 0x80)
            ascii_label = 0;
        else if (!is_ascii_label_char(c))
            return 0;
        label++;
    }
    return 1;
}


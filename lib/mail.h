/* mail.h — mail out through the sendmail-compatible command of lyre.conf
 * (mail.sendmail, run with /bin/sh -c; the message on its stdin).
 * Header values are checked (no CR/LF, valid UTF-8); subjects with
 * non-ASCII text are RFC 2047 encoded; the body is UTF-8 text/plain.
 */
#ifndef LYRE_MAIL_H
#define LYRE_MAIL_H

#include "config.h"

/* 0 when the command accepted the message (exit status 0), -1 (logged)
 * otherwise.  to is one address (no display name). */
int mail_send(const lyre_config *cfg, const char *to, const char *subject, const char *body);

#endif

/* mail.c — placeholder. */
#include "mail.h"
int mail_send(const lyre_config *cfg, const char *to, const char *subject, const char *body) { (void)cfg; (void)to; (void)subject; (void)body; return -1; }

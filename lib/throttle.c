/* throttle.c — placeholder. */
#include "throttle.h"
long throttle_wait(lyre_req *req, const char *scope, const char *subject) { (void)req; (void)scope; (void)subject; return 0; }
long throttle_fail(lyre_req *req, const char *scope, const char *subject) { (void)req; (void)scope; (void)subject; return 0; }
void throttle_clear(lyre_req *req, const char *scope, const char *subject) { (void)req; (void)scope; (void)subject; }
long throttle_rate(lyre_req *req, const char *scope, const char *subject, int limit_per_hour) { (void)req; (void)scope; (void)subject; (void)limit_per_hour; return 0; }

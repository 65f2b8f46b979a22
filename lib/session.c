/* session.c — PLACEHOLDER until the lead lands it. */
#include "session.h"
lyre_err session_load(lyre_req *req) { req->auth = NULL; return LYRE_OK; }
lyre_err session_start(lyre_req *req, unsigned long long user_id, const char *method) { (void)req; (void)user_id; (void)method; return LYRE_ERR_INTERNAL; }
lyre_err session_rotate(lyre_req *req) { (void)req; return LYRE_ERR_INTERNAL; }
lyre_err session_end_current(lyre_req *req) { (void)req; return LYRE_ERR_INTERNAL; }
lyre_err session_end_one(lyre_req *req, unsigned long long session_id) { (void)req; (void)session_id; return LYRE_ERR_INTERNAL; }
lyre_err session_end_all(lyre_req *req, unsigned long long user_id, unsigned long long keep_session_id) { (void)req; (void)user_id; (void)keep_session_id; return LYRE_ERR_INTERNAL; }
void session_cache_clear(void) {}
const char *session_client_ip(const lyre_req *req) { (void)req; return ""; }

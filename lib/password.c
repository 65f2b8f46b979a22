/* password.c — placeholder. */
#include "password.h"
const char *password_hash(const lyre_config *cfg, arena *a, const char *password) { (void)cfg; (void)a; (void)password; return NULL; }
int password_verify(const char *encoded, const char *password) { (void)encoded; (void)password; return 0; }
int password_needs_rehash(const lyre_config *cfg, const char *encoded) { (void)cfg; (void)encoded; return 0; }
void password_waste_time(const lyre_config *cfg, const char *password) { (void)cfg; (void)password; }
const char *password_problem(const lyre_config *cfg, const char *password, const char *username, const char *email) { (void)cfg; (void)password; (void)username; (void)email; return "not yet"; }

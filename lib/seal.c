/* seal.c — placeholder. */
#include "seal.h"
int seal_load_key(const lyre_config *cfg) { (void)cfg; return -1; }
void seal_reset(void) {}
int seal(const lyre_config *cfg, arena *a, const void *plain, size_t len, const char *ad, unsigned char **out, size_t *out_len) { (void)cfg; (void)a; (void)plain; (void)len; (void)ad; (void)out; (void)out_len; return -1; }
int unseal(const lyre_config *cfg, arena *a, const unsigned char *blob, size_t len, const char *ad, unsigned char **plain, size_t *plain_len) { (void)cfg; (void)a; (void)blob; (void)len; (void)ad; (void)plain; (void)plain_len; return -1; }

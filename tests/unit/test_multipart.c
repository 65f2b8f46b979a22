/* test_multipart.c — placeholder. */
#include "suites.h"
Suite *suite_multipart(void)
{
    return suite_create("multipart");
}

/* bare.c — the benchmark's yardstick: a FastCGI program that answers every
 * request with the same bytes (a saved album page), doing nothing else.
 * The album and search pages are measured against it through the same
 * lighttpd, so the ratio shows what Lyre's own work costs.
 * usage: lyre-bare FILE   (or LYRE_BARE_FILE=FILE) */
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n + 65536 > cap) {
            cap = cap ? cap * 2 : 131072;
            char *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : getenv("LYRE_BARE_FILE");
    if (!path) {
        fprintf(stderr, "usage: lyre-bare FILE (or LYRE_BARE_FILE=FILE)\n");
        return 2;
    }
    size_t len = 0;
    char *page = slurp(path, &len);
    if (!page) {
        fprintf(stderr, "lyre-bare: cannot read %s\n", path);
        return 1;
    }
    char head[160];
    int hlen = snprintf(head, sizeof head,
                        "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                        "Content-Length: %zu\r\n\r\n", len);
    if (hlen < 0 || (size_t)hlen >= sizeof head || FCGX_Init() != 0) {
        free(page);
        return 1;
    }
    FCGX_Request req;
    FCGX_InitRequest(&req, 0, 0);
    while (FCGX_Accept_r(&req) >= 0) {
        FCGX_PutStr(head, hlen, req.out);
        FCGX_PutStr(page, (int)len, req.out);
        FCGX_Finish_r(&req);
    }
    free(page);
    return 0;
}

/* tools/train/main.c — placeholder, written by its owner. */
#include <stdio.h>
int main(void)
{
    fputs("lyre-train: not built yet\n", stderr);
    return 1;
}

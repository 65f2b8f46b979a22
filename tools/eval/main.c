/* tools/eval/main.c — placeholder, written by its owner. */
#include <stdio.h>
int main(void)
{
    fputs("lyre-eval: not built yet\n", stderr);
    return 1;
}

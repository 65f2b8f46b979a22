/* tests/unit/check_recs.c — placeholder, written by its owner. */
int main(void)
{
    return 77;
}

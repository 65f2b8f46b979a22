/* sortkey.c — sort names and A–Z letters of artists (see sortkey.h). */
#include "sortkey.h"

#include <strings.h>

/* U+00C0..U+017F folded to an ASCII capital ('#' for signs). */
static const char latin_fold[] =
    "AAAAAAACEEEEIIIIDNOOOOO#OUUUUYTSAAAAAAACEEEEIIIIDNOOOOO#OUUUUYTY"
    "AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIIIIIJJKKKLLLLLLLLLLNNNNNNNNNOOOOOOOORRRRRRSSSSSSSS"
    "TTTTTTUUUUUUUUUUUUWWYYYZZZZZZS";
_Static_assert(sizeof latin_fold == 193, "one letter per code point U+00C0..U+017F");

const char *sortkey_name(const char *name)
{
    if (strncasecmp(name, "The ", 4) == 0 && name[4] != '\0')
        return name + 4;
    if (strncasecmp(name, "A ", 2) == 0 && name[2] != '\0')
        return name + 2;
    return name;
}

char sortkey_letter(const char *sort_name)
{
    const unsigned char *s = (const unsigned char *)sort_name;
    if (s[0] >= 'a' && s[0] <= 'z')
        return (char)(s[0] - 'a' + 'A');
    if (s[0] >= 'A' && s[0] <= 'Z')
        return (char)s[0];
    if (s[0] >= 0xC3 && s[0] <= 0xC5 && (s[1] & 0xC0) == 0x80) {
        unsigned cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
        if (cp >= 0xC0 && cp <= 0x17F)
            return latin_fold[cp - 0xC0];
    }
    return '#';
}

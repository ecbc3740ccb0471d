/* Shared by the terminal test helpers (recvtty.c, ptyrun.c): the text to
 * type into a terminal, given on the command line with "\n" and "\ooo"
 * (octal) escapes so control characters such as ^C (\003) can be sent. */
#ifndef HULL_TEST_UNESCAPE_H
#define HULL_TEST_UNESCAPE_H

#include <stdlib.h>
#include <string.h>

/* A malloc'd unescaped copy of s, NULL when out of memory. */
static inline char *
unescape (const char *s)
{
  char *out = malloc (strlen (s) + 1), *o = out;
  if (!out)
    return NULL;
  for (; *s; s++)
    {
      if (s[0] == '\\' && s[1] == 'n')
        {
          *o++ = '\n';
          s++;
        }
      else if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7'
               && s[3] >= '0' && s[3] <= '7')
        {
          *o++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
          s += 3;
        }
      else
        *o++ = *s;
    }
  *o = '\0';
  return out;
}

#endif

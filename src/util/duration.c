/* Go duration strings: an optional sign, then one or more decimal numbers
 * (with an optional fraction), each followed by a unit: ns, us (µs, μs),
 * ms, s, m, h. "0" alone needs no unit. */
#include "config.h"
#include <hull/duration.h>
#include <stdbool.h>
#include <string.h>

static const struct {
  const char *name;
  uint64_t ns;
} units[] = {
  { "ns", 1ULL },
  { "us", 1000ULL },
  { "\xc2\xb5s", 1000ULL },  /* U+00B5 micro sign */
  { "\xce\xbcs", 1000ULL },  /* U+03BC Greek mu */
  { "ms", 1000000ULL },
  { "s", 1000000000ULL },
  { "m", 60ULL * 1000000000ULL },
  { "h", 3600ULL * 1000000000ULL },
};

#define MAX_NS ((uint64_t) INT64_MAX)

static bool
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

int
hull_duration_parse (const char *s, int64_t *ns, const char **why)
{
  const char *p = s;
  bool neg = false;
  if (*p == '-' || *p == '+')
    neg = *p++ == '-';
  if (strcmp (p, "0") == 0)
    {
      *ns = 0;
      return 0;
    }
  if (*p == '\0')
    {
      *why = "empty duration";
      return -1;
    }
  uint64_t total = 0;
  while (*p)
    {
      /* The number: integer part, then an optional fraction. */
      uint64_t v = 0, f = 0;
      double scale = 1;
      bool digits = false, overflow = false;
      for (; is_digit (*p); p++, digits = true)
        {
          if (v > (MAX_NS - (uint64_t) (*p - '0')) / 10)
            overflow = true;
          else
            v = v * 10 + (uint64_t) (*p - '0');
        }
      if (*p == '.')
        for (p++; is_digit (*p); p++, digits = true)
          if (!overflow && f <= (MAX_NS - 9) / 10 && scale < 1e18)
            {
              f = f * 10 + (uint64_t) (*p - '0');
              scale *= 10;
            }
      if (overflow)
        {
          *why = "duration out of range";
          return -1;
        }
      if (!digits)
        {
          *why = "number expected";
          return -1;
        }
      /* The unit: everything up to the next number. */
      size_t len = 0;
      while (p[len] && p[len] != '.' && !is_digit (p[len]))
        len++;
      if (len == 0)
        {
          *why = "missing unit";
          return -1;
        }
      uint64_t unit = 0;
      for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen (units[i].name) == len && strncmp (units[i].name, p, len) == 0)
          unit = units[i].ns;
      if (unit == 0)
        {
          *why = "unknown unit";
          return -1;
        }
      p += len;
      if (v > MAX_NS / unit)
        {
          *why = "duration out of range";
          return -1;
        }
      v *= unit;
      if (f > 0)
        v += (uint64_t) ((double) f * ((double) unit / scale));
      if (v > MAX_NS - total)
        {
          *why = "duration out of range";
          return -1;
        }
      total += v;
    }
  *ns = neg ? -(int64_t) total : (int64_t) total;
  return 0;
}

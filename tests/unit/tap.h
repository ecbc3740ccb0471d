/* A tiny TAP harness for the unit tests: ok() prints "ok N - ..." or
 * "not ok N - ...", streq() shows both sides when they differ, and
 * tap_done() prints the plan and gives main's exit status. */
#ifndef HULL_TESTS_TAP_H
#define HULL_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int n_tests, n_failed;

__attribute__ ((format (printf, 2, 3))) static void
ok (bool cond, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  printf ("%s %d - ", cond ? "ok" : "not ok", ++n_tests);
  vprintf (fmt, ap);
  printf ("\n");
  va_end (ap);
  if (!cond)
    n_failed++;
}

static bool
streq (const char *a, const char *b)
{
  if (a && b && strcmp (a, b) == 0)
    return true;
  printf ("#   got:      %s\n#   expected: %s\n", a ? a : "(null)", b ? b : "(null)");
  return false;
}

static int
tap_done (void)
{
  printf ("1..%d\n", n_tests);
  return n_failed ? 1 : 0;
}

#endif

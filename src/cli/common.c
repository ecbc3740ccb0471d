/* Helpers shared by the subcommands. */
#include "config.h"
#include "cli/cli.h"
#include <hull/log.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

int
cli_fail (const hull_error *err)
{
  hull_log_error (err);
  return 1;
}

int
cli_error (const char *fmt, ...)
{
  hull_error err = { 0 };
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err.msg, sizeof err.msg, fmt, ap);
  va_end (ap);
  return cli_fail (&err);
}

int
cli_bad_option (const char *cmd, int c, char **argv)
{
  const char *what = argv[optind - 1];
  if (c == ':')
    return cli_error ("%s: option '%s' requires an argument", cmd, what);
  if (optopt > 0 && optopt < 256)
    return cli_error ("%s: unknown option '-%c' (see 'hull %s --help')", cmd, optopt, cmd);
  return cli_error ("%s: unknown option '%s' (see 'hull %s --help')", cmd, what, cmd);
}

int
cli_check_args (const char *cmd, int n, int min, int max)
{
  if (min == max && n != min)
    return cli_error ("\"%s\" requires exactly %d argument(s)", cmd, min);
  if (n < min)
    return cli_error ("\"%s\" requires a minimum of %d argument(s)", cmd, min);
  if (max >= 0 && n > max)
    return cli_error ("\"%s\" requires a maximum of %d argument(s)", cmd, max);
  return 0;
}

int
cli_usage (const char *text)
{
  fputs (text, stdout);
  return 0;
}

void
cli_getopt_reset (void)
{
  /* 0, not 1: glibc then re-reads the new optstring's flags. */
  optind = 0;
  opterr = 0;
}

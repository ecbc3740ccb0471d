/* start: let a created container run its process. */
#include "config.h"
#include "cli/cli.h"
#include <getopt.h>

static const char start_help[] =
  "Usage: hull start CONTAINER-ID\n"
  "\n"
  "Run the user process (config.json's process.args) of a created container.\n"
  "hull returns once the process has been released; it does not wait for it.\n"
  "\n"
  "Options:\n"
  "  -h, --help    show this help\n";

static const struct option start_options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_start (const hull_context *ctx, int argc, char **argv)
{
  cli_getopt_reset ();
  int c;
  while ((c = getopt_long (argc, argv, ":h", start_options, NULL)) != -1)
    {
      if (c == 'h')
        return cli_usage (start_help);
      return cli_bad_option ("start", c, argv);
    }
  if (cli_check_args ("start", argc - optind, 1, 1) != 0)
    return 1;
  hull_error err = { 0 };
  if (hull_container_start (ctx, argv[optind], &err) < 0)
    return cli_fail (&err);
  return 0;
}

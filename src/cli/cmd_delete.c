/* delete: remove a container's resources. */
#include "config.h"
#include "cli/cli.h"
#include <getopt.h>

static const char delete_help[] =
  "Usage: hull delete [OPTIONS] CONTAINER-ID\n"
  "\n"
  "Delete the resources held by a container: its cgroup and its state. A\n"
  "stopped container is deleted as is; a created one (never started) is\n"
  "killed first. A running container is refused unless --force is given.\n"
  "\n"
  "Options:\n"
  "  -f, --force   kill a running container with SIGKILL, wait for it to stop,\n"
  "                then delete it; a container that does not exist is not an error\n"
  "  -h, --help    show this help\n";

static const struct option delete_options[] = {
  { "force", no_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_delete (const hull_context *ctx, int argc, char **argv)
{
  bool force = false;
  cli_getopt_reset ();
  int c;
  while ((c = getopt_long (argc, argv, ":fh", delete_options, NULL)) != -1)
    switch (c)
      {
      case 'f': force = true; break;
      case 'h': return cli_usage (delete_help);
      default: return cli_bad_option ("delete", c, argv);
      }
  if (cli_check_args ("delete", argc - optind, 1, 1) != 0)
    return 1;
  hull_error err = { 0 };
  if (hull_container_delete (ctx, argv[optind], force, &err) < 0)
    return cli_fail (&err);
  return 0;
}

/* pause and resume: freeze and thaw every process of a container. */
#include "config.h"
#include "cli/cli.h"
#include <getopt.h>
#include <string.h>

static const char pause_help[] =
  "Usage: hull pause CONTAINER-ID\n"
  "\n"
  "Suspend every process of a running (or created) container by freezing its\n"
  "cgroup (v1 freezer.state, v2 cgroup.freeze); its status becomes \"paused\".\n"
  "Resume it with 'hull resume'. SIGKILL ('hull kill ID KILL') and\n"
  "'hull delete --force' work on a paused container; other signals are\n"
  "delivered once it is resumed.\n"
  "\n"
  "Options:\n"
  "  -h, --help    show this help\n";

static const char resume_help[] =
  "Usage: hull resume CONTAINER-ID\n"
  "\n"
  "Resume every process of a paused container (thaw its cgroup); it returns to\n"
  "the status it had before 'hull pause'.\n"
  "\n"
  "Options:\n"
  "  -h, --help    show this help\n";

static const struct option pause_options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
pause_or_resume (const hull_context *ctx, int argc, char **argv, bool pause)
{
  const char *name = pause ? "pause" : "resume";
  cli_getopt_reset ();
  int c;
  while ((c = getopt_long (argc, argv, ":h", pause_options, NULL)) != -1)
    {
      if (c == 'h')
        return cli_usage (pause ? pause_help : resume_help);
      return cli_bad_option (name, c, argv);
    }
  if (cli_check_args (name, argc - optind, 1, 1) != 0)
    return 1;
  hull_error err = { 0 };
  int r = pause ? hull_container_pause (ctx, argv[optind], &err)
                : hull_container_resume (ctx, argv[optind], &err);
  return r < 0 ? cli_fail (&err) : 0;
}

int
cmd_pause (const hull_context *ctx, int argc, char **argv)
{
  return pause_or_resume (ctx, argc, argv, true);
}

int
cmd_resume (const hull_context *ctx, int argc, char **argv)
{
  return pause_or_resume (ctx, argc, argv, false);
}

/* events: the container's statistics and OOM notifications as JSON lines. */
#include "config.h"
#include "cli/cli.h"
#include <hull/duration.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char events_help[] =
  "Usage: hull events [OPTIONS] CONTAINER-ID\n"
  "\n"
  "Display the container's events: its resource usage statistics every\n"
  "interval, as {\"type\":\"stats\",\"id\":ID,\"data\":{...}} (runc's fields and units:\n"
  "cpu, cpuset, memory, pids, blkio, hugetlb), and OOM notifications as\n"
  "{\"type\":\"oom\",\"id\":ID}, one JSON object per line, until the container stops.\n"
  "\n"
  "Options:\n"
  "      --interval DURATION  time between stats events, Go syntax: 5s (default),\n"
  "                           500ms, 2m, 1m30s\n"
  "      --stats              print the stats once, then exit\n"
  "  -h, --help               show this help\n";

enum { OPT_INTERVAL = 256, OPT_STATS };

static const struct option events_options[] = {
  { "interval", required_argument, NULL, OPT_INTERVAL },
  { "stats", no_argument, NULL, OPT_STATS },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* One event per line, flushed at once: consumers read it as it comes. */
static int
print_event (const char *json, size_t len, void *arg, hull_error *err)
{
  (void) arg;
  if (fwrite (json, 1, len, stdout) != len || fputc ('\n', stdout) == EOF || fflush (stdout) != 0)
    return hull_fail_errno (err, "events: write to stdout");
  return 0;
}

int
cmd_events (const hull_context *ctx, int argc, char **argv)
{
  hull_events_opts opts = { .interval_ns = 5000000000LL };
  cli_getopt_reset ();
  int c;
  while ((c = getopt_long (argc, argv, ":h", events_options, NULL)) != -1)
    switch (c)
      {
      case OPT_INTERVAL:
        {
          int64_t ns;
          const char *why = NULL;
          if (hull_duration_parse (optarg, &ns, &why) < 0)
            return cli_error ("events: invalid value \"%s\" for flag --interval: %s; expected a "
                              "Go duration such as 5s, 500ms or 1m30s (units ns, us, ms, s, m, "
                              "h)", optarg, why);
          if (ns <= 0)
            return cli_error ("events: invalid value \"%s\" for flag --interval: duration "
                              "interval must be greater than 0", optarg);
          opts.interval_ns = ns;
          break;
        }
      case OPT_STATS: opts.stats_only = true; break;
      case 'h': return cli_usage (events_help);
      default: return cli_bad_option ("events", c, argv);
      }
  if (cli_check_args ("events", argc - optind, 1, 1) != 0)
    return 1;
  hull_error err = { 0 };
  if (hull_container_events (ctx, argv[optind], &opts, print_event, NULL, &err) < 0)
    return cli_fail (&err);
  return 0;
}

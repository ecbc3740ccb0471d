/* spec: write a starter config.json. */
#include "config.h"
#include "cli/cli.h"
#include <hull/cgroup.h>
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <hull/spec.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char spec_help[] =
  "Usage: hull spec [OPTIONS]\n"
  "\n"
  "Create a starter config.json in the bundle directory. It runs \"sh\" from the\n"
  "bundle's rootfs directory with a terminal; edit process.args (and the rest)\n"
  "to suit the container. An existing config.json is never overwritten.\n"
  "\n"
  "Options:\n"
  "  -b, --bundle DIR   bundle directory to write config.json into\n"
  "                     (default: the current directory)\n"
  "      --rootless     generate a configuration for a rootless container: a user\n"
  "                     namespace mapping the calling user to root\n"
  "  -h, --help         show this help\n";

enum { OPT_ROOTLESS = 256 };

static const struct option spec_options[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "rootless", no_argument, NULL, OPT_ROOTLESS },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_spec (const hull_context *ctx, int argc, char **argv)
{
  const char *bundle = ".";
  bool rootless = false;
  cli_getopt_reset ();
  int c;
  while ((c = getopt_long (argc, argv, ":b:h", spec_options, NULL)) != -1)
    switch (c)
      {
      case 'b': bundle = optarg; break;
      case OPT_ROOTLESS: rootless = true; break;
      case 'h': return cli_usage (spec_help);
      default: return cli_bad_option ("spec", c, argv);
      }
  if (cli_check_args ("spec", argc - optind, 0, 0) != 0)
    return 1;

  hull_error err = { 0 };
  struct stat sb;
  if (stat (bundle, &sb) < 0)
    {
      hull_fail_errno (&err, "bundle %s", bundle);
      return cli_fail (&err);
    }
  if (!S_ISDIR (sb.st_mode))
    return cli_error ("bundle %s: %s", bundle, strerror (ENOTDIR));

  cleanup_free char *path = hull_path_join (bundle, "config.json");
  if (path == NULL)
    return cli_error ("spec: %s", strerror (ENOMEM));
  if (access (path, F_OK) == 0)
    return cli_error ("File config.json exists. Remove it first");  /* runc's phrase */

  /* As runc: a cgroup namespace only where the host is cgroup v2. */
  hull_cgroup_layout layout = HULL_CGROUP_LAYOUT_V1;
  bool cgroupns = hull_cgroup_detect (&layout, &err) == 0 && layout == HULL_CGROUP_LAYOUT_V2;
  cleanup_free char *json = hull_spec_default_json (rootless, cgroupns, geteuid (), getegid ());
  if (json == NULL)
    return cli_error ("spec: cannot generate the default configuration");

  /* O_EXCL: never clobber a config.json that appeared meanwhile. */
  cleanup_close int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST)
    return cli_error ("File config.json exists. Remove it first");
  if (fd < 0)
    {
      hull_fail_errno (&err, "create %s", path);
      return cli_fail (&err);
    }
  size_t len = strlen (json), done = 0;
  while (done < len)
    {
      ssize_t w = write (fd, json + done, len - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        {
          hull_fail_errno (&err, "write %s", path);
          unlink (path);
          return cli_fail (&err);
        }
      done += (size_t) w;
    }
  return 0;
}

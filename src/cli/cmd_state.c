/* state: print a container's OCI state. */
#include "config.h"
#include "cli/cli.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>

static const char state_help[] =
  "Usage: hull state CONTAINER-ID\n"
  "\n"
  "Print the state of a container as the OCI runtime specification defines it:\n"
  "ociVersion, id, pid (0 once stopped), status (created, running, paused or stopped),\n"
  "bundle, rootfs, created, annotations and owner, as JSON.\n"
  "\n"
  "Options:\n"
  "  -h, --help    show this help\n";

static const struct option state_options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
cmd_state (const hull_context *ctx, int argc, char **argv)
{
  cli_getopt_reset ();
  int c;
  while ((c = getopt_long (argc, argv, ":h", state_options, NULL)) != -1)
    {
      if (c == 'h')
        return cli_usage (state_help);
      return cli_bad_option ("state", c, argv);
    }
  if (cli_check_args ("state", argc - optind, 1, 1) != 0)
    return 1;
  const char *id = argv[optind];

  hull_error err = { 0 };
  if (hull_id_validate (id, &err) < 0)
    return cli_fail (&err);
  cleanup_free char *dir = hull_state_dir (ctx, id);
  if (dir == NULL)
    return cli_error ("state: %s", "out of memory");
  /* No lock: state.json is replaced atomically, and a reader must not wait
   * behind a long operation (a foreground run holds the lock). */
  cleanup_close int dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0 && (errno == ENOENT || errno == ENOTDIR))
    return cli_error ("container does not exist");
  if (dirfd < 0)
    {
      hull_fail_errno (&err, "open %s", dir);
      return cli_fail (&err);
    }
  hull_state *st = NULL;
  if (hull_state_load (dirfd, id, &st, &err) < 0)
    return cli_fail (&err);
  cleanup_free char *json = hull_state_to_oci_json (st);
  hull_state_free (st);
  if (json == NULL)
    return cli_error ("state: %s", "out of memory");
  /* Byte for byte what runc prints: no final newline. */
  fputs (json, stdout);
  if (fflush (stdout) != 0)
    {
      hull_fail_errno (&err, "write state");
      return cli_fail (&err);
    }
  return 0;
}

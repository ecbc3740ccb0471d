/* create and run: the same options, run adds --detach. */
#include "config.h"
#include "cli/cli.h"
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define COMMON_OPTIONS_HELP                                                                      \
  "  -b, --bundle DIR          bundle directory: config.json and the root filesystem\n"          \
  "                            (default: the current directory)\n"                                \
  "      --console-socket PATH AF_UNIX socket that receives the master end of the\n"             \
  "                            container's pseudoterminal (when process.terminal is set)\n"      \
  "      --pid-file FILE       write the container's init process id to FILE\n"                   \
  "      --no-pivot            do not use pivot_root to jail the process in its rootfs;\n"       \
  "                            needed when the rootfs is on a ramdisk\n"                          \
  "      --no-new-keyring      do not create a new session keyring: the container\n"             \
  "                            inherits the caller's session key\n"                               \
  "      --preserve-fds N      pass N additional file descriptors to the container, from\n"      \
  "                            fd 3 on (default: 0)\n"

static const char create_help[] =
  "Usage: hull create [OPTIONS] CONTAINER-ID\n"
  "\n"
  "Create a container from a bundle. Its namespaces, cgroup and root filesystem\n"
  "are set up and its process waits before running the command of config.json's\n"
  "process.args; 'hull start CONTAINER-ID' lets it run. CONTAINER-ID must be\n"
  "unique under the state root.\n"
  "\n"
  "Options:\n" COMMON_OPTIONS_HELP
  "  -h, --help                show this help\n";

static const char run_help[] =
  "Usage: hull run [OPTIONS] CONTAINER-ID\n"
  "\n"
  "Create a container from a bundle and start it at once. In the foreground\n"
  "(the default) hull waits for the container's process, forwards the signals\n"
  "it receives to it, deletes the container when it exits and exits with its\n"
  "status (128+N when killed by signal N); with process.terminal it relays\n"
  "between its own stdio and the container's terminal. CONTAINER-ID must be\n"
  "unique under the state root.\n"
  "\n"
  "Options:\n" COMMON_OPTIONS_HELP
  "  -d, --detach              return once the container runs, leaving it running\n"
  "      --keep                do not delete the container after it exits: 'state'\n"
  "                            then says stopped, 'delete' removes it\n"
  "      --no-subreaper        accepted for runc compatibility, ignored\n"
  "  -h, --help                show this help\n";

enum {
  OPT_CONSOLE_SOCKET = 256,
  OPT_PID_FILE,
  OPT_NO_PIVOT,
  OPT_NO_NEW_KEYRING,
  OPT_PRESERVE_FDS,
  OPT_KEEP,
  OPT_NO_SUBREAPER,
};

static const struct option create_options[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
  { "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static const struct option run_options[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
  { "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
  { "detach", no_argument, NULL, 'd' },
  { "keep", no_argument, NULL, OPT_KEEP },
  { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
parse_fd_count (const char *s, int *out)
{
  char *end;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < 0 || v > INT_MAX)
    return cli_error ("invalid value \"%s\" for --preserve-fds: expected a non-negative integer",
                      s);
  *out = (int) v;
  return 0;
}

/* Returns -1 to go on, else the exit status (after --help or an error). */
static int
parse (bool run, int argc, char **argv, hull_create_opts *o)
{
  const char *cmd = run ? "run" : "create";
  cli_getopt_reset ();
  int c;
  while ((c = getopt_long (argc, argv, run ? ":b:dh" : ":b:h", run ? run_options : create_options,
                           NULL)) != -1)
    switch (c)
      {
      case 'b': o->bundle = optarg; break;
      case OPT_CONSOLE_SOCKET: o->console_socket = optarg; break;
      case OPT_PID_FILE: o->pid_file = optarg; break;
      case OPT_NO_PIVOT: o->no_pivot = true; break;
      case OPT_NO_NEW_KEYRING: o->no_new_keyring = true; break;
      case OPT_PRESERVE_FDS:
        if (parse_fd_count (optarg, &o->preserve_fds) != 0)
          return 1;
        break;
      case 'd': o->detach = true; break;
      case OPT_KEEP: o->keep = true; break;
      case OPT_NO_SUBREAPER:
        break;
      case 'h':
        return cli_usage (run ? run_help : create_help);
      default:
        return cli_bad_option (cmd, c, argv);
      }
  if (cli_check_args (cmd, argc - optind, 1, 1) != 0)
    return 1;
  o->id = argv[optind];
  return -1;
}

int
cmd_create (const hull_context *ctx, int argc, char **argv)
{
  hull_create_opts opts = { 0 };
  int r = parse (false, argc, argv, &opts);
  if (r >= 0)
    return r;
  hull_error err = { 0 };
  if (hull_container_create (ctx, &opts, &err) < 0)
    return cli_fail (&err);
  return 0;
}

int
cmd_run (const hull_context *ctx, int argc, char **argv)
{
  hull_create_opts opts = { 0 };
  int r = parse (true, argc, argv, &opts);
  if (r >= 0)
    return r;
  hull_error err = { 0 };
  int status = 0;
  if (hull_container_run (ctx, &opts, &status, &err) < 0)
    return cli_fail (&err);
  return status;
}

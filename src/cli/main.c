/* hull: global options, then one subcommand (runc's command line). */
#include "config.h"
#include "cli/cli.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <hull/log.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

typedef struct {
  const char *name;
  int (*fn) (const hull_context *ctx, int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
  { "create", cmd_create, "create a container" },
  { "delete", cmd_delete, "delete any resources held by the container" },
  { "events", cmd_events, "display container events: OOM notifications and usage statistics" },
  { "exec", cmd_exec, "execute new process inside the container" },
  { "features", cmd_features, "show the enabled features" },
  { "kill", cmd_kill, "send a signal (default: SIGTERM) to the container's init process" },
  { "list", cmd_list, "list the containers started with the given root" },
  { "pause", cmd_pause, "suspend all processes inside the container" },
  { "ps", cmd_ps, "display the processes running inside a container" },
  { "resume", cmd_resume, "resume all processes that have been previously paused" },
  { "run", cmd_run, "create and run a container" },
  { "spec", cmd_spec, "create a new specification file" },
  { "start", cmd_start, "execute the user defined process in a created container" },
  { "state", cmd_state, "output the state of a container" },
  { "update", cmd_update, "update container resource constraints" },
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void
print_help (FILE *out)
{
  fputs ("Usage: hull [GLOBAL OPTIONS] COMMAND [COMMAND OPTIONS] [ARGUMENTS]\n"
         "\n"
         "hull is a low-level OCI container runtime: it creates and runs containers\n"
         "from bundles (a directory with a config.json and a root filesystem).\n"
         "\n"
         "Commands:\n",
         out);
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "  %-10s %s\n", "help", "show this help, or a command's with 'help COMMAND'");
  fputs ("\n"
         "Global options:\n"
         "      --root DIR            directory for container state, preferably on tmpfs\n"
         "                            (default: /run/hull; $XDG_RUNTIME_DIR/hull for non-root)\n"
         "      --log FILE            write log lines to FILE instead of stderr\n"
         "      --log-format FORMAT   log line format: text (default) or json\n"
         "      --debug               also log debug messages\n"
         "      --cgroup-manager MGR  cgroupfs (default), disabled (no cgroup) or systemd\n"
         "      --systemd-cgroup      same as --cgroup-manager systemd\n"
         "      --rootless VALUE      accepted for runc compatibility, ignored\n"
         "      --criu PATH           accepted for runc compatibility, ignored\n"
         "  -h, --help                show this help\n"
         "  -v, --version             print the version\n"
         "\n"
         "Run 'hull COMMAND --help' for a command's options.\n",
         out);
}

static void
print_version (void)
{
  const struct scmp_version *v = seccomp_version ();
  printf ("hull version %s\n", PACKAGE_VERSION);
  printf ("spec: %s\n", HULL_SPEC_VERSION);
  if (v)
    printf ("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}

static const command *
find_command (const char *name)
{
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* An unknown command: runc's (urfave/cli's) text, newline included, and
 * its exit status 3. */
static int
no_help_topic (const char *name)
{
  cli_error ("No help topic for '%s'\n", name);
  return 3;
}

/* The state root outlives the cwd of the commands that use it. */
static char *
default_root (void)
{
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  if (geteuid () != 0 && xdg && xdg[0])
    return hull_path_join (xdg, "hull");
  return strdup ("/run/hull");
}

static char *
absolute (const char *path)
{
  if (path[0] == '/')
    return strdup (path);
  char cwd[PATH_MAX];
  if (getcwd (cwd, sizeof cwd) == NULL)
    return NULL;
  return hull_path_join (cwd, path);
}

enum {
  OPT_ROOT = 256,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_CGROUP_MANAGER,
  OPT_ROOTLESS,
  OPT_CRIU,
};

static const struct option global_options[] = {
  { "root", required_argument, NULL, OPT_ROOT },
  { "log", required_argument, NULL, OPT_LOG },
  { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
  { "debug", no_argument, NULL, OPT_DEBUG },
  { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
  { "cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER },
  { "rootless", required_argument, NULL, OPT_ROOTLESS },
  { "criu", required_argument, NULL, OPT_CRIU },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'v' },
  { NULL, 0, NULL, 0 },
};

int
main (int argc, char **argv)
{
  const char *root = NULL, *log_file = NULL, *log_format = "text";
  hull_context ctx = { .cgroup_manager = "cgroupfs" };

  /* CVE-2019-5736 defence in depth: should a container ever get the kernel
   * to run this binary inside it (#!/proc/self/exe), a root hull is
   * non-dumpable from here on, so no other process can open
   * /proc/<us>/exe and write the binary once we exit. */
  if (geteuid () == 0)
    prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);

  /* An ignored SIGCHLD, inherited from the caller, would make the kernel
   * reap our children itself: a foreground run or exec would lose the
   * container's exit status. */
  signal (SIGCHLD, SIG_DFL);
  /* Started with 0, 1 or 2 closed, our own fds (the state dir, exec.fifo)
   * would land there and reach the container as its stdio, with the
   * state dir's lock. /dev/null takes their place first. */
  for (int fd = 0; fd <= 2; fd++)
    if (fcntl (fd, F_GETFD) < 0 && errno == EBADF && open ("/dev/null", O_RDWR) != fd)
      return 1;

  opterr = 0;
  int c;
  /* '+': stop at the command name, its options are its own. */
  while ((c = getopt_long (argc, argv, "+:hv", global_options, NULL)) != -1)
    switch (c)
      {
      case OPT_ROOT: root = optarg; break;
      case OPT_LOG: log_file = optarg; break;
      case OPT_LOG_FORMAT: log_format = optarg; break;
      case OPT_DEBUG: ctx.debug = true; break;
      case OPT_SYSTEMD_CGROUP: ctx.systemd_cgroup = true; break;
      case OPT_CGROUP_MANAGER:
        if (strcmp (optarg, "cgroupfs") != 0 && strcmp (optarg, "disabled") != 0
            && strcmp (optarg, "systemd") != 0)
          return cli_error ("invalid --cgroup-manager value \"%s\": expected cgroupfs, "
                            "systemd or disabled", optarg);
        ctx.cgroup_manager = optarg;
        break;
      case OPT_ROOTLESS:
      case OPT_CRIU:
        break;
      case 'h':
        print_help (stdout);
        return 0;
      case 'v':
        print_version ();
        return 0;
      default:
        if (c == ':')
          return cli_error ("option '%s' requires an argument", argv[optind - 1]);
        if (optopt > 0 && optopt < 256)
          return cli_error ("unknown global option '-%c' (see 'hull --help')", optopt);
        return cli_error ("unknown global option '%s' (see 'hull --help')", argv[optind - 1]);
      }
  if (ctx.systemd_cgroup)
    ctx.cgroup_manager = "systemd";

  bool json;
  if (strcmp (log_format, "text") == 0)
    json = false;
  else if (strcmp (log_format, "json") == 0)
    json = true;
  else
    return cli_error ("invalid log-format: %s", log_format);
  hull_error err = { 0 };
  if (hull_log_init (log_file, json, ctx.debug, &err) < 0)
    return cli_fail (&err);

  cleanup_free char *root_abs = root ? absolute (root) : default_root ();
  if (root_abs == NULL)
    return cli_error ("state root: %s", strerror (errno ? errno : ENOMEM));
  ctx.root = root_abs;

  if (optind >= argc)
    {
      print_help (stdout);
      return 0;
    }
  const char *name = argv[optind];
  if (strcmp (name, "help") == 0 || strcmp (name, "h") == 0)
    {
      if (optind + 1 >= argc)
        {
          print_help (stdout);
          return 0;
        }
      const char *topic = argv[optind + 1];
      if (strcmp (topic, "--help") == 0 || strcmp (topic, "-h") == 0)
        return cli_usage ("Usage: hull help [COMMAND]\n"
                          "\n"
                          "Show the list of commands, or one command's help.\n");
      const command *cmd = find_command (topic);
      if (cmd == NULL)
        return no_help_topic (topic);
      char *help_argv[] = { (char *) cmd->name, (char *) "--help", NULL };
      return cmd->fn (&ctx, 2, help_argv);
    }

  const command *cmd = find_command (name);
  if (cmd == NULL)
    return no_help_topic (name);
  hull_debug ("command %s, root %s", name, ctx.root);
  return cmd->fn (&ctx, argc - optind, argv + optind);
}

/* exec: runc's options, then the container ID, then the command. */
#include "config.h"
#include "cli/cli.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char exec_help[] =
  "Usage: hull exec [OPTIONS] CONTAINER-ID COMMAND [ARG...]\n"
  "       hull exec [OPTIONS] --process FILE CONTAINER-ID\n"
  "\n"
  "Run a new process in a created or running container: in all of its\n"
  "namespaces and its cgroup, with the settings of config.json's process (env,\n"
  "cwd, user, capabilities, rlimits, LSM labels, noNewPrivileges...) and the\n"
  "container's seccomp filter, COMMAND in place of process.args, and the options\n"
  "below on top. In the foreground hull forwards the signals it receives to the\n"
  "process and exits with its status (128+N when killed by signal N).\n"
  "Options must come before CONTAINER-ID.\n"
  "\n"
  "Options:\n"
  "  -p, --process FILE        a runtime-spec process object (JSON) to run instead\n"
  "                            of config.json's process and COMMAND\n"
  "  -d, --detach              return once the process runs\n"
  "      --pid-file FILE       write the process's id to FILE\n"
  "      --cwd DIR             working directory in the container (absolute)\n"
  "  -e, --env NAME=VALUE      set an environment variable (repeatable)\n"
  "  -u, --user UID[:GID]      run as this user (and group)\n"
  "  -g, --additional-gids GID add a supplementary group (repeatable)\n"
  "  -c, --cap CAP             add a capability to the bounding, effective and\n"
  "                            permitted sets, never the inheritable one (repeatable)\n"
  "      --no-new-privs        set no_new_privs for the process\n"
  "      --apparmor PROFILE    AppArmor profile for the process\n"
  "      --process-label LABEL SELinux label for the process\n"
  "      --preserve-fds N      pass N additional file descriptors, from fd 3 on\n"
  "      --cgroup [CTRL:]PATH  run in an existing sub-cgroup of the container's\n"
  "                            (per controller on cgroup v1; repeatable)\n"
  "      --ignore-paused       exec even if the container is paused\n"
  "  -t, --tty                 allocate a pseudo-terminal\n"
  "      --console-socket PATH socket for the terminal's master end (with --tty)\n"
  "      --no-subreaper        accepted for runc compatibility, ignored\n"
  "  -h, --help                show this help\n";

enum {
  OPT_PID_FILE = 256,
  OPT_CWD,
  OPT_NO_NEW_PRIVS,
  OPT_APPARMOR,
  OPT_PROCESS_LABEL,
  OPT_PRESERVE_FDS,
  OPT_CGROUP,
  OPT_IGNORE_PAUSED,
  OPT_CONSOLE_SOCKET,
  OPT_NO_SUBREAPER,
};

static const struct option exec_options[] = {
  { "process", required_argument, NULL, 'p' },
  { "detach", no_argument, NULL, 'd' },
  { "pid-file", required_argument, NULL, OPT_PID_FILE },
  { "cwd", required_argument, NULL, OPT_CWD },
  { "env", required_argument, NULL, 'e' },
  { "user", required_argument, NULL, 'u' },
  { "additional-gids", required_argument, NULL, 'g' },
  { "cap", required_argument, NULL, 'c' },
  { "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
  { "apparmor", required_argument, NULL, OPT_APPARMOR },
  { "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
  { "cgroup", required_argument, NULL, OPT_CGROUP },
  { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
  { "tty", no_argument, NULL, 't' },
  { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
  { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* A decimal id in 0..UINT32_MAX-1 ((uid_t) -1 means "unchanged" to the kernel). */
static int
parse_id (const char *s, const char *what, uint32_t *out)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull (s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v >= UINT32_MAX)
    return cli_error ("exec failed: invalid %s \"%s\": expected a number from 0 to %u", what, s,
                      UINT32_MAX - 1);
  *out = (uint32_t) v;
  return 0;
}

static int
parse_user (const char *s, hull_exec_opts *o)
{
  cleanup_free char *copy = strdup (s);
  if (copy == NULL)
    return cli_error ("exec failed: --user: %s", strerror (ENOMEM));
  char *colon = strchr (copy, ':');
  uint32_t v;
  if (colon)
    {
      *colon = '\0';
      if (parse_id (colon + 1, "gid in --user", &v) != 0)
        return 1;
      o->gid = v;
      o->gid_set = true;
    }
  if (parse_id (copy, "uid in --user", &v) != 0)
    return 1;
  o->uid = v;
  o->user_set = true;
  return 0;
}

/* Returns -1 to go on, else the exit status (after --help or an error). */
static int
parse (int argc, char **argv, hull_exec_opts *o)
{
  cli_getopt_reset ();
  int c;
  uint32_t v;
  /* '+': the command after the ID keeps its own options. */
  while ((c = getopt_long (argc, argv, "+:p:de:u:g:c:th", exec_options, NULL)) != -1)
    switch (c)
      {
      case 'p': o->process_file = optarg; break;
      case 'd': o->detach = true; break;
      case OPT_PID_FILE: o->pid_file = optarg; break;
      case OPT_CWD: o->cwd = optarg; break;
      case 'e': o->env[o->n_env++] = optarg; break;
      case 'u':
        if (parse_user (optarg, o) != 0)
          return 255;
        break;
      case 'g':
        if (parse_id (optarg, "--additional-gids value", &v) != 0)
          return 255;
        o->additional_gids[o->n_additional_gids++] = v;
        break;
      case 'c': o->caps[o->n_caps++] = optarg; break;
      case OPT_NO_NEW_PRIVS: o->no_new_privs = true; break;
      case OPT_APPARMOR: o->apparmor = optarg; break;
      case OPT_PROCESS_LABEL: o->process_label = optarg; break;
      case OPT_PRESERVE_FDS:
        {
          char *end;
          errno = 0;
          long n = strtol (optarg, &end, 10);
          if (errno != 0 || end == optarg || *end != '\0' || n < 0 || n > INT_MAX)
            {
              cli_error ("invalid value \"%s\" for --preserve-fds: expected a non-negative "
                         "integer", optarg);
              return 255;
            }
          o->preserve_fds = (int) n;
          break;
        }
      case OPT_CGROUP: o->cgroups[o->n_cgroups++] = optarg; break;
      case OPT_IGNORE_PAUSED: o->ignore_paused = true; break;
      case 't': o->tty = true; break;
      case OPT_CONSOLE_SOCKET: o->console_socket = optarg; break;
      case OPT_NO_SUBREAPER: break;
      case 'h':
        return cli_usage (exec_help);
      default:
        return cli_bad_option ("exec", c, argv);
      }
  if (cli_check_args ("exec", argc - optind, 1, -1) != 0)
    return 1;
  o->id = argv[optind];
  o->args = argv + optind + 1;
  o->n_args = (size_t) (argc - optind - 1);
  if (o->process_file && o->n_args > 0)
    {
      cli_error ("exec failed: --process %s and a command (%s) both given: the process file "
                 "names the command", o->process_file, o->args[0]);
      return 255;
    }
  return -1;
}

int
cmd_exec (const hull_context *ctx, int argc, char **argv)
{
  hull_exec_opts opts = { 0 };
  /* Each repeatable option takes at least one argv slot. */
  size_t max = (size_t) argc;
  cleanup_free char **env = calloc (max, sizeof *env);
  cleanup_free char **caps = calloc (max, sizeof *caps);
  cleanup_free char **cgroups = calloc (max, sizeof *cgroups);
  cleanup_free gid_t *gids = calloc (max, sizeof *gids);
  if (env == NULL || caps == NULL || cgroups == NULL || gids == NULL)
    return cli_error ("exec failed: %s", strerror (ENOMEM));
  opts.env = env;
  opts.caps = caps;
  opts.cgroups = cgroups;
  opts.additional_gids = gids;

  int r = parse (argc, argv, &opts);
  if (r >= 0)
    return r;
  hull_error err = { 0 };
  int status = 0;
  if (hull_container_exec (ctx, &opts, &status, &err) < 0)
    {
      hull_error_prefix (&err, "exec failed: ");
      cli_fail (&err);
      /* runc's status for a failed exec: the process's own statuses are
         0-255 too, but 255 is what supervisors test for. */
      return 255;
    }
  return status;
}

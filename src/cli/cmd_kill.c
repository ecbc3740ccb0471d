/* kill: send a signal to a container. */
#include "config.h"
#include "cli/cli.h"
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char kill_help[] =
  "Usage: hull kill [OPTIONS] CONTAINER-ID [SIGNAL]\n"
  "\n"
  "Send SIGNAL (default: SIGTERM) to the init process of a container, created\n"
  "or running. SIGNAL is a name, with or without the SIG prefix and in any case\n"
  "(KILL, SIGKILL, term, HUP, USR1, RTMIN+3, RTMAX-1, ...), or a number.\n"
  "\n"
  "Example: send SIGKILL to the init process of container ubuntu01:\n"
  "\n"
  "    hull kill ubuntu01 KILL\n"
  "\n"
  "Options:\n"
  "  -a, --all     send the signal to every process in the container's cgroup\n"
  "  -h, --help    show this help\n";

static const struct option kill_options[] = {
  { "all", no_argument, NULL, 'a' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static const struct {
  const char *name;
  int num;
} signal_names[] = {
  { "HUP", SIGHUP },       { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },
  { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },     { "IOT", SIGIOT },     { "BUS", SIGBUS },
  { "FPE", SIGFPE },       { "KILL", SIGKILL },     { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 },     { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },   { "TERM", SIGTERM },
#ifdef SIGSTKFLT
  { "STKFLT", SIGSTKFLT },
#endif
  { "CHLD", SIGCHLD },     { "CLD", SIGCHLD },      { "CONT", SIGCONT },   { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },   { "URG", SIGURG },
  { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
  { "WINCH", SIGWINCH },   { "IO", SIGIO },         { "POLL", SIGPOLL },
#ifdef SIGPWR
  { "PWR", SIGPWR },
#endif
  { "SYS", SIGSYS },
};

static bool
parse_uint (const char *s, long *out)
{
  if (!isdigit ((unsigned char) s[0]))
    return false;
  char *end;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  *out = v;
  return true;
}

/* RTMIN, RTMIN+N, RTMAX, RTMAX-N (name already without SIG, uppercased). */
static int
parse_realtime (const char *name)
{
  long n = 0;
  if (strncmp (name, "RTMIN", 5) == 0)
    {
      if (name[5] != '\0' && (name[5] != '+' || !parse_uint (name + 6, &n)))
        return -1;
      return n <= SIGRTMAX - SIGRTMIN ? SIGRTMIN + (int) n : -1;
    }
  if (strncmp (name, "RTMAX", 5) == 0)
    {
      if (name[5] != '\0' && (name[5] != '-' || !parse_uint (name + 6, &n)))
        return -1;
      return n <= SIGRTMAX - SIGRTMIN ? SIGRTMAX - (int) n : -1;
    }
  return -1;
}

/* Returns the signal number, or -1. 0 is allowed: it only checks that the
 * process exists, as kill(2). */
static int
parse_signal (const char *arg)
{
  long n;
  if (parse_uint (arg, &n))
    return n <= SIGRTMAX ? (int) n : -1;

  char name[32];
  size_t len = strlen (arg);
  if (len >= sizeof name)
    return -1;
  for (size_t i = 0; i <= len; i++)
    name[i] = (char) toupper ((unsigned char) arg[i]);
  const char *bare = strncmp (name, "SIG", 3) == 0 ? name + 3 : name;
  for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
    if (strcmp (bare, signal_names[i].name) == 0)
      return signal_names[i].num;
  return parse_realtime (bare);
}

int
cmd_kill (const hull_context *ctx, int argc, char **argv)
{
  bool all = false;
  cli_getopt_reset ();
  int c;
  while ((c = getopt_long (argc, argv, ":ah", kill_options, NULL)) != -1)
    switch (c)
      {
      case 'a': all = true; break;
      case 'h': return cli_usage (kill_help);
      default: return cli_bad_option ("kill", c, argv);
      }
  int nargs = argc - optind;
  if (cli_check_args ("kill", nargs, 1, 2) != 0)
    return 1;
  const char *id = argv[optind];
  const char *sigarg = nargs == 2 ? argv[optind + 1] : "SIGTERM";
  int sig = parse_signal (sigarg);
  if (sig < 0)
    return cli_error ("unknown signal \"%s\"", sigarg);  /* runc's phrase */

  hull_error err = { 0 };
  if (hull_container_kill (ctx, id, sig, all, &err) < 0)
    return cli_fail (&err);
  return 0;
}

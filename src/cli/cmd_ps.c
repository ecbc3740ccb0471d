/* ps: the processes of a container, as JSON pids or a ps -ef like table
 * built from /proc (hull runs no host binary). */
#include "config.h"
#include "cli/cli.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static const char ps_help[] =
  "Usage: hull ps [OPTIONS] CONTAINER-ID [-ef]\n"
  "\n"
  "Display the processes of a container: every process in its cgroup, with\n"
  "host PIDs.\n"
  "\n"
  "The table has ps -ef's columns (UID PID PPID C STIME TTY TIME CMD), read from\n"
  "/proc by hull itself: unlike runc, hull does not run the host's ps, so ps\n"
  "options other than -ef are not supported. json prints a JSON array of the\n"
  "PIDs.\n"
  "\n"
  "Options:\n"
  "  -f, --format FORMAT   table (default) or json\n"
  "  -h, --help            show this help\n";

static const struct option ps_options[] = {
  { "format", required_argument, NULL, 'f' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* What the table shows of one process, from /proc/PID/{stat,status,cmdline}. */
typedef struct {
  char comm[64];
  pid_t ppid;
  int tty_nr;
  unsigned long long utime, stime, starttime;
  uid_t uid;
} proc_info;

static int
read_stat (pid_t pid, proc_info *pi)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  cleanup_free char *text = NULL;
  hull_error ignored;
  if (hull_read_file (path, &text, NULL, &ignored) < 0)
    return -1;
  /* comm may hold spaces and parentheses: it ends at the last ')'. */
  char *open = strchr (text, '('), *close = strrchr (text, ')');
  if (open == NULL || close == NULL || close < open)
    return -1;
  snprintf (pi->comm, sizeof pi->comm, "%.*s", (int) (close - open - 1), open + 1);
  char state;
  int ppid;
  /* Fields 3..22: state ppid pgrp session tty_nr tpgid flags minflt
   * cminflt majflt cmajflt utime stime cutime cstime priority nice
   * num_threads itrealvalue starttime. */
  if (sscanf (close + 2, "%c %d %*d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d "
              "%*d %llu", &state, &ppid, &pi->tty_nr, &pi->utime, &pi->stime, &pi->starttime)
      != 6)
    return -1;
  pi->ppid = ppid;
  return 0;
}

static void
read_uid (pid_t pid, proc_info *pi)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  cleanup_free char *text = NULL;
  hull_error ignored;
  pi->uid = 0;
  if (hull_read_file (path, &text, NULL, &ignored) < 0)
    return;
  const char *p = strstr (text, "\nUid:");
  if (p)
    pi->uid = (uid_t) strtoul (p + 5, NULL, 10);
}

/* The command line with spaces, or "[comm]" for a kernel thread or zombie. */
static char *
read_cmd (pid_t pid, const proc_info *pi)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/cmdline", (int) pid);
  char *text = NULL;
  size_t len = 0;
  hull_error ignored;
  if (hull_read_file (path, &text, &len, &ignored) == 0 && len > 0)
    {
      for (size_t i = 0; i + 1 < len; i++)
        if (text[i] == '\0')
          text[i] = ' ';
      return text;
    }
  free (text);
  char *s = NULL;
  return asprintf (&s, "[%s]", pi->comm) < 0 ? NULL : s;
}

static long long
boot_time (void)
{
  cleanup_free char *text = NULL;
  hull_error ignored;
  if (hull_read_file ("/proc/stat", &text, NULL, &ignored) < 0)
    return 0;
  const char *p = strstr (text, "\nbtime ");
  return p ? strtoll (p + 7, NULL, 10) : 0;
}

static void
format_tty (int tty_nr, char *buf, size_t size)
{
  unsigned maj = major ((dev_t) tty_nr), min = minor ((dev_t) tty_nr);
  if (tty_nr == 0)
    snprintf (buf, size, "?");
  else if (maj >= 136 && maj <= 143)
    snprintf (buf, size, "pts/%u", (maj - 136) * 256 + min);
  else if (maj == 4)
    snprintf (buf, size, "tty%u", min);
  else
    snprintf (buf, size, "%u:%u", maj, min);
}

static void
print_row (pid_t pid, long long btime, long hz, time_t now)
{
  proc_info pi = { 0 };
  if (read_stat (pid, &pi) < 0)
    return;  /* gone meanwhile */
  read_uid (pid, &pi);
  cleanup_free char *cmd = read_cmd (pid, &pi);

  char user[32];
  struct passwd *pw = getpwuid (pi.uid);
  if (pw && strlen (pw->pw_name) <= 8)
    snprintf (user, sizeof user, "%s", pw->pw_name);
  else
    snprintf (user, sizeof user, "%u", (unsigned) pi.uid);

  time_t start = (time_t) (btime + (long long) (pi.starttime / (unsigned long long) hz));
  unsigned long long cpu_s = (pi.utime + pi.stime) / (unsigned long long) hz;
  long long elapsed = (long long) (now - start);
  int c = elapsed > 0 ? (int) (cpu_s * 100 / (unsigned long long) elapsed) : 0;

  struct tm tm_start, tm_now;
  localtime_r (&start, &tm_start);
  localtime_r (&now, &tm_now);
  char stime[16];
  strftime (stime, sizeof stime,
            tm_start.tm_year == tm_now.tm_year && tm_start.tm_yday == tm_now.tm_yday ? "%H:%M"
            : tm_start.tm_year == tm_now.tm_year ? "%b%d" : "%Y",
            &tm_start);
  char tty[32];
  format_tty (pi.tty_nr, tty, sizeof tty);

  printf ("%-8s %7d %7d %2d %5s %-8s %02llu:%02llu:%02llu %s\n", user, (int) pid, (int) pi.ppid,
          c > 99 ? 99 : c, stime, tty, cpu_s / 3600, cpu_s / 60 % 60, cpu_s % 60,
          cmd ? cmd : pi.comm);
}

static void
print_table (const pid_t *pids, size_t n)
{
  long long btime = boot_time ();
  long hz = sysconf (_SC_CLK_TCK);
  if (hz <= 0)
    hz = 100;
  time_t now = time (NULL);
  printf ("%-8s %7s %7s %2s %5s %-8s %8s %s\n", "UID", "PID", "PPID", "C", "STIME", "TTY", "TIME",
          "CMD");
  for (size_t i = 0; i < n; i++)
    print_row (pids[i], btime, hz, now);
}

int
cmd_ps (const hull_context *ctx, int argc, char **argv)
{
  const char *format = "table";
  cli_getopt_reset ();
  int c;
  /* '+': the operands after the ID are ps options, not ours. */
  while ((c = getopt_long (argc, argv, "+:f:h", ps_options, NULL)) != -1)
    switch (c)
      {
      case 'f': format = optarg; break;
      case 'h': return cli_usage (ps_help);
      default: return cli_bad_option ("ps", c, argv);
      }
  if (cli_check_args ("ps", argc - optind, 1, -1) != 0)
    return 1;
  const char *id = argv[optind];
  bool json = strcmp (format, "json") == 0;
  if (!json && strcmp (format, "table") != 0)
    return cli_error ("invalid format option");  /* runc's phrase */
  /* runc passes these to the host's ps; hull only has ps -ef's view. */
  int first = optind + 1;
  if (first < argc && strcmp (argv[first], "--") == 0)
    first++;
  for (int i = first; i < argc; i++)
    if (strcmp (argv[i], "-ef") != 0 && strcmp (argv[i], "-e") != 0 && strcmp (argv[i], "-f") != 0)
      return cli_error ("ps: option \"%s\" is not supported: hull prints ps -ef's columns "
                        "itself (see 'hull ps --help')", argv[i]);

  hull_error err = { 0 };
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  if (hull_container_pids (ctx, id, &pids, &n, &err) < 0)
    return cli_fail (&err);
  if (json)
    {
      fputc ('[', stdout);
      for (size_t i = 0; i < n; i++)
        printf ("%s%d", i ? "," : "", (int) pids[i]);
      fputs ("]\n", stdout);
    }
  else
    print_table (pids, n);
  if (fflush (stdout) != 0)
    {
      hull_fail_errno (&err, "write");
      return cli_fail (&err);
    }
  return 0;
}

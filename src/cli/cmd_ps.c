/* ps: the processes of a container, as JSON pids, a ps -ef like table
 * built from /proc, or (given ps arguments, as runc) the host's ps output
 * filtered to the container's pids. */
#include "config.h"
#include "cli/cli.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char ps_help[] =
  "Usage: hull ps [OPTIONS] CONTAINER-ID [--] [PS-ARGS...]\n"
  "\n"
  "Display the processes of a container: every process in its cgroup, with\n"
  "host PIDs.\n"
  "\n"
  "Without PS-ARGS the table has ps -ef's columns (UID PID PPID C STIME TTY TIME\n"
  "CMD), read from /proc by hull itself. With PS-ARGS, as runc, hull runs the\n"
  "host's 'ps PS-ARGS' and prints its header and the lines whose PID column is a\n"
  "process of the container (the output must have a PID column). json prints a\n"
  "JSON array of the PIDs.\n"
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

static bool
has_pid (const pid_t *pids, size_t n, long pid)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Runs the host's `ps ARGS` (stdin /dev/null, stdout and stderr together,
 * as Go's CombinedOutput) and returns its output; a failure is runc's
 * "exit status N: OUTPUT". */
static int
run_host_ps (char **args, size_t n_args, char **out, hull_error *err)
{
  cleanup_free char **argv = calloc (n_args + 2, sizeof *argv);
  if (argv == NULL)
    return hull_fail (err, ENOMEM, "ps");
  argv[0] = (char *) "ps";
  memcpy (argv + 1, args, n_args * sizeof *argv);

  int pipefd[2];
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return hull_fail_errno (err, "pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2 (&fa, pipefd[1], 1);
  posix_spawn_file_actions_adddup2 (&fa, pipefd[1], 2);
  pid_t pid;
  int r = posix_spawnp (&pid, "ps", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&fa);
  close (pipefd[1]);
  if (r != 0)
    {
      close (pipefd[0]);
      return hull_fail (err, 0, "exec: \"ps\": %s", strerror (r));
    }

  cleanup_free char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;)
    {
      if (len + 4096 + 1 > cap)
        {
          cap = (len + 4096 + 1) * 2;
          char *nb = realloc (buf, cap);
          if (nb == NULL)
            break;
          buf = nb;
        }
      ssize_t got = read (pipefd[0], buf + len, cap - len - 1);
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        break;
      len += (size_t) got;
    }
  close (pipefd[0]);
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return hull_fail_errno (err, "waitpid ps");
  if (buf == NULL)
    return hull_fail (err, ENOMEM, "ps output");
  buf[len] = '\0';
  if (WIFSIGNALED (status))
    return hull_fail (err, 0, "signal: %s: %s", strsignal (WTERMSIG (status)), buf);
  if (WEXITSTATUS (status) != 0)
    return hull_fail (err, 0, "exit status %d: %s", WEXITSTATUS (status), buf);
  *out = buf;
  buf = NULL;
  return 0;
}

/* Index of the "PID" column in ps' header line, -1 if none. */
static int
pid_column (const char *header)
{
  int i = 0;
  for (const char *p = header; *p;)
    {
      p += strspn (p, " \t");
      if (*p == '\0')
        break;
      size_t n = strcspn (p, " \t");
      if (n == 3 && strncmp (p, "PID", 3) == 0)
        return i;
      p += n;
      i++;
    }
  return -1;
}

/* The col-th whitespace-separated field of line as a number, or -1. */
static long
field_number (const char *line, int col)
{
  const char *p = line;
  for (int i = 0;; i++)
    {
      p += strspn (p, " \t");
      if (*p == '\0')
        return -1;
      size_t n = strcspn (p, " \t");
      if (i == col)
        {
          char *end;
          errno = 0;
          long v = strtol (p, &end, 10);
          return errno == 0 && end == p + n && n > 0 && v >= 0 ? v : -1;
        }
      p += n;
    }
}

/* runc's ps with arguments: the header, then the lines of the container's
 * processes, told by the PID column. */
static int
print_host_ps (const pid_t *pids, size_t n, char **args, size_t n_args, hull_error *err)
{
  cleanup_free char *text = NULL;
  if (run_host_ps (args, n_args, &text, err) < 0)
    return -1;
  char *save = NULL;
  char *header = strtok_r (text, "\n", &save);
  int col = header ? pid_column (header) : -1;
  if (col < 0)
    return hull_fail (err, 0, "couldn't find PID field in ps output");
  printf ("%s\n", header);
  for (char *line = strtok_r (NULL, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      long pid = field_number (line, col);
      if (pid < 0)
        return hull_fail (err, 0, "unable to parse pid in ps output: %s", HULL_SHORT (line));
      if (has_pid (pids, n, pid))
        printf ("%s\n", line);
    }
  return 0;
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
  /* ps arguments go to the host's ps, as runc. runc 1.1.5 would pass a
   * "--" on too (and ps refuses it): hull takes it as the separator. */
  int first = optind + 1;
  if (first < argc && strcmp (argv[first], "--") == 0)
    first++;

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
  else if (first < argc)
    {
      if (print_host_ps (pids, n, argv + first, (size_t) (argc - first), &err) < 0)
        return cli_fail (&err);
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

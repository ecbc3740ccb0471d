/* apply.c's fd closing where close_range(2) is unavailable: a seccomp
 * filter in a child makes it fail ENOSYS (old kernel) or EPERM (a profile
 * around the runtime), and the fallback must still close, or mark
 * close-on-exec, exactly the fds it should. */
#include "config.h"
#include "process/apply.h"
#include "tap.h"
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const int probe[] = { 20, 21, 22, 40 };

static int
cloexec (int fd)
{
  int fl = fcntl (fd, F_GETFD);
  return fl < 0 ? -1 : !!(fl & FD_CLOEXEC);
}

/* In the child: report "close_range=E cloexec:A,B,C,D open:A,B,C,D". */
static void
child (int out, int e)
{
  char buf[256];
  hull_error err = { 0 };
  int null = open ("/dev/null", O_RDONLY);
  for (size_t i = 0; i < sizeof probe / sizeof probe[0]; i++)
    dup2 (null, probe[i]);
  close (null);

  scmp_filter_ctx f = seccomp_init (SCMP_ACT_ALLOW);
  if (f == NULL || seccomp_rule_add (f, SCMP_ACT_ERRNO (e), SCMP_SYS (close_range), 0) < 0
      || seccomp_load (f) < 0)
    _exit (2);
  errno = 0;
  int probe_errno = syscall (SYS_close_range, 100, 100, 0) < 0 ? errno : 0;

  int n = snprintf (buf, sizeof buf, "close_range=%d cloexec:", probe_errno);
  if (hull_fds_cloexec_from (21, &err) < 0)
    n += snprintf (buf + n, sizeof buf - n, "error %s", err.msg);
  else
    for (size_t i = 0; i < 4; i++)
      n += snprintf (buf + n, sizeof buf - n, "%s%d", i ? "," : "", cloexec (probe[i]));

  int keep[] = { out, 22 };
  n += snprintf (buf + n, sizeof buf - n, " open:");
  if (hull_close_fds_except (keep, 2, 0, &err) < 0)
    n += snprintf (buf + n, sizeof buf - n, "error %s", err.msg);
  else
    for (size_t i = 0; i < 4; i++)
      n += snprintf (buf + n, sizeof buf - n, "%s%d", i ? "," : "", cloexec (probe[i]) >= 0);
  if (write (out, buf, (size_t) n) != n)
    _exit (3);
  _exit (0);
}

static void
scenario (int e, const char *name)
{
  int p[2];
  if (pipe (p) < 0)
    {
      ok (false, "%s: pipe", name);
      return;
    }
  pid_t pid = fork ();
  if (pid == 0)
    {
      close (p[0]);
      child (p[1], e);
    }
  close (p[1]);
  char buf[256] = { 0 };
  ssize_t r = read (p[0], buf, sizeof buf - 1);
  close (p[0]);
  int st = 0;
  waitpid (pid, &st, 0);
  char want[128];
  /* 20 stays as it was; 21.. close-on-exec; then all but 22 closed. */
  snprintf (want, sizeof want, "close_range=%d cloexec:0,1,1,1 open:0,0,1,0", e);
  ok (r > 0 && WIFEXITED (st) && WEXITSTATUS (st) == 0 && streq (buf, want),
      "close_range failing %s: the fallback does the same", name);
}

int
main (void)
{
  scenario (ENOSYS, "ENOSYS");
  scenario (EPERM, "EPERM");
  return tap_done ();
}

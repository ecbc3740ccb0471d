/* What /proc says about a recorded process: still there, same one, state. */
#include "config.h"
#include <hull/container.h>
#include <hull/cleanup.h>
#include "container/proc.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

unsigned long long
hull_proc_start_time (pid_t pid, bool *zombie)
{
  if (zombie)
    *zombie = false;
  if (pid <= 0)
    return 0;
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n;
  do
    n = read (fd, buf, sizeof buf - 1);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return 0;
  buf[n] = '\0';

  /* comm (field 2) may hold spaces and parentheses: skip to the last ')'. */
  char *p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    return 0;
  p += 2;
  char state = *p;
  if (zombie)
    *zombie = state == 'Z' || state == 'X';
  /* p is at field 3; starttime is field 22. */
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        return 0;
      p++;
    }
  return strtoull (p, NULL, 10);
}

bool
hull_proc_alive (pid_t pid, unsigned long long start_time)
{
  bool zombie;
  unsigned long long now = hull_proc_start_time (pid, &zombie);
  return now != 0 && !zombie && (start_time == 0 || now == start_time);
}

hull_status
hull_state_status (int dirfd, const hull_state *st)
{
  if (!hull_proc_alive (st->pid, st->pid_start_time))
    return HULL_STATUS_STOPPED;
  /* Before created: runc also pauses a created container. */
  if (hull_state_frozen (st))
    return HULL_STATUS_PAUSED;
  /* create makes exec.fifo, start removes it once init is released. */
  if (faccessat (dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return HULL_STATUS_CREATED;
  return HULL_STATUS_RUNNING;
}

/* A pidfd pins the process, so checking the start time after opening it
 * cannot be fooled by a process that reused the pid. */
static int
proc_open (pid_t pid, unsigned long long start_time, int *pidfd)
{
  *pidfd = -1;
  if (pid <= 0)
    {
      errno = ESRCH;
      return -1;
    }
#ifdef SYS_pidfd_open
  *pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (*pidfd < 0 && errno != ENOSYS)
    return -1;
#endif
  unsigned long long now = hull_proc_start_time (pid, NULL);
  if (now == 0 || (start_time != 0 && now != start_time))
    {
      hull_closep (pidfd);
      errno = ESRCH;
      return -1;
    }
  return 0;
}

int
hull_proc_pidfd (pid_t pid, unsigned long long start_time)
{
  int pidfd;
  if (proc_open (pid, start_time, &pidfd) < 0)
    return -1;
  return pidfd;
}

int
hull_proc_signal (pid_t pid, unsigned long long start_time, int sig)
{
  cleanup_close int pidfd = -1;
  if (proc_open (pid, start_time, &pidfd) < 0)
    return -1;
#ifdef SYS_pidfd_send_signal
  if (pidfd >= 0)
    return (int) syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#endif
  return kill (pid, sig);
}

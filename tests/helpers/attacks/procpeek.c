/* procpeek PID: from inside a container, tries what CVE-2019-5736 and
 * CVE-2016-9962 did against a runtime process visible in the same pid
 * namespace. One line per attempt: "<name> ok" when the kernel let it
 * through, "<name> denied <errno>" when not. Never writes anything: an
 * open for writing that succeeds is reported and closed.
 * The attacker has a default container's capabilities: CAP_SYS_PTRACE is
 * dropped first (a runtime may still grant it while capabilities are being
 * implemented; with it, ptrace access checks pass by design).
 * Exit status: 0 when every attempt was denied, 1 otherwise, 2 on usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static int leaks;

static void
report (const char *name, int ok, int e)
{
  if (ok)
    {
      printf ("%s ok\n", name);
      leaks++;
    }
  else
    printf ("%s denied %s\n", name, strerrorname_np (e) ? strerrorname_np (e) : "?");
}

static void
try_open (const char *name, const char *path, int flags)
{
  int fd = open (path, flags | O_CLOEXEC);
  report (name, fd >= 0, errno);
  if (fd >= 0)
    close (fd);
}

int
main (int argc, char **argv)
{
  char p[64], q[64];
  if (argc != 2)
    return 2;
  const char *pid = argv[1];

  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct c[2];
  if (syscall (SYS_capget, &h, c) == 0)
    {
      c[0].effective &= ~(1U << CAP_SYS_PTRACE);
      c[0].permitted &= ~(1U << CAP_SYS_PTRACE);
      c[0].inheritable &= ~(1U << CAP_SYS_PTRACE);
      if (syscall (SYS_capset, &h, c) < 0)
        perror ("capset");
    }

  snprintf (p, sizeof p, "/proc/%s/exe", pid);
  try_open ("exe-wronly", p, O_WRONLY);
  try_open ("exe-rdonly", p, O_RDONLY);
  /* The 2019 exploit: an O_PATH handle now, reopened for writing later
     through /proc/self/fd (after the runtime has exited). */
  int opath = open (p, O_PATH | O_CLOEXEC);
  report ("exe-opath", opath >= 0, errno);
  if (opath >= 0)
    {
      snprintf (q, sizeof q, "/proc/self/fd/%d", opath);
      try_open ("exe-opath-reopen-wronly", q, O_WRONLY);
      close (opath);
    }
  char target[256];
  ssize_t n = readlink (p, target, sizeof target - 1);
  report ("exe-readlink", n >= 0, errno);

  snprintf (p, sizeof p, "/proc/%s/environ", pid);
  try_open ("environ", p, O_RDONLY);
  snprintf (p, sizeof p, "/proc/%s/mem", pid);
  try_open ("mem", p, O_RDONLY);
  /* Listing /proc/PID/fd is allowed to its owner (root): the numbers say
     nothing, following the links is what needs ptrace access. */
  snprintf (p, sizeof p, "/proc/%s/fd/0", pid);
  n = readlink (p, target, sizeof target - 1);
  report ("fd0-readlink", n >= 0, errno);
  snprintf (p, sizeof p, "/proc/%s/fd/0", pid);
  try_open ("fd0", p, O_RDONLY);
  snprintf (p, sizeof p, "/proc/%s/cwd/.", pid);
  try_open ("cwd", p, O_PATH);
  snprintf (p, sizeof p, "/proc/%s/root/.", pid);
  try_open ("root", p, O_PATH);
  return leaks ? 1 : 0;
}

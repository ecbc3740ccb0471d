#include "config.h"
#include "linux/procfs.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

bool
hull_fd_is_procfs (int fd)
{
  struct statfs st;
  if (fstatfs (fd, &st) < 0)
    return false;
  errno = 0;
  return st.f_type == PROC_SUPER_MAGIC;
}

int
hull_procfs_open (int dirfd, const char *path, int flags, hull_error *err)
{
  /* O_NOFOLLOW: the last component must not be a planted symlink; procfs's
     own magic links (/proc/self) sit earlier in the path and still work. */
  cleanup_close int fd = openat (dirfd, path, flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0)
    return hull_fail_errno (err, "open %s", path);
  /* Checked on the opened file, not on the path: what matters is the
     superblock the write will land on, whatever is mounted where. */
  if (!hull_fd_is_procfs (fd))
    {
      if (errno != 0)
        return hull_fail_errno (err, "fstatfs %s", path);
      return hull_fail (err, EXDEV,
                        "%s is not on procfs (something is mounted over /proc), refusing to write it",
                        path);
    }
  return steal_fd (fd);
}

int
hull_procfs_write (int dirfd, const char *path, const char *data, size_t len, hull_error *err)
{
  cleanup_close int fd = hull_procfs_open (dirfd, path, O_WRONLY, err);
  if (fd < 0)
    return -1;
  ssize_t n;
  do
    n = write (fd, data, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return hull_fail_errno (err, "write %s", path);
  if ((size_t) n != len)
    return hull_fail (err, EIO, "write %s: short write (%zd of %zu bytes)", path, n, len);
  return 0;
}

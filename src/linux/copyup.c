/* tmpcopyup (runc's extension): a tmpfs mounted over a directory of the
 * image starts with a copy of that directory, so e.g. a tmpfs /etc/ssl or
 * /var/lib keeps the image's files. The copy runs from an fd opened on the
 * directory before the tmpfs covers it; every step is an *at() call on
 * directory fds, never a path, so nothing in the untrusted tree can
 * redirect it (symlinks are copied as symlinks, never followed). */
#include "config.h"
#include "linux/rootfs_internal.h"
#include <hull/cleanup.h>
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Deep trees would run out of fds (one per level): refuse instead. */
#define COPYUP_MAX_DEPTH 64

static int
copy_owner_mode (int fd, const struct stat *st, const char *name, hull_error *err)
{
  if (fchown (fd, st->st_uid, st->st_gid) < 0)
    return hull_fail_errno (err, "tmpcopyup: chown %s", name);
  /* After chown, which clears set-id bits. */
  if (fchmod (fd, st->st_mode & 07777) < 0)
    return hull_fail_errno (err, "tmpcopyup: chmod %s", name);
  return 0;
}

static int
copy_file (int from_dir, int to_dir, const char *name, const struct stat *st, hull_error *err)
{
  cleanup_close int in = openat (from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return hull_fail_errno (err, "tmpcopyup: open %s", name);
  cleanup_close int out = openat (to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                  0600);
  if (out < 0)
    return hull_fail_errno (err, "tmpcopyup: create %s", name);
  for (off_t left = st->st_size; left > 0;)
    {
      ssize_t n = sendfile (out, in, NULL, (size_t) (left > (1 << 30) ? (1 << 30) : left));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hull_fail_errno (err, "tmpcopyup: copy %s", name);
      if (n == 0)
        break; /* the file shrank meanwhile */
      left -= n;
    }
  return copy_owner_mode (out, st, name, err);
}

static int copy_dir_contents (int from_dir, int to_dir, int depth, hull_error *err);

static int
copy_entry (int from_dir, int to_dir, const char *name, int depth, hull_error *err)
{
  struct stat st;
  if (fstatat (from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return hull_fail_errno (err, "tmpcopyup: stat %s", name);
  switch (st.st_mode & S_IFMT)
    {
    case S_IFREG:
      return copy_file (from_dir, to_dir, name, &st, err);
    case S_IFDIR:
      {
        if (mkdirat (to_dir, name, 0700) < 0)
          return hull_fail_errno (err, "tmpcopyup: mkdir %s", name);
        cleanup_close int from = openat (from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        cleanup_close int to = openat (to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (from < 0 || to < 0)
          return hull_fail_errno (err, "tmpcopyup: open directory %s", name);
        if (copy_dir_contents (from, to, depth + 1, err) < 0)
          return -1;
        return copy_owner_mode (to, &st, name, err);
      }
    case S_IFLNK:
      {
        char target[PATH_MAX];
        ssize_t n = readlinkat (from_dir, name, target, sizeof target - 1);
        if (n < 0)
          return hull_fail_errno (err, "tmpcopyup: readlink %s", name);
        target[n] = '\0';
        if (symlinkat (target, to_dir, name) < 0)
          return hull_fail_errno (err, "tmpcopyup: symlink %s", name);
        if (fchownat (to_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
          return hull_fail_errno (err, "tmpcopyup: chown %s", name);
        return 0;
      }
    default:
      /* Device nodes, FIFOs, sockets: recreated, not opened. */
      if (mknodat (to_dir, name, st.st_mode, st.st_rdev) < 0)
        return hull_fail_errno (err, "tmpcopyup: mknod %s", name);
      if (fchownat (to_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return hull_fail_errno (err, "tmpcopyup: chown %s", name);
      return 0;
    }
}

static int
copy_dir_contents (int from_dir, int to_dir, int depth, hull_error *err)
{
  if (depth > COPYUP_MAX_DEPTH)
    return hull_fail (err, ELOOP, "tmpcopyup: more than %d directory levels", COPYUP_MAX_DEPTH);
  /* fdopendir takes the fd: give it a copy so from_dir stays ours. */
  int dup_fd = fcntl (from_dir, F_DUPFD_CLOEXEC, 3);
  if (dup_fd < 0)
    return hull_fail_errno (err, "tmpcopyup: dup");
  cleanup_closedir DIR *d = fdopendir (dup_fd);
  if (d == NULL)
    {
      close (dup_fd);
      return hull_fail_errno (err, "tmpcopyup: read directory");
    }
  struct dirent *e;
  while ((errno = 0, e = readdir (d)) != NULL)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (copy_entry (from_dir, to_dir, e->d_name, depth, err) < 0)
        return -1;
    }
  if (errno != 0)
    return hull_fail_errno (err, "tmpcopyup: read directory");
  return 0;
}

int
hull_copy_tree (int from_dir, int to_dir, bool root_attrs, hull_error *err)
{
  struct stat st;
  if (fstat (from_dir, &st) < 0)
    return hull_fail_errno (err, "tmpcopyup: stat");
  if (copy_dir_contents (from_dir, to_dir, 0, err) < 0)
    return -1;
  /* The tmpfs root takes the covered directory's owner and mode, as in
     runc, unless the options chose them. */
  return root_attrs ? copy_owner_mode (to_dir, &st, ".", err) : 0;
}

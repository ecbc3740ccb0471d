#include "config.h"
#include "linux/safe_path.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
# define SYS_openat2 437
#endif

/* Same budget as the kernel's MAXSYMLINKS. */
#define MAX_SYMLINKS 40

int
hull_safe_openat (int rootfd, const char *path, int flags, mode_t mode)
{
  struct open_how how = {
    .flags = (uint64_t) (flags | O_CLOEXEC),
    .mode = (flags & O_CREAT) ? mode : 0,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  /* EAGAIN: a concurrent rename or mount raced with a scoped lookup; the
     kernel asks us to retry. */
  for (int i = 0; i < 64; i++)
    {
      long fd = syscall (SYS_openat2, rootfd, path, &how, sizeof how);
      if (fd >= 0 || errno != EAGAIN)
        return (int) fd;
    }
  return -1;
}

const char *
hull_fd_path (char buf[HULL_FD_PATH_MAX], int fd)
{
  snprintf (buf, HULL_FD_PATH_MAX, "/proc/self/fd/%d", fd);
  return buf;
}

/* The new path after meeting a dangling symlink `target` whose name starts
   at path[start] and ends at path[end]: the rest of the path is appended to
   the target, a relative target is taken from the link's directory. */
static char *
splice_symlink (const char *path, size_t start, size_t end, const char *target)
{
  size_t head = target[0] == '/' ? 0 : start;
  size_t tlen = strlen (target), rest = strlen (path + end);
  char *out = malloc (head + tlen + rest + 1);
  if (out == NULL)
    return NULL;
  memcpy (out, path, head);
  memcpy (out + head, target, tlen);
  memcpy (out + head + tlen, path + end, rest + 1);
  return out;
}

/* One pass of mkdir -p over *pathp. Returns the O_PATH fd of the final
   directory, -1 on error, or -2 after replacing *pathp because a component
   was a dangling symlink (the caller starts over on the new path). */
static int
mkdir_walk (int rootfd, char **pathp, mode_t mode, hull_error *err)
{
  char *path = *pathp;
  cleanup_close int parent = hull_safe_openat (rootfd, "/", O_PATH | O_DIRECTORY, 0);
  if (parent < 0)
    return hull_fail_errno (err, "open the rootfs");

  size_t i = 0;
  for (;;)
    {
      while (path[i] == '/')
        i++;
      if (path[i] == '\0')
        return steal_fd (parent);
      size_t start = i;
      while (path[i] != '\0' && path[i] != '/')
        i++;

      char saved = path[i];
      path[i] = '\0';
      int fd = hull_safe_openat (rootfd, path, O_PATH | O_DIRECTORY, 0);
      if (fd < 0 && errno == ENOENT)
        {
          const char *name = path + start;
          /* Missing: create it under the already resolved parent. */
          int r = mkdirat (parent, name, mode);
          if (r < 0 && errno != EEXIST)
            return hull_fail_errno (err, "mkdir %s", path);
          if (r < 0)
            {
              /* Something is there yet the lookup failed: a dangling
                 symlink. Follow it by hand, inside the root. */
              char target[PATH_MAX];
              ssize_t n = readlinkat (parent, name, target, sizeof target - 1);
              if (n >= 0)
                {
                  target[n] = '\0';
                  path[i] = saved;
                  char *next = splice_symlink (path, start, i, target);
                  if (next == NULL)
                    return hull_fail (err, ENOMEM, "mkdir %s", path);
                  free (*pathp);
                  *pathp = next;
                  return -2;
                }
            }
          fd = hull_safe_openat (rootfd, path, O_PATH | O_DIRECTORY, 0);
        }
      if (fd < 0)
        return hull_fail_errno (err, "open %s", path);
      path[i] = saved;
      hull_closep (&parent);
      parent = fd;
    }
}

int
hull_safe_mkdir_p (int rootfd, const char *path, mode_t mode, hull_error *err)
{
  cleanup_free char *cur = strdup (path);
  if (cur == NULL)
    return hull_fail (err, ENOMEM, "mkdir %s", path);
  for (int n = 0; n < MAX_SYMLINKS; n++)
    {
      int r = mkdir_walk (rootfd, &cur, mode, err);
      if (r != -2)
        return r;
    }
  return hull_fail (err, ELOOP, "mkdir %s", path);
}

int
hull_safe_parent (int rootfd, const char *path, char **base, hull_error *err)
{
  cleanup_free char *dir = strdup (path);
  if (dir == NULL)
    return hull_fail (err, ENOMEM, "open %s", path);
  size_t len = strlen (dir);
  while (len > 1 && dir[len - 1] == '/')
    dir[--len] = '\0';
  char *slash = strrchr (dir, '/');
  const char *name = slash ? slash + 1 : dir;
  if (*name == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return hull_fail (err, EINVAL, "open %s", path);

  cleanup_free char *b = strdup (name);
  if (b == NULL)
    return hull_fail (err, ENOMEM, "open %s", path);
  if (slash == NULL)
    strcpy (dir, "/");
  else
    slash[slash == dir ? 1 : 0] = '\0';

  int fd = hull_safe_mkdir_p (rootfd, dir, 0755, err);
  if (fd < 0)
    return fd;
  *base = steal_ptr (b);
  return fd;
}

int
hull_safe_mkpath (int rootfd, const char *path, bool is_dir, mode_t mode, hull_error *err)
{
  int fd = hull_safe_openat (rootfd, path, O_PATH, 0);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return hull_fail_errno (err, "open %s", path);
  if (is_dir)
    return hull_safe_mkdir_p (rootfd, path, mode, err);

  cleanup_free char *base = NULL;
  cleanup_close int parent = hull_safe_parent (rootfd, path, &base, err);
  if (parent < 0)
    return -1;
  /* O_CREAT without O_EXCL: a dangling symlink as last component gets its
     target created, still scoped to the root. O_NONBLOCK: never wait on a
     fifo that raced into place. */
  cleanup_close int created = hull_safe_openat (rootfd, path,
                                                O_CREAT | O_RDONLY | O_NONBLOCK | O_NOCTTY, mode);
  if (created < 0)
    return hull_fail_errno (err, "create %s", path);
  fd = hull_safe_openat (rootfd, path, O_PATH, 0);
  if (fd < 0)
    return hull_fail_errno (err, "open %s", path);
  return fd;
}

/* <root>/<id>: created exclusively, locked with flock(2) on the directory
 * fd so concurrent hull commands on one container serialize. */
#include "config.h"
#include <hull/container.h>
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* How many times a lock is retried when the directory is replaced while
 * we wait for it (deleted and re-created under the same ID). */
#define LOCK_ATTEMPTS 16

static int
not_exist (hull_error *err)
{
  hull_fail (err, 0, "container does not exist");
  err->errnum = ENOENT;  /* callers tell "missing" from other failures */
  return -1;
}

static int
lock_fd (int fd, hull_error *err)
{
  while (flock (fd, LOCK_EX) < 0)
    if (errno != EINTR)
      return hull_fail_errno (err, "lock state directory");
  return 0;
}

/* Creates the directory under a temporary name, locks it, then renames it
 * into place, so nobody can see (and lock) an unlocked, empty state dir. */
static int
create_locked (const char *root, const char *id, hull_error *err)
{
  static unsigned counter;
  char tmp[64];
  /* '~' is not valid in an ID: temporary names never collide with one. */
  snprintf (tmp, sizeof tmp, ".tmp~%d~%u", (int) getpid (), counter++);

  cleanup_close int rootfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return hull_fail_errno (err, "open state root %s", root);
  if (mkdirat (rootfd, tmp, 0711) < 0)
    return hull_fail_errno (err, "mkdir %s/%s", root, tmp);
  cleanup_close int fd = openat (rootfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || lock_fd (fd, err) < 0)
    {
      if (fd < 0)
        hull_fail_errno (err, "open %s/%s", root, tmp);
      unlinkat (rootfd, tmp, AT_REMOVEDIR);
      return -1;
    }
  if (renameat2 (rootfd, tmp, rootfd, id, RENAME_NOREPLACE) == 0)
    return steal_fd (fd);

  int saved = errno;
  unlinkat (rootfd, tmp, AT_REMOVEDIR);
  if (saved == EEXIST)
    return hull_fail (err, 0, "container with id exists: %s", id);
  if (saved != EINVAL && saved != ENOSYS)
    return hull_fail (err, saved, "create state directory %s/%s", root, id);

  /* The filesystem lacks RENAME_NOREPLACE: plain mkdir, then lock. */
  if (mkdirat (rootfd, id, 0711) < 0)
    {
      if (errno == EEXIST)
        return hull_fail (err, 0, "container with id exists: %s", id);
      return hull_fail_errno (err, "mkdir %s/%s", root, id);
    }
  cleanup_close int fd2 = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd2 < 0 || lock_fd (fd2, err) < 0)
    {
      if (fd2 < 0)
        hull_fail_errno (err, "open %s/%s", root, id);
      unlinkat (rootfd, id, AT_REMOVEDIR);
      return -1;
    }
  return steal_fd (fd2);
}

int
hull_state_dir_create (const hull_context *ctx, const char *id, hull_error *err)
{
  if (hull_id_validate (id, err) < 0)
    return -1;
  if (hull_mkdir_p (ctx->root, 0700, err) < 0)
    return hull_error_prefix (err, "state root: ");
  return create_locked (ctx->root, id, err);
}

int
hull_state_dir_lock (const hull_context *ctx, const char *id, hull_error *err)
{
  if (hull_id_validate (id, err) < 0)
    return -1;
  cleanup_free char *path = hull_state_dir (ctx, id);
  if (path == NULL)
    return hull_fail (err, ENOMEM, "state directory");

  for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++)
    {
      cleanup_close int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
        return not_exist (err);
      if (fd < 0)
        return hull_fail_errno (err, "open %s", path);
      if (lock_fd (fd, err) < 0)
        return -1;

      /* While we waited, the holder may have deleted the container (and
       * someone may have created a new one with the same ID). */
      struct stat held, now;
      if (fstat (fd, &held) < 0)
        return hull_fail_errno (err, "stat %s", path);
      if (stat (path, &now) < 0)
        {
          if (errno == ENOENT)
            return not_exist (err);
          return hull_fail_errno (err, "stat %s", path);
        }
      if (held.st_dev == now.st_dev && held.st_ino == now.st_ino)
        return steal_fd (fd);
    }
  return hull_fail (err, EAGAIN, "lock state directory %s", path);
}

int
hull_state_dir_remove (const hull_context *ctx, const char *id, hull_error *err)
{
  cleanup_free char *path = hull_state_dir (ctx, id);
  if (path == NULL)
    return hull_fail (err, ENOMEM, "state directory");
  return hull_remove_tree (path, err);
}

#include "config.h"
#include <hull/fs.h>
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
hull_read_file_at (int dirfd, const char *path, char **out, size_t *len, hull_error *err)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hull_fail_errno (err, "open %s", path);

  size_t cap = 4096, used = 0;
  cleanup_free char *buf = malloc (cap);
  if (buf == NULL)
    return hull_fail (err, ENOMEM, "read %s", path);
  for (;;)
    {
      if (used + 1 >= cap)
        {
          char *n = realloc (buf, cap * 2);
          if (n == NULL)
            return hull_fail (err, ENOMEM, "read %s", path);
          buf = n;
          cap *= 2;
        }
      ssize_t r = read (fd, buf + used, cap - used - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return hull_fail_errno (err, "read %s", path);
      if (r == 0)
        break;
      used += (size_t) r;
    }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = steal_ptr (buf);
  return 0;
}

int
hull_read_file (const char *path, char **out, size_t *len, hull_error *err)
{
  return hull_read_file_at (AT_FDCWD, path, out, len, err);
}

static int
write_all (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, data, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      data += w;
      len -= (size_t) w;
    }
  return 0;
}

int
hull_write_file_atomic (const char *path, const char *data, size_t len, mode_t mode, hull_error *err)
{
  char tmp[PATH_MAX];
  if (snprintf (tmp, sizeof tmp, "%s.tmp.%d", path, (int) getpid ()) >= (int) sizeof tmp)
    return hull_fail (err, ENAMETOOLONG, "write %s", path);
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return hull_fail_errno (err, "create %s", tmp);
  if (write_all (fd, data, len) < 0)
    {
      int saved = errno;
      unlink (tmp);
      return hull_fail (err, saved, "write %s", tmp);
    }
  if (rename (tmp, path) < 0)
    {
      int saved = errno;
      unlink (tmp);
      return hull_fail (err, saved, "rename %s to %s", tmp, path);
    }
  return 0;
}

int
hull_create_file_at (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                     hull_error *err)
{
  cleanup_close int fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return hull_fail_errno (err, "create %s", name);
  if (write_all (fd, (const char *) data, len) < 0)
    return hull_fail_errno (err, "write %s", name);
  return 0;
}

int
hull_write_file_at (int dirfd, const char *path, const char *data, size_t len, hull_error *err)
{
  cleanup_close int fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return hull_fail_errno (err, "open %s", path);
  if (write_all (fd, data, len) < 0)
    return hull_fail_errno (err, "write %s", path);
  return 0;
}

int
hull_write_file (const char *path, const char *data, size_t len, hull_error *err)
{
  return hull_write_file_at (AT_FDCWD, path, data, len, err);
}

int
hull_mkdir_p (const char *path, mode_t mode, hull_error *err)
{
  char buf[PATH_MAX];
  size_t len = strlen (path);
  if (len == 0 || len >= sizeof buf)
    return hull_fail (err, ENAMETOOLONG, "mkdir %s", path);
  memcpy (buf, path, len + 1);
  for (char *p = buf + 1;; p++)
    {
      if (*p != '/' && *p != '\0')
        continue;
      char saved = *p;
      *p = '\0';
      if (mkdir (buf, mode) < 0 && errno != EEXIST)
        return hull_fail_errno (err, "mkdir %s", buf);
      *p = saved;
      if (saved == '\0')
        break;
    }
  return 0;
}

static int
remove_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  return remove (path) < 0 && errno != ENOENT ? -1 : 0;
}

int
hull_remove_tree (const char *path, hull_error *err)
{
  if (nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0 && errno != ENOENT)
    return hull_fail_errno (err, "remove %s", path);
  return 0;
}

char *
hull_path_join (const char *a, const char *b)
{
  size_t la = strlen (a);
  while (la > 1 && a[la - 1] == '/')
    la--;
  while (*b == '/')
    b++;
  char *r = malloc (la + 1 + strlen (b) + 1);
  if (r == NULL)
    return NULL;
  memcpy (r, a, la);
  r[la] = '/';
  strcpy (r + la + 1, b);
  return r;
}

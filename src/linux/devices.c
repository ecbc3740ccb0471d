#include "config.h"
#include "linux/rootfs_internal.h"
#include "linux/safe_path.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* What every container gets (runc's AllowedDevices nodes), mode 0666 root:root. */
static const struct
{
  const char *path;
  unsigned major, minor;
} default_devices[] = {
  { "/dev/null", 1, 3 },
  { "/dev/zero", 1, 5 },
  { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 },
  { "/dev/urandom", 1, 9 },
  { "/dev/tty", 5, 0 },
};

static const struct
{
  const char *name, *target;
} dev_symlinks[] = {
  { "fd", "/proc/self/fd" },
  { "stdin", "/proc/self/fd/0" },
  { "stdout", "/proc/self/fd/1" },
  { "stderr", "/proc/self/fd/2" },
};

typedef struct
{
  const char *path;
  char type;
  dev_t rdev;
  mode_t mode;
  uid_t uid;
  gid_t gid;
} dev_node;

/* Without mknod (user namespace, device cgroup): bind the host's node of
   the same path onto an empty file, like runc. */
static int
bind_device (int rootfd, const dev_node *d, hull_error *err)
{
  cleanup_close int fd = hull_safe_mkpath (rootfd, d->path, false, 0644, err);
  if (fd < 0)
    return hull_error_prefix (err, "device %s: ", d->path);
  return hull_bind_onto (d->path, rootfd, d->path, MS_BIND, err);
}

static int
create_device (int rootfd, const dev_node *d, bool in_userns, hull_error *err)
{
  mode_t ftype;
  switch (d->type)
    {
    case 'c':
    case 'u':
      ftype = S_IFCHR;
      break;
    case 'b':
      ftype = S_IFBLK;
      break;
    case 'p':
      ftype = S_IFIFO;
      break;
    default:
      return hull_fail (err, EINVAL, "device %s: unknown type '%c'", d->path, d->type);
    }
  if (in_userns)
    return bind_device (rootfd, d, err);

  cleanup_free char *base = NULL;
  cleanup_close int dir = hull_safe_parent (rootfd, d->path, &base, err);
  if (dir < 0)
    return hull_error_prefix (err, "device %s: ", d->path);

  /* umask(0) so the node gets exactly the requested mode; chmod below
     covers a node created with a different mode by a racing writer. */
  mode_t old = umask (0);
  /* Privileged: mknod of the device node inside the container's /dev. */
  int r = mknodat (dir, base, ftype | d->mode, ftype == S_IFIFO ? 0 : d->rdev);
  int saved = errno;
  umask (old);
  if (r < 0 && saved == EEXIST)
    return 0; /* What the rootfs (or an earlier mount) put there wins, as in runc. */
  if (r < 0 && saved == EPERM)
    return bind_device (rootfd, d, err);
  if (r < 0)
    return hull_fail (err, saved, "mknod %s", d->path);
  if (fchmodat (dir, base, d->mode, AT_SYMLINK_NOFOLLOW) < 0)
    return hull_fail_errno (err, "chmod %s", d->path);
  /* Privileged: the owner requested by linux.devices[].uid/gid. */
  if (fchownat (dir, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return hull_fail_errno (err, "chown %s", d->path);
  return 0;
}

static bool
spec_has_device (const hull_linux *l, const char *path)
{
  for (size_t i = 0; l && i < l->n_devices; i++)
    if (l->devices[i].path && strcmp (l->devices[i].path, path) == 0)
      return true;
  return false;
}

/* /dev/ptmx -> pts/ptmx so ptys come from the container's devpts instance. */
static int
setup_ptmx (int devfd, hull_error *err)
{
  if (unlinkat (devfd, "ptmx", 0) < 0 && errno != ENOENT)
    return hull_fail_errno (err, "remove /dev/ptmx");
  if (symlinkat ("pts/ptmx", devfd, "ptmx") < 0)
    return hull_fail_errno (err, "symlink /dev/ptmx");
  return 0;
}

/* process.terminal: the mount point of the console, made while the root
 * is still writable (root.readonly comes right after pivot_root, the bind
 * of the pty later: src/linux/console.c). Whatever is there already is
 * left for that bind to accept or refuse. */
static int
make_console_target (int devfd, hull_error *err)
{
  int fd = openat (devfd, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST)
    return 0;
  if (fd < 0)
    return hull_fail_errno (err, "process.terminal: create /dev/console");
  /* 0666 as runc, whatever the umask. */
  int r = fchmod (fd, 0666);
  close (fd);
  if (r < 0)
    return hull_fail_errno (err, "process.terminal: chmod /dev/console");
  return 0;
}

static int
make_dev_dir (int devfd, const char *name, mode_t mode, hull_error *err)
{
  if (mkdirat (devfd, name, 0700) < 0)
    {
      if (errno == EEXIST)
        return 0;
      return hull_fail_errno (err, "mkdir /dev/%s", name);
    }
  /* Explicit chmod: the sticky bit and 0777 are beyond what umask lets through. */
  if (fchmodat (devfd, name, mode, AT_SYMLINK_NOFOLLOW) < 0)
    return hull_fail_errno (err, "chmod /dev/%s", name);
  return 0;
}

int
hull_dev_setup (int rootfd, const hull_rootfs_opts *opts, hull_error *err)
{
  const hull_linux *l = opts->spec->linux_;

  for (size_t i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++)
    {
      if (spec_has_device (l, default_devices[i].path))
        continue; /* linux.devices overrides the default entry. */
      dev_node d = {
        .path = default_devices[i].path,
        .type = 'c',
        .rdev = makedev (default_devices[i].major, default_devices[i].minor),
        .mode = 0666,
      };
      if (create_device (rootfd, &d, opts->in_userns, err) < 0)
        return -1;
    }

  for (size_t i = 0; l && i < l->n_devices; i++)
    {
      const hull_device *s = &l->devices[i];
      if (s->path == NULL || s->major < 0 || s->minor < 0
          || s->major > UINT32_MAX || s->minor > UINT32_MAX)
        return hull_fail (err, EINVAL, "device %s: invalid path or major/minor",
                          s->path ? s->path : "(null)");
      dev_node d = {
        .path = s->path,
        .type = s->type,
        .rdev = makedev ((unsigned) s->major, (unsigned) s->minor),
        /* fileMode may carry S_IFMT bits; the type comes from .type. */
        .mode = s->file_mode.set ? (mode_t) (s->file_mode.v & 07777) : 0666,
        .uid = s->uid.set ? (uid_t) s->uid.v : 0,
        .gid = s->gid.set ? (gid_t) s->gid.v : 0,
      };
      if (create_device (rootfd, &d, opts->in_userns, err) < 0)
        return -1;
    }

  cleanup_close int devfd = hull_safe_mkdir_p (rootfd, "/dev", 0755, err);
  if (devfd < 0)
    return hull_error_prefix (err, "/dev: ");
  if (make_dev_dir (devfd, "pts", 0755, err) < 0
      || make_dev_dir (devfd, "shm", 01777, err) < 0
      || setup_ptmx (devfd, err) < 0
      || (opts->spec->process && opts->spec->process->terminal
          && make_console_target (devfd, err) < 0))
    return -1;

  for (size_t i = 0; i < sizeof dev_symlinks / sizeof dev_symlinks[0]; i++)
    if (symlinkat (dev_symlinks[i].target, devfd, dev_symlinks[i].name) < 0 && errno != EEXIST)
      return hull_fail_errno (err, "symlink /dev/%s", dev_symlinks[i].name);
  /* Still the host's /proc here (before pivot): only link what exists. */
  if (access ("/proc/kcore", F_OK) == 0
      && symlinkat ("/proc/kcore", devfd, "core") < 0 && errno != EEXIST)
    return hull_fail_errno (err, "symlink /dev/core");
  return 0;
}

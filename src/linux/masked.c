/* linux.maskedPaths and linux.readonlyPaths, applied after pivot.
 *
 * The paths name objects of an untrusted tree: the image (or an earlier
 * container sharing the rootfs) may have turned any component into a
 * symlink, /dev/null included (CVE-2025-31133). So every path is resolved
 * with openat2(RESOLVE_IN_ROOT) from "/" and the mounts are made with the
 * fd-based mount API (open_tree, fsmount, move_mount): nothing is ever
 * looked up again by name, and /proc/self/fd is not needed (the container's
 * /proc may itself be covered by something else). */
#include "config.h"
#include "linux/security.h"
#include "linux/safe_path.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) of a masked or
   read-only path failed: name the entry. ELOOP covers a /proc magic link
   on the way (/proc/PID/root can point at any root on the host), which
   runc follows and hull refuses. */
static int
open_failed (const char *field, size_t i, const char *path, hull_error *err)
{
  if (errno == ELOOP)
    return hull_fail_errno (err, "config.json: .linux.%s[%zu]: %s: a symlink loop or a /proc "
                            "magic link on the way (which could lead out of the container's "
                            "root) is refused", field, i, path);
  return hull_fail_errno (err, "config.json: .linux.%s[%zu]: open %s", field, i, path);
}

static int
move_onto (int tree, int target, const char *what, const char *path, hull_error *err)
{
  /* Privileged: attach the prepared mount on top of the resolved target. */
  if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hull_fail_errno (err, "%s %s: move_mount", what, path);
  return 0;
}

/* The container's /dev/null, checked to really be the null device: a file
   or a symlink planted there would otherwise be bound over every masked
   file (and a symlink could point the bind at something else entirely). */
static int
open_dev_null (int rootfd, hull_error *err)
{
  cleanup_close int fd = hull_safe_openat (rootfd, "/dev/null", O_PATH | O_NOFOLLOW, 0);
  if (fd < 0)
    return hull_fail_errno (err, "maskedPaths: open /dev/null in the container");
  struct stat st;
  if (fstat (fd, &st) < 0)
    return hull_fail_errno (err, "maskedPaths: stat /dev/null");
  if (!S_ISCHR (st.st_mode) || st.st_rdev != makedev (1, 3))
    return hull_fail (err, EPERM, "maskedPaths: /dev/null in the container is not "
                      "the null device (char 1:3), refusing to use it as a mask");
  return steal_fd (fd);
}

static bool
selinux_enabled (void)
{
  return access ("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* A directory: an empty read-only tmpfs over it. */
static int
mask_dir (int target, const char *path, const char *label, hull_error *err)
{
  cleanup_close int fs = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0)
    return hull_fail_errno (err, "maskedPaths %s: fsopen tmpfs", path);
  if (fsconfig (fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0
      || fsconfig (fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0
      || (label && fsconfig (fs, FSCONFIG_SET_STRING, "context", label, 0) < 0)
      || fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return hull_fail_errno (err, "maskedPaths %s: create tmpfs", path);
  cleanup_close int mnt = fsmount (fs, FSMOUNT_CLOEXEC,
                                   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                                   | MOUNT_ATTR_NOEXEC);
  if (mnt < 0)
    return hull_fail_errno (err, "maskedPaths %s: fsmount", path);
  return move_onto (mnt, target, "maskedPaths", path, err);
}

/* Anything else: a bind of the checked /dev/null. */
static int
mask_file (int nullfd, int target, const char *path, hull_error *err)
{
  cleanup_close int tree = open_tree (nullfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return hull_fail_errno (err, "maskedPaths %s: bind /dev/null", path);
  return move_onto (tree, target, "maskedPaths", path, err);
}

static int
mask_paths (int rootfd, const hull_strv *paths, const char *label, hull_error *err)
{
  cleanup_close int nullfd = -1;
  for (size_t i = 0; i < paths->n; i++)
    {
      const char *path = paths->v[i];
      cleanup_close int target = hull_safe_openat (rootfd, path, O_PATH, 0);
      if (target < 0 && errno == ENOENT)
        continue; /* Nothing to hide, as runc. */
      if (target < 0)
        return open_failed ("maskedPaths", i, path, err);
      struct stat st;
      if (fstat (target, &st) < 0)
        return hull_fail_errno (err, "maskedPaths: stat %s", path);
      if (S_ISDIR (st.st_mode))
        {
          if (mask_dir (target, path, label, err) < 0)
            return -1;
          continue;
        }
      if (nullfd < 0 && (nullfd = open_dev_null (rootfd, err)) < 0)
        return -1;
      if (mask_file (nullfd, target, path, err) < 0)
        return -1;
    }
  return 0;
}

/* A recursive bind of the path onto itself, read-only at the top like
   runc's remount. mount_setattr only adds MOUNT_ATTR_RDONLY: nosuid, nodev,
   noexec (locked or not) stay as they were, nothing to restate. */
static int
readonly_paths (int rootfd, const hull_strv *paths, hull_error *err)
{
  for (size_t i = 0; i < paths->n; i++)
    {
      const char *path = paths->v[i];
      cleanup_close int target = hull_safe_openat (rootfd, path, O_PATH, 0);
      if (target < 0 && errno == ENOENT)
        continue;
      if (target < 0)
        return open_failed ("readonlyPaths", i, path, err);
      cleanup_close int tree = open_tree (target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC
                                          | AT_EMPTY_PATH | AT_RECURSIVE);
      if (tree < 0)
        return hull_fail_errno (err, "readonlyPaths %s: bind", path);
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
      /* Privileged: the read-only flag of the new bind, before it is visible. */
      if (mount_setattr (tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        return hull_fail_errno (err, "readonlyPaths %s: make read-only", path);
      if (move_onto (tree, target, "readonlyPaths", path, err) < 0)
        return -1;
    }
  return 0;
}

int
hull_protect_paths (const hull_spec *spec, hull_error *err)
{
  const hull_linux *l = spec->linux_;
  if (l == NULL || (l->masked_paths.n == 0 && l->readonly_paths.n == 0))
    return 0;
  /* After pivot: "/" is the container's root. */
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return hull_fail_errno (err, "open /");
  const char *label = NULL;
  if (l->mount_label && *l->mount_label && selinux_enabled ())
    label = l->mount_label;
  /* runc's order: read-only binds first, then masks (which may sit below a
     read-only path, e.g. /proc/sys/... under /proc/sys). */
  if (readonly_paths (rootfd, &l->readonly_paths, err) < 0)
    return -1;
  return mask_paths (rootfd, &l->masked_paths, label, err);
}

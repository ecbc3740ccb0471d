#include "config.h"
#include <hull/rootfs.h>
#include <hull/cleanup.h>
#include "linux/rootfs_internal.h"
#include "linux/safe_path.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>


/* /dev bound from the host: its nodes are the host's, creating ours there
   would write into the host's /dev (runc's needsSetupDev). */
static bool
dev_is_bound (const hull_spec *spec)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (spec->mounts[i].destination && hull_is_dev_path (spec->mounts[i].destination)
        && hull_mount_is_bind (&spec->mounts[i]))
      return true;
  return false;
}

static int
remount_root_readonly (hull_error *err)
{
  /* Restate nosuid/nodev/noexec/atime: a bind remount drops what it does not
     repeat, and flags locked by a user namespace cannot be dropped at all. */
  unsigned long keep = hull_mount_statvfs_flags ("/");
  /* Privileged: root.readonly, a per-mount flag of the new / only. */
  if (mount (NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0)
    return hull_fail_errno (err, "remount / read-only");
  return 0;
}

/* Everything done through rootfd, before the process leaves the host's tree. */
static int
populate_rootfs (const hull_rootfs_opts *opts, hull_error *err)
{
  const hull_spec *spec = opts->spec;
  cleanup_close int rootfd = open (opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return hull_fail_errno (err, "open %s", opts->rootfs);

  for (size_t i = 0; i < spec->n_mounts; i++)
    if (hull_mount_entry (rootfd, opts, &spec->mounts[i], err) < 0)
      return -1;

  if (!dev_is_bound (spec) && hull_dev_setup (rootfd, opts, err) < 0)
    return -1;
  /* As runc: a missing process.cwd is created, while the root may still be
   * written to (root.readonly comes later), inside the rootfs only. */
  if (spec->process)
    {
      cleanup_close int cwd = hull_safe_mkdir_p (rootfd, spec->process->cwd, 0755, err);
      if (cwd < 0)
        return hull_error_prefix (err, "config.json: .process.cwd: ");
    }
  return 0;
}

int
hull_rootfs_setup (const hull_rootfs_opts *opts, hull_error *err)
{
  const hull_spec *spec = opts->spec;
  const char *rootfs = opts->rootfs;
  if (rootfs == NULL || rootfs[0] != '/')
    return hull_fail (err, EINVAL, "root.path %s: expected an absolute path",
                      rootfs ? rootfs : "(null)");
  long prop = -1;
  if (spec->linux_ && spec->linux_->rootfs_propagation)
    {
      prop = hull_propagation_flags (spec->linux_->rootfs_propagation);
      if (prop < 0)
        return hull_fail (err, 0, "config.json: .linux.rootfsPropagation: unknown value \"%s\"",
                          spec->linux_->rootfs_propagation);
    }

  /* 1. Cut propagation towards the caller first: rslave (runc's default)
     still receives the host's later mounts; private when asked for. After
     this nothing is shared, which also satisfies pivot_root's rule that
     neither the new root's parent nor the old root may be shared, so the
     rootfs's parent mount never needs a separate MS_PRIVATE. */
  unsigned long first = MS_REC | (prop >= 0 && (prop & MS_PRIVATE) ? MS_PRIVATE : MS_SLAVE);
  /* Privileged: our copy of the host's mount tree must not leak mounts back. */
  if (mount (NULL, "/", NULL, first, NULL) < 0)
    return hull_fail_errno (err, "make / %s", (first & MS_PRIVATE) ? "rprivate" : "rslave");

  /* 2. pivot_root needs the rootfs to be a mount point; a recursive self
     bind also carries any mounts the caller prepared (an overlay root). */
  /* Privileged: bind the rootfs onto itself. */
  if (mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return hull_fail_errno (err, "bind mount %s on itself", rootfs);

  /* 3. spec mounts in order, 4. /dev nodes and links. */
  if (populate_rootfs (opts, err) < 0)
    return -1;

  /* createContainer hooks run from the rootfs, as in runc. */
  if (chdir (rootfs) < 0)
    return hull_fail_errno (err, "chdir %s", rootfs);
  if (opts->before_pivot && opts->before_pivot (opts->before_pivot_data, err) < 0)
    return -1;

  /* 5. Enter it. */
  int r = opts->no_pivot ? hull_move_root (rootfs, err) : hull_pivot_root (rootfs, err);
  if (r < 0)
    return -1;

  /* 6. The requested propagation, on the new / (doing it before the pivot
     would have applied it to the host's root mount). */
  /* Privileged: linux.rootfsPropagation. */
  if (prop >= 0 && mount (NULL, "/", NULL, (unsigned long) prop, NULL) < 0)
    return hull_fail_errno (err, "set propagation of / to %s", spec->linux_->rootfs_propagation);

  /* 7. Read-only last: the steps above write into them. */
  if (hull_mounts_finalize_readonly (spec, err) < 0)
    return -1;
  if (spec->root.readonly && remount_root_readonly (err) < 0)
    return -1;
  return 0;
}

bool
hull_rootfs_needs_private_ns (const hull_spec *spec)
{
  const hull_namespace *ns = hull_spec_namespace (spec, HULL_NS_MOUNT);
  return ns == NULL || ns->path != NULL;
}

int
hull_rootfs_private_begin (int *joined_ns, int *shared_ns, hull_error *err)
{
  /* Joined by path: that one, entered only at the end; the bundle's paths
     are resolved in ours, as every other path the runtime was given. */
  *shared_ns = *joined_ns >= 0 ? steal_fd (*joined_ns)
                               : open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  if (*shared_ns < 0)
    return hull_fail_errno (err, "open /proc/self/ns/mnt");
  /* Privileged: a copy of the container's mount namespace, ours alone, to
     build the rootfs in: nothing of it reaches the namespace we share. */
  if (unshare (CLONE_NEWNS) < 0)
    return hull_fail_errno (err, "unshare a private mount namespace for the rootfs");
  return 0;
}

int
hull_rootfs_private_end (int shared_ns, hull_error *err)
{
  /* A detached copy of the finished tree, every mount below "/" included:
     it lives on as our root after the private namespace is gone. */
  cleanup_close int tree = open_tree (AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC
                                      | AT_RECURSIVE);
  if (tree < 0)
    return hull_fail_errno (err, "open_tree / (a detached copy of the rootfs)");
  /* Privileged: back into the shared namespace (the caller's, or the one
     given by path), which resets root and cwd to its own "/"... */
  if (setns (shared_ns, CLONE_NEWNS) < 0)
    return hull_fail_errno (err, "setns back into the container's mount namespace");
  /* ...so take the detached tree as the root again. */
  if (fchdir (tree) < 0)
    return hull_fail_errno (err, "chdir to the detached rootfs");
  if (chroot (".") < 0)
    return hull_fail_errno (err, "chroot to the detached rootfs");
  if (chdir ("/") < 0)
    return hull_fail_errno (err, "chdir /");
  return 0;
}

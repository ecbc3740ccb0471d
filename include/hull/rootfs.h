/* The container's root filesystem, set up by the container's init process
 * inside its new mount namespace (or a private one, see below), before it
 * drops privileges. */
#ifndef HULL_ROOTFS_H
#define HULL_ROOTFS_H

#include <stdbool.h>
#include <hull/error.h>
#include <hull/spec.h>

typedef struct {
  const hull_spec *spec;
  const char *rootfs;        /* absolute host path of root.path */
  const char *bundle;        /* absolute bundle dir: relative mount sources resolve here */
  bool no_pivot;             /* MS_MOVE + chroot instead of pivot_root */
  bool in_userns;            /* no mknod: bind-mount device nodes from the host */
  /* [spec->n_mounts] detached copies of bind sources made by the runtime
   * (hull_mount_open_sources), -1 for others; NULL: init resolves them. */
  const int *mount_fds;
  /* Called once the mounts are set up, right before pivot_root (the
   * createRuntime/createContainer hooks' point); may be NULL. */
  int (*before_pivot) (void *data, hull_error *err);
  void *before_pivot_data;
} hull_rootfs_opts;

/* Propagation, rootfs bind, mounts in order, /dev, devices, pivot, readonly
 * root. On return the process's root and cwd are the container's "/". */
int hull_rootfs_setup (const hull_rootfs_opts *opts, hull_error *err);

/* A container without a mount namespace of its own (none in config.json:
 * the runtime's; or one joined by path) would get the rootfs mounts, and
 * the pivot, in a namespace others use: the caller's mount table, the root
 * of every process in the joined namespace. Instead init builds it in a
 * private copy of the runtime's (begin: unshare, after keeping an fd of the
 * shared one in *shared_ns: *joined_ns, taken, or the runtime's), then end takes a detached clone of the finished tree back
 * into the shared namespace as its root. /proc/self/ns/mnt is then the
 * shared namespace, which holds none of the container's mounts; they go
 * away with the container's last process. */
bool hull_rootfs_needs_private_ns (const hull_spec *spec);
int hull_rootfs_private_begin (int *joined_ns, int *shared_ns, hull_error *err);
int hull_rootfs_private_end (int shared_ns, hull_error *err);

/* In the runtime, before clone: with a user namespace its root may not
 * reach a bind source the runtime can (a 0700 directory of the host's
 * root), so the runtime opens them all (relative to the bundle) as
 * detached trees (open_tree OPEN_TREE_CLONE) that init attaches, as runc's
 * mount fds. An unprivileged runtime cannot clone: init resolves those
 * itself. *fds gets spec->n_mounts
 * entries, -1 where nothing was opened, or NULL when no user namespace;
 * free with hull_mount_close_sources. err names the mount. */
int hull_mount_open_sources (const hull_spec *spec, const char *bundle, int **fds, hull_error *err);
void hull_mount_close_sources (const hull_spec *spec, int **fds);

/* hostname / domainname (needs a uts namespace: a clear error otherwise). */
int hull_set_hostnames (const hull_spec *spec, hull_error *err);

#endif

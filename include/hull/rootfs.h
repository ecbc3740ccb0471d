/* The container's root filesystem, set up by the container's init process
 * inside its new mount namespace, before it drops privileges. */
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
  /* Called once the mounts are set up, right before pivot_root (the
   * createRuntime/createContainer hooks' point); may be NULL. */
  int (*before_pivot) (void *data, hull_error *err);
  void *before_pivot_data;
} hull_rootfs_opts;

/* Propagation, rootfs bind, mounts in order, /dev, devices, pivot, readonly
 * root. On return the process's root and cwd are the container's "/". */
int hull_rootfs_setup (const hull_rootfs_opts *opts, hull_error *err);

/* hostname / domainname (needs a uts namespace: a clear error otherwise). */
int hull_set_hostnames (const hull_spec *spec, hull_error *err);

#endif

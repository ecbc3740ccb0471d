/* Private interfaces between the files that build the container's rootfs
 * (rootfs.c orchestrates mounts.c, devices.c and pivot.c). */
#ifndef HULL_ROOTFS_INTERNAL_H
#define HULL_ROOTFS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <hull/error.h>
#include <hull/rootfs.h>
#include <hull/spec.h>

/* ---- mounts.c ---- */

/* One spec mount's options, split the way mount(2) wants them. */
typedef struct {
  unsigned long flags;       /* MS_* for the mount itself (incl. MS_BIND, MS_REC) */
  unsigned long propagation; /* MS_PRIVATE/SHARED/SLAVE/UNBINDABLE (| MS_REC), applied after */
  /* Recursive options (rro, rnosuid, ...): MOUNT_ATTR_* for mount_setattr(2)
     with AT_RECURSIVE over the whole subtree, which mount(2) cannot do. */
  uint64_t rec_attr_set, rec_attr_clr;
  bool tmpcopyup;            /* tmpfs: start with a copy of what it covers */
  char *data;                /* fs-specific options joined with ',', NULL if none */
} hull_mount_flags;

/* copyup.c: copies the directory tree under from_dir into to_dir (both
   directory fds), keeping owners and modes; with root_attrs, to_dir itself
   takes from_dir's owner and mode. Symlinks are copied, never followed. */
int hull_copy_tree (int from_dir, int to_dir, bool root_attrs, hull_error *err);

/* Parses a mount's options. err names the offending option. */
int hull_mount_flags_parse (const hull_strv *options, hull_mount_flags *out, hull_error *err);
void hull_mount_flags_free (hull_mount_flags *f);

/* rootfsPropagation value -> MS_* (| MS_REC); -1 if unknown. */
long hull_propagation_flags (const char *value);

/* True for type "bind" or a bind/rbind option. */
bool hull_mount_is_bind (const hull_mount *m);

/* MS_* flags of the mount at path, from statvfs(3): what a remount must
   restate (nosuid, nodev, noexec, atime, ro). 0 if statvfs fails. */
unsigned long hull_mount_statvfs_flags (const char *path);

/* "/dev", "//dev/", "dev" all name the container's /dev. */
bool hull_is_dev_path (const char *path);

/* Mounts one spec entry inside the rootfs rooted at rootfd (before pivot). */
int hull_mount_entry (int rootfd, const hull_rootfs_opts *opts, const hull_mount *m, hull_error *err);

/* After pivot: remounts read-only the tmpfs and /dev mounts that asked
   for "ro", which hull_mount_entry mounted writable (as runc: files and
   directories are still made in them, /dev/pts, device nodes, ...). */
int hull_mounts_finalize_readonly (const hull_spec *spec, hull_error *err);

/* Mounts `source` (a host path) onto the O_PATH fd with MS_BIND, then
   remounts with `flags` when they carry anything beyond MS_BIND|MS_REC.
   `dest` is for messages only. */
int hull_bind_onto (const char *source, int rootfd, const char *dest, unsigned long flags,
                    hull_error *err);

/* ---- devices.c ---- */

/* Default /dev nodes, linux.devices, /dev/ptmx, /dev/{fd,stdin,...}
   symlinks. Skipped by the caller when /dev is bound from the host. */
int hull_dev_setup (int rootfd, const hull_rootfs_opts *opts, hull_error *err);

/* ---- pivot.c ---- */

/* Makes `rootfs` (a mount point) the process's root and cwd: pivot_root(2)
   and a lazy unmount of the old root, or MS_MOVE + chroot(2). */
int hull_pivot_root (const char *rootfs, hull_error *err);
int hull_move_root (const char *rootfs, hull_error *err);

#endif
